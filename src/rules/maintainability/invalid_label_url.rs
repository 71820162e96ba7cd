use super::labels::{self, check_typed};
use crate::rule::{Context, Rule};
use crate::settings::LabelType;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label whose schema type is `url` (in `[labels] schema` of `dockopt.toml`) and
    /// whose value is not an absolute URL (`scheme:…`, RFC 3986). Does nothing without a
    /// schema.
    ///
    /// ## Why is this bad?
    /// Tools that read the label (registries showing the source link, SBOM and provenance
    /// tools) expect a URL they can follow.
    ///
    /// Looks at the labels of the final stage and the stages it is built on (what
    /// `docker build` ships); labels of builder stages never reach the image. A value that uses
    /// a variable the file does not set, and an empty value (`empty-label`), are not checked.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="github.com/example/app"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Fix safety
    /// A value that looks like a host and path (`github.com/example/app`) gets `https://` in
    /// front: unsafe, as the label's value changes and the scheme is a guess.
    pub InvalidLabelUrl {
        code: "DO624",
        name: "invalid-label-url",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3052"],
    }
}

fn suggest(v: &str) -> Option<String> {
    let host = v.split('/').next()?;
    (host.contains('.') && !v.contains("://") && !v.contains(char::is_whitespace))
        .then(|| format!("https://{v}"))
}

impl Rule for InvalidLabelUrl {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check_typed(
            ctx,
            LabelType::Url,
            labels::is_url,
            suggest,
            "write an absolute URL with its scheme (`https://…`)",
        );
    }
}
