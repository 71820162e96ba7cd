use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::shipped_stages;
use crate::syntax::{Args, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE 22` (also `22/tcp`, `22/udp`) in the image that ships: the final stage
    /// and the stages it is built `FROM`.
    ///
    /// ## Why is this bad?
    /// Port 22 means an SSH server in the container: another long-running process with its own
    /// credentials to manage and patch, and a way in that bypasses `docker exec` and its access
    /// control. Containers are entered with `docker exec`/`kubectl exec`, not SSH.
    ///
    /// ## Differences from Trivy and Checkov
    /// Both flag `EXPOSE 22` in any stage; an `EXPOSE` in a builder stage never reaches the
    /// image, so dockopt only looks at the stages that ship. A host mapping (`2222:22`) is
    /// still port 22 in the container and is flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22 8080
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 8080
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the port is removed from `EXPOSE` (the whole instruction when it was the only
    /// port), which changes the image config; the SSH server itself stays installed.
    pub SshPortExposed {
        code: "DO406",
        name: "ssh-port-exposed",
        category: Security,
        severity: Warning,
        fix: Always,
        scope: FinalStage,
        aliases: ["trivy:DS004", "checkov:CKV_DOCKER_1"],
    }
}

/// Is the container port of an EXPOSE word 22?
fn is_ssh(word: &str) -> bool {
    let container = word.rsplit(':').next().unwrap_or(word);
    let port = container.split('/').next().unwrap_or(container);
    port == "22"
}

impl Rule for SshPortExposed {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let shipped = shipped_stages(sem);
        for stage in &sem.stages {
            if !shipped[stage.index] {
                continue;
            }
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if ins.kind != Kind::Expose {
                    continue;
                }
                let Args::Words(words) = &ins.args else {
                    continue;
                };
                for (k, w) in words.iter().enumerate() {
                    let text = ins.text_of(*w);
                    if !is_ssh(text) {
                        continue;
                    }
                    let edit = if words.len() == 1 {
                        Edit::delete(ins.line_span)
                    } else if k + 1 < words.len() {
                        Edit::delete(Span {
                            start: w.span.start,
                            end: words[k + 1].span.start,
                        })
                    } else {
                        Edit::delete(Span {
                            start: words[k - 1].span.end,
                            end: w.span.end,
                        })
                    };
                    ctx.report_fix(
                        w.span,
                        format!("`EXPOSE {text}` advertises an SSH server in the image"),
                        "do not run SSH in containers; use `docker exec` to get a shell",
                        Some(Fix::unsafe_("remove port 22", vec![edit])),
                    );
                }
            }
        }
    }
}
