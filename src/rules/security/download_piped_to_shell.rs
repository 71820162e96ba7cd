use crate::rule::{Context, Rule};
use crate::rules::common::is_run;
use crate::shell::{Command, Sep, Word, basename};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that runs a downloaded script without checking it, such as
    /// `curl … | sh` or `bash <(curl …)`.
    ///
    /// The forms recognised are `curl … | sh`, `wget -qO- … | bash`, `sh -c "$(curl …)"`,
    /// `bash <(curl …)`, `eval "$(curl …)"`, `source <(curl …)`, and the same with `python`,
    /// `perl`, `ruby`, `node` or `php` reading the script. Looks at every stage, `ONBUILD RUN`
    /// included, and inside `sh -c` scripts.
    ///
    /// ## Why is this bad?
    /// The build runs whatever the server sends that day: a compromised or hijacked download
    /// site, a captive proxy, or a new release of the installer changes the image with nothing
    /// in the Dockerfile to show it, and a truncated download can run half a script. Download
    /// the script to a file, check it against a known checksum, then run it; better, install a
    /// pinned release or a distribution package.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ARG INSTALL_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///     && echo "$INSTALL_SHA256  /tmp/install.sh" | sha256sum -c - \
    ///     && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    pub DownloadPipedToShell {
        code: "DO441",
        name: "download-piped-to-shell",
        category: Security,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: [],
    }
}

const SHELLS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "busybox",
];

/// Interpreters that run a script read from stdin or given with `-c`/`-e`.
fn interpreter(name: &str) -> bool {
    SHELLS.contains(&name)
        || matches!(
            name,
            "perl" | "ruby" | "node" | "php" | "python" | "python2" | "python3"
        )
        || (name.starts_with("python3.") && name[8..].bytes().all(|b| b.is_ascii_digit()))
}

/// A `curl`/`wget` that writes what it downloads to stdout.
fn downloads_to_stdout(c: &Command<'_>) -> bool {
    let argv = c.unwrapped();
    match argv.name() {
        Some("curl") => {
            argv.flag_value(Some('o'), Some("output"))
                .is_none_or(|v| v.value == "-")
                && !argv.has_flag(Some('O'), Some("remote-name"))
                && !argv.has_flag(None, Some("remote-name-all"))
        }
        Some("wget") => argv
            .flag_value(Some('O'), Some("output-document"))
            .is_some_and(|v| v.value == "-"),
        _ => false,
    }
}

fn is_downloader(c: &Command<'_>) -> bool {
    matches!(c.program(), Some("curl" | "wget"))
}

/// Does `c` (after a pipe) run a program it reads from stdin: a shell or an interpreter with
/// no `-c`/`-e`/`-m` program and no script file other than `-` (or a shell with `-s`)?
fn runs_stdin(c: &Command<'_>) -> bool {
    let mut words = c.unwrap_wrappers();
    let Some(first) = words.first() else {
        return false;
    };
    let mut name = basename(&first.value);
    if name == "busybox" {
        words = &words[1..];
        name = words.first().map_or("", |w| basename(&w.value));
        if !SHELLS.contains(&name) {
            return false;
        }
    }
    if !interpreter(name) {
        return false;
    }
    let shell = SHELLS.contains(&name);
    let mut rest = words[1..].iter();
    let mut stdin_flag = false;
    while let Some(w) = rest.next() {
        let v: &str = &w.value;
        if v == "-" {
            return true;
        }
        if v == "--" {
            continue;
        }
        if v.starts_with("--") {
            continue;
        }
        let Some(letters) = v.strip_prefix(['-', '+']).filter(|l| !l.is_empty()) else {
            // the first operand: a script file
            return stdin_flag;
        };
        if shell {
            if letters.contains('c') {
                return false;
            }
            stdin_flag |= letters.contains('s');
            if letters.contains(['o', 'O']) {
                rest.next();
            }
        } else {
            if letters.contains(['c', 'e', 'E', 'm', 'r']) {
                return false;
            }
            if letters.contains(['W', 'X']) {
                rest.next();
            }
        }
    }
    true
}

/// The arguments whose text a command runs: every argument of `eval`; the first operand of
/// `source`/`.`; the `-c`/`-e` program or else the script operand of a shell or interpreter.
fn executed_words<'s, 'a>(c: &'s Command<'a>) -> Vec<&'s Word<'a>> {
    let words = c.unwrap_wrappers();
    let Some(name) = words.first().map(|w| basename(&w.value)) else {
        return Vec::new();
    };
    let args = &words[1..];
    match name {
        "eval" => args.iter().collect(),
        "source" | "." => args.iter().take(1).collect(),
        _ if interpreter(name) => {
            let shell = SHELLS.contains(&name);
            let mut it = args.iter();
            while let Some(w) = it.next() {
                let v: &str = &w.value;
                let Some(letters) = v
                    .strip_prefix('-')
                    .filter(|l| !l.is_empty() && !l.starts_with('-'))
                else {
                    return vec![w];
                };
                let program = if shell { "c" } else { "ceE" };
                if letters.contains(|ch| program.contains(ch)) {
                    return it.next().into_iter().collect();
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

impl Rule for DownloadPipedToShell {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            'scripts: for script in sem.scripts_of(i) {
                let cmds = &script.script.commands;
                for (k, c) in cmds.iter().enumerate() {
                    // `curl … | sh`
                    if c.sep == Sep::Pipe && runs_stdin(c) {
                        let source = cmds[..k].iter().rev().find(|d| {
                            d.pipeline == c.pipeline && !d.substitution && downloads_to_stdout(d)
                        });
                        if let Some(d) = source {
                            let span = script.source_span(ins, d.span.cover(c.span));
                            report(ctx, span);
                            break 'scripts;
                        }
                    }
                    // `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(curl …)"`
                    if !c.substitution {
                        let args = executed_words(c);
                        let inside = !args.is_empty()
                            && cmds[k + 1..].iter().any(|d| {
                                d.substitution
                                    && is_downloader(d)
                                    && args.iter().any(|w| {
                                        (w.value.contains("$(")
                                            || w.value.contains('`')
                                            || w.value.starts_with("<("))
                                            && w.span.start <= d.span.start
                                            && d.span.end <= w.span.end
                                    })
                            });
                        if inside {
                            report(ctx, script.source_span(ins, c.span));
                            break 'scripts;
                        }
                    }
                }
            }
        }
    }
}

fn report(ctx: &mut Context<'_>, span: crate::syntax::Span) {
    ctx.report(span, "a downloaded script runs without being checked")
        .help("download it to a file, verify its checksum (`sha256sum -c`), then run it; or install a pinned release");
}
