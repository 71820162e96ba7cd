//! The check shared by the cache-cleanup rules: a `RUN` in a shipped stage that fills a package
//! manager's cache and does not clean it afterwards in the same `RUN`.

use crate::diagnostic::{Applicability, Fix};
use crate::rule::Context;
use crate::rules::common::{
    Cmd, append_to_run, commands_of, has_cache_mount, run_of, shipped_stages,
};

/// What one cleanup rule checks.
pub struct CleanupCheck {
    /// Does this command fill the cache?
    pub fills: fn(&Cmd<'_, '_>) -> bool,
    /// Does this command empty it?
    pub cleans: fn(&Cmd<'_, '_>) -> bool,
    /// A cache or tmpfs mount whose target contains one of these keeps the cache out of the
    /// layer.
    pub cache_dirs: &'static [&'static str],
    /// The cleanup command the fix appends, and how safe it is, from the last command that
    /// filled the cache (None: no fix).
    pub fix: fn(&Context<'_>, &Cmd<'_, '_>) -> Option<(String, Applicability)>,
    pub message: &'static str,
    pub help: &'static str,
}

pub fn check(ctx: &mut Context<'_>, spec: &CleanupCheck) {
    let sem = ctx.semantic;
    let shipped = shipped_stages(sem);
    for stage in &sem.stages {
        if !shipped[stage.index] {
            continue;
        }
        for i in sem.body(stage) {
            let ins = run_of(sem.instructions[i]);
            if spec.cache_dirs.iter().any(|d| has_cache_mount(ins, d)) {
                continue;
            }
            // nothing fills a package cache without a package manager
            if crate::rules::pm::pm_commands_of(sem, i).next().is_none() {
                continue;
            }
            // the first filling command not followed by a cleanup, and the last filling one
            let mut first: Option<Cmd<'_, '_>> = None;
            let mut last: Option<Cmd<'_, '_>> = None;
            for c in commands_of(sem, i) {
                if (spec.fills)(&c) {
                    if first.is_none() {
                        first = Some(c);
                    } else {
                        last = Some(c);
                    }
                } else if first.is_some() && (spec.cleans)(&c) {
                    first = None;
                    last = None;
                }
            }
            let Some(first) = first else { continue };
            let last = last.as_ref().unwrap_or(&first);
            // appending the cleanup runs it whatever branch ran: only when the commands that
            // filled the cache run unconditionally (so the program is there)
            let unconditional = commands_of(sem, i)
                .filter(|c| (spec.fills)(c))
                .all(|c| c.command.depth == 0 && !c.command.function);
            let fix =
                (spec.fix)(ctx, last)
                    .filter(|_| unconditional)
                    .and_then(|(cmd, applicability)| {
                        append_to_run(ctx, sem.instructions[i], &cmd)
                            .map(|e| Fix::new(applicability, format!("add `{cmd}`"), vec![e]))
                    });
            ctx.report_fix(
                first.span(sem, first.command.span),
                spec.message,
                spec.help,
                fix,
            );
        }
    }
}
