//! The `/v1/search` result cache: a repeated search is answered from it byte for byte, a
//! commit by another writer is never hidden by it, and `search_cache_mb = 0` turns it off.

use std::time::{Duration, Instant};

use scout::config::Config;
use scout::index::CreatorIndex;

use super::http::raw_get;
use super::world::{NEWCOMER, build_world, start, write_samples};
use crate::common;

fn counter(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{metrics}"))
}

#[tokio::test]
async fn repeats_come_from_the_cache_until_a_commit() {
    let dir = common::tempdir();
    build_world(dir.path());
    let srv = start(&Config::default(), dir.path()).await;
    let path = "/v1/search?q=vegan+skincare&limit=50";
    let first = raw_get(srv.addr, path, &[]).await;
    // Now and then the first repeat just after the server starts is a miss (most likely the
    // reader opening a new searcher generation, which is a new cache key): ask again until a
    // repeat is a hit.
    let mut second = raw_get(srv.addr, path, &[]).await;
    let mut m = raw_get(srv.addr, "/metrics", &[]).await.body;
    for _ in 0..20 {
        if counter(&m, "scout_search_cache_hits_total ") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        second = raw_get(srv.addr, path, &[]).await;
        m = raw_get(srv.addr, "/metrics", &[]).await.body;
    }
    assert_eq!(first.status, 200);
    assert!(
        first
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
    assert_eq!(first.body, second.body, "the same answer, byte for byte");
    assert!(!first.body.contains("oatmilkoli"));
    assert_eq!(counter(&m, "scout_search_cache_hits_total "), 1, "{m}");
    assert!(counter(&m, "scout_search_cache_misses_total ") >= 1, "{m}");

    // Another writer commits a creator who matches: the cached answer must not hide them.
    let other = CreatorIndex::open_existing(dir.path()).unwrap();
    write_samples(&other, &[&NEWCOMER]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while raw_get(srv.addr, "/health", &[]).await.json()["generation"] != 2 {
        assert!(Instant::now() < deadline, "the commit was never seen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after = raw_get(srv.addr, path, &[]).await;
    assert!(after.body.contains("oatmilkoli"), "{}", after.body);
    assert!(after.json()["total"].as_u64() > first.json()["total"].as_u64());
}

#[tokio::test]
async fn zero_megabytes_turns_the_cache_off() {
    let dir = common::tempdir();
    build_world(dir.path());
    let mut config = Config::default();
    config.server.search_cache_mb = 0;
    let srv = start(&config, dir.path()).await;
    for _ in 0..3 {
        assert_eq!(
            raw_get(srv.addr, "/v1/search?q=coffee", &[]).await.status,
            200
        );
    }
    let m = raw_get(srv.addr, "/metrics", &[]).await.body;
    assert_eq!(counter(&m, "scout_search_cache_hits_total "), 0);
    assert_eq!(counter(&m, "scout_search_cache_misses_total "), 0);
}
