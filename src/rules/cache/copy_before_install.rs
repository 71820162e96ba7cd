use crate::data::{self, Ecosystem};
use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::cache::unfiltered_build_context::copies_whole_context;
use crate::rules::common::{Cmd, commands_of};
use crate::semantic::Semantic;
use crate::syntax::{Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` of the whole build context (`COPY . .`) that comes before the dependency
    /// install it does not need: `npm ci`, `yarn`, `pnpm install`, `pip install -r`, `poetry
    /// install`, `pipenv install`, `uv sync`, `go mod download`, `cargo build`, `bundle
    /// install`, `composer install`, `mvn package`, `gradle build`, `dotnet restore`. The finding
    /// names the manifest files to copy first.
    ///
    /// ## Why is this bad?
    /// Docker reuses a layer only if everything before it is unchanged. With the whole context
    /// copied first, every edit to any source file invalidates the `COPY` layer, so the install
    /// after it runs again from scratch: minutes of downloads on every build. Copying the
    /// manifests first lets the install layer stay cached until the dependencies change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix inserts `COPY <manifests> <dest>` and moves the install `RUN` above the
    /// whole-context `COPY`. It is offered only when the `RUN` does nothing but the install,
    /// directly follows the `COPY`, and the build context (read from disk) holds the manifests.
    /// For Go, whose `RUN` often downloads and builds at once, it inserts `COPY go.mod go.sum`
    /// and `RUN go mod download` before the `COPY` and leaves the build in place.
    /// An install that needs the sources (an npm `postinstall` script, `-e .` in a requirements
    /// file) fails after the move: review the diff. For Cargo, Maven and Gradle, whose build
    /// needs the sources, the fix inserts the manifests and a dependency fetch before the
    /// `COPY` instead, as a display-only suggestion. Monorepos (workspaces with manifests in
    /// subfolders) get no fix.
    pub CopyBeforeInstall {
        code: "DO302",
        name: "copy-before-install",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [],
    }
}

/// Does `cmd` start with one of the ecosystem's install prefixes? Returns the prefix length.
fn install_prefix(cmd: &Cmd<'_, '_>, eco: &Ecosystem) -> Option<usize> {
    let words = cmd.argv().words;
    let name = cmd.program()?;
    // the longest prefix that matches (`yarn install`, not `yarn` followed by a package)
    eco.installs
        .iter()
        .filter_map(|prefix| {
            let (prog, rest) = prefix.split_first()?;
            if prog != name
                && !(prog.starts_with("./") && words.first().is_some_and(|w| w.value == *prog))
            {
                return None;
            }
            let mut it = words
                .iter()
                .skip(1)
                .filter(|w| !w.value.starts_with('-') || rest.iter().any(|r| *r == w.value));
            rest.iter()
                .all(|r| it.next().is_some_and(|w| w.value == *r))
                .then_some(prefix.len())
        })
        .max()
}

/// An install of dependencies from manifests (not `npm install express`).
fn manifest_install<'e>(cmd: &Cmd<'_, '_>) -> Option<(&'e Ecosystem, Vec<String>)> {
    for eco in data::ecosystems() {
        let Some(n) = install_prefix(cmd, eco) else {
            continue;
        };
        let argv = cmd.argv();
        if eco.name == "pip" {
            let file = argv.flag_value(Some('r'), Some("requirement"))?;
            return Some((eco, vec![file.value.to_string()]));
        }
        // positional arguments after the prefix are package names: a package install
        let extra = argv
            .words
            .iter()
            .skip(n)
            .filter(|w| !w.value.starts_with('-'))
            .count();
        if extra > 0
            && matches!(
                eco.name.as_str(),
                "npm" | "yarn" | "pnpm" | "bun" | "bundler" | "composer"
            )
        {
            continue;
        }
        let mut files: Vec<String> = eco.required.clone();
        files.extend(eco.optional.iter().cloned());
        return Some((eco, files));
    }
    None
}

