//! `dockopt lint`: find Dockerfiles, lint them in parallel, report.

use std::io::{IsTerminal, Write};

use rayon::prelude::*;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, lint_guarded, read_inputs, session};
use crate::cli::LintArgs;
use crate::output::{self, FileReport, Format};
use crate::rule::Severity;

/// `None` means nothing fails the run.
pub fn parse_fail_level(s: &str) -> Result<Option<Severity>, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Severity::parse(s).map(Some).ok_or_else(|| {
        format!("unknown fail level {s:?}: expected error, warning, info, style or none")
    })
}

pub fn run(args: LintArgs) -> u8 {
    let session = match session(&args.common) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e:?}");
            return EXIT_ERROR;
        }
    };
    let fail_level = match args
        .fail_level
        .as_deref()
        .or(session.config.fail_level.as_deref())
        .map_or(Ok(Some(Severity::Info)), parse_fail_level)
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    super::quiet_panics();
    let (inputs, mut errors) = read_inputs(&session, &args.common);
    let results: Vec<(FileReport, Option<String>)> = inputs
        .into_par_iter()
        .map(|input| {
            let (diags, err) = match lint_guarded(&input, &session.settings) {
                Ok(d) => (d, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            let warn = input.lossy.then(|| {
                format!(
                    "warning: {} is not valid UTF-8; invalid bytes were replaced",
                    input.path.display()
                )
            });
            (FileReport::new(input.path, input.src, diags), err.or(warn))
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for (f, e) in results {
        if let Some(e) = e {
            errors.push(e);
        }
        files.push(f);
    }
    // `read_inputs` returns stdin first, then the discovered files sorted by path, and the
    // parallel map keeps that order: no sort needed.

    let color = args.output.is_none()
        && args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let write_result = match &args.output {
        Some(p) => std::fs::File::create(p).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            output::write(args.format, &files, color, &mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            output::write(args.format, &files, color, &mut w).and_then(|_| w.flush())
        }
    };
    if let Err(e) = write_result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
        return EXIT_ERROR;
    }
    let mut hard_error = false;
    for e in &errors {
        eprintln!("{e}");
        hard_error |= !e.starts_with("warning:");
    }
    if hard_error {
        return EXIT_ERROR;
    }
    let failing = fail_level.is_some_and(|lvl| {
        files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.severity <= lvl)
    });
    if failing { EXIT_FINDINGS } else { EXIT_OK }
}
