use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, append_to_run, commands_of, shipped_stages};
use crate::rules::paths::shipped_instructions;
use crate::semantic::Semantic;
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags compilers and development packages installed in the stages that end up in the
    /// final image (the final stage and the stages it is built `FROM`) and never removed
    /// there: `build-essential`, `build-base`, `alpine-sdk`, `gcc`, `g++`, `gcc-c++`, `clang`,
    /// `make`, `cmake`, `autoconf`, `automake`, `libtool`, `pkg-config`, kernel headers, and
    /// every `*-dev` (Debian, Ubuntu, Alpine) or `*-devel` (Red Hat, SUSE) package, installed
    /// with `apt-get`, `apk`, `yum`, `dnf`, `microdnf` or `zypper`.
    ///
    /// ## Why is this bad?
    /// They are needed to build, not to run, and they are big. On Debian bookworm,
    /// `build-essential` brings 51 packages with about 260 MB installed (gcc alone: 25
    /// packages, 170 MB; `libpq-dev`: 12 packages, 22 MB). These figures are the sum of
    /// `Installed-Size` over the package and its `Depends`/`Pre-Depends`, minus what
    /// `debian:bookworm-slim` already has, from the bookworm package index; `Recommends`,
    /// which `apt-get` also installs by default, would add more. Every megabyte is pushed,
    /// pulled and scanned for vulnerabilities on each deploy, and a compiler in a production
    /// image is a gift to an attacker.
    ///
    /// Packages removed again in the same stage (`apt-get purge`, `apk del`, including the
    /// `apk add --virtual .build-deps … && apk del .build-deps` and `apt-mark auto` idioms)
    /// are not flagged; when the removal is in a later `RUN` than the install, the bytes still
    /// ship, which `deleted-in-later-layer` reports.
    ///
    /// Images meant for development or for compiling are not flagged:
    /// - a final stage, a Dockerfile or its folder named for it (`dev`, `builder`, `ci`,
    ///   `test`, `debug`, `sdk`, `toolchain`, `notebook`, `workspace`, …: `Dockerfile.dev`,
    ///   `kernel-builder/Dockerfile`), or a Dockerfile in a `.devcontainer` folder;
    /// - toolchain images: built on one that already has a compiler (`buildpack-deps`, `gcc`,
    ///   the full `golang`, `rust`, `python`, `node`, `ruby` and `perl` images, the .NET SDK,
    ///   the dev-container images), setting a toolchain's variables (`RUSTUP_HOME`,
    ///   `GOLANG_VERSION`, `GCC_VERSION`, …), installing a language compiler (`crystal`,
    ///   `golang`, `rustc`, a JDK, …), or named after a compiler (`gcc/Dockerfile`).
    ///
    /// Nor is a tool the image's `CMD`, `ENTRYPOINT` or `HEALTHCHECK` runs
    /// (`CMD ["make", "serve"]`).
    ///
    /// The rewrite this calls for is a multi-stage build: compile in a builder stage, then
    /// `COPY --from=builder` only the result (a binary, a virtualenv, wheels) into a slim
    /// final stage. `single-stage-build` (DO230) suggests it when the base image is a whole
    /// SDK; this rule is about the packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN pip install --no-cache-dir psycopg2==2.9.9
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN pip wheel --no-cache-dir --wheel-dir /wheels psycopg2==2.9.9
    ///
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*.whl
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the fix removes the packages at the end of the `RUN` that installs them
    /// (`apt-get purge -y --auto-remove …`, `apk del …`, `dnf remove -y …`). Whether that is
    /// right needs judgement: a later `RUN` may still compile something, the application may
    /// need a compiler at run time, and `--auto-remove` also removes runtime libraries that
    /// came in only as dependencies (`libpq5` with `libpq-dev`); mark those with
    /// `apt-get install` or `apt-mark manual` first.
    pub BuildToolsInFinalStage {
        code: "DO222",
        name: "build-tools-in-final-stage",
        category: Size,
        severity: Info,
        fix: Sometimes,
        scope: FinalStage,
        aliases: [],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manager {
    Apt,
    Apk,
    Rpm,
    Zypper,
}

const TOOLS: &[&str] = &[
    "build-essential",
    "build-base",
    "alpine-sdk",
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "pkgconfig",
    "gfortran",
    "linux-headers",
    "kernel-headers",
    "kernel-devel",
];

/// Is this package (name only) a compiler, build tool or development package?
pub fn is_build_tool(name: &str) -> bool {
    if name.ends_with("-dev") || name.ends_with("-devel") || TOOLS.contains(&name) {
        return true;
    }
    // versioned compilers: gcc-12, g++-13, clang-17
    matches!(name.as_bytes().first(), Some(b'g' | b'c'))
        && ["gcc-", "g++-", "clang-"].iter().any(|p| {
            name.strip_prefix(p).is_some_and(|v| {
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            })
        })
}

fn manager(c: &Cmd<'_, '_>) -> Option<Manager> {
    Some(match c.program()? {
        "apt-get" | "apt" | "aptitude" => Manager::Apt,
        "apk" => Manager::Apk,
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" => Manager::Rpm,
        "zypper" => Manager::Zypper,
        _ => return None,
    })
}

/// The package managers' programs (and `apt-mark`), for the program index.
const PROGRAMS: &[&str] = &[
    "apt-get", "apt", "aptitude", "apt-mark", "apk", "yum", "dnf", "microdnf", "tdnf", "dnf5",
    "zypper",
];

const VALUE_FLAGS: &[&str] = &[
    "-o",
    "--option",
    "-t",
    "--target-release",
    "--virtual",
    "-X",
    "--repository",
    "-c",
    "--config",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--releasever",
    "--installroot",
    "-x",
    "--exclude",
    "-p",
    "--root",
];

/// The name part of a package argument (`gcc=4:12.2.0-3` → `gcc`, `libssl-dev:amd64` →
/// `libssl-dev`), or None for files, variables and globs.
fn name_of(m: Manager, v: &str) -> Option<&str> {
    if v.is_empty() || v.starts_with('-') || v.contains(['$', '`', '/', '*', '?', '(']) {
        return None;
    }
    let n = match m {
        Manager::Apt => v.split(['=', ':']).next()?,
        Manager::Apk => v.split(['=', '<', '>', '~', '@']).next()?,
        Manager::Rpm | Manager::Zypper => v.split(['=', '<', '>']).next()?,
    };
    (!n.is_empty()).then_some(n)
}

/// (install?, package names, apk virtual name) of a package command.
#[allow(clippy::type_complexity)]
fn package_command<'s>(c: &Cmd<'s, '_>) -> Option<(Manager, bool, Vec<&'s str>, Option<String>)> {
    let m = manager(c)?;
    let argv = c.argv();
    let mut pos = argv.positional_skipping(VALUE_FLAGS);
    let install = match (m, pos.next()?.value.as_ref()) {
        (Manager::Apt, "install") | (Manager::Apk, "add") => true,
        (Manager::Rpm, "install" | "groupinstall") | (Manager::Zypper, "install" | "in") => true,
        (Manager::Apt, "purge" | "remove" | "autoremove") | (Manager::Apk, "del") => false,
        (Manager::Rpm, "remove" | "erase" | "autoremove") => false,
        (Manager::Zypper, "remove" | "rm") => false,
        _ => return None,
    };
    let names = pos.filter_map(|w| name_of(m, &w.value)).collect();
    let virt = (m == Manager::Apk)
        .then(|| argv.flag_value(Some('t'), Some("virtual")))
        .flatten()
        .map(|w| w.value.to_string());
    Some((m, install, names, virt))
}

