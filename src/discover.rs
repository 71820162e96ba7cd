//! Finding Dockerfiles under the paths the user gave.
//!
//! A file is a Dockerfile when its name holds the word `Dockerfile` or `Containerfile` (any
//! case) bounded by the start or end of the name or by `.`, `_` or `-`: `Dockerfile`,
//! `Dockerfile.dev`, `api.Dockerfile`, `dev-dockerfile`, `Containerfile`. Names with an extension
//! that marks another kind of file (`Dockerfile.md`, `Dockerfile.dockerignore`,
//! `Dockerfile.tmpl`) are not. Extra globs (`include`) add names; `exclude` globs drop paths.
//!
//! Folders are walked with `.gitignore` honoured, hidden folders (`.devcontainer`) included, and
//! `.git`, `node_modules`, `target` and virtualenv folders skipped. Files named explicitly are
//! linted whatever their name.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Folder names never walked into.
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
];

/// Extensions that mark a file as something other than a Dockerfile.
pub const NOT_DOCKERFILE_EXT: &[&str] = &[
    "dockerignore",
    "md",
    "markdown",
    "txt",
    "rst",
    "template",
    "tmpl",
    "tpl",
    "j2",
    "jinja",
    "jinja2",
    "erb",
    "orig",
    "rej",
    "bak",
    "swp",
    "patch",
    "diff",
    "json",
    "yml",
    "yaml",
    "toml",
    "sh",
    "py",
    "go",
    "rs",
    "js",
    "ts",
    "html",
    "lock",
];

/// Does this file name look like a Dockerfile?
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if let Some((_, ext)) = lower.rsplit_once('.')
        && NOT_DOCKERFILE_EXT.contains(&ext)
    {
        return false;
    }
    let bytes = lower.as_bytes();
    for word in ["dockerfile", "containerfile"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(word) {
            let start = from + i;
            let end = start + word.len();
            let ok_before = start == 0 || matches!(bytes[start - 1], b'.' | b'_' | b'-');
            let ok_after = end == bytes.len() || matches!(bytes[end], b'.' | b'_' | b'-');
            if ok_before && ok_after {
                return true;
            }
            from = start + 1;
        }
    }
    false
}

/// What to find.
#[derive(Default)]
pub struct Discovery {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// Folder `exclude` globs are relative to.
    base: PathBuf,
    /// Apply `exclude` to the files named explicitly too (`--force-exclude`).
    pub force_exclude: bool,
}

fn globset(patterns: &[String]) -> Result<Option<GlobSet>, globset::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p)?);
        // `vendor/**` should also match the folder itself, and a bare name anywhere
        if !p.contains('/') {
            b.add(Glob::new(&format!("**/{p}"))?);
        }
    }
    Ok(Some(b.build()?))
}

impl Discovery {
    pub fn new(
        include: &[String],
        exclude: &[String],
        base: PathBuf,
    ) -> Result<Discovery, globset::Error> {
        Ok(Discovery {
            include: globset(include)?,
            exclude: globset(exclude)?,
            base,
            force_exclude: false,
        })
    }

    fn excluded(&self, path: &Path) -> bool {
        let Some(ex) = &self.exclude else {
            return false;
        };
        // globs are relative to the config's folder; relative paths are from where we run
        let absolute = (path.is_relative() && self.base.is_absolute())
            .then(|| std::env::current_dir().ok().map(|d| d.join(path)))
            .flatten();
        let rel = absolute
            .as_deref()
            .and_then(|a| a.strip_prefix(&self.base).ok())
            .unwrap_or_else(|| path.strip_prefix(&self.base).unwrap_or(path));
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        let path = path.strip_prefix("./").unwrap_or(path);
        ex.is_match(rel) || ex.is_match(path)
    }

    fn wanted_name(&self, path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        is_dockerfile_name(name)
            || self
                .include
                .as_ref()
                .is_some_and(|g| g.is_match(name) || g.is_match(path))
    }

    /// Every Dockerfile under `paths`, sorted, without duplicates. Explicit paths that are not
    /// folders are always included (a file, a named pipe such as `<(…)`); problems are returned
    /// beside the files found: errors (a missing path, an unreadable folder) and warnings (a
    /// symlink met while walking that leads nowhere: skipped).
    pub fn find(&self, paths: &[PathBuf]) -> Found {
        let mut found = Found::default();
        for root in paths {
            match std::fs::metadata(root) {
                Err(e) => found.errors.push(format!(
                    "cannot read {}: {}",
                    root.display(),
                    link_problem(root, &e)
                )),
                Ok(m) if !m.is_dir() => {
                    if !(self.force_exclude && self.excluded(root)) {
                        found.files.push(root.clone());
                    }
                }
                Ok(_) => self.walk(root, &mut found),
            }
        }
        // byte order of the path (as `LC_ALL=C sort` orders it): comparing `Path`s component
        // by component costs a parse per comparison, which showed in profiles
        found.files.sort_unstable_by(|a, b| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
        found.files.dedup();
        found
    }

    fn walk(&self, root: &Path, found: &mut Found) {
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .parents(true)
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| SKIP_DIRS.contains(&n)))
            })
            .build();
        for entry in walker {
            let e = match entry {
                Ok(e) => e,
                Err(e) => {
                    found
                        .errors
                        .push(format!("cannot walk {}: {e}", root.display()));
                    continue;
                }
            };
            let Some(t) = e.file_type() else { continue };
            let p = e.path();
            if !(t.is_file() || t.is_symlink()) || !self.wanted_name(p) || self.excluded(p) {
                continue;
            }
            if t.is_symlink() {
                // Only a link to a regular file is a Dockerfile: a link to a folder is not, a
                // link to a pipe or device could block the run, and a dangling link has nothing
                // to lint.
                match std::fs::metadata(p) {
                    Ok(m) if m.is_file() => {}
                    Ok(m) if m.is_dir() => continue,
                    Ok(_) => {
                        found.warnings.push(format!(
                            "warning: skipped {}: a symbolic link to something that is not a regular file",
                            p.display()
                        ));
                        continue;
                    }
                    Err(err) => {
                        found.warnings.push(format!(
                            "warning: skipped {}: {}",
                            p.display(),
                            link_problem(p, &err)
                        ));
                        continue;
                    }
                }
            }
            found.files.push(p.to_path_buf());
        }
    }
}

/// What [`Discovery::find`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// Messages for stderr that fail the run.
    pub errors: Vec<String>,
    /// Messages for stderr (each starts with `warning:`) that do not.
    pub warnings: Vec<String>,
}

/// Say why `path` cannot be opened, naming a dangling symbolic link as such.
fn link_problem(path: &Path, e: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && e.kind() == std::io::ErrorKind::NotFound {
        "a symbolic link to a file that does not exist".to_string()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Dockerfile-prod",
            "debian__bookworm__Dockerfile",
            "Dockerfile_windows",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.md",
            "Dockerfile.dockerignore",
            "Dockerfile.tmpl",
            "dockerfiles",
            "mydockerfile",
            "README",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
