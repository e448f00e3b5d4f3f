//! Signals: from a [`RawProfile`] (whatever source it came from) to a [`CreatorRecord`].
//!
//! Each signal is a small pure module; [`Extractor::extract`] only wires them together.
//! (Foundation version: engagement, tier and activity; the rest are null until built.)

pub mod engagement;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::model::{CreatorRecord, FollowerPoint, RawProfile, creator_id};

/// Holds what extraction needs that is costly to build once (taxonomy, lexicons).
#[derive(Debug, Clone)]
pub struct Extractor {
    config: Config,
}

impl Extractor {
    pub fn new(config: &Config) -> crate::Result<Extractor> {
        Ok(Extractor {
            config: config.clone(),
        })
    }

    /// Compute every signal for `raw`. `history` holds earlier follower observations (oldest
    /// first, this crawl's not included).
    pub fn extract(
        &self,
        raw: &RawProfile,
        history: &[FollowerPoint],
        now: DateTime<Utc>,
    ) -> CreatorRecord {
        let mut history = history.to_vec();
        if let Some(f) = raw.followers {
            history.push(FollowerPoint {
                at: now,
                followers: f,
            });
        }
        CreatorRecord {
            id: creator_id(&raw.profile_url),
            profile_url: raw.profile_url.clone(),
            platform: raw
                .platform
                .map(|p| p.to_string())
                .unwrap_or_else(|| "web".into()),
            handle: raw.handle.clone(),
            display_name: raw.display_name.clone(),
            bio: raw.bio.clone(),
            followers: raw.followers,
            tier: self.config.tiers.tier(raw.followers),
            engagement_rate: engagement::engagement_rate(raw),
            location: raw.location.clone(),
            posts_indexed: raw.posts.len() as u64,
            last_post_at: raw.posts.iter().filter_map(|p| p.published_at).max(),
            posts_per_week: engagement::posts_per_week(raw),
            fetched_at: now,
            is_bot: raw.is_bot,
            follower_history: history,
            ..Default::default()
        }
    }
}
