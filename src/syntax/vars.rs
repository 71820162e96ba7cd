//! Variable references (`$a`, `${a}`, `${a:-x}`, `${a#p}`, `${a/x/y}` …) in instruction words,
//! located as byte ranges, with BuildKit's word-expansion rules: single quotes do not expand, the
//! escape character protects a `$`, names are letters, digits and `_` (or a run of digits, or one
//! special parameter).

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{anychar, char, satisfy},
    combinator::{opt, recognize},
};

use super::span::Span;

/// The operator of a `${name<op>word}` reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarOp {
    /// `:-` / `-`: default when unset (or empty with `:`).
    Default { colon: bool },
    /// `:+` / `+`: alternative when set.
    Alternative { colon: bool },
    /// `:?` / `?`: error when unset.
    Required { colon: bool },
    /// `#` / `##`
    TrimPrefix { greedy: bool },
    /// `%` / `%%`
    TrimSuffix { greedy: bool },
    /// `/pat/repl` or `//pat/repl`
    Replace { all: bool },
}

/// One variable reference, with ranges relative to the scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VarRef {
    /// `$name` or `${…}` as a whole.
    pub span: Span,
    pub name: Span,
    pub braced: bool,
    pub op: Option<VarOp>,
    /// The word after the operator (for Replace: `pat/repl`).
    pub word: Option<Span>,
}

fn is_special(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

fn name(i: &str) -> IResult<&str, &str> {
    alt((
        take_while1(|c: char| c.is_ascii_digit()),
        recognize((
            satisfy(|c| c.is_alphabetic() || c == '_'),
            take_while(|c: char| c.is_alphanumeric() || c == '_'),
        )),
        recognize(satisfy(is_special)),
    ))
    .parse(i)
}

fn op(i: &str) -> IResult<&str, VarOp> {
    alt((
        tag(":-").map(|_| VarOp::Default { colon: true }),
        tag(":+").map(|_| VarOp::Alternative { colon: true }),
        tag(":?").map(|_| VarOp::Required { colon: true }),
        char('-').map(|_| VarOp::Default { colon: false }),
        char('+').map(|_| VarOp::Alternative { colon: false }),
        char('?').map(|_| VarOp::Required { colon: false }),
        tag("##").map(|_| VarOp::TrimPrefix { greedy: true }),
        char('#').map(|_| VarOp::TrimPrefix { greedy: false }),
        tag("%%").map(|_| VarOp::TrimSuffix { greedy: true }),
        char('%').map(|_| VarOp::TrimSuffix { greedy: false }),
        tag("//").map(|_| VarOp::Replace { all: true }),
        char('/').map(|_| VarOp::Replace { all: false }),
    ))
    .parse(i)
}

/// Scan the word of a braced reference up to its closing `}`, honouring nested `${…}`,
/// quotes and the escape character. Returns the rest starting at the `}`.
fn braced_word(i: &str, escape: char) -> IResult<&str, &str> {
    let mut depth = 0usize;
    let mut chars = i.char_indices();
    let mut quote: Option<char> = None;
    while let Some((pos, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), _) => {}
            (_, c) if c == escape => {
                chars.next();
            }
            (None, '\'' | '"') => quote = Some(c),
            (_, '$') if i[pos + 1..].starts_with('{') => {
                depth += 1;
                chars.next();
            }
            (_, '}') if depth > 0 => depth -= 1,
            (None, '}') => return Ok((&i[pos..], &i[..pos])),
            _ => {}
        }
    }
    // the error points where the scan stopped (the end): callers charge what was read
    Err(nom::Err::Error(nom::error::Error::new(
        &i[i.len()..],
        nom::error::ErrorKind::Char,
    )))
}

