use super::cleanup::{CleanupCheck, check};
use crate::diagnostic::Applicability;
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_of};
use crate::rules::pm::{PmCmd, manager};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs with Yarn (`yarn`, `yarn install`, `yarn add`, `yarn
    /// global add`) and does not run `yarn cache clean` after it in the same `RUN`, in a stage
    /// that ends up in the final image.
    ///
    /// ## Why is this bad?
    /// Yarn 1 keeps a copy of every package it downloaded in its cache
    /// (`/usr/local/share/.cache/yarn` for root), next to the copy in `node_modules`: often
    /// hundreds of MB in the layer that the app never reads. Cleaning in a later `RUN` saves
    /// nothing.
    ///
    /// Not flagged: `RUN --mount=type=cache` (or `tmpfs`) over the Yarn cache, removing the
    /// cache folder with `rm`, installs that are clearly Yarn 2+ (`--immutable`,
    /// `--immutable-cache`, `--check-cache`, `--mode`: with Plug'n'Play the cache *is* the
    /// installed packages), and stages that are only copied from (`COPY --from`), whose
    /// layers do not ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile --production
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile --production && yarn cache clean
    /// ```
    ///
    /// ## Fix safety
    /// Appends `&& yarn cache clean`. Safe when the `RUN` shows it is Yarn 1 (an option only
    /// Yarn 1 has, such as `--production`, `--pure-lockfile`, `--network-timeout`, or `yarn
    /// global add`): Yarn 1 copies packages into `node_modules`, so only the cache goes.
    /// Unsafe otherwise: with Yarn 2+ and Plug'n'Play the app loads its packages from the
    /// cache, and cleaning it breaks the image.
    /// Not offered for exec-form or heredoc `RUN`s, or when the install runs only on some
    /// paths (inside `if`, a loop, a subshell or `sh -c`): the cleanup would run on every
    /// path.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3060) does not look at a bare `yarn` or `yarn add`, and flags Yarn 2+
    /// installs, where cleaning the cache can break the app.
    pub YarnCacheClean {
        code: "DO209",
        name: "yarn-cache-clean",
        category: Size,
        severity: Info,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3060"],
    }
}

/// Options only Yarn 2+ has.
const BERRY: &[&str] = &[
    "--immutable",
    "--immutable-cache",
    "--check-cache",
    "--mode",
    "--inline-builds",
];

/// Options only Yarn 1 has (Yarn 2+ rejects them).
const CLASSIC: &[&str] = &[
    "--production",
    "--prod",
    "--pure-lockfile",
    "--no-lockfile",
    "--prefer-offline",
    "--network-timeout",
    "--ignore-engines",
    "--non-interactive",
    "--silent",
    "--check-files",
    "--ignore-optional",
    "--modules-folder",
    "--cache-folder",
    "--flat",
    "--har",
];

fn yarn<'s, 'a>(c: &Cmd<'s, 'a>) -> Option<PmCmd<'s, 'a>> {
    manager(c).filter(|pm| pm.name == "yarn")
}

/// `yarn` alone (with options), `yarn install`, `yarn add`, `yarn global add`.
fn installs(pm: &PmCmd<'_, '_>) -> bool {
    let mut ops = pm.operands().map(|(_, w)| &*w.value);
    match ops.next() {
        None => !pm.has_option(&["--version", "-v", "--help", "-h"]),
        Some("install" | "add") => true,
        Some("global") => ops.next() == Some("add"),
        _ => false,
    }
}

fn fills(c: &Cmd<'_, '_>) -> bool {
    yarn(c).is_some_and(|pm| installs(&pm) && !pm.has_option(BERRY))
}

fn cleans(c: &Cmd<'_, '_>) -> bool {
    if let Some(pm) = yarn(c) {
        let mut ops = pm.operands().map(|(_, w)| &*w.value);
        return ops.next() == Some("cache") && ops.next() == Some("clean");
    }
    c.program() == Some("rm") && c.argv().positional().any(|w| w.value.contains("yarn"))
}

fn fix(ctx: &Context<'_>, c: &Cmd<'_, '_>) -> Option<(String, Applicability)> {
    let classic = commands_of(ctx.semantic, c.index).any(|c| {
        yarn(&c).is_some_and(|pm| {
            pm.has_option(CLASSIC) || pm.sub().is_some_and(|s| s.value == "global")
        })
    });
    let applicability = if classic {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    Some(("yarn cache clean".to_string(), applicability))
}

const SPEC: CleanupCheck = CleanupCheck {
    fills,
    cleans,
    cache_dirs: &["yarn"],
    fix,
    message: "Yarn's package cache is left in the layer",
    help: "end this RUN with `&& yarn cache clean` (Yarn 1), or mount a cache over the Yarn cache",
};

impl Rule for YarnCacheClean {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
