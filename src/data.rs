//! Rule data that changes more often than code: `rules/*.toml`, compiled in and parsed once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BaseImages {
    /// image name → a suggested tag for display-only pin fixes.
    pub suggested_tags: BTreeMap<String, String>,
    pub non_root: NonRoot,
    #[serde(default)]
    pub scratch_images: NonRoot,
}

/// A list of image name patterns.
#[derive(Debug, Default, Deserialize)]
pub struct NonRoot {
    pub images: Vec<String>,
}

/// `rules/base-images.toml`.
pub fn base_images() -> &'static BaseImages {
    static DATA: OnceLock<BaseImages> = OnceLock::new();
    DATA.get_or_init(|| {
        toml::from_str(include_str!("../rules/base-images.toml"))
            .expect("rules/base-images.toml is valid (checked by tests)")
    })
}

/// Images known to run as a non-root user, as a glob set on `name[:tag]`.
pub fn non_root_images() -> &'static GlobSet {
    static SET: OnceLock<GlobSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut b = GlobSetBuilder::new();
        for p in &base_images().non_root.images {
            if let Ok(g) = Glob::new(p) {
                b.add(g);
            }
        }
        b.build().unwrap_or_else(|_| GlobSet::empty())
    })
}

/// Images built from scratch that are meant to be copied whole, as a glob set on the name.
pub fn scratch_images() -> &'static GlobSet {
    static SET: OnceLock<GlobSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut b = GlobSetBuilder::new();
        for p in &base_images().scratch_images.images {
            if let Ok(g) = Glob::new(p) {
                b.add(g);
            }
        }
        b.build().unwrap_or_else(|_| GlobSet::empty())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_files_parse() {
        let b = super::base_images();
        assert!(b.suggested_tags.contains_key("node"));
        assert!(!b.non_root.images.is_empty());
        assert!(super::scratch_images().is_match("tonistiigi/xx"));
        for p in &b.non_root.images {
            globset::Glob::new(p).unwrap();
        }
    }
}

/// One package manager (`rules/package-managers.toml`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageManager {
    pub commands: Vec<String>,
    pub install: Vec<String>,
    pub update: Vec<String>,
    pub upgrade: Vec<String>,
    pub yes_flags: Vec<String>,
    pub no_cache_flags: Vec<String>,
    pub cache_dirs: Vec<String>,
    pub cleanup: Vec<String>,
    pub pin: String,
    /// Options that take the next word as their value when it is not attached.
    #[serde(default)]
    pub value_flags: Vec<String>,
    /// Options are whole words after one dash (`-ldflags`), never one-letter clusters.
    #[serde(default)]
    pub long_single_dash: bool,
}

/// `rules/package-managers.toml`, by manager name (`apt-get`, `apk`, …).
pub fn package_managers() -> &'static BTreeMap<String, PackageManager> {
    static DATA: OnceLock<BTreeMap<String, PackageManager>> = OnceLock::new();
    DATA.get_or_init(|| {
        toml::from_str(include_str!("../rules/package-managers.toml"))
            .expect("rules/package-managers.toml is valid (checked by tests)")
    })
}

