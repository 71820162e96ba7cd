//! DO2xx: bigger images than needed.
mod apk_add_cache;
mod apt_lists_not_removed;
mod apt_no_install_recommends;
mod consecutive_run;
mod pip_cache_dir;
mod single_stage_build;
mod useradd_high_uid;
mod yum_clean;

pub use apk_add_cache::ApkAddCache;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use apt_no_install_recommends::AptNoInstallRecommends;
pub use consecutive_run::ConsecutiveRun;
pub use pip_cache_dir::PipCacheDir;
pub use single_stage_build::SingleStageBuild;
pub use useradd_high_uid::UseraddHighUid;
pub use yum_clean::YumClean;
