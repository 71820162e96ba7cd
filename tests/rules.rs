//! Rule fixtures: `tests/fixtures/rules/<category>/<rule-name>/{valid_*,invalid_*}.Dockerfile`.
//!
//! Each fixture is linted with only its rule enabled. Valid files must give no finding, invalid
//! ones at least one. The snapshot shows the input, the findings and the diff of every fix
//! (`--unsafe` included). For every fixture the fixer must converge without rollback, its output
//! must parse, fixing again must change nothing, and no finding of the rule that offered a fix may
//! remain.
//!
//! Optional companions of `x.Dockerfile`: `x.toml` (a dockopt.toml for this fixture), `x.entries`
//! (the names at the top of its build context) and `x.Dockerfile.dockerignore` (its ignore file).

use std::path::Path;

use dockopt::config::Config;
use dockopt::fix::{FixOptions, fix, unified_diff};
use dockopt::linter::{BuildContext, find_rule, lint};
use dockopt::settings::Settings;
use dockopt::syntax::{self, LineIndex};

fn settings_for(path: &Path, code: &str) -> Settings {
    let cfg = path.with_extension("toml");
    let mut s = if cfg.exists() {
        Config::load(&cfg)
            .unwrap_or_else(|e| panic!("{}: {e}", cfg.display()))
            .settings()
    } else {
        Settings::default()
    };
    s.select = vec![code.to_string()];
    s
}

/// A fixture's build context: present when `x.entries` lists the names at the top of the
/// context (one per line); the ignore file is `x.Dockerfile.dockerignore`, BuildKit's
/// per-Dockerfile name.
fn context_for(path: &Path) -> BuildContext {
    let list = path.with_extension("entries");
    let Ok(names) = std::fs::read_to_string(&list) else {
        return BuildContext::default();
    };
    let ignore = path.with_file_name(format!(
        "{}.dockerignore",
        path.file_name().unwrap().to_string_lossy()
    ));
    BuildContext {
        root: Some(path.parent().unwrap().to_path_buf()),
        ignore_file: std::fs::read_to_string(&ignore).ok().map(|c| (ignore, c)),
        entries: names
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

fn render(src: &str, diags: &[dockopt::diagnostic::Diagnostic]) -> String {
    let idx = LineIndex::new(src);
    let mut out = String::new();
    for d in diags {
        let a = idx.position(src, d.span.start);
        let b = idx.end_position(src, d.span);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {}: {}\n",
            a.line,
            a.column,
            b.line,
            b.column,
            d.code,
            d.severity.as_str(),
            d.message
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        for l in &d.labels {
            let p = idx.position(src, l.span.start);
            out.push_str(&format!("  label {}:{}: {}\n", p.line, p.column, l.message));
        }
        if let Some(f) = &d.fix {
            out.push_str(&format!(
                "  fix ({}): {}\n",
                f.applicability.as_str(),
                f.title
            ));
        }
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

#[test]
fn rule_fixtures() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("fixtures/rules/*/*/*.Dockerfile", |path| {
            let rule_name = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap();
            let rule = find_rule(rule_name).unwrap_or_else(|| panic!("no rule named {rule_name}"));
            let meta = rule.meta();
            let category = path
                .parent()
                .unwrap()
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap();
            assert_eq!(
                category,
                meta.category.as_str(),
                "{rule_name} is filed under the wrong category"
            );
            let src = std::fs::read_to_string(path).unwrap();
            let settings = settings_for(path, meta.code);
            let context = context_for(path);
            let file = path.file_name().unwrap().to_str().unwrap();
            let out = lint(&src, Some(path), &context, &settings);
            let diags = out.diagnostics;
            if file.starts_with("valid") {
                assert!(
                    diags.is_empty(),
                    "{file}: expected no finding, got:\n{}",
                    render(&src, &diags)
                );
            } else {
                assert!(
                    file.starts_with("invalid"),
                    "{file}: fixtures are named valid_* or invalid_*"
                );
                assert!(
                    !diags.is_empty(),
                    "{file}: expected a finding of {}",
                    meta.code
                );
            }
            // The fixer's invariants.
            let opts = FixOptions { unsafe_fixes: true };
            let fixed = fix(&src, Some(path), &context, &settings, opts);
            assert!(
                fixed.not_converged.is_empty(),
                "{file}: fixes did not converge: {:?}",
                fixed.not_converged
            );
            assert!(
                fixed.rolled_back.is_empty(),
                "{file}: fixes rolled back: {:?}",
                fixed.rolled_back
            );
            if !syntax::parse(&src).has_errors() {
                assert!(
                    !syntax::parse(&fixed.output).has_errors(),
                    "{file}: fixed output does not parse:\n{}",
                    fixed.output
                );
            }
            let again = fix(&fixed.output, Some(path), &context, &settings, opts);
            assert_eq!(
                again.output, fixed.output,
                "{file}: fixing twice changed the file again"
            );
            let left: Vec<_> = fixed
                .remaining
                .iter()
                .filter(|d| {
                    d.code == meta.code
                        && d.fix
                            .as_ref()
                            .is_some_and(|f| opts.applies(f.applicability))
                })
                .collect();
            assert!(
                left.is_empty(),
                "{file}: fixed output still has fixable findings of {}",
                meta.code
            );

            let mut snap = format!("--- input ---\n{src}");
            if !src.ends_with('\n') {
                snap.push('\n');
            }
            snap.push_str("--- findings ---\n");
            snap.push_str(&render(&src, &diags));
            snap.push_str("--- fix --unsafe ---\n");
            if fixed.output == src && fixed.new_files.is_empty() {
                snap.push_str("(no changes)\n");
            } else {
                snap.push_str(&unified_diff(file, &src, &fixed.output));
                for nf in &fixed.new_files {
                    snap.push_str(&format!(
                        "+++ new file {}\n{}",
                        nf.path.file_name().unwrap().to_string_lossy(),
                        nf.content
                    ));
                }
            }
            // a stable name whatever other fixtures exist: <category>/<rule>/<file>
            let mut named = insta::Settings::clone_current();
            named.set_snapshot_suffix(format!(
                "{category}__{rule_name}__{}",
                file.trim_end_matches(".Dockerfile")
            ));
            named.bind(|| insta::assert_snapshot!("rule", snap));
        });
    });
}

/// Every rule has fixtures: at least one valid and one invalid file.
#[test]
fn every_rule_has_fixtures() {
    for r in dockopt::rules::all() {
        let m = r.meta();
        let dir = Path::new("tests/fixtures/rules")
            .join(m.category.as_str())
            .join(m.name);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixture folder {}", m.code, dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("valid") && n.ends_with(".Dockerfile")),
            "{}: no valid fixture",
            m.code
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("invalid") && n.ends_with(".Dockerfile")),
            "{}: no invalid fixture",
            m.code
        );
    }
}

