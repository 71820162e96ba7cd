use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` to a relative destination in a stage where no `WORKDIR` was
    /// set, neither in the stage nor in the stages it is built on.
    ///
    /// ## Why is this bad?
    /// A relative destination is relative to the working directory, which then comes from the
    /// base image: `/` for most, something else for some (`/go`, `/usr/src/app`, `/home/node`).
    /// The files land where the base image says, which the Dockerfile does not show and which
    /// can change with the base image.
    ///
    /// Looks at every stage. A destination that starts with a variable is not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY app.py .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// WORKDIR /app
    /// COPY app.py .
    /// ```
    ///
    /// ## Fix safety
    /// In a stage built from `scratch` (directly or through other stages of the file) the
    /// working directory is `/`, so the fix makes the destination absolute: safe, the files land
    /// where they did. Elsewhere there is no fix: only you know which directory is meant.
    ///
    /// ## Differences from hadolint
    /// hadolint remembers `WORKDIR` per image name, so two stages `FROM ubuntu` share it, and
    /// checks only `COPY`. dockopt follows the stages of the file, and checks `ADD` too.
    pub CopyRelativeWithoutWorkdir {
        code: "DO123",
        name: "copy-relative-without-workdir",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3045"],
    }
}

/// Is a destination absolute (or a variable we cannot see through)?
fn is_absolute(dest: &str) -> bool {
    let b = dest.as_bytes();
    dest.starts_with(['/', '\\', '$'])
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Does the stage, or a stage it is built on, set WORKDIR before instruction `upto`? And is its
/// chain rooted at scratch?
fn workdir_state(sem: &Semantic<'_>, stage: usize, upto: usize) -> (bool, bool) {
    let mut s = &sem.stages[stage];
    let mut end = upto;
    loop {
        if (s.from + 1..end).any(|j| sem.instructions[j].kind == Kind::Workdir) {
            return (true, false);
        }
        match s.base.kind {
            BaseKind::Stage(b) => {
                s = &sem.stages[b];
                end = s.end;
            }
            BaseKind::Scratch => return (false, true),
            _ => return (false, false),
        }
    }
}

/// `./x` → `/x`, `.` → `/`.
fn absolute(dest: &str) -> String {
    let mut rest = dest;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r.trim_start_matches('/');
    }
    if rest == "." || rest.is_empty() {
        "/".to_string()
    } else {
        format!("/{rest}")
    }
}

impl Rule for CopyRelativeWithoutWorkdir {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, ins) in sem.instructions.iter().copied().enumerate() {
            if !matches!(ins.kind, Kind::Copy | Kind::Add) {
                continue;
            }
            let Some(stage) = sem.stage_of[i] else {
                continue;
            };
            let (_, Some(dest)) = ins.sources_and_dest() else {
                continue;
            };
            let text = ins.word_text(dest);
            let value = text.trim_matches(['"', '\'']);
            if value.is_empty() || is_absolute(value) {
                continue;
            }
            let (has_workdir, scratch) = workdir_state(sem, stage, i);
            if has_workdir {
                continue;
            }
            let fix = (scratch && !value.contains(['"', '\'', '\\', '$', ' ', '\t'])).then(|| {
                let new = absolute(value);
                let content = if dest.json.is_some() {
                    format!("\"{new}\"")
                } else {
                    new
                };
                Fix::safe(
                    "make the destination absolute",
                    vec![Edit::replace(dest.token.span, content)],
                )
            });
            let fix = fix.filter(|_| ctx.text(dest.token.span) == ins.text_of(dest.token));
            ctx.report_fix(
                dest.token.span,
                format!(
                    "{} to the relative destination `{value}` with no WORKDIR set: it lands under the base image's working directory",
                    ins.kind.upper()
                ),
                "set `WORKDIR /some/dir` before it, or use an absolute destination",
                fix,
            );
        }
    }
}
