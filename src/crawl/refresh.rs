//! `crawl --refresh` (foundation stub: built by the nightly re-index work).

use std::time::Duration;

use crate::config::Config;
use crate::crawl::CrawlSummary;
use crate::index::CreatorIndex;

pub async fn refresh(
    _config: &Config,
    _index: &CreatorIndex,
    _max_age: Duration,
    _shard: Option<(u64, u64)>,
    _extra_seeds: Vec<String>,
    _progress: bool,
) -> crate::Result<CrawlSummary> {
    Err(crate::Error::Other("--refresh is not built yet".into()))
}
