//! scout: an open-source creator discovery crawler and indexer.
//!
//! The pipeline is visible in the modules:
//! [`crawl`] (polite fetching, frontier) → [`sources`] (one adapter per platform/format) →
//! [`extract`] (signals) → [`index`] (tantivy) → [`rank`] (niche matching) → [`server`] (HTTP).
//! [`model`] holds the creator/post/comment types every stage shares; [`cli`] is the command
//! line the thin binary in `main.rs` calls.

pub mod cli;
pub mod config;
pub mod crawl;
pub mod error;
pub mod extract;
pub mod fixture_server;
pub mod index;
pub mod model;
pub mod net;
pub mod rank;
pub mod server;
pub mod sources;
#[cfg(test)]
mod testgen;

pub use config::Config;
pub use error::{Error, Result};
