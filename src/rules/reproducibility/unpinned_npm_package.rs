use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `npm install` (`npm i`, `npm add`) of named packages without a version
    /// (`typescript` instead of `typescript@5.8.3`), and with the `latest` tag. One finding
    /// per `RUN`, listing them.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the registry holds on the day it runs: a rebuild of the same
    /// commit can get a new major version, and a release can break the image without a change
    /// to the Dockerfile. `npm install` with no package names installs what the lockfile says
    /// and is not flagged.
    ///
    /// Not flagged: `name@version` or any other tag or range, git URLs with a `#commit` or
    /// `#semver:` suffix, tarballs (`.tgz`, `.tar.gz`), folders (`./x`, `/x`, `~/x`), and
    /// operands that are a single expansion (`$PACKAGES`) unless the file defines that
    /// variable, in which case its words are checked. Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// RUN npm install -g pnpm
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// RUN npm install -g pnpm@10.12.1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3016) only looks at `npm install` (not `npm i` or `npm add`), accepts
    /// `name@latest` as pinned, and flags packages given by a variable whose value it cannot
    /// see.
    pub UnpinnedNpmPackage {
        code: "DO506",
        name: "unpinned-npm-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3016"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    pm.sub_is(&["install", "i", "add"])
        .then(|| pm.args_after(1).collect())
}

fn pinned(p: &str) -> bool {
    const GIT: &[&str] = &[
        "git://",
        "git+ssh://",
        "git+http://",
        "git+https://",
        "github:",
    ];
    if GIT.iter().any(|g| p.starts_with(g)) {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| p.ends_with(s))
        || ["/", "./", "../", "~/", "file:", "http://", "https://"]
            .iter()
            .any(|s| p.starts_with(s))
        || p == "."
        || p == ".."
    {
        return true;
    }
    // `name@spec` or `@scope/name@spec`; the `latest` tag is no pin
    let name = p
        .strip_prefix('@')
        .map_or(p, |r| r.split_once('/').map_or(r, |(_, n)| n));
    name.split_once('@')
        .is_some_and(|(_, spec)| !spec.is_empty() && spec != "latest")
}

fn help(p: &str) -> String {
    let name = p.strip_suffix("@latest").unwrap_or(p);
    format!("pin the version you test against: `{name}@<version>`")
}

const SPEC: PinCheck = PinCheck {
    managers: &["npm"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedNpmPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
