//! The nightly job at the platforms' documented limits: requests per creator on a first crawl
//! and on a refresh where about 10 % of posts gained replies, the plan's estimate against the
//! time actually taken, and how many creators a night covers.
//!
//! The world is spread like the fediverse — a few large Mastodon servers and a long tail of
//! small ones (`FEDIVERSE_WEIGHTS`), one loopback host each — and crawled through the Mastodon
//! API. Mastodon's documented limit (300 requests / 5 min / IP, scout's default 0.9/s per
//! server) would make even a small world take hours, so every rate is multiplied by `scale`;
//! the report gives each time both as measured and multiplied back to the real limits.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::crawl_bench::bench_config;
use crate::server::{loopback_hosts, spawn_weighted};
use crate::stats::round3;
use crate::world::{Format, GROWN_SHARE, World};
use scout::config::{Config, MASTODON_RATE};
use scout::crawl::plan;
use scout::crawl::{CrawlOptions, CrawlSummary};
use scout::index::CreatorIndex;

/// Creators per server, in parts: one flagship, a few mid-sized servers, a long tail.
pub const FEDIVERSE_WEIGHTS: [u64; 8] = [35, 20, 12, 9, 8, 6, 5, 5];
/// One night.
const NIGHT: Duration = Duration::from_secs(8 * 3600);

fn scaled_config(scale: f64) -> Config {
    let mut c = bench_config(MASTODON_RATE.rate * scale, MASTODON_RATE.burst, 32);
    c.sources.mastodon.rate = MASTODON_RATE.rate * scale;
    c.sources.mastodon.burst = MASTODON_RATE.burst;
    c
}

fn phase(s: &CrawlSummary, creators: u64, planned: &plan::Plan, scale: f64) -> Value {
    json!({
        "requests": s.requests,
        "requests_per_creator": round3(s.requests as f64 / creators as f64),
        "planned_requests": planned.requests,
        "planned_secs_scaled": planned.estimated_secs,
        "actual_secs_scaled": s.duration_secs,
        "planned_hours_at_documented_limits": round3(planned.estimated_secs * scale / 3600.0),
        "actual_hours_at_documented_limits": round3(s.duration_secs * scale / 3600.0),
        "creators_updated": s.creators_new + s.creators_updated + s.creators_unchanged,
        "errors": s.errors,
    })
}

/// Run the benchmark: `creators` over 8 loopback hosts, rates × `scale`.
pub async fn run(creators: u64, seed: u64, scale: f64, index_dir: &Path) -> scout::Result<Value> {
    let ips = loopback_hosts(FEDIVERSE_WEIGHTS.len());
    let srv = spawn_weighted(
        seed,
        creators,
        &ips,
        0,
        World::today(),
        FEDIVERSE_WEIGHTS.to_vec(),
    )
    .await
    .map_err(|e| scout::Error::Other(format!("world server: {e}")))?;
    let world = srv.world.clone();
    let config = scaled_config(scale);
    let _ = std::fs::remove_dir_all(index_dir);
    let index = CreatorIndex::open_or_create(index_dir)?;
    let seeds = world.seeds(creators, Format::Mastodon);
    let mut per_host = vec![0u64; ips.len()];
    for i in 0..creators {
        per_host[world.host_of(i)] += 1;
    }

    // Night 0: everyone is new.
    let planned = plan::plan("crawl", &plan::seed_costs(&config, &seeds), NIGHT);
    let started = Instant::now();
    let first = scout::crawl::crawl(
        &config,
        &index,
        CrawlOptions {
            seeds: seeds.clone(),
            mode: "bench-nightly".into(),
            ..Default::default()
        },
    )
    .await?;
    let first_secs = started.elapsed().as_secs_f64();
    let initial = phase(&first, creators, &planned, scale);

    // Night 1: about a tenth of the posts gained a reply; refresh everyone.
    world.day.store(1, Ordering::Relaxed);
    let planned = plan::plan(
        "refresh",
        &plan::refresh_costs(&config, &index, Duration::ZERO, None)?,
        NIGHT,
    );
    let second =
        scout::crawl::refresh::refresh(&config, &index, Duration::ZERO, None, Vec::new(), false)
            .await?;
    let refresh_rpc = second.requests as f64 / creators as f64;
    let refresh = phase(&second, creators, &planned, scale);

    // One night at the documented limit: each server covers 8 h × rate ÷ requests per
    // creator; with the spread above the flagship fills first.
    let per_server = NIGHT.as_secs_f64() * MASTODON_RATE.rate / refresh_rpc;
    let flagship_share = FEDIVERSE_WEIGHTS[0] as f64 / FEDIVERSE_WEIGHTS.iter().sum::<u64>() as f64;
    let bluesky = NIGHT.as_secs_f64() * scout::config::BLUESKY_RATE.rate / refresh_rpc;
    Ok(json!({
        "creators": creators,
        "hosts": ips.len(),
        "creators_per_host": per_host,
        "rate_scale": scale,
        "grown_share": GROWN_SHARE,
        "initial": initial,
        "refresh": refresh,
        "wall_secs": round3(first_secs + second.duration_secs),
        "night": {
            "refresh_creators_per_mastodon_server": per_server.floor(),
            "refresh_creators_fediverse_spread": (per_server / flagship_share).floor(),
            "refresh_creators_bluesky_appview": bluesky.floor(),
        },
    }))
}
