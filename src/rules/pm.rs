//! Package-manager command lines as the rules read them: which manager a shell command runs,
//! its subcommand, and its operands (package names), using each manager's option grammar from
//! `rules/package-managers.toml` so option values (`apk add --virtual .deps`, `apt-get -o X`)
//! are not taken for packages.

use crate::data::{self, PackageManager};
use crate::rules::common::Cmd;
use crate::semantic::{BaseKind, Semantic};
use crate::shell::{Argv, Word};
use crate::syntax::vars;
use crate::syntax::{Instruction, Kind};

/// A command that runs a package manager.
pub struct PmCmd<'s, 'a> {
    /// The manager's key in the data (`apt-get`, `dnf`, `pip`, …).
    pub name: &'static str,
    pub pm: &'static PackageManager,
    /// The argv from the manager's program word on: wrappers (`sudo`, `env`) are skipped, and
    /// for `python -m pip install x` it starts at `pip`.
    pub argv: Argv<'s, 'a>,
    /// The manager's program as written, basename (`microdnf`, `pip3`).
    pub program: &'s str,
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip_name(p: &str) -> bool {
    p.strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
}

/// `python`, `python3`, `python3.12`.
fn is_python_name(p: &str) -> bool {
    p.strip_prefix("python")
        .is_some_and(|v| v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
}

/// The commands of instruction `i` that run a package manager (found once per file).
pub fn pm_commands_of<'s, 'a>(
    sem: &'s Semantic<'a>,
    i: usize,
) -> impl Iterator<Item = Cmd<'s, 'a>> + 's {
    let idx = sem.pm_index.get_or_init(|| {
        let mut v = Vec::new();
        for (si, script) in sem.scripts.iter().enumerate() {
            for (ci, command) in script.script.commands.iter().enumerate() {
                let c = Cmd {
                    index: script.index,
                    script,
                    command,
                };
                if manager(&c).is_some() {
                    v.push((script.index as u32, si as u32, ci as u32));
                }
            }
        }
        v
    });
    let start = idx.partition_point(|e| (e.0 as usize) < i);
    idx[start..]
        .iter()
        .take_while(move |e| e.0 as usize == i)
        .map(move |&(_, si, ci)| {
            let script = &sem.scripts[si as usize];
            Cmd {
                index: i,
                script,
                command: &script.script.commands[ci as usize],
            }
        })
}

/// The package manager `cmd` runs, if any.
pub fn manager<'s, 'a>(cmd: &Cmd<'s, 'a>) -> Option<PmCmd<'s, 'a>> {
    let argv = cmd.argv();
    let prog = argv.name()?;
    if let Some((name, pm)) = data::package_manager(prog) {
        return Some(PmCmd {
            name,
            pm,
            argv,
            program: prog,
        });
    }
    let words = argv.words;
    let at = if is_pip_name(prog) {
        0
    } else if is_python_name(prog) {
        // python [-I -u …] -m pip …
        let m = words
            .iter()
            .skip(1)
            .position(|w| !w.value.starts_with('-') || w.value == "-m")?
            + 1;
        if words[m].value != "-m" || !words.get(m + 1).is_some_and(|w| is_pip_name(&w.value)) {
            return None;
        }
        m + 1
    } else {
        return None;
    };
    let (name, pm) = data::package_manager("pip")?;
    Some(PmCmd {
        name,
        pm,
        argv: Argv::new(&words[at..]),
        program: prog,
    })
}

impl<'s, 'a> PmCmd<'s, 'a> {
    /// Does option word `v` (starting with `-`) take the next word as its value?
    fn takes_value(&self, v: &str) -> bool {
        if v.contains('=') {
            return false;
        }
        let flags = &self.pm.value_flags;
        if self.pm.long_single_dash {
            let bare = v.trim_start_matches('-');
            return flags.iter().any(|f| f.trim_start_matches('-') == bare);
        }
        if flags.iter().any(|f| f == v) {
            return true;
        }
        if v.starts_with("--") {
            return false;
        }
        // a cluster (`-yt`): the first value-taking letter takes the rest, or the next word
        // when it is last
        let cluster = &v.as_bytes()[1..];
        for (i, &c) in cluster.iter().enumerate() {
            if flags.iter().any(|f| f.len() == 2 && f.as_bytes()[1] == c) {
                return i + 1 == cluster.len();
            }
        }
        false
    }

    /// The operands (non-option words) with their index in `argv.words`, in order; the values
    /// of value-taking options are skipped, and every word after `--` is an operand.
    pub fn operands(&self) -> impl Iterator<Item = (usize, &'s Word<'a>)> + '_ {
        let words = self.argv.words;
        let mut i = 1;
        let mut rest = false;
        std::iter::from_fn(move || {
            while let Some(w) = words.get(i) {
                let at = i;
                i += 1;
                let v: &str = &w.value;
                if rest || v == "-" || !v.starts_with('-') {
                    return Some((at, w));
                }
                if v == "--" {
                    rest = true;
                } else if self.takes_value(v) {
                    i += 1;
                }
            }
            None
        })
    }

