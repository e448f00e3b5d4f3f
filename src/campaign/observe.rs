//! What a crawl does for campaigns: each profile it reads is checked against every campaign
//! naming the creator, and the creator's brand posts since the campaign start are recorded
//! with their figures, disclosure and comments ([`record`] is pure; [`Monitor`] loads and
//! saves the files around it).
//!
//! A recorded post that a later read no longer shows is marked `deleted` (its figures kept)
//! only when it is newer than the oldest post of that read: older posts may just have fallen
//! off the page of recent posts a source returns.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

use super::store::{CreatorState, Disclosure, Recorded, RecordedPost};
use super::{BrandMarkers, Campaign};
use crate::error::Result;
use crate::extract::comments::{CommentClass, classify_comment, is_purchase_intent};
use crate::extract::engagement::median;
use crate::extract::sponsorship::{SponsorClass, classify_post_in};
use crate::extract::text::{excerpt, fold};
use crate::model::{Post, RawProfile};

/// Purchase-intent comments quoted per post.
pub(crate) const INTENT_EXAMPLES: usize = 3;
/// The window of the creator's sponsored share.
pub(crate) const SPONSORED_WINDOW_DAYS: i64 = 30;
const EXCERPT_CHARS: usize = 120;

/// The campaigns a crawl watches, with what they recorded so far.
pub struct Monitor {
    dir: PathBuf,
    watched: Vec<Watched>,
}

struct Watched {
    campaign: Campaign,
    markers: BrandMarkers,
    since: DateTime<Utc>,
    recorded: Recorded,
}

impl Monitor {
    /// Every campaign in `dir` with its recorded posts.
    pub fn load(dir: &Path) -> Result<Monitor> {
        let mut watched = Vec::new();
        for campaign in super::list(dir)? {
            watched.push(Watched {
                markers: campaign.markers(),
                since: campaign.since_instant()?,
                recorded: Recorded::load(dir, &campaign.name)?,
                campaign,
            });
        }
        Ok(Monitor {
            dir: dir.to_path_buf(),
            watched,
        })
    }

    /// The campaigns of the index at `index` (see [`super::dir_for`]). A crawl must not stop
    /// because a campaign file is malformed: that is logged and no campaign is watched.
    pub fn for_index(index: &Path, config: &crate::config::Config) -> Monitor {
        let dir = super::dir_for(index, config.campaigns.dir.as_deref());
        Monitor::load(&dir).unwrap_or_else(|e| {
            tracing::warn!("campaigns not monitored in this crawl: {e}");
            Monitor::none()
        })
    }

    /// [`Monitor::observe`], logging a failure to save instead of failing the crawl.
    pub fn observe_or_warn(&mut self, raw: &RawProfile, now: DateTime<Utc>) {
        if self.watched.is_empty() {
            return;
        }
        if let Err(e) = self.observe(raw, now) {
            tracing::warn!(creator = %raw.profile_url, "campaign posts not recorded: {e}");
        }
    }

