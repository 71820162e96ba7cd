use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::closest;
use crate::syntax::vars::{VarRef, var_refs};
use crate::syntax::{Instruction, Span, Token};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a variable in a `FROM` line (image or `--platform`) that no global `ARG` (before
    /// the first `FROM`) declares and that is not one of BuildKit's platform arguments
    /// (`BUILDPLATFORM`, `TARGETARCH`, …).
    ///
    /// ## Why is this bad?
    /// `FROM` only sees global `ARG`s. An undeclared variable expands to nothing, so
    /// `FROM node:22${VARIANT}` quietly builds on `node:22` and `--build-arg VARIANT=…` has no
    /// effect; a misspelt `$BULIDPLATFORM` leaves the platform empty and the build fails.
    ///
    /// Looks at every `FROM`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22${VARIANT} AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VARIANT=-alpine
    /// FROM node:22${VARIANT} AS build
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, and only offered for a likely typo (`$BULIDPLATFORM`): the name is replaced by
    /// the declared or predefined one it is closest to, which changes what the line expands to.
    pub UndefinedArgInFrom {
        code: "DO141",
        name: "undefined-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["buildkit:UndefinedArgInFrom"],
    }
}

/// What BuildKit defines for `FROM` lines without a declaration.
pub const FROM_PREDEFINED: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

fn undefined(ins: &Instruction, token: Token, escape: char, known: &[&str]) -> Vec<VarRef> {
    var_refs(&ins.text, token.logical, escape)
        .into_iter()
        .filter(|r| !known.contains(&&ins.text[r.name.range()]))
        .collect()
}

impl Rule for UndefinedArgInFrom {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let escape = sem.escape();
        let mut known: Vec<&str> = sem.global_args.iter().map(|a| a.0).collect();
        known.extend_from_slice(FROM_PREDEFINED);
        for stage in &sem.stages {
            let ins = stage.from_ins;
            let mut tokens: Vec<Token> = ins.flags_named("platform").map(|f| f.token).collect();
            tokens.push(stage.base.token);
            for t in tokens {
                for r in undefined(ins, t, escape, &known) {
                    let name = &ins.text[r.name.range()];
                    let span = ins.source_span(r.span);
                    let name_span =
                        ins.source_span(Span::new(r.name.start as usize, r.name.end as usize));
                    let suggestion = closest(name, &known);
                    let msg = format!("`${name}` is not declared by a global ARG");
                    match suggestion {
                        Some(s) => {
                            let fix = Fix::unsafe_(
                                format!("use `${s}`"),
                                vec![Edit::replace(name_span, s)],
                            );
                            ctx.report_fix(
                                span,
                                format!("{msg} (did you mean `${s}`?)"),
                                format!(
                                    "write `${s}`, or declare `ARG {name}` before the first FROM"
                                ),
                                Some(fix),
                            );
                        }
                        None => {
                            ctx.report(span, msg).help(format!(
                                "declare `ARG {name}=<default>` before the first FROM"
                            ));
                        }
                    }
                }
            }
        }
    }
}
