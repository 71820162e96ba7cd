//! Paths inside the image, as far as the file tells: the working directory at each
//! instruction (`WORKDIR`, and `cd` inside a `RUN`), where `COPY`/`ADD` put files, and glob-aware
//! comparisons between paths. Used by the rules that reason about what a layer contains.
//!
//! A path is an absolute, normalised string (`/app/src`). Before any `WORKDIR`, relative paths
//! resolve against the base image's working directory, which the file does not show: they get
//! the symbolic root [`BASE_WD`] (`<wd>/requirements.txt`), which compares equal to itself and
//! to nothing else.

use std::rc::Rc;

use crate::rules::common::{Cmd, commands_of, shipped_stages};
use crate::rules::values;
use crate::semantic::Semantic;
use crate::shell::Word;
use crate::syntax::{Instruction, Kind};

/// The symbolic root of the base image's working directory.
pub const BASE_WD: &str = "<wd>";

/// Normalise an absolute (or [`BASE_WD`]-rooted) path: no `.`, `..`, empty components or
/// trailing slash.
pub fn normalize(path: &str) -> String {
    let (root, rest) = match path.strip_prefix(BASE_WD) {
        Some(r) => (BASE_WD, r),
        None => ("", path),
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in rest.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    if parts.is_empty() {
        return if root.is_empty() {
            "/".to_string()
        } else {
            root.to_string()
        };
    }
    let mut out = String::with_capacity(path.len());
    out.push_str(root);
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// `p` resolved against the working directory `cwd` (None: unknown, so relative paths do not
/// resolve).
pub fn resolve(cwd: Option<&str>, p: &str) -> Option<String> {
    if p.starts_with('/') {
        Some(normalize(p))
    } else {
        Some(normalize(&format!("{}/{p}", cwd?)))
    }
}

/// The components of a normalised path (the root `/` or [`BASE_WD`] first).
fn components(p: &str) -> impl Iterator<Item = &str> {
    let (root, rest) = match p.strip_prefix(BASE_WD) {
        Some(r) => (BASE_WD, r),
        None => ("/", p),
    };
    std::iter::once(root).chain(rest.split('/').filter(|c| !c.is_empty()))
}

/// Does a shell glob (`*`, `?`, `[…]`) match `name` (one path component)? A leading `.` must
/// be matched explicitly, as in the shell.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?', '[']) {
        return pattern == name;
    }
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    glob_bytes(pattern.as_bytes(), name.as_bytes())
}

fn glob_bytes(p: &[u8], n: &[u8]) -> bool {
    // iterative matcher with one backtracking point for `*`
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, len)) = class(&p[pi..], n[ni])
                        && ok
                    {
                        pi += len;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A `[…]` class at the start of `p`: whether it matches `c`, and its length.
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let end = p.iter().skip(2).position(|&b| b == b']')? + 2;
    let body = &p[1..end];
    let (neg, body) = match body.first() {
        Some(b'!' | b'^') => (true, &body[1..]),
        _ => (false, body),
    };
    let mut hit = false;
    let mut i = 0;
    while i < body.len() {
        if i + 2 < body.len() && body[i + 1] == b'-' {
            hit |= body[i] <= c && c <= body[i + 2];
            i += 3;
        } else {
            hit |= body[i] == c;
            i += 1;
        }
    }
    Some((hit != neg, end + 1))
}

/// Is `path` equal to `pattern` or below it? `pattern` may hold globs (`/tmp/*.deb`).
pub fn covers(pattern: &str, path: &str) -> bool {
    let mut p = components(path);
    for pc in components(pattern) {
        match p.next() {
            Some(c) if glob_match(pc, c) => {}
            _ => return false,
        }
    }
    true
}

