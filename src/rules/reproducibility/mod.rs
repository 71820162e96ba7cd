//! DO5xx: builds that can change without the file changing.
mod latest_base_image;
mod pin;
mod untagged_base_image;

pub use latest_base_image::LatestBaseImage;
pub use untagged_base_image::UntaggedBaseImage;
