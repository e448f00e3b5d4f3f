//! Re-ranking: each candidate's final score is a weighted sum of signal contributions, each
//! in a known range, so `explain` can show exactly what moved a creator up or down.
//!
//! | signal | value in | meaning |
//! |---|---|---|
//! | relevance | 0–1 | BM25 over bio, posts, hashtags, themes, normalised by the best candidate; × (0.4 + 0.6 × min(1, 2 × query_focus)): a bio-only match counts 40 % |
//! | theme_consistency | 0–1 | share of the creator's posts on the queried niche (when the query names none: `query_focus` again, or main-niche share × relevance without query text) |
//! | query_focus | 0–1 | share of the creator's own posts matching the query — its words, synonyms or expansion terms — each post once, any niche (see [`super::focus`]) |
//! | authenticity | 0–1 | 1 − bot-comment share; × 0.2 when the inflated pattern is flagged; × 0.5 for declared bots |
//! | engagement | 0–1 | engagement-rate percentile among peers of the same tier and platform |
//! | comment_quality | 0–1 | substance of the comments |
//! | creator_replies | 0–1 | share of comment threads the creator answers |
//! | recency | 0–1 | exp(−days since last post / 45) |
//! | audience_language | 0–1 | share of comments in `audience_lang` (only when given) |
//! | sponsored_penalty | −1–0 | −max(0, sponsored share − 0.25) / 0.75: some sponsorship is normal, saturation is not |
//! | undisclosed_penalty | −1–0 | −min(1, undisclosed sponsored posts / 3) |
//! | inactivity_penalty | −1–0 | −clamp((days since last post − 90) / 275, 0, 1): nothing for three months, full after a year |
//!
//! The audience and brand fit signals (`buyer`, `ship_to`, `values`, `avoid_penalty`) are added
//! to the same sum when their filters are given; [`super::fit`] documents them.
//!
//! Unknown signals contribute a neutral value (documented per signal) rather than zero, so a
//! creator is not punished for what a platform does not publish; they never earn a bonus.
//! The figures in this table are the constants of [`super::constants`], documented there.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::constants as k;
use super::percentile::{EngagementPercentiles, SortedRates};
use crate::config::RankWeights;
use crate::index::signals::RankSignals;
use crate::model::{CreatorRecord, Tier};

/// What scoring needs besides the creator's signals.
pub struct ScoreInput<'a> {
    pub relevance: f64,
    /// Niche ids the query is about with their weights (see `expand`), possibly empty.
    pub query_niches: &'a [(String, f64)],
    pub audience_lang: Option<&'a str>,
    /// The creator's [`super::focus`] value; `None` without query text.
    pub query_focus: Option<f64>,
    pub now: DateTime<Utc>,
    pub weights: &'a RankWeights,
    pub percentiles: &'a EngagementPercentiles,
}

/// Every signal a score can be made of. The order is the names' order, which is the order
/// contributions are summed in (as they were when they lived in a name-sorted map), so a
/// score does not depend on how it was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    AudienceLanguage,
    Authenticity,
    AvoidPenalty,
    Buyer,
    CommentQuality,
    CreatorReplies,
    Engagement,
    InactivityPenalty,
    QueryFocus,
    Recency,
    Relevance,
    ShipTo,
    SponsoredPenalty,
    ThemeConsistency,
    UndisclosedPenalty,
    Values,
}

impl Signal {
    pub const ALL: [Signal; 16] = [
        Signal::AudienceLanguage,
        Signal::Authenticity,
        Signal::AvoidPenalty,
        Signal::Buyer,
        Signal::CommentQuality,
        Signal::CreatorReplies,
        Signal::Engagement,
        Signal::InactivityPenalty,
        Signal::QueryFocus,
        Signal::Recency,
        Signal::Relevance,
        Signal::ShipTo,
        Signal::SponsoredPenalty,
        Signal::ThemeConsistency,
        Signal::UndisclosedPenalty,
        Signal::Values,
    ];

    /// The name `explain` shows.
    pub fn name(self) -> &'static str {
        match self {
            Signal::AudienceLanguage => "audience_language",
            Signal::Authenticity => "authenticity",
            Signal::AvoidPenalty => "avoid_penalty",
            Signal::Buyer => "buyer",
            Signal::CommentQuality => "comment_quality",
            Signal::CreatorReplies => "creator_replies",
            Signal::Engagement => "engagement",
            Signal::InactivityPenalty => "inactivity_penalty",
            Signal::QueryFocus => "query_focus",
            Signal::Recency => "recency",
            Signal::Relevance => "relevance",
            Signal::ShipTo => "ship_to",
            Signal::SponsoredPenalty => "sponsored_penalty",
            Signal::ThemeConsistency => "theme_consistency",
            Signal::UndisclosedPenalty => "undisclosed_penalty",
            Signal::Values => "values",
        }
    }
}

