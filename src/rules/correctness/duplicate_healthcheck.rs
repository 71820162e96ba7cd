use super::used_once::report_overridden;
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `HEALTHCHECK` that a later `HEALTHCHECK` of the same stage replaces (including a
    /// later `HEALTHCHECK NONE`).
    ///
    /// ## Why is this bad?
    /// An image has one health check: only the last `HEALTHCHECK` of a stage counts. An earlier
    /// one, with its interval, timeout and command, is dead text that misleads whoever tunes it.
    ///
    /// Each stage is checked on its own; `ONBUILD HEALTHCHECK` triggers are not counted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    /// HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost/health"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost/health"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `HEALTHCHECK`; the image config is the same, only a
    /// history entry goes.
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `MultipleInstructionsDisallowed` reports the overridden instruction too, for
    /// `CMD`, `ENTRYPOINT` and `HEALTHCHECK` alike; dockopt has one rule per instruction so each
    /// can be turned off alone (selecting `MultipleInstructionsDisallowed` picks all three).
    pub DuplicateHealthcheck {
        code: "DO103",
        name: "duplicate-healthcheck",
        category: Correctness,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3012", "buildkit:MultipleInstructionsDisallowed"],
    }
}

impl Rule for DuplicateHealthcheck {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        report_overridden(ctx, Kind::Healthcheck);
    }
}
