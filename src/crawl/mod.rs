//! The crawl driver: from seeds to committed index batches. It stands above the sources,
//! extraction and the index, and sequences them; every request goes through
//! [`crate::net::Fetcher`]. [`frontier::Frontier`] holds what is left to read, [`run`] drives a
//! crawl, [`refresh`] the nightly re-read, [`state`] makes both resumable.

pub(crate) mod batch;
pub mod frontier;
pub(crate) mod outbox;
pub mod plan;
pub(crate) mod prepare;
pub(crate) mod progress;
pub(crate) mod reads;
pub mod refresh;
pub(crate) mod run;
pub(crate) mod state;

pub use run::{CrawlOptions, CrawlSummary, crawl};
