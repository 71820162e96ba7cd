use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `hash` (in `[labels] schema` of `dockopt.toml`) and
    /// whose value is not a git commit hash: lower-case hex, 7 to 40 characters (or 64 for a
    /// SHA-256 repository). Does nothing without a schema.
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.revision` is how an image is traced back to its source; a
    /// branch name or a tag moves, and a malformed hash points nowhere.
    ///
    /// Looks at the labels of the final stage and the stages it is built on. A value that uses
    /// a variable the file does not set (`…revision=$GIT_SHA`), and an empty value, are not
    /// checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.revision" = "hash"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ARG GIT_SHA
    /// LABEL org.opencontainers.image.revision=$GIT_SHA
    /// ```
    ///
    /// ## Fix safety
    /// An upper-case hash is lower-cased: unsafe, as the label's value changes.
    ///
    /// ## Differences from hadolint
    /// hadolint accepts only 7 or 40 characters; dockopt accepts any abbreviation git prints
    /// (7 to 40) and SHA-256 hashes (64).
    pub InvalidLabelHash {
        code: "DO627",
        name: "invalid-label-hash",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3055"],
    }
}

impl Rule for InvalidLabelHash {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Hash,
            |v| labels::is_git_hash(v) && labels::is_lower_hex(v),
            |v| Some(v.to_ascii_lowercase()),
            "set the full commit hash (`git rev-parse HEAD`), for example through a build argument",
        );
    }
}
