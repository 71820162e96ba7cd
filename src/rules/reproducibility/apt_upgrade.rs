use crate::rule::{Context, Rule};
use crate::rules::pm::manager;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get upgrade`, `dist-upgrade` and `full-upgrade` (also with `apt`) in a
    /// `RUN`.
    ///
    /// ## Why is this bad?
    /// An upgrade makes the image depend on the day it is built: the same Dockerfile and the
    /// same base image give different packages from one build to the next, and a release in
    /// the archive can change or break the image with no change to the file. `dist-upgrade`
    /// may also add or remove packages to get there. It also hides how old the base is: the
    /// image claims `debian:bookworm-20240101` but holds something else.
    ///
    /// Security updates are better taken by moving to a newer base image (the official images
    /// are rebuilt for them) and rebuilding regularly; pin what you install. If you do want
    /// the upgrade, it is a deliberate choice: silence this rule for that line or turn it off.
    /// Every stage is looked at.
    ///
    /// There is no fix: what to use instead is a judgement call.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-20250610-slim
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint dropped its rule for this (DL3005) in 2.x; dockopt keeps the check, with
    /// information severity.
    pub AptUpgrade {
        code: "DO512",
        name: "apt-upgrade",
        category: Reproducibility,
        severity: Info,
        fix: None,
        scope: EveryStage,
        aliases: [],
    }
}

impl Rule for AptUpgrade {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for i in 0..sem.instructions.len() {
            for c in crate::rules::pm::pm_commands_of(sem, i) {
                let Some(pm) = manager(&c) else { continue };
                if !matches!(pm.name, "apt-get" | "apt") {
                    continue;
                }
                let Some(sub) = pm.sub() else { continue };
                if !matches!(&*sub.value, "upgrade" | "dist-upgrade" | "full-upgrade") {
                    continue;
                }
                ctx.report(
                    c.span(sem, c.command.span),
                    format!(
                        "`{} {}` makes the image depend on the day it is built",
                        pm.program, sub.value
                    ),
                )
                .help("take updates from a newer base image instead, and pin what you install");
            }
        }
    }
}
