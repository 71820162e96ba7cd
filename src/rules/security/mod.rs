//! DO4xx: risky images and builds.
mod missing_user;
mod root_user;

pub use missing_user::MissingUser;
pub use root_user::RootUser;
