//! The built binary on small trees: stdout, stderr and exit status of each command and format.

use std::path::Path;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockopt"));
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = bin();
    c.current_dir(dir).args(args);
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn snap(r: &Run) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        r.code, r.stdout, r.stderr
    )
}

/// A small project: one clean Dockerfile, one with problems, a non-Dockerfile, and a
/// Dockerfile inside a skipped folder.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::create_dir_all(p.join("api")).unwrap();
    std::fs::create_dir_all(p.join("node_modules/pkg")).unwrap();
    std::fs::write(
        p.join("Dockerfile"),
        "FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER 10001\nCMD [\"sh\"]\n",
    )
    .unwrap();
    std::fs::write(
        p.join("api/api.Dockerfile"),
        "FROM python\nCOPY --link=yes app.py /app/\nUSER root\nCMD [\"python\", \"/app/app.py\"]\n",
    )
    .unwrap();
    std::fs::write(p.join("README.md"), "# not a Dockerfile\n").unwrap();
    std::fs::write(p.join("node_modules/pkg/Dockerfile"), "FROM x\n").unwrap();
    t
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots/cli");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn lint_formats() {
    let t = tree();
    settings().bind(|| {
        for fmt in [
            "concise",
            "json",
            "github",
            "checkstyle",
            "gitlab",
            "markdown",
            "human",
        ] {
            let r = run(t.path(), &["lint", "--format", fmt], None);
            assert_eq!(r.code, 1, "{fmt}: findings exit 1\n{}", snap(&r));
            insta::assert_snapshot!(format!("lint_{fmt}"), snap(&r));
        }
    });
}

