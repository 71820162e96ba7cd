//! The scanner and recursive-descent parser behind [`super::parse`].
//!
//! One forward pass over bytes. Words are read by a byte-class loop that copies nothing while
//! the value is a contiguous slice of the input; compound commands are parsed by small
//! recursive functions that push simple commands into one flat vector as they are found.
//! A command's slot is reserved before its words are read, so commands from `$( )` inside its
//! arguments land after it and the vector stays in source order of command starts.
//!
//! Recovery: every list parser knows which closing words the constructs around it accept (a
//! bit mask in [`Ctx`]). A closer nobody accepts (`fi` without `if`, a stray `)`) is skipped;
//! one an outer construct accepts ends the inner construct, so `while a; do if b; then c; done`
//! still closes the `while`. Unterminated quotes and substitutions end at the end of the text.
//! A parse step that consumes nothing forces one character forward, so every loop terminates.

use std::borrow::Cow;

use memchr::memchr;

use super::{Command, MAX_NESTED_SCRIPTS, MAX_NESTING, Redirect, Script, Sep, Word, basename};
use crate::syntax::Span;

// Closing tokens, as bits of `Ctx::closers`.
const THEN: u16 = 1 << 0;
const ELIF: u16 = 1 << 1;
const ELSE: u16 = 1 << 2;
const FI: u16 = 1 << 3;
const DO: u16 = 1 << 4;
const DONE: u16 = 1 << 5;
const ESAC: u16 = 1 << 6;
const RBRACE: u16 = 1 << 7;
const RPAREN: u16 = 1 << 8;
/// `;;`, `;&`, `;;&` ending a `case` arm.
const DSEMI: u16 = 1 << 9;

// Byte classes.
/// Space, tab, carriage return (a `\r` from CRLF text is treated as a blank, not a word
/// character as a real shell would, so CRLF files still split into the right words).
const BLANK: u8 = 1;
/// Ends an unquoted word: blanks, newline and operator characters.
const DELIM: u8 = 2;
/// The word scanner must look at it: delimiters, quotes, `\`, `$`, backtick, glob and brace
/// characters, `~`, `=` (assignments).
const SPECIAL: u8 = 4;
/// Ends a raw run when peeking for reserved words: delimiters, quotes, `\`, `$`, backtick.
const RAW_STOP: u8 = 8;
/// Must be looked at inside double quotes.
const DQ: u8 = 16;
/// At the start of an argument, needs more than "read a word": operators, comments, and what
/// may begin a redirection (`2>`, `&>`).
const ARG_SLOW: u8 = 32;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let blanks = b" \t\r";
    let mut i = 0;
    while i < blanks.len() {
        t[blanks[i] as usize] |= BLANK | DELIM | SPECIAL | RAW_STOP;
        i += 1;
    }
    let delims = b"\n;&|<>()";
    i = 0;
    while i < delims.len() {
        t[delims[i] as usize] |= DELIM | SPECIAL | RAW_STOP;
        i += 1;
    }
    let raw = b"'\"\\$`";
    i = 0;
    while i < raw.len() {
        t[raw[i] as usize] |= SPECIAL | RAW_STOP;
        i += 1;
    }
    let special = b"*?[]{}~=";
    i = 0;
    while i < special.len() {
        t[special[i] as usize] |= SPECIAL;
        i += 1;
    }
    let slow = b"\n;|()#&<>0123456789";
    i = 0;
    while i < slow.len() {
        t[slow[i] as usize] |= ARG_SLOW;
        i += 1;
    }
    let dq = b"\"\\$`";
    i = 0;
    while i < dq.len() {
        t[dq[i] as usize] |= DQ;
        i += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

#[inline]
fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[inline]
fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether `raw` (the text before an `=`) is `NAME`, `NAME+` or `NAME[subscript]`.
fn is_assignment_prefix(raw: &[u8]) -> bool {
    let Some((&first, rest)) = raw.split_first() else {
        return false;
    };
    if !is_name_start(first) {
        return false;
    }
    let n = rest
        .iter()
        .position(|&c| !is_name_char(c))
        .unwrap_or(rest.len());
    let mut tail = &rest[n..];
    if let Some(t) = tail.strip_prefix(b"[") {
        match t.iter().position(|&c| c == b']') {
            Some(k) => tail = &t[k + 1..],
            None => return false,
        }
    }
    tail.is_empty() || tail == b"+"
}

/// Length of the UTF-8 sequence starting with `first`.
#[inline]
fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Where a parse happens: the flags every command found there gets, and the closers the
/// surrounding constructs accept.
#[derive(Clone, Copy)]
struct Ctx {
    depth: u16,
    closers: u16,
    subshell: bool,
    substitution: bool,
    condition: bool,
    negated: bool,
    function: bool,
    /// Parse but drop commands of substitutions: inside a nested `sh -c` script whose text the
    /// outer shell already expanded (the outer parse recorded those substitutions).
    discard: bool,
    nested_in: Option<usize>,
}

impl Ctx {
    fn top() -> Ctx {
        Ctx {
            depth: 0,
            closers: 0,
            subshell: false,
            substitution: false,
            condition: false,
            negated: false,
            function: false,
            discard: false,
            nested_in: None,
        }
    }

    /// The context of a compound command's inner list.
    fn inner(self, closers: u16) -> Ctx {
        Ctx {
            depth: self.depth.saturating_add(1),
            closers: self.closers | closers,
            ..self
        }
    }

    /// The context of `$( )`, backticks and process substitution: a fresh shell.
    fn substitution(self, closers: u16) -> Ctx {
        Ctx {
            depth: self.depth.saturating_add(1),
            closers,
            subshell: true,
            substitution: true,
            condition: false,
            negated: false,
            ..self
        }
    }
}

/// A word value under construction: a slice of the text while it stays contiguous, a `String`
/// from the first gap on. `sink` drops everything (for text scanned only to skip it).
struct Val<'a> {
    text: &'a str,
    /// The contiguous slice so far (both `usize::MAX`: nothing yet).
    seg_start: usize,
    seg_end: usize,
    /// Set from the first gap on.
    buf: Option<String>,
    sink: bool,
}

impl<'a> Val<'a> {
    #[inline(always)]
    fn new(text: &'a str) -> Self {
        Val {
            text,
            seg_start: usize::MAX,
            seg_end: usize::MAX,
            buf: None,
            sink: false,
        }
    }

    fn sink(text: &'a str) -> Self {
        Val {
            sink: true,
            ..Val::new(text)
        }
    }

    #[inline(always)]
    fn range(&mut self, s: usize, e: usize) {
        if s >= e || self.sink {
            return;
        }
        if self.seg_end == s && self.buf.is_none() {
            self.seg_end = e;
        } else if self.seg_start == usize::MAX {
            (self.seg_start, self.seg_end) = (s, e);
        } else {
            self.gap(s, e);
        }
    }

    /// A piece that does not continue the slice: switch to (or append to) the buffer.
    #[cold]
    fn gap(&mut self, s: usize, e: usize) {
        let text = self.text;
        match &mut self.buf {
            Some(buf) => buf.push_str(&text[s..e]),
            None => {
                let seg = &text[self.seg_start..self.seg_end];
                let mut buf = String::with_capacity(seg.len() + e - s + 8);
                buf.push_str(seg);
                buf.push_str(&text[s..e]);
                self.buf = Some(buf);
            }
        }
    }

    fn push_str(&mut self, x: &str) {
        if self.sink {
            return;
        }
        let buf = self.buf.get_or_insert_with(|| {
            if self.seg_start == usize::MAX {
                String::new()
            } else {
                self.text[self.seg_start..self.seg_end].to_owned()
            }
        });
        buf.push_str(x);
    }

