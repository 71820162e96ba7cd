//! DO6xx: deprecated or confusing constructs.
mod cd_in_run;

pub use cd_in_run::CdInRun;