    /// A monitor watching nothing (no campaigns, or they could not be read).
    pub fn none() -> Monitor {
        Monitor {
            dir: PathBuf::new(),
            watched: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.watched.is_empty()
    }

    /// Record `raw`'s brand posts for every campaign naming the creator and save those
    /// campaigns' posts files. Returns how many campaigns read the creator.
    pub fn observe(&mut self, raw: &RawProfile, now: DateTime<Utc>) -> Result<usize> {
        let mut n = 0;
        for w in &mut self.watched {
            if !w.campaign.includes(&raw.profile_url, &raw.handle) {
                continue;
            }
            let state = w
                .recorded
                .creators
                .entry(raw.profile_url.clone())
                .or_default();
            record(state, raw, &w.markers, w.since, now);
            w.recorded.save(&self.dir, &w.campaign.name)?;
            n += 1;
        }
        Ok(n)
    }
}

fn interactions(p: &Post) -> Option<u64> {
    let any = p.likes.is_some()
        || p.shares.is_some()
        || p.comments_count.is_some()
        || !p.comments.is_empty();
    any.then(|| {
        p.likes.unwrap_or(0)
            + p.comments_count.unwrap_or(p.comments.len() as u64)
            + p.shares.unwrap_or(0)
    })
}

/// The post's language (detected, the platform's hint as fallback) and its sponsorship
/// class by the same rules as the creator's `sponsored_share`.
fn judge(p: &Post) -> (Option<String>, SponsorClass) {
    let lang = crate::extract::detect(&p.text, p.lang_hint.as_deref());
    let class = classify_post_in(p, &fold(&p.text), lang.as_deref());
    (lang, class)
}

fn disclosure(class: SponsorClass) -> Disclosure {
    match class {
        SponsorClass::Disclosed => Disclosure::Present,
        SponsorClass::Unclear => Disclosure::Unclear,
        SponsorClass::Organic | SponsorClass::Undisclosed => Disclosure::Missing,
    }
}

/// Update `state` from one read of the creator (pure).
pub(crate) fn record(
    state: &mut CreatorState,
    raw: &RawProfile,
    markers: &BrandMarkers,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    state.handle = raw.handle.clone();
    state.display_name = raw.display_name.clone();
    state.read_at = Some(now);
    let mut counts: Vec<f64> = raw
        .posts
        .iter()
        .filter_map(interactions)
        .map(|n| n as f64)
        .collect();
    state.median_interactions = median(&mut counts);
    let mut seen: HashSet<&str> = HashSet::new();
    for p in &raw.posts {
        let key = if p.url.is_empty() { &p.id } else { &p.url };
        seen.insert(key);
        // Undated posts cannot be placed after the start; they are not counted.
        if p.published_at.is_none_or(|t| t < since) {
            continue;
        }
        let matched = markers.find(p);
        let known = state.posts.get(key.as_str());
        if matched.is_empty() && known.is_none() {
            continue;
        }
        let first_seen = known.map_or(now, |k| k.first_seen);
        let matched = if matched.is_empty() {
            // Edited since: what it matched when recorded still says why it is here.
            known.map(|k| k.matched.clone()).unwrap_or_default()
        } else {
            matched
        };
        let mut rp = recorded_post(p, key, matched, first_seen, now);
        rp.engagement_vs_median = match (interactions(p), state.median_interactions) {
            (Some(n), Some(m)) if m > 0.0 => Some((n as f64 / m * 100.0).round() / 100.0),
            _ => None,
        };
        state.posts.insert(key.clone(), rp);
    }
    // The campaign's own posts count as sponsored whatever their wording: the brand paid.
    let window = now - Duration::days(SPONSORED_WINDOW_DAYS);
    let recent: Vec<&Post> = raw
        .posts
        .iter()
        .filter(|p| p.published_at.is_some_and(|t| t > window && t <= now))
        .collect();
    state.sponsored_share_30d = (!recent.is_empty()).then(|| {
        let sponsored = recent
            .iter()
            .filter(|p| {
                let key = if p.url.is_empty() { &p.id } else { &p.url };
                state.posts.contains_key(key.as_str()) || judge(p).1.is_sponsored()
            })
            .count();
        crate::extract::text::round3(sponsored as f64 / recent.len() as f64)
    });
    let oldest = raw.posts.iter().filter_map(|p| p.published_at).min();
    for (key, rp) in &mut state.posts {
        if seen.contains(key.as_str()) {
            continue;
        }
        if let (Some(oldest), Some(at)) = (oldest, rp.published_at)
            && at >= oldest
        {
            rp.deleted = true;
        }
    }
}

fn recorded_post(
    p: &Post,
    key: &str,
    matched: Vec<String>,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RecordedPost {
    let (language, class) = judge(p);
    let others: Vec<&str> = p
        .comments
        .iter()
        .filter(|c| !c.by_creator && !c.text.trim().is_empty())
        .map(|c| c.text.trim())
        .collect();
    let genuine = others
        .iter()
        .filter(|t| classify_comment(t) == CommentClass::Genuine)
        .count();
    let intent: Vec<&str> = others
        .iter()
        .copied()
        .filter(|t| is_purchase_intent(t))
        .collect();
    let read = others.len() as u64;
    RecordedPost {
        url: key.to_string(),
        published_at: p.published_at,
        matched,
        likes: p.likes,
        comments: p.comments_known(),
        shares: p.shares,
        views: p.views,
        engagement_vs_median: None,
        language,
        disclosure: Some(disclosure(class)),
        comments_read: read,
        genuine_comment_share: (read > 0)
            .then(|| crate::extract::text::round3(genuine as f64 / read as f64)),
        purchase_intent_comments: (read > 0).then_some(intent.len() as u64),
        purchase_intent_examples: intent
            .iter()
            .take(INTENT_EXAMPLES)
            .map(|t| excerpt(t, EXCERPT_CHARS))
            .collect(),
        excerpt: excerpt(&p.text, EXCERPT_CHARS),
        deleted: false,
        first_seen,
        last_seen: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Comment;

    fn at(day: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
    }

    fn post(url: &str, day: u32, text: &str, likes: u64) -> Post {
        Post {
            id: url.into(),
            url: url.into(),
            text: text.into(),
            published_at: Some(at(day)),
            likes: Some(likes),
            shares: Some(0),
            comments_count: Some(0),
            ..Default::default()
        }
    }

    fn markers() -> BrandMarkers {
        BrandMarkers::new(&[], &[], &["SAVE10".into()], &[])
    }

    #[test]
    fn brand_posts_since_the_start_are_recorded_with_their_comments() {
        let mut brand = post("u/3", 20, "My new serum, code SAVE10 #ad", 30);
        brand.comments = vec![
            Comment {
                text: "where can I buy this in Canada?".into(),
                ..Default::default()
            },
            Comment {
                text: "nice".into(),
                ..Default::default()
            },
        ];
        let raw = RawProfile {
            profile_url: "https://s.example/@anna".into(),
            posts: vec![
                post("u/1", 2, "SAVE10 before the start #ad", 10),
                post("u/2", 18, "a walk", 10),
                brand,
            ],
            ..Default::default()
        };
        let mut st = CreatorState::default();
        record(&mut st, &raw, &markers(), at(10), at(25));
        assert_eq!(st.posts.len(), 1);
        let p = &st.posts["u/3"];
        assert_eq!(p.matched, vec!["code:SAVE10"]);
        assert_eq!(p.disclosure, Some(Disclosure::Present));
        assert_eq!(p.comments_read, 2);
        assert_eq!(p.purchase_intent_comments, Some(1));
        assert_eq!(p.genuine_comment_share, Some(0.5));
        assert_eq!(st.median_interactions, Some(10.0));
        assert_eq!(st.sponsored_share_30d, Some(0.667));
    }

    #[test]
    fn a_vanished_post_keeps_its_figures_and_is_marked_deleted() {
        let mut raw = RawProfile {
            profile_url: "https://s.example/@anna".into(),
            posts: vec![post("u/1", 12, "old", 10), post("u/2", 20, "SAVE10!", 50)],
            ..Default::default()
        };
        let mut st = CreatorState::default();
        record(&mut st, &raw, &markers(), at(10), at(21));
        raw.posts.pop();
        record(&mut st, &raw, &markers(), at(10), at(22));
        let p = &st.posts["u/2"];
        assert!(p.deleted);
        assert_eq!(p.likes, Some(50));
        // A post older than everything read may only have left the page: not deleted.
        let mut st2 = st.clone();
        st2.posts.get_mut("u/2").unwrap().deleted = false;
        raw.posts = vec![post("u/9", 25, "newer", 1)];
        record(&mut st2, &raw, &markers(), at(10), at(26));
        assert!(!st2.posts["u/2"].deleted);
    }
}
