//! Query focus counts the creator's posts that match the query (each once), and a niche the
//! taxonomy does not know is expanded with the words its focused creators use — in each
//! language — so creators writing it in other words are found and ranked above bios that
//! merely name it. Creators go through the real extraction into a real index on disk.

use scout::config::Config;
use scout::extract::Extractor;
use scout::index::CreatorIndex;
use scout::model::{CreatorRecord, Platform, Post, RawProfile};
use scout::rank::{Ranker, SearchRequest};

use crate::common;

fn creator(name: &str, bio: &str, posts: &[&str]) -> RawProfile {
    let now = chrono::Utc::now();
    RawProfile {
        profile_url: format!("http://127.0.0.1:1/{name}"),
        platform: Some(Platform::Web),
        handle: name.into(),
        display_name: name.into(),
        bio: bio.into(),
        followers: Some(4_000),
        posts: posts
            .iter()
            .enumerate()
            .map(|(j, text)| Post {
                id: format!("{name}-{j}"),
                url: format!("http://127.0.0.1:1/{name}/{j}"),
                text: text.to_string(),
                published_at: Some(now - chrono::Duration::days(2 * j as i64 + 1)),
                likes: Some(120),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn index_of(creators: &[RawProfile]) -> (tempfile::TempDir, CreatorIndex) {
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let ex = Extractor::new(&Config::default()).unwrap();
    let mut w = index.writer().unwrap();
    for raw in creators {
        w.upsert(&ex.extract(raw, &[], chrono::Utc::now()), raw)
            .unwrap();
    }
    w.commit(None).unwrap();
    w.close().unwrap();
    index.reload().unwrap();
    (dir, index)
}

fn search(index: &CreatorIndex, q: &str) -> Vec<CreatorRecord> {
    let req = SearchRequest::from_pairs([("q", q), ("explain", "true"), ("limit", "50")]).unwrap();
    Ranker::new(&Config::default())
        .unwrap()
        .search(index, &req)
        .unwrap()
        .results
}

fn find<'a>(results: &'a [CreatorRecord], handle: &str) -> Option<(usize, &'a CreatorRecord)> {
    results.iter().enumerate().find(|(_, r)| r.handle == handle)
}

const LIFE_EN: &[&str] = &[
    "brunch with friends and a long walk in the park",
    "new haircut and a sunny weekend at the coast",
    "movie night recommendations please, anything funny",
];

#[test]
fn query_focus_counts_each_matching_post_once() {
    let w = Config::default().rank.query_focus;
    let mut creators = vec![
        // One post of four names the niche three times: a quarter of the posts.
        creator(
            "repeats",
            "",
            &[
                "bouldering bouldering bouldering",
                LIFE_EN[0],
                LIFE_EN[1],
                LIFE_EN[2],
            ],
        ),
        // Two posts of four name it once: half.
        creator(
            "steady",
            "",
            &[
                "a bouldering session on the new wall",
                "bouldering with friends tonight at the gym",
                LIFE_EN[0],
                LIFE_EN[1],
            ],
        ),
    ];
    creators.extend((0..6).map(|i| creator(&format!("other{i}"), "", LIFE_EN)));
    let (_dir, index) = index_of(&creators);
    let results = search(&index, "bouldering");
    let focus = |h: &str| {
        let (_, r) = find(&results, h).unwrap_or_else(|| panic!("{h} not found"));
        r.explain.as_ref().unwrap()["query_focus"].as_f64().unwrap()
    };
    assert_eq!(focus("repeats"), (w * 0.25 * 1e4).round() / 1e4);
    assert_eq!(focus("steady"), (w * 0.5 * 1e4).round() / 1e4);
}

#[test]
fn a_niche_outside_the_taxonomy_is_expanded_with_its_creators_words() {
    let mut creators = Vec::new();
    for i in 0..4 {
        creators.push(creator(
            &format!("en{i}"),
            "",
            &[
                "bonsai notes: wiring a juniper branch before spring",
                "bonsai notes: pruning the trident maple, akadama and pumice mix",
                "repotting the juniper bonsai into fresh akadama",
                LIFE_EN[i % 3],
            ],
        ));
    }
    // Spanish creators of the niche name it only in a hashtag now and then.
    for i in 0..3 {
        creators.push(creator(
            &format!("es{i}"),
            "",
            &[
                "hoy trabajo el alambrado del enebro con mucha paciencia #bonsai",
                "la poda del arce tridente antes de la primavera, con calma",
                "cambio de maceta del enebro con akadama nueva y pumita",
                "el sustrato de akadama y pumita para el enebro del jardín",
            ],
        ));
    }
    // ... and one never does.
    creators.push(creator(
        "es_quiet",
        "",
        &[
            "el alambrado del enebro de este invierno, paso a paso",
            "la poda del arce tridente y el sustrato de akadama",
            "mi enebro después de un año de alambrado y paciencia",
        ],
    ));
    // Bios naming the niche, posts about anything else.
    for i in 0..2 {
        creators.push(creator(
            &format!("stuffed{i}"),
            "bonsai | travel | fashion | DM for collabs and promo",
            LIFE_EN,
        ));
    }
    // Everyone else, in both languages.
    for i in 0..8 {
        creators.push(creator(&format!("life_en{i}"), "", LIFE_EN));
        creators.push(creator(
            &format!("cocina{i}"),
            "",
            &[
                "hoy cocino una tortilla de patatas con mucha cebolla",
                "paseo por el parque con amigas y un café después",
                "mi receta de lentejas para el invierno, paso a paso",
            ],
        ));
    }
    let (_dir, index) = index_of(&creators);
    let results = search(&index, "bonsai");
    let (quiet, rec) = find(&results, "es_quiet")
        .expect("a creator writing the niche only in Spanish words is found through expansion");
    let stuffed = (0..2)
        .filter_map(|i| find(&results, &format!("stuffed{i}")).map(|(p, _)| p))
        .min()
        .unwrap_or(usize::MAX);
    assert!(
        quiet < stuffed,
        "es_quiet at {quiet}, a stuffed bio at {stuffed}"
    );
    for i in 0..3 {
        let (p, _) = find(&results, &format!("es{i}")).unwrap();
        assert!(p < stuffed, "es{i} at {p}, a stuffed bio at {stuffed}");
    }
    // What the query was widened with is told, the Spanish words among them; `explain`
    // stays numbers only.
    let expansion = &rec.evidence.as_ref().unwrap()["query_expansion"];
    assert!(expansion.get("enebro").is_some(), "{expansion}");
    assert!(expansion.get("juniper").is_some(), "{expansion}");
    assert!(expansion.get("bonsai").is_none(), "{expansion}");
    let explain = rec.explain.as_ref().unwrap().as_object().unwrap();
    assert!(explain.values().all(|v| v.is_number()), "{explain:?}");
}
