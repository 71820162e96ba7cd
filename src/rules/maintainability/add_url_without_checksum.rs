use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::resolve::{resolve, scope_at};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` that downloads an `http://` or `https://` URL without `--checksum`, in
    /// any stage (a download in a builder stage reaches the image through what is built from
    /// it).
    ///
    /// ## Why is this bad?
    /// The file behind a URL can change: a re-tagged release, a mirror that serves something
    /// else, a compromised server. Without a checksum the build takes whatever comes and the
    /// image silently differs from the last one built from the same Dockerfile. With
    /// `ADD --checksum=sha256:<digest>` BuildKit verifies the download and fails the build when
    /// the bytes differ, the same guarantee a `curl … && sha256sum -c` in a `RUN` gives, in one
    /// line and without `curl` in the image.
    ///
    /// `--checksum` for HTTP sources needs the Dockerfile frontend 1.6 or newer (the default in
    /// Docker 24+ and recent BuildKit; older builders want `# syntax=docker/dockerfile:1.6`).
    /// URLs written with variables are resolved from the `ARG`/`ENV` values in the file; an
    /// `ADD` whose source stays unknown is left alone. Git sources (`…/repo.git#ref`) are not
    /// flagged: pin them to a commit instead.
    ///
    ///     /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1.6
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the fix shows where `--checksum=sha256:<digest>` goes, with a placeholder.
    /// The digest can only come from the file the URL serves today, which is exactly what is
    /// not to be trusted blindly: compute it once with `curl -fsSL <url> | sha256sum` and check
    /// it against the one the publisher lists. Not offered for an `ADD` of several sources
    /// (`--checksum` applies to a single one).
    pub AddUrlWithoutChecksum {
        code: "DO680",
        name: "add-url-without-checksum",
        category: Maintainability,
        severity: Info,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [],
    }
}

/// An HTTP(S) source that BuildKit downloads as a file (not a git repository).
pub fn is_http_file(src: &str) -> bool {
    let lower = src
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return false;
    }
    // `https://host/repo.git`, `https://host/repo.git#ref` are git sources
    let path = src.split('#').next().unwrap_or(src);
    !path.trim_end_matches('/').ends_with(".git")
}

impl Rule for AddUrlWithoutChecksum {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let escape = sem.escape();
        for (i, outer) in sem.instructions.iter().enumerate() {
            // an ONBUILD ADD downloads in every child build
            let ins = match outer.trigger() {
                Some(t) if t.kind == Kind::Add => t,
                _ => outer,
            };
            if ins.kind != Kind::Add || ins.flag("checksum").is_some() {
                continue;
            }
            let (sources, Some(_)) = ins.sources_and_dest() else {
                continue;
            };
            let mut scope = None;
            for w in sources {
                let raw = ins.word_text(w);
                let value = if raw.contains('$') {
                    let scope = scope.get_or_insert_with(|| scope_at(sem, i));
                    match resolve(scope, raw, escape) {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    raw.trim_matches(|c| c == '"' || c == '\'').to_string()
                };
                if !is_http_file(&value) {
                    continue;
                }
                // `--checksum` applies to a single source
                let fix = (sources.len() == 1).then(|| {
                    Fix::display_only(
                        "add --checksum=sha256:<digest> (fill in the digest)",
                        vec![Edit::insert(
                            ins.keyword.span.end,
                            " --checksum=sha256:<digest>",
                        )],
                    )
                });
                ctx.report_fix(
                    w.token.span,
                    "`ADD` downloads a URL without `--checksum`: whatever the server sends goes into the image",
                    "add `--checksum=sha256:<digest>` (get it with `curl -fsSL <url> | sha256sum` and check it against the publisher's)",
                    fix,
                );
            }
        }
    }
}
