//! The semantic model: stages, base images, the FROM / `--from` graph, ARG and ENV scopes,
//! `USER` and `SHELL` state, and the parsed shell commands of every RUN. Built once per file;
//! every rule reads it.

use crate::shell;
use crate::syntax::vars::{self, Expanded};
use crate::syntax::*;

/// ARGs BuildKit defines without a declaration (usable after `ARG NAME` in a stage, and in
/// FROM lines).
pub const PREDEFINED_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "BUILDKIT_CACHE_MOUNT_NS",
    "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_MULTI_PLATFORM",
    "BUILDKIT_SANDBOX_HOSTNAME",
    "BUILDKIT_SYNTAX",
    "SOURCE_DATE_EPOCH",
];

/// A container image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io` style host, when written (`ghcr.io`, `localhost:5000`).
    pub registry: Option<String>,
    /// Path without registry, as written (`library/node`, `node`, `bitnami/redis`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> Option<ImageRef> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        // The tag is after the last ':' that comes after the last '/'.
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (&rest[..slash + i], Some(rest[slash + i + 1..].to_string())),
            None => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, r))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), r.to_string())
            }
            _ => (None, name.to_string()),
        };
        if repository.is_empty() {
            return None;
        }
        Some(ImageRef {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// Last path component (`node` of `library/node`, `sdk` of `dotnet/sdk`).
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// Repository without the Docker Hub `library/` prefix.
    pub fn name(&self) -> &str {
        self.repository
            .strip_prefix("library/")
            .unwrap_or(&self.repository)
    }

    /// `registry/repository`, the name used to match settings (`docker.io/` omitted).
    pub fn full_name(&self) -> String {
        match &self.registry {
            Some(r) if r != "docker.io" && r != "index.docker.io" => format!("{r}/{}", self.name()),
            _ => self.name().to_string(),
        }
    }
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseKind {
    /// An image from a registry.
    Image(ImageRef),
    /// An earlier stage of this file (index).
    Stage(usize),
    /// `FROM scratch`.
    Scratch,
    /// Could not be resolved: a variable without a default, or an invalid reference.
    Unresolved,
}

#[derive(Clone, Debug)]
pub struct Base {
    /// The image word as written.
    pub token: Token,
    pub raw: String,
    /// After ARG defaults are substituted.
    pub expanded: String,
    pub kind: BaseKind,
    /// Variables used in the image word that have no default.
    pub unresolved: Vec<String>,
    /// The word used variables.
    pub has_vars: bool,
}

/// One build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug)]
pub struct Stage<'a> {
    pub index: usize,
    /// Index of the FROM in [`Semantic::instructions`].
    pub from: usize,
    /// One past the last instruction of the stage.
    pub end: usize,
    pub from_ins: &'a Instruction,
    /// The name after AS, as written.
    pub name: Option<&'a str>,
    pub name_token: Option<Token>,
    pub base: Base,
    /// `--platform` value, if any.
    pub platform: Option<&'a str>,
}

impl Stage<'_> {
    /// Does `name` (a `--from` or FROM reference) name this stage? Names are case-insensitive.
    pub fn is_named(&self, name: &str) -> bool {
        self.name.is_some_and(|n| n.eq_ignore_ascii_case(name))
    }
}

/// The shell a RUN uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellKind {
    /// sh/bash/ash/dash/zsh (the default `/bin/sh -c`).
    Posix,
    /// PowerShell, cmd and anything else: shell analysis is skipped.
    Other,
}

/// The parsed shell script of a RUN (shell form or heredoc bodies).
pub struct RunScript<'a> {
    /// Index of the RUN in [`Semantic::instructions`].
    pub index: usize,
    pub script: shell::Script<'a>,
    /// Where the script's offsets live.
    pub origin: ScriptOrigin,
}

/// Offsets of a script are either in an instruction's logical text or in the source (a heredoc
/// body).
#[derive(Clone, Copy, Debug)]
pub enum ScriptOrigin {
    /// Offsets into the instruction's logical text, starting at this logical offset.
    Logical(u32),
    /// Offsets into the source, starting here.
    Source(u32),
}

