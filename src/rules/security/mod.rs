//! DO4xx: risky images and builds.
mod credentials_in_run;
mod download_piped_to_shell;
mod missing_user;
mod non_numeric_user;
mod password_in_run;
mod root_user;
mod secret_file_copied;
mod secret_in_arg_or_env;
mod ssh_port_exposed;
mod sudo_in_run;
mod tls_verification_disabled;
mod tls_verification_disabled_env;
mod unverified_packages;

pub use credentials_in_run::CredentialsInRun;
pub use download_piped_to_shell::DownloadPipedToShell;
pub use missing_user::MissingUser;
pub use non_numeric_user::NonNumericUser;
pub use password_in_run::PasswordInRun;
pub use root_user::RootUser;
pub use secret_file_copied::SecretFileCopied;
pub use secret_in_arg_or_env::SecretInArgOrEnv;
pub use ssh_port_exposed::SshPortExposed;
pub use sudo_in_run::SudoInRun;
pub use tls_verification_disabled::TlsVerificationDisabled;
pub use tls_verification_disabled_env::TlsVerificationDisabledEnv;
pub use unverified_packages::UnverifiedPackages;
