//! `dockopt rules`: the catalog, or one rule's documentation.

use serde::Serialize;

use super::{EXIT_ERROR, EXIT_OK};
use crate::cli::RulesFormat;
use crate::linter::find_rule;
use crate::rule::RuleMeta;
use crate::rules;

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    severity: &'a str,
    fix: &'a str,
    scope: crate::rule::Scope,
    aliases: &'a [&'a str],
    summary: String,
    url: String,
}

fn json_of(m: &'static RuleMeta) -> RuleJson<'static> {
    RuleJson {
        code: m.code,
        name: m.name,
        category: m.category.as_str(),
        severity: m.severity.as_str(),
        fix: m.fix.as_str(),
        scope: m.scope,
        aliases: m.aliases,
        summary: m.summary(),
        url: m.url(),
    }
}

/// A rule's page: header, metadata table and its docs.
pub fn markdown_page(m: &RuleMeta) -> String {
    let aliases = if m.aliases.is_empty() {
        "none".to_string()
    } else {
        m.aliases
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "# {code}: {name}\n\n| | |\n|---|---|\n| Category | {cat} |\n| Severity | {sev} |\n| Fix | {fix} |\n| Looks at | {scope} |\n| Aliases | {aliases} |\n\n{docs}",
        code = m.code,
        name = m.name,
        cat = m.category.as_str(),
        sev = m.severity.as_str(),
        fix = m.fix.as_str(),
        scope = m.scope.describe(),
        docs = m.docs().trim_end().to_string() + "\n",
    )
}

pub fn run(rule: Option<&str>, format: RulesFormat) -> u8 {
    match rule {
        Some(sel) => {
            let Some(r) = find_rule(sel) else {
                eprintln!("error: no rule named {sel:?} (try `dockopt rules`)");
                return EXIT_ERROR;
            };
            let m = r.meta();
            match format {
                RulesFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&json_of(m)).unwrap_or_default()
                ),
                RulesFormat::Markdown | RulesFormat::Text => print!("{}", markdown_page(m)),
            }
        }
        None => match format {
            RulesFormat::Json => {
                let all: Vec<_> = rules::all().iter().map(|r| json_of(r.meta())).collect();
                println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
            }
            RulesFormat::Markdown => print!("{}", crate::docs::rules_index()),
            RulesFormat::Text => {
                for r in rules::all() {
                    let m = r.meta();
                    let fix = match m.fix {
                        crate::rule::FixKind::None => " ",
                        _ => "*",
                    };
                    println!(
                        "{} {fix} {:<8} {:<38} {}",
                        m.code,
                        m.severity.as_str(),
                        m.name,
                        m.aliases.join(",")
                    );
                }
            }
        },
    }
    EXIT_OK
}
