use std::sync::OnceLock;

use regex::Regex;

use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image reference, built from the defaults of the global `ARG`s
    /// (no `--build-arg` given), is empty or not a valid reference: `ARG TAG` then
    /// `FROM busybox:${TAG}` gives `busybox:`.
    ///
    /// ## Why is this bad?
    /// The file only builds when every caller remembers the right `--build-arg`; a plain
    /// `docker build .` fails with "invalid reference format". Give the `ARG` a default, or
    /// write the reference so it stays valid when the variable is empty (`${TAG:-latest}`,
    /// `busybox:stable${VARIANT}`).
    ///
    /// Only references that use variables are checked. Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG TAG=1.37
    /// FROM busybox:${TAG}
    /// ```
    pub InvalidDefaultArgInFrom {
        code: "DO142",
        name: "invalid-default-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["buildkit:InvalidDefaultArgInFrom"],
    }
}

/// distribution/reference's `ParseNormalizedNamed`: is `s` a valid image reference?
pub fn valid_reference(s: &str) -> bool {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (reference, hex64) = RE.get_or_init(|| {
        let domain_comp = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let domain =
            format!(r"(?:{domain_comp}(?:\.{domain_comp})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?");
        let path_comp = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
        let name = format!(r"(?:{domain}/)?{path_comp}(?:/{path_comp})*");
        // Go's `\w` is ASCII (RE2); a Unicode `\w` would also make the regex costly to build
        let tag = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
        let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        (
            Regex::new(&format!(r"^({name})(?::({tag}))?(?:@({digest}))?$")).unwrap(),
            Regex::new(r"^[a-f0-9]{64}$").unwrap(),
        )
    });
    if s.is_empty() || hex64.is_match(s) {
        return false;
    }
    let Some(caps) = reference.captures(s) else {
        return false;
    };
    let name = caps.get(1).map_or("", |m| m.as_str());
    if name.len() > 255 {
        return false;
    }
    // without a registry host, the first component must be lower case (it is a path)
    let first = name.split('/').next().unwrap_or("");
    let is_host = name.contains('/')
        && (first.contains(['.', ':']) || first == "localhost" || first != first.to_lowercase());
    if !is_host && first != first.to_lowercase() {
        return false;
    }
    match caps.get(3).map(|m| m.as_str()) {
        Some(d) => {
            let (alg, hex) = d.split_once(':').unwrap_or((d, ""));
            let want = match alg {
                "sha256" => 64,
                "sha384" => 96,
                "sha512" => 128,
                _ => return true,
            };
            hex.len() == want
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => true,
    }
}

impl Rule for InvalidDefaultArgInFrom {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let base = &stage.base;
            // a default that is itself not expandable (`${templateOption:x}`) makes BuildKit
            // give up on the check
            if !base.has_vars || base.expanded.contains('$') || valid_reference(&base.expanded) {
                continue;
            }
            let shown = if base.expanded.is_empty() {
                "an empty image name".to_string()
            } else {
                format!("`{}`", base.expanded)
            };
            let mut help =
                "give the ARG a default, or a fallback in the reference (`${NAME:-default}`)"
                    .to_string();
            if !base.unresolved.is_empty() {
                help = format!(
                    "give {} a default, or a fallback in the reference (`${{{}:-default}}`)",
                    base.unresolved
                        .iter()
                        .map(|n| format!("`ARG {n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    base.unresolved[0]
                );
            }
            ctx.report(
                base.token.span,
                format!(
                    "`{}` gives {shown} when no build argument is passed",
                    base.raw
                ),
            )
            .help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_reference;

    #[test]
    fn references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine:3.20",
            "ghcr.io/owner/app:1.2",
            "localhost:5000/x",
            "MyRegistry.io/app",
            "scratch",
            "builder",
            "node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "busybox:",
            "Alpine",
            "alpine:3.20:x",
            ":tag",
            "a//b",
            "node@sha256:abc",
        ] {
            assert!(!valid_reference(bad), "{bad}");
        }
    }
}
