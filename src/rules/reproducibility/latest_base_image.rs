use super::pin::pin_fix;
use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` that uses the `latest` tag without a digest.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the next build may get a new major version of the base image, breaking
    /// the build or changing the app's behaviour without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// ```
    ///
    /// ## Fix safety
    /// Safe with a `[pins]` entry in `dockopt.toml`; otherwise a display-only suggestion.
    pub LatestBaseImage {
        code: "DO502",
        name: "latest-base-image",
        category: Reproducibility,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3007"],
    }
}

impl Rule for LatestBaseImage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let BaseKind::Image(img) = &stage.base.kind else {
                continue;
            };
            if img.tag.as_deref() != Some("latest") || img.digest.is_some() {
                continue;
            }
            let fix = pin_fix(ctx, stage, img);
            ctx.report_fix(
                stage.base.token.span,
                format!(
                    "base image `{}` uses the moving `latest` tag",
                    stage.base.raw
                ),
                "pin a release tag (`image:1.2`) or a digest (`image@sha256:…`)",
                fix,
            );
        }
    }
}
