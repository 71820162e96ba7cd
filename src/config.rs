//! `dockopt.toml`: the project configuration file.
//!
//! Found as the nearest `dockopt.toml` (or `.dockopt.toml`) in the start folder or above, or
//! given with `--config`. Unknown keys are errors that point at the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;

use crate::rule::Severity;
use crate::settings::{LabelType, Settings};

/// The file's shape. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to enable: codes (`DO201`), prefixes (`DO2`), names, categories (`security`) or
    /// aliases (`DL3006`, `buildkit:StageNameCasing`). Default: all rules.
    pub select: Option<Vec<String>>,
    /// Rules to disable, same selectors as `select`.
    pub ignore: Option<Vec<String>>,
    /// Lowest severity that makes `dockopt lint` exit 1: error, warning, info, style or none.
    pub fail_level: Option<String>,
    /// Extra file-name globs to lint besides the Dockerfile names found by default.
    pub include: Option<Vec<String>>,
    /// Path globs (relative to the config file's folder) never linted.
    pub exclude: Option<Vec<String>>,
    /// Per-rule severity: `DO201 = "error"` (code, name or alias).
    pub severity: Option<BTreeMap<String, String>>,
    pub registries: Option<Registries>,
    pub images: Option<Images>,
    pub labels: Option<Labels>,
    /// Image name → tag or digest. Makes the pin fix for untagged or `latest` bases safe.
    pub pins: Option<BTreeMap<String, String>>,
    /// The multi-stage rewrite (DO230): runtime images and build outputs of your own, tried
    /// before the built-in ones (`rules/multistage.toml`).
    pub multistage: Option<MultistageConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultistageConfig {
    /// Builder image → runtime image mappings (same keys as `[[runtime]]` in
    /// `rules/multistage.toml`).
    #[serde(default)]
    pub runtime: Vec<crate::data::RuntimeSpec>,
    /// Ecosystem → more places its builds write what the image runs.
    #[serde(default)]
    pub outputs: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registries {
    /// Registries base images may come from (`docker.io`, `ghcr.io`, `mcr.microsoft.com`).
    pub trusted: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// Base images allowed, as globs on `name[:tag]` (`node:*-slim`, `python`, `ghcr.io/acme/*`).
    pub allowed: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Label name → type (text, rfc3339, semver, url, hash, spdx, email). Listed labels are
    /// required on the final stage and their values are checked.
    #[serde(default)]
    pub schema: BTreeMap<String, LabelType>,
    /// Report labels that are not in the schema.
    #[serde(default)]
    pub strict: bool,
}

/// The keys a struct deserialised by serde accepts, as they are spelled in the file (after
/// `rename_all`). Asks the derived `Deserialize` itself, so the list cannot drift from the struct.
pub fn struct_keys<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    let mut keys: &'static [&'static str] = &[];
    let _ = T::deserialize(KeysOf(&mut keys));
    keys
}

/// A deserializer that only records the field list serde hands to `deserialize_struct`.
struct KeysOf<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> serde::Deserializer<'de> for KeysOf<'_> {
    type Error = Stop;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }
    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = fields;
        Err(Stop)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A configuration error, with the file and the offending span.
#[derive(Debug, Diagnostic)]
#[diagnostic(code(dockopt::config))]
pub struct ConfigError {
    pub path: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid configuration in {}: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// The names `dockopt.toml` may have.
pub const CONFIG_NAMES: [&str; 2] = ["dockopt.toml", ".dockopt.toml"];

/// The nearest config file at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start.to_path_buf()
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn error(
    path: &Path,
    text: &str,
    message: String,
    span: Option<std::ops::Range<usize>>,
    label: &str,
) -> ConfigError {
    ConfigError {
        path: path.display().to_string(),
        message,
        src: NamedSource::new(path.display().to_string(), text.to_string()),
        span: span.map(|r| SourceSpan::from(r.start..r.end)),
        label: label.to_string(),
    }
}

/// Find the span of a key in the text for errors found after deserialising.
fn key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let quoted = format!("\"{key}\"");
    text.find(&quoted)
        .map(|i| i..i + quoted.len())
        .or_else(|| text.find(key).map(|i| i..i + key.len()))
}

