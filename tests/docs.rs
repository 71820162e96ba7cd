//! Generated docs stay in step with the rules: `docs/rules/<CODE>.md` and `docs/rules/README.md`
//! are rendered from the rules' metadata. Set `DOCKOPT_UPDATE_DOCS=1` to rewrite them.

use std::path::Path;

use dockopt::docs;
use dockopt::rules;

fn check(path: &Path, want: &str, stale: &mut Vec<String>) {
    let update = std::env::var_os("DOCKOPT_UPDATE_DOCS").is_some();
    let have = std::fs::read_to_string(path).unwrap_or_default();
    if have != want {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, want).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
}

#[test]
fn rule_docs_are_current() {
    let dir = Path::new("docs/rules");
    let mut stale = Vec::new();
    for r in rules::all() {
        let m = r.meta();
        check(
            &dir.join(format!("{}.md", m.code)),
            &docs::rule_page(m),
            &mut stale,
        );
    }
    check(&dir.join("README.md"), &docs::rules_index(), &mut stale);
    // no page for a rule that no longer exists
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            let code = name.trim_end_matches(".md");
            if !rules::all().iter().any(|r| r.meta().code == code) {
                if std::env::var_os("DOCKOPT_UPDATE_DOCS").is_some() {
                    std::fs::remove_file(e.path()).unwrap();
                } else {
                    stale.push(format!("{name} (no such rule)"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run `DOCKOPT_UPDATE_DOCS=1 cargo test --test docs`): {stale:?}"
    );
}

#[test]
fn every_rule_documents_the_fixed_sections() {
    for r in rules::all() {
        let m = r.meta();
        let d = m.docs();
        for s in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
        ] {
            assert!(d.contains(s), "{}: docs lack {s:?}", m.code);
        }
        if m.fix != dockopt::rule::FixKind::None {
            assert!(
                d.contains("## Fix safety"),
                "{}: a fixable rule must say how safe its fix is",
                m.code
            );
        }
        assert!(!m.summary().is_empty(), "{}: empty summary", m.code);
    }
}
