use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM … as name` where the `AS` keyword is not written in the same case as `FROM`
    /// (`FROM image as builder`, `from image AS builder`).
    ///
    /// ## Why is this bad?
    /// Keywords in one case are easier to read; a lone lower-case `as` after an upper-case
    /// `FROM` looks like part of the image name. When `FROM` itself is in mixed case (`From`),
    /// this rule stays quiet and `inconsistent-instruction-casing` reports the keyword instead.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 as build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22 AS build
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the keyword's case changes.
    pub FromAsCasing {
        code: "DO702",
        name: "from-as-casing",
        category: Style,
        severity: Style,
        fix: Always,
        scope: EveryStage,
        aliases: ["buildkit:FromAsCasing"],
    }
}

impl Rule for FromAsCasing {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let ins = stage.from_ins;
            let Some((as_token, _)) = ins.from_args().and_then(|f| f.alias) else {
                continue;
            };
            let kw = ins.keyword_text();
            let as_kw = ins.text_of(as_token);
            let want = if kw == kw.to_ascii_lowercase() {
                "as"
            } else if kw == kw.to_ascii_uppercase() {
                "AS"
            } else {
                // a mixed-case FROM is inconsistent-instruction-casing's finding
                continue;
            };
            if as_kw == want {
                continue;
            }
            let fix = Fix::safe(
                format!("write `{want}`"),
                vec![Edit::replace(as_token.span, want)],
            );
            ctx.report_fix(
                as_token.span,
                format!("`{as_kw}` is not in the case of `{kw}`"),
                format!("write `{kw} … {want} name`"),
                Some(fix),
            );
        }
    }
}
