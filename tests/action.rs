//! The GitHub Action (action.yml) run locally: a small runner reads action.yml, evaluates its
//! `${{ … }}` expressions, and runs each composite step with `bash --noprofile --norc -eo
//! pipefail`, as GitHub does, in a fake GitHub environment (GITHUB_WORKSPACE, GITHUB_OUTPUT,
//! GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP, RUNNER_OS…) on a copy of
//! tests/fixtures/action. Releases are served from `file://` folders the test fills, and a fake
//! `cargo` stands in for the build fallback: nothing leaves the machine.
//!
//! `cargo test --test action -- --nocapture` shows the annotation lines and the step summary.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn action() -> Yaml {
    let text = std::fs::read_to_string(Path::new(REPO).join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn s(y: &Yaml) -> &str {
    y.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {y:?}"))
}

/// The runner's names for this machine, and the release target install.sh maps them to.
fn platform() -> (&'static str, &'static str, &'static str) {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macos", "aarch64") => ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("macos", "x86_64") => ("macOS", "X64", "x86_64-apple-darwin"),
        (os, arch) => panic!("no release target for {os}/{arch}"),
    }
}

fn sh(script: &str, dir: &Path) -> String {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A fake machine: a workspace holding the fixture repository, runner folders, a release
/// server (a folder), and a `bin` folder with a fake cargo that logs its arguments and
/// "builds" by copying a stand-in for the test's dockopt binary.
struct Runner {
    tmp: tempfile::TempDir,
    /// Where the action is checked out (`_actions/acme/dockopt/<ref>` → this repository).
    action_path: PathBuf,
    env: BTreeMap<String, String>,
}

struct Step {
    id: String,
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
}

struct Run {
    steps: Vec<Step>,
    summary: String,
}

impl Run {
    fn step(&self, id: &str) -> &Step {
        self.steps
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("step {id} did not run"))
    }
    /// The action's exit: the first failing step's status, else 0.
    fn code(&self) -> i32 {
        self.steps
            .iter()
            .map(|s| s.code)
            .find(|c| *c != 0)
            .unwrap_or(0)
    }
    fn show(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            out.push_str(&format!(
                "--- step {} exit {}\n--- stdout\n{}--- stderr\n{}--- outputs {:?}\n",
                s.id, s.code, s.stdout, s.stderr, s.outputs
            ));
        }
        out.push_str(&format!("--- step summary\n{}", self.summary));
        out
    }
}

