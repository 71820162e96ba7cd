//! `dockopt fix`: show the fixes as a unified diff, or write them (`--write`).
//!
//! Writes are atomic: the new text goes to a temporary file beside the original, which then
//! replaces it by rename, with the original's permissions (and owner and group where the OS
//! allows). A file that does not parse (before or after fixing) or is not valid UTF-8 is never
//! written. A symlink is written through: its target is replaced, the link stays. New files (a
//! `.dockerignore`) are created only where none exists, never overwritten. With `-` (stdin), the
//! text goes to stdout whole, fixed or unchanged, for editors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Input, read_inputs, session};
use crate::cli::FixArgs;
use crate::diagnostic::{Applicability, NewFile};
use crate::fix::{FixOptions, FixOutcome, fix, unified_diff};
use crate::syntax;

struct Done {
    input: Input,
    outcome: Result<FixOutcome, String>,
}

/// Merge the other-file writes several Dockerfiles of one context want (one `.dockerignore`
/// each): the union of their lines, in first-seen order. The flag says "append".
fn merge_new_files(done: &[Done]) -> BTreeMap<PathBuf, (bool, String)> {
    let mut out: BTreeMap<PathBuf, (bool, String)> = BTreeMap::new();
    for d in done {
        let Ok(o) = &d.outcome else { continue };
        for NewFile {
            path,
            content,
            append,
        } in &o.new_files
        {
            let (a, e) = out.entry(path.clone()).or_insert((*append, String::new()));
            *a &= *append;
            for line in content.lines() {
                if !e.lines().any(|l| l == line) || line.is_empty() || line.starts_with('#') {
                    e.push_str(line);
                    e.push('\n');
                }
            }
        }
    }
    out
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    s.replace('\\', "/")
}

/// Replace `path`'s content atomically: the new text goes to a temporary file in the same
/// folder, which then takes the original's place by rename, so a reader (or a crash) sees the
/// old file or the new one, never a mix. Permissions are copied; the owner and group too where
/// the OS lets us (root can; others can keep a group they belong to). Symlinks are written
/// through: the file they point to is replaced, the link stays.
pub fn write_atomic(path: &Path, content: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let meta = std::fs::metadata(&target)?;
    if !meta.is_file() {
        // a named pipe or a device: renaming over it would not write to it
        return Err(std::io::Error::other("not a regular file"));
    }
    // Respect the file's write permission as the OS applies it to us (a read-only file is
    // refused, except for root), even though the rename below would not need it.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(|e| std::io::Error::new(e.kind(), format!("the file is not writable ({e})")))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockopt-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            // the kind alone: the error itself repeats the random name of the file it tried
            let why = std::io::Error::from(e.kind());
            std::io::Error::new(
                e.kind(),
                format!("cannot create a temporary file in {}: {why}", dir.display()),
            )
        })?;
    tmp.write_all(content.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, fchown};
        // Best effort: the owner needs privileges, the group only membership.
        if fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).is_err() {
            let _ = fchown(tmp.as_file(), None, Some(meta.gid()));
        }
    }
    // after the owner: changing it may clear the set-id bits
    tmp.as_file().set_permissions(meta.permissions())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // make the rename itself durable
        let _ = d.sync_all();
    }
    Ok(())
}

/// Create a file that must not exist yet.
fn create_new(path: &Path, content: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(content.as_bytes())
}

fn summary(applied: &BTreeMap<&'static str, usize>) -> String {
    let n: usize = applied.values().sum();
    let parts: Vec<String> = applied.iter().map(|(c, k)| format!("{c}×{k}")).collect();
    if parts.is_empty() {
        format!("Fixed {n}")
    } else {
        format!("Fixed {n} ({})", parts.join(" "))
    }
}

