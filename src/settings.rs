//! Resolved settings: what the rules and the linter read. Built from `dockopt.toml` and the
//! command line (see `config.rs`); the core never reads files or flags itself.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::rule::{RuleMeta, Severity};

/// hadolint's label schema types (DL3048–DL3058).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any text.
    Text,
    /// An RFC 3339 timestamp.
    Rfc3339,
    /// A semantic version.
    Semver,
    /// A URL.
    Url,
    /// A git commit hash.
    Hash,
    /// An SPDX license expression.
    Spdx,
    /// An e-mail address.
    Email,
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Rule selectors to enable (codes, prefixes, names, categories, aliases). Empty: all.
    pub select: Vec<String>,
    /// Rule selectors to disable.
    pub ignore: Vec<String>,
    /// Per-rule severity (by code, name or alias).
    pub severity: BTreeMap<String, Severity>,
    /// Registries base images may come from (DL3026). Empty: any.
    pub trusted_registries: Vec<String>,
    /// Base images allowed (glob patterns on `registry/name[:tag]`). Empty: any.
    pub allowed_images: Vec<String>,
    /// Required labels and their types (DL3048–DL3058). Empty: no label checks.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Labels not in the schema are reported too.
    pub strict_labels: bool,
    /// Image → tag or digest to pin unpinned bases to (makes the pin fix safe).
    pub pins: BTreeMap<String, String>,
    /// Runtime images and build outputs for the multi-stage rewrite (DO230), from
    /// `[multistage]`; tried before the built-in data.
    pub multistage: MultistageSettings,
    /// The build context, when not the Dockerfile's folder.
    pub context: Option<PathBuf>,
}

/// `[multistage]` of dockopt.toml, compiled.
#[derive(Clone, Debug, Default)]
pub struct MultistageSettings {
    pub runtimes: Vec<crate::data::RuntimeImage>,
    /// Ecosystem → more build output locations.
    pub outputs: BTreeMap<String, Vec<String>>,
}

impl Settings {
    /// Is the rule on?
    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| meta.matches(s)))
            && !self.ignore.iter().any(|s| meta.matches(s))
    }

    /// Is the rule selected by name: its code, name or an alias in `select` (not `ALL`, a code
    /// prefix or a category)? Opt-in rules run only then.
    pub fn selects_explicitly(&self, meta: &RuleMeta) -> bool {
        self.select.iter().any(|s| {
            let s = s.trim();
            s.eq_ignore_ascii_case(meta.code)
                || s.eq_ignore_ascii_case(meta.name)
                || meta.aliases.iter().any(|a| {
                    a.eq_ignore_ascii_case(s)
                        || a.split_once(':')
                            .is_some_and(|(_, n)| n.eq_ignore_ascii_case(s))
                })
        })
    }

    /// The rule's severity after overrides.
    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        self.severity
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(meta.code)
                    || k.eq_ignore_ascii_case(meta.name)
                    || meta.aliases.iter().any(|a| {
                        a.eq_ignore_ascii_case(k)
                            || a.split_once(':')
                                .is_some_and(|(_, n)| n.eq_ignore_ascii_case(k))
                    })
            })
            .map_or(meta.severity, |(_, s)| *s)
    }
}
