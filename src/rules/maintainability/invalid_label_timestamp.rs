use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `rfc3339` (in `[labels] schema` of `dockopt.toml`)
    /// and whose value is not an RFC 3339 date-time (`2024-05-01T12:30:00Z`). Does nothing
    /// without a schema.
    ///
    /// ## Why is this bad?
    /// Tools that read `org.opencontainers.image.created` and similar labels parse them as
    /// RFC 3339; another format is dropped or misread.
    ///
    /// Looks at the labels of the final stage and the stages it is built on. A value that uses
    /// a variable the file does not set (`LABEL …created=$BUILD_DATE`), and an empty value, are
    /// not checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.created" = "rfc3339"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ARG BUILD_DATE
    /// LABEL org.opencontainers.image.created=$BUILD_DATE
    /// ```
    ///
    /// ## Fix safety
    /// A date and time separated by a space (`2024-05-01 12:30:00Z`) get the `T`: unsafe, as
    /// the label's value changes.
    pub InvalidLabelTimestamp {
        code: "DO625",
        name: "invalid-label-timestamp",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3053"],
    }
}

impl Rule for InvalidLabelTimestamp {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Rfc3339,
            labels::is_rfc3339,
            |v| Some(v.replacen(' ', "T", 1)),
            "write the time as RFC 3339 (`2024-05-01T12:30:00Z`), or pass it in with a build argument",
        );
    }
}