pub fn run(args: FixArgs) -> u8 {
    let session = match session(&args.common) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e:?}");
            return EXIT_ERROR;
        }
    };
    super::quiet_panics();
    let opts = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
    };
    let stdin_mode = args.common.paths.iter().any(|p| p.as_os_str() == "-");
    let (inputs, mut errors) = read_inputs(&session, &args.common);
    let settings = &session.settings;
    let done: Vec<Done> = inputs
        .into_par_iter()
        .map(|input| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                fix(
                    &input.src,
                    Some(&input.path),
                    &input.context,
                    settings,
                    opts,
                )
            }))
            .map_err(|_| {
                format!(
                    "internal error while fixing {} (this is a dockopt bug; please report it)",
                    input.path.display()
                )
            });
            Done { input, outcome }
        })
        .collect();
    let mut done = done;
    done.sort_by(|a, b| a.input.path.cmp(&b.input.path));
    let new_files = merge_new_files(&done);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut changed_files = 0usize;
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut remaining, mut more_unsafe) = (0usize, 0usize);
    // what could not be read fails the run; warnings do not
    let mut hard_error = errors.iter().any(|e| !e.starts_with("warning:"));

    for d in &done {
        // Stdin goes back to stdout whole, fixed or not: an editor replaces its buffer with it.
        let is_stdin = stdin_mode && d.input.file.is_none();
        let echo = |out: &mut dyn Write| {
            if is_stdin && !args.diff {
                let bytes = d.input.raw.as_deref().unwrap_or(d.input.src.as_bytes());
                let _ = out.write_all(bytes);
            }
        };
        let o = match &d.outcome {
            Ok(o) => o,
            Err(e) => {
                errors.push(e.clone());
                hard_error = true;
                echo(&mut out);
                continue;
            }
        };
        let name = display(&d.input.path);
        if !o.not_converged.is_empty() {
            errors.push(format!(
                "{name}: fixes did not converge after {} passes ({}); the file was not changed",
                o.passes,
                o.not_converged.join(", ")
            ));
            echo(&mut out);
            continue;
        }
        for (code, title) in &o.rolled_back {
            errors.push(format!(
                "{name}: a {code} fix ({title}) would break the syntax; rolled back"
            ));
        }
        remaining += o.remaining.len();
        more_unsafe += o
            .remaining
            .iter()
            .filter(|x| {
                x.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Unsafe)
            })
            .count();
        if is_stdin && d.input.lossy {
            errors.push(format!("{name}: not valid UTF-8; not fixed"));
            echo(&mut out);
            continue;
        }
        if o.output == d.input.src {
            // only other files (a .dockerignore) may have changed: count those fixes
            for (c, n) in &o.applied {
                *applied.entry(c).or_default() += n;
            }
            echo(&mut out);
            continue;
        }
        if is_stdin {
            if args.diff {
                let _ = write!(out, "{}", unified_diff(&name, &d.input.src, &o.output));
            } else {
                let _ = write!(out, "{}", o.output);
            }
            changed_files += 1;
            for (c, n) in &o.applied {
                *applied.entry(c).or_default() += n;
            }
            continue;
        }
        if d.input.lossy {
            errors.push(format!("{name}: not valid UTF-8; not fixed"));
            continue;
        }
        if syntax::parse(&d.input.src).has_errors() || syntax::parse(&o.output).has_errors() {
            errors.push(format!(
                "{name}: has syntax errors; not written (fix them first)"
            ));
            continue;
        }
        changed_files += 1;
        for (c, n) in &o.applied {
            *applied.entry(c).or_default() += n;
        }
        if args.write {
            if let Some(file) = &d.input.file
                && let Err(e) = write_atomic(file, &o.output)
            {
                errors.push(format!("{name}: cannot write: {e}"));
                hard_error = true;
            }
        } else {
            let _ = write!(out, "{}", unified_diff(&name, &d.input.src, &o.output));
        }
    }
    // Other files (a .dockerignore): created, never overwritten; or appended to.
    for (path, (append, content)) in &new_files {
        let name = display(path);
        let existing = match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(s)) => Some(s),
            Ok(Err(_)) => {
                errors.push(format!("warning: {name}: not valid UTF-8; not changed"));
                continue;
            }
            Err(_) => None,
        };
        let (old, new) = match (append, existing) {
            (false, Some(_)) | (true, None) => continue,
            (false, None) => (String::new(), content.clone()),
            (true, Some(old)) => {
                let added: String = content
                    .lines()
                    .filter(|l| {
                        l.is_empty() || l.starts_with('#') || !old.lines().any(|o| o.trim() == *l)
                    })
                    .map(|l| format!("{l}\n"))
                    .collect();
                if added.lines().all(|l| l.is_empty() || l.starts_with('#')) {
                    continue;
                }
                let sep = if old.is_empty() || old.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let added = added.trim_start_matches('\n');
                (old.clone(), format!("{old}{sep}{added}"))
            }
        };
        changed_files += 1;
        if args.write {
            let r = if *append {
                write_atomic(path, &new)
            } else {
                create_new(path, &new)
            };
            if let Err(e) = r {
                errors.push(format!("{name}: cannot write: {e}"));
                hard_error = true;
            }
        } else if !stdin_mode {
            let diff = unified_diff(&name, &old, &new);
            let diff = if *append {
                diff
            } else {
                diff.replacen(
                    &format!("--- a/{}", name.trim_start_matches('/')),
                    "--- /dev/null",
                    1,
                )
            };
            let _ = write!(out, "{diff}");
        }
    }
    let _ = out.flush();
    drop(out);
    for e in &errors {
        eprintln!("{e}");
    }
    if args.write || stdin_mode {
        eprintln!(
            "{}; {remaining} remaining{}",
            summary(&applied),
            if !opts.unsafe_fixes && more_unsafe > 0 {
                format!(", {more_unsafe} more with --unsafe")
            } else {
                String::new()
            }
        );
    } else if changed_files == 0 {
        eprintln!(
            "Nothing to fix{}",
            if !opts.unsafe_fixes && more_unsafe > 0 {
                format!(" ({more_unsafe} fixes with --unsafe)")
            } else {
                String::new()
            }
        );
    } else {
        eprintln!(
            "Would fix {} in {changed_files} file(s); run with --write to apply{}",
            summary(&applied).trim_start_matches("Fixed "),
            if !opts.unsafe_fixes && more_unsafe > 0 {
                format!(" ({more_unsafe} more with --unsafe)")
            } else {
                String::new()
            }
        );
    }
    // With --write (or stdin), success is 0: what is left is `dockopt lint`'s to report. In diff
    // mode, 1 says "something would change".
    if hard_error {
        EXIT_ERROR
    } else if args.write || stdin_mode {
        EXIT_OK
    } else if changed_files > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
