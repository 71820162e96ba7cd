//! Shared check of the instructions an image keeps only one of (`CMD`, `ENTRYPOINT`,
//! `HEALTHCHECK`): every earlier one in the same stage is dead.

use crate::diagnostic::{Edit, Fix};
use crate::rule::Context;
use crate::syntax::Kind;

/// Report every instruction of `kind` that a later one of the same stage overrides, with a safe
/// fix deleting it.
pub fn report_overridden(ctx: &mut Context<'_>, kind: Kind) {
    let sem = ctx.semantic;
    let kw = kind.upper();
    for stage in &sem.stages {
        let found: Vec<usize> = sem
            .body(stage)
            .filter(|&i| sem.instructions[i].kind == kind)
            .collect();
        let Some((&last, earlier)) = found.split_last() else {
            continue;
        };
        let last_ins = sem.instructions[last];
        for &i in earlier {
            let ins = sem.instructions[i];
            let fix = Fix::safe(
                format!("delete the overridden `{kw}`"),
                vec![Edit::delete(ins.line_span)],
            );
            ctx.report_fix(
                ins.span,
                format!("this `{kw}` has no effect: a later `{kw}` in the same stage replaces it"),
                format!(
                    "keep one `{kw}` per stage; if both should run, combine them (a script, or one command)"
                ),
                Some(fix),
            )
            .label(last_ins.span, format!("this `{kw}` is the one the image keeps"));
        }
    }
}
