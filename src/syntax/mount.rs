//! `RUN --mount=…` options: comma-separated CSV fields, each `key=value` or a bare key.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{is_not, tag},
    character::complete::char,
    combinator::{map, opt},
    multi::{many0, separated_list0},
    sequence::delimited,
};

/// A parsed mount. Keys are lower-cased; values keep their case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    pub fields: Vec<(String, Option<String>)>,
}

impl Mount {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
    }

    /// `bind` when no type is given, as in BuildKit.
    pub fn kind(&self) -> String {
        self.get("type").unwrap_or("bind").to_ascii_lowercase()
    }

    pub fn target(&self) -> Option<&str> {
        self.get("target")
            .or_else(|| self.get("dst"))
            .or_else(|| self.get("destination"))
    }

    pub fn source(&self) -> Option<&str> {
        self.get("source").or_else(|| self.get("src"))
    }

    pub fn from(&self) -> Option<&str> {
        self.get("from")
    }
}

fn quoted(i: &str) -> IResult<&str, String> {
    delimited(
        char('"'),
        map(
            many0(alt((map(tag("\"\""), |_| "\""), is_not("\"")))),
            |parts| parts.concat(),
        ),
        char('"'),
    )
    .parse(i)
}

fn field(i: &str) -> IResult<&str, String> {
    alt((
        quoted,
        map(opt(is_not(",")), |s: Option<&str>| {
            s.unwrap_or("").to_string()
        }),
    ))
    .parse(i)
}

/// Parse a mount value (`type=cache,target=/root/.cache`). Errors mean malformed CSV.
pub fn parse_mount(value: &str) -> Result<Mount, String> {
    let (rest, fields) = separated_list0(char(','), field)
        .parse(value)
        .map_err(|_| format!("failed to parse csv mounts: {value}"))?;
    if !rest.is_empty() {
        return Err(format!("failed to parse csv mounts: {value}"));
    }
    Ok(Mount {
        fields: fields
            .into_iter()
            .filter(|f| !f.is_empty())
            .map(|f| match f.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_string())),
                None => (f.trim().to_ascii_lowercase(), None),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        let m = parse_mount("type=cache,target=/root/.cache,sharing=locked,ro").unwrap();
        assert_eq!(m.kind(), "cache");
        assert_eq!(m.target(), Some("/root/.cache"));
        assert_eq!(m.get("sharing"), Some("locked"));
        assert!(m.fields.iter().any(|(k, v)| k == "ro" && v.is_none()));
        let m = parse_mount("\"type=bind,x\",target=/a").unwrap();
        assert_eq!(m.fields[0].0, "type");
        assert_eq!(parse_mount("target=/x").unwrap().kind(), "bind");
    }
}