impl Config {
    /// Every key `dockopt.toml` accepts: the top-level keys, and `table.key` for the keys of the
    /// `[registries]`, `[images]` and `[labels]` tables. (`[severity]` and `[pins]` take any
    /// rule or image name as a key.) The configuration reference and the `init` template are
    /// tested against this list.
    pub fn keys() -> Vec<String> {
        let mut out = Vec::new();
        for top in struct_keys::<Config>() {
            out.push((*top).to_string());
            let sub: &[&str] = match *top {
                "registries" => struct_keys::<Registries>(),
                "images" => struct_keys::<Images>(),
                "labels" => struct_keys::<Labels>(),
                "multistage" => struct_keys::<MultistageConfig>(),
                _ => &[],
            };
            out.extend(sub.iter().map(|k| format!("{top}.{k}")));
        }
        out
    }

    #[allow(clippy::result_large_err)] // cold path; the error carries the source for miette
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            error(path, text, msg.clone(), e.span(), &msg)
        })?;
        cfg.validate(path, text)?;
        Ok(cfg)
    }

    #[allow(clippy::result_large_err)]
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(path, "", format!("cannot read: {e}"), None, ""))?;
        Config::parse(path, &text)
    }

    #[allow(clippy::result_large_err)]
    fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        if let Some(l) = &self.fail_level
            && l != "none"
            && Severity::parse(l).is_none()
        {
            return Err(error(
                path,
                text,
                format!("unknown fail-level {l:?}: expected error, warning, info, style or none"),
                key_span(text, l),
                "not a severity",
            ));
        }
        for (rule, sev) in self.severity.iter().flatten() {
            if Severity::parse(sev).is_none() {
                return Err(error(
                    path,
                    text,
                    format!(
                        "unknown severity {sev:?} for {rule}: expected error, warning, info or style"
                    ),
                    key_span(text, sev),
                    "not a severity",
                ));
            }
            if crate::linter::find_rule(rule).is_none() {
                return Err(error(
                    path,
                    text,
                    format!("[severity] names no rule: {rule}"),
                    key_span(text, rule),
                    "unknown rule",
                ));
            }
        }
        for list in [&self.select, &self.ignore].into_iter().flatten() {
            for s in list {
                if !crate::rules::all().iter().any(|r| r.meta().matches(s)) {
                    return Err(error(
                        path,
                        text,
                        format!("selector {s:?} matches no rule"),
                        key_span(text, s),
                        "matches no rule",
                    ));
                }
            }
        }
        if let Some(m) = &self.multistage {
            for spec in &m.runtime {
                if let Err(e) = crate::data::RuntimeImage::new(spec.clone()) {
                    return Err(error(
                        path,
                        text,
                        format!("[[multistage.runtime]]: {e}"),
                        key_span(text, &spec.builder),
                        "bad runtime mapping",
                    ));
                }
            }
            for eco in m.outputs.keys() {
                if !crate::data::BUILD_ECOSYSTEMS.contains(&eco.as_str()) {
                    return Err(error(
                        path,
                        text,
                        format!(
                            "[multistage.outputs]: unknown ecosystem {eco:?}: expected one of {}",
                            crate::data::BUILD_ECOSYSTEMS.join(", ")
                        ),
                        key_span(text, eco),
                        "unknown ecosystem",
                    ));
                }
            }
        }
        for pat in self.exclude.iter().chain(self.include.iter()).flatten() {
            if let Err(e) = globset::Glob::new(pat) {
                return Err(error(
                    path,
                    text,
                    format!("bad glob {pat:?}: {e}"),
                    key_span(text, pat),
                    "bad glob",
                ));
            }
        }
        Ok(())
    }

    /// Settings for the rules (the command line may override some afterwards).
    pub fn settings(&self) -> Settings {
        Settings {
            select: self.select.clone().unwrap_or_default(),
            ignore: self.ignore.clone().unwrap_or_default(),
            severity: self
                .severity
                .iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), Severity::parse(v)?)))
                .collect(),
            trusted_registries: self
                .registries
                .as_ref()
                .map(|r| r.trusted.clone())
                .unwrap_or_default(),
            allowed_images: self
                .images
                .as_ref()
                .map(|i| i.allowed.clone())
                .unwrap_or_default(),
            label_schema: self
                .labels
                .as_ref()
                .map(|l| l.schema.clone())
                .unwrap_or_default(),
            strict_labels: self.labels.as_ref().is_some_and(|l| l.strict),
            pins: self.pins.clone().unwrap_or_default(),
            multistage: self
                .multistage
                .as_ref()
                .map(|m| crate::settings::MultistageSettings {
                    runtimes: m
                        .runtime
                        .iter()
                        .filter_map(|s| crate::data::RuntimeImage::new(s.clone()).ok())
                        .collect(),
                    outputs: m.outputs.clone(),
                })
                .unwrap_or_default(),
            context: None,
        }
    }
}

