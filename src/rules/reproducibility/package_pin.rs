//! The check shared by the package version-pinning rules: one finding per `RUN` that installs
//! packages without a version, listing them.

use crate::rule::Context;
use crate::rules::pm::{PmCmd, is_whole_expansion, manager, variable_value};
use crate::shell::Word;
use crate::syntax::Span;

/// What one pinning rule checks.
pub struct PinCheck {
    /// Manager keys of `rules/package-managers.toml` (`apt-get`, `dnf`, …).
    pub managers: &'static [&'static str],
    /// The package operands of an install command; `None` when the command is not an install
    /// this rule checks (or is exempt as a whole, like `pip install -r requirements.txt`).
    pub packages: for<'s, 'a> fn(&PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>>,
    /// Is this package operand pinned (or something that needs no pin, like a local file)?
    pub pinned: fn(&str) -> bool,
    /// The help text for the first unpinned package.
    pub help: fn(&str) -> String,
    /// Which programs of those managers this rule covers (by program name); `None`: all.
    pub programs: Option<fn(&str) -> bool>,
}

/// Report every `RUN` (and `ONBUILD RUN`) that installs unpinned packages, once, at the first
/// one. An operand that is one variable (`$PKGS`) stands for the words of its value when the file
/// defines it (an assignment earlier in the script, `ENV`, an `ARG` default); other expansions
/// are not judged, their value is unknown.
pub fn check(ctx: &mut Context<'_>, spec: &PinCheck) {
    let sem = ctx.semantic;
    if !crate::rules::pm::file_runs_any(sem, spec.managers) {
        return;
    }
    for i in 0..sem.instructions.len() {
        let mut first: Option<Span> = None;
        let mut names: Vec<String> = Vec::new();
        // the names already listed (a RUN may install thousands)
        let mut seen: std::collections::HashSet<String> = Default::default();
        for (c, name) in crate::rules::pm::pm_commands_named(sem, i) {
            if !spec.managers.contains(&name) {
                continue;
            }
            let Some(pm) = manager(&c) else { continue };
            if !spec.managers.contains(&pm.name) {
                continue;
            }
            if let Some(f) = spec.programs
                && !c.program().is_some_and(f)
            {
                continue;
            }
            let Some(packages) = (spec.packages)(&pm) else {
                continue;
            };
            for w in packages {
                // a variable defined in the file stands for its words; other expansions are
                // not judged
                let value;
                let values: Vec<&str> = if is_whole_expansion(w) {
                    let Some(v) = variable_value(sem, &c, w) else {
                        continue;
                    };
                    value = v;
                    value.split_whitespace().collect()
                } else {
                    vec![&*w.value]
                };
                for v in values {
                    if (spec.pinned)(v) {
                        continue;
                    }
                    first.get_or_insert_with(|| c.span(sem, w.span));
                    if seen.insert(v.to_string()) {
                        names.push(v.to_string());
                    }
                }
            }
        }
        let Some(span) = first else { continue };
        let message = match names.as_slice() {
            [one] => format!("`{one}` has no pinned version"),
            [a, b] => format!("`{a}` and `{b}` have no pinned versions"),
            [a, b, rest @ ..] => format!(
                "`{a}`, `{b}` and {} more have no pinned versions",
                rest.len()
            ),
            [] => continue,
        };
        let help = (spec.help)(&names[0]);
        ctx.report(span, message).help(help);
    }
}

/// The package operands of `yum`/`dnf install` and `… module install`, for the rpm rules.
pub fn rpm_packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    let mut ops = pm.operands().map(|(_, w)| w);
    match &*ops.next()?.value {
        "install" => Some(ops.collect()),
        "module" if ops.next().is_some_and(|w| w.value == "install") => Some(ops.collect()),
        _ => None,
    }
}

/// An rpm package spec with a version (`httpd-2.4.6`, `httpd-2.4.6-99.el7`, `1:…` epochs;
/// not `java-11-openjdk`, whose last part is no version),
/// a module stream (`nodejs:20`), an `.rpm` file or URL, or a group (`@core`, which has no
/// version). A `$VAR` in a dash-separated part after the name is taken for the version.
pub fn rpm_pinned(p: &str) -> bool {
    if p.ends_with(".rpm") || p.starts_with('@') || p.contains(':') {
        return true;
    }
    let mut parts = p.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        return false;
    }
    if rest.iter().any(|r| r.contains('$')) {
        return true;
    }
    // `name-version[-release]`: the version, or the release after it, starts with a digit,
    // and no part after the name holds other characters than a version has
    let version_char = |c: char| c.is_ascii_alphanumeric() || ".~^_+".contains(c);
    let digit = |r: &&str| r.starts_with(|c: char| c.is_ascii_digit());
    rest.iter().all(|r| r.chars().all(version_char)) && rest.last().is_some_and(digit)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_names() {
        let src = "FROM debian\nRUN apt-get install -y a b c d=1 $X\n";
        let s = crate::settings::Settings {
            select: vec!["DO503".into()],
            ..Default::default()
        };
        let out = crate::linter::lint(src, None, &Default::default(), &s);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(
            out.diagnostics[0].message,
            "`a`, `b` and 1 more have no pinned versions"
        );
    }

    #[test]
    fn rpm_versions() {
        use super::rpm_pinned;
        for p in [
            "httpd-2.4.6",
            "httpd-2.4.6-99.el7",
            "perl-1:5.16",
            "nodejs:20",
            "x.rpm",
            "@core",
            "a-$V",
        ] {
            assert!(rpm_pinned(p), "{p}");
        }
        for p in [
            "httpd",
            "java-11-openjdk",
            "python3-devel",
            "gcc-c++",
            "devtoolset-9-gcc",
        ] {
            assert!(!rpm_pinned(p), "{p}");
        }
    }
}
