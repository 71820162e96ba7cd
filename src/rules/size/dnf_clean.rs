use super::cleanup::{CleanupCheck, check};
use crate::diagnostic::Applicability;
use crate::rule::{Context, Rule};
use crate::rules::common::Cmd;
use crate::rules::pm::manager;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or upgrades with `dnf` (also `microdnf`, `dnf5`, `tdnf`)
    /// and does not run `dnf clean all` (or remove `/var/cache/dnf`) after it in the same
    /// `RUN`, in a stage that ends up in the final image.
    ///
    /// ## Why is this bad?
    /// dnf keeps the repository metadata it downloaded (often 100 MB or more) and, with
    /// `keepcache`, the packages in `/var/cache/dnf` (`/var/cache/libdnf5` for dnf5). They
    /// stay in the layer; cleaning in a later `RUN` saves nothing.
    ///
    /// Not flagged: `RUN --mount=type=cache` (or `tmpfs`) over the cache folder, and stages
    /// that are only copied from (`COPY --from`), whose layers do not ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:42
    /// RUN dnf install -y httpd-2.4.63
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:42
    /// RUN dnf install -y httpd-2.4.63 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: appends `&& dnf clean all` (with the program that installed: `microdnf clean
    /// all`, `tdnf clean all`); only caches are removed. Not offered for exec-form or heredoc
    /// `RUN`s.
    /// Not offered either when the install runs only on some paths (inside `if`, a loop, a
    /// subshell or `sh -c`): the appended cleanup would run on every path.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3040) flags every stage, builder stages whose layers never ship included,
    /// takes `dnf clean packages` (which leaves the metadata) for a cleanup, and does not
    /// know `dnf5` or `tdnf`.
    pub DnfClean {
        code: "DO207",
        name: "dnf-clean",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3040"],
    }
}

fn fills(c: &Cmd<'_, '_>) -> bool {
    manager(c).is_some_and(|pm| {
        if pm.name != "dnf" {
            return false;
        }
        let mut ops = pm.operands().map(|(_, w)| &*w.value);
        match ops.next() {
            Some("group" | "groups" | "module") => ops
                .next()
                .is_some_and(|s| matches!(s, "install" | "upgrade" | "update")),
            Some(s) => matches!(
                s,
                "install"
                    | "in"
                    | "groupinstall"
                    | "localinstall"
                    | "reinstall"
                    | "upgrade"
                    | "up"
                    | "update"
                    | "upgrade-minimal"
                    | "update-minimal"
                    | "downgrade"
                    | "distro-sync"
                    | "swap"
                    | "makecache"
            ),
            None => false,
        }
    })
}

fn cleans(c: &Cmd<'_, '_>) -> bool {
    if let Some(pm) = manager(c) {
        let mut ops = pm.operands().map(|(_, w)| &*w.value);
        return pm.name == "dnf" && ops.next() == Some("clean") && ops.any(|s| s == "all");
    }
    c.program() == Some("rm")
        && c.argv().positional().any(|w| {
            [
                "/var/cache/dnf",
                "/var/cache/yum",
                "/var/cache/libdnf5",
                "/var/cache/tdnf",
            ]
            .iter()
            .any(|d| w.value.starts_with(d))
        })
}

fn fix(_: &Context<'_>, c: &Cmd<'_, '_>) -> Option<(String, Applicability)> {
    let program = manager(c).map_or("dnf", |pm| pm.program);
    Some((format!("{program} clean all"), Applicability::Safe))
}

const SPEC: CleanupCheck = CleanupCheck {
    fills,
    cleans,
    cache_dirs: &[
        "/var/cache/dnf",
        "/var/cache/libdnf5",
        "/var/cache/yum",
        "/var/cache/tdnf",
    ],
    fix,
    message: "dnf caches are left in the layer",
    help: "end this RUN with `&& dnf clean all` (or `microdnf`, `tdnf`, `dnf5 clean all`, as installed)",
};

impl Rule for DnfClean {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