impl RunScript<'_> {
    /// Source span of a span of the script.
    pub fn source_span(&self, ins: &Instruction, s: Span) -> Span {
        match self.origin {
            ScriptOrigin::Logical(base) => ins.source_span(Span {
                start: s.start + base,
                end: s.end + base,
            }),
            ScriptOrigin::Source(base) => Span {
                start: s.start + base,
                end: s.end + base,
            },
        }
    }
}

pub struct Semantic<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    /// Top-level instructions in order.
    pub instructions: Vec<&'a Instruction>,
    /// ARGs before the first FROM: name → default.
    pub global_args: Vec<(&'a str, Option<String>, usize)>,
    pub stages: Vec<Stage<'a>>,
    /// `stage_of[i]`: stage of instruction `i` (None before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// `shell_of[i]`: the SHELL instruction in effect at instruction `i` (see [`Self::shell_at`]).
    shell_of: Vec<Option<u32>>,
    /// Stage indices by name (lower case), ascending.
    stage_names: std::collections::HashMap<String, Vec<usize>>,
    /// Shell scripts per instruction index (RUN only; several for several heredocs).
    pub scripts: Vec<RunScript<'a>>,
    /// `script_index[i]`: the range of `scripts` belonging to instruction `i`.
    script_index: Vec<(u32, u32)>,
    /// Every shell command by the program it runs (behind sudo/env/…): (hash of the program
    /// name, script index, command index), sorted. Rules looking for `apt-get` or `curl` visit
    /// only those commands.
    program_index: Vec<(u64, u32, u32)>,
    /// Commands that run a package manager, (instruction, script, command), in source order:
    /// filled on first use by `rules::pm`, which knows how to recognise them.
    pub pm_index: std::sync::OnceLock<Vec<(u32, u32, u32, &'static str)>>,
    /// The file's conventions, for text generated by fixes (computed on first use).
    style: std::sync::OnceLock<crate::style::FileStyle>,
    /// A Windows image (backtick escape, a Windows base or platform): computed once.
    windows: bool,
}

impl<'a> Semantic<'a> {
    pub fn new(src: &'a str, df: &'a Dockerfile) -> Semantic<'a> {
        let instructions: Vec<&Instruction> = df.instructions().collect();
        let escape = df.escape.char();
        let mut global_args: Vec<(&str, Option<String>, usize)> = Vec::new();
        let mut stages: Vec<Stage<'a>> = Vec::new();
        let mut stage_of = Vec::with_capacity(instructions.len());
        // the stages of each name, lower case (names are case-insensitive)
        let mut names: std::collections::HashMap<String, Vec<usize>> = Default::default();

        for (i, ins) in instructions.iter().enumerate() {
            if ins.kind == Kind::From {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let stage = Self::stage(i, ins, stages.len(), &names, &global_args, escape);
                if let Some(n) = stage.name {
                    names
                        .entry(n.to_ascii_lowercase())
                        .or_default()
                        .push(stage.index);
                }
                stages.push(stage);
            } else if stages.is_empty() && ins.kind == Kind::Arg {
                for d in ins.arg_decls() {
                    let default = d.default.map(|t| {
                        let lookup = |n: &str| lookup_global(&global_args, n);
                        vars::expand(ins.text_of(t), escape, &lookup).value
                    });
                    global_args.push((ins.text_of(d.name), default, i));
                }
            }
            stage_of.push(stages.len().checked_sub(1));
        }
        if let Some(last) = stages.last_mut() {
            last.end = instructions.len();
        }
        let shell_of = Self::shells(&instructions, &stages);

        let mut sem = Semantic {
            src,
            df,
            instructions,
            global_args,
            stages,
            stage_of,
            shell_of,
            stage_names: names,
            scripts: Vec::new(),
            script_index: Vec::new(),
            program_index: Vec::new(),
            pm_index: std::sync::OnceLock::new(),
            style: std::sync::OnceLock::new(),
            windows: false,
        };
        sem.windows = sem.windows_image();
        sem.parse_scripts();
        sem.index_programs();
        sem
    }

    fn index_programs(&mut self) {
        let mut idx = Vec::new();
        for (si, s) in self.scripts.iter().enumerate() {
            for (ci, c) in s.script.commands.iter().enumerate() {
                if let Some(name) = c.unwrapped().name() {
                    idx.push((program_hash(name), si as u32, ci as u32));
                }
            }
        }
        idx.sort_unstable();
        self.program_index = idx;
    }

    /// Commands that run one of `programs` (the real program, behind sudo/env/…), in no
    /// particular order: (instruction index, script, command).
    pub fn commands_running<'s>(
        &'s self,
        programs: &'s [&'s str],
    ) -> impl Iterator<Item = (usize, &'s RunScript<'a>, &'s shell::Command<'a>)> + 's {
        programs.iter().flat_map(move |p| {
            let h = program_hash(p);
            let start = self.program_index.partition_point(|e| e.0 < h);
            self.program_index[start..]
                .iter()
                .take_while(move |e| e.0 == h)
                .filter_map(move |&(_, si, ci)| {
                    let s = &self.scripts[si as usize];
                    let c = &s.script.commands[ci as usize];
                    (c.unwrapped().name() == Some(p)).then_some((s.index, s, c))
                })
        })
    }

    fn stage(
        i: usize,
        ins: &'a Instruction,
        index: usize,
        names: &std::collections::HashMap<String, Vec<usize>>,
        global_args: &[(&str, Option<String>, usize)],
        escape: char,
    ) -> Stage<'a> {
        let f = ins.from_args();
        let token = f.map(|f| f.image).unwrap_or_default();
        let raw = f.map_or("", |f| ins.text_of(f.image));
        let lookup = |n: &str| {
            lookup_global(global_args, n).or_else(|| {
                PREDEFINED_ARGS
                    .contains(&n)
                    .then(|| predefined_value(n).to_string())
            })
        };
        let Expanded {
            value: expanded,
            unresolved,
        } = vars::expand(raw, escape, &lookup);
        let has_vars = raw.contains('$');
        let kind = if !unresolved.is_empty() && !has_default_for_all(raw) {
            BaseKind::Unresolved
        } else if expanded.eq_ignore_ascii_case("scratch") {
            BaseKind::Scratch
        } else if let Some(&s) = names
            .get(&expanded.to_ascii_lowercase())
            .and_then(|v| v.last())
        {
            BaseKind::Stage(s)
        } else {
            ImageRef::parse(&expanded).map_or(BaseKind::Unresolved, BaseKind::Image)
        };
        let (name, name_token) = match f.and_then(|f| f.alias) {
            Some((_, n)) => (Some(ins.text_of(n)), Some(n)),
            None => (None, None),
        };
        Stage {
            index,
            from: i,
            end: i + 1,
            from_ins: ins,
            name,
            name_token,
            base: Base {
                token,
                raw: raw.to_string(),
                expanded,
                kind,
                unresolved,
                has_vars,
            },
            platform: ins.flag("platform").and_then(|f| f.value()),
        }
    }

    fn parse_scripts(&mut self) {
        for (i, ins) in self.instructions.iter().enumerate() {
            let ins: &'a Instruction = ins;
            // An ONBUILD RUN runs in every child build: analyse its trigger like a RUN.
            let target = match &ins.args {
                Args::Onbuild(t) => t.as_ref(),
                _ => ins,
            };
            if target.kind != Kind::Run || self.shell_kind(i) != ShellKind::Posix {
                continue;
            }
            let first = self.scripts.len();
            if let Some(Command::Shell(tok)) = target.command()
                && target.kind == Kind::Run
            {
                self.scripts.push(RunScript {
                    index: i,
                    script: shell::parse(ins.text_of(*tok)),
                    origin: ScriptOrigin::Logical(tok.logical.start),
                });
            }
            for h in &ins.heredocs {
                // A heredoc is the script when the command is just the marker (`RUN <<EOF`), or
                // is fed to a shell (`RUN bash <<EOF`, `RUN sh -e <<EOF`).
                if heredoc_is_script(ins, h)
                    && shebang(&self.src[h.body.range()]).is_none_or(is_posix_shell)
                {
                    self.scripts.push(RunScript {
                        index: i,
                        script: shell::parse(&self.src[h.body.range()]),
                        origin: ScriptOrigin::Source(h.body.start),
                    });
                }
            }
            if self.scripts.len() > first {
                self.script_index.resize(i + 1, (0, 0));
                self.script_index[i] = (first as u32, self.scripts.len() as u32);
            }
        }
    }

    /// The file's conventions (escape character, line endings, indent, casing) for generated
    /// text.
    pub fn style(&self) -> &crate::style::FileStyle {
        self.style
            .get_or_init(|| crate::style::FileStyle::of(self.src, self.df))
    }

    /// The file's escape character (`\` or a backtick).
    pub fn escape(&self) -> char {
        self.df.escape.char()
    }

    /// Scripts of instruction `i` (empty when it is not a POSIX-shell RUN).
    pub fn scripts_of(&self, i: usize) -> &[RunScript<'a>] {
        match self.script_index.get(i) {
            Some(&(a, b)) => &self.scripts[a as usize..b as usize],
            None => &[],
        }
    }

    /// Every shell command of instruction `i` with the script it belongs to.
    pub fn commands_of(
        &self,
        i: usize,
    ) -> impl Iterator<Item = (&RunScript<'a>, &shell::Command<'a>)> + '_ {
        self.scripts_of(i)
            .iter()
            .flat_map(|s| s.script.commands.iter().map(move |c| (s, c)))
    }

    /// Source span of a shell span of a command of instruction `i`.
    pub fn shell_span(&self, i: usize, script: &RunScript<'_>, s: Span) -> Span {
        script.source_span(self.instructions[i], s)
    }

    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    pub fn is_final(&self, stage: usize) -> bool {
        stage + 1 == self.stages.len()
    }

    /// Instruction indexes of a stage, FROM excluded.
    pub fn body(&self, stage: &Stage<'_>) -> std::ops::Range<usize> {
        stage.from + 1..stage.end
    }

    /// The stage named (or numbered) `reference`, as `COPY --from` and `FROM` resolve it,
    /// among the stages before `before`.
    pub fn resolve_stage(&self, reference: &str, before: usize) -> Option<usize> {
        if let Ok(n) = reference.parse::<usize>() {
            return (n < before).then_some(n);
        }
        self.last_stage_named(reference, before)
    }

    /// The last stage named `name` (case-insensitive) among the stages before `before`.
    pub fn last_stage_named(&self, name: &str, before: usize) -> Option<usize> {
        let v = self.stage_names.get(&name.to_ascii_lowercase())?;
        let k = v.partition_point(|&i| i < before);
        k.checked_sub(1).map(|k| v[k])
    }

    /// Stages a stage depends on: its base stage and every `COPY --from`/`RUN --mount from=` stage.
    pub fn dependencies(&self, stage: usize) -> Vec<usize> {
        let s = &self.stages[stage];
        let mut deps = Vec::new();
        if let BaseKind::Stage(b) = s.base.kind {
            deps.push(b);
        }
        for i in self.body(s) {
            let ins = self.instructions[i];
            let mut refs: Vec<String> = Vec::new();
            if ins.kind == Kind::Copy {
                refs.extend(ins.flag("from").and_then(|f| f.value()).map(str::to_string));
            }
            if ins.kind == Kind::Run {
                for f in ins.flags_named("mount") {
                    if let Some(v) = f.value()
                        && let Ok(m) = crate::syntax::mount::parse_mount(v)
                        && let Some(from) = m.from()
                    {
                        refs.push(from.to_string());
                    }
                }
            }
            // a reference that names no earlier stage is an image
            deps.extend(refs.iter().filter_map(|r| self.resolve_stage(r, stage)));
        }
        deps.sort_unstable();
        deps.dedup();
        deps
    }

    /// Stages the final stage needs, transitively (the final stage included).
    pub fn reachable_stages(&self) -> Vec<bool> {
        let mut seen = vec![false; self.stages.len()];
        let Some(last) = self.stages.len().checked_sub(1) else {
            return seen;
        };
        let mut stack = vec![last];
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut seen[s], true) {
                continue;
            }
            stack.extend(self.dependencies(s));
        }
        seen
    }

    /// The SHELL in effect at instruction `i` (JSON words), inherited from base stages.
    pub fn shell_at(&self, i: usize) -> Option<Vec<&str>> {
        let j = self.shell_of.get(i).copied().flatten()?;
        match self.instructions[j as usize].command() {
            Some(Command::Exec { items, .. }) => Some(items.iter().map(|x| &*x.value).collect()),
            _ => None,
        }
    }

    /// For each instruction, the exec-form SHELL before it in its stage or, failing that, the
    /// last one of its base stages: one pass, so that asking at every RUN stays linear.
    fn shells(instructions: &[&Instruction], stages: &[Stage<'_>]) -> Vec<Option<u32>> {
        let mut of = vec![None; instructions.len()];
        let mut last_of_stage: Vec<Option<u32>> = Vec::with_capacity(stages.len());
        for s in stages {
            let mut current = match s.base.kind {
                // base stages come before the stage that uses them
                BaseKind::Stage(b) => last_of_stage.get(b).copied().flatten(),
                _ => None,
            };
            for (j, ins) in instructions.iter().enumerate().take(s.end).skip(s.from) {
                of[j] = current;
                if j > s.from
                    && ins.kind == Kind::Shell
                    && matches!(ins.command(), Some(Command::Exec { .. }))
                {
                    current = Some(j as u32);
                }
            }
            last_of_stage.push(current);
        }
        of
    }

    pub fn shell_kind(&self, i: usize) -> ShellKind {
        match self.shell_at(i) {
            None => {
                if self.is_windows() {
                    ShellKind::Other
                } else {
                    ShellKind::Posix
                }
            }
            Some(words) => {
                let exe = words.first().copied().unwrap_or("");
                let base = exe
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(exe)
                    .to_ascii_lowercase();
                let base = base.strip_suffix(".exe").unwrap_or(&base);
                if matches!(
                    base,
                    "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
                ) {
                    ShellKind::Posix
                } else {
                    ShellKind::Other
                }
            }
        }
    }

    /// A Windows build: backtick escape, or Windows base images.
    pub fn is_windows(&self) -> bool {
        self.windows
    }

    fn windows_image(&self) -> bool {
        self.df.escape == Escape::Backtick
            || self.stages.iter().any(|s| {
                let e = s.base.expanded.as_bytes();
                let has = |n: &str| {
                    e.windows(n.len())
                        .any(|w| w.eq_ignore_ascii_case(n.as_bytes()))
                };
                has("nanoserver")
                    || has("servercore")
                    || has("mcr.microsoft.com/windows")
                    || s.platform.is_some_and(|p| p.starts_with("windows"))
            })
    }

    /// The last USER of a stage (following base stages), and the instruction index it is at.
    pub fn user_of(&self, stage: usize) -> Option<(&'a str, usize)> {
        let mut st = stage;
        loop {
            let s = &self.stages[st];
            for j in self.body(s).rev() {
                let ins = self.instructions[j];
                if ins.kind == Kind::User
                    && let Args::Text(t) = ins.args
                {
                    return Some((ins.text_of(t), j));
                }
            }
            match s.base.kind {
                BaseKind::Stage(b) => st = b,
                _ => return None,
            }
        }
    }

    /// Names defined by ARG and ENV in the stage of instruction `i`, before it (ENV of base
    /// stages included; ARGs of base stages are not inherited, as in BuildKit).
    pub fn defined_before(&self, i: usize) -> Vec<&'a str> {
        let mut out = Vec::new();
        let Some(mut stage) = self.stage_of[i] else {
            return self.global_args.iter().map(|a| a.0).collect();
        };
        let mut upto = i;
        let mut first = true;
        loop {
            let s = &self.stages[stage];
            for j in s.from + 1..upto {
                let ins = self.instructions[j];
                match ins.kind {
                    Kind::Env => out.extend(ins.key_values().iter().map(|kv| ins.text_of(kv.key))),
                    Kind::Arg if first => {
                        out.extend(ins.arg_decls().iter().map(|d| ins.text_of(d.name)))
                    }
                    _ => {}
                }
            }
            first = false;
            match s.base.kind {
                BaseKind::Stage(b) => {
                    stage = b;
                    upto = self.stages[b].end;
                }
                _ => return out,
            }
        }
    }
}

