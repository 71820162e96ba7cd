use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_of};
use crate::rules::paths::{
    Written, cd_change, copy_writes, resolve, shell_path, shipped_instructions, small_copied_files,
    small_text_file, workdirs,
};
use crate::semantic::Semantic;
use crate::shell::Word;
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that deletes what an earlier instruction of the image added: `rm` of a
    /// path an earlier `COPY`/`ADD` wrote or an earlier `RUN` downloaded, cloned or unpacked
    /// (`curl -o`, `wget`, `git clone`, `tar -x -C`, `unzip -d`), and `apt-get purge`,
    /// `apk del`, `dnf remove`, `pip uninstall`, `npm uninstall -g` of packages an earlier
    /// `RUN` installed. Only the stages that end up in the final image are checked (the final
    /// stage and the stages it is built `FROM`); a builder stage's layers do not ship.
    ///
    /// ## Why is this bad?
    /// An image is a stack of layers, each a tar archive of the files that instruction changed.
    /// Deleting a file in a later layer does not shrink the earlier one: the later layer only
    /// adds a "whiteout" entry (an empty `.wh.<name>` file) that hides it. A 150 MB installer
    /// copied in one instruction and removed in the next still costs 150 MB to push, pull and
    /// store, plus the whiteout; likewise `build-essential` installed in one `RUN` (about
    /// 260 MB on Debian bookworm, counted as `build-tools-in-final-stage` explains) and purged
    /// in a later one saves nothing.
    ///
    /// The bytes only stay out of the image when they are deleted in the same `RUN` that
    /// created them, or never land in a layer: `RUN --mount=type=bind,source=pkg.deb,target=/tmp/pkg.deb`
    /// reads a file from the build context without copying it, and a builder stage keeps
    /// build-only files out of the final image.
    ///
    /// Paths are compared after resolving `WORKDIR` and `cd`; a path written with a variable,
    /// or a folder the earlier instruction only partly filled (`COPY . /app` then
    /// `rm -rf /app/tests`), is not flagged. A copied tar archive that is unpacked and deleted
    /// is left to `copied-archive-extracted`, which suggests `ADD`. Nor are scripts and
    /// configuration files (`.sh`, `.py`, `.txt`, `.env`, `.yml`, `.json`, …) copied in to run
    /// once and deleted: they weigh a few kilobytes, and a rule that fired on each of them
    /// would bury the installers and archives that cost megabytes. An `rm` of package caches,
    /// logs and docs (`/var/lib/apt/lists`, `/var/cache`, `/var/log`, `/usr/share/doc`, …) is
    /// the other rules' business (`apt-lists-not-removed`, …) and is not examined here.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// COPY vendor-agent.deb /tmp/
    /// RUN dpkg -i /tmp/vendor-agent.deb && rm /tmp/vendor-agent.deb
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:bookworm-slim
    /// RUN --mount=type=bind,source=vendor-agent.deb,target=/tmp/vendor-agent.deb \
    ///     dpkg -i /tmp/vendor-agent.deb
    /// ```
    pub DeletedInLaterLayer {
        code: "DO220",
        name: "deleted-in-later-layer",
        category: Size,
        severity: Info,
        fix: None,
        scope: FinalStage,
        aliases: [],
    }
}

/// Package managers whose installs a later removal can undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manager {
    Apt,
    Apk,
    Rpm,
    Pip,
    NpmGlobal,
}

/// Something an instruction put into the image.
enum Thing {
    Path(Written),
    Package(Manager, String),
}

struct Made {
    ins: usize,
    /// Where to point: the instruction, or the command of a RUN.
    span: Span,
    thing: Thing,
    /// A copied tar archive (left to copied-archive-extracted when unpacked).
    copied_archive: bool,
    /// A single script or configuration file: not worth a finding.
    small: bool,
    /// Not removed or replaced since.
    alive: bool,
}

fn is_tar_name(name: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
        ".tzst",
    ]
    .iter()
    .any(|e| name.ends_with(e))
}

