//! The one place scout talks to the network.
//!
//! Every request goes through [`Fetcher::get`], which applies, in order: URL hygiene and the
//! scheme check, the SSRF guard, robots.txt, the per-host rate limiter and the global concurrency
//! cap, then the request itself with a total deadline and a streaming body cap. Redirects are
//! followed by hand (reqwest's own policy is off) so that every hop is checked again.
//! Sources call this and never reqwest directly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::CrawlConfig;
use crate::crawl::guard::Guard;
use crate::crawl::limiter::HostPool;
use crate::crawl::robots::RobotsCache;

/// What a fetch returns: a 2xx body (or a 304 with an empty body).
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL asked for.
    pub requested: Url,
    /// The URL finally answered, after redirects.
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// A conditional GET was answered 304: nothing changed since the last crawl.
    pub not_modified: bool,
}

impl Response {
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text: charset from the header, else from `<meta charset>`, else UTF-8;
    /// invalid bytes are replaced, never fatal.
    pub fn text(&self) -> String {
        crate::crawl::charset::decode(&self.body, self.content_type())
    }
}

/// Why a fetch failed. `kind()` is the short label the crawl summary counts by.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not a fetchable URL: {detail}")]
    InvalidUrl { url: String, detail: String },
    #[error("{url}: refused by the private-address guard: {detail}")]
    Refused { url: String, detail: String },
    #[error("{url}: disallowed by robots.txt")]
    Robots { url: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: timed out after {secs:.1}s")]
    Timeout { url: String, secs: f64 },
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: usize },
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
    #[error("{url}: page budget exhausted ({detail})")]
    Budget { url: String, detail: String },
}

impl FetchError {
    pub fn kind(&self) -> String {
        match self {
            FetchError::InvalidUrl { .. } => "invalid_url".into(),
            FetchError::Refused { .. } => "refused_private_address".into(),
            FetchError::Robots { .. } => "robots_disallowed".into(),
            FetchError::Status { status, .. } => format!("http_{status}"),
            FetchError::Timeout { .. } => "timeout".into(),
            FetchError::TooLarge { .. } => "too_large".into(),
            FetchError::TooManyRedirects { .. } => "too_many_redirects".into(),
            FetchError::Network { .. } => "network".into(),
            FetchError::Budget { .. } => "budget".into(),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            FetchError::InvalidUrl { url, .. }
            | FetchError::Refused { url, .. }
            | FetchError::Robots { url }
            | FetchError::Status { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::Network { url, .. }
            | FetchError::Budget { url, .. } => url,
        }
    }

    /// 404 / 410: the thing is gone (a refresh counts these towards "gone").
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

/// Validators from an earlier answer, sent back as a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct RequestOpts {
    /// `Accept` header; defaults to HTML and JSON.
    pub accept: Option<&'static str>,
    /// Send stored validators (If-None-Match / If-Modified-Since) and accept a 304.
    pub conditional: bool,
}

/// Counters for the crawl summary and progress display.
#[derive(Debug, Default)]
pub struct FetchStats {
    pub requests: std::sync::atomic::AtomicU64,
    pub bytes: std::sync::atomic::AtomicU64,
    pub not_modified: std::sync::atomic::AtomicU64,
    pub robots_blocked: std::sync::atomic::AtomicU64,
}

pub struct Fetcher {
    client: reqwest::Client,
    cfg: CrawlConfig,
    guard: Arc<Guard>,
    hosts: HostPool,
    robots: RobotsCache,
    inflight: Semaphore,
    validators: Mutex<HashMap<String, Validators>>,
    pub stats: FetchStats,
}

impl Fetcher {
    pub fn new(cfg: &CrawlConfig) -> crate::Result<Fetcher> {
        let guard = Arc::new(Guard::from_config(cfg)?);
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs_f64(cfg.connect_timeout_secs))
            .timeout(Duration::from_secs_f64(cfg.timeout_secs))
            .dns_resolver(guard.clone())
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| crate::Error::Other(format!("cannot build HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            hosts: HostPool::new(cfg),
            robots: RobotsCache::new(cfg),
            inflight: Semaphore::new(cfg.concurrency),
            validators: Mutex::new(HashMap::new()),
            guard,
            cfg: cfg.clone(),
            stats: FetchStats::default(),
        })
    }

    pub fn config(&self) -> &CrawlConfig {
        &self.cfg
    }

