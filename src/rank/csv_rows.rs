//! CSV for spreadsheets: one row per search result, the same columns from `scout search --csv`
//! and from the HTTP endpoint's CSV download, so a shortlist looks the same wherever it came
//! from. It lives below both the CLI and the server, which each only pick the writer.

use std::io::Write;

use crate::model::CreatorRecord;
use crate::rank::SearchResponse;

pub(crate) const CSV_HEADER: &[&str] = &[
    "rank",
    "id",
    "profile_url",
    "platform",
    "handle",
    "display_name",
    "followers",
    "tier",
    "language",
    "top_audience_language",
    "engagement_rate",
    "niches",
    "themes",
    "theme_consistency",
    "comment_quality",
    "bot_comment_share",
    "creator_reply_share",
    "sponsored_share",
    "undisclosed_sponsored_posts",
    "emails",
    "location",
    "last_post_at",
    "follower_growth_30d",
    "brand_safety_flags",
    "buyer_match",
    "ship_to_fit",
    "values_share",
    "avoid_hits",
    "score",
    "evidence_posts",
];

/// An unknown value is an empty cell.
pub(crate) fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

pub(crate) fn csv_row(rank: usize, r: &CreatorRecord) -> Vec<String> {
    vec![
        rank.to_string(),
        r.id.clone(),
        r.profile_url.clone(),
        r.platform.to_string(),
        r.handle.clone(),
        r.display_name.clone(),
        opt(r.followers),
        opt(r.tier.map(|t| t.as_str())),
        opt(r.language.clone()),
        r.audience_languages
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(l, _)| l.clone())
            .unwrap_or_default(),
        opt(r.engagement_rate),
        r.niches.join("; "),
        r.themes.join("; "),
        opt(r.theme_consistency),
        opt(r.comment_quality),
        opt(r.bot_comment_share),
        opt(r.creator_reply_share),
        opt(r.sponsored_share),
        r.undisclosed_sponsored_posts.to_string(),
        r.emails.join("; "),
        opt(r.location.clone()),
        opt(r.last_post_at.map(|t| t.to_rfc3339())),
        opt(r.follower_growth_30d),
        r.brand_safety_flags.join("; "),
        opt(r.buyer_match),
        opt(r.ship_to_fit),
        opt(r.values_share),
        r.avoid_hits.join("; "),
        opt(r.score),
        // With `evidence`: the quoted posts' URLs, best first.
        r.evidence_posts
            .iter()
            .flatten()
            .map(|p| p.url.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

pub(crate) fn print_csv(out: impl Write, resp: &SearchResponse) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for (i, r) in resp.results.iter().enumerate() {
        w.write_record(csv_row(i + 1, r))?;
    }
    w.flush()
}
