//! Engagement: per post (likes + comments + shares) / followers; the creator's rate is the
//! median, so one viral post does not make an account look engaged.
//!
//! - `engagement_rate` = median over posts that publish any count of
//!   (likes + comments + shares) / followers, where comments = the published count, else the
//!   comments read. `null` when followers are unknown (or 0) or no post has a count.
//! - `tier` from `[tiers]` (`nano` < `micro_min` ≤ `micro` < `macro_min` ≤ `macro`); `null`
//!   when followers are unknown.
//! - `posts_per_week` = dated posts / weeks between the oldest and newest (≥ 2 dated posts).
//! - `inflated` (the bought-audience pattern): followers at least `tiers.micro_min`, AND
//!   engagement below [`INFLATED_RATIO`] × the engagement expected at that size, AND
//!   `bot_comment_share` ≥ [`INFLATED_BOT_SHARE`]. The expectation is a curve, not one band:
//!   `expected(f) = 0.035 × (f / 10 000)^-0.2` (3.5 % at 10k followers, 2.2 % at 100k, 1.4 % at
//!   1M — typical published medians fall with audience size), so a 500k account at 0.3 % and a
//!   20k account at 0.7 % both qualify. Unknown engagement or comments never make a creator
//!   inflated.

use crate::config::TiersConfig;
use crate::model::RawProfile;

pub const INFLATED_RATIO: f64 = 0.25;
pub const INFLATED_BOT_SHARE: f64 = 0.5;

/// Engagement rate typical for an account of this size (see the module doc).
pub fn expected_engagement(followers: u64) -> f64 {
    0.035 * (followers.max(1) as f64 / 10_000.0).powf(-0.2)
}

/// Many followers, engagement far below what that size usually gets, and bot-heavy comments.
pub fn is_inflated(
    tiers: &TiersConfig,
    followers: Option<u64>,
    engagement: Option<f64>,
    bot_share: Option<f64>,
) -> bool {
    let (Some(f), Some(e), Some(b)) = (followers, engagement, bot_share) else {
        return false;
    };
    f >= tiers.micro_min && e < INFLATED_RATIO * expected_engagement(f) && b >= INFLATED_BOT_SHARE
}

/// Median over posts of (likes + comments + shares) / followers; `None` without followers or
/// without posts carrying any count.
pub fn engagement_rate(raw: &RawProfile) -> Option<f64> {
    let followers = raw.followers.filter(|&f| f > 0)? as f64;
    let mut rates: Vec<f64> = raw
        .posts
        .iter()
        .filter(|p| {
            p.likes.is_some()
                || p.shares.is_some()
                || p.comments_count.is_some()
                || !p.comments.is_empty()
        })
        .map(|p| {
            let comments = p.comments_count.unwrap_or(p.comments.len() as u64);
            (p.likes.unwrap_or(0) + comments + p.shares.unwrap_or(0)) as f64 / followers
        })
        .collect();
    median(&mut rates)
}

pub fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Posts per week between the oldest and newest dated post.
pub fn posts_per_week(raw: &RawProfile) -> Option<f64> {
    let dates: Vec<_> = raw.posts.iter().filter_map(|p| p.published_at).collect();
    let (min, max) = (dates.iter().min()?, dates.iter().max()?);
    let weeks = (*max - *min).num_seconds() as f64 / 604_800.0;
    (dates.len() >= 2 && weeks > 0.0).then(|| dates.len() as f64 / weeks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Post, Tier};

    #[test]
    fn tier_thresholds_come_from_config() {
        let t = TiersConfig {
            micro_min: 5_000,
            macro_min: 50_000,
        };
        assert_eq!(t.tier(Some(4_999)), Some(Tier::Nano));
        assert_eq!(t.tier(Some(5_000)), Some(Tier::Micro));
        assert_eq!(t.tier(Some(50_000)), Some(Tier::Macro));
        assert_eq!(t.tier(None), None);
        let d = TiersConfig::default();
        assert_eq!(d.tier(Some(5_000)), Some(Tier::Nano));
    }

    #[test]
    fn inflated_uses_a_size_curve_and_bot_comments() {
        let t = TiersConfig::default();
        // 500k followers at 0.3 % with bot comments: inflated.
        assert!(is_inflated(&t, Some(500_000), Some(0.003), Some(0.7)));
        // 20k followers at 0.7 % with bot comments: inflated too (expected ~3 %).
        assert!(is_inflated(&t, Some(20_000), Some(0.007), Some(0.6)));
        // Same numbers with genuine comments, or a nano account, or unknown data: not.
        assert!(!is_inflated(&t, Some(20_000), Some(0.007), Some(0.1)));
        assert!(!is_inflated(&t, Some(5_000), Some(0.001), Some(0.9)));
        assert!(!is_inflated(&t, Some(500_000), None, Some(0.9)));
        assert!(!is_inflated(&t, Some(500_000), Some(0.02), Some(0.9)));
        // A lower micro threshold in config brings smaller accounts in.
        let low = TiersConfig {
            micro_min: 5_000,
            macro_min: 50_000,
        };
        assert!(is_inflated(&low, Some(5_000), Some(0.001), Some(0.9)));
    }

    #[test]
    fn median_of_post_rates() {
        let raw = RawProfile {
            followers: Some(1000),
            posts: vec![
                Post {
                    likes: Some(10),
                    ..Default::default()
                },
                Post {
                    likes: Some(20),
                    shares: Some(10),
                    ..Default::default()
                },
                Post {
                    likes: Some(900),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(engagement_rate(&raw), Some(0.03));
        assert_eq!(
            engagement_rate(&RawProfile {
                followers: None,
                ..raw.clone()
            }),
            None
        );
    }
}
