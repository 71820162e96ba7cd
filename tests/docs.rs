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

/// Replace the text between `<!-- begin generated: NAME -->` and `<!-- end generated: NAME -->`
/// in `path` with `want`; report the file as stale when it differs (or rewrite it with
/// `DOCKOPT_UPDATE_DOCS=1`).
fn check_region(path: &str, name: &str, want: &str, stale: &mut Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
    let begin = format!("<!-- begin generated: {name} -->\n");
    let end = format!("<!-- end generated: {name} -->");
    let start = text
        .find(&begin)
        .unwrap_or_else(|| panic!("{path}: no {begin:?}"))
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("{path}: no {end:?}"))
        + start;
    if &text[start..stop] != want {
        if std::env::var_os("DOCKOPT_UPDATE_DOCS").is_some() {
            let new = format!("{}{want}{}", &text[..start], &text[stop..]);
            std::fs::write(path, new).unwrap();
        } else {
            stale.push(format!("{path} ({name})"));
        }
    }
}

fn assert_current(stale: Vec<String>) {
    assert!(
        stale.is_empty(),
        "stale generated docs (run `DOCKOPT_UPDATE_DOCS=1 cargo test --test docs`): {stale:?}"
    );
}

/// The fenced blocks of one language in a Markdown text.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let body = &rest[i + open.len()..];
        let end = body.find("```").expect("an unclosed code block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .replace("\r\n", "\n")
}

#[test]
fn hadolint_mapping_is_current() {
    let mut stale = Vec::new();
    check_region(
        "docs/migrating-from-hadolint.md",
        "hadolint-mapping",
        &docs::hadolint_mapping(),
        &mut stale,
    );
    assert_current(stale);
    // every DL alias names a hadolint rule this table knows (or the count would lie)
    for r in rules::all() {
        for a in r.meta().aliases.iter().filter(|a| a.starts_with("DL")) {
            assert!(
                docs::HADOLINT_RULES.contains(a) || *a == "DL1000",
                "{}: alias {a} is not in docs::HADOLINT_RULES",
                r.meta().code
            );
        }
    }
}

#[test]
fn output_format_examples_are_current() {
    use clap::ValueEnum;
    use dockopt::output::Format;
    let path = "docs/output-formats.md";
    let text = read(path);
    let mut stale = Vec::new();
    for f in Format::value_variants() {
        let name = f.to_possible_value().unwrap().get_name().to_string();
        assert!(
            text.contains(&format!("\n## `{name}`\n")),
            "{path} does not document --format {name}"
        );
        let lang = match f {
            Format::Sarif => continue, // the whole catalog: too long to show
            Format::Json | Format::Gitlab => "json",
            Format::Checkstyle => "xml",
            Format::Markdown => "markdown",
            _ => "text",
        };
        let want = format!("```{lang}\n{}```\n", docs::format_example(*f));
        check_region(path, &format!("format-{name}"), &want, &mut stale);
    }
    assert!(
        text.contains(&format!("```dockerfile\n{}```", docs::FORMAT_EXAMPLE)),
        "{path} does not show the example Dockerfile"
    );
    assert_current(stale);
}

#[test]
fn the_json_contract_lists_every_key() {
    let text = read("docs/output-formats.md");
    let json: serde_json::Value =
        serde_json::from_str(&docs::format_example(dockopt::output::Format::Json)).unwrap();
    let finding = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !f["fix"]["edits"].as_array().is_none_or(|e| e.is_empty()))
        .expect("the example has a fix");
    // the first cell of each row of the key table: `a`, `b`
    let documented: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .split(',')
                .map(|k| k.trim().trim_matches('`').to_string())
        })
        .collect();
    let mut actual: Vec<String> = finding.as_object().unwrap().keys().cloned().collect();
    actual.extend(
        finding["fix"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| format!("fix.{k}")),
    );
    let (mut a, mut d) = (actual.clone(), documented.clone());
    a.sort();
    d.sort();
    assert_eq!(a, d, "the JSON key table and the output differ");
    let edits_row = text
        .lines()
        .find(|l| l.starts_with("| `fix.edits`"))
        .unwrap();
    for k in finding["fix"]["edits"][0].as_object().unwrap().keys() {
        assert!(edits_row.contains(&format!("`{k}`")), "fix.edits: {k}");
    }
}

