//! Golden tests of the multi-stage rewrite (DO230 single-stage-build):
//! `tests/fixtures/multistage/<ecosystem>/*.Dockerfile`, snapshots in `snapshots/multistage/`.
//!
//! Each fixture is a realistic single-stage build. It is linted with every rule; DO230 must
//! report it with a rewrite. The rewrite (applied whatever its applicability) must parse and
//! must not be reported by DO230 again; `dockopt fix --unsafe` on it must converge, leave no
//! size finding (DO2xx), and fixing that result again must change nothing. The snapshot shows
//! the input, the finding, the rewrite, and what the other rules' fixes then change.
//!
//! Optional companions of `x.Dockerfile`: `x.toml` (a dockopt.toml) and `x.entries` (the names
//! at the top of the build context, one per line).

use std::path::Path;

use dockopt::config::Config;
use dockopt::diagnostic::Edit;
use dockopt::fix::{FixOptions, apply_edits, fix, unified_diff};
use dockopt::linter::{BuildContext, lint};
use dockopt::settings::Settings;
use dockopt::syntax;

fn settings_for(path: &Path) -> Settings {
    let cfg = path.with_extension("toml");
    if cfg.exists() {
        Config::load(&cfg)
            .unwrap_or_else(|e| panic!("{}: {e}", cfg.display()))
            .settings()
    } else {
        Settings::default()
    }
}

fn context_for(path: &Path) -> BuildContext {
    let list = path.with_extension("entries");
    let Ok(names) = std::fs::read_to_string(&list) else {
        return BuildContext::default();
    };
    BuildContext {
        root: Some(path.parent().unwrap().to_path_buf()),
        ignore_file: None,
        entries: names
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

#[test]
fn multistage_rewrites() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/multistage");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("fixtures/multistage/*/*.Dockerfile", |path| {
            let eco = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap();
            let file = path.file_name().unwrap().to_str().unwrap();
            let src = std::fs::read_to_string(path).unwrap();
            let settings = settings_for(path);
            let context = context_for(path);
            let diags = lint(&src, Some(path), &context, &settings).diagnostics;
            let found: Vec<_> = diags.iter().filter(|d| d.code == "DO230").collect();
            assert_eq!(found.len(), 1, "{file}: expected one DO230 finding");
            let d = found[0];
            let f = d
                .fix
                .as_ref()
                .unwrap_or_else(|| panic!("{file}: DO230 offers no rewrite"));
            let edits: Vec<&Edit> = f.edits.iter().collect();
            let rewrite = apply_edits(&src, &edits);
            assert!(
                !syntax::parse(&rewrite).has_errors(),
                "{file}: the rewrite does not parse:\n{rewrite}"
            );
            let again = lint(&rewrite, Some(path), &context, &settings).diagnostics;
            assert!(
                !again.iter().any(|d| d.code == "DO230"),
                "{file}: DO230 still fires on its rewrite:\n{rewrite}"
            );

            let opts = FixOptions { unsafe_fixes: true };
            let fixed = fix(&rewrite, Some(path), &context, &settings, opts);
            assert!(
                fixed.not_converged.is_empty() && fixed.rolled_back.is_empty(),
                "{file}: fixing the rewrite did not converge: {:?} {:?}",
                fixed.not_converged,
                fixed.rolled_back
            );
            assert!(!syntax::parse(&fixed.output).has_errors(), "{file}");
            let size: Vec<String> = lint(&fixed.output, Some(path), &context, &settings)
                .diagnostics
                .iter()
                .filter(|d| d.code.starts_with("DO2"))
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            assert!(
                size.is_empty(),
                "{file}: size findings left after the rewrite and fix:\n{}\n{}",
                size.join("\n"),
                fixed.output
            );
            let twice = fix(&fixed.output, Some(path), &context, &settings, opts);
            assert_eq!(
                twice.output, fixed.output,
                "{file}: fixing the rewrite twice changed it again"
            );
            // the fixer on the original converges too (the rewrite applies only with --unsafe
            // when it is certain)
            let direct = fix(&src, Some(path), &context, &settings, opts);
            assert!(
                direct.not_converged.is_empty() && direct.rolled_back.is_empty(),
                "{file}: fixing the original did not converge"
            );

            let mut snap = format!("--- input ---\n{src}");
            if !src.ends_with('\n') {
                snap.push('\n');
            }
            snap.push_str(&format!(
                "--- finding ---\n{}\n  help: {}\n  fix ({}): {}\n",
                d.message,
                d.help.as_deref().unwrap_or(""),
                f.applicability.as_str(),
                f.title
            ));
            snap.push_str("--- rewrite ---\n");
            snap.push_str(&rewrite);
            snap.push_str("--- then dockopt fix --unsafe ---\n");
            if fixed.output == rewrite {
                snap.push_str("(no changes)\n");
            } else {
                snap.push_str(&unified_diff(file, &rewrite, &fixed.output));
            }
            let mut named = insta::Settings::clone_current();
            named.set_snapshot_suffix(format!("{eco}__{}", file.trim_end_matches(".Dockerfile")));
            named.bind(|| insta::assert_snapshot!("multistage", snap));
        });
    });
}

/// At least five fixtures per ecosystem.
#[test]
fn every_ecosystem_has_fixtures() {
    for eco in ["go", "rust", "node", "python", "java", "dotnet"] {
        let dir = Path::new("tests/fixtures/multistage").join(eco);
        let n = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for {eco}"))
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".Dockerfile"))
            .count();
        assert!(n >= 5, "{eco}: {n} fixtures, want at least 5");
    }
}
