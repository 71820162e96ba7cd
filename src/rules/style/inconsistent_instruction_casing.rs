use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Instruction, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags instruction keywords written in mixed case (`From`, `Run`), or in the other case
    /// than most keywords of the file (`copy` in a file of `COPY`s).
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so mixed casing carries no meaning and only makes the
    /// file harder to scan. The majority decides: a file with more lower-case than upper-case
    /// keywords should be all lower case; on a tie, upper case wins.
    ///
    /// Looks at the whole file, the `ARG`s before the first `FROM` and the instructions inside
    /// `ONBUILD` included.
    ///
    /// ## Differences from BuildKit
    /// BuildKit neither counts nor checks the `ARG`s before the first `FROM` nor `ONBUILD`
    /// triggers; dockopt does, so every keyword ends up in one case.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// Run echo hello > /greeting.txt
    /// entrypoint ["cat", "/greeting.txt"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN echo hello > /greeting.txt
    /// ENTRYPOINT ["cat", "/greeting.txt"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: keywords are case-insensitive; only their spelling changes.
    pub InconsistentInstructionCasing {
        code: "DO703",
        name: "inconsistent-instruction-casing",
        category: Style,
        severity: Style,
        fix: Always,
        scope: File,
        aliases: ["buildkit:ConsistentInstructionCasing"],
    }
}

enum Case {
    Lower,
    Upper,
    Mixed,
}

fn case_of(kw: &str) -> Case {
    if kw == kw.to_ascii_lowercase() {
        Case::Lower
    } else if kw == kw.to_ascii_uppercase() {
        Case::Upper
    } else {
        Case::Mixed
    }
}

impl Rule for InconsistentInstructionCasing {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let (mut lower, mut upper) = (0usize, 0usize);
        for ins in &sem.instructions {
            if ins.kind == Kind::Unknown {
                continue;
            }
            match case_of(ins.keyword_text()) {
                Case::Lower => lower += 1,
                Case::Upper => upper += 1,
                Case::Mixed => {}
            }
        }
        let want_lower = lower > upper;
        let majority = if want_lower { "lower" } else { "upper" };
        let mut check = |ins: &Instruction| {
            if ins.kind == Kind::Unknown {
                return;
            }
            let kw = ins.keyword_text();
            let want = if want_lower {
                ins.kind.as_str()
            } else {
                ins.kind.upper()
            };
            if kw == want {
                return;
            }
            let msg = match case_of(kw) {
                Case::Mixed => format!("instruction `{kw}` is in mixed case"),
                _ => format!("instruction `{kw}` is not in the file's {majority} case"),
            };
            let fix = Fix::safe(
                format!("write `{want}`"),
                vec![Edit::replace(ins.keyword.span, want)],
            );
            ctx.report_fix(
                ins.keyword.span,
                msg,
                format!("write `{want}`, like most instructions of this file"),
                Some(fix),
            );
        };
        for ins in &sem.instructions {
            check(ins);
            if let Some(t) = ins.trigger() {
                check(t);
            }
        }
    }
}
