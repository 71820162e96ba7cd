use super::labels;
use crate::diagnostic::{Edit, Fix};
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
    /// ## Fix safety
    /// A key one or two letters away from a schema key the image does not set
    /// (`org.opencontainers.image.licence`) is renamed to it: unsafe, as whatever reads the old
    /// key no longer finds it. Other keys have no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint checks the LABELs of every stage.
    pub UnknownLabel {
        code: "DO622",
        name: "unknown-label",
        category: Maintainability,
        severity: Info,
        fix: Sometimes,
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
        let keys: Vec<&str> = schema.keys().map(String::as_str).collect();
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
            // a near miss of a schema key that the image does not set: a typo
            let mut edits = Vec::new();
            for p in &unknown {
                let raw = p.ins.text_of(p.kv.key);
                if let Some(k) = crate::rules::closest(&p.key, &keys)
                    && !pairs.iter().any(|o| o.key == k)
                    && raw == p.key
                    && ctx.text(p.kv.key.span) == raw
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
                {
                    edits.push(Edit::replace(p.kv.key.span, k));
                }
            }
            let fix = (!edits.is_empty()).then(|| Fix::unsafe_("use the schema's key", edits));
            let d = ctx.report_fix(
                first.kv.key.span,
                format!("label `{}` is not in the label schema", first.key),
                "remove it, or add it to `[labels.schema]` in dockopt.toml",
                fix,
            );
            for p in rest {
                d.label(p.kv.key.span, format!("`{}` is not in it either", p.key));
            }
        }
    }
}
