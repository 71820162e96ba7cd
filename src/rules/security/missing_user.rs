use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::syntax::Kind;
use crate::{data, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage that never sets `USER` (directly or through the stage it builds on),
    /// on a base image that runs as root by default.
    ///
    /// ## Why is this bad?
    /// Without `USER`, the container runs as root. Most apps need no root privileges at run
    /// time; running them unprivileged limits what an attacker gains from a compromise.
    ///
    /// Not flagged: base images known to run unprivileged (distroless `:nonroot`, Chainguard,
    /// .NET chiseled, Bitnami, Jupyter), Windows images, and images whose entrypoint drops
    /// privileges itself (`gosu`, `su-exec`, `setpriv`, `runuser`, `s6-setuidgid`, `chroot
    /// --userspec`), as the official database images do.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY app.py /app/
    /// USER app
    /// CMD ["python", "/app/app.py"]
    /// ```
    pub MissingUser {
        code: "DO402",
        name: "missing-user",
        category: Security,
        severity: Warning,
        fix: None,
        scope: FinalStage,
        aliases: ["trivy:DS002", "checkov:CKV_DOCKER_3"],
    }
}

const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "--userspec",
    "chpst -u",
    "setuser ",
];

impl Rule for MissingUser {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let Some(stage) = sem.final_stage() else {
            return;
        };
        if sem.user_of(stage.index).is_some() || sem.is_windows() {
            return;
        }
        // the root of the stage chain decides the base image
        let mut root = stage;
        while let BaseKind::Stage(b) = root.base.kind {
            root = &sem.stages[b];
        }
        match &root.base.kind {
            BaseKind::Image(img) => {
                let full = format!(
                    "{}:{}",
                    img.full_name(),
                    img.tag.as_deref().unwrap_or("latest")
                );
                if data::non_root_images().is_match(&full)
                    || data::non_root_images().is_match(img.full_name())
                {
                    return;
                }
            }
            BaseKind::Unresolved => return,
            _ => {}
        }
        let drops = sem.instructions.iter().any(|i| {
            matches!(
                i.kind,
                Kind::Run | Kind::Entrypoint | Kind::Cmd | Kind::Copy
            ) && PRIVILEGE_DROPPERS.iter().any(|p| i.text.contains(p))
        });
        if drops {
            return;
        }
        ctx.report(
            stage.from_ins.span,
            "the final stage never sets USER, so the container runs as root",
        )
        .help("create an unprivileged user and add `USER <name>` before CMD/ENTRYPOINT");
    }
}