/// A script or configuration file by its extension (`*.sh` for a glob): a few kilobytes, not
/// worth a size finding (deleted in a later layer, or rewritten by `chown -R`).
pub fn small_text_file(path: &str) -> bool {
    const EXT: &[&str] = &[
        "sh",
        "bash",
        "zsh",
        "ps1",
        "py",
        "pl",
        "rb",
        "js",
        "mjs",
        "php",
        "lua",
        "tcl",
        "txt",
        "md",
        "env",
        "yml",
        "yaml",
        "json",
        "conf",
        "cfg",
        "ini",
        "toml",
        "xml",
        "properties",
        "list",
        "repo",
        "pem",
        "crt",
        "key",
        "asc",
        "gpg",
        "patch",
        "diff",
        "sql",
        "awk",
        "sed",
        "default",
        "template",
        "tmpl",
        "tpl",
        "j2",
        "service",
        "lisp",
    ];
    let base = path.rsplit('/').next().unwrap_or(path);
    let base = base.trim_end_matches('*');
    base.rsplit_once('.')
        .is_some_and(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// For each source of COPY/ADD `i` (aligned with what [`copy_writes`] returns): is it a single
/// script or configuration file ([`small_text_file`] by its source or destination name)?
pub fn small_copied_files(sem: &Semantic<'_>, i: usize, writes: &[Written]) -> Vec<bool> {
    let ins = sem.instructions[i];
    let (sources, _) = ins.sources_and_dest();
    writes
        .iter()
        .enumerate()
        .map(|(k, w)| {
            matches!(w, Written::Exactly(p) if small_text_file(p))
                || (matches!(w, Written::Exactly(_))
                    && sources.len() == writes.len()
                    && small_text_file(ins.word_text(&sources[k])))
        })
        .collect()
}

/// A path written in a shell word that can be taken as is: no expansion (`$`, backticks, `~`,
/// braces) but possibly globs.
pub fn plain_shell_path<'w>(w: &'w Word<'_>) -> Option<&'w str> {
    let v: &str = &w.value;
    if v.is_empty() || v.contains(['$', '`', '{']) || v.starts_with('~') {
        return None;
    }
    Some(v)
}

/// The path a shell word of RUN `i` names: as written, or with `$VAR`/`${VAR}` expanded from
/// the `ARG`/`ENV` values the file shows, unless the RUN assigns that variable itself. None
/// for command substitutions, `~`, brace expansion and unknown variables.
pub fn shell_path(sem: &Semantic<'_>, i: usize, w: &Word<'_>) -> Option<String> {
    if let Some(p) = plain_shell_path(w) {
        return Some(p.to_string());
    }
    let v: &str = &w.value;
    if v.is_empty() || v.contains(['`', '(']) || v.starts_with('~') {
        return None;
    }
    let refs = crate::syntax::vars::var_refs(v, crate::syntax::Span::new(0, v.len()), '\\');
    if refs.is_empty() {
        return None;
    }
    let text = &sem.instructions[i].text;
    for r in &refs {
        let name = &v[r.name.range()];
        if text.contains(&format!("{name}=")) || text.contains(&format!("read {name}")) {
            return None;
        }
    }
    let expanded = values::expand(sem, i, v)?;
    (!expanded.contains(['$', '`', '{'])).then_some(expanded)
}

/// The working directory just before each instruction (see [`workdirs`]).
pub struct Workdirs {
    /// The distinct directories (None: unknown).
    dirs: Vec<Option<String>>,
    /// `at[i]`: index into `dirs` for instruction `i`.
    at: Vec<u32>,
}

impl Workdirs {
    /// The working directory just before instruction `i` (None where unknown).
    pub fn at(&self, i: usize) -> Option<&str> {
        self.at
            .get(i)
            .and_then(|&k| self.dirs[k as usize].as_deref())
    }
}

/// The working directory just before each instruction of the file. Follows `WORKDIR`
/// (variables expanded from what the file shows) through base stages.
pub fn workdirs(sem: &Semantic<'_>) -> Workdirs {
    // dirs[0]: unknown (before the first FROM)
    let mut dirs: Vec<Option<String>> = vec![None];
    let mut at: Vec<u32> = vec![0; sem.instructions.len()];
    // working directory at the end of each stage (index into dirs)
    let mut end_of: Vec<u32> = Vec::with_capacity(sem.stages.len());
    let push = |dirs: &mut Vec<Option<String>>, d: Option<String>| {
        dirs.push(d);
        (dirs.len() - 1) as u32
    };
    for st in &sem.stages {
        let mut cwd = match st.base.kind {
            crate::semantic::BaseKind::Stage(b) if b < end_of.len() => end_of[b],
            crate::semantic::BaseKind::Scratch => push(&mut dirs, Some("/".to_string())),
            _ => push(&mut dirs, Some(BASE_WD.to_string())),
        };
        for i in sem.body(st) {
            at[i] = cwd;
            let ins = sem.instructions[i];
            if ins.kind == Kind::Workdir
                && let crate::syntax::Args::Text(t) = ins.args
            {
                let raw = ins.text_of(t).trim();
                let raw = raw.trim_matches('"');
                let next = values::expand(sem, i, raw)
                    .and_then(|v| resolve(dirs[cwd as usize].as_deref(), &v));
                cwd = push(&mut dirs, next);
            }
        }
        end_of.push(cwd);
    }
    Workdirs { dirs, at }
}

/// Instructions of the stages that end up in the final image (see
/// [`shipped_stages`]), in build order.
pub fn shipped_instructions(sem: &Semantic<'_>) -> Vec<usize> {
    let shipped = shipped_stages(sem);
    sem.stages
        .iter()
        .filter(|s| shipped[s.index])
        .flat_map(|s| sem.body(s))
        .collect()
}

/// The commands of RUN `i` with the working directory each runs in: `cwd` to start with,
/// changed by top-level `cd`. After a `cd` the file does not let us follow (a variable, `cd -`,
/// a `cd` inside a subshell or compound command), the directory is unknown.
pub fn commands_with_cwd<'s, 'a>(
    sem: &'s Semantic<'a>,
    i: usize,
    cwd: Option<&str>,
) -> Vec<(Cmd<'s, 'a>, Option<Rc<str>>)> {
    let mut cur: Option<Rc<str>> = cwd.map(Rc::from);
    let mut out = Vec::new();
    for c in commands_of(sem, i) {
        let here = cur.clone();
        if let Some(next) = cd_change(sem, i, &c, cur.as_deref()) {
            cur = next.map(Rc::from);
        }
        out.push((c, here));
    }
    out
}

/// How command `c` of RUN `i` changes the working directory `cwd` of the commands after it:
/// None when it is no `cd`/`pushd`/`popd`; `Some(None)` when the new directory is unknown.
pub fn cd_change(
    sem: &Semantic<'_>,
    i: usize,
    c: &Cmd<'_, '_>,
    cwd: Option<&str>,
) -> Option<Option<String>> {
    let program = c.program();
    if !matches!(program, Some("cd" | "pushd" | "popd")) {
        return None;
    }
    let top = c.command.depth == 0 && !c.command.subshell && !c.command.is_nested();
    let target = c
        .argv()
        .positional()
        .next()
        .and_then(|w| shell_path(sem, i, w));
    Some(match (top, program, target) {
        (true, Some("cd" | "pushd"), Some(t)) if t != "-" => resolve(cwd, &t),
        _ => None,
    })
}

/// What a `COPY`/`ADD` writes, per source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// The path itself is what the instruction wrote (a file, or a folder's contents copied to
    /// a path of its own).
    Exactly(String),
    /// Contents of a source folder or archive copied into this folder, which may have held other
    /// files already.
    Into(String),
}

impl Written {
    pub fn path(&self) -> &str {
        match self {
            Written::Exactly(p) | Written::Into(p) => p,
        }
    }

    /// Does removing (or changing) `pattern` recursively touch what was written?
    pub fn hit_by(&self, pattern: &str) -> bool {
        match self {
            Written::Exactly(p) => covers(pattern, p),
            // `rm -rf /dir/*` empties a folder the contents went into
            Written::Into(p) => {
                covers(pattern, p)
                    || pattern
                        .strip_suffix("/*")
                        .is_some_and(|parent| normalize(parent) == *p)
            }
        }
    }
}

/// Where COPY/ADD instruction `i` writes, given the working directory; empty when the
/// destination or a source uses a variable the file does not resolve.
pub fn copy_writes(sem: &Semantic<'_>, i: usize, cwd: Option<&str>) -> Vec<Written> {
    let ins: &Instruction = sem.instructions[i];
    let mut out = Vec::new();
    let (sources, dest) = ins.sources_and_dest();
    let Some(dest) = dest else {
        return out;
    };
    let Some(dest_raw) = values::expand(sem, i, &values::unquote(sem, ins.word_text(dest))) else {
        return out;
    };
    let into_dir = dest_raw.ends_with('/') || sources.len() > 1;
    let Some(dest_path) = resolve(cwd, &dest_raw) else {
        return out;
    };
    let is_add = ins.kind == Kind::Add;
    for w in sources {
        let text = ins.word_text(w);
        if let Some(marker) = text.strip_prefix("<<") {
            // a heredoc source: a file named after the marker
            let name = marker.trim_start_matches('-');
            let name = name.trim_matches(|c| c == '"' || c == '\'');
            out.push(if into_dir {
                Written::Exactly(normalize(&format!("{dest_path}/{name}")))
            } else {
                Written::Exactly(dest_path.clone())
            });
            continue;
        }
        let Some(src) = values::expand(sem, i, &values::unquote(sem, text)) else {
            return Vec::new();
        };
        let remote = src.contains("://") || src.starts_with("git@");
        let archive = is_add
            && !remote
            && crate::rules::maintainability::add_instead_of_copy::is_archive(&src);
        let base = if remote {
            let path = src.split(['?', '#']).next().unwrap_or(&src);
            path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
        } else {
            let t = src.trim_end_matches('/');
            t.rsplit('/').next().unwrap_or(t)
        };
        let dir_like = src.ends_with('/') || base.is_empty() || base == "." || base == "..";
        if archive || dir_like || (remote && src.ends_with(".git")) {
            out.push(Written::Into(dest_path.clone()));
        } else if into_dir {
            out.push(Written::Exactly(normalize(&format!("{dest_path}/{base}"))));
        } else {
            out.push(Written::Exactly(dest_path.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn normalizing_and_covering() {
        assert_eq!(normalize("/a//b/./c/../d/"), "/a/b/d");
        assert_eq!(normalize("/"), "/");
        assert_eq!(normalize("<wd>/x/.."), "<wd>");
        assert_eq!(resolve(Some("/app"), "src/"), Some("/app/src".into()));
        assert_eq!(resolve(None, "src"), None);
        assert!(covers("/tmp", "/tmp/x.deb"));
        assert!(covers("/tmp/*.deb", "/tmp/x.deb"));
        assert!(!covers("/tmp/*.rpm", "/tmp/x.deb"));
        assert!(!covers("/tmp/x", "/tmp"));
        assert!(!covers("/tmp", "<wd>/tmp"));
        assert!(covers("<wd>/a", "<wd>/a/b"));
        assert!(glob_match("*.tar.[gx]z", "a.tar.gz"));
        assert!(!glob_match("*", ".hidden"));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(Written::Into("/app".into()).hit_by("/app/*"));
        assert!(!Written::Into("/app".into()).hit_by("/app/x"));
    }

    #[test]
    fn workdirs_and_copies() {
        let src = "FROM a AS b\nWORKDIR /app\nCOPY x.txt y/ ./\nFROM b\nWORKDIR sub\nCOPY --from=b /o /opt/o\nADD https://e.com/f.tgz?x=1 /tmp/\nADD l.tar.gz /srv\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        let wd = workdirs(&sem);
        assert_eq!(wd.at(2), Some("/app"));
        assert_eq!(wd.at(5), Some("/app/sub"));
        assert_eq!(
            copy_writes(&sem, 2, wd.at(2)),
            vec![
                Written::Exactly("/app/x.txt".into()),
                Written::Into("/app".into())
            ]
        );
        assert_eq!(
            copy_writes(&sem, 5, wd.at(5)),
            vec![Written::Exactly("/opt/o".into())]
        );
        assert_eq!(
            copy_writes(&sem, 6, wd.at(6)),
            vec![Written::Exactly("/tmp/f.tgz".into())]
        );
        assert_eq!(
            copy_writes(&sem, 7, wd.at(7)),
            vec![Written::Into("/srv".into())]
        );
    }
}
