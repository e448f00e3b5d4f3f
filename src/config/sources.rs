//! `[sources.*]`: per-platform settings (API bases, page sizes, thread budgets, documented rates).

use serde::{Deserialize, Serialize};

use super::rates::{BLUESKY_RATE, MASTODON_RATE};
use super::secret::ApiKey;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourcesConfig {
    pub bluesky: BlueskyConfig,
    pub youtube: YoutubeConfig,
    pub mastodon: MastodonConfig,
    pub peertube: PeertubeConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlueskyConfig {
    pub api_base: String,
    /// Threads read through `getPostThread` per creator (each is one request): the newest
    /// posts whose reply count is new or grew since the last crawl.
    pub max_threads: usize,
    /// Requests per second to the `api_base` host (unless `[crawl.hosts]` names it).
    pub rate: f64,
    pub burst: u32,
    /// On a refresh, ask for profiles and known posts' counts 25 at a time (`getProfiles`,
    /// `getPosts`) instead of one `getProfile` and `getAuthorFeed` per account.
    pub batch_refresh: bool,
}

impl Default for BlueskyConfig {
    fn default() -> Self {
        BlueskyConfig {
            api_base: "https://public.api.bsky.app".to_string(),
            max_threads: DEFAULT_MAX_THREADS,
            rate: BLUESKY_RATE.rate,
            burst: BLUESKY_RATE.burst,
            batch_refresh: true,
        }
    }
}

/// Thread requests per creator and crawl: with the profile and one page of posts, at most 12
/// requests for a new creator.
pub const DEFAULT_MAX_THREADS: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct YoutubeConfig {
    pub base: String,
    /// YouTube Data API v3 key (or env `SCOUT_YOUTUBE_API_KEY`). Without one, channels are
    /// read through their Atom feed only.
    pub api_key: Option<ApiKey>,
    pub api_base: String,
    /// Quota units per key per day (the API's default project quota).
    pub daily_quota: u64,
    /// Newest videos per channel whose comments are read (one unit each).
    pub max_comment_videos: usize,
    /// Where spent quota is remembered across runs; empty = `youtube_quota.json` beside the
    /// index (`scout crawl` fills it in), or in memory only for library callers.
    pub quota_file: String,
}

impl Default for YoutubeConfig {
    fn default() -> Self {
        YoutubeConfig {
            base: "https://www.youtube.com".to_string(),
            api_key: None,
            api_base: "https://www.googleapis.com/youtube/v3".to_string(),
            daily_quota: 10_000,
            max_comment_videos: 10,
            quota_file: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeertubeConfig {
    /// Videos (and comment threads) asked per page (`count`; instances allow up to 100).
    pub page_size: usize,
    /// Newest videos per channel whose comment threads are read (one request each, plus one
    /// per thread with replies).
    pub max_threads: usize,
}

impl Default for PeertubeConfig {
    fn default() -> Self {
        PeertubeConfig {
            page_size: 25,
            max_threads: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MastodonConfig {
    /// Statuses requested per page (the API allows up to 40).
    pub page_size: usize,
    /// Threads read through `/context` per creator (each is one request): the newest posts
    /// whose reply count is new or grew since the last crawl.
    pub max_threads: usize,
    /// Requests per second to every server read through the Mastodon API (unless
    /// `[crawl.hosts]` names it).
    pub rate: f64,
    pub burst: u32,
}

impl Default for MastodonConfig {
    fn default() -> Self {
        MastodonConfig {
            page_size: 40,
            max_threads: DEFAULT_MAX_THREADS,
            rate: MASTODON_RATE.rate,
            burst: MASTODON_RATE.burst,
        }
    }
}
