use super::labels;
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label of `[labels] schema` in `dockopt.toml` set to an empty value. Does nothing
    /// without a schema.
    ///
    /// ## Why is this bad?
    /// An empty required label satisfies the letter of the schema and none of its purpose,
    /// usually because a build argument was not passed (`LABEL version=$VERSION` with
    /// `ARG VERSION=`).
    ///
    /// Looks at the labels of the final stage and the stages it is built on.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.version=""
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    pub EmptyLabel {
        code: "DO623",
        name: "empty-label",
        category: Maintainability,
        severity: Warning,
        fix: None,
        scope: FinalStage,
        aliases: ["DL3051"],
    }
}

impl Rule for EmptyLabel {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let schema = &ctx.settings.label_schema;
        if schema.is_empty() {
            return;
        }
        for p in labels::shipped_pairs(ctx.semantic) {
            if schema.contains_key(&p.key) && p.value.as_deref() == Some("") {
                ctx.report(p.kv.key.span, format!("label `{}` is empty", p.key))
                    .help("give it a value, or check that the build argument it uses is passed");
            }
        }
    }
}