/// Per-signal contributions (weight × value, rounded), absent until set. No allocation: the
/// ranker keeps one per candidate and builds the `explain` map for the page only.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts([Option<f64>; 16]);

impl Parts {
    pub fn set(&mut self, signal: Signal, contribution: f64) {
        self.0[signal as usize] = Some(round4(contribution));
    }

    pub fn get(&self, signal: Signal) -> Option<f64> {
        self.0[signal as usize]
    }

    /// The score: the contributions summed in name order, rounded.
    pub fn total(&self) -> f64 {
        round4(self.0.iter().flatten().sum())
    }

    /// Signal name → contribution, for `explain`.
    pub fn to_map(&self) -> BTreeMap<String, f64> {
        Signal::ALL
            .iter()
            .filter_map(|s| self.get(*s).map(|v| (s.name().to_string(), v)))
            .collect()
    }
}

/// Score and per-signal contributions (signal → weight × value) of a record.
pub fn score(rec: &CreatorRecord, input: &ScoreInput<'_>) -> (f64, BTreeMap<String, f64>) {
    let parts = score_signals(&RankSignals::of(rec), input);
    (parts.total(), parts.to_map())
}

/// The contributions of the record-level signals (the table in the module doc), from the
/// creator's signals as the index keeps them.
pub fn score_signals(rec: &RankSignals, input: &ScoreInput<'_>) -> Parts {
    score_signals_with(
        rec,
        input,
        |i| rec.niche_share(&input.query_niches[i].0),
        |tier| {
            input
                .percentiles
                .peers(tier.as_str(), rec.platform.as_str())
        },
    )
}

/// [`score_signals`] with the creator's share of the `i`-th query niche told by `niche_share`
/// and its engagement peers (sorted rates, see [`EngagementPercentiles::peers`]) by `peers`:
/// the ranker looks both up by interned id rather than by name.
pub fn score_signals_with<'p>(
    rec: &RankSignals,
    input: &ScoreInput<'_>,
    niche_share: impl Fn(usize) -> Option<f64>,
    peers: impl FnOnce(Tier) -> &'p SortedRates,
) -> Parts {
    let w = input.weights;
    let mut parts = Parts::default();
    let mut add = |signal: Signal, weight: f64, value: f64| parts.set(signal, weight * value);

    // The bio claims, the posts prove: text relevance counts in full once the creator's own
    // posts match the query, and a share when only the bio or name does.
    let proven = input.query_focus.map_or(1.0, |q| {
        k::BIO_ONLY_RELEVANCE
            + (1.0 - k::BIO_ONLY_RELEVANCE) * (q / k::FOCUS_PROVEN_AT).clamp(0.0, 1.0)
    });
    add(
        Signal::Relevance,
        w.relevance,
        input.relevance.clamp(0.0, 1.0) * proven,
    );

    // A query the taxonomy does not know: the consistency that matters is how much of the
    // creator's posting is about the query, which is the query focus — so an unknown niche
    // gets the same focus weight as a known one.
    let focus = if input.query_niches.is_empty() {
        match input.query_focus {
            Some(q) => q.clamp(0.0, 1.0),
            None => rec.theme_consistency.unwrap_or(0.0) * input.relevance.clamp(0.0, 1.0),
        }
    } else {
        input
            .query_niches
            .iter()
            .enumerate()
            .map(|(i, (_, w))| w * niche_share(i).unwrap_or(0.0))
            .fold(0.0, f64::max)
    };
    add(Signal::ThemeConsistency, w.theme_consistency, focus);
    if let Some(q) = input.query_focus {
        add(Signal::QueryFocus, w.query_focus, q.clamp(0.0, 1.0));
    }

    let mut auth = 1.0 - rec.bot_comment_share.unwrap_or(k::UNKNOWN_BOT_SHARE);
    if rec.inflated {
        auth *= k::INFLATED_AUTHENTICITY;
    }
    if rec.is_bot {
        auth *= k::BOT_AUTHENTICITY;
    }
    add(Signal::Authenticity, w.authenticity, auth.clamp(0.0, 1.0));

    let eng = match (rec.engagement_rate, rec.tier) {
        (Some(e), Some(t)) => peers(t).percentile(e),
        _ => k::UNKNOWN_ENGAGEMENT,
    };
    add(Signal::Engagement, w.engagement, eng);

    add(
        Signal::CommentQuality,
        w.comment_quality,
        rec.comment_quality.unwrap_or(k::UNKNOWN_COMMENT_QUALITY),
    );
    add(
        Signal::CreatorReplies,
        w.creator_replies,
        rec.creator_reply_share.unwrap_or(0.0),
    );

    let days_idle = rec
        .last_post_at
        .map(|t| (input.now - t).num_seconds().max(0) as f64 / 86_400.0);
    add(
        Signal::Recency,
        w.recency,
        days_idle.map_or(0.0, |d| (-d / k::RECENCY_DAYS).exp()),
    );
    // A creator who stopped posting cannot run a campaign, however good the archive.
    add(
        Signal::InactivityPenalty,
        w.inactivity_penalty,
        -days_idle.map_or(0.0, |d| {
            ((d - k::INACTIVE_AFTER_DAYS) / k::INACTIVE_FULL_AFTER_DAYS).clamp(0.0, 1.0)
        }),
    );

    if let Some(lang) = input.audience_lang {
        add(
            Signal::AudienceLanguage,
            w.audience_language,
            rec.audience_share(lang).unwrap_or(0.0),
        );
    }

    let sponsored = rec.sponsored_share.unwrap_or(0.0);
    add(
        Signal::SponsoredPenalty,
        w.sponsored_penalty,
        -((sponsored - k::NORMAL_SPONSORED_SHARE).max(0.0) / (1.0 - k::NORMAL_SPONSORED_SHARE)),
    );
    add(
        Signal::UndisclosedPenalty,
        w.undisclosed_penalty,
        -(rec.undisclosed_sponsored_posts as f64 / k::UNDISCLOSED_FULL).min(1.0),
    );
    parts
}

pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

    fn input<'a>(
        w: &'a RankWeights,
        p: &'a EngagementPercentiles,
        niches: &'a [(String, f64)],
    ) -> ScoreInput<'a> {
        ScoreInput {
            relevance: 1.0,
            query_niches: niches,
            audience_lang: None,
            query_focus: None,
            now: Utc::now(),
            weights: w,
            percentiles: p,
        }
    }

    #[test]
    fn focus_beats_a_keyword_bio() {
        let w = RankWeights::default();
        let p = EngagementPercentiles::default();
        let niches = vec![("skincare".to_string(), 1.0)];
        let focused = CreatorRecord {
            niche_shares: [("skincare".to_string(), 0.9)].into(),
            bot_comment_share: Some(0.1),
            tier: Some(Tier::Micro),
            ..Default::default()
        };
        let stuffed = CreatorRecord {
            niche_shares: [("gaming".to_string(), 0.9)].into(),
            bot_comment_share: Some(0.1),
            tier: Some(Tier::Micro),
            ..Default::default()
        };
        let (a, ea) = score(&focused, &input(&w, &p, &niches));
        let (b, _) = score(&stuffed, &input(&w, &p, &niches));
        assert!(a > b, "{a} vs {b}");
        assert_eq!(ea["theme_consistency"], 1.35);
    }

    #[test]
    fn penalties_are_negative_and_bounded() {
        let w = RankWeights::default();
        let p = EngagementPercentiles::default();
        let rec = CreatorRecord {
            sponsored_share: Some(1.0),
            undisclosed_sponsored_posts: 10,
            ..Default::default()
        };
        let (_, e) = score(&rec, &input(&w, &p, &[]));
        assert_eq!(e["sponsored_penalty"], -w.sponsored_penalty);
        assert_eq!(e["undisclosed_penalty"], -0.5);
    }

    #[test]
    fn inflated_accounts_lose_authenticity() {
        let w = RankWeights::default();
        let p = EngagementPercentiles::default();
        let honest = CreatorRecord {
            bot_comment_share: Some(0.2),
            ..Default::default()
        };
        let bought = CreatorRecord {
            bot_comment_share: Some(0.2),
            inflated: true,
            ..Default::default()
        };
        let (_, a) = score(&honest, &input(&w, &p, &[]));
        let (_, b) = score(&bought, &input(&w, &p, &[]));
        assert!(a["authenticity"] > 4.0 * b["authenticity"]);
    }

    #[test]
    fn signals_are_summed_in_name_order() {
        let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        for (i, s) in Signal::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
        // The same sum as a name-sorted map's, bit for bit.
        let mut p = Parts::default();
        let mut m = BTreeMap::new();
        for (s, v) in [
            (Signal::Values, 0.1234),
            (Signal::Relevance, 2.0),
            (Signal::AvoidPenalty, -3.0),
            (Signal::Engagement, 0.3333),
        ] {
            p.set(s, v);
            m.insert(s.name().to_string(), round4(v));
        }
        assert_eq!(p.to_map(), m);
        assert_eq!(p.total(), round4(m.values().sum()));
    }
}
