//! The one data model every stage shares.
//!
//! Sources turn what a platform publishes into a [`RawProfile`] (with its [`Post`]s and their
//! [`Comment`]s) and nothing more: no judgement, no signals. `extract` turns a `RawProfile` into a
//! [`CreatorRecord`], the record INTERFACE.md documents, which `index` stores and `rank` returns.
//! Keeping "as published" and "as judged" in two types means a signal can be recomputed from the
//! stored raw data without re-crawling.

pub(crate) mod problem;

pub use problem::{FetchKind, Problem, ProblemKind};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a creator publishes. Serialised lower-case, as INTERFACE.md names them. A creator
/// whose source names no platform is a web creator (the default).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Mastodon,
    Bluesky,
    Youtube,
    #[default]
    Web,
    /// A blog or podcast known only through its RSS/Atom feed.
    Feed,
    /// A PeerTube account or channel, read through the instance's REST API.
    Peertube,
}

impl Platform {
    pub const ALL: [Platform; 6] = [
        Platform::Mastodon,
        Platform::Bluesky,
        Platform::Youtube,
        Platform::Web,
        Platform::Feed,
        Platform::Peertube,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Mastodon => "mastodon",
            Platform::Bluesky => "bluesky",
            Platform::Youtube => "youtube",
            Platform::Web => "web",
            Platform::Feed => "feed",
            Platform::Peertube => "peertube",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Follower-count tier. Thresholds live in `config::TiersConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Nano,
    Micro,
    Macro,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Nano, Tier::Micro, Tier::Macro];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Nano => "nano",
            Tier::Micro => "micro",
            Tier::Macro => "macro",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A creator as a source published it, before any judgement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawProfile {
    /// Canonical profile URL (INTERFACE.md "Sources" says which URL per platform).
    pub profile_url: String,
    pub platform: Option<Platform>,
    pub handle: String,
    pub display_name: String,
    pub bio: String,
    /// Follower count as published; `None` when the source does not publish it (never guessed).
    pub followers: Option<u64>,
    pub following: Option<u64>,
    /// Total posts as published by the platform (not only the ones we fetched).
    pub posts_count: Option<u64>,
    pub location: Option<String>,
    /// Profile metadata fields (Mastodon `fields`, schema.org properties...) as plain text.
    pub fields: Vec<(String, String)>,
    /// Other profiles and sites the creator links to (`sameAs`, profile links).
    pub links: Vec<String>,
    /// The account declares itself automated (Mastodon `bot: true`).
    pub is_bot: bool,
    /// The creator asked not to be indexed (noindex, discoverable: false, `!no-unauthenticated`).
    pub opted_out: bool,
    /// Language the platform declares for the account, a hint only.
    pub lang_hint: Option<String>,
    /// The creator's own posts: originals and their own thread continuations (self-replies).
    /// Every signal about the creator (themes, niches, engagement, sponsorship, language,
    /// `posts_indexed`) reads these only.
    pub posts: Vec<Post>,
    /// The account's replies to other accounts' posts, as its timeline showed them:
    /// conversation, never counted as posts. Kept so a stored record shows what was set apart
    /// (and how much of the timeline was talk rather than publishing).
    #[serde(default)]
    pub conversation: Vec<Post>,
    /// The URL this profile was read from (a feed URL, an API seed...), set by the crawler;
    /// `crawl --refresh` re-reads it.
    #[serde(default)]
    pub source_url: Option<String>,
}

/// One post by the creator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub id: String,
    pub url: String,
    /// Plain text (HTML already turned into text, hashtags and mentions kept).
    pub text: String,
    pub published_at: Option<DateTime<Utc>>,
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    /// Comment count as published (may exceed `comments.len()`).
    pub comments_count: Option<u64>,
    pub views: Option<u64>,
    /// Lower-case, without the leading `#`.
    pub hashtags: Vec<String>,
    /// Profile URLs (or handles when no URL is known) of accounts mentioned.
    pub mentions: Vec<String>,
    pub links: Vec<String>,
    /// Language the platform declares for the post, a hint only.
    pub lang_hint: Option<String>,
    /// The platform marks the post as paid / branded content.
    pub branded_content: bool,
    pub comments: Vec<Comment>,
    /// What this post answers, when it is a reply: the parent's id as the platform names it
    /// (Mastodon `in_reply_to_id`, Bluesky `reply.parent` AT URI, web `parentItem` /
    /// `inReplyTo` URL). Set on self-thread continuations and on `conversation` entries; how
    /// `creator_reply_share` finds the creator's answers in their own timeline.
    #[serde(default)]
    pub in_reply_to: Option<String>,
    /// Profile URL (else handle) of the parent's author, when the platform tells it (Mastodon
    /// `in_reply_to_account_id` resolved through the status's mentions, Bluesky
    /// `reply.parent.author`, web `parentItem.author`).
    #[serde(default)]
    pub in_reply_to_author: Option<String>,
}

impl Post {
    /// Comments as published, else the number read; `None` when neither is known.
    pub fn comments_known(&self) -> Option<u64> {
        self.comments_count
            .or_else(|| (!self.comments.is_empty()).then_some(self.comments.len() as u64))
    }
}

/// A reply or comment on a post, by the audience or by the creator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    /// The comment this one answers, `None` when it answers the post itself.
    pub parent_id: Option<String>,
    pub author_url: Option<String>,
    pub author_handle: String,
    pub text: String,
    pub published_at: Option<DateTime<Utc>>,
    pub likes: Option<u64>,
    /// Written by the creator of the post (a creator reply).
    pub by_creator: bool,
    /// Language the platform declares for the comment (Mastodon `language`, Bluesky
    /// `langs[0]`), a hint only: what audience languages fall back to for short comments.
    #[serde(default)]
    pub lang_hint: Option<String>,
}

