//! `scout crawl --refresh`: the nightly job. Re-reads every creator whose `fetched_at` is older
//! than `--max-age` (from the URL it was read from), updates what changed, appends a follower
//! point, follows discoveries from fresh posts to new creators, and counts 404/410 answers
//! towards marking a creator gone. A timeout, 5xx or robots outage never removes anyone.

use std::collections::HashMap;
use std::time::Duration;

use super::run::{CrawlOptions, CrawlSummary, crawl, in_shard};
use crate::config::Config;
use crate::index::{CreatorIndex, StoredCreator};
use crate::net::urlnorm::parse_http;
use crate::sources::bluesky::batch::{Batches, Known};
use crate::sources::{Seed, classify};

/// The URL to re-read `c` from, if it is due for a refresh (older than `max_age`, in the
/// shard, not gone).
pub fn due_url(
    c: &StoredCreator,
    now: chrono::DateTime<chrono::Utc>,
    max_age: Duration,
    shard: Option<(u64, u64)>,
) -> Option<String> {
    if c.gone || !in_shard(&c.record.profile_url, shard) {
        return None;
    }
    let age = (now - c.record.fetched_at)
        .to_std()
        .unwrap_or(Duration::ZERO);
    (age >= max_age).then(|| {
        c.raw
            .as_ref()
            .and_then(|r| r.source_url.clone())
            .unwrap_or_else(|| c.record.profile_url.clone())
    })
}

/// Creators due for a refresh: (URL to re-read, creator id), least recently fetched first, so
/// that a refresh stopped by its deadline picks up next time with those it did not reach.
pub fn due(
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
) -> crate::Result<Vec<(String, String)>> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    index.for_each(|c| {
        if let Some(url) = due_url(&c, now, max_age, shard) {
            out.push((c.record.fetched_at, url, c.record.id));
        }
        Ok(())
    })?;
    out.sort();
    Ok(out.into_iter().map(|(_, u, id)| (u, id)).collect())
}

pub async fn refresh(
    config: &Config,
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
    extra_seeds: Vec<String>,
    progress: bool,
) -> crate::Result<CrawlSummary> {
    refresh_until(config, index, max_age, shard, extra_seeds, progress, None).await
}

/// [`refresh`] that stops cleanly after `deadline` (`--deadline`): what was read is
/// committed, and the creators not reached are the least recently fetched next time.
pub async fn refresh_until(
    config: &Config,
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
    extra_seeds: Vec<String>,
    progress: bool,
    deadline: Option<Duration>,
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
            deadline,
            ..Default::default()
        },
    )
    .await
}

/// A refresh's Bluesky accounts in the order it reads them, for the AppView's batch calls
/// (see [`crate::sources::bluesky::batch`]). `None` for a crawl that is not a refresh, for a
/// worker of a shared frontier (which reads only some of them), and with
/// `sources.bluesky.batch_refresh = false`.
pub(super) fn bluesky_batches(
    config: &Config,
    index: &CreatorIndex,
    opts: &CrawlOptions,
) -> crate::Result<Option<Batches>> {
    let off = !config.sources.bluesky.batch_refresh;
    if off || opts.refresh_targets.is_empty() || opts.frontier.is_some() {
        return Ok(None);
    }
    let mut known = Vec::new();
    for seed in &opts.seeds {
        let Some(u) = parse_http(seed) else { continue };
        let Seed::Bluesky { handle } = classify(&u) else {
            continue;
        };
        let Some(id) = opts.refresh_targets.get(u.as_str()) else {
            continue;
        };
        if let Some(raw) = index.get(id)?.and_then(|c| c.raw) {
            known.push(Known::from_stored(&handle, &raw));
        }
    }
    Ok((!known.is_empty()).then(|| Batches::new(known)))
}
