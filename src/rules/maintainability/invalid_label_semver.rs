use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `semver` (in `[labels] schema` of `dockopt.toml`) and
    /// whose value is not a semantic version (`1.4.2`, `2.0.0-rc.1`). Does nothing without a
    /// schema.
    ///
    /// ## Why is this bad?
    /// Tools that compare `org.opencontainers.image.version` values need a version they can
    /// order.
    ///
    /// Looks at the labels of the final stage and the stages it is built on. A value that uses
    /// a variable the file does not set, and an empty value, are not checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## Fix safety
    /// A leading `v` (`v1.4.2`) is dropped when the rest is a version: unsafe, as the label's
    /// value changes.
    pub InvalidLabelSemver {
        code: "DO628",
        name: "invalid-label-semver",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3056"],
    }
}

impl Rule for InvalidLabelSemver {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Semver,
            labels::is_semver,
            |v| v.strip_prefix(['v', 'V']).map(str::to_string),
            "write MAJOR.MINOR.PATCH, with an optional -prerelease and +build",
        );
    }
}