#[test]
fn the_configuration_reference_has_every_key() {
    let text = read("docs/configuration.md");
    let mut documented: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
        .map(str::to_string)
        .collect();
    let mut keys = dockopt::config::Config::keys();
    documented.sort();
    keys.sort();
    assert_eq!(
        documented, keys,
        "docs/configuration.md's `### key` headings and the Config struct differ"
    );
}

/// Every `toml` example in the docs is a valid dockopt.toml.
#[test]
fn every_toml_example_parses() {
    let mut n = 0;
    for path in doc_files() {
        let text = read(&path);
        for b in blocks(&text, "toml") {
            dockopt::config::Config::parse(Path::new(&path), b)
                .unwrap_or_else(|e| panic!("{path}: {e}\n{b}"));
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} examples");
}

fn doc_files() -> Vec<String> {
    let mut out = vec!["README.md".to_string()];
    for e in std::fs::read_dir("docs").unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "md") {
            out.push(p.display().to_string().replace('\\', "/"));
        }
    }
    out.sort();
    out
}

#[test]
fn the_action_inputs_are_current() {
    use yaml_rust2::YamlLoader;
    let action = YamlLoader::load_from_str(&read("action.yml"))
        .unwrap()
        .remove(0);
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut want = String::from("| Input | Default | What it does |\n|---|---|---|\n");
    for (k, v) in action["inputs"].as_hash().unwrap() {
        let default = v["default"].as_str().unwrap_or("");
        want.push_str(&format!(
            "| `{}` | {} | {} |\n",
            k.as_str().unwrap(),
            if default.is_empty() {
                String::new()
            } else {
                format!("`{default}`")
            },
            cell(v["description"].as_str().unwrap())
        ));
    }
    want.push_str("\n| Output | What it is |\n|---|---|\n");
    for (k, v) in action["outputs"].as_hash().unwrap() {
        want.push_str(&format!(
            "| `{}` | {} |\n",
            k.as_str().unwrap(),
            cell(v["description"].as_str().unwrap())
        ));
    }
    let mut stale = Vec::new();
    check_region("docs/github-action.md", "action-inputs", &want, &mut stale);
    assert_current(stale);
}

/// Each example of docs/suppressions.md silences what its comments name, and without the
/// comments those rules do report: the examples show real suppressions.
#[test]
fn the_suppression_examples_suppress() {
    use dockopt::linter::{BuildContext, lint};
    use dockopt::settings::Settings;
    let text = read("docs/suppressions.md");
    let examples = blocks(&text, "dockerfile");
    assert!(examples.len() >= 4);
    for ex in examples {
        let mut named = Vec::new();
        let mut without = String::new();
        for line in ex.lines() {
            let list = line
                .split_once("ignore=")
                .or_else(|| line.split_once("check=skip="))
                .map(|(_, l)| l.split_whitespace().next().unwrap_or(""));
            match list.filter(|_| line.starts_with('#')) {
                Some(l) => named.extend(l.split(',').map(str::to_string)),
                None => {
                    without.push_str(line);
                    without.push('\n');
                }
            }
        }
        assert!(!named.is_empty(), "an example without a suppression:\n{ex}");
        let ctx = BuildContext::default();
        let hits = |src: &str, sel: &str| {
            lint(src, None, &ctx, &Settings::default())
                .diagnostics
                .iter()
                .filter(|d| {
                    dockopt::linter::find_rule(d.code).is_some_and(|r| r.meta().matches(sel))
                })
                .count()
        };
        for sel in &named {
            assert_eq!(hits(ex, sel), 0, "{sel} still reported in:\n{ex}");
            assert!(
                hits(&without, sel) > 0,
                "{sel} would not be reported anyway in:\n{without}"
            );
        }
    }
}

/// The README links every guide, and every relative link in the docs leads to a file.
#[test]
fn the_docs_are_linked() {
    let readme = read("README.md");
    for path in doc_files().iter().filter(|p| p.starts_with("docs/")) {
        assert!(
            readme.contains(&format!("]({path})")),
            "README.md does not link {path}"
        );
    }
    let link = regex::Regex::new(r"\]\(([^)#\s]+)(#[^)]*)?\)").unwrap();
    for path in doc_files() {
        let dir = Path::new(&path).parent().unwrap();
        for c in link.captures_iter(&read(&path)) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            assert!(dir.join(target).exists(), "{path}: broken link to {target}");
        }
    }
}
