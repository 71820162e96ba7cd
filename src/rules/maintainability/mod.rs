//! DO6xx: deprecated or confusing constructs.
mod apt_instead_of_apt_get;
mod bin_sh_replaced;
mod cd_in_run;
mod wget_and_curl;
mod wget_progress_bar;

pub use apt_instead_of_apt_get::AptInsteadOfAptGet;
pub use bin_sh_replaced::BinShReplaced;
pub use cd_in_run::CdInRun;
pub use wget_and_curl::WgetAndCurl;
pub use wget_progress_bar::WgetProgressBar;
