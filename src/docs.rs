//! Generated documentation: `docs/rules/<CODE>.md` and the index `docs/rules/README.md`, rendered
//! from the rules' metadata. `tests/docs.rs` fails when the files on disk are stale
//! (`DOCKOPT_UPDATE_DOCS=1 cargo test --test docs` rewrites them).

use crate::rule::FixKind;
use crate::rules;

/// The rule page (same text as `dockopt rules CODE --format markdown`).
pub fn rule_page(m: &crate::rule::RuleMeta) -> String {
    crate::commands::rules::markdown_page(m)
}

/// The index of every rule.
pub fn rules_index() -> String {
    let all = rules::all();
    let fixable = all.iter().filter(|r| r.meta().fix != FixKind::None).count();
    let mut s = format!(
        "# Rules\n\n{} rules; {} of them can fix what they find (the Fix column). Generated from \
         the rules' metadata: do not edit by hand.\n\n\
         | Code | Name | Category | Severity | Fix | Looks at | Aliases |\n\
         |---|---|---|---|---|---|---|\n",
        all.len(),
        fixable
    );
    for r in all {
        let m = r.meta();
        let fix = match m.fix {
            FixKind::None => "",
            FixKind::Sometimes => "sometimes",
            FixKind::Always => "yes",
        };
        let scope = match m.scope {
            crate::rule::Scope::EveryStage => "every stage",
            crate::rule::Scope::FinalStage => "final stage",
            crate::rule::Scope::File => "file",
        };
        s.push_str(&format!(
            "| [{code}]({code}.md) | {name} | {cat} | {sev} | {fix} | {scope} | {aliases} |\n",
            code = m.code,
            name = m.name,
            cat = m.category.as_str(),
            sev = m.severity.as_str(),
            aliases = m
                .aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" "),
        ));
    }
    s
}
