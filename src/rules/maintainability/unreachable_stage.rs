use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a build stage that the final stage does not need (neither as its base nor through
    /// `COPY --from` or `RUN --mount=from=`, directly or through other stages), unless it looks
    /// like an alternative build target.
    ///
    /// ## Why is this bad?
    /// BuildKit builds only the stages the requested target needs: with a plain `docker build`
    /// (no `--target`) such a stage is never built, so its instructions are dead code that
    /// readers still have to understand and maintainers still update. It is often a leftover of
    /// a refactoring, or a stage that was meant to be used and is not (`COPY --from=` naming the
    /// wrong stage). The classic builder (`DOCKER_BUILDKIT=0`) does the opposite and builds every
    /// stage, so there the dead stage costs its full build time on every build.
    ///
    /// Stages that are built on purpose with `--target` are not flagged:
    /// - a named stage whose name says it is a target (`test`, `lint`, `dev`, `debug`, `ci`,
    ///   `prod`, `release`, `docs`, `export`, `validate`, `generate`, `update`, `vendor`,
    ///   `binary`, … as the name or a part of it: `unit-tests`, `build-dev`,
    ///   `vendor-validate`);
    /// - a named stage that can run on its own (it has a `CMD` or `ENTRYPOINT`), or an export
    ///   stage built `FROM scratch` (`--output`);
    /// - a stage a variable reference may name (`FROM binary-${TARGETOS}` uses
    ///   `binary-darwin` when built for macOS, `COPY --from=build-$VARIANT` any `build-…`);
    /// - stages those need;
    /// - a named stage with nothing but its `FROM` (`FROM python:3.13-slim AS python`): it
    ///   builds nothing, and such lists of images are kept for tools that bump their versions.
    ///
    /// An unnamed stage is flagged even then: `--target` selects stages by name only, so
    /// nothing can build it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app .
    ///
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the fix deletes the stage, which is right only when nothing builds it with
    /// `--target` (a CI script, a Compose `build.target`, a bake file), something the Dockerfile
    /// cannot tell. Not offered when a later stage is referenced by its number, which the
    /// deletion would shift.
    pub UnreachableStage {
        code: "DO681",
        name: "unreachable-stage",
        category: Maintainability,
        severity: Info,
        fix: Sometimes,
        scope: File,
        aliases: [],
    }
}

/// Words that mark a stage as something built on purpose with `--target`.
const TARGET_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "unittest",
    "unittests",
    "unit",
    "integration",
    "e2e",
    "lint",
    "linter",
    "linting",
    "check",
    "checks",
    "vet",
    "fmt",
    "format",
    "coverage",
    "bench",
    "benchmark",
    "audit",
    "scan",
    "dev",
    "devel",
    "develop",
    "development",
    "devcontainer",
    "debug",
    "local",
    "ci",
    "prod",
    "production",
    "release",
    "staging",
    "final",
    "runtime",
    "docs",
    "doc",
    "export",
    "artifacts",
    "artifact",
    "binaries",
    "dist",
    "out",
    "output",
    "package",
    "publish",
    "deploy",
    "image",
    "shell",
    "validate",
    "validation",
    "verify",
    "generate",
    "gen",
    "update",
    "vendor",
    "license",
    "licenses",
    "mocks",
    "analyze",
    "tidy",
    "binary",
    "cross",
    "sign",
    "sbom",
];

fn target_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(['-', '_', '.'])
        .any(|w| TARGET_WORDS.contains(&w))
}

/// A named stage that looks like something built on purpose with `--target`.
fn looks_like_target(sem: &Semantic<'_>, s: usize) -> bool {
    let st = &sem.stages[s];
    let Some(name) = st.name else {
        return false;
    };
    target_name(name)
        || st.base.kind == BaseKind::Scratch
        || sem
            .body(st)
            .any(|i| matches!(sem.instructions[i].kind, Kind::Cmd | Kind::Entrypoint))
}

