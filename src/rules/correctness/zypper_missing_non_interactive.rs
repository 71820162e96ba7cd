use super::missing_yes::{Insert, YesCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `zypper install` (and `remove`, `update`, `patch`, `dist-upgrade`,
    /// `source-install`, and their short forms) without `--non-interactive` (`-n`) or the
    /// subcommand's `-y` (`--no-confirm`).
    ///
    /// ## Why is this bad?
    /// Without it, zypper asks "Continue? [y/n/v/...]" before changing anything. A build has
    /// no terminal to answer, so the build stops or fails on the question.
    ///
    /// Not flagged: answers given on standard input (`yes | zypper install …`). Every stage
    /// is looked at.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: inserts the global `--non-interactive` option after `zypper`, which every
    /// subcommand accepts. A build that works never had zypper wait for an answer, so the
    /// option changes nothing it does.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3034) does not look at `update`, `dist-upgrade` or
    /// `install-new-recommends`, and misses commands behind `sudo`, a full path or `sh -c`.
    pub ZypperMissingNonInteractive {
        code: "DO178",
        name: "zypper-missing-non-interactive",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3034"],
    }
}

fn asks(pm: &PmCmd<'_, '_>) -> bool {
    pm.sub_is(&[
        "install",
        "in",
        "remove",
        "rm",
        "source-install",
        "si",
        "patch",
        "update",
        "up",
        "dist-upgrade",
        "dup",
        "install-new-recommends",
        "inr",
    ])
}

fn answered(pm: &PmCmd<'_, '_>) -> bool {
    pm.has_option(&["-n", "--non-interactive", "-y", "--no-confirm"])
}

const SPEC: YesCheck = YesCheck {
    managers: &["zypper"],
    never_ask: &[],
    asks,
    answered,
    config: &[],
    option: "--non-interactive",
    insert: Insert::AfterProgram,
    message: "zypper will ask for confirmation, and the build cannot answer",
    help: "add `--non-interactive` after `zypper` so it does not stop to ask",
};

impl Rule for ZypperMissingNonInteractive {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
