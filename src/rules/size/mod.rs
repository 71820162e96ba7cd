//! DO2xx: bigger images than needed.
mod apk_add_cache;
mod apt_lists_not_removed;
mod apt_no_install_recommends;
mod cleanup;
mod consecutive_run;
mod dnf_clean;
mod pip_cache_dir;
mod single_stage_build;
mod useradd_high_uid;
mod yarn_cache_clean;
mod yum_clean;
mod zypper_clean;

pub use apk_add_cache::ApkAddCache;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use apt_no_install_recommends::AptNoInstallRecommends;
pub use consecutive_run::ConsecutiveRun;
pub use dnf_clean::DnfClean;
pub use pip_cache_dir::PipCacheDir;
pub use single_stage_build::SingleStageBuild;
pub use useradd_high_uid::UseraddHighUid;
pub use yarn_cache_clean::YarnCacheClean;
pub use yum_clean::YumClean;
pub use zypper_clean::ZypperClean;
