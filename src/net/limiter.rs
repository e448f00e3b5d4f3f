//! Per-host politeness: one governor limiter per host (so hosts never wait on each other) at
//! that host's rate — its `[crawl.hosts]` entry, else the rate of the platform whose API it
//! serves (`[sources.mastodon]`, `[sources.bluesky]`), else `rate_per_host` — robots.txt
//! `Crawl-delay` when it is stricter, and pauses after 429/503 or when the server's rate-limit
//! headers say its budget is running out (see [`super::ratelimit`]).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;

use crate::config::{CrawlConfig, HostRate};

pub(crate) use super::ratelimit::rate_limit_pause;

/// Where a host's rate came from: an explicit entry is never replaced by a source's rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Global,
    Source,
    Explicit,
}

struct Pace {
    rate: HostRate,
    origin: Origin,
    /// robots.txt `Crawl-delay`, when it is longer than 1 / rate.
    crawl_delay: Option<Duration>,
    /// A request has been let through (a replaced limiter must not start with a fresh burst).
    used: bool,
}

impl Pace {
    /// Crawl-delay means one request per delay: no burst on top of it.
    fn burst(&self) -> u32 {
        if self.crawl_delay.is_some_and(|d| d >= self.interval()) {
            1
        } else {
            self.rate.burst
        }
    }

    fn interval(&self) -> Duration {
        let base = Duration::from_secs_f64(1.0 / self.rate.rate);
        self.crawl_delay.map_or(base, |d| d.max(base))
    }

    fn limiter(&self) -> DefaultDirectRateLimiter {
        let burst = self.burst();
        let limiter = RateLimiter::direct(quota(self.interval(), burst));
        if self.used {
            // Start with the burst spent: requests just sent under the old limiter count.
            for _ in 0..burst {
                let _ = limiter.check();
            }
        }
        limiter
    }
}

/// A per-host pace shared with other crawl processes (the Redis frontier's bucket): reserve the
/// next request slot for `host` at one request per `interval` with `burst`, and say how long to
/// wait before sending. `None` means the shared pace is unreachable; this process's own
/// limiter still applies.
pub trait SharedPace: Send + Sync {
    fn reserve<'a>(
        &'a self,
        host: &'a str,
        interval: Duration,
        burst: u32,
    ) -> futures::future::BoxFuture<'a, Option<Duration>>;
}

struct HostState {
    limiter: Mutex<Arc<DefaultDirectRateLimiter>>,
    pace: Mutex<Pace>,
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

    fn rebuild(&self, pace: &Pace) {
        *self.limiter.lock().unwrap() = Arc::new(pace.limiter());
    }
}

pub struct HostPool {
    cfg: CrawlConfig,
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
            cfg: cfg.clone(),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn state(&self, host: &str) -> Arc<HostState> {
        let mut hosts = self.hosts.lock().unwrap();
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                let explicit = self.cfg.hosts.contains_key(host);
                let pace = Pace {
                    rate: self.cfg.rate_for(host, None),
                    origin: if explicit {
                        Origin::Explicit
                    } else {
                        Origin::Global
                    },
                    crawl_delay: None,
                    used: false,
                };
                Arc::new(HostState {
                    limiter: Mutex::new(Arc::new(pace.limiter())),
                    pace: Mutex::new(pace),
                    paused_until: Mutex::new(None),
                    line: Arc::default(),
                })
            })
            .clone()
    }

    /// `host` serves a platform's API whose documented rate is `rate`: use it, unless the
    /// config names the host (`[crawl.hosts]`) or a source rate was already adopted.
    pub fn adopt_source_rate(&self, host: &str, rate: HostRate) {
        let st = self.state(host);
        let mut pace = st.pace.lock().unwrap();
        if pace.origin != Origin::Global {
            return;
        }
        pace.origin = Origin::Source;
        if pace.rate != rate {
            pace.rate = rate;
            st.rebuild(&pace);
        }
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
        let res = limiter.check().map_err(|not_until| {
            not_until
                .wait_time_from(limiter.clock().now())
                .max(Duration::from_millis(1))
        });
        if res.is_ok() {
            st.pace.lock().unwrap().used = true;
        }
        res
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

    /// Honour robots.txt `Crawl-delay` when it is stricter than the host's rate.
    pub fn set_crawl_delay(&self, host: &str, delay: Duration) {
        let st = self.state(host);
        let mut pace = st.pace.lock().unwrap();
        if delay > pace.interval() {
            pace.crawl_delay = Some(delay);
            // robots.txt itself was the request just made: the new limiter starts spent.
            pace.used = true;
            st.rebuild(&pace);
        }
    }

    /// Interval and burst for `host`, as a shared pace should enforce them across processes:
    /// the configured rate, or one request per robots.txt `Crawl-delay` without burst.
    pub fn pace(&self, host: &str) -> (Duration, u32) {
        let st = self.state(host);
        let pace = st.pace.lock().unwrap();
        (pace.interval(), pace.burst())
    }

    /// The interval currently enforced for `host`.
    pub fn interval(&self, host: &str) -> Duration {
        self.state(host).pace.lock().unwrap().interval()
    }

    /// The rate and burst currently enforced for `host` (Crawl-delay aside).
    pub fn rate(&self, host: &str) -> HostRate {
        self.state(host).pace.lock().unwrap().rate
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

    /// `X-RateLimit-*` (Mastodon) or `RateLimit-*` (Bluesky, IETF draft): slow down before
    /// the server has to throttle us.
    pub fn observe_rate_limit_headers(&self, host: &str, headers: &HeaderMap) {
        if let Some(wait) = rate_limit_pause(headers, chrono::Utc::now()) {
            self.pause(host, wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn host_table_and_source_rates() {
        let mut cfg = CrawlConfig {
            rate_per_host: 1.0,
            ..CrawlConfig::default()
        };
        cfg.hosts.insert(
            "pinned".into(),
            HostRate {
                rate: 2.0,
                burst: 1,
            },
        );
        let pool = HostPool::new(&cfg);
        let api = HostRate {
            rate: 10.0,
            burst: 3,
        };
        pool.adopt_source_rate("api", api);
        pool.adopt_source_rate("pinned", api);
        assert_eq!(pool.rate("api"), api);
        assert_eq!(pool.interval("pinned"), Duration::from_millis(500));
        assert_eq!(pool.interval("other"), Duration::from_secs(1));
        // The source's burst goes out back to back, then the rate holds.
        for _ in 0..3 {
            assert_eq!(pool.try_acquire("api"), Ok(()));
        }
        assert!(pool.try_acquire("api").is_err());
    }

    #[test]
    fn a_replaced_limiter_starts_spent() {
        let pool = HostPool::new(&CrawlConfig {
            rate_per_host: 1.0,
            burst: 1,
            ..CrawlConfig::default()
        });
        assert_eq!(pool.try_acquire("h"), Ok(()));
        pool.adopt_source_rate(
            "h",
            HostRate {
                rate: 5.0,
                burst: 5,
            },
        );
        // Not five fresh slots: the request just sent under the old rate counts.
        assert!(pool.try_acquire("h").is_err());
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
