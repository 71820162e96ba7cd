//! A fast, forgiving POSIX shell parser for the scripts in `RUN` instructions.
//!
//! Lint rules do not need a shell's full syntax tree: they ask "which programs run, with which
//! arguments, joined how, and where in the file". So the parser produces a flat list of simple
//! [`Command`]s in source order, each with its words (quotes removed, escapes processed,
//! expansions kept verbatim), redirections, exact byte spans, and a few context flags (in a
//! subshell, in an `if` condition, negated, …). Compound commands (`if`, `while`, `for`, `case`,
//! `{ }`, `( )`, functions) are not nodes of their own; they show up as `depth` and flags on the
//! commands inside them.
//!
//! Two properties matter more than completeness:
//!
//! - **It never fails.** Dockerfiles are full of half-broken shell (an unclosed quote in a
//!   commented-out line, `fi` without `if`, a `$(` the author forgot to close). Every input gives
//!   a [`Script`] with whatever could be recognised; stray closers are skipped, unterminated
//!   constructs end at the end of the text. Recursion is bounded ([`MAX_NESTING`] levels of
//!   `$( )`/`( )`/`if`…, [`MAX_NESTED_SCRIPTS`] levels of `sh -c`) so hostile input cannot
//!   overflow the stack, and here-document scanning has a linear budget so it cannot go
//!   quadratic.
//! - **It is fast.** A single forward pass over bytes with a class table, no regex, no per-byte
//!   allocation: a word's value borrows from the input whenever it is one contiguous piece of it
//!   (`curl`, `'a b'`, `"$HOME"`), and words are collected on a scratch stack so each command
//!   allocates its argument vector once.
//!
//! Scripts given to `sh -c`, `bash -c`, `su -c` … (also behind wrappers such as `sudo`, `xargs`
//! or `find -exec`) are parsed too and their commands appended after the command that runs
//! them (see [`Command::nested_in`]).
//!
//! The input is POSIX shell (what `/bin/sh -c` runs). A `RUN` under `SHELL ["powershell", …]`
//! or `cmd` is not shell and should not be given to this parser; it would still return
//! something, just not anything meaningful.
//!
//! What is deliberately not modelled: alias and parameter expansion (a rule sees `$PKGS`, not its
//! value), word splitting of unquoted expansions, arithmetic contents (`$(( ))` and `(( ))` are
//! skipped as a unit), extended globs, coprocesses, and redirections after compound commands
//! (`done < file` is parsed and dropped).

mod argv;
mod parser;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use crate::syntax::Span;

pub use argv::{Argv, basename, unwrap_wrappers};

/// Recursion bound for nested constructs (`$(`, `( )`, `{ }`, `if`, `${ }` …). Deeper input is
/// skipped as balanced text, not parsed, so hostile input cannot overflow the stack.
pub const MAX_NESTING: u32 = 64;

/// How many `sh -c '…'` levels are parsed as scripts (each level re-reads its argument).
pub const MAX_NESTED_SCRIPTS: u32 = 8;

/// Parse `text` (offsets in the result are byte offsets into `text`). Never fails or panics.
pub fn parse(text: &str) -> Script<'_> {
    let mut script = parser::Parser::new(text).run();
    for c in &mut script.commands {
        let rest = unwrap_wrappers(&c.words).len();
        c.unwrap_at = (c.words.len() - rest).min(u16::MAX as usize) as u16;
    }
    script
}

/// The simple commands of a shell script, in source order of their start.
#[derive(Clone, Debug, Default)]
pub struct Script<'a> {
    pub commands: Vec<Command<'a>>,
}

impl<'a> Script<'a> {
    /// All commands in order (same as iterating `commands`).
    pub fn iter(&self) -> std::slice::Iter<'_, Command<'a>> {
        self.commands.iter()
    }

    pub fn len(&self) -> usize {
        self.commands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Commands whose [`Command::name`] is `name` (the basename of the first word, so
    /// `/usr/bin/apt-get` matches `apt-get`). `sudo apt-get` is named `sudo`; see
    /// [`Script::commands_running`] to look through wrappers.
    pub fn commands_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Command<'a>> + 's {
        self.commands.iter().filter(move |c| c.name() == Some(name))
    }

    /// Commands whose real program, after [`Command::unwrap_wrappers`], is `name`
    /// (`sudo -E apt-get …` and `env X=1 apt-get …` both run `apt-get`).
    pub fn commands_running<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Command<'a>> + 's {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name))
    }
}

impl<'s, 'a> IntoIterator for &'s Script<'a> {
    type Item = &'s Command<'a>;
    type IntoIter = std::slice::Iter<'s, Command<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.commands.iter()
    }
}

