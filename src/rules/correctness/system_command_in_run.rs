use crate::rule::{Context, Rule};
use crate::rules::common::is_run;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that runs a program meant for a running machine, not for a build step:
    /// `service`, `shutdown`, `ssh`, `vim`, `top`, `ps`, `free`, `kill` or `mount`. Looks at
    /// every stage, `ONBUILD RUN` included, and through `sudo`, `env` and the like; scripts
    /// given to `sh -c` are not looked into.
    ///
    /// ## Why is this bad?
    /// A `RUN` step is a throw-away process: a service started with `service nginx start` is
    /// gone when the step ends and does not run in the container; `shutdown`, `kill` and `ps`
    /// act on the build sandbox; `mount` needs privileges a build does not have; `vim`, `top`
    /// and `ssh` wait for a terminal that is not there. The result is a step that does
    /// nothing, hangs, or fails. Start services from `CMD`/`ENTRYPOINT`, edit files with
    /// `sed` or `COPY`, fetch files with `curl` or a build secret.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN service nginx start
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3001) sees only the first word of a command, so it misses
    /// `sudo service x start`; dockopt looks through such wrappers.
    pub SystemCommandInRun {
        code: "DO171",
        name: "system-command-in-run",
        category: Correctness,
        severity: Info,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3001"],
    }
}

const PROGRAMS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for SystemCommandInRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let Some((script, cmd, name)) = sem.commands_of(i).find_map(|(s, c)| {
                let p = c.program()?;
                (c.nested_in.is_none() && PROGRAMS.contains(&p)).then_some((s, c, p))
            }) else {
                continue;
            };
            let help = match name {
                "service" => {
                    "start services from CMD or ENTRYPOINT: nothing started in a RUN keeps running"
                }
                "vim" => "edit files with `sed`, a `COPY` of the edited file, or a heredoc",
                "ssh" => {
                    "fetch what you need with `curl`, `git` or a build secret (`RUN --mount=type=ssh`)"
                }
                "mount" => "use `RUN --mount` to make files available to a step",
                _ => "remove it: it acts on the throw-away build process, not on the container",
            };
            ctx.report(
                script.source_span(ins, cmd.span),
                format!("`{name}` makes no sense in a build step"),
            )
            .help(help);
        }
    }
}
