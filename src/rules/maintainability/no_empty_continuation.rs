use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Span, TriviaKind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an empty line inside an instruction continued with the escape character:
    ///
    /// ```text
    /// RUN apk add \
    ///
    ///     curl
    /// ```
    ///
    /// ## Why is this bad?
    /// BuildKit skips such lines today but has deprecated them: a future Dockerfile syntax will
    /// reject the file. They also look like the end of the instruction when they are not, so the
    /// next line (possibly a whole instruction) silently becomes part of it.
    ///
    /// Reported once per instruction, at its first empty line. Comment lines inside a
    /// continuation are fine. Looks at the whole file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///
    ///     curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///     curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the empty lines are deleted; BuildKit already ignored them, so the instruction is
    /// the same.
    pub NoEmptyContinuation {
        code: "DO640",
        name: "no-empty-continuation",
        category: Maintainability,
        severity: Warning,
        fix: Always,
        scope: File,
        aliases: ["buildkit:NoEmptyContinuation"],
    }
}

impl Rule for NoEmptyContinuation {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for ins in &ctx.semantic.instructions {
            let empty: Vec<Span> = ins
                .trivia
                .iter()
                .filter(|t| t.kind == TriviaKind::EmptyContinuation)
                .map(|t| t.line_span)
                .collect();
            let Some(first) = empty.first() else {
                continue;
            };
            let text = &ctx.src[first.range()];
            let shown = Span {
                start: first.start,
                end: first.start + text.trim_end_matches(['\r', '\n']).len() as u32,
            };
            let n = empty.len();
            let fix = Fix::safe(
                if n == 1 {
                    "delete the empty line".to_string()
                } else {
                    format!("delete the {n} empty lines")
                },
                empty.iter().map(|s| Edit::delete(*s)).collect(),
            );
            let msg = if n == 1 {
                format!("empty continuation line in `{}`", ins.keyword_text())
            } else {
                format!("{n} empty continuation lines in `{}`", ins.keyword_text())
            };
            ctx.report_fix(
                shown,
                msg,
                "delete the empty line, or put a comment on it",
                Some(fix),
            );
        }
    }
}
