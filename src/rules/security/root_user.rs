use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage whose last `USER` is root (`root`, `0`, `root:…`, `0:…`).
    ///
    /// ## Why is this bad?
    /// The container's process runs as root: a compromise of the app is a compromise of
    /// everything root can reach in the container, and of the host when the runtime is
    /// misconfigured. Builder stages may switch to root freely: only the final image runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// USER node
    /// RUN npm ci
    /// USER root
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// USER root
    /// RUN apt-get update
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3002) flags the last `USER root` of every stage, builder stages included.
    /// dockopt flags only the final stage, the one that ships.
    pub RootUser {
        code: "DO401",
        name: "root-user",
        category: Security,
        severity: Warning,
        fix: None,
        scope: FinalStage,
        aliases: ["DL3002", "checkov:CKV_DOCKER_8"],
    }
}

/// `root`, `0`, `root:group`, `0:0`.
pub fn is_root(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u == "root" || u == "0"
}

impl Rule for RootUser {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let Some(last) = sem.stages.len().checked_sub(1) else {
            return;
        };
        if let Some((user, i)) = sem.user_of(last)
            && is_root(user)
            && sem.stage_of[i] == Some(last)
        {
            ctx.report(sem.instructions[i].span, format!("the final image runs as `{user}`"))
                .help("switch to an unprivileged user (`USER app` or `USER 10001`) after the steps that need root");
        }
    }
}
