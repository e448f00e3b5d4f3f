//! `crawl --frontier redis://...` against a real `redis-server` on a loopback port: workers
//! share one crawl, a worker killed with `kill -9` loses nothing, politeness holds across
//! workers (measured at the server), and `scout merge` gives the single-process crawl's
//! creators. Nothing is skipped: without `redis-server` these tests fail and say so.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scout::config::Config;
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;

use crate::common;
use crate::crawler_server::{Hostile, max_in_one_second, times};
use crate::multihop::{self, REACHABLE_AT_DEPTH_3, creators, seeds, single_process, world};

/// A `redis-server` of our own on a free loopback port, killed when dropped.
pub struct RedisServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        RedisServer::start_on(port)
    }

    pub fn start_on(port: u16) -> RedisServer {
        let dir = common::tempdir();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}); install it: apt-get install -y redis-server"
                )
            });
        let server = RedisServer {
            child,
            port,
            _dir: dir,
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server did not start listening on 127.0.0.1:{port}");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// `kill -9` the server.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn worker_opts(srv: &Hostile, redis: &RedisServer) -> CrawlOptions {
    CrawlOptions {
        seeds: seeds(srv),
        frontier: Some(redis.url()),
        mode: "crawl".into(),
        ..Default::default()
    }
}

/// Run `n` workers of one Redis crawl at once, each into its own index; return the folders.
async fn run_workers(
    n: usize,
    srv: &Hostile,
    redis: &RedisServer,
    cfg: &Config,
) -> Vec<tempfile::TempDir> {
    let dirs: Vec<tempfile::TempDir> = (0..n).map(|_| common::tempdir()).collect();
    let runs = dirs.iter().map(|d| {
        let opts = worker_opts(srv, redis);
        async move {
            let index = CreatorIndex::open_or_create(d.path()).unwrap();
            crawl(cfg, &index, opts).await.unwrap()
        }
    });
    futures::future::join_all(runs).await;
    dirs
}

fn merge(dirs: &[&Path]) -> BTreeSet<String> {
    let out = common::tempdir();
    let index = CreatorIndex::open_or_create(out.path()).unwrap();
    let srcs: Vec<_> = dirs.iter().map(|d| d.to_path_buf()).collect();
    let s = scout::index::merge::merge(&index, &srcs).unwrap();
    assert_eq!(s.creators_total as usize, s.creators_written as usize);
    drop(index);
    creators(out.path())
}

#[tokio::test]
async fn two_and_three_workers_merge_into_the_single_process_crawl() {
    let srv = world().await;
    let cfg = multihop::config();
    let expected = single_process(&srv, &cfg).await;
    assert_eq!(expected.len(), REACHABLE_AT_DEPTH_3);
    for n in [2, 3] {
        let redis = RedisServer::start();
        let dirs = run_workers(n, &srv, &redis, &cfg).await;
        let paths: Vec<&Path> = dirs.iter().map(|d| d.path()).collect();
        let per_worker: Vec<usize> = paths.iter().map(|p| creators(p).len()).collect();
        assert_eq!(merge(&paths), expected, "{n} workers ({per_worker:?})");
        // A second run on the same (finished) frontier reads nothing new.
        let again = run_workers(1, &srv, &redis, &cfg).await;
        assert!(creators(again[0].path()).is_empty());
    }
}

#[tokio::test]
async fn politeness_holds_across_one_two_and_four_workers() {
    let srv = world().await;
    let mut cfg = multihop::config();
    cfg.crawl.max_depth = 2;
    cfg.crawl.rate_per_host = 40.0;
    cfg.crawl.burst = 4;
    for n in [1, 2, 4] {
        let redis = RedisServer::start();
        let before = srv.hits().len();
        run_workers(n, &srv, &redis, &cfg).await;
        let hits = &srv.hits()[before..];
        let peak = max_in_one_second(&times(hits));
        assert!(hits.len() > 60, "{n} workers: {} requests", hits.len());
        assert!(
            peak <= 40 + 4,
            "{n} workers sent {peak} requests in one second (rate 40 + burst 4)"
        );
    }
}

#[tokio::test]
async fn redis_down_at_start_exits_1_with_a_clear_message() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = common::tempdir();
    let out = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dir.path())
        .args(["crawl", "http://127.0.0.1:9/c/0/", "--frontier"])
        .arg(format!("redis://127.0.0.1:{port}/0"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot reach the Redis frontier at redis://127.0.0.1"),
        "{err}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dir.path())
        .args(["crawl", "http://127.0.0.1:9/", "--frontier", "http://x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn redis_lost_mid_crawl_stops_cleanly_and_a_restart_continues() {
    let srv = world().await;
    let mut cfg = multihop::config();
    cfg.crawl.rate_per_host = 30.0;
    cfg.crawl.burst = 1;
    cfg.crawl.commit_every = 5;
    let mut redis = RedisServer::start();
    let port = redis.port;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let run = crawl(&cfg, &index, worker_opts(&srv, &redis));
    let kill = async {
        while srv.hits().len() < 40 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        redis.kill();
    };
    let (result, ()) = tokio::join!(run, kill);
    let err = result.expect_err("the worker must stop when Redis is lost");
    assert!(err.to_string().contains("was lost"), "{err}");
    index.reload().unwrap();
    let kept = index.num_docs();
    assert!(kept > 0, "what was read before the loss is committed");
    // Redis comes back (empty: it kept nothing on disk); the same command finishes the crawl.
    let redis = RedisServer::start_on(port);
    crawl(&cfg, &index, worker_opts(&srv, &redis))
        .await
        .unwrap();
    drop(index);
    assert_eq!(creators(dir.path()).len(), REACHABLE_AT_DEPTH_3);
}

#[tokio::test]
async fn a_worker_killed_with_kill_9_loses_nothing() {
    let srv = world().await;
    let redis = RedisServer::start();
    let expected = single_process(&srv, &multihop::config()).await;
    let dead = common::tempdir();
    let before = srv.hits().len();
    let log = common::tempdir();
    // A slow worker in its own process, with a short lease.
    let mut child = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dead.path())
        .args(["--set", "crawl.allow_private_networks=[\"127.0.0.1/32\"]"])
        .args(["--set", "crawl.max_depth=3", "--set", "crawl.lease_secs=2"])
        .args(["--set", "crawl.min_original_posts=0"])
        .args([
            "--set",
            "crawl.rate_per_host=20",
            "--set",
            "crawl.commit_every=5",
        ])
        .args(["crawl", "--json", "--frontier", &redis.url()])
        .args(seeds(&srv))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log.path().join("stderr")).unwrap())
        .spawn()
        .unwrap();
    while srv.hits().len() < before + 30 {
        if let Some(status) = child.try_wait().unwrap() {
            let err = std::fs::read_to_string(log.path().join("stderr")).unwrap_or_default();
            panic!("the worker ended before it was killed ({status}): {err}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Another worker finishes the crawl, taking over the dead worker's leases once they expire.
    let mut cfg = multihop::config();
    cfg.crawl.lease_secs = 2.0;
    let alive = common::tempdir();
    let index = CreatorIndex::open_or_create(alive.path()).unwrap();
    crawl(&cfg, &index, worker_opts(&srv, &redis))
        .await
        .unwrap();
    drop(index);
    assert_eq!(merge(&[dead.path(), alive.path()]), expected);
}