/// The manager a program name runs (`apt-get` → apt-get, `pip3` → pip, `microdnf` → dnf).
pub fn package_manager(program: &str) -> Option<(&'static str, &'static PackageManager)> {
    // A sorted table and a binary search: this runs for many commands of every file, and a
    // handful of string comparisons is cheaper than hashing the name.
    type ByProgram = Vec<(&'static str, &'static str, &'static PackageManager)>;
    static BY_PROGRAM: OnceLock<ByProgram> = OnceLock::new();
    let table = BY_PROGRAM.get_or_init(|| {
        let mut v = ByProgram::new();
        for (name, pm) in package_managers() {
            for c in &pm.commands {
                if !v.iter().any(|(p, _, _)| p == c) {
                    v.push((c.as_str(), name.as_str(), pm));
                }
            }
        }
        v.sort_by_key(|e| e.0);
        v
    });
    table
        .binary_search_by(|e| e.0.cmp(program))
        .ok()
        .map(|i| (table[i].1, table[i].2))
}

#[cfg(test)]
mod pm_tests {
    #[test]
    fn package_managers_parse() {
        let pms = super::package_managers();
        assert!(pms.contains_key("apt-get") && pms.contains_key("apk"));
        for (name, m) in pms {
            assert!(!m.commands.is_empty() && !m.install.is_empty(), "{name}");
            assert!(
                ["=", "==", "@", "-", ":", "none"].contains(&m.pin.as_str()),
                "{name}"
            );
        }
        assert_eq!(super::package_manager("pip3").unwrap().0, "pip");
        assert_eq!(super::package_manager("microdnf").unwrap().0, "dnf");
        assert!(super::package_manager("make").is_none());
        for (name, m) in pms {
            for f in &m.value_flags {
                assert!(f.starts_with('-') && f.len() >= 2, "{name}: {f}");
                assert!(
                    m.long_single_dash || f.len() == 2 || f.starts_with("--"),
                    "{name}: {f}"
                );
            }
        }
    }
}

/// One dependency ecosystem (`rules/ecosystems.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ecosystem {
    pub name: String,
    /// argv prefixes (program, then words) that install from manifests.
    pub installs: Vec<Vec<String>>,
    pub required: Vec<String>,
    pub optional: Vec<String>,
    /// A command that downloads dependencies from the manifests alone.
    #[serde(default)]
    pub fetch: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Ecosystems {
    ecosystem: Vec<Ecosystem>,
}

/// `rules/ecosystems.toml`.
pub fn ecosystems() -> &'static [Ecosystem] {
    static DATA: OnceLock<Ecosystems> = OnceLock::new();
    &DATA
        .get_or_init(|| {
            toml::from_str(include_str!("../rules/ecosystems.toml"))
                .expect("rules/ecosystems.toml is valid (checked by tests)")
        })
        .ecosystem
}

#[cfg(test)]
mod eco_tests {
    #[test]
    fn ecosystems_parse() {
        let e = super::ecosystems();
        assert!(e.iter().any(|x| x.name == "npm"));
        for x in e {
            assert!(!x.installs.is_empty(), "{}", x.name);
        }
    }
}

/// One ecosystem of the multi-stage rewrite (`rules/multistage.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BuildEcosystem {
    pub name: String,
    pub title: String,
    /// argv prefixes that build an artifact.
    pub builds: Vec<Vec<String>>,
    /// argv prefixes that install dependencies (a build on a `full` image).
    pub installs: Vec<Vec<String>>,
    /// Where builds write what the image runs (relative to the build's directory, or absolute).
    pub outputs: Vec<String>,
    pub caches: Vec<CacheMount>,
    /// argv prefixes of a CMD/ENTRYPOINT that needs the toolchain at run time.
    pub dev: Vec<Vec<String>>,
}

/// Cache mounts for the builder's RUNs that run one of `programs`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheMount {
    pub programs: Vec<String>,
    pub targets: Vec<String>,
    /// Variables that move the cache: no mount when the stage sets one.
    pub env: Vec<String>,
}

/// A builder image → runtime image mapping, as written in TOML.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RuntimeSpec {
    pub ecosystem: String,
    /// Pattern on the builder's `name:tag` (see [`ImagePattern`]).
    pub builder: String,
    /// The runtime image template; None: the builder is not an SDK image.
    #[serde(default)]
    pub image: Option<String>,
    /// The builder image carries C compilers.
    #[serde(default)]
    pub full: bool,
    #[serde(default)]
    pub provides: Vec<String>,
    #[serde(default)]
    pub user: Option<String>,
    /// Files copied from the builder into the runtime (CA certificates).
    #[serde(default)]
    pub copy: Vec<String>,
    #[serde(default)]
    pub assumes: Option<String>,
}

/// A compiled [`RuntimeSpec`].
#[derive(Clone, Debug)]
pub struct RuntimeImage {
    pub spec: RuntimeSpec,
    pub pattern: ImagePattern,
}

impl RuntimeImage {
    /// Compile a spec; the error says what is wrong with it.
    pub fn new(spec: RuntimeSpec) -> Result<RuntimeImage, String> {
        if !BUILD_ECOSYSTEMS.contains(&spec.ecosystem.as_str()) {
            return Err(format!(
                "unknown ecosystem {:?}: expected one of {}",
                spec.ecosystem,
                BUILD_ECOSYSTEMS.join(", ")
            ));
        }
        let pattern = ImagePattern::new(&spec.builder)?;
        for t in spec
            .image
            .iter()
            .chain(spec.assumes.iter())
            .chain(spec.user.iter())
        {
            pattern.check_template(t)?;
        }
        Ok(RuntimeImage { spec, pattern })
    }
}

