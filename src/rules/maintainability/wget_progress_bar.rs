use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, ImageFamily, commands_in, commands_of, is_run, stage_family};
use crate::semantic::Semantic;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `wget` without `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose` or an
    /// `-o`/`-a` log file. Looks at every stage, `ONBUILD RUN` included, and through `sudo`,
    /// `env` and the like; scripts given to `sh -c` are not looked into.
    ///
    /// ## Why is this bad?
    /// Without a terminal, `wget` prints its progress as a dot for every kilobyte: a download
    /// of a few hundred megabytes fills the build log with thousands of lines, hiding the
    /// messages that matter and slowing CI log viewers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget https://example.com/tool.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// Safe where GNU `wget` is known to be the `wget`: a Debian or Ubuntu based image, or a
    /// stage that installed the `wget` package with `apk add`. The fix adds
    /// `--progress=dot:giga` (a dot per 32 MB), which changes the log only. Elsewhere the fix
    /// is display-only: BusyBox `wget` (Alpine) and `wget2` (Fedora 40 and later) do not know
    /// that option, and a build that passed would fail; `-q` works with every `wget` but also
    /// silences errors.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3047) only recognises a command named exactly `wget`; dockopt also checks
    /// `/usr/bin/wget`, `sudo wget` and `busybox wget`.
    pub WgetProgressBar {
        code: "DO672",
        name: "wget-progress-bar",
        category: Maintainability,
        severity: Info,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3047"],
    }
}

/// The index (in the unwrapped argv) of the `wget` word, if this runs wget.
fn wget_word(c: &Cmd<'_, '_>) -> Option<usize> {
    let argv = c.argv();
    match argv.name()? {
        "wget" => Some(0),
        "busybox" if argv.words.get(1).is_some_and(|w| w.value == "wget") => Some(1),
        _ => None,
    }
}

/// Does this wget already keep its progress out of the log?
fn quiet(c: &Cmd<'_, '_>, at: usize) -> bool {
    let argv = crate::shell::Argv::new(&c.argv().words[at..]);
    argv.has_flag(Some('q'), Some("quiet"))
        || argv.has_flag(None, Some("progress"))
        || argv.has_flag(Some('o'), Some("output-file"))
        || argv.has_flag(Some('a'), Some("append-output"))
        || argv.has_flag(None, Some("no-verbose"))
        || argv.args().iter().any(|w| w.value == "-nv")
}

/// Did a `RUN` of this stage (or a base stage) before instruction `i` install GNU wget with apk?
fn apk_installed_wget(sem: &Semantic<'_>, i: usize) -> bool {
    let Some(mut stage) = sem.stage_of[i] else {
        return false;
    };
    let mut upto = i;
    loop {
        let s = &sem.stages[stage];
        let found = commands_in(sem, s.from + 1..upto).any(|c| {
            c.program() == Some("apk")
                && c.argv().subcommand() == Some("add")
                && c.argv().positional().any(|w| w.value == "wget")
        });
        if found {
            return true;
        }
        match s.base.kind {
            crate::semantic::BaseKind::Stage(b) if b < stage => {
                stage = b;
                upto = sem.stages[b].end;
            }
            _ => return false,
        }
    }
}

impl Rule for WgetProgressBar {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let bad: Vec<(Cmd<'_, '_>, usize)> = commands_of(sem, i)
                .filter(|c| c.command.nested_in.is_none())
                .filter_map(|c| wget_word(&c).map(|at| (c, at)))
                .filter(|(c, at)| !quiet(c, *at))
                .collect();
            let Some((first, _)) = bad.first() else {
                continue;
            };
            let family = sem.stage_of[i].map(|s| stage_family(sem, s));
            let alpine = family == Some(ImageFamily::Alpine);
            let apk_wget = alpine && apk_installed_wget(sem, i);
            // BusyBox's wget: called as `busybox wget`, or Alpine's default `wget`
            let busybox = bad.iter().any(|(_, at)| *at > 0) || (alpine && !apk_wget);
            let gnu = !busybox && (family == Some(ImageFamily::Debian) || apk_wget);
            let edits = bad
                .iter()
                .map(|(c, at)| {
                    crate::rules::common::insert_after_word(
                        sem,
                        c,
                        &c.argv().words[*at],
                        if busybox { "-q" } else { "--progress=dot:giga" },
                    )
                })
                .collect();
            let fix = if gnu {
                Fix::safe("add --progress=dot:giga", edits)
            } else if busybox {
                Fix::display_only("add -q", edits)
            } else {
                Fix::display_only("add --progress=dot:giga", edits)
            };
            ctx.report_fix(
                first.span(sem, first.command.span),
                "`wget` prints a progress dot per kilobyte into the build log",
                "add `--progress=dot:giga` (GNU wget), or `-q`/`-nv`",
                Some(fix),
            );
        }
    }
}
