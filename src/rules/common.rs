//! Helpers shared by rules: RUN mounts, shell command lookups, and fix text.

use crate::diagnostic::Edit;
use crate::rule::Context;
use crate::semantic::{RunScript, Semantic};
use crate::shell;
use crate::syntax::mount::parse_mount;
use crate::syntax::{Instruction, Kind, Span};

/// Does a RUN have a `cache` or `tmpfs` mount whose target contains `path`? (Then caches
/// written there never reach the layer.)
pub fn has_cache_mount(ins: &Instruction, path: &str) -> bool {
    ins.flags_named("mount").any(|f| {
        f.value()
            .and_then(|v| parse_mount(v).ok())
            .is_some_and(|m| {
                matches!(m.kind().as_str(), "cache" | "tmpfs")
                    && m.target().is_some_and(|t| {
                        t.trim_end_matches('/').contains(path.trim_end_matches('/'))
                    })
            })
    })
}

/// One shell command of a RUN, with where it is.
pub struct Cmd<'s, 'a> {
    /// Index of the instruction in `Semantic::instructions`.
    pub index: usize,
    pub script: &'s RunScript<'a>,
    pub command: &'s shell::Command<'a>,
}

impl<'s, 'a> Cmd<'s, 'a> {
    /// Source span of a span of this command's script.
    pub fn span(&self, sem: &Semantic<'_>, s: Span) -> Span {
        sem.shell_span(self.index, self.script, s)
    }

    /// The real program (behind sudo, env, …).
    pub fn program(&self) -> Option<&'s str> {
        self.command.unwrapped().name()
    }

    pub fn argv(&self) -> shell::Argv<'s, 'a> {
        self.command.unwrapped()
    }
}

/// Every shell command of every POSIX RUN in `range` of instructions.
pub fn commands_in<'s, 'a>(
    sem: &'s Semantic<'a>,
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = Cmd<'s, 'a>> + 's {
    range.flat_map(move |i| {
        sem.scripts_of(i).iter().flat_map(move |script| {
            script.script.commands.iter().map(move |command| Cmd {
                index: i,
                script,
                command,
            })
        })
    })
}

/// Every shell command of RUN `i`.
pub fn commands_of<'s, 'a>(
    sem: &'s Semantic<'a>,
    i: usize,
) -> impl Iterator<Item = Cmd<'s, 'a>> + 's {
    commands_in(sem, i..i + 1)
}

/// Does `cmd` run `program` with `sub` as its first positional argument?
pub fn is_sub(cmd: &Cmd<'_, '_>, program: &[&str], sub: &[&str]) -> bool {
    cmd.program().is_some_and(|p| program.contains(&p))
        && cmd.argv().subcommand().is_some_and(|s| sub.contains(&s))
}

/// The word of `cmd`'s unwrapped argv whose value is `value`.
pub fn word<'s, 'a>(cmd: &Cmd<'s, 'a>, value: &str) -> Option<&'s shell::Word<'a>> {
    cmd.argv().words.iter().find(|w| w.value == value)
}

/// An edit inserting ` text` right after a word of a shell command.
pub fn insert_after_word(
    sem: &Semantic<'_>,
    cmd: &Cmd<'_, '_>,
    w: &shell::Word<'_>,
    text: &str,
) -> Edit {
    let span = cmd.span(sem, w.span);
    Edit::insert(span.end, format!(" {text}"))
}

/// Where the shell text of a RUN ends in the source, to append `&& more` after it: the end of
/// the shell-form command (None for exec form or heredoc scripts).
pub fn run_end(ins: &Instruction) -> Option<u32> {
    match run_of(ins).command()? {
        crate::syntax::Command::Shell(t) if ins.heredocs.is_empty() => Some(t.span.end),
        _ => None,
    }
}

/// An edit appending ` \ <newline> <indent>&& command` at the end of a shell-form RUN.
pub fn append_to_run(ctx: &Context<'_>, ins: &Instruction, command: &str) -> Option<Edit> {
    let end = run_end(ins)?;
    Some(Edit::insert(
        end,
        format!("{}&& {command}", ctx.semantic.style.continuation()),
    ))
}

/// Stages whose filesystem ends up in the final image: the final stage and the stages it is
/// built `FROM`, transitively.
pub fn shipped_stages(sem: &Semantic<'_>) -> Vec<bool> {
    let mut out = vec![false; sem.stages.len()];
    let Some(mut s) = sem.stages.len().checked_sub(1) else {
        return out;
    };
    loop {
        out[s] = true;
        match sem.stages[s].base.kind {
            crate::semantic::BaseKind::Stage(b) if !out[b] => s = b,
            _ => return out,
        }
    }
}

/// Is instruction `i` of kind `k`?
pub fn is(sem: &Semantic<'_>, i: usize, k: Kind) -> bool {
    sem.instructions[i].kind == k
}

/// A RUN, or an ONBUILD whose trigger is a RUN (it runs in every child build).
pub fn is_run(ins: &Instruction) -> bool {
    ins.kind == Kind::Run || ins.trigger().is_some_and(|t| t.kind == Kind::Run)
}

/// The RUN itself, or the ONBUILD trigger that is one (flags, mounts and command live there).
pub fn run_of(ins: &Instruction) -> &Instruction {
    match ins.trigger() {
        Some(t) if t.kind == Kind::Run => t,
        _ => ins,
    }
}

/// The registry image a stage is ultimately built on, following `FROM <stage>` links (None for
/// `scratch` or an unresolved base).
pub fn root_image<'s>(
    sem: &'s Semantic<'_>,
    stage: usize,
) -> Option<&'s crate::semantic::ImageRef> {
    let mut s = stage;
    // each step goes to an earlier stage, so this ends
    loop {
        match &sem.stages.get(s)?.base.kind {
            crate::semantic::BaseKind::Image(r) => return Some(r),
            crate::semantic::BaseKind::Stage(b) if *b < s => s = *b,
            _ => return None,
        }
    }
}
