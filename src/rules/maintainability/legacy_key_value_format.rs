use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::words::parse_words;
use crate::syntax::{Instruction, KeyValue, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `LABEL` in the legacy `KEY value` form (a space instead of `=`).
    ///
    /// ## Why is this bad?
    /// The legacy form sets one variable to the whole rest of the line, spaces included, which
    /// is easy to misread: `ENV PATH /usr/local/bin PYTHONUNBUFFERED 1` sets `PATH` to
    /// `/usr/local/bin PYTHONUNBUFFERED 1`. It is deprecated; `KEY=value` says exactly where each
    /// value ends and allows several pairs per instruction.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME /srv/app
    /// LABEL maintainer "team@example.com"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/srv/app
    /// LABEL maintainer="team@example.com"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the space becomes `=`, and the parts of the value that were separated by unquoted
    /// whitespace are quoted, so the variable gets exactly the same value (whitespace inside
    /// the value, continuation lines included, is kept as BuildKit kept it).
    pub LegacyKeyValueFormat {
        code: "DO641",
        name: "legacy-key-value-format",
        category: Maintainability,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["buildkit:LegacyKeyValueFormat"],
    }
}

/// The edits turning `KEY value` into `KEY=value`, quoting what needs it.
fn fix_edits(ins: &Instruction, kv: &KeyValue, escape: char) -> Vec<Edit> {
    let value = ins.text_of(kv.value);
    let mut edits = Vec::new();
    let sep = Span {
        start: kv.key.span.end,
        end: kv.value.span.start,
    };
    let words = parse_words(&ins.text, kv.value.logical, escape);
    let one_word = words.len() == 1 && words[0] == kv.value.logical;
    if one_word {
        edits.push(Edit::replace(sep, "="));
    } else if !value.contains(['"', '\'', escape]) {
        // nothing quoted or escaped: quote the whole value
        edits.push(Edit::replace(sep, "=\""));
        edits.push(Edit::insert(kv.value.span.end, "\""));
    } else {
        // quote each run of unquoted whitespace between the words
        edits.push(Edit::replace(sep, "="));
        for pair in words.windows(2) {
            let gap = Span {
                start: pair[0].end,
                end: pair[1].start,
            };
            let src = ins.source_span(gap);
            edits.push(Edit::insert(src.start, "\""));
            edits.push(Edit::insert(src.end, "\""));
        }
    }
    edits
}

impl Rule for LegacyKeyValueFormat {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let escape = ctx.semantic.escape();
        for ins in &ctx.semantic.instructions {
            let ins = match ins.trigger() {
                Some(t) => t,
                None => *ins,
            };
            if !matches!(ins.kind, Kind::Env | Kind::Label) {
                continue;
            }
            for kv in ins.key_values() {
                if kv.equals || kv.value.logical.is_empty() {
                    continue;
                }
                let key = ins.text_of(kv.key);
                let kw = ins.keyword_text();
                let fix = Fix::safe(format!("write `{kw} {key}=…`"), fix_edits(ins, kv, escape));
                ctx.report_fix(
                    kv.key.span.cover(kv.value.span),
                    format!("`{kw} {key} …` uses the legacy `key value` form"),
                    format!("write `{kw} {key}=value`"),
                    Some(fix),
                );
            }
        }
    }
}
