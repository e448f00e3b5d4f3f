//! Whole-pipeline crawl benchmarks against a running world server: throughput with rate
//! limits lifted, and rate-limit fidelity with limits on (measured at the server).
//!
//! Both run the real `crawl::crawl` (fetcher, robots.txt, sources, extraction, index writer).
//! Fidelity falls back to driving the [`Fetcher`] directly when the crawl cannot read the
//! world (a source not built yet): the limiter under test lives in the fetcher either way, and
//! the report says which path was measured.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use url::Url;

use super::stats::{self, Fidelity};
use super::world::{Format, World};
use scout::config::Config;
use scout::crawl::{CrawlOptions, CrawlSummary};
use scout::index::CreatorIndex;
use scout::net::Fetcher;

/// The crawl configuration of every benchmark: loopback exempt (the world lives on
/// 127.0.0.2–9), robots.txt respected, seeds only (discoveries are computed but not followed,
/// so the crawl covers exactly the seeded creators), budgets out of the way.
pub fn bench_config(rate_per_host: f64, burst: u32, concurrency: usize) -> Config {
    let mut c = Config::default();
    c.crawl.allow_private_networks = vec!["127.0.0.0/8".into()];
    c.crawl.rate_per_host = rate_per_host;
    c.crawl.burst = burst;
    // The platform sources' documented rates would otherwise apply to the loopback API hosts.
    for s in [&mut c.sources.mastodon.rate, &mut c.sources.bluesky.rate] {
        *s = rate_per_host;
    }
    for b in [&mut c.sources.mastodon.burst, &mut c.sources.bluesky.burst] {
        *b = burst;
    }
    c.crawl.concurrency = concurrency;
    c.crawl.respect_robots = true;
    c.crawl.max_depth = 0;
    c.crawl.max_pages = 100_000_000;
    c.crawl.max_pages_per_host = 100_000_000;
    c.crawl.max_pages_per_site = 100_000_000;
    c.crawl.commit_every = 2_000;
    c.crawl.retry_base_ms = 50;
    c
}

/// A plain loopback client for the server's `/__bench/*` routes (not the crawler's fetcher:
/// these requests must not count against the limits under test).
fn control_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

pub async fn server_json(host: &str, path: &str) -> Option<Value> {
    let resp = control_client()
        .get(format!("{host}{path}"))
        .send()
        .await
        .ok()?;
    serde_json::from_slice(&resp.bytes().await.ok()?).ok()
}

fn summary_json(s: &CrawlSummary) -> Value {
    json!({
        "urls_read": s.urls_read,
        "requests": s.requests,
        "bytes": s.bytes,
        "creators_new": s.creators_new,
        "creators_updated": s.creators_updated,
        "errors": s.errors,
        "errors_by_kind": s.errors_by_kind,
        "duration_secs": s.duration_secs,
        "first_problems": s.problems.iter().take(5).map(|p| format!("{} {}: {}", p.kind, p.url, p.detail)).collect::<Vec<_>>(),
    })
}

/// Why a crawl read nothing, when a source is still a stub.
fn not_built(s: &CrawlSummary) -> Option<String> {
    if s.creators_new + s.creators_updated > 0 {
        return None;
    }
    let stub = s
        .problems
        .iter()
        .find(|p| p.detail.contains("not built yet"));
    Some(match stub {
        Some(p) => format!("source not available on this build: {}", p.detail),
        None => "the crawl indexed no creator".into(),
    })
}

