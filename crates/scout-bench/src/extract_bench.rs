//! Extraction cost per post, per signal: each signal's public function over the same
//! generated profiles, timed until it has run for a while, divided by the posts it saw.
//!
//! Adding a signal is one line in [`SIGNALS`].

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::stats;
use super::world::offline_world;
use scout::config::Config;
use scout::extract::{
    Extractor, comment_stats, contacts, engagement, growth, lang_memo, language, niches,
    sponsorship, text, themes,
};
use scout::model::{FollowerPoint, RawProfile};

pub type SignalFn = fn(&Extractor, &RawProfile);

/// A post's folded text with the hashtags its source listed (what the text signals read).
fn folded_posts(r: &RawProfile) -> Vec<String> {
    r.posts
        .iter()
        .map(|p| {
            let mut f = text::fold(&p.text);
            for t in &p.hashtags {
                f.push_str(" #");
                f.push_str(&text::fold(t.trim_start_matches('#')));
            }
            f
        })
        .collect()
}

/// (name, one call over a profile): each signal family through its public functions, the
/// way `Extractor::extract` calls them (text folding included where the signal needs it).
/// `Extractor::extract` last: every signal together, sharing the folding and language work.
pub const SIGNALS: &[(&str, SignalFn)] = &[
    ("language (posts, creator, audience)", |_, r| {
        let hint = r.lang_hint.as_deref();
        let langs: Vec<Option<String>> = r
            .posts
            .iter()
            .map(|p| language::detect(&p.text, p.lang_hint.as_deref().or(hint)))
            .collect();
        black_box(language::creator_language(r, &langs));
        black_box(language::audience_languages(lang_memo::audience_comments(
            r,
        )));
    }),
    ("niches and themes", |e, r| {
        let folded = folded_posts(r);
        let labels: Vec<Vec<usize>> = folded
            .iter()
            .map(|f| niches::post_labels(e.taxonomy().scores_folded(f)))
            .collect();
        black_box(niches::summarize(e.taxonomy(), &labels));
        let docs = r
            .posts
            .iter()
            .map(|p| (p.text.as_str(), p.hashtags.as_slice()));
        black_box(themes::themes(e.taxonomy(), docs));
    }),
    ("comments (quality, bot share, replies)", |_, r| {
        black_box(comment_stats::comment_stats(r));
    }),
    ("sponsorship (disclosed, undisclosed)", |_, r| {
        for p in &r.posts {
            black_box(sponsorship::classify_post(p));
        }
    }),
    ("contacts (e-mail, location)", |_, r| {
        black_box(contacts::emails(r));
        black_box(contacts::location(r));
    }),
    ("growth (30 days, emerging)", |_, r| {
        let now = chrono::Utc::now();
        let history: Vec<FollowerPoint> = r
            .followers
            .map(|f| {
                vec![
                    FollowerPoint {
                        at: now - chrono::Duration::days(31),
                        followers: f - f / 10,
                    },
                    FollowerPoint {
                        at: now,
                        followers: f,
                    },
                ]
            })
            .unwrap_or_default();
        let g = growth::growth_30d(&history);
        black_box(growth::is_emerging(None, g));
    }),
    ("brand safety", |e, r| {
        let bio = text::fold(&r.bio);
        let folded = folded_posts(r);
        let docs = std::iter::once((r.bio.as_str(), bio.as_str())).chain(
            r.posts
                .iter()
                .zip(&folded)
                .map(|(p, f)| (p.text.as_str(), f.as_str())),
        );
        black_box(e.safety().assess(docs));
    }),
    ("engagement", |_, r| {
        black_box(engagement::engagement_rate(r));
    }),
    ("activity (posts/week)", |_, r| {
        black_box(engagement::posts_per_week(r));
    }),
    ("all signals (Extractor::extract)", |e, r| {
        black_box(e.extract(r, &[], chrono::Utc::now()));
    }),
];

/// Run for at least this long per signal, so fast signals are not measured in clock ticks.
const MIN_TIME: Duration = Duration::from_millis(400);

pub fn run(profiles: u64, seed: u64) -> scout::Result<Value> {
    let world = offline_world(seed, profiles);
    let raws: Vec<RawProfile> = (0..profiles).map(|i| world.raw_profile(i)).collect();
    let posts: usize = raws.iter().map(|r| r.posts.len()).sum();
    let comments: usize = raws
        .iter()
        .flat_map(|r| &r.posts)
        .map(|p| p.comments.len())
        .sum();
    let extractor = Extractor::new(&Config::default())?;
    let mut rows = Vec::new();
    for (name, f) in SIGNALS {
        // The first pass meets every text for the first time (as a crawl does: each distinct
        // text detected once); later passes find every short text remembered (a refresh).
        lang_memo::clear();
        let (hits0, runs0) = lang_memo::counts();
        let started = Instant::now();
        for r in &raws {
            f(&extractor, r);
        }
        let first = started.elapsed();
        let (hits1, runs1) = lang_memo::counts();
        let mut passes = 1u32;
        while started.elapsed() < MIN_TIME {
            for r in &raws {
                f(&extractor, r);
            }
            passes += 1;
        }
        let per_post_us =
            started.elapsed().as_secs_f64() * 1e6 / (posts as f64 * f64::from(passes));
        let first_us = first.as_secs_f64() * 1e6 / posts as f64;
        rows.push(json!({
            "signal": name,
            "us_per_post": stats::round3(per_post_us),
            "first_pass_us_per_post": stats::round3(first_us),
            "first_pass_detections": runs1 - runs0,
            "first_pass_remembered": hits1 - hits0,
            "passes": passes,
        }));
    }
    Ok(json!({
        "profiles": profiles,
        "posts": posts,
        "comments": comments,
        "signals": rows,
        "peak_rss_mb": stats::peak_rss_mb(),
    }))
}
