use super::package_pin::{PinCheck, check, rpm_packages, rpm_pinned};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `tdnf install` (the package manager of Azure Linux and Photon OS) of packages
    /// without a version (`ca-certificates` instead of `ca-certificates-3.0.0`). One finding per
    /// `RUN`, listing them.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the repositories hold on the day it runs. A rebuild of the
    /// same commit can get a different version, and an update can break the image without a
    /// change to the Dockerfile.
    ///
    /// A package counts as pinned when a dash-separated part after its name looks like a
    /// version (starts with a digit) or is a variable. `.rpm` files, URLs and groups need no
    /// pin. Every stage is looked at. The same check as `unpinned-dnf-package` (DL3041), kept
    /// apart because hadolint does not know `tdnf`: teams comparing with hadolint can tell the
    /// two apart, and select or ignore them separately.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM mcr.microsoft.com/azurelinux/base/core:3.0
    /// RUN tdnf install -y ca-certificates && tdnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM mcr.microsoft.com/azurelinux/base/core:3.0
    /// RUN tdnf install -y ca-certificates-3.0.0 && tdnf clean all
    /// ```
    pub UnpinnedTdnfPackage {
        code: "DO513",
        name: "unpinned-tdnf-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: [],
    }
}

fn help(p: &str) -> String {
    format!("pin the version you test against: `{p}-<version>` (see `tdnf list {p}`)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["dnf"],
    packages: rpm_packages,
    pinned: rpm_pinned,
    help,
    programs: Some(|p| p == "tdnf"),
};

impl Rule for UnpinnedTdnfPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
