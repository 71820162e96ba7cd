//! `.dockerignore` matching with Docker's semantics.
//!
//! - One pattern per line; `#` at the start of a line is a comment; surrounding whitespace is
//!   trimmed; empty lines are skipped.
//! - Patterns are relative to the context root and anchored there: `/foo/bar` and `foo/bar` are
//!   the same, and `node_modules` matches only at the root (`**/node_modules` matches anywhere).
//!   Patterns are cleaned like Go's `filepath.Clean` (`./a//b/` is `a/b`).
//! - `*` matches any run of characters except `/`, `?` one character except `/`, `[…]` a class,
//!   `**` any number of folders.
//! - A path is excluded when it, or a folder above it, matches; `!pattern` re-includes; the last
//!   matching pattern wins.
//!
//! The glob matching itself is globset's, with `*` not crossing `/` (as Go's `filepath.Match`).

use globset::{GlobBuilder, GlobMatcher};

#[derive(Clone, Debug)]
struct Pattern {
    text: String,
    exception: bool,
    /// None when the pattern could not be compiled (see [`DockerIgnore::problems`]).
    matcher: Option<GlobMatcher>,
    /// Line number, from 1.
    line: usize,
    /// Why the pattern is not used, when it is not.
    problem: Option<String>,
}

/// A parsed ignore file.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

/// Go's `filepath.Clean` on a `/`-separated path, without a leading `/`.
pub fn clean(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

impl DockerIgnore {
    pub fn parse(content: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for (n, line) in content.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, pat) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let text = clean(&pat.replace('\\', "/"));
            let (matcher, problem) = if exception && pat.is_empty() {
                (None, Some("`!` with no pattern after it".to_string()))
            } else {
                match GlobBuilder::new(&text)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                {
                    Ok(g) => (Some(g.compile_matcher()), None),
                    Err(e) => (
                        None,
                        Some(format!(
                            "dockopt cannot read the pattern `{}` ({}); its checks ignore it",
                            shorten(pat, 60),
                            e.kind()
                        )),
                    ),
                }
            };
            patterns.push(Pattern {
                text,
                exception,
                matcher,
                line: n + 1,
                problem,
            });
        }
        DockerIgnore { patterns }
    }

    /// The patterns, as cleaned (`!` kept for exceptions).
    pub fn patterns(&self) -> impl Iterator<Item = String> + '_ {
        self.patterns.iter().map(|p| {
            if p.exception {
                format!("!{}", p.text)
            } else {
                p.text.clone()
            }
        })
    }

    /// Patterns that are not used, with their line numbers (from 1) and why.
    pub fn problems(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.patterns
            .iter()
            .filter_map(|p| p.problem.as_deref().map(|m| (p.line, m)))
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn matches(p: &Pattern, path: &str) -> bool {
        let Some(m) = &p.matcher else { return false };
        if m.is_match(path) {
            return true;
        }
        // a folder above the path matches
        let mut end = path.len();
        while let Some(i) = path[..end].rfind('/') {
            if m.is_match(&path[..i]) {
                return true;
            }
            end = i;
        }
        false
    }

    /// Is `path` (relative to the context root, `/`-separated) left out of the context?
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        let mut excluded = false;
        for p in &self.patterns {
            if Self::matches(p, &path) {
                excluded = !p.exception;
            }
        }
        excluded
    }
}

/// At most `max` characters of `s`, with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The examples of Docker's documentation for .dockerignore.
    #[test]
    fn docker_documentation_examples() {
        let di = DockerIgnore::parse("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
        assert!(di.is_excluded("somedir/temporary.txt"));
        assert!(di.is_excluded("somedir/temp"));
        assert!(di.is_excluded("somedir/subdir/temporary.txt"));
        assert!(di.is_excluded("tempa"));
        assert!(di.is_excluded("tempb"));
        assert!(
            !di.is_excluded("temporary.txt"),
            "*/temp* does not match at the root"
        );
        assert!(
            !di.is_excluded("a/b/c/temp"),
            "three levels down is not matched"
        );
        assert!(!di.is_excluded("comment"));

        let di = DockerIgnore::parse("**/*.go\n");
        assert!(di.is_excluded("main.go"));
        assert!(di.is_excluded("a/b/c.go"));

        let di = DockerIgnore::parse("*.md\n!README.md\n");
        assert!(di.is_excluded("CHANGES.md"));
        assert!(!di.is_excluded("README.md"));

        let di = DockerIgnore::parse("*.md\n!README*.md\nREADME-secret.md\n");
        assert!(di.is_excluded("CHANGES.md"));
        assert!(!di.is_excluded("README-public.md"));
        assert!(di.is_excluded("README-secret.md"));

        // /foo/bar and foo/bar are the same pattern
        assert!(DockerIgnore::parse("/foo/bar").is_excluded("foo/bar"));
        assert!(DockerIgnore::parse("foo/bar").is_excluded("foo/bar"));
    }

    #[test]
    fn anchored_at_root_and_parents_match() {
        let di = DockerIgnore::parse("node_modules\n.git\n");
        assert!(di.is_excluded("node_modules"));
        assert!(di.is_excluded("node_modules/x/y.js"));
        assert!(
            !di.is_excluded("web/node_modules"),
            "not anchored patterns only match at the root"
        );
        assert!(di.is_excluded(".git/HEAD"));
        let di = DockerIgnore::parse("**/node_modules\n");
        assert!(di.is_excluded("web/node_modules/a.js"));
    }

    #[test]
    fn last_match_wins_and_cleaning() {
        let di = DockerIgnore::parse("*\n!src\n!package.json\n");
        assert!(di.is_excluded("README.md"));
        assert!(!di.is_excluded("src/main.js"));
        assert!(!di.is_excluded("package.json"));
        let di = DockerIgnore::parse("./build//out/\n");
        assert!(di.is_excluded("build/out/x"));
        assert_eq!(clean("./a//b/../c/"), "a/c");
    }

    #[test]
    fn odd_patterns_are_reported_not_fatal() {
        let long = format!("{}\n", "a/".repeat(50_000));
        let src = format!("[\n**/**/\n!\n{long}ok\n\u{fffd}x\n");
        let di = DockerIgnore::parse(&src);
        let problems: Vec<(usize, &str)> = di.problems().collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, 1);
        assert!(problems[0].1.contains("`[`"), "{}", problems[0].1);
        assert_eq!(problems[1].0, 3);
        assert!(di.is_excluded("x/y"), "`**/**/` matches everything");
        assert!(di.is_excluded("ok"));
        assert!(!DockerIgnore::parse("[\n").is_excluded("["));
    }
}