/// One (date, followers) observation; every crawl appends one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FollowerPoint {
    pub at: DateTime<Utc>,
    pub followers: u64,
}

/// The creator record of INTERFACE.md: what `show --json`, `search --json` and HTTP return.
///
/// Field names are the public contract. Signals that could not be computed are `null`, never
/// made up. Fields after `fetched_at` are additions (allowed by the contract).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorRecord {
    pub id: String,
    pub profile_url: String,
    pub platform: Platform,
    pub handle: String,
    pub display_name: String,
    pub bio: String,
    pub followers: Option<u64>,
    pub tier: Option<Tier>,
    pub language: Option<String>,
    pub audience_languages: BTreeMap<String, f64>,
    pub engagement_rate: Option<f64>,
    pub themes: Vec<String>,
    pub niches: Vec<String>,
    pub theme_consistency: Option<f64>,
    pub comment_quality: Option<f64>,
    pub bot_comment_share: Option<f64>,
    pub creator_reply_share: Option<f64>,
    pub sponsored_share: Option<f64>,
    pub undisclosed_sponsored_posts: u64,
    pub emails: Vec<String>,
    pub location: Option<String>,
    pub posts_indexed: u64,
    pub last_post_at: Option<DateTime<Utc>>,
    pub follower_growth_30d: Option<f64>,
    pub fetched_at: DateTime<Utc>,
    pub brand_safety_flags: Vec<String>,
    /// Search results with `buyer` only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub buyer_match: Option<f64>,
    /// Search results with `ship_to` only: 0–1, how well the audience's languages and the
    /// stated location fit the shipped markets (addition).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ship_to_fit: Option<f64>,
    /// Search results with `values` only: 0–1 share of the creator's posts speaking to the
    /// brand's values (addition).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub values_share: Option<f64>,
    /// Search results with `avoid` only: the avoided topics found (brand-safety categories
    /// the creator is flagged for, phrases found in the posts) (addition).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub avoid_hits: Vec<String>,
    /// Search results only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score: Option<f64>,
    /// Search results with `explain` only: signal name → contribution to `score`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub explain: Option<serde_json::Value>,
    /// Search results with `explain` and a fit filter: what `buyer` / `ship_to` / `values` /
    /// `avoid` saw (the best-matching audience comments, market languages, matched values,
    /// avoided categories). An addition beside `explain`, which holds numbers only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence: Option<serde_json::Value>,
    /// Search results with `evidence` only: the creator's posts that best match the query,
    /// best first (what an outreach message quotes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence_posts: Option<Vec<EvidencePost>>,
    /// Search results with `evidence` and `buyer` only: the audience comments that best match
    /// the described buyer (addition).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence_comments: Option<Vec<String>>,

    // ---- additions beyond INTERFACE.md ----
    /// Posts per week over the indexed posts; null with fewer than two dated posts.
    pub posts_per_week: Option<f64>,
    /// Many followers, low engagement and bot-heavy comments: the bought-audience pattern.
    pub inflated: bool,
    /// Fast-growing nano or micro creator.
    pub emerging: bool,
    /// Posts that disclose sponsorship only unclearly (hidden or ambiguous markers).
    pub unclear_disclosure_posts: u64,
    /// The account declares itself automated.
    pub is_bot: bool,
    /// Evidence for each brand-safety flag: flag → post excerpts that triggered it.
    pub brand_safety_evidence: BTreeMap<String, Vec<String>>,
    /// Follower history, oldest first; one point per crawl.
    pub follower_history: Vec<FollowerPoint>,
    /// Share of posts speaking to each niche (niche id → 0–1).
    pub niche_shares: BTreeMap<String, f64>,
    /// Consecutive refreshes that found the profile gone (404/410); reset by a success.
    #[serde(default)]
    pub gone_strikes: u32,
}

/// One post quoted as evidence for a search result (INTERFACE.md `evidence_posts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidencePost {
    pub url: String,
    pub published_at: Option<DateTime<Utc>>,
    /// The best passage, HTML-escaped, with the query's words in `<b>…</b>`.
    pub snippet: String,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
}

/// Stable creator id: 16 hex digits of FNV-1a 64 over the canonical profile URL.
///
/// FNV is stable across Rust versions and platforms (std's `DefaultHasher` is not), which matters
/// because ids are stored and handed to other tools.
pub fn creator_id(profile_url: &str) -> String {
    format!("{:016x}", fnv1a64(profile_url.as_bytes()))
}

/// FNV-1a 64-bit; also used for shard assignment.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creator_id_is_stable_and_distinct() {
        let a = creator_id("https://example.org/@anna");
        assert_eq!(a.len(), 16);
        assert_eq!(a, creator_id("https://example.org/@anna"));
        assert_ne!(a, creator_id("https://example.org/@ben"));
        // Pinned so that a change of hash function (which would orphan stored ids) fails here.
        assert_eq!(creator_id(""), "cbf29ce484222325");
    }

    #[test]
    fn platform_and_tier_round_trip() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
        }
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
        }
        assert_eq!(Platform::parse("myspace"), None);
    }
}
