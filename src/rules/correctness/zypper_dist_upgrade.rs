use crate::rule::{Context, Rule};
use crate::rules::pm::manager;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` (`zypper dup`) in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `dist-upgrade` moves the system to whatever its repositories now hold, vendor changes
    /// and downgrades included: on openSUSE Tumbleweed that is a new snapshot of the whole
    /// distribution, on Leap it can cross to another service pack. The image is no longer the
    /// base it names, and the same Dockerfile builds a different system from one day to the
    /// next. Start from a newer base image instead, or install the updates you need with
    /// `zypper patch` or `zypper update <package>`.
    ///
    /// There is no fix: what to use instead is a judgement call. Every stage is looked at.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive dist-upgrade && zypper clean --all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive patch && zypper clean --all
    /// ```
    pub ZypperDistUpgrade {
        code: "DO179",
        name: "zypper-dist-upgrade",
        category: Correctness,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3035"],
    }
}

impl Rule for ZypperDistUpgrade {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for i in 0..sem.instructions.len() {
            let found = crate::rules::pm::pm_commands_of(sem, i).find(|c| {
                manager(c)
                    .is_some_and(|pm| pm.name == "zypper" && pm.sub_is(&["dist-upgrade", "dup"]))
            });
            if let Some(c) = found {
                ctx.report(c.span(sem, c.command.span), "`zypper dist-upgrade` changes the distribution the image is built on")
                    .help("start from a newer base image, or use `zypper patch` / `zypper update <package>`");
            }
        }
    }
}
