use crate::rule::{Context, Rule};
use crate::semantic::BaseKind;
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage with no `HEALTHCHECK`, neither in the stage nor in the stages it is
    /// built on. **Off unless selected by name**: add `missing-healthcheck` (or `DO620`, or an
    /// alias such as `DL3057`) to `select` in `dockopt.toml`.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker, Compose and Swarm only know whether the process runs, not
    /// whether it answers: a hung server stays "up". `HEALTHCHECK NONE` says on purpose that
    /// there is none, and counts as a decision.
    ///
    /// The rule is opt-in because many images do not need one: Kubernetes ignores
    /// `HEALTHCHECK` (it has its own probes), and tools, build images and one-shot jobs have
    /// nothing to check. A health check defined by the base image is not visible here.
    /// Builder stages are not flagged: they never run as containers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.28-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.28-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint ships this check disabled too; enabled, it flags every stage without a
    /// `HEALTHCHECK`, builder stages included. dockopt looks at the final stage only. (Trivy
    /// and Checkov run their versions of it by default.)
    pub MissingHealthcheck {
        code: "DO620",
        name: "missing-healthcheck",
        category: Maintainability,
        severity: Info,
        fix: None,
        scope: FinalStage,
        aliases: ["DL3057", "trivy:DS026", "checkov:CKV_DOCKER_2"],
    }
}

impl Rule for MissingHealthcheck {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        if !ctx.settings.selects_explicitly(&Self::META) {
            return;
        }
        let sem = ctx.semantic;
        let Some(last) = sem.final_stage() else {
            return;
        };
        let mut s = last;
        loop {
            if sem
                .body(s)
                .any(|i| sem.instructions[i].kind == Kind::Healthcheck)
            {
                return;
            }
            match s.base.kind {
                BaseKind::Stage(b) if b < s.index => s = &sem.stages[b],
                _ => break,
            }
        }
        ctx.report(last.from_ins.span, "the final stage has no HEALTHCHECK")
            .help("add `HEALTHCHECK CMD <command that fails when the app is unhealthy>`, or `HEALTHCHECK NONE` to say there is none");
    }
}

#[cfg(test)]
mod tests {
    use crate::linter::{BuildContext, lint};
    use crate::settings::Settings;

    #[test]
    fn off_unless_selected_by_name() {
        let src = "FROM nginx:1.28-alpine\nEXPOSE 80\n";
        let found = |select: &[&str]| {
            let settings = Settings {
                select: select.iter().map(|s| s.to_string()).collect(),
                ..Settings::default()
            };
            lint(src, None, &BuildContext::default(), &settings)
                .diagnostics
                .iter()
                .any(|d| d.code == "DO620")
        };
        assert!(!found(&[]));
        assert!(!found(&["ALL"]));
        assert!(!found(&["maintainability"]));
        assert!(!found(&["DO6"]));
        assert!(found(&["DO620"]));
        assert!(found(&["missing-healthcheck"]));
        assert!(found(&["DL3057"]));
        assert!(found(&["DS026"]));
    }
}
