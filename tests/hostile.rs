//! Hostile and odd input through the built binary: bytes that are not UTF-8, BOMs, line endings,
//! NUL bytes, huge files and lines, deep nesting, files that cannot be read, links that lead
//! nowhere, folders named like Dockerfiles, strange `.dockerignore` files; and the safety of
//! `fix --write` (atomic replace, permissions, owner, symlinks, read-only files and folders,
//! stdin to stdout).
//!
//! For each: no panic, a message that names the file and says what happened, the other files
//! still processed, and the documented exit status (0 clean, 1 findings, 2 errors).
//!
//! Root reads and writes any file, so the permission tests would prove nothing as root. When
//! the tests run as root they run the binary as `nobody` through `setpriv` (the temporary tree is
//! handed to that user first); where that is not possible, they skip their assertions and say so.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXABLE: &str = "FROM alpine:3.20\nRUN apk add curl\n";
const FIXED: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl\n";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockopt"));
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn show(&self) -> String {
        format!(
            "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.out().chars().take(4000).collect::<String>(),
            self.stderr.chars().take(4000).collect::<String>()
        )
    }
    /// Finished normally: no panic, no internal error, a documented exit status.
    fn sane(&self) -> &Self {
        assert!(
            (0..=2).contains(&self.code),
            "unexpected exit status\n{}",
            self.show()
        );
        for bad in [
            "panicked",
            "internal error",
            "RUST_BACKTRACE",
            "stack overflow",
        ] {
            assert!(!self.stderr.contains(bad), "{bad}\n{}", self.show());
        }
        self
    }
}

/// Run a command to its end. The deadline only guards against a hang (a blocked read), it is
/// not a timing assertion: it is far above what any of these runs needs.
fn finish(mut c: Command, dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    c.current_dir(dir).args(args);
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let input = stdin.map(<[u8]>::to_vec);
    let mut pipe = child.stdin.take();
    let feeder = std::thread::spawn(move || {
        if let (Some(p), Some(bytes)) = (pipe.as_mut(), input) {
            let _ = p.write_all(&bytes);
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let deadline = Instant::now() + Duration::from_secs(900);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dockopt {args:?} did not finish (hung)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    feeder.join().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: reader.join().unwrap(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    finish(bin(), dir, args, None)
}

fn run_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    finish(bin(), dir, args, Some(stdin))
}

fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("dockopt-hostile-")
        .tempdir_in(std::env::temp_dir())
        .unwrap()
}

#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The binary as an unprivileged user, for tests of permissions. Not root: the binary as is.
/// Root: the binary as `nobody` (uid and gid 65534) through `setpriv`, after handing `dir` to
/// that user. None when root cannot drop its privileges here: the caller skips its assertions.
#[cfg(unix)]
fn unprivileged(dir: &Path) -> Option<Command> {
    if !is_root() {
        return Some(bin());
    }
    let works = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        eprintln!("running as root without setpriv: permission assertions skipped");
        return None;
    }
    fn give(p: &Path) {
        std::os::unix::fs::lchown(p, Some(65534), Some(65534)).unwrap();
        if std::fs::symlink_metadata(p).unwrap().is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                give(&e.unwrap().path());
            }
        }
    }
    give(dir);
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_dockopt"))
        .env("NO_COLOR", "1");
    Some(c)
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Names in a folder (to check that no temporary file is left behind).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// Encodings, line endings, odd bytes