    /// GET with default options.
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.get_with(url, &RequestOpts::default()).await
    }

    /// GET `url`, following redirects by hand; each hop is checked by the guard and robots,
    /// and waits for its host's rate limiter.
    pub async fn get_with(&self, url: &Url, opts: &RequestOpts) -> Result<Response, FetchError> {
        let requested = url.clone();
        let mut current = url.clone();
        for _hop in 0..=self.cfg.max_redirects {
            self.guard.check_url(&current)?;
            if self.cfg.respect_robots && !self.robots.allowed(self, &current).await {
                self.stats
                    .robots_blocked
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Err(FetchError::Robots {
                    url: current.to_string(),
                });
            }
            match self.request_with_retries(&current, opts).await? {
                Hop::Done(mut resp) => {
                    resp.requested = requested;
                    return Ok(resp);
                }
                Hop::Redirect(next) => current = next,
            }
        }
        Err(FetchError::TooManyRedirects {
            url: requested.to_string(),
            max: self.cfg.max_redirects,
        })
    }

    /// One hop, retried on 5xx / timeouts / connection errors and on 429/503 with Retry-After.
    async fn request_with_retries(&self, url: &Url, opts: &RequestOpts) -> Result<Hop, FetchError> {
        let mut attempt = 0u32;
        loop {
            match self.request_once(url, opts).await {
                Ok(Attempt::Hop(hop)) => return Ok(hop),
                Ok(Attempt::RetryAfter(wait, err)) | Ok(Attempt::Retry(wait, err)) => {
                    if attempt >= self.cfg.max_retries {
                        return Err(err);
                    }
                    let wait = wait.unwrap_or_else(|| self.backoff(attempt));
                    if let Some(host) = url.host_str() {
                        self.hosts.pause(host, wait);
                    }
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(e),
            }
            attempt += 1;
        }
    }

    /// Exponential backoff with full jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.retry_base_ms.saturating_mul(1 << attempt.min(10));
        Duration::from_millis(base / 2 + fastrand::u64(0..=base / 2))
    }

    async fn request_once(&self, url: &Url, opts: &RequestOpts) -> Result<Attempt, FetchError> {
        let host = url.host_str().unwrap_or_default().to_string();
        self.hosts.until_ready(&host).await;
        let _permit = self
            .inflight
            .acquire()
            .await
            .expect("semaphore never closed");
        self.stats
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);

        let mut req = self.client.get(url.clone()).header(
            header::ACCEPT,
            opts.accept
                .unwrap_or("text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"),
        );
        if opts.conditional {
            if let Some(v) = self.validators.lock().unwrap().get(url.as_str()).cloned() {
                if let Some(etag) = v.etag {
                    req = req.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = v.last_modified {
                    req = req.header(header::IF_MODIFIED_SINCE, lm);
                }
            }
        }
        let deadline = Duration::from_secs_f64(self.cfg.timeout_secs);
        let timeout_err = || FetchError::Timeout {
            url: url.to_string(),
            secs: self.cfg.timeout_secs,
        };
        // The whole exchange, body included, runs under one deadline: reqwest's read timeout
        // restarts on every byte, so a server dripping bytes would otherwise hold us forever.
        let result = tokio::time::timeout(deadline, async {
            let resp = req.send().await.map_err(|e| classify(url, e))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            self.hosts.observe_rate_limit_headers(&host, &headers);
            if (300..400).contains(&status) && status != 304 {
                return Ok((status, headers, Bytes::new()));
            }
            if !(200..300).contains(&status) {
                return Ok((status, headers, Bytes::new()));
            }
            let body = read_capped(url, resp, self.cfg.max_body_bytes).await?;
            Ok((status, headers, body))
        })
        .await;
        let (status, headers, body) = match result {
            Err(_) => return Ok(Attempt::Retry(None, timeout_err())),
            Ok(Err(e @ FetchError::Timeout { .. })) | Ok(Err(e @ FetchError::Network { .. })) => {
                return Ok(Attempt::Retry(None, e));
            }
            Ok(Err(e)) => return Err(e),
            Ok(Ok(x)) => x,
        };
        self.stats
            .bytes
            .fetch_add(body.len() as u64, std::sync::atomic::Ordering::Relaxed);

        match status {
            200..=299 => {
                self.remember_validators(url, &headers);
                Ok(Attempt::Hop(Hop::Done(Response {
                    requested: url.clone(),
                    url: url.clone(),
                    status,
                    headers,
                    body,
                    not_modified: false,
                })))
            }
            304 => {
                self.stats
                    .not_modified
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(Attempt::Hop(Hop::Done(Response {
                    requested: url.clone(),
                    url: url.clone(),
                    status,
                    headers,
                    body,
                    not_modified: true,
                })))
            }
            301 | 302 | 303 | 307 | 308 => {
                let loc = headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::Network {
                        url: url.to_string(),
                        detail: format!("HTTP {status} without a Location header"),
                    })?;
                let next = url.join(loc).map_err(|e| FetchError::InvalidUrl {
                    url: loc.to_string(),
                    detail: e.to_string(),
                })?;
                Ok(Attempt::Hop(Hop::Redirect(next)))
            }
            429 | 503 => {
                let wait = retry_after(&headers)
                    .map(|d| d.min(Duration::from_secs_f64(self.cfg.max_retry_after_secs)));
                Ok(Attempt::RetryAfter(
                    wait,
                    FetchError::Status {
                        url: url.to_string(),
                        status,
                    },
                ))
            }
            500..=599 => Ok(Attempt::Retry(
                None,
                FetchError::Status {
                    url: url.to_string(),
                    status,
                },
            )),
            _ => Err(FetchError::Status {
                url: url.to_string(),
                status,
            }),
        }
    }

    fn remember_validators(&self, url: &Url, headers: &HeaderMap) {
        let get = |h: header::HeaderName| {
            headers
                .get(h)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let v = Validators {
            etag: get(header::ETAG),
            last_modified: get(header::LAST_MODIFIED),
        };
        if v.etag.is_some() || v.last_modified.is_some() {
            self.validators.lock().unwrap().insert(url.to_string(), v);
        }
    }

    /// Validators learnt so far, to persist between crawls.
    pub fn export_validators(&self) -> HashMap<String, Validators> {
        self.validators.lock().unwrap().clone()
    }

    /// Validators from an earlier crawl.
    pub fn import_validators(&self, v: HashMap<String, Validators>) {
        self.validators.lock().unwrap().extend(v);
    }

    /// A plain GET used for robots.txt: guard and rate limiter apply, robots does not.
    pub(crate) async fn get_robots(&self, url: &Url) -> Result<Response, FetchError> {
        let mut current = url.clone();
        for _ in 0..=self.cfg.max_redirects {
            self.guard.check_url(&current)?;
            match self.request_once(&current, &RequestOpts::default()).await? {
                Attempt::Hop(Hop::Done(r)) => return Ok(r),
                Attempt::Hop(Hop::Redirect(next)) => current = next,
                Attempt::Retry(_, e) | Attempt::RetryAfter(_, e) => return Err(e),
            }
        }
        Err(FetchError::TooManyRedirects {
            url: url.to_string(),
            max: self.cfg.max_redirects,
        })
    }

    pub fn host_pool(&self) -> &HostPool {
        &self.hosts
    }
}

