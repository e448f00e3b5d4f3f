//! robots.txt per RFC 9309, fetched once per origin and cached for the crawl.
//!
//! - 2xx: the first 500 KiB are parsed (a longer file is cut, not refused) for the group of our
//!   user-agent token (`scout`), else `*`. `Crawl-delay` feeds the host's rate limiter when it
//!   is stricter than `crawl.rate_per_host`.
//! - 4xx other than 429: no usable robots.txt, everything allowed (§2.3.1.3).
//! - 429, 5xx, a timeout or a network error: robots.txt is unreachable and nothing on the
//!   origin is fetched (§2.3.1.4) — but only until `Retry-After` (capped by
//!   `crawl.max_retry_after_secs`) or [`RETRY_UNREACHABLE_AFTER`], after which it is fetched
//!   again, so a brief outage early in a long crawl does not shut a host out for the whole run.
//! - Redirects are followed by the fetcher (up to `crawl.max_redirects`, each hop guarded);
//!   the rules found apply to the original origin. More redirects than that: unavailable,
//!   everything allowed (§2.3.1.2).
//! - A robots.txt URL refused by the private-address guard refuses its pages with the same
//!   error, so the crawl summary says "private address" rather than "robots".

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;
use url::Url;

use crate::config::CrawlConfig;
use crate::net::error::Error as FetchError;
use crate::net::limiter::HostPool;
use crate::net::response::Response;
use crate::net::retry::retry_after;

/// RFC 9309 §2.5: crawlers must parse at least 500 KiB.
pub(crate) const ROBOTS_MAX_BYTES: usize = 500 * 1024;
/// How long an unreachable robots.txt (5xx, network error, 429 without Retry-After) blocks its
/// origin before it is asked for again.
pub(crate) const RETRY_UNREACHABLE_AFTER: Duration = Duration::from_secs(30);
/// Crawl-delay values beyond this are read as this (one request an hour is already a no).
const MAX_CRAWL_DELAY_SECS: f32 = 3600.0;

#[derive(Clone)]
enum Rules {
    AllowAll,
    /// Unreachable: nothing allowed until `until`, then fetched again.
    DenyAll {
        until: Instant,
    },
    /// The robots.txt URL itself was refused by the guard (until `until`, as DNS may change).
    Refused {
        detail: String,
        until: Instant,
    },
    Parsed(Arc<Robot>),
}

impl Rules {
    fn expired(&self) -> bool {
        match self {
            Rules::DenyAll { until } | Rules::Refused { until, .. } => Instant::now() >= *until,
            Rules::AllowAll | Rules::Parsed(_) => false,
        }
    }
}

type Slot = Arc<tokio::sync::Mutex<Option<Rules>>>;

pub(crate) struct RobotsCache {
    token: String,
    max_retry_after: Duration,
    origins: Mutex<HashMap<String, Slot>>,
}

