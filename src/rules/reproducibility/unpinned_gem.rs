use super::package_pin::{PinCheck, check};
use crate::rule::{Context, Rule};
use crate::rules::pm::PmCmd;
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `gem install` of gems without a version (`bundler` instead of `bundler:2.6.9`, or
    /// `-v 2.6.9`). One finding per `RUN`, listing the unpinned gems.
    ///
    /// ## Why is this bad?
    /// The build installs whatever rubygems.org holds on the day it runs. A rebuild of the same
    /// commit can get a new major version, and a release can break the image without a change
    /// to the Dockerfile.
    ///
    /// Not flagged: `name:version`, an install with `-v`/`--version`, local `.gem` files and
    /// paths, the build options after `--`, and operands that are a single expansion
    /// (`$GEMS`) unless the file defines that variable, in which case its words are checked.
    /// Every stage is looked at.
    ///
    /// There is no fix: dockopt cannot know which version you test against.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.4-slim
    /// RUN gem install --no-document bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ruby:3.4-slim
    /// RUN gem install --no-document bundler:2.6.9
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3028) takes the word after any option for that option's value, so it
    /// misses `gem install --no-document bundler`; dockopt knows which options take a value.
    pub UnpinnedGem {
        code: "DO507",
        name: "unpinned-gem",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3028"],
    }
}

fn packages<'s, 'a>(pm: &PmCmd<'s, 'a>) -> Option<Vec<&'s Word<'a>>> {
    if !pm.sub_is(&["install", "i"]) || pm.has_option(&["-v", "--version"]) {
        return None;
    }
    // what follows `--` is passed to the gems' build scripts
    let end = pm
        .argv
        .words
        .iter()
        .position(|w| w.value == "--")
        .unwrap_or(usize::MAX);
    Some(
        pm.operands()
            .skip(1)
            .take_while(|(i, _)| *i < end)
            .map(|(_, w)| w)
            .collect(),
    )
}

fn pinned(p: &str) -> bool {
    p.contains(':') || p.contains('/') || p.ends_with(".gem")
}

fn help(p: &str) -> String {
    format!("pin the version you test against: `{p}:<version>` (or `-v <version>`)")
}

const SPEC: PinCheck = PinCheck {
    managers: &["gem"],
    packages,
    pinned,
    help,
    programs: None,
};

impl Rule for UnpinnedGem {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        check(ctx, &SPEC);
    }
}
