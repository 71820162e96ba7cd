//! DO4xx: risky images and builds.
mod missing_user;
mod non_numeric_user;
mod root_user;
mod secret_in_arg_or_env;

pub use missing_user::MissingUser;
pub use non_numeric_user::NonNumericUser;
pub use root_user::RootUser;
pub use secret_in_arg_or_env::SecretInArgOrEnv;