fn manager_of(c: &Cmd<'_, '_>) -> Option<Manager> {
    let p = c.program()?;
    Some(match p {
        "apt-get" | "apt" | "aptitude" => Manager::Apt,
        "apk" => Manager::Apk,
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" => Manager::Rpm,
        "pip" | "pip3" | "pip2" => Manager::Pip,
        _ if p.starts_with("pip3.") => Manager::Pip,
        _ if p.starts_with("python")
            && c.argv().args().first().is_some_and(|w| w.value == "-m")
            && c.argv()
                .args()
                .get(1)
                .is_some_and(|w| w.value == "pip" || w.value == "pip3") =>
        {
            Manager::Pip
        }
        "npm" => Manager::NpmGlobal,
        _ => return None,
    })
}

/// Caches and package metadata that cleanup commands delete (`rm -rf /var/lib/apt/lists/*`):
/// nothing a `COPY` or a download of the file puts there, so an `rm` of only these is skipped.
const CLEANUP: &[&str] = &[
    "/var/lib/apt/lists",
    "/var/cache/",
    "/var/log/",
    "/var/lib/dpkg/",
    "/var/lib/yum",
    "/var/lib/dnf",
    "/usr/share/doc",
    "/usr/share/man",
    "/usr/share/info",
    "/usr/share/locale",
    "/root/.cache",
    "/root/.npm",
    "~/.cache",
    "/etc/apt/",
];

/// Does the command remove packages? (Cheaper than [`packages`]: no names collected.)
fn uninstalls(c: &Cmd<'_, '_>) -> bool {
    let Some(m) = manager_of(c) else {
        return false;
    };
    let argv = c.argv();
    let words = if argv.name().is_some_and(|p| p.starts_with("python")) {
        match argv.words.get(2..) {
            Some(w) => w,
            None => return false,
        }
    } else {
        argv.words
    };
    let view = crate::shell::Argv::new(words);
    let Some(sub) = view.positional_skipping(value_flags(m)).next() else {
        return false;
    };
    match m {
        Manager::Apt => matches!(&*sub.value, "purge" | "remove"),
        Manager::Apk => sub.value == "del",
        Manager::Rpm => matches!(&*sub.value, "remove" | "erase"),
        Manager::Pip => sub.value == "uninstall",
        Manager::NpmGlobal => {
            view.has_flag(Some('g'), Some("global"))
                && matches!(&*sub.value, "uninstall" | "remove" | "rm" | "un" | "r")
        }
    }
}

/// Every program the rule looks at: `rm`, the package managers, and the commands that
/// download, clone, unpack or change folder.
const PROGRAMS: &[&str] = &[
    "rm", "apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "dnf5", "pip",
    "pip3", "pip2", "python", "python3", "npm", "curl", "wget", "git", "tar", "unzip", "cd",
    "pushd",
];

/// Options of each manager that take a value (so the value is not a package name).
fn value_flags(m: Manager) -> &'static [&'static str] {
    match m {
        Manager::Apt => &[
            "-o",
            "--option",
            "-t",
            "--target-release",
            "-c",
            "--config-file",
        ],
        Manager::Apk => &[
            "-t",
            "--virtual",
            "-X",
            "--repository",
            "--repositories-file",
            "-p",
            "--root",
            "--arch",
            "--keys-dir",
            "--cache-dir",
        ],
        Manager::Rpm => &[
            "-c",
            "--config",
            "--setopt",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "--releasever",
            "--installroot",
            "-x",
            "--exclude",
        ],
        Manager::Pip => &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "--trusted-host",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--src",
            "--log",
            "--cache-dir",
            "--upgrade-strategy",
            "--progress-bar",
            "--proxy",
        ],
        Manager::NpmGlobal => &["--prefix", "--registry", "--cache", "-w", "--workspace"],
    }
}

