//! The nightly job's planning and deadline: `crawl --plan` counts without fetching, a crawl
//! with a deadline stops cleanly with what it read committed, and the rest comes first next
//! time.

use std::process::Command;
use std::time::Duration;

use scout::crawl::refresh::{due, refresh_until};
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;

use crate::common;
use crate::crawler_server::{Hostile, Reply, lo};

#[tokio::test]
async fn plan_counts_per_host_and_fetches_nothing() {
    let srv = Hostile::start(lo(21), |_, _| Reply::html("<p>x</p>")).await;
    let base = srv.url("/").to_string();
    let mut args = vec![
        "crawl".to_string(),
        "--plan".into(),
        "--json".into(),
        "--deadline".into(),
        "60s".into(),
        "--set".into(),
        format!("crawl.hosts.\"{}\".rate=0.5", lo(21)),
    ];
    for i in 0..20 {
        args.push(format!("{base}@user{i}"));
    }
    args.push("https://bsky.app/profile/a.bsky.social".into());
    let dir = common::tempdir();
    let out = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dir.path())
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["creators"], 21);
    let hosts = plan["hosts"].as_array().unwrap();
    let masto = hosts
        .iter()
        .find(|h| h["host"] == lo(21).to_string())
        .unwrap();
    assert_eq!(masto["source"], "mastodon");
    assert_eq!(masto["creators"], 20);
    // 20 × (lookup + a page + 10 threads) + robots.txt, at the host's configured 0.5/s.
    assert_eq!(masto["requests"], 241);
    assert_eq!(masto["rate"], 0.5);
    let bsky = hosts
        .iter()
        .find(|h| h["host"] == "public.api.bsky.app")
        .unwrap();
    assert_eq!(bsky["rate"], 9.0);
    assert_eq!(plan["exceeds_deadline"], true);
    assert!(plan["creators_within_deadline"].as_u64().unwrap() < 21);
    assert!(srv.hits().is_empty(), "the plan fetched {:?}", srv.hits());

    // The table names the warning; a bad deadline is a usage error.
    let out = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dir.path())
        .args(args.iter().filter(|a| *a != "--json"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("exceeds the deadline"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_scout"))
        .args([
            "crawl",
            "--plan",
            "--deadline",
            "soon",
            "https://a.example/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--deadline"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_stops_cleanly_and_the_rest_is_resumable() {
    let world = common::tempdir();
    let paths = common::write_web_world(world.path(), 20);
    let server = common::serve(world.path()).await;
    let seeds: Vec<String> = paths
        .iter()
        .map(|p| format!("{}{p}", server.base()))
        .collect();
    let mut cfg = common::test_config();
    // 20 creators × 3 pages at 5/s: far longer than the deadline.
    cfg.crawl.rate_per_host = 5.0;
    cfg.crawl.burst = 1;
    // One host: creators one or two at a time, so that some finish before the deadline.
    cfg.crawl.concurrency = 2;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let opts = |deadline| CrawlOptions {
        seeds: seeds.clone(),
        mode: "crawl".into(),
        deadline,
        ..Default::default()
    };
    let first = crawl(&cfg, &index, opts(Some(Duration::from_secs(2))))
        .await
        .unwrap();
    assert!(first.stopped_at_deadline, "{first:?}");
    assert!(first.pending > 0);
    assert!(
        first.creators_new > 0 && first.creators_new < 20,
        "{first:?}"
    );
    assert_eq!(index.num_docs(), first.creators_new, "committed");

    // The same command again resumes where the deadline stopped it.
    cfg.crawl.rate_per_host = 200.0;
    let second = crawl(&cfg, &index, opts(None)).await.unwrap();
    assert!(second.resumed);
    assert!(!second.stopped_at_deadline);
    assert_eq!(first.creators_new + second.creators_new, 20, "{second:?}");

    // A refresh stopped by its deadline leaves the least recently fetched first in line.
    cfg.crawl.rate_per_host = 5.0;
    let before = due(&index, Duration::ZERO, None).unwrap();
    let s = refresh_until(
        &cfg,
        &index,
        Duration::ZERO,
        None,
        Vec::new(),
        false,
        Some(Duration::from_secs(2)),
    )
    .await
    .unwrap();
    assert!(s.stopped_at_deadline);
    let after = due(&index, Duration::ZERO, None).unwrap();
    let untouched = before.len() - (s.creators_updated + s.creators_unchanged) as usize;
    assert!(untouched > 0);
    // Those not reached come first, in their old order; the refreshed go last.
    let first_ids: Vec<&String> = after.iter().take(untouched).map(|(_, id)| id).collect();
    let expect: Vec<&String> = before
        .iter()
        .map(|(_, id)| id)
        .filter(|id| first_ids.contains(id))
        .collect();
    assert_eq!(first_ids, expect);
}
