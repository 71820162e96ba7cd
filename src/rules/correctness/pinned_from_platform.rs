use crate::rule::{Context, Rule};
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
    /// ## Differences from BuildKit
    /// BuildKit's `FromPlatformFlagConstDisallowed` flags only constant values, and not when the
    /// stage name mentions the platform; this rule is hadolint's broader check, so both report
    /// a constant `--platform`.
    pub PinnedFromPlatform {
        code: "DO109",
        name: "pinned-from-platform",
        category: Correctness,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3029"],
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
            let Some(flag) = stage.from_ins.flag("platform") else {
                continue;
            };
            ctx.report(
                flag.token.span,
                format!("`FROM --platform={value}` builds this stage for that platform whatever platform the build targets"),
            )
            .help("use `--platform=$BUILDPLATFORM` for build tools, or drop the flag to follow the target platform");
        }
    }
}
