use super::missing_yes::{Insert, YesCheck, check, rpm_answered, rpm_asks};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `yum install` (and `groupinstall`, `localinstall`, `remove`, `update`, …) without `-y` (or `--assumeyes`).
    ///
    /// ## Why is this bad?
    /// Without `-y`, yum asks "Is this ok [y/N]" before changing anything. A build has no
    /// terminal to answer, so yum reads end of input, takes "no" and fails the build.
    ///
    /// Not flagged: answers given on standard input (`yes | yum install …`), `--setopt
    /// assumeyes=1`, and stages where an earlier `RUN` sets `assumeyes` in yum's
    /// configuration. Every stage is looked at.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: inserts `-y` after the subcommand. A build that works never had yum ask (the
    /// question fails it), so `-y` changes nothing it does.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3030) only looks at installs, and misses commands behind `sudo`, a full
    /// path or `sh -c`.
    pub YumMissingYes {
        code: "DO176",
        name: "yum-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3030"],
    }
}

const SPEC: YesCheck = YesCheck {
    managers: &["yum"],
    never_ask: &[],
    asks: rpm_asks,
    answered: rpm_answered,
    config: &["assumeyes", ".conf"],
    option: "-y",
    insert: Insert::AfterSub,
    message: "yum will ask for confirmation, and the build cannot answer",
    help: "add `-y` so yum does not stop to ask",
};

impl Rule for YumMissingYes {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