    /// The first operand: `install` of `apt-get -y install curl`.
    pub fn sub(&self) -> Option<&'s Word<'a>> {
        self.operands().next().map(|(_, w)| w)
    }

    /// Is the subcommand one of `subs`?
    pub fn sub_is(&self, subs: &[&str]) -> bool {
        self.sub().is_some_and(|w| subs.contains(&&*w.value))
    }

    /// The operands after the first `skip` (the subcommand words).
    pub fn args_after(&self, skip: usize) -> impl Iterator<Item = &'s Word<'a>> + '_ {
        self.operands().skip(skip).map(|(_, w)| w)
    }

    /// Has any of these options (exact words, or `--long=value`; one-letter ones also inside
    /// a cluster such as `-qy`)? Scanning stops at `--`.
    pub fn has_option(&self, names: &[&str]) -> bool {
        for w in self.argv.args() {
            let v: &str = &w.value;
            if v == "--" {
                return false;
            }
            if !v.starts_with('-') {
                continue;
            }
            let head = v.split_once('=').map_or(v, |(h, _)| h);
            if names.contains(&head) {
                return true;
            }
            if !self.pm.long_single_dash && !v.starts_with("--") && v.len() > 2 {
                // a cluster, up to the first value-taking letter
                for c in v[1..].chars() {
                    let mut buf = [0u8; 4];
                    let short = format!("-{}", c.encode_utf8(&mut buf));
                    if names.contains(&short.as_str()) {
                        return true;
                    }
                    if self.pm.value_flags.contains(&short) {
                        break;
                    }
                }
            }
        }
        false
    }
}

/// `apt-get -s` and its synonyms: apt only shows what it would do, installs nothing and never
/// asks.
pub fn apt_simulates(pm: &PmCmd<'_, '_>) -> bool {
    pm.has_option(&[
        "-s",
        "--simulate",
        "--just-print",
        "--dry-run",
        "--recon",
        "--no-act",
    ])
}

/// A word that is one expansion and nothing else (`$PKGS`, `${PKGS}`, `"${PKGS[@]}"`,
/// `$(cat list)`, `` `cat list` ``): it can stand for any number of words, pinned or not.
pub fn is_whole_expansion(w: &Word<'_>) -> bool {
    let v: &str = &w.value;
    let b = v.as_bytes();
    if b.len() >= 2 && b[0] == b'`' && b[b.len() - 1] == b'`' {
        return !v[1..v.len() - 1].contains('`');
    }
    let Some(rest) = v.strip_prefix('$') else {
        return false;
    };
    let close = match rest.as_bytes().first() {
        Some(b'{') => b'}',
        Some(b'(') => b')',
        Some(_) => {
            return rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                || matches!(rest, "@" | "*");
        }
        None => return false,
    };
    // the matching closer must be the last byte
    let open = rest.as_bytes()[0];
    let mut depth = 0usize;
    for (i, c) in rest.bytes().enumerate() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return i + 1 == rest.len();
            }
        }
    }
    false
}

/// The name in `$NAME` or `${NAME}` (nothing more: no operator, no index).
fn plain_var(v: &str) -> Option<&str> {
    let rest = v.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(r) => r.strip_suffix('}')?,
        None => rest,
    };
    plain_var_name(name).then_some(name)
}

/// The literal value of a variable operand (`$PKGS`, `${PKGS}`) as the file defines it before
/// `cmd`: assignments earlier in the same script (`PKGS='a b'; PKGS="$PKGS c"`,
/// `export PKGS=…`), else the last `ENV` or `ARG` default before the `RUN` in its stage (`ENV`
/// of base stages too). `None` when it is not a plain variable, not defined, or its value
/// depends on something unknown (a command substitution, an undefined variable).
pub fn variable_value(sem: &Semantic<'_>, cmd: &Cmd<'_, '_>, w: &Word<'_>) -> Option<String> {
    let name = plain_var(&w.value)?;
    // assignments earlier in the script, in order: name → value (None: unknown)
    let mut known: Vec<(&str, Option<String>)> = Vec::new();
    let lookup = |known: &[(&str, Option<String>)], n: &str| -> Option<String> {
        match known.iter().rev().find(|(k, _)| *k == n) {
            Some((_, v)) => v.clone(),
            None => file_value(sem, cmd.index, n),
        }
    };
    for c in &cmd.script.script.commands {
        if std::ptr::eq(c, cmd.command) {
            break;
        }
        let exported = c.words.first().is_some_and(|x| {
            matches!(
                &*x.value,
                "export" | "readonly" | "local" | "declare" | "typeset"
            )
        });
        let words = c.assignments.iter().chain(if exported {
            c.words[1..].iter()
        } else {
            [].iter()
        });
        for a in words {
            if let Some((n, v)) = a.value.split_once('=')
                && plain_var_name(n)
            {
                let value = substitute(v, &|x| lookup(&known, x));
                known.push((n, value));
            }
        }
    }
    lookup(&known, name)
}

