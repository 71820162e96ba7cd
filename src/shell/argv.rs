//! Reading an argv the way rules need it: program name, flags, flag values, positionals, and
//! the real program behind wrappers such as `sudo` or `env`.
//!
//! All of this works on word *values* (quotes removed), since that is what programs see:
//! `apt-get "-y"` has the flag `-y`. None of it knows a program's option grammar, so the helpers
//! follow getopt conventions and document where that guess can be wrong.

use std::borrow::Cow;

use super::Word;
use crate::syntax::Span;

/// A view of an argv (`words[0]` is the program), with the flag helpers of
/// [`super::Command`]. Get one with [`super::Command::argv`] or
/// [`super::Command::unwrapped`].
#[derive(Clone, Copy, Debug)]
pub struct Argv<'w, 'a> {
    pub words: &'w [Word<'a>],
}

/// The last path component: `/usr/bin/apt-get` → `apt-get`.
pub fn basename(path: &str) -> &str {
    // A plain reverse scan: names are short, and this runs for every command.
    match path.as_bytes().iter().rposition(|&c| c == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

impl<'w, 'a> Argv<'w, 'a> {
    pub fn new(words: &'w [Word<'a>]) -> Self {
        Argv { words }
    }

    /// Basename of the program word's value.
    pub fn name(&self) -> Option<&'w str> {
        self.words.first().map(|w| basename(&w.value))
    }

    /// Everything after the program word.
    pub fn args(&self) -> &'w [Word<'a>] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// See [`super::Command::has_flag`].
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        for w in self.args() {
            let v: &str = &w.value;
            if v == "--" {
                return false;
            }
            if let Some(name) = v.strip_prefix("--") {
                if let Some(l) = long {
                    let n = name.split_once('=').map_or(name, |(n, _)| n);
                    if n == l {
                        return true;
                    }
                }
            } else if let Some(cluster) = v.strip_prefix('-')
                && let Some(s) = short
                && cluster.contains(s)
            {
                return true;
            }
        }
        false
    }

    /// See [`super::Command::flag_value`].
    pub fn flag_value(&self, short: Option<char>, long: Option<&str>) -> Option<Word<'a>> {
        let args = self.args();
        for (i, w) in args.iter().enumerate() {
            let v: &str = &w.value;
            if v == "--" {
                return None;
            }
            if let Some(name) = v.strip_prefix("--") {
                let Some(l) = long else { continue };
                match name.split_once('=') {
                    Some((n, _)) if n == l => return Some(sub_word(w, 2 + l.len() + 1)),
                    None if name == l => return args.get(i + 1).cloned(),
                    _ => {}
                }
            } else if let Some(cluster) = v.strip_prefix('-')
                && let Some(s) = short
                && let Some(at) = cluster.find(s)
            {
                let after = 1 + at + s.len_utf8();
                return if after == v.len() {
                    args.get(i + 1).cloned()
                } else {
                    Some(sub_word(w, after))
                };
            }
        }
        None
    }

    /// See [`super::Command::positional`].
    pub fn positional(&self) -> impl Iterator<Item = &'w Word<'a>> + use<'w, 'a> {
        self.positional_skipping(&[])
    }

    /// See [`super::Command::positional_skipping`].
    pub fn positional_skipping<'s>(
        &self,
        takes_value: &'s [&'s str],
    ) -> impl Iterator<Item = &'w Word<'a>> + use<'w, 'a, 's> {
        let mut args = self.args().iter();
        let mut rest = false;
        std::iter::from_fn(move || {
            loop {
                let w = args.next()?;
                if rest {
                    return Some(w);
                }
                let v: &str = &w.value;
                if v == "--" {
                    rest = true;
                    continue;
                }
                if v.len() < 2 || !v.starts_with('-') {
                    return Some(w);
                }
                if consumes_next(v, takes_value) {
                    args.next();
                }
            }
        })
    }

    /// See [`super::Command::subcommand`].
    pub fn subcommand(&self) -> Option<&'w str> {
        self.positional().next().map(|w| &*w.value)
    }
}

/// Whether flag word `v` (starting with `-`) takes the next word as its value, given the flags
/// listed as value-taking.
fn consumes_next(v: &str, takes_value: &[&str]) -> bool {
    if v.starts_with("--") {
        return !v.contains('=') && takes_value.contains(&v);
    }
    // A short cluster: the first value-taking flag swallows the rest of the cluster, or the
    // next word when it is last.
    let cluster = &v.as_bytes()[1..];
    for (i, &c) in cluster.iter().enumerate() {
        let listed = takes_value
            .iter()
            .any(|t| t.len() == 2 && t.as_bytes() == [b'-', c]);
        if listed {
            return i + 1 == cluster.len();
        }
    }
    false
}

