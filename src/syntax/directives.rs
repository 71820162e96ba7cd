//! Parser directives: `# syntax=…`, `# escape=…`, `# check=…`.
//!
//! BuildKit reads them only from the top of the file, before any instruction, blank line or
//! other comment; each may appear once. The line grammar is
//! `#` `\s*` name `\s*` `=` `\s*` value `\s*`, name = `[a-zA-Z][a-zA-Z0-9]*`, case-insensitive.

use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    character::complete::{char, satisfy},
    combinator::recognize,
};

use super::ast::DirectiveKind;

/// A line of the directive shape. `kind` is None for a name that is not a directive
/// (such a line ends the directive block, as any other comment does).
pub struct DirectiveLine<'a> {
    pub kind: Option<DirectiveKind>,
    pub name: &'a str,
    pub value: &'a str,
}

fn re_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

fn name(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(i)
}

fn line(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, _) = char('#')(i)?;
    let (i, _) = take_while(char::is_whitespace)(i)?;
    let (i, n) = name(i)?;
    let (i, _) = take_while(re_space)(i)?;
    let (i, _) = char('=')(i)?;
    let (i, _) = take_while(re_space)(i)?;
    let (i, v) = take_while1(|_| true)(i)?;
    let v = v.trim_end_matches(re_space);
    if v.is_empty() {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::TakeWhile1,
        )));
    }
    Ok((i, (n, v)))
}

/// Parse a (left-trimmed) line as a directive.
pub fn parse_directive_line(s: &str) -> Option<DirectiveLine<'_>> {
    let (_, (name, value)) = line(s).ok()?;
    let kind = match name.to_ascii_lowercase().as_str() {
        "syntax" => Some(DirectiveKind::Syntax),
        "escape" => Some(DirectiveKind::Escape),
        "check" => Some(DirectiveKind::Check),
        _ => None,
    };
    Some(DirectiveLine { kind, name, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let d = parse_directive_line("# syntax = docker/dockerfile:1 ").unwrap();
        assert_eq!(
            (d.kind, d.name, d.value),
            (Some(DirectiveKind::Syntax), "syntax", "docker/dockerfile:1")
        );
        let d = parse_directive_line("#ESCAPE=`").unwrap();
        assert_eq!(d.kind, Some(DirectiveKind::Escape));
        assert!(parse_directive_line("# foo=bar").unwrap().kind.is_none());
        assert!(parse_directive_line("# just a comment").is_none());
        assert!(parse_directive_line("# escape=").is_none());
        assert!(parse_directive_line("FROM a").is_none());
    }
}
