//! `scout crawl --refresh`: the nightly job. Re-reads every creator whose `fetched_at` is older
//! than `--max-age` (from the URL it was read from), updates what changed, appends a follower
//! point, follows discoveries from fresh posts to new creators, and counts 404/410 answers
//! towards marking a creator gone. A timeout, 5xx or robots outage never removes anyone.

use std::collections::HashMap;
use std::time::Duration;

use super::run::{CrawlOptions, CrawlSummary, crawl, in_shard};
use crate::config::Config;
use crate::index::CreatorIndex;
use crate::net::urlnorm::parse_http;

/// Creators due for a refresh: (URL to re-read, creator id).
pub fn due(
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
) -> crate::Result<Vec<(String, String)>> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    index.for_each(|c| {
        if c.gone || !in_shard(&c.record.profile_url, shard) {
            return Ok(());
        }
        let age = (now - c.record.fetched_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        if age >= max_age {
            let url = c
                .raw
                .as_ref()
                .and_then(|r| r.source_url.clone())
                .unwrap_or_else(|| c.record.profile_url.clone());
            out.push((url, c.record.id));
        }
        Ok(())
    })?;
    out.sort();
    Ok(out)
}

pub async fn refresh(
    config: &Config,
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
    extra_seeds: Vec<String>,
    progress: bool,
) -> crate::Result<CrawlSummary> {
    let targets = due(index, max_age, shard)?;
    let mut seeds: Vec<String> = targets.iter().map(|(u, _)| u.clone()).collect();
    seeds.extend(extra_seeds);
    let refresh_targets: HashMap<String, String> = targets
        .into_iter()
        .filter_map(|(u, id)| parse_http(&u).map(|n| (n.to_string(), id)))
        .collect();
    crawl(
        config,
        index,
        CrawlOptions {
            seeds,
            shard,
            progress,
            mode: format!("refresh-{}", max_age.as_secs()),
            refresh_targets,
            fresh_within: Some(max_age),
        },
    )
    .await
}
