use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{ImageFamily, is_run, run_of, stage_family};
use crate::semantic::{RunScript, ScriptOrigin, Semantic, ShellKind, is_posix_shell};
use crate::shell::{self, Sep, basename};
use crate::syntax::{Command, Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe (`a | b`) run by a shell without `pipefail`: no `SHELL` with
    /// `-o pipefail` in effect, and no `set -o pipefail` before the pipe in the same script.
    /// Looks at every stage, `ONBUILD RUN` included.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its last command. In
    /// `RUN curl -fsSL https://example.com/install.sh | sh` a failed download gives `sh` an
    /// empty script, `sh` succeeds, and the build goes on with a broken layer. With `pipefail`
    /// the pipeline fails when any command in it fails, and so does the build.
    ///
    /// `pipefail` is set by a `SHELL` with `-o pipefail` (inherited by stages built `FROM` this
    /// one, as BuildKit keeps `SHELL` in the image config), or by `set -o pipefail` (also
    /// `set -euo pipefail`) earlier in the same `RUN`. `/bin/sh` is `dash` on Debian and
    /// Ubuntu, which has no `pipefail`: there, use `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.
    /// On Alpine `/bin/sh` is BusyBox `ash`, which has it.
    ///
    /// A `RUN` under a non-POSIX `SHELL` (PowerShell, `cmd`) and Windows images are not
    /// checked. Exec-form `RUN ["bash", "-c", "a | b"]` is checked (the `SHELL` does not apply
    /// to it); pipes inside a script given to `sh -c` within a shell-form `RUN` are not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// RUN wget -qO- https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// RUN set -o pipefail && wget -qO- https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: with `pipefail` a `RUN` whose pipe hid a failure now fails the build (which is
    /// the point, but the build that passed may no longer). The fix puts `set -o pipefail && `
    /// in front of the script (or adds `o pipefail` to a leading `set -eux`) only when the shell
    /// is known to support it: a `SHELL` of `bash`, `zsh`, `ksh`, `mksh`, `ash` or `busybox`, or
    /// the default `/bin/sh` of an Alpine or BusyBox image (`ash`) or of a Red Hat family image
    /// (`bash`). Elsewhere (Debian's `dash` cannot `set -o pipefail`) a display-only fix shows
    /// the `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` line to add before the `RUN`: it changes
    /// the shell of every later `RUN` of the stage and needs `bash` in the image.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL4006) only looks at `SHELL`: it flags pipes after `set -o pipefail` in the
    /// same `RUN`, forgets a `SHELL` with `pipefail` at every `FROM` (even `FROM` a stage that
    /// set it), and does not accept `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` (if `sh` lacked
    /// `pipefail`, every `RUN` would fail, so a build that works has it). It also skips pipes in
    /// the heredoc of `RUN bash <<EOF` and in `ONBUILD RUN`, and checks the `RUN`s of Windows
    /// images, whose shell has no `pipefail`. dockopt is right in each case.
    pub PipeWithoutPipefail {
        code: "DO170",
        name: "pipe-without-pipefail",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL4006", "trivy:DS032"],
    }
}

/// Is `w` (a word after a `set`/shell command) the `-o` that names `pipefail` next?
fn is_o_flag(w: &str) -> bool {
    w.len() > 1 && w.starts_with('-') && !w.starts_with("--") && w.ends_with('o')
}

/// Do these words (a shell's options, or `set`'s arguments) turn `pipefail` on?
fn words_set_pipefail<'w>(mut words: impl Iterator<Item = &'w str>) -> bool {
    let mut prev = "";
    words.any(|w| {
        let hit = w == "pipefail" && is_o_flag(prev);
        prev = w;
        hit
    })
}

/// `set -o pipefail`, `set -euxo pipefail` or `shopt -so pipefail`.
fn sets_pipefail(c: &shell::Command<'_>) -> bool {
    match c.name() {
        Some("set") => words_set_pipefail(c.args().iter().map(|w| &*w.value)),
        Some("shopt") => {
            c.args().iter().any(|w| w.value == "pipefail")
                && c.has_flag(Some('s'), None)
                && c.has_flag(Some('o'), None)
        }
        _ => false,
    }
}

/// The program name of an argv, if it is a POSIX shell.
fn posix_shell(exe: &str) -> Option<&str> {
    let b = basename(exe);
    is_posix_shell(b).then_some(b)
}

/// Shells whose `set -o pipefail` is known to work (Debian's `dash` has no `pipefail`).
fn has_pipefail(shell: &str) -> bool {
    matches!(shell, "bash" | "zsh" | "ksh" | "mksh" | "ash" | "busybox")
}

