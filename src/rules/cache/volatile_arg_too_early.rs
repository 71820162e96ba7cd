use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::commands_of;
use crate::semantic::Semantic;
use crate::syntax::{Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ARG` of build metadata that changes from build to build (`BUILD_DATE`,
    /// `VCS_REF`, `GIT_SHA`, `GIT_COMMIT`, `VERSION`, `BUILD_NUMBER`, …), or an `ENV` that
    /// takes its value from such an `ARG` (`ENV GIT_SHA=$GIT_SHA`), declared above `RUN`
    /// instructions that cannot use it. Every stage is checked: cache misses cost build time
    /// wherever they happen.
    ///
    /// ## Why is this bad?
    /// BuildKit passes every `ARG` that has a value, and every `ENV`, to each later `RUN` of
    /// the stage as an environment variable, and that environment is part of the `RUN`'s
    /// cache key. So when the value changes (a CI job passing `--build-arg BUILD_DATE=$(date)`
    /// or `--build-arg GIT_SHA=$CI_COMMIT_SHA` changes it on *every* build), every `RUN` after
    /// the declaration misses the cache, with everything after it, even a `RUN` that never
    /// reads the variable. The cost is exactly the `RUN`s between the declaration and the
    /// first instruction that can use it: with `ARG BUILD_DATE` above an `apt-get install`
    /// that takes 40 s, every build takes 40 s longer than it needs to. The finding counts
    /// those `RUN`s.
    ///
    /// A `RUN` counts as unable to use the variable when it does not name it and runs only
    /// programs that read no environment variable they are not told about: package managers
    /// (`apt-get`, `apk`, `dnf`, …), file utilities (`mkdir`, `cp`, `chmod`, `tar`, …),
    /// `curl`, `wget`, user management. Any other `RUN` (a script, `make`, `npm`, `pip`) may
    /// read it without naming it, so the search for a better place stops there.
    ///
    /// Only names that look like per-build metadata are checked (a date, a commit, revision
    /// or branch, `VERSION`, `RELEASE`, `TAG`, and `GIT_`/`VCS_`/`CI_`/`GITHUB_`/`BUILD_`
    /// names ending in a ref, tag, hash, id, number or time); names with `CACHE` or `BUST` in
    /// them are meant to invalidate the cache and are left alone, as is `SOURCE_DATE_EPOCH`,
    /// which tools read without naming it. An `ENV` with a fixed value is not flagged: it only
    /// changes when the line is edited.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ARG BUILD_DATE
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// LABEL org.opencontainers.image.created=$BUILD_DATE
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ARG BUILD_DATE
    /// LABEL org.opencontainers.image.created=$BUILD_DATE
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix moves the line, with the comment lines right above it, down to just
    /// before the first instruction that can use the variable (or, when nothing after it in
    /// the stage can, to just after the last `RUN` it was above). The `RUN`s it moves past
    /// cannot read it, so they do the same work without it, and the instructions that use it
    /// still see the same value. Not offered for a line that declares several variables, when
    /// its value uses a variable redeclared on the way, or when moving it would leave two
    /// `RUN`s side by side.
    pub VolatileArgTooEarly {
        code: "DO311",
        name: "volatile-arg-too-early",
        category: Cache,
        severity: Info,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [],
    }
}

/// Name tokens (split on `_`) that mark per-build metadata on their own.
const VOLATILE_TOKENS: &[&str] = &[
    "DATE",
    "TIMESTAMP",
    "BUILDDATE",
    "BUILDTIME",
    "COMMIT",
    "SHA",
    "SHA1",
    "GITSHA",
    "REVISION",
    "BRANCH",
    "BUILDNUMBER",
];

/// Tokens that mark per-build metadata after a `GIT_`, `VCS_`, `CI_`, `GITHUB_` or `BUILD_`
/// prefix (`GIT_REF`, `CI_PIPELINE_ID`, `BUILD_TIME`), not on their own (`ZOO_TICK_TIME`).
const PREFIXED_TOKENS: &[&str] = &[
    "REF", "TAG", "HASH", "DESCRIBE", "VERSION", "ID", "NUMBER", "NUM", "TIME", "RUN",
];

/// Whole names that mark per-build metadata.
const VOLATILE_NAMES: &[&str] = &[
    "VERSION",
    "APP_VERSION",
    "IMAGE_VERSION",
    "RELEASE",
    "RELEASE_VERSION",
    "RELEASE_TAG",
    "IMAGE_TAG",
    "TAG",
];

/// Does the name look like metadata that changes from one build to the next?
pub fn is_volatile(name: &str) -> bool {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let contains = |n: &str| {
        name.as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n.as_bytes()))
    };
    if eq(name, "SOURCE_DATE_EPOCH") || contains("CACHE") || contains("BUST") {
        return false;
    }
    let mut tokens = name.split('_');
    let first = tokens.next().unwrap_or("");
    VOLATILE_NAMES.iter().any(|n| eq(name, n))
        || name
            .split('_')
            .any(|t| VOLATILE_TOKENS.iter().any(|v| eq(t, v)))
        || (["GIT", "VCS", "CI", "GITHUB", "BUILD"]
            .iter()
            .any(|p| eq(first, p))
            && tokens.any(|t| PREFIXED_TOKENS.iter().any(|v| eq(t, v))))
}

/// Does `text` reference variable `name` (`$name`, `${name…}`)?
pub fn references(text: &str, name: &str) -> bool {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let followed = |body: &str| {
        body.len() >= name.len()
            && body.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && body.as_bytes().get(name.len()).is_none_or(|&c| !ident(c))
    };
    // `$NAME`, `${NAME}`; PowerShell `$env:NAME`; cmd `%NAME%`
    text.match_indices('$').any(|(at, _)| {
        let rest = &text[at + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let body = match body.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("env:") => &body[4..],
            _ => body,
        };
        followed(body)
    }) || text.match_indices('%').any(|(at, _)| {
        text[at + 1..]
            .strip_prefix(name)
            .is_some_and(|r| r.starts_with('%'))
    })
}

/// Does instruction `j` use `name` (in its text, flags or heredoc bodies)?
fn uses(ctx: &Context<'_>, ins: &Instruction, name: &str) -> bool {
    references(&ins.text, name)
        || ins
            .heredocs
            .iter()
            .any(|h| references(ctx.text(h.body), name))
}

/// Programs that read no environment variable they are not told about: a `RUN` made only of
/// these behaves the same whatever extra variable it gets. Sorted (binary search).
const ENV_AGNOSTIC: &[&str] = &[
    "[",
    "addgroup",
    "adduser",
    "apk",
    "apt",
    "apt-cache",
    "apt-get",
    "apt-mark",
    "bzip2",
    "cat",
    "cd",
    "chgrp",
    "chmod",
    "chown",
    "cp",
    "curl",
    "dnf",
    "dpkg",
    "echo",
    "false",
    "gpg",
    "grep",
    "groupadd",
    "groupmod",
    "gunzip",
    "gzip",
    "id",
    "install",
    "ldconfig",
    "ln",
    "locale-gen",
    "localedef",
    "ls",
    "md5sum",
    "microdnf",
    "mkdir",
    "mv",
    "printf",
    "rm",
    "rmdir",
    "rpm",
    "sed",
    "set",
    "setcap",
    "sha256sum",
    "sha512sum",
    "sleep",
    "tar",
    "tdnf",
    "tee",
    "test",
    "touch",
    "true",
    "unzip",
    "update-alternatives",
    "update-ca-certificates",
    "useradd",
    "usermod",
    "wget",
    "which",
    "xz",
    "yum",
    "zypper",
];

fn env_agnostic(sem: &Semantic<'_>, i: usize) -> bool {
    let ins = sem.instructions[i];
    if !ins.heredocs.is_empty() || sem.scripts_of(i).is_empty() {
        return false;
    }
    commands_of(sem, i).all(|c| match c.program() {
        Some(p) => ENV_AGNOSTIC.binary_search(&p).is_ok(),
        // a bare assignment or redirection
        None => true,
    })
}

/// The declarations of an ARG or ENV: (name, name span, value text).
fn declarations(ins: &Instruction) -> Vec<(&str, Span, Option<&str>)> {
    match ins.kind {
        Kind::Arg => ins
            .arg_decls()
            .iter()
            .map(|d| {
                (
                    ins.text_of(d.name),
                    d.name.span,
                    d.default.map(|t| ins.text_of(t)),
                )
            })
            .collect(),
        Kind::Env => ins
            .key_values()
            .iter()
            .map(|kv| {
                (
                    ins.text_of(kv.key),
                    kv.key.span,
                    Some(ins.text_of(kv.value)),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Rule for VolatileArgTooEarly {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, ins) in sem.instructions.iter().enumerate() {
            {
                if !matches!(ins.kind, Kind::Arg | Kind::Env) {
                    continue;
                }
                let Some(stage) = sem.stage_of[i].map(|s| &sem.stages[s]) else {
                    continue;
                };
                // cheap test first: most ARG/ENV lines declare nothing volatile
                let volatile = ins
                    .arg_decls()
                    .iter()
                    .map(|d| d.name)
                    .chain(ins.key_values().iter().map(|kv| kv.key))
                    .any(|t| is_volatile(ins.text_of(t)));
                if !volatile {
                    continue;
                }
                let decls = declarations(ins);
                for &(name, name_span, value) in &decls {
                    if !is_volatile(name) {
                        continue;
                    }
                    // an ENV with a fixed value changes only when the line is edited; one
                    // that takes an ARG's value changes with the build arguments
                    if ins.kind == Kind::Env
                        && !value.is_some_and(|v| takes_stage_arg(sem, stage.from, i, v))
                    {
                        continue;
                    }
                    // the first later instruction that uses it or may read it: a textual use,
                    // a redeclaration, or a RUN that runs programs which could read it from the
                    // environment without naming it
                    let mut boundary = None;
                    let mut textual = false;
                    let mut labels = Vec::new();
                    for j in i + 1..stage.end {
                        let later = sem.instructions[j];
                        // a LABEL only writes metadata: it can move down with the ARG
                        if later.kind == Kind::Label && uses(ctx, later, name) {
                            labels.push(j);
                            continue;
                        }
                        if uses(ctx, later, name)
                            || (matches!(later.kind, Kind::Arg | Kind::Env)
                                && declarations(later).iter().any(|d| d.0 == name))
                        {
                            boundary = Some(j);
                            textual = true;
                            break;
                        }
                        if later.kind == Kind::Run && !env_agnostic(sem, j) {
                            boundary = Some(j);
                            break;
                        }
                    }
                    let until = boundary.unwrap_or(stage.end);
                    let runs: Vec<usize> = (i + 1..until)
                        .filter(|&j| sem.instructions[j].kind == Kind::Run)
                        .collect();
                    if runs.is_empty() {
                        continue;
                    }
                    let n = runs.len();
                    let keyword = ins.kind.upper();
                    let (count, them) = if n == 1 {
                        ("1 RUN instruction".to_string(), "it")
                    } else {
                        (format!("{n} RUN instructions"), "them")
                    };
                    // LABELs that use it above the last RUN it passes move down with it
                    let last_run = runs[n - 1];
                    labels.retain(|&l| l < last_run);
                    let message = match boundary {
                        Some(_) => format!(
                            "`{keyword} {name}` is declared above {count} that cannot use it: each new value rebuilds {them}"
                        ),
                        None if labels.is_empty()
                            && !labels_after(sem, i, stage.end, name, ctx) =>
                        {
                            format!(
                                "`{keyword} {name}` is used by nothing after it in this stage, yet each new value rebuilds the {count} after it"
                            )
                        }
                        None => format!(
                            "`{keyword} {name}` is only used by a LABEL, yet each new value rebuilds the {count} after it"
                        ),
                    };
                    let help = match boundary {
                        Some(_) => "declare it just before the first instruction that can use it",
                        None => "declare it after the last RUN of the stage (or remove it)",
                    };
                    let fix = move_fix(ctx, i, decls.len(), value, boundary, &runs, &labels);
                    let d = ctx.report(name_span, message);
                    d.help(help).set_fix(fix);
                    if let Some(j) = boundary {
                        d.label(
                            sem.instructions[j].span,
                            if textual {
                                "first used here"
                            } else {
                                "this RUN may read it from the environment"
                            },
                        );
                    }
                }
            }
        }
    }
}

/// Is the variable used by a LABEL after instruction `i` of the stage?
fn labels_after(sem: &Semantic<'_>, i: usize, end: usize, name: &str, ctx: &Context<'_>) -> bool {
    (i + 1..end).any(|j| {
        let l = sem.instructions[j];
        l.kind == Kind::Label && uses(ctx, l, name)
    })
}

/// Does an ENV value take the value of an ARG declared earlier in the stage?
fn takes_stage_arg(sem: &Semantic<'_>, from: usize, i: usize, value: &str) -> bool {
    (from + 1..i).any(|j| {
        let l = sem.instructions[j];
        l.kind == Kind::Arg
            && l.arg_decls()
                .iter()
                .any(|d| references(value, l.text_of(d.name)))
    })
}

/// The edits moving declaration `i` (with the `LABEL`s in `labels` that use it) down, if
/// that can be done cleanly.
fn move_fix(
    ctx: &Context<'_>,
    i: usize,
    decls: usize,
    value: Option<&str>,
    boundary: Option<usize>,
    runs: &[usize],
    labels: &[usize],
) -> Option<Fix> {
    let sem = ctx.semantic;
    let ins = sem.instructions[i];
    if decls != 1 || !ins.heredocs.is_empty() {
        return None;
    }
    let last_run = *runs.last()?;
    // where it goes: before the first instruction that can use it, or after the last RUN
    let (at, after) = match boundary {
        Some(j) => (attached_comments_start(ctx, sem.instructions[j]), None),
        None => (sem.instructions[last_run].line_span.end, Some(last_run)),
    };
    let until = boundary.unwrap_or(last_run + 1);
    let declared_between = |from: usize, text: &str| {
        (from + 1..until).any(|j| {
            let l = sem.instructions[j];
            matches!(l.kind, Kind::Arg | Kind::Env)
                && declarations(l).iter().any(|d| references(text, d.0))
        })
    };
    // its value, and what the moved labels say, must mean the same down there
    if value.is_some_and(|v| v.contains('$') && declared_between(i, v)) {
        return None;
    }
    let mut moved = vec![i];
    for &l in labels {
        let label = sem.instructions[l];
        let keys: Vec<&str> = label
            .key_values()
            .iter()
            .map(|kv| label.text_of(kv.key))
            .collect();
        let same_key_later = (l + 1..until).any(|j| {
            let o = sem.instructions[j];
            o.kind == Kind::Label
                && o.key_values()
                    .iter()
                    .any(|kv| keys.contains(&o.text_of(kv.key)))
        });
        if declared_between(l, &label.text) || same_key_later || !label.heredocs.is_empty() {
            return None;
        }
        moved.push(l);
    }
    // two RUNs left side by side would be a new finding (and a layer to join)
    let stage = sem.stage_of[i];
    let kind_at = |j: usize| {
        (sem.stage_of.get(j).copied().flatten() == stage && !moved.contains(&j))
            .then(|| sem.instructions[j].kind)
    };
    for &m in &moved {
        let mut a = m;
        while a > 0 && moved.contains(&(a - 1)) {
            a -= 1;
        }
        let mut b = m;
        while moved.contains(&(b + 1)) {
            b += 1;
        }
        if a > 0 && kind_at(a - 1) == Some(Kind::Run) && kind_at(b + 1) == Some(Kind::Run) {
            return None;
        }
    }
    // lines must end with a newline; a RUN to insert after must not end in a continuation
    let mut text = String::new();
    let mut edits = Vec::new();
    for &m in &moved {
        let mut span = sem.instructions[m].line_span;
        if m == i {
            // the comment lines right above the declaration go with it
            span.start = attached_comments_start(ctx, ins);
        }
        let line = ctx.text(span);
        if !line.ends_with('\n') {
            return None;
        }
        text.push_str(line);
        edits.push(Edit::delete(span));
    }
    if let Some(r) = after
        && (crate::rules::common::dangling_continuation(ctx, sem.instructions[r])
            || !ctx.text(sem.instructions[r].line_span).ends_with('\n'))
    {
        return None;
    }
    edits.push(Edit::insert(at, text));
    let title = match (boundary, labels.is_empty()) {
        (Some(_), true) => "move it down to where it can be used",
        (Some(_), false) => "move it and the LABEL using it down to where it can be used",
        (None, true) => "move it after the last RUN",
        (None, false) => "move it and the LABEL using it after the last RUN",
    };
    // every RUN it moves past runs only programs that do not read it
    Some(Fix::safe(title, edits))
}

/// Where the comment lines directly above an instruction start (its line start when there are
/// none), so a line inserted before it does not split it from its comments.
fn attached_comments_start(ctx: &Context<'_>, ins: &Instruction) -> u32 {
    let items = &ctx.semantic.df.items;
    let Some(k) = items
        .iter()
        .position(|it| it.line_span().start == ins.line_span.start)
    else {
        return ins.line_span.start;
    };
    let mut start = ins.line_span.start;
    for it in items[..k].iter().rev() {
        match it {
            crate::syntax::Item::Comment(c) => start = c.line_span.start,
            _ => break,
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_agnostic_is_sorted() {
        assert!(ENV_AGNOSTIC.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn volatile_names() {
        for n in [
            "BUILD_DATE",
            "VCS_REF",
            "GIT_SHA",
            "GIT_COMMIT",
            "VERSION",
            "BUILD_NUMBER",
            "CI_COMMIT_SHA",
            "COMMIT_HASH",
            "build_time",
        ] {
            assert!(is_volatile(n), "{n}");
        }
        for n in [
            "NODE_VERSION",
            "SOURCE_DATE_EPOCH",
            "CACHE_DATE",
            "CACHEBUST",
            "AUTO_UPDATE",
            "TZ",
            "RUNTIME",
        ] {
            assert!(!is_volatile(n), "{n}");
        }
    }

    #[test]
    fn variable_references() {
        assert!(references("LABEL a=$BUILD_DATE", "BUILD_DATE"));
        assert!(references("x=${BUILD_DATE:-now}", "BUILD_DATE"));
        assert!(!references("x=$BUILD_DATES", "BUILD_DATE"));
        assert!(!references("BUILD_DATE", "BUILD_DATE"));
    }
}
