//! Whole-corpus benchmark: `cargo bench --bench corpus [-- parse|shell|lint|fix]`.
//!
//! Reads every file under `$DOCKOPT_CORPUS` (default `../shared/corpus/files`), then times each
//! stage single-threaded over the whole set, best of several rounds, and prints throughput.
//! Not a test: it asserts nothing and is skipped when the corpus is missing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn best_of(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let root = std::env::var("DOCKOPT_CORPUS").unwrap_or_else(|_| "../shared/corpus/files".into());
    let mut paths = Vec::new();
    walk(Path::new(&root), &mut paths);
    if paths.is_empty() {
        eprintln!("no corpus at {root}; set DOCKOPT_CORPUS");
        return;
    }
    paths.sort();
    let sources: Vec<String> = paths
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |s: &str| which.is_empty() || which.iter().any(|w| w == s);
    let mb = bytes as f64 / 1e6;
    println!("corpus: {} files, {:.2} MB", sources.len(), mb);

    if want("parse") {
        let mut instructions = 0;
        let d = best_of(10, || {
            instructions = 0;
            for s in &sources {
                let df = dockopt::syntax::parse(std::hint::black_box(s));
                instructions += df.instructions().count();
            }
        });
        println!(
            "parse: {:.1} ms, {:.0} MB/s, {} instructions, one core",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64(),
            instructions
        );
    }

    if want("shell") {
        // The shell scripts of every RUN (shell form) and every heredoc body, extracted once so
        // only the shell parser is timed.
        let mut scripts: Vec<String> = Vec::new();
        for s in &sources {
            let df = dockopt::syntax::parse(s);
            for ins in df.instructions() {
                if ins.kind != dockopt::syntax::Kind::Run {
                    continue;
                }
                if let dockopt::syntax::Args::Command(dockopt::syntax::Command::Shell(tok)) =
                    &ins.args
                {
                    scripts.push(ins.text_of(*tok).to_owned());
                }
                for h in &ins.heredocs {
                    scripts.push(s[h.body.range()].to_owned());
                }
            }
        }
        let script_bytes: usize = scripts.iter().map(String::len).sum();
        let mut commands = 0;
        let d = best_of(20, || {
            commands = 0;
            for s in &scripts {
                commands += dockopt::shell::parse(std::hint::black_box(s)).len();
            }
        });
        println!(
            "shell: {:.2} ms, {:.0} MB/s, {} scripts, {:.2} MB, {} commands, one core",
            d.as_secs_f64() * 1e3,
            script_bytes as f64 / 1e6 / d.as_secs_f64(),
            scripts.len(),
            script_bytes as f64 / 1e6,
            commands
        );
    }
    if want("lint") || want("fix") {
        use dockopt::linter::BuildContext;
        use dockopt::settings::Settings;
        let settings = Settings::default();
        let ctx = BuildContext::default();
        if want("lint") {
            let mut findings = 0;
            let d = best_of(5, || {
                findings = 0;
                for s in &sources {
                    findings +=
                        dockopt::linter::lint(std::hint::black_box(s), None, &ctx, &settings)
                            .diagnostics
                            .len();
                }
            });
            println!(
                "lint: {:.1} ms, {:.0} MB/s, {findings} findings, one core (parse, model, all rules)",
                d.as_secs_f64() * 1e3,
                mb / d.as_secs_f64()
            );
        }
        if want("fix") {
            for (label, unsafe_fixes) in [("fix", false), ("fix --unsafe", true)] {
                let opts = dockopt::fix::FixOptions { unsafe_fixes };
                let mut changed = 0;
                let d = best_of(3, || {
                    changed = 0;
                    for s in &sources {
                        let o =
                            dockopt::fix::fix(std::hint::black_box(s), None, &ctx, &settings, opts);
                        changed += usize::from(o.output != *s);
                    }
                });
                println!(
                    "{label}: {:.1} ms, {changed} files changed, one core (fixed point: re-parse and re-lint per pass)",
                    d.as_secs_f64() * 1e3
                );
            }
        }
    }
    if want("rules") {
        rules_section(&sources);
    }
}

/// Per-rule cost over the corpus (parse and semantic model built once per file, outside the
/// timing): `cargo bench --bench corpus -- rules`.
fn rules_section(sources: &[String]) {
    use dockopt::linter::BuildContext;
    use dockopt::rule::Context;
    use dockopt::semantic::Semantic;
    use dockopt::settings::Settings;
    let settings = Settings::default();
    let ctx = BuildContext::default();
    let parsed: Vec<_> = sources.iter().map(|s| dockopt::syntax::parse(s)).collect();
    let sems: Vec<_> = sources
        .iter()
        .zip(&parsed)
        .map(|(s, d)| Semantic::new(s, d))
        .collect();
    let mut times: Vec<(Duration, &str, usize)> = Vec::new();
    for rule in dockopt::rules::all() {
        let meta = rule.meta();
        let mut n = 0;
        let d = best_of(3, || {
            n = 0;
            for (src, sem) in sources.iter().zip(&sems) {
                let mut c = Context::new(src, None, sem, &settings, meta);
                c.build_context = &ctx;
                rule.check(&mut c);
                n += c.into_diagnostics().len();
            }
        });
        times.push((d, meta.code, n));
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: Duration = times.iter().map(|t| t.0).sum();
    println!(
        "rules: {:.1} ms in all, one core; slowest:",
        total.as_secs_f64() * 1e3
    );
    for (d, code, n) in times.iter().take(12) {
        println!("  {code} {:.2} ms ({n} findings)", d.as_secs_f64() * 1e3);
    }
    let t = Instant::now();
    for (s, d) in sources.iter().zip(&parsed) {
        std::hint::black_box(Semantic::new(s, d));
    }
    println!("semantic model: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
}