/// Crawl `seeds` of `world` into a fresh index at `index_dir` with limits lifted.
pub async fn throughput(
    world: &World,
    creators: u64,
    format: Format,
    concurrency: usize,
    index_dir: &Path,
) -> scout::Result<Value> {
    let _ = std::fs::remove_dir_all(index_dir);
    let config = bench_config(1_000_000.0, 1_000, concurrency);
    let index = CreatorIndex::open_or_create(index_dir)?;
    let before = server_json(&world.hosts[0], "/__bench/stats").await;
    let cpu0 = stats::cpu_secs();
    let started = Instant::now();
    let summary = scout::crawl::crawl(
        &config,
        &index,
        CrawlOptions {
            seeds: world.seeds(creators, format),
            mode: "bench".into(),
            ..Default::default()
        },
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu0.zip(stats::cpu_secs()).map(|(a, b)| b - a);
    let after = server_json(&world.hosts[0], "/__bench/stats").await;
    let served = match (before, after) {
        (Some(b), Some(a)) => a["requests"]
            .as_u64()
            .zip(b["requests"].as_u64())
            .map(|(a, b)| a - b),
        _ => None,
    };
    let indexed = summary.creators_new + summary.creators_updated;
    let skipped = not_built(&summary);
    let pages_per_s = (summary.requests as f64 / secs).round();
    Ok(json!({
        "format": match format { Format::Web => "web", Format::Mastodon => "mastodon" },
        "creators": creators,
        "creators_indexed": indexed,
        "pages": summary.requests,
        "pages_served": served,
        "secs": stats::round3(secs),
        "pages_per_s": skipped.is_none().then_some(pages_per_s),
        "mb_per_s": skipped.is_none().then(|| stats::round3(summary.bytes as f64 / 1e6 / secs)),
        "creators_per_s": skipped.is_none().then(|| (indexed as f64 / secs).round()),
        "cpu_secs": cpu.map(stats::round3),
        "peak_rss_mb": stats::peak_rss_mb(),
        // Language detection: texts answered from the memo vs model runs (see lang_memo).
        "lang_remembered": scout::extract::lang_memo::counts().0,
        "lang_detections": scout::extract::lang_memo::counts().1,
        "skipped": skipped,
        "summary": summary_json(&summary),
    }))
}

/// Rate-limit fidelity: crawl with `rate` per host for at most `secs`, then read arrival
/// times from the server.
pub async fn fidelity(
    world: &World,
    rate: f64,
    burst: u32,
    secs: f64,
    index_dir: &Path,
) -> scout::Result<Value> {
    let _ = std::fs::remove_dir_all(index_dir);
    let config = bench_config(rate, burst, 64);
    let host0 = &world.hosts[0];
    server_json(host0, "/__bench/log?reset=1").await;
    let index = CreatorIndex::open_or_create(index_dir)?;
    // Enough creators that the crawl is still busy when the clock stops.
    let n = ((rate * secs * 2.0) as u64 + 8).max(64) * world.hosts.len() as u64;
    let crawl = scout::crawl::crawl(
        &config,
        &index,
        CrawlOptions {
            seeds: world.seeds(n, Format::Web),
            mode: "bench-rate".into(),
            ..Default::default()
        },
    );
    let (via, crawl_note) = match tokio::time::timeout(Duration::from_secs_f64(secs), crawl).await {
        // Still crawling when time is up: the crawl was rate-bound all along.
        Err(_) => ("crawl", None),
        Ok(Ok(s)) => match not_built(&s) {
            None => ("crawl", None),
            Some(why) => ("fetcher", Some(why)),
        },
        Ok(Err(e)) => ("fetcher", Some(e.to_string())),
    };
    let mut log = server_json(host0, "/__bench/log?reset=1").await;
    if via == "fetcher" {
        fetch_directly(world, &config, secs).await?;
        log = server_json(host0, "/__bench/log?reset=1").await;
    }
    let arrivals: Vec<Vec<u64>> = log
        .as_ref()
        .and_then(|v| serde_json::from_value(v["hosts"].clone()).ok())
        .unwrap_or_default();
    let f: Fidelity = stats::fidelity(&arrivals, rate, burst);
    Ok(json!({
        "via": via,
        "note": crawl_note,
        "rate_per_host": rate,
        "burst": burst,
        "secs": secs,
        "fidelity": f,
    }))
}

/// Fetch world pages through one [`Fetcher`] from 64 tasks for `secs`, hosts interleaved.
async fn fetch_directly(world: &World, config: &Config, secs: f64) -> scout::Result<()> {
    let fetcher = Arc::new(Fetcher::new(&config.crawl)?);
    let urls: Arc<Vec<Url>> = Arc::new(
        (0..world.creators.min(50_000))
            .flat_map(|i| {
                let c = world.creator(i);
                std::iter::once(world.web_profile_url(i))
                    .chain((0..c.posts).map(move |j| format!("{}/p/{j}", world.web_profile_url(i))))
                    .collect::<Vec<_>>()
            })
            .filter_map(|u| Url::parse(&u).ok())
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..config.crawl.concurrency {
        let (fetcher, urls, next) = (fetcher.clone(), urls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= urls.len() || Instant::now() >= deadline {
                    break;
                }
                let _ = tokio::time::timeout_at(deadline.into(), fetcher.get(&urls[k])).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    Ok(())
}
