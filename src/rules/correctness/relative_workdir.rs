use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::{Args, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a relative `WORKDIR` (`WORKDIR app`) in a stage where no earlier `WORKDIR` set the
    /// directory: the first one of the stage, counting the `WORKDIR`s of the stages it is built
    /// `FROM` in this file.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is joined to the working directory the stage starts with, which
    /// comes from the base image. `WORKDIR app` is `/app` on an image that leaves it at `/`, and
    /// `/go/app` on `golang`; when the base image changes its working directory, every path of
    /// the stage moves with it. Once the stage has set an absolute directory, later relative
    /// ones are well defined (`WORKDIR /src` then `WORKDIR cmd/server`).
    ///
    /// Paths starting with a variable (`WORKDIR $HOME/app`) are taken as absolute. Windows
    /// drive paths (`C:\app`) are absolute.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR app
    /// COPY . .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// The fix makes the path absolute from `/` (`app` → `/app`, `./app` → `/app`). That is
    /// where the directory already is when the stage is built on `scratch`: then the fix is safe.
    /// On an image it is unsafe, since the image may start elsewhere (`golang` starts in `/go`);
    /// check the image's working directory before applying it. No fix for Windows builds, nor
    /// for paths starting with `~` (`WORKDIR` does not expand it; the home directory is meant).
    ///
    /// A relative `WORKDIR` after an absolute one is well defined, but still harder to read
    /// than the full path: it is flagged too (as hadolint does), with a safe fix writing the
    /// joined absolute path (`WORKDIR /src` + `WORKDIR cmd` → `WORKDIR /src/cmd`).
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `WorkdirRelativePath` only reports a relative `WORKDIR` before any `WORKDIR`
    /// of the stage; dockopt also reports the later ones, as hadolint (DL3000) does.
    pub RelativeWorkdir {
        code: "DO101",
        name: "relative-workdir",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3000", "buildkit:WorkdirRelativePath"],
    }
}

/// The longest path Linux accepts (`PATH_MAX`, terminating NUL included).
const PATH_MAX: usize = 4096;

/// `/a/./b/../c/` → `/a/c`.
fn clean_abs(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn unquote(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        (&s[1..s.len() - 1], 1)
    } else {
        (s, 0)
    }
}

/// Is a WORKDIR path absolute (or of unknown value)?
fn absolute(path: &str, windows: bool) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('$')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || (windows && path.starts_with('\\'))
}

/// Is the stage built, through base stages of this file, on `scratch`?
fn on_scratch(sem: &Semantic<'_>, mut stage: usize) -> bool {
    for _ in 0..sem.stages.len() {
        match sem.stages[stage].base.kind {
            BaseKind::Scratch => return true,
            BaseKind::Stage(b) if b < stage => stage = b,
            _ => return false,
        }
    }
    false
}

impl Rule for RelativeWorkdir {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let windows = sem.is_windows();
        // set[s]: a WORKDIR ran in stage s or its base stages; dir[s]: the directory it left, when
        // known (literal paths only).
        let mut set = vec![false; sem.stages.len()];
        let mut dir: Vec<Option<String>> = vec![None; sem.stages.len()];
        for stage in &sem.stages {
            let (mut is_set, mut current) = match stage.base.kind {
                BaseKind::Stage(b) if b < stage.index => (set[b], dir[b].clone()),
                _ => (false, None),
            };
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                let Args::Text(t) = ins.args else {
                    continue;
                };
                if ins.kind != Kind::Workdir {
                    continue;
                }
                let was_set = std::mem::replace(&mut is_set, true);
                let raw = ins.text_of(t).trim();
                let (path, quote) = unquote(raw);
                let before = current.take();
                if path.is_empty() {
                    continue;
                }
                if absolute(path, windows) {
                    current = (!windows && !path.contains('$')).then(|| clean_abs(path));
                    continue;
                }
                if was_set {
                    // after an absolute WORKDIR the relative one is well defined; hadolint still
                    // asks for an absolute path, and writing the joined path is a safe fix
                    let joined = before
                        .as_deref()
                        .filter(|_| !windows && !path.contains('$') && !path.starts_with('~'))
                        .map(|b| clean_abs(&format!("{b}/{path}")))
                        // longer than Linux's PATH_MAX is no directory; and a chain of
                        // thousands of relative WORKDIRs would make the fixed file quadratic
                        .filter(|j| j.len() <= PATH_MAX);
                    current = joined.clone();
                    let fix = joined
                        .as_ref()
                        .filter(|_| quote == 0 && ctx.text(t.span) == raw)
                        .map(|j| {
                            Fix::safe(
                                format!("use the absolute path `{j}`"),
                                vec![Edit::replace(t.span, j.clone())],
                            )
                        });
                    let help = match &joined {
                        Some(j) => format!("write the absolute path (`WORKDIR {j}`)"),
                        None => "write the absolute path".to_string(),
                    };
                    ctx.report_fix(
                        ins.span,
                        format!("`WORKDIR {path}` is relative to the previous `WORKDIR`"),
                        help,
                        fix,
                    );
                    continue;
                }
                let fix = (!windows && !path.starts_with('~')).then(|| {
                    let start = t.span.start + quote as u32;
                    let (edit, shown) = if path == "." {
                        (
                            Edit::replace(
                                crate::syntax::Span {
                                    start,
                                    end: start + 1,
                                },
                                "/",
                            ),
                            "/".to_string(),
                        )
                    } else if let Some(rest) = path.strip_prefix("./") {
                        (
                            Edit::replace(
                                crate::syntax::Span {
                                    start,
                                    end: start + 2,
                                },
                                "/",
                            ),
                            format!("/{rest}"),
                        )
                    } else {
                        (Edit::insert(start, "/"), format!("/{path}"))
                    };
                    let title = format!("use the absolute path `{shown}`");
                    if on_scratch(sem, stage.index) {
                        Fix::safe(title, vec![edit])
                    } else {
                        Fix::unsafe_(title, vec![edit])
                    }
                });
                let help = if path.starts_with('~') {
                    "`WORKDIR` does not expand `~`: write the home directory's absolute path (`WORKDIR /home/app`)".to_string()
                } else {
                    format!(
                        "write the absolute path (`WORKDIR /{}` if the base image starts at `/`)",
                        path.trim_start_matches("./")
                    )
                };
                ctx.report_fix(
                    ins.span,
                    format!(
                        "relative `WORKDIR {path}` depends on the working directory of the base image"
                    ),
                    help,
                    fix,
                );
            }
            set[stage.index] = is_set;
            dir[stage.index] = current;
        }
    }
}
