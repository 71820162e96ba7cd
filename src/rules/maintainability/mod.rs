//! DO6xx: deprecated or confusing constructs.
mod apt_instead_of_apt_get;
mod cd_in_run;
mod wget_progress_bar;

pub use apt_instead_of_apt_get::AptInsteadOfAptGet;
pub use cd_in_run::CdInRun;
pub use wget_progress_bar::WgetProgressBar;
