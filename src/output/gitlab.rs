//! `--format gitlab`: GitLab Code Quality report (a JSON array), shown in merge requests.

use std::io::{self, Write};

use serde_json::json;

use super::FileReport;
use crate::rule::Severity;

/// FNV-1a: a stable fingerprint across runs and platforms (GitLab matches findings by it).
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut items = Vec::new();
    for f in files {
        let path = f.display_path();
        for d in &f.diagnostics {
            let (s, e) = f.range(d.span);
            // the flagged text, not its position, so fingerprints survive unrelated edits
            let text = &f.src[d.span.range()];
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info | Severity::Style => "info",
            };
            items.push(json!({
                "description": format!("{}: {}", d.code, d.message),
                "check_name": d.code,
                "fingerprint": fnv1a(&[&path, d.code, &d.message, text]),
                "severity": severity,
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": s.line, "column": s.column},
                        "end": {"line": e.line, "column": e.column}
                    }
                }
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
