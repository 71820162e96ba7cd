use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `zypper install` (`zypper in`) of packages without a version constraint (`curl`
    /// instead of `curl=8.6.0` or `'curl>=8.6'`). One finding per `RUN`, listing them.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the repositories hold on the day it runs. A rebuild of the
    /// same commit can get a different version, and an update can break the image without a
    /// change to the Dockerfile.
    ///
    /// Not flagged: constraints with `=`, `<` or `>`, `.rpm` files and URLs, installs of
    /// patterns, patches or products (`-t pattern`), and operands that are a single expansion
    /// (`$PACKAGES`) unless the file defines that variable, in which case its words are
    /// checked. Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean --all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3037) takes option values (`--from repo`) and pattern names for packages,
    /// and flags packages given by a variable whose value it cannot see.
    pub UnpinnedZypperPackage {
        code: "DO510",
        name: "unpinned-zypper-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3037"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    if !pm.sub_is(&["install", "in"]) {
        return None;
    }
    // `-t pattern|patch|product|srcpackage`: not versioned packages
    let words = pm.argv.words;
    let typed = words.iter().enumerate().any(|(i, w)| {
        let v: &str = &w.value;
        let ty = match v.strip_prefix("--type=") {
            Some(t) => Some(t),
            None if v == "-t" || v == "--type" => words.get(i + 1).map(|n| &*n.value),
            None => None,
        };
        ty.is_some_and(|t| t != "package")
    });
    (!typed).then(|| pm.args_after(1).collect())
}

fn pinned(p: &str) -> bool {
    p.contains(['=', '<', '>']) || p.ends_with(".rpm")
}

fn help(p: &str) -> String {
    format!("pin the version you test against: `{p}=<version>` (see `zypper info {p}`)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["zypper"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedZypperPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
