//! Fetching: the only module that does network I/O.
//!
//! [`fetch::Fetcher`] is the polite HTTP client every source uses; [`frontier::Frontier`] holds
//! what is left to read; [`run`] drives a crawl from seeds to committed index batches.

pub mod body;
pub mod charset;
pub mod fetch;
pub mod frontier;
pub mod gate;
pub mod guard;
pub mod limiter;
pub mod outbox;
pub mod progress;
pub mod refresh;
pub mod retry;
pub mod robots;
pub mod run;
pub mod state;
pub mod urlnorm;

pub use fetch::{FetchError, Fetcher, RequestOpts, Response};
pub use run::{CrawlOptions, CrawlSummary, crawl};