/// The operator that joins a command to the previous one at the same level.
///
/// The first command inside a compound command (`( )`, `{ }`, an `if` condition, a `for` or
/// `case` body) inherits the operator that joined the compound to what came before, so in
/// `a && (b; c)` the command `b` has `And`. Bodies that follow a condition (`then`, `else`,
/// `do` of `while`) start with `Start`, as do `$( )`, backticks and nested `sh -c` scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// First command of its list.
    Start,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or newline
    Seq,
    /// `|` or `|&`
    Pipe,
    /// `&`: the previous command runs in the background.
    Background,
}

/// One simple command: assignments, argv and redirections.
#[derive(Clone, Debug)]
pub struct Command<'a> {
    /// `FOO=bar` words before the command name (whole word; `value` is `FOO=bar` unquoted).
    pub assignments: Vec<Word<'a>>,
    /// argv: command name first (empty for a bare assignment or redirection).
    pub words: Vec<Word<'a>>,
    pub redirects: Vec<Redirect<'a>>,
    /// First token to last token of this simple command.
    pub span: Span,
    /// Operator joining it to the previous command at the same level (see [`Sep`]).
    pub sep: Sep,
    /// Commands joined by `|` share an id (unique per script, nested scripts included). A
    /// compound command in a pipeline lends the pipeline's id to the first pipeline inside it,
    /// so in `a | while read x; do b; done` the `read` shares `a`'s id.
    pub pipeline: u32,
    /// Nesting: each `( )`, `{ }`, `$( )`, backticks, process substitution, `if`/`while`/
    /// `until`/`for`/`case` (condition and bodies) and nested `sh -c` script adds one.
    pub depth: u16,
    /// Runs in a child shell, so `cd`, `export` and the like do not outlive it: inside `( )`,
    /// `$( )`, backticks, process substitution, or a nested `sh -c` script.
    pub subshell: bool,
    /// Inside `$( )`, backticks or `<( )`/`>( )`: its output is captured or piped, not shown.
    pub substitution: bool,
    /// In the condition list of `if`/`elif`/`while`/`until`: a failure does not stop `set -e`.
    pub condition: bool,
    /// In a pipeline preceded by `!`.
    pub negated: bool,
    /// Inside a function body (defined, not necessarily run).
    pub function: bool,
    /// Index (in [`Script::commands`]) of the command whose string argument this came from
    /// (`sh -c '…'`). Commands of a nested script keep this even inside their own `$( )`.
    /// Spans of nested commands are exact when the argument's value is one contiguous piece of
    /// the text (single-quoted, or unquoted/double-quoted without escapes); otherwise every
    /// span of the nested script is the whole argument word's span.
    pub nested_in: Option<usize>,
    /// How many leading words are wrappers (`sudo -u x`, `env A=1` …): computed once after
    /// parsing, so [`Command::unwrapped`] is free for the rules that call it many times.
    pub(crate) unwrap_at: u16,
}

/// A shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    /// Raw extent in the text (quotes included).
    pub span: Span,
    /// Quotes removed, backslash escapes and line continuations processed, `$'…'` decoded;
    /// expansions kept verbatim (`"$HOME"` gives `$HOME`). Borrowed whenever the value is one
    /// contiguous piece of the text.
    pub value: Cow<'a, str>,
    /// No expansion (`$…`, backticks, leading `~`, brace expansion `{a,b}`) and no unquoted
    /// glob character (`*`, `?`, `[…]`): the value is exactly what the program receives.
    pub literal: bool,
    /// Some part was quoted (`'…'`, `"…"`, `$'…'` or a backslash escape).
    pub quoted: bool,
}

impl Word<'_> {
    /// The processed value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect<'a> {
    /// From the fd (or operator) to the end of the target.
    pub span: Span,
    /// The operator text including a leading fd: `>`, `>>`, `2>`, `&>`, `<<-`, `2>&`. For
    /// `2>&1` the op is `2>&` and the target is `1`.
    pub op: &'a str,
    /// The target word (file, fd, here-document delimiter); `None` when missing.
    pub target: Option<Word<'a>>,
    /// For `<<`/`<<-`: the here-document body found in the text (lines after the command's line,
    /// terminator excluded). `None` when the terminator is not in the text, as with Dockerfile
    /// heredocs, which the Dockerfile parser has already cut out.
    pub heredoc: Option<Span>,
}

