use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_of, root_image, user_at};
use crate::rules::paths::{copy_writes, covers, normalize, workdirs};
use crate::rules::values;
use crate::semantic::Semantic;
use crate::syntax::mount::parse_mount;
use crate::syntax::{DirectiveKind, Instruction, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that downloads dependencies with a language package manager (`npm`,
    /// `yarn`, `pnpm`, `bun`, `go`, `cargo`, `mvn`, `gradle`, `dotnet`, `composer`, `uv`,
    /// `poetry`) without a `--mount=type=cache`. Every stage is checked.
    ///
    /// **On by default only in files that already use BuildKit features** (a `# syntax=`
    /// line, `RUN --mount`, heredocs, `COPY --link`/`--chmod`/`--parents`/`--exclude`,
    /// `ADD --checksum`), where a cache mount costs nothing in compatibility. Elsewhere it runs
    /// only when selected by name: add `missing-cache-mount` (or `DO310`) to `select`.
    ///
    /// ## Why is this bad?
    /// Docker's layer cache is all or nothing: when the lockfile or anything before the `RUN`
    /// changes, the step runs again from scratch and downloads every dependency again. A cache
    /// mount keeps the package manager's download cache on the builder between builds, so a
    /// rebuild only fetches what changed. For scale: dockopt's own `Cargo.lock` lists 174
    /// crates from crates.io, 29 MB of `.crate` archives that unpack to 153 MB (the sizes of
    /// those files in `~/.cargo/registry/cache` and `src` after a build); with a cache mount on
    /// the registry, a rebuild after one dependency bump downloads one crate instead of 174.
    /// The cache also stays out of the layer, so the image no longer ships it.
    ///
    /// `pip`, `apt`, `apk` and `yum`/`dnf` are left to the rules that already cover their
    /// caches (`pip-cache-dir`, `apt-lists-not-removed`, `apk-add-cache`, `yum-clean`). A
    /// `RUN` with any cache mount is not flagged, nor a `uv`/`poetry` run with `--no-cache`.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=cache,target=/root/.npm npm ci
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--mount=type=cache,target=<cache folder>` to the `RUN`; only where the
    /// package manager keeps its download cache changes (it is no longer in the layer). It is
    /// safe in a file that already relies on BuildKit, and unsafe in one that does not (when
    /// the rule is selected by name): the classic builder (`DOCKER_BUILDKIT=0`) rejects
    /// `RUN --mount`.
    /// The folders are the tools' defaults for root: `/root/.npm`, `/usr/local/share/.cache/yarn`
    /// (yarn 1), `/root/.local/share/pnpm/store`, `/root/.bun/install/cache`, the Go module
    /// cache (`/go/pkg/mod` on the `golang` images, else `/root/go/pkg/mod`) and build cache
    /// `/root/.cache/go-build`, the Cargo registry (`/usr/local/cargo/registry` on the `rust`
    /// images, else `/root/.cargo/registry`), `/root/.m2/repository`, `/root/.gradle/caches`,
    /// `/root/.nuget/packages`, `/root/.cache/uv` and `/root/.cache/pypoetry`.
    ///
    /// Not offered when those defaults may not apply or the mount could hide files a step
    /// needs: the `RUN` runs as a non-root `USER` or the command switches user (`sudo -u`,
    /// `gosu`, `su -c`); the file sets a variable that moves the
    /// cache (`GOPATH`, `GOMODCACHE`, `CARGO_HOME`, `npm_config_cache`, `HOME`, …) or the
    /// command names its own cache folder; the `RUN` cleans the cache itself (the mount would
    /// make that clean wipe it); an earlier `COPY` writes into the folder; or a step of the same
    /// tool works offline (`mvn -o`, `cargo --offline`, `dotnet publish --no-restore`, …),
    /// since with the downloads out of the layers it would fail whenever the builder's cache
    /// was emptied. `composer` gets no fix (its cache folder depends on the image), nor
    /// `poetry` unless the file makes it install without a virtualenv or into one in the
    /// project (`POETRY_VIRTUALENVS_CREATE=false`, `POETRY_VIRTUALENVS_IN_PROJECT=true`, or the
    /// same with `poetry config`): by default poetry keeps its virtualenvs in its cache
    /// folder, and the mount would take the installed packages out of the image.
    pub MissingCacheMount {
        code: "DO310",
        name: "missing-cache-mount",
        category: Cache,
        severity: Info,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [],
    }
}

/// A language package manager and where it keeps its download cache.
struct Tool {
    name: &'static str,
    /// Does this command download dependencies?
    downloads: fn(&Cmd<'_, '_>) -> bool,
    /// Cache folders for root, given the stage's base image short name.
    targets: fn(&str, &Cmd<'_, '_>) -> Vec<&'static str>,
    /// Variables that move the cache.
    moved_by: &'static [&'static str],
    /// Options that name a cache or local repository folder on the command line.
    own_cache: &'static [&'static str],
    /// Options of a step that must find the dependencies already downloaded.
    offline: &'static [&'static str],
    /// Does this command clean the cache?
    cleans: fn(&Cmd<'_, '_>) -> bool,
}

fn sub<'s>(c: &Cmd<'s, '_>) -> Option<&'s str> {
    c.argv().subcommand()
}

fn is_program(c: &Cmd<'_, '_>, names: &[&str]) -> bool {
    c.program().is_some_and(|p| names.contains(&p))
}

/// The programs of [`TOOLS`], for the program index.
const PROGRAMS: &[&str] = &[
    "npm",
    "yarn",
    "pnpm",
    "bun",
    "go",
    "cargo",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "dotnet",
    "composer",
    "composer.phar",
    "uv",
    "poetry",
];

const TOOLS: &[Tool] = &[
    Tool {
        name: "npm",
        downloads: |c| {
            is_program(c, &["npm"])
                && matches!(
                    sub(c),
                    Some("ci" | "install" | "i" | "add" | "update" | "clean-install")
                )
        },
        targets: |_, _| vec!["/root/.npm"],
        moved_by: &["npm_config_cache", "NPM_CONFIG_CACHE"],
        own_cache: &["--cache"],
        offline: &["--offline"],
        cleans: |c| is_program(c, &["npm"]) && sub(c) == Some("cache"),
    },
    Tool {
        name: "yarn",
        downloads: |c| is_program(c, &["yarn"]) && matches!(sub(c), None | Some("install" | "add")),
        targets: |_, _| vec!["/usr/local/share/.cache/yarn"],
        moved_by: &["YARN_CACHE_FOLDER", "XDG_CACHE_HOME"],
        own_cache: &["--cache-folder"],
        offline: &["--offline"],
        cleans: |c| is_program(c, &["yarn"]) && sub(c) == Some("cache"),
    },
    Tool {
        name: "pnpm",
        downloads: |c| {
            is_program(c, &["pnpm"])
                && matches!(sub(c), Some("install" | "i" | "add" | "fetch" | "update"))
        },
        targets: |_, _| vec!["/root/.local/share/pnpm/store"],
        moved_by: &[
            "PNPM_HOME",
            "npm_config_store_dir",
            "NPM_CONFIG_STORE_DIR",
            "XDG_DATA_HOME",
        ],
        own_cache: &["--store-dir"],
        offline: &["--offline"],
        cleans: |c| is_program(c, &["pnpm"]) && sub(c) == Some("store"),
    },
    Tool {
        name: "bun",
        downloads: |c| is_program(c, &["bun"]) && matches!(sub(c), Some("install" | "i" | "add")),
        targets: |_, _| vec!["/root/.bun/install/cache"],
        moved_by: &["BUN_INSTALL_CACHE_DIR", "BUN_INSTALL"],
        own_cache: &["--cache-dir"],
        offline: &[],
        cleans: |c| is_program(c, &["bun"]) && sub(c) == Some("pm"),
    },
    Tool {
        name: "go",
        downloads: |c| {
            is_program(c, &["go"])
                && matches!(
                    sub(c),
                    Some("build" | "install" | "test" | "get" | "mod" | "run" | "vet" | "generate")
                )
                && (sub(c) != Some("mod") || c.argv().args().iter().any(|w| w.value == "download"))
        },
        targets: |image, c| {
            let modcache = if image == "golang" {
                "/go/pkg/mod"
            } else {
                "/root/go/pkg/mod"
            };
            if sub(c) == Some("mod") {
                vec![modcache]
            } else {
                vec![modcache, "/root/.cache/go-build"]
            }
        },
        moved_by: &[
            "GOPATH",
            "GOMODCACHE",
            "GOCACHE",
            "XDG_CACHE_HOME",
            "GOFLAGS",
        ],
        own_cache: &["-modcacherw"],
        offline: &[],
        cleans: |c| {
            is_program(c, &["go"])
                && sub(c) == Some("clean")
                && c.argv()
                    .args()
                    .iter()
                    .any(|w| w.value == "-cache" || w.value == "-modcache")
        },
    },
    Tool {
        name: "cargo",
        downloads: |c| {
            is_program(c, &["cargo"])
                && matches!(
                    sub(c),
                    Some("build" | "install" | "fetch" | "test" | "run" | "b" | "t" | "vendor")
                )
        },
        targets: |image, _| {
            if image == "rust" {
                vec!["/usr/local/cargo/registry"]
            } else {
                vec!["/root/.cargo/registry"]
            }
        },
        moved_by: &["CARGO_HOME"],
        own_cache: &[],
        offline: &["--offline", "--frozen"],
        cleans: |_| false,
    },
    Tool {
        name: "maven",
        downloads: |c| {
            (is_program(c, &["mvn", "mvnw"]) || c.argv().name() == Some("mvnw"))
                && c.argv().positional().next().is_some()
        },
        targets: |_, _| vec!["/root/.m2/repository"],
        moved_by: &["MAVEN_OPTS", "MAVEN_ARGS"],
        own_cache: &[
            "-Dmaven.repo.local",
            "-s",
            "--settings",
            "-gs",
            "--global-settings",
        ],
        offline: &["-o", "--offline"],
        cleans: |_| false,
    },
    Tool {
        name: "gradle",
        downloads: |c| {
            (is_program(c, &["gradle", "gradlew"]) || c.argv().name() == Some("gradlew"))
                && c.argv().positional().next().is_some()
        },
        targets: |image, _| {
            if image == "gradle" {
                // the official images move GRADLE_USER_HOME
                Vec::new()
            } else {
                vec!["/root/.gradle/caches"]
            }
        },
        moved_by: &["GRADLE_USER_HOME", "GRADLE_OPTS"],
        own_cache: &["-g", "--gradle-user-home", "--project-cache-dir"],
        offline: &["--offline"],
        cleans: |_| false,
    },
    Tool {
        name: "dotnet",
        downloads: |c| {
            is_program(c, &["dotnet"])
                && matches!(
                    sub(c),
                    Some("restore" | "publish" | "build" | "test" | "pack")
                )
                && !c.argv().args().iter().any(|w| w.value == "--no-restore")
        },
        targets: |_, _| vec!["/root/.nuget/packages"],
        moved_by: &["NUGET_PACKAGES"],
        own_cache: &["--packages"],
        offline: &["--no-restore"],
        cleans: |c| is_program(c, &["dotnet"]) && sub(c) == Some("nuget"),
    },
    Tool {
        name: "composer",
        downloads: |c| {
            (is_program(c, &["composer", "composer.phar"]))
                && matches!(sub(c), Some("install" | "update" | "require"))
        },
        targets: |_, _| Vec::new(),
        moved_by: &[],
        own_cache: &[],
        offline: &[],
        cleans: |_| false,
    },
    Tool {
        name: "uv",
        downloads: |c| {
            is_program(c, &["uv"])
                && !c.argv().args().iter().any(|w| w.value == "--no-cache")
                && c.argv().positional().next().is_some_and(|s| {
                    matches!(&*s.value, "sync" | "pip" | "add" | "tool" | "lock" | "run")
                })
                && (sub(c) != Some("pip")
                    || c.argv()
                        .args()
                        .iter()
                        .any(|w| w.value == "install" || w.value == "sync"))
        },
        targets: |_, _| vec!["/root/.cache/uv"],
        moved_by: &["UV_CACHE_DIR", "UV_NO_CACHE", "XDG_CACHE_HOME"],
        own_cache: &["--cache-dir"],
        offline: &["--offline"],
        cleans: |c| is_program(c, &["uv"]) && sub(c) == Some("cache"),
    },
    Tool {
        name: "poetry",
        downloads: |c| {
            is_program(c, &["poetry"])
                && !c.argv().args().iter().any(|w| w.value == "--no-cache")
                && matches!(sub(c), Some("install" | "add" | "update" | "lock"))
        },
        targets: |_, _| vec!["/root/.cache/pypoetry"],
        moved_by: &["POETRY_CACHE_DIR", "XDG_CACHE_HOME"],
        own_cache: &[],
        offline: &[],
        cleans: |c| is_program(c, &["poetry"]) && sub(c) == Some("cache"),
    },
];

/// Does the file already rely on BuildKit-only syntax?
pub fn uses_buildkit(sem: &Semantic<'_>) -> bool {
    if sem.df.directive(DirectiveKind::Syntax).is_some() {
        return true;
    }
    sem.instructions.iter().any(|ins| {
        !ins.heredocs.is_empty()
            || ins.flags.iter().any(|f| {
                let names: &[&str] = match ins.kind {
                    Kind::Run => &["mount", "network", "security"],
                    Kind::Copy | Kind::Add => &[
                        "link",
                        "chmod",
                        "parents",
                        "exclude",
                        "checksum",
                        "keep-git-dir",
                    ],
                    _ => &[],
                };
                names.iter().any(|n| f.name().eq_ignore_ascii_case(n))
            })
    })
}

fn has_any_cache_mount(ins: &Instruction) -> bool {
    ins.flags_named("mount").any(|f| {
        f.value()
            .and_then(|v| parse_mount(v).ok())
            .is_some_and(|m| matches!(m.kind().as_str(), "cache" | "tmpfs"))
    })
}

fn root_user(sem: &Semantic<'_>, i: usize) -> bool {
    match user_at(sem, i) {
        None => true,
        Some((u, _)) => {
            let name = u.trim().split(':').next().unwrap_or("");
            name == "root" || name == "0"
        }
    }
}

fn has_option(c: &Cmd<'_, '_>, opts: &[&str]) -> bool {
    c.argv().args().iter().any(|w| {
        opts.iter().any(|o| {
            w.value == *o
                || w.value
                    .strip_prefix(o)
                    .is_some_and(|rest| rest.starts_with('='))
        })
    })
}

impl Rule for MissingCacheMount {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // the commands of the tools, in source order (found through the program index)
        let cmds = crate::rules::common::commands_running(sem, PROGRAMS);
        if cmds.is_empty() || (!ctx.settings.selects_explicitly(&Self::META) && !uses_buildkit(sem))
        {
            return;
        }
        let mut done = None;
        for cmd in cmds {
            let i = cmd.index;
            let ins = sem.instructions[i];
            // the first download of each RUN
            if done == Some(i) || ins.kind != Kind::Run || has_any_cache_mount(ins) {
                continue;
            }
            let Some(tool) = TOOLS.iter().find(|t| (t.downloads)(&cmd)) else {
                continue;
            };
            done = Some(i);
            let image = sem.stage_of[i]
                .and_then(|s| root_image(sem, s))
                .filter(|r| r.registry.is_none())
                .map_or(String::new(), |r| r.name().to_string());
            let targets = (tool.targets)(&image, &cmd);
            let fix = mount_fix(ctx, i, tool, &cmd, &targets);
            let help = match (cache_moved(sem, i, tool, &cmd), targets.as_slice()) {
                (Some(why), _) => format!(
                    "add `--mount=type=cache,target=<folder>` to the RUN, with the {} cache folder {why}",
                    tool.name
                ),
                (None, [t]) if tool.name == "poetry" && !poetry_venv_elsewhere(sem, i) => {
                    format!(
                        "set `POETRY_VIRTUALENVS_IN_PROJECT=true` (or `POETRY_VIRTUALENVS_CREATE=false`) so the virtualenv is not made in poetry's cache, then add `--mount=type=cache,target={t}` to the RUN"
                    )
                }
                (None, []) => format!(
                    "add `--mount=type=cache,target=<{} cache folder>` to the RUN",
                    tool.name
                ),
                (None, t) => format!(
                    "add {} to the RUN",
                    t.iter()
                        .map(|t| format!("`--mount=type=cache,target={t}`"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            };
            let program = cmd.program().unwrap_or(tool.name).to_string();
            ctx.report_fix(
                cmd.span(sem, cmd.command.span),
                format!(
                    "`{program}` downloads dependencies without a cache mount: each rebuild of this step fetches them all again"
                ),
                help,
                fix,
            );
        }
    }
}

/// Poetry creates its virtualenvs inside its cache folder (`virtualenvs.path` is
/// `{cache-dir}/virtualenvs`) unless told to do without one or to make it in the project: a
/// cache mount there would take the installed packages out of the image.
fn poetry_venv_elsewhere(sem: &Semantic<'_>, i: usize) -> bool {
    let val = |n: &str| match values::lookup(sem, i, n) {
        Some(values::Value::Known(v)) => Some(v.trim_matches(['"', '\'']).to_ascii_lowercase()),
        _ => None,
    };
    if val("POETRY_VIRTUALENVS_CREATE").is_some_and(|v| v == "false" || v == "0")
        || val("POETRY_VIRTUALENVS_IN_PROJECT").is_some_and(|v| v == "true" || v == "1")
        || val("POETRY_VIRTUALENVS_PATH").is_some_and(|v| !v.starts_with("/root/.cache"))
    {
        return true;
    }
    // `poetry config virtualenvs.create false`, `POETRY_VIRTUALENVS_CREATE=false poetry install`
    (0..=i).any(|j| {
        let t = sem.instructions[j].text.to_ascii_lowercase();
        sem.instructions[j].kind == Kind::Run
            && (t.contains("virtualenvs.create false")
                || t.contains("virtualenvs.in-project true")
                || t.contains("poetry_virtualenvs_create=false")
                || t.contains("poetry_virtualenvs_in_project=true"))
    })
}

/// Why the tool's default cache folder for root may not be where this command keeps its cache:
/// a variable that moves it, an option naming one, or a non-root user (None when the default
/// applies).
fn cache_moved(sem: &Semantic<'_>, i: usize, tool: &Tool, cmd: &Cmd<'_, '_>) -> Option<String> {
    let ins = sem.instructions[i];
    if let Some(v) = tool
        .moved_by
        .iter()
        .chain(["HOME"].iter())
        .find(|v| values::lookup(sem, i, v).is_some() || ins.text.contains(&format!("{v}=")))
    {
        return Some(format!("that `{v}` sets"));
    }
    if let Some(o) = tool.own_cache.iter().find(|o| has_option(cmd, &[o])) {
        return Some(format!("that `{o}` names"));
    }
    if !root_user(sem, i) {
        let user = user_at(sem, i).map_or("", |u| u.0);
        return Some(format!(
            "of user `{user}` (and `uid=` set to that user's id)"
        ));
    }
    None
}

fn mount_fix(
    ctx: &Context<'_>,
    i: usize,
    tool: &Tool,
    cmd: &Cmd<'_, '_>,
    targets: &[&str],
) -> Option<Fix> {
    let sem = ctx.semantic;
    let ins = sem.instructions[i];
    if targets.is_empty() || !root_user(sem, i) || ins.kind != Kind::Run {
        return None;
    }
    // run as another user (`sudo -u`, `gosu`, `su -c`): the cache is in that user's home
    let switches_user = |w: &str| {
        matches!(
            crate::shell::basename(w),
            "sudo" | "doas" | "gosu" | "su-exec" | "su" | "runuser" | "chroot" | "setpriv"
        )
    };
    if cmd.command.is_nested()
        || cmd
            .command
            .words
            .iter()
            .take_while(|w| {
                cmd.program()
                    .is_none_or(|p| crate::shell::basename(&w.value) != p)
            })
            .any(|w| switches_user(&w.value))
    {
        return None;
    }
    if cache_moved(sem, i, tool, cmd).is_some()
        || (tool.name == "poetry" && !poetry_venv_elsewhere(sem, i))
    {
        return None;
    }
    if commands_of(sem, i).any(|c| (tool.cleans)(&c)) {
        return None;
    }
    // a step of this tool anywhere in the file that works offline
    if crate::rules::common::commands_running(sem, PROGRAMS)
        .iter()
        .any(|c| {
            ((tool.downloads)(c) || is_program(c, &[tool.name])) && has_option(c, tool.offline)
                || (tool.name == "dotnet"
                    && is_program(c, &["dotnet"])
                    && has_option(c, &["--no-restore"]))
        })
    {
        return None;
    }
    // a COPY that writes into the cache folder (or a folder above it), or copies out of it
    let wd = workdirs(sem);
    for (j, other) in sem.instructions.iter().enumerate() {
        if !matches!(other.kind, Kind::Copy | Kind::Add) {
            continue;
        }
        let into = copy_writes(sem, j, wd.at(j)).iter().any(|w| {
            targets
                .iter()
                .any(|t| covers(t, w.path()) || covers(w.path(), t))
        });
        let out_of = other.flag("from").is_some()
            && other.sources_and_dest().0.iter().any(|w| {
                let src = other.word_text(w);
                src.starts_with('/')
                    && targets
                        .iter()
                        .any(|t| covers(t, &normalize(src)) || covers(&normalize(src), t))
            });
        if into || out_of {
            return None;
        }
    }
    let mounts: String = targets
        .iter()
        .map(|t| format!(" --mount=type=cache,target={t}"))
        .collect();
    let title = format!("mount a build cache at {}", targets.join(" and "));
    let edits = vec![Edit::insert(ins.keyword.span.end, mounts)];
    // the classic builder rejects `RUN --mount`: safe only where the file already needs BuildKit
    Some(if uses_buildkit(sem) {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_(title, edits)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn buildkit_detection() {
        for (src, want) in [
            ("FROM a\nRUN npm ci\n", false),
            ("# syntax=docker/dockerfile:1\nFROM a\nRUN npm ci\n", true),
            (
                "FROM a\nRUN --mount=type=bind,source=x,target=/x true\n",
                true,
            ),
            ("FROM a\nCOPY --link x /x\n", true),
            ("FROM a\nCOPY --chown=1 x /x\n", false),
        ] {
            let df = parse(src);
            let sem = Semantic::new(src, &df);
            assert_eq!(uses_buildkit(&sem), want, "{src}");
        }
    }
}
