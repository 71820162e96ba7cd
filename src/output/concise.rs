//! `--format concise`: `path:line:column: severity CODE [*] message` per finding, where `[*]`
//! marks a finding `dockopt fix` can repair (`[*?]` with `--unsafe`).

use std::io::{self, Write};

use super::FileReport;
use crate::diagnostic::Applicability;

pub fn fix_marker(d: &crate::diagnostic::Diagnostic) -> &'static str {
    match d.fix.as_ref().map(|f| f.applicability) {
        Some(Applicability::Safe) => " [*]",
        Some(Applicability::Unsafe) => " [*?]",
        _ => "",
    }
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for f in files {
        let path = f.display_path();
        for d in &f.diagnostics {
            let (s, _) = f.range(d.span);
            writeln!(
                out,
                "{path}:{}:{}: {} {}{} {}",
                s.line,
                s.column,
                d.severity.as_str(),
                d.code,
                fix_marker(d),
                d.message
            )?;
        }
    }
    Ok(())
}
