use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::values;
use crate::syntax::vars::var_refs;
use crate::syntax::{Instruction, KeyValue, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` that uses a variable it defines itself, in another of its `key=value`
    /// pairs, when nothing earlier in the stage defines that variable.
    ///
    /// ## Why is this bad?
    /// All the values of one `ENV` are expanded with the environment from *before* the
    /// instruction. In `ENV DIR=/opt/app BIN=$DIR/bin`, `$DIR` is not `/opt/app` yet: `BIN`
    /// becomes `/bin`, or whatever the base image had in `DIR`.
    ///
    /// A pair that refers to itself (`ENV PATH=/opt/bin:$PATH`) is fine. Looks at every stage;
    /// what counts as defined earlier follows BuildKit's scoping (`ARG`s of the stage, `ENV` of
    /// the stage and the stages it is built on).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ENV APP_HOME=/opt/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: splits the `ENV` before each pair that uses a variable an earlier pair sets, so
    /// the value becomes the one the file seems to mean, which is not the one it had. A use of a
    /// variable that a *later* pair sets has no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint counts a variable as defined earlier when any `ARG` or `ENV` anywhere above sets
    /// it, even in another stage or as a global `ARG` the stage does not redeclare; dockopt
    /// follows BuildKit's scoping. It also ignores `$` in single quotes, which is not expanded.
    pub EnvReferenceInSameEnv {
        code: "DO122",
        name: "env-reference-in-same-env",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3044"],
    }
}

/// Source span of a whole `key=value` pair.
fn pair_span(ins: &Instruction, kv: &KeyValue) -> Span {
    ins.source_span(Span {
        start: kv.key.logical.start,
        end: kv.key.logical.end.max(kv.value.logical.end),
    })
}

impl Rule for EnvReferenceInSameEnv {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let escape = sem.escape();
        for (i, ins) in sem.instructions.iter().copied().enumerate() {
            if ins.kind != Kind::Env {
                continue;
            }
            let pairs = ins.key_values();
            if pairs.len() < 2 {
                continue;
            }
            let keys: Vec<&str> = pairs.iter().map(|kv| ins.text_of(kv.key)).collect();
            // (pair, reference span, definer) for each offending use
            let mut uses: Vec<(usize, Span, usize)> = Vec::new();
            for (k, kv) in pairs.iter().enumerate() {
                for r in var_refs(&ins.text, kv.value.logical, escape) {
                    let name = &ins.text[r.name.range()];
                    let Some(j) = keys
                        .iter()
                        .enumerate()
                        .position(|(j, key)| j != k && *key == name)
                    else {
                        continue;
                    };
                    if values::lookup(sem, i, name).is_some() {
                        continue; // the old value is a real one
                    }
                    uses.push((k, r.span, j));
                }
            }
            let Some(&(_, first, definer)) = uses.first() else {
                continue;
            };
            let name = keys[definer];
            let fix = split_fix(ctx, ins, pairs, &uses);
            let d = ctx.report_fix(
                ins.source_span(first),
                format!(
                    "`${name}` is set by this same ENV, but the values here see its value from before the instruction"
                ),
                "set the variable in an ENV of its own before the one that uses it",
                fix,
            );
            d.label(ins.source_span(pairs[definer].key.logical), "set here");
        }
    }
}

/// Split the ENV before each pair that uses a variable an earlier pair of its part sets.
fn split_fix(
    ctx: &Context<'_>,
    ins: &Instruction,
    pairs: &[KeyValue],
    uses: &[(usize, Span, usize)],
) -> Option<Fix> {
    let sem = ctx.semantic;
    let line_start = ins.line_span.start as usize;
    let indent = &ctx.src[line_start..ins.span.start as usize];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let mut edits = Vec::new();
    let mut part_start = 0;
    for k in 1..pairs.len() {
        let splits = uses
            .iter()
            .any(|&(p, _, j)| p == k && j >= part_start && j < k);
        if !splits {
            continue;
        }
        let gap = Span {
            start: pair_span(ins, &pairs[k - 1]).end,
            end: pair_span(ins, &pairs[k]).start,
        };
        if ctx.src[gap.range()].contains('#') {
            return None; // a comment line inside the continuation would be lost
        }
        edits.push(Edit::replace(
            gap,
            format!(
                "{}{indent}{} ",
                sem.style().newline,
                sem.style().keyword(Kind::Env)
            ),
        ));
        part_start = k;
    }
    (!edits.is_empty()).then(|| Fix::unsafe_("split the ENV", edits))
}