impl Redirect<'_> {
    /// The operator without its fd (`2>&` → `>&`).
    pub fn operator(&self) -> &str {
        self.op.trim_start_matches(|c: char| c.is_ascii_digit())
    }

    /// The explicit fd before the operator (`2>` → 2), if any.
    pub fn fd(&self) -> Option<u32> {
        let digits = self.op.len() - self.operator().len();
        if digits == 0 {
            None
        } else {
            self.op[..digits].parse().ok()
        }
    }

    /// `<<` or `<<-`.
    pub fn is_heredoc(&self) -> bool {
        matches!(self.operator(), "<<" | "<<-")
    }
}

impl<'a> Command<'a> {
    /// Basename of the first word's value (`/usr/bin/apt-get` → `apt-get`); `None` when the
    /// command has no words (`FOO=1`, `> file`).
    pub fn name(&self) -> Option<&str> {
        self.argv().name()
    }

    /// The arguments after the command name (`words[1..]`).
    pub fn args(&self) -> &[Word<'a>] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The whole argv as an [`Argv`] view, for the flag helpers.
    pub fn argv(&self) -> Argv<'_, 'a> {
        Argv::new(&self.words)
    }

    /// Whether the arguments hold a flag: `-y`, `-y` inside a cluster (`-qy`), `--yes` or
    /// `--yes=…`. Scanning stops at `--`. Clusters are matched naively: `-ofile` "contains"
    /// `-f` (the parser cannot know that `-o` takes a value).
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        self.argv().has_flag(short, long)
    }

    /// The value of a flag: `--name=value`, `--name value`, `-n value`, `-nvalue`, or `-xn value`
    /// (the rest of a cluster after the flag is its value, as getopt reads it).
    ///
    /// Returns a word of its own (not `&Word`) because an attached value is only part of a
    /// word: its span is the exact sub-span when the flag word is unquoted and unescaped, else
    /// the whole word's span. The first occurrence wins; scanning stops at `--`.
    pub fn flag_value(&self, short: Option<char>, long: Option<&str>) -> Option<Word<'a>> {
        self.argv().flag_value(short, long)
    }

    /// Arguments that are not flags: words not starting with `-` (a lone `-` is positional),
    /// plus everything after `--`.
    ///
    /// Limits: this cannot know which flags take a value, so in `tar -f x.tar y` the `x.tar`
    /// counts as positional. Use [`Command::positional_skipping`] to say which flags consume the
    /// next word.
    pub fn positional(&self) -> impl Iterator<Item = &Word<'a>> {
        self.argv().positional()
    }

    /// Like [`Command::positional`], but flags listed in `takes_value` (`"-f"`, `"--file"`)
    /// consume the next word when their value is not attached (`--file=x`, `-fx`).
    pub fn positional_skipping<'s>(
        &'s self,
        takes_value: &'s [&'s str],
    ) -> impl Iterator<Item = &'s Word<'a>> + 's {
        self.argv().positional_skipping(takes_value)
    }

    /// The first positional argument's value: `install` in `apt-get -y install curl`.
    pub fn subcommand(&self) -> Option<&str> {
        self.argv().subcommand()
    }

    /// The argv after skipping wrapper commands and their options, to find the real program:
    /// `sudo [-u user …] [VAR=x]`, `doas`, `env [-i] [-u NAME] [NAME=val…]`, `exec [-a name]`,
    /// `nice [-n N]`, `ionice`, `time [-p]`, `command [-p]` (but not `command -v`/`-V`, which
    /// only look a program up), `builtin`, `nohup`, `timeout [opts] DURATION`, `stdbuf`,
    /// `chroot DIR`, `gosu USER`, `su-exec USER`, `eatmydata`, `fakeroot`, `tini --`,
    /// `dumb-init`, and `xargs [opts]` (for xargs the real program receives more arguments
    /// from stdin than the ones shown). Wrappers nest (`sudo env X=1 nice make`). A wrapper
    /// with nothing after it (`env`, `time`) is itself the program. See [`unwrap_wrappers`].
    pub fn unwrap_wrappers(&self) -> &[Word<'a>] {
        &self.words[(self.unwrap_at as usize).min(self.words.len())..]
    }

    /// [`Command::unwrap_wrappers`] as an [`Argv`] view: `cmd.unwrapped().has_flag(…)`.
    pub fn unwrapped(&self) -> Argv<'_, 'a> {
        Argv::new(self.unwrap_wrappers())
    }

    /// Basename of the real program after [`Command::unwrap_wrappers`].
    pub fn program(&self) -> Option<&str> {
        self.unwrapped().name()
    }

    /// Whether this command came from a nested `sh -c` script.
    pub fn is_nested(&self) -> bool {
        self.nested_in.is_some()
    }
}
