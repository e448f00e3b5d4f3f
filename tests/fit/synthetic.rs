//! Synthetic creators: the post-reading stage is exact page by page, and (ignored by default)
//! the cost of the fit signals at scale.

use super::*;

// ---- synthetic creators: the post-reading stage is exact page by page ----

fn synthetic(i: usize) -> RawProfile {
    let name = format!("c{i:03}");
    let posts = (0..6)
        .map(|j| {
            // Creator i mentions the values in i % 7 of 6 posts, crypto in i % 3 posts.
            let mut text =
                format!("Pour-over coffee notes, day {j}: a washed Ethiopian, 15 g to 250 g.");
            if j < i % 7 {
                text.push_str(" All beans fair trade and compostable bags, sustainable sourcing.");
            }
            if j < i % 3 {
                text.push_str(" Paid for the grinder in crypto.");
            }
            Post {
                id: format!("{name}-{j}"),
                url: format!("http://127.0.0.1:1/{name}/{j}"),
                text,
                published_at: Some(chrono::Utc::now() - chrono::Duration::days(j as i64 + 1)),
                likes: Some(50 + (i as u64 * 37) % 400),
                ..Default::default()
            }
        })
        .collect();
    RawProfile {
        profile_url: format!("http://127.0.0.1:1/{name}"),
        platform: Some(Platform::Web),
        handle: name.clone(),
        display_name: name,
        bio: "Specialty coffee at home".into(),
        followers: Some(5_000 + i as u64 * 10),
        posts,
        ..Default::default()
    }
}

#[test]
fn pages_are_exact_when_posts_are_read_lazily() {
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let ex = Extractor::new(&Config::default()).unwrap();
    let mut w = index.writer().unwrap();
    for i in 0..60 {
        let raw = synthetic(i);
        w.upsert(&ex.extract(&raw, &[], chrono::Utc::now()), &raw)
            .unwrap();
    }
    w.commit(None).unwrap();
    w.close().unwrap();
    index.reload().unwrap();
    let ranker = Ranker::new(&Config::default()).unwrap();
    let fit = [
        ("q", "specialty coffee"),
        ("values", "fair trade, sustainable"),
        ("avoid", "crypto"),
    ];
    let all = search(&ranker, &index, &[fit[0], fit[1], fit[2], ("limit", "200")]);
    assert_eq!(all.results.len(), 60);
    let full: Vec<(String, Option<f64>)> = all
        .results
        .iter()
        .map(|r| (r.handle.clone(), r.score))
        .collect();
    // The ranking follows the rule: values lift, crypto demotes.
    let best = &all.results[0];
    assert!(
        best.values_share.unwrap() > 0.6 && best.avoid_hits.is_empty(),
        "{best:?}"
    );
    assert!(all.results.last().unwrap().avoid_hits == vec!["crypto".to_string()]);
    for (offset, limit) in [(0, 1), (0, 5), (5, 5), (10, 20), (55, 10)] {
        let (o, l) = (offset.to_string(), limit.to_string());
        let page = search(
            &ranker,
            &index,
            &[fit[0], fit[1], fit[2], ("offset", &o), ("limit", &l)],
        );
        let got: Vec<(String, Option<f64>)> = page
            .results
            .iter()
            .map(|r| (r.handle.clone(), r.score))
            .collect();
        let want: Vec<_> = full.iter().skip(offset).take(limit).cloned().collect();
        assert_eq!(got, want, "offset {offset} limit {limit}");
    }
}

// ---- cost at scale (not part of the suite: `cargo test --test integration fit_cost -- --ignored --nocapture`) ----

/// A tiny deterministic generator (no dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next() as usize % xs.len()]
    }
}

