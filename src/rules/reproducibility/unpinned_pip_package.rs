use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `pip install` (also `pip3`, `python -m pip`, `pipx install`) of packages
    /// without a version specifier (`flask` instead of `flask==3.1.1`). One finding per `RUN`,
    /// listing the unpinned packages.
    ///
    /// ## Why is this bad?
    /// The build installs whatever PyPI holds on the day it runs, with whatever dependencies
    /// that release allows. A rebuild of the same commit can get a different version, and a
    /// new release can break the image without a change to the Dockerfile.
    ///
    /// Not flagged: any version specifier (`==`, `>=`, `~=`, `<`, `!=`), installs from a
    /// requirements or constraints file (`-r`, `-c`: the file holds the pins), the project
    /// itself (`.`), local paths, archives and wheels, URLs, VCS references with a revision
    /// (`git+https://…/x.git@v1.2`), and operands that are a single expansion (`$PACKAGES`)
    /// unless the file defines that variable, in which case its words are checked. Every
    /// stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir flask==3.1.1 gunicorn==23.0.0
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3013) reads the values of options it does not know (`--timeout 60`) as
    /// packages, flags packages given by a variable whose value it cannot see, and misses
    /// `pip install` behind `sudo`, `env` or `sh -c`; dockopt does neither.
    pub UnpinnedPipPackage {
        code: "DO505",
        name: "unpinned-pip-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3013"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    if !pm.sub_is(&["install"]) || pm.has_option(&["-r", "--requirement", "-c", "--constraint"]) {
        return None;
    }
    let pkgs: Vec<_> = pm.args_after(1).collect();
    // installing the project itself: its own metadata says what it needs
    (!pkgs.iter().any(|w| w.value == ".")).then_some(pkgs)
}

const VCS: &[&str] = &["git+", "git://", "hg+", "svn+", "svn://", "bzr+"];

fn pinned(p: &str) -> bool {
    if p.contains(['=', '<', '>']) {
        return true;
    }
    if VCS.iter().any(|v| p.starts_with(v)) {
        // a revision after the path: `git+https://host/x.git@v1.2`
        let path = p.split_once("://").map_or(p, |(_, r)| r);
        return path.split_once('/').is_some_and(|(_, r)| r.contains('@'));
    }
    // paths, URLs, archives and wheels
    p.contains('/')
        || p == ".."
        || p.starts_with('~')
        || [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"]
            .iter()
            .any(|s| p.ends_with(s))
}

fn help(p: &str) -> String {
    format!(
        "pin the version you test against (`{p}==<version>`), or install from a requirements \
         file that pins it"
    )
}

const SPEC: PinCheck = PinCheck {
    managers: &["pip", "pipx"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedPipPackage {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
