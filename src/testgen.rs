//! A small synthetic world for unit tests that need an index of many creators (the ranker's
//! caches are checked against tantivy's own scoring over it). Deterministic; it needs nothing
//! from the benchmark package, which lives apart in the workspace.

use std::path::Path;

use chrono::{Duration, TimeZone, Utc};

use crate::config::Config;
use crate::extract::Extractor;
use crate::index::CreatorIndex;
use crate::model::{Comment, Platform, Post, RawProfile};
use crate::rank::SearchRequest;

/// Niche words per topic, in the languages the queries below use.
const TOPICS: &[&[&str]] = &[
    &[
        "skincare",
        "sunscreen",
        "retinol serum",
        "hautpflege",
        "cuidado de la piel",
    ],
    &[
        "specialty coffee",
        "espresso",
        "pour over",
        "café de especialidad",
        "kaffee",
    ],
    &[
        "marathon training",
        "running shoes",
        "tempo run",
        "correr maratón",
        "laufschuhe",
    ],
    &[
        "sourdough bread",
        "croissant",
        "pan de masa madre",
        "pain au levain",
        "cinnamon rolls",
    ],
    &[
        "houseplants",
        "monstera",
        "repotting pothos",
        "zimmerpflanzen",
        "urban jungle",
    ],
    &[
        "film photography",
        "street photography",
        "golden hour portraits",
        "35mm film",
        "darkroom",
    ],
];

/// A tiny linear congruential generator: enough variety, fully reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Creator `i` of the world `seed`: a main topic, a few off-topic posts, some comments.
pub(crate) fn raw_profile(seed: u64, i: u64) -> RawProfile {
    let mut rng = Lcg(seed ^ (i.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    let topic = TOPICS[rng.next(TOPICS.len())];
    let other = TOPICS[rng.next(TOPICS.len())];
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let posts = (0..6)
        .map(|p| {
            let words = if p % 3 == 2 { other } else { topic };
            let text = format!(
                "Today: {} and {}. #{}",
                words[rng.next(words.len())],
                words[rng.next(words.len())],
                words[0].replace(' ', "")
            );
            Post {
                id: format!("{i}-{p}"),
                url: format!("https://gen.example/c{i}/p{p}"),
                text,
                published_at: Some(base - Duration::days((p * 3 + rng.next(3)) as i64)),
                likes: Some(rng.next(900) as u64),
                comments_count: Some(2),
                comments: vec![Comment {
                    id: format!("{i}-{p}-c"),
                    author_handle: format!("fan{}", rng.next(50)),
                    text: format!("Which {} do you recommend?", words[1]),
                    ..Comment::default()
                }],
                ..Post::default()
            }
        })
        .collect();
    RawProfile {
        profile_url: format!("https://gen.example/c{i}"),
        platform: Some(Platform::Web),
        handle: format!("c{i}"),
        display_name: format!("Creator {i}"),
        bio: format!("I write about {}.", topic[0]),
        followers: Some(500 + rng.next(150_000) as u64),
        posts,
        ..RawProfile::default()
    }
}

/// A new index in a temporary folder (deleted with the guard) holding creators `range` of
/// world `seed`.
pub(crate) fn index(seed: u64, range: std::ops::Range<u64>) -> (tempfile::TempDir, CreatorIndex) {
    let dir = tempfile::tempdir().expect("temporary folder");
    add(dir.path(), seed, range).expect("generated creators indexed");
    let index = CreatorIndex::open_existing(dir.path()).expect("index just written");
    (dir, index)
}

/// Creators `range` of world `seed`, extracted and upserted into the index at `dir`, committed.
pub(crate) fn add(dir: &Path, seed: u64, range: std::ops::Range<u64>) -> crate::Result<()> {
    let index = CreatorIndex::open_or_create(dir)?;
    let extractor = Extractor::new(&Config::default())?;
    let mut writer = index.writer()?;
    for i in range {
        let raw = raw_profile(seed, i);
        writer.upsert(&extractor.extract(&raw, &[], Utc::now()), &raw)?;
    }
    writer.commit(None)?;
    writer.close()
}

/// Queries over the world's topics, each with the filters a marketer would add.
pub(crate) fn requests() -> Vec<SearchRequest> {
    let filters: &[&[(&str, &str)]] = &[
        &[],
        &[("tier", "micro")],
        &[("tier", "nano"), ("tier", "micro")],
        &[("min_followers", "5000")],
        &[("max_followers", "80000")],
    ];
    let mut out = Vec::new();
    for (t, topic) in TOPICS.iter().enumerate() {
        for (w, word) in topic.iter().enumerate() {
            let pairs = std::iter::once(("q", *word))
                .chain(filters[(t + w) % filters.len()].iter().copied());
            out.push(SearchRequest::from_pairs(pairs).expect("generated query is valid"));
        }
    }
    out
}
