//! Per-host politeness: one governor limiter per host (so hosts never wait on each other),
//! robots.txt `Crawl-delay` when it is stricter than the config, and pauses after 429/503 or
//! when Mastodon's `X-RateLimit-Remaining` runs low.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;

use crate::config::CrawlConfig;

/// Below this many remaining requests in the server's window, wait for the window to reset.
const RATE_LIMIT_LOW_WATER: u64 = 5;
/// Never pause a host longer than this on the strength of a server's reset header.
const MAX_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(300);

struct HostState {
    limiter: Mutex<Arc<DefaultDirectRateLimiter>>,
    /// The effective interval between requests (1 / rate), possibly stretched by Crawl-delay.
    interval: Mutex<Duration>,
    paused_until: Mutex<Option<Instant>>,
    /// Requests waiting for this host queue here, first come first served, so that only one
    /// of them at a time polls the limiter (no thundering herd when a thousand URLs of one
    /// host are waiting).
    line: Arc<tokio::sync::Mutex<()>>,
}

impl HostState {
    fn pause_left(&self) -> Option<Duration> {
        self.paused_until
            .lock()
            .unwrap()
            .and_then(|t| t.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }
}

pub struct HostPool {
    rate: f64,
    burst: u32,
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
}

fn quota(interval: Duration, burst: u32) -> Quota {
    let interval = interval.max(Duration::from_micros(1));
    Quota::with_period(interval)
        .expect("interval is non-zero")
        .allow_burst(NonZeroU32::new(burst.max(1)).expect("burst >= 1"))
}

impl HostPool {
    pub fn new(cfg: &CrawlConfig) -> HostPool {
        HostPool {
            rate: cfg.rate_per_host,
            burst: cfg.burst,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn base_interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.rate)
    }

    fn state(&self, host: &str) -> Arc<HostState> {
        let mut hosts = self.hosts.lock().unwrap();
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                let interval = self.base_interval();
                Arc::new(HostState {
                    limiter: Mutex::new(Arc::new(RateLimiter::direct(quota(interval, self.burst)))),
                    interval: Mutex::new(interval),
                    paused_until: Mutex::new(None),
                    line: Arc::default(),
                })
            })
            .clone()
    }

    /// Take one request slot for `host` now, or say how long to wait before asking again.
    ///
    /// Non-blocking on purpose: the fetcher calls this while holding a concurrency permit and
    /// must release the permit before sleeping, so that a throttled or slow host never keeps
    /// the other hosts waiting. A slot is only taken when the request can go out at once, so
    /// the limiter's clock matches what the server sees.
    pub fn try_acquire(&self, host: &str) -> Result<(), Duration> {
        let st = self.state(host);
        if let Some(wait) = st.pause_left() {
            return Err(wait);
        }
        let limiter = st.limiter.lock().unwrap().clone();
        limiter.check().map_err(|not_until| {
            not_until
                .wait_time_from(limiter.clock().now())
                .max(Duration::from_millis(1))
        })
    }

    /// Join `host`'s line: hold the guard while waiting for a slot, drop it once taken.
    pub async fn line(&self, host: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let line = self.state(host).line.clone();
        line.lock_owned().await
    }

    /// Wait until `host` may be sent one more request, and take that slot.
    pub async fn until_ready(&self, host: &str) {
        let _line = self.line(host).await;
        while let Err(wait) = self.try_acquire(host) {
            tokio::time::sleep(wait).await;
        }
    }

    /// How long `host` stays paused (after a 429/503 or a low rate-limit budget), if at all.
    pub fn paused_for(&self, host: &str) -> Option<Duration> {
        self.state(host).pause_left()
    }

    /// Honour robots.txt `Crawl-delay` when it is stricter than the configured rate.
    pub fn set_crawl_delay(&self, host: &str, delay: Duration) {
        let st = self.state(host);
        let mut interval = st.interval.lock().unwrap();
        if delay > *interval {
            *interval = delay;
            // Crawl-delay means one request per delay: no burst on top of it. The new limiter
            // starts with its one slot taken: robots.txt itself was the request just made.
            let limiter = RateLimiter::direct(quota(delay, 1));
            let _ = limiter.check();
            *st.limiter.lock().unwrap() = Arc::new(limiter);
        }
    }

    /// The interval currently enforced for `host`.
    pub fn interval(&self, host: &str) -> Duration {
        *self.state(host).interval.lock().unwrap()
    }

    /// Hold every request to `host` for `wait` (after a 429/503 or a low rate-limit budget).
    pub fn pause(&self, host: &str, wait: Duration) {
        let st = self.state(host);
        let until = Instant::now() + wait;
        let mut p = st.paused_until.lock().unwrap();
        if p.is_none_or(|t| t < until) {
            *p = Some(until);
        }
    }

    /// Mastodon-style `X-RateLimit-Remaining` / `X-RateLimit-Reset`: slow down before the
    /// server has to throttle us.
    pub fn observe_rate_limit_headers(&self, host: &str, headers: &HeaderMap) {
        if let Some(wait) = rate_limit_pause(headers, chrono::Utc::now()) {
            self.pause(host, wait);
        }
    }
}

