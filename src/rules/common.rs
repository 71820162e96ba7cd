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

/// The shell commands that run one of `programs` (behind sudo/env/…), in source order. Much
/// cheaper than walking every command when a rule is about a few programs.
pub fn commands_running<'s, 'a>(
    sem: &'s Semantic<'a>,
    programs: &'s [&'s str],
) -> Vec<Cmd<'s, 'a>> {
    let mut v: Vec<Cmd<'s, 'a>> = sem
        .commands_running(programs)
        .map(|(index, script, command)| Cmd {
            index,
            script,
            command,
        })
        .collect();
    v.sort_by_key(|c| (c.index, c.command.span.start));
    v
}

/// Does the file's text contain any of these words? A cheap test that lets a rule skip files
/// that cannot trigger it.
pub fn mentions_any(ctx: &Context<'_>, words: &[&str]) -> bool {
    words.iter().any(|w| ctx.src.contains(w))
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
        format!("{}&& {command}", ctx.semantic.style().continuation()),
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

/// Does the instruction's last line end with the escape character (a continuation that runs
/// into the end of the file)? Text inserted after it would join the instruction.
pub fn dangling_continuation(ctx: &Context<'_>, ins: &Instruction) -> bool {
    let text = ctx
        .text(ins.line_span)
        .trim_end_matches(['\n', '\r', ' ', '\t']);
    text.ends_with(ctx.semantic.escape()) && ins.heredocs.is_empty()
}

/// An edit inserting whole lines after an instruction (its heredoc bodies included), in the
/// file's line endings; handles a last line without a newline. None when the instruction ends in
/// a dangling continuation.
pub fn insert_lines_after(ctx: &Context<'_>, ins: &Instruction, lines: &[String]) -> Option<Edit> {
    if dangling_continuation(ctx, ins) || lines.is_empty() {
        return None;
    }
    let nl = ctx.semantic.style().newline;
    let end = ins.line_span.end;
    let body = lines.join(nl);
    Some(if ctx.src[..end as usize].ends_with('\n') {
        Edit::insert(end, format!("{body}{nl}"))
    } else {
        Edit::insert(end, format!("{nl}{body}"))
    })
}

/// An edit inserting whole lines before an instruction.
pub fn insert_lines_before(ctx: &Context<'_>, ins: &Instruction, lines: &[String]) -> Edit {
    let nl = ctx.semantic.style().newline;
    let mut text = lines.join(nl);
    text.push_str(nl);
    Edit::insert(ins.line_span.start, text)
}

/// The source span of a piece of a flag's value: `needle_at` is a byte offset into the flag's
/// raw text, `len` its length. None when the raw text is quoted or escaped (then the raw text
/// and the processed word do not line up).
pub fn flag_piece_span(
    ins: &Instruction,
    flag: &crate::syntax::Flag,
    at: usize,
    len: usize,
) -> Option<Span> {
    let raw = ins.text_of(flag.token);
    if raw != &*flag.word || at + len > raw.len() {
        return None;
    }
    let start = flag.token.logical.start as usize + at;
    Some(ins.source_span(Span::new(start, start + len)))
}

/// Where a stage is referenced by name: `FROM <name>` of later stages, `COPY --from=<name>` and
/// `RUN --mount=…,from=<name>`. Each span covers the name as written (case may differ: BuildKit
/// matches stage names case-insensitively). References written with variables or quotes are
/// not listed.
pub fn stage_references(sem: &Semantic<'_>, stage: usize) -> Vec<Span> {
    let Some(st) = sem.stages.get(stage) else {
        return Vec::new();
    };
    let Some(name) = st.name else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for later in &sem.stages[stage + 1..] {
        if later.base.kind == crate::semantic::BaseKind::Stage(stage)
            && !later.base.has_vars
            && later.base.raw.eq_ignore_ascii_case(name)
        {
            out.push(later.base.token.span);
        }
        for i in sem.body(later) {
            let ins = sem.instructions[i];
            let refers = |v: &str| sem.resolve_stage(v, later.index) == Some(stage);
            if ins.kind == Kind::Copy {
                for f in ins.flags_named("from") {
                    let Some(v) = f.value() else { continue };
                    let raw = ins.text_of(f.token);
                    if refers(v)
                        && v.eq_ignore_ascii_case(name)
                        && let Some(eq) = raw.find('=')
                        && let Some(s) = flag_piece_span(ins, f, eq + 1, v.len())
                    {
                        out.push(s);
                    }
                }
            }
            if ins.kind == Kind::Run {
                for f in ins.flags_named("mount") {
                    let raw = ins.text_of(f.token);
                    let Some(eq) = raw.find('=') else { continue };
                    // fields of the mount: `key=value` separated by commas (unquoted only)
                    let mut at = eq + 1;
                    for field in raw[eq + 1..].split(',') {
                        if let Some((k, v)) = field.split_once('=')
                            && k.trim().eq_ignore_ascii_case("from")
                            && v.eq_ignore_ascii_case(name)
                            && refers(v)
                            && let Some(s) = flag_piece_span(ins, f, at + k.len() + 1, v.len())
                        {
                            out.push(s);
                        }
                        at += field.len() + 1;
                    }
                }
            }
        }
    }
    out
}

/// Edits renaming a stage: its `AS name` and every reference found by [`stage_references`].
pub fn rename_stage_edits(sem: &Semantic<'_>, stage: usize, new_name: &str) -> Vec<Edit> {
    let st = &sem.stages[stage];
    let mut edits = Vec::new();
    if let Some(t) = st.name_token {
        edits.push(Edit::replace(t.span, new_name));
    }
    for s in stage_references(sem, stage) {
        edits.push(Edit::replace(s, new_name));
    }
    edits
}

/// An edit deleting flag `index` of an instruction with the whitespace after it (up to the next
/// flag or the arguments).
pub fn remove_flag_edit(ins: &Instruction, index: usize) -> Option<Edit> {
    let f = ins.flags.get(index)?;
    let end = match ins.flags.get(index + 1) {
        Some(next) => next.token.span.start,
        None => ins.rest?.span.start,
    };
    Some(Edit::delete(Span {
        start: f.token.span.start,
        end,
    }))
}

/// An edit deleting argument `w` of a shell command, with the whitespace before it. None for
/// commands of nested scripts (`sh -c '…'`), whose spans are not exact.
pub fn remove_arg_edit(sem: &Semantic<'_>, cmd: &Cmd<'_, '_>, w: &shell::Word<'_>) -> Option<Edit> {
    if cmd.command.is_nested() {
        return None;
    }
    let prev = cmd
        .command
        .words
        .iter()
        .chain(cmd.command.assignments.iter())
        .filter(|p| p.span.end <= w.span.start)
        .max_by_key(|p| p.span.end)?;
    let start = cmd.span(sem, prev.span).end;
    let end = cmd.span(sem, w.span).end;
    (start <= end).then(|| Edit::delete(Span { start, end }))
}

/// Where short option `flag` sits in a cluster (`-fsSLk` has `k` at 5), given the options of
/// the program that take a value (`takes_value`, as letters: the rest of the cluster after
/// one of them is its value). None when the word is not such a cluster or lacks the flag.
pub fn short_flag_at(word: &str, flag: char, takes_value: &str) -> Option<usize> {
    let cluster = word.strip_prefix('-')?;
    if cluster.starts_with('-') || cluster.is_empty() {
        return None;
    }
    for (i, c) in cluster.char_indices() {
        if c == flag {
            return Some(i + 1);
        }
        if takes_value.contains(c) {
            return None;
        }
    }
    None
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

/// The userland a base image is known to ship, from its name and tag. Rules use it to decide
/// whether a fix's command-line options exist there (`set -o pipefail`, GNU `wget` flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFamily {
    /// Alpine or BusyBox: `/bin/sh` is BusyBox `ash`; `wget` is BusyBox's.
    Alpine,
    /// Debian or Ubuntu (and official images built on them): `/bin/sh` is `dash`, GNU tools.
    Debian,
    /// Red Hat family (CentOS, Fedora, Rocky, Alma, Amazon Linux, UBI…): `/bin/sh` is `bash`.
    RedHat,
    /// Anything else, or not known.
    Unknown,
}

/// Official images built on Debian unless their tag says otherwise (`-alpine`, `windowsservercore`).
const DEBIAN_BASED: &[&str] = &[
    "debian",
    "ubuntu",
    "buildpack-deps",
    "python",
    "node",
    "golang",
    "ruby",
    "php",
    "perl",
    "rust",
    "openjdk",
    "eclipse-temurin",
    "maven",
    "gradle",
    "httpd",
    "nginx",
    "redis",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "elixir",
    "erlang",
    "haskell",
    "julia",
    "r-base",
    "gcc",
    "swift",
    "dart",
    "clojure",
    "haproxy",
    "tomcat",
    "wordpress",
    "drupal",
    "ghost",
    "rabbitmq",
    "memcached",
    "kong",
];

const REDHAT_BASED: &[&str] = &[
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "ubi",
    "ubi-minimal",
    "ubi8",
    "ubi9",
    "ubi10",
    "ubi8-minimal",
    "ubi9-minimal",
    "ubi10-minimal",
];

/// The family of an image reference (see [`ImageFamily`]).
pub fn image_family(image: &crate::semantic::ImageRef) -> ImageFamily {
    let short = image.short_name().to_ascii_lowercase();
    let name = image.name().to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if short == "alpine" || short == "busybox" || tag.contains("alpine") || tag.contains("busybox")
    {
        return ImageFamily::Alpine;
    }
    let official = image
        .registry
        .as_deref()
        .is_none_or(|r| r == "docker.io" || r == "index.docker.io")
        && !name.contains('/');
    if REDHAT_BASED.contains(&short.as_str())
        && (official
            || name.starts_with("rockylinux/")
            || name.starts_with("almalinux/")
            || name.starts_with("centos/")
            || name.starts_with("fedora/")
            || name.starts_with("ubi")
            || image.registry.as_deref().is_some_and(|r| {
                r.ends_with("redhat.io") || r.ends_with("redhat.com") || r == "quay.io"
            }))
    {
        return ImageFamily::RedHat;
    }
    if official && DEBIAN_BASED.contains(&name.as_str()) {
        if tag.contains("windows") || tag.contains("nanoserver") {
            return ImageFamily::Unknown;
        }
        return ImageFamily::Debian;
    }
    ImageFamily::Unknown
}

/// The family of the image a stage is ultimately built on.
pub fn stage_family(sem: &Semantic<'_>, stage: usize) -> ImageFamily {
    root_image(sem, stage).map_or(ImageFamily::Unknown, image_family)
}

/// The `USER` in effect at instruction `i` (the last `USER` before it in its stage, following
/// base stages), with its instruction index; None when no `USER` was set in the file (the
/// image's default user applies).
pub fn user_at<'a>(sem: &Semantic<'a>, i: usize) -> Option<(&'a str, usize)> {
    let mut stage = sem.stage_of[i]?;
    let mut upto = i;
    loop {
        let s = &sem.stages[stage];
        for j in (s.from + 1..upto).rev() {
            let ins = sem.instructions[j];
            if ins.kind == Kind::User
                && let crate::syntax::Args::Text(t) = ins.args
            {
                return Some((ins.text_of(t), j));
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
