use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Args, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It fills the image's legacy `author`
    /// field, which registries and tools no longer read; the standard place for the same
    /// information is the OCI label `org.opencontainers.image.authors`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix replaces the instruction with that `LABEL`, in the file's keyword casing,
    /// with `"`, `$` and the escape character escaped so the value stays what it was (a value
    /// wholly in quotes loses them). Only image metadata changes: the label is set and the
    /// legacy author field is not. Not offered when comment lines sit inside the instruction's
    /// continuation lines.
    pub MaintainerDeprecated {
        code: "DO603",
        name: "maintainer-deprecated",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL4000", "buildkit:MaintainerDeprecated"],
    }
}

/// A wholly quoted value without its quotes (`"Jane <j@x>"` → `Jane <j@x>`).
fn strip_quotes(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q))
            && !inner.contains(q)
        {
            return inner;
        }
    }
    s
}

/// `value` as the inside of a double-quoted LABEL value, for escape character `esc`.
pub fn label_value(value: &str, esc: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if c == '"' || c == '$' || c == esc {
            out.push(esc);
        }
        out.push(c);
    }
    out
}

impl Rule for MaintainerDeprecated {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let style = ctx.semantic.style();
        for ins in &ctx.semantic.instructions {
            if ins.kind != Kind::Maintainer {
                continue;
            }
            let fix = match ins.args {
                Args::Text(t) if ins.trivia.is_empty() => {
                    let value = strip_quotes(ins.text_of(t).trim());
                    let label = format!(
                        "{} org.opencontainers.image.authors=\"{}\"",
                        style.keyword(Kind::Label),
                        label_value(value, style.escape)
                    );
                    Some(Fix::safe(
                        "replace with the `org.opencontainers.image.authors` label",
                        vec![Edit::replace(ins.span, label)],
                    ))
                }
                _ => None,
            };
            ctx.report_fix(
                ins.span,
                "`MAINTAINER` is deprecated",
                "set the label `org.opencontainers.image.authors` instead",
                fix,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_for_a_double_quoted_label() {
        assert_eq!(label_value(r#"a "b" $c \d"#, '\\'), r#"a \"b\" \$c \\d"#);
        assert_eq!(label_value("a\"`", '`'), "a`\"``");
        assert_eq!(strip_quotes("\"Jane <j@x>\""), "Jane <j@x>");
        assert_eq!(strip_quotes("\"a\" <b>"), "\"a\" <b>");
    }
}
