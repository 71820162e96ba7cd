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
