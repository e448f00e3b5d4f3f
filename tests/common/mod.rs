//! Helpers every integration test uses: a runtime-local fixture server, the real-data folder,
//! a config that exempts loopback only, and a temporary index.

#![allow(dead_code)]

use std::path::PathBuf;

use scout::config::Config;
use scout::fixture_server::{self, FixtureServer};

/// The repo's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `../shared/realdata` beside the checkout (CI lays `shared/` there). `SCOUT_REALDATA`
/// overrides it.
pub fn realdata() -> PathBuf {
    if let Ok(p) = std::env::var("SCOUT_REALDATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata")
}

/// Serve `dir` on 127.0.0.1 with any free port.
pub async fn serve(dir: impl Into<PathBuf>) -> FixtureServer {
    fixture_server::serve(dir, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind fixture server")
}

/// A config for crawling loopback fixtures: loopback 127.0.0.1 exempt (only it), fast rates.
pub fn test_config() -> Config {
    let mut c = Config::default();
    c.crawl.allow_private_networks = vec!["127.0.0.1/32".into()];
    c.crawl.rate_per_host = 200.0;
    c.crawl.burst = 10;
    c.crawl.timeout_secs = 5.0;
    c.crawl.retry_base_ms = 10;
    c
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}
