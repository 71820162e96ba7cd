use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_in, has_cache_mount, insert_after_word, is_run, run_of};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `pip install` without `--no-cache-dir`.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded wheel in `~/.cache/pip`: tens to hundreds of MB in the layer
    /// that no container run will use.
    ///
    /// Not flagged when `PIP_NO_CACHE_DIR` is set (by `ENV` in the stage or on the command), the
    /// `RUN` mounts a cache or tmpfs over `.cache/pip`, or pip runs through `pipx`/`pipenv`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// ## Differences from hadolint
    /// pip turns its cache off for *any* boolean value of `PIP_NO_CACHE_DIR`, `off` and `0`
    /// included (a documented backward-compatibility quirk of pip). hadolint (DL3042) only
    /// accepts true-like values and flags `ENV PIP_NO_CACHE_DIR off`; dockopt does not.
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the download cache is affected.
    pub PipCacheDir {
        code: "DO204",
        name: "pip-cache-dir",
        category: Size,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["DL3042"],
    }
}

/// pip disables its cache for any boolean-looking `PIP_NO_CACHE_DIR`, `off` and `0` included
/// (for backward compatibility, see pip's `_handle_no_cache_dir`).
fn disables_cache(v: &str) -> bool {
    matches!(
        v.trim_matches(|c| c == '"' || c == '\'')
            .to_ascii_lowercase()
            .as_str(),
        "1" | "true" | "t" | "yes" | "y" | "on" | "0" | "false" | "f" | "no" | "n" | "off"
    )
}

fn is_pip_install(c: &Cmd<'_, '_>) -> Option<usize> {
    let argv = c.argv();
    let p = argv.name()?;
    let via_module = p.starts_with("python")
        && argv.args().first().is_some_and(|w| w.value == "-m")
        && argv
            .args()
            .get(1)
            .is_some_and(|w| w.value == "pip" || w.value == "pip3");
    let direct = matches!(p, "pip" | "pip3" | "pip2") || p.starts_with("pip3.");
    if !(direct || via_module) {
        return None;
    }
    let install = argv.words.iter().position(|w| w.value == "install")?;
    let no_cache = argv
        .words
        .iter()
        .any(|w| w.value == "--no-cache-dir" || w.value.starts_with("--no-cache-dir="));
    (!no_cache).then_some(install)
}

impl Rule for PipCacheDir {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let mut env_off = false;
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if ins.kind == Kind::Env {
                    for kv in ins.key_values() {
                        if ins.text_of(kv.key) == "PIP_NO_CACHE_DIR"
                            && disables_cache(ins.text_of(kv.value))
                        {
                            env_off = true;
                        }
                    }
                }
                if !is_run(ins) || env_off || has_cache_mount(run_of(ins), ".cache/pip") {
                    continue;
                }
                if ins.text.contains("PIP_NO_CACHE_DIR=") {
                    continue;
                }
                // one finding per RUN, fixing every pip install in it
                let bad: Vec<(Cmd<'_, '_>, usize)> = commands_in(sem, i..i + 1)
                    .filter_map(|c| is_pip_install(&c).map(|at| (c, at)))
                    .collect();
                let Some((first, _)) = bad.first() else {
                    continue;
                };
                let edits = bad
                    .iter()
                    .map(|(c, at)| {
                        insert_after_word(sem, c, &c.argv().words[*at], "--no-cache-dir")
                    })
                    .collect();
                ctx.report_fix(
                    first.span(sem, first.command.span),
                    "`pip install` keeps its download cache in the layer",
                    "use `pip install --no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`)",
                    Some(Fix::safe("add --no-cache-dir", edits)),
                );
            }
        }
    }
}
