use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::shipped_stages;
use crate::rules::paths::{resolve, workdirs};
use crate::rules::values;
use crate::semantic::Semantic;
use crate::syntax::{Instruction, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` of a folder that holds no runtime files by convention: `docs`,
    /// `doc`, `tests`, `test`, `__tests__`, `examples`, `example`, `.github`, `.gitlab`,
    /// `.circleci`, copied from the build context into the final image under its own name
    /// (`COPY tests/ /app/tests/`), when nothing after it uses it. Only the stages that end up
    /// in the final image are checked (the final stage and the stages it is built `FROM`).
    ///
    /// ## Why is this bad?
    /// Tests and docs are often bigger than the code they belong to. In Flask's repository,
    /// `docs/` (0.77 MB) and `tests/` (0.21 MB) together weigh three times the package in
    /// `src/` (0.33 MB); in Express, `test/` (0.42 MB) is seven times `lib/` (0.06 MB). These
    /// are the sums of the blob sizes that `git ls-tree -r -l HEAD` lists per folder. They
    /// ship in every image, and every edit to a test or a doc page changes the `COPY` layer,
    /// which rebuilds every layer after it.
    ///
    /// The rule is deliberately narrow. Not flagged: a folder used by a later instruction (a
    /// `RUN pytest tests/`, `npm test`, a `CMD` that reads it), a folder copied somewhere
    /// else under another name (`COPY docs/site /usr/share/nginx/html`: the docs *are* the
    /// content), a final stage named like a test or dev image (`test`, `ci`, `dev`, …) or
    /// whose `CMD`/`ENTRYPOINT` runs a test runner, and Dockerfiles whose name says they
    /// are for tests (`Dockerfile.test`). `COPY . .` is not flagged; keep such folders out
    /// of the context with `.dockerignore`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY src/ ./src/
    /// COPY tests/ ./tests/
    /// CMD ["python", "-m", "src.app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY src/ ./src/
    /// CMD ["python", "-m", "src.app"]
    /// ```
    /// To run the tests in the build, do it in a stage of its own
    /// (`FROM app AS test`, `COPY tests/ ./tests/`, `RUN pytest`), built with `--target test`.
    ///
    /// ## Fix safety
    /// Unsafe: the fix deletes the `COPY`, which is wrong if the application reads those files
    /// at run time in a way the Dockerfile does not show. Not offered when the `COPY` copies
    /// other sources too, nor when deleting the line would leave two `RUN`s side by side.
    pub NonRuntimeFolderCopied {
        code: "DO223",
        name: "non-runtime-folder-copied",
        category: Size,
        severity: Info,
        fix: Sometimes,
        scope: FinalStage,
        aliases: [],
    }
}

const FOLDERS: &[&str] = &[
    "docs",
    "doc",
    "tests",
    "test",
    "__tests__",
    "examples",
    "example",
    ".github",
    ".gitlab",
    ".circleci",
];

const TEST_RUNNERS: &[&str] = &[
    "pytest",
    "py.test",
    "tox",
    "nox",
    "jest",
    "mocha",
    "vitest",
    "rspec",
    "phpunit",
    "karma",
    "cypress",
    "playwright",
    "unittest",
    "nosetests",
    "ctest",
];

/// The first component of a relative context path (`./tests/unit` → `tests`).
fn top_folder(src: &str) -> Option<&str> {
    let s = src.trim_start_matches("./");
    if s.starts_with('/') || s.contains(['$', '*', '?', '[']) {
        return None;
    }
    s.split('/').find(|c| !c.is_empty() && *c != ".")
}

/// Is `name` written in `text` as a word of its own (not inside `pytest` or `testing`)?
fn mentions(text: &str, name: &str) -> bool {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    text.match_indices(name).any(|(at, _)| {
        let before = at.checked_sub(1).map(|k| b[k]);
        let after = b.get(at + name.len()).copied();
        before.is_none_or(|c| !word(c) && c != b'.') && after.is_none_or(|c| !word(c))
    })
}