/// FNV-1a of a program name (the index key; equality is checked on lookup).
fn program_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn lookup_global(args: &[(&str, Option<String>, usize)], name: &str) -> Option<String> {
    args.iter()
        .rev()
        .find(|a| a.0 == name)
        .and_then(|a| a.1.clone())
}

/// A plausible value of a predefined platform ARG, so `FROM --platform=$BUILDPLATFORM x` and
/// `FROM img-$TARGETARCH` resolve.
fn predefined_value(name: &str) -> &'static str {
    match name {
        "TARGETPLATFORM" | "BUILDPLATFORM" => "linux/amd64",
        "TARGETOS" | "BUILDOS" => "linux",
        "TARGETARCH" | "BUILDARCH" => "amd64",
        _ => "",
    }
}

/// `${X:-default}` everywhere: the reference resolves even without a global ARG.
fn has_default_for_all(raw: &str) -> bool {
    let refs = vars::var_refs(raw, Span::new(0, raw.len()), '\\');
    !refs.is_empty()
        && refs.iter().all(|r| {
            matches!(r.op, Some(vars::VarOp::Default { .. }))
                && r.word.is_some_and(|w| !w.is_empty())
        })
}

/// The interpreter named by a script's `#!` line (basename; `env`'s program for
/// `#!/usr/bin/env python3`), if the script has one. BuildKit runs a `RUN <<EOF` whose body
/// starts with `#!` as a file, with that interpreter.
pub fn shebang(body: &str) -> Option<&str> {
    let line = body.strip_prefix("#!")?.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let exe = shell::basename(words.next()?);
    if exe == "env" {
        return words
            .find(|w| !w.starts_with('-') && !w.contains('='))
            .map(shell::basename);
    }
    Some(exe)
}