enum Hop {
    Done(Response),
    Redirect(Url),
}

enum Attempt {
    Hop(Hop),
    /// Retry after the server's Retry-After (or backoff if absent).
    RetryAfter(Option<Duration>, FetchError),
    /// Retry after exponential backoff.
    Retry(Option<Duration>, FetchError),
}

/// Read the body, stopping at `limit` bytes of *decoded* content: a decompression bomb
/// stops at the cap having held at most `limit` bytes plus one chunk.
async fn read_capped(url: &Url, resp: reqwest::Response, limit: u64) -> Result<Bytes, FetchError> {
    if let Some(len) = resp.content_length() {
        if len > limit {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
    }
    let mut stream = resp.bytes_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| classify(url, e))?;
        if buf.len() as u64 + chunk.len() as u64 > limit {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

fn classify(url: &Url, e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
            secs: 0.0,
        };
    }
    // The guard's refusal travels through reqwest's resolver as a connect error; surface it.
    let mut src: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = src {
        if let Some(g) = s.downcast_ref::<crate::crawl::guard::GuardError>() {
            return FetchError::Refused {
                url: url.to_string(),
                detail: g.to_string(),
            };
        }
        src = s.source();
    }
    let mut detail = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        src = s.source();
    }
    FetchError::Network {
        url: url.to_string(),
        detail,
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
