//! Consent from the config (`consent.opt_out`): honoured at crawl time, at search time, and a
//! creator already indexed who opts out is removed on the next crawl; one normalisation
//! (`scout::consent`) serves every place that returns creators.

use axum::body::Body;
use axum::http::Request;
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;
use scout::rank::{Ranker, SearchRequest};
use scout::server::{AppState, router};
use tower::ServiceExt;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opt_out_list_is_honoured_at_crawl_and_search_time() {
    let cfg = common::test_config();
    // `_world` and `_dir` keep the served pages and the index alive for the later crawl.
    let common::CrawledWorld {
        world: _world,
        server,
        dir: _dir,
        index,
        seeds,
        ..
    } = common::crawled_world(4, &cfg).await;
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

/// One opt-out entry, written five ways people write a profile, hides the creator from
/// search, `similar`, `show`, export and the HTTP endpoint, and the next crawl removes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_opt_out_written_five_ways_hides_the_creator_everywhere() {
    let cfg = common::test_config();
    // `_world` keeps the served pages alive for the later crawls.
    let common::CrawledWorld {
        world: _world,
        server,
        dir,
        index,
        seeds,
        ..
    } = common::crawled_world(4, &cfg).await;
    let opts = CrawlOptions {
        seeds,
        ..Default::default()
    };
    assert_eq!(index.num_docs(), 4);

    // Creators 0 and 3 write about the same niche, so each is the other's lookalike.
    let hidden = server.url("/c/3/");
    let id = scout::model::creator_id(&hidden);
    let upper = hidden
        .replace("http://127.0.0.1", "HTTP://127.0.0.1")
        .replace("/c/", "/C/");
    let ways = [
        upper,
        hidden.trim_end_matches('/').to_string(),
        format!("{hidden}?utm_source=mail#about"),
        id.clone(),
        "@Creator3".to_string(),
    ];
    let all = SearchRequest::from_pairs([("limit", "50")]).unwrap();
    for way in &ways {
        let mut opted = cfg.clone();
        opted.consent.opt_out = vec![way.clone()];

        let ranker = Ranker::new(&opted).unwrap();
        let resp = ranker.search(&index, &all).unwrap();
        let urls: Vec<&str> = resp
            .results
            .iter()
            .map(|r| r.profile_url.as_str())
            .collect();
        assert_eq!((resp.total, urls.len()), (3, 3), "{way}: {urls:?}");
        assert!(!urls.contains(&hidden.as_str()), "{way}: search");
        assert!(
            ranker.similar(&index, &hidden, 10).unwrap().is_none(),
            "{way}"
        );
        let like_zero = ranker
            .similar(&index, &server.url("/c/0/"), 10)
            .unwrap()
            .unwrap();
        assert!(
            like_zero.iter().all(|r| r.profile_url != hidden),
            "{way}: similar"
        );

        let app = router(
            AppState::new(&opted, CreatorIndex::open_existing(dir.path()).unwrap()).unwrap(),
        );
        let get = |uri: String| Request::get(uri).body(Body::empty()).unwrap();
        let resp = app
            .clone()
            .oneshot(get(format!("/v1/creators/{id}")))
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{way}: HTTP creator");
        let resp = app
            .oneshot(get("/v1/search?limit=50".into()))
            .await
            .unwrap();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&body).contains(&id),
            "{way}: HTTP search"
        );

        let set = format!("consent.opt_out={}", serde_json::json!([way]));
        let cli = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_scout"))
                .arg("--index")
                .arg(dir.path())
                .args(["--set", &set])
                .args(args)
                .output()
                .unwrap()
        };
        assert!(!cli(&["show", &hidden]).status.success(), "{way}: show");
        let export = cli(&["export", "--ndjson"]);
        assert!(export.status.success());
        let lines = String::from_utf8(export.stdout).unwrap();
        assert_eq!(lines.lines().count(), 3, "{way}: export");
        assert!(!lines.contains(&id), "{way}: export");
    }

    // Crawl time: the next crawl with any of the spellings removes the creator.
    let mut opted = cfg.clone();
    opted.consent.opt_out = vec![ways[1].clone()];
    let s = crawl(&opted, &index, opts).await.unwrap();
    assert_eq!(s.creators_removed, 1, "{s:?}");
    assert!(index.get(&hidden).unwrap().is_none());
}