/// The docs' example triggers the rule; the "Use instead" example does not.
#[test]
fn docs_examples() {
    for r in dockopt::rules::all() {
        let m = r.meta();
        // a ```toml block in the docs is the dockopt.toml the examples assume (label schemas)
        let docs = m.docs();
        let mut settings = match docs.split_once("```toml\n") {
            Some((_, rest)) => {
                let text = rest.split("```").next().unwrap_or("");
                Config::parse(Path::new("dockopt.toml"), text)
                    .unwrap_or_else(|e| panic!("{}: the docs' toml block: {e}", m.code))
                    .settings()
            }
            None => Settings::default(),
        };
        settings.select = vec![m.code.to_string()];
        let bad = m
            .example("Example")
            .unwrap_or_else(|| panic!("{}: docs have no Example", m.code));
        let good = m
            .example("Use instead")
            .unwrap_or_else(|| panic!("{}: docs have no 'Use instead'", m.code));
        // an empty build context folder (no ignore file, unless the Example section shows
        // one in a ```dockerignore block)
        let empty = std::env::temp_dir().join("dockopt-docs-empty-context");
        std::fs::create_dir_all(&empty).unwrap();
        let ignore = m.section("Example").and_then(|sec| {
            let start = sec.find("```dockerignore\n")? + "```dockerignore\n".len();
            let end = sec[start..].find("```")? + start;
            Some((empty.join(".dockerignore"), sec[start..end].to_string()))
        });
        let ctx = BuildContext {
            root: Some(empty),
            ignore_file: ignore,
            ..BuildContext::default()
        };
        let found = lint(&bad, None, &ctx, &settings).diagnostics;
        assert!(
            !found.is_empty(),
            "{}: the docs' Example does not trigger the rule",
            m.code
        );
        let found = lint(&good, None, &ctx, &settings).diagnostics;
        assert!(
            found.is_empty(),
            "{}: the docs' 'Use instead' triggers the rule: {:?}",
            m.code,
            found
        );
    }
}