/// The package name of an install/remove argument (version, arch and extras removed), or None
/// when it is not a plain name (a file, a URL, a variable).
fn package_name(m: Manager, w: &Word<'_>) -> Option<String> {
    let v: &str = &w.value;
    if v.is_empty()
        || v.contains(['$', '`', '/', '*', '?'])
        || (v.starts_with('.') && m != Manager::Apk)
        || v.ends_with(".deb")
        || v.ends_with(".rpm")
        || v.ends_with(".whl")
        || v.ends_with(".apk")
    {
        return None;
    }
    let name = match m {
        Manager::Apt => v.split(['=', ':']).next()?,
        Manager::Apk => v.split(['=', '<', '>', '~', '@']).next()?,
        Manager::Rpm => v,
        Manager::Pip => v
            .split(['[', '=', '<', '>', '!', '~', ';', '@', ' '])
            .next()?
            .trim(),
        Manager::NpmGlobal => match v.strip_prefix('@') {
            Some(scoped) => {
                let end = scoped.find('@').map_or(v.len(), |i| i + 1);
                &v[..end]
            }
            None => v.split('@').next()?,
        },
    };
    if name.is_empty() {
        return None;
    }
    Some(match m {
        Manager::Pip => name.to_ascii_lowercase().replace('_', "-"),
        _ => name.to_string(),
    })
}

/// The packages a command installs (with `true`) or removes (with `false`), by manager.
fn packages(c: &Cmd<'_, '_>) -> Option<(Manager, bool, Vec<String>)> {
    let m = manager_of(c)?;
    let argv = c.argv();
    // `python -m pip …`: skip `-m pip`
    let words = if argv.name().is_some_and(|p| p.starts_with("python")) {
        argv.words.get(2..)?
    } else {
        argv.words
    };
    let view = crate::shell::Argv::new(words);
    if m == Manager::NpmGlobal && !view.has_flag(Some('g'), Some("global")) {
        return None;
    }
    let mut pos = view.positional_skipping(value_flags(m));
    let sub = pos.next()?.value.as_ref();
    let install = match (m, sub) {
        (Manager::Apt, "install") | (Manager::Apk, "add") | (Manager::Rpm, "install") => true,
        (Manager::Pip, "install") | (Manager::NpmGlobal, "install" | "i" | "add") => true,
        (Manager::Apt, "purge" | "remove") | (Manager::Apk, "del") => false,
        (Manager::Rpm, "remove" | "erase") | (Manager::Pip, "uninstall") => false,
        (Manager::NpmGlobal, "uninstall" | "remove" | "rm" | "un" | "r") => false,
        _ => return None,
    };
    let mut names: Vec<String> = pos.filter_map(|w| package_name(m, w)).collect();
    if m == Manager::Apk {
        // `apk add --virtual .build-deps …` installs a virtual package of that name
        if let Some(v) = view.flag_value(Some('t'), Some("virtual")) {
            names.push(v.value.to_string());
        }
    }
    Some((m, install, names))
}

