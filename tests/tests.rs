//! All integration tests build into this one binary (linking once saves minutes on 2 cores).
//! Topic files below; shared helpers in `common`.
// A test binary has no API: `pub` here only crosses its own modules.
#![allow(unreachable_pub)]

pub mod browser;
mod campaigns;
mod common;
mod consent;
mod crawler;
mod crawler_polite;
mod crawler_server;
mod fit;
mod foundation;
mod hubs;
mod layers;
mod multihop;
mod nightly;
mod own_posts;
mod platforms;
mod query_focus;
mod ranking;
mod rate_limits;
mod redis_frontier;
mod refresh;
mod server;
mod signals;
mod web_source;
