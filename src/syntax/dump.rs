//! Renderings of the syntax tree for `dockopt parse`.
//!
//! The JSON form is a contract outside tools rely on: `args` are split exactly as BuildKit's
//! parser dump splits them (ENV/LABEL as key, value, `=`/`""` triples; JSON form as the array
//! items; shell form as one string). The text form is for people and snapshot tests.

use std::fmt::Write;

use serde::Serialize;

use super::ast::*;
use super::span::{LineIndex, Span};
use super::vars::var_refs;
use super::words::{self, JsonArray};

#[derive(Serialize)]
pub struct JsonDump {
    pub instructions: Vec<JsonInstruction>,
    pub errors: Vec<JsonError>,
}

#[derive(Serialize)]
pub struct JsonInstruction {
    pub cmd: String,
    pub flags: Vec<String>,
    pub args: Vec<String>,
    pub start_line: u32,
    pub end_line: u32,
    pub heredocs: Vec<JsonHeredoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child: Option<Box<JsonInstruction>>,
}

#[derive(Serialize)]
pub struct JsonHeredoc {
    pub name: String,
    pub content: String,
    pub expand: bool,
    pub chomp: bool,
}

#[derive(Serialize)]
pub struct JsonError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// The arguments of an instruction as BuildKit's AST dump lists them.
pub fn buildkit_args(ins: &Instruction) -> Vec<String> {
    let t = |tok: Token| ins.text_of(tok).to_string();
    match &ins.args {
        Args::None | Args::Invalid(_) | Args::Onbuild(_) => vec![],
        Args::From(f) => f.words.iter().map(|w| t(*w)).collect(),
        Args::Words(ws) => ws.iter().map(|w| t(*w)).collect(),
        Args::Paths { words, .. } => words.iter().map(|w| ins.word_text(w).to_string()).collect(),
        Args::Command(c) => command_args(ins, c),
        Args::KeyValues(kvs) => kvs
            .iter()
            .flat_map(|kv| {
                [
                    t(kv.key),
                    t(kv.value),
                    if kv.equals { "=".into() } else { String::new() },
                ]
            })
            .collect(),
        Args::Arg(decls) => decls.iter().map(|d| t(d.token)).collect(),
        Args::Text(tok) => vec![t(*tok)],
        Args::Healthcheck(Healthcheck::Cmd { typ, command }) => {
            let mut v = vec![t(*typ)];
            if let Some(c) = command {
                v.extend(command_args(ins, c));
            }
            v
        }
        Args::Healthcheck(Healthcheck::Type { typ, rest }) => {
            let mut v = vec![t(*typ)];
            if let Some(r) = rest {
                match words::json_array(&ins.text, r.logical) {
                    JsonArray::Strings(items) => v.extend(items.into_iter().map(|(_, s)| s)),
                    _ => v.push(t(*r)),
                }
            }
            v
        }
        Args::Unknown(_) => vec![String::new()],
    }
}

fn command_args(ins: &Instruction, c: &Command) -> Vec<String> {
    match c {
        Command::Exec { items, .. } => items.iter().map(|i| i.value.to_string()).collect(),
        Command::Shell(tok) => vec![ins.text_of(*tok).to_string()],
    }
}

fn instruction_json(src: &str, idx: &LineIndex, ins: &Instruction) -> JsonInstruction {
    let start_line = idx.line_of(ins.keyword.span.start) as u32 + 1;
    let end_line =
        idx.line_of(ins.line_span.end.saturating_sub(1).max(ins.line_span.start)) as u32 + 1;
    JsonInstruction {
        cmd: ins.keyword_text().to_ascii_lowercase(),
        flags: ins.flags.iter().map(|f| f.word.to_string()).collect(),
        args: buildkit_args(ins),
        start_line,
        end_line,
        heredocs: ins
            .heredocs
            .iter()
            .map(|h| JsonHeredoc {
                name: h.name.to_string(),
                content: src[h.body.range()].to_string(),
                expand: h.expand,
                chomp: h.chomp,
            })
            .collect(),
        child: ins
            .trigger()
            .map(|c| Box::new(instruction_json(src, idx, c))),
    }
}

pub fn to_json(src: &str, df: &Dockerfile) -> JsonDump {
    let idx = LineIndex::new(src);
    JsonDump {
        instructions: df
            .instructions()
            .map(|i| instruction_json(src, &idx, i))
            .collect(),
        errors: df
            .errors
            .iter()
            .map(|e| {
                let p = idx.position(src, e.span.start);
                JsonError {
                    message: e.message.clone(),
                    line: p.line,
                    column: p.column,
                }
            })
            .collect(),
    }
}

