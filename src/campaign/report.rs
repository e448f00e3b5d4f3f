//! The campaign report of INTERFACE.md, per creator and per post, with totals; the same value
//! is printed by `scout campaign report` (`--json`, `--csv`, a table) and served by
//! `GET /v1/campaigns/{name}`.
//!
//! - `engagement_vs_median` = the post's interactions (likes + comments + shares) / the median
//!   interactions of the creator's posts, both as last read with the post (1.4 = 40 % above
//!   their usual; a deleted post keeps its last value); null when either is unknown or the
//!   median is 0.
//! - `overexposed`: the creator's `sponsored_share_30d` is above `[campaigns]
//!   overexposure_share`.
//! - Top performers first: creators who posted, by their best `engagement_vs_median` (unknown
//!   last), then by interactions; creators who have not posted yet after them, in the
//!   campaign's order.

use std::cmp::Reverse;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Campaign;
use super::store::{CreatorState, Disclosure, Recorded, RecordedPost};
use crate::rank::csv_rows::opt as cell;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub campaign: String,
    pub since: String,
    pub creators: Vec<CreatorReport>,
    pub totals: Totals,
    /// What the campaign looks for (addition).
    pub looks_for: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatorReport {
    pub profile_url: String,
    pub posted: bool,
    pub sponsored_share_30d: Option<f64>,
    pub posts: Vec<RecordedPost>,
    // ---- additions ----
    pub handle: String,
    pub display_name: String,
    pub overexposed: bool,
    /// Median interactions per post, the base of `engagement_vs_median`.
    pub median_interactions: Option<f64>,
    /// When a crawl last read the creator; null when none has yet.
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DisclosureCounts {
    pub present: u64,
    pub missing: u64,
    pub unclear: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub creators: u64,
    pub posted: u64,
    pub not_posted: u64,
    pub posts: u64,
    pub deleted_posts: u64,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    pub disclosure: DisclosureCounts,
    pub purchase_intent_comments: Option<u64>,
    pub overexposed_creators: u64,
    /// Median over the campaign's posts of `engagement_vs_median`.
    pub median_engagement_vs_median: Option<f64>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// likes + comments + shares; null when none of them is known.
fn interactions(likes: Option<u64>, comments: Option<u64>, shares: Option<u64>) -> Option<u64> {
    if likes.is_none() && comments.is_none() && shares.is_none() {
        return None;
    }
    Some(likes.unwrap_or(0) + comments.unwrap_or(0) + shares.unwrap_or(0))
}

fn creator_report(
    profile_url: &str,
    st: Option<&CreatorState>,
    overexposure_share: f64,
) -> CreatorReport {
    let Some(st) = st else {
        return CreatorReport {
            profile_url: profile_url.to_string(),
            posted: false,
            sponsored_share_30d: None,
            posts: Vec::new(),
            handle: String::new(),
            display_name: String::new(),
            overexposed: false,
            median_interactions: None,
            read_at: None,
        };
    };
    let mut posts: Vec<RecordedPost> = st.posts.values().cloned().collect();
    posts.sort_by_key(|p| (p.published_at, p.url.clone()));
    CreatorReport {
        profile_url: profile_url.to_string(),
        posted: !posts.is_empty(),
        sponsored_share_30d: st.sponsored_share_30d,
        posts,
        handle: st.handle.clone(),
        display_name: st.display_name.clone(),
        overexposed: st
            .sponsored_share_30d
            .is_some_and(|s| s > overexposure_share),
        median_interactions: st.median_interactions,
        read_at: st.read_at,
    }
}

fn sum(xs: impl Iterator<Item = Option<u64>>) -> Option<u64> {
    xs.fold(None, |acc, x| match (acc, x) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    })
}

fn totals(creators: &[CreatorReport]) -> Totals {
    let posts: Vec<&RecordedPost> = creators.iter().flat_map(|c| &c.posts).collect();
    let mut t = Totals {
        creators: creators.len() as u64,
        posted: creators.iter().filter(|c| c.posted).count() as u64,
        posts: posts.len() as u64,
        deleted_posts: posts.iter().filter(|p| p.deleted).count() as u64,
        likes: sum(posts.iter().map(|p| p.likes)),
        comments: sum(posts.iter().map(|p| p.comments)),
        shares: sum(posts.iter().map(|p| p.shares)),
        views: sum(posts.iter().map(|p| p.views)),
        purchase_intent_comments: sum(posts.iter().map(|p| p.purchase_intent_comments)),
        overexposed_creators: creators.iter().filter(|c| c.overexposed).count() as u64,
        ..Default::default()
    };
    t.not_posted = t.creators - t.posted;
    for p in &posts {
        match p.disclosure {
            Some(Disclosure::Present) => t.disclosure.present += 1,
            Some(Disclosure::Missing) => t.disclosure.missing += 1,
            Some(Disclosure::Unclear) => t.disclosure.unclear += 1,
            None => {}
        }
    }
    let mut ratios: Vec<f64> = posts
        .iter()
        .filter_map(|p| p.engagement_vs_median)
        .collect();
    t.median_engagement_vs_median = crate::extract::engagement::median(&mut ratios).map(round2);
    t
}

/// The best `engagement_vs_median` of a creator's posts, for ordering.
fn best_ratio(c: &CreatorReport) -> Option<f64> {
    c.posts
        .iter()
        .filter_map(|p| p.engagement_vs_median)
        .max_by(f64::total_cmp)
}

/// The report of `campaign` from what crawls recorded. `resolve` turns a creator entry that no
/// crawl has read yet into its canonical profile URL when the index knows it.
pub fn build_report(
    campaign: &Campaign,
    recorded: &Recorded,
    overexposure_share: f64,
    resolve: impl Fn(&str) -> Option<String>,
) -> Report {
    let mut creators: Vec<CreatorReport> = Vec::new();
    for entry in campaign.creators.iter().filter(|e| !e.trim().is_empty()) {
        let found = recorded
            .creators
            .iter()
            .find(|(url, st)| Campaign::names(entry, url, &st.handle));
        let report = match found {
            Some((url, st)) => creator_report(url, Some(st), overexposure_share),
            None => {
                let url = resolve(entry).unwrap_or_else(|| entry.trim().to_string());
                creator_report(&url, recorded.creators.get(&url), overexposure_share)
            }
        };
        if !creators.iter().any(|c| c.profile_url == report.profile_url) {
            creators.push(report);
        }
    }
    // Stable: creators who have not posted keep the campaign's order.
    creators.sort_by_key(|c| {
        let ratio = best_ratio(c).map(|r| (r * 1e6) as i64);
        let total: u64 = c
            .posts
            .iter()
            .filter_map(|p| interactions(p.likes, p.comments, p.shares))
            .sum();
        (
            !c.posted,
            Reverse(ratio.is_some()),
            Reverse(ratio),
            Reverse(total),
        )
    });
    let totals = totals(&creators);
    let mut looks_for: Vec<String> = Vec::new();
    looks_for.extend(campaign.mentions.iter().map(|m| format!("mention:{m}")));
    looks_for.extend(campaign.hashtags.iter().map(|h| format!("hashtag:{h}")));
    looks_for.extend(campaign.codes.iter().map(|c| format!("code:{c}")));
    looks_for.extend(campaign.links.iter().map(|l| format!("link:{l}")));
    Report {
        campaign: campaign.name.clone(),
        since: campaign.since.clone(),
        creators,
        totals,
        looks_for,
    }
}

/// CSV columns of `campaign report --csv`: one row per post, one per creator without posts.
pub(crate) const CSV_HEADER: [&str; 17] = [
    "campaign",
    "profile_url",
    "handle",
    "posted",
    "post_url",
    "published_at",
    "matched",
    "likes",
    "comments",
    "shares",
    "views",
    "engagement_vs_median",
    "disclosure",
    "genuine_comment_share",
    "purchase_intent_comments",
    "deleted",
    "sponsored_share_30d",
];

pub(crate) fn csv_rows(r: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for c in &r.creators {
        let head = vec![
            r.campaign.clone(),
            c.profile_url.clone(),
            c.handle.clone(),
            c.posted.to_string(),
        ];
        let share = cell(c.sponsored_share_30d);
        if c.posts.is_empty() {
            let mut row = head.clone();
            row.extend(std::iter::repeat_n(String::new(), 12));
            row.push(share.clone());
            rows.push(row);
        }
        for p in &c.posts {
            let mut row = head.clone();
            row.extend([
                p.url.clone(),
                cell(p.published_at.map(|t| t.to_rfc3339())),
                p.matched.join(";"),
                cell(p.likes),
                cell(p.comments),
                cell(p.shares),
                cell(p.views),
                cell(p.engagement_vs_median),
                cell(p.disclosure.map(|d| d.as_str())),
                cell(p.genuine_comment_share),
                cell(p.purchase_intent_comments),
                p.deleted.to_string(),
                share.clone(),
            ]);
            rows.push(row);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp(url: &str, likes: u64, d: Disclosure) -> RecordedPost {
        RecordedPost {
            url: url.into(),
            engagement_vs_median: Some(likes as f64 / 10.0),
            likes: Some(likes),
            comments: Some(0),
            shares: Some(0),
            disclosure: Some(d),
            ..Default::default()
        }
    }

    #[test]
    fn top_performers_first_and_silent_creators_last() {
        let mut rec = Recorded::default();
        for (url, likes, median, d) in [
            ("https://a.example/@low", 10, 10.0, Disclosure::Present),
            ("https://a.example/@high", 30, 10.0, Disclosure::Missing),
        ] {
            let mut st = CreatorState {
                median_interactions: Some(median),
                sponsored_share_30d: Some(0.5),
                ..Default::default()
            };
            st.posts
                .insert(url.into(), rp(&format!("{url}/1"), likes, d));
            rec.creators.insert(url.into(), st);
        }
        let c = Campaign {
            name: "c".into(),
            since: "2026-11-01".into(),
            creators: vec![
                "https://a.example/@quiet".into(),
                "https://a.example/@low".into(),
                "https://a.example/@high".into(),
            ],
            codes: vec!["X".into()],
            ..Default::default()
        };
        let r = build_report(&c, &rec, 0.3, |_| None);
        let order: Vec<&str> = r.creators.iter().map(|c| c.profile_url.as_str()).collect();
        assert_eq!(
            order,
            [
                "https://a.example/@high",
                "https://a.example/@low",
                "https://a.example/@quiet"
            ]
        );
        assert_eq!(r.creators[0].posts[0].engagement_vs_median, Some(3.0));
        assert!(r.creators[0].overexposed);
        assert!(!r.creators[2].posted);
        assert_eq!(r.creators[2].sponsored_share_30d, None);
        assert_eq!((r.totals.posted, r.totals.not_posted), (2, 1));
        assert_eq!(r.totals.likes, Some(40));
        assert_eq!(r.totals.views, None);
        assert_eq!(r.totals.disclosure.present, 1);
        assert_eq!(csv_rows(&r).len(), 3);
        assert!(csv_rows(&r).iter().all(|row| row.len() == CSV_HEADER.len()));
    }
}
