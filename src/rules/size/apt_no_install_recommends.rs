use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{commands_in, insert_after_word, is_sub, word};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// Debian and Ubuntu install "recommended" packages by default: documentation, extra tools,
    /// sometimes a whole X11 stack. They commonly double the size of what was asked for and add
    /// packages to patch. Ask for what you need explicitly.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the image gets fewer packages, and something may have relied on a recommended
    /// one (`ca-certificates` for `curl` is the usual case).
    pub AptNoInstallRecommends {
        code: "DO202",
        name: "apt-no-install-recommends",
        category: Size,
        severity: Info,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3015"],
    }
}

impl Rule for AptNoInstallRecommends {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // one finding per RUN (its first offending command), fixing all of them
        for i in 0..sem.instructions.len() {
            let bad: Vec<_> = commands_in(sem, i..i + 1)
                .filter(|c| is_sub(c, &["apt-get"], &["install"]))
                .filter(|c| {
                    let argv = c.argv();
                    !(argv.has_flag(None, Some("no-install-recommends"))
                        || argv.words.iter().any(|w| {
                            w.value.contains("Install-Recommends=false")
                                || w.value.contains("Install-Recommends=0")
                        }))
                })
                .collect();
            let Some(first) = bad.first() else { continue };
            let edits: Vec<_> = bad
                .iter()
                .filter_map(|c| {
                    word(c, "install")
                        .map(|w| insert_after_word(sem, c, w, "--no-install-recommends"))
                })
                .collect();
            let fix = (edits.len() == bad.len())
                .then(|| Fix::unsafe_("add --no-install-recommends", edits));
            ctx.report_fix(
                first.span(sem, first.command.span),
                "`apt-get install` also installs recommended packages",
                "add `--no-install-recommends` and list what you need",
                fix,
            );
        }
    }
}
