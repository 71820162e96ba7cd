//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. The full rule
//! catalog is in `tool.driver.rules`; results carry column-precise regions and, where dockopt
//! can repair the finding, a `fixes` entry.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::FileReport;
use crate::diagnostic::Applicability;
use crate::rule::Severity;
use crate::rules;

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

fn rule_catalog() -> Vec<Value> {
    rules::all()
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary()},
                "fullDescription": {"text": m.summary()},
                "help": {"text": m.summary(), "markdown": m.docs()},
                "helpUri": m.url(),
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {
                    "tags": [m.category.as_str()],
                    "aliases": m.aliases,
                    "fix": m.fix.as_str(),
                    "scope": m.scope,
                }
            })
        })
        .collect()
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let index_of = |code: &str| rules::all().iter().position(|r| r.meta().code == code);
    let mut results = Vec::new();
    for f in files {
        let uri = f.display_path();
        for d in &f.diagnostics {
            let (s, e) = f.range(d.span);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(". Help: ");
                text.push_str(h);
            }
            let mut r = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": s.line, "startColumn": s.column,
                            "endLine": e.line, "endColumn": e.column
                        }
                    }
                }]
            });
            if let Some(i) = index_of(d.code) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability != Applicability::DisplayOnly)
            {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|ed| {
                        let (s, e) = f.range(ed.span);
                        json!({
                            "deletedRegion": {
                                "startLine": s.line, "startColumn": s.column,
                                "endLine": e.line, "endColumn": e.column
                            },
                            "insertedContent": {"text": ed.content}
                        })
                    })
                    .collect();
                r["fixes"] = json!([{
                    "description": {"text": format!("{} ({})", fix.title, fix.applicability.as_str())},
                    "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}]
                }]);
            }
            results.push(r);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dockopt",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/dockopt/dockopt",
                "rules": rule_catalog()
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
