use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::is_run;
use crate::semantic::{RunScript, ScriptOrigin, Semantic};
use crate::shell::{self, Sep};
use crate::syntax::mount::parse_mount;
use crate::syntax::{Command, Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that changes directory with `cd` (in a subshell too). Looks at every
    /// stage, `ONBUILD RUN` included; scripts given to `sh -c` are not looked into.
    ///
    /// ## Why is this bad?
    /// `WORKDIR` says where the following steps run in one visible place, creates the folder
    /// when needed, and keeps its effect for later instructions, `CMD` and `ENTRYPOINT`.
    /// `RUN cd /src && make` hides the folder in a shell line, and the next `RUN` starts over
    /// in the old folder, which surprises readers and reviewers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24
    /// RUN cd /src && go build -o /out/app .
    /// WORKDIR /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.24
    /// WORKDIR /src
    /// RUN go build -o /out/app .
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix safety
    /// Offered when the `RUN` starts with `cd /absolute/path &&` (a literal path), nothing but
    /// `&&` joins the rest of the script, and no `--mount` target is relative: the `cd` becomes
    /// a `WORKDIR` line before the `RUN`. A `WORKDIR` stays in effect for later instructions
    /// while a `cd` does not, so the fix is safe when no later instruction of the stage depends
    /// on the working directory before an absolute `WORKDIR` resets it (or, at the end of a
    /// stage that is neither the final one nor the base of another, when nothing depends on
    /// it). Otherwise, when the file says which absolute `WORKDIR` was in effect, the fix also
    /// puts it back after the `RUN` and is safe; when it does not (the base image's), the fix is
    /// display-only. A `cd` into the current `WORKDIR` is just removed. As the `cd` would have
    /// failed the `RUN` if the folder were missing, the `WORKDIR` creates nothing a working
    /// build did not have.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3003) does not look at `ONBUILD RUN`; dockopt does, as the `cd` runs in
    /// every child build.
    pub CdInRun {
        code: "DO670",
        name: "cd-in-run",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3003", "trivy:DS013"],
    }
}

/// Instructions whose effect does not depend on the working directory.
fn ignores_workdir(ins: &Instruction) -> bool {
    matches!(
        ins.kind,
        Kind::Env
            | Kind::Arg
            | Kind::Label
            | Kind::Expose
            | Kind::Maintainer
            | Kind::Stopsignal
            | Kind::User
            | Kind::Shell
    )
}

/// Is the working directory after instruction `i` unused until something resets it?
fn workdir_unused_after(sem: &Semantic<'_>, i: usize) -> bool {
    let Some(stage) = sem.stage_of[i] else {
        return false;
    };
    let end = sem.stages[stage].end;
    for j in i + 1..end {
        let ins = sem.instructions[j];
        if ins.kind == Kind::Workdir {
            return match ins.args {
                crate::syntax::Args::Text(t) => {
                    let p = ins.text_of(t);
                    p.starts_with('/') && !p.contains('$')
                }
                _ => false,
            };
        }
        if !ignores_workdir(ins) {
            return false;
        }
    }
    // End of the stage: its WorkingDir matters when it ships or another stage builds on it.
    !sem.is_final(stage)
        && !sem
            .stages
            .iter()
            .any(|s| s.base.kind == crate::semantic::BaseKind::Stage(stage))
}

/// The absolute `WORKDIR` in effect at instruction `i`, when the file says it (following base
/// stages); None when it comes from the base image or is relative or variable.
fn workdir_at<'a>(sem: &Semantic<'a>, i: usize) -> Option<&'a str> {
    let mut stage = sem.stage_of[i]?;
    let mut upto = i;
    loop {
        let s = &sem.stages[stage];
        for j in (s.from + 1..upto).rev() {
            let ins = sem.instructions[j];
            if ins.kind == Kind::Workdir {
                let crate::syntax::Args::Text(t) = ins.args else {
                    return None;
                };
                let p = ins.text_of(t);
                return (p.starts_with('/') && !p.contains(['$', ' ', '\\'])).then_some(p);
            }
        }
        match s.base.kind {
            crate::semantic::BaseKind::Stage(b) if b < stage => {
                stage = b;
                upto = sem.stages[b].end;
            }
            _ => return None,
        }
    }
}

