//! Parser fixtures: every construct in `tests/fixtures/syntax/`, with snapshots of the outline and
//! of the JSON contract, and the lossless round trip on every fixture of the project.

use std::path::Path;

use dockopt::syntax::{self, dump};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots/syntax");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Joining the items' line spans gives the input back, byte for byte.
fn assert_roundtrip(src: &str, what: &str) {
    let df = syntax::parse(src);
    let mut pos = 0usize;
    for item in &df.items {
        let s = item.line_span();
        assert_eq!(
            s.start as usize, pos,
            "{what}: gap or overlap at byte {pos}"
        );
        pos = s.end as usize;
    }
    assert_eq!(pos, src.len(), "{what}: items stop before the end");
    let joined: String = df.items.iter().map(|i| i.line_span().text(src)).collect();
    assert_eq!(joined, src, "{what}: round trip differs");
}

#[test]
fn syntax_fixtures() {
    settings().bind(|| {
        insta::glob!("fixtures/syntax/*.Dockerfile", |path| {
            let src = std::fs::read_to_string(path).unwrap();
            assert_roundtrip(&src, &path.display().to_string());
            let df = syntax::parse(&src);
            let json = serde_json::to_string_pretty(&dump::to_json(&src, &df)).unwrap();
            insta::assert_snapshot!(format!(
                "{}\n--- json ---\n{}",
                dump::to_text(&src, &df),
                json
            ));
        });
    });
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_roundtrips() {
    let mut files = Vec::new();
    walk(Path::new("tests/fixtures"), &mut files);
    assert!(files.len() > 10);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        if let Ok(src) = String::from_utf8(bytes) {
            assert_roundtrip(&src, &f.display().to_string());
        }
    }
}

#[test]
fn hostile_input_never_panics_and_roundtrips() {
    let mut cases: Vec<String> = vec![
        String::new(),
        "\\".into(),
        "RUN \\".into(),
        "`".into(),
        "# escape=`\nRUN `".into(),
        "RUN <<".into(),
        "RUN <<EOF".into(),
        "COPY <<A <<B /x\nA\n".into(),
        "CMD [".into(),
        "CMD [\"\\u12\"]".into(),
        "CMD [\"\\ud800\"]".into(),
        "ENV a=\"unterminated".into(),
        "ARG 'x".into(),
        "FROM a AS".into(),
        "HEALTHCHECK".into(),
        "ONBUILD".into(),
        "ONBUILD ONBUILD ONBUILD RUN x".into(),
        "RUN --mount=\"".into(),
        "RUN ${".into(),
        "RUN ${a:-${b:-${c".into(),
        "\r\r\r\n\r".into(),
        "\u{feff}".into(),
        "\0\0\0FROM\0a".into(),
        "FROM a\n\u{a0}RUN\u{a0}x\u{2028}y".into(),
    ];
    // binary-ish data, a 1 MB line, 100k continuation lines
    cases.push((0u8..=255).map(|b| b as char).collect());
    cases.push(format!("FROM a\nRUN {}\n", "x".repeat(1 << 20)));
    cases.push(format!(
        "FROM a\nRUN a \\\n{}b\n",
        "  c \\\n".repeat(100_000)
    ));
    // nesting far past every bound (unbounded recursion would overflow the stack)
    cases.push(format!(
        "FROM a\nENV A={}x{}\nRUN echo ${{B:-{}}}\n",
        "${B:-".repeat(20_000),
        "}".repeat(20_000),
        "${C:-".repeat(20_000)
    ));
    cases.push(format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(20_000)));
    cases.push(format!("FROM a\nCMD {}\n", "[".repeat(20_000)));
    for (i, src) in cases.iter().enumerate() {
        assert_roundtrip(src, &format!("case {i}"));
        let df = syntax::parse(src);
        let _ = dump::to_text(src, &df);
        let _ = dump::to_json(src, &df);
    }
}

#[test]
fn onbuild_nesting_is_bounded() {
    let src = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(20));
    let df = syntax::parse(&src);
    assert!(
        df.errors
            .iter()
            .any(|e| e.message == "ONBUILD nested more than 8 levels deep"),
        "{:?}",
        df.errors
    );
    // shallow chains parse as before: the trigger of the trigger
    let df = syntax::parse("FROM a\nONBUILD ONBUILD RUN x\n");
    assert!(!df.has_errors());
    let outer = df.instructions().nth(1).unwrap();
    let inner = outer.trigger().unwrap();
    assert_eq!(inner.trigger().unwrap().kind, syntax::Kind::Run);
}

#[test]
fn long_lines_are_an_error_not_a_crash() {
    let src = format!("FROM a\nLABEL x={}\n", "a".repeat(70_000));
    let df = syntax::parse(&src);
    assert!(
        df.errors
            .iter()
            .any(|e| e.message.contains("max allowed size"))
    );
    assert_eq!(df.instructions().count(), 2);
}
