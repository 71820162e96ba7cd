use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::{PmCmd, apt_simulates};
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (and `apt install`) of packages without a version
    /// (`curl` instead of `curl=7.88.1-10+deb12u8`). One finding per `RUN`, listing the
    /// unpinned packages.
    ///
    /// ## Why is this bad?
    /// The build installs whatever the archive holds on the day it runs. A rebuild of the same
    /// commit can get a different version, and a package update can break the image without a
    /// change to the Dockerfile. Pinning makes rebuilds repeatable and updates deliberate
    /// (and visible in review).
    ///
    /// Not flagged: `pkg=version` (wildcards like `pkg=1.2.*` included), a release selection
    /// (`pkg/bookworm-backports`), local `.deb` files and paths (`./x.deb`), simulations
    /// (`apt-get install -s`), and operands that are a single expansion (`$PACKAGES`,
    /// `$(cat list)`) whose value the file does not give: they commonly carry pinned lists.
    /// When the file defines the variable (an assignment earlier in the `RUN`, `ENV`, an `ARG`
    /// default), the words of its value are checked. The rule looks at every stage: an
    /// unpinned tool in a builder stage changes what the build produces too.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3008) flags every package given by a variable (`apt-get install -y
    /// $PKGS`) without reading its value; dockopt reads it when the file defines it and
    /// leaves it alone otherwise. hadolint also misses installs behind `sudo`, `env`, a full
    /// path (`/usr/bin/apt-get`) or `sh -c`, and `apt install`, and flags simulations
    /// (`apt-get install -s`); dockopt does the opposite.
    pub UnpinnedAptPackage {
        code: "DO503",
        name: "unpinned-apt-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3008"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    // a simulation (`-s`) installs nothing
    (pm.sub_is(&["install"]) && !apt_simulates(pm)).then(|| pm.args_after(1).collect())
}

fn pinned(p: &str) -> bool {
    p.contains('=') || p.contains('/') || p.ends_with(".deb")
}

fn help(p: &str) -> String {
    format!("pin the version you test against: `{p}=<version>` (see `apt-cache policy {p}`)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["apt-get", "apt"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedAptPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