/// The ecosystems the rewrite knows (each has code of its own).
pub const BUILD_ECOSYSTEMS: &[&str] = &["go", "rust", "node", "python", "java", "dotnet"];

/// A pattern on an image's `name:tag`: `*` any text, `{name}` a captured word (letters, digits,
/// dots, underscores), `{name:RE}` a capture matching the regular expression RE, `{*name}` a
/// capture of any text. Matching ignores case.
#[derive(Clone, Debug)]
pub struct ImagePattern {
    re: regex::Regex,
    names: Vec<String>,
}

/// Captures of a matched [`ImagePattern`].
pub type Captures = Vec<(String, String)>;

impl ImagePattern {
    pub fn new(p: &str) -> Result<ImagePattern, String> {
        let mut re = String::from("(?i)^");
        let mut names = Vec::new();
        let mut chars = p.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '*' => re.push_str(".*"),
                '{' => {
                    // up to the matching brace (regular expressions may hold braces)
                    let mut depth = 1;
                    let mut end = None;
                    for (j, d) in chars.by_ref() {
                        match d {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(j);
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let end = end.ok_or_else(|| format!("unclosed `{{` in {p:?}"))?;
                    let inner = &p[i + 1..end];
                    let (name, body) = if let Some(n) = inner.strip_prefix('*') {
                        (n, ".*".to_string())
                    } else {
                        match inner.split_once(':') {
                            Some((n, r)) => (n, r.to_string()),
                            None => (inner, "[A-Za-z0-9._]+".to_string()),
                        }
                    };
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(format!("bad capture name {name:?} in {p:?}"));
                    }
                    if names.iter().any(|n| n == name) {
                        return Err(format!("capture {name:?} used twice in {p:?}"));
                    }
                    names.push(name.to_string());
                    re.push_str(&format!("(?P<{name}>{body})"));
                }
                _ => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        let re = regex::Regex::new(&re).map_err(|e| format!("bad pattern {p:?}: {e}"))?;
        Ok(ImagePattern { re, names })
    }

    /// The captures when `image` (`name:tag`) matches.
    pub fn captures(&self, image: &str) -> Option<Captures> {
        let c = self.re.captures(image)?;
        Some(
            self.names
                .iter()
                .map(|n| {
                    let v = c.name(n).map_or("", |m| m.as_str());
                    (n.clone(), v.to_string())
                })
                .collect(),
        )
    }

    /// Check that a template uses only this pattern's captures.
    pub fn check_template(&self, t: &str) -> Result<(), String> {
        expand_template(t, &|n| self.names.iter().any(|x| x == n).then(String::new)).map(|_| ())
    }
}

/// Fill a template: `{name}`, `{name.major}` (up to the first dot), `{name.minor}` (up to the
/// second dot).
pub fn expand_captures(t: &str, caps: &Captures) -> String {
    expand_template(t, &|n| {
        caps.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
    })
    .unwrap_or_else(|_| t.to_string())
}

fn expand_template(t: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            return Err(format!("unclosed `{{` in {t:?}"));
        };
        let inner = &rest[i + 1..i + j];
        let (name, part) = match inner.split_once('.') {
            Some((n, p)) => (n, Some(p)),
            None => (inner, None),
        };
        let v = lookup(name).ok_or_else(|| {
            format!("{t:?} uses {{{name}}}, which the builder pattern does not capture")
        })?;
        let v = match part {
            None => v,
            Some("major") => v.split('.').next().unwrap_or("").to_string(),
            Some("minor") => v.splitn(3, '.').take(2).collect::<Vec<_>>().join("."),
            Some(p) => return Err(format!("unknown part .{p} in {t:?} (major or minor)")),
        };
        out.push_str(&v);
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MultistageFile {
    ecosystem: Vec<BuildEcosystem>,
    runtime: Vec<RuntimeSpec>,
    packages: MultistagePackages,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MultistagePackages {
    build: Vec<String>,
}

/// `rules/multistage.toml`, compiled.
#[derive(Debug)]
pub struct Multistage {
    pub ecosystems: Vec<BuildEcosystem>,
    pub runtimes: Vec<RuntimeImage>,
    /// OS packages needed only to build, as a glob set.
    pub build_packages: GlobSet,
}

/// `rules/multistage.toml`.
pub fn multistage() -> &'static Multistage {
    static DATA: OnceLock<Multistage> = OnceLock::new();
    DATA.get_or_init(|| {
        let f: MultistageFile = toml::from_str(include_str!("../rules/multistage.toml"))
            .expect("rules/multistage.toml is valid (checked by tests)");
        let mut b = GlobSetBuilder::new();
        for p in &f.packages.build {
            if let Ok(g) = Glob::new(p) {
                b.add(g);
            }
        }
        Multistage {
            ecosystems: f.ecosystem,
            runtimes: f
                .runtime
                .into_iter()
                .map(|s| RuntimeImage::new(s).expect("rules/multistage.toml patterns compile"))
                .collect(),
            build_packages: b.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    })
}

#[cfg(test)]
mod multistage_tests {
    use super::*;

    #[test]
    fn multistage_data_compiles() {
        let m = multistage();
        for e in BUILD_ECOSYSTEMS {
            assert!(m.ecosystems.iter().any(|x| x.name == *e), "{e}");
        }
        assert!(m.build_packages.is_match("libpq-dev"));
        assert!(!m.build_packages.is_match("tini"));
    }

    fn runtime_for(image: &str) -> Option<String> {
        multistage().runtimes.iter().find_map(|r| {
            let caps = r.pattern.captures(image)?;
            Some(
                r.spec
                    .image
                    .as_ref()
                    .map_or(String::new(), |t| expand_captures(t, &caps)),
            )
        })
    }

    #[test]
    fn mappings() {
        let cases = [
            ("golang:1.22", "gcr.io/distroless/static-debian12:nonroot"),
            (
                "rust:1.79-bookworm",
                "gcr.io/distroless/cc-debian12:nonroot",
            ),
            (
                "rust:1.79-slim-bullseye",
                "gcr.io/distroless/cc-debian11:nonroot",
            ),
            ("node:20.11.1", "node:20-slim"),
            ("node:20-alpine3.19", "node:20-alpine3.19"),
            ("node:lts-bookworm", "node:lts-bookworm-slim"),
            ("node:latest", "node:slim"),
            ("python:3.12", "python:3.12-slim"),
            ("python:3.11-bookworm", "python:3.11-slim-bookworm"),
            ("maven:3.9-eclipse-temurin-21", "eclipse-temurin:21-jre"),
            (
                "maven:3.9.6-eclipse-temurin-17-alpine",
                "eclipse-temurin:17-jre-alpine",
            ),
            ("maven:3-jdk-11", "openjdk:11-jre-slim"),
            ("gradle:8.5-jdk17", "eclipse-temurin:17-jre"),
            (
                "eclipse-temurin:21-jdk-jammy",
                "eclipse-temurin:21-jre-jammy",
            ),
            ("eclipse-temurin:21-jre-jammy", ""),
            ("openjdk:8-jdk-alpine", "openjdk:8-jre-alpine"),
            (
                "mcr.microsoft.com/dotnet/sdk:8.0.100-alpine3.19",
                "mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine3.19",
            ),
            (
                "mcr.microsoft.com/dotnet/sdk:6.0-bullseye-slim",
                "mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim",
            ),
        ];
        for (builder, want) in cases {
            assert_eq!(runtime_for(builder).as_deref(), Some(want), "{builder}");
        }
        assert_eq!(runtime_for("python:3.12-slim"), None);
        assert_eq!(runtime_for("ubuntu:24.04"), None);
    }

    #[test]
    fn pattern_errors() {
        assert!(ImagePattern::new("a:{x").is_err());
        assert!(ImagePattern::new("a:{x}-{x}").is_err());
        let p = ImagePattern::new("a:{v}").unwrap();
        assert!(p.check_template("b:{v.major}").is_ok());
        assert!(p.check_template("b:{w}").is_err());
        assert!(p.check_template("b:{v.patch}").is_err());
    }
}
