//! scout: an open-source creator discovery crawler and indexer.
//!
//! The pipeline is visible in the modules, and they stand on floors: each uses only the
//! floors below it, never one above, and modules on one floor never use each other in a
//! circle (`tests/layers.rs` fails on an upward import or a circle).
//!
//! | floor | modules | what they are for |
//! |---|---|---|
//! | 7 | [`cli`], [`server`] | the command line and the HTTP endpoint with its page |
//! | 6 | [`crawl`] | the driver: seeds → frontier → sources → extraction → index commits, resume, refresh |
//! | 5 | [`rank`] | niche matching, fit, explanations, lookalikes; output formats CLI and server share |
//! | 4 | [`index`] | tantivy: schema, documents, the one writer |
//! | 3 | [`sources`], [`extract`] | pure parsers per platform (+ thin drivers over `net`); pure signals |
//! | 2 | [`net`], [`consent`], [`fixture_server`] | every request (guard, robots, limits, retries, caps); the opt-out answer; the loopback fixture server |
//! | 1 | [`model`], [`error`], [`config`] | the types every stage shares |
//!
//! The benchmarks live apart, in the workspace package `crates/scout-bench`.

pub mod cli;
pub mod config;
pub mod consent;
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
