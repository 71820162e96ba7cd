use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::commands_in;
use crate::rules::values::{self, Value};
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::{Args, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `USER` that names a user (`USER app`, `USER root`) rather than giving a numeric
    /// id, in every stage.
    ///
    /// ## Why is this bad?
    /// The name means something only inside the image's `/etc/passwd`. Kubernetes'
    /// `runAsNonRoot` cannot check a name and refuses to start the container ("image has
    /// non-numeric user, cannot verify user is non-root"); volume permissions and the host's
    /// view of the process go by the number, which the name hides.
    ///
    /// The user that matters most is the one the final image runs as; names in builder stages
    /// are flagged too (as hadolint does): numeric ids there cost nothing and keep file
    /// ownership unambiguous when files are copied out.
    ///
    /// Not flagged: a user given by a variable the file does not set (`USER $APP_UID`, from
    /// the base image), and Windows images (which have no numeric ids).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd --uid 10001 --create-home app
    /// USER app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd --uid 10001 --create-home app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// A user the file creates with `useradd`/`adduser --uid N` becomes `USER N` (or
    /// `USER ${VAR}` when the uid came from a build argument in scope): unsafe, as a later step
    /// could change the id. Offered for the user the final image runs as; otherwise no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint also flags any variable not declared with `ARG` (`USER $APP_UID`, the numeric
    /// id .NET images provide for exactly this) and Windows images; dockopt does not. hadolint
    /// skips any variable declared with `ARG`; dockopt resolves it (`ARG USERNAME=vscode` …
    /// `USER $USERNAME` is a name).
    pub NonNumericUser {
        code: "DO431",
        name: "non-numeric-user",
        category: Security,
        severity: Info,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["DL3066"],
    }
}

/// Stages of the final stage's chain, from the final one down to its root.
fn chain(sem: &Semantic<'_>, mut stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    while let BaseKind::Stage(b) = sem.stages[stage].base.kind {
        if out.contains(&b) {
            break;
        }
        out.push(b);
        stage = b;
    }
    out
}

/// The uid a RUN of the chain gives user `name` (`useradd -u N name`): the replacement text
/// for the USER line at instruction `at`.
fn created_uid(sem: &Semantic<'_>, stages: &[usize], name: &str, at: usize) -> Option<String> {
    for &s in stages {
        let stage = &sem.stages[s];
        for cmd in commands_in(sem, sem.body(stage)) {
            if cmd.index >= at {
                continue;
            }
            if !matches!(cmd.program(), Some("useradd" | "adduser")) {
                continue;
            }
            let argv = cmd.argv();
            let Some(login) = argv.args().last() else {
                continue;
            };
            if values::expand(sem, cmd.index, &login.value).as_deref() != Some(name) {
                continue;
            }
            let uid = argv.flag_value(Some('u'), Some("uid"))?;
            let uid = uid.value.as_ref();
            if !uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit()) {
                return Some(uid.to_string());
            }
            // `--uid $USER_UID`: usable when the same variable is set at the USER line
            let var = uid
                .strip_prefix("${")
                .and_then(|v| v.strip_suffix('}'))
                .or_else(|| uid.strip_prefix('$'))?;
            if !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            return match values::lookup(sem, at, var) {
                Some(Value::Known(v)) if is_numeric(&v) => Some(format!("${{{var}}}")),
                _ => None,
            };
        }
    }
    None
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Rule for NonNumericUser {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // Windows users have no numeric ids
        if sem.is_windows() {
            return;
        }
        let last = sem.final_stage().map(|s| s.index);
        let final_user = last.and_then(|l| sem.user_of(l)).map(|(_, j)| j);
        for (j, ins) in sem.instructions.iter().copied().enumerate() {
            if ins.kind != Kind::User || sem.stage_of[j].is_none() {
                continue;
            }
            let Args::Text(tok) = ins.args else { continue };
            let raw = ins.text_of(tok);
            // a variable the file does not set: its value comes from outside
            let Some(spec) = values::expand(sem, j, raw) else {
                continue;
            };
            let user = spec.split(':').next().unwrap_or("").trim();
            if user.is_empty() || is_numeric(user) {
                continue;
            }
            // the numeric-id fix is offered where it matters: the USER the image runs as
            let raw_user = raw.split(':').next().unwrap_or("");
            let fix = match (final_user == Some(j), last) {
                (true, Some(l)) if ctx.text(tok.span) == raw => {
                    created_uid(sem, &chain(sem, l), user, j)
                }
                _ => None,
            };
            let fix = fix.map(|uid| {
                let edit = Edit::replace(
                    Span {
                        start: tok.span.start,
                        end: tok.span.start + raw_user.len() as u32,
                    },
                    uid.clone(),
                );
                Fix::unsafe_(format!("use the numeric id `{uid}`"), vec![edit])
            });
            ctx.report_fix(
                tok.span,
                format!("`USER {user}` names a user instead of a numeric id"),
                "use the numeric uid (`USER 10001`): the host and Kubernetes `runAsNonRoot` cannot resolve or verify a name",
                fix,
            );
        }
    }
}
