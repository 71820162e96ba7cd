use super::root_user::is_root;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{ImageFamily, is_run, stage_family, user_at};
use crate::semantic::Semantic;
use crate::shell;
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `sudo` (or `doas`) in a `RUN`. Looks at every stage, `ONBUILD RUN` included;
    /// scripts given to `sh -c` are not looked into.
    ///
    /// ## Why is this bad?
    /// A build step runs as the `USER` in effect, with no terminal and no password to type.
    /// `sudo` there either does nothing (the step already runs as root), or needs a
    /// password-less `sudoers` entry shipped in the image, which lets anything running as that
    /// user become root. It also resets the environment and `PATH` in ways the file does not
    /// show. Switch users with `USER` around the steps that need root, and use `gosu` or
    /// `su-exec` in entrypoint scripts that must drop privileges.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removes `sudo` (and its `-E`, `-H`, `-n`, `-S` or `-u root` options) when the
    /// step is known to run as root: a `USER root` or `USER 0` in effect, or no `USER` at all
    /// on a Debian, Ubuntu, Alpine or Red Hat family base image. `sudo` resets the environment
    /// (unless `-E`) and `PATH`, so the command may see other variables without it. Not offered
    /// for `sudo -u someone` (running as another user), nor when the user is not known.
    pub SudoInRun {
        code: "DO440",
        name: "sudo-in-run",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3004", "trivy:DS010", "checkov:CKV2_DOCKER_1"],
    }
}

fn is_sudo(c: &shell::Command<'_>) -> bool {
    matches!(c.name(), Some("sudo" | "doas"))
}

/// Is instruction `i` known to run as root? An `ONBUILD RUN` runs in child builds as the
/// image's last `USER`.
fn runs_as_root(sem: &Semantic<'_>, i: usize) -> bool {
    let user = match sem.instructions[i].kind {
        Kind::Onbuild => sem.stage_of[i].and_then(|s| sem.user_of(s)),
        _ => user_at(sem, i),
    };
    match user {
        Some((user, _)) => is_root(user),
        None => sem.stage_of[i].is_some_and(|s| {
            matches!(
                stage_family(sem, s),
                ImageFamily::Debian | ImageFamily::Alpine | ImageFamily::RedHat
            )
        }),
    }
}

/// The words to remove: `sudo` and options that do not change the user. None when `sudo`
/// switches users or has options this cannot read.
fn sudo_prefix(c: &shell::Command<'_>) -> Option<usize> {
    let words = &c.words;
    let mut k = 1;
    while let Some(w) = words.get(k) {
        let v: &str = &w.value;
        match v {
            "-E" | "-H" | "-n" | "-S" | "--preserve-env" | "--non-interactive" | "--stdin" => {
                k += 1
            }
            "-u" | "--user" => {
                let user = words.get(k + 1)?;
                if !is_root(&user.value) {
                    return None;
                }
                k += 2;
            }
            "--" => {
                k += 1;
                break;
            }
            _ if v.starts_with('-') => return None,
            _ => break,
        }
    }
    // a program must follow, and not an assignment (`sudo VAR=x cmd`)
    let next = words.get(k)?;
    (!next.value.contains('=')).then_some(k)
}

impl Rule for SudoInRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let sudos: Vec<_> = sem
                .commands_of(i)
                .filter(|(_, c)| c.nested_in.is_none() && is_sudo(c))
                .collect();
            let Some(&(script, first)) = sudos.first() else {
                continue;
            };
            let root = runs_as_root(sem, i);
            let fix = if root {
                let edits: Option<Vec<Edit>> = sudos
                    .iter()
                    .map(|(s, c)| {
                        let k = sudo_prefix(c)?;
                        let start = s.source_span(ins, c.words[0].span).start;
                        let end = s.source_span(ins, c.words[k].span).start;
                        Some(Edit::delete(Span::new(start as usize, end as usize)))
                    })
                    .collect();
                edits.map(|e| Fix::unsafe_("remove sudo: the step runs as root", e))
            } else {
                None
            };
            let other_user = first
                .argv()
                .flag_value(Some('u'), Some("user"))
                .is_some_and(|u| !is_root(&u.value));
            let help = if other_user {
                "to run a step as another user, set `USER` for it (or use `gosu`/`su-exec` in an entrypoint)"
            } else if root {
                "the step already runs as root: drop `sudo`"
            } else {
                "if the step needs root, set `USER root` before it (and switch back after it)"
            };
            ctx.report_fix(
                script.source_span(ins, first.span),
                format!(
                    "`{}` in a RUN: a build step runs as the `USER` in effect",
                    first.name().unwrap_or("sudo")
                ),
                help,
                fix,
            );
        }
    }
}
