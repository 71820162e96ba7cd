use super::pin::pin_fix;
use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image has neither a tag nor a digest (`FROM node`), which means
    /// `latest`.
    ///
    /// ## Why is this bad?
    /// The build takes whatever `latest` is on the day it runs: a new major version of the base
    /// can break the build or the app without a change to the Dockerfile, and two builds of the
    /// same commit can differ. Pin a release tag (or a digest for full reproducibility).
    ///
    /// References to earlier stages (`FROM build`), `scratch`, images whose tag comes from an
    /// `ARG` with a pinned default, and images given whole by a build argument (`FROM
    /// $BASE_IMAGE`, chosen by whoever builds) are not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// ## Fix safety
    /// With a `[pins]` entry for the image in `dockopt.toml` the pin is a safe fix. Otherwise
    /// dockopt shows a suggested tag as a display-only fix: only you know which version you test
    /// against.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3006) does not resolve variables: it flags `FROM build-$VARIANT` even when
    /// that names an earlier stage, and skips `FROM $REGISTRY/app:$TAG` whatever the defaults.
    /// dockopt resolves `ARG` defaults: `FROM $REGISTRY/app` with no tag is flagged, a stage
    /// name built from variables is not.
    pub UntaggedBaseImage {
        code: "DO501",
        name: "untagged-base-image",
        category: Reproducibility,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3006", "trivy:DS001", "checkov:CKV_DOCKER_7"],
    }
}

fn is_single_variable(raw: &str) -> bool {
    let refs = crate::syntax::vars::var_refs(raw, crate::syntax::Span::new(0, raw.len()), '\\');
    refs.len() == 1 && refs[0].span.start == 0 && refs[0].span.end as usize == raw.len()
}

impl Rule for UntaggedBaseImage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let BaseKind::Image(img) = &stage.base.kind else {
                continue;
            };
            if img.tag.is_some() || img.digest.is_some() {
                continue;
            }
            // `FROM $BASE_IMAGE`: the whole reference is a build argument, chosen by whoever
            // builds (CI passes `--build-arg BASE_IMAGE=…:tag`); only a partly written
            // reference (`FROM node:$TAG`, `FROM $REGISTRY/app`) is judged by its default.
            if is_single_variable(&stage.base.raw) {
                continue;
            }
            let fix = pin_fix(ctx, stage, img);
            let msg = if stage.base.has_vars {
                format!(
                    "base image `{}` (from `{}`) has no tag: it means `latest`",
                    stage.base.expanded, stage.base.raw
                )
            } else {
                format!(
                    "base image `{}` has no tag: it means `latest`",
                    stage.base.raw
                )
            };
            ctx.report_fix(
                stage.base.token.span,
                msg,
                "pin a release tag (`image:1.2`) or a digest (`image@sha256:…`)",
                fix,
            );
        }
    }
}
