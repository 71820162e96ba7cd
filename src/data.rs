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