/// `sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`, `mksh`, `yash`, `busybox`.
pub fn is_posix_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "yash" | "busybox"
    )
}

/// Whether a heredoc of a RUN is run as the script (not a data file for a command).
fn heredoc_is_script(ins: &Instruction, h: &Heredoc) -> bool {
    let Some(Command::Shell(tok)) = ins.command() else {
        return false;
    };
    let text = ins.text_of(*tok);
    let marker = ins.text_of(h.marker);
    let before = text.split(marker).next().unwrap_or("").trim();
    if before.is_empty() {
        // `RUN <<EOF` (possibly `RUN <<EOF bash`): the first heredoc is the script
        return true;
    }
    let exe = before.split_whitespace().next().unwrap_or("");
    let exe = exe.rsplit('/').next().unwrap_or(exe);
    matches!(exe, "sh" | "bash" | "ash" | "dash" | "zsh") && !before.contains(" -c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("ghcr.io/owner/app:1.2@sha256:abc").unwrap();
        assert_eq!(r.registry.as_deref(), Some("ghcr.io"));
        assert_eq!(r.repository, "owner/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("localhost:5000/x").unwrap();
        assert_eq!(
            (r.registry.as_deref(), r.tag),
            (Some("localhost:5000"), None)
        );
        let r = ImageRef::parse("node").unwrap();
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag),
            (None, "node", None)
        );
        assert_eq!(ImageRef::parse("library/node:20").unwrap().name(), "node");
    }

    #[test]
    fn stages_and_args() {
        let src = "ARG BASE=alpine\nARG TAG\nFROM $BASE:${TAG:-3.20} AS build\nRUN make\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\nFROM ${NOPE}\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        assert_eq!(sem.stages.len(), 4);
        assert_eq!(sem.stages[0].base.expanded, "alpine:3.20");
        assert!(matches!(sem.stages[0].base.kind, BaseKind::Image(_)));
        assert_eq!(sem.stages[1].base.kind, BaseKind::Stage(0));
        assert_eq!(sem.stages[2].base.kind, BaseKind::Scratch);
        assert_eq!(sem.stages[3].base.kind, BaseKind::Unresolved);
        assert_eq!(sem.dependencies(2), vec![0]);
        assert_eq!(sem.reachable_stages(), vec![false, false, false, true]);
    }

    #[test]
    fn user_and_shell_follow_base_stages() {
        let src = "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1 | 2)\nEOF\nRUN <<EOF\n#!/bin/bash -e\nls | wc\nEOF\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        // the `<<EOF` line only: a python heredoc is not shell
        assert_eq!(sem.scripts_of(1).len(), 1);
        assert_eq!(sem.scripts_of(2).len(), 2);
        assert_eq!(shebang("#!/usr/bin/env -S python3 -u\n"), Some("python3"));
        assert_eq!(shebang("#!/bin/bash -e\n"), Some("bash"));
        assert_eq!(shebang("echo\n"), None);

        let src = "FROM a AS base\nUSER app\nSHELL [\"pwsh\", \"-c\"]\nFROM base\nRUN x\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        assert_eq!(sem.user_of(1).map(|u| u.0), Some("app"));
        assert_eq!(sem.shell_kind(4), ShellKind::Other);
    }
}
