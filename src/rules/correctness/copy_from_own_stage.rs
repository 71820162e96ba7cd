use crate::rule::{Context, Rule};
use crate::semantic::Semantic;
use crate::syntax::mount::parse_mount;
use crate::syntax::{Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from` (or `RUN --mount=…,from=`) that names the stage it is in, by name
    /// or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot read from itself: BuildKit stops with "circular dependency detected on
    /// stage". The reference is usually a copy-paste slip for an earlier stage's name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3023) compares `--from` with the stage's name only, with case; dockopt
    /// resolves it as BuildKit does (names without case, numeric indexes, the last stage of a
    /// repeated name) and checks `RUN --mount=…,from=` too.
    pub CopyFromOwnStage {
        code: "DO106",
        name: "copy-from-own-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3023"],
    }
}

/// The stage a `--from` / `from=` reference names, as BuildKit resolves it once every stage is
/// known: a number is an index, a name is the last stage of that name (case-insensitive).
pub fn referenced_stage(sem: &Semantic<'_>, reference: &str) -> Option<usize> {
    if let Ok(n) = reference.parse::<usize>() {
        return (n < sem.stages.len()).then_some(n);
    }
    sem.last_stage_named(reference, usize::MAX)
}

/// Every stage reference of an instruction: `COPY --from` and `RUN --mount=…,from=`, with the
/// flag's span.
pub fn from_references(ins: &Instruction) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    match ins.kind {
        Kind::Copy => {
            if let Some(f) = ins.flag("from")
                && let Some(v) = f.value()
            {
                out.push((f.token.span, v.to_string()));
            }
        }
        Kind::Run => {
            for f in ins.flags_named("mount") {
                if let Some(v) = f.value()
                    && let Ok(m) = parse_mount(v)
                    && let Some(from) = m.from()
                {
                    out.push((f.token.span, from.to_string()));
                }
            }
        }
        _ => {}
    }
    out
}

impl Rule for CopyFromOwnStage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                for (span, reference) in from_references(ins) {
                    if referenced_stage(sem, &reference) != Some(stage.index) {
                        continue;
                    }
                    let what = if ins.kind == Kind::Copy {
                        "COPY --from="
                    } else {
                        "RUN --mount=…,from="
                    };
                    ctx.report(
                        span,
                        format!(
                            "`{what}{reference}` names the stage it is in: a stage cannot read from itself"
                        ),
                    )
                    .help("name an earlier stage, or move this step into a new stage")
                    .label(
                        stage.name_token.map_or(stage.from_ins.span, |t| t.span),
                        "the current stage",
                    );
                }
            }
        }
    }
}
