use super::used_once::report_overridden;
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage replaces.
    ///
    /// ## Why is this bad?
    /// An image has one entrypoint: only the last `ENTRYPOINT` of a stage counts, every earlier
    /// one is dead text that misleads the reader about what the container runs.
    ///
    /// Each stage is checked on its own: an `ENTRYPOINT` in a builder stage and another in the
    /// final stage are fine. `ONBUILD ENTRYPOINT` triggers are not counted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/docker-entrypoint.sh"]
    /// ENTRYPOINT ["/app/server"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/app/server"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `ENTRYPOINT`; the image config is the same (the last
    /// one wins, and the `CMD` reset an `ENTRYPOINT` causes still happens at the last one). Only a
    /// history entry goes.
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `MultipleInstructionsDisallowed` reports the overridden instruction too, for
    /// `CMD`, `ENTRYPOINT` and `HEALTHCHECK` alike; dockopt has one rule per instruction so each
    /// can be turned off alone (selecting `MultipleInstructionsDisallowed` picks all three).
    pub DuplicateEntrypoint {
        code: "DO111",
        name: "duplicate-entrypoint",
        category: Correctness,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL4004", "buildkit:MultipleInstructionsDisallowed"],
    }
}

impl Rule for DuplicateEntrypoint {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        report_overridden(ctx, Kind::Entrypoint);
    }
}
