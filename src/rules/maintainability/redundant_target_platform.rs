use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::remove_flag_edit;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// A stage is built for the target platform unless told otherwise, so the flag says what
    /// would happen anyway and makes readers look for a reason that is not there. Only
    /// `--platform=$BUILDPLATFORM` (or another value) changes anything.
    ///
    /// Not flagged when a global `ARG TARGETPLATFORM=…` gives the variable a default of its
    /// own: then the flag does pin a platform.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20 AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the flag is removed; the stage is built for the same platform.
    pub RedundantTargetPlatform {
        code: "DO642",
        name: "redundant-target-platform",
        category: Maintainability,
        severity: Info,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3065", "buildkit:RedundantTargetPlatform"],
    }
}

/// `$TARGETPLATFORM`, `${TARGETPLATFORM}` or `${TARGETPLATFORM:-…}` (the variable is always
/// set, so a default never applies).
fn is_target_platform(v: &str) -> bool {
    if v == "$TARGETPLATFORM" || v == "${TARGETPLATFORM}" {
        return true;
    }
    v.strip_prefix("${TARGETPLATFORM")
        .and_then(|r| r.strip_prefix(":-").or_else(|| r.strip_prefix('-')))
        .is_some_and(|r| r.ends_with('}') && !r[..r.len() - 1].contains(['$', '}']))
}

impl Rule for RedundantTargetPlatform {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let redefined = sem
            .global_args
            .iter()
            .any(|a| a.0 == "TARGETPLATFORM" && a.1.is_some());
        if redefined {
            return;
        }
        for stage in &sem.stages {
            let ins = stage.from_ins;
            for (i, f) in ins.flags.iter().enumerate() {
                if !f.name().eq_ignore_ascii_case("platform") {
                    continue;
                }
                let Some(v) = f.value() else { continue };
                if !is_target_platform(v) {
                    continue;
                }
                let fix =
                    remove_flag_edit(ins, i).map(|e| Fix::safe("remove `--platform`", vec![e]));
                ctx.report_fix(
                    f.token.span,
                    format!("`--platform={v}` is the default platform of every stage"),
                    "remove the flag",
                    fix,
                );
            }
        }
    }
}
