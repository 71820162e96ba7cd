use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::rename_stage_edits;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM image AS Name`) that is not all lower case.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names anyway: `AS BuilderBase` is the stage `builderbase`,
    /// and `COPY --from=BUILDERBASE` finds it too. Writing names in mixed case suggests a
    /// distinction that does not exist and makes names harder to tell from instruction keywords.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24 AS BuildStage
    /// RUN go build -o /app .
    /// FROM scratch
    /// COPY --from=BuildStage /app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.24 AS buildstage
    /// RUN go build -o /app .
    /// FROM scratch
    /// COPY --from=buildstage /app /app
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the name is lower-cased where it is defined and wherever it is referenced
    /// (`FROM`, `COPY --from`, `RUN --mount=…,from=`). BuildKit already treats the names as
    /// lower case, so the build and `--target` are unchanged.
    pub StageNameCasing {
        code: "DO701",
        name: "stage-name-casing",
        category: Style,
        severity: Style,
        fix: Always,
        scope: EveryStage,
        aliases: ["buildkit:StageNameCasing"],
    }
}

impl Rule for StageNameCasing {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let (Some(name), Some(token)) = (stage.name, stage.name_token) else {
                continue;
            };
            let lower = name.to_lowercase();
            if lower == name {
                continue;
            }
            let fix = Fix::safe(
                format!("rename the stage to `{lower}`"),
                rename_stage_edits(sem, stage.index, &lower),
            );
            ctx.report_fix(
                token.span,
                format!("stage name `{name}` is not lower case"),
                format!("write it `{lower}`; BuildKit lower-cases stage names anyway"),
                Some(fix),
            );
        }
    }
}
