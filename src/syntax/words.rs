//! Word-level splitting of an instruction's logical text, with BuildKit's rules.
//!
//! Every function works on a `&str` (the logical text) and returns byte ranges into it, so the
//! caller can map them back to the source. Nothing here allocates per byte.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n},
    character::complete::char,
    combinator::{map, map_opt, value, verify},
    multi::fold_many0,
    sequence::preceded,
};

use super::span::Span;

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]+`.
#[inline]
pub fn is_split_space(c: u8) -> bool {
    matches!(c, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Go's `unicode.IsSpace` (Unicode White_Space), as `strings.TrimSpace` uses it.
#[inline]
pub fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Trim Unicode whitespace from both ends of `text[range]`.
pub fn trim(text: &str, range: Span) -> Span {
    let s = &text[range.range()];
    let lead = s.len() - s.trim_start_matches(is_go_space).len();
    let t = s.trim_matches(is_go_space);
    Span::new(
        range.start as usize + lead,
        range.start as usize + lead + t.len(),
    )
}

/// Split on runs of `[\t\v\f\r ]` (BuildKit `parseStringsWhitespaceDelimited`). The range is
/// assumed trimmed; empty input gives no words.
pub fn split_whitespace(text: &str, range: Span) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, end) = (range.start as usize, range.end as usize);
    if i >= end {
        return out;
    }
    let mut start = i;
    while i < end {
        if is_split_space(b[i]) {
            out.push(Span::new(start, i));
            while i < end && is_split_space(b[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    // regexp.Split keeps a trailing empty piece only when the text ends in a separator, which
    // a trimmed range never does; a leading separator would give an empty first word.
    out.push(Span::new(start, end));
    out
}

/// The first run of `[\t\v\f\r ]`-delimited text and the start of what follows
/// (`reWhitespace.Split(s, 2)`).
pub fn split_first(text: &str, range: Span) -> (Span, Option<usize>) {
    let b = text.as_bytes();
    let (start, end) = (range.start as usize, range.end as usize);
    let mut i = start;
    while i < end && !is_split_space(b[i]) {
        i += 1;
    }
    let first = Span::new(start, i);
    if i == end {
        return (first, None);
    }
    while i < end && is_split_space(b[i]) {
        i += 1;
    }
    (first, Some(i))
}

/// BuildKit's `parseWords`: whitespace-separated words where quotes group and are kept, and the
/// escape character keeps the next character. Returns the raw ranges (a lone escape character
/// at the very end is dropped, as BuildKit drops it).
pub fn parse_words(text: &str, range: Span, escape: char) -> Vec<Span> {
    #[derive(Clone, Copy, PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let s = &text[range.range()];
    let base = range.start as usize;
    let mut out = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    // end of the word's kept text (a trailing escape at end of input is not kept)
    let mut kept_end = 0;
    let mut blank_ok = false;
    let mut it = s.char_indices().peekable();
    while let Some((i, ch)) = it.next() {
        let at_end = |i: usize| i + ch.len_utf8() == s.len();
        if phase == Phase::Spaces {
            if is_go_space(ch) {
                continue;
            }
            phase = Phase::Word;
            start = i;
            kept_end = i;
            blank_ok = false;
        }
        match phase {
            Phase::Spaces => unreachable!(),
            Phase::Word => {
                if is_go_space(ch) {
                    if blank_ok || kept_end > start {
                        out.push(Span::new(base + start, base + kept_end));
                    }
                    phase = Phase::Spaces;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                } else if ch == escape {
                    if at_end(i) {
                        continue;
                    }
                    it.next();
                }
            }
            Phase::Quote(q) => {
                if ch == q {
                    phase = Phase::Word;
                } else if ch == escape && q != '\'' {
                    if at_end(i) {
                        phase = Phase::Word;
                        continue;
                    }
                    it.next();
                }
            }
        }
        kept_end = it.peek().map_or(s.len(), |&(j, _)| j);
    }
    if phase != Phase::Spaces && (blank_ok || kept_end > start) {
        out.push(Span::new(base + start, base + kept_end));
    }
    out
}

/// A flag word found by [`extract_flags`]: its raw range and its processed text.
pub struct RawFlag {
    pub range: Span,
    pub word: String,
}

/// BuildKit's `extractBuilderFlags`: leading `--words` (quotes removed, escapes processed),
/// stopping at the first word that does not start with `--`, or after a bare `--`.
/// Returns the flags and the offset where the arguments start (None when nothing follows).
pub fn extract_flags(text: &str, range: Span, escape: char) -> (Vec<RawFlag>, Option<usize>) {
    let s = &text[range.range()];
    let base = range.start as usize;
    let b = s.as_bytes();
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        // skip spaces
        while pos < b.len() && (b[pos] as char).is_ascii_whitespace() | is_split_space(b[pos]) {
            pos += 1;
        }
        if pos >= b.len() {
            return (flags, None);
        }
        if !(b[pos] == b'-' && pos + 1 < b.len() && b[pos + 1] == b'-') {
            return (flags, Some(base + pos));
        }
        let start = pos;
        let mut word = String::new();
        let mut quote: Option<u8> = None;
        let mut blank_ok = false;
        while pos < b.len() {
            let c = b[pos];
            match quote {
                None => {
                    if (c as char).is_ascii_whitespace() || is_split_space(c) {
                        break;
                    }
                    if c == b'\'' || c == b'"' {
                        quote = Some(c);
                        blank_ok = true;
                        pos += 1;
                        continue;
                    }
                    if c == escape as u8 {
                        if pos + 1 == b.len() {
                            pos += 1;
                            continue;
                        }
                        pos += 1;
                    }
                }
                Some(q) => {
                    if c == q {
                        quote = None;
                        pos += 1;
                        continue;
                    }
                    if c == escape as u8 {
                        if pos + 1 == b.len() {
                            quote = None;
                            pos += 1;
                            continue;
                        }
                        pos += 1;
                    }
                }
            }
            // copy one (possibly multi-byte) character
            let ch_len = utf8_len(b[pos]);
            let end = (pos + ch_len).min(b.len());
            word.push_str(&s[pos..end]);
            pos = end;
        }
        if word == "--" {
            let mut p = pos;
            while p < b.len() && is_split_space(b[p]) {
                p += 1;
            }
            return (flags, if p < b.len() { Some(base + pos) } else { None });
        }
        if blank_ok || !word.is_empty() {
            flags.push(RawFlag {
                range: Span::new(base + start, base + pos),
                word,
            });
        }
    }
}

#[inline]
fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Outcome of reading arguments as a JSON array of strings.
pub enum JsonArray {
    /// Not JSON (BuildKit falls back to shell form / whitespace words).
    NotJson,
    /// Valid JSON, but not every element is a string: BuildKit rejects this.
    NotStrings,
    /// The strings: raw ranges (with quotes) and decoded values.
    Strings(Vec<(Span, String)>),
}

fn json_ws(i: &str) -> IResult<&str, &str> {
    nom::bytes::complete::take_while(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))(i)
}

fn json_hex4(i: &str) -> IResult<&str, u32> {
    map_opt(
        take_while_m_n(4, 4, |c: char| c.is_ascii_hexdigit()),
        |h: &str| u32::from_str_radix(h, 16).ok(),
    )
    .parse(i)
}

#[derive(Clone)]
enum Piece<'a> {
    Lit(&'a str),
    Ch(char),
}

fn json_escape(i: &str) -> IResult<&str, Piece<'_>> {
    preceded(
        char('\\'),
        alt((
            value(Piece::Ch('"'), char('"')),
            value(Piece::Ch('\\'), char('\\')),
            value(Piece::Ch('/'), char('/')),
            value(Piece::Ch('\u{8}'), char('b')),
            value(Piece::Ch('\u{c}'), char('f')),
            value(Piece::Ch('\n'), char('n')),
            value(Piece::Ch('\r'), char('r')),
            value(Piece::Ch('\t'), char('t')),
            preceded(char('u'), json_unicode),
        )),
    )
    .parse(i)
}

fn json_unicode(i: &str) -> IResult<&str, Piece<'_>> {
    let (i, hi) = json_hex4(i)?;
    if (0xD800..0xDC00).contains(&hi) {
        // try a surrogate pair; Go substitutes U+FFFD for a lone surrogate
        if let Ok((rest, lo)) = preceded(tag("\\u"), json_hex4).parse(i)
            && (0xDC00..0xE000).contains(&lo)
        {
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return Ok((rest, Piece::Ch(char::from_u32(c).unwrap_or('\u{FFFD}'))));
        }
        return Ok((i, Piece::Ch('\u{FFFD}')));
    }
    Ok((i, Piece::Ch(char::from_u32(hi).unwrap_or('\u{FFFD}'))))
}

fn json_string(i: &str) -> IResult<&str, String> {
    let literal = verify(
        nom::bytes::complete::take_while1(|c: char| c != '"' && c != '\\' && c >= ' '),
        |s: &str| !s.is_empty(),
    );
    let piece = alt((map(literal, Piece::Lit), json_escape));
    let mut body = fold_many0(piece, String::new, |mut acc, p| {
        match p {
            Piece::Lit(s) => acc.push_str(s),
            Piece::Ch(c) => acc.push(c),
        }
        acc
    });
    let (i, _) = char('"')(i)?;
    let (i, s) = body.parse(i)?;
    let (i, _) = char('"')(i)?;
    Ok((i, s))
}

/// Parse `text[range]` (already trimmed) as BuildKit's `parseJSON` does.
pub fn json_array(text: &str, range: Span) -> JsonArray {
    let s = &text[range.range()];
    if !s.starts_with('[') {
        return JsonArray::NotJson;
    }
    let base = range.start as usize;
    let full = s;
    let offset = |rest: &str| base + (full.len() - rest.len());
    let mut items = Vec::new();
    let parsed = (|| -> Option<()> {
        let (mut i, _) = char::<_, nom::error::Error<&str>>('[').parse(s).ok()?;
        i = json_ws(i).ok()?.0;
        if let Ok((r, _)) = char::<_, nom::error::Error<&str>>(']').parse(i) {
            i = r;
        } else {
            loop {
                let start = offset(i);
                let (r, v) = json_string(i).ok()?;
                items.push((Span::new(start, offset(r)), v));
                i = json_ws(r).ok()?.0;
                if let Ok((r, _)) = char::<_, nom::error::Error<&str>>(',').parse(i) {
                    i = json_ws(r).ok()?.0;
                    continue;
                }
                let (r, _) = char::<_, nom::error::Error<&str>>(']').parse(i).ok()?;
                i = r;
                break;
            }
        }
        let (i, _) = json_ws(i).ok()?;
        i.is_empty().then_some(())
    })();
    match parsed {
        Some(()) => JsonArray::Strings(items),
        None => {
            // Valid JSON of another shape is an error in BuildKit, not a fallback.
            if serde_json::from_str::<Vec<serde_json::Value>>(s).is_ok() {
                JsonArray::NotStrings
            } else {
                JsonArray::NotJson
            }
        }
    }
}

/// Split a line into shell-like words for heredoc detection (BuildKit runs its shell lexer with
/// raw quotes and raw escapes): whitespace separates words outside quotes; `\` escapes.
pub fn shell_words(text: &str, range: Span) -> Vec<Span> {
    let b = text.as_bytes();
    let (mut i, end) = (range.start as usize, range.end as usize);
    let mut out = Vec::new();
    while i < end {
        while i < end && (b[i] == b' ' || b[i] == b'\t' || is_split_space(b[i])) {
            i += 1;
        }
        if i >= end {
            break;
        }
        let start = i;
        while i < end && !(b[i] == b' ' || is_split_space(b[i])) {
            match b[i] {
                b'\\' => i = (i + 2).min(end),
                b'\'' => {
                    i += 1;
                    while i < end && b[i] != b'\'' {
                        i += 1;
                    }
                    i = (i + 1).min(end);
                }
                b'"' => {
                    i += 1;
                    while i < end && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i = (i + 1).min(end);
                }
                // `<<` swallows the blanks after it: `<<  EOF` is one word (BuildKit's
                // processPossibleHeredoc).
                b'<' if i + 1 < end && b[i + 1] == b'<' => {
                    i += 2;
                    while i < end && (b[i] == b' ' || b[i] == b'\t') {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        out.push(Span::new(start, i));
    }
    out
}

/// A heredoc marker word: `[fd]<<[-]name`.
pub struct Marker {
    pub fd: u32,
    pub chomp: bool,
    pub name: String,
    pub expand: bool,
}

/// Recognise a heredoc marker word (BuildKit's `^(\d*)<<(-?)\s*([^<]*)$`).
pub fn heredoc_marker(word: &str) -> Option<Marker> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(is_go_space);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    // The name: quotes removed, backslash escapes processed; a quoted name means no expansion.
    let mut name = String::with_capacity(rest.len());
    let mut quoted = false;
    let mut chars = rest.chars();
    let mut words = 1;
    let mut in_word = true;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    name.push(c);
                }
            }
            '"' => {
                quoted = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                name.push(n);
                            }
                        }
                        _ => name.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    name.push(n);
                }
            }
            c if is_go_space(c) => {
                in_word = false;
            }
            c => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
                name.push(c);
            }
        }
    }
    if words != 1 || name.is_empty() {
        return None;
    }
    let fd = word[..digits].parse().unwrap_or(0);
    Some(Marker {
        fd,
        chomp,
        name,
        expand: !quoted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        parse_words(s, Span::new(0, s.len()), '\\')
            .into_iter()
            .map(|r| &s[r.range()])
            .collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        assert_eq!(words(r#"a b="c d" e\ f"#), vec!["a", r#"b="c d""#, r"e\ f"]);
        assert_eq!(words(r#"x="" y"#), vec![r#"x="""#, "y"]);
        assert_eq!(words("  "), Vec::<&str>::new());
        assert_eq!(words(r"a\"), vec!["a"]);
    }

    #[test]
    fn flags_are_unquoted() {
        let s = r#"--mount=type=cache,target="/x y" --link echo hi"#;
        let (flags, rest) = extract_flags(s, Span::new(0, s.len()), '\\');
        let w: Vec<_> = flags.iter().map(|f| f.word.as_str()).collect();
        assert_eq!(w, vec!["--mount=type=cache,target=/x y", "--link"]);
        assert_eq!(&s[rest.unwrap()..], "echo hi");
    }

    #[test]
    fn double_dash_ends_flags() {
        let s = "--doit=true -- foo /tmp/";
        let (flags, rest) = extract_flags(s, Span::new(0, s.len()), '\\');
        assert_eq!(flags.len(), 1);
        assert_eq!(s[rest.unwrap()..].trim(), "foo /tmp/");
    }

    #[test]
    fn json_arrays() {
        let s = r#"["a", "b\"c", "\u00e9"]"#;
        match json_array(s, Span::new(0, s.len())) {
            JsonArray::Strings(v) => {
                let vals: Vec<_> = v.iter().map(|x| x.1.as_str()).collect();
                assert_eq!(vals, vec!["a", "b\"c", "é"]);
                assert_eq!(&s[v[1].0.range()], r#""b\"c""#);
            }
            _ => panic!("expected strings"),
        }
        let bad = r#"["a", 1]"#;
        assert!(matches!(
            json_array(bad, Span::new(0, bad.len())),
            JsonArray::NotStrings
        ));
        let shell = "['a']";
        assert!(matches!(
            json_array(shell, Span::new(0, shell.len())),
            JsonArray::NotJson
        ));
        let empty = "[ ]";
        assert!(
            matches!(json_array(empty, Span::new(0, 3)), JsonArray::Strings(v) if v.is_empty())
        );
    }

    #[test]
    fn heredoc_markers() {
        let m = heredoc_marker("<<EOF").unwrap();
        assert!(m.expand && !m.chomp && m.name == "EOF");
        let m = heredoc_marker("<<-'EOT'").unwrap();
        assert!(!m.expand && m.chomp && m.name == "EOT");
        let m = heredoc_marker("3<<\"X\"").unwrap();
        assert_eq!((m.fd, m.expand, m.name.as_str()), (3, false, "X"));
        assert!(heredoc_marker("<<").is_none());
        assert!(heredoc_marker("a<<b").is_none());
    }
}
