use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `email` (in `[labels] schema` of `dockopt.toml`) and
    /// whose value is not an e-mail address (`local@domain`, RFC 5322). Does nothing without a
    /// schema.
    ///
    /// ## Why is this bad?
    /// Tools that contact an image's maintainers read the address from the label; a name, or
    /// an address in angle brackets, is not one.
    ///
    /// Looks at the labels of the final stage and the stages it is built on. A value that uses
    /// a variable the file does not set, and an empty value, are not checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// maintainer = "email"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL maintainer="Ops Team <ops@example.com>"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL maintainer="ops@example.com"
    /// ```
    ///
    /// ## Fix safety
    /// `Name <address>` becomes `address`: unsafe, as the label's value changes.
    pub InvalidLabelEmail {
        code: "DO629",
        name: "invalid-label-email",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3058"],
    }
}

fn suggest(v: &str) -> Option<String> {
    let inner = v.rsplit_once('<')?.1.strip_suffix('>')?;
    Some(inner.trim().to_string())
}

impl Rule for InvalidLabelEmail {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Email,
            labels::is_email,
            suggest,
            "write the address alone (`team@example.com`)",
        );
    }
}
