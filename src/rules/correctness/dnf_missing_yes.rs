use super::missing_yes::{Insert, YesCheck, check, rpm_answered, rpm_asks};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `dnf install` (and `remove`, `upgrade`, `group install`, …; also `dnf5` and `tdnf`) without `-y` (or `--assumeyes`).
    ///
    /// `microdnf` is not flagged: it never asks (its `-y` does nothing, and older releases
    /// reject it).
    ///
    /// ## Why is this bad?
    /// Without `-y`, dnf asks "Is this ok [y/N]" before changing anything. A build has no
    /// terminal to answer, so dnf reads end of input, takes "no" and fails the build.
    ///
    /// Not flagged: answers given on standard input (`yes | dnf install …`), `--setopt
    /// assumeyes=1`, and stages where an earlier `RUN` sets `assumeyes` in dnf's
    /// configuration. Every stage is looked at.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:42
    /// RUN dnf install httpd-2.4.63 && dnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:42
    /// RUN dnf install -y httpd-2.4.63 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: inserts `-y` after the subcommand. A build that works never had dnf ask (the
    /// question fails it), so `-y` changes nothing it does.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3038) only looks at installs, and misses commands behind `sudo`, a full
    /// path or `sh -c`.
    pub DnfMissingYes {
        code: "DO177",
        name: "dnf-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3038"],
    }
}

const SPEC: YesCheck = YesCheck {
    managers: &["dnf"],
    never_ask: &["microdnf"],
    asks: rpm_asks,
    answered: rpm_answered,
    config: &["assumeyes", ".conf"],
    option: "-y",
    insert: Insert::AfterSub,
    message: "dnf will ask for confirmation, and the build cannot answer",
    help: "add `-y` so dnf does not stop to ask",
};

impl Rule for DnfMissingYes {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
