//! Reporters: one per `--format`. Each takes every file's findings (already sorted by path,
//! then position, then code) and writes them.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::syntax::{LineCol, LineIndex, Span};

pub mod checkstyle;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

/// One linted file, ready to report.
pub struct FileReport {
    /// The path as the user should see it (relative to where dockopt runs when possible).
    pub path: PathBuf,
    pub src: String,
    pub diagnostics: Vec<Diagnostic>,
    index: std::sync::OnceLock<LineIndex>,
}

impl FileReport {
    pub fn new(path: PathBuf, src: String, diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport {
            path,
            src,
            diagnostics,
            index: std::sync::OnceLock::new(),
        }
    }

    pub fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.src))
    }

    /// 1-based start and exclusive end positions of a span.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let idx = self.index();
        let start = idx.position(&self.src, span.start);
        let end = idx.end_position(&self.src, span);
        (start, end)
    }

    /// The path with `/` separators, for machine formats.
    pub fn display_path(&self) -> String {
        let s = self.path.display().to_string();
        let s = s.strip_prefix("./").unwrap_or(&s).to_string();
        if std::path::MAIN_SEPARATOR == '\\' {
            s.replace('\\', "/")
        } else {
            s
        }
    }
}

/// Output formats of `dockopt lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with the rule, help and a docs link (miette).
    Human,
    /// One line per finding: `path:line:col: severity CODE message`.
    Concise,
    /// A JSON array of findings (a stable contract for scripts).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A Markdown table, errors first (GitHub job summaries, pull-request comments).
    Markdown,
}

pub fn write(
    format: Format,
    files: &[FileReport],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(files, color, out),
        Format::Concise => concise::write(files, out),
        Format::Json => json::write(files, out),
        Format::Sarif => sarif::write(files, out),
        Format::Github => github::write(files, out),
        Format::Checkstyle => checkstyle::write(files, out),
        Format::Gitlab => gitlab::write(files, out),
        Format::Markdown => markdown::write(files, out),
    }
}
