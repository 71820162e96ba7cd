//! SARIF output validates against the official SARIF 2.1.0 schema, with findings and without.

use dockopt::linter::{BuildContext, lint};
use dockopt::output::{FileReport, sarif};
use dockopt::settings::Settings;

/// The rtm.5 schema has one malformed regex (the `language` patterns: a stray `]`) that the
/// meta-schema's format check rejects; later schema revisions fixed it to the pattern below.
fn patch_language_patterns(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            let mut n = 0;
            for (k, x) in m.iter_mut() {
                if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *x = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    n += 1;
                } else {
                    n += patch_language_patterns(x);
                }
            }
            n
        }
        serde_json::Value::Array(a) => a.iter_mut().map(patch_language_patterns).sum(),
        _ => 0,
    }
}

fn validator() -> jsonschema::Validator {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    assert!(patch_language_patterns(&mut schema) > 0);
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn sarif_of(files: &[FileReport]) -> serde_json::Value {
    let mut out = Vec::new();
    sarif::write(files, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn assert_valid(v: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_with_findings_validates() {
    let src = "FROM python\nRUN apt-get update && apt-get install -y curl\nCOPY --link=yes app /app\nCMD python app.py\n";
    let diags = lint(src, None, &BuildContext::default(), &Settings::default()).diagnostics;
    assert!(diags.len() >= 3);
    let files = vec![FileReport::new(
        "api/Dockerfile".into(),
        src.to_string(),
        diags,
    )];
    let v = sarif_of(&files);
    assert_valid(&v);
    let run = &v["runs"][0];
    // the whole catalog is listed
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        dockopt::rules::all().len()
    );
    // column-precise regions
    let r = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DO501")
        .expect("a DO501 result");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "api/Dockerfile"
    );
    // a fixable finding carries a fix
    assert!(
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.get("fixes").is_some())
    );
}

#[test]
fn sarif_without_findings_validates() {
    let v = sarif_of(&[]);
    assert_valid(&v);
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
    let files = vec![FileReport::new(
        "Dockerfile".into(),
        "FROM scratch\n".into(),
        vec![],
    )];
    assert_valid(&sarif_of(&files));
    // the check can fail: a wrong version or a bad level is rejected
    let mut bad = v.clone();
    bad["version"] = serde_json::json!("2.0.0");
    assert!(!validator().is_valid(&bad));
}
