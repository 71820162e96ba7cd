use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` with several sources whose destination does not end with `/`.
    ///
    /// ## Why is this bad?
    /// Several sources need a directory to go into, and the Dockerfile reference requires the
    /// destination to say so with a trailing `/`. Without it the destination is read as a file
    /// path: the build works only by luck when the directory already exists in the base image,
    /// and otherwise the files do not end up where the line suggests (the classic builder
    /// refused such a line outright).
    ///
    /// A destination of `.` counts as a directory (BuildKit reads it as `./`), and a destination
    /// that ends in a variable (`$APP_HOME`) is not checked. A single source with a wildcard
    /// (`COPY *.json /app`) has the same requirement when it matches several files, which only
    /// the build can know: it is not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `/` to the destination. When the directory already exists the
    /// result is the same, and otherwise the slash gives the only result the line can mean.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3021) checks `COPY` only, flags `.` and destinations ending in a variable;
    /// dockopt checks `ADD` too (same requirement), and accepts `.` as BuildKit does.
    pub CopyMultipleSourcesToFile {
        code: "DO104",
        name: "copy-multiple-sources-to-file",
        category: Correctness,
        severity: Error,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3021"],
    }
}

/// Does a destination (as written) name a directory?
fn is_dir(dest: &str, windows: bool) -> bool {
    dest.ends_with('/') || dest == "." || (windows && dest.ends_with('\\'))
}

/// Does the destination end with a variable reference (unknown value)?
fn ends_with_variable(dest: &str) -> bool {
    let refs = crate::syntax::vars::var_refs(dest, crate::syntax::Span::new(0, dest.len()), '\\');
    refs.last()
        .is_some_and(|r| r.span.end as usize == dest.len())
}

impl Rule for CopyMultipleSourcesToFile {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let windows = ctx.semantic.is_windows();
        for ins in &ctx.semantic.instructions {
            if !matches!(ins.kind, Kind::Copy | Kind::Add) {
                continue;
            }
            let (sources, Some(dest)) = ins.sources_and_dest() else {
                continue;
            };
            if sources.len() < 2 {
                continue;
            }
            let value = ins.word_text(dest);
            let unquoted = if dest.json.is_some() {
                value
            } else {
                value.trim_matches(|c| c == '"' || c == '\'')
            };
            if unquoted.is_empty() || is_dir(unquoted, windows) || ends_with_variable(unquoted) {
                continue;
            }
            let kw = ins.kind.upper();
            let raw = ctx.text(dest.token.span);
            let at = if raw.len() > 1 && (raw.ends_with('"') || raw.ends_with('\'')) {
                dest.token.span.end - 1
            } else {
                dest.token.span.end
            };
            ctx.report_fix(
                dest.token.span,
                format!(
                    "`{kw}` with {} sources needs a directory destination ending with `/`, not `{unquoted}`",
                    sources.len()
                ),
                format!("end the destination with a slash: `{unquoted}/`"),
                Some(Fix::safe(
                    "add a trailing `/` to the destination",
                    vec![Edit::insert(at, "/")],
                )),
            );
        }
    }
}