/// Paths a RUN command writes as a whole: download targets, clones, unpack folders.
fn run_writes(sem: &Semantic<'_>, i: usize, c: &Cmd<'_, '_>, cwd: Option<&str>) -> Vec<Written> {
    let path = |w: &Word<'_>| shell_path(sem, i, w);
    let argv = c.argv();
    let mut out = Vec::new();
    let url_base = |u: &str| -> Option<String> {
        let path = u.split(['?', '#']).next()?;
        let b = path.trim_end_matches('/').rsplit('/').next()?;
        (!b.is_empty() && !b.contains(':')).then(|| b.to_string())
    };
    let mut push = |p: Option<String>, exact: bool| {
        if let Some(p) = p
            && !p.starts_with("/dev/")
        {
            out.push(if exact {
                Written::Exactly(p)
            } else {
                Written::Into(p)
            });
        }
    };
    match c.program() {
        Some("curl") => {
            if let Some(o) = argv.flag_value(Some('o'), Some("output"))
                && let Some(p) = path(&o)
                && p != "-"
            {
                push(resolve(cwd, &p), true);
            } else if argv.has_flag(Some('O'), Some("remote-name")) {
                for w in argv.positional_skipping(CURL_VALUES) {
                    if w.value.contains("://") {
                        push(url_base(&w.value).and_then(|b| resolve(cwd, &b)), true);
                    }
                }
            }
        }
        Some("wget") => {
            if let Some(o) = argv.flag_value(Some('O'), Some("output-document")) {
                if let Some(p) = path(&o)
                    && p != "-"
                {
                    push(resolve(cwd, &p), true);
                }
            } else {
                let dir = argv
                    .flag_value(Some('P'), Some("directory-prefix"))
                    .and_then(|d| path(&d).and_then(|d| resolve(cwd, &d)));
                let dir = dir.or_else(|| cwd.map(str::to_string));
                for w in argv.positional_skipping(WGET_VALUES) {
                    if w.value.contains("://")
                        && let Some(b) = url_base(&w.value)
                    {
                        push(resolve(dir.as_deref(), &b), true);
                    }
                }
            }
        }
        Some("git") if argv.subcommand() == Some("clone") => {
            let pos: Vec<&Word<'_>> = argv
                .positional_skipping(&["-b", "--branch", "--depth", "-o", "--origin", "-c"])
                .skip(1)
                .collect();
            match pos.as_slice() {
                [url] => {
                    let b = url_base(&url.value).map(|b| b.trim_end_matches(".git").to_string());
                    push(b.and_then(|b| resolve(cwd, &b)), true);
                }
                [_, dir] => {
                    push(path(dir).and_then(|d| resolve(cwd, &d)), true);
                }
                _ => {}
            }
        }
        Some("tar") if tar_extracts(c) => {
            if let Some(d) = argv.flag_value(Some('C'), Some("directory"))
                && let Some(p) = path(&d)
            {
                push(resolve(cwd, &p), false);
            }
        }
        Some("unzip") => {
            if let Some(d) = argv.flag_value(Some('d'), None)
                && let Some(p) = path(&d)
            {
                push(resolve(cwd, &p), false);
            }
        }
        _ => {}
    }
    out
}

