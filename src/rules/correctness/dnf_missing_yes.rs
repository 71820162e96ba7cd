use super::missing_yes::{Insert, YesCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
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

fn answered(pm: &PmCmd<'_, '_>) -> bool {
    pm.has_option(&["-y", "--assumeyes"])
        || pm.argv.args().iter().any(|w| {
            let v = w.value.to_ascii_lowercase();
            v.contains("assumeyes=") && !v.ends_with("=0") && !v.ends_with("=false")
        })
}

/// Transactions ask; `group` and `module` ask for their changing subcommands.
fn asks(pm: &PmCmd<'_, '_>) -> bool {
    const CHANGES: &[&str] = &[
        "install",
        "groupinstall",
        "localinstall",
        "reinstall",
        "remove",
        "erase",
        "groupremove",
        "autoremove",
        "update",
        "upgrade",
        "groupupdate",
        "update-minimal",
        "upgrade-minimal",
        "downgrade",
        "distro-sync",
        "swap",
    ];
    let mut ops = pm.operands().map(|(_, w)| &*w.value);
    match ops.next() {
        Some("group" | "groups" | "module") => ops.next().is_some_and(|s| {
            CHANGES.contains(&s)
                || matches!(s, "enable" | "disable" | "reset" | "switch-to" | "mark")
        }),
        Some(s) => CHANGES.contains(&s),
        None => false,
    }
}

const SPEC: YesCheck = YesCheck {
    managers: &["dnf"],
    never_ask: &["microdnf"],
    asks,
    answered,
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
