//! Crawl workers on one Redis frontier (`crawl --frontier redis://`): pages/s with 1, 2 and 4
//! workers (limits lifted, loopback world), politeness across them (arrivals at the server,
//! windows over `rate + burst`), and `scout merge` time for worker indexes.
//!
//! Workers run as tasks of this process, each with its own fetcher, frontier connection and
//! index, exactly as separate processes would (nothing is shared but Redis); on one machine
//! they share its cores, so the figure shows the frontier's overhead and scaling on a fixed
//! CPU budget, not what N machines give. A `redis-server` is started per measurement on a free
//! loopback port (`--save ""`) and killed after it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::crawl_bench::bench_config;
use super::server;
use super::stats;
use super::world::{Format, World};
use scout::crawl::CrawlOptions;
use scout::extract::Extractor;
use scout::index::CreatorIndex;

struct Redis(Child, u16);

impl Redis {
    fn start(dir: &Path) -> std::io::Result<Redis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        std::fs::create_dir_all(dir)?;
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                std::io::Error::other(format!(
                    "redis-server not found ({e}): apt-get install -y redis-server"
                ))
            })?;
        let server = Redis(child, port);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(std::io::Error::other("redis-server did not start"))
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.1)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `n` workers crawl `seeds` on one fresh Redis frontier; (secs, requests, creators, indexes).
async fn run_workers(
    n: usize,
    seeds: &[String],
    config: &scout::config::Config,
    work: &Path,
) -> scout::Result<(f64, u64, u64, Vec<std::path::PathBuf>)> {
    let redis = Redis::start(&work.join("redis")).map_err(|e| scout::Error::io("redis", e))?;
    let dirs: Vec<_> = (0..n)
        .map(|k| work.join(format!("worker-{n}-{k}")))
        .collect();
    for d in &dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    let started = Instant::now();
    let runs = dirs.iter().map(|d| {
        let opts = CrawlOptions {
            seeds: seeds.to_vec(),
            frontier: Some(redis.url()),
            mode: "bench-workers".into(),
            ..Default::default()
        };
        async move {
            let index = CreatorIndex::open_or_create(d)?;
            scout::crawl::crawl(config, &index, opts).await
        }
    });
    let results = futures::future::join_all(runs).await;
    let secs = started.elapsed().as_secs_f64();
    let (mut requests, mut creators) = (0, 0);
    for r in results {
        let s = r?;
        requests += s.requests;
        creators += s.creators_new;
    }
    Ok((secs, requests, creators, dirs))
}

/// Pages/s with each worker count, politeness with limits on, merge time.
pub async fn workers(
    creators: u64,
    hosts: usize,
    seed: u64,
    merge_creators: u64,
    work: &Path,
) -> scout::Result<Value> {
    let ws = server::spawn(
        seed,
        creators,
        &server::loopback_hosts(hosts),
        0,
        World::today(),
    )
    .await
    .map_err(|e| scout::Error::io("world server", e))?;
    let seeds = ws.world.seeds(creators, Format::Web);
    let mut throughput = Vec::new();
    for n in [1usize, 2, 4] {
        let cfg = bench_config(1_000_000.0, 1_000, 64);
        let (secs, requests, indexed, _) = run_workers(n, &seeds, &cfg, work).await?;
        throughput.push(json!({
            "workers": n,
            "pages": requests,
            "creators_indexed": indexed,
            "secs": stats::round3(secs),
            "pages_per_s": (requests as f64 / secs).round(),
        }));
    }
    // Politeness: a slow rate, every worker count, arrivals logged by the world server.
    let (rate, burst) = (10.0, 2);
    let mut politeness = Vec::new();
    for n in [1usize, 2, 4] {
        let cfg = bench_config(rate, burst, 64);
        ws.log.snapshot(true);
        let few: Vec<String> = seeds.iter().take(5 * hosts).cloned().collect();
        run_workers(n, &few, &cfg, work).await?;
        let f = stats::fidelity(&ws.log.snapshot(true), rate, burst);
        politeness
            .push(json!({ "workers": n, "rate_per_host": rate, "burst": burst, "fidelity": f }));
    }
    let merge = merge_time(&ws.world, merge_creators, work)?;
    Ok(json!({
        "world_creators": creators,
        "hosts": hosts,
        "throughput": throughput,
        "politeness": politeness,
        "merge": merge,
    }))
}

/// Two worker indexes of `n` creators each, overlapping by 10 %, merged into a fresh one.
fn merge_time(world: &World, n: u64, work: &Path) -> scout::Result<Value> {
    let config = scout::config::Config::default();
    let ex = Extractor::new(&config)?;
    let now = chrono::Utc::now();
    let srcs = [work.join("merge-a"), work.join("merge-b")];
    let overlap = n / 10;
    let started = Instant::now();
    for (k, dir) in srcs.iter().enumerate() {
        let _ = std::fs::remove_dir_all(dir);
        let index = CreatorIndex::open_or_create(dir)?;
        let mut w = index.writer()?;
        let first = if k == 0 { 0 } else { n - overlap };
        for i in first..first + n {
            let raw = world.raw_profile(i);
            let rec = ex.extract(&raw, &[], now);
            w.upsert(&rec, &raw)?;
        }
        w.commit(None)?;
        w.close()?;
    }
    let build_secs = started.elapsed().as_secs_f64();
    let out = work.join("merge-out");
    let _ = std::fs::remove_dir_all(&out);
    let index = CreatorIndex::open_or_create(&out)?;
    let started = Instant::now();
    let s = scout::index::merge::merge(&index, &srcs)?;
    let secs = started.elapsed().as_secs_f64();
    Ok(json!({
        "sources": 2,
        "records_read": s.records_read,
        "creators_total": s.creators_total,
        "duplicates_skipped": s.duplicates_skipped,
        "secs": stats::round3(secs),
        "records_per_s": (s.records_read as f64 / secs).round(),
        "build_secs": stats::round3(build_secs),
    }))
}