/// Was a manifest copied before instruction `before` in the stage?
fn manifest_copied(
    sem: &Semantic<'_>,
    from: usize,
    before: usize,
    eco: &Ecosystem,
    files: &[String],
) -> bool {
    (from..before).any(|i| {
        let ins = sem.instructions[i];
        if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
            return false;
        }
        ins.sources_and_dest().0.iter().any(|w| {
            let v = ins.word_text(w);
            let base = v.rsplit('/').next().unwrap_or(v);
            files.iter().any(|f| f == base || f == v)
                || eco
                    .required
                    .iter()
                    .chain(&eco.optional)
                    .any(|f| glob_matches(base, f))
                || (eco.name == "pip" && base.contains("requirements"))
                || (eco.name == "dotnet" && (base.ends_with("proj") || base.ends_with(".sln")))
        })
    })
}

/// A shell-style glob of a COPY source (`package*.json`) against a file name.
fn glob_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?', '[']) {
        return false;
    }
    globset::Glob::new(pattern).is_ok_and(|g| g.compile_matcher().is_match(name))
}

/// Instructions that may sit between the COPY and the install without mattering to the move.
fn inert(ins: &Instruction) -> bool {
    matches!(
        ins.kind,
        Kind::Label | Kind::Expose | Kind::Healthcheck | Kind::Stopsignal
    )
}

/// Commands allowed beside the install in the moved RUN.
fn cleanup(cmd: &Cmd<'_, '_>) -> bool {
    match cmd.program() {
        Some("rm") => true,
        Some("npm" | "yarn" | "pnpm" | "pip" | "pip3") => cmd.argv().subcommand() == Some("cache"),
        _ => false,
    }
}

fn text_of(ctx: &Context<'_>, s: Span) -> String {
    ctx.text(s).to_string()
}

/// The unsafe fix: `COPY <manifests> <dest>` + the install RUN, then the whole COPY.
fn move_fix(ctx: &Context<'_>, copy: usize, run: usize, manifests: &[String]) -> Option<Fix> {
    let sem = ctx.semantic;
    let (c, r) = (sem.instructions[copy], sem.instructions[run]);
    let dest = c.sources_and_dest().1.map(|d| c.word_text(d))?;
    let dest = match dest {
        "." | "./" => "./".to_string(),
        d if d.ends_with('/') => d.to_string(),
        d => format!("{d}/"),
    };
    let flags: Vec<&str> = c
        .flags
        .iter()
        .filter(|f| matches!(f.name(), "chown" | "chmod" | "link"))
        .map(|f| c.text_of(f.token))
        .collect();
    let style = sem.style();
    let mut manifest_copy = String::from(style.keyword(Kind::Copy));
    for f in &flags {
        manifest_copy.push(' ');
        manifest_copy.push_str(f);
    }
    for m in manifests {
        manifest_copy.push(' ');
        manifest_copy.push_str(m);
    }
    manifest_copy.push(' ');
    manifest_copy.push_str(&dest);
    manifest_copy.push_str(style.newline);
    let c_lines = text_of(ctx, c.line_span);
    let between = text_of(
        ctx,
        Span {
            start: c.line_span.end,
            end: r.line_span.start,
        },
    );
    let mut r_lines = text_of(ctx, r.line_span);
    let at_eof = r.line_span.end as usize == ctx.src.len();
    let mut c_out = c_lines.clone();
    if !r_lines.ends_with('\n') {
        // the RUN was the last line without a newline: it moves up, so it needs one now, and
        // the COPY that becomes last loses its own
        r_lines.push_str(style.newline);
        if at_eof {
            c_out = c_out.trim_end_matches(['\n', '\r']).to_string();
        }
    }
    let replacement = format!("{manifest_copy}{between}{r_lines}{c_out}");
    Some(Fix::unsafe_(
        format!(
            "copy {} first and install before `COPY .`",
            manifests.join(" ")
        ),
        vec![Edit::replace(
            Span {
                start: c.line_span.start,
                end: r.line_span.end,
            },
            replacement,
        )],
    ))
}