impl Runner {
    fn new(action_ref: &str) -> Runner {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let ws = root.join("work/repo");
        copy_dir(&Path::new(REPO).join("tests/fixtures/action"), &ws);
        let actions = root.join("work/_actions/acme/dockopt");
        std::fs::create_dir_all(&actions).unwrap();
        let action_path = actions.join(action_ref);
        std::os::unix::fs::symlink(REPO, &action_path).unwrap();
        for d in ["temp", "server", "bin"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let cargo = root.join("bin/cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/usr/bin/env bash\n# fake cargo: log, then \"build\" into --root\n\
                 echo \"$*\" >> {log:?}\n\
                 root=\"\"; while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
                 mkdir -p \"$root/bin\" && cp {shim:?} \"$root/bin/dockopt\"\n",
                log = root.join("cargo.log"),
                shim = root.join("dockopt-shim"),
            ),
        )
        .unwrap();
        // what the fake release and the fake build install: a stand-in that runs the test's
        // dockopt (a tiny file to pack, checksum and unpack, unlike the debug binary)
        let shim = root.join("dockopt-shim");
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\nexec {:?} \"$@\"\n",
                env!("CARGO_BIN_EXE_dockopt")
            ),
        )
        .unwrap();
        sh(&format!("chmod +x {cargo:?} {shim:?}"), root);
        let (os, arch, _) = platform();
        let mut env = BTreeMap::new();
        for (k, v) in [
            ("CI", "true".to_string()),
            ("GITHUB_ACTIONS", "true".into()),
            ("GITHUB_WORKSPACE", ws.display().to_string()),
            ("GITHUB_REPOSITORY", "acme/app".into()),
            (
                "GITHUB_SERVER_URL",
                format!("file://{}", root.join("server").display()),
            ),
            ("RUNNER_OS", os.into()),
            ("RUNNER_ARCH", arch.into()),
            ("RUNNER_TEMP", root.join("temp").display().to_string()),
            ("HOME", root.display().to_string()),
            ("NO_COLOR", "1".into()),
            // the fake cargo first; system tools (curl, tar, sha256sum) but no real cargo
            (
                "PATH",
                format!(
                    "{}:/usr/local/bin:/usr/bin:/bin",
                    root.join("bin").display()
                ),
            ),
        ] {
            env.insert(k.to_string(), v);
        }
        Runner {
            tmp,
            action_path,
            env,
        }
    }

    fn root(&self) -> &Path {
        self.tmp.path()
    }

    fn workspace(&self) -> PathBuf {
        self.root().join("work/repo")
    }

    /// Publish a release of the test's dockopt (its stand-in), packed by the release workflow's
    /// own script, at `<server>/acme/dockopt/releases/download/<tag>/` and `…/latest/download/`.
    fn publish(&self, tag: &str) {
        let (_, _, target) = platform();
        for dir in [
            format!("server/acme/dockopt/releases/download/{tag}"),
            "server/acme/dockopt/releases/latest/download".to_string(),
        ] {
            let dir = self.root().join(dir);
            sh(
                &format!(
                    "bash {script:?} {target} {shim:?} {dir:?}",
                    script = Path::new(REPO).join(".github/release/package.sh"),
                    shim = self.root().join("dockopt-shim"),
                ),
                self.root(),
            );
        }
    }

    fn cargo_log(&self) -> String {
        std::fs::read_to_string(self.root().join("cargo.log")).unwrap_or_default()
    }

    /// Run the action's steps in order, stopping at the first that fails (as GitHub does).
    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        let action = action();
        let declared = action["inputs"].as_hash().unwrap();
        for (k, _) in inputs {
            assert!(
                declared.contains_key(&Yaml::String(k.to_string())),
                "no input {k}"
            );
        }
        let input = |name: &str| -> String {
            inputs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| {
                    let d = &declared[&Yaml::String(name.into())];
                    assert!(
                        !d.is_badvalue(),
                        "expression names an undeclared input {name}"
                    );
                    d["default"].as_str().unwrap_or_default().to_string()
                })
        };
        assert_eq!(s(&action["runs"]["using"]), "composite");
        let mut env = self.env.clone();
        let mut steps: Vec<Step> = Vec::new();
        let summary_path = self.root().join("summary.md");
        let mut summary = String::new();
        let expr = regex::Regex::new(r"\$\{\{\s*([^}]*?)\s*\}\}").unwrap();
        for (i, step) in action["runs"]["steps"].as_vec().unwrap().iter().enumerate() {
            let id = step["id"].as_str().unwrap_or("").to_string();
            assert_eq!(s(&step["shell"]), "bash", "{id}: steps run in bash");
            let eval = |text: &str| -> String {
                expr.replace_all(text, |c: &regex::Captures| {
                    let e = &c[1];
                    if let Some(name) = e.strip_prefix("inputs.") {
                        input(name)
                    } else if let Some(rest) = e.strip_prefix("steps.") {
                        let (sid, out) = rest.split_once(".outputs.").expect("steps.ID.outputs.X");
                        steps
                            .iter()
                            .find(|s| s.id == sid)
                            .and_then(|s| s.outputs.get(out).cloned())
                            .unwrap_or_default()
                    } else if e == "github.action_path" {
                        self.action_path.display().to_string()
                    } else {
                        panic!("the test runner does not know the expression {e:?}")
                    }
                })
                .into_owned()
            };
            let files = self.root().join(format!("step{i}"));
            std::fs::create_dir_all(&files).unwrap();
            let (out_file, path_file) = (files.join("output"), files.join("path"));
            for f in [&out_file, &path_file, &summary_path] {
                std::fs::write(f, "").unwrap();
            }
            let script = files.join("run.sh");
            std::fs::write(&script, eval(s(&step["run"]))).unwrap();
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script)
                .current_dir(self.workspace())
                .env_clear()
                .envs(&env)
                .env("GITHUB_ACTION_PATH", &self.action_path)
                .env("GITHUB_OUTPUT", &out_file)
                .env("GITHUB_PATH", &path_file)
                .env("GITHUB_STEP_SUMMARY", &summary_path)
                .env("GITHUB_ENV", files.join("env"));
            if let Some(h) = step["env"].as_hash() {
                for (k, v) in h {
                    cmd.env(s(k), eval(s(v)));
                }
            }
            let out = cmd.output().unwrap();
            let outputs = parse_outputs(&std::fs::read_to_string(&out_file).unwrap());
            // GITHUB_PATH lines go in front of PATH for the later steps
            for line in std::fs::read_to_string(&path_file).unwrap().lines().rev() {
                let p = env["PATH"].clone();
                env.insert("PATH".into(), format!("{line}:{p}"));
            }
            summary.push_str(&std::fs::read_to_string(&summary_path).unwrap());
            let code = out.status.code().unwrap_or(-1);
            steps.push(Step {
                id,
                code,
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                outputs,
            });
            if code != 0 {
                break;
            }
        }
        Run { steps, summary }
    }
}