/// [`reference`], with a budget for failures. An unterminated `${a:-` reads to the end of the
/// text before it fails, so a text full of them (`${a:-${a:-${a:-…`) would make every caller
/// quadratic: the bytes failed attempts read are charged, and once the budget is spent `${`
/// no longer starts a reference (only hostile input gets there).
fn reference_within<'a>(
    i: &'a str,
    escape: char,
    base: &'a str,
    budget: &mut usize,
) -> IResult<&'a str, VarRef> {
    if *budget == 0 && i.starts_with("${") {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        )));
    }
    let r = reference(i, escape, base);
    if let Err(nom::Err::Error(e) | nom::Err::Failure(e)) = &r {
        let read = (e.input.as_ptr() as usize).saturating_sub(i.as_ptr() as usize);
        *budget = budget.saturating_sub(read.max(1));
    }
    r
}

/// The failure budget of one scan of `text` (see [`reference_within`]).
fn budget_for(text: &str) -> usize {
    text.len().saturating_mul(4).saturating_add(1 << 16)
}

/// Parse one reference at `$`. `i` starts with `$`.
fn reference<'a>(i: &'a str, escape: char, base: &'a str) -> IResult<&'a str, VarRef> {
    let off = |s: &str| base.len() - s.len();
    let start = off(i);
    let (i, _) = char('$')(i)?;
    if let Ok((r, _)) = char::<_, nom::error::Error<&str>>('{').parse(i) {
        let (r2, n) = name(r)?;
        let name_span = Span::new(off(r), off(r2));
        let (r3, o) = opt(op).parse(r2)?;
        let (r4, word) = match o {
            Some(_) => {
                let (r4, w) = braced_word(r3, escape)?;
                (r4, Some(Span::new(off(r3), off(r3) + w.len())))
            }
            None => (r3, None),
        };
        let (r5, _) = char('}')(r4)?;
        let _ = n;
        return Ok((
            r5,
            VarRef {
                span: Span::new(start, off(r5)),
                name: name_span,
                braced: true,
                op: o,
                word,
            },
        ));
    }
    let (r, _) = name(i)?;
    Ok((
        r,
        VarRef {
            span: Span::new(start, off(r)),
            name: Span::new(off(i), off(r)),
            braced: false,
            op: None,
            word: None,
        },
    ))
}

/// Every variable reference in `text[range]`, nested ones (in `${a:-$b}`) included, in order.
/// Offsets are relative to `text`.
pub fn var_refs(text: &str, range: Span, escape: char) -> Vec<VarRef> {
    let mut out = Vec::new();
    let mut budget = budget_for(&text[range.range()]);
    scan(text, range, escape, &mut out, 0, &mut budget);
    out
}

/// How deep `${a:-${b:-…}}` references are looked into: deeper ones are not reported, so
/// hostile input cannot overflow the stack (or make the scan quadratic).
const MAX_NESTING: u32 = 32;

