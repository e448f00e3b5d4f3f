//! Consent from the config (`consent.opt_out`): honoured at crawl time, at search time, and a
//! creator already indexed who opts out is removed on the next crawl.

use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;
use scout::rank::{Ranker, SearchRequest};

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opt_out_list_is_honoured_at_crawl_and_search_time() {
    let world = common::tempdir();
    let paths = common::write_web_world(world.path(), 4);
    let server = common::serve(world.path()).await;
    let seeds: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let cfg = common::test_config();
    crawl(
        &cfg,
        &index,
        CrawlOptions {
            seeds: seeds.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(index.num_docs(), 4);

    // Creator 1 asks by profile URL, creator 2 by handle.
    let mut opted = cfg.clone();
    opted.consent.opt_out = vec![server.url("/c/1/"), "@creator2".into()];

    // Search time: gone from results at once, before any crawl.
    let ranker = Ranker::new(&opted).unwrap();
    let req = SearchRequest::from_pairs([("limit", "50")]).unwrap();
    let urls: Vec<String> = ranker
        .search(&index, &req)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.profile_url)
        .collect();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(!urls.contains(&server.url("/c/1/")) && !urls.contains(&server.url("/c/2/")));

    // Crawl time: the next crawl removes them from the index.
    let s = crawl(
        &opted,
        &index,
        CrawlOptions {
            seeds,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(s.creators_removed, 2, "{s:?}");
    assert_eq!(index.num_docs(), 2);
    assert!(index.get(&server.url("/c/1/")).unwrap().is_none());
    assert!(index.get(&server.url("/c/2/")).unwrap().is_none());
}
