use super::used_once::report_overridden;
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `CMD` that a later `CMD` of the same stage replaces.
    ///
    /// ## Why is this bad?
    /// An image has one default command: only the last `CMD` of a stage counts, every earlier one
    /// is dead text. Two `CMD`s usually mean the author expected both to run (a daemon and the
    /// app, say), which they never do.
    ///
    /// Each stage is checked on its own: a `CMD` in a builder stage and another in the final
    /// stage are fine. `ONBUILD CMD` triggers are not counted, and the `CMD` of a `HEALTHCHECK` is
    /// a different thing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ["php-fpm"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY --chmod=755 start.sh /usr/local/bin/start.sh
    /// CMD ["start.sh"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `CMD`. The image config is the same (the last `CMD`
    /// wins either way, and an `ENTRYPOINT` between them still keeps it); only a history entry
    /// goes. If both commands were meant to run, the fix does not do that for you: combine them
    /// by hand.
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `MultipleInstructionsDisallowed` reports the overridden instruction too, for
    /// `CMD`, `ENTRYPOINT` and `HEALTHCHECK` alike; dockopt has one rule per instruction so each
    /// can be turned off alone (selecting `MultipleInstructionsDisallowed` picks all three).
    pub DuplicateCmd {
        code: "DO110",
        name: "duplicate-cmd",
        category: Correctness,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL4003", "buildkit:MultipleInstructionsDisallowed"],
    }
}

impl Rule for DuplicateCmd {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        report_overridden(ctx, Kind::Cmd);
    }
}