/// `tar -x…`, `tar --extract`, or old-style `tar xzf`.
fn tar_extracts(c: &Cmd<'_, '_>) -> bool {
    let argv = c.argv();
    argv.has_flag(Some('x'), Some("extract"))
        || argv.args().first().is_some_and(|w| {
            !w.value.starts_with('-')
                && w.value.contains('x')
                && w.value.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

const CURL_VALUES: &[&str] = &[
    "-o",
    "--output",
    "-H",
    "--header",
    "-u",
    "--user",
    "-d",
    "--data",
    "-X",
    "--request",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-m",
    "--max-time",
    "--retry",
    "-w",
    "--write-out",
    "-x",
    "--proxy",
    "-T",
    "--upload-file",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "--connect-timeout",
    "--retry-delay",
    "--retry-max-time",
    "-F",
    "--form",
    "--cacert",
    "--cert",
    "--key",
    "-r",
    "--range",
    "-z",
    "--time-cond",
    "--output-dir",
];

const WGET_VALUES: &[&str] = &[
    "-O",
    "--output-document",
    "-P",
    "--directory-prefix",
    "-o",
    "--output-file",
    "-a",
    "--append-output",
    "-t",
    "--tries",
    "-T",
    "--timeout",
    "-U",
    "--user-agent",
    "--header",
    "-e",
    "--execute",
    "--progress",
    "--user",
    "--password",
];

/// Does RUN `i` unpack a tar archive whose name ends like `base`?
fn unpacks(sem: &Semantic<'_>, i: usize, base: &str) -> bool {
    crate::rules::common::commands_of(sem, i).any(|c| {
        c.program() == Some("tar") && c.argv().args().iter().any(|w| w.value.ends_with(base))
    })
}

impl Rule for DeletedInLaterLayer {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // one look at the program index: the commands that can create, install or remove
        // something (the RUNs without one are skipped), where the last `rm` of more than
        // caches is, and what the package removals remove; nothing after the last removal
        // matters
        let mut busy: Vec<usize> = Vec::new();
        let mut last_rm = None;
        let mut last_uninstall = None;
        let mut removed: Vec<(Manager, String)> = Vec::new();
        for (i, s, c) in sem.commands_running(PROGRAMS) {
            busy.push(i);
            let argv = c.unwrapped();
            match argv.name() {
                Some("rm") => {
                    if argv
                        .positional()
                        .any(|w| !CLEANUP.iter().any(|p| w.value.starts_with(p)))
                    {
                        last_rm = last_rm.max(Some(i));
                    }
                }
                Some("curl" | "wget" | "git" | "tar" | "unzip" | "cd" | "pushd") => {}
                _ => {
                    let c = Cmd {
                        index: i,
                        script: s,
                        command: c,
                    };
                    if uninstalls(&c)
                        && let Some((m, false, names)) = packages(&c)
                    {
                        last_uninstall = last_uninstall.max(Some(i));
                        removed.extend(names.into_iter().map(|n| (m, n)));
                    }
                }
            }
        }
        let Some(last) = last_rm.max(last_uninstall) else {
            return;
        };
        busy.sort_unstable();
        let wd = workdirs(sem);
        let mut made: Vec<Made> = Vec::new();
        for i in shipped_instructions(sem) {
            if i > last {
                break;
            }
            let ins = sem.instructions[i];
            match ins.kind {
                Kind::Run if busy.binary_search(&i).is_err() => {}
                // copied files only matter to a later `rm`
                Kind::Copy | Kind::Add if last_rm.is_none_or(|r| r < i) => {}
                Kind::Copy | Kind::Add => {
                    let archive_source = ins.kind == Kind::Copy
                        && ins.flag("from").is_none()
                        && ins
                            .sources_and_dest()
                            .0
                            .iter()
                            .any(|w| is_tar_name(ins.word_text(w)));
                    let writes = copy_writes(sem, i, wd.at(i));
                    let small = small_copied_files(sem, i, &writes);
                    for (w, small) in writes.into_iter().zip(small) {
                        for m in made.iter_mut() {
                            if matches!(&m.thing, Thing::Path(p) if p.path() == w.path()) {
                                m.alive = false;
                            }
                        }
                        made.push(Made {
                            ins: i,
                            span: ins.span,
                            copied_archive: archive_source,
                            small,
                            alive: true,
                            thing: Thing::Path(w),
                        });
                    }
                }
                Kind::Run => {
                    // commands in order: a removal undoes what is still there (reported when
                    // an earlier instruction made it), a creation adds to it
                    // the folder a `cd` moved to (None: still the WORKDIR)
                    let mut moved: Option<Option<String>> = None;
                    for c in commands_of(sem, i) {
                        let cwd = match &moved {
                            Some(d) => d.as_deref(),
                            None => wd.at(i),
                        };
                        if let Some(next) = cd_change(sem, i, &c, cwd) {
                            moved = Some(next);
                            continue;
                        }
                        let hits = removal_hits(sem, i, &c, cwd, &made);
                        let earlier: Vec<usize> =
                            hits.iter().copied().filter(|&k| made[k].ins != i).collect();
                        if !earlier.is_empty() {
                            report(ctx, &c, &made, &earlier);
                        }
                        for k in hits {
                            made[k].alive = false;
                        }
                        let span = || c.span(sem, c.command.span);
                        for w in run_writes(sem, i, &c, cwd) {
                            // a path written again replaces what was there
                            for m in made.iter_mut() {
                                if matches!(&m.thing, Thing::Path(p) if p.path() == w.path()) {
                                    m.alive = false;
                                }
                            }
                            made.push(Made {
                                ins: i,
                                span: span(),
                                copied_archive: false,
                                small: matches!(&w, Written::Exactly(p) if small_text_file(p)),
                                alive: true,
                                thing: Thing::Path(w),
                            });
                        }
                        if last_uninstall.is_none_or(|u| u < i) {
                            continue;
                        }
                        if let Some((m, true, names)) = packages(&c) {
                            // only what a removal names can be reported
                            for n in names
                                .into_iter()
                                .filter(|n| removed.iter().any(|(rm, rn)| *rm == m && rn == n))
                            {
                                // installing what is installed changes nothing
                                let present = made.iter().any(|x| {
                                    x.alive && matches!(&x.thing, Thing::Package(pm, pn) if *pm == m && *pn == n)
                                });
                                if !present {
                                    made.push(Made {
                                        ins: i,
                                        span: span(),
                                        copied_archive: false,
                                        small: false,
                                        alive: true,
                                        thing: Thing::Package(m, n),
                                    });
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Indexes (into `made`) of what command `c` of RUN `i` removes.
fn removal_hits(
    sem: &Semantic<'_>,
    i: usize,
    c: &Cmd<'_, '_>,
    cwd: Option<&str>,
    made: &[Made],
) -> Vec<usize> {
    let mut hits = Vec::new();
    if made.is_empty() {
        return hits;
    }
    if c.program() == Some("rm") {
        for w in c.argv().positional() {
            if CLEANUP.iter().any(|p| w.value.starts_with(p)) {
                continue;
            }
            let Some(p) = shell_path(sem, i, w).and_then(|p| resolve(cwd, &p)) else {
                continue;
            };
            if p == "/" {
                continue;
            }
            for (k, m) in made.iter().enumerate() {
                let Thing::Path(written) = &m.thing else {
                    continue;
                };
                if !m.alive {
                    continue;
                }
                if !written.hit_by(&p) {
                    continue;
                }
                if m.small {
                    continue;
                }
                if m.copied_archive {
                    let base = written.path().rsplit('/').next().unwrap_or("");
                    if is_tar_name(base) && unpacks(sem, i, base) {
                        continue;
                    }
                }
                hits.push(k);
            }
        }
    } else if let Some((mgr, false, names)) = packages(c) {
        for (k, m) in made.iter().enumerate() {
            if let Thing::Package(pm, n) = &m.thing
                && m.alive
                && *pm == mgr
                && names.iter().any(|x| x == n)
            {
                hits.push(k);
            }
        }
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}

fn report(ctx: &mut Context<'_>, c: &Cmd<'_, '_>, made: &[Made], hits: &[usize]) {
    let sem = ctx.semantic;
    let span = c.span(sem, c.command.span);
    let packages = hits
        .iter()
        .any(|&k| matches!(made[k].thing, Thing::Package(..)));
    let (message, label) = if packages {
        let names: Vec<&str> = hits
            .iter()
            .filter_map(|&k| match &made[k].thing {
                Thing::Package(_, n) => Some(n.as_str()),
                Thing::Path(_) => None,
            })
            .collect();
        let mut names = names;
        let mut seen = Vec::new();
        names.retain(|n| {
            let new = !seen.contains(n);
            seen.push(*n);
            new
        });
        (
            format!(
                "removes {} installed by an earlier layer: the image still carries {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if names.len() == 1 { "it" } else { "them" }
            ),
            "installed here",
        )
    } else {
        let mut paths: Vec<String> = Vec::new();
        for &k in hits {
            if let Thing::Path(w) = &made[k].thing {
                let p = w.path();
                let p = p
                    .strip_prefix(crate::rules::paths::BASE_WD)
                    .map_or(p, |r| r.trim_start_matches('/'));
                let p = format!("`{p}`");
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
        let more = paths.len().saturating_sub(3);
        paths.truncate(3);
        let mut list = paths.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        (
            format!(
                "deletes {list}, added by an earlier instruction: the image still carries the bytes"
            ),
            "added here",
        )
    };
    let mut labeled: Vec<usize> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for &k in hits {
        if labeled.contains(&made[k].ins) {
            continue;
        }
        labeled.push(made[k].ins);
        spans.push(made[k].span);
    }
    let help = if packages {
        "install and remove them in the same RUN, or install them in a builder stage"
    } else {
        "delete them in the RUN that creates them, or keep them out of the image: \
         `RUN --mount=type=bind` for files from the build context, a builder stage for build files"
    };
    let d = ctx.report(span, message);
    d.help(help);
    for s in spans {
        d.label(s, label);
    }
}
