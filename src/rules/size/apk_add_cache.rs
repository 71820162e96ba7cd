use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{commands_in, has_cache_mount, insert_after_word, is_sub, run_of, word};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apk add` without `--no-cache`.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk keeps the package index in `/var/cache/apk` (a few MB per
    /// repository) in the layer. `--no-cache` fetches the index, installs, and leaves nothing
    /// behind, which also makes `apk update` and `rm -rf /var/cache/apk/*` unnecessary.
    ///
    /// Not flagged when the `RUN` mounts a cache or tmpfs over `/var/cache/apk`. `apk add
    /// --no-network` is flagged too (as hadolint does): it downloads nothing, but `--no-cache`
    /// costs nothing there and keeps every `apk add` of the file uniform.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the package cache is affected.
    pub ApkAddCache {
        code: "DO203",
        name: "apk-add-cache",
        category: Size,
        severity: Info,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3019"],
    }
}

impl Rule for ApkAddCache {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // one finding per RUN (its first offending command), fixing all of them
        for i in 0..sem.instructions.len() {
            if has_cache_mount(run_of(sem.instructions[i]), "/var/cache/apk") {
                continue;
            }
            let bad: Vec<_> = commands_in(sem, i..i + 1)
                .filter(|c| {
                    is_sub(c, &["apk"], &["add"]) && !c.argv().has_flag(None, Some("no-cache"))
                })
                .collect();
            let Some(first) = bad.first() else { continue };
            let edits: Vec<_> = bad
                .iter()
                .filter_map(|c| word(c, "add").map(|w| insert_after_word(sem, c, w, "--no-cache")))
                .collect();
            let fix = (edits.len() == bad.len()).then(|| Fix::safe("add --no-cache", edits));
            ctx.report_fix(
                first.span(sem, first.command.span),
                "`apk add` leaves the package index cache in the layer",
                "use `apk add --no-cache`",
                fix,
            );
        }
    }
}
