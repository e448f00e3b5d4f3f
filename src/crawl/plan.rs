//! `scout crawl --plan`: what a crawl or refresh will ask of each host and how long that takes
//! at each host's rate — before a single request is sent.
//!
//! Nothing is fetched: seeds are classified by URL alone, refresh targets are read from the
//! index (their stored raw profiles tell how many posts and threads they have), and each
//! source's request model below turns that into requests. Hosts are read in parallel, so the
//! crawl takes as long as its busiest host; a warning says when that exceeds the deadline, and
//! how many creators fit in it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::config::{Config, HostRate};
use crate::index::CreatorIndex;
use crate::model::RawProfile;
use crate::sources::bluesky::batch::BATCH_MAX;
use crate::sources::{Seed, classify};

/// Share of a creator's posts expected to be new or to have gained replies since the last
/// crawl (a nightly refresh); the benchmark world uses the same figure.
pub const REFRESH_CHANGED_SHARE: f64 = 0.1;
/// The deadline `--plan` warns against when none is given: one night.
pub const DEFAULT_PLAN_DEADLINE: Duration = Duration::from_secs(8 * 3600);

/// One creator's expected cost: requests to one host, at that host's rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    pub host: String,
    pub source: &'static str,
    pub requests: f64,
    pub rate: HostRate,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HostPlan {
    pub host: String,
    pub source: &'static str,
    pub creators: u64,
    /// Requests expected, robots.txt included.
    pub requests: u64,
    pub rate: f64,
    pub burst: u32,
    pub secs: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub mode: &'static str,
    pub creators: u64,
    pub requests: u64,
    pub requests_per_creator: f64,
    /// The busiest host's time: hosts are read in parallel.
    pub estimated_secs: f64,
    pub deadline_secs: f64,
    pub exceeds_deadline: bool,
    /// Creators read before the deadline, each host contributing its share.
    pub creators_within_deadline: u64,
    pub hosts: Vec<HostPlan>,
    pub assumptions: Vec<String>,
}

fn host_of(u: &Url) -> String {
    u.host_str().unwrap_or_default().to_ascii_lowercase()
}

/// The request model of each source for one creator read from `seed`; `known` is what the
/// last crawl stored (a refresh), `None` for a new creator.
pub fn cost(seed: &Url, known: Option<&RawProfile>, cfg: &Config) -> Cost {
    let c = &cfg.crawl;
    let posts_known = known.map(|k| k.posts.len() as f64);
    // New creator: the thread cap (creators with fewer replied posts cost less). Refresh:
    // the share of posts expected to have changed.
    let threads = |cap: usize| match posts_known {
        None => cap as f64,
        Some(n) => (n * REFRESH_CHANGED_SHARE).min(cap as f64),
    };
    let (host, source, requests, rate) = match classify(seed) {
        Seed::MastodonProfile { base, .. } => {
            let m = &cfg.sources.mastodon;
            let pages = c.max_posts.div_ceil(m.page_size.clamp(1, 40)).max(1);
            let host = host_of(&base);
            let rate = c.rate_for(&host, Some(m.host_rate()));
            (
                host,
                "mastodon",
                1.0 + pages as f64 + threads(m.max_threads),
                rate,
            )
        }
        Seed::MastodonTag { base, .. } => {
            let host = host_of(&base);
            let rate = c.rate_for(&host, Some(cfg.sources.mastodon.host_rate()));
            (host, "mastodon", 1.0, rate)
        }
        Seed::Bluesky { .. } => {
            let b = &cfg.sources.bluesky;
            let host = Url::parse(&b.api_base)
                .map(|u| host_of(&u))
                .unwrap_or_default();
            let pages = c.max_posts.div_ceil(100).max(1);
            let rate = c.rate_for(&host, Some(b.host_rate()));
            let reads = match known {
                // A refresh asks for profiles and known posts' counts 25 at a time
                // (`getProfiles`, `getPosts`; sources::bluesky::batch).
                Some(k) if b.batch_refresh => (1 + k.posts.len()) as f64 / BATCH_MAX as f64,
                _ => 1.0 + pages as f64,
            };
            (host, "bluesky", reads + threads(b.max_threads), rate)
        }
        Seed::Youtube { .. } => {
            let host = Url::parse(&cfg.sources.youtube.base)
                .map(|u| host_of(&u))
                .unwrap_or_default();
            let rate = c.rate_for(&host, None);
            (host, "youtube", 1.0, rate)
        }
        Seed::Peertube { base, .. } => {
            // The actor, one or two pages of videos, and the newest videos' comment threads.
            let p = &cfg.sources.peertube;
            let host = host_of(&base);
            let pages = c.max_posts.div_ceil(p.page_size.clamp(1, 100)).max(1);
            let rate = c.rate_for(&host, None);
            (
                host,
                "peertube",
                1.0 + pages as f64 + threads(p.max_threads),
                rate,
            )
        }
        Seed::Web(u) => {
            let host = host_of(&u);
            let posts = match posts_known {
                None => c.max_post_pages as f64,
                Some(n) => (n * REFRESH_CHANGED_SHARE).min(c.max_post_pages as f64),
            };
            (host.clone(), "web", 1.0 + posts, c.rate_for(&host, None))
        }
    };
    Cost {
        host,
        source,
        requests,
        rate,
    }
}

