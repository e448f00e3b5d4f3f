//! The ranking world: a few hundred creators and their audiences, generated from a seed and
//! served on loopback the way Mastodon and Bluesky really answer (replies to others and
//! self-threads in author feeds, reply-only audience accounts, bot comments, keyword-stuffed
//! bios, bought audiences, inactive creators, niches outside the taxonomy), with graded
//! judgments from its truth and a benchmark of scout's ranker against plain BM25 on the same
//! index (see RANKING.md).
//!
//! - [`vocab`]: the niches and the words; [`spec`]: the truth; [`api`] / [`server`]: the
//!   platforms' JSON; [`judge`]: queries, gains, NDCG; [`bm25`]: the baseline; [`eval`]:
//!   crawl, rank, judge.

pub mod api;
pub mod bm25;
mod conversation;
pub mod eval;
pub mod judge;
pub mod server;
pub mod spec;
pub mod vocab;

pub use eval::{RankingOptions, run};
pub use spec::RankWorld;