/// A commented starting configuration (`dockopt init`).
pub const TEMPLATE: &str = r#"# dockopt configuration. Every key is optional; see docs/configuration.md.

# Rules to run: codes (DO201), prefixes (DO2), names, categories (security) or aliases
# (DL3006, buildkit:StageNameCasing). Default: all.
# select = ["ALL"]

# Rules to skip, same selectors.
# ignore = ["DO704"]

# Lowest severity that fails `dockopt lint`: error, warning, info, style or none.
# fail-level = "warning"

# Extra file-name globs to lint, and path globs never to lint.
# include = ["*.containerfile"]
# exclude = ["vendor/**", "**/testdata/**"]

# Per-rule severity.
# [severity]
# DL3006 = "error"
# root-user = "error"

# Registries base images may come from (empty: any).
# [registries]
# trusted = ["docker.io", "ghcr.io"]

# Base images allowed (globs on name[:tag]; empty: any).
# [images]
# allowed = ["node:*-slim", "python:*", "gcr.io/distroless/*"]

# Labels the final image must carry, and their types.
# [labels]
# strict = false
# [labels.schema]
# "org.opencontainers.image.source" = "url"
# "org.opencontainers.image.version" = "semver"

# Pins for unpinned base images: `dockopt fix` applies them as safe fixes.
# [pins]
# node = "20.11.1-bookworm-slim"

# The multi-stage rewrite of single-stage builds (DO230). Runtime images for your own builder
# images, tried before the built-in ones (rules/multistage.toml): `builder` is a pattern on the
# builder's name:tag (`*` any text, `{name}` a captured word, `{name:REGEX}`, `{*name}` any
# text), `image` the runtime image (`{name}`, `{name.major}`, `{name.minor}` put captures in),
# `provides` what it has (sh, bash, apt, apk, glibc, musl, node, python, java, dotnet, aspnet,
# other programs), `user` the non-root user to run as; optional `full = true` (the builder has
# C compilers), `copy` (files copied from the builder), `assumes` (keeps the rewrite
# display-only). An entry without `image` marks a builder image that is not an SDK image.
# [[multistage.runtime]]
# ecosystem = "go"
# builder = "registry.example.com/go-builder:{version}"
# image = "registry.example.com/static:{version}"
# provides = []
# user = "65532:65532"
#
# More places an ecosystem's build writes what the image runs (relative to the build's
# directory, or absolute; `*` matches one path component).
# [multistage.outputs]
# java = ["dist/*.jar"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_structs() {
        let keys = Config::keys();
        for k in [
            "select",
            "fail-level",
            "severity",
            "registries.trusted",
            "images.allowed",
            "labels.schema",
            "labels.strict",
            "pins",
        ] {
            assert!(keys.iter().any(|x| x == k), "{k} missing from {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.contains('_')), "{keys:?}");
    }

    /// The template's commented lines, uncommented: the examples a user would enable.
    fn uncommented(template: &str) -> String {
        let setting = regex::Regex::new(r#"^(\[\[?[a-z.]+\]\]?|[A-Za-z0-9"._-]+ = .+)$"#).unwrap();
        template
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if setting.is_match(rest) => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_template_parses_and_mentions_every_key() {
        let p = Path::new("dockopt.toml");
        Config::parse(p, TEMPLATE).expect("the template parses as it is");
        let on = uncommented(TEMPLATE);
        let cfg = Config::parse(p, &on).unwrap_or_else(|e| panic!("{e}\n{on}"));
        // every example is really a setting: each key is set once uncommented
        for key in Config::keys() {
            let (table, leaf) = key.split_once('.').unwrap_or(("", &key));
            let set = if table.is_empty() {
                on.lines().any(|l| {
                    l.starts_with(&format!("{leaf} ="))
                        || l == format!("[{leaf}]")
                        || l.starts_with(&format!("[{leaf}."))
                        || l.starts_with(&format!("[[{leaf}."))
                })
            } else {
                on.lines().any(|l| {
                    l.starts_with(&format!("{leaf} ="))
                        || l == format!("[{table}.{leaf}]")
                        || l == format!("[[{table}.{leaf}]]")
                })
            };
            assert!(set, "the template does not show `{key}`");
        }
        assert!(cfg.registries.is_some() && cfg.labels.is_some() && cfg.pins.is_some());
    }
}
