use super::copy_from_own_stage::{from_references, referenced_stage};
use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::closest;
use crate::semantic::ImageRef;
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from` (or `RUN --mount=…,from=`) that names no stage of the file and no
    /// pinned image: a name no `FROM … AS` defines, an image without a tag or digest, a stage
    /// index past the last stage, or a variable (`--from=$STAGE`, which BuildKit refuses).
    ///
    /// ## Why is this bad?
    /// BuildKit does not stop at an unknown name: it takes a build context of that name if the
    /// build passes one (`--build-context name=…`), and otherwise pulls the image `name:latest`
    /// from Docker Hub. A typo in a stage name becomes a failed pull (or, worse, a copy from
    /// someone's image of that name), and an untagged image makes the build depend on whatever
    /// `latest` is that day.
    ///
    /// Stages are looked up as BuildKit does: names without case, anywhere in the file (a stage
    /// further down is a valid reference), numbers as stage indexes. References to the current
    /// stage are left to `copy-from-own-stage`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=biulder /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=builder /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix safety
    /// When the name is a likely typo of a stage name, the fix replaces it with that name. It is
    /// unsafe: the build may rely on a build context or an image of the unknown name.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3022) accepts only stages defined *above* the `COPY` and any reference with a
    /// `:`; dockopt accepts stages defined anywhere in the file (BuildKit resolves them), and
    /// flags images pinned by neither tag nor digest whatever their shape. It also checks
    /// `RUN --mount=…,from=`, which hadolint does not.
    pub CopyFromUnknownStage {
        code: "DO105",
        name: "copy-from-unknown-stage",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3022"],
    }
}

/// Could `s` be a stage name (as opposed to an image reference)?
fn stage_shaped(s: &str) -> bool {
    !s.contains(['/', ':', '@', '.'])
}

impl Rule for CopyFromUnknownStage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let names: Vec<String> = sem
            .stages
            .iter()
            .filter_map(|s| s.name.map(str::to_ascii_lowercase))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for stage in &sem.stages {
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                let copy = ins.kind == Kind::Copy;
                for (span, r) in from_references(ins) {
                    let shown = if copy {
                        format!("--from={r}")
                    } else {
                        format!("from={r}")
                    };
                    if r.contains('$') {
                        // RUN --mount with a variable is a syntax error reported elsewhere.
                        if copy {
                            ctx.report(
                                span,
                                format!("`{shown}` uses a variable: BuildKit does not expand variables in `--from`"),
                            )
                            .help("define a stage `FROM ${…} AS name` (with a global ARG) and copy from that name");
                        }
                        continue;
                    }
                    if let Ok(n) = r.parse::<usize>() {
                        if n >= sem.stages.len() {
                            ctx.report(
                                span,
                                format!(
                                    "`{shown}`: there is no stage {n} (this file has {} stages, numbered from 0)",
                                    sem.stages.len()
                                ),
                            )
                            .help("use the stage's name or a valid index");
                        }
                        continue;
                    }
                    if referenced_stage(sem, &r).is_some() {
                        continue;
                    }
                    let Some(img) = ImageRef::parse(&r) else {
                        continue;
                    };
                    if img.tag.is_some() || img.digest.is_some() {
                        continue;
                    }
                    if stage_shaped(&r) {
                        let lower = r.to_ascii_lowercase();
                        let guess = closest(&lower, &names);
                        let d = ctx.report(
                            span,
                            format!(
                                "`{shown}` names no stage of this file: BuildKit takes a build context named `{r}` if one is passed, else pulls the image `{r}:latest`"
                            ),
                        );
                        match guess {
                            Some(g) => {
                                let stage_name = sem
                                    .stages
                                    .iter()
                                    .find(|s| s.is_named(g))
                                    .and_then(|s| s.name)
                                    .unwrap_or(g);
                                d.help(format!("did you mean the stage `{stage_name}`?"));
                                if copy {
                                    d.fix(Fix::unsafe_(
                                        format!("copy from the stage `{stage_name}`"),
                                        vec![Edit::replace(span, format!("--from={stage_name}"))],
                                    ));
                                }
                            }
                            None => {
                                d.help("name a stage defined with `FROM … AS name`, or pin an image (`image:tag`)");
                            }
                        }
                    } else {
                        ctx.report(
                            span,
                            format!(
                                "`{shown}` is an image without a tag: the build copies from whatever `latest` is"
                            ),
                        )
                        .help(format!(
                            "pin the image (`{r}:<tag>` or `{r}@sha256:…`), or add a stage `FROM {r}:<tag> AS name` and copy from it"
                        ));
                    }
                }
            }
        }
    }
}