/// The fix for an install that cannot move (its RUN also builds): insert `COPY <manifests>` and
/// a download-only command before the whole COPY, leaving the original RUN in place (it then
/// finds the dependencies already downloaded).
fn insert_fix(
    ctx: &Context<'_>,
    copy: usize,
    manifests: &[String],
    command: &str,
    display_only: bool,
) -> Option<Fix> {
    let sem = ctx.semantic;
    let c = sem.instructions[copy];
    let dest = c.sources_and_dest().1.map(|d| c.word_text(d))?;
    let dest = match dest {
        "." | "./" => "./".to_string(),
        d if d.ends_with('/') => d.to_string(),
        d => format!("{d}/"),
    };
    let style = sem.style();
    let text = format!(
        "{copy} {files} {dest}{nl}{run} {command}{nl}",
        copy = style.keyword(Kind::Copy),
        files = manifests.join(" "),
        nl = style.newline,
        run = style.keyword(Kind::Run),
    );
    let title = format!(
        "copy {} and run `{command}` before `COPY .`",
        manifests.join(" ")
    );
    let edits = vec![Edit::insert(c.line_span.start, text)];
    Some(if display_only {
        Fix::display_only(title, edits)
    } else {
        Fix::unsafe_(title, edits)
    })
}

/// Manifests of the ecosystem present at the top of the build context (None when the context
/// is unknown, or is a monorepo).
fn present_manifests(ctx: &Context<'_>, eco: &Ecosystem, files: &[String]) -> Option<Vec<String>> {
    let bc = ctx.build_context;
    bc.root.as_ref()?;
    let e = &bc.entries;
    let workspace = [
        "pnpm-workspace.yaml",
        "lerna.json",
        "turbo.json",
        "nx.json",
        "go.work",
    ]
    .iter()
    .any(|w| e.iter().any(|x| x == w))
        || (matches!(eco.name.as_str(), "npm" | "yarn" | "pnpm" | "bun")
            && e.iter().any(|x| x == "packages" || x == "apps"));
    if workspace {
        return None;
    }
    if eco.name == "pip" {
        let f = files.first()?;
        return (!f.contains('/') && e.iter().any(|x| x == f)).then(|| vec![f.clone()]);
    }
    if eco.required.is_empty() && eco.optional.is_empty() {
        return None;
    }
    if !eco.required.iter().all(|r| e.iter().any(|x| x == r)) {
        return None;
    }
    let present: Vec<String> = eco
        .required
        .iter()
        .chain(&eco.optional)
        .filter(|m| e.iter().any(|x| x == *m))
        .cloned()
        .collect();
    (!present.is_empty()).then_some(present)
}

impl Rule for CopyBeforeInstall {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            let body = sem.body(stage);
            for c in body.clone() {
                if !copies_whole_context(sem.instructions[c]) {
                    continue;
                }
                // the first install after the COPY, before another whole COPY
                let mut found = None;
                'outer: for j in c + 1..stage.end {
                    if copies_whole_context(sem.instructions[j]) {
                        break;
                    }
                    for cmd in commands_of(sem, j) {
                        if let Some((eco, files)) = manifest_install(&cmd) {
                            found = Some((j, eco, files, cmd.span(sem, cmd.command.span)));
                            break 'outer;
                        }
                    }
                }
                let Some((j, eco, files, install_span)) = found else {
                    continue;
                };
                if manifest_copied(sem, body.start, c, eco, &files) {
                    continue;
                }
                let names = if eco.name == "pip" {
                    files.join(" ")
                } else {
                    eco.required
                        .iter()
                        .chain(&eco.optional)
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let install_text = ctx
                    .text(install_span)
                    .split_whitespace()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ");
                let movable = (c + 1..j).all(|k| inert(sem.instructions[k]))
                    && commands_of(sem, j).all(|x| manifest_install(&x).is_some() || cleanup(&x))
                    && sem.instructions[j].kind == Kind::Run;
                let fix = match present_manifests(ctx, eco, &files) {
                    Some(m) if eco.fetch.is_none() && movable => move_fix(ctx, c, j, &m),
                    // `go mod download` needs only go.mod and go.sum
                    Some(m) if eco.name == "go" => insert_fix(ctx, c, &m, "go mod download", false),
                    // these need more than the manifests to resolve (sources, module manifests)
                    Some(m) => eco
                        .fetch
                        .as_deref()
                        .and_then(|f| insert_fix(ctx, c, &m, f, true)),
                    None => None,
                };
                let copy = sem.instructions[c];
                let d = ctx.report(
                    copy.span,
                    format!("`{}` comes before `{install_text}`: every source change re-runs the install", copy.text.trim()),
                );
                d.help(format!(
                    "copy the manifests ({names}) first, run the install, then copy the rest"
                ))
                .label(
                    install_span,
                    "re-runs whenever any file in the context changes",
                )
                .set_fix(fix);
            }
        }
    }
}
