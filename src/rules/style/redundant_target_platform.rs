use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::Span;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// A stage is built for the target platform unless told otherwise, so the flag says
    /// nothing. It also reads as if it mattered, hiding the stages whose `--platform` does
    /// (`$BUILDPLATFORM` for cross-compiling).
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ```
    ///
    /// ## Fix safety
    /// Safe: removes the flag; the stage is built for the same platform.
    pub RedundantTargetPlatform {
        code: "DO721",
        name: "redundant-target-platform",
        category: Style,
        severity: Style,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3065", "buildkit:RedundantTargetPlatform"],
    }
}

fn is_target_platform(v: &str) -> bool {
    let v = v.trim_matches(['"', '\'']);
    v == "$TARGETPLATFORM"
        || v.strip_prefix("${TARGETPLATFORM")
            .and_then(|r| r.strip_suffix('}'))
            .is_some_and(|r| r.is_empty() || r.starts_with(":-") || r.starts_with('-'))
}

impl Rule for RedundantTargetPlatform {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let ins = stage.from_ins;
            let Some(flag) = ins.flag("platform") else {
                continue;
            };
            if !flag.value().is_some_and(is_target_platform) {
                continue;
            }
            // the flag and the blanks after it
            let after = &ctx.src[flag.token.span.end as usize..];
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            let fix = (blanks > 0).then(|| {
                Fix::safe(
                    "remove --platform",
                    vec![Edit::delete(Span {
                        start: flag.token.span.start,
                        end: flag.token.span.end + blanks as u32,
                    })],
                )
            });
            ctx.report_fix(
                flag.token.span,
                "`--platform=$TARGETPLATFORM` is the default: the flag changes nothing",
                "remove the flag",
                fix,
            );
        }
    }
}