fn scan(
    text: &str,
    range: Span,
    escape: char,
    out: &mut Vec<VarRef>,
    depth: u32,
    budget: &mut usize,
) {
    let s = &text[range.range()];
    if !s.contains('$') {
        return;
    }
    let base = range.start as usize;
    let mut i = 0;
    let b = s.as_bytes();
    let mut in_double = false;
    while i < b.len() {
        let c = b[i];
        if c == escape as u8 {
            // the escape protects the next character (also inside double quotes)
            i += 1;
            if i < b.len() {
                i += anychar::<_, nom::error::Error<&str>>(&s[i..])
                    .map(|(_, c)| c.len_utf8())
                    .unwrap_or(1);
            }
            continue;
        }
        match c {
            b'\'' if !in_double => {
                // single quotes: no expansion
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'$' => match reference_within(&s[i..], escape, s, budget) {
                Ok((_, r)) => {
                    let r = VarRef {
                        span: shift(r.span, base),
                        name: shift(r.name, base),
                        word: r.word.map(|w| shift(w, base)),
                        ..r
                    };
                    out.push(r);
                    if let Some(w) = r.word
                        && depth < MAX_NESTING
                    {
                        scan(text, w, escape, out, depth + 1, budget);
                    }
                    i = r.span.end as usize - base;
                }
                Err(_) => i += 1,
            },
            _ => i += 1,
        }
    }
}

fn shift(s: Span, by: usize) -> Span {
    Span::new(s.start as usize + by, s.end as usize + by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(s: &str) -> Vec<(String, Option<VarOp>)> {
        var_refs(s, Span::new(0, s.len()), '\\')
            .into_iter()
            .map(|r| (s[r.name.range()].to_string(), r.op))
            .collect()
    }

    #[test]
    fn finds_plain_and_braced() {
        assert_eq!(
            refs("$a ${b} ${c:-x} ${d#p} ${e%%s} ${f/x/y}"),
            vec![
                ("a".into(), None),
                ("b".into(), None),
                ("c".into(), Some(VarOp::Default { colon: true })),
                ("d".into(), Some(VarOp::TrimPrefix { greedy: false })),
                ("e".into(), Some(VarOp::TrimSuffix { greedy: true })),
                ("f".into(), Some(VarOp::Replace { all: false })),
            ]
        );
    }

    #[test]
    fn nested_and_quoted() {
        assert_eq!(
            refs("${a:-$b} '$c' \"$d\" \\$e"),
            vec![
                ("a".into(), Some(VarOp::Default { colon: true })),
                ("b".into(), None),
                ("d".into(), None),
            ]
        );
    }

    #[test]
    fn spans_cover_reference() {
        let s = "x${HOME}/y";
        let r = var_refs(s, Span::new(0, s.len()), '\\');
        assert_eq!(&s[r[0].span.range()], "${HOME}");
    }

    #[test]
    fn lone_dollar_is_not_a_reference() {
        assert!(refs("cost $ 5 ${").is_empty());
    }
}

/// The result of expanding a word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Names that were referenced but not defined (expanded as empty, as BuildKit does).
    pub unresolved: Vec<String>,
}

/// Expand variables in a word the way BuildKit's word expansion does for FROM, COPY, WORKDIR…:
/// quotes are removed, the escape character protects the next character, single quotes do not
/// expand. `lookup` gives a variable's value (None when it is not defined).
///
/// Patterns of `#`, `%` and `/` are matched literally, with a leading or trailing `*` as a
/// wildcard; that covers what Dockerfiles use.
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut out = Expanded::default();
    let mut budget = budget_for(word);
    expand_into(word, escape, lookup, &mut out, 0, &mut budget);
    out
}

fn expand_into(
    word: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut Expanded,
    depth: usize,
    budget: &mut usize,
) {
    if depth > 16 {
        out.value.push_str(word);
        return;
    }
    let mut chars = word.char_indices().peekable();
    let mut in_double = false;
    while let Some((i, c)) = chars.next() {
        if c == escape {
            if let Some((_, n)) = chars.next() {
                // inside double quotes only \" \\ \$ lose their escape (shell rules)
                if in_double && !matches!(n, '"' | '$') && n != escape {
                    out.value.push(c);
                }
                out.value.push(n);
            }
            continue;
        }
        match c {
            '\'' if !in_double => {
                for (_, n) in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    out.value.push(n);
                }
            }
            '"' => in_double = !in_double,
            '$' => match reference_within(&word[i..], escape, &word[i..], budget) {
                Ok((rest, r)) => {
                    let consumed = word.len() - i - rest.len();
                    let base = i;
                    let name = &word[base + r.name.start as usize..base + r.name.end as usize];
                    let val = lookup(name);
                    let sub_word = r
                        .word
                        .map(|w| &word[base + w.start as usize..base + w.end as usize]);
                    let mut sub = |out: &mut Expanded| {
                        let mut e = Expanded::default();
                        expand_into(
                            sub_word.unwrap_or(""),
                            escape,
                            lookup,
                            &mut e,
                            depth + 1,
                            budget,
                        );
                        out.unresolved.extend(e.unresolved.iter().cloned());
                        e.value
                    };
                    match r.op {
                        None => match val {
                            Some(v) => out.value.push_str(&v),
                            None => out.unresolved.push(name.to_string()),
                        },
                        Some(VarOp::Default { colon }) => match val {
                            Some(v) if !(colon && v.is_empty()) => out.value.push_str(&v),
                            _ => {
                                let s = sub(out);
                                out.value.push_str(&s);
                            }
                        },
                        Some(VarOp::Alternative { colon }) => match val {
                            Some(v) if !(colon && v.is_empty()) => {
                                let s = sub(out);
                                out.value.push_str(&s);
                            }
                            _ => {}
                        },
                        Some(VarOp::Required { .. }) => match val {
                            Some(v) => out.value.push_str(&v),
                            None => out.unresolved.push(name.to_string()),
                        },
                        Some(VarOp::TrimPrefix { greedy }) => match val {
                            Some(v) => {
                                let p = sub(out);
                                out.value.push_str(&trim_pattern(&v, &p, true, greedy));
                            }
                            None => out.unresolved.push(name.to_string()),
                        },
                        Some(VarOp::TrimSuffix { greedy }) => match val {
                            Some(v) => {
                                let p = sub(out);
                                out.value.push_str(&trim_pattern(&v, &p, false, greedy));
                            }
                            None => out.unresolved.push(name.to_string()),
                        },
                        Some(VarOp::Replace { all }) => match val {
                            Some(v) => {
                                let s = sub(out);
                                let (pat, repl) = s.split_once('/').unwrap_or((&s, ""));
                                if pat.is_empty() {
                                    out.value.push_str(&v);
                                } else if all {
                                    out.value.push_str(&v.replace(pat, repl));
                                } else {
                                    out.value.push_str(&v.replacen(pat, repl, 1));
                                }
                            }
                            None => out.unresolved.push(name.to_string()),
                        },
                    }
                    for _ in 0..word[i..i + consumed].chars().count() - 1 {
                        chars.next();
                    }
                }
                Err(_) => out.value.push('$'),
            },
            c => out.value.push(c),
        }
    }
}

