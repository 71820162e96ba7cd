use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{commands_in, insert_lines_after, insert_lines_before};
use crate::semantic::{BaseKind, Semantic, Stage};
use crate::syntax::Kind;
use crate::{data, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage that never sets `USER` (directly or through the stage it builds on),
    /// on a base image that runs as root by default.
    ///
    /// ## Why is this bad?
    /// Without `USER`, the container runs as root. Most apps need no root privileges at run
    /// time; running them unprivileged limits what an attacker gains from a compromise.
    ///
    /// Not flagged: base images known to run unprivileged (distroless `:nonroot`, Chainguard,
    /// .NET chiseled, Bitnami, Jupyter), Windows images, and images whose entrypoint drops
    /// privileges itself (`gosu`, `su-exec`, `setpriv`, `runuser`, `s6-setuidgid`, `chroot
    /// --userspec`), as the official database images do.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY app.py /app/
    /// USER app
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the app loses root. The fix adds `USER` before the final `CMD`/`ENTRYPOINT` (or
    /// at the end of the stage): the user a `RUN useradd`/`adduser` of the stage already
    /// creates with an explicit uid; `1000` (`node`) on Node images; `65532` on `scratch` and
    /// distroless images; otherwise a new system user `app` with uid 10001, created right after
    /// `FROM` (`useradd` on Debian, Ubuntu and RHEL families, busybox `adduser` on Alpine).
    /// Users are given by number (`USER 10001`), so the result also satisfies
    /// `non-numeric-user`; a user the stage creates without a uid gets no fix. The stage's
    /// `COPY`/`ADD` without `--chown` get `--chown` for that user, so the app can write the
    /// files it was given. Files written at run time elsewhere (a cache folder, a PID file) may
    /// still need attention.
    pub MissingUser {
        code: "DO402",
        name: "missing-user",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: ["trivy:DS002", "checkov:CKV_DOCKER_3"],
    }
}

const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "--userspec",
    "chpst -u",
    "setuser ",
];

impl Rule for MissingUser {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let Some(stage) = sem.final_stage() else {
            return;
        };
        if sem.user_of(stage.index).is_some() || sem.is_windows() {
            return;
        }
        // the root of the stage chain decides the base image
        let mut root = stage;
        while let BaseKind::Stage(b) = root.base.kind {
            root = &sem.stages[b];
        }
        match &root.base.kind {
            BaseKind::Image(img) => {
                let full = format!(
                    "{}:{}",
                    img.full_name(),
                    img.tag.as_deref().unwrap_or("latest")
                );
                if data::non_root_images().is_match(&full)
                    || data::non_root_images().is_match(img.full_name())
                {
                    return;
                }
            }
            BaseKind::Unresolved => return,
            _ => {}
        }
        let drops = sem.instructions.iter().any(|i| {
            matches!(
                i.kind,
                Kind::Run | Kind::Entrypoint | Kind::Cmd | Kind::Copy
            ) && PRIVILEGE_DROPPERS.iter().any(|p| i.text.contains(p))
        });
        if drops {
            return;
        }
        let fix = user_fix(ctx, stage, root);
        ctx.report(
            stage.from_ins.span,
            "the final stage never sets USER, so the container runs as root",
        )
        .help("create an unprivileged user and add `USER <name>` before CMD/ENTRYPOINT")
        .set_fix(fix);
    }
}

