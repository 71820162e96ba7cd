use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_of, insert_after_word, is_run};
use crate::semantic::Semantic;
use crate::syntax::Kind;
use crate::syntax::vars;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a UID of 100000 or more (or one given by a variable whose value
    /// the file does not say) and without `-l`/`--no-log-init`. Looks at every stage,
    /// `ONBUILD RUN` included, and through `sudo`, `env` and the like.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves the new user's record in `/var/log/lastlog` and `/var/log/faillog`,
    /// files indexed by UID. On disk they are sparse, but image layers are tar archives that
    /// store the holes as zeros: a UID of 100000 adds about 30 MB of zeros to the layer, a
    /// UID of 1000000 about 300 MB. `-l` skips those records.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd -l -u 123456 app
    /// ```
    ///
    /// ## Fix safety
    /// Safe: adds `-l` after `useradd`; only the login records in `/var/log` differ.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3046) only reads `-u`, not `--uid`, and measures the text of the value, so
    /// it flags `-u $UID` even when `ARG UID=1000` says the value is small. dockopt reads
    /// both spellings and uses the `ARG`/`ENV` default of a variable when the stage has one.
    pub UseraddHighUid {
        code: "DO240",
        name: "useradd-high-uid",
        category: Size,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3046"],
    }
}

/// The value of an `ARG`/`ENV` defined in the stage of instruction `i`, before it.
fn lookup(sem: &Semantic<'_>, i: usize, name: &str) -> Option<String> {
    let stage = &sem.stages[sem.stage_of[i]?];
    for j in (stage.from + 1..i).rev() {
        let ins = sem.instructions[j];
        match ins.kind {
            Kind::Env => {
                if let Some(kv) = ins
                    .key_values()
                    .iter()
                    .rev()
                    .find(|kv| ins.text_of(kv.key) == name)
                {
                    return Some(ins.text_of(kv.value).trim_matches(['"', '\'']).to_string());
                }
            }
            Kind::Arg => {
                if let Some(d) = ins.arg_decls().iter().find(|d| ins.text_of(d.name) == name) {
                    return match d.default {
                        Some(t) => Some(ins.text_of(t).trim_matches(['"', '\'']).to_string()),
                        // `ARG UID` in a stage takes the default of a global `ARG UID=…`
                        None => sem
                            .global_args
                            .iter()
                            .rev()
                            .find(|a| a.0 == name)
                            .and_then(|a| a.1.clone()),
                    };
                }
            }
            _ => {}
        }
    }
    None
}

/// Is the UID large, or unknown? Variables are resolved through the stage's ARG/ENV defaults.
fn high_uid(sem: &Semantic<'_>, i: usize, value: &str) -> bool {
    let escape = sem.escape();
    let expanded = if value.contains('$') {
        let e = vars::expand(value, escape, &|n| lookup(sem, i, n));
        if !e.unresolved.is_empty() {
            return true;
        }
        e.value
    } else {
        value.to_string()
    };
    expanded
        .parse::<u64>()
        .map_or(expanded.len() > 5, |n| n >= 100_000)
}

fn flagged(sem: &Semantic<'_>, i: usize, c: &Cmd<'_, '_>) -> bool {
    let argv = c.argv();
    if c.command.nested_in.is_some() || argv.name() != Some("useradd") {
        return false;
    }
    if argv.has_flag(Some('l'), Some("no-log-init")) {
        return false;
    }
    argv.flag_value(Some('u'), Some("uid"))
        .is_some_and(|v| high_uid(sem, i, &v.value))
}

impl Rule for UseraddHighUid {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let bad: Vec<Cmd<'_, '_>> =
                commands_of(sem, i).filter(|c| flagged(sem, i, c)).collect();
            let Some(first) = bad.first() else { continue };
            let edits = bad
                .iter()
                .map(|c| insert_after_word(sem, c, &c.argv().words[0], "-l"))
                .collect();
            ctx.report_fix(
                first.span(sem, first.command.span),
                "`useradd` with a high UID writes megabytes of zeros into /var/log/lastlog",
                "add `-l` (`--no-log-init`) to `useradd`",
                Some(Fix::safe("add -l", edits)),
            );
        }
    }
}
