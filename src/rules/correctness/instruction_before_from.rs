use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags instructions other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Only `ARG` (and comments and parser directives) may come before the first `FROM`:
    /// anything else belongs to no stage, and BuildKit stops with "no build stage in current
    /// context".
    ///
    /// Looks at the start of the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// FROM alpine:3.22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.22
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: moves the instructions to just after the first `FROM`, so they apply to the first
    /// stage. The file did not build before; whether the first stage is where they were meant to
    /// go is for you to check.
    pub InstructionBeforeFrom {
        code: "DO121",
        name: "instruction-before-from",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        scope: File,
        aliases: ["DL3061"],
    }
}

impl Rule for InstructionBeforeFrom {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // unknown keywords are syntax errors (invalid-instruction)
        let early: Vec<usize> = (0..sem.instructions.len())
            .take_while(|&i| sem.stage_of[i].is_none())
            .filter(|&i| !matches!(sem.instructions[i].kind, Kind::Arg | Kind::Unknown))
            .collect();
        if early.is_empty() {
            return;
        }
        // one fix, on the first finding: move them all after the first FROM, in order
        let fix = sem.stages.first().map(|stage| {
            let at = stage.from_ins.line_span.end;
            let mut moved = String::new();
            if !ctx.src[..at as usize].ends_with('\n') {
                moved.push_str(sem.style().newline);
            }
            let mut edits = Vec::new();
            for (n, &i) in early.iter().enumerate() {
                let ins = sem.instructions[i];
                let text = &ctx.src[ins.line_span.range()];
                moved.push_str(text);
                if !text.ends_with('\n') && n + 1 < early.len() {
                    moved.push_str(sem.style().newline);
                }
                edits.push(Edit::delete(ins.line_span));
            }
            edits.push(Edit::insert(at, moved));
            Fix::unsafe_("move after the first FROM", edits)
        });
        let mut fix = fix;
        for i in early {
            let ins = sem.instructions[i];
            let d = ctx.report_fix(
                ins.span,
                format!(
                    "`{}` before the first FROM belongs to no stage: BuildKit stops here",
                    ins.kind.upper()
                ),
                "move it after the FROM of the stage it is for; only ARG may come before FROM",
                fix.take(),
            );
            if let Some(stage) = sem.stages.first() {
                d.label(stage.from_ins.keyword.span, "the first stage starts here");
            }
        }
    }
}