    #[inline(always)]
    fn finish(self) -> Cow<'a, str> {
        match self.buf {
            Some(buf) => Cow::Owned(buf),
            None if self.seg_start == usize::MAX => Cow::Borrowed(""),
            None => Cow::Borrowed(&self.text[self.seg_start..self.seg_end]),
        }
    }
}

/// A here-document waiting for the next newline.
struct Pending<'a> {
    delim: Cow<'a, str>,
    chomp: bool,
    cmd: usize,
    redir: usize,
}

pub(super) struct Parser<'a> {
    text: &'a str,
    /// The bytes of the region being parsed: the text up to the region's end (a backtick body
    /// or nested script is parsed in place). Positions are offsets into the whole text.
    b: &'a [u8],
    pos: usize,
    commands: Vec<Command<'a>>,
    /// Scratch stack of argv words: a command's words sit above those of the commands it is
    /// nested in and are moved out in one exact-size allocation when it ends.
    words: Vec<Word<'a>>,
    pending: Vec<Pending<'a>>,
    /// Here-document bodies found: (command, redirect, body).
    bodies: Vec<(usize, usize, Span)>,
    /// The operator before the next command (taken by the next simple command).
    next_sep: Sep,
    /// A pipeline id lent to the first pipeline inside a compound command.
    lead_pipeline: Option<u32>,
    pipelines: u32,
    /// Recursion depth of the parse functions.
    level: u32,
    /// Nesting of `sh -c` scripts.
    scripts: u32,
    /// Bytes here-document terminator searches may still read (keeps them linear overall).
    heredoc_budget: usize,
    /// Bytes nested `sh -c` scripts may still parse. Each level re-reads its argument, and a
    /// script can hold many `sh -c` at each of its levels (`sh -c "$(sh -c "$(…)")"`): without
    /// a bound the work grows exponentially with the nesting.
    nested_budget: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Parser {
            text,
            b: text.as_bytes(),
            pos: 0,
            commands: Vec::with_capacity(text.len() / 48 + 2),
            words: Vec::with_capacity(16),
            pending: Vec::new(),
            bodies: Vec::new(),
            next_sep: Sep::Start,
            lead_pipeline: None,
            pipelines: 0,
            level: 0,
            scripts: 0,
            heredoc_budget: text.len().saturating_mul(4).saturating_add(1 << 16),
            // every level of MAX_NESTED_SCRIPTS re-reading the whole text, and some room
            nested_budget: text
                .len()
                .saturating_mul(MAX_NESTED_SCRIPTS as usize)
                .saturating_add(1 << 16),
        }
    }

    pub(super) fn run(mut self) -> Script<'a> {
        self.parse_script(Ctx::top());
        Script {
            commands: self.finish(),
        }
    }

    /// Parse the whole region, skipping closers nobody accepts.
    fn parse_script(&mut self, ctx: Ctx) {
        while self.pos < self.b.len() {
            let before = self.pos;
            self.parse_list(ctx);
            if self.pos == before {
                self.bump();
            }
        }
    }

    fn finish(mut self) -> Vec<Command<'a>> {
        for (c, r, body) in std::mem::take(&mut self.bodies) {
            if let Some(rd) = self
                .commands
                .get_mut(c)
                .and_then(|c| c.redirects.get_mut(r))
            {
                rd.heredoc = Some(body);
            }
        }
        self.commands
    }

    // ---- low-level scanning -------------------------------------------------------------------

    #[inline]
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    #[inline]
    fn cur(&self) -> Option<u8> {
        self.at(self.pos)
    }

    /// Step over one character (progress guarantee).
    fn bump(&mut self) {
        if let Some(c) = self.cur() {
            self.pos = (self.pos + utf8_len(c)).min(self.b.len());
        }
    }

    fn fresh_pipeline(&mut self) -> u32 {
        let id = self.pipelines;
        self.pipelines = self.pipelines.wrapping_add(1);
        id
    }

    /// Enter a recursive construct; false when the nesting bound is reached.
    fn enter(&mut self) -> bool {
        if self.level >= MAX_NESTING {
            return false;
        }
        self.level += 1;
        true
    }

    fn leave(&mut self) {
        self.level -= 1;
    }

    /// End of the run from `p` of bytes whose class has none of `mask`.
    #[inline]
    fn run_end(&self, p: usize, mask: u8) -> usize {
        let rest = &self.b[p..];
        p + rest
            .iter()
            .position(|&c| class(c) & mask != 0)
            .unwrap_or(rest.len())
    }

    /// Skip blanks and `\`-newline line continuations.
    /// Returns the byte it stopped at.
    #[inline(always)]
    fn skip_blanks(&mut self) -> Option<u8> {
        // Most calls find a word or operator right away, or after a single space.
        let mut c = self.cur();
        if c == Some(b' ') {
            self.pos += 1;
            c = self.cur();
        }
        match c {
            Some(c) if class(c) & BLANK != 0 || c == b'\\' => {
                self.skip_blanks_slow();
                self.cur()
            }
            c => c,
        }
    }

    #[inline(never)]
    fn skip_blanks_slow(&mut self) {
        let b = self.b;
        let mut p = self.pos;
        loop {
            // Runs of spaces (indentation of continued lines) are the common case: eight at a
            // time, then one by one.
            while let Some(chunk) = b.get(p..p + 8)
                && chunk == b"        "
            {
                p += 8;
            }
            while p < b.len() && b[p] == b' ' {
                p += 1;
            }
            match b.get(p) {
                Some(b'\t' | b'\r') => p += 1,
                Some(b'\\') => match (b.get(p + 1), b.get(p + 2)) {
                    (Some(b'\n'), _) => p += 2,
                    (Some(b'\r'), Some(b'\n')) => p += 3,
                    _ => break,
                },
                _ => break,
            }
        }
        self.pos = p;
    }

    /// Skip a `#` comment up to (not including) the newline.
    fn skip_comment(&mut self) {
        self.pos = match memchr(b'\n', &self.b[self.pos..]) {
            Some(k) => self.pos + k,
            None => self.b.len(),
        };
    }

    /// Skip blanks, comments and (when `newlines`) newlines, reading here-document bodies.
    fn skip_space(&mut self, newlines: bool) {
        loop {
            self.skip_blanks();
            match self.cur() {
                Some(b'#') => self.skip_comment(),
                Some(b'\n') if newlines => self.newline(),
                _ => return,
            }
        }
    }

    /// End of the run of plain bytes at `p` (for peeking at reserved words).
    fn raw_run(&self, p: usize) -> usize {
        self.run_end(p, RAW_STOP)
    }

    /// Whether a word ending at `e` ends there (end of region, blank or operator next).
    fn delimited(&self, e: usize) -> bool {
        e >= self.b.len() || class(self.b[e]) & DELIM != 0
    }

    /// The unquoted, delimited word at the current position, if any.
    fn peek_raw_word(&self) -> &'a [u8] {
        let e = self.raw_run(self.pos);
        if e > self.pos && self.delimited(e) {
            &self.b[self.pos..e]
        } else {
            b""
        }
    }

    fn peek_word(&self, kw: &[u8]) -> bool {
        self.peek_raw_word() == kw
    }

    /// A closing token at the current position: its bit and length.
    fn peek_closer(&self) -> Option<(u16, usize)> {
        match self.cur()? {
            b')' => Some((RPAREN, 1)),
            b';' => match self.at(self.pos + 1) {
                Some(b';') if self.at(self.pos + 2) == Some(b'&') => Some((DSEMI, 3)),
                Some(b';') | Some(b'&') => Some((DSEMI, 2)),
                _ => None,
            },
            c @ (b't' | b'e' | b'f' | b'd' | b'}') => {
                let second = self.at(self.pos + 1);
                let plausible = match c {
                    b't' => second == Some(b'h'),
                    b'e' => matches!(second, Some(b'l' | b's')),
                    b'f' => second == Some(b'i'),
                    b'd' => second == Some(b'o'),
                    _ => true,
                };
                if !plausible {
                    return None;
                }
                let w = self.peek_raw_word();
                let bit = match w {
                    b"then" => THEN,
                    b"elif" => ELIF,
                    b"else" => ELSE,
                    b"fi" => FI,
                    b"do" => DO,
                    b"done" => DONE,
                    b"esac" => ESAC,
                    b"}" => RBRACE,
                    _ => return None,
                };
                Some((bit, w.len()))
            }
            _ => None,
        }
    }

    /// Consume a newline token and read the bodies of pending here-documents after it.
    fn newline(&mut self) {
        self.pos += 1;
        if self.pending.is_empty() {
            return;
        }
        for p in std::mem::take(&mut self.pending) {
            if let Some((body_end, next)) = self.find_terminator(&p.delim, p.chomp) {
                self.bodies
                    .push((p.cmd, p.redir, Span::new(self.pos, body_end)));
                self.pos = next;
            }
        }
    }

    /// Find the line holding only `delim` from the current position: (its start, the position
    /// after it). `None` when absent, or when the scanning budget is spent.
    fn find_terminator(&mut self, delim: &str, chomp: bool) -> Option<(usize, usize)> {
        let mut i = self.pos;
        while i < self.b.len() {
            let nl = memchr(b'\n', &self.b[i..]).map_or(self.b.len(), |k| i + k);
            let used = nl - i + 1;
            if used > self.heredoc_budget {
                self.heredoc_budget = 0;
                return None;
            }
            self.heredoc_budget -= used;
            let mut line = &self.text[i..nl];
            line = line.strip_suffix('\r').unwrap_or(line);
            if chomp {
                line = line.trim_start_matches('\t');
            }
            if line == delim {
                return Some((i, (nl + 1).min(self.b.len())));
            }
            i = nl + 1;
        }
        None
    }

    /// Skip balanced parentheses without parsing (past the nesting bound): `depth` are open.
    /// Iterative, so any depth is fine.
    fn skip_parens(&mut self, mut depth: usize) {
        while let Some(c) = self.cur() {
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b'\\' => self.pos += 1,
                b'\'' => {
                    self.pos = match memchr(b'\'', &self.b[self.pos + 1..]) {
                        Some(k) => self.pos + 1 + k,
                        None => self.b.len(),
                    }
                }
                b'"' => {
                    self.pos += 1;
                    while let Some(c) = self.cur() {
                        match c {
                            b'\\' => self.pos += 1,
                            b'"' => break,
                            _ => {}
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos = (self.pos + 1).min(self.b.len());
        }
    }

    /// Skip arithmetic text up to the `)` closing `depth` open parentheses (no quotes there).
    fn skip_arith(&mut self, mut depth: usize) {
        while let Some(c) = self.cur() {
            self.pos += 1;
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    // ---- lists, pipelines, commands -----------------------------------------------------------

    /// Parse commands until a closer accepted by `ctx.closers` (returned, not consumed) or the
    /// end of the region (`None`). Closers nobody accepts are skipped.
    fn parse_list(&mut self, ctx: Ctx) -> Option<u16> {
        let mut after_cmd = false;
        loop {
            let c = self.skip_blanks()?;
            match c {
                b'\n' => {
                    self.newline();
                    if after_cmd {
                        self.next_sep = Sep::Seq;
                        after_cmd = false;
                    }
                    continue;
                }
                b'#' => {
                    self.skip_comment();
                    continue;
                }
                _ => {}
            }
            if let Some((closer, len)) = self.peek_closer() {
                if ctx.closers & closer != 0 {
                    return Some(closer);
                }
                // Stray: `fi` without `if`, `;;` outside `case`, `)` with nothing open.
                self.pos += len;
                if closer == DSEMI {
                    self.next_sep = Sep::Seq;
                    after_cmd = false;
                }
                continue;
            }
            let next = self.at(self.pos + 1);
            match (c, next) {
                (b';', _) => {
                    self.pos += 1;
                    self.next_sep = Sep::Seq;
                    after_cmd = false;
                    continue;
                }
                (b'&', Some(b'&')) | (b'|', Some(b'|')) => {
                    self.pos += 2;
                    self.next_sep = if c == b'&' { Sep::And } else { Sep::Or };
                    after_cmd = false;
                    continue;
                }
                (b'&', Some(b'>')) => {}
                (b'&', _) => {
                    self.pos += 1;
                    self.next_sep = Sep::Background;
                    after_cmd = false;
                    continue;
                }
                (b'|', _) => {
                    // A pipe with nothing before it.
                    self.pos += if next == Some(b'&') { 2 } else { 1 };
                    self.next_sep = Sep::Pipe;
                    after_cmd = false;
                    continue;
                }
                _ => {}
            }
            let before = self.pos;
            self.parse_pipeline(ctx);
            after_cmd = true;
            if self.pos == before {
                self.bump();
            }
        }
    }

    /// `[!] command [| command]…`
    fn parse_pipeline(&mut self, mut ctx: Ctx) {
        loop {
            if self.skip_blanks() == Some(b'!') && self.peek_word(b"!") {
                self.pos += 1;
                ctx.negated = true;
            } else {
                break;
            }
        }
        let id = match self.lead_pipeline.take() {
            Some(id) => id,
            None => self.fresh_pipeline(),
        };
        loop {
            self.parse_command(ctx, id);
            match (self.skip_blanks(), self.at(self.pos + 1)) {
                (Some(b'|'), Some(b'|')) => break,
                (Some(b'|'), Some(b'&')) => self.pos += 2,
                (Some(b'|'), _) => self.pos += 1,
                _ => break,
            }
            self.next_sep = Sep::Pipe;
            self.skip_space(true);
            // `a | fi`: leave the closer to the list (`parse_list` checked the first element).
            if self.peek_closer().is_some() {
                break;
            }
        }
    }

    /// One command: compound or simple.
    fn parse_command(&mut self, ctx: Ctx, id: u32) {
        let Some(c) = self.skip_blanks() else { return };
        if c == b'(' {
            if self.at(self.pos + 1) == Some(b'(') {
                // `(( arithmetic ))`: not a program run.
                self.pos += 2;
                self.skip_arith(2);
            } else if self.enter() {
                self.pos += 1;
                let mut inner = ctx.inner(RPAREN);
                inner.subshell = true;
                self.lead_pipeline = Some(id);
                if self.parse_list(inner) == Some(RPAREN) {
                    self.pos += 1;
                }
                self.lead_pipeline = None;
                self.leave();
            } else {
                self.pos += 1;
                self.skip_parens(1);
            }
            self.trailing_redirects(ctx);
            return;
        }
        // Only a few first bytes can start a keyword; skip the peek for the rest.
        let word = match (c, self.at(self.pos + 1)) {
            (b'{', _)
            | (b'i', Some(b'f'))
            | (b'w', Some(b'h'))
            | (b'u', Some(b'n'))
            | (b'f', Some(b'o' | b'u'))
            | (b's', Some(b'e'))
            | (b'c', Some(b'a')) => self.peek_raw_word(),
            _ => b"",
        };
        let compound = matches!(
            word,
            b"{" | b"if" | b"while" | b"until" | b"for" | b"select" | b"case" | b"function"
        );
        if compound && self.enter() {
            self.lead_pipeline = Some(id);
            match word {
                b"{" => {
                    self.pos += 1;
                    if self.parse_list(ctx.inner(RBRACE)) == Some(RBRACE) {
                        self.pos += 1;
                    }
                }
                b"if" => self.parse_if(ctx),
                b"while" | b"until" => self.parse_while(ctx, word.len()),
                b"for" | b"select" => self.parse_for(ctx, word.len()),
                b"case" => self.parse_case(ctx),
                _ => self.parse_function(ctx),
            }
            self.lead_pipeline = None;
            self.leave();
            self.trailing_redirects(ctx);
            return;
        }
        self.simple_command(ctx, id);
    }

    /// The body of a function definition (after the name and `()`).
    fn function_body(&mut self, ctx: Ctx) {
        self.skip_space(true);
        if !self.enter() {
            return;
        }
        let mut inner = ctx;
        inner.function = true;
        let saved = std::mem::replace(&mut self.next_sep, Sep::Start);
        let id = self.fresh_pipeline();
        self.parse_command(inner, id);
        self.next_sep = saved;
        self.leave();
    }

    /// `function name [()] body`
    fn parse_function(&mut self, ctx: Ctx) {
        self.pos += b"function".len();
        self.skip_blanks();
        if self.cur().is_some_and(|c| class(c) & DELIM == 0) {
            self.scan_word(ctx, false);
        }
        self.skip_blanks();
        if self.cur() == Some(b'(') {
            let mut p = self.pos + 1;
            while self.at(p).is_some_and(|c| class(c) & BLANK != 0) {
                p += 1;
            }
            if self.at(p) == Some(b')') {
                self.pos = p + 1;
            }
        }
        self.function_body(ctx);
    }

    /// `if list; then list; [elif list; then list;]… [else list;] fi`
    fn parse_if(&mut self, ctx: Ctx) {
        self.pos += 2;
        let mut cond = ctx.inner(THEN | ELIF | ELSE | FI);
        cond.condition = true;
        let body = ctx.inner(ELIF | ELSE | FI);
        let mut closer = self.parse_list(cond);
        loop {
            match closer {
                Some(THEN) => {
                    self.pos += 4;
                    self.next_sep = Sep::Start;
                    closer = self.parse_list(body);
                }
                Some(ELIF) => {
                    self.pos += 4;
                    self.next_sep = Sep::Start;
                    closer = self.parse_list(cond);
                }
                Some(ELSE) => {
                    self.pos += 4;
                    self.next_sep = Sep::Start;
                    closer = self.parse_list(ctx.inner(FI));
                }
                Some(FI) => {
                    self.pos += 2;
                    return;
                }
                _ => return,
            }
        }
    }

    /// `while|until list; do list; done`
    fn parse_while(&mut self, ctx: Ctx, kw: usize) {
        self.pos += kw;
        let mut cond = ctx.inner(DO | DONE);
        cond.condition = true;
        let mut closer = self.parse_list(cond);
        if closer == Some(DO) {
            self.pos += 2;
            self.next_sep = Sep::Start;
            closer = self.parse_list(ctx.inner(DONE));
        }
        if closer == Some(DONE) {
            self.pos += 4;
        }
    }

    /// `for name [in words…]; do list; done`, `for ((…)); do …`, and `select`.
    fn parse_for(&mut self, ctx: Ctx, kw: usize) {
        self.pos += kw;
        self.skip_blanks();
        if self.cur() == Some(b'(') && self.at(self.pos + 1) == Some(b'(') {
            self.pos += 2;
            self.skip_arith(2);
        } else if self.cur().is_some_and(|c| class(c) & DELIM == 0) {
            self.scan_word(ctx, false);
        }
        self.skip_space(true);
        if self.peek_word(b"in") {
            self.pos += 2;
            loop {
                self.skip_blanks();
                match self.cur() {
                    Some(b'#') => self.skip_comment(),
                    Some(c) if class(c) & DELIM == 0 => {
                        // Loop words are not a command, but `$(…)` in them runs.
                        self.scan_word(ctx.inner(0), false);
                    }
                    _ => break,
                }
            }
        }
        self.skip_blanks();
        if self.cur() == Some(b';') && self.at(self.pos + 1) != Some(b';') {
            self.pos += 1;
        }
        self.skip_space(true);
        let body = ctx.inner(DONE);
        if self.peek_word(b"do") {
            self.pos += 2;
            if self.parse_list(body) == Some(DONE) {
                self.pos += 4;
            }
        } else if self.peek_word(b"{") {
            // bash accepts a brace group as the body.
            self.pos += 1;
            if self.parse_list(ctx.inner(RBRACE)) == Some(RBRACE) {
                self.pos += 1;
            }
        }
    }

    /// `case word in [(]pattern[|pattern]…) list ;; … esac`
    fn parse_case(&mut self, ctx: Ctx) {
        self.pos += 4;
        self.skip_blanks();
        if self.cur().is_some_and(|c| class(c) & DELIM == 0) {
            self.scan_word(ctx.inner(0), false);
        }
        self.skip_space(true);
        if self.peek_word(b"in") {
            self.pos += 2;
        }
        let lead = self.next_sep;
        let arm = ctx.inner(DSEMI | ESAC);
        loop {
            self.skip_space(true);
            let Some(c) = self.cur() else { return };
            if self.peek_word(b"esac") {
                self.pos += 4;
                return;
            }
            if let Some((closer, _)) = self.peek_closer()
                && closer != RPAREN
                && closer != DSEMI
                && ctx.closers & closer != 0
            {
                return;
            }
            // patterns
            if c == b'(' {
                self.pos += 1;
            }
            loop {
                self.skip_blanks();
                match self.cur() {
                    Some(b'|') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(b'\n') | None => break,
                    Some(c) if class(c) & DELIM != 0 => {
                        // Not a pattern character; give up on this arm's patterns.
                        break;
                    }
                    Some(_) => {
                        self.scan_word(ctx.inner(0), false);
                    }
                }
            }
            self.next_sep = lead;
            let before = self.pos;
            match self.parse_list(arm) {
                Some(DSEMI) => {
                    let len = self.peek_closer().map_or(1, |(_, l)| l);
                    self.pos += len;
                }
                Some(ESAC) => {
                    self.pos += 4;
                    return;
                }
                Some(_) => return,
                None => return,
            }
            if self.pos == before {
                self.bump();
            }
        }
    }

    /// Redirections after a compound command: parsed (here-documents need them) and dropped.
    fn trailing_redirects(&mut self, ctx: Ctx) {
        let mut sink = Vec::new();
        loop {
            self.skip_blanks();
            if self.redirect_len().is_none() {
                return;
            }
            self.redirect(ctx, usize::MAX, &mut sink);
            sink.clear();
        }
    }

    /// Length of an fd-and-operator redirection at the current position, if one starts here.
    fn redirect_len(&self) -> Option<(usize, usize)> {
        let p = self.pos;
        let mut d = p;
        while self.at(d).is_some_and(|c| c.is_ascii_digit()) {
            d += 1;
        }
        let c = self.at(d)?;
        let n1 = self.at(d + 1);
        let n2 = self.at(d + 2);
        let op = match c {
            b'<' => match (n1, n2) {
                (Some(b'('), _) => return None,
                (Some(b'<'), Some(b'<')) => 3,
                (Some(b'<'), Some(b'-')) => 3,
                (Some(b'<'), _) | (Some(b'&'), _) | (Some(b'>'), _) => 2,
                _ => 1,
            },
            b'>' => match n1 {
                Some(b'(') => return None,
                Some(b'>') | Some(b'&') | Some(b'|') => 2,
                _ => 1,
            },
            b'&' if d == p => match (n1, n2) {
                (Some(b'>'), Some(b'>')) => 3,
                (Some(b'>'), _) => 2,
                _ => return None,
            },
            _ => return None,
        };
        Some((d - p, op))
    }

    /// Parse one redirection at the current position into `out`; `cmd` is the command's index
    /// for here-document bookkeeping (`usize::MAX`: not recorded).
    fn redirect(&mut self, ctx: Ctx, cmd: usize, out: &mut Vec<Redirect<'a>>) {
        let Some((fd, op)) = self.redirect_len() else {
            return;
        };
        let start = self.pos;
        let op_end = start + fd + op;
        let op_text = &self.text[start..op_end];
        self.pos = op_end;
        self.skip_blanks();
        let target = match self.cur() {
            Some(c) if class(c) & DELIM == 0 => Some(self.scan_word(ctx, false).0),
            _ => {
                self.pos = op_end;
                None
            }
        };
        let end = target.as_ref().map_or(op_end, |t| t.span.end as usize);
        let operator = &op_text[fd..];
        // Also for redirections after compound commands (`done <<EOF`): the body must be
        // skipped even though nothing records it (`cmd` is `usize::MAX` then).
        if (operator == "<<" || operator == "<<-")
            && let Some(t) = &target
        {
            self.pending.push(Pending {
                delim: t.value.clone(),
                chomp: operator == "<<-",
                cmd,
                redir: out.len(),
            });
        }
        out.push(Redirect {
            span: Span::new(start, end),
            op: op_text,
            target,
            heredoc: None,
        });
    }

    /// A simple command: assignments, words and redirections up to an operator or newline.
    fn simple_command(&mut self, ctx: Ctx, id: u32) {
        let idx = self.commands.len();
        let sep = std::mem::replace(&mut self.next_sep, Sep::Start);
        // Reserve the slot so commands found inside the arguments come after this one.
        self.commands.push(Command {
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            span: Span::empty(self.pos),
            sep,
            pipeline: id,
            depth: ctx.depth,
            subshell: ctx.subshell,
            substitution: ctx.substitution,
            condition: ctx.condition,
            negated: ctx.negated,
            function: ctx.function,
            nested_in: ctx.nested_in,
            unwrap_at: 0,
        });
        let base = self.words.len();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let start = self.pos;
        let mut last = self.pos;
        let mut test_mode = false;
        while let Some(c) = self.skip_blanks() {
            if class(c) & ARG_SLOW == 0 && !test_mode {
                // An ordinary word: the common case.
                let first = self.words.len() == base;
                let (w, assign) = self.scan_word(ctx, first);
                last = w.span.end as usize;
                if first && assign {
                    assignments.push(w);
                } else {
                    if first && !w.quoted && w.value == "[[" {
                        test_mode = true;
                    }
                    self.words.push(w);
                }
                continue;
            }
            if test_mode {
                // `[[ … ]]`: `&&`, `||`, `<`, `>`, `(`, `)`, `!` are words, not operators.
                if self.peek_word(b"]]") {
                    let s = self.pos;
                    self.pos += 2;
                    self.words.push(raw_word(self.text, s, self.pos));
                    last = self.pos;
                    test_mode = false;
                    continue;
                }
                let n = self.at(self.pos + 1);
                let len = match (c, n) {
                    (b'&', Some(b'&')) | (b'|', Some(b'|')) => 2,
                    (b'<' | b'>' | b'(' | b')', _) => 1,
                    _ => 0,
                };
                if len > 0 {
                    let s = self.pos;
                    self.pos += len;
                    self.words.push(raw_word(self.text, s, self.pos));
                    last = self.pos;
                    continue;
                }
            }
            match c {
                b'(' if self.words.len() == base + 1
                    && assignments.is_empty()
                    && redirects.is_empty()
                    && self.level < MAX_NESTING =>
                {
                    // `name ( )`: a function definition, not a command.
                    let mut p = self.pos + 1;
                    while self.at(p).is_some_and(|c| class(c) & BLANK != 0) {
                        p += 1;
                    }
                    if self.at(p) != Some(b')') {
                        break;
                    }
                    self.pos = p + 1;
                    self.words.truncate(base);
                    if self.commands.len() == idx + 1 {
                        self.commands.pop();
                        self.next_sep = sep;
                    }
                    self.function_body(ctx);
                    return;
                }
                b'\n' | b';' | b'|' | b')' | b'(' => break,
                b'#' => {
                    self.skip_comment();
                    continue;
                }
                b'&' if self.at(self.pos + 1) != Some(b'>') => break,
                _ => {}
            }
            if matches!(c, b'0'..=b'9' | b'<' | b'>' | b'&') && self.redirect_len().is_some() {
                self.redirect(ctx, idx, &mut redirects);
                last = self.pos;
                continue;
            }
            let first = self.words.len() == base;
            let (w, assign) = self.scan_word(ctx, first);
            if w.span.is_empty() {
                // Nothing consumed (cannot happen for a non-delimiter; stay safe).
                self.bump();
                continue;
            }
            last = w.span.end as usize;
            if first && assign {
                assignments.push(w);
            } else {
                if first && w.value == "[[" && !w.quoted {
                    test_mode = true;
                }
                self.words.push(w);
            }
        }
        // One exact-size allocation and a memcpy (`split_off` allocates exactly the tail).
        let words: Vec<Word<'a>> = self.words.split_off(base);
        if words.is_empty() && assignments.is_empty() && redirects.is_empty() {
            if self.commands.len() == idx + 1 {
                self.commands.pop();
                self.next_sep = sep;
            }
            return;
        }
        let cmd = &mut self.commands[idx];
        cmd.span = Span::new(start, last);
        cmd.words = words;
        cmd.assignments = assignments;
        cmd.redirects = redirects;
        self.nested_script(idx, ctx);
    }

    // ---- words --------------------------------------------------------------------------------

    /// Read one word at the current position (which must not be a delimiter). Returns the word
    /// and whether it has the shape of an assignment (`NAME=…`, `NAME+=…`, `NAME[i]=…`).
    /// `array` allows a bash array value `NAME=(a b c)`.
    fn scan_word(&mut self, ctx: Ctx, array: bool) -> (Word<'a>, bool) {
        // The position lives in `p` and is written back only around calls that move it: this
        // is the hottest loop of the parser.
        let bytes: &'a [u8] = self.b;
        let start = self.pos;
        let mut p = start;
        let mut v = Val::new(self.text);
        let mut literal = true;
        let mut quoted = false;
        let mut assign = false;

        match bytes.get(p) {
            Some(b'~') => literal = false,
            // Process substitution `<(…)` / `>(…)` at the start of a word.
            Some(b'<' | b'>') if bytes.get(p + 1) == Some(&b'(') => {
                self.pos = p + 2;
                self.command_subst(ctx);
                p = self.pos;
                literal = false;
                v.range(start, p);
            }
            _ => {}
        }

        let mut bracket = false;
        let mut glob_bracket = false;
        let mut eq_seen = false;
        // Brace expansion: an unquoted `{` and a later `}` with `,` or `..` between. `brace`
        // is where the search for a separator resumes, so each byte is looked at once.
        let mut brace: Option<usize> = None;
        loop {
            let run = p;
            while p < bytes.len() && class(bytes[p]) & SPECIAL == 0 {
                p += 1;
            }
            v.range(run, p);
            let Some(&c) = bytes.get(p) else { break };
            match c {
                _ if class(c) & DELIM != 0 => break,
                b'=' => {
                    v.range(p, p + 1);
                    // The first `=` after a name (`NAME=`, `NAME+=`, `NAME[i]=`) makes an
                    // assignment; checked here rather than up front so ordinary words are
                    // scanned once. Only the first `=` is checked, which keeps `a[====…`
                    // linear (and leaves `a[i=1]=x` an ordinary word).
                    let prefix = &bytes[start..p];
                    p += 1;
                    if !eq_seen && is_assignment_prefix(prefix) {
                        assign = true;
                        (bracket, glob_bracket) = (false, false);
                        match bytes.get(p) {
                            Some(b'(') if array => {
                                self.pos = p + 1;
                                self.array_body(ctx);
                                let word = Word {
                                    span: Span::new(start, self.pos),
                                    value: Cow::Borrowed(&self.text[start..self.pos]),
                                    literal: false,
                                    quoted: false,
                                };
                                return (word, true);
                            }
                            Some(b'~') => literal = false,
                            _ => {}
                        }
                    }
                    eq_seen = true;
                }
                b'\'' => {
                    quoted = true;
                    let s = p + 1;
                    match memchr(b'\'', &bytes[s..]) {
                        Some(k) => {
                            v.range(s, s + k);
                            p = s + k + 1;
                        }
                        None => {
                            v.range(s, bytes.len());
                            p = bytes.len();
                        }
                    }
                }
                b'"' => {
                    quoted = true;
                    self.pos = p + 1;
                    self.dquote(ctx, &mut v, &mut literal);
                    p = self.pos;
                }
                b'\\' => match bytes.get(p + 1) {
                    None => {
                        v.range(p, p + 1);
                        p += 1;
                    }
                    Some(b'\n') => p += 2,
                    Some(&n) => {
                        quoted = true;
                        let e = (p + 1 + utf8_len(n)).min(bytes.len());
                        v.range(p + 1, e);
                        p = e;
                    }
                },
                b'$' => {
                    self.pos = p;
                    self.dollar(ctx, &mut v, &mut literal, &mut quoted, false);
                    p = self.pos;
                }
                b'`' => {
                    literal = false;
                    self.pos = p;
                    self.backtick(ctx);
                    v.range(p, self.pos);
                    p = self.pos;
                }
                _ => {
                    match c {
                        b'*' | b'?' => literal = false,
                        b'[' => bracket = true,
                        b']' if bracket => glob_bracket = true,
                        b'{' => {
                            brace.get_or_insert(p);
                        }
                        b'}' => {
                            if let Some(from) = brace {
                                let inside = &bytes[from..p];
                                if memchr(b',', inside).is_some()
                                    || inside.windows(2).any(|w| w == b"..")
                                {
                                    literal = false;
                                }
                                // Resume one byte back so a `..` across the boundary is seen.
                                brace = Some(p.saturating_sub(1).max(from));
                            }
                        }
                        _ => {}
                    }
                    v.range(p, p + 1);
                    p += 1;
                }
            }
        }
        self.pos = p;
        let word = Word {
            span: Span::new(start, p),
            value: v.finish(),
            literal: literal && !glob_bracket,
            quoted,
        };
        (word, assign)
    }

    /// The elements of `NAME=(…)` up to the closing `)`.
    fn array_body(&mut self, ctx: Ctx) {
        loop {
            self.skip_space(true);
            match self.cur() {
                None => return,
                Some(b')') => {
                    self.pos += 1;
                    return;
                }
                Some(c) if class(c) & DELIM != 0 => self.pos += 1,
                Some(_) => {
                    self.scan_word(ctx, false);
                }
            }
        }
    }

    /// The inside of `"…"` after the opening quote, through the closing quote.
    fn dquote(&mut self, ctx: Ctx, v: &mut Val<'a>, literal: &mut bool) {
        let bytes: &'a [u8] = self.b;
        let mut p = self.pos;
        loop {
            let run = p;
            while p < bytes.len() && class(bytes[p]) & DQ == 0 {
                p += 1;
            }
            v.range(run, p);
            let Some(&c) = bytes.get(p) else { break };
            match c {
                b'"' => {
                    p += 1;
                    break;
                }
                b'\\' => match bytes.get(p + 1) {
                    Some(b'$' | b'`' | b'"' | b'\\') => {
                        v.range(p + 1, p + 2);
                        p += 2;
                    }
                    Some(b'\n') => p += 2,
                    _ => {
                        v.range(p, p + 1);
                        p += 1;
                    }
                },
                b'$' => {
                    let mut q = true;
                    self.pos = p;
                    self.dollar(ctx, v, literal, &mut q, true);
                    p = self.pos;
                }
                _ => {
                    // backtick
                    *literal = false;
                    self.pos = p;
                    self.backtick(ctx);
                    v.range(p, self.pos);
                    p = self.pos;
                }
            }
        }
        self.pos = p;
    }

    /// A `$` at the current position: parameter, `${…}`, `$(…)`, `$((…))`, `$[…]`, `$'…'`,
    /// `$"…"`, or a lone `$`.
    fn dollar(
        &mut self,
        ctx: Ctx,
        v: &mut Val<'a>,
        literal: &mut bool,
        quoted: &mut bool,
        in_dquote: bool,
    ) {
        let s = self.pos;
        match self.at(s + 1) {
            Some(b'(') if self.at(s + 2) == Some(b'(') => {
                self.pos = s + 3;
                self.skip_arith(2);
            }
            Some(b'(') => {
                self.pos = s + 2;
                self.command_subst(ctx);
            }
            Some(b'{') => {
                self.pos = s + 2;
                self.brace_param(ctx);
            }
            Some(b'[') => {
                self.pos = s + 2;
                let mut depth = 1usize;
                while let Some(c) = self.cur() {
                    self.pos += 1;
                    match c {
                        b'[' => depth += 1,
                        b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            Some(b'\'') if !in_dquote => {
                *quoted = true;
                self.pos = s + 2;
                self.ansi_c(v);
                return;
            }
            Some(b'"') if !in_dquote => {
                // `$"…"` (locale translation): the word loop reads the quotes.
                self.pos = s + 1;
                return;
            }
            Some(c) if is_name_start(c) => {
                self.pos = s + 2;
                while self.cur().is_some_and(is_name_char) {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() || b"@*#?-$!".contains(&c) => self.pos = s + 2,
            _ => {
                v.range(s, s + 1);
                self.pos = s + 1;
                return;
            }
        }
        *literal = false;
        v.range(s, self.pos);
    }

    /// The inside of `${…}` after `${`, through the closing `}`. Substitutions inside run.
    fn brace_param(&mut self, ctx: Ctx) {
        if !self.enter() {
            let mut depth = 1usize;
            while let Some(c) = self.cur() {
                self.pos += 1;
                match c {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return;
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let mut sink = Val::sink(self.text);
        let (mut lit, mut q) = (true, true);
        let mut depth = 1usize;
        while let Some(c) = self.cur() {
            match c {
                b'}' => {
                    self.pos += 1;
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'{' => {
                    self.pos += 1;
                    depth += 1;
                }
                b'\\' => self.pos = (self.pos + 2).min(self.b.len()),
                b'\'' => {
                    self.pos = match memchr(b'\'', &self.b[self.pos + 1..]) {
                        Some(k) => self.pos + k + 2,
                        None => self.b.len(),
                    };
                }
                b'"' => {
                    self.pos += 1;
                    self.dquote(ctx, &mut sink, &mut lit);
                }
                b'$' => self.dollar(ctx, &mut sink, &mut lit, &mut q, false),
                b'`' => self.backtick(ctx),
                _ => self.pos += 1,
            }
        }
        self.leave();
    }

    /// The inside of `$'…'` after `$'`, through the closing quote, with escapes decoded.
    fn ansi_c(&mut self, v: &mut Val<'a>) {
        loop {
            let run = self.pos;
            while self.pos < self.b.len() && !matches!(self.b[self.pos], b'\'' | b'\\') {
                self.pos += 1;
            }
            v.range(run, self.pos);
            let Some(c) = self.cur() else { return };
            self.pos += 1;
            if c == b'\'' {
                return;
            }
            let Some(e) = self.cur() else {
                v.push_str("\\");
                return;
            };
            self.pos += 1;
            let simple = match e {
                b'n' => Some('\n'),
                b't' => Some('\t'),
                b'r' => Some('\r'),
                b'a' => Some('\u{7}'),
                b'b' => Some('\u{8}'),
                b'e' | b'E' => Some('\u{1b}'),
                b'f' => Some('\u{c}'),
                b'v' => Some('\u{b}'),
                b'\\' => Some('\\'),
                b'\'' => Some('\''),
                b'"' => Some('"'),
                b'?' => Some('?'),
                _ => None,
            };
            if let Some(ch) = simple {
                v.push_str(ch.encode_utf8(&mut [0; 4]));
                continue;
            }
            let (radix, max, skip) = match e {
                b'x' => (16, 2, 0),
                b'u' => (16, 4, 0),
                b'U' => (16, 8, 0),
                b'0'..=b'7' => (8, 3, 1),
                b'c' => {
                    // control character
                    if let Some(x) = self.cur().filter(u8::is_ascii) {
                        self.pos += 1;
                        v.push_str(char::from(x & 0x1f).encode_utf8(&mut [0; 4]));
                    }
                    continue;
                }
                _ => {
                    // unknown escape: kept as written
                    let start = self.pos - 2;
                    let end = (start + 1 + utf8_len(e)).min(self.b.len());
                    self.pos = end;
                    v.range(start, end);
                    continue;
                }
            };
            // Octal escapes count the first digit, which was already consumed.
            if skip == 1 {
                self.pos -= 1;
            }
            let mut n: u32 = 0;
            let mut digits = 0;
            while digits < max {
                let Some(d) = self.cur().and_then(|c| (c as char).to_digit(radix)) else {
                    break;
                };
                n = n.wrapping_mul(radix).wrapping_add(d);
                self.pos += 1;
                digits += 1;
            }
            if digits == 0 {
                let start = self.pos - 2;
                v.range(start, self.pos);
                continue;
            }
            let ch = if e == b'x' || skip == 1 {
                // A byte: only ASCII is a character on its own.
                if n < 0x80 {
                    char::from(n as u8)
                } else {
                    '\u{fffd}'
                }
            } else {
                char::from_u32(n).unwrap_or('\u{fffd}')
            };
            v.push_str(ch.encode_utf8(&mut [0; 4]));
        }
    }

    /// The inside of `$(…)` or `<(…)` after the `(`, through the closing `)`.
    fn command_subst(&mut self, ctx: Ctx) {
        if !self.enter() {
            self.skip_parens(1);
            return;
        }
        let mark = self.commands.len();
        let saved_sep = std::mem::replace(&mut self.next_sep, Sep::Start);
        let saved_lead = self.lead_pipeline.take();
        let saved_pending = std::mem::take(&mut self.pending);
        if self.parse_list(ctx.substitution(RPAREN)) == Some(RPAREN) {
            self.pos += 1;
        }
        self.pending = saved_pending;
        self.next_sep = saved_sep;
        self.lead_pipeline = saved_lead;
        if ctx.discard {
            self.drop_commands_from(mark);
        }
        self.leave();
    }

    /// A backtick substitution at the current position, through the closing backtick. Its body
    /// is parsed in place; `\`` inside stays as written.
    fn backtick(&mut self, ctx: Ctx) {
        let open = self.pos;
        let mut i = open + 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => break,
                _ => i += 1,
            }
        }
        let close = i.min(self.b.len());
        let after = (close + 1).min(self.b.len());
        if !self.enter() {
            self.pos = after;
            return;
        }
        let mark = self.commands.len();
        self.pos = open + 1;
        self.parse_region(close, ctx.substitution(0));
        self.pos = after;
        if ctx.discard {
            self.drop_commands_from(mark);
        }
        self.leave();
    }

    /// Parse `[pos, end)` as a script of its own, then restore the parser's region.
    fn parse_region(&mut self, end: usize, ctx: Ctx) {
        let text: &'a str = self.text;
        let saved_b = std::mem::replace(&mut self.b, &text.as_bytes()[..end]);
        let saved_sep = std::mem::replace(&mut self.next_sep, Sep::Start);
        let saved_lead = self.lead_pipeline.take();
        let saved_pending = std::mem::take(&mut self.pending);
        self.parse_script(ctx);
        self.pending = saved_pending;
        self.next_sep = saved_sep;
        self.lead_pipeline = saved_lead;
        self.b = saved_b;
    }

    fn drop_commands_from(&mut self, mark: usize) {
        self.commands.truncate(mark);
        // Bodies found since `mark` are at the end (recorded in order); popping them, rather
        // than filtering all, keeps many dropped substitutions linear.
        while self.bodies.last().is_some_and(|b| b.0 >= mark) {
            self.bodies.pop();
        }
    }

    // ---- nested scripts (`sh -c '…'`) ---------------------------------------------------------

    /// If command `idx` runs a shell on a string (`sh -c '…'`, `su -c '…'`), parse that string
    /// and append its commands.
    fn nested_script(&mut self, idx: usize, ctx: Ctx) {
        if self.scripts >= MAX_NESTED_SCRIPTS {
            return;
        }
        let words = &self.commands[idx].words;
        // Most commands are neither shells nor wrappers: decide that without unwrapping.
        let Some(first) = words.first() else { return };
        let name = basename(&first.value);
        if !may_run_script(name) {
            return;
        }
        let mut unwrapped = super::unwrap_wrappers(words);
        // `find … -exec sh -c '…' {} +`: the command after `-exec` is what runs.
        if unwrapped
            .first()
            .is_some_and(|w| basename(&w.value) == "find")
        {
            let exec = unwrapped
                .iter()
                .position(|w| matches!(&*w.value, "-exec" | "-execdir" | "-ok" | "-okdir"));
            let Some(k) = exec else { return };
            unwrapped = super::unwrap_wrappers(&unwrapped[k + 1..]);
        }
        let Some((wi, off)) = script_arg(unwrapped) else {
            return;
        };
        // The word index is relative to the unwrapped argv, a suffix of the full argv.
        let wi = words.len() - unwrapped.len() + wi;
        let word = &words[wi];
        let span = word.span;
        let raw = &self.text[span.range()];
        let single_quoted = raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'');
        let mut sub = Ctx::top();
        sub.depth = ctx.depth.saturating_add(1);
        sub.subshell = true;
        sub.substitution = ctx.substitution;
        sub.function = ctx.function;
        sub.nested_in = Some(idx);
        match &word.value {
            Cow::Borrowed(value) => {
                let value: &'a str = value;
                let script = &value[off.min(value.len())..];
                let base = self.text.as_ptr() as usize;
                let at = script.as_ptr() as usize;
                if script.is_empty() || at < base || at + script.len() > base + self.text.len() {
                    return;
                }
                let start = at - base;
                let Some(left) = self.nested_budget.checked_sub(script.len()) else {
                    return;
                };
                self.nested_budget = left;
                // Unquoted or double-quoted text was already expanded by the outer shell, whose
                // parse recorded its substitutions; single-quoted text is expanded by the inner.
                sub.discard = !single_quoted;
                let saved_pos = std::mem::replace(&mut self.pos, start);
                self.scripts += 1;
                if self.enter() {
                    self.parse_region(start + script.len(), sub);
                    self.leave();
                }
                self.scripts -= 1;
                self.pos = saved_pos;
            }
            Cow::Owned(value) => {
                let script = value[off.min(value.len())..].to_owned();
                if script.is_empty() || self.level >= MAX_NESTING {
                    return;
                }
                let Some(left) = self.nested_budget.checked_sub(script.len()) else {
                    return;
                };
                let mut p = Parser::new(&script);
                p.pipelines = self.pipelines;
                p.scripts = self.scripts + 1;
                p.level = self.level + 1;
                p.nested_budget = left;
                sub.nested_in = None;
                p.parse_script(sub);
                self.pipelines = p.pipelines;
                self.nested_budget = p.nested_budget;
                let commands = p.finish();
                let base = self.commands.len();
                self.commands.reserve(commands.len());
                for c in commands {
                    let mapped = self.map_owned(c, idx, base, span);
                    self.commands.push(mapped);
                }
            }
        }
    }

    /// A command of a nested script parsed from a processed (owned) string: every span becomes
    /// the argument word's span, values become owned, and indices shift.
    fn map_owned(&self, c: Command<'_>, parent: usize, base: usize, span: Span) -> Command<'a> {
        let raw: &'a str = &self.text[span.range()];
        let word = |w: Word<'_>| Word {
            span,
            value: Cow::Owned(w.value.into_owned()),
            literal: w.literal,
            quoted: w.quoted,
        };
        Command {
            assignments: c.assignments.into_iter().map(word).collect(),
            words: c.words.into_iter().map(word).collect(),
            redirects: c
                .redirects
                .into_iter()
                .map(|r| Redirect {
                    span,
                    op: match raw.find(r.op) {
                        Some(i) => &raw[i..i + r.op.len()],
                        None => static_op(r.op),
                    },
                    target: r.target.map(word),
                    heredoc: r.heredoc.map(|_| span),
                })
                .collect(),
            span,
            sep: c.sep,
            pipeline: c.pipeline,
            depth: c.depth,
            subshell: c.subshell,
            substitution: c.substitution,
            condition: c.condition,
            negated: c.negated,
            function: c.function,
            nested_in: Some(c.nested_in.map_or(parent, |j| base + j)),
            unwrap_at: c.unwrap_at,
        }
    }
}

/// A word made of raw text (operators inside `[[ ]]`).
fn raw_word(text: &str, s: usize, e: usize) -> Word<'_> {
    Word {
        span: Span::new(s, e),
        value: Cow::Borrowed(&text[s..e]),
        literal: true,
        quoted: false,
    }
}

/// A redirection operator without its fd, as a static string (for ops whose text is not in the
/// source).
fn static_op(op: &str) -> &'static str {
    const OPS: [&str; 12] = [
        "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">&", ">|", ">", "&>>", "&>",
    ];
    let bare = op.trim_start_matches(|c: char| c.is_ascii_digit());
    OPS.iter().find(|o| **o == bare).copied().unwrap_or(">")
}

/// Whether a command named `name` may run a script string: a shell, `su`, `find` (with
/// `-exec`), or a wrapper that might run one. Checked for every command, so it rejects most
/// names on their first byte.
pub(super) fn may_run_script(name: &str) -> bool {
    // Dispatch on the first byte: most command names are rejected without a string compare.
    let Some(&first) = name.as_bytes().first() else {
        return false;
    };
    match first {
        b'a' => name == "ash",
        b'b' => matches!(name, "bash" | "busybox" | "builtin"),
        b'c' => matches!(name, "command" | "chroot"),
        b'd' => matches!(name, "dash" | "doas" | "dumb-init"),
        b'e' => matches!(name, "env" | "exec" | "eatmydata"),
        b'f' => matches!(name, "find" | "fakeroot"),
        b'g' => name == "gosu",
        b'i' => name == "ionice",
        b'k' => name == "ksh",
        b'm' => name == "mksh",
        b'n' => matches!(name, "nice" | "nohup"),
        b'r' => name == "runuser",
        b's' => matches!(name, "sh" | "su" | "sudo" | "su-exec" | "stdbuf"),
        b't' => matches!(name, "time" | "timeout" | "tini"),
        b'x' => name == "xargs",
        b'y' => name == "yash",
        b'z' => name == "zsh",
        _ => false,
    }
}

/// Shells whose `-c` takes a script.
fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "yash" | "busybox"
    )
}

/// Where the script string of a shell invocation is: (index in `argv`, byte offset into its
/// value). `sh -c 'x'`, `bash -ex -c 'x'`, `sh -lc 'x'`, `bash -o pipefail -c 'x'`,
/// `busybox sh -c 'x'`, `su [user] -c 'x'`, `su --command='x'`, `runuser -c 'x'`.
fn script_arg(argv: &[Word<'_>]) -> Option<(usize, usize)> {
    let name = basename(&argv.first()?.value);
    if name == "su" || name == "runuser" {
        return su_script(argv);
    }
    if !is_shell(name) {
        return None;
    }
    let mut i = 1;
    if name == "busybox" {
        if !argv.get(1).is_some_and(|w| is_shell(basename(&w.value))) {
            return None;
        }
        i = 2;
    }
    let mut saw_c = false;
    while let Some(w) = argv.get(i) {
        let v: &str = &w.value;
        if v == "--" || v == "-" {
            i += 1;
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            i += if matches!(long, "rcfile" | "init-file") {
                2
            } else {
                1
            };
            continue;
        }
        if v.len() > 1 && (v.starts_with('-') || v.starts_with('+')) {
            if v.starts_with('-') && v.contains('c') {
                saw_c = true;
            }
            i += if v.contains(['o', 'O']) { 2 } else { 1 };
            continue;
        }
        break;
    }
    (saw_c && i < argv.len()).then_some((i, 0))
}

/// The `-c`/`--command` value of `su`/`runuser`.
fn su_script(argv: &[Word<'_>]) -> Option<(usize, usize)> {
    let mut i = 1;
    while let Some(w) = argv.get(i) {
        let v: &str = &w.value;
        if v == "--" {
            return None;
        }
        if let Some(long) = v.strip_prefix("--") {
            if long.starts_with("command=") {
                return Some((i, "--command=".len()));
            }
            if matches!(long, "command" | "session-command") {
                return (i + 1 < argv.len()).then_some((i + 1, 0));
            }
            i += if matches!(
                long,
                "shell" | "group" | "supp-group" | "whitelist-environment"
            ) {
                2
            } else {
                1
            };
            continue;
        }
        if v.len() > 1 && v.starts_with('-') {
            for (j, c) in v.bytes().enumerate().skip(1) {
                match c {
                    b'c' => {
                        return if j + 1 == v.len() {
                            (i + 1 < argv.len()).then_some((i + 1, 0))
                        } else {
                            Some((i, j + 1))
                        };
                    }
                    b's' | b'g' | b'G' | b'w' => {
                        if j + 1 == v.len() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
    None
}
