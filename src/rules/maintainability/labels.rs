//! Labels as the label rules see them, and the value formats of a `[labels] schema`.

use crate::diagnostic::Edit;
use crate::rule::Context;
use crate::rules::common::shipped_stages;
use crate::rules::values;
use crate::semantic::Semantic;
use crate::settings::LabelType;
use crate::syntax::{Instruction, KeyValue, Kind};

/// One `key=value` of a LABEL.
pub struct Pair<'a> {
    /// Index of the LABEL in `Semantic::instructions`.
    pub index: usize,
    pub ins: &'a Instruction,
    pub kv: &'a KeyValue,
    /// The key with quotes removed (variables left as written).
    pub key: String,
    /// The value with quotes removed and variables expanded; `None` when it uses a variable
    /// whose value the file does not show.
    pub value: Option<String>,
}

/// Every pair of the LABELs in `stages` (`None`: every stage), in file order.
pub fn pairs<'a>(sem: &Semantic<'a>, stages: Option<&[bool]>) -> Vec<Pair<'a>> {
    let mut out = Vec::new();
    for (i, ins) in sem.instructions.iter().copied().enumerate() {
        if ins.kind != Kind::Label {
            continue;
        }
        if let Some(keep) = stages
            && !sem.stage_of[i].is_some_and(|s| keep[s])
        {
            continue;
        }
        for kv in ins.key_values() {
            out.push(Pair {
                index: i,
                ins,
                kv,
                key: values::unquote(sem, ins.text_of(kv.key)),
                value: values::expand(sem, i, ins.text_of(kv.value)),
            });
        }
    }
    out
}

/// The pairs of what `docker build` ships: the final stage and the stages it is built on.
pub fn shipped_pairs<'a>(sem: &Semantic<'a>) -> Vec<Pair<'a>> {
    pairs(sem, Some(&shipped_stages(sem)))
}

/// The pairs of shipped stages whose key has type `typ` in the schema, with a known, non-empty
/// value.
pub fn typed_values<'a>(ctx: &Context<'a>, typ: LabelType) -> Vec<Pair<'a>> {
    if !ctx.settings.label_schema.values().any(|t| *t == typ) {
        return Vec::new();
    }
    shipped_pairs(ctx.semantic)
        .into_iter()
        .filter(|p| ctx.settings.label_schema.get(&p.key) == Some(&typ))
        .filter(|p| p.value.as_deref().is_some_and(|v| !v.is_empty()))
        .collect()
}

/// An edit replacing a pair's value with `new`, double-quoted, when the value is written on one
/// line without variables.
pub fn replace_value(ctx: &Context<'_>, p: &Pair<'_>, new: &str) -> Option<Edit> {
    let raw = p.ins.text_of(p.kv.value);
    if raw.contains('$') || ctx.text(p.kv.value.span) != raw || raw.is_empty() {
        return None;
    }
    let escaped = new
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('$', "\\$");
    Some(Edit::replace(p.kv.value.span, format!("\"{escaped}\"")))
}

/// The name of a label type in messages.
pub fn type_name(t: LabelType) -> &'static str {
    match t {
        LabelType::Text => "text",
        LabelType::Rfc3339 => "an RFC 3339 timestamp",
        LabelType::Semver => "a semantic version",
        LabelType::Url => "a URL",
        LabelType::Hash => "a git commit hash",
        LabelType::Spdx => "an SPDX license expression",
        LabelType::Email => "an e-mail address",
    }
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

/// Characters (with `%XX` escapes) allowed in a URI component, plus `extra`.
fn uri_chars(s: &str, extra: &[char]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c == '%' {
            if i + 2 >= b.len() || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii() && (is_unreserved(c) || is_sub_delim(c) || extra.contains(&c))) {
            return false;
        }
        i += 1;
    }
    true
}

/// An absolute URI (RFC 3986): `scheme:hier-part[?query][#fragment]`.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    if let Some(f) = fragment
        && !uri_chars(f, &[':', '@', '/', '?'])
    {
        return false;
    }
    let (hier, query) = match rest.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (rest, None),
    };
    if let Some(q) = query
        && !uri_chars(q, &[':', '@', '/', '?'])
    {
        return false;
    }
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            let (authority, path) = after.split_at(end);
            if !is_authority(authority) {
                return false;
            }
            path
        }
        None => hier,
    };
    uri_chars(path, &[':', '@', '/'])
}

fn is_authority(a: &str) -> bool {
    let host_port = match a.rsplit_once('@') {
        Some((user, hp)) => {
            if !uri_chars(user, &[':']) {
                return false;
            }
            hp
        }
        None => a,
    };
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let Some((lit, after)) = rest.split_once(']') else {
            return false;
        };
        if lit.is_empty()
            || !lit
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | 'v' | 'V'))
        {
            return false;
        }
        match after.strip_prefix(':') {
            Some(p) => ("", Some(p)),
            None if after.is_empty() => ("", None),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit())) && uri_chars(host, &[])
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// An RFC 3339 date-time: `2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.5+02:00`.
pub fn is_rfc3339(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    let mut d = date.split('-');
    let (Some(y), Some(m), Some(day), None) = (d.next(), d.next(), d.next(), d.next()) else {
        return false;
    };
    let (Some(y), Some(m), Some(day)) = (digits(y, 4), digits(m, 2), digits(day, 2)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, None)
    } else {
        match time.rfind(['+', '-']) {
            Some(i) => (&time[..i], Some(&time[i + 1..])),
            None => return false,
        }
    };
    if let Some(o) = offset {
        let Some((h, m)) = o.split_once(':') else {
            return false;
        };
        if !matches!((digits(h, 2), digits(m, 2)), (Some(h), Some(m)) if h < 24 && m < 60) {
            return false;
        }
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(se), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return false;
    };
    matches!(
        (digits(h, 2), digits(mi, 2), digits(se, 2)),
        (Some(h), Some(mi), Some(se)) if h < 24 && mi < 60 && se <= 60
    )
}

