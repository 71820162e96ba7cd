use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apk add` of packages without a version constraint (`curl` instead of
    /// `curl=8.14.1-r1` or `curl~8.14`). One finding per `RUN`, listing the unpinned packages.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the Alpine repositories hold on the day it runs. A rebuild
    /// of the same commit can get a different version, and a package update can break the
    /// image without a change to the Dockerfile.
    ///
    /// Not flagged: constraints with `=`, `~`, `<` or `>`, local `.apk` files, the name given
    /// to `--virtual`/`-t`, and operands that are a single expansion (`$PACKAGES`) unless the
    /// file defines that variable (an assignment earlier in the `RUN`, `ENV`, an `ARG`
    /// default), in which case its words are checked. Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// RUN apk add --no-cache curl~8.14
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3018) flags packages given by a variable whose value it cannot see
    /// (`apk add $PKGS`), and misses `apk add` behind `sudo`, a full path or `sh -c`.
    pub UnpinnedApkPackage {
        code: "DO504",
        name: "unpinned-apk-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3018"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    pm.sub_is(&["add"]).then(|| pm.args_after(1).collect())
}

fn pinned(p: &str) -> bool {
    p.contains(['=', '~', '<', '>']) || p.ends_with(".apk")
}

fn help(p: &str) -> String {
    // `name@repository`: the tag picks a repository, not a version
    let p = p.split_once('@').map_or(p, |(n, _)| n);
    format!("pin the version you test against: `{p}=<version>` or `{p}~<major.minor>`")
}

const SPEC: PinCheck = PinCheck {
    managers: &["apk"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedApkPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
