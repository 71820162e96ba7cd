use super::package_pin::{PinCheck, check, rpm_packages, rpm_pinned};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `yum install` of packages without a version (`httpd` instead of
    /// `httpd-2.4.6`), and `yum module install` of a module without a stream
    /// (`nodejs` instead of `nodejs:20`). One finding per `RUN`, listing them.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the repositories hold on the day it runs. A rebuild of the
    /// same commit can get a different version, and an update can break the image without a
    /// change to the Dockerfile.
    ///
    /// A package counts as pinned when a dash-separated part after its name looks like a
    /// version (starts with a digit: `httpd-2.4.6`, `httpd-2.4.6-1.el9`) or is a variable
    /// (`httpd-$HTTPD_VERSION`). Not flagged either: `.rpm` files and URLs, groups
    /// (`@core`, which have no version), and operands that are a single expansion
    /// (`$PACKAGES`) unless the file defines that variable, in which case its words are
    /// checked. Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3033) flags groups (`@core`), and judges a `$VAR` in a package by whether
    /// an `ENV` or `ARG` of that name exists; dockopt reads the value when the file defines
    /// the variable and takes a variable in the version part for the version.
    pub UnpinnedYumPackage {
        code: "DO508",
        name: "unpinned-yum-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3033"],
    }
}

fn help(p: &str) -> String {
    format!("pin the version you test against: `{p}-<version>` (see `yum list {p}`)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["yum"],
    packages: rpm_packages,
    pinned: rpm_pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedYumPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