/// Sum the creators' costs per host and time them against `deadline`.
pub fn plan(mode: &'static str, costs: &[Cost], deadline: Duration) -> Plan {
    let mut by_host: BTreeMap<&str, (f64, u64, &Cost)> = BTreeMap::new();
    for c in costs {
        let e = by_host.entry(c.host.as_str()).or_insert((0.0, 0, c));
        e.0 += c.requests;
        e.1 += 1;
    }
    let deadline_secs = deadline.as_secs_f64();
    let mut hosts = Vec::new();
    let (mut requests, mut within, mut longest) = (0u64, 0f64, 0f64);
    for (host, (reqs, creators, c)) in by_host {
        // robots.txt, once per host.
        let reqs = reqs.ceil() as u64 + 1;
        // The burst goes out at once; the rest at the rate.
        let secs = (reqs.saturating_sub(u64::from(c.rate.burst)) as f64 / c.rate.rate).max(0.0);
        requests += reqs;
        longest = longest.max(secs);
        within += creators as f64
            * if secs <= deadline_secs {
                1.0
            } else {
                deadline_secs / secs
            };
        hosts.push(HostPlan {
            host: host.to_string(),
            source: c.source,
            creators,
            requests: reqs,
            rate: c.rate.rate,
            burst: c.rate.burst,
            secs: (secs * 10.0).round() / 10.0,
        });
    }
    hosts.sort_by(|a, b| b.secs.total_cmp(&a.secs));
    let creators = costs.len() as u64;
    Plan {
        mode,
        creators,
        requests,
        requests_per_creator: if creators == 0 {
            0.0
        } else {
            (requests as f64 / creators as f64 * 100.0).round() / 100.0
        },
        estimated_secs: (longest * 10.0).round() / 10.0,
        deadline_secs,
        exceeds_deadline: longest > deadline_secs,
        creators_within_deadline: within.floor() as u64,
        hosts,
        assumptions: vec![
            "hosts are read in parallel, each at its own rate; the busiest host sets the time"
                .into(),
            format!(
                "a new creator: profile, one page of posts, and up to max_threads threads; a refresh: \
                 the same with threads for the {:.0} % of posts expected to be new or to have gained replies",
                REFRESH_CHANGED_SHARE * 100.0
            ),
            format!(
                "a Bluesky refresh: profiles and the known posts' counts {BATCH_MAX} a request \
                 (getProfiles, getPosts), no page of posts (an account that published since costs one more)"
            ),
            "seeds only: creators discovered on the way (max_depth) are not counted".into(),
        ],
    }
}

/// The costs of crawling `seeds` as new creators (invalid URLs are left out).
pub fn seed_costs(cfg: &Config, seeds: &[String]) -> Vec<Cost> {
    seeds
        .iter()
        .filter_map(|s| crate::net::urlnorm::parse_http(s))
        .map(|u| cost(&u, None, cfg))
        .collect()
}

/// The costs of refreshing every creator due (as `crawl --refresh` would pick them), from the
/// raw profiles stored in the index.
pub fn refresh_costs(
    cfg: &Config,
    index: &CreatorIndex,
    max_age: Duration,
    shard: Option<(u64, u64)>,
) -> crate::Result<Vec<Cost>> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    index.for_each(|c| {
        if let Some(u) = super::refresh::due_url(&c, now, max_age, shard)
            .and_then(|u| crate::net::urlnorm::parse_http(&u))
        {
            out.push(cost(&u, Some(&c.raw.unwrap_or_default()), cfg));
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_each_source_and_host_rate() {
        let cfg = Config::default();
        let m = cost(
            &Url::parse("https://mastodon.social/@anna").unwrap(),
            None,
            &cfg,
        );
        assert_eq!((m.host.as_str(), m.source), ("mastodon.social", "mastodon"));
        assert_eq!(m.requests, 12.0, "lookup, one page of 40, 10 threads");
        assert_eq!(m.rate, cfg.sources.mastodon.host_rate());
        let b = cost(
            &Url::parse("https://bsky.app/profile/a.bsky.social").unwrap(),
            None,
            &cfg,
        );
        assert_eq!(b.host, "public.api.bsky.app");
        assert_eq!(b.rate.rate, 9.0);
        let known = RawProfile {
            posts: vec![Default::default(); 40],
            ..Default::default()
        };
        let r = cost(
            &Url::parse("https://mastodon.social/@anna").unwrap(),
            Some(&known),
            &cfg,
        );
        assert_eq!(r.requests, 6.0, "lookup, a page, 4 of 40 threads changed");
        let r = cost(
            &Url::parse("https://bsky.app/profile/a.bsky.social").unwrap(),
            Some(&known),
            &cfg,
        );
        assert_eq!(
            r.requests,
            41.0 / 25.0 + 4.0,
            "batched profile and counts, 4 threads"
        );
    }

    #[test]
    fn the_busiest_host_sets_the_time_and_the_deadline_warns() {
        let rate = |r| HostRate { rate: r, burst: 1 };
        let costs: Vec<Cost> = (0..100)
            .map(|i| Cost {
                host: if i < 90 { "big".into() } else { "small".into() },
                source: "mastodon",
                requests: 10.0,
                rate: rate(1.0),
            })
            .collect();
        let p = plan("crawl", &costs, Duration::from_secs(450));
        assert_eq!(p.requests, 901 + 101);
        assert_eq!(p.hosts[0].host, "big");
        assert_eq!(p.estimated_secs, 900.0);
        assert!(p.exceeds_deadline);
        // Half of big's 90 creators, all 10 of small's.
        assert_eq!(p.creators_within_deadline, 45 + 10);
        assert!(!plan("crawl", &costs, Duration::from_secs(900)).exceeds_deadline);
    }
}
