use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::commands_in;
use crate::rules::values::{self, Value};
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::{Args, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final image whose user (the last `USER` of the final stage, or of the stages it
    /// is built on) is a name rather than a numeric id.
    ///
    /// ## Why is this bad?
    /// The name means something only inside the image's `/etc/passwd`. Kubernetes'
    /// `runAsNonRoot` cannot check a name and refuses to start the container ("image has
    /// non-numeric user, cannot verify user is non-root"); volume permissions and the host's
    /// view of the process go by the number, which the name hides.
    ///
    /// Not flagged: a user given by a variable the file does not set (`USER $APP_UID`, from
    /// the base image), Windows images (which have no numeric ids), `USER` lines that a later
    /// `USER` replaces, and `root` (`root-user` reports a final root user; the cure there is
    /// another user, not `USER 0`). Builder stages are not flagged: their user never reaches
    /// the image.
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
    /// could change the id. Otherwise there is no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint flags every `USER`, in builder stages too and when a later `USER` replaces it,
    /// `USER root`, and any variable not declared with `ARG` (`USER $APP_UID`, the id .NET
    /// images provide for exactly this). dockopt checks the user the image ends up with,
    /// resolves variables the file sets (`ARG USERNAME=vscode` … `USER $USERNAME` is a name),
    /// and skips Windows images.
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
        let Some(last) = sem.final_stage() else {
            return;
        };
        if sem.is_windows() {
            return;
        }
        let Some((_, j)) = sem.user_of(last.index) else {
            return;
        };
        let ins = sem.instructions[j];
        let Args::Text(tok) = ins.args else { return };
        let raw = ins.text_of(tok);
        // a variable the file does not set: its value comes from outside
        let Some(spec) = values::expand(sem, j, raw) else {
            return;
        };
        let user = spec.split(':').next().unwrap_or("").trim();
        // root is root-user's (DO401): the fix there is another user, not `USER 0`
        if user.is_empty() || is_numeric(user) || user == "root" {
            return;
        }
        let raw_user = raw.split(':').next().unwrap_or("");
        let single_line = ctx.text(tok.span) == raw;
        let fix = if single_line {
            created_uid(sem, &chain(sem, last.index), user, j)
        } else {
            None
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
            format!("the image runs as the user name `{user}`, not a numeric id"),
            "use the numeric uid (`USER 10001`): Kubernetes `runAsNonRoot` cannot verify a name",
            fix,
        );
    }
}
