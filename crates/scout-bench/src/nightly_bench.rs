//! The nightly job at the platforms' documented limits: requests per creator on a first crawl
//! and on a refresh where about 10 % of posts gained replies, the plan's estimate against the
//! time actually taken, and how many creators a night covers.
//!
//! The world is spread like the fediverse — a few large Mastodon servers and a long tail of
//! small ones (`FEDIVERSE_WEIGHTS`), one loopback host each — plus one Bluesky AppView host
//! (`BLUESKY_WEIGHT`) answering XRPC in the AppView's shapes, `getProfiles` and `getPosts`
//! included. Requests are counted per host at the server. The documented limits (Mastodon
//! 300 requests / 5 min / IP, scout's default 0.9/s per server; Bluesky 3,000 / 5 min, 9/s)
//! would make even a small world take hours, so every rate is multiplied by `scale`; the
//! report gives each time both as measured and multiplied back to the real limits. A second
//! night refreshes again with Bluesky's batch calls off, to show what they save.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::crawl_bench::bench_config;
use crate::server::{WorldServer, loopback_hosts, spawn_with_bluesky};
use crate::stats::{self, round3};
use crate::world::{GROWN_SHARE, World};
use scout::config::{BLUESKY_RATE, Config, MASTODON_RATE};
use scout::crawl::plan;
use scout::crawl::{CrawlOptions, CrawlSummary};
use scout::index::CreatorIndex;

/// Creators per server, in parts: one flagship, a few mid-sized servers, a long tail.
pub const FEDIVERSE_WEIGHTS: [u64; 8] = [35, 20, 12, 9, 8, 6, 5, 5];
/// The Bluesky AppView's share against the fediverse's 100: a third of all creators.
pub const BLUESKY_WEIGHT: u64 = 50;
/// One night.
const NIGHT: Duration = Duration::from_secs(8 * 3600);

fn scaled_config(scale: f64, appview: &str) -> Config {
    let mut c = bench_config(MASTODON_RATE.rate * scale, MASTODON_RATE.burst, 32);
    c.sources.mastodon.rate = MASTODON_RATE.rate * scale;
    c.sources.mastodon.burst = MASTODON_RATE.burst;
    c.sources.bluesky.rate = BLUESKY_RATE.rate * scale;
    c.sources.bluesky.burst = BLUESKY_RATE.burst;
    c.sources.bluesky.api_base = appview.to_string();
    c
}

/// What reached the servers since the last call: requests at the Mastodon servers and at the
/// AppView, and politeness measured there — 1-s windows over rate + burst on any host.
struct Arrivals {
    mastodon: u64,
    bluesky: u64,
    windows_over_limit: usize,
}

fn arrivals(srv: &WorldServer, appview: usize, scale: f64) -> Arrivals {
    let log = srv.log.snapshot(true);
    let (masto, bsky) = log.split_at(appview);
    let m = stats::fidelity(masto, MASTODON_RATE.rate * scale, MASTODON_RATE.burst);
    let b = stats::fidelity(bsky, BLUESKY_RATE.rate * scale, BLUESKY_RATE.burst);
    Arrivals {
        mastodon: m.requests as u64,
        bluesky: b.requests as u64,
        windows_over_limit: m.violations + b.violations,
    }
}

fn per(n: u64, d: u64) -> f64 {
    round3(n as f64 / d.max(1) as f64)
}

fn phase(
    s: &CrawlSummary,
    planned: &plan::Plan,
    arrived: &Arrivals,
    (mastodon, bluesky): (u64, u64),
    scale: f64,
) -> Value {
    json!({
        "requests": s.requests,
        "requests_per_creator": per(s.requests, mastodon + bluesky),
        "mastodon_requests_per_creator": per(arrived.mastodon, mastodon),
        "bluesky_requests_per_creator": per(arrived.bluesky, bluesky),
        "windows_over_rate_plus_burst": arrived.windows_over_limit,
        "not_modified": s.not_modified,
        "body_bytes": s.bytes,
        "planned_requests": planned.requests,
        "planned_secs_scaled": planned.estimated_secs,
        "actual_secs_scaled": s.duration_secs,
        "planned_hours_at_documented_limits": round3(planned.estimated_secs * scale / 3600.0),
        "actual_hours_at_documented_limits": round3(s.duration_secs * scale / 3600.0),
        "creators_updated": s.creators_new + s.creators_updated + s.creators_unchanged,
        "errors": s.errors,
    })
}

