use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::resolve::{resolve, scope_at};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` whose sources are all local files or folders (or heredocs): no URL, no git
    /// repository, no archive for `ADD` to unpack.
    ///
    /// ## Why is this bad?
    /// For local files `ADD` does what `COPY` does, plus magic the reader has to rule out: it
    /// unpacks local tar archives and downloads URLs. `COPY` says plainly that the files are
    /// copied as they are; keep `ADD` for the cases that need it.
    ///
    /// Sources with variables are judged by their `ARG`/`ENV` values in the file (`ADD $URL /x`
    /// with `ARG URL=https://…` is a download and is fine); a source whose value is unknown is
    /// left alone, since it may be a URL.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD config.yml /etc/app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY config.yml /etc/app/
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `ADD` with `COPY` (same casing). It is safe when every source is a plain
    /// name: `COPY` copies exactly what `ADD` did (folders are copied as they are by both; only a
    /// source that is itself a tar file is unpacked, and tar files without a tar-like extension
    /// are rare enough to ignore). It is unsafe when a source has a wildcard, which could match
    /// a tar archive that `ADD` would have unpacked. Not offered when `ADD` has a flag `COPY`
    /// lacks (`--checksum`, `--keep-git-dir`, `--unpack`).
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3020) flags sources written with variables even when they hold URLs or git
    /// addresses; dockopt resolves them, and leaves unknown ones alone. It also treats git
    /// addresses (`git@…`, `https://…/repo.git`) and zstd archives as legitimate `ADD` sources.
    pub AddInsteadOfCopy {
        code: "DO602",
        name: "add-instead-of-copy",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3020", "checkov:CKV_DOCKER_4"],
    }
}

/// Extensions of files `ADD` may unpack (tar, possibly compressed).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
];

/// Could `ADD` treat this source as a tar archive (by its name)?
pub fn is_archive(src: &str) -> bool {
    ARCHIVE_EXTENSIONS.iter().any(|e| src.ends_with(e))
}

/// A URL or git address: something only `ADD` can fetch.
pub fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("git@")
}

impl Rule for AddInsteadOfCopy {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let escape = sem.escape();
        'ins: for (i, ins) in sem.instructions.iter().enumerate() {
            if ins.kind != Kind::Add {
                continue;
            }
            let (sources, Some(_)) = ins.sources_and_dest() else {
                continue;
            };
            let mut glob = false;
            let mut scope = None;
            for w in sources {
                let raw = ins.word_text(w);
                let value = if raw.contains('$') {
                    let scope = scope.get_or_insert_with(|| scope_at(sem, i));
                    match resolve(scope, raw, escape) {
                        Some(v) => v,
                        None => continue 'ins,
                    }
                } else if w.json.is_some() {
                    raw.to_string()
                } else {
                    raw.trim_matches(|c| c == '"' || c == '\'').to_string()
                };
                if is_remote(&value) || is_archive(&value) {
                    continue 'ins;
                }
                glob |= value.contains(['*', '?', '[']);
            }
            let kw = ins.keyword_text();
            let copy = if kw.chars().all(|c| !c.is_ascii_lowercase()) {
                "COPY".to_string()
            } else if kw.chars().all(|c| !c.is_ascii_uppercase()) {
                "copy".to_string()
            } else {
                sem.style().keyword(Kind::Copy).to_string()
            };
            let blocked = ins
                .flags
                .iter()
                .any(|f| matches!(f.name(), "checksum" | "keep-git-dir" | "unpack"));
            let fix = (!blocked).then(|| {
                let edits = vec![Edit::replace(ins.keyword.span, copy)];
                if glob {
                    Fix::unsafe_("use `COPY`", edits)
                } else {
                    Fix::safe("use `COPY`", edits)
                }
            });
            ctx.report_fix(
                ins.keyword.span,
                "`ADD` of local files: `COPY` does the same without the archive and URL handling",
                "use `COPY` for local files and folders; keep `ADD` for URLs, git sources and archives to unpack",
                fix,
            );
        }
    }
}
