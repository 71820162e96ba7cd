use crate::rule::{Context, Rule};
use crate::syntax::mount::parse_mount;
use crate::syntax::{Args, Command, Flag, Healthcheck, Instruction, Kind, Span, words};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Checks each instruction the way BuildKit does before it builds: known keywords, the
    /// number of arguments, allowed flags and their values (`--link=yes`, a repeated `--chown`,
    /// `COPY --checksum`), stage names, HEALTHCHECK options, SHELL in JSON form, and
    /// `RUN --mount`, `--network` and `--security` options. (Triggers BuildKit refuses after
    /// `ONBUILD` are `onbuild-invalid-trigger`'s.)
    ///
    /// ## Why is this bad?
    /// BuildKit stops the build at the first such instruction. Catching it in the editor or in
    /// pre-commit is cheaper than a failed CI build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --link=yes app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --link app /app
    /// ```
    pub InvalidInstruction {
        code: "DO002",
        name: "invalid-instruction",
        category: Syntax,
        severity: Error,
        fix: None,
        scope: File,
        aliases: [],
    }
}

#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    Bool,
    String,
    Strings,
}

fn allowed_flags(ins: &Instruction) -> Option<&'static [(&'static str, FlagType)]> {
    use FlagType::*;
    Some(match ins.kind {
        Kind::From => &[("platform", String)],
        Kind::Copy => &[
            ("chown", String),
            ("from", String),
            ("chmod", String),
            ("link", Bool),
            ("exclude", Strings),
            ("parents", Bool),
        ],
        Kind::Add => &[
            ("chown", String),
            ("chmod", String),
            ("checksum", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        Kind::Run => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        Kind::Healthcheck => match &ins.args {
            Args::Healthcheck(Healthcheck::Type { typ, .. })
                if ins.text_of(*typ).eq_ignore_ascii_case("none") =>
            {
                return None;
            }
            _ => &[
                ("interval", String),
                ("timeout", String),
                ("start-period", String),
                ("start-interval", String),
                ("retries", String),
            ],
        },
        // BuildKit never parses the flags of ARG and STOPSIGNAL.
        Kind::Arg | Kind::Stopsignal | Kind::Unknown => return None,
        _ => &[],
    })
}

/// BuildKit's `BFlags.Parse`: the first error, if any.
fn check_flags(ins: &Instruction) -> Option<(Span, String)> {
    let allowed = allowed_flags(ins)?;
    let mut used: Vec<&str> = Vec::new();
    for f in &ins.flags {
        let name = f.name();
        let flag = format!("--{name}");
        let Some(&(_, ty)) = allowed.iter().find(|(n, _)| *n == name) else {
            return Some((f.token.span, format!("unknown flag: {flag}")));
        };
        if used.contains(&name) && ty != FlagType::Strings {
            return Some((f.token.span, format!("duplicate flag specified: {flag}")));
        }
        used.push(name);
        match (ty, f.value()) {
            (FlagType::Bool, Some("")) | (FlagType::String | FlagType::Strings, None) => {
                return Some((f.token.span, format!("missing a value on flag: {flag}")));
            }
            (FlagType::Bool, Some(v))
                if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") =>
            {
                return Some((
                    f.token.span,
                    format!("expecting boolean value for flag {flag}, not: {v}"),
                ));
            }
            _ => {}
        }
    }
    None
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn go_duration(s: &str) -> Option<f64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += num * mult;
        rest = &rest[u..];
    }
    Some(if neg { -total } else { total })
}

fn check_healthcheck(ins: &Instruction) -> Option<(Span, String)> {
    let span = ins.span;
    match &ins.args {
        Args::None => Some((span, "HEALTHCHECK requires at least one argument".into())),
        Args::Healthcheck(Healthcheck::Type { typ, rest }) => {
            let t = ins.text_of(*typ);
            if t.eq_ignore_ascii_case("none") {
                rest.map(|_| (span, "HEALTHCHECK NONE takes no arguments".into()))
            } else {
                Some((
                    typ.span,
                    format!(
                        "Unknown type \"{}\" in HEALTHCHECK (try CMD)",
                        t.to_ascii_uppercase()
                    ),
                ))
            }
        }
        Args::Healthcheck(Healthcheck::Cmd { command, .. }) => {
            let empty = match command {
                None => true,
                Some(Command::Exec { items, .. }) => items.is_empty(),
                Some(Command::Shell(_)) => false,
            };
            if empty {
                return Some((span, "Missing command after HEALTHCHECK CMD".into()));
            }
            for f in &ins.flags {
                let Some(v) = f.value() else { continue };
                match f.name() {
                    "retries" => match v.parse::<i64>() {
                        Ok(n) if n < 0 => {
                            return Some((
                                f.token.span,
                                format!("--retries cannot be negative ({n})"),
                            ));
                        }
                        Ok(_) => {}
                        Err(_) => {
                            return Some((
                                f.token.span,
                                format!("strconv.ParseInt: parsing \"{v}\": invalid syntax"),
                            ));
                        }
                    },
                    name @ ("interval" | "timeout" | "start-period" | "start-interval") => {
                        if v.is_empty() {
                            continue;
                        }
                        match go_duration(v) {
                            None => {
                                return Some((
                                    f.token.span,
                                    format!("time: invalid duration \"{v}\""),
                                ));
                            }
                            Some(d) if d != 0.0 && d < 1e6 => {
                                return Some((
                                    f.token.span,
                                    format!("Interval \"{name}\" cannot be less than 1ms"),
                                ));
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        _ => None,
    }
}

const MOUNT_KEYS: &[&str] = &[
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];

/// BuildKit's `parseMount` (with variable expansion deferred, as at parse time, plus the checks
/// done at conversion that need no variable values).
fn check_mount(f: &Flag) -> Option<String> {
    let v = f.value()?;
    let m = match parse_mount(v) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    let mut typ = "bind".to_string();
    let (mut from, mut sharing, mut source, mut target, mut id) =
        (false, false, false, false, false);
    let (mut mode, mut uid, mut gid) = (false, false, false);
    for (k, val) in &m.fields {
        let Some(val) = val else {
            match k.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => continue,
                "required" if typ == "secret" || typ == "ssh" => continue,
                "required" => return Some(format!("unexpected key '{k}' for mount type '{typ}'")),
                _ => return Some(format!("invalid field '{k}' must be a key=value pair")),
            }
        };
        let has_var = val.contains('$');
        match k.as_str() {
            "type" => {
                let t = val.to_ascii_lowercase();
                if has_var {
                    continue;
                }
                if !matches!(t.as_str(), "bind" | "cache" | "tmpfs" | "secret" | "ssh") {
                    return Some(format!("unsupported mount type \"{val}\""));
                }
                typ = t;
            }
            "from" => {
                if let Some(i) = val.find('$')
                    && i != val.len() - 1
                {
                    return Some(
                        "'from' doesn't support variable expansion, define alias stage instead"
                            .into(),
                    );
                }
                from = true;
            }
            "source" | "src" => source = true,
            "target" | "dst" | "destination" => target = true,
            "id" => id = true,
            "readonly" | "ro" | "readwrite" | "rw" => {
                if !has_var
                    && !matches!(
                        val.as_str(),
                        "1" | "t"
                            | "T"
                            | "TRUE"
                            | "true"
                            | "True"
                            | "0"
                            | "f"
                            | "F"
                            | "FALSE"
                            | "false"
                            | "False"
                    )
                {
                    return Some(format!("invalid value for {k}: {val}"));
                }
            }
            "required" => {
                if typ != "secret" && typ != "ssh" {
                    return Some(format!("unexpected key '{k}' for mount type '{typ}'"));
                }
            }
            "size" => {
                if typ != "tmpfs" {
                    return Some(format!("unexpected key '{k}' for mount type '{typ}'"));
                }
            }
            "sharing" => {
                let s = val.to_ascii_lowercase();
                if !has_var && !matches!(s.as_str(), "shared" | "private" | "locked") {
                    return Some(format!("unsupported sharing value \"{val}\""));
                }
                sharing = true;
            }
            "mode" => {
                if !has_var && u32::from_str_radix(val, 8).is_err() {
                    return Some(format!("invalid value {val} for mode"));
                }
                mode = true;
            }
            "uid" | "gid" => {
                if !has_var && val.parse::<u32>().is_err() {
                    return Some(format!("invalid value {val} for {k}"));
                }
                if k == "uid" {
                    uid = true;
                } else {
                    gid = true;
                }
            }
            "env" => {}
            _ => {
                let hint = crate::rules::closest(k, MOUNT_KEYS)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                return Some(format!("unexpected key '{k}' in '{k}={val}'{hint}"));
            }
        }
    }
    if !matches!(typ.as_str(), "secret" | "ssh" | "cache") {
        for (set, what) in [(mode, "mode"), (uid, "uid"), (gid, "gid")] {
            if set {
                return Some(format!("{what} not allowed for \"{typ}\" type mounts"));
            }
        }
    }
    if typ == "secret" {
        if from {
            return Some("secret mount should not have a from".into());
        }
        if sharing {
            return Some("secret mount should not define sharing".into());
        }
        if !source && !target && !id {
            return Some("invalid secret mount. one of source, target required".into());
        }
        if source && id {
            return Some("both source and id can't be set".into());
        }
    }
    if sharing && typ != "cache" {
        return Some(format!("invalid cache sharing set for {typ} mount"));
    }
    None
}

fn check_run(ins: &Instruction) -> Option<(Span, String)> {
    for f in &ins.flags {
        let Some(v) = f.value() else { continue };
        match f.name() {
            "network" if !v.contains('$') && !matches!(v, "default" | "none" | "host") => {
                return Some((f.token.span, format!("invalid network mode \"{v}\"")));
            }
            "security" if !v.contains('$') && !matches!(v, "sandbox" | "insecure") => {
                return Some((f.token.span, format!("security \"{v}\" is not valid")));
            }
            "mount" => {
                if let Some(m) = check_mount(f) {
                    return Some((f.token.span, m));
                }
            }
            _ => {}
        }
    }
    None
}

fn stage_name_ok(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// The first problem BuildKit would stop at for this instruction.
pub(crate) fn problem(ins: &Instruction) -> Option<(Span, String)> {
    let kw = ins.kind.upper();
    let span = ins.span;
    let at_least_one = || Some((span, format!("{kw} requires at least one argument")));
    let exactly_one = || Some((span, format!("{kw} requires exactly one argument")));
    // argument checks that BuildKit runs before the flags
    let early = match (&ins.kind, &ins.args) {
        (Kind::Unknown, _) => {
            let word = ins.keyword_text();
            let hint =
                crate::rules::closest(&word.to_ascii_lowercase(), &Kind::ALL.map(|k| k.as_str()));
            return Some((
                ins.keyword.span,
                match hint {
                    Some(h) => format!(
                        "unknown instruction: {word} (did you mean {}?)",
                        h.to_ascii_uppercase()
                    ),
                    None => format!("unknown instruction: {word}"),
                },
            ));
        }
        (Kind::Maintainer | Kind::User | Kind::Workdir | Kind::Stopsignal, Args::None) => {
            exactly_one()
        }
        (Kind::Add | Kind::Copy, a) if ins.paths().len() < 2 && !matches!(a, Args::Invalid(_)) => {
            Some((
                span,
                format!(
                    "{kw} requires at least two arguments, but only one was provided. Destination could not be determined"
                ),
            ))
        }
        (
            Kind::Onbuild | Kind::Healthcheck | Kind::Expose | Kind::Volume | Kind::Arg,
            Args::None,
        ) => at_least_one(),
        (Kind::From, _) => {
            let f = ins.from_args();
            let n = f.map_or(0, |f| f.words.len());
            match f.and_then(|f| f.alias) {
                Some((_, name)) if !stage_name_ok(ins.text_of(name)) => Some((
                    name.span,
                    format!(
                        "invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                        ins.text_of(name)
                    ),
                )),
                Some(_) => None,
                None if n != 1 => {
                    Some((span, "FROM requires either one or three arguments".into()))
                }
                None => None,
            }
        }
        _ => None,
    };
    if early.is_some() {
        return early;
    }
    if let Some(p) = check_flags(ins) {
        return Some(p);
    }
    match ins.kind {
        Kind::Env | Kind::Label => {
            if let Args::None = ins.args {
                return at_least_one();
            }
            if ins.key_values().iter().any(|kv| kv.key.logical.is_empty()) {
                return Some((span, format!("{kw} names can not be blank")));
            }
        }
        Kind::Arg if ins.arg_decls().iter().any(|d| d.name.logical.is_empty()) => {
            return Some((span, "ARG names can not be blank".into()));
        }
        Kind::Add | Kind::Copy => {
            if let (_, Some(dest)) = ins.sources_and_dest()
                && words::heredoc_marker(ins.word_text(dest)).is_some()
            {
                return Some((
                    dest.token.span,
                    format!("{kw} cannot accept a heredoc as a destination"),
                ));
            }
        }
        Kind::Volume
            if ins
                .paths()
                .iter()
                .any(|w| ins.word_text(w).trim().is_empty()) =>
        {
            return Some((span, "VOLUME specified can not be an empty string".into()));
        }
        Kind::Shell => match ins.command() {
            Some(Command::Exec { items, .. }) if items.is_empty() => return at_least_one(),
            Some(Command::Shell(_)) => {
                return Some((
                    span,
                    "SHELL requires the arguments to be in JSON form".into(),
                ));
            }
            None if matches!(ins.args, Args::None) => return at_least_one(),
            _ => {}
        },
        // ONBUILD ONBUILD / FROM / MAINTAINER: onbuild-invalid-trigger (DO120) reports them
        Kind::Healthcheck => return check_healthcheck(ins),
        Kind::Run => return check_run(ins),
        _ => {}
    }
    None
}

impl Rule for InvalidInstruction {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for ins in ctx.semantic.instructions.iter().copied() {
            // the parser already reported these (syntax-error)
            if matches!(ins.args, Args::Invalid(_)) {
                continue;
            }
            if let Some((span, msg)) = problem(ins) {
                let help = if msg.starts_with("unknown flag") {
                    "remove the flag, or check the spelling and which instruction accepts it"
                } else {
                    "BuildKit rejects this instruction; the build stops here"
                };
                ctx.report(span, msg).help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(go_duration("30s"), Some(30e9));
        assert_eq!(go_duration("1m30s"), Some(90e9));
        assert_eq!(go_duration("50ns"), Some(50.0));
        assert_eq!(go_duration("0"), Some(0.0));
        assert_eq!(go_duration("1.5h"), Some(5400e9));
        assert_eq!(go_duration("5"), None);
        assert_eq!(go_duration("x"), None);
    }
}
