//! The platform sources (Mastodon API, Bluesky AppView, RSS/Atom and YouTube feeds): parsed
//! from real recordings, and end to end over a loopback socket (scout's fixture server) through
//! a real [`Fetcher`].
//!
//! - `real_data`: every relevant response recorded from real servers (`common::realdata()`),
//!   parsed one by one;
//! - `real_replies`: what the recorded timelines say about replies (parents, declared
//!   languages) and how it feeds `creator_reply_share`;
//! - `real_served`: the recordings served exactly as the platform served them (paths, query
//!   strings, `Link` headers) and read through the sources;
//! - `edge_cases`: our own fixtures for what the recordings lack (`fixtures/platforms/`);
//! - `world`: the demo world's platform creators (`fixtures/world/`).

mod edge_cases;
mod peertube;
mod real_batch;
mod real_data;
mod real_replies;
mod real_served;
mod world;
mod youtube_api;

use scout::config::Config;
use scout::net::Fetcher;
use scout::sources::{ReadContext, SourceOutput};

/// A config for a fixture server at `base`: Bluesky and YouTube under it, as the demo does.
pub fn config_for(base: &str) -> Config {
    let mut c = crate::common::test_config();
    c.sources.bluesky.api_base = format!("{base}/bsky");
    c.sources.youtube.base = format!("{base}/yt");
    c
}

fn everyone(_: &str) -> bool {
    true
}

/// Read `url` through `scout::sources::read` with a fresh fetcher.
pub async fn read(url: &str, config: &Config) -> SourceOutput {
    let fetcher = Fetcher::new(&config.crawl).expect("fetcher");
    let ctx = ReadContext {
        fetcher: &fetcher,
        config,
        read_in_full: &everyone,
        known: &|_| None,
        bluesky_batches: None,
        peertube_hosts: &Default::default(),
    };
    scout::sources::read(&url::Url::parse(url).expect("url"), &ctx).await
}

/// Fetch `url` (a feed) and hand it to `feed::read_feed`, as the web source does.
pub async fn read_feed_at(url: &str, config: &Config) -> SourceOutput {
    let fetcher = Fetcher::new(&config.crawl).expect("fetcher");
    let ctx = ReadContext {
        fetcher: &fetcher,
        config,
        read_in_full: &everyone,
        known: &|_| None,
        bluesky_batches: None,
        peertube_hosts: &Default::default(),
    };
    let resp = fetcher
        .get(&url::Url::parse(url).expect("url"))
        .await
        .expect("feed fetched");
    scout::sources::feed::read_feed(&resp, &ctx).await
}

/// Problem kinds, for readable assertions.
pub fn kinds(out: &SourceOutput) -> Vec<String> {
    out.problems.iter().map(|p| p.kind.to_string()).collect()
}
