use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::semantic::{RunScript, Semantic};
use crate::shell::Sep;
use crate::syntax::{Command, Instruction, Item, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of a single command that directly follows another single-command `RUN`
    /// with the same flags in the same stage: two layers where one would do.
    ///
    /// ## Why is this bad?
    /// Every `RUN` is a layer. Files a later layer deletes still ship in the earlier one, and
    /// each layer adds metadata, pull round-trips and cache entries. Short steps that belong
    /// together (`apt-get update` and `apt-get install`) are also a correctness trap when split:
    /// the cached `update` layer goes stale while the `install` layer is rebuilt.
    ///
    /// `RUN`s of several commands are left alone: keeping bigger steps apart is a legitimate way
    /// to cache them separately. Comments between the two `RUN`s do not stop the check (they are kept by the
    /// fix); any other instruction does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the commands are joined with `&&` into one `RUN` and only the layer boundary moves.
    /// Not offered when the two cannot be joined without changing what runs: different flags or
    /// mounts, exec form, heredocs, a first `RUN` that changes shell state the second would
    /// inherit (`cd`, `export`, `set`, `source`, `umask`, variable assignments, …), a second
    /// `RUN` with `;`, `||` or `&` at its top level, or a shell comment at the end of the first.
    pub ConsecutiveRun {
        code: "DO206",
        name: "consecutive-run",
        category: Size,
        severity: Info,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3059"],
    }
}

/// Commands that change the state of the shell for what runs after them in the same script.
const STATEFUL: &[&str] = &[
    "cd", "pushd", "popd", "export", "set", "source", ".", "umask", "alias", "unalias", "shopt",
    "ulimit", "trap", "unset", "exec", "eval", "declare", "typeset", "readonly", "local", "enable",
    "hash", "builtin",
];

fn scripts<'s, 'a>(sem: &'s Semantic<'a>, i: usize) -> &'s [RunScript<'a>] {
    sem.scripts_of(i)
}

/// Commands as hadolint counts them: every command, those in `$(…)` included, `sh -c` bodies
/// not.
fn count(sem: &Semantic<'_>, i: usize) -> usize {
    scripts(sem, i)
        .iter()
        .flat_map(|s| s.script.commands.iter())
        .filter(|c| c.nested_in.is_none() && !(c.words.is_empty() && c.assignments.is_empty()))
        .count()
}

fn flags_key(ins: &Instruction) -> Vec<&str> {
    let mut v: Vec<&str> = ins.flags.iter().map(|f| &*f.word).collect();
    v.sort_unstable();
    v
}

/// Why two RUNs cannot be joined mechanically, if they cannot.
fn merge_blocker(sem: &Semantic<'_>, prev: usize, cur: usize) -> Option<&'static str> {
    let (p, c) = (sem.instructions[prev], sem.instructions[cur]);
    let (Some(Command::Shell(pt)), Some(Command::Shell(_))) = (p.command(), c.command()) else {
        return Some("one of them is in exec (JSON) form");
    };
    if !p.heredocs.is_empty() || !c.heredocs.is_empty() {
        return Some("one of them uses a heredoc");
    }
    if p.text_of(*pt).contains('#') {
        return Some("the first ends in a shell comment");
    }
    let ps = scripts(sem, prev);
    let cs = scripts(sem, cur);
    if ps.is_empty() || cs.is_empty() {
        return Some("their shell could not be analysed");
    }
    for s in ps {
        for cmd in &s.script.commands {
            if cmd.sep == Sep::Background {
                return Some("the first runs a command in the background");
            }
            if cmd.depth == 0 && !cmd.subshell && cmd.nested_in.is_none() {
                if cmd.words.is_empty() && !cmd.assignments.is_empty() {
                    return Some("the first sets shell variables the second would see");
                }
                if let Some(name) = cmd.name()
                    && STATEFUL.contains(&name)
                {
                    return Some(
                        "the first changes shell state (cd, export, set, …) the second would inherit",
                    );
                }
            }
        }
    }
    for s in cs {
        for cmd in &s.script.commands {
            if cmd.depth == 0
                && cmd.nested_in.is_none()
                && !matches!(cmd.sep, Sep::Start | Sep::And | Sep::Pipe)
            {
                return Some(
                    "the second has `;`, `||` or `&` at its top level, which `&&` would change",
                );
            }
        }
    }
    None
}

/// The edit joining RUN `cur` onto RUN `prev`, keeping comment lines between them.
fn merge_edit(ctx: &Context<'_>, prev: &Instruction, cur: &Instruction) -> Option<Edit> {
    let (Command::Shell(pt), Command::Shell(ct)) = (prev.command()?, cur.command()?) else {
        return None;
    };
    let style = ctx.semantic.style();
    let mut text = format!(" {}{}", style.escape, style.newline);
    // the items between the two (items are in source order: a binary search finds the first)
    let items = &ctx.semantic.df.items;
    let first = items.partition_point(|it| it.line_span().start < prev.line_span.end);
    for item in items[first..]
        .iter()
        .take_while(|it| it.line_span().end <= cur.line_span.start)
    {
        if let Item::Comment(c) = item {
            text.push_str(&style.indent);
            text.push_str(ctx.text(c.span));
            text.push_str(style.newline);
        }
    }
    text.push_str(&style.indent);
    text.push_str("&& ");
    Some(Edit::replace(
        crate::syntax::Span {
            start: pt.span.end,
            end: ct.span.start,
        },
        text,
    ))
}

impl Rule for ConsecutiveRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let mut prev: Option<usize> = None;
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if ins.kind != Kind::Run {
                    prev = None;
                    continue;
                }
                let Some(p) = prev.replace(i) else { continue };
                let pins = sem.instructions[p];
                if flags_key(pins) != flags_key(ins) || count(sem, p) > 1 || count(sem, i) > 1 {
                    continue;
                }
                // hadolint counts a script it cannot analyse (exec form) too; so do we, for the
                // finding, but we only join what we understand.
                let blocker = merge_blocker(sem, p, i);
                let fix = match blocker {
                    None => merge_edit(ctx, pins, ins)
                        .map(|e| Fix::safe("join with the previous RUN", vec![e])),
                    Some(_) => None,
                };
                let help = match blocker {
                    None => "join it to the previous RUN with `&&`".to_string(),
                    Some(why) => format!(
                        "join it to the previous RUN with `&&`; not joined automatically: {why}"
                    ),
                };
                let d = ctx.report(
                    ins.span,
                    "this RUN directly follows another short RUN: two layers where one would do",
                );
                d.help(help).set_fix(fix).label(pins.span, "previous RUN");
            }
        }
    }
}
