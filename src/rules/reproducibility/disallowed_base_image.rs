use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// With `[images] allowed` set in `dockopt.toml`, flags `FROM` images that match none of
    /// its patterns. Without that setting the rule reports nothing.
    ///
    /// Patterns are globs (`*` any text, `?` one character) on the image name, optionally
    /// with a tag or digest: `python` allows every `python` tag, `node:*-slim` only slim `node`
    /// tags, `ghcr.io/acme/*` everything under that path. Docker Hub names are compared
    /// without `docker.io/` and `library/` (`docker.io/library/python` is `python`). `scratch`
    /// and references to stages are always fine; images given by a variable without a default
    /// are not checked.
    ///
    /// ## Why is this bad?
    /// Teams keep a short list of base images they patch, scan and know how to debug. An image
    /// off that list brings its own OS, libc and update cadence into production unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// ```
    /// with
    /// ```toml
    /// [images]
    /// allowed = ["debian:*-slim", "gcr.io/distroless/*"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ```
    pub DisallowedBaseImage {
        code: "DO531",
        name: "disallowed-base-image",
        category: Reproducibility,
        severity: Error,
        fix: None,
        scope: EveryStage,
        aliases: [],
    }
}

/// Glob match with `*` (any text) and `?` (one character), case-insensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A pattern with Docker Hub's implicit prefixes removed.
fn normalize(pattern: &str) -> &str {
    let p = pattern.trim();
    let p = p
        .strip_prefix("docker.io/")
        .or_else(|| p.strip_prefix("index.docker.io/"))
        .unwrap_or(p);
    p.strip_prefix("library/").unwrap_or(p)
}

impl Rule for DisallowedBaseImage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let allowed = &ctx.settings.allowed_images;
        if allowed.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for stage in &ctx.semantic.stages {
            let BaseKind::Image(img) = &stage.base.kind else {
                continue;
            };
            let name = img.full_name();
            let mut candidates = vec![name.clone()];
            if let Some(t) = &img.tag {
                candidates.push(format!("{name}:{t}"));
            }
            if let Some(d) = &img.digest {
                candidates.push(format!("{name}@{d}"));
                if let Some(t) = &img.tag {
                    candidates.push(format!("{name}:{t}@{d}"));
                }
            }
            let ok = allowed
                .iter()
                .any(|p| candidates.iter().any(|c| glob(normalize(p), c)));
            if !ok {
                found.push((stage.base.token.span, stage.base.expanded.clone()));
            }
        }
        let list = allowed.join(", ");
        for (span, image) in found {
            ctx.report(
                span,
                format!("base image `{image}` is not in the allowed list"),
            )
            .help(format!(
                "use an allowed base image ({list}), or add it to `[images] allowed`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{glob, normalize};

    #[test]
    fn globs() {
        assert!(glob("node:*-slim", "node:22-slim"));
        assert!(!glob("node:*-slim", "node:22"));
        assert!(glob("ghcr.io/acme/*", "ghcr.io/acme/app"));
        assert!(glob("python", "python"));
        assert!(!glob("python", "python3"));
        assert!(glob("a?c*", "abcdef"));
        assert_eq!(normalize("docker.io/library/python:*"), "python:*");
    }
}
