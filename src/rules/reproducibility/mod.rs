//! DO5xx: builds that can change without the file changing.
mod apt_upgrade;
mod latest_base_image;
mod package_pin;
mod pin;
mod unpinned_apk_package;
mod unpinned_apt_package;
mod unpinned_dnf_package;
mod unpinned_gem;
mod unpinned_go_package;
mod unpinned_npm_package;
mod unpinned_pip_package;
mod unpinned_yum_package;
mod unpinned_zypper_package;
mod untagged_base_image;

pub use apt_upgrade::AptUpgrade;
pub use latest_base_image::LatestBaseImage;
pub use unpinned_apk_package::UnpinnedApkPackage;
pub use unpinned_apt_package::UnpinnedAptPackage;
pub use unpinned_dnf_package::UnpinnedDnfPackage;
pub use unpinned_gem::UnpinnedGem;
pub use unpinned_go_package::UnpinnedGoPackage;
pub use unpinned_npm_package::UnpinnedNpmPackage;
pub use unpinned_pip_package::UnpinnedPipPackage;
pub use unpinned_yum_package::UnpinnedYumPackage;
pub use unpinned_zypper_package::UnpinnedZypperPackage;
pub use untagged_base_image::UntaggedBaseImage;
