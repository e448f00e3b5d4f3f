//! Growth: how fast the audience grows, from the follower counts seen at each crawl.
//!
//! Formula: `follower_growth_30d = (now − then) / then × scale`, where "now" is the newest
//! observation and "then" the observation closest to 30 days before it, among those at least
//! [`MIN_WINDOW_HOURS`] older. When "then" lies within 30 ± [`TOLERANCE_DAYS`] days the scale
//! is 1; otherwise the growth is rescaled linearly to 30 days (`× 30 / age in days`), so that
//! a creator crawled for a week, or last seen 90 days ago, still gets a 30-day-equivalent
//! figure. `null` until there are two observations at different times (a day apart at
//! least), or when the older count is 0. Short windows are noisier: a 1-day window scaled to
//! 30 days magnifies day-to-day jitter, which is why `emerging` also needs a tier and a
//! threshold.
//!
//! `emerging` = nano or micro tier and `follower_growth_30d` ≥ [`EMERGING_GROWTH`] (10 % a
//! month).

use chrono::Duration;

use super::text::round3;
use crate::model::{FollowerPoint, Tier};

pub const TARGET_DAYS: f64 = 30.0;
pub const TOLERANCE_DAYS: f64 = 7.0;
pub const MIN_WINDOW_HOURS: i64 = 24;
pub const EMERGING_GROWTH: f64 = 0.10;

/// 30-day relative growth from follower history (any order; the newest point is "now").
pub fn growth_30d(history: &[FollowerPoint]) -> Option<f64> {
    let now = history.iter().max_by_key(|p| p.at)?;
    let target = now.at - Duration::days(TARGET_DAYS as i64);
    let then = history
        .iter()
        .filter(|p| now.at - p.at >= Duration::hours(MIN_WINDOW_HOURS))
        .min_by_key(|p| (p.at - target).num_seconds().abs())?;
    if then.followers == 0 {
        return None;
    }
    let age_days = (now.at - then.at).num_seconds() as f64 / 86_400.0;
    let raw = (now.followers as f64 - then.followers as f64) / then.followers as f64;
    let scale = if (age_days - TARGET_DAYS).abs() <= TOLERANCE_DAYS {
        1.0
    } else {
        TARGET_DAYS / age_days
    };
    Some(round3(raw * scale))
}

/// Fast-growing nano or micro creator.
pub fn is_emerging(tier: Option<Tier>, growth: Option<f64>) -> bool {
    matches!(tier, Some(Tier::Nano | Tier::Micro)) && growth.is_some_and(|g| g >= EMERGING_GROWTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn pt(day: i64, followers: u64) -> FollowerPoint {
        FollowerPoint {
            at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::days(day),
            followers,
        }
    }

    #[test]
    fn one_point_is_null() {
        assert_eq!(growth_30d(&[pt(0, 100)]), None);
        assert_eq!(growth_30d(&[]), None);
        // Two observations an hour apart are one crawl, not a trend.
        let close = [
            pt(0, 100),
            FollowerPoint {
                at: pt(0, 0).at + Duration::hours(1),
                followers: 120,
            },
        ];
        assert_eq!(growth_30d(&close), None);
    }

    #[test]
    fn two_points_thirty_days_apart() {
        assert_eq!(growth_30d(&[pt(0, 1000), pt(30, 1200)]), Some(0.2));
        assert_eq!(
            growth_30d(&[pt(30, 1200), pt(0, 1000)]),
            Some(0.2),
            "order does not matter"
        );
        assert_eq!(growth_30d(&[pt(0, 1000), pt(27, 900)]), Some(-0.1));
    }

    #[test]
    fn closest_to_thirty_days_wins_and_short_windows_scale() {
        let h = [pt(0, 500), pt(40, 1000), pt(45, 1100), pt(70, 1200)];
        // 30 days before day 70 is day 40.
        assert_eq!(growth_30d(&h), Some(0.2));
        // A 10-day window of +5 % reads as +15 % a month.
        assert_eq!(growth_30d(&[pt(0, 1000), pt(10, 1050)]), Some(0.15));
        // A 90-day window of +30 % reads as +10 % a month.
        assert_eq!(growth_30d(&[pt(0, 1000), pt(90, 1300)]), Some(0.1));
        assert_eq!(growth_30d(&[pt(0, 0), pt(30, 10)]), None);
    }

    #[test]
    fn emerging_needs_tier_and_growth() {
        assert!(is_emerging(Some(Tier::Micro), Some(0.12)));
        assert!(!is_emerging(Some(Tier::Macro), Some(0.5)));
        assert!(!is_emerging(Some(Tier::Nano), Some(0.05)));
        assert!(!is_emerging(None, Some(0.5)));
        assert!(!is_emerging(Some(Tier::Nano), None));
    }
}
