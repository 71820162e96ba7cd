//! The Dockerfile parser: physical lines → items; logical lines → typed instructions.
//!
//! The line layer (directives, comments, continuations, heredoc bodies) follows BuildKit's
//! `parser.Parse` line by line and is written as a plain scanner over byte offsets (memchr for
//! line ends): it is the hot loop and has no grammar to speak of. The grammars inside a line —
//! JSON arrays, heredoc markers, variable references, mount options, directives — are nom
//! parsers (see `words.rs`, `vars.rs`, `directives.rs`, `mount.rs`).
//!
//! Parsing never fails: what BuildKit's parser would reject is recorded in
//! [`Dockerfile::errors`] and the instruction is kept with [`Args::Invalid`].

use super::ast::*;
use super::directives::parse_directive_line;
use super::span::Span;
use super::words::{self, JsonArray};

/// BuildKit reads lines with a 64 KiB scanner buffer; longer lines are an error.
pub const MAX_LINE: usize = 65536;

/// Parse a Dockerfile. Never fails; see [`Dockerfile::errors`].
pub fn parse(src: &str) -> Dockerfile {
    Parser::new(src).run()
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End of the content: trailing `\r` and `\n` removed.
    content_end: usize,
    /// End of the line, line ending included.
    end: usize,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    escape: Escape,
    directives_done: bool,
    seen: Vec<DirectiveKind>,
    items: Vec<Item>,
    errors: Vec<SyntaxError>,
    line_too_long_reported: bool,
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            pos: 0,
            escape: Escape::Backslash,
            directives_done: false,
            seen: Vec::new(),
            items: Vec::with_capacity(src.len() / 40 + 4),
            errors: Vec::new(),
            line_too_long_reported: false,
        }
    }

    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.src.len() {
            return None;
        }
        let b = self.src.as_bytes();
        let start = self.pos;
        let end = match memchr::memchr(b'\n', &b[start..]) {
            Some(i) => start + i + 1,
            None => b.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(b[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        self.pos = end;
        let too_long = if end < b.len() || b[end - 1] == b'\n' {
            end - start > MAX_LINE
        } else {
            end - start >= MAX_LINE
        };
        if too_long && !self.line_too_long_reported {
            self.line_too_long_reported = true;
            self.errors.push(SyntaxError {
                span: Span::new(start, content_end),
                message: format!(
                    "dockerfile line greater than max allowed size of {}",
                    MAX_LINE - 1
                ),
            });
        }
        Some(Line {
            start,
            content_end,
            end,
        })
    }

    fn run(mut self) -> Dockerfile {
        let src = self.src;
        let bom = src.starts_with('\u{feff}');
        let line_ending = match memchr::memchr(b'\n', src.as_bytes()) {
            Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => LineEnding::CrLf,
            _ => LineEnding::Lf,
        };
        let mut first = true;
        while let Some(line) = self.next_line() {
            let content_start = if first && bom {
                line.start + 3
            } else {
                line.start
            };
            first = false;
            let content = &src[content_start..line.content_end];
            let trimmed = content.trim_start_matches(is_space);
            let tstart = line.content_end - trimmed.len();

            if !self.directives_done {
                if let Some(item) = self.directive(trimmed, tstart, line) {
                    self.items.push(item);
                    continue;
                }
                self.directives_done = true;
            }
            if let Some(after_hash) = trimmed.strip_prefix('#') {
                let body = after_hash.trim_matches(is_space);
                let body_start =
                    tstart + 1 + (after_hash.len() - after_hash.trim_start_matches(is_space).len());
                self.items.push(Item::Comment(Comment {
                    span: Span::new(tstart, tstart + trimmed.trim_end_matches(is_space).len()),
                    text: Span::new(body_start, body_start + body.len()),
                    line_span: Span::new(line.start, line.end),
                }));
                continue;
            }
            if trimmed.is_empty() {
                self.items
                    .push(Item::Blank(Span::new(line.start, line.end)));
                continue;
            }
            let ins = self.instruction(line, tstart);
            self.items.push(Item::Instruction(ins));
        }
        if !self.items.iter().any(|i| matches!(i, Item::Instruction(_))) {
            self.errors.push(SyntaxError {
                span: Span::empty(src.len()),
                message: "file with no instructions".into(),
            });
        }
        Dockerfile {
            items: self.items,
            escape: self.escape,
            line_ending,
            bom,
            errors: self.errors,
        }
    }

    /// A parser directive line, if this is one (BuildKit's `DirectiveParser.ParseLine`).
    fn directive(&mut self, trimmed: &str, tstart: usize, line: Line) -> Option<Item> {
        let d = parse_directive_line(trimmed)?;
        let kind = d.kind?;
        let off = |s: &str| tstart + (s.as_ptr() as usize - trimmed.as_ptr() as usize);
        let name = Span::new(off(d.name), off(d.name) + d.name.len());
        let value = Span::new(off(d.value), off(d.value) + d.value.len());
        let span = Span::new(tstart, value.end as usize);
        if self.seen.contains(&kind) {
            self.errors.push(SyntaxError {
                span,
                message: format!("only one {} parser directive can be used", kind.as_str()),
            });
        } else {
            self.seen.push(kind);
            if kind == DirectiveKind::Escape {
                match d.value {
                    "`" => self.escape = Escape::Backtick,
                    "\\" => self.escape = Escape::Backslash,
                    v => self.errors.push(SyntaxError {
                        span: value,
                        message: format!("invalid escape token '{v}' does not match ` or \\"),
                    }),
                }
            }
        }
        Some(Item::Directive(Directive {
            kind,
            name,
            value,
            span,
            line_span: Span::new(line.start, line.end),
        }))
    }

    /// Where a line's content ends once a trailing escape character (line continuation) is
    /// removed, and whether the line ends the instruction. Mirrors BuildKit's
    /// `([^\\])\\[ \t]*$|^\\[ \t]*$`: an escape preceded by another escape does not continue.
    fn trim_continuation(&self, start: usize, end: usize) -> (usize, bool) {
        let b = self.src.as_bytes();
        let mut i = end;
        while i > start && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        let esc = self.escape.byte();
        if i > start && b[i - 1] == esc && (i - 1 == start || b[i - 2] != esc) {
            (i - 1, false)
        } else {
            (end, true)
        }
    }

    fn instruction(&mut self, first: Line, tstart: usize) -> Instruction {
        let src = self.src;
        let mut text = String::new();
        let mut pieces = Vec::with_capacity(1);
        let mut trivia = Vec::new();
        let (pend, mut eol) = self.trim_continuation(tstart, first.content_end);
        pieces.push(Piece {
            logical: 0,
            source: tstart as u32,
        });
        text.push_str(&src[tstart..pend]);
        let mut last_end = first.end;
        while !eol {
            let Some(line) = self.next_line() else { break };
            last_end = line.end;
            let content = &src[line.start..line.content_end];
            let lead_trimmed = content.trim_start_matches(is_space);
            if lead_trimmed.starts_with('#') {
                trivia.push(Trivia {
                    kind: TriviaKind::Comment,
                    line_span: Span::new(line.start, line.end),
                });
                continue;
            }
            if lead_trimmed.is_empty() {
                trivia.push(Trivia {
                    kind: TriviaKind::EmptyContinuation,
                    line_span: Span::new(line.start, line.end),
                });
                continue;
            }
            let (pend, e) = self.trim_continuation(line.start, line.content_end);
            eol = e;
            pieces.push(Piece {
                logical: text.len() as u32,
                source: line.start as u32,
            });
            text.push_str(&src[line.start..pend]);
        }

        let mut ins = Instruction {
            kind: Kind::Unknown,
            keyword: Token::default(),
            flags: Vec::new(),
            rest: None,
            args: Args::None,
            heredocs: Vec::new(),
            span: Span::empty(tstart),
            line_span: Span::new(first.start, last_end),
            trivia,
            text: text.into_boxed_str(),
            pieces,
        };
        let whole = words::trim(&ins.text, Span::new(0, ins.text.len()));
        ins.span = ins.source_span(whole);
        let escape = self.escape.char();
        parse_logical(&mut ins, whole, escape, &mut self.errors, 0);

        // Heredocs (RUN/COPY/ADD, also as an ONBUILD trigger; never in JSON form).
        let carrier = match &ins.args {
            Args::Onbuild(child) => child.as_ref(),
            _ => &ins,
        };
        let json = match &carrier.args {
            Args::Command(c) => c.is_exec(),
            Args::Paths { json, .. } => *json,
            _ => false,
        };
        if carrier.kind.takes_heredocs() && !json && ins.text.contains("<<") {
            let mut markers = Vec::new();
            for w in words::shell_words(&ins.text, Span::new(0, ins.text.len())) {
                if let Some(m) = words::heredoc_marker(&ins.text[w.range()]) {
                    markers.push((w, m));
                }
            }
            for (w, m) in markers {
                let marker = ins.token(w);
                let body_start = self.pos;
                let mut terminator = None;
                while let Some(line) = self.next_line() {
                    let mut content = &src[line.start..line.content_end];
                    if m.chomp {
                        content = content.trim_start_matches('\t');
                    }
                    if content == m.name {
                        terminator = Some(Span::new(line.start, line.content_end));
                        ins.line_span.end = line.end as u32;
                        break;
                    }
                    ins.line_span.end = line.end as u32;
                }
                let (body, terminator) = match terminator {
                    Some(t) => (Span::new(body_start, t.start as usize), t),
                    None => {
                        self.errors.push(SyntaxError {
                            span: marker.span,
                            message: format!("unterminated heredoc {}", m.name),
                        });
                        (Span::new(body_start, self.pos), Span::empty(self.pos))
                    }
                };
                ins.heredocs.push(Heredoc {
                    name: m.name.into_boxed_str(),
                    marker,
                    body,
                    terminator,
                    expand: m.expand,
                    chomp: m.chomp,
                    fd: m.fd,
                });
            }
        }
        ins
    }
}

/// Fill keyword, flags and arguments of `ins` from its logical text in `range` (trimmed).
/// BuildKit's `splitCommand` + the per-instruction line parsers.
/// How many `ONBUILD` levels are parsed (`ONBUILD ONBUILD …` is already invalid for BuildKit);
/// deeper ones are an error, so hostile input cannot overflow the stack.
pub const MAX_ONBUILD_NESTING: u32 = 8;

fn parse_logical(
    ins: &mut Instruction,
    range: Span,
    escape: char,
    errors: &mut Vec<SyntaxError>,
    depth: u32,
) {
    let (kw, after) = words::split_first(&ins.text, range);
    ins.keyword = ins.token(kw);
    ins.kind = Kind::from_keyword(&ins.text[kw.range()]);
    let mut rest = None;
    if let Some(a) = after {
        let (flags, args_start) =
            words::extract_flags(&ins.text, Span::new(a, range.end as usize), escape);
        ins.flags = flags
            .into_iter()
            .map(|f| Flag {
                token: ins.token(f.range),
                word: f.word.into_boxed_str(),
            })
            .collect();
        if let Some(s) = args_start {
            let r = words::trim(&ins.text, Span::new(s, range.end as usize));
            if !r.is_empty() {
                rest = Some(r);
            }
        }
    }
    ins.rest = rest.map(|r| ins.token(r));
    let err = |errors: &mut Vec<SyntaxError>, ins: &Instruction, r: Span, msg: String| {
        errors.push(SyntaxError {
            span: ins.source_span(r),
            message: msg,
        });
    };
    let Some(r) = rest else {
        ins.args = Args::None;
        return;
    };
    let text = &ins.text;
    ins.args = match ins.kind {
        Kind::From => {
            let ws: Vec<Token> = words::split_whitespace(text, r)
                .into_iter()
                .map(|w| ins.token(w))
                .collect();
            let alias = if ws.len() == 3 && ins.text_of(ws[1]).eq_ignore_ascii_case("as") {
                Some((ws[1], ws[2]))
            } else {
                None
            };
            Args::From(From {
                image: ws[0],
                alias,
                words: ws,
            })
        }
        Kind::Expose => Args::Words(
            words::split_whitespace(text, r)
                .into_iter()
                .map(|w| ins.token(w))
                .collect(),
        ),
        Kind::Add | Kind::Copy | Kind::Volume => match words::json_array(text, r) {
            JsonArray::Strings(items) => Args::Paths {
                json: true,
                words: items
                    .into_iter()
                    .map(|(s, v)| Word {
                        token: ins.token(s),
                        json: Some(v.into_boxed_str()),
                    })
                    .collect(),
            },
            JsonArray::NotStrings => {
                err(errors, ins, r, not_strings());
                Args::Invalid(Some(ins.token(r)))
            }
            JsonArray::NotJson => Args::Paths {
                json: false,
                words: words::split_whitespace(text, r)
                    .into_iter()
                    .map(|w| Word {
                        token: ins.token(w),
                        json: None,
                    })
                    .collect(),
            },
        },
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => match command(ins, r) {
            Ok(c) => Args::Command(c),
            Err(m) => {
                err(errors, ins, r, m);
                Args::Invalid(Some(ins.token(r)))
            }
        },
        Kind::Arg => Args::Arg(
            words::parse_words(text, r, escape)
                .into_iter()
                .map(|w| {
                    let s = &text[w.range()];
                    match s.find('=') {
                        Some(eq) => ArgDecl {
                            token: ins.token(w),
                            name: ins.token(Span::new(w.start as usize, w.start as usize + eq)),
                            default: Some(
                                ins.token(Span::new(w.start as usize + eq + 1, w.end as usize)),
                            ),
                        },
                        None => ArgDecl {
                            token: ins.token(w),
                            name: ins.token(w),
                            default: None,
                        },
                    }
                })
                .collect(),
        ),
        Kind::Env | Kind::Label => match name_val(ins, r, escape) {
            Ok(kv) => Args::KeyValues(kv),
            Err(m) => {
                err(errors, ins, r, m);
                Args::Invalid(Some(ins.token(r)))
            }
        },
        Kind::Healthcheck => {
            let (typ, next) = words::split_first(text, r);
            // BuildKit splits on any Unicode space here; the regex set covers what occurs.
            let typ_tok = ins.token(typ);
            let cmd_range = next.map(|n| Span::new(n, r.end as usize));
            if ins.text_of(typ_tok).eq_ignore_ascii_case("cmd") {
                match cmd_range.map(|cr| command(ins, cr)) {
                    Some(Err(m)) => {
                        err(errors, ins, r, m);
                        Args::Invalid(Some(ins.token(r)))
                    }
                    Some(Ok(c)) => Args::Healthcheck(Healthcheck::Cmd {
                        typ: typ_tok,
                        command: Some(c),
                    }),
                    None => Args::Healthcheck(Healthcheck::Cmd {
                        typ: typ_tok,
                        command: None,
                    }),
                }
            } else {
                // BuildKit still parses what follows as maybe-JSON; keep it as text.
                if let Some(cr) = cmd_range
                    && let JsonArray::NotStrings = words::json_array(text, cr)
                {
                    err(errors, ins, cr, not_strings());
                }
                Args::Healthcheck(Healthcheck::Type {
                    typ: typ_tok,
                    rest: cmd_range.map(|c| ins.token(c)),
                })
            }
        }
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => {
            Args::Text(ins.token(r))
        }
        Kind::Onbuild if depth >= MAX_ONBUILD_NESTING => {
            err(
                errors,
                ins,
                r,
                format!("ONBUILD nested more than {MAX_ONBUILD_NESTING} levels deep"),
            );
            Args::Invalid(Some(ins.token(r)))
        }
        Kind::Onbuild => {
            let mut child = Instruction {
                kind: Kind::Unknown,
                keyword: Token::default(),
                flags: Vec::new(),
                rest: None,
                args: Args::None,
                heredocs: Vec::new(),
                span: ins.source_span(r),
                line_span: ins.line_span,
                trivia: Vec::new(),
                text: ins.text.clone(),
                pieces: ins.pieces.clone(),
            };
            parse_logical(&mut child, r, escape, errors, depth + 1);
            Args::Onbuild(Box::new(child))
        }
        Kind::Unknown => Args::Unknown(Some(ins.token(r))),
    };
}

fn not_strings() -> String {
    "when using JSON array syntax, arrays must be comprised of strings only".into()
}

/// BuildKit's `parseMaybeJSON`.
fn command(ins: &Instruction, r: Span) -> Result<Command, String> {
    match words::json_array(&ins.text, r) {
        JsonArray::Strings(items) => Ok(Command::Exec {
            items: items
                .into_iter()
                .map(|(s, v)| JsonString {
                    token: ins.token(s),
                    value: v.into_boxed_str(),
                })
                .collect(),
            token: ins.token(r),
        }),
        JsonArray::NotStrings => Err(not_strings()),
        JsonArray::NotJson => Ok(Command::Shell(ins.token(r))),
    }
}

/// BuildKit's `parseNameVal` for ENV and LABEL.
fn name_val(ins: &Instruction, r: Span, escape: char) -> Result<Vec<KeyValue>, String> {
    let text = &ins.text;
    let ws = words::parse_words(text, r, escape);
    let Some(first) = ws.first() else {
        return Ok(Vec::new());
    };
    let key = ins.kind.upper();
    if !text[first.range()].contains('=') {
        let (k, after) = words::split_first(text, r);
        let Some(v) = after else {
            return Err(format!("{key} must have two arguments"));
        };
        return Ok(vec![KeyValue {
            key: ins.token(k),
            value: ins.token(Span::new(v, r.end as usize)),
            equals: false,
        }]);
    }
    let mut out = Vec::with_capacity(ws.len());
    for w in ws {
        let s = &text[w.range()];
        let Some(eq) = s.find('=') else {
            return Err(format!(
                "Syntax error - can't find = in {s:?}. Must be of the form: name=value"
            ));
        };
        let eq = w.start as usize + eq;
        out.push(KeyValue {
            key: ins.token(Span::new(w.start as usize, eq)),
            value: ins.token(Span::new(eq + 1, w.end as usize)),
            equals: true,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(src: &str) {
        let df = parse(src);
        let mut out = String::new();
        let mut pos = 0;
        for item in &df.items {
            let s = item.line_span();
            assert_eq!(s.start as usize, pos, "gap before item in {src:?}");
            out.push_str(&src[s.range()]);
            pos = s.end as usize;
        }
        assert_eq!(out, src);
    }

    #[test]
    fn roundtrips() {
        for src in [
            "",
            "FROM a",
            "\u{feff}FROM a\r\nRUN b \\\r\n  c\r\n",
            "# syntax=x\n\n# c\nFROM a\nRUN a \\\n# c\n\n  b\n",
            "RUN <<EOF\nhi\nEOF\nCMD x",
            "RUN <<EOF\nunterminated",
            "RUN a \\",
            "\n\n  \t\n",
        ] {
            roundtrip(src);
        }
    }

    #[test]
    fn continuation_and_comments() {
        let df = parse("RUN a \\\n# c\n  b\n");
        let ins = df.instructions().next().unwrap();
        assert_eq!(&*ins.text, "RUN a   b");
        assert_eq!(ins.trivia.len(), 1);
        let Args::Command(Command::Shell(t)) = &ins.args else {
            panic!()
        };
        assert_eq!(ins.text_of(*t), "a   b");
        // the source span of the command covers the continuation
        assert_eq!(&"RUN a \\\n# c\n  b\n"[t.span.range()], "a \\\n# c\n  b");
    }

    #[test]
    fn escaped_escape_does_not_continue() {
        let df = parse("RUN a \\\\\nRUN b\n");
        assert_eq!(df.instructions().count(), 2);
    }

    #[test]
    fn backtick_escape() {
        let df = parse("# escape=`\nRUN a `\n  b\nRUN c:\\ \\\n");
        assert_eq!(df.escape, Escape::Backtick);
        let v: Vec<_> = df.instructions().map(|i| i.text.to_string()).collect();
        assert_eq!(v, vec!["RUN a   b", "RUN c:\\ \\"]);
    }

    #[test]
    fn heredocs() {
        let src = "RUN <<EOF <<-'END' cat\nhello $x\nEOF\n\tbye\n\tEND\nRUN x\n";
        let df = parse(src);
        let ins = df.instructions().next().unwrap();
        assert_eq!(ins.heredocs.len(), 2);
        assert_eq!(&src[ins.heredocs[0].body.range()], "hello $x\n");
        assert!(ins.heredocs[0].expand);
        assert_eq!(&src[ins.heredocs[1].body.range()], "\tbye\n");
        assert!(!ins.heredocs[1].expand && ins.heredocs[1].chomp);
        assert_eq!(df.instructions().count(), 2);
        assert!(df.errors.is_empty());
    }

    #[test]
    fn errors_do_not_stop_parsing() {
        let df = parse("CMD [\"a\", 1]\nENV x\nRUN ok\n");
        assert_eq!(df.errors.len(), 2);
        assert_eq!(df.instructions().count(), 3);
        assert!(matches!(
            df.instructions().last().unwrap().args,
            Args::Command(_)
        ));
    }

    #[test]
    fn directives_only_at_top() {
        let df = parse("# escape=`\n# syntax=a\n\n# check=skip=all\nFROM a\n");
        assert_eq!(df.directives().count(), 2);
        let df = parse("# escape=`\n# escape=\\\nFROM a\n");
        assert_eq!(df.errors.len(), 1);
    }
}
