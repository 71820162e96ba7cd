use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::remove_flag_edit;
use crate::syntax::Span;
use crate::syntax::vars::var_refs;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=…` whose value does not come from BuildKit's platform arguments
    /// (`$BUILDPLATFORM`, `$TARGETPLATFORM`, `$TARGETOS`, `$TARGETARCH`, `$TARGETVARIANT`,
    /// `$BUILDOS`, `$BUILDARCH`, `$BUILDVARIANT`): a fixed platform (`linux/amd64`) or one
    /// chosen by a project `ARG`.
    ///
    /// ## Why is this bad?
    /// The stage is built for that platform whatever the build asks for: `docker build
    /// --platform linux/arm64` still produces amd64 binaries in it, and a multi-platform build
    /// ships the same thing under every platform (or runs it under emulation). The usual
    /// intent is `--platform=$BUILDPLATFORM` (run build tools natively and cross-compile) or no
    /// flag at all (follow the target).
    ///
    /// A stage that really must be one platform (a macOS SDK image, a tool only published for
    /// amd64) is a fine reason to keep the flag: suppress the finding there with a comment
    /// saying why.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ARG TARGETOS TARGETARCH
    /// RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3029) accepts only values mentioning `BUILDPLATFORM` or `TARGETPLATFORM`;
    /// dockopt also accepts the per-component arguments (`$TARGETOS/$TARGETARCH`), which say the
    /// same thing.
    ///
    /// ## Fix safety
    /// Unsafe: removing a constant `--platform` makes the stage follow the build's target
    /// platform, which is usually the intent but changes what a single-platform build produces.
    ///
    /// ## Differences from BuildKit
    /// This rule is both hadolint's DL3029 and BuildKit's `FromPlatformFlagConstDisallowed`. Like
    /// BuildKit, it leaves a stage named after its platform (`AS build-arm64`) alone; like
    /// hadolint, it also reports a variable that is not one of the platform arguments.
    pub PinnedFromPlatform {
        code: "DO109",
        name: "pinned-from-platform",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3029", "buildkit:FromPlatformFlagConstDisallowed"],
    }
}

const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Does a `--platform` value use one of BuildKit's platform arguments?
fn follows_build(value: &str) -> bool {
    var_refs(value, Span::new(0, value.len()), '\\')
        .iter()
        .any(|r| PLATFORM_ARGS.contains(&&value[r.name.range()]))
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

impl Rule for PinnedFromPlatform {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for stage in &ctx.semantic.stages {
            let Some(value) = stage.platform else {
                continue;
            };
            if follows_build(value) {
                continue;
            }
            let ins = stage.from_ins;
            let Some((fi, flag)) = ins
                .flags
                .iter()
                .enumerate()
                .find(|(_, f)| f.name().eq_ignore_ascii_case("platform"))
            else {
                continue;
            };
            // BuildKit's exception: a stage named after its platform (`AS build-arm64`) is
            // pinned on purpose.
            if let Some((os, arch)) = parse_platform(value) {
                let name = stage.name.unwrap_or("").to_lowercase();
                if !name.is_empty()
                    && (name.contains(&os)
                        || arch.as_ref().is_some_and(|a| name.contains(a.as_str())))
                {
                    continue;
                }
            }
            let fix = (!value.contains('$'))
                .then(|| {
                    remove_flag_edit(ins, fi).map(|e| Fix::unsafe_("remove `--platform`", vec![e]))
                })
                .flatten();
            ctx.report_fix(
                flag.token.span,
                format!("`FROM --platform={value}` builds this stage for that platform whatever platform the build targets"),
                "use `--platform=$BUILDPLATFORM` for build tools, drop the flag to follow the target platform, or name the stage after its platform",
                fix,
            );
        }
    }
}