/// Does the default `/bin/sh` of a stage's image have `set -o pipefail`? BusyBox `ash`
/// (Alpine) and `bash` (Red Hat family) do; Debian's `dash` does not.
fn default_sh_has_pipefail(sem: &Semantic<'_>, stage: usize) -> bool {
    matches!(
        stage_family(sem, stage),
        ImageFamily::Alpine | ImageFamily::RedHat
    )
}

/// A pipe: the span of its whole pipeline, and where it sits (for `set -o pipefail` before it).
struct Pipe {
    /// Span (in the script) from the pipeline's first command to its last.
    span: Span,
    at: u32,
    nested_in: Option<usize>,
    subshell: bool,
    depth: u16,
}

/// The first pipe of a script not covered by an earlier `set -o pipefail`; nested `sh -c`
/// scripts are left out.
fn first_unprotected_pipe(script: &shell::Script<'_>) -> Option<Pipe> {
    let cmds = &script.commands;
    for (k, c) in cmds.iter().enumerate() {
        if c.sep != Sep::Pipe || c.nested_in.is_some() {
            continue;
        }
        let first = cmds[..k]
            .iter()
            .find(|p| p.pipeline == c.pipeline)
            .map_or(c.span, |p| p.span);
        let last = cmds[k..]
            .iter()
            .rfind(|p| p.pipeline == c.pipeline)
            .map_or(c.span, |p| p.span);
        let pipe = Pipe {
            span: first.cover(last),
            at: first.start,
            nested_in: c.nested_in,
            subshell: c.subshell,
            depth: c.depth,
        };
        if !protected(cmds, &pipe) {
            return Some(pipe);
        }
    }
    None
}

/// Is there a `set -o pipefail` before the pipe, in a shell the pipe runs in?
fn protected(cmds: &[shell::Command<'_>], pipe: &Pipe) -> bool {
    cmds.iter().any(|s| {
        s.span.start < pipe.at
            && s.nested_in == pipe.nested_in
            && (!s.subshell || (pipe.subshell && s.depth <= pipe.depth))
            && sets_pipefail(s)
    })
}

/// The words of the `SHELL` in effect, when it sets `pipefail`.
fn shell_sets_pipefail(words: &[&str]) -> bool {
    words.first().is_some_and(|w| posix_shell(w).is_some())
        && words_set_pipefail(words.iter().copied())
}

/// Who runs a script of a `RUN`, and whether `pipefail` is already on there.
struct Runner<'x> {
    /// Basename of the shell; `None` for the image's default `/bin/sh`.
    shell: Option<&'x str>,
    /// The shell was started with `-o pipefail`.
    pipefail: bool,
    /// Where `set -o pipefail` goes: before the shell-form command, or as a line at this
    /// offset of the source (a heredoc body, after its `#!` line).
    insert: Insert,
}

#[derive(Clone, Copy)]
enum Insert {
    Command,
    Line(u32),
}

/// The runner of a script: shell-form text and `RUN <<EOF` bodies run with the `SHELL`; a
/// body with `#!` runs with its interpreter; `RUN bash <<EOF` feeds the body to that bash.
fn runner<'x>(
    sem: &'x Semantic<'_>,
    i: usize,
    script: &RunScript<'_>,
    shell: Option<&'x [&'x str]>,
) -> Option<Runner<'x>> {
    let of_shell = |insert| Runner {
        shell: shell.and_then(|w| w.first()).map(|w| basename(w)),
        pipefail: shell.is_some_and(shell_sets_pipefail),
        insert,
    };
    let ScriptOrigin::Source(start) = script.origin else {
        return Some(of_shell(Insert::Command));
    };
    let body = &sem.src[start as usize..];
    if let Some(interp) = crate::semantic::shebang(body) {
        let first_line = body.find('\n').map_or(body.len(), |n| n + 1);
        let line = body[..first_line].trim_end();
        return Some(Runner {
            shell: Some(interp),
            pipefail: words_set_pipefail(line.split_whitespace()),
            insert: Insert::Line(start + first_line as u32),
        });
    }
    let run = run_of(sem.instructions[i]);
    let Some(Command::Shell(t)) = run.command() else {
        return None;
    };
    let text = run.text_of(*t);
    if text.trim_start().starts_with("<<") {
        return Some(of_shell(Insert::Line(start)));
    }
    // `RUN bash -o pipefail <<EOF`
    let words: Vec<&str> = text
        .split_whitespace()
        .take_while(|w| !w.starts_with("<<"))
        .collect();
    Some(Runner {
        shell: words.first().map(|w| basename(w)),
        pipefail: words_set_pipefail(words.iter().copied()),
        insert: Insert::Line(start),
    })
}