/// A user the stage already creates with `useradd`/`adduser`/`adduser -D` (last positional).
/// A user the stage creates: (name, its numeric uid when the command gives one, instruction).
fn created_user(sem: &Semantic<'_>, stage: &Stage<'_>) -> Option<(String, Option<String>, usize)> {
    commands_in(sem, sem.body(stage)).find_map(|c| {
        let at = c.index;
        let argv = c.argv();
        let uid = argv
            .flag_value(Some('u'), Some("uid"))
            .map(|w| w.value.to_string())
            .filter(|u| !u.is_empty() && u.chars().all(|ch| ch.is_ascii_digit()));
        matches!(argv.name()?, "useradd" | "adduser")
            .then(|| {
                argv.positional_skipping(&[
                    "-u",
                    "--uid",
                    "-g",
                    "--gid",
                    "-G",
                    "--groups",
                    "-s",
                    "--shell",
                    "-d",
                    "--home",
                    "--home-dir",
                    "-h",
                    "-c",
                    "--comment",
                    "-k",
                    "-K",
                    "-e",
                    "-f",
                    "-p",
                    "-Z",
                ])
                .last()
                .map(|w| w.value.to_string())
            })
            .flatten()
            .filter(|n| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            })
            .map(|n| (n, uid, at))
    })
}

/// The fix: (optional user creation after FROM), `--chown` on the stage's copies, `USER` before
/// the final CMD/ENTRYPOINT.
fn user_fix(ctx: &Context<'_>, stage: &Stage<'_>, root: &Stage<'_>) -> Option<Fix> {
    let sem = ctx.semantic;
    let style = sem.style();
    // `--chown=<name>` needs the user to exist when the COPY runs: only copies after the RUN
    // that creates it (or after FROM when we create it there) get one.
    let mut chown_from = sem.body(stage).start;
    let (user, create): (String, Option<String>) = match &root.base.kind {
        BaseKind::Scratch => ("65532".into(), None),
        BaseKind::Image(img) if img.full_name().contains("distroless") => ("65532".into(), None),
        BaseKind::Image(img) => {
            let name = img.name().to_ascii_lowercase();
            let tag = img.tag.as_deref().unwrap_or("").to_ascii_lowercase();
            // numeric ids throughout: `USER <name>` would be non-numeric-user's finding
            if let Some((_, uid, at)) = created_user(sem, stage) {
                // a user the stage creates without saying its uid: its number is unknown
                chown_from = at + 1;
                (uid?, None)
            } else if name == "node" || name.ends_with("/node") {
                // the official Node images' `node` user
                ("1000".into(), None)
            } else if name.contains("alpine") || tag.contains("alpine") || name == "busybox" {
                (
                    "10001".into(),
                    Some("addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app".into()),
                )
            } else {
                (
                    "10001".into(),
                    Some(
                        "groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app"
                            .into(),
                    ),
                )
            }
        }
        _ => return None,
    };
    let mut edits = Vec::new();
    let owner = format!("{user}:{user}");
    for i in chown_from..sem.body(stage).end {
        let ins = sem.instructions[i];
        if matches!(ins.kind, Kind::Copy | Kind::Add) && ins.flag("chown").is_none() {
            edits.push(Edit::insert(
                ins.keyword.span.end,
                format!(" --chown={owner}"),
            ));
        }
    }
    let run_line = create.map(|cmd| format!("{} {cmd}", style.keyword(Kind::Run)));
    let user_line = format!("{} {user}", style.keyword(Kind::User));
    // before the final CMD/ENTRYPOINT block, else at the end of the stage
    let body = sem.body(stage);
    let mut at = body.end;
    while at > body.start && matches!(sem.instructions[at - 1].kind, Kind::Cmd | Kind::Entrypoint) {
        at -= 1;
    }
    if at == body.start {
        // nothing but CMD/ENTRYPOINT (or nothing) after FROM: everything goes after FROM
        let lines: Vec<String> = run_line.into_iter().chain([user_line]).collect();
        edits.push(insert_lines_after(ctx, stage.from_ins, &lines)?);
    } else {
        if let Some(r) = run_line {
            edits.push(insert_lines_after(ctx, stage.from_ins, &[r])?);
        }
        edits.push(if at < body.end {
            insert_lines_before(ctx, sem.instructions[at], &[user_line])
        } else {
            insert_lines_after(ctx, sem.instructions[body.end - 1], &[user_line])?
        });
    }
    Some(Fix::unsafe_(format!("run as `{user}`"), edits))
}
