use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `spdx` (in `[labels] schema` of `dockopt.toml`) and
    /// whose value is not an SPDX license expression (`MIT`, `Apache-2.0 OR MIT`). Does
    /// nothing without a schema.
    ///
    /// ## Why is this bad?
    /// License scanners and registries read `org.opencontainers.image.licenses` as SPDX; a
    /// free-form name (`Apache License 2`) is not recognised.
    ///
    /// Looks at the labels of the final stage and the stages it is built on. A value that uses
    /// a variable the file does not set, and an empty value, are not checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.licenses" = "spdx"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.licenses="apache2"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Fix safety
    /// A value SPDX's own fix-up understands (`apache2`, `mit`, `GPL-3.0+`, `MIT/Apache-2.0`)
    /// is rewritten in canonical form: unsafe, as the label's value changes.
    ///
    /// ## Differences from hadolint
    /// hadolint accepts one license identifier only; dockopt accepts any SPDX expression
    /// (`MIT OR Apache-2.0`), as the OCI annotation spec asks for.
    pub InvalidLabelLicense {
        code: "DO626",
        name: "invalid-label-license",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3054"],
    }
}

impl Rule for InvalidLabelLicense {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Spdx,
            labels::is_spdx,
            |v| spdx::Expression::canonicalize(v).ok().flatten(),
            "use SPDX license identifiers (https://spdx.org/licenses/), joined with AND / OR",
        );
    }
}
