//! Every rule, one file each, grouped by category. [`all`] is the one registry, sorted by code.
//!
//! Code ranges: DO0xx syntax, DO1xx correctness, DO2xx size, DO3xx cache, DO4xx security,
//! DO5xx reproducibility, DO6xx maintainability, DO7xx style.

pub mod cache;
pub mod common;
pub mod correctness;
pub mod maintainability;
pub mod multistage;
pub mod paths;
pub mod pm;
pub mod reproducibility;
pub mod resolve;
pub mod security;
pub mod size;
pub mod style;
pub mod syntax;
pub mod values;

use crate::rule::Rule;

/// All rules, sorted by code (a test checks the order and that codes and names are unique).
pub fn all() -> &'static [&'static dyn Rule] {
    static RULES: &[&dyn Rule] = &[
        &syntax::SyntaxError,
        &syntax::InvalidInstruction,
        &correctness::RelativeWorkdir,
        &correctness::InvalidExposePort,
        &correctness::DuplicateHealthcheck,
        &correctness::CopyMultipleSourcesToFile,
        &correctness::CopyFromUnknownStage,
        &correctness::CopyFromOwnStage,
        &correctness::DuplicateStageName,
        &correctness::ShellFormCmd,
        &correctness::PinnedFromPlatform,
        &correctness::DuplicateCmd,
        &correctness::DuplicateEntrypoint,
        &correctness::OnbuildInvalidTrigger,
        &correctness::InstructionBeforeFrom,
        &correctness::EnvReferenceInSameEnv,
        &correctness::CopyRelativeWithoutWorkdir,
        &correctness::CopyEntireFilesystem,
        &correctness::UndefinedVar,
        &correctness::UndefinedArgInFrom,
        &correctness::InvalidDefaultArgInFrom,
        &correctness::ReservedStageName,
        &correctness::CopyIgnoredFile,
        &correctness::ExposeInvalidFormat,
        &correctness::PipeWithoutPipefail,
        &correctness::SystemCommandInRun,
        &correctness::AptGetMissingYes,
        &correctness::YumMissingYes,
        &correctness::DnfMissingYes,
        &correctness::ZypperMissingNonInteractive,
        &correctness::ZypperDistUpgrade,
        &size::AptListsNotRemoved,
        &size::AptNoInstallRecommends,
        &size::ApkAddCache,
        &size::PipCacheDir,
        &size::YumClean,
        &size::ConsecutiveRun,
        &size::DnfClean,
        &size::ZypperClean,
        &size::YarnCacheClean,
        &size::DeletedInLaterLayer,
        &size::ChownAfterCopy,
        &size::BuildToolsInFinalStage,
        &size::NonRuntimeFolderCopied,
        &size::SingleStageBuild,
        &size::UseraddHighUid,
        &cache::UnfilteredBuildContext,
        &cache::CopyBeforeInstall,
        &cache::MissingCacheMount,
        &cache::VolatileArgTooEarly,
        &security::RootUser,
        &security::MissingUser,
        &security::TlsVerificationDisabled,
        &security::TlsVerificationDisabledEnv,
        &security::UnverifiedPackages,
        &security::SshPortExposed,
        &security::PasswordInRun,
        &security::SecretFileCopied,
        &security::CredentialsInRun,
        &security::SecretInArgOrEnv,
        &security::NonNumericUser,
        &security::SudoInRun,
        &security::DownloadPipedToShell,
        &reproducibility::UntaggedBaseImage,
        &reproducibility::LatestBaseImage,
        &reproducibility::UnpinnedAptPackage,
        &reproducibility::UnpinnedApkPackage,
        &reproducibility::UnpinnedPipPackage,
        &reproducibility::UnpinnedNpmPackage,
        &reproducibility::UnpinnedGem,
        &reproducibility::UnpinnedYumPackage,
        &reproducibility::UnpinnedDnfPackage,
        &reproducibility::UnpinnedZypperPackage,
        &reproducibility::UnpinnedGoPackage,
        &reproducibility::AptUpgrade,
        &reproducibility::UnpinnedTdnfPackage,
        &reproducibility::UntrustedRegistry,
        &reproducibility::DisallowedBaseImage,
        &maintainability::CopiedArchiveExtracted,
        &maintainability::AddInsteadOfCopy,
        &maintainability::MaintainerDeprecated,
        &maintainability::MissingHealthcheck,
        &maintainability::MissingLabel,
        &maintainability::UnknownLabel,
        &maintainability::EmptyLabel,
        &maintainability::InvalidLabelUrl,
        &maintainability::InvalidLabelTimestamp,
        &maintainability::InvalidLabelLicense,
        &maintainability::InvalidLabelHash,
        &maintainability::InvalidLabelSemver,
        &maintainability::InvalidLabelEmail,
        &maintainability::NoEmptyContinuation,
        &maintainability::LegacyKeyValueFormat,
        &maintainability::RedundantTargetPlatform,
        &maintainability::InvalidDefinitionDescription,
        &maintainability::CdInRun,
        &maintainability::AptInsteadOfAptGet,
        &maintainability::WgetProgressBar,
        &maintainability::WgetAndCurl,
        &maintainability::BinShReplaced,
        &maintainability::AddUrlWithoutChecksum,
        &maintainability::UnreachableStage,
        &style::StageNameCasing,
        &style::FromAsCasing,
        &style::InconsistentInstructionCasing,
        &style::ExposeProtoCasing,
        &style::InvalidLabelKey,
    ];
    RULES
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique() {
        let codes: Vec<&str> = all().iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "rules must be listed once each, sorted by code"
        );
        let mut names: Vec<&str> = all().iter().map(|r| r.meta().name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "rule names must be unique");
        for r in all() {
            let m = r.meta();
            assert!(m.code.len() == 5 && m.code.starts_with("DO"), "{}", m.code);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn closest_suggests_typos() {
        assert_eq!(closest("form", &["from", "run"]), Some("from"));
        assert_eq!(closest("xyzzy", &["from", "run"]), None);
    }
}
