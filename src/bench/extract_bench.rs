//! Extraction cost per post, per signal: each signal's public function over the same
//! generated profiles, timed until it has run for a while, divided by the posts it saw.
//!
//! Adding a signal is one line in [`SIGNALS`].

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::stats;
use super::world::offline_world;
use crate::config::Config;
use crate::extract::{Extractor, engagement};
use crate::model::RawProfile;

pub type SignalFn = fn(&Extractor, &RawProfile);

/// (name, one call over a profile). `Extractor::extract` last: every signal together.
pub const SIGNALS: &[(&str, SignalFn)] = &[
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

pub fn run(profiles: u64, seed: u64) -> crate::Result<Value> {
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
        let started = Instant::now();
        let mut passes = 0u32;
        while passes == 0 || started.elapsed() < MIN_TIME {
            for r in &raws {
                f(&extractor, r);
            }
            passes += 1;
        }
        let per_post_us =
            started.elapsed().as_secs_f64() * 1e6 / (posts as f64 * f64::from(passes));
        rows.push(
            json!({"signal": name, "us_per_post": stats::round3(per_post_us), "passes": passes}),
        );
    }
    Ok(json!({
        "profiles": profiles,
        "posts": posts,
        "comments": comments,
        "signals": rows,
        "peak_rss_mb": stats::peak_rss_mb(),
    }))
}
