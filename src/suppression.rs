//! Inline suppressions.
//!
//! - `# dockopt ignore=CODE[,CODE…] [reason=…]` before an instruction silences those rules on it;
//!   `# dockopt global ignore=…` anywhere silences them in the whole file. Codes may be dockopt
//!   codes, rule names, categories or any alias.
//! - `# hadolint ignore=DL3008,…` and `# hadolint global ignore=…` work the same through the
//!   rules' hadolint aliases, so files written for hadolint need no edit.
//! - BuildKit's `# check=skip=Name,…` (or `skip=all`) directive silences the rules aliased
//!   `buildkit:Name`; `# check=error=true` raises those rules' findings to errors.

use crate::diagnostic::Diagnostic;
use crate::rule::{RuleMeta, Severity};
use crate::syntax::{DirectiveKind, Dockerfile, Item, Span};

#[derive(Debug, Default)]
pub struct Suppressions {
    /// (instruction line span, selectors)
    local: Vec<(Span, Vec<String>)>,
    global: Vec<String>,
    buildkit_skip: Vec<String>,
    buildkit_skip_all: bool,
    buildkit_error: bool,
}

/// Parse `ignore=A,B reason=…` after the tool name; returns the selectors.
fn ignore_list(rest: &str) -> Option<Vec<String>> {
    let rest = rest.trim_start();
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    let list = list.trim_start();
    let end = list.find(char::is_whitespace).unwrap_or(list.len());
    Some(
        list[..end]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// A `dockopt`/`hadolint` pragma in a comment's text: (global, selectors).
fn pragma(text: &str) -> Option<(bool, Vec<String>)> {
    let t = text.trim_start();
    let rest = t
        .strip_prefix("dockopt")
        .or_else(|| t.strip_prefix("hadolint"))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    if let Some(g) = rest.strip_prefix("global") {
        return ignore_list(g).map(|l| (true, l));
    }
    ignore_list(rest).map(|l| (false, l))
}

impl Suppressions {
    pub fn new(src: &str, df: &Dockerfile) -> Suppressions {
        let mut s = Suppressions::default();
        let mut pending: Vec<String> = Vec::new();
        for item in &df.items {
            match item {
                Item::Comment(c) => {
                    if let Some((global, list)) = pragma(c.text.text(src)) {
                        if global {
                            s.global.extend(list);
                        } else {
                            pending.extend(list);
                        }
                    }
                }
                Item::Instruction(ins) if !pending.is_empty() => {
                    s.local.push((ins.line_span, std::mem::take(&mut pending)));
                }
                Item::Directive(d) if d.kind == DirectiveKind::Check => {
                    for part in d.value.text(src).split(';') {
                        let (k, v) = part.split_once('=').unwrap_or((part, ""));
                        match k.trim() {
                            "skip" => {
                                for name in v.split(',').map(str::trim) {
                                    if name.eq_ignore_ascii_case("all") {
                                        s.buildkit_skip_all = true;
                                    } else if !name.is_empty() {
                                        s.buildkit_skip.push(name.to_string());
                                    }
                                }
                            }
                            "error" => s.buildkit_error = v.trim().eq_ignore_ascii_case("true"),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        s
    }

    fn buildkit_name(meta: &RuleMeta) -> Option<&'static str> {
        meta.aliases
            .iter()
            .find_map(|a| a.strip_prefix("buildkit:"))
    }

    /// Is this finding of `meta` silenced?
    pub fn is_suppressed(&self, meta: &RuleMeta, d: &Diagnostic) -> bool {
        if self.global.iter().any(|g| meta.matches(g)) {
            return true;
        }
        if let Some(bk) = Self::buildkit_name(meta)
            && (self.buildkit_skip_all
                || self
                    .buildkit_skip
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(bk)))
        {
            return true;
        }
        // `local` holds instruction line spans in source order, which do not overlap: the one
        // that can hold the finding is the last that starts at or before it
        let i = self.local.partition_point(|(s, _)| s.start <= d.span.start);
        i.checked_sub(1).is_some_and(|i| {
            let (span, list) = &self.local[i];
            span.contains(d.span.start) && list.iter().any(|g| meta.matches(g))
        })
    }

    /// Apply suppressions and `check=error=true` to a rule's findings.
    pub fn apply(&self, meta: &RuleMeta, diags: &mut Vec<Diagnostic>) {
        diags.retain(|d| !self.is_suppressed(meta, d));
        if self.buildkit_error && Self::buildkit_name(meta).is_some() {
            for d in diags {
                d.severity = Severity::Error;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragmas() {
        assert_eq!(
            pragma(" dockopt ignore=DO201,DL3008 reason=legacy"),
            Some((false, vec!["DO201".into(), "DL3008".into()]))
        );
        assert_eq!(
            pragma("hadolint global ignore=DL3059"),
            Some((true, vec!["DL3059".into()]))
        );
        assert_eq!(pragma("dockoptignore=x"), None);
        assert_eq!(pragma("just a comment"), None);
    }
}