/// The unsafe fix: turn `pipefail` on at the start of the script.
fn prefix_fix(
    sem: &Semantic<'_>,
    ins: &Instruction,
    script: &RunScript<'_>,
    at: Insert,
) -> Option<Fix> {
    let edit = match at {
        Insert::Command => {
            let Some(Command::Shell(tok)) = run_of(ins).command() else {
                return None;
            };
            // `set -eux && …`: add `o pipefail` to that cluster.
            let first = script.script.commands.first()?;
            let clusters = first.name() == Some("set")
                && first.depth == 0
                && !first.args().is_empty()
                && first.args().iter().all(|w| {
                    !w.quoted
                        && w.value.len() > 1
                        && w.value.starts_with('-')
                        && w.value[1..]
                            .bytes()
                            .all(|b| b.is_ascii_alphabetic() && b != b'o')
                });
            if clusters {
                let last = first.args().last()?;
                Edit::insert(script.source_span(ins, last.span).end, "o pipefail")
            } else {
                Edit::insert(tok.span.start, "set -o pipefail && ")
            }
        }
        Insert::Line(at) => Edit::insert(at, format!("set -o pipefail{}", sem.style().newline)),
    };
    Some(Fix::unsafe_("set pipefail in this RUN", vec![edit]))
}

/// The display-only fix: a `SHELL` line with `pipefail` before the `RUN`.
fn shell_line_fix(sem: &Semantic<'_>, ins: &Instruction) -> Fix {
    let line = format!(
        "{} [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]{}",
        sem.style().keyword(Kind::Shell),
        sem.style().newline
    );
    Fix::display_only(
        "use bash with pipefail as the SHELL",
        vec![Edit::insert(ins.line_span.start, line)],
    )
}

const MESSAGE: &str =
    "a pipe hides the failure of every command but the last: `pipefail` is not set";

impl Rule for PipeWithoutPipefail {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let Some(stage) = sem.stage_of[i] else {
                continue;
            };
            if let Some(Command::Exec { items, .. }) = run_of(ins).command() {
                check_exec(ctx, items);
                continue;
            }
            if sem.shell_kind(i) != ShellKind::Posix {
                continue;
            }
            let shell = sem.shell_at(i);
            for script in sem.scripts_of(i) {
                let Some(r) = runner(sem, i, script, shell.as_deref()) else {
                    continue;
                };
                if r.pipefail {
                    continue;
                }
                let Some(pipe) = first_unprotected_pipe(&script.script) else {
                    continue;
                };
                let supports = match r.shell {
                    Some("sh") | None => default_sh_has_pipefail(sem, stage),
                    Some(s) => has_pipefail(s),
                };
                let fix = if supports {
                    prefix_fix(sem, ins, script, r.insert)
                } else if shell.is_none()
                    && ins.kind == Kind::Run
                    && matches!(r.insert, Insert::Command)
                {
                    Some(shell_line_fix(sem, ins))
                } else {
                    None
                };
                let help = match (supports, r.insert) {
                    (true, Insert::Command) => {
                        "start this RUN with `set -o pipefail &&` so a failing command in the pipe fails the build"
                    }
                    (true, Insert::Line(_)) => {
                        "add `set -o pipefail` at the top of the script so a failing command in the pipe fails the build"
                    }
                    (false, _) => {
                        "run it with a shell that has pipefail: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN (`/bin/sh` is often dash, which has none)"
                    }
                };
                let span = sem.shell_span(i, script, pipe.span);
                ctx.report_fix(span, MESSAGE, help, fix);
                // one finding per RUN: a pipe anywhere in it is one problem
                break;
            }
        }
    }
}

/// `RUN ["bash", "-c", "a | b"]`: the SHELL does not apply; the shell named runs the string.
fn check_exec(ctx: &mut Context<'_>, items: &[crate::syntax::JsonString]) {
    let Some(exe) = items.first() else { return };
    let Some(shell) = posix_shell(&exe.value) else {
        return;
    };
    let Some(c) = items
        .iter()
        .skip(1)
        .position(|it| {
            it.value.len() > 1
                && it.value.starts_with('-')
                && !it.value.starts_with("--")
                && it.value.contains('c')
        })
        .map(|k| k + 1)
    else {
        return;
    };
    let Some(item) = items.get(c + 1) else {
        return;
    };
    if words_set_pipefail(items[1..=c].iter().map(|x| &*x.value)) {
        return;
    }
    if first_unprotected_pipe(&shell::parse(&item.value)).is_none() {
        return;
    }
    // `"-o", "pipefail"` after the shell: only for shells known to have it
    let fix = (has_pipefail(shell) && shell != "busybox").then(|| {
        Fix::unsafe_(
            "pass -o pipefail to the shell",
            vec![Edit::insert(exe.token.span.end, ", \"-o\", \"pipefail\"")],
        )
    });
    ctx.report_fix(
        item.token.span,
        MESSAGE,
        "pass `-o pipefail` to the shell, or start the script with `set -o pipefail &&`",
        fix,
    );
}