/// The part of `w` from byte `off` of its value, as a word of its own.
fn sub_word<'a>(w: &Word<'a>, off: usize) -> Word<'a> {
    let off = off.min(w.value.len());
    let value = match &w.value {
        Cow::Borrowed(s) => Cow::Borrowed(&s[off..]),
        Cow::Owned(s) => Cow::Owned(s[off..].to_owned()),
    };
    // A borrowed value as long as the raw word is the raw word itself: offsets carry over.
    let exact = matches!(w.value, Cow::Borrowed(_)) && w.value.len() == w.span.len();
    let span = if exact {
        Span::new(w.span.start as usize + off, w.span.end as usize)
    } else {
        w.span
    };
    Word {
        span,
        value,
        literal: w.literal,
        quoted: w.quoted,
    }
}

/// Option grammar of a wrapper: which short and long options take a value, and how many
/// positional arguments (a user, a directory, a duration) come before the real program.
struct Wrapper {
    short_values: &'static [u8],
    long_values: &'static [&'static str],
    operands: usize,
    /// Also skip `NAME=value` words after the options (`env`, `sudo`).
    assignments: bool,
}

/// Whether `name` is a wrapper [`unwrap_wrappers`] looks through.
#[cfg(test)]
pub(super) fn is_wrapper(name: &str) -> bool {
    wrapper(name).is_some()
}

fn wrapper(name: &str) -> Option<Wrapper> {
    let w = |short_values, long_values, operands, assignments| Wrapper {
        short_values,
        long_values,
        operands,
        assignments,
    };
    Some(match name {
        "sudo" | "doas" => w(
            b"ugpCDrtUTRh",
            &[
                "--user",
                "--group",
                "--prompt",
                "--close-from",
                "--chdir",
                "--role",
                "--type",
                "--other-user",
                "--command-timeout",
                "--chroot",
                "--host",
            ],
            0,
            true,
        ),
        "env" => w(b"uCS", &["--unset", "--chdir", "--split-string"], 0, true),
        "exec" => w(b"a", &[], 0, false),
        "nice" => w(b"n", &["--adjustment"], 0, false),
        "ionice" => w(b"cnp", &["--class", "--classdata", "--pid"], 0, false),
        "time" => w(b"fo", &["--format", "--output"], 0, false),
        "command" | "builtin" | "nohup" | "eatmydata" | "dumb-init" => w(b"", &[], 0, false),
        "timeout" => w(b"sk", &["--signal", "--kill-after"], 1, false),
        "stdbuf" => w(b"ioe", &["--input", "--output", "--error"], 0, false),
        "chroot" => w(b"", &["--userspec", "--groups"], 1, false),
        "gosu" | "su-exec" => w(b"", &[], 1, false),
        "fakeroot" => w(b"lisb", &["--lib", "--faked"], 0, false),
        "tini" => w(b"sepgl", &[], 0, false),
        "xargs" => w(
            b"ILnPsdEa",
            &[
                "--arg-file",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ],
            0,
            false,
        ),
        _ => return None,
    })
}

/// Skip one wrapper's options, operands and assignments; returns where the real program starts
/// (may be `words.len()` when nothing follows).
fn skip_wrapper(words: &[Word<'_>], w: &Wrapper) -> usize {
    let mut i = 1;
    // options
    while let Some(word) = words.get(i) {
        let v: &str = &word.value;
        if v == "--" {
            i += 1;
            break;
        }
        if !v.starts_with('-') || v == "-" {
            break;
        }
        i += 1;
        if v.starts_with("--") {
            if !v.contains('=') && w.long_values.contains(&v) {
                i += 1;
            }
            continue;
        }
        for (j, c) in v.bytes().enumerate().skip(1) {
            if w.short_values.contains(&c) {
                if j + 1 == v.len() {
                    i += 1;
                }
                break;
            }
        }
    }
    if w.assignments {
        while words.get(i).is_some_and(|x| is_assignment(&x.value)) {
            i += 1;
        }
    }
    i + w.operands
}

/// `NAME=value` with a shell-ish name.
fn is_assignment(v: &str) -> bool {
    match v.split_once('=') {
        Some((n, _)) => {
            !n.is_empty()
                && !n.starts_with(|c: char| c.is_ascii_digit())
                && n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        }
        None => false,
    }
}

/// The argv after wrappers; see [`super::Command::unwrap_wrappers`].
pub fn unwrap_wrappers<'w, 'a>(words: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let mut rest = words;
    // Each round strips one wrapper; the bound only matters for absurd input.
    for _ in 0..16 {
        let Some(first) = rest.first() else { break };
        let name = basename(&first.value);
        let Some(w) = wrapper(name) else { break };
        if name == "command"
            && rest[1..]
                .iter()
                .take_while(|x| x.value.starts_with('-'))
                .any(|x| x.value.contains(['v', 'V']))
        {
            break;
        }
        let skip = skip_wrapper(rest, &w);
        if skip >= rest.len() {
            break;
        }
        rest = &rest[skip..];
    }
    rest
}