/// A readable outline: one line per item, then the instruction's parts, with line:column
/// ranges.
pub fn to_text(src: &str, df: &Dockerfile) -> String {
    let idx = LineIndex::new(src);
    let mut out = String::new();
    let pos = |s: Span| {
        let a = idx.position(src, s.start);
        let b = idx.end_position(src, s);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    };
    let _ = writeln!(
        out,
        "escape {:?}, line endings {:?}{}",
        df.escape.char(),
        df.line_ending,
        if df.bom { ", BOM" } else { "" }
    );
    for item in &df.items {
        match item {
            Item::Directive(d) => {
                let _ = writeln!(
                    out,
                    "{} directive {} = {:?}",
                    pos(d.span),
                    d.kind.as_str(),
                    d.value.text(src)
                );
            }
            Item::Comment(c) => {
                let _ = writeln!(out, "{} comment {:?}", pos(c.span), c.text.text(src));
            }
            Item::Blank(s) => {
                let _ = writeln!(out, "{} blank", idx.line_of(s.start) + 1);
            }
            Item::Instruction(ins) => instruction_text(&mut out, src, &pos, ins, 0, df.escape),
        }
    }
    for e in &df.errors {
        let _ = writeln!(out, "error {}: {}", pos(e.span), e.message);
    }
    out
}

fn instruction_text(
    out: &mut String,
    src: &str,
    pos: &dyn Fn(Span) -> String,
    ins: &Instruction,
    depth: usize,
    escape: Escape,
) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}{} {} {:?}",
        pos(ins.span),
        if ins.kind == Kind::Unknown {
            "UNKNOWN"
        } else {
            ins.kind.upper()
        },
        ins.keyword_text()
    );
    for f in &ins.flags {
        let _ = writeln!(out, "{pad}  flag {} {:?}", pos(f.token.span), &*f.word);
    }
    let tok = |name: &str, t: Token, out: &mut String| {
        let _ = writeln!(out, "{pad}  {name} {} {:?}", pos(t.span), ins.text_of(t));
    };
    match &ins.args {
        Args::None => {
            let _ = writeln!(out, "{pad}  (no arguments)");
        }
        Args::From(f) => {
            tok("image", f.image, out);
            if let Some((_, n)) = f.alias {
                tok("stage", n, out);
            }
        }
        Args::Command(Command::Exec { items, .. }) => {
            for i in items {
                let _ = writeln!(out, "{pad}  exec {} {:?}", pos(i.token.span), &*i.value);
            }
        }
        Args::Command(Command::Shell(t)) => tok("shell", *t, out),
        Args::Paths { json, words } => {
            for w in words {
                let _ = writeln!(
                    out,
                    "{pad}  {} {} {:?}",
                    if *json { "json" } else { "word" },
                    pos(w.token.span),
                    ins.word_text(w)
                );
            }
        }
        Args::KeyValues(kvs) => {
            for kv in kvs {
                let _ = writeln!(
                    out,
                    "{pad}  {} {} {:?} = {:?}",
                    if kv.equals { "pair" } else { "legacy-pair" },
                    pos(kv.key.span.cover(kv.value.span)),
                    ins.text_of(kv.key),
                    ins.text_of(kv.value)
                );
            }
        }
        Args::Arg(decls) => {
            for d in decls {
                let _ = writeln!(
                    out,
                    "{pad}  arg {} {:?} default {:?}",
                    pos(d.token.span),
                    ins.text_of(d.name),
                    d.default.map(|t| ins.text_of(t))
                );
            }
        }
        Args::Words(ws) => {
            for w in ws {
                tok("word", *w, out);
            }
        }
        Args::Text(t) => tok("text", *t, out),
        Args::Healthcheck(Healthcheck::Cmd { typ, command }) => {
            tok("type", *typ, out);
            match command {
                Some(Command::Shell(t)) => tok("shell", *t, out),
                Some(Command::Exec { items, .. }) => {
                    for i in items {
                        let _ = writeln!(out, "{pad}  exec {} {:?}", pos(i.token.span), &*i.value);
                    }
                }
                None => {}
            }
        }
        Args::Healthcheck(Healthcheck::Type { typ, rest }) => {
            tok("type", *typ, out);
            if let Some(r) = rest {
                tok("rest", *r, out);
            }
        }
        Args::Onbuild(child) => instruction_text(out, src, pos, child, depth + 1, escape),
        Args::Unknown(r) | Args::Invalid(r) => {
            if let Some(r) = r {
                tok("unparsed", *r, out);
            }
        }
    }
    if let (0, Some(rest)) = (depth, ins.rest) {
        {
            for v in var_refs(&ins.text, rest.logical, escape.char()) {
                let _ = writeln!(
                    out,
                    "{pad}  var {} {:?}{}",
                    pos(ins.source_span(v.span)),
                    &ins.text[v.name.range()],
                    v.op.map(|o| format!(" {o:?}")).unwrap_or_default()
                );
            }
        }
    }
    for h in &ins.heredocs {
        let _ = writeln!(
            out,
            "{pad}  heredoc {:?} marker {} body {:?}{}{}",
            &*h.name,
            pos(h.marker.span),
            h.body.text(src),
            if h.expand { "" } else { " no-expand" },
            if h.chomp { " chomp" } else { "" }
        );
    }
    for t in &ins.trivia {
        let _ = writeln!(out, "{pad}  {:?} {}", t.kind, pos(t.line_span));
    }
}
