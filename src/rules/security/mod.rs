//! DO4xx: risky images and builds.
mod download_piped_to_shell;
mod missing_user;
mod root_user;
mod sudo_in_run;

pub use download_piped_to_shell::DownloadPipedToShell;
pub use missing_user::MissingUser;
pub use root_user::RootUser;
pub use sudo_in_run::SudoInRun;
