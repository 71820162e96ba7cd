use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD FROM`, `ONBUILD MAINTAINER` and `ONBUILD ONBUILD`: triggers BuildKit
    /// refuses.
    ///
    /// ## Why is this bad?
    /// The build of this image stops at the instruction: a trigger cannot start a new stage,
    /// cannot set the deprecated author field, and cannot register another trigger.
    ///
    /// Looks at every `ONBUILD` of the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ONBUILD MAINTAINER ops@example.com
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// LABEL org.opencontainers.image.authors="ops@example.com"
    /// ```
    ///
    /// ## Fix safety
    /// `ONBUILD ONBUILD X` becomes `ONBUILD X` and `ONBUILD MAINTAINER x` becomes `ONBUILD LABEL
    /// org.opencontainers.image.authors="x"`. Both are unsafe: the file did not build before, so
    /// what the fixed one does is a guess at what was meant. `ONBUILD FROM` has no fix.
    pub OnbuildInvalidTrigger {
        code: "DO120",
        name: "onbuild-invalid-trigger",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        scope: File,
        aliases: ["DL3043"],
    }
}

impl Rule for OnbuildInvalidTrigger {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for ins in sem.instructions.iter().copied() {
            let Some(t) = ins.trigger() else { continue };
            let (message, fix) = match t.kind {
                Kind::Onbuild => (
                    "`ONBUILD ONBUILD` is not allowed: a trigger cannot register another trigger",
                    t.trigger().map(|inner| {
                        Fix::unsafe_(
                            "drop the second ONBUILD",
                            vec![Edit::delete(Span {
                                start: t.keyword.span.start,
                                end: inner.keyword.span.start,
                            })],
                        )
                    }),
                ),
                Kind::From => (
                    "`FROM` is not allowed as an ONBUILD trigger: the build stops here",
                    None,
                ),
                Kind::Maintainer => {
                    let author = t.rest_text().trim();
                    let fix = (!author.is_empty() && !author.contains(['\n', '\r'])).then(|| {
                        let escaped = author.replace('\\', "\\\\").replace('"', "\\\"");
                        Fix::unsafe_(
                            "set the authors label instead",
                            vec![Edit::replace(
                                Span {
                                    start: t.keyword.span.start,
                                    end: t.span.end,
                                },
                                format!(
                                    "{} org.opencontainers.image.authors=\"{escaped}\"",
                                    sem.style().keyword(Kind::Label)
                                ),
                            )],
                        )
                    });
                    (
                        "`MAINTAINER` is not allowed as an ONBUILD trigger: the build stops here",
                        fix,
                    )
                }
                _ => continue,
            };
            let help = match t.kind {
                Kind::From => "start the stage with a top-level FROM; remove this trigger",
                Kind::Maintainer => {
                    "set the author with `LABEL org.opencontainers.image.authors=…` instead"
                }
                _ => "keep a single ONBUILD before the trigger instruction",
            };
            ctx.report_fix(t.keyword.span, message, help, fix)
                .label(ins.keyword.span, "the trigger of this ONBUILD");
        }
    }
}
