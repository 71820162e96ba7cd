//! `--format json`: an array of findings, the contract scripts rely on.
//!
//! `[{"file", "code", "name", "severity", "message", "help", "url", "line", "column", "end_line",
//! "end_column", "fix": null | {"applicability", "title", "edits": [{"content", "line", "column",
//! "end_line", "end_column"}]}}]`. Lines and columns are 1-based; columns count characters; the
//! end column is exclusive. One finding per line (compact JSON inside), so the output is
//! both quick to write and easy to grep.

use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;
use crate::linter::find_rule;

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    url: Option<&'a str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    fix: Option<JsonFix<'a>>,
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // one docs URL per rule, not one allocation per finding
    let mut urls: std::collections::HashMap<&'static str, Option<String>> = Default::default();
    for f in files {
        for d in &f.diagnostics {
            urls.entry(d.code)
                .or_insert_with(|| find_rule(d.code).map(|r| r.meta().url()));
        }
    }
    out.write_all(b"[")?;
    let mut first = true;
    for f in files {
        let path = f.display_path();
        for d in &f.diagnostics {
            let (s, e) = f.range(d.span);
            let finding = JsonFinding {
                file: &path,
                code: d.code,
                name: d.name,
                severity: d.severity.as_str(),
                message: &d.message,
                help: d.help.as_deref(),
                url: urls.get(d.code).and_then(|u| u.as_deref()),
                line: s.line,
                column: s.column,
                end_line: e.line,
                end_column: e.column,
                fix: d.fix.as_ref().map(|fix| JsonFix {
                    applicability: fix.applicability.as_str(),
                    title: &fix.title,
                    edits: fix
                        .edits
                        .iter()
                        .map(|ed| {
                            let (s, e) = f.range(ed.span);
                            JsonEdit {
                                content: &ed.content,
                                line: s.line,
                                column: s.column,
                                end_line: e.line,
                                end_column: e.column,
                            }
                        })
                        .collect(),
                }),
            };
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            serde_json::to_writer(&mut *out, &finding)?;
        }
    }
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}