/// `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if let Some((k, delim)) = l.split_once("<<") {
            let mut v = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                v.push(l);
            }
            out.insert(k.to_string(), v.join("\n"));
        } else if let Some((k, v)) = l.split_once('=') {
            out.insert(k.to_string(), v.to_string());
        }
    }
    out
}

fn annotations(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("::")).collect()
}

#[test]
fn the_action_is_well_formed() {
    let a = action();
    let inputs: Vec<&str> = a["inputs"].as_hash().unwrap().keys().map(s).collect();
    assert_eq!(
        inputs,
        ["paths", "config", "fail-level", "sarif-file", "version"]
    );
    let text = std::fs::read_to_string(Path::new(REPO).join("action.yml")).unwrap();
    for i in &inputs {
        assert!(
            text.contains(&format!("${{{{ inputs.{i} }}}}")),
            "input {i} is never used"
        );
        let d = &a["inputs"][*i];
        assert!(!s(&d["description"]).is_empty());
    }
    // inputs reach the scripts through env:, never pasted into the script text
    for step in a["runs"]["steps"].as_vec().unwrap() {
        assert!(!s(&step["run"]).contains("${{"), "{:?}", step["run"]);
        let script = s(&step["run"])
            .strip_prefix("bash \"$GITHUB_ACTION_PATH/")
            .and_then(|r| r.strip_suffix('"'))
            .expect("a step runs one script of the action");
        assert!(Path::new(REPO).join(script).is_file(), "{script}");
    }
    // every output comes from a step that sets it
    let re = regex::Regex::new(r"^\$\{\{ steps\.(\w+)\.outputs\.([\w-]+) \}\}$").unwrap();
    for (k, v) in a["outputs"].as_hash().unwrap() {
        let value = s(&v["value"]);
        let c = re
            .captures(value)
            .unwrap_or_else(|| panic!("{k:?}: {value}"));
        let script = if &c[1] == "install" {
            "install.sh"
        } else {
            "run.sh"
        };
        let body =
            std::fs::read_to_string(Path::new(REPO).join(".github/action").join(script)).unwrap();
        assert!(
            body.contains(&format!("echo \"{}=", &c[2])),
            "{script} never sets {}",
            &c[2]
        );
    }
}

