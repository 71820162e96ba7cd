//! `.pre-commit-hooks.yaml` agrees with the code: its `files`/`exclude` patterns pick exactly the
//! names `dockopt lint` discovers by itself, and its entries are real commands. (The hooks are
//! run for real by `tests/integration/pre-commit.sh`.)

use dockopt::discover::{NOT_DOCKERFILE_EXT, is_dockerfile_name};
use yaml_rust2::{Yaml, YamlLoader};

fn hooks() -> Vec<Yaml> {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    docs[0].as_vec().expect("a list of hooks").clone()
}

fn field<'a>(h: &'a Yaml, k: &str) -> &'a str {
    h[k].as_str()
        .unwrap_or_else(|| panic!("hook without {k}: {h:?}"))
}

#[test]
fn the_hooks_are_lint_and_fix() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| field(h, "id")).collect();
    assert_eq!(ids, ["dockopt", "dockopt-fix"]);
    // --force-exclude: dockopt.toml's `exclude` applies to the files pre-commit names
    assert_eq!(field(&hooks[0], "entry"), "dockopt lint --force-exclude");
    assert_eq!(
        field(&hooks[1], "entry"),
        "dockopt fix --write --force-exclude"
    );
    for h in &hooks {
        assert_eq!(field(h, "language"), "rust");
        assert_eq!(field(h, "files"), field(&hooks[0], "files"));
        assert_eq!(field(h, "exclude"), field(&hooks[0], "exclude"));
        // one process sees every file: fixes that touch a shared .dockerignore are merged
        assert_eq!(h["require_serial"].as_bool(), Some(true));
    }
    // the binary pre-commit installs is the one the entries name
    let manifest = std::fs::read_to_string("Cargo.toml")
        .unwrap()
        .replace("\r\n", "\n");
    assert!(
        manifest.contains("[[bin]]\nname = \"dockopt\""),
        "{manifest}"
    );
}

#[test]
fn the_exclude_list_is_discovers() {
    let h = &hooks()[0];
    let exclude = field(h, "exclude");
    let inner = exclude
        .strip_prefix("(?i)\\.(")
        .and_then(|s| s.strip_suffix(")$"))
        .expect("exclude is (?i)\\.(ext|…)$");
    let listed: Vec<&str> = inner.split('|').collect();
    assert_eq!(listed, NOT_DOCKERFILE_EXT);
}

#[test]
fn the_patterns_pick_what_discovery_picks() {
    let h = &hooks()[0];
    // pre-commit matches with Python's re.search; these patterns use only syntax that Python
    // and the regex crate read alike: (?i), groups, alternation, classes, ^ and $.
    let files = regex::Regex::new(field(h, "files")).unwrap();
    let exclude = regex::Regex::new(field(h, "exclude")).unwrap();
    let mut checked = 0;
    for dir in ["", "sub/", "a/b/", "Dockerfile.d/", "x.md/", "dockerfile/"] {
        for pre in ["", "api.", "api-", "api_", "my", "x.y.", "__", "."] {
            for word in [
                "Dockerfile",
                "dockerfile",
                "Containerfile",
                "DOCKERFILE",
                "docker",
            ] {
                for post in [
                    "",
                    ".dev",
                    "-prod",
                    "_win",
                    ".md",
                    ".dockerignore",
                    ".tmpl",
                    "s",
                    ".Dockerfile",
                    ".yaml",
                    ".j2",
                    ".prod.md",
                    ".x",
                    "-",
                ] {
                    let name = format!("{pre}{word}{post}");
                    let path = format!("{dir}{name}");
                    let hook = files.is_match(&path) && !exclude.is_match(&path);
                    assert_eq!(
                        hook,
                        is_dockerfile_name(&name),
                        "{path}: the hook says {hook}, discovery disagrees"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000);
}