async fn refresh_all(
    config: &Config,
    index: &CreatorIndex,
) -> scout::Result<(CrawlSummary, plan::Plan)> {
    let planned = plan::plan(
        "refresh",
        &plan::refresh_costs(config, index, Duration::ZERO, None)?,
        NIGHT,
    );
    let s = scout::crawl::refresh::refresh(config, index, Duration::ZERO, None, Vec::new(), false)
        .await?;
    Ok((s, planned))
}

/// Run the benchmark: `creators` over 8 Mastodon hosts and one AppView, rates × `scale`.
pub async fn run(creators: u64, seed: u64, scale: f64, index_dir: &Path) -> scout::Result<Value> {
    let appview = FEDIVERSE_WEIGHTS.len();
    let ips = loopback_hosts(appview + 1);
    let mut weights = FEDIVERSE_WEIGHTS.to_vec();
    weights.push(BLUESKY_WEIGHT);
    let srv = spawn_with_bluesky(
        seed,
        creators,
        &ips,
        0,
        World::today(),
        weights,
        Some(appview),
    )
    .await
    .map_err(|e| scout::Error::Other(format!("world server: {e}")))?;
    let world = srv.world.clone();
    let mut config = scaled_config(scale, &world.hosts[appview]);
    let _ = std::fs::remove_dir_all(index_dir);
    let index = CreatorIndex::open_or_create(index_dir)?;
    let seeds = world.api_seeds(creators);
    let mut per_host = vec![0u64; ips.len()];
    for i in 0..creators {
        per_host[world.host_of(i)] += 1;
    }
    let split = (creators - per_host[appview], per_host[appview]);

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
    // What reached the servers during a phase, and its report.
    let measure = |s: &CrawlSummary, p: &plan::Plan| {
        let arrived = arrivals(&srv, appview, scale);
        (phase(s, p, &arrived, split, scale), arrived)
    };
    let (initial, _) = measure(&first, &planned);

    // Night 1: about a tenth of the posts gained a reply; refresh everyone.
    world.day.store(1, Ordering::Relaxed);
    let (second, planned) = refresh_all(&config, &index).await?;
    let (refresh, arrived) = measure(&second, &planned);
    let masto_rpc = arrived.mastodon as f64 / split.0.max(1) as f64;
    let bsky_rpc = arrived.bluesky as f64 / split.1.max(1) as f64;

    // Night 2: the same again with Bluesky's batch calls off (what they save).
    world.day.store(2, Ordering::Relaxed);
    config.sources.bluesky.batch_refresh = false;
    let (third, planned) = refresh_all(&config, &index).await?;
    let (unbatched, _) = measure(&third, &planned);

    // One night at the documented limit: each host covers 8 h × rate ÷ requests per
    // creator; with the spread above the flagship Mastodon server fills first.
    let per_server = NIGHT.as_secs_f64() * MASTODON_RATE.rate / masto_rpc;
    let flagship_share = FEDIVERSE_WEIGHTS[0] as f64 / FEDIVERSE_WEIGHTS.iter().sum::<u64>() as f64;
    let bluesky = NIGHT.as_secs_f64() * BLUESKY_RATE.rate / bsky_rpc;
    Ok(json!({
        "creators": creators,
        "mastodon_creators": split.0,
        "bluesky_creators": split.1,
        "hosts": ips.len(),
        "creators_per_host": per_host,
        "rate_scale": scale,
        "grown_share": GROWN_SHARE,
        "initial": initial,
        "refresh": refresh,
        "refresh_without_bluesky_batches": unbatched,
        "wall_secs": round3(first_secs + second.duration_secs + third.duration_secs),
        "night": {
            "refresh_creators_per_mastodon_server": per_server.floor(),
            "refresh_creators_fediverse_spread": (per_server / flagship_share).floor(),
            "refresh_creators_bluesky_appview": bluesky.floor(),
        },
    }))
}
