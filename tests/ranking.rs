//! The ranker against plain BM25 on the demo world: where keyword matching alone puts a
//! keyword-stuffed bio, a bot-inflated account or an inactive creator first, the ranker must
//! not. Also multilingual queries and lookalikes.

use scout::cli::demo::demo_config;
use scout::config::Config;
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;
use scout::rank::{Ranker, SearchRequest};

use crate::common;

/// Crawl the demo world (the real crawler over loopback) into a fresh index.
pub async fn demo_index() -> (tempfile::TempDir, CreatorIndex, Config) {
    let world = common::fixtures().join("world");
    let server = common::serve(&world).await;
    let mut cfg = demo_config(&common::test_config(), &server.base());
    cfg.crawl.rate_per_host = 500.0;
    let (dir, index, s) = common::crawl_demo_seeds(&world, &server, &cfg).await;
    assert!(s.creators_new >= 20, "{s:?}");
    (dir, index, cfg)
}

fn handles(ranker: &Ranker, index: &CreatorIndex, pairs: &[(&str, &str)]) -> Vec<String> {
    let req = SearchRequest::from_pairs(pairs.iter().copied()).unwrap();
    ranker
        .search(index, &req)
        .unwrap()
        .results
        .into_iter()
        .map(|r| {
            r.profile_url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap()
                .trim_start_matches('@')
                .to_string()
        })
        .collect()
}

fn pos(list: &[String], who: &str) -> usize {
    list.iter().position(|h| h == who).unwrap_or(usize::MAX)
}

/// Plain BM25: every signal weight zero but relevance.
fn bm25_only(cfg: &Config) -> Config {
    let mut c = cfg.clone();
    let r = &mut c.rank;
    (
        r.theme_consistency,
        r.authenticity,
        r.engagement,
        r.comment_quality,
    ) = (0.0, 0.0, 0.0, 0.0);
    (
        r.creator_replies,
        r.recency,
        r.audience_language,
        r.sponsored_penalty,
    ) = (0.0, 0.0, 0.0, 0.0);
    (r.undisclosed_penalty, r.inactivity_penalty) = (0.0, 0.0);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_beat_keyword_stuffing_bought_engagement_and_inactivity() {
    let (_dir, index, cfg) = demo_index().await;
    let q = [("q", "vegan skincare"), ("limit", "50")];
    let plain = handles(&Ranker::new(&bm25_only(&cfg)).unwrap(), &index, &q);
    let ranked = handles(&Ranker::new(&cfg).unwrap(), &index, &q);

    // The fixture is meaningful: BM25 alone puts at least one of the impostors above anna.
    let impostors = ["max", "glowqueen", "mira"];
    assert!(
        impostors
            .iter()
            .any(|i| pos(&plain, i) < pos(&plain, "anna")),
        "BM25 order {plain:?}"
    );
    // The ranker puts anna above every one of them.
    for i in impostors {
        assert!(
            pos(&ranked, "anna") < pos(&ranked, i),
            "{i} above anna in {ranked:?}"
        );
    }
    // Saturated with undisclosed sponsorships: below anna as well.
    assert!(pos(&ranked, "anna") < pos(&ranked, "jess"), "{ranked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multilingual_queries_find_creators_in_that_language() {
    let (_dir, index, cfg) = demo_index().await;
    let ranker = Ranker::new(&cfg).unwrap();
    let de = handles(&ranker, &index, &[("q", "Hautpflege")]);
    assert_eq!(de.first().map(String::as_str), Some("lena"), "{de:?}");
    let es = handles(&ranker, &index, &[("q", "cuidado de la piel")]);
    assert_eq!(es.first().map(String::as_str), Some("lucia"), "{es:?}");
    // An English query reaches the German and Spanish skincare creators through the taxonomy.
    let en = handles(&ranker, &index, &[("q", "skincare"), ("limit", "50")]);
    assert!(
        en.contains(&"lena".to_string()) && en.contains(&"lucia".to_string()),
        "{en:?}"
    );
    // The language filter is an index query.
    let only_de = handles(&ranker, &index, &[("q", "skincare"), ("lang", "de")]);
    assert!(
        !only_de.is_empty() && !only_de.contains(&"anna".to_string()),
        "{only_de:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookalikes_share_the_niche_and_exclude_the_creator() {
    let (_dir, index, cfg) = demo_index().await;
    let ranker = Ranker::new(&cfg).unwrap();
    let req = SearchRequest::from_pairs([("q", "vegan skincare"), ("limit", "50")]).unwrap();
    let anna = ranker
        .search(&index, &req)
        .unwrap()
        .results
        .into_iter()
        .find(|r| r.profile_url.ends_with("/web/anna/"))
        .expect("anna indexed");
    let similar = ranker.similar(&index, &anna.id, 5).unwrap().unwrap();
    assert!(!similar.is_empty());
    assert!(similar.iter().all(|r| r.id != anna.id));
    let top = &similar[0];
    assert!(
        top.niches.iter().any(|n| n.contains("skincare")),
        "lookalike of a skincare creator: {:?} {:?}",
        top.handle,
        top.niches
    );
    assert!(
        ranker
            .similar(&index, "nobody-at-all", 5)
            .unwrap()
            .is_none()
    );
}

/// The loopback "fediverse": from two web seeds, discovery through commenters and mentions
/// reaches creators on Mastodon, Bluesky, a podcast feed and YouTube, each read through its
/// own source, with INTERFACE.md fields filled from that source's data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_seeds_reach_all_four_sources_by_discovery() {
    let world = common::fixtures().join("world");
    let server = common::serve(&world).await;
    let mut cfg = demo_config(&common::test_config(), &server.base());
    cfg.crawl.rate_per_host = 500.0;
    cfg.crawl.max_depth = 3;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let seeds = vec![server.url("/web/anna/"), server.url("/web/priya/")];
    let s = crawl(
        &cfg,
        &index,
        CrawlOptions {
            seeds,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut by_platform =
        std::collections::BTreeMap::<String, Vec<scout::model::CreatorRecord>>::new();
    index
        .for_each(|c| {
            by_platform
                .entry(c.record.platform.to_string())
                .or_default()
                .push(c.record);
            Ok(())
        })
        .unwrap();
    let platforms: Vec<&str> = by_platform.keys().map(String::as_str).collect();
    for p in ["bluesky", "feed", "mastodon", "web", "youtube"] {
        assert!(
            platforms.contains(&p),
            "no {p} creator found from two seeds: {platforms:?} {s:?}"
        );
    }
    let total: usize = by_platform.values().map(Vec::len).sum();
    assert!(
        total >= 8,
        "discovery went beyond the first hop: {total} creators"
    );
    // Each source filled the record from its own data.
    let masto = &by_platform["mastodon"]
        .iter()
        .find(|r| r.handle.contains("lumen_skin"))
        .unwrap();
    assert!(masto.followers.is_some() && masto.posts_indexed > 0 && masto.language.is_some());
    let yt = &by_platform["youtube"][0];
    assert_eq!(
        yt.followers, None,
        "YouTube feeds publish no subscriber count: never guessed"
    );
    assert!(
        yt.posts_indexed > 0
            && yt
                .profile_url
                .starts_with("https://www.youtube.com/channel/")
    );
    let feed = &by_platform["feed"][0];
    assert!(feed.posts_indexed > 0 && feed.followers.is_none());
    let bsky = &by_platform["bluesky"][0];
    assert!(bsky.profile_url.starts_with("https://bsky.app/profile/") && bsky.followers.is_some());
}