#[test]
fn lint_exit_codes() {
    let t = tree();
    // clean file: exit 0
    let r = run(t.path(), &["lint", "Dockerfile"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    // fail level none: findings but exit 0
    let r = run(t.path(), &["lint", "--fail-level", "none", "api"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    // only errors fail: the file has an error (invalid flag)
    let r = run(t.path(), &["lint", "--fail-level", "error", "api"], None);
    assert_eq!(r.code, 1, "{}", snap(&r));
    // selecting a rule that does not fire
    let r = run(t.path(), &["lint", "--select", "DO001", "api"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    // missing path: exit 2 with a message
    let r = run(t.path(), &["lint", "nope"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    assert!(r.stderr.contains("nope"));
    // unknown selector: exit 2
    let r = run(t.path(), &["lint", "--select", "XYZ999"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    // bad fail level
    let r = run(t.path(), &["lint", "--fail-level", "loud"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
}

#[test]
fn lint_stdin() {
    let t = tree();
    let r = run(
        t.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--select",
            "DO502",
            "--stdin-filename",
            "web/Dockerfile",
            "-",
        ],
        Some("FROM node:latest\n"),
    );
    assert_eq!(r.code, 1, "{}", snap(&r));
    assert!(
        r.stdout.starts_with("web/Dockerfile:1:6: warning DO502"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_config_points_at_the_key() {
    let t = tree();
    std::fs::write(
        t.path().join("dockopt.toml"),
        "select = [\"DO5\"]\nunknown-key = 1\n",
    )
    .unwrap();
    let r = run(t.path(), &["lint"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    assert!(r.stderr.contains("unknown-key"), "{}", r.stderr);
    assert!(r.stderr.contains("dockopt.toml"), "{}", r.stderr);
}

#[test]
fn config_selects_and_sets_severity() {
    let t = tree();
    std::fs::write(
        t.path().join("dockopt.toml"),
        "select = [\"reproducibility\"]\n[severity]\nDL3006 = \"error\"\n",
    )
    .unwrap();
    let r = run(t.path(), &["lint", "--format", "concise"], None);
    assert_eq!(r.code, 1, "{}", snap(&r));
    assert_eq!(
        r.stdout.trim(),
        "api/api.Dockerfile:1:6: error DO501 base image `python` has no tag: it means `latest`"
    );
}

#[test]
fn suppressions() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("Dockerfile"),
        "# hadolint global ignore=DL3002\n# dockopt ignore=DL3006\nFROM python\nFROM node:latest\nUSER root\n",
    )
    .unwrap();
    let r = run(
        t.path(),
        &[
            "lint",
            "--format",
            "concise",
            "--select",
            "DO401,DO501,DO502",
        ],
        None,
    );
    assert_eq!(
        r.stdout.trim(),
        "Dockerfile:4:6: warning DO502 base image `node:latest` uses the moving `latest` tag"
    );
}

#[test]
fn parse_command() {
    let t = tree();
    let r = run(t.path(), &["parse", "--format", "json", "Dockerfile"], None);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["instructions"][0]["cmd"], "from");
    let r = run(t.path(), &["parse", "-"], Some("CMD [1]\n"));
    assert_eq!(r.code, 1, "syntax errors exit 1");
    let r = run(t.path(), &["parse", "missing"], None);
    assert_eq!(r.code, 2);
}

#[test]
fn rules_command() {
    let t = tree();
    let r = run(t.path(), &["rules", "--format", "json"], None);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let first = &v[0];
    for k in [
        "code", "name", "category", "severity", "fix", "aliases", "summary",
    ] {
        assert!(first.get(k).is_some(), "rules json lacks {k}");
    }
    let r = run(t.path(), &["rules", "DL3006"], None);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with("# DO501: untagged-base-image"),
        "{}",
        r.stdout
    );
    let r = run(t.path(), &["rules", "nope"], None);
    assert_eq!(r.code, 2);
}

#[test]
fn fix_diff_then_write() {
    let t = tempfile::tempdir().unwrap();
    let df = t.path().join("Dockerfile");
    let src = "FROM alpine:3.20\nRUN apk add curl\nRUN echo done\n";
    std::fs::write(&df, src).unwrap();
    settings().bind(|| {
        let r = run(t.path(), &["fix"], None);
        assert_eq!(r.code, 1, "something would change: exit 1\n{}", snap(&r));
        insta::assert_snapshot!("fix_diff", snap(&r));
        assert_eq!(
            std::fs::read_to_string(&df).unwrap(),
            src,
            "diff mode must not write"
        );
        let r = run(t.path(), &["fix", "--write"], None);
        assert_eq!(r.code, 0, "{}", snap(&r));
        insta::assert_snapshot!("fix_write", snap(&r));
        let fixed = std::fs::read_to_string(&df).unwrap();
        assert_eq!(
            fixed,
            "FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    && echo done\n"
        );
        let r = run(t.path(), &["fix"], None);
        assert_eq!(r.code, 0, "nothing left to fix: exit 0\n{}", snap(&r));
    });
}

#[cfg(unix)]
#[test]
fn fix_write_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let real = t.path().join("real.Dockerfile");
    std::fs::write(&real, "FROM alpine:3.20\nRUN apk add curl\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.Dockerfile", t.path().join("Dockerfile")).unwrap();
    let r = run(t.path(), &["fix", "--write", "Dockerfile"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    let meta = std::fs::symlink_metadata(t.path().join("Dockerfile")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("--no-cache"),
        "the target is written"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // no temporary files left behind
    let names: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn fix_refuses_files_with_syntax_errors() {
    let t = tempfile::tempdir().unwrap();
    let src = "FROM alpine:3.20\nRUN apk add curl\nENV BROKEN\n";
    std::fs::write(t.path().join("Dockerfile"), src).unwrap();
    let r = run(t.path(), &["fix", "--write"], None);
    assert!(
        r.stderr.contains("syntax errors; not written"),
        "{}",
        snap(&r)
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join("Dockerfile")).unwrap(),
        src
    );
}

#[test]
fn fix_stdin_prints_the_fixed_file() {
    let t = tempfile::tempdir().unwrap();
    let r = run(
        t.path(),
        &["fix", "-", "--stdin-filename", "Dockerfile"],
        Some("FROM alpine:3.20\nRUN apk add curl\n"),
    );
    assert_eq!(r.code, 0, "{}", snap(&r));
    assert_eq!(r.stdout, "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
}

#[test]
fn version() {
    let t = tempfile::tempdir().unwrap();
    let r = run(t.path(), &["--version"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    assert_eq!(
        r.stdout.trim(),
        format!("dockopt {}", env!("CARGO_PKG_VERSION"))
    );
    // propagated to the subcommands
    let r = run(t.path(), &["lint", "--version"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    assert!(r.stdout.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn init_writes_a_config_once() {
    let t = tempfile::tempdir().unwrap();
    let r = run(t.path(), &["init"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    let path = t.path().join("dockopt.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, dockopt::config::TEMPLATE);
    dockopt::config::Config::parse(&path, &written).unwrap();
    // the written file is what lint picks up, and it is valid
    std::fs::write(t.path().join("Dockerfile"), "FROM alpine:3.20\n").unwrap();
    let r = run(t.path(), &["lint", "--fail-level", "none"], None);
    assert_eq!(r.code, 0, "{}", snap(&r));
    // never overwritten
    std::fs::write(&path, "# mine\n").unwrap();
    let r = run(t.path(), &["init"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    // nor is a hidden .dockopt.toml shadowed
    let sub = t.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join(".dockopt.toml"), "").unwrap();
    let r = run(t.path(), &["init", "sub"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    assert!(!sub.join("dockopt.toml").exists());
    // a folder that is not there
    let r = run(t.path(), &["init", "missing"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
}

#[test]
fn completions() {
    let t = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(t.path(), &["completions", shell], None);
        assert_eq!(r.code, 0, "{shell}: {}", snap(&r));
        for word in ["dockopt", "lint", "fix", "init", "fail-level"] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let r = run(t.path(), &["completions", "tcsh"], None);
    assert_eq!(r.code, 2, "{}", snap(&r));
    // the bash script is valid bash
    #[cfg(unix)]
    if let Ok(out) = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            let script = run(t.path(), &["completions", "bash"], None).stdout;
            c.stdin.take().unwrap().write_all(script.as_bytes())?;
            c.wait_with_output()
        })
    {
        assert!(
            out.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    std::fs::create_dir_all(p.join("vendor/lib")).unwrap();
    std::fs::create_dir_all(p.join("app")).unwrap();
    std::fs::write(p.join("dockopt.toml"), "exclude = [\"vendor/**\"]\n").unwrap();
    std::fs::write(p.join("vendor/lib/Dockerfile"), "FROM python\n").unwrap();
    std::fs::write(p.join("app/Dockerfile"), "FROM node\n").unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["lint", "--format", "concise", "--select", "DO501"];
        a.extend_from_slice(extra);
        a.extend(["vendor/lib/Dockerfile", "app/Dockerfile"]);
        a
    };
    // named files are linted whatever `exclude` says…
    let r = run(p, &args(&[]), None);
    assert!(r.stdout.contains("vendor/lib/Dockerfile"), "{}", snap(&r));
    // …unless --force-exclude
    let r = run(p, &args(&["--force-exclude"]), None);
    assert_eq!(r.code, 1, "{}", snap(&r));
    assert!(!r.stdout.contains("vendor/"), "{}", snap(&r));
    assert!(r.stdout.contains("app/Dockerfile"), "{}", snap(&r));
    // the globs are relative to the config's folder, wherever dockopt runs
    let r = run(
        &p.join("vendor"),
        &[
            "lint",
            "--force-exclude",
            "--select",
            "DO501",
            "lib/Dockerfile",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", snap(&r));
    // fix too
    let r = run(
        p,
        &["fix", "--force-exclude", "vendor/lib/Dockerfile"],
        None,
    );
    assert_eq!(r.code, 0, "{}", snap(&r));
}
