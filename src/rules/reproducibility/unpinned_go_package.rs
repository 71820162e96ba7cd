use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `go install`, `go get` and `go run` of a remote package without a version
    /// (`golang.org/x/tools/gopls` instead of `golang.org/x/tools/gopls@v0.19.1`), or with a
    /// moving one (`@latest`, `@master`, `@main`, `@HEAD`, `@upgrade`, `@patch`). One finding
    /// per `RUN`, listing them.
    ///
    /// ## Why is this bad?
    /// The build fetches whatever the module's repository holds on the day it runs. A rebuild of
    /// the same commit can get a different version, and a new release can break the image
    /// without a change to the Dockerfile.
    ///
    /// Not flagged: local packages and files (`.`, `./cmd/x`, `/src/x`, `main.go`), package
    /// paths whose first element has no dot (`std`, `cmd/...`, GOPATH packages: not fetched
    /// from a remote repository), and operands that are a single expansion (`$TOOLS`) unless
    /// the file defines that variable, in which case its words are checked. For `go run`,
    /// only the package is checked, not the arguments after it. Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.24
    /// RUN go install golang.org/x/tools/gopls@v0.19.1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3062) takes the value of `-tags`, `-ldflags` and the like for packages,
    /// flags `go run main.go` and other local files, and accepts branch names (`@master`) as
    /// versions; dockopt does not. It also only looks at `go run` when a `RUN` has one.
    pub UnpinnedGoPackage {
        code: "DO511",
        name: "unpinned-go-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3062"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    let mut ops = pm.operands().map(|(_, w)| w);
    match &*ops.next()?.value {
        "install" | "get" => Some(ops.collect()),
        // `go run pkg args…`: only the package
        "run" => Some(ops.take(1).collect()),
        _ => None,
    }
}

fn pinned(p: &str) -> bool {
    let (path, version) = match p.split_once('@') {
        Some((a, v)) => (a, Some(v)),
        None => (p, None),
    };
    let local = path.starts_with(['.', '/', '~'])
        || path.ends_with(".go")
        || !path
            .split('/')
            .next()
            .is_some_and(|first| first.contains('.'));
    if local {
        return true;
    }
    version.is_some_and(|v| {
        !v.is_empty()
            && !matches!(
                v,
                "latest" | "none" | "master" | "main" | "HEAD" | "upgrade" | "patch"
            )
    })
}

fn help(p: &str) -> String {
    let path = p.split_once('@').map_or(p, |(a, _)| a);
    format!("pin the version you test against: `{path}@<version>` (a tag like v1.2.3 or a commit)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["go"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedGoPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
