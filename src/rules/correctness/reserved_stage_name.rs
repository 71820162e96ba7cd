use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a stage named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// Both names already mean something: `scratch` is the empty image and `context` the
    /// build context (`COPY --from=context`, named contexts). A stage of that name makes every
    /// `FROM scratch` or `--from=context` ambiguous to the reader, and BuildKit warns about it.
    ///
    /// Looks at every stage; names compare case-insensitively, as BuildKit does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24 AS context
    /// RUN go build -o /out/app ./...
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=context /out/app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// RUN go build -o /out/app ./...
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: renames the stage to `<name>-stage` and the `FROM` and `COPY --from` lines that
    /// use it. A `docker build --target scratch` or a bake file naming the stage must change
    /// too. No fix when a `RUN --mount` uses the stage or a reference uses a variable.
    pub ReservedStageName {
        code: "DO124",
        name: "reserved-stage-name",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3063", "buildkit:ReservedStageName"],
    }
}

const RESERVED: &[&str] = &["scratch", "context"];

impl Rule for ReservedStageName {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let (Some(name), Some(tok)) = (stage.name, stage.name_token) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if !RESERVED.contains(&lower.as_str()) {
                continue;
            }
            let fix = rename_fix(ctx, stage.index, &format!("{lower}-stage"));
            ctx.report_fix(
                tok.span,
                format!("`{name}` is a reserved word and should not name a stage"),
                format!("rename the stage (`AS {lower}-stage`) and the places that use it"),
                fix,
            );
        }
    }
}

fn rename_fix(ctx: &Context<'_>, index: usize, new: &str) -> Option<Fix> {
    let sem = ctx.semantic;
    let stage = &sem.stages[index];
    if sem.stages.iter().any(|s| s.is_named(new)) {
        return None;
    }
    let mut edits = vec![Edit::replace(stage.name_token?.span, new)];
    // later stages that are built on it
    for s in &sem.stages[index + 1..] {
        if s.base.kind == BaseKind::Stage(index) {
            if s.base.has_vars || ctx.text(s.base.token.span) != s.base.raw {
                return None;
            }
            edits.push(Edit::replace(s.base.token.span, new));
        }
    }
    for (i, ins) in sem.instructions.iter().copied().enumerate() {
        let Some(at) = sem.stage_of[i] else { continue };
        if at <= index {
            continue;
        }
        if ins.kind == Kind::Run
            && ins.flags_named("mount").any(|f| {
                f.value()
                    .and_then(|v| crate::syntax::mount::parse_mount(v).ok())
                    .and_then(|m| m.from().map(|r| sem.resolve_stage(r, at) == Some(index)))
                    .unwrap_or(false)
            })
        {
            return None;
        }
        if ins.kind != Kind::Copy {
            continue;
        }
        let Some(f) = ins.flag("from") else { continue };
        let Some(v) = f.value() else { continue };
        if sem.resolve_stage(v, at) != Some(index) {
            continue;
        }
        if ctx.text(f.token.span) != &*f.word {
            return None;
        }
        let prefix = f.word.split_once('=').map_or("--from", |(p, _)| p);
        edits.push(Edit::replace(f.token.span, format!("{prefix}={new}")));
    }
    Some(Fix::unsafe_(format!("rename the stage to `{new}`"), edits))
}