struct Install {
    ins: usize,
    span: crate::syntax::Span,
    manager: Manager,
    tools: Vec<String>,
    virt: Option<String>,
    removed: Vec<bool>,
}

/// The words of the Dockerfile's file name and of its folder's name, lower case
/// (`Dockerfile.dev` → `dockerfile`, `dev`; `kernel-builder/Dockerfile` → `kernel`, `builder`).
fn path_words(ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
    let split = |s: &std::ffi::OsStr| -> Vec<String> {
        s.to_string_lossy()
            .to_ascii_lowercase()
            .split(['.', '-', '_'])
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let Some(p) = ctx.path else {
        return (Vec::new(), Vec::new());
    };
    let file = p.file_name().map(split).unwrap_or_default();
    let dir = p
        .parent()
        .and_then(|d| d.file_name())
        .map(split)
        .unwrap_or_default();
    (file, dir)
}

/// The words of the final stage's name, lower case.
fn stage_words(sem: &Semantic<'_>) -> Vec<String> {
    sem.final_stage()
        .and_then(|s| s.name)
        .map(|n| {
            n.to_ascii_lowercase()
                .split(['-', '_', '.'])
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Words that name a development, build or interactive image.
const DEV: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "devcontainer",
    "build",
    "builder",
    "buildenv",
    "ci",
    "test",
    "tests",
    "debug",
    "sdk",
    "toolchain",
    "compiler",
    "compilers",
    "crosstool",
    "notebook",
    "jupyter",
    "workspace",
    "workbench",
    "playground",
    "sandbox",
];

/// A development image: named so (the final stage, the Dockerfile or its folder), or kept
/// where development images live.
fn dev_image(ctx: &Context<'_>, sem: &Semantic<'_>) -> bool {
    let named = stage_words(sem).iter().any(|w| DEV.contains(&w.as_str()));
    let (file, dir) = path_words(ctx);
    // a folder named `build` or `test` often holds the packaging of a production image
    let path = file.iter().any(|w| DEV.contains(&w.as_str()))
        || dir.iter().any(|w| {
            DEV.contains(&w.as_str()) && !matches!(w.as_str(), "build" | "test" | "tests")
        })
        || ctx.path.is_some_and(|p| {
            p.components().any(|c| {
                let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
                c == ".devcontainer" || c == "devcontainer"
            })
        });
    named || path
}

/// Variables that toolchain images set (the official `rust`, `golang` and `gcc` images, the
/// .NET SDK, Android SDK images).
const TOOLCHAIN_ENV: &[&str] = &[
    "RUSTUP_HOME",
    "CARGO_HOME",
    "RUST_VERSION",
    "GOLANG_VERSION",
    "GOTOOLCHAIN",
    "GOPATH",
    "GCC_VERSION",
    "DOTNET_SDK_VERSION",
    "ANDROID_HOME",
    "ANDROID_SDK_ROOT",
    "ANDROID_NDK_HOME",
    "CRYSTAL_VERSION",
    "ZIG_VERSION",
    "SWIFT_VERSION",
];

/// A language compiler package: an image that installs one is a toolchain, and the C
/// compiler and headers next to it are part of it (`crystal` links with `gcc`).
fn compiler_package(name: &str) -> bool {
    matches!(
        name,
        "crystal"
            | "golang"
            | "golang-go"
            | "rustc"
            | "cargo"
            | "ghc"
            | "fpc"
            | "nim"
            | "zig"
            | "ldc"
            | "gdc"
            | "mono-devel"
            | "mono-complete"
            | "default-jdk"
            | "default-jdk-headless"
            | "swiftlang"
    ) || name.starts_with("dotnet-sdk")
        || name.starts_with("golang-1")
        || ((name.starts_with("openjdk") || name.starts_with("java-") || name.contains("temurin"))
            && (name.contains("-jdk") || name.ends_with("-devel")))
}

/// A toolchain image: built to compile things, so compilers are its content. Its base already
/// ships one, it sets a toolchain's variables, or it is named after a compiler
/// (`gcc/Dockerfile`).
fn toolchain_image(ctx: &Context<'_>, sem: &Semantic<'_>, shipped: &[usize]) -> bool {
    if sdk_base(sem) {
        return true;
    }
    let env = shipped.iter().any(|&i| {
        let ins = sem.instructions[i];
        ins.kind == Kind::Env
            && ins
                .key_values()
                .iter()
                .any(|kv| TOOLCHAIN_ENV.contains(&ins.text_of(kv.key)))
    });
    let (file, dir) = path_words(ctx);
    let named = file
        .iter()
        .chain(&dir)
        .chain(&stage_words(sem))
        .any(|w| TOOLS.contains(&w.as_str()) || w == "llvm");
    env || named
}

/// A base image that already ships a compiler, or is made to build toolchain images on:
/// `buildpack-deps` (all variants), `gcc`, the full (not `slim`/`alpine`) language images built on `buildpack-deps`,
/// and the .NET SDK. Adding development packages to one of these is what it is made for.
fn sdk_base(sem: &Semantic<'_>) -> bool {
    let Some(last) = sem.stages.len().checked_sub(1) else {
        return false;
    };
    let Some(image) = crate::rules::common::root_image(sem, last) else {
        return false;
    };
    let name = image.name().to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let registry = image.registry.as_deref().unwrap_or("docker.io");
    if registry == "mcr.microsoft.com" {
        return name.starts_with("dotnet/sdk")
            || name.contains("devcontainers")
            || name.starts_with("vscode/");
    }
    if registry != "docker.io" && registry != "index.docker.io" {
        return false;
    }
    let full = !["slim", "alpine", "windows", "nanoserver"]
        .iter()
        .any(|v| tag.contains(v));
    match name.as_str() {
        // `curl` and `scm` variants have no compiler, but images built on them (the official
        // `golang` image) are toolchains too
        "buildpack-deps" => true,
        "gcc" => true,
        "golang" | "rust" | "python" | "node" | "ruby" | "perl" => full,
        _ => false,
    }
}

/// Tools the final stage's `CMD`, `ENTRYPOINT` or `HEALTHCHECK` runs: they are needed.
fn run_at_start(sem: &Semantic<'_>, tool: &str) -> bool {
    sem.final_stage().is_some_and(|st| {
        sem.body(st).any(|i| {
            let ins = sem.instructions[i];
            matches!(ins.kind, Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck)
                && ins
                    .text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || "+-._".contains(c)))
                    .any(|w| w == tool)
        })
    })
}

impl Rule for BuildToolsInFinalStage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // the package-manager commands, in source order (found through the program index)
        let cmds = crate::rules::common::commands_running(sem, PROGRAMS);
        if cmds.is_empty() {
            return;
        }
        let stages = shipped_stages(sem);
        let mut installs: Vec<Install> = Vec::new();
        let mut compiler = false;
        // `apt-mark auto` (the official images' idiom) hands every package installed so far
        // to the next `--auto-remove` of the same RUN
        let mut marked_auto: Option<usize> = None;
        for c in cmds {
            let i = c.index;
            if sem.instructions[i].kind != Kind::Run || !sem.stage_of[i].is_some_and(|s| stages[s])
            {
                continue;
            }
            if c.program() == Some("apt-mark") && c.argv().subcommand() == Some("auto") {
                marked_auto = Some(i);
                continue;
            }
            let marked_auto = marked_auto == Some(i);
            let Some((m, install, names, virt)) = package_command(&c) else {
                continue;
            };
            if install {
                compiler |= names.iter().any(|n| compiler_package(n));
                let tools: Vec<String> = names
                    .into_iter()
                    .filter(|n| is_build_tool(n))
                    .map(str::to_string)
                    .collect();
                if !tools.is_empty() {
                    installs.push(Install {
                        ins: i,
                        span: c.span(sem, c.command.span),
                        manager: m,
                        removed: vec![false; tools.len()],
                        tools,
                        virt,
                    });
                }
                continue;
            }
            let auto_all = m == Manager::Apt
                && marked_auto
                && (c.argv().subcommand() == Some("autoremove")
                    || c.argv().has_flag(None, Some("auto-remove"))
                    || c.argv().has_flag(None, Some("autoremove")));
            for inst in installs.iter_mut().filter(|x| x.manager == m) {
                // `apt-mark manual $saved` restores what was installed before this RUN
                let auto_all = auto_all && inst.ins == i;
                let virt_hit = inst
                    .virt
                    .as_ref()
                    .is_some_and(|v| names.contains(&v.as_str()));
                for (k, t) in inst.tools.iter().enumerate() {
                    if auto_all || virt_hit || names.contains(&t.as_str()) {
                        inst.removed[k] = true;
                    }
                }
            }
        }
        if compiler
            || installs.is_empty()
            || dev_image(ctx, sem)
            || toolchain_image(ctx, sem, &shipped_instructions(sem))
        {
            return;
        }
        for inst in installs {
            let left: Vec<&str> = inst
                .tools
                .iter()
                .zip(&inst.removed)
                .filter(|(t, r)| !**r && !run_at_start(sem, t))
                .map(|(t, _)| t.as_str())
                .collect();
            if left.is_empty() {
                continue;
            }
            let list = left.join(" ");
            let cmd = match inst.manager {
                Manager::Apt => format!("apt-get purge -y --auto-remove {list}"),
                Manager::Apk => format!("apk del {list}"),
                Manager::Rpm => {
                    let pm = commands_of(sem, inst.ins)
                        .find_map(|c| {
                            (manager(&c) == Some(Manager::Rpm))
                                .then(|| c.program().unwrap_or("dnf").to_string())
                        })
                        .unwrap_or_else(|| "dnf".to_string());
                    format!("{pm} remove -y {list}")
                }
                Manager::Zypper => format!("zypper --non-interactive remove {list}"),
            };
            let fix = append_to_run(ctx, sem.instructions[inst.ins], &cmd)
                .map(|e| Fix::display_only("remove them at the end of this RUN", vec![e]));
            let shown = left
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            ctx.report_fix(
                inst.span,
                format!("build tools stay in the final image: {shown}"),
                "build in an earlier stage and `COPY --from` only the result, or remove them in this RUN once they are no longer needed",
                fix,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_build_tool;

    #[test]
    fn build_tools() {
        for n in [
            "gcc",
            "g++-12",
            "libpq-dev",
            "openssl-devel",
            "build-base",
            "clang-17",
        ] {
            assert!(is_build_tool(n), "{n}");
        }
        for n in [
            "curl",
            "libpq5",
            "gcc-doc",
            "udev",
            "devscripts",
            "binutils",
        ] {
            assert!(!is_build_tool(n), "{n}");
        }
    }
}
