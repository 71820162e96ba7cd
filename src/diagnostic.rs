//! What a rule reports: a [`Diagnostic`] with a span, a message, help, labels and an optional
//! [`Fix`] made of text edits on the original source.

use std::path::PathBuf;

use serde::Serialize;

use crate::rule::Severity;
use crate::syntax::Span;

/// How safe a fix is to apply without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Same final filesystem and runtime configuration: only caches, metadata or layer
    /// boundaries change. Applied by `dockopt fix`.
    Safe,
    /// The result could differ (a new base image, reordered COPYs, an added USER). Applied with
    /// `--unsafe`.
    Unsafe,
    /// Needs judgement: shown, never applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `span` of the source with `content` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
        }
    }
    pub fn insert(at: u32, content: impl Into<String>) -> Edit {
        Edit {
            span: Span { start: at, end: at },
            content: content.into(),
        }
    }
    pub fn delete(span: Span) -> Edit {
        Edit {
            span,
            content: String::new(),
        }
    }
}

/// Another file the fix writes (a `.dockerignore`): created when `append` is false (never
/// overwriting an existing file), or appended to when true.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewFile {
    pub path: PathBuf,
    pub content: String,
    pub append: bool,
}

/// A set of edits applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in a few words ("add --no-install-recommends").
    pub title: String,
    /// Sorted by start, non-overlapping.
    pub edits: Vec<Edit>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_files: Vec<NewFile>,
}

impl Fix {
    pub fn new(
        applicability: Applicability,
        title: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            applicability,
            title: title.into(),
            edits,
            new_files: Vec::new(),
        }
    }
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Safe, title, edits)
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Unsafe, title, edits)
    }
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::DisplayOnly, title, edits)
    }

    /// The smallest span covering every edit.
    pub fn span(&self) -> Option<Span> {
        let first = self.edits.first()?.span;
        Some(self.edits.iter().fold(first, |s, e| s.cover(e.span)))
    }
}

/// A secondary location with a note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
    pub fn label(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
    pub fn set_fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fix = fix;
        self
    }
}
