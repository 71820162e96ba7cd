use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{
    append_to_run, commands_in, commands_of, has_cache_mount, is_sub, shipped_stages,
};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that runs `apt-get update` (or `apt update`) and does not remove
    /// `/var/lib/apt/lists` in the same `RUN`, in a stage that ends up in the final image.
    ///
    /// ## Why is this bad?
    /// The package lists are 20–50 MB of cache the running container never uses. They must go
    /// in the same `RUN` that wrote them: deleting them in a later layer hides them but the
    /// earlier layer still carries their bytes.
    ///
    /// Not flagged: `RUN --mount=type=cache` (or `tmpfs`) over `/var/lib/apt/lists` (the lists
    /// never reach the layer), `apt-get dist-clean` (apt 2.7+, removes the lists), and stages
    /// that are only copied from (`COPY --from`), whose layers do not ship.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3009) only accepts `rm -rf /var/lib/apt/lists/*` as the cleanup, so it flags
    /// the official images that end with `apt-get dist-clean`; dockopt does not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Safe: appends `&& rm -rf /var/lib/apt/lists/*` to the `RUN`; only a cache is removed.
    /// Not offered for exec-form or heredoc `RUN`s, nor when a later `RUN` installs packages
    /// with these lists (removing them would break that `RUN`; join the two instead).
    pub AptListsNotRemoved {
        code: "DO201",
        name: "apt-lists-not-removed",
        category: Size,
        severity: Info,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3009"],
    }
}

/// Commands that remove the apt lists: `rm` of the lists folder, or `apt-get dist-clean`
/// (apt 2.7+, which removes the lists as well as the archives).
fn removes_lists(cmd: &crate::rules::common::Cmd<'_, '_>) -> bool {
    if is_sub(cmd, &["apt-get", "apt"], &["dist-clean"]) {
        return true;
    }
    cmd.program() == Some("rm")
        && cmd.argv().positional().any(|w| {
            let v = w.value.trim_end_matches('/');
            v == "/var/lib/apt/lists/*"
                || v == "/var/lib/apt/lists"
                || v == "/var/lib/apt/lists/*/*"
        })
}

/// Does a RUN in `range` use apt (install, upgrade, …) before updating the lists itself?
fn needs_lists_later(sem: &crate::semantic::Semantic<'_>, range: std::ops::Range<usize>) -> bool {
    for i in range {
        for c in commands_of(sem, i) {
            if is_sub(&c, &["apt-get", "apt", "aptitude"], &["update"]) {
                break;
            }
            if matches!(
                c.program(),
                Some("apt-get" | "apt" | "aptitude" | "apt-cache")
            ) && !is_sub(
                &c,
                &["apt-get", "apt"],
                &[
                    "clean",
                    "autoclean",
                    "dist-clean",
                    "autoremove",
                    "purge",
                    "remove",
                ],
            ) {
                return true;
            }
        }
    }
    false
}

impl Rule for AptListsNotRemoved {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // With docker-clean disabled and cache mounts, the lists live in the mount.
        let shipped = shipped_stages(sem);
        for stage in &sem.stages {
            if !shipped[stage.index] {
                continue;
            }
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if has_cache_mount(ins, "/var/lib/apt/lists")
                    || (has_cache_mount(ins, "/var/lib/apt")
                        && has_cache_mount(ins, "/var/cache/apt"))
                {
                    continue;
                }
                let Some(update) = commands_of(sem, i)
                    .find(|c| is_sub(c, &["apt-get", "apt", "aptitude"], &["update"]))
                else {
                    continue;
                };
                if commands_of(sem, i).any(|c| removes_lists(&c)) {
                    continue;
                }
                let later = commands_in(sem, i + 1..stage.end).any(|c| removes_lists(&c));
                // A later RUN that installs without its own `apt-get update` needs these lists:
                // removing them here would break it. Joining the RUNs is the fix then.
                let needed_later = needs_lists_later(sem, i + 1..stage.end);
                let fix = if needed_later {
                    None
                } else {
                    append_to_run(ctx, ins, "rm -rf /var/lib/apt/lists/*")
                        .map(|e| Fix::safe("remove the apt lists in the same RUN", vec![e]))
                };
                let help = if needed_later {
                    "a later RUN installs with these lists: run `apt-get update`, the install and \
                     `rm -rf /var/lib/apt/lists/*` in one RUN"
                } else if later {
                    "remove them in this RUN: deleting them in a later layer saves nothing"
                } else {
                    "end this RUN with `&& rm -rf /var/lib/apt/lists/*`"
                };
                let span = update.span(sem, update.command.span);
                ctx.report_fix(span, "apt package lists are left in the layer", help, fix);
            }
        }
    }
}
