use crate::rule::{Context, Rule};
use crate::rules::correctness::{from_references, referenced_stage};
use crate::semantic::{BaseKind, ImageRef};
use crate::syntax::Span;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// With `[registries] trusted` set in `dockopt.toml`, flags images pulled from any other
    /// registry: `FROM` images, and images named by `COPY --from` or `RUN --mount=…,from=`.
    /// Without that setting the rule reports nothing.
    ///
    /// Entries are registry hosts (`ghcr.io`), `*` (any), `*.example.com` (any host ending so)
    /// or `registry.example.*` (any host starting so). Images without a registry come from
    /// Docker Hub: they are trusted when the list has `docker.io` (or `hub.docker.com`,
    /// `index.docker.io`). `scratch` and references to stages are always fine; images given by
    /// a variable without a default are not checked.
    ///
    /// ## Why is this bad?
    /// Whatever the registry serves runs in the build and ships in the image. Organisations
    /// keep base images to registries they mirror and scan; an image from elsewhere slips past
    /// those checks and may disappear or change without notice.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/acme/base:1.4
    /// ```
    /// with
    /// ```toml
    /// [registries]
    /// trusted = ["docker.io", "ghcr.io"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ghcr.io/acme/base:1.4
    /// ```
    pub UntrustedRegistry {
        code: "DO530",
        name: "untrusted-registry",
        category: Reproducibility,
        severity: Error,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3026"],
    }
}

const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
    "hub.docker.com",
];

/// Does a `trusted` entry match a registry host?
pub fn registry_matches(pattern: &str, registry: &str) -> bool {
    let p = pattern.trim().to_ascii_lowercase();
    let r = registry.to_ascii_lowercase();
    if p == "*" {
        return true;
    }
    if DOCKER_HUB.contains(&p.as_str()) && DOCKER_HUB.contains(&r.as_str()) {
        return true;
    }
    if let Some(suffix) = p.strip_prefix('*') {
        return r.ends_with(suffix);
    }
    if let Some(prefix) = p.strip_suffix('*') {
        return r.starts_with(prefix);
    }
    p == r
}

impl Rule for UntrustedRegistry {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let trusted = &ctx.settings.trusted_registries;
        if trusted.is_empty() {
            return;
        }
        let sem = ctx.semantic;
        let mut found: Vec<(Span, String, String)> = Vec::new();
        let mut check = |span: Span, img: &ImageRef, shown: &str| {
            let registry = img.registry.as_deref().unwrap_or("docker.io");
            if !trusted.iter().any(|p| registry_matches(p, registry)) {
                found.push((span, shown.to_string(), registry.to_string()));
            }
        };
        for stage in &sem.stages {
            if let BaseKind::Image(img) = &stage.base.kind {
                check(stage.base.token.span, img, &stage.base.expanded);
            }
            for i in sem.body(stage) {
                for (span, r) in from_references(sem.instructions[i]) {
                    if r.contains('$') || r.parse::<usize>().is_ok() {
                        continue;
                    }
                    if referenced_stage(sem, &r).is_some() || r.eq_ignore_ascii_case("scratch") {
                        continue;
                    }
                    if let Some(img) = ImageRef::parse(&r) {
                        check(span, &img, &r);
                    }
                }
            }
        }
        let list = trusted.join(", ");
        for (span, image, registry) in found {
            ctx.report(
                span,
                format!("image `{image}` comes from `{registry}`, which is not a trusted registry"),
            )
            .help(format!(
                "use an image from a trusted registry ({list}), or add the registry to `[registries] trusted`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::registry_matches;

    #[test]
    fn patterns() {
        assert!(registry_matches("*", "quay.io"));
        assert!(registry_matches("*.gcr.io", "eu.gcr.io"));
        assert!(registry_matches("registry.acme.*", "registry.acme.com"));
        assert!(registry_matches("hub.docker.com", "docker.io"));
        assert!(registry_matches("GHCR.io", "ghcr.io"));
        assert!(!registry_matches("ghcr.io", "quay.io"));
        assert!(!registry_matches("*.gcr.io", "gcr.io.evil.com"));
    }
}
