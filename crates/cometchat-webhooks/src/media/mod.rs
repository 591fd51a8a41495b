// The guide's example uses an adapter's paths (what apps depend on); it
// runs as the axum adapter's doctest.
#![cfg_attr(not(doctest), doc = include_str!("../../MEDIA.md"))]

mod answer;
mod cache;
mod client;
mod credentials;
mod error;
mod event_urls;
mod exchange;
mod presigned;
mod url_policy;

pub use cache::CACHE_REFRESH_MARGIN;
pub use client::{API_KEY_VAR, APP_ID_VAR, DEFAULT_TIMEOUT, MediaClient, MediaClientBuilder};
pub use error::{AnswerProblem, MediaError, RefusalReason, SetupProblem};
pub use event_urls::{MediaOutcome, PresignedMedia, event_media_urls};
pub use presigned::{EXCHANGED_URL_LIFETIME, PresignedUrl};
