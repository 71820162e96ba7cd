use super::labels;
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// With `strict = true` under `[labels]` in `dockopt.toml`, flags a `LABEL` that sets a
    /// label the schema does not list. Does nothing otherwise.
    ///
    /// ## Why is this bad?
    /// A strict schema is the list of labels a project agreed on; others are typos of schema
    /// keys or metadata nobody maintains.
    ///
    /// Looks at the final stage and the stages it is built on: labels of builder stages (like
    /// `LABEL stage=builder` for pruning) never reach the image.
    ///
    /// ```toml
    /// [labels]
    /// strict = true
    /// [labels.schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="https://github.com/example/app" team="core"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks the LABELs of every stage.
    pub UnknownLabel {
        code: "DO622",
        name: "unknown-label",
        category: Maintainability,
        severity: Info,
        fix: None,
        scope: FinalStage,
        aliases: ["DL3050"],
    }
}

impl Rule for UnknownLabel {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        if !ctx.settings.strict_labels {
            return;
        }
        let schema = &ctx.settings.label_schema;
        let pairs = labels::shipped_pairs(ctx.semantic);
        let mut i = 0;
        while i < pairs.len() {
            // one finding per LABEL instruction
            let index = pairs[i].index;
            let group: Vec<_> = pairs[i..].iter().take_while(|p| p.index == index).collect();
            i += group.len();
            let unknown: Vec<_> = group
                .iter()
                .filter(|p| !schema.contains_key(&p.key))
                .collect();
            let Some((first, rest)) = unknown.split_first() else {
                continue;
            };
            let d = ctx.report(
                first.kv.key.span,
                format!("label `{}` is not in the label schema", first.key),
            );
            d.help("remove it, or add it to `[labels.schema]` in dockopt.toml");
            for p in rest {
                d.label(p.kv.key.span, format!("`{}` is not in it either", p.key));
            }
        }
    }
}
