use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::maintainability::labels;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `LABEL` key that does not follow Docker's key format: lower-case letters,
    /// digits, `.`, `-`, `_` and `/`, starting with a letter and ending with a letter or digit,
    /// no `..` or `--`, and not in the namespaces Docker reserves (`com.docker.`, `io.docker.`,
    /// `org.dockerproject.`).
    ///
    /// ## Why is this bad?
    /// Label keys are matched exactly: `Version`, `version` and `VERSION` are three labels, and
    /// tools look for the lower-case, reverse-DNS ones (`org.opencontainers.image.version`).
    /// The reserved namespaces belong to Docker itself.
    ///
    /// Looks at every stage. A key that uses a variable is not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL Version="1.4.0"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## Fix safety
    /// A key that only needs lower-casing is lower-cased: unsafe, as whatever reads the old key
    /// no longer finds it. No fix for a key in the label schema, or when the lower-case key is
    /// set elsewhere in the file.
    pub InvalidLabelKey {
        code: "DO720",
        name: "invalid-label-key",
        category: Style,
        severity: Style,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3048"],
    }
}

/// Docker's recommended key format (as hadolint checks it).
pub fn is_valid_key(k: &str) -> bool {
    let b = k.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    first.is_ascii_lowercase()
        && (last.is_ascii_lowercase() || last.is_ascii_digit())
        && b.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_' | b'/')
        })
        && !k.contains("..")
        && !k.contains("--")
        && !["com.docker.", "io.docker.", "org.dockerproject."]
            .iter()
            .any(|ns| k.starts_with(ns))
}

impl Rule for InvalidLabelKey {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let all = labels::pairs(sem, None);
        let mut i = 0;
        while i < all.len() {
            let index = all[i].index;
            let n = all[i..].iter().take_while(|p| p.index == index).count();
            let group = &all[i..i + n];
            i += n;
            let bad: Vec<_> = group
                .iter()
                .filter(|p| !p.key.is_empty() && !p.key.contains('$') && !is_valid_key(&p.key))
                .collect();
            let Some((first, rest)) = bad.split_first() else {
                continue;
            };
            let mut edits = Vec::new();
            for p in &bad {
                let raw = p.ins.text_of(p.kv.key);
                let lower = p.key.to_ascii_lowercase();
                let fixable = is_valid_key(&lower)
                    && !ctx.settings.label_schema.contains_key(&p.key)
                    && ctx.text(p.kv.key.span) == raw
                    && !raw.contains(sem.escape())
                    && !all.iter().any(|o| o.key == lower);
                if fixable {
                    edits.push(Edit::replace(p.kv.key.span, raw.to_ascii_lowercase()));
                }
            }
            let fix = (!edits.is_empty()).then(|| Fix::unsafe_("lower-case the key", edits));
            let d = ctx.report_fix(
                first.kv.key.span,
                format!("label key `{}` does not follow Docker's key format", first.key),
                "use lower-case reverse-DNS keys (`org.opencontainers.image.version`, `com.example.team`)",
                fix,
            );
            for p in rest {
                d.label(p.kv.key.span, format!("`{}` neither", p.key));
            }
        }
    }
}