fn plain_var_name(n: &str) -> bool {
    !n.is_empty()
        && !n.starts_with(|c: char| c.is_ascii_digit())
        && n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// `v` with `$NAME` and `${NAME}` replaced by their values; `None` when one is unknown or the
/// text holds another kind of expansion.
fn substitute(v: &str, value_of: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if v.contains('`') {
        return None;
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = match after.strip_prefix('{') {
            Some(r) => {
                let end = r.find('}')?;
                (&r[..end], &r[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if !plain_var_name(name) {
            return None;
        }
        out.push_str(&value_of(name)?);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// The value of `name` from the last `ENV` or `ARG` default before instruction `i`, in its
/// stage (and `ENV` of its base stages).
fn file_value(sem: &Semantic<'_>, i: usize, name: &str) -> Option<String> {
    let escape = sem.df.escape.char();
    let unquote = |ins: &Instruction, t| {
        let raw = ins.text_of(t);
        if raw.contains(['$', '`']) {
            return None;
        }
        Some(vars::expand(raw, escape, &|_| None).value)
    };
    let mut stage = sem.stage_of[i]?;
    let mut upto = i;
    let mut own = true;
    loop {
        let s = &sem.stages[stage];
        for j in (s.from + 1..upto).rev() {
            let ins = sem.instructions[j];
            match ins.kind {
                Kind::Env => {
                    if let Some(kv) = ins
                        .key_values()
                        .iter()
                        .rev()
                        .find(|kv| ins.text_of(kv.key) == name)
                    {
                        return unquote(ins, kv.value);
                    }
                }
                Kind::Arg if own => {
                    if let Some(d) = ins
                        .arg_decls()
                        .iter()
                        .rev()
                        .find(|d| ins.text_of(d.name) == name)
                    {
                        return match d.default {
                            Some(t) => unquote(ins, t),
                            None => sem
                                .global_args
                                .iter()
                                .rev()
                                .find(|a| a.0 == name)
                                .and_then(|a| a.1.clone())
                                .filter(|v| !v.contains(['$', '`'])),
                        };
                    }
                }
                _ => {}
            }
        }
        match s.base.kind {
            BaseKind::Stage(b) => {
                stage = b;
                upto = sem.stages[b].end;
                own = false;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::Semantic;
    use crate::syntax::parse;

    fn words(src: &str, mut f: impl FnMut(&PmCmd<'_, '_>)) {
        let src = format!("FROM x\nRUN {src}\n");
        let df = parse(&src);
        let sem = Semantic::new(&src, &df);
        let c = crate::rules::common::commands_of(&sem, 1).next().unwrap();
        let pm = manager(&c).unwrap();
        f(&pm);
    }

    fn ops(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(src, |pm| {
            out = pm.operands().map(|(_, w)| w.value.to_string()).collect();
        });
        out
    }

    #[test]
    fn operands_skip_option_values() {
        assert_eq!(
            ops("apt-get -o Dpkg::Options::=--force-confold -yt bookworm install curl"),
            ["install", "curl"]
        );
        assert_eq!(
            ops("apk add --virtual .deps -X http://x gcc"),
            ["add", "gcc"]
        );
        assert_eq!(
            ops("go install -ldflags '-s -w' -tags netgo -trimpath ./cmd/x"),
            ["install", "./cmd/x"]
        );
        assert_eq!(
            ops("sudo pip3 install -i http://x flask"),
            ["install", "flask"]
        );
        assert_eq!(ops("python3 -u -m pip install -U pip"), ["install", "pip"]);
        assert_eq!(ops("dnf -y install -- -weird"), ["install", "-weird"]);
    }

    #[test]
    fn options() {
        words("apt-get -qy install curl", |pm| {
            assert!(pm.has_option(&["-y"]));
            assert!(!pm.has_option(&["--yes"]));
        });
        words("apt-get -ty install curl", |pm| {
            assert!(!pm.has_option(&["-y"]));
        });
        words("zypper --non-interactive=1 in curl", |pm| {
            assert!(pm.has_option(&["--non-interactive"]));
        });
    }

    #[test]
    fn whole_expansions() {
        let w = |v: &'static str| Word {
            span: crate::syntax::Span::new(0, v.len()),
            value: v.into(),
            literal: false,
            quoted: false,
        };
        for v in [
            "$PKGS",
            "${PKGS}",
            "${PKGS[@]}",
            "$(cat x)",
            "`cat x`",
            "$@",
        ] {
            assert!(is_whole_expansion(&w(v)), "{v}");
        }
        for v in ["curl", "curl=$V", "${A}-${B}", "$(a)b", "php${V}-cli", "$"] {
            assert!(!is_whole_expansion(&w(v)), "{v}");
        }
    }
}
