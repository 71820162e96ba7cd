//! DO2xx: bigger images than needed.
mod apk_add_cache;
mod apt_lists_not_removed;
mod apt_no_install_recommends;
mod build_tools_in_final_stage;
mod chown_after_copy;
mod consecutive_run;
mod deleted_in_later_layer;
mod non_runtime_folder_copied;
mod pip_cache_dir;
mod useradd_high_uid;
mod yum_clean;

pub use apk_add_cache::ApkAddCache;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use apt_no_install_recommends::AptNoInstallRecommends;
pub use build_tools_in_final_stage::BuildToolsInFinalStage;
pub use chown_after_copy::ChownAfterCopy;
pub use consecutive_run::ConsecutiveRun;
pub use deleted_in_later_layer::DeletedInLaterLayer;
pub use non_runtime_folder_copied::NonRuntimeFolderCopied;
pub use pip_cache_dir::PipCacheDir;
pub use useradd_high_uid::UseraddHighUid;
pub use yum_clean::YumClean;
