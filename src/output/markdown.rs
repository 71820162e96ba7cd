//! `--format markdown`: a GitHub-flavoured Markdown report: a one-line tally, then one table
//! row per finding, errors first (then by path and position). Made for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`, which the Action fills with it) and pull-request comments, where
//! annotations stop at ten per level.

use std::io::{self, Write};

use super::FileReport;
use super::concise::fix_marker;
use crate::diagnostic::Applicability;
use crate::linter::find_rule;
use crate::rule::Severity;

/// Text safe inside a table cell: no line breaks, no cell separators, no raw HTML, no stray
/// emphasis or links. `code spans` stay code spans (GitHub does not decode entities in them, so
/// only the cell separator is escaped there).
pub fn cell(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let ticks = s.matches('`').count();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, part) in s.split('`').enumerate() {
        let last = i == ticks; // after the final backtick
        let code = i % 2 == 1 && !(last && ticks % 2 == 1);
        if i > 0 {
            // an unpaired final backtick is shown as is
            out.push_str(if ticks % 2 == 1 && last { "\\`" } else { "`" });
        }
        for c in part.chars() {
            match c {
                '|' => out.push_str("\\|"),
                '\n' | '\r' if code => out.push(' '),
                '\n' => out.push_str("<br>"),
                '\r' => {}
                _ if code => out.push(c),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '*' | '_' | '[' | ']' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## dockopt\n")?;
    let mut rows: Vec<(&FileReport, &crate::diagnostic::Diagnostic)> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .collect();
    if rows.is_empty() {
        return writeln!(
            out,
            "No problems found in {}.",
            plural(files.len(), "Dockerfile")
        );
    }
    // stable: within a level the reporters' order (path, position, code) is kept
    rows.sort_by_key(|(_, d)| d.severity);
    let mut counts = [0usize; 4];
    for (_, d) in &rows {
        counts[d.severity as usize] += 1;
    }
    let with = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    let fixable = |a: Applicability| {
        rows.iter()
            .filter(|(_, d)| d.fix.as_ref().is_some_and(|f| f.applicability == a))
            .count()
    };
    let (safe, unsafe_) = (fixable(Applicability::Safe), fixable(Applicability::Unsafe));
    let levels: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| match s {
            Severity::Error | Severity::Warning => plural(n, s.as_str()),
            Severity::Info | Severity::Style => format!("{n} {}", s.as_str()),
        })
        .collect();
    write!(
        out,
        "Found **{}** in {} of {}: {}.",
        plural(rows.len(), "problem"),
        with,
        plural(files.len(), "Dockerfile"),
        levels.join(", "),
    )?;
    if safe > 0 {
        write!(out, " {safe} fixable with `dockopt fix` (\\[\\*\\])")?;
    }
    if unsafe_ > 0 {
        let sep = if safe > 0 { "," } else { "" };
        write!(
            out,
            "{sep} {unsafe_} with `dockopt fix --unsafe` (\\[\\*?\\])"
        )?;
    }
    if safe + unsafe_ > 0 {
        write!(out, ".")?;
    }
    writeln!(out, "\n")?;
    writeln!(out, "| Severity | Location | Rule | Problem |")?;
    writeln!(out, "|---|---|---|---|")?;
    for (f, d) in rows {
        let (s, _) = f.range(d.span);
        let rule = match find_rule(d.code) {
            Some(r) => format!("[{}]({}) {}", d.code, r.meta().url(), d.name),
            None => format!("{} {}", d.code, d.name),
        };
        let mut problem = cell(&d.message);
        if let Some(h) = &d.help {
            problem.push_str("<br>help: ");
            problem.push_str(&cell(h));
        }
        let marker = cell(fix_marker(d).trim());
        writeln!(
            out,
            "| {}{} | `{}:{}:{}` | {rule} | {problem} |",
            d.severity.as_str(),
            if marker.is_empty() {
                String::new()
            } else {
                format!(" {marker}")
            },
            f.display_path().replace('`', "'").replace('|', "\\|"),
            s.line,
            s.column,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::linter::{BuildContext, lint};
    use crate::settings::Settings;

    fn report(files: &[(&str, &str)]) -> String {
        let reports: Vec<FileReport> = files
            .iter()
            .map(|(p, src)| {
                let d = lint(src, None, &BuildContext::default(), &Settings::default());
                FileReport::new(p.into(), src.to_string(), d.diagnostics)
            })
            .collect();
        let mut out = Vec::new();
        write(&reports, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn cells() {
        assert_eq!(cell("a | b\nc <x>"), "a \\| b<br>c &lt;x&gt;");
        assert_eq!(
            cell("add `USER <name>` and `rm -rf /x/*` | *.md"),
            "add `USER <name>` and `rm -rf /x/*` \\| \\*.md"
        );
        assert_eq!(cell("`a|b` c"), "`a\\|b` c");
        assert_eq!(cell("odd ` <x>"), "odd \\` &lt;x&gt;");
        assert_eq!(cell("[link](x) a_b"), "\\[link\\](x) a\\_b");
    }

    #[test]
    fn clean() {
        assert_eq!(
            report(&[]),
            "## dockopt\n\nNo problems found in 0 Dockerfiles.\n"
        );
    }

    #[test]
    fn fixable_findings_are_marked() {
        let md = report(&[("a/Dockerfile", "FROM alpine:3.20\nRUN apk add curl\n")]);
        assert!(md.contains("fixable with `dockopt fix`"), "{md}");
        assert!(
            md.contains("| info \\[\\*\\] | `a/Dockerfile:2:5` |"),
            "{md}"
        );
        assert!(md.contains("`USER <name>`"), "code spans are kept: {md}");
        // every row has the four cells
        for row in md.lines().filter(|l| l.starts_with("| ")) {
            assert_eq!(row.replace("\\|", "").matches(" | ").count(), 3, "{row}");
        }
    }
}
