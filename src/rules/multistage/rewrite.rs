//! Building the rewrite: the builder stage (the original stage with runtime-only instructions
//! moved out, cache mounts, and per-ecosystem touches) and the runtime stage (the slim image,
//! what the build produced, the original's metadata, a non-root user).

use std::collections::BTreeSet;

use crate::data::{self, Captures, RuntimeImage};
use crate::diagnostic::{Applicability, Edit};
use crate::fix::apply_edits;
use crate::rule::{Context, Rule};
use crate::rules::common::{
    Cmd, ImageFamily, commands_of, has_cache_mount, image_family, run_of, user_at,
};
use crate::rules::values;
use crate::semantic::{Semantic, Stage};
use crate::shell;
use crate::syntax::{self, Args, Command, Instruction, Item, Kind, Span};

use super::entry::EntryCommand;
use super::{Detection, argv_has};

/// A rewrite of the final stage.
pub struct Rewrite {
    /// The source range replaced (the final stage to the end of the file).
    pub span: Span,
    pub text: String,
    /// The runtime image.
    pub runtime: String,
    /// What the rewrite takes for granted; empty when it is certain.
    pub assumptions: Vec<String>,
    /// What the runtime stage copies from the builder.
    pub copies: Vec<String>,
    /// What the runtime stage copies, in a few words ("the binary", "the jar").
    pub what: String,
}

impl Rewrite {
    pub fn applicability(&self) -> Applicability {
        if self.assumptions.is_empty() {
            Applicability::Unsafe
        } else {
            Applicability::DisplayOnly
        }
    }
}

/// Directories in every image's default `PATH`.
const DEFAULT_PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Programs every image with a shell has (coreutils or BusyBox).
const BASE_UTILS: &[&str] = &[
    "sh", "echo", "cat", "sleep", "test", "[", "ls", "mkdir", "rm", "cp", "mv", "env", "exec",
    "true", "false", "kill", "printf", "sed", "grep", "ln", "chmod", "chown", "id", "set",
    "export", "cd", "trap", "wait", "tee", "date", "head", "tail", "touch", "ulimit", "umask",
    "exit", "return", ":", "[[", "source", ".", "eval", "read", "shift", "unset", "command",
    "type", "which", "basename", "dirname", "pwd", "wc", "sort", "uniq", "cut", "tr", "xargs",
    "find", "awk", "expr", "seq", "whoami", "hostname", "stat", "readlink", "realpath",
];

/// Programs whose package has the same name on Debian, Ubuntu and Alpine.
const SAME_NAME_PACKAGES: &[&str] = &[
    "curl",
    "wget",
    "bash",
    "tini",
    "dumb-init",
    "jq",
    "git",
    "openssl",
    "rsync",
    "unzip",
    "gzip",
    "tar",
    "xz",
    "procps",
    "tzdata",
];

/// Capabilities the runtime image either has or not (never installed as packages).
const CAPABILITIES: &[&str] = &[
    "sh", "glibc", "musl", "apt", "apk", "dotnet", "aspnet", "node", "npm", "npx", "yarn",
    "corepack", "python", "python3", "pip", "pip3", "java", "libssl",
];

/// Paths the build writes that the runtime never needs.
const SCRATCH_PATHS: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/root",
    "/var/cache",
    "/var/lib/apt",
    "/var/lib/dpkg",
    "/var/log/apt",
    "/usr/share/doc",
    "/usr/share/man",
    "/etc/apt",
    "/etc/apk",
    "/go",
    "/usr/local/go",
    "/usr/local/cargo",
    "/usr/local/rustup",
    "/usr/local/lib/node_modules",
    "/dev/null",
    "/usr/src",
];

/// Folders of the operating system: never copied whole from the builder.
const SYSTEM_DIRS: &[&str] = &[
    "/usr",
    "/usr/local",
    "/usr/lib",
    "/usr/local/lib",
    "/usr/share",
    "/lib",
    "/etc",
    "/opt",
    "/var",
    "/home",
    "/usr/local/share",
    "/usr/include",
];

/// One thing the runtime copies from the builder.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Artifact {
    src: String,
    dest: String,
    /// Owned by the runtime user (an application folder it may write to).
    chown: bool,
}

/// A command of a RUN with the directory it runs in.
struct RunCmd<'s, 'a> {
    cmd: Cmd<'s, 'a>,
    cwd: Option<String>,
    words: Vec<&'s str>,
}

/// What the walk over the stage found.
#[derive(Default)]
struct Facts {
    /// WORKDIR at the end of the stage (None: unknown).
    workdir: Option<String>,
    /// The last USER of the stage.
    user: Option<String>,
    /// Names set by ENV or ARG in the stage.
    names: BTreeSet<String>,
    /// OS packages installed (and not removed again), with the package manager.
    packages: Vec<String>,
    removed: BTreeSet<String>,
    pm: Option<&'static str>,
    /// Packages come from repositories the file adds.
    custom_repos: bool,
    /// Shell commands creating users and groups, with the names they create.
    user_commands: Vec<String>,
    created_users: Vec<String>,
    /// `npm install -g …`-style commands.
    global_installs: Vec<String>,
    /// Absolute paths the stage writes (COPY destinations, cp/mv/mkdir/redirect targets…).
    writes: Vec<String>,
    /// Paths removed by `rm`.
    removes: Vec<String>,
    /// Destinations of `cp`/`mv`/`install`/`ln` (where a build output may be moved to).
    moves: Vec<String>,
    /// Folders `mkdir` creates (data folders the app may write to).
    dirs: Vec<String>,
    /// Folders `tar -x -C` extracts into.
    extracts: Vec<String>,
    /// Where the whole context was copied.
    context_dest: Option<String>,
    /// COPY/ADD destinations (absolute), with whether the source is a single file.
    copy_dests: Vec<String>,
    /// `python -m venv X`, `virtualenv X`, `ENV VIRTUAL_ENV=X`.
    venv: Option<String>,
    /// The SHELL instruction in effect at the end, as JSON words.
    shell: Option<Vec<String>>,
}

/// The rewrite of a detected build, or None when the stage cannot be rewritten (variables in
/// paths the rewrite must know, a syntax error after the manifests-first edit).
pub fn rewrite(ctx: &Context<'_>, det: &Detection<'_>) -> Option<Rewrite> {
    let start = ctx.semantic.instructions[ctx.semantic.stages[det.stage].from]
        .line_span
        .start;
    // the manifests-first order, from copy-before-install
    let pre = manifests_first_edits(ctx, start);
    let src1 = if pre.is_empty() {
        ctx.src.to_string()
    } else {
        apply_edits(ctx.src, &pre.iter().collect::<Vec<_>>())
    };
    let df1 = syntax::parse(&src1);
    if df1.has_errors() && !ctx.semantic.df.has_errors() {
        return None;
    }
    let sem1 = Semantic::new(&src1, &df1);
    let stage = sem1.stages.last()?;
    if stage.from_ins.line_span.start != start {
        return None;
    }
    Planner::new(ctx, det, &sem1, stage).plan(start)
}