fn trim_pattern(v: &str, pat: &str, prefix: bool, greedy: bool) -> String {
    let found = |lit: &str, first: bool| if first { v.find(lit) } else { v.rfind(lit) };
    let r = if prefix {
        if let Some(lit) = pat.strip_prefix('*') {
            found(lit, !greedy).map(|i| &v[i + lit.len()..])
        } else if let Some(lit) = pat.strip_suffix('*') {
            v.starts_with(lit)
                .then(|| if greedy { "" } else { &v[lit.len()..] })
        } else {
            v.strip_prefix(pat)
        }
    } else if let Some(lit) = pat.strip_suffix('*') {
        found(lit, greedy).map(|i| &v[..i])
    } else if let Some(lit) = pat.strip_prefix('*') {
        v.ends_with(lit).then(|| {
            if greedy {
                ""
            } else {
                &v[..v.len() - lit.len()]
            }
        })
    } else {
        v.strip_suffix(pat)
    };
    r.unwrap_or(v).to_string()
}

#[cfg(test)]
mod expand_tests {
    use super::*;

    fn exp(s: &str) -> Expanded {
        expand(s, '\\', &|n| match n {
            "A" => Some("alpine".into()),
            "E" => Some(String::new()),
            "V" => Some("1.2.3".into()),
            _ => None,
        })
    }

    #[test]
    fn expands_like_buildkit() {
        assert_eq!(exp("$A:${V}").value, "alpine:1.2.3");
        assert_eq!(exp("${E:-x}${E-y}").value, "x");
        assert_eq!(exp("${A:+set}").value, "set");
        assert_eq!(exp("${V%.*}").value, "1.2");
        assert_eq!(exp("${V#1.}").value, "2.3");
        assert_eq!(exp("${V%%.*}").value, "1");
        assert_eq!(exp("${V##*.}").value, "3");
        assert_eq!(exp("${V#*.}").value, "2.3");
        assert_eq!(exp("${V/./-}").value, "1-2.3");
        assert_eq!(exp("${V//./-}").value, "1-2-3");
        assert_eq!(exp("'$A'\"$A\"\\$A").value, "$Aalpine$A");
        let e = exp("$NOPE:${X:-d}");
        assert_eq!(e.value, ":d");
        assert_eq!(e.unresolved, vec!["NOPE".to_string()]);
    }
}
