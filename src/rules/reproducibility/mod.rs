//! DO5xx: builds that can change without the file changing.
mod disallowed_base_image;
mod latest_base_image;
mod pin;
mod untagged_base_image;
mod untrusted_registry;

pub use disallowed_base_image::{DisallowedBaseImage, glob};
pub use latest_base_image::LatestBaseImage;
pub use untagged_base_image::UntaggedBaseImage;
pub use untrusted_registry::{UntrustedRegistry, registry_matches};