/// Stage references written with a variable (`FROM binary-${TARGETOS}`,
/// `COPY --from=build-$VARIANT`), as glob patterns with `*` for each variable.
fn variable_references(sem: &Semantic<'_>) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    for st in &sem.stages {
        if st.base.has_vars {
            raw.push(st.base.raw.clone());
        }
    }
    for ins in &sem.instructions {
        if ins.kind == Kind::Copy
            && let Some(v) = ins.flag("from").and_then(|f| f.value())
            && v.contains('$')
        {
            raw.push(v.to_string());
        }
        if ins.kind == Kind::Run {
            for f in ins.flags_named("mount") {
                for kv in f.value().unwrap_or("").split(',') {
                    if let Some((k, v)) = kv.split_once('=')
                        && k.trim().eq_ignore_ascii_case("from")
                        && v.contains('$')
                    {
                        raw.push(v.to_string());
                    }
                }
            }
        }
    }
    raw.iter()
        .map(|r| {
            let refs = crate::syntax::vars::var_refs(r, Span::new(0, r.len()), sem.escape());
            let mut out = String::new();
            let mut at = 0;
            for v in &refs {
                if (v.span.start as usize) < at {
                    continue;
                }
                out.push_str(&r[at..v.span.start as usize]);
                out.push('*');
                at = v.span.end as usize;
            }
            out.push_str(&r[at..]);
            out.to_ascii_lowercase()
        })
        .collect()
}

/// Is a stage referenced by its number (`COPY --from=1`, `FROM 1` is not valid) anywhere?
fn numeric_references(sem: &Semantic<'_>) -> bool {
    sem.instructions.iter().any(|ins| {
        (ins.kind == Kind::Copy
            && ins
                .flag("from")
                .and_then(|f| f.value())
                .is_some_and(|v| v.parse::<usize>().is_ok()))
            || (ins.kind == Kind::Run
                && ins.flags_named("mount").any(|f| {
                    f.value().is_some_and(|v| {
                        v.split(',').any(|kv| {
                            kv.split_once('=').is_some_and(|(k, v)| {
                                k.trim().eq_ignore_ascii_case("from") && v.parse::<usize>().is_ok()
                            })
                        })
                    })
                }))
    })
}

impl Rule for UnreachableStage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        if sem.stages.len() < 2 {
            return;
        }
        let mut used = sem.reachable_stages();
        if used.iter().all(|&u| u) {
            return;
        }
        // stages that alternative targets need are used too
        let patterns = variable_references(sem);
        let by_variable = |s: usize| {
            sem.stages[s].name.is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                patterns
                    .iter()
                    .any(|p| crate::rules::paths::glob_match(p, &n))
            })
        };
        let mut stack: Vec<usize> = (0..sem.stages.len())
            .filter(|&s| !used[s] && (looks_like_target(sem, s) || by_variable(s)))
            .collect();
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut used[s], true) {
                continue;
            }
            stack.extend(sem.dependencies(s));
        }
        let numbered = numeric_references(sem);
        for st in &sem.stages {
            // a bare `FROM image AS name` only names an image (for a bake file, `--target`,
            // or a tool that bumps image versions): nothing is built
            if used[st.index] || (st.name.is_some() && sem.body(st).is_empty()) {
                continue;
            }
            let from = st.from_ins;
            let last = sem.instructions[st.end - 1];
            let fix = (!numbered).then(|| {
                Fix::display_only(
                    "delete the stage",
                    vec![Edit::delete(Span {
                        start: from.line_span.start,
                        end: last.line_span.end,
                    })],
                )
            });
            let (span, message, help) = match (st.name, st.name_token) {
                (Some(name), Some(tok)) => (
                    tok.span,
                    format!(
                        "stage `{name}` is not used by the final stage: `docker build` without `--target` never builds it"
                    ),
                    format!(
                        "delete it, or use it (`COPY --from={name}`); a stage built on purpose with `--target` is recognised by its name (`test`, `dev`, `release`, …)"
                    ),
                ),
                _ => (
                    from.span,
                    "this stage is not used by the final stage, and without a name no `--target` can build it".to_string(),
                    "delete it, or use it from a later stage (`COPY --from=…`)".to_string(),
                ),
            };
            ctx.report_fix(span, message, help, fix);
        }
    }
}
