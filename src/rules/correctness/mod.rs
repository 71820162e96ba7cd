//! DO1xx: the build fails or behaves differently from what the file suggests.
mod apt_get_missing_yes;
mod dnf_missing_yes;
mod missing_yes;
mod yum_missing_yes;
mod zypper_dist_upgrade;
mod zypper_missing_non_interactive;

pub use apt_get_missing_yes::AptGetMissingYes;
pub use dnf_missing_yes::DnfMissingYes;
pub use yum_missing_yes::YumMissingYes;
pub use zypper_dist_upgrade::ZypperDistUpgrade;
pub use zypper_missing_non_interactive::ZypperMissingNonInteractive;