/// How long to wait given rate-limit headers, if the remaining budget is low.
pub fn rate_limit_pause(
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let remaining: u64 = headers
        .get("x-ratelimit-remaining")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if remaining > RATE_LIMIT_LOW_WATER {
        return None;
    }
    let reset = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim();
    let wait = if let Ok(t) = chrono::DateTime::parse_from_rfc3339(reset) {
        (t.with_timezone(&chrono::Utc) - now).to_std().ok()?
    } else if let Ok(secs) = reset.parse::<u64>() {
        // Some servers send seconds until reset, others an epoch timestamp.
        if secs > 1_000_000_000 {
            Duration::from_secs(secs.saturating_sub(now.timestamp().max(0) as u64))
        } else {
            Duration::from_secs(secs)
        }
    } else {
        return None;
    };
    Some(wait.min(MAX_RATE_LIMIT_PAUSE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn low_budget_pauses_until_reset() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("2"));
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_static("2026-01-01T00:00:30.000Z"),
        );
        assert_eq!(rate_limit_pause(&h, now), Some(Duration::from_secs(30)));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("250"));
        assert_eq!(rate_limit_pause(&h, now), None);
    }

    #[test]
    fn slots_are_spaced_by_the_rate() {
        let cfg = CrawlConfig {
            rate_per_host: 5.0,
            burst: 1,
            ..CrawlConfig::default()
        };
        let pool = HostPool::new(&cfg);
        assert_eq!(pool.try_acquire("a"), Ok(()));
        let wait = pool.try_acquire("a").unwrap_err();
        assert!(wait > Duration::from_millis(150) && wait <= Duration::from_millis(200));
        // Another host has its own limiter.
        assert_eq!(pool.try_acquire("b"), Ok(()));
    }

    #[test]
    fn pause_holds_one_host_only() {
        let pool = HostPool::new(&CrawlConfig::default());
        pool.pause("a", Duration::from_secs(30));
        let wait = pool.try_acquire("a").unwrap_err();
        assert!(wait > Duration::from_secs(29));
        assert!(pool.paused_for("a").is_some());
        assert_eq!(pool.paused_for("b"), None);
        assert_eq!(pool.try_acquire("b"), Ok(()));
    }

    #[test]
    fn crawl_delay_only_tightens() {
        let cfg = CrawlConfig {
            rate_per_host: 5.0,
            ..CrawlConfig::default()
        };
        let pool = HostPool::new(&cfg);
        assert_eq!(pool.interval("a"), Duration::from_millis(200));
        pool.set_crawl_delay("a", Duration::from_millis(50));
        assert_eq!(pool.interval("a"), Duration::from_millis(200));
        pool.set_crawl_delay("a", Duration::from_secs(2));
        assert_eq!(pool.interval("a"), Duration::from_secs(2));
        assert_eq!(pool.interval("b"), Duration::from_millis(200));
    }
}
