//! When to try a request again, and how long to wait first.
//!
//! 429 and 503 honour `Retry-After` (seconds or an HTTP date), else the reset of the
//! rate-limit headers (`X-RateLimit-Reset`, `RateLimit-Reset`), and pause the whole host: the
//! server asked *us* to slow down, not just this URL. A request is never sent again before
//! that time: when it is further away than `crawl.max_retry_after_secs`, the request is given
//! up (reported) and the host stays paused for the whole wait. Other 5xx, timeouts and connection errors wait an exponential
//! backoff with jitter, for this request only. Everything else is final. Pure functions, so
//! the policy is tested without a clock or a socket.

use std::time::Duration;

use reqwest::header::{self, HeaderMap};

use crate::config::CrawlConfig;

/// Backoff never grows past this, however many retries are configured.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What to do after an answer that is not a success.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Verdict {
    /// Final: report the error.
    GiveUp,
    /// Wait, then retry this request; other requests to the host go on.
    Backoff(Duration),
    /// Pause every request to the host for this long, then retry.
    PauseHost(Duration),
    /// Pause every request to the host for this long, and report this one as failed: the
    /// server's reset is further away than we are willing to wait for one request.
    PauseHostGiveUp(Duration),
}

/// The retry policy of one crawl.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub max_retries: u32,
    pub base: Duration,
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    pub(crate) fn from_config(cfg: &CrawlConfig) -> RetryPolicy {
        RetryPolicy {
            max_retries: cfg.max_retries,
            base: Duration::from_millis(cfg.retry_base_ms),
            max_retry_after: Duration::from_secs_f64(cfg.max_retry_after_secs),
        }
    }

    /// After HTTP `status` with `headers`, on attempt `attempt` (0 = the first try).
    pub(crate) fn after_status(&self, status: u16, headers: &HeaderMap, attempt: u32) -> Verdict {
        let retryable = matches!(status, 429 | 500..=599) && status != 501;
        if !retryable || attempt >= self.max_retries {
            return Verdict::GiveUp;
        }
        match status {
            429 | 503 => {
                let told = retry_after(headers)
                    .or_else(|| super::ratelimit::reset_in(headers, chrono::Utc::now()));
                match told {
                    Some(wait) if wait > self.max_retry_after => Verdict::PauseHostGiveUp(wait),
                    Some(wait) => Verdict::PauseHost(wait),
                    None => Verdict::PauseHost(self.backoff(attempt).min(self.max_retry_after)),
                }
            }
            _ => Verdict::Backoff(self.backoff(attempt)),
        }
    }

    /// After a timeout or a connection error.
    pub(crate) fn after_failure(&self, attempt: u32) -> Verdict {
        if attempt >= self.max_retries {
            Verdict::GiveUp
        } else {
            Verdict::Backoff(self.backoff(attempt))
        }
    }

    /// Exponential backoff with jitter: uniformly within [½, 1] × base × 2^attempt, so that
    /// many requests failing together do not come back together.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(MAX_BACKOFF);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// `Retry-After` as seconds or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        let future = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        h.insert(header::RETRY_AFTER, HeaderValue::from_str(&future).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d > Duration::from_secs(110) && d <= Duration::from_secs(120));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn throttling_pauses_the_host_within_the_cap() {
        let p = policy();
        let mut h = HeaderMap::new();
        // Never retried before the server's time: too far away, the request is given up.
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(
            p.after_status(429, &h, 0),
            Verdict::PauseHostGiveUp(Duration::from_secs(3600))
        );
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(
            p.after_status(503, &h, 1),
            Verdict::PauseHost(Duration::from_secs(2))
        );
        // No Retry-After: the rate-limit reset of either header family.
        let mut h = HeaderMap::new();
        h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("ratelimit-reset", HeaderValue::from_static("20"));
        assert_eq!(
            p.after_status(429, &h, 0),
            Verdict::PauseHost(Duration::from_secs(20))
        );
        let reset = (chrono::Utc::now() + chrono::Duration::seconds(300)).to_rfc3339();
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_str(&reset).unwrap());
        assert!(matches!(
            p.after_status(429, &h, 0),
            Verdict::PauseHostGiveUp(d) if d > Duration::from_secs(290)
        ));
        // Without any of them a 429 still pauses the host, for a backoff.
        assert!(matches!(
            p.after_status(429, &HeaderMap::new(), 0),
            Verdict::PauseHost(_)
        ));
    }

    #[test]
    fn other_server_errors_back_off_and_give_up() {
        let p = policy();
        let h = HeaderMap::new();
        assert!(matches!(p.after_status(500, &h, 0), Verdict::Backoff(_)));
        assert!(matches!(p.after_status(502, &h, 2), Verdict::Backoff(_)));
        assert_eq!(p.after_status(500, &h, 3), Verdict::GiveUp);
        assert_eq!(p.after_status(501, &h, 0), Verdict::GiveUp);
        assert_eq!(p.after_status(404, &h, 0), Verdict::GiveUp);
        assert_eq!(p.after_status(403, &h, 0), Verdict::GiveUp);
        assert_eq!(p.after_failure(3), Verdict::GiveUp);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_bounded() {
        let p = policy();
        for attempt in 0..4 {
            let full = Duration::from_millis(100 << attempt);
            for _ in 0..50 {
                let d = p.backoff(attempt);
                assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
            }
        }
        assert!(p.backoff(40) <= MAX_BACKOFF);
    }
}