/// A test or development image: every file it copies may be meant for it.
fn test_image(ctx: &Context<'_>, sem: &Semantic<'_>) -> bool {
    const NAMES: &[&str] = &[
        "test",
        "tests",
        "testing",
        "ci",
        "dev",
        "devel",
        "development",
        "debug",
        "lint",
        "docs",
        "e2e",
        "check",
    ];
    let split = |s: &str| -> bool {
        s.to_ascii_lowercase()
            .split(['-', '_', '.'])
            .any(|w| NAMES.contains(&w))
    };
    let Some(last) = sem.final_stage() else {
        return true;
    };
    if last.name.is_some_and(split) {
        return true;
    }
    if ctx
        .path
        .and_then(|p| p.file_name())
        .is_some_and(|f| split(&f.to_string_lossy()))
    {
        return true;
    }
    // a CMD/ENTRYPOINT that runs tests
    sem.body(last).any(|i| {
        let ins = sem.instructions[i];
        matches!(ins.kind, Kind::Cmd | Kind::Entrypoint)
            && (TEST_RUNNERS.iter().any(|r| mentions(&ins.text, r))
                || ins.text.contains("npm test")
                || ins.text.contains("go test")
                || ins.text.contains("yarn test"))
    })
}

impl Rule for NonRuntimeFolderCopied {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let candidate = |ins: &Instruction| {
            matches!(ins.kind, Kind::Copy | Kind::Add)
                && ins.flag("from").is_none()
                && ins
                    .sources_and_dest()
                    .0
                    .iter()
                    .any(|w| top_folder(ins.word_text(w)).is_some_and(|f| FOLDERS.contains(&f)))
        };
        if !sem.instructions.iter().any(|ins| candidate(ins)) || test_image(ctx, sem) {
            return;
        }
        let shipped = shipped_stages(sem);
        let order: Vec<usize> = sem
            .stages
            .iter()
            .filter(|s| shipped[s.index])
            .flat_map(|s| sem.body(s))
            .collect();
        let mut wd: Option<crate::rules::paths::Workdirs> = None;
        for (pos, &i) in order.iter().enumerate() {
            let ins = sem.instructions[i];
            if !candidate(ins) {
                continue;
            }
            let (sources, Some(dest)) = ins.sources_and_dest() else {
                continue;
            };
            let wd = wd.get_or_insert_with(|| workdirs(sem));
            let Some(dest_v) = values::expand(sem, i, &values::unquote(sem, ins.word_text(dest)))
            else {
                continue;
            };
            let Some(dest_path) = resolve(wd.at(i), &dest_v) else {
                continue;
            };
            for w in sources {
                let src = ins.word_text(w);
                let Some(folder) = top_folder(src) else {
                    continue;
                };
                if !FOLDERS.contains(&folder) {
                    continue;
                }
                // copied under its own name: `COPY tests/ /app/tests/`, not `COPY docs/ /html`
                if !dest_path.split('/').any(|c| c == folder) {
                    continue;
                }
                // used later: a RUN that runs the tests, a CMD that reads the docs
                let used = order[pos + 1..].iter().any(|&j| {
                    let l = sem.instructions[j];
                    l.kind != Kind::Copy && l.kind != Kind::Add && mentions(&l.text, folder)
                        || mentions(&l.text, &dest_path)
                        || (folder.starts_with("test")
                            && (TEST_RUNNERS.iter().any(|r| mentions(&l.text, r))
                                || l.text.contains(" test")))
                });
                if used {
                    continue;
                }
                let fix = delete_fix(ctx, i, sources.len());
                ctx.report_fix(
                    w.token.span,
                    format!(
                        "`{folder}` is copied into the final image, and nothing after uses it"
                    ),
                    format!(
                        "leave `{folder}` out of the final image (and out of the build context with `.dockerignore`); run tests in a stage of their own"
                    ),
                    fix,
                );
            }
        }
    }
}

/// Delete the COPY when this folder is all it copies.
fn delete_fix(ctx: &Context<'_>, i: usize, sources: usize) -> Option<Fix> {
    let sem = ctx.semantic;
    let ins: &Instruction = sem.instructions[i];
    if sources != 1 {
        return None;
    }
    let stage = sem.stage_of[i];
    let is_run = |j: Option<usize>| {
        j.and_then(|j| sem.instructions.get(j).map(|x| (j, x)))
            .is_some_and(|(j, x)| x.kind == Kind::Run && sem.stage_of[j] == stage)
    };
    if is_run(i.checked_sub(1)) && is_run(Some(i + 1)) {
        return None;
    }
    Some(Fix::unsafe_(
        "delete the COPY",
        vec![Edit::delete(ins.line_span)],
    ))
}