/// The whole action on the fixture: a verified release install, annotations errors first, the
/// step summary, SARIF, outputs, and a step that fails at the configured level.
#[test]
fn release_install_annotations_summary_and_failure() {
    let r = Runner::new("v0.1.0");
    r.publish("v0.1.0");
    let run = r.run(&[
        ("fail-level", "warning"),
        ("sarif-file", "reports/dockopt.sarif"),
    ]);
    eprintln!("{}", run.show());

    let install = run.step("install");
    assert_eq!(install.code, 0);
    assert_eq!(install.outputs["source"], "release");
    assert_eq!(install.outputs["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        install
            .stdout
            .contains("acme/dockopt/releases/download/v0.1.0/"),
        "the action's own tag and repository pick the release: {}",
        install.stdout
    );
    assert!(install.stdout.contains("verified"), "{}", install.stdout);
    assert!(r.cargo_log().is_empty(), "nothing built");

    let lint = run.step("lint");
    assert_eq!(lint.code, 1, "warnings fail the step at fail-level warning");
    assert_eq!(run.code(), 1);
    let ann = annotations(&lint.stdout);
    assert!(ann.len() >= 5, "{ann:?}");
    // errors first, then warnings, then notices
    let rank = |l: &str| {
        ["::error ", "::warning ", "::notice "]
            .iter()
            .position(|p| l.starts_with(p))
    };
    let ranks: Vec<_> = ann
        .iter()
        .map(|l| rank(l).expect("a known level"))
        .collect();
    assert!(ranks.is_sorted(), "{ann:?}");
    assert!(ann[0].starts_with("::error file=services/api/Dockerfile,line=2,col=6,"));
    assert!(!lint.stdout.contains("Dockerfile.md"), "not a Dockerfile");
    assert_eq!(lint.outputs["errors"], "1");
    assert_eq!(
        lint.outputs["findings"].parse::<usize>().unwrap(),
        ann.len()
    );
    assert_eq!(lint.outputs["sarif-file"], "reports/dockopt.sarif");

    // the full report in the job summary, with the verdict
    assert!(run.summary.starts_with("## dockopt\n"), "{}", run.summary);
    let rows = run
        .summary
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
        .count();
    assert_eq!(rows, ann.len(), "one row per finding");
    assert!(
        run.summary
            .contains("| error | `services/api/Dockerfile:2:6` |")
    );
    assert!(run.summary.contains("**The step failed:**"));

    // SARIF beside it
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(r.workspace().join("reports/dockopt.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        ann.len()
    );
}

#[test]
fn the_fail_level_and_config_inputs_decide() {
    let r = Runner::new("main");
    r.publish("v0.1.0");
    // a branch ref: the latest release
    let run = r.run(&[("fail-level", "none")]);
    eprintln!("{}", run.show());
    assert!(run.step("install").stdout.contains("/latest/download/"));
    assert_eq!(run.code(), 0, "fail-level none never fails");
    assert!(!annotations(&run.step("lint").stdout).is_empty());
    assert!(
        run.summary
            .contains("Nothing at or above the fail level (none)")
    );

    // errors only: the web service has an info finding and nothing worse
    let run = r.run(&[
        ("fail-level", "error"),
        ("paths", "services/web\nDockerfile"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.show());
    assert_eq!(run.step("lint").outputs["findings"], "5");
    // …and services/api has an error
    let run = r.run(&[
        ("fail-level", "error"),
        ("paths", "services/api services/web"),
    ]);
    assert_eq!(run.code(), 1, "{}", run.show());

    // the config input: ci/dockopt.toml ignores DO402
    let before = r.run(&[("paths", "services/api")]);
    assert!(before.step("lint").stdout.contains("title=DO402"));
    let run = r.run(&[("paths", "services/api"), ("config", "ci/dockopt.toml")]);
    assert!(
        !run.step("lint").stdout.contains("title=DO402"),
        "{}",
        run.show()
    );
    assert_eq!(run.code(), 1);

    // a configuration error is not a finding: exit 2, said in the summary
    let run = r.run(&[("config", "missing.toml")]);
    assert_eq!(run.code(), 2, "{}", run.show());
    assert!(run.summary.contains("could not run"), "{}", run.summary);

    // without a fail level, the default (info) fails on the info finding
    let run = r.run(&[("paths", "services/web")]);
    assert_eq!(run.code(), 1, "{}", run.show());
}

#[test]
fn a_bad_checksum_installs_nothing() {
    let r = Runner::new("v0.1.0");
    r.publish("v0.1.0");
    let (_, _, target) = platform();
    let sum = r.root().join(format!(
        "server/acme/dockopt/releases/download/v0.1.0/dockopt-{target}.tar.gz.sha256"
    ));
    let text = std::fs::read_to_string(&sum).unwrap();
    let flipped = if text.starts_with('0') { "1" } else { "0" };
    std::fs::write(&sum, format!("{flipped}{}", &text[1..])).unwrap();
    let run = r.run(&[]);
    eprintln!("{}", run.show());
    let install = run.step("install");
    assert_eq!(install.code, 1);
    assert!(
        install
            .stdout
            .contains("::error title=dockopt install::checksum mismatch"),
        "{}",
        install.stdout
    );
    assert!(
        r.cargo_log().is_empty(),
        "no build instead of a tampered download"
    );
    assert!(run.steps.iter().all(|s| s.id != "lint"), "lint never ran");
}

#[test]
fn without_a_release_it_builds_with_cargo() {
    let r = Runner::new("v0.1.0"); // nothing published
    let run = r.run(&[("fail-level", "none")]);
    eprintln!("{}", run.show());
    assert_eq!(run.step("install").outputs["source"], "cargo");
    let log = r.cargo_log();
    assert_eq!(
        log.trim(),
        format!(
            "install --locked --quiet --root {} --path {}",
            r.root().join("temp/dockopt-0.1.0").display(),
            r.action_path.display()
        )
    );
    assert_eq!(run.code(), 0);
    assert!(!annotations(&run.step("lint").stdout).is_empty());

    // another version than the action's checkout: built from that release's tag
    let r = Runner::new("v0.1.0");
    let run = r.run(&[("version", "v7.0.0")]);
    assert!(
        r.cargo_log().contains("--git file://"),
        "{}\n{}",
        r.cargo_log(),
        run.show()
    );
    assert!(r.cargo_log().contains("acme/dockopt --tag v7.0.0 dockopt"));

    // version: source always builds
    let r = Runner::new("v0.1.0");
    r.publish("v0.1.0");
    let run = r.run(&[("version", "source"), ("fail-level", "none")]);
    assert_eq!(
        run.step("install").outputs["source"],
        "cargo",
        "{}",
        run.show()
    );

    // a version that is not one
    let r = Runner::new("v0.1.0");
    let run = r.run(&[("version", "newest")]);
    assert_eq!(run.code(), 1);
    assert!(run.step("install").stdout.contains("version must be"));
}