#[test]
fn non_utf8_file_is_linted_with_a_warning_and_never_written() {
    let t = tempdir();
    let bad = t.path().join("a/Dockerfile");
    let bytes = b"FROM alpine:3.20\n# caf\xe9 \xff\xfe\nRUN apk add curl\n".to_vec();
    write(&bad, &bytes);
    write(&t.path().join("b/Dockerfile"), FIXABLE);

    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(
        r.code,
        1,
        "findings, and a warning is not an error\n{}",
        r.show()
    );
    assert!(
        r.stderr
            .contains("a/Dockerfile is not valid UTF-8; invalid bytes were replaced"),
        "{}",
        r.show()
    );
    assert!(
        r.out().contains("a/Dockerfile:3:"),
        "still linted\n{}",
        r.show()
    );
    assert!(r.out().contains("b/Dockerfile:"), "{}", r.show());

    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert!(
        r.stderr
            .contains("a/Dockerfile: not valid UTF-8; not fixed"),
        "{}",
        r.show()
    );
    assert_eq!(
        read(&bad),
        bytes,
        "a file that is not UTF-8 is never written"
    );
    assert_eq!(read(&t.path().join("b/Dockerfile")), FIXED.as_bytes());

    let r = run(t.path(), &["parse", "a/Dockerfile"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.show());
}

#[test]
fn bom_and_line_endings_survive_a_fix() {
    let t = tempdir();
    let cases: [(&str, &str); 3] = [
        (
            "bom.Dockerfile",
            "\u{feff}FROM alpine:3.20\nRUN apk add curl\n",
        ),
        (
            "crlf.Dockerfile",
            "FROM alpine:3.20\r\nRUN apk add curl\r\nRUN echo done\r\n",
        ),
        (
            "mixed.Dockerfile",
            "FROM alpine:3.20\r\nRUN apk add curl \\\r\n    && echo a\nRUN echo done\r\n",
        ),
    ];
    for (name, src) in cases {
        write(&t.path().join(name), src);
    }
    // a lone CR is not a line end for Docker: one long line
    write(
        &t.path().join("cr.Dockerfile"),
        "FROM alpine:3.20\rRUN apk add curl\r",
    );

    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    assert!(
        r.out().contains("bom.Dockerfile:2:"),
        "the BOM does not shift lines\n{}",
        r.show()
    );

    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    let bom = String::from_utf8(read(&t.path().join("bom.Dockerfile"))).unwrap();
    assert_eq!(bom, format!("\u{feff}{FIXED}"), "the BOM is kept");
    let crlf = String::from_utf8(read(&t.path().join("crlf.Dockerfile"))).unwrap();
    assert!(crlf.contains("--no-cache"), "{crlf:?}");
    assert!(
        !crlf.replace("\r\n", "").contains('\n'),
        "CRLF stays CRLF: {crlf:?}"
    );
    let r = run(t.path(), &["parse", "mixed.Dockerfile"]);
    assert_eq!(r.code, 0, "the fixed file still parses\n{}", r.show());
    let r = run(t.path(), &["fix"]);
    assert_eq!(r.code, 0, "a second fix finds nothing\n{}", r.show());
}

#[test]
fn nul_bytes_are_just_bytes() {
    let t = tempdir();
    write(
        &t.path().join("Dockerfile"),
        "FROM alpine:3.20\0\nRUN apk add \0curl\n\0\0\0\nCMD [\"a\0\"]\n",
    );
    write(&t.path().join("ok/Dockerfile"), FIXABLE);
    for args in [
        &["lint"][..],
        &["lint", "--format", "json"],
        &["lint", "--format", "sarif"],
        &["fix", "--write", "--unsafe"],
        &["parse", "Dockerfile"],
    ] {
        run(t.path(), args).sane();
    }
    let ok = String::from_utf8(read(&t.path().join("ok/Dockerfile"))).unwrap();
    assert!(ok.contains("apk add --no-cache curl"), "{ok}");
}

// ---------------------------------------------------------------------------------------------
// Size

#[test]
fn a_50_megabyte_file_is_linted() {
    let t = tempdir();
    // Mostly long comment lines, with an instruction every few lines: big enough to exercise
    // reading, decoding, line indexing and reporting at this size, and quick in a debug build
    // (the cost of dense instructions is covered by the linear-time checks of smaller files).
    let mut src = String::from("FROM alpine:3.20\nWORKDIR /app\n");
    let comment = format!("# {}\n", "lorem ipsum ".repeat(80));
    let mut i = 0;
    while src.len() < 50 << 20 {
        for _ in 0..20 {
            src.push_str(&comment);
        }
        src.push_str(&format!("RUN echo {i} > /tmp/f{i}\n"));
        i += 1;
    }
    write(&t.path().join("big/Dockerfile"), &src);
    write(&t.path().join("small/Dockerfile"), FIXABLE);
    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    assert!(r.out().contains("big/Dockerfile:"), "{}", r.show());
    assert!(r.out().contains("small/Dockerfile:"), "{}", r.show());
}

#[test]
fn a_one_megabyte_line_is_a_syntax_error() {
    let t = tempdir();
    // something to fix too: the fixer must still refuse to write a file that does not parse
    let src = format!(
        "FROM alpine:3.20\nRUN apk add curl && echo {}\n",
        "x".repeat(1 << 20)
    );
    write(&t.path().join("long/Dockerfile"), &src);
    write(&t.path().join("small/Dockerfile"), FIXABLE);
    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    assert!(
        r.out().contains("long/Dockerfile:2:1:") && r.out().contains("max allowed size"),
        "{}",
        r.show()
    );
    assert!(r.out().contains("small/Dockerfile:"), "{}", r.show());
    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert!(
        r.stderr
            .contains("long/Dockerfile: has syntax errors; not written"),
        "{}",
        r.show()
    );
    assert_eq!(read(&t.path().join("long/Dockerfile")), src.as_bytes());
    assert_eq!(read(&t.path().join("small/Dockerfile")), FIXED.as_bytes());
}

#[test]
fn a_hundred_thousand_continuation_lines() {
    let t = tempdir();
    let mut words = String::from("FROM alpine:3.20\nRUN apk add \\\n");
    for i in 0..100_000 {
        words.push_str(&format!("    pkg{i} \\\n"));
    }
    words.push_str("    last\n");
    // comment lines and empty lines inside a continued instruction are allowed by BuildKit
    let mut sparse = String::from("FROM alpine:3.20\nRUN set -e; \\\n");
    for i in 0..100_000 {
        sparse.push_str(if i % 2 == 0 { "# c\n" } else { "\\\n" });
    }
    sparse.push_str("    echo done\n");
    // one shell command per line
    let mut commands = String::from("FROM alpine:3.20\nRUN true \\\n");
    for i in 0..100_000 {
        commands.push_str(&format!("  && echo {i} \\\n"));
    }
    commands.push_str("  && true\n");
    write(&t.path().join("words.Dockerfile"), &words);
    write(&t.path().join("sparse.Dockerfile"), &sparse);
    write(&t.path().join("commands.Dockerfile"), &commands);
    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    for n in ["words", "sparse", "commands"] {
        assert!(
            r.out().contains(&format!("{n}.Dockerfile:")),
            "{n}\n{}",
            r.show()
        );
    }
    run(t.path(), &["fix", "--write", "--unsafe"]).sane();
    let r = run(t.path(), &["parse", "words.Dockerfile"]);
    assert_eq!(r.code, 0, "{}", r.show());
}

// ---------------------------------------------------------------------------------------------
// Nesting

/// Quote `s` for a double-quoted POSIX shell word.
fn dquote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[test]
fn deep_nesting_is_bounded() {
    let t = tempdir();
    let n = 200;
    // sh -c inside sh -c, each level quoted for the one around it: the quoting doubles with
    // each level, so as deep as a Dockerfile line allows
    let mut script = String::from("apt-get install curl");
    loop {
        let next = format!("sh -c {}", dquote(&script));
        if next.len() > 60_000 {
            break;
        }
        script = next;
    }
    let mut files = vec![
        ("quoted", format!("FROM debian\nRUN {script}\n")),
        (
            "subst",
            format!(
                "FROM debian\nRUN {}apt-get install curl{}\n",
                "sh -c \"$(".repeat(n),
                ")\"".repeat(n)
            ),
        ),
        (
            "single",
            format!(
                "FROM debian\nRUN {}apt-get install curl{}\n",
                "bash -c 'sh -c \"".repeat(n / 2),
                "\"'".repeat(n / 2)
            ),
        ),
        (
            "exec",
            format!(
                "FROM debian\nRUN [\"sh\", \"-c\", \"{}apt-get install curl{}\"]\n",
                "sh -c '".repeat(n),
                "'".repeat(n)
            ),
        ),
    ];
    // far deeper than any bound, to catch unbounded recursion (a stack overflow aborts the
    // process: no message, no other file)
    let deep = 10_000;
    for (name, open, close) in [
        ("parens", "(", ")"),
        ("dollar", "$(", ")"),
        ("backtick", "$(echo `", "`)"),
        ("braces", "{ ", "; }"),
        ("vars", "${a:-", "}"),
        ("ifs", "if true; then ", "; fi"),
        ("arith", "$((", "))"),
    ] {
        let body = format!("{}echo x{}", open.repeat(deep), close.repeat(deep));
        files.push((name, format!("FROM debian\nRUN {body}\n")));
        files.push((
            Box::leak(format!("{name}-open").into_boxed_str()),
            format!("FROM debian\nRUN {}\n", open.repeat(deep)),
        ));
    }
    files.push(("json", format!("FROM debian\nCMD {}\n", "[".repeat(deep))));
    files.push((
        "env",
        format!(
            "FROM debian\nENV A={}x{}\nRUN echo $A\n",
            "${B:-".repeat(deep),
            "}".repeat(deep)
        ),
    ));
    files.push((
        "from",
        format!(
            "ARG A=${{B:-{}\nFROM alpine:${{A:-{}\nRUN echo\n",
            "${C:-".repeat(deep),
            "${A:-".repeat(deep)
        ),
    ));
    files.push((
        "onbuild",
        format!("FROM debian\n{}RUN x\n", "ONBUILD ".repeat(deep)),
    ));
    for (name, src) in &files {
        write(&t.path().join(format!("{name}.Dockerfile")), src);
    }
    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    for (name, _) in &files {
        assert!(
            r.out().contains(&format!("{name}.Dockerfile:")),
            "{name} was not linted\n{}",
            r.show()
        );
    }
    run(t.path(), &["fix", "--write", "--unsafe"]).sane();
    // the syntax tree dumps walk nested ONBUILDs and JSON too
    for name in ["onbuild", "json", "env", "vars", "vars-open", "from"] {
        run(t.path(), &["parse", &format!("{name}.Dockerfile")]).sane();
        run(
            t.path(),
            &["parse", "--format", "json", &format!("{name}.Dockerfile")],
        )
        .sane();
    }
}

// ---------------------------------------------------------------------------------------------
// The file system

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported_and_the_rest_is_linted() {
    let t = tempdir();
    let secret = t.path().join("a/Dockerfile");
    write(&secret, FIXABLE);
    write(&t.path().join("b/Dockerfile"), FIXABLE);
    write(&t.path().join("locked/Dockerfile"), FIXABLE);
    chmod(&secret, 0o000);
    chmod(&t.path().join("locked"), 0o000);
    let Some(cmd) = unprivileged(t.path()) else {
        return;
    };
    let r = finish(cmd, t.path(), &["lint", "--format", "concise"], None);
    r.sane();
    assert_eq!(r.code, 2, "an unreadable file is an error\n{}", r.show());
    assert!(
        r.stderr
            .contains("cannot read ./a/Dockerfile: Permission denied"),
        "{}",
        r.show()
    );
    assert!(r.stderr.contains("locked"), "{}", r.show());
    assert!(r.out().contains("b/Dockerfile:"), "{}", r.show());

    let cmd = unprivileged(t.path()).unwrap();
    let r = finish(cmd, t.path(), &["fix", "--write"], None);
    r.sane();
    assert_eq!(r.code, 2, "{}", r.show());
    assert!(r.stderr.contains("a/Dockerfile"), "{}", r.show());
    assert_eq!(read(&t.path().join("b/Dockerfile")), FIXED.as_bytes());
    chmod(&t.path().join("locked"), 0o755);
}

#[cfg(unix)]
#[test]
fn dangling_and_looping_symlinks() {
    let t = tempdir();
    write(&t.path().join("ok/Dockerfile"), FIXABLE);
    std::os::unix::fs::symlink("missing.Dockerfile", t.path().join("Dockerfile")).unwrap();
    std::os::unix::fs::symlink("loop.Dockerfile", t.path().join("loop.Dockerfile")).unwrap();

    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(
        r.code,
        1,
        "a link met while walking is skipped with a warning\n{}",
        r.show()
    );
    assert!(
        r.stderr.contains(
            "warning: skipped ./Dockerfile: a symbolic link to a file that does not exist"
        ),
        "{}",
        r.show()
    );
    assert!(
        r.stderr.contains("warning: skipped ./loop.Dockerfile"),
        "{}",
        r.show()
    );
    assert!(r.out().contains("ok/Dockerfile:"), "{}", r.show());

    let r = run(t.path(), &["lint", "Dockerfile", "ok/Dockerfile"]);
    r.sane();
    assert_eq!(
        r.code,
        2,
        "a link named on the command line is an error\n{}",
        r.show()
    );
    assert!(
        r.stderr
            .contains("cannot read Dockerfile: a symbolic link to a file that does not exist"),
        "{}",
        r.show()
    );

    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(read(&t.path().join("ok/Dockerfile")), FIXED.as_bytes());
    assert!(
        std::fs::symlink_metadata(t.path().join("Dockerfile")).is_ok()
            && !t.path().join("missing.Dockerfile").exists(),
        "nothing is created behind a dangling link"
    );
}

#[cfg(unix)]
#[test]
fn folders_and_pipes_named_like_dockerfiles() {
    let t = tempdir();
    write(&t.path().join("Dockerfile/Dockerfile"), FIXABLE);
    std::fs::create_dir_all(t.path().join("api.Dockerfile")).unwrap();
    std::os::unix::fs::symlink("api.Dockerfile", t.path().join("link.Dockerfile")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(t.path().join("pipe.Dockerfile"))
        .status()
        .is_ok_and(|s| s.success());
    if fifo {
        std::os::unix::fs::symlink("pipe.Dockerfile", t.path().join("piped.Dockerfile")).unwrap();
    }

    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    assert!(r.out().contains("Dockerfile/Dockerfile:"), "{}", r.show());
    assert!(!r.stderr.contains("cannot"), "{}", r.show());
    if fifo {
        assert!(
            r.stderr.contains("skipped ./piped.Dockerfile"),
            "a link to a pipe is not read\n{}",
            r.show()
        );
    }

    let r = run(t.path(), &["lint", "api.Dockerfile"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert!(
        r.stderr
            .contains("warning: no Dockerfile found in api.Dockerfile"),
        "{}",
        r.show()
    );

    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(
        read(&t.path().join("Dockerfile/Dockerfile")),
        FIXED.as_bytes()
    );
}

#[test]
fn odd_dockerignore_patterns() {
    let t = tempdir();
    let mut ignore = b"[\n**/**/\n!\n".to_vec();
    ignore.extend("a".repeat(100_000).as_bytes());
    ignore.extend(b"\ncaf\xe9/\n*.log\n\xff\n");
    write(&t.path().join(".dockerignore"), &ignore);
    let df = "FROM alpine:3.20\nCOPY . /app\nCOPY app.log /app/\n";
    write(&t.path().join("Dockerfile"), df);
    write(&t.path().join("app.log"), "x");
    write(&t.path().join(".env"), "SECRET=1");
    // beside it, BuildKit's per-Dockerfile ignore file with a bad pattern and a good one
    write(&t.path().join("web/web.Dockerfile"), df);
    write(
        &t.path().join("web/web.Dockerfile.dockerignore"),
        "[z\n*.log\n",
    );

    let r = run(t.path(), &["lint", "--format", "concise"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.show());
    for needle in [
        "warning: ./.dockerignore is not valid UTF-8; invalid bytes were replaced",
        "warning: ./.dockerignore:1: dockopt cannot read the pattern `[`",
        "warning: ./.dockerignore:3: `!` with no pattern after it",
        "warning: ./web/web.Dockerfile.dockerignore:1: dockopt cannot read the pattern `[z`",
    ] {
        assert!(r.stderr.contains(needle), "{needle}\n{}", r.show());
    }
    assert!(
        r.out().contains("web/web.Dockerfile:3:6: warning DO144"),
        "the valid patterns still apply (`*.log`)\n{}",
        r.show()
    );

    let r = run(t.path(), &["fix", "--write", "--unsafe"]);
    r.sane();
    assert_eq!(
        read(&t.path().join(".dockerignore")),
        ignore,
        "an ignore file that is not UTF-8 is not rewritten"
    );
}

// ---------------------------------------------------------------------------------------------
// fix --write safety

#[cfg(unix)]
#[test]
fn fix_write_keeps_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let t = tempdir();
    let df = t.path().join("Dockerfile");
    write(&df, FIXABLE);
    chmod(&df, 0o640);
    let root = is_root();
    if root {
        // someone else's file, fixed by root: it stays theirs
        std::os::unix::fs::chown(&df, Some(65534), Some(65534)).unwrap();
    }
    let r = run(t.path(), &["fix", "--write"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(read(&df), FIXED.as_bytes());
    let meta = std::fs::metadata(&df).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "owner kept");
    } else {
        eprintln!("not root: the owner test needs a file owned by someone else; skipped");
    }
    assert_eq!(names(t.path()), ["Dockerfile"], "no temporary file left");
}

#[cfg(unix)]
#[test]
fn fix_write_goes_through_symlinks_to_other_folders() {
    let t = tempdir();
    write(&t.path().join("real/Dockerfile"), FIXABLE);
    std::fs::create_dir_all(t.path().join("app")).unwrap();
    std::os::unix::fs::symlink("../real/Dockerfile", t.path().join("app/Dockerfile")).unwrap();
    let r = run(t.path(), &["fix", "--write", "app/Dockerfile"]);
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert!(
        std::fs::symlink_metadata(t.path().join("app/Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(read(&t.path().join("real/Dockerfile")), FIXED.as_bytes());
    assert_eq!(names(&t.path().join("real")), ["Dockerfile"]);
    assert_eq!(names(&t.path().join("app")), ["Dockerfile"]);
}

#[cfg(unix)]
#[test]
fn fix_write_reports_read_only_files_and_folders_and_fixes_the_rest() {
    let t = tempdir();
    let ro_file = t.path().join("rofile/Dockerfile");
    let ro_dir_file = t.path().join("rodir/Dockerfile");
    let ok = t.path().join("ok/Dockerfile");
    for p in [&ro_file, &ro_dir_file, &ok] {
        write(p, FIXABLE);
    }
    chmod(&ro_file, 0o444);
    chmod(&t.path().join("rodir"), 0o555);
    let Some(cmd) = unprivileged(t.path()) else {
        chmod(&t.path().join("rodir"), 0o755);
        return;
    };
    let r = finish(cmd, t.path(), &["fix", "--write"], None);
    chmod(&t.path().join("rodir"), 0o755);
    r.sane();
    assert_eq!(r.code, 2, "{}", r.show());
    assert!(
        r.stderr
            .contains("rofile/Dockerfile: cannot write: the file is not writable"),
        "{}",
        r.show()
    );
    assert!(
        r.stderr
            .contains("rodir/Dockerfile: cannot write: cannot create a temporary file in ")
            && r.stderr.contains("rodir: permission denied"),
        "{}",
        r.show()
    );
    assert_eq!(read(&ro_file), FIXABLE.as_bytes(), "left untouched");
    assert_eq!(read(&ro_dir_file), FIXABLE.as_bytes(), "left untouched");
    assert_eq!(
        names(&t.path().join("rodir")),
        ["Dockerfile"],
        "nothing left behind"
    );
    assert_eq!(read(&ok), FIXED.as_bytes(), "the others are fixed");
}

#[test]
fn fix_stdin_to_stdout_for_editors() {
    let t = tempdir();
    write(&t.path().join("sub/.keep"), "");
    let args = ["fix", "-", "--stdin-filename", "sub/api.Dockerfile"];
    // fixed
    let r = run_stdin(t.path(), &args, FIXABLE.as_bytes());
    r.sane();
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(r.out(), FIXED);
    // nothing to fix: the input comes back whole (an editor replaces its buffer with stdout)
    let r = run_stdin(t.path(), &args, FIXED.as_bytes());
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(r.stdout, FIXED.as_bytes());
    // CRLF and no final newline
    let src = "FROM alpine:3.20\r\nRUN apk add curl";
    let r = run_stdin(t.path(), &args, src.as_bytes());
    assert_eq!(r.code, 0, "{}", r.show());
    assert_eq!(r.out(), "FROM alpine:3.20\r\nRUN apk add --no-cache curl");
    // not UTF-8: the bytes come back unchanged
    let bytes = b"FROM alpine:3.20\n# \xff\nRUN apk add curl\n";
    let r = run_stdin(t.path(), &args, bytes);
    r.sane();
    assert_eq!(r.stdout, bytes);
    assert!(
        r.stderr.contains("not valid UTF-8; not fixed"),
        "{}",
        r.show()
    );
    // empty input
    let r = run_stdin(t.path(), &args, b"");
    r.sane();
    assert_eq!(r.stdout, b"");
    // the diff instead
    let r = run_stdin(
        t.path(),
        &["fix", "-", "--diff", "--stdin-filename", "Dockerfile"],
        FIXABLE.as_bytes(),
    );
    assert!(
        r.out().contains("+RUN apk add --no-cache curl"),
        "{}",
        r.show()
    );
    // nothing was written to disk
    assert_eq!(names(&t.path().join("sub")), [".keep"]);
}
