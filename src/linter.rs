//! `lint`: parse, build the semantic model, run every enabled rule, apply suppressions.
//! A pure function of the text, the build-context facts the caller gathered, and the settings.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::rule::{Context, Rule};
use crate::rules;
use crate::semantic::Semantic;
use crate::settings::Settings;
use crate::suppression::Suppressions;
use crate::syntax::{self, Dockerfile};

/// Facts about the build context that rules need and the caller reads from disk.
#[derive(Clone, Debug, Default)]
pub struct BuildContext {
    /// The context folder (the Dockerfile's folder unless `--context`).
    pub root: Option<PathBuf>,
    /// The ignore file that applies (`<name>.dockerignore` beside the Dockerfile, else
    /// `.dockerignore` at the context root): its path and content.
    pub ignore_file: Option<(PathBuf, String)>,
    /// Names of the entries at the top of the context (`.git`, `node_modules`, `src`, …),
    /// sorted; shared by every Dockerfile of the context.
    pub entries: std::sync::Arc<[String]>,
}

/// Everything one lint produces.
pub struct LintOutput {
    pub dockerfile: Dockerfile,
    /// Sorted by position, then code.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lint one Dockerfile.
pub fn lint(
    src: &str,
    path: Option<&Path>,
    context: &BuildContext,
    settings: &Settings,
) -> LintOutput {
    let dockerfile = syntax::parse(src);
    let diagnostics = lint_parsed(src, &dockerfile, path, context, settings);
    LintOutput {
        dockerfile,
        diagnostics,
    }
}

/// Lint an already parsed file.
pub fn lint_parsed(
    src: &str,
    df: &Dockerfile,
    path: Option<&Path>,
    context: &BuildContext,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let semantic = Semantic::new(src, df);
    let suppressions = Suppressions::new(src, df);
    let mut out = Vec::new();
    for rule in rules::all() {
        let meta = rule.meta();
        if !settings.is_enabled(meta) {
            continue;
        }
        let mut ctx = Context::new(src, path, &semantic, settings, meta);
        ctx.build_context = context;
        rule.check(&mut ctx);
        let mut diags = ctx.into_diagnostics();
        suppressions.apply(meta, &mut diags);
        out.append(&mut diags);
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    out.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    out
}

/// Look a rule up by code, name or alias.
pub fn find_rule(selector: &str) -> Option<&'static dyn Rule> {
    // the common case, a code: the registry is sorted by code
    let all = rules::all();
    if let Ok(i) = all.binary_search_by(|r| r.meta().code.cmp(selector)) {
        return Some(all[i]);
    }
    all.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(selector)
            || m.name.eq_ignore_ascii_case(selector)
            || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(selector))
    })
}
