use super::labels;
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a label of `[labels] schema` in `dockopt.toml` that the image does not set. Does
    /// nothing without a schema.
    ///
    /// ## Why is this bad?
    /// A schema lists what every image of the project must say about itself (source, version,
    /// licenses, owner); registries, scanners and people rely on it.
    ///
    /// Looks at the final stage: a label set in a stage it is built on counts (labels are
    /// inherited), one set in a builder stage does not (it never reaches the image). Labels the
    /// base image sets are not visible here.
    ///
    /// ```toml
    /// [labels.schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks every stage that no other stage copies from, builder stages included.
    pub MissingLabel {
        code: "DO621",
        name: "missing-label",
        category: Maintainability,
        severity: Info,
        fix: None,
        scope: FinalStage,
        aliases: ["DL3049"],
    }
}

impl Rule for MissingLabel {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let schema = &ctx.settings.label_schema;
        if schema.is_empty() {
            return;
        }
        let sem = ctx.semantic;
        let Some(last) = sem.final_stage() else {
            return;
        };
        let set = labels::shipped_pairs(sem);
        let missing: Vec<String> = schema
            .keys()
            .filter(|k| !set.iter().any(|p| &p.key == *k))
            .cloned()
            .collect();
        for key in missing {
            ctx.report(last.from_ins.span, format!("label `{key}` is missing"))
                .help(format!("add `LABEL {key}=…` to the final stage"));
        }
    }
}
