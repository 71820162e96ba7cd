use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{commands_of, is_run};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `ln` that replaces `/bin/sh` (or `/usr/bin/sh`) with a link, as in
    /// `RUN ln -sf /bin/bash /bin/sh`. Looks at every stage, `ONBUILD RUN` included.
    ///
    /// ## Why is this bad?
    /// Replacing `/bin/sh` changes the shell of everything in the image that runs `sh`:
    /// system scripts, package maintainer scripts and the application's own, which were
    /// written for the distribution's `sh` (`dash` on Debian). If the goal is to run the
    /// Dockerfile's `RUN` steps with bash, say so with `SHELL`, which changes only those.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a `RUN` that only makes the link can become a `SHELL` line for the shell
    /// it linked to, but that changes which shell runs at run time (scripts with `#!/bin/sh`
    /// keep the distribution's `sh`), so it needs review.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL4005) flags any `ln` with a `/bin/sh` argument, also
    /// `ln -s /bin/sh /usr/local/bin/sh` which leaves `/bin/sh` alone; dockopt flags only
    /// links whose name is `/bin/sh` or `/usr/bin/sh`.
    pub BinShReplaced {
        code: "DO674",
        name: "bin-sh-replaced",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL4005"],
    }
}

impl Rule for BinShReplaced {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let found = commands_of(sem, i).find_map(|c| {
                if c.command.nested_in.is_some() || c.program() != Some("ln") {
                    return None;
                }
                let ops: Vec<&str> = c
                    .argv()
                    .positional_skipping(&["-S", "--suffix", "-t", "--target-directory"])
                    .map(|w| &*w.value)
                    .collect();
                let [target, link] = ops[..] else {
                    return None;
                };
                matches!(link, "/bin/sh" | "/usr/bin/sh").then(|| (c, target.to_string()))
            });
            let Some((c, target)) = found else { continue };
            // a RUN of just this command can become a SHELL line
            let only = commands_of(sem, i).count() == 1 && ins.kind == Kind::Run;
            let fix = only.then(|| {
                let shell = if target.starts_with('/') {
                    target.clone()
                } else {
                    format!("/bin/{target}")
                };
                Fix::display_only(
                    "use SHELL instead",
                    vec![Edit::replace(
                        ins.span,
                        format!("{} [\"{shell}\", \"-c\"]", sem.style().keyword(Kind::Shell)),
                    )],
                )
            });
            ctx.report_fix(
                c.span(sem, c.command.span),
                "`/bin/sh` is replaced for the whole image",
                "to run the RUN steps with another shell, use `SHELL [\"/bin/bash\", \"-c\"]`",
                fix,
            );
        }
    }
}
