use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reports what BuildKit's parser rejects: malformed JSON arrays, ENV or LABEL without a
    /// value, unterminated heredocs, repeated or invalid parser directives, lines over 64 KiB, and
    /// files without instructions.
    ///
    /// ## Why is this bad?
    /// The build fails before any step runs. dockopt keeps parsing after the error so the rest of
    /// the file is still checked, but the file cannot be built until this is fixed, and
    /// `dockopt fix --write` refuses to write a file that does not parse.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DEBUG
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DEBUG=1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's own parser (DL1000) rejects files BuildKit builds fine: comments after a
    /// continuation line, `RUN --mount` without `target`, the `CMD --flag` forms BuildKit's tests
    /// use. dockopt follows BuildKit, so it reports none of those.
    pub SyntaxError {
        code: "DO001",
        name: "syntax-error",
        category: Syntax,
        severity: Error,
        fix: None,
        scope: File,
        aliases: ["DL1000"],
    }
}

impl Rule for SyntaxError {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for e in &ctx.semantic.df.errors {
            ctx.report(e.span, e.message.clone())
                .help("BuildKit cannot parse this; fix the syntax before building");
        }
    }
}
