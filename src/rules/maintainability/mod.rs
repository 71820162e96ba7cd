//! DO6xx: confusing or hard-to-maintain constructs, and image metadata.
mod empty_label;
mod invalid_label_email;
mod invalid_label_hash;
mod invalid_label_license;
mod invalid_label_semver;
mod invalid_label_timestamp;
mod invalid_label_url;
pub(crate) mod labels;
mod missing_healthcheck;
mod missing_label;
mod unknown_label;

pub use empty_label::EmptyLabel;
pub use invalid_label_email::InvalidLabelEmail;
pub use invalid_label_hash::InvalidLabelHash;
pub use invalid_label_license::InvalidLabelLicense;
pub use invalid_label_semver::InvalidLabelSemver;
pub use invalid_label_timestamp::InvalidLabelTimestamp;
pub use invalid_label_url::InvalidLabelUrl;
pub use missing_healthcheck::MissingHealthcheck;
pub use missing_label::MissingLabel;
pub use unknown_label::UnknownLabel;
