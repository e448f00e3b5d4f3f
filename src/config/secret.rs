//! Secrets in the config (the YouTube Data API key): readable by the one request that needs
//! them, invisible everywhere else (`Debug`, `scout config`, errors).

use serde::{Deserialize, Serialize};

/// The env variable that supplies `sources.youtube.api_key` when the config has none.
pub const YOUTUBE_API_KEY_ENV: &str = "SCOUT_YOUTUBE_API_KEY";

/// A secret that never shows: `Debug` and serialisation (so `scout config`) print
/// [`ApiKey::HIDDEN`]; only [`ApiKey::expose`] gives the key, to the one request header that
/// needs it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    pub const HIDDEN: &'static str = "<hidden>";

    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(ApiKey::HIDDEN)
    }
}

impl Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(ApiKey::HIDDEN)
    }
}
