//! `--format github`: GitHub Actions workflow commands, which the runner turns into pull-request
//! annotations: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
//! Errors map to `error`, warnings to `warning`, info and style to `notice`. Errors come first,
//! then warnings, then notices (each in path and position order): GitHub shows at most ten
//! annotations of each level per step, and a reader should meet the errors first.

use std::io::{self, Write};

use super::FileReport;
use crate::rule::Severity;

/// Escape a workflow-command message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut all: Vec<_> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .collect();
    all.sort_by_key(|(_, d)| d.severity); // stable: path and position order within a level
    for (f, d) in all {
        let (s, e) = f.range(d.span);
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            level(d.severity),
            escape_property(&f.display_path()),
            s.line,
            s.column,
            e.line,
            e.column,
            escape_property(&format!("{} {}", d.code, d.name)),
            escape_data(&msg)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