impl RobotsCache {
    pub(crate) fn new(cfg: &CrawlConfig) -> RobotsCache {
        RobotsCache {
            token: agent_token(&cfg.user_agent),
            max_retry_after: Duration::from_secs_f64(cfg.max_retry_after_secs),
            origins: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` when `url` may be fetched, else [`FetchError::Robots`] (disallowed, or robots.txt
    /// unreachable) or [`FetchError::Refused`] (robots.txt's own address is forbidden).
    /// `get_robots` fetches a robots.txt (the fetcher's guarded, rate-limited GET); a
    /// `Crawl-delay` found is set on `hosts`.
    pub(crate) async fn check<F, Fut>(
        &self,
        url: &Url,
        hosts: &HostPool,
        get_robots: F,
    ) -> Result<(), FetchError>
    where
        F: FnOnce(Url) -> Fut,
        Fut: Future<Output = Result<Response, FetchError>>,
    {
        let Some(origin) = origin_key(url) else {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                detail: "no host".into(),
            });
        };
        let slot = self
            .origins
            .lock()
            .unwrap()
            .entry(origin)
            .or_default()
            .clone();
        // One fetch per origin even when many tasks ask at once: they queue on this lock.
        let mut rules = slot.lock().await;
        if rules.as_ref().is_none_or(Rules::expired) {
            *rules = Some(self.fetch(url, hosts, get_robots).await);
        }
        let denied = || FetchError::Robots {
            url: url.to_string(),
        };
        match rules.as_ref().expect("set above") {
            Rules::AllowAll => Ok(()),
            Rules::DenyAll { .. } => Err(denied()),
            Rules::Refused { detail, .. } => Err(FetchError::Refused {
                url: url.to_string(),
                detail: detail.clone(),
            }),
            Rules::Parsed(robot) if robot.allowed(robots_path(url)) => Ok(()),
            Rules::Parsed(_) => Err(denied()),
        }
    }

    async fn fetch<F, Fut>(&self, url: &Url, hosts: &HostPool, get_robots: F) -> Rules
    where
        F: FnOnce(Url) -> Fut,
        Fut: Future<Output = Result<Response, FetchError>>,
    {
        let robots_url = robots_url(url);
        let unreachable = |wait: Duration| Rules::DenyAll {
            until: Instant::now() + wait,
        };
        let resp = match get_robots(robots_url.clone()).await {
            Ok(resp) => resp,
            Err(FetchError::Refused { url: u, detail }) if u == robots_url.as_str() => {
                return Rules::Refused {
                    detail,
                    until: Instant::now() + RETRY_UNREACHABLE_AFTER,
                };
            }
            Err(FetchError::TooManyRedirects { .. }) => return Rules::AllowAll,
            Err(e) => {
                tracing::info!(error = %e, "robots.txt unreachable; origin blocked for now");
                return unreachable(RETRY_UNREACHABLE_AFTER);
            }
        };
        match resp.status {
            200..=299 => {
                let rules = parse(&self.token, &resp.body);
                if let (Rules::Parsed(robot), Some(host)) = (&rules, url.host_str())
                    && let Some(delay) = robot.delay.filter(|d| d.is_finite() && *d > 0.0)
                {
                    let delay = Duration::from_secs_f32(delay.min(MAX_CRAWL_DELAY_SECS));
                    hosts.set_crawl_delay(host, delay);
                }
                rules
            }
            429 => unreachable(
                retry_after(&resp.headers)
                    .map(|d| d.min(self.max_retry_after))
                    .unwrap_or(RETRY_UNREACHABLE_AFTER),
            ),
            400..=499 => Rules::AllowAll,
            500..=599 => unreachable(
                retry_after(&resp.headers)
                    .map(|d| d.min(self.max_retry_after))
                    .unwrap_or(RETRY_UNREACHABLE_AFTER),
            ),
            // 1xx, 304 or an exotic 3xx as a final answer: no usable file.
            _ => Rules::AllowAll,
        }
    }
}

/// Parse the first [`ROBOTS_MAX_BYTES`] of `body` for `token`. The cut is moved back to the
/// last line end so that a half line is not read as a shorter rule.
fn parse(token: &str, body: &[u8]) -> Rules {
    let mut body = &body[..body.len().min(ROBOTS_MAX_BYTES)];
    if body.len() == ROBOTS_MAX_BYTES
        && let Some(nl) = body.iter().rposition(|&b| b == b'\n')
    {
        body = &body[..=nl];
    }
    match Robot::new(token, body) {
        Ok(r) => Rules::Parsed(Arc::new(r)),
        // An unparseable file is treated like an absent one (RFC 9309 §2.3.1.3 asks parsers
        // to be lenient; texting_robots only fails on what it cannot read at all).
        Err(_) => Rules::AllowAll,
    }
}

fn robots_url(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_path("/robots.txt");
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u
}

/// The product token robots.txt groups are matched against: `scout/0.1 (+...)` → `scout`.
pub(crate) fn agent_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or("scout")
        .to_string()
}

fn origin_key(url: &Url) -> Option<String> {
    Some(format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

/// What `texting_robots` matches `url` against, without its parsing `url` again (a URL
/// parse per request): the path, query and fragment of an absolute URL are what it takes from
/// one, and given them alone it only percent-encodes what a serialised URL never holds raw
/// — except a backtick in the query, for which it gets the whole URL as before.
fn robots_path(url: &Url) -> &str {
    let after = &url[url::Position::BeforePath..];
    if after.contains('`') {
        url.as_str()
    } else {
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_product_name() {
        assert_eq!(
            agent_token("scout/0.1 (+https://example.org/scout-bot)"),
            "scout"
        );
        assert_eq!(agent_token("scout"), "scout");
    }

    #[test]
    fn cut_at_the_cap_keeps_whole_lines() {
        let mut txt = b"User-agent: scout\nDisallow: /private\n".to_vec();
        while txt.len() < ROBOTS_MAX_BYTES + 1000 {
            txt.extend_from_slice(b"# padding padding padding\n");
        }
        txt.extend_from_slice(b"Disallow: /late\n");
        let Rules::Parsed(r) = parse("scout", &txt) else {
            panic!("not parsed")
        };
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/late"));
        assert!(r.allowed("/public"));
    }

    #[test]
    fn robots_url_drops_query_and_credentials() {
        let u = Url::parse("http://u:p@127.0.0.1:8080/a/b?c=d#e").unwrap();
        assert_eq!(robots_url(&u).as_str(), "http://127.0.0.1:8080/robots.txt");
    }

    #[test]
    fn matching_the_path_answers_as_matching_the_url() {
        let txt = "User-agent: scout\nDisallow: /private\nAllow: /private/ok$\n\
                   Disallow: /*?q=`\nDisallow: /caf%C3%A9\nDisallow: /*.pdf$\nDisallow: /a b\n";
        let r = Robot::new("scout", txt.as_bytes()).unwrap();
        for u in [
            "http://127.0.0.1/public",
            "http://127.0.0.1/private/x",
            "http://127.0.0.1/private/ok",
            "http://127.0.0.1/private/ok?x=1",
            "http://127.0.0.1/robots.txt",
            "http://127.0.0.1/s?q=`x",
            "http://127.0.0.1/s?q=%60x",
            "http://127.0.0.1/café",
            "http://127.0.0.1/caf%C3%A9/menu",
            "http://127.0.0.1/doc.pdf",
            "http://127.0.0.1/doc.pdf#p2",
            "http://127.0.0.1/a b",
            "http://127.0.0.1/a%20b?c d",
            "http://127.0.0.1",
        ] {
            let u = Url::parse(u).unwrap();
            assert_eq!(
                r.allowed(robots_path(&u)),
                r.allowed(u.as_str()),
                "{u} ({})",
                robots_path(&u)
            );
        }
    }

    #[test]
    fn parses_groups_for_our_token() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: scout\nDisallow: /private\nCrawl-delay: 2\n";
        let r = Robot::new("scout", txt).unwrap();
        assert!(r.allowed("http://127.0.0.1/public"));
        assert!(!r.allowed("http://127.0.0.1/private/x"));
        assert_eq!(r.delay, Some(2.0));
    }
}