fn scale_profile(i: usize, rng: &mut Lcg) -> RawProfile {
    const NICHE: &[&str] = &[
        "skincare serum for sensitive skin",
        "sourdough baking with rye flour",
        "trail running shoes and long runs",
        "specialty coffee pour over",
        "makeup tutorial with a red lip",
        "houseplants and repotting monstera",
        "dinner party recipes for a crowd",
        "budget travel in Portugal",
    ];
    const EXTRA: &[&str] = &[
        "cruelty-free",
        "sustainable packaging",
        "a glass of red wine",
        "paid in crypto",
        "weekend vibes",
        "new video up",
        "refill station",
        "",
        "",
        "",
    ];
    const AUDIENCE: &[&str] = &[
        "is this safe for my baby with eczema",
        "I'm a student on a tight budget, any cheaper dupe",
        "where can I buy this in Mexico",
        "¿dónde lo compro en Monterrey?",
        "mein Budget als Studentin ist knapp",
        "love this so much",
        "great post",
        "how long does it last",
        "my toddler has sensitive skin too",
        "which size do you wear",
    ];
    let niche = rng.pick(NICHE);
    let name = format!("s{i:06}");
    let posts = (0..8)
        .map(|j| Post {
            id: format!("{name}-{j}"),
            url: format!("http://127.0.0.1:1/{name}/{j}"),
            text: format!("{niche}, part {j}. {}", rng.pick(EXTRA)),
            published_at: Some(chrono::Utc::now() - chrono::Duration::days(j as i64 * 3 + 1)),
            likes: Some(20 + rng.next() % 900),
            comments: (0..4)
                .map(|k| scout::model::Comment {
                    id: format!("{name}-{j}-{k}"),
                    author_handle: format!("fan{}", rng.next() % 5000),
                    text: format!("{} {}", rng.pick(AUDIENCE), rng.pick(AUDIENCE)),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    RawProfile {
        profile_url: format!("http://127.0.0.1:1/{name}"),
        platform: Some(Platform::Web),
        handle: name.clone(),
        display_name: name,
        bio: format!("I post about {niche}"),
        followers: Some(1_000 + rng.next() % 200_000),
        posts,
        ..Default::default()
    }
}

#[test]
#[ignore = "measures the cost of the fit signals on a large synthetic index; run by hand"]
fn fit_cost_at_scale() {
    use std::time::{Duration, Instant};
    let n: usize = std::env::var("SCOUT_FIT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let ex = Extractor::new(&Config::default()).unwrap();
    let mut rng = Lcg(7);
    let t = Instant::now();
    let mut w = index.writer().unwrap();
    for i in 0..n {
        let raw = scale_profile(i, &mut rng);
        w.upsert(&ex.extract(&raw, &[], chrono::Utc::now()), &raw)
            .unwrap();
    }
    w.commit(None).unwrap();
    w.close().unwrap();
    index.reload().unwrap();
    println!("indexed {n} creators in {:.1?}", t.elapsed());
    let ranker = Ranker::new(&Config::default()).unwrap();
    let queries = [
        "skincare",
        "sourdough baking",
        "coffee",
        "makeup",
        "houseplants",
    ];
    let variants: &[(&str, &[(&str, &str)])] = &[
        ("plain", &[]),
        ("explain", &[("explain", "true")]),
        (
            "buyer",
            &[(
                "buyer",
                "new parents with a baby with eczema and sensitive skin",
            )],
        ),
        (
            "buyer+explain",
            &[
                (
                    "buyer",
                    "new parents with a baby with eczema and sensitive skin",
                ),
                ("explain", "true"),
            ],
        ),
        ("ship_to", &[("ship_to", "MX")]),
        ("values", &[("values", "cruelty-free, sustainable")]),
        ("avoid category", &[("avoid", "alcohol")]),
        ("avoid phrase", &[("avoid", "crypto")]),
        (
            "all four+explain",
            &[
                ("buyer", "students on a tight budget"),
                ("ship_to", "MX"),
                ("values", "cruelty-free, refill"),
                ("avoid", "alcohol, crypto"),
                ("explain", "true"),
            ],
        ),
    ];
    for (label, extra) in variants {
        let mut times: Vec<Duration> = Vec::new();
        for round in 0..6 {
            for q in queries {
                let mut pairs = vec![("q", q)];
                pairs.extend_from_slice(extra);
                let req = SearchRequest::from_pairs(pairs).unwrap();
                let t = Instant::now();
                let r = ranker.search(&index, &req).unwrap();
                if round > 0 {
                    times.push(t.elapsed());
                }
                assert!(!r.results.is_empty());
            }
        }
        times.sort();
        let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!("{label:>18}: p50 {:>8.2?}  p99 {:>8.2?}", p(0.5), p(0.99));
    }
    // What the old path paid per search for every candidate: the raw profile parsed too.
    let searcher = index.searcher();
    let f = &index.fields;
    let top = searcher
        .search(
            &tantivy::query::AllQuery,
            &tantivy::collector::TopDocs::with_limit(400).order_by_score(),
        )
        .unwrap();
    let t = Instant::now();
    for (_, addr) in &top {
        let d: tantivy::TantivyDocument = searcher.doc(*addr).unwrap();
        std::hint::black_box(scout::index::doc::from_document(f, &d));
    }
    let full = t.elapsed();
    let t = Instant::now();
    for (_, addr) in &top {
        let d: tantivy::TantivyDocument = searcher.doc(*addr).unwrap();
        std::hint::black_box(scout::index::doc::record_from_document(f, &d));
    }
    println!(
        "400 candidates: load + record and raw {full:.2?}, load + record only {:.2?}",
        t.elapsed()
    );
}