/// A semantic version (semver.org 2.0.0): `1.2.3`, `1.0.0-rc.1+build.5`.
pub fn is_semver(s: &str) -> bool {
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |x: &str| {
        !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()) && (x == "0" || !x.starts_with('0'))
    };
    let ident =
        |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let mut parts = core.split('.');
    let ok_core = (0..3).all(|_| parts.next().is_some_and(numeric)) && parts.next().is_none();
    ok_core
        && pre.is_none_or(|p| {
            p.split('.')
                .all(|x| ident(x) && (!x.bytes().all(|b| b.is_ascii_digit()) || numeric(x)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

/// A git commit hash: lower-case hex, abbreviated (7 or more) or full (40, or 64 for SHA-256
/// repositories).
pub fn is_git_hash(s: &str) -> bool {
    (7..=40).contains(&s.len()) || s.len() == 64
}

/// Lower-case hex only.
pub fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH
/// Classpath-exception-2.0`, `LicenseRef-x`); deprecated identifiers count.
pub fn is_spdx(s: &str) -> bool {
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    spdx::Expression::parse_mode(s, mode).is_ok()
}

/// An e-mail address (RFC 5322 addr-spec): `local@domain`.
pub fn is_email(s: &str) -> bool {
    let Some(at) = s.rfind('@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom =
        |x: &str| !x.is_empty() && x.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let local_ok = dot_atom(local)
        || (local.len() >= 2
            && local.starts_with('"')
            && local.ends_with('"')
            && quoted_ok(&local[1..local.len() - 1]));
    let domain_ok = dot_atom(domain)
        || (domain.starts_with('[')
            && domain.ends_with(']')
            && domain.len() >= 2
            && domain[1..domain.len() - 1]
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '[' | ']' | '\\')));
    local_ok && domain_ok
}

fn quoted_ok(inner: &str) -> bool {
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if chars.next().is_none() {
                    return false;
                }
            }
            '"' => return false,
            c if c.is_ascii_graphic() || c == ' ' || c == '\t' => {}
            _ => return false,
        }
    }
    true
}

/// Report every shipped label of type `typ` whose value `valid` rejects; `suggest` gives a
/// corrected value for an unsafe fix.
pub fn check_typed(
    ctx: &mut Context<'_>,
    typ: LabelType,
    valid: fn(&str) -> bool,
    suggest: fn(&str) -> Option<String>,
    help: &str,
) {
    for p in typed_values(ctx, typ) {
        let Some(value) = p.value.as_deref() else {
            continue;
        };
        if valid(value) {
            continue;
        }
        let fix = suggest(value)
            .filter(|s| valid(s))
            .and_then(|s| replace_value(ctx, &p, &s).map(|e| (s, e)))
            .map(|(s, e)| {
                crate::diagnostic::Fix::unsafe_(format!("write the value as `{s}`"), vec![e])
            });
        let span = if p.kv.value.logical.is_empty() {
            p.kv.key.span
        } else {
            p.kv.value.span
        };
        ctx.report_fix(
            span,
            format!("label `{}` is not {}: `{value}`", p.key, type_name(typ)),
            help,
            fix,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for u in [
            "https://github.com/dockopt/dockopt",
            "http://example.com:8080/a/b?x=1#frag",
            "mailto:me@example.com",
            "file:///etc/hosts",
            "https://[::1]:443/",
            "urn:isbn:0451450523",
        ] {
            assert!(is_url(u), "{u}");
        }
        for u in [
            "github.com/x",
            "https://exa mple.com",
            "://x",
            "1http://x",
            "http://x:port/",
            "",
            "http://%zz",
        ] {
            assert!(!is_url(u), "{u}");
        }
    }

    #[test]
    fn timestamps() {
        for t in [
            "2024-05-01T12:30:00Z",
            "2024-02-29T23:59:60.123+02:00",
            "1999-12-31t00:00:00z",
        ] {
            assert!(is_rfc3339(t), "{t}");
        }
        for t in [
            "2024-05-01",
            "2023-02-29T00:00:00Z",
            "2024-05-01T25:00:00Z",
            "2024-05-01T12:30:00",
            "2024-5-01T12:30:00Z",
        ] {
            assert!(!is_rfc3339(t), "{t}");
        }
    }

    #[test]
    fn versions() {
        for v in [
            "1.2.3",
            "0.0.0",
            "1.0.0-rc.1",
            "1.0.0-alpha-1+build.5",
            "10.20.30",
        ] {
            assert!(is_semver(v), "{v}");
        }
        for v in [
            "v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "latest",
        ] {
            assert!(!is_semver(v), "{v}");
        }
    }

    #[test]
    fn hashes_licenses_emails() {
        assert!(is_git_hash("0123abc") && is_lower_hex("0123abc"));
        assert!(!is_git_hash("abc"));
        assert!(!is_lower_hex("0123ABC"));
        assert!(is_spdx("MIT") && is_spdx("Apache-2.0 OR MIT") && is_spdx("GPL-2.0"));
        assert!(!is_spdx("MIT License") && !is_spdx("mit") && !is_spdx(""));
        assert!(is_email("ops@example.com") && is_email("\"a b\"@x") && is_email("a@[1.2.3.4]"));
        assert!(!is_email("Ops <ops@example.com>") && !is_email("a@") && !is_email("a.@x"));
    }
}