/// `cd /abs && rest` at the start of a shell-form script: the `cd`, its path, and the offset
/// (in the script) of the first token after `&&`.
fn leading_cd<'s, 'a>(
    text: &str,
    script: &'s shell::Script<'a>,
) -> Option<(&'s shell::Command<'a>, String, usize)> {
    let cmds = &script.commands;
    let cd = cmds.first()?;
    if cd.name() != Some("cd") || cd.depth != 0 || cd.words.len() != 2 || !cd.redirects.is_empty() {
        return None;
    }
    let path = &cd.words[1];
    let p: &str = &path.value;
    if !path.literal || !p.starts_with('/') || p.contains(['"', '\'', '\\', ' ', '\t']) {
        return None;
    }
    let second = cmds.get(1)?;
    if second.sep != Sep::And || second.nested_in.is_some() {
        return None;
    }
    // nothing but `&&` (and pipes) at the top level: a failing `cd` fails the RUN
    if cmds[1..].iter().any(|c| {
        c.depth == 0
            && c.nested_in.is_none()
            && matches!(c.sep, Sep::Or | Sep::Seq | Sep::Background)
    }) {
        return None;
    }
    let after = &text[cd.span.end as usize..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    let rest = trimmed.strip_prefix("&&")?;
    let skip = rest.len() - rest.trim_start().len();
    let next = text.len() - rest.len() + skip;
    if next >= text.len() {
        return None;
    }
    Some((cd, p.trim_end_matches('/').to_string(), next))
}

fn fix(sem: &Semantic<'_>, i: usize, ins: &Instruction, script: &RunScript<'_>) -> Option<Fix> {
    if ins.kind != Kind::Run || !ins.heredocs.is_empty() {
        return None;
    }
    // a relative mount target is relative to the working directory
    let relative_mount = ins.flags_named("mount").any(|f| {
        f.value()
            .and_then(|v| parse_mount(v).ok())
            .is_none_or(|m| m.target().is_none_or(|t| !t.starts_with('/')))
    });
    if relative_mount {
        return None;
    }
    let ScriptOrigin::Logical(_) = script.origin else {
        return None;
    };
    let Some(Command::Shell(tok)) = ins.command() else {
        return None;
    };
    let text = ins.text_of(*tok);
    let (cd, path, next) = leading_cd(text, &script.script)?;
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    let start = script.source_span(ins, cd.span).start;
    let end = script.source_span(ins, Span::new(next - 1, next)).end;
    let indent = &sem.src[ins.line_span.start as usize..ins.span.start as usize];
    let line = format!(
        "{} {path}{}{indent}",
        sem.style().keyword(Kind::Workdir),
        sem.style().newline
    );
    let delete = Edit::delete(Span::new(start as usize, end as usize));
    let prev = workdir_at(sem, i);
    if prev.is_some_and(|p| p.trim_end_matches('/') == path.trim_end_matches('/')) {
        // Already there: drop the `cd`. A RUN left with one command next to another RUN would
        // read as two RUNs to merge, so that case is only shown.
        let title = format!("remove `cd {path}`: it is the WORKDIR");
        let commands = script
            .script
            .commands
            .iter()
            .filter(|c| c.nested_in.is_none() && !(c.words.is_empty() && c.assignments.is_empty()))
            .count();
        let next_to_run = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| sem.instructions.get(j))
            .any(|n| n.kind == Kind::Run);
        return Some(if commands <= 2 && next_to_run {
            Fix::display_only(title, vec![delete])
        } else {
            Fix::safe(title, vec![delete])
        });
    }
    let mut edits = vec![Edit::insert(ins.span.start, line), delete];
    let title = format!("move `cd {path}` to a WORKDIR");
    if workdir_unused_after(sem, i) {
        return Some(Fix::safe(title, edits));
    }
    // Put the old WORKDIR back after the RUN, when the file says what it was.
    let Some(prev) = prev else {
        return Some(Fix::display_only(title, edits));
    };
    let at = ins.line_span.end;
    let nl = sem.style().newline;
    let lead = if sem.src[..at as usize].ends_with('\n') {
        ""
    } else {
        nl
    };
    edits.push(Edit::insert(
        at,
        format!(
            "{lead}{indent}{} {prev}{nl}",
            sem.style().keyword(Kind::Workdir)
        ),
    ));
    Some(Fix::safe(
        format!("move `cd {path}` to a WORKDIR and restore {prev} after the RUN"),
        edits,
    ))
}

impl Rule for CdInRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            for script in sem.scripts_of(i) {
                let Some(cd) = script
                    .script
                    .commands
                    .iter()
                    .find(|c| c.nested_in.is_none() && c.name() == Some("cd"))
                else {
                    continue;
                };
                let span = script.source_span(ins, cd.span);
                let fix = fix(sem, i, ins, script);
                let help = if cd.subshell {
                    "set the folder with WORKDIR, or run the step from a script"
                } else {
                    "use `WORKDIR <dir>` before this RUN instead of `cd`"
                };
                ctx.report_fix(
                    span,
                    "`cd` in a RUN: the folder change is hidden and lasts only for this RUN",
                    help,
                    fix,
                );
                break;
            }
        }
    }
}
