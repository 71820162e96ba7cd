use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::shell::{self, Sep};
use crate::syntax::{Command, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` in shell form (`CMD node server.js`) in a stage where no
    /// `SHELL` instruction chose the shell.
    ///
    /// ## Why is this bad?
    /// Shell form runs the command as `/bin/sh -c "node server.js"`. The shell is the
    /// container's main process (PID 1), so `docker stop` sends `SIGTERM` to the shell, which
    /// does not pass it on: the app never gets to shut down cleanly and is killed after the
    /// timeout. A shell-form `ENTRYPOINT` also ignores `CMD` and the arguments of `docker run`,
    /// and images without `/bin/sh` (distroless, scratch) cannot run shell form at all. Exec
    /// form (`CMD ["node", "server.js"]`) runs the program itself as PID 1.
    ///
    /// When the command needs the shell (variables, `&&`, pipes), write `exec` before the last
    /// program (`CMD set -e; ./migrate; exec ./server` keeps the shell only until the server
    /// starts), or move it into a script and run that in exec form. A stage (or a base stage in
    /// this file) with a `SHELL` instruction is not flagged: choosing the shell says the shell
    /// form is deliberate. `HEALTHCHECK CMD` is not checked: a health check is a short-lived
    /// child process, not PID 1, so signals do not matter there.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD node server.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// When the command is plain words (no variables, globs, quotes that need a shell, `&&`,
    /// pipes, redirections, assignments or shell builtins), the fix rewrites it in exec form,
    /// dropping a leading `exec`. It is unsafe: the image config changes (the program is PID 1
    /// instead of a child of `sh`, so it now receives signals and must reap children); a
    /// shell-form `ENTRYPOINT` turned into exec form starts receiving `CMD` and `docker run`
    /// arguments; and a `CMD` now reaches an inherited `ENTRYPOINT` as separate arguments
    /// rather than as `/bin/sh -c "…"`. No fix is offered for commands that need the shell, nor
    /// for Windows images.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3025) also flags a shell-form `HEALTHCHECK CMD`, and flags shell form after a
    /// `SHELL` instruction. dockopt follows BuildKit's `JSONArgsRecommended` on both points.
    pub ShellFormCmd {
        code: "DO108",
        name: "shell-form-cmd",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3025", "buildkit:JSONArgsRecommended"],
    }
}

/// Builtins that exist only inside a shell: exec form cannot run them.
const SHELL_ONLY: &[&str] = &[
    ".", ":", "alias", "bg", "break", "builtin", "cd", "command", "continue", "declare", "eval",
    "exec", "exit", "export", "fg", "hash", "jobs", "local", "read", "readonly", "return", "set",
    "shift", "source", "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset",
    "wait",
];

/// `text` (a shell-form command) as a JSON array, when it is plain words the shell would pass on
/// unchanged.
pub fn exec_form(text: &str) -> Option<String> {
    if text.contains(['#', '\n', '\r', '`', '$']) {
        return None;
    }
    let script = shell::parse(text);
    let mut top = script.commands.iter().filter(|c| c.nested_in.is_none());
    let cmd = top.next()?;
    if top.next().is_some()
        || cmd.sep != Sep::Start
        || cmd.depth != 0
        || cmd.subshell
        || cmd.negated
        || !cmd.assignments.is_empty()
        || !cmd.redirects.is_empty()
        || cmd.words.iter().any(|w| !w.literal)
    {
        return None;
    }
    let mut words: &[shell::Word<'_>] = &cmd.words;
    if words.first().is_some_and(|w| w.value == "exec") {
        words = &words[1..];
        if words.first().is_some_and(|w| w.value.starts_with('-')) {
            return None;
        }
    }
    let first = words.first()?;
    if SHELL_ONLY.contains(&first.value.as_ref()) || first.value.is_empty() {
        return None;
    }
    let items: Vec<String> = words.iter().map(|w| json_string(&w.value)).collect();
    Some(format!("[{}]", items.join(", ")))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Rule for ShellFormCmd {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let windows = sem.is_windows();
        for (i, ins) in sem.instructions.iter().enumerate() {
            if !matches!(ins.kind, Kind::Cmd | Kind::Entrypoint) || sem.stage_of[i].is_none() {
                continue;
            }
            let Some(Command::Shell(tok)) = ins.command() else {
                continue;
            };
            if sem.shell_at(i).is_some() {
                continue;
            }
            let kw = ins.kind.upper();
            let fix = if windows || !ins.trivia.is_empty() {
                None
            } else {
                exec_form(ins.text_of(*tok)).map(|json| {
                    Fix::unsafe_(
                        format!("rewrite in exec form: `{json}`"),
                        vec![Edit::replace(tok.span, json)],
                    )
                })
            };
            let help = if fix.is_some() {
                format!(
                    "use exec form (`{kw} [\"program\", \"arg\"]`) so the program runs as PID 1 and gets signals"
                )
            } else {
                format!(
                    "use exec form (`{kw} [\"program\", \"arg\"]`); if the shell is needed, start the last program with `exec` or move the commands into a script"
                )
            };
            ctx.report_fix(
                ins.span,
                format!("`{kw}` in shell form runs under `/bin/sh -c`, which does not pass signals on to the program"),
                help,
                fix,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exec_form;

    #[test]
    fn converts_plain_words_only() {
        assert_eq!(
            exec_form("node server.js").as_deref(),
            Some(r#"["node", "server.js"]"#)
        );
        assert_eq!(
            exec_form("exec nginx -g 'daemon off;'").as_deref(),
            Some(r#"["nginx", "-g", "daemon off;"]"#)
        );
        assert_eq!(
            exec_form(r#"sh -c "a && b""#).as_deref(),
            Some(r#"["sh", "-c", "a && b"]"#)
        );
        for no in [
            "a && b",
            "echo $HOME",
            "app > log",
            "FOO=1 app",
            "cd /x",
            "ls *.txt",
            "a | b",
            "a; b",
            "run # comment",
            "exec -a x y",
            "",
        ] {
            assert_eq!(exec_form(no), None, "{no}");
        }
    }
}
