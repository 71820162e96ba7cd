use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_of, is_run};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apt` (the interactive front end) in a `RUN`, where `apt-get` or `apt-cache`
    /// belong. Looks at every stage, `ONBUILD RUN` included, and through `sudo`, `env` and the
    /// like; scripts given to `sh -c` are not looked into.
    ///
    /// ## Why is this bad?
    /// `apt` is made for people at a terminal: its output and options may change between
    /// releases (it warns "apt does not have a stable CLI interface" when not run on a
    /// terminal), and it shows progress bars meant for a screen. `apt-get` and `apt-cache` are
    /// the stable interface for scripts, and the other apt rules read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt update && apt install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `apt` becomes `apt-get` for `update`, `install`, `remove`, `purge`, `autoremove`,
    /// `clean`, `autoclean`, `dist-upgrade`, `source`, `build-dep`, `download`, `satisfy`,
    /// `check` and `changelog` (same resolver, same configuration), `apt full-upgrade` becomes
    /// `apt-get dist-upgrade` and `apt upgrade` becomes `apt-get upgrade --with-new-pkgs`
    /// (what `apt upgrade` does); `search`, `show`, `policy`, `depends`, `rdepends`,
    /// `madison` and `showsrc` go to `apt-cache`. Only the output differs, and the download
    /// cache: `apt` deletes the `.deb` files it downloaded, `apt-get` leaves them in
    /// `/var/cache/apt/archives` (the Debian and Ubuntu images delete them anyway). The fix is
    /// display-only when the `apt-get` command could then be flagged by another rule: an
    /// install without `--no-install-recommends`, a command that changes packages without
    /// `-y`, an upgrade, or a `RUN` that mentions `Binary::apt::` settings (which `apt-get`
    /// ignores). `apt list` has no `apt-get` twin and gets no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3027) sees only the first word of a command, so it misses `sudo apt …`;
    /// dockopt looks through such wrappers.
    pub AptInsteadOfAptGet {
        code: "DO671",
        name: "apt-instead-of-apt-get",
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3027"],
    }
}

/// Subcommands that act the same under `apt-get`.
const SAME: &[&str] = &[
    "update",
    "install",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "dist-upgrade",
    "source",
    "build-dep",
    "download",
    "satisfy",
    "check",
    "changelog",
];

/// Subcommands of `apt-cache`.
const CACHE: &[&str] = &[
    "search", "show", "policy", "depends", "rdepends", "madison", "showsrc",
];

/// Subcommands that change packages and ask for confirmation without `-y`.
const ASKS: &[&str] = &[
    "install",
    "remove",
    "purge",
    "autoremove",
    "dist-upgrade",
    "full-upgrade",
    "upgrade",
    "satisfy",
];

/// The edits turning one `apt` command into `apt-get`/`apt-cache`, and how safe they are.
fn convert(ctx: &Context<'_>, c: &Cmd<'_, '_>) -> Option<(Vec<Edit>, Applicability)> {
    let sem = ctx.semantic;
    let argv = c.argv();
    let program = argv.words.first()?;
    // `/usr/bin/apt` → `/usr/bin/apt-get`: append to the word
    if !program.literal || program.quoted {
        return None;
    }
    let sub_word = argv.positional().next()?;
    let sub: &str = &sub_word.value;
    let at = c.span(sem, program.span).end;
    let mut edits = Vec::new();
    if CACHE.contains(&sub) {
        edits.push(Edit::insert(at, "-cache"));
        return Some((edits, Applicability::Safe));
    }
    edits.push(Edit::insert(at, "-get"));
    match sub {
        _ if SAME.contains(&sub) => {}
        "full-upgrade" => edits.push(Edit::replace(c.span(sem, sub_word.span), "dist-upgrade")),
        "upgrade" => edits.push(Edit::insert(
            c.span(sem, sub_word.span).end,
            " --with-new-pkgs",
        )),
        _ => return None,
    }
    let yes = argv.has_flag(Some('y'), Some("yes"))
        || argv.has_flag(None, Some("assume-yes"))
        || argv.words.iter().any(|w| w.value == "-qq");
    let recommends = sub != "install"
        || argv.has_flag(None, Some("no-install-recommends"))
        || argv.words.iter().any(|w| {
            w.value.contains("Install-Recommends=false") || w.value.contains("Install-Recommends=0")
        });
    // upgrades are often flagged on their own (trivy DS024 for `dist-upgrade`)
    let upgrade = sub.contains("upgrade");
    let safe = recommends && !upgrade && (yes || !ASKS.contains(&sub));
    Some((
        edits,
        if safe {
            Applicability::Safe
        } else {
            Applicability::DisplayOnly
        },
    ))
}

impl Rule for AptInsteadOfAptGet {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, &ins) in sem.instructions.iter().enumerate() {
            if !is_run(ins) {
                continue;
            }
            let apts: Vec<Cmd<'_, '_>> = commands_of(sem, i)
                .filter(|c| c.command.nested_in.is_none() && c.program() == Some("apt"))
                .collect();
            let Some(first) = apts.first() else {
                continue;
            };
            let mut edits = Vec::new();
            // `Binary::apt::…` settings apply to `apt` only
            let mut applicability = if ins.text.contains("Binary::apt::") {
                Applicability::DisplayOnly
            } else {
                Applicability::Safe
            };
            for c in &apts {
                if let Some((e, a)) = convert(ctx, c) {
                    edits.extend(e);
                    applicability = applicability.max(a);
                }
            }
            let fix = (!edits.is_empty())
                .then(|| Fix::new(applicability, "use apt-get (or apt-cache)", edits));
            let span = first.span(sem, first.command.span);
            ctx.report_fix(
                span,
                "`apt` is meant for terminals; scripts should use `apt-get` or `apt-cache`",
                "use `apt-get` (`apt-cache` for search and show)",
                fix,
            );
        }
    }
}
