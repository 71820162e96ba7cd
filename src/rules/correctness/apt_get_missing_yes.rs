use super::missing_yes::{Insert, YesCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::{PmCmd, apt_simulates};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (and `remove`, `purge`, `upgrade`, `dist-upgrade`, … also with
    /// `apt`) without `-y` (or `--yes`, `--assume-yes`, `-qq`).
    ///
    /// ## Why is this bad?
    /// Without `-y`, apt asks "Do you want to continue? [Y/n]" whenever it must do more than
    /// install exactly the packages named: pull in a dependency, remove or upgrade something.
    /// A build has no terminal to answer, so apt reads end of input and aborts: the build
    /// fails, or works today and fails when a dependency changes.
    ///
    /// Not flagged: simulations (`apt-get install -s`, which never ask), answers given on
    /// standard input (`yes | apt-get install …`), and stages
    /// where an earlier `RUN` sets `APT::Get::Assume-Yes` in apt's configuration (also
    /// `-o APT::Get::Assume-Yes=true` on the command). Every stage is looked at.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Fix safety
    /// Safe: inserts `-y` after the subcommand. A build that works never had apt ask (the
    /// question fails it), so `-y` changes nothing it does; a build that failed on the
    /// question now goes on. `-y` does not allow more than the question would: removing
    /// essential or held packages still needs its own option.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3014) only looks at `apt-get install`, not at removals, upgrades or `apt`,
    /// misses commands behind `sudo`, `env`, a full path or `sh -c`, and flags simulations
    /// (`apt-get install -s`).
    pub AptGetMissingYes {
        code: "DO175",
        name: "apt-get-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3014"],
    }
}

/// `-y`, `--yes`, `--assume-yes`, `-qq` (quiet level 2 implies yes), or the option set with
/// `-o APT::Get::Assume-Yes=true`.
fn answered(pm: &PmCmd<'_, '_>) -> bool {
    if pm.has_option(&["-y", "--yes", "--assume-yes", "--force-yes"]) || apt_simulates(pm) {
        return true;
    }
    let mut quiet = 0;
    for w in pm.argv.args() {
        let v: &str = &w.value;
        if v == "--" {
            break;
        }
        let lower = v.to_ascii_lowercase();
        if lower.contains("apt::get::assume-yes=")
            && !lower.ends_with("=false")
            && !lower.ends_with("=0")
        {
            return true;
        }
        match v {
            "--quiet" => quiet += 1,
            "-q=2" | "--quiet=2" | "-q2" => quiet += 2,
            _ if v.starts_with('-') && !v.starts_with("--") => {
                // a cluster, up to the first letter that takes a value
                for c in v[1..].chars() {
                    if c == 'q' {
                        quiet += 1;
                    } else if "otcaP".contains(c) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    quiet >= 2
}

fn asks(pm: &PmCmd<'_, '_>) -> bool {
    pm.sub_is(&[
        "install",
        "reinstall",
        "remove",
        "purge",
        "autoremove",
        "autopurge",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "build-dep",
        "satisfy",
    ])
}

const SPEC: YesCheck = YesCheck {
    managers: &["apt-get", "apt"],
    never_ask: &[],
    asks,
    answered,
    config: &["apt::get::assume-yes", "apt.conf"],
    option: "-y",
    insert: Insert::AfterSub,
    message: "apt will ask for confirmation, and the build cannot answer",
    help: "add `-y` so apt does not stop to ask",
};

impl Rule for AptGetMissingYes {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
