//! Servers' own rate-limit headers, read so that we slow down before they throttle us.
//!
//! Two header families are in use:
//! - `X-RateLimit-Limit` / `-Remaining` / `-Reset` (Mastodon; Reset is an ISO 8601 time);
//! - the IETF draft's `RateLimit-Limit` / `-Remaining` / `-Reset` (Bluesky), where Reset is
//!   delta-seconds in the draft but epoch seconds in Bluesky's answers — a number large enough
//!   to be a date (after 2001) is read as one. The draft's later single `RateLimit` field
//!   (`limit=100, remaining=5, reset=30` or `"default";r=5;t=30`) is read too.
//!
//! Pure functions of the headers and the clock, so the policy is tested without a socket.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// Never pause a host longer than this on the strength of a budget header: both platforms'
/// windows are five minutes.
pub(crate) const MAX_BUDGET_PAUSE: Duration = Duration::from_secs(300);
/// Pacing starts when this many requests (or a tenth of the limit, if more) remain.
const LOW_WATER: u64 = 5;
/// A Reset number above this is an epoch timestamp (2001-09-09), not a number of seconds.
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// What the server says is left of its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    pub limit: Option<u64>,
    pub remaining: u64,
    /// Time until the window resets, when the server said.
    pub reset_in: Option<Duration>,
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name)?.to_str().ok().map(str::trim)
}

fn number(s: &str) -> Option<u64> {
    // `1.5` happens (seconds with a fraction); round up, never down.
    s.parse::<u64>().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| *f >= 0.0)
            .map(|f| f.ceil() as u64)
    })
}

/// A Reset value: an RFC 3339 or HTTP date, an epoch timestamp, or seconds from now.
pub(crate) fn parse_reset(v: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v).or_else(|_| DateTime::parse_from_rfc2822(v)) {
        return Some(
            (t.with_timezone(&Utc) - now)
                .to_std()
                .unwrap_or(Duration::ZERO),
        );
    }
    let n = number(v)?;
    Some(if n > EPOCH_THRESHOLD {
        Duration::from_secs(n.saturating_sub(now.timestamp().max(0) as u64))
    } else {
        Duration::from_secs(n)
    })
}

/// The single-field draft form: `limit=100, remaining=5, reset=30` or `"x";r=5;t=30`.
fn structured(v: &str, now: DateTime<Utc>) -> Option<Budget> {
    let (mut limit, mut remaining, mut reset) = (None, None, None);
    for item in v.split([',', ';']) {
        let Some((k, val)) = item.split_once('=') else {
            continue;
        };
        let val = val.trim().trim_matches('"');
        match k.trim() {
            "limit" | "q" => limit = number(val),
            "remaining" | "r" => remaining = number(val),
            "reset" | "t" => reset = parse_reset(val, now),
            _ => {}
        }
    }
    Some(Budget {
        limit,
        remaining: remaining?,
        reset_in: reset,
    })
}

fn field<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    ["x-ratelimit-", "ratelimit-"]
        .iter()
        .find_map(|prefix| header(h, &format!("{prefix}{name}")))
}

/// When the server's window resets (for a 429, whatever the remaining count says).
pub(crate) fn reset_in(h: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    match field(h, "reset") {
        Some(v) => parse_reset(v, now),
        None => structured(header(h, "ratelimit")?, now)?.reset_in,
    }
}

/// The budget from either header family, if the answer carries one (a field missing from
/// one family is taken from the other).
pub(crate) fn parse_budget(h: &HeaderMap, now: DateTime<Utc>) -> Option<Budget> {
    let field = |name: &str| field(h, name);
    let Some(remaining) = field("remaining").and_then(number) else {
        return structured(header(h, "ratelimit")?, now);
    };
    Some(Budget {
        limit: field("limit").and_then(number),
        remaining,
        reset_in: field("reset").and_then(|v| parse_reset(v, now)),
    })
}

/// How long to hold the host after an answer with this budget: nothing while plenty is left;
/// near the end, the rest of the window spread evenly over what remains; at zero, until the
/// reset.
pub(crate) fn pace(b: &Budget) -> Option<Duration> {
    let low = LOW_WATER.max(b.limit.unwrap_or(0) / 10);
    if b.remaining > low {
        return None;
    }
    let reset = b.reset_in?;
    let wait = if b.remaining == 0 {
        reset
    } else {
        reset / (b.remaining as u32 + 1)
    };
    Some(wait.min(MAX_BUDGET_PAUSE)).filter(|w| !w.is_zero())
}

/// Convenience: the pause the headers of one answer call for.
pub(crate) fn rate_limit_pause(h: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    pace(&parse_budget(h, now)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn mastodon_iso_reset() {
        let h = headers(&[
            ("x-ratelimit-limit", "300"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "2026-01-01T00:00:30.000Z"),
        ]);
        let b = parse_budget(&h, now()).unwrap();
        assert_eq!(b.limit, Some(300));
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(30)));
        // Plenty left: no pause.
        let h = headers(&[
            ("x-ratelimit-limit", "300"),
            ("x-ratelimit-remaining", "250"),
            ("x-ratelimit-reset", "2026-01-01T00:00:30.000Z"),
        ]);
        assert_eq!(rate_limit_pause(&h, now()), None);
    }

    #[test]
    fn bluesky_epoch_and_draft_delta_resets() {
        // Bluesky: epoch seconds. 2026-01-01T00:01:00Z = 1767225660.
        let h = headers(&[
            ("ratelimit-limit", "3000"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "1767225660"),
        ]);
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(60)));
        // The draft: delta-seconds.
        let h = headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "42")]);
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(42)));
        // A reset in the past is no reason to wait.
        let h = headers(&[
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "1767225000"),
        ]);
        assert_eq!(rate_limit_pause(&h, now()), None);
    }

    #[test]
    fn low_budget_is_spread_over_the_window() {
        // 3,000 a window: pacing starts at 300 left; 299 left with 300 s to go → 1 s apart.
        let h = headers(&[
            ("ratelimit-limit", "3000"),
            ("ratelimit-remaining", "299"),
            ("ratelimit-reset", "300"),
        ]);
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(1)));
        let h = headers(&[
            ("ratelimit-limit", "3000"),
            ("ratelimit-remaining", "301"),
            ("ratelimit-reset", "300"),
        ]);
        assert_eq!(rate_limit_pause(&h, now()), None);
    }

    #[test]
    fn single_field_forms_and_garbage() {
        let h = headers(&[("ratelimit", "limit=100, remaining=0, reset=7")]);
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(7)));
        let h = headers(&[("ratelimit", "\"default\";r=0;t=9")]);
        assert_eq!(rate_limit_pause(&h, now()), Some(Duration::from_secs(9)));
        let h = headers(&[("x-ratelimit-remaining", "lots"), ("ratelimit", "nonsense")]);
        assert_eq!(parse_budget(&h, now()), None);
        assert_eq!(parse_reset("soon", now()), None);
        assert_eq!(parse_reset("1.2", now()), Some(Duration::from_secs(2)));
    }
}
