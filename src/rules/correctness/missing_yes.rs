//! The check shared by the rules on package managers that would ask for confirmation: one
//! finding per `RUN`, with a fix that adds the non-interactive option to every such command.

use crate::diagnostic::{Edit, Fix};
use crate::rule::Context;
use crate::rules::common::{Cmd, is_run};
use crate::rules::pm::{PmCmd, manager};
use crate::semantic::BaseKind;
use crate::shell::{Sep, Word};

/// Where the fix puts the option.
pub enum Insert {
    /// After the subcommand word: `apt-get install -y`, `dnf group install -y`.
    AfterSub,
    /// After the program word: `zypper --non-interactive install` (a global option).
    AfterProgram,
}

/// What one rule checks.
pub struct YesCheck {
    /// Manager keys of `rules/package-managers.toml`.
    pub managers: &'static [&'static str],
    /// Programs of those managers that never ask (`microdnf`).
    pub never_ask: &'static [&'static str],
    /// Does the command (its subcommand) ask before changing anything?
    pub asks: fn(&PmCmd<'_, '_>) -> bool,
    /// Does the command answer the question already?
    pub answered: fn(&PmCmd<'_, '_>) -> bool,
    /// Texts that, together in a `RUN` of the stage up to this one (or of its base stages),
    /// configure the manager to assume yes (`APT::Get::Assume-Yes` written to `apt.conf`);
    /// lower case, compared ignoring case. Empty: no such configuration.
    pub config: &'static [&'static str],
    /// The option the fix adds, and where.
    pub option: &'static str,
    pub insert: Insert,
    pub message: &'static str,
    pub help: &'static str,
}

/// Where the manager is configured to assume yes: per stage, the first `RUN` of its body that
/// mentions all of `needles` (lower case), and whether a base stage has one. Built once per
/// file, so that asking at every `RUN` stays linear.
struct Configured {
    /// `first[s]`: the first such `RUN` of stage `s`.
    first: Vec<Option<usize>>,
    /// `inherited[s]`: a base stage of `s` (transitively) has one.
    inherited: Vec<bool>,
}

impl Configured {
    fn new(ctx: &Context<'_>, needles: &[&str]) -> Configured {
        let sem = ctx.semantic;
        let mut first = vec![None; sem.stages.len()];
        let mut inherited = vec![false; sem.stages.len()];
        if needles.is_empty() {
            return Configured { first, inherited };
        }
        for (k, s) in sem.stages.iter().enumerate() {
            first[k] = sem.body(s).find(|&j| {
                let ins = sem.instructions[j];
                is_run(ins) && {
                    let text = ins.text.to_ascii_lowercase();
                    needles.iter().all(|n| text.contains(n))
                }
            });
            inherited[k] = match s.base.kind {
                BaseKind::Stage(b) if b < k => inherited[b] || first[b].is_some(),
                _ => false,
            };
        }
        Configured { first, inherited }
    }

    /// Does a `RUN` of the stage of instruction `i` up to it (or of its base stages) configure
    /// the manager?
    fn at(&self, sem: &crate::semantic::Semantic<'_>, i: usize) -> bool {
        let Some(stage) = sem.stage_of[i] else {
            return false;
        };
        self.inherited[stage] || self.first[stage].is_some_and(|j| j <= i)
    }
}

/// Is the command's standard input fed (`yes | apt-get install …`, `… < answers`)? Then the
/// answers come from there. `xargs` reads the pipe itself and gives its command no input.
fn stdin_fed(c: &Cmd<'_, '_>) -> bool {
    (c.command.sep == Sep::Pipe && c.command.name() != Some("xargs"))
        || c.command
            .redirects
            .iter()
            .any(|r| r.fd().is_none_or(|fd| fd == 0) && r.operator().starts_with('<'))
}

/// An edit inserting ` option` after `w`, when the source text there is the word itself (not
/// inside an escaped `sh -c` string, where spans are not exact).
fn insert_after(ctx: &Context<'_>, c: &Cmd<'_, '_>, w: &Word<'_>, option: &str) -> Option<Edit> {
    let span = c.span(ctx.semantic, w.span);
    (ctx.text(span) == w.value).then(|| Edit::insert(span.end, format!(" {option}")))
}

pub fn check(ctx: &mut Context<'_>, spec: &YesCheck) {
    let sem = ctx.semantic;
    if !crate::rules::pm::file_runs_any(sem, spec.managers) {
        return;
    }
    let mut configured: Option<Configured> = None;
    for i in 0..sem.instructions.len() {
        let mut first = None;
        let mut edits = Vec::new();
        let mut all_fixable = true;
        for (c, name) in crate::rules::pm::pm_commands_named(sem, i) {
            if !spec.managers.contains(&name) {
                continue;
            }
            let Some(pm) = manager(&c) else { continue };
            if !spec.managers.contains(&pm.name)
                || spec.never_ask.contains(&pm.program)
                || !(spec.asks)(&pm)
                || (spec.answered)(&pm)
                || stdin_fed(&c)
            {
                continue;
            }
            let anchor = match spec.insert {
                // after the last subcommand word: `dnf group install -y`
                Insert::AfterSub => {
                    let mut ops = pm.operands().map(|(_, w)| w);
                    match ops.next() {
                        Some(g) if matches!(&*g.value, "group" | "groups" | "module") => ops.next(),
                        s => s,
                    }
                }
                Insert::AfterProgram => pm.argv.words.first(),
            };
            match anchor.and_then(|w| insert_after(ctx, &c, w, spec.option)) {
                Some(e) => edits.push(e),
                None => all_fixable = false,
            }
            first.get_or_insert_with(|| c.span(sem, c.command.span));
        }
        let Some(span) = first else { continue };
        if configured
            .get_or_insert_with(|| Configured::new(ctx, spec.config))
            .at(sem, i)
        {
            continue;
        }
        let fix = (all_fixable && !edits.is_empty())
            .then(|| Fix::safe(format!("add `{}`", spec.option), edits));
        ctx.report_fix(span, spec.message, spec.help, fix);
    }
}

/// yum and dnf: `-y`, `--assumeyes` or `--setopt=assumeyes=1` answers.
pub fn rpm_answered(pm: &PmCmd<'_, '_>) -> bool {
    pm.has_option(&["-y", "--assumeyes"])
        || pm.argv.args().iter().any(|w| {
            let v = w.value.to_ascii_lowercase();
            v.contains("assumeyes=") && !v.ends_with("=0") && !v.ends_with("=false")
        })
}

/// Transactions ask; `group` and `module` ask for their changing subcommands.
pub fn rpm_asks(pm: &PmCmd<'_, '_>) -> bool {
    const CHANGES: &[&str] = &[
        "install",
        "groupinstall",
        "localinstall",
        "reinstall",
        "remove",
        "erase",
        "groupremove",
        "autoremove",
        "update",
        "upgrade",
        "groupupdate",
        "update-minimal",
        "upgrade-minimal",
        "downgrade",
        "distro-sync",
        "swap",
    ];
    let mut ops = pm.operands().map(|(_, w)| &*w.value);
    match ops.next() {
        Some("group" | "groups" | "module") => ops.next().is_some_and(|s| {
            CHANGES.contains(&s)
                || matches!(s, "enable" | "disable" | "reset" | "switch-to" | "mark")
        }),
        Some(s) => CHANGES.contains(&s),
        None => false,
    }
}
