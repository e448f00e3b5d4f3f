//! The frontier: which URLs are still to be read. One crawl driver, two homes for its to-do
//! list: in this process ([`LocalFrontier`], the default, no server needed) or in Redis
//! ([`RedisFrontier`], `crawl --frontier redis://...`), where any number of workers on any
//! number of machines share one queue, one seen-set, leases and per-host politeness.
//!
//! Both apply the same admission rules ([`admit`]: depth, scheme, URL traps) and the same
//! budgets (`max_pages`, per host, per site), so a crawl reaches the same creators either way.

pub(crate) mod local;
pub(crate) mod redis;
pub(crate) mod traps;

use url::Url;

pub use local::LocalFrontier;
pub use redis::{RedisFrontier, RedisPace};

use crate::config::CrawlConfig;
use crate::error::Result;
use crate::net::urlnorm::normalize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub url: Url,
    pub depth: u32,
}

/// The bounds every frontier applies (from `[crawl]`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: u32,
    pub max_pages: usize,
    pub max_per_host: usize,
    pub max_per_site: usize,
    /// For the calendar-trap rule (passed in so the rules stay pure).
    pub this_year: i32,
}

impl Limits {
    pub fn from_config(c: &CrawlConfig) -> Limits {
        use chrono::Datelike;
        Limits {
            max_depth: c.max_depth,
            max_pages: c.max_pages,
            max_per_host: c.max_pages_per_host,
            max_per_site: c.max_pages_per_site,
            this_year: chrono::Utc::now().year(),
        }
    }
}

/// What [`admit`] decided about one URL before any budget is consulted.
pub enum Verdict {
    Admit {
        url: Url,
        host: String,
        site: String,
    },
    Refuse,
}

/// Depth, scheme and trap rules; the normalised URL with its host and site keys when it may
/// be queued.
pub fn admit(limits: &Limits, url: &Url, depth: u32) -> Verdict {
    if depth > limits.max_depth || !matches!(url.scheme(), "http" | "https") {
        return Verdict::Refuse;
    }
    let url = normalize(url);
    if let Some(t) = traps::trap(&url, limits.this_year) {
        tracing::debug!(url = %url, trap = ?t, "URL trap not followed");
        return Verdict::Refuse;
    }
    let host = url.host_str().unwrap_or_default().to_string();
    let site = traps::site_of(&url);
    Verdict::Admit { url, host, site }
}

/// What asking the frontier for work gave.
#[derive(Debug)]
pub enum Next {
    Task(Task),
    /// Nothing now, but other workers still hold leases that may lead to more: ask again soon.
    Wait,
    /// The crawl is finished (queue empty and nothing leased, or `max_pages` reached).
    Done,
}

/// The frontier the driver uses: local or shared. One per crawl, so the size difference
/// between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Frontier {
    Local(LocalFrontier),
    Redis(RedisFrontier),
}

impl Frontier {
    pub fn local(limits: Limits) -> Frontier {
        Frontier::Local(LocalFrontier::new(limits))
    }

    /// Queue URLs found at `depth`; returns how many were queued.
    pub async fn push_all(&mut self, urls: &[Url], depth: u32) -> Result<usize> {
        match self {
            Frontier::Local(f) => Ok(urls.iter().filter(|u| f.push(u, depth)).count()),
            Frontier::Redis(f) => f.push_all(urls, depth).await,
        }
    }

    /// The next URL to read. A local frontier never waits.
    pub async fn next(&mut self) -> Result<Next> {
        match self {
            Frontier::Local(f) => Ok(f.pop().map_or(Next::Done, Next::Task)),
            Frontier::Redis(f) => f.next().await,
        }
    }

    /// Mark a URL as handled (a creator's canonical profile URL, once read).
    pub async fn mark_seen(&mut self, url: &str) -> Result<()> {
        match self {
            Frontier::Local(f) => {
                f.mark_seen(url);
                Ok(())
            }
            Frontier::Redis(f) => f.mark_seen(url).await,
        }
    }

    /// `url` was read and what it produced is about to be committed.
    pub fn finished(&mut self, url: &Url) {
        if let Frontier::Redis(f) = self {
            f.finished(url);
        }
    }

    /// The index commit holding the finished tasks succeeded: release their leases.
    pub async fn committed(&mut self) -> Result<()> {
        match self {
            Frontier::Local(_) => Ok(()),
            Frontier::Redis(f) => f.ack_finished().await,
        }
    }

    /// Keep this worker's leases alive while it is still working on them: renew them when
    /// `every` has passed since the last renewal.
    pub async fn keep_alive_every(&mut self, every: std::time::Duration) -> Result<()> {
        match self {
            Frontier::Local(_) => Ok(()),
            Frontier::Redis(f) if f.last_renewal().elapsed() >= every => f.renew().await,
            Frontier::Redis(_) => Ok(()),
        }
    }

    /// Tasks read whose results are not yet committed (their leases are still held).
    pub fn has_uncommitted(&self) -> bool {
        match self {
            Frontier::Local(_) => false,
            Frontier::Redis(f) => f.has_finished(),
        }
    }

    /// URLs queued here (local) or in the shared queue as last seen (Redis), for progress.
    pub fn queued(&self) -> usize {
        match self {
            Frontier::Local(f) => f.len(),
            Frontier::Redis(f) => f.queued(),
        }
    }

    pub fn dropped(&self) -> usize {
        match self {
            Frontier::Local(f) => f.dropped,
            Frontier::Redis(f) => f.dropped(),
        }
    }

    pub fn as_local(&self) -> Option<&LocalFrontier> {
        match self {
            Frontier::Local(f) => Some(f),
            Frontier::Redis(_) => None,
        }
    }

    pub fn as_local_mut(&mut self) -> Option<&mut LocalFrontier> {
        match self {
            Frontier::Local(f) => Some(f),
            Frontier::Redis(_) => None,
        }
    }
}
