//! DO7xx: casing and formatting.
mod invalid_label_key;
mod redundant_target_platform;

pub use invalid_label_key::InvalidLabelKey;
pub use redundant_target_platform::RedundantTargetPlatform;