/// The certain part of copy-before-install's fix for the final stage, when that rule is on.
fn manifests_first_edits(ctx: &Context<'_>, start: u32) -> Vec<Edit> {
    use crate::rules::cache::CopyBeforeInstall;
    let meta = &CopyBeforeInstall::META;
    if !ctx.settings.is_enabled(meta) {
        return Vec::new();
    }
    let mut sub = Context::new(ctx.src, ctx.path, ctx.semantic, ctx.settings, meta);
    sub.build_context = ctx.build_context;
    CopyBeforeInstall.check(&mut sub);
    let mut edits: Vec<Edit> = Vec::new();
    for d in sub.into_diagnostics() {
        let Some(f) = d.fix else { continue };
        if f.applicability == Applicability::DisplayOnly || !f.new_files.is_empty() {
            continue;
        }
        let inside = f.edits.iter().all(|e| e.span.start >= start);
        let clash = f.edits.iter().any(|e| {
            edits.iter().any(|t| {
                e.span.start < t.span.end.max(t.span.start + 1)
                    && t.span.start < e.span.end.max(e.span.start + 1)
            })
        });
        if inside && !clash {
            edits.extend(f.edits);
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits
}

struct Planner<'p, 'c> {
    ctx: &'p Context<'c>,
    det: &'p Detection<'c>,
    sem: &'p Semantic<'p>,
    stage: &'p Stage<'p>,
    facts: Facts,
    entry: EntryCommand,
    /// Builder edits (on the planner's text).
    edits: Vec<Edit>,
    /// What the runtime needs: capabilities and programs.
    needs: BTreeSet<String>,
    assumptions: Vec<String>,
    artifacts: Vec<Artifact>,
    /// ENV lines added to the runtime (after the original ones).
    runtime_env: Vec<String>,
    /// Packages to install in the runtime.
    runtime_packages: Vec<String>,
    /// Extra commands for the runtime RUN.
    runtime_commands: Vec<String>,
    /// What the runtime copies, in a few words.
    what: String,
}

impl<'p, 'c> Planner<'p, 'c> {
    fn new(
        ctx: &'p Context<'c>,
        det: &'p Detection<'c>,
        sem: &'p Semantic<'p>,
        stage: &'p Stage<'p>,
    ) -> Self {
        Planner {
            ctx,
            det,
            sem,
            stage,
            facts: Facts::default(),
            entry: EntryCommand::of(sem, stage.index),
            edits: Vec::new(),
            needs: BTreeSet::new(),
            assumptions: Vec::new(),
            artifacts: Vec::new(),
            runtime_env: Vec::new(),
            runtime_packages: Vec::new(),
            runtime_commands: Vec::new(),
            what: String::new(),
        }
    }

    fn eco(&self) -> &'c str {
        self.det.eco.name.as_str()
    }

    fn family(&self) -> ImageFamily {
        image_family(&self.det.image)
    }

    fn plan(mut self, start: u32) -> Option<Rewrite> {
        self.walk();
        let cmds = self.run_commands();
        match self.eco() {
            "go" => self.go(&cmds),
            "rust" => self.rust(&cmds),
            "node" => self.node(&cmds),
            "python" => self.python(&cmds),
            "java" => self.java(&cmds),
            "dotnet" => self.dotnet(&cmds),
            _ => return None,
        }
        self.common_needs();
        let (runtime, caps) = self.choose();
        let image = data::expand_captures(runtime.spec.image.as_deref()?, &caps);
        if super::name_tag_str(&image)
            .is_some_and(|nt| runtime_is_builder(self.ctx, &nt, self.eco()))
        {
            // a mapping back onto an SDK image would loop
            return None;
        }
        if let Some(a) = &runtime.spec.assumes {
            self.assumptions.push(data::expand_captures(a, &caps));
        }
        self.check_policy(&image);
        let builder = self.builder_text(start);
        let runtime_text = self.runtime_text(runtime, &caps, &image);
        // a comment right above the FROM would read as the renamed stage's description
        let mut text = if self.comment_above_from() {
            self.sem.style().newline.to_string()
        } else {
            String::new()
        };
        text.push_str(&builder);
        text.push_str(self.sem.style().newline);
        text.push_str(&runtime_text);
        let copies = self.artifacts.iter().map(|a| a.src.clone()).collect();
        Some(Rewrite {
            span: Span {
                start,
                end: self.ctx.src.len() as u32,
            },
            text,
            runtime: image,
            assumptions: self.assumptions,
            copies,
            what: self.what,
        })
    }

    // ------------------------------------------------------------------------------------------
    // The walk

    fn walk(&mut self) {
        let sem = self.sem;
        let mut wd = Some("/".to_string());
        let mut had_workdir = false;
        for i in sem.body(self.stage) {
            let ins = sem.instructions[i];
            match ins.kind {
                Kind::Workdir => {
                    had_workdir = true;
                    if let Args::Text(t) = ins.args {
                        let v = values::expand(sem, i, ins.text_of(t))
                            .map(|v| values::unquote(sem, &v));
                        wd = match (wd, v) {
                            (Some(base), Some(v)) => Some(join(&base, &v)),
                            _ => None,
                        };
                    }
                }
                Kind::User => {
                    if let Args::Text(t) = ins.args {
                        self.facts.user = Some(ins.text_of(t).trim().to_string());
                    }
                }
                Kind::Env | Kind::Arg => {
                    for kv in ins.key_values() {
                        let k = ins.text_of(kv.key).to_string();
                        if k == "VIRTUAL_ENV" {
                            self.facts.venv = values::expand(sem, i, ins.text_of(kv.value))
                                .map(|v| values::unquote(sem, &v));
                        }
                        self.facts.names.insert(k);
                    }
                    for d in ins.arg_decls() {
                        self.facts.names.insert(ins.text_of(d.name).to_string());
                    }
                }
                Kind::Shell => {
                    if let Some(Command::Exec { items, .. }) = ins.command() {
                        self.facts.shell =
                            Some(items.iter().map(|x| x.value.to_string()).collect());
                    }
                }
                Kind::Copy | Kind::Add => {
                    let (srcs, dest) = ins.sources_and_dest();
                    let Some(dest) = dest else { continue };
                    let d = values::expand(sem, i, ins.word_text(dest))
                        .map(|v| values::unquote(sem, &v));
                    let (Some(base), Some(d)) = (wd.as_deref(), d) else {
                        continue;
                    };
                    let abs = join(base, &d);
                    let whole = ins.flag("from").is_none()
                        && srcs.iter().any(|w| matches!(ins.word_text(w), "." | "./"));
                    if whole && self.facts.context_dest.is_none() {
                        self.facts.context_dest = Some(abs.clone());
                    }
                    // a file copied into a folder keeps its name
                    if (d.ends_with('/') || srcs.len() > 1 || d == "." || d == "./") && !whole {
                        for s in srcs {
                            let name = ins.word_text(s);
                            let name = name.trim_end_matches('/');
                            let base_name = name.rsplit('/').next().unwrap_or(name);
                            if base_name.contains(['*', '?', '[', '$']) || base_name.is_empty() {
                                self.facts.writes.push(abs.clone());
                            } else {
                                self.facts.copy_dests.push(join(&abs, base_name));
                                self.facts.writes.push(join(&abs, base_name));
                            }
                        }
                    } else {
                        self.facts.copy_dests.push(abs.clone());
                        self.facts.writes.push(abs);
                    }
                }
                _ => {}
            }
        }
        self.facts.workdir = if had_workdir { wd } else { Some("/".into()) };
    }

    /// Every shell command of the stage's RUNs with its directory, following `cd`.
    fn run_commands(&mut self) -> Vec<RunCmd<'p, 'p>> {
        let sem = self.sem;
        let mut out: Vec<RunCmd<'p, 'p>> = Vec::new();
        let mut wd = Some("/".to_string());
        for i in sem.body(self.stage) {
            let ins = sem.instructions[i];
            if ins.kind == Kind::Workdir
                && let Args::Text(t) = ins.args
            {
                let v = values::expand(sem, i, ins.text_of(t)).map(|v| values::unquote(sem, &v));
                wd = match (wd, v) {
                    (Some(b), Some(v)) => Some(join(&b, &v)),
                    _ => None,
                };
            }
            if ins.kind != Kind::Run {
                continue;
            }
            let mut cwd = wd.clone();
            let mut sub_cwd: Option<Option<String>> = None;
            for c in commands_of(sem, i) {
                let words: Vec<&'p str> = c.argv().words.iter().map(|w| w.as_str()).collect();
                let here = if c.command.subshell {
                    sub_cwd.clone().unwrap_or_else(|| cwd.clone())
                } else {
                    sub_cwd = None;
                    cwd.clone()
                };
                if words.first() == Some(&"cd") {
                    let target = words.get(1).map(|t| {
                        if t.contains('$') {
                            values::expand(sem, i, t)
                        } else {
                            Some(t.to_string())
                        }
                    });
                    let next = match (here.clone(), target) {
                        (Some(b), Some(Some(t))) => Some(join(&b, &t)),
                        (_, None) => Some("/root".to_string()),
                        _ => None,
                    };
                    if c.command.subshell {
                        sub_cwd = Some(next);
                    } else {
                        cwd = next;
                    }
                    continue;
                }
                self.note_command(i, &c, &words, here.as_deref());
                if words.is_empty() {
                    continue;
                }
                out.push(RunCmd {
                    cmd: c,
                    cwd: here,
                    words,
                });
            }
        }
        out
    }

    /// Record what a command does that the runtime may need: packages, users, writes.
    fn note_command(&mut self, i: usize, c: &Cmd<'_, '_>, words: &[&str], cwd: Option<&str>) {
        let sem = self.sem;
        let Some(prog) = words.first().map(|w| shell::basename(w)) else {
            return;
        };
        let abs = |p: &str| -> Option<String> {
            if p.contains('$') {
                let v = values::expand(sem, i, p)?;
                return Some(join(cwd?, &v));
            }
            Some(join(cwd?, p))
        };
        let argv = c.argv();
        match prog {
            "apt-get" | "apt" | "apk" | "yum" | "dnf" | "microdnf" => {
                let sub = argv.subcommand().unwrap_or("");
                let pm: &'static str = match prog {
                    "apk" => "apk",
                    "yum" | "dnf" | "microdnf" => "dnf",
                    _ => "apt",
                };
                let install = matches!(sub, "install" | "add");
                let remove = matches!(sub, "remove" | "purge" | "del" | "autoremove" | "erase");
                if install || remove {
                    let takes = [
                        "--virtual",
                        "-t",
                        "-o",
                        "--option",
                        "--repository",
                        "-X",
                        "-c",
                    ];
                    let mut pkgs: Vec<String> = argv
                        .positional_skipping(&takes)
                        .skip(1)
                        .map(|w| w.as_str().to_string())
                        .collect();
                    if prog == "apk" && (argv.has_flag(Some('X'), Some("repository"))) {
                        self.facts.custom_repos = true;
                    }
                    let virtual_name = argv
                        .flag_value(Some('t'), Some("virtual"))
                        .map(|w| w.as_str().to_string());
                    for p in &mut pkgs {
                        // drop version pins: name=1.2, name>=1.2
                        if let Some(at) = p.find(['=', '<', '>']) {
                            p.truncate(at);
                        }
                    }
                    if install {
                        self.facts.pm.get_or_insert(pm);
                        if let Some(v) = virtual_name {
                            // `apk add --virtual .deps …` (removed later with `apk del .deps`)
                            self.facts.removed.remove(&v);
                            for p in pkgs {
                                self.facts.packages.push(format!("{v}\u{0}{p}"));
                            }
                        } else {
                            self.facts.packages.extend(pkgs);
                        }
                    } else {
                        self.facts.removed.extend(pkgs);
                    }
                }
            }
            "add-apt-repository" | "apt-key" => self.facts.custom_repos = true,
            "useradd" | "adduser" | "groupadd" | "addgroup" => {
                if !c.command.is_nested() {
                    self.facts
                        .user_commands
                        .push(self.ctx_text(c.span(sem, c.command.span)));
                }
                if matches!(prog, "useradd" | "adduser")
                    && let Some(name) = argv
                        .positional_skipping(&[
                            "-u",
                            "--uid",
                            "-g",
                            "--gid",
                            "-G",
                            "--groups",
                            "-h",
                            "--home",
                            "-d",
                            "--home-dir",
                            "-s",
                            "--shell",
                            "-c",
                            "--comment",
                            "-k",
                            "--skel",
                            "-K",
                            "-e",
                            "-f",
                            "-p",
                            "--password",
                            "--ingroup",
                            "--gecos",
                        ])
                        .last()
                {
                    self.facts.created_users.push(name.as_str().to_string());
                }
            }
            "rm" => {
                for w in argv.positional() {
                    if let Some(p) = abs(w.as_str()) {
                        self.facts.removes.push(p);
                    }
                }
            }
            "cp" | "mv" | "install" | "ln" => {
                let takes = [
                    "-m",
                    "--mode",
                    "-o",
                    "--owner",
                    "-g",
                    "--group",
                    "-t",
                    "--target-directory",
                    "-S",
                    "--suffix",
                ];
                let pos: Vec<&str> = argv
                    .positional_skipping(&takes)
                    .map(|w| w.as_str())
                    .collect();
                if prog == "install" && argv.has_flag(Some('d'), Some("directory")) {
                    for p in &pos {
                        if let Some(a) = abs(p) {
                            self.facts.writes.push(a);
                        }
                    }
                } else if let Some((dest, srcs)) = pos.split_last()
                    && !srcs.is_empty()
                    && let Some(d) = abs(dest)
                {
                    let targets: Vec<String> =
                        if dest.ends_with('/') || srcs.len() > 1 || is_bin_dir(&d) {
                            srcs.iter()
                                .map(|s| {
                                    let name =
                                        s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
                                    join(&d, name)
                                })
                                .collect()
                        } else {
                            vec![d]
                        };
                    // a symbolic link depends on its target: not copied on its own
                    if prog != "ln" {
                        self.facts.writes.extend(targets.iter().cloned());
                    }
                    self.facts.moves.extend(targets);
                }
            }
            "mkdir" | "touch" => {
                for w in argv.positional() {
                    if let Some(a) = abs(w.as_str()) {
                        if prog == "mkdir" {
                            self.facts.dirs.push(a.clone());
                        }
                        self.facts.writes.push(a);
                    }
                }
            }
            "tar" => {
                // old-style options (`tar xzfC a.tgz dir`) take their values in order
                let old_style = words.get(1).filter(|w| !w.starts_with('-')).map(|w| {
                    let mut vals = words[2..].iter();
                    let mut dir = None;
                    for ch in w.chars() {
                        if matches!(ch, 'f' | 'C' | 'T' | 'X' | 'b' | 'N' | 'V') {
                            let v = vals.next();
                            if ch == 'C' {
                                dir = v.map(|v| v.to_string());
                            }
                        }
                    }
                    dir
                });
                let dir = argv
                    .flag_value(Some('C'), Some("directory"))
                    .map(|w| w.as_str().to_string())
                    .or(old_style.flatten());
                let extracts = argv
                    .words
                    .get(1)
                    .is_some_and(|w| !w.as_str().starts_with("--") && w.as_str().contains('x'))
                    || argv.has_flag(Some('x'), Some("extract"));
                if extracts && let Some(d) = dir.and_then(|d| abs(&d)) {
                    self.facts.extracts.push(d);
                }
            }
            "curl" | "wget" => {
                let out = if prog == "curl" {
                    argv.flag_value(Some('o'), Some("output"))
                } else {
                    argv.flag_value(Some('O'), Some("output-document"))
                };
                if let Some(o) = out
                    && o.as_str() != "-"
                    && let Some(a) = abs(o.as_str())
                {
                    self.facts.writes.push(a);
                }
            }
            "npm" | "pnpm" | "yarn" | "bun" => {
                let global = argv.has_flag(Some('g'), Some("global"))
                    || (prog == "yarn" && argv.subcommand() == Some("global"));
                let installs = words
                    .iter()
                    .skip(1)
                    .any(|w| matches!(*w, "install" | "i" | "add"));
                if global && installs && !c.command.is_nested() {
                    self.facts
                        .global_installs
                        .push(self.ctx_text(c.span(sem, c.command.span)));
                }
            }
            "virtualenv" => {
                if let Some(w) = argv.positional().next() {
                    self.facts.venv = abs(w.as_str());
                }
            }
            _ if prog.starts_with("python")
                && words.get(1) == Some(&"-m")
                && matches!(words.get(2), Some(&"venv") | Some(&"virtualenv")) =>
            {
                if let Some(w) = words[3..].iter().find(|w| !w.starts_with('-')) {
                    self.facts.venv = abs(w);
                }
            }
            _ => {}
        }
        // redirections to files: `echo … > /etc/app.conf`
        for r in &c.command.redirects {
            if matches!(r.operator(), ">" | ">>")
                && let Some(t) = &r.target
                && t.as_str().starts_with('/')
                && let Some(a) = abs(t.as_str())
            {
                self.facts.writes.push(a);
            }
        }
    }

    fn ctx_text(&self, s: Span) -> String {
        self.sem.src[s.range()].to_string()
    }

    // ------------------------------------------------------------------------------------------
    // Ecosystems

    /// Programs a build command puts into output locations (absolute path patterns).
    fn data_outputs(&self, cwd: Option<&str>) -> Vec<String> {
        let extra = self.ctx.settings.multistage.outputs.get(self.eco());
        self.det
            .eco
            .outputs
            .iter()
            .chain(extra.into_iter().flatten())
            .filter_map(|o| {
                if o.starts_with('/') {
                    Some(o.clone())
                } else {
                    cwd.map(|c| join(c, o))
                }
            })
            .collect()
    }

    /// The build commands of the ecosystem.
    fn builds<'x>(&self, cmds: &'x [RunCmd<'p, 'p>]) -> Vec<&'x RunCmd<'p, 'p>> {
        cmds.iter()
            .filter(|c| self.det.eco.builds.iter().any(|p| argv_has(&c.words, p)))
            .collect()
    }

    /// The dependency installs of the ecosystem (global installs, `npm install -g`, aside).
    fn installs<'x>(&self, cmds: &'x [RunCmd<'p, 'p>]) -> Vec<&'x RunCmd<'p, 'p>> {
        cmds.iter()
            .filter(|c| self.det.eco.installs.iter().any(|p| argv_has(&c.words, p)))
            .filter(|c| {
                !(c.cmd.argv().has_flag(Some('g'), Some("global"))
                    || c.words.get(1) == Some(&"global"))
            })
            .collect()
    }

    /// An ENV value of the stage.
    fn env_value(&self, name: &str) -> Option<String> {
        let last = self.stage.end.checked_sub(1)?;
        match values::lookup(
            self.sem,
            last.max(self.stage.from + 1).min(self.stage.end),
            name,
        ) {
            Some(values::Value::Known(v)) => Some(values::unquote(self.sem, &v)),
            _ => None,
        }
    }

    /// Compiled outputs: follow `cp`/`mv` of them, then find what the image runs among them.
    fn compiled(&mut self, outputs: Vec<String>, guess: impl Fn(&str) -> String) {
        let wd = self.facts.workdir.clone();
        let moved: Vec<String> = self.facts.moves.clone();
        let mut found: Vec<Artifact> = Vec::new();
        for argv in self.entry.argvs.clone() {
            let Some(p) = argv.first() else { continue };
            let Some(path) = self.resolve_program(p, wd.as_deref(), &outputs, &moved) else {
                continue;
            };
            if outputs.iter().any(|o| path_glob(o, &path)) || moved.contains(&path) {
                let dest = if !p.contains('/') && !DEFAULT_PATH.contains(&parent(&path)) {
                    format!("/usr/local/bin/{p}")
                } else {
                    path.clone()
                };
                found.push(Artifact {
                    src: path,
                    dest,
                    chown: false,
                });
            }
        }
        if found.is_empty() {
            // the exact outputs the build names (`go build -o /app/server`)
            for o in &outputs {
                if !o.contains('*') {
                    found.push(Artifact {
                        src: o.clone(),
                        dest: o.clone(),
                        chown: false,
                    });
                }
            }
        }
        if found.is_empty() {
            let name = self
                .entry
                .programs()
                .next()
                .map(|p| shell::basename(p).to_string())
                .unwrap_or_else(|| "app".into());
            let g = guess(&name);
            self.assumptions.push(format!(
                "the build writes the program the image runs to `{g}`"
            ));
            found.push(Artifact {
                src: g.clone(),
                dest: g,
                chown: false,
            });
        }
        for a in found {
            if !self.artifacts.contains(&a) {
                self.artifacts.push(a);
            }
        }
    }

    fn resolve_program(
        &self,
        p: &str,
        wd: Option<&str>,
        outputs: &[String],
        moved: &[String],
    ) -> Option<String> {
        if p.contains('$') {
            return None;
        }
        if p.contains('/') {
            return Some(join(wd?, p));
        }
        if let Some(m) = outputs
            .iter()
            .chain(moved)
            .find(|o| !o.contains('*') && shell::basename(o) == p)
        {
            return Some(m.clone());
        }
        outputs.iter().find_map(|o| {
            let dir = parent(o);
            let in_path =
                DEFAULT_PATH.contains(&dir) || ["/go/bin", "/usr/local/cargo/bin"].contains(&dir);
            (o.ends_with("/*") && in_path).then(|| format!("{dir}/{p}"))
        })
    }

    /// Shared-library needs of compiled code from the `-dev` packages the build installs.
    fn native_libraries(&mut self) -> Vec<String> {
        let mut dev: Vec<String> = Vec::new();
        for p in self.facts.installed() {
            let lower = p.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "libc-dev" | "libc6-dev" | "musl-dev" | "linux-headers" | "linux-libc-dev"
            ) {
                continue;
            }
            if lower == "libssl-dev" || lower == "openssl-dev" {
                self.needs.insert("libssl".into());
                continue;
            }
            if lower.ends_with("-dev") || lower.ends_with("-devel") {
                dev.push(p.clone());
            }
        }
        dev
    }

    fn go(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the binary".into();
        let gobin = self.env_value("GOBIN");
        let mut outputs: Vec<String> = Vec::new();
        let mut cgo: Option<bool> = self.env_value("CGO_ENABLED").map(|v| v.trim() == "1");
        let builds = self.builds(cmds);
        let mut starts: Vec<(u32, bool)> = Vec::new();
        for b in &builds {
            let words = &b.words;
            for a in &b.cmd.command.assignments {
                if let Some(v) = a.as_str().strip_prefix("CGO_ENABLED=") {
                    cgo = Some(v == "1");
                }
            }
            let sub = b.cmd.argv().subcommand().unwrap_or("");
            if sub == "install" {
                match &gobin {
                    Some(g) => outputs.push(join(g, "*")),
                    None => outputs.extend(self.data_outputs(b.cwd.as_deref())),
                }
            } else {
                match b.cmd.argv().flag_value(Some('o'), None) {
                    Some(o) if !o.as_str().contains('$') => {
                        if let Some(cwd) = &b.cwd {
                            let p = join(cwd, o.as_str());
                            outputs.push(if o.as_str().ends_with('/') {
                                join(&p, "*")
                            } else {
                                p
                            });
                        }
                    }
                    _ => {
                        if let Some(cwd) = &b.cwd {
                            outputs.push(join(cwd, "*"));
                        }
                    }
                }
            }
            let _ = words;
            let nested = b.cmd.command.is_nested()
                || b.cmd.command.words.first().map(|w| w.as_str()) != Some(b.words[0]);
            starts.push((b.cmd.span(self.sem, b.cmd.command.span).start, nested));
        }
        let compilers = self.facts.installed().iter().any(|p| {
            let p = p.to_ascii_lowercase();
            matches!(
                p.as_str(),
                "gcc" | "g++" | "build-base" | "build-essential" | "clang" | "musl-dev"
            ) || p.ends_with("-dev")
        });
        let dev = self.native_libraries();
        let cgo_on = cgo.unwrap_or(compilers);
        if cgo_on {
            self.needs.insert(self.libc().into());
            if !dev.is_empty() {
                self.assumptions.push(format!(
                    "the binary needs no shared library the runtime image lacks (the build installs {})",
                    dev.join(", ")
                ));
            }
        } else if cgo.is_none() {
            // make the static build explicit (the golang image has a C compiler, so cgo would
            // be on and the binary linked against glibc)
            for (at, nested) in starts {
                if nested {
                    self.assumptions
                        .push("the build runs with CGO_ENABLED=0".into());
                } else {
                    self.edits.push(Edit::insert(at, "CGO_ENABLED=0 "));
                }
            }
        }
        let wd = builds
            .first()
            .and_then(|b| b.cwd.clone())
            .unwrap_or_else(|| "/".into());
        self.compiled(outputs, |name| join(&wd, name));
    }

    fn libc(&self) -> &'static str {
        if self.family() == ImageFamily::Alpine {
            "musl"
        } else {
            "glibc"
        }
    }

    fn rust(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the binary".into();
        let target_env = self.env_value("CARGO_TARGET_DIR");
        let install_root = self.env_value("CARGO_INSTALL_ROOT");
        let mut outputs = Vec::new();
        let builds = self.builds(cmds);
        for b in &builds {
            let argv = b.cmd.argv();
            let Some(cwd) = b.cwd.clone() else { continue };
            let cwd = match argv.flag_value(None, Some("manifest-path")) {
                Some(m) => parent(&join(&cwd, m.as_str())).to_string(),
                None => cwd,
            };
            if argv.subcommand() == Some("install") {
                match argv
                    .flag_value(None, Some("root"))
                    .map(|w| w.as_str().to_string())
                    .or(install_root.clone())
                {
                    Some(r) => outputs.push(join(&join(&cwd, &r), "bin/*")),
                    None => outputs.extend(
                        self.data_outputs(Some(&cwd))
                            .into_iter()
                            .filter(|o| o.starts_with("/usr/local/cargo")),
                    ),
                }
                continue;
            }
            let tdir = argv
                .flag_value(None, Some("target-dir"))
                .map(|w| w.as_str().to_string())
                .or(target_env.clone())
                .map_or_else(|| join(&cwd, "target"), |t| join(&cwd, &t));
            let profile = if argv.has_flag(Some('r'), Some("release")) {
                "release".to_string()
            } else {
                argv.flag_value(None, Some("profile"))
                    .map_or("debug".into(), |w| w.as_str().to_string())
            };
            match argv.flag_value(None, Some("target")) {
                Some(t) => outputs.push(format!("{tdir}/{}/{profile}/*", t.as_str())),
                None => outputs.push(format!("{tdir}/{profile}/*")),
            }
        }
        let dev = self.native_libraries();
        if self.family() == ImageFamily::Alpine {
            // musl targets link statically unless a crate links a system library
            if !dev.is_empty() || self.needs.contains("libssl") {
                self.needs.insert("musl".into());
            }
        } else {
            self.needs.insert("glibc".into());
        }
        if !dev.is_empty() {
            self.assumptions.push(format!(
                "the binary needs no shared library the runtime image lacks (the build installs {})",
                dev.join(", ")
            ));
        }
        let wd = builds
            .first()
            .and_then(|b| b.cwd.clone())
            .unwrap_or_else(|| "/".into());
        self.compiled(outputs, |name| join(&wd, &format!("target/release/{name}")));
    }

    /// The project folder of an interpreted app: where dependencies were installed or the
    /// build ran, else where the context was copied, else the WORKDIR.
    fn app_dir(&self, cmds: &[RunCmd<'p, 'p>]) -> Option<String> {
        let builds = self.builds(cmds);
        let installs = self.installs(cmds);
        installs
            .first()
            .or(builds.first())
            .and_then(|c| c.cwd.clone())
            .filter(|d| d != "/")
            .or_else(|| self.facts.context_dest.clone())
            .or_else(|| self.facts.workdir.clone())
            .filter(|d| d != "/")
    }

    /// Copy an application folder (or, for an app in `/`, the files copied there).
    fn copy_app(&mut self, app: Option<String>) {
        match app {
            Some(dir) => self.artifacts.push(Artifact {
                src: dir.clone(),
                dest: dir,
                chown: true,
            }),
            None if self.facts.copy_dests.is_empty() => {}
            None => {
                self.assumptions.push(
                    "the application is the files copied into `/` (give it a WORKDIR)".into(),
                );
                for d in self.facts.copy_dests.clone() {
                    self.artifacts.push(Artifact {
                        src: d.clone(),
                        dest: d,
                        chown: true,
                    });
                }
            }
        }
    }

    fn node(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the application with its production dependencies".into();
        self.needs.insert("node".into());
        let installs = self.installs(cmds);
        let local = !installs.is_empty() || !self.builds(cmds).is_empty();
        let app = if local {
            self.app_dir(cmds)
        } else {
            self.facts.context_dest.clone()
        };
        let pm = installs
            .first()
            .or(self.builds(cmds).first())
            .map_or("npm", |c| match shell::basename(c.words[0]) {
                "yarn" => "yarn",
                "pnpm" => "pnpm",
                _ => "npm",
            });
        let prod_only = !installs.is_empty()
            && installs.iter().all(|c| {
                c.words.iter().any(|w| {
                    matches!(
                        *w,
                        "--production"
                            | "--prod"
                            | "--omit=dev"
                            | "--only=production"
                            | "--only=prod"
                    )
                })
            });
        let pruned = cmds.iter().any(|c| {
            argv_has(&c.words, &["npm".into(), "prune".into()])
                || argv_has(&c.words, &["pnpm".into(), "prune".into()])
        });
        let berry = self
            .ctx
            .build_context
            .entries
            .iter()
            .any(|e| e == ".yarnrc.yml" || e == ".yarn")
            || cmds.iter().any(|c| {
                argv_has(&c.words, &["yarn".into(), "set".into(), "version".into()])
                    || argv_has(&c.words, &["corepack".into()])
            });
        if local && !prod_only && !pruned {
            let major: Option<u32> = self
                .det
                .candidates
                .first()
                .and_then(|(_, caps)| caps.iter().find(|(k, _)| k == "v"))
                .and_then(|(_, v)| v.split('.').next()?.parse().ok());
            let prune = match pm {
                "yarn" if berry => None,
                "yarn" => Some("yarn install --production --prefer-offline".to_string()),
                "pnpm" => Some("pnpm prune --prod".to_string()),
                _ if major.is_some_and(|m| m < 15) => Some("npm prune --production".to_string()),
                _ => Some("npm prune --omit=dev".to_string()),
            };
            match prune {
                Some(p) => self.append_after_last(cmds, &["npm", "npx", "yarn", "pnpm", "node", "tsc", "ng", "next", "vite", "webpack"], &p),
                None => self.assumptions.push(
                    "the image needs the development dependencies too (Yarn 2+: prune them with `yarn workspaces focus --production`)".into(),
                ),
            }
        }
        let compilers = self.det.full
            || self.facts.installed().iter().any(|p| {
                data::multistage().build_packages.is_match(p.as_str())
                    && (p.ends_with("-dev")
                        || matches!(
                            p.as_str(),
                            "g++" | "gcc" | "make" | "build-base" | "build-essential"
                        ))
            });
        for g in self.facts.global_installs.clone() {
            self.needs.insert("sh".into());
            if compilers {
                self.assumptions.push(format!(
                    "`{}` installs without the builder's compilers and headers (else copy /usr/local/lib/node_modules from the build stage)",
                    g.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
            self.runtime_commands.push(g);
        }
        self.copy_app(app);
        let dev = self.native_libraries();
        if !dev.is_empty() {
            self.assumptions.push(format!(
                "native modules need no system library the runtime image lacks (the build installs {})",
                dev.join(", ")
            ));
        }
    }

    /// Append a command to the last RUN running one of `programs` (a new RUN after it when that
    /// RUN cannot take one).
    fn append_after_last(&mut self, cmds: &[RunCmd<'p, 'p>], programs: &[&str], command: &str) {
        let Some(last) = cmds
            .iter()
            .rev()
            .find(|c| programs.contains(&shell::basename(c.words[0])))
        else {
            return;
        };
        let ins = self.sem.instructions[last.cmd.index];
        let style = &self.sem.style();
        match crate::rules::common::run_end(ins) {
            Some(end) => self.edits.push(Edit::insert(
                end,
                format!("{}&& {command}", style.continuation()),
            )),
            None => self.edits.push(Edit::insert(
                ins.line_span.end,
                format!("{} {command}{}", style.keyword(Kind::Run), style.newline),
            )),
        }
    }

    fn python(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the virtualenv and the application".into();
        self.needs.insert("python".into());
        let app = self.app_dir(cmds);
        let installs = self.installs(cmds);
        let user_install = installs.iter().any(|c| c.words.contains(&"--user"));
        let only_binary = self
            .env_value("PIP_ONLY_BINARY")
            .is_some_and(|v| v == ":all:")
            || installs.iter().all(|c| {
                c.words.windows(2).any(|w| {
                    w[0] == "--only-binary=:all:" || (w[0] == "--only-binary" && w[1] == ":all:")
                })
            });
        let tools: BTreeSet<&str> = installs
            .iter()
            .map(|c| shell::basename(c.words[0]))
            .filter(|p| matches!(*p, "poetry" | "pipenv" | "uv"))
            .collect();
        if user_install {
            self.assumptions.push(
                "packages installed with `pip install --user` live in /root/.local, which the runtime user cannot read: install them into a virtualenv instead".into(),
            );
            self.artifacts.push(Artifact {
                src: "/root/.local".into(),
                dest: "/root/.local".into(),
                chown: false,
            });
        } else {
            let venv = match self.facts.venv.clone() {
                Some(v) => v,
                None => {
                    let v = "/opt/venv".to_string();
                    self.insert_venv(cmds, &v);
                    self.runtime_env.push(venv_env(self.sem.style(), &v));
                    v
                }
            };
            self.artifacts.push(Artifact {
                src: venv.clone(),
                dest: venv.clone(),
                chown: false,
            });
            for t in &tools {
                self.assumptions
                    .push(format!("`{t}` installs into the virtualenv `{venv}`"));
            }
        }
        if !only_binary {
            let dev = self.native_libraries();
            let mut a = "every package has a binary wheel or needs no system library at run time (the builder image has the headers and libraries to compile any)".to_string();
            if !dev.is_empty() {
                a.push_str(&format!(
                    "; install the runtime libraries of {} in this stage",
                    dev.join(", ")
                ));
            }
            self.assumptions.push(a);
        }
        self.copy_app(app);
    }

    /// Create a virtualenv before the first install: `ENV VIRTUAL_ENV=… PATH=…` and
    /// `python -m venv …` at the start of that RUN.
    fn insert_venv(&mut self, cmds: &[RunCmd<'p, 'p>], venv: &str) {
        let Some(first) = cmds.iter().find(|c| {
            let w = &c.words;
            argv_has(w, &["pip".into()])
                || argv_has(w, &["pip3".into()])
                || (w.len() > 2
                    && w[0].starts_with("python")
                    && w[1] == "-m"
                    && w[2].starts_with("pip"))
                || self.det.eco.installs.iter().any(|p| argv_has(w, p))
        }) else {
            return;
        };
        let ins = self.sem.instructions[first.cmd.index];
        let style = &self.sem.style();
        let python = if first.words[0].starts_with("python") {
            first.words[0].to_string()
        } else {
            "python".to_string()
        };
        let env_line = format!("{}{}", venv_env(style, venv), style.newline);
        let shell_form = matches!(run_of(ins).command(), Some(Command::Shell(_)))
            && ins.heredocs.is_empty()
            && !first.cmd.command.is_nested();
        if shell_form {
            let at = first.cmd.span(self.sem, first.cmd.command.span).start;
            self.edits.push(Edit::insert(ins.line_span.start, env_line));
            self.edits
                .push(Edit::insert(at, format!("{python} -m venv {venv} && ")));
        } else {
            self.edits.push(Edit::insert(
                ins.line_span.start,
                format!(
                    "{env_line}{} {python} -m venv {venv}{}",
                    style.keyword(Kind::Run),
                    style.newline
                ),
            ));
        }
    }

    fn java(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the jar".into();
        self.needs.insert("java".into());
        let builds = self.builds(cmds);
        let mut outputs: Vec<String> = Vec::new();
        for b in &builds {
            outputs.extend(self.data_outputs(b.cwd.as_deref()));
        }
        let wd = self.facts.workdir.clone();
        let moved = self.facts.moves.clone();
        let mut found = Vec::new();
        for argv in self.entry.argvs.clone() {
            // `java … -jar X`, or a launcher script of `gradle installDist`
            let jar = argv
                .iter()
                .position(|w| w == "-jar")
                .and_then(|i| argv.get(i + 1))
                .cloned();
            let refs: Vec<String> = jar.into_iter().chain(argv.first().cloned()).collect();
            for r in refs {
                if r.contains('$') || (!r.contains('/') && !r.ends_with(".jar")) {
                    continue;
                }
                let Some(wd) = wd.as_deref() else { continue };
                let p = join(wd, &r);
                if let Some(hit) = outputs.iter().find_map(|o| output_match(o, &p)) {
                    found.push(hit);
                } else if moved.contains(&p) {
                    found.push(p);
                }
            }
        }
        found.dedup();
        // a launcher the build unpacked into the WORKDIR (`sbt universal:packageZipTarball`)
        if found.is_empty()
            && let Some(wd) = wd.as_deref().filter(|w| *w != "/")
            && self.entry.programs().any(|p| {
                !p.contains('$') && p.contains('/') && join(wd, p).starts_with(&format!("{wd}/"))
            })
        {
            self.assumptions.push(format!(
                "the image runs what the build leaves in `{wd}`, and only that"
            ));
            self.what = format!("`{wd}`");
            found.push(wd.to_string());
        }
        if found.is_empty() {
            let cwd = builds
                .first()
                .and_then(|b| b.cwd.clone())
                .unwrap_or_else(|| "/".into());
            let gradle = builds
                .iter()
                .any(|b| shell::basename(b.words[0]).contains("gradle"));
            let g = join(
                &cwd,
                if gradle {
                    "build/libs/*.jar"
                } else {
                    "target/*.jar"
                },
            );
            self.assumptions
                .push(format!("the image runs the jar the build writes to `{g}`"));
            found.push(g);
        }
        for f in found {
            let dest = if f.contains('*') {
                format!("{}/", parent(&f))
            } else {
                f.clone()
            };
            self.artifacts.push(Artifact {
                src: f,
                dest,
                chown: false,
            });
        }
    }

    fn dotnet(&mut self, cmds: &[RunCmd<'p, 'p>]) {
        self.what = "the published application".into();
        let builds = self.builds(cmds);
        let mut outputs: Vec<String> = Vec::new();
        let mut self_contained = false;
        for b in &builds {
            let argv = b.cmd.argv();
            if argv.has_flag(None, Some("self-contained"))
                && !b
                    .words
                    .iter()
                    .any(|w| w.starts_with("--self-contained=false") || *w == "false")
                || b.words
                    .iter()
                    .any(|w| w.contains("PublishAot=true") || w.contains("SelfContained=true"))
            {
                self_contained = true;
            }
            match argv.flag_value(Some('o'), Some("output")) {
                Some(o) if !o.as_str().contains('$') => {
                    if let Some(cwd) = &b.cwd {
                        outputs.push(join(cwd, o.as_str()));
                    }
                }
                _ => outputs.extend(self.data_outputs(b.cwd.as_deref())),
            }
        }
        let wd = self.facts.workdir.clone();
        let mut found: Vec<String> = Vec::new();
        let mut framework = false;
        for argv in self.entry.argvs.clone() {
            let Some(p) = argv.first() else { continue };
            let target = if shell::basename(p) == "dotnet" {
                framework = true;
                argv.get(1).cloned()
            } else {
                Some(p.clone())
            };
            let (Some(t), Some(wd)) = (target, wd.as_deref()) else {
                continue;
            };
            if t.contains('$') {
                continue;
            }
            let path = join(wd, &t);
            if let Some(hit) = outputs.iter().find_map(|o| output_dir_of(o, &path)) {
                found.push(hit);
            }
        }
        found.dedup();
        if found.is_empty() {
            let exact: Vec<String> = outputs
                .iter()
                .filter(|o| !o.contains('*'))
                .cloned()
                .collect();
            if exact.is_empty() {
                let cwd = builds
                    .first()
                    .and_then(|b| b.cwd.clone())
                    .unwrap_or_else(|| "/".into());
                let g = join(&cwd, "bin");
                self.assumptions.push(format!(
                    "the image runs what the build writes under `{g}` (publish with `-o` to be sure)"
                ));
                found.push(g);
            } else {
                found = exact;
            }
        }
        if framework {
            let web = self.is_web();
            if web {
                self.needs.insert("aspnet".into());
            } else {
                self.needs.insert("dotnet".into());
                self.assumptions.push(
                    "it is a console app: an ASP.NET Core app needs the `aspnet` image (nothing in the file says it serves HTTP)".into(),
                );
            }
        } else if !self_contained {
            self.needs.insert("dotnet".into());
        } else {
            self.needs.insert(self.libc().into());
        }
        for f in found {
            self.artifacts.push(Artifact {
                src: f.clone(),
                dest: f,
                chown: false,
            });
        }
    }

    /// An ASP.NET Core app: it exposes a port or sets ASP.NET Core's variables.
    fn is_web(&self) -> bool {
        self.sem.body(self.stage).any(|i| {
            let ins = self.sem.instructions[i];
            ins.kind == Kind::Expose
                || (ins.kind == Kind::Env
                    && ins.key_values().iter().any(|kv| {
                        let k = ins.text_of(kv.key);
                        k.starts_with("ASPNETCORE_") || k == "HTTP_PORTS" || k == "HTTPS_PORTS"
                    }))
        })
    }

    // ------------------------------------------------------------------------------------------
    // What the runtime needs

    fn common_needs(&mut self) {
        let sem = self.sem;
        // the command the image runs and its health check
        let mut programs: Vec<String> = self.entry.programs().map(str::to_string).collect();
        if self.entry.shell_form && !self.convertible() {
            self.needs.insert("sh".into());
        }
        for i in sem.body(self.stage) {
            let ins = sem.instructions[i];
            if ins.kind != Kind::Healthcheck {
                continue;
            }
            match ins.command() {
                Some(Command::Shell(t)) => {
                    self.needs.insert("sh".into());
                    for a in super::entry::script_argvs(ins.text_of(*t)) {
                        programs.extend(a.first().cloned());
                    }
                }
                Some(Command::Exec { items, .. }) => {
                    let words: Vec<String> = items.iter().map(|x| x.value.to_string()).collect();
                    for a in super::entry::exec_argvs(&words) {
                        programs.extend(a.first().cloned());
                    }
                    if words.first().is_some_and(|w| w.ends_with("sh")) {
                        self.needs.insert("sh".into());
                    }
                }
                None => {}
            }
        }
        let artifacts: Vec<String> = self.artifacts.iter().map(|a| a.dest.clone()).collect();
        let wd = self.facts.workdir.clone().unwrap_or_else(|| "/".into());
        for p in programs {
            if p.contains('$') {
                continue;
            }
            let name = shell::basename(&p).to_string();
            if p.contains('/') {
                let abs = join(&wd, &p);
                let produced = artifacts
                    .iter()
                    .any(|a| abs == *a || abs.starts_with(&format!("{a}/")) || path_glob(a, &abs));
                if produced {
                    if name.ends_with(".sh") {
                        self.needs.insert("sh".into());
                    }
                    continue;
                }
                if self.facts.copy_dests.contains(&abs) || self.facts.writes.contains(&abs) {
                    // a script or tool the build put there: copy it, with a shell to run it
                    self.extra(&abs);
                    self.needs.insert("sh".into());
                    continue;
                }
                if DEFAULT_PATH.contains(&parent(&abs)) {
                    self.need_program(&name);
                }
                continue;
            }
            if artifacts.iter().any(|a| shell::basename(a) == name) {
                continue;
            }
            if let Some(w) = self
                .facts
                .writes
                .iter()
                .find(|w| shell::basename(w) == name && DEFAULT_PATH.contains(&parent(w)))
                .cloned()
            {
                if name.ends_with(".sh") || self.facts.copy_dests.contains(&w) {
                    self.needs.insert("sh".into());
                }
                self.extra(&w);
                continue;
            }
            let unknown = !BASE_UTILS.contains(&name.as_str())
                && !self.facts.installed().contains(&name)
                && !SAME_NAME_PACKAGES.contains(&name.as_str());
            if unknown && self.eco() == "python" && name != "python" && name != "python3" {
                // a console script of an installed package, in the virtualenv
                continue;
            }
            if unknown
                && ((self.eco() == "node" && !self.facts.global_installs.is_empty())
                    || self.runtime_package_list().next().is_some())
            {
                // a program of a package installed globally or from the OS (installed again in
                // the runtime)
                continue;
            }
            self.need_program(&name);
        }
        // runtime packages the build installed
        let needed: Vec<String> = self.runtime_package_list().collect();
        for p in needed {
            if !self.runtime_packages.contains(&p) {
                self.runtime_packages.push(p);
            }
        }
        if !self.runtime_packages.is_empty() {
            if let Some(pm) = self.facts.pm {
                self.needs.insert(pm.into());
            }
            self.needs.insert("sh".into());
            if self.facts.custom_repos {
                self.assumptions.push(format!(
                    "the packages {} install from the image's own repositories (the build adds repositories)",
                    self.runtime_packages.join(", ")
                ));
            }
        }
        // a user the build created
        if let Some(u) = &self.facts.user
            && self
                .facts
                .created_users
                .iter()
                .any(|c| c == u.split(':').next().unwrap_or(u))
        {
            self.needs.insert("sh".into());
            for c in self.facts.user_commands.clone() {
                self.runtime_commands.insert(0, c);
            }
        }
        if let Some(sh) = &self.facts.shell
            && let Some(first) = sh.first()
        {
            let name = shell::basename(first).to_string();
            self.need_program(&name);
        }
        // archives unpacked into folders of the system: what they held is unknown
        for d in self.facts.extracts.clone() {
            if DEFAULT_PATH.contains(&d.as_str()) || SYSTEM_DIRS.contains(&d.as_str()) {
                self.assumptions.push(format!(
                    "the image needs nothing the build unpacks into `{d}` (copy those files too)"
                ));
            } else if self.keeps(&d) {
                self.facts.writes.push(d);
            }
        }
        // files and folders the build placed outside the project
        let mut extra = Vec::new();
        for w in self.facts.writes.clone() {
            if self.keeps(&w) {
                extra.push(w);
            }
        }
        for w in extra {
            self.extra(&w);
        }
    }

    /// The OS packages the build installs that are not build tools.
    fn runtime_package_list(&self) -> impl Iterator<Item = String> + use<> {
        let build = &data::multistage().build_packages;
        self.facts
            .installed()
            .into_iter()
            .filter(move |p| !build.is_match(p.as_str()) && !p.contains('$'))
    }

    /// Is a path the stage writes one the runtime needs (outside the project, not a cache)?
    fn keeps(&self, p: &str) -> bool {
        let under = |dir: &str| p == dir || p.starts_with(&format!("{dir}/"));
        if SCRATCH_PATHS.iter().any(|d| under(d))
            || p == "/"
            || DEFAULT_PATH.contains(&p)
            || SYSTEM_DIRS.contains(&p)
        {
            return false;
        }
        if self.facts.removes.iter().any(|r| under(r)) {
            return false;
        }
        // inside the project or build folders
        let project: Vec<String> = self
            .facts
            .context_dest
            .iter()
            .chain(self.facts.workdir.iter())
            .filter(|d| d.as_str() != "/")
            .cloned()
            .collect();
        if project.iter().any(|d| under(d)) {
            return false;
        }
        if self.artifacts.iter().any(|a| under(&a.src) || p == a.src) {
            return false;
        }
        [
            "/etc",
            "/usr/local/bin",
            "/usr/bin",
            "/usr/local/sbin",
            "/opt",
            "/srv",
            "/var",
            "/home",
            "/data",
            "/app",
        ]
        .iter()
        .any(|d| under(d))
            || p.matches('/').count() == 1
    }

    /// Copy a file or folder the build placed (unless a folder above it is copied already).
    fn extra(&mut self, p: &str) {
        let under = |dir: &str| p == dir || p.starts_with(&format!("{dir}/"));
        if self.artifacts.iter().any(|a| under(&a.src)) {
            return;
        }
        self.artifacts
            .retain(|a| !(a.src.starts_with(&format!("{p}/"))));
        self.artifacts.push(Artifact {
            src: p.to_string(),
            dest: p.to_string(),
            // a folder the build made (for data): the non-root user must still write there
            chown: self.facts.dirs.iter().any(|d| d == p),
        });
    }

    fn need_program(&mut self, name: &str) {
        if name.is_empty() || BASE_UTILS.contains(&name) && name != "sh" {
            if !name.is_empty() {
                self.needs.insert("sh".into());
            }
            return;
        }
        self.needs.insert(name.to_string());
    }

    /// Can the shell-form command be written in exec form (plain words, no shell syntax)?
    fn convertible(&self) -> bool {
        self.entry.shell_form
            && self.entry.entrypoint.is_none() != self.entry.cmd.is_none()
            && self.entry.argvs.len() == 1
            && self.shell_text().is_some_and(|t| {
                !t.contains([
                    '$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '~', '\\', '"', '\'',
                    '#', '{',
                ])
            })
    }

    fn shell_text(&self) -> Option<&'p str> {
        let i = self.entry.entrypoint.or(self.entry.cmd)?;
        let ins = self.sem.instructions[i];
        match ins.command()? {
            Command::Shell(t) => Some(ins.text_of(*t)),
            Command::Exec { .. } => None,
        }
    }

    /// Pick the runtime image: the first whose `provides` covers the needs, preferring images
    /// that assume nothing.
    fn choose(&mut self) -> (&'c RuntimeImage, Captures) {
        let cands = &self.det.candidates;
        let unmet = |r: &RuntimeImage| -> Vec<String> {
            let p = &r.spec.provides;
            let has_pm = p.iter().any(|x| x == "apt" || x == "apk");
            self.needs
                .iter()
                .filter(|n| !p.contains(n) && (CAPABILITIES.contains(&n.as_str()) || !has_pm))
                .cloned()
                .collect()
        };
        for pass in [false, true] {
            for (r, caps) in cands {
                if r.spec.assumes.is_some() == pass && unmet(r).is_empty() {
                    return self.chosen(r, caps.clone());
                }
            }
        }
        let (r, caps) = cands
            .iter()
            .find(|(r, _)| r.spec.assumes.is_none())
            .unwrap_or(&cands[0]);
        let missing = unmet(r);
        if !missing.is_empty() {
            self.assumptions.push(format!(
                "the image runs without {} (the runtime image has none)",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        self.chosen(r, caps.clone())
    }

    /// Programs the runtime lacks become packages to install.
    fn chosen(&mut self, r: &'c RuntimeImage, caps: Captures) -> (&'c RuntimeImage, Captures) {
        let p = &r.spec.provides;
        let installs: Vec<String> = self
            .needs
            .iter()
            .filter(|n| !p.contains(n) && !CAPABILITIES.contains(&n.as_str()))
            .cloned()
            .collect();
        if !installs.is_empty() {
            let had = self.facts.installed();
            let new: Vec<&String> = installs
                .iter()
                .filter(|i| !had.contains(i) && !SAME_NAME_PACKAGES.contains(&i.as_str()))
                .collect();
            if !new.is_empty() {
                self.assumptions.push(format!(
                    "{} come{} from the package of the same name",
                    new.iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if new.len() == 1 { "s" } else { "" }
                ));
            }
            for i in installs {
                if !self.runtime_packages.contains(&i) {
                    self.runtime_packages.push(i);
                }
            }
        }
        if (!self.runtime_packages.is_empty() || !self.runtime_commands.is_empty())
            && !p.iter().any(|x| x == "sh")
        {
            self.assumptions
                .push("the runtime image has a shell for the setup commands".into());
        }
        let pm = if p.iter().any(|x| x == "apk") {
            Some("apk")
        } else if p.iter().any(|x| x == "apt") {
            Some("apt")
        } else {
            None
        };
        if !self.runtime_packages.is_empty() {
            match (pm, self.facts.pm) {
                (Some(a), Some(b)) if a != b => self.assumptions.push(format!(
                    "the {} packages have the same names on the runtime image",
                    b
                )),
                (None, _) => self.assumptions.push(format!(
                    "the runtime image can install {}",
                    self.runtime_packages.join(", ")
                )),
                _ => {}
            }
        }
        self.facts.pm = pm.or(self.facts.pm);
        (r, caps)
    }

    /// Settings the runtime image would break: trusted registries, allowed images.
    fn check_policy(&mut self, image: &str) {
        let Some(r) = crate::semantic::ImageRef::parse(image) else {
            return;
        };
        let s = self.ctx.settings;
        if !s.trusted_registries.is_empty() {
            let reg = r.registry.as_deref().unwrap_or("docker.io");
            if !s
                .trusted_registries
                .iter()
                .any(|p| crate::rules::reproducibility::registry_matches(p, reg))
            {
                self.assumptions.push(format!(
                    "`{reg}` may be used (it is not a trusted registry)"
                ));
            }
        }
        if !s.allowed_images.is_empty() {
            let name = r.full_name();
            let tagged = format!("{name}:{}", r.tag.as_deref().unwrap_or("latest"));
            if !s.allowed_images.iter().any(|p| {
                let p = p.trim();
                let p = p.strip_prefix("docker.io/").unwrap_or(p);
                let p = p.strip_prefix("library/").unwrap_or(p);
                crate::rules::reproducibility::glob(p, &name)
                    || crate::rules::reproducibility::glob(p, &tagged)
            }) {
                self.assumptions.push(format!(
                    "`{image}` may be used (it is not in `[images] allowed`)"
                ));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Text

    /// Instructions that only configure the image: they move to the runtime stage.
    fn moves(&self) -> Vec<usize> {
        let sem = self.sem;
        let body = sem.body(self.stage);
        let last_build = body
            .clone()
            .rfind(|&i| {
                matches!(
                    sem.instructions[i].kind,
                    Kind::Run | Kind::Copy | Kind::Add | Kind::Onbuild
                )
            })
            .unwrap_or(self.stage.from);
        body.filter(|&i| {
            let k = sem.instructions[i].kind;
            matches!(
                k,
                Kind::Cmd
                    | Kind::Entrypoint
                    | Kind::Expose
                    | Kind::Healthcheck
                    | Kind::Label
                    | Kind::Stopsignal
                    | Kind::Volume
                    | Kind::Maintainer
            ) || (i > last_build
                && matches!(
                    k,
                    Kind::Env | Kind::Arg | Kind::User | Kind::Workdir | Kind::Shell
                ))
        })
        .collect()
    }

    /// Where an instruction's block starts: the comment lines right above it.
    fn block_start(&self, ins: &Instruction) -> u32 {
        let items = &self.sem.df.items;
        let Some(pos) = items
            .iter()
            .position(|it| matches!(it, Item::Instruction(x) if x.line_span == ins.line_span))
        else {
            return ins.line_span.start;
        };
        let mut start = ins.line_span.start;
        for it in items[..pos].iter().rev() {
            match it {
                Item::Comment(c) => start = c.line_span.start,
                _ => break,
            }
        }
        start
    }

    fn comment_above_from(&self) -> bool {
        let from = self.stage.from_ins;
        let items = &self.sem.df.items;
        items
            .iter()
            .position(|it| matches!(it, Item::Instruction(x) if x.line_span == from.line_span))
            .and_then(|p| p.checked_sub(1))
            .is_some_and(|p| matches!(items[p], Item::Comment(_)))
    }

    fn builder_name(&self) -> String {
        let taken = |n: &str| self.sem.stages.iter().any(|s| s.is_named(n));
        for n in ["build", "builder", "build-stage"] {
            if !taken(n) {
                return n.to_string();
            }
        }
        (2..)
            .map(|k| format!("build{k}"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    fn builder_text(&mut self, start: u32) -> String {
        let sem = self.sem;
        let style = &sem.style();
        let from = self.stage.from_ins;
        let name = self.builder_name();
        let upper = from.keyword_text().chars().all(|c| !c.is_ascii_lowercase());
        match self.stage.name_token {
            Some(t) => self.edits.push(Edit::replace(t.span, name.clone())),
            None => {
                let at = from.from_args().map_or(from.span.end, |f| f.image.span.end);
                self.edits.push(Edit::insert(
                    at,
                    format!(" {} {name}", if upper { "AS" } else { "as" }),
                ));
            }
        }
        // runtime-only instructions leave the builder, with their comments
        for i in self.moves() {
            let ins = sem.instructions[i];
            self.edits.push(Edit::delete(Span {
                start: self.block_start(ins),
                end: ins.line_span.end,
            }));
        }
        // cache mounts for the package managers
        for i in sem.body(self.stage) {
            let ins = sem.instructions[i];
            if ins.kind != Kind::Run {
                continue;
            }
            if user_at(sem, i).is_some_and(|(u, _)| !is_root(u)) {
                continue;
            }
            let mut targets: Vec<&str> = Vec::new();
            for c in commands_of(sem, i) {
                let Some(p) = c.program() else { continue };
                for m in &self.det.eco.caches {
                    if !m.programs.iter().any(|x| shell::basename(x) == p) {
                        continue;
                    }
                    if m.env.iter().any(|e| self.facts.names.contains(e))
                        || c.command.assignments.iter().any(|a| {
                            m.env
                                .iter()
                                .any(|e| a.as_str().starts_with(&format!("{e}=")))
                        })
                    {
                        continue;
                    }
                    // pip with --no-cache-dir gains nothing from a cache
                    if c.argv()
                        .words
                        .iter()
                        .any(|w| w.as_str() == "--no-cache-dir")
                    {
                        continue;
                    }
                    if !pm_command(self.det.eco, &c) {
                        continue;
                    }
                    for t in &m.targets {
                        if !targets.contains(&t.as_str()) && !has_cache_mount(ins, t) {
                            targets.push(t);
                        }
                    }
                }
            }
            if !targets.is_empty() {
                let text: String = targets
                    .iter()
                    .map(|t| format!(" --mount=type=cache,target={t}"))
                    .collect();
                self.edits.push(Edit::insert(ins.keyword.span.end, text));
            }
        }
        let mut edits: Vec<&Edit> = self.edits.iter().collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let applied = apply_edits(sem.src, &edits);
        let mut text = applied[start as usize..].to_string();
        // one line break at the end
        while text.ends_with(['\n', '\r', ' ', '\t']) {
            text.pop();
        }
        text.push_str(style.newline);
        text
    }

    fn runtime_text(&mut self, runtime: &RuntimeImage, caps: &Captures, image: &str) -> String {
        let sem = self.sem;
        let style = &sem.style();
        let nl = style.newline;
        let kw = |k: Kind| style.keyword(k);
        let builder = self.builder_name();
        let mut out = String::new();
        let from = self.stage.from_ins;
        let upper = from.keyword_text().chars().all(|c| !c.is_ascii_lowercase());
        out.push_str(kw(Kind::From));
        out.push(' ');
        out.push_str(image);
        if let Some(n) = self.stage.name {
            out.push_str(if upper { " AS " } else { " as " });
            out.push_str(n);
        }
        out.push_str(nl);
        if !self.assumptions.is_empty() {
            out.push_str(
                "# dockopt: this runtime stage was generated from the build above; it assumes that",
            );
            out.push_str(nl);
            for a in &self.assumptions {
                out.push_str(&format!("# - {a}{nl}"));
            }
        }
        let moves = self.moves();
        // ARG and ENV of the original, in order (moved ones too), except build settings and
        // ARGs nothing in the runtime stage uses
        let mut env_text = String::new();
        for i in self.runtime_vars(&moves) {
            let ins = sem.instructions[i];
            env_text.push_str(&block(sem, self.block_start(ins), ins));
        }
        for e in &self.runtime_env {
            env_text.push_str(e);
            env_text.push_str(nl);
        }
        out.push_str(&env_text);
        // setup commands
        let run = self.runtime_run(runtime);
        if let Some(r) = run {
            out.push_str(&r);
        }
        if let Some(wd) = &self.facts.workdir
            && wd != "/"
        {
            out.push_str(&format!("{} {wd}{nl}", kw(Kind::Workdir)));
        }
        let user = self.runtime_user(runtime, caps);
        let chown = user.clone();
        for a in &self.artifacts {
            let flags = if a.chown && chown.as_deref().is_some_and(|u| !u.starts_with('$')) {
                format!(" --chown={}", chown.as_deref().unwrap_or(""))
            } else {
                String::new()
            };
            out.push_str(&copy_line(
                kw(Kind::Copy),
                &builder,
                &flags,
                &a.src,
                &a.dest,
                nl,
            ));
        }
        for c in &runtime.spec.copy {
            out.push_str(&copy_line(kw(Kind::Copy), &builder, "", c, c, nl));
        }
        if let Some(sh) = &self.facts.shell {
            let prog = sh.first().map(|s| shell::basename(s)).unwrap_or("");
            if runtime.spec.provides.iter().any(|p| p == prog)
                || self.runtime_packages.iter().any(|p| p == prog)
            {
                let json = sh
                    .iter()
                    .map(|w| json_str(w))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push_str(&format!("{} [{json}]{nl}", kw(Kind::Shell)));
            }
        }
        if let Some(u) = user {
            out.push_str(&format!("{} {u}{nl}", kw(Kind::User)));
        }
        let no_shell = !runtime.spec.provides.iter().any(|p| p == "sh");
        for i in moves {
            let ins = sem.instructions[i];
            if matches!(
                ins.kind,
                Kind::Env | Kind::Arg | Kind::User | Kind::Workdir | Kind::Shell
            ) {
                continue;
            }
            let mut text = block(sem, self.block_start(ins), ins);
            if no_shell
                && matches!(ins.kind, Kind::Cmd | Kind::Entrypoint)
                && self.convertible()
                && let Some(t) = self.shell_text()
            {
                let json = t
                    .split_whitespace()
                    .map(json_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                let comments = &text[..(ins.line_span.start - self.block_start(ins)) as usize];
                text = format!("{comments}{} [{json}]{nl}", style_kw(style, ins));
            }
            out.push_str(&text);
        }
        out
    }

    /// The ARG and ENV instructions the runtime stage keeps: ENVs other than build settings
    /// (`CGO_ENABLED`, `PIP_NO_CACHE_DIR`, …), and whatever a kept instruction refers to.
    fn runtime_vars(&self, moves: &[usize]) -> Vec<usize> {
        let sem = self.sem;
        let vars: Vec<usize> = sem
            .body(self.stage)
            .filter(|&i| matches!(sem.instructions[i].kind, Kind::Env | Kind::Arg))
            .collect();
        let names = |i: usize| -> Vec<&str> {
            let ins = sem.instructions[i];
            ins.key_values()
                .iter()
                .map(|kv| ins.text_of(kv.key))
                .chain(ins.arg_decls().iter().map(|d| ins.text_of(d.name)))
                .collect()
        };
        let mut keep: Vec<bool> = vars
            .iter()
            .map(|&i| {
                sem.instructions[i].kind == Kind::Env && names(i).iter().any(|n| !is_build_env(n))
            })
            .collect();
        let mut texts: Vec<&str> = moves.iter().map(|&i| &*sem.instructions[i].text).collect();
        if let Some(u) = &self.facts.user {
            texts.push(u);
        }
        for c in &self.runtime_commands {
            texts.push(c);
        }
        loop {
            let kept: Vec<&str> = vars
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(&i, _)| &*sem.instructions[i].text)
                .chain(texts.iter().copied())
                .collect();
            let mut changed = false;
            for (n, &i) in vars.iter().enumerate() {
                if !keep[n] && names(i).iter().any(|v| kept.iter().any(|t| refers(t, v))) {
                    keep[n] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        texts.clear();
        vars.into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(i, _)| i)
            .collect()
    }

    /// The runtime user: the original's when it is non-root and exists there, else the
    /// runtime image's non-root user.
    fn runtime_user(&mut self, runtime: &RuntimeImage, caps: &Captures) -> Option<String> {
        let default = runtime
            .spec
            .user
            .as_ref()
            .map(|u| data::expand_captures(u, caps));
        match &self.facts.user {
            Some(u) if !is_root(u) => {
                let name = u.split(':').next().unwrap_or(u);
                let numeric = name.chars().all(|c| c.is_ascii_digit()) || name.starts_with('$');
                let created = self.facts.created_users.iter().any(|c| c == name);
                let image_user = (name == "node" && self.eco() == "node")
                    || (name == "app" && default.as_deref() == Some("$APP_UID"))
                    || (name == "nonroot" && default.as_deref() == Some("65532:65532"));
                if numeric
                    || image_user
                    || (created && runtime.spec.provides.iter().any(|p| p == "sh"))
                {
                    Some(u.clone())
                } else {
                    default
                }
            }
            _ => default,
        }
    }

    /// One RUN with the runtime's packages and setup commands.
    fn runtime_run(&self, runtime: &RuntimeImage) -> Option<String> {
        let style = &self.sem.style();
        let mut cmds: Vec<String> = Vec::new();
        let pkgs = self.runtime_packages.join(" ");
        let pm = if runtime.spec.provides.iter().any(|p| p == "apk") {
            "apk"
        } else {
            "apt"
        };
        if !self.runtime_packages.is_empty() {
            if pm == "apk" {
                cmds.push(format!("apk add --no-cache {pkgs}"));
            } else {
                cmds.push("apt-get update".into());
                cmds.push(format!("apt-get install -y --no-install-recommends {pkgs}"));
                cmds.push("rm -rf /var/lib/apt/lists/*".into());
            }
        }
        for c in &self.runtime_commands {
            let one_line = c
                .replace(&format!("{}\n", style.escape), " ")
                .replace(&format!("{}\r\n", style.escape), " ");
            let one_line = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
            cmds.push(one_line.clone());
            if one_line.starts_with("npm ")
                && (one_line.contains(" -g") || one_line.contains("--global"))
            {
                cmds.push("npm cache clean --force".into());
            }
        }
        if cmds.is_empty() {
            return None;
        }
        let joined = cmds.join(&format!("{}&& ", style.continuation()));
        Some(format!(
            "{} {joined}{}",
            style.keyword(Kind::Run),
            style.newline
        ))
    }
}

impl Facts {
    /// Packages installed and not removed again.
    fn installed(&self) -> Vec<String> {
        self.packages
            .iter()
            .filter_map(|p| match p.split_once('\u{0}') {
                Some((virt, name)) => (!self.removed.contains(virt)).then(|| name.to_string()),
                None => (!self.removed.contains(p)).then(|| p.clone()),
            })
            .collect()
    }
}

/// Is a command one the ecosystem's cache mount helps (a package manager or the build tool)?
fn pm_command(eco: &data::BuildEcosystem, c: &Cmd<'_, '_>) -> bool {
    let words: Vec<&str> = c.argv().words.iter().map(|w| w.as_str()).collect();
    if words.is_empty() {
        return false;
    }
    match eco.name.as_str() {
        "python" => {
            let w = &words;
            matches!(shell::basename(w[0]), "pip" | "pip3")
                || (w.len() > 2 && w[1] == "-m" && w[2].starts_with("pip"))
        }
        "node" => {
            words
                .get(1)
                .is_some_and(|s| matches!(*s, "ci" | "install" | "i" | "add"))
                || (words.len() == 1 && shell::basename(words[0]) == "yarn")
        }
        _ => true,
    }
}

/// The keyword of an instruction as written.
fn style_kw(_style: &crate::style::FileStyle, ins: &Instruction) -> String {
    ins.keyword_text().to_string()
}

/// Variables that only steer the build (toolchain and package-manager settings).
fn is_build_env(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "CGO_ENABLED",
        "GOOS",
        "GOARCH",
        "GOARM",
        "GOAMD64",
        "GOFLAGS",
        "GOPROXY",
        "GOPRIVATE",
        "GONOPROXY",
        "GONOSUMDB",
        "GOSUMDB",
        "GO111MODULE",
        "GOCACHE",
        "GOMODCACHE",
        "GOTOOLCHAIN",
        "CARGO_TARGET_DIR",
        "CARGO_INCREMENTAL",
        "CARGO_NET_GIT_FETCH_WITH_CLI",
        "CARGO_REGISTRIES_CRATES_IO_PROTOCOL",
        "RUSTFLAGS",
        "PIP_NO_CACHE_DIR",
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "PIP_DEFAULT_TIMEOUT",
        "PIP_ONLY_BINARY",
        "PIP_ROOT_USER_ACTION",
        "MAVEN_OPTS",
        "MAVEN_CONFIG",
        "GRADLE_OPTS",
        "GRADLE_USER_HOME",
        "DOTNET_CLI_TELEMETRY_OPTOUT",
        "DOTNET_SKIP_FIRST_TIME_EXPERIENCE",
        "DOTNET_NOLOGO",
        "DEBIAN_FRONTEND",
        "CC",
        "CXX",
        "CFLAGS",
        "CXXFLAGS",
        "LDFLAGS",
        "PKG_CONFIG_PATH",
    ];
    const PREFIX: &[&str] = &[
        "POETRY_",
        "PIPENV_",
        "UV_",
        "NUGET_",
        "NPM_CONFIG_",
        "npm_config_",
        "YARN_",
    ];
    EXACT.contains(&name) || PREFIX.iter().any(|p| name.starts_with(p))
}

/// Does a text refer to variable `name` (`$name`, `${name}`, `${name:-…}`)?
fn refers(text: &str, name: &str) -> bool {
    text.match_indices('$').any(|(i, _)| {
        let rest = &text[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|after| {
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

fn is_root(u: &str) -> bool {
    let name = u.trim().split(':').next().unwrap_or("");
    name == "root" || name == "0"
}

/// The text of an instruction with its comments, ending in a line break.
fn block(sem: &Semantic<'_>, start: u32, ins: &Instruction) -> String {
    let mut t = sem.src[start as usize..ins.line_span.end as usize].to_string();
    if !t.ends_with('\n') {
        t.push_str(sem.style().newline);
    }
    t
}

fn venv_env(style: &crate::style::FileStyle, venv: &str) -> String {
    format!(
        "{} VIRTUAL_ENV={venv} PATH=\"{venv}/bin:$PATH\"",
        style.keyword(Kind::Env)
    )
}

fn copy_line(kw: &str, from: &str, flags: &str, src: &str, dest: &str, nl: &str) -> String {
    if src.contains(char::is_whitespace) || dest.contains(char::is_whitespace) {
        format!(
            "{kw} --from={from}{flags} [{}, {}]{nl}",
            json_str(src),
            json_str(dest)
        )
    } else {
        format!("{kw} --from={from}{flags} {src} {dest}{nl}")
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// `base` joined with `p` (absolute `p` wins), `.` and `..` resolved, no trailing slash.
pub fn join(base: &str, p: &str) -> String {
    let mut parts: Vec<&str> = if p.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => "",
    }
}

fn is_bin_dir(p: &str) -> bool {
    DEFAULT_PATH.contains(&p) || p.ends_with("/bin")
}

/// Does a path match a pattern whose `*` matches one path component?
fn path_glob(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = path.split('/').collect();
    p.len() == t.len()
        && p.iter()
            .zip(&t)
            .all(|(a, b)| crate::rules::reproducibility::glob(a, b))
}

/// When `path` is an output (or inside one), the output as the runtime copies it: the matched
/// path itself for files, the glob for a path with wildcards.
fn output_match(output: &str, path: &str) -> Option<String> {
    if path.contains('*') {
        // `java -jar target/*.jar`: the same glob as an output
        return (path_glob(output, path) || output == path).then(|| path.to_string());
    }
    if path_glob(output, path) {
        return Some(path.to_string());
    }
    output_dir_of(output, path)
}

/// The output folder that holds `path` (an output pattern matching a prefix of it).
fn output_dir_of(output: &str, path: &str) -> Option<String> {
    let n = output.split('/').count();
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < n {
        return None;
    }
    let prefix = parts[..n].join("/");
    path_glob(output, &prefix).then_some(prefix)
}

/// Is this image one whose stages DO230 flags for installs alone (a `full` SDK image)? A
/// runtime stage on it would be flagged again.
fn runtime_is_builder(ctx: &Context<'_>, image: &str, _eco: &str) -> bool {
    super::runtimes(ctx)
        .find(|r| r.pattern.captures(image).is_some())
        .is_some_and(|r| r.spec.image.is_some() && r.spec.full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("/app", "./bin/../out"), "/app/out");
        assert_eq!(join("/app", "/x/"), "/x");
        assert_eq!(join("/", "."), "/");
        assert!(path_glob("/app/target/*.jar", "/app/target/demo-1.0.jar"));
        assert!(!path_glob("/app/target/*.jar", "/app/target/x/demo.jar"));
        assert_eq!(
            output_dir_of(
                "/src/bin/*/*/publish",
                "/src/bin/Release/net8.0/publish/App.dll"
            )
            .as_deref(),
            Some("/src/bin/Release/net8.0/publish")
        );
        assert_eq!(parent("/app"), "/");
    }
}
