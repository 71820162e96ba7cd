//! The fixer: apply non-overlapping fixes, re-parse, re-lint, repeat to a fixed point.
//!
//! A pass takes every applicable fix of the current text (safe ones; unsafe ones too with
//! `--unsafe`), sorted by position, and applies each whose edits overlap none already taken (a
//! fix is all-or-nothing). If the pass leaves a syntax error the text did not have, the pass is
//! redone one fix at a time, skipping the fixes that break the file; those are reported as rolled
//! back. Passes repeat until nothing applies; if that takes more than [`MAX_PASSES`], the rule
//! codes still offering fixes are reported as not converging.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, NewFile};
use crate::linter::BuildContext;
use crate::settings::Settings;
use crate::syntax;

/// Passes before giving up on convergence.
pub const MAX_PASSES: usize = 12;

#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
}

impl FixOptions {
    pub fn applies(&self, a: Applicability) -> bool {
        match a {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}

/// What fixing one file did.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub output: String,
    /// Fixes applied, by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// Findings left in the output.
    pub remaining: Vec<Diagnostic>,
    /// Files to create beside the Dockerfile (never overwriting).
    pub new_files: Vec<NewFile>,
    /// Codes still offering fixes when the pass limit was hit (empty when converged).
    pub not_converged: Vec<&'static str>,
    /// Fixes that broke the syntax and were skipped: (code, message).
    pub rolled_back: Vec<(&'static str, String)>,
    pub passes: usize,
}

impl FixOutcome {
    pub fn changed(&self, input: &str) -> bool {
        self.output != input || !self.new_files.is_empty()
    }
    pub fn fixed_count(&self) -> usize {
        self.applied.values().sum()
    }
}

/// Apply edits (sorted, non-overlapping) to a text.
pub fn apply_edits(src: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0usize;
    for e in edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        out.push_str(&src[pos..s]);
        out.push_str(&e.content);
        pos = t;
    }
    out.push_str(&src[pos..]);
    out
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    // two insertions at one point, or an insertion inside a replaced range, conflict too
    a0 < b1 && b0 < a1
        || a0 == b0
        || (a0 == a1 && b0 < a0 && a0 < b1)
        || (b0 == b1 && a0 < b0 && b0 < a1)
}

/// Does `e` conflict with an edit already taken? The taken edits never conflict with one
/// another, so sorted by start their ends rise too: only the few that start at or before `e`'s
/// end and end at or after its start need a look, found by a range query (a file with
/// thousands of fixes stays fast).
fn conflicts(taken: &std::collections::BTreeMap<(u32, u32), &Edit>, e: &Edit) -> bool {
    for (&(_, end), t) in taken.range(..=(e.span.end, u32::MAX)).rev() {
        if end < e.span.start {
            return false;
        }
        if overlaps(e, t) {
            return true;
        }
    }
    false
}

/// Pick fixes that do not overlap, in position order.
fn select(diags: &[Diagnostic], opts: FixOptions) -> Vec<(&'static str, &Fix)> {
    let mut cands: Vec<(&'static str, &Fix)> = diags
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| (d.code, f)))
        .filter(|(_, f)| {
            opts.applies(f.applicability) && (!f.edits.is_empty() || !f.new_files.is_empty())
        })
        .collect();
    cands.sort_by_key(|(c, f)| (f.span().map(|s| (s.start, s.end)), *c));
    let mut taken: Vec<(&'static str, &Fix)> = Vec::new();
    let mut edits: std::collections::BTreeMap<(u32, u32), &Edit> = Default::default();
    for (code, fix) in cands {
        if fix.edits.iter().any(|e| conflicts(&edits, e)) {
            continue;
        }
        // the same fix twice (two findings offering it): with edits, the overlap check above
        // catches it; a fix that only creates files is compared whole
        if fix.edits.is_empty() && taken.iter().any(|(_, t)| *t == fix) {
            continue;
        }
        for e in &fix.edits {
            edits.insert((e.span.start, e.span.end), e);
        }
        taken.push((code, fix));
    }
    taken
}

fn apply_fixes(src: &str, fixes: &[(&'static str, &Fix)]) -> String {
    let mut edits: Vec<&Edit> = fixes.iter().flat_map(|(_, f)| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    apply_edits(src, &edits)
}

/// Fix one file to a fixed point.
pub fn fix(
    src: &str,
    path: Option<&Path>,
    context: &BuildContext,
    settings: &Settings,
    opts: FixOptions,
) -> FixOutcome {
    let mut outcome = FixOutcome::default();
    let mut text = src.to_string();
    let mut context = context.clone();
    // each text is parsed once: the parse that checks a pass's result is the one the next
    // pass lints
    let mut df = syntax::parse(src);
    let had_errors = df.has_errors();
    loop {
        let diagnostics = crate::linter::lint_parsed(&text, &df, path, &context, settings);
        let chosen = select(&diagnostics, opts);
        if chosen.is_empty() {
            outcome.remaining = diagnostics;
            break;
        }
        if outcome.passes == MAX_PASSES {
            let mut codes: Vec<&'static str> = chosen.iter().map(|(c, _)| *c).collect();
            codes.sort_unstable();
            codes.dedup();
            outcome.not_converged = codes;
            outcome.remaining = diagnostics;
            break;
        }
        outcome.passes += 1;
        let mut next = apply_fixes(&text, &chosen);
        let mut applied = chosen.clone();
        let mut next_df = syntax::parse(&next);
        if !had_errors && next_df.has_errors() {
            // Redo the pass one fix at a time, keeping only fixes that leave the file parsing.
            next = text.clone();
            applied.clear();
            let mut accepted: Vec<(&'static str, &Fix)> = Vec::new();
            for (code, fix) in &chosen {
                let mut trial = accepted.clone();
                trial.push((code, fix));
                let t = apply_fixes(&text, &trial);
                if syntax::parse(&t).has_errors() {
                    outcome.rolled_back.push((code, fix.title.clone()));
                } else {
                    accepted = trial;
                    next = t;
                }
            }
            applied = accepted;
            if applied.is_empty() {
                outcome.remaining = diagnostics;
                break;
            }
            next_df = syntax::parse(&next);
        }
        for (code, fix) in &applied {
            *outcome.applied.entry(code).or_default() += 1;
            for nf in &fix.new_files {
                if !outcome.new_files.iter().any(|f| f.path == nf.path) {
                    outcome.new_files.push(nf.clone());
                    // later passes see the new ignore file
                    if nf
                        .path
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with("dockerignore"))
                    {
                        context.ignore_file = Some((nf.path.clone(), nf.content.clone()));
                    }
                }
            }
        }
        if next == text {
            // Fixes that only create files: done after one pass.
            let lint = crate::linter::lint(&text, path, &context, settings);
            outcome.remaining = lint.diagnostics;
            break;
        }
        text = next;
        df = next_df;
    }
    outcome.output = text;
    outcome
}

/// A unified diff of `old` → `new` with `a/` and `b/` paths (an absolute path loses its
/// leading `/`, as `git diff` writes it: `a/tmp/Dockerfile`).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let path = path.trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    #[test]
    fn edits_apply_in_order() {
        let e1 = Edit::replace(Span::new(0, 4), "from");
        let e2 = Edit::insert(8, " x");
        assert_eq!(apply_edits("FROM abc d", &[&e1, &e2]), "from abc x d");
    }

    #[test]
    fn overlap_rules() {
        let a = Edit::replace(Span::new(0, 5), "");
        let b = Edit::replace(Span::new(4, 6), "");
        let c = Edit::insert(5, "x");
        let d = Edit::insert(5, "y");
        assert!(overlaps(&a, &b));
        assert!(!overlaps(&a, &c));
        assert!(overlaps(&c, &d));
    }
}
