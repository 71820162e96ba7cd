use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::remove_flag_edit;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=<constant>` (`--platform=linux/amd64`) on a stage whose name
    /// does not mention that operating system or architecture.
    ///
    /// ## Why is this bad?
    /// A constant platform pins the stage to one platform whatever `docker build --platform`
    /// asks for: a multi-platform build quietly produces amd64 binaries in the arm64 image, and
    /// on another host the stage runs under emulation. Leave the platform to the build command,
    /// or use `--platform=$BUILDPLATFORM` for stages that cross-compile.
    ///
    /// A stage named after its platform (`AS build-arm64`, `AS tools_linux`) is taken as
    /// deliberately platform-specific and not flagged, as in BuildKit. Values with variables
    /// are not flagged. Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20 AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM alpine:3.20 AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removing the flag builds the stage for the requested platform, which differs
    /// from the pinned one on other hosts or in multi-platform builds; a tool that only exists
    /// for the pinned platform would then be missing.
    pub ConstantPlatformFlag {
        code: "DO643",
        name: "constant-platform-flag",
        category: Maintainability,
        severity: Warning,
        fix: Always,
        scope: EveryStage,
        aliases: ["buildkit:FromPlatformFlagConstDisallowed"],
    }
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
    "wasip1",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

fn normalize_arch(a: &str) -> String {
    let a = a.to_ascii_lowercase();
    match a.as_str() {
        "i386" => "386".into(),
        "x86_64" | "x86-64" => "amd64".into(),
        "aarch64" => "arm64".into(),
        "armhf" | "armel" => "arm".into(),
        _ => a,
    }
}

/// containerd's `platforms.Parse`, reduced to what the check needs: (os, architecture), the
/// architecture `None` when the specifier leaves it to the host.
fn parse_platform(spec: &str) -> Option<(String, Option<String>)> {
    let valid = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    let parts: Vec<&str> = spec.split('/').collect();
    // `windows(10.0.17763)/amd64`: an OS version in parentheses
    let os_part = |p: &str| p.split_once('(').map_or(p, |(o, _)| o).to_ascii_lowercase();
    match parts.as_slice() {
        [one] => {
            let os = os_part(one);
            if !valid(&os) {
                return None;
            }
            if KNOWN_OS.contains(&os.as_str()) {
                return Some((os, None));
            }
            let arch = normalize_arch(one);
            KNOWN_ARCH
                .contains(&arch.as_str())
                .then(|| ("linux".to_string(), Some(arch)))
        }
        [os, arch] | [os, arch, _] => {
            let os = os_part(os);
            (valid(&os) && valid(arch) && parts[1..].iter().all(|p| valid(p)))
                .then(|| (os, Some(normalize_arch(arch))))
        }
        _ => None,
    }
}

impl Rule for ConstantPlatformFlag {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let ins = stage.from_ins;
            for (i, f) in ins.flags.iter().enumerate() {
                if !f.name().eq_ignore_ascii_case("platform") {
                    continue;
                }
                let Some(v) = f.value() else { continue };
                if v.contains('$') {
                    continue;
                }
                let Some((os, arch)) = parse_platform(v) else {
                    continue;
                };
                let name = stage.name.unwrap_or("").to_lowercase();
                if name.contains(&os) || arch.as_ref().is_some_and(|a| name.contains(a.as_str())) {
                    continue;
                }
                let fix =
                    remove_flag_edit(ins, i).map(|e| Fix::unsafe_("remove `--platform`", vec![e]));
                ctx.report_fix(
                    f.token.span,
                    format!("`--platform={v}` pins the stage to one platform"),
                    "leave the platform to `docker build --platform`, use `--platform=$BUILDPLATFORM` \
                     for cross-compiling stages, or name the stage after its platform",
                    fix,
                );
            }
        }
    }
}
