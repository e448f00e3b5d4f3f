//! robots.txt per RFC 9309, fetched once per host and cached for the crawl.
//!
//! 2xx: the first 500 KiB are parsed for our user-agent token. 4xx (but 429): everything
//! allowed. 5xx, 429 or unreachable: nothing allowed on that host — but only for
//! [`RETRY_UNREACHABLE_AFTER`], after which it is fetched again, so a brief outage early in a
//! long crawl does not shut a host out for the whole run. Redirects are followed by the
//! fetcher (up to `max_redirects`); the rules apply to the original host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;
use url::Url;

use crate::config::CrawlConfig;
use crate::crawl::fetch::{FetchError, Fetcher};

/// RFC 9309 §2.5: crawlers must parse at least 500 KiB.
pub const ROBOTS_MAX_BYTES: usize = 500 * 1024;
pub const RETRY_UNREACHABLE_AFTER: Duration = Duration::from_secs(30);

#[derive(Clone)]
enum Rules {
    AllowAll,
    DenyAll { until: Instant },
    Parsed(Arc<Robot>),
}

pub struct RobotsCache {
    token: String,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Rules>>>>>,
}

impl RobotsCache {
    pub fn new(cfg: &CrawlConfig) -> RobotsCache {
        RobotsCache {
            token: agent_token(&cfg.user_agent),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// May `url` be fetched? Fetches and caches the host's robots.txt on first use.
    pub async fn allowed(&self, fetcher: &Fetcher, url: &Url) -> bool {
        let Some(origin) = origin_key(url) else {
            return false;
        };
        let slot = self
            .hosts
            .lock()
            .unwrap()
            .entry(origin.clone())
            .or_default()
            .clone();
        // One fetch per host even when many tasks ask at once: they queue on this lock.
        let mut rules = slot.lock().await;
        let stale = match &*rules {
            None => true,
            Some(Rules::DenyAll { until }) => Instant::now() >= *until,
            Some(_) => false,
        };
        if stale {
            let fetched = self.fetch(fetcher, url).await;
            if let Rules::Parsed(robot) = &fetched {
                if let (Some(delay), Some(host)) = (robot.delay, url.host_str()) {
                    if delay.is_finite() && delay > 0.0 {
                        fetcher
                            .host_pool()
                            .set_crawl_delay(host, Duration::from_secs_f32(delay.min(3600.0)));
                    }
                }
            }
            *rules = Some(fetched);
        }
        match rules.as_ref().expect("set above") {
            Rules::AllowAll => true,
            Rules::DenyAll { .. } => false,
            Rules::Parsed(robot) => robot.allowed(url.as_str()),
        }
    }

    async fn fetch(&self, fetcher: &Fetcher, url: &Url) -> Rules {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        match fetcher.get_robots(&robots_url).await {
            Ok(resp) => {
                let body = &resp.body[..resp.body.len().min(ROBOTS_MAX_BYTES)];
                match Robot::new(&self.token, body) {
                    Ok(r) => Rules::Parsed(Arc::new(r)),
                    // An unparseable file is treated like an absent one (RFC 9309 §2.3.1.3
                    // asks parsers to be lenient).
                    Err(_) => Rules::AllowAll,
                }
            }
            Err(FetchError::Status { status, .. })
                if (400..500).contains(&status) && status != 429 =>
            {
                Rules::AllowAll
            }
            Err(FetchError::TooLarge { .. }) => Rules::AllowAll,
            Err(_) => Rules::DenyAll {
                until: Instant::now() + RETRY_UNREACHABLE_AFTER,
            },
        }
    }
}

/// The product token robots.txt groups are matched against: `scout/0.1 (+...)` → `scout`.
pub fn agent_token(user_agent: &str) -> String {
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
    fn parses_groups_for_our_token() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: scout\nDisallow: /private\nCrawl-delay: 2\n";
        let r = Robot::new("scout", txt).unwrap();
        assert!(r.allowed("http://127.0.0.1/public"));
        assert!(!r.allowed("http://127.0.0.1/private/x"));
        assert_eq!(r.delay, Some(2.0));
    }
}
