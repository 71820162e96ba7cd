//! `--format checkstyle`: Checkstyle XML, read by Jenkins, reviewdog and many CI tools.

use std::io::{self, Write};

use super::FileReport;

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for f in files {
        writeln!(out, r#"<file name="{}">"#, xml_escape(&f.display_path()))?;
        for d in &f.diagnostics {
            let (s, _) = f.range(d.span);
            writeln!(
                out,
                r#"<error line="{}" column="{}" severity="{}" message="{}" source="dockopt.{}"/>"#,
                s.line,
                s.column,
                d.severity.as_str(),
                xml_escape(&d.message),
                d.code
            )?;
        }
        writeln!(out, "</file>")?;
    }
    writeln!(out, "</checkstyle>")
}
