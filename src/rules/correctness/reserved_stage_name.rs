use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::rename_stage_edits;
use crate::semantic::BaseKind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a stage named `scratch` or `context` (`FROM alpine AS scratch`).
    ///
    /// ## Why is this bad?
    /// Both names already mean something: `scratch` is the empty image and `context` the build
    /// context. A stage with such a name shadows them, so a later `FROM scratch` silently
    /// builds on that stage instead of the empty image, and readers cannot tell which one is
    /// meant.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// RUN echo hi > /hi
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch-stage
    /// RUN echo hi > /hi
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the stage is renamed (`scratch-stage`) together with every later reference to it,
    /// `FROM scratch` lines included, so the build stays the same; but the stage name is also a
    /// `--target` name that scripts may use.
    pub ReservedStageName {
        code: "DO143",
        name: "reserved-stage-name",
        category: Correctness,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3063", "buildkit:ReservedStageName"],
    }
}

const RESERVED: &[&str] = &["context", "scratch"];

impl Rule for ReservedStageName {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let (Some(name), Some(token)) = (stage.name, stage.name_token) else {
                continue;
            };
            let lower = name.to_lowercase();
            if !RESERVED.contains(&lower.as_str()) {
                continue;
            }
            let taken = |n: &str| sem.stages.iter().any(|s| s.is_named(n));
            let mut new_name = format!("{lower}-stage");
            let mut k = 2;
            while taken(&new_name) {
                new_name = format!("{lower}-stage-{k}");
                k += 1;
            }
            let mut edits = rename_stage_edits(sem, stage.index, &new_name);
            // BuildKit resolves a later `FROM scratch` to this stage
            for later in &sem.stages[stage.index + 1..] {
                if later.base.kind == BaseKind::Scratch
                    && later.base.raw == lower
                    && sem.stages[stage.index + 1..later.index]
                        .iter()
                        .all(|s| !s.is_named(&lower))
                {
                    edits.push(Edit::replace(later.base.token.span, &new_name));
                }
            }
            let fix = Fix::unsafe_(format!("rename the stage to `{new_name}`"), edits);
            ctx.report_fix(
                token.span,
                format!("stage name `{name}` is reserved"),
                format!(
                    "`{lower}` already names {}; choose another name",
                    if lower == "scratch" {
                        "the empty image"
                    } else {
                        "the build context"
                    }
                ),
                Some(fix),
            );
        }
    }
}
