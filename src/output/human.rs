//! `--format human`: each finding with its source snippet, rule code, help and a docs link,
//! rendered by miette. No colour when stdout is not a terminal or `NO_COLOR` is set.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    Severity as MSeverity, SourceCode, SourceSpan, SpanContents,
};

use super::FileReport;
use super::concise::fix_marker;
use crate::diagnostic::Diagnostic;
use crate::linter::find_rule;
use crate::rule::Severity;

/// A file's text and name, borrowed (miette's `NamedSource` wants owned text).
struct Src<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Src<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let c = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            c.data(),
            *c.span(),
            c.line(),
            c.column(),
            c.line_count(),
        )))
    }
}

struct Report<'a> {
    d: &'a Diagnostic,
    src: Src<'a>,
    url: Option<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.d.message, fix_marker(self.d))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}({})", self.d.code, self.d.name)))
    }
    fn severity(&self) -> Option<MSeverity> {
        Some(match self.d.severity {
            Severity::Error => MSeverity::Error,
            Severity::Warning => MSeverity::Warning,
            Severity::Info | Severity::Style => MSeverity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let fix = self
            .d
            .fix
            .as_ref()
            .map(|f| format!(" (fix, {}: {})", f.applicability.as_str(), f.title));
        match (&self.d.help, fix) {
            (Some(h), Some(f)) => Some(Box::new(format!("{h}{f}"))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(f)) => Some(Box::new(f.trim_start().to_string())),
            (None, None) => None,
        }
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u.clone()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let main = LabeledSpan::new_primary_with_span(None, self.d.span.range());
        let rest = self
            .d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span.range()));
        Some(Box::new(std::iter::once(main).chain(rest)))
    }
}

pub fn write(files: &[FileReport], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    let mut counts = [0usize; 4];
    for f in files {
        let name = f.display_path();
        for d in &f.diagnostics {
            counts[d.severity as usize] += 1;
            let report = Report {
                d,
                src: Src {
                    name: &name,
                    text: &f.src,
                },
                url: find_rule(d.code).map(|r| r.meta().url()),
            };
            let mut s = String::new();
            handler
                .render_report(&mut s, &report)
                .map_err(io::Error::other)?;
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
        }
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        writeln!(out, "No problems found in {} file(s).", files.len())
    } else {
        let fixable = files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == crate::diagnostic::Applicability::Safe)
            })
            .count();
        writeln!(
            out,
            "Found {total} problem(s) in {} file(s): {} error, {} warning, {} info, {} style. {fixable} fixable with `dockopt fix`.",
            files.iter().filter(|f| !f.diagnostics.is_empty()).count(),
            counts[0],
            counts[1],
            counts[2],
            counts[3],
        )
    }
}
