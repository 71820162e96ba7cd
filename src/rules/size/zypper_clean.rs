use super::cleanup::{CleanupCheck, check};
use crate::diagnostic::Applicability;
use crate::rule::{Context, Rule};
use crate::rules::common::Cmd;
use crate::rules::pm::manager;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs, updates or refreshes with `zypper` and does not run
    /// `zypper clean` (or remove `/var/cache/zypp`) after it in the same `RUN`, in a stage
    /// that ends up in the final image.
    ///
    /// ## Why is this bad?
    /// zypper keeps the repository metadata and solver caches (tens of MB) and, when
    /// `keeppackages` is on, the downloaded packages in `/var/cache/zypp`. They stay in the
    /// layer; cleaning in a later `RUN` saves nothing.
    ///
    /// Not flagged: `RUN --mount=type=cache` (or `tmpfs`) over `/var/cache/zypp`, and stages
    /// that are only copied from (`COPY --from`), whose layers do not ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: appends `&& zypper clean --all`, which removes the metadata and package caches
    /// and nothing else. Not offered for exec-form or heredoc `RUN`s.
    /// Not offered either when the install runs only on some paths (inside `if`, a loop, a
    /// subshell or `sh -c`): the appended cleanup would run on every path.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3036) flags every stage, builder stages whose layers never ship included,
    /// and only looks at `zypper install`.
    pub ZypperClean {
        code: "DO208",
        name: "zypper-clean",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3036"],
    }
}

fn fills(c: &Cmd<'_, '_>) -> bool {
    manager(c).is_some_and(|pm| {
        pm.name == "zypper"
            && pm.sub_is(&[
                "install",
                "in",
                "update",
                "up",
                "patch",
                "dist-upgrade",
                "dup",
                "source-install",
                "si",
                "install-new-recommends",
                "inr",
                "refresh",
                "ref",
            ])
    })
}

fn cleans(c: &Cmd<'_, '_>) -> bool {
    if let Some(pm) = manager(c) {
        return pm.name == "zypper" && pm.sub_is(&["clean", "cc"]);
    }
    c.program() == Some("rm")
        && c.argv()
            .positional()
            .any(|w| w.value.starts_with("/var/cache/zypp"))
}

fn fix(_: &Context<'_>, _: &Cmd<'_, '_>) -> Option<(String, Applicability)> {
    Some(("zypper clean --all".to_string(), Applicability::Safe))
}

const SPEC: CleanupCheck = CleanupCheck {
    fills,
    cleans,
    cache_dirs: &["/var/cache/zypp"],
    fix,
    message: "zypper caches are left in the layer",
    help: "end this RUN with `&& zypper clean --all`",
};

impl Rule for ZypperClean {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
