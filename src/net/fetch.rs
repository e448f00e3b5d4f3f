//! The one place scout talks to the network.
//!
//! Every request goes through [`Fetcher::get`], which applies, in order: the scheme check and
//! the SSRF guard, robots.txt, the per-host rate limiter, the global concurrency cap, then the
//! request itself under one total deadline with a streaming body cap ([`crate::net::body`]),
//! retried per [`crate::net::retry`]. Redirects are followed by hand (reqwest's own policy is
//! off) so that every hop is checked again by the guard and robots.txt and waits for its own
//! host's limiter. Sources call this and never reqwest directly.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::{Semaphore, SemaphorePermit};
use url::Url;

use crate::config::{CrawlConfig, HostRate};
use crate::net::body::{Overflow, classify, read_capped};
use crate::net::error::Error as FetchError;
use crate::net::guard::Guard;
use crate::net::limiter::{HostPool, SharedPace};
pub use crate::net::response::Response;
use crate::net::retry::{RetryPolicy, Verdict};
use crate::net::robots::{ROBOTS_MAX_BYTES, RobotsCache};

const DEFAULT_ACCEPT: &str = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8";
const ROBOTS_ACCEPT: &str = "text/plain,*/*;q=0.5";

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
    /// The documented rate of the platform API this request goes to (`[sources.*] rate`):
    /// the host keeps it unless `[crawl.hosts]` names the host.
    pub rate: Option<HostRate>,
}

/// Counters for the crawl summary and progress display.
#[derive(Debug, Default)]
pub struct FetchStats {
    /// Requests sent (retries, redirect hops and robots.txt included).
    pub requests: AtomicU64,
    /// Body bytes received (decoded).
    pub bytes: AtomicU64,
    pub not_modified: AtomicU64,
    pub robots_blocked: AtomicU64,
    /// Requests sent again after a 429/503, another 5xx, a timeout or a connection error.
    pub retries: AtomicU64,
}

impl FetchStats {
    fn bump(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

pub struct Fetcher {
    client: reqwest::Client,
    cfg: CrawlConfig,
    guard: Arc<Guard>,
    hosts: HostPool,
    /// Politeness shared with other processes (Redis frontier), on top of `hosts`.
    shared_pace: Option<Arc<dyn SharedPace>>,
    robots: RobotsCache,
    inflight: Semaphore,
    retry: RetryPolicy,
    validators: Mutex<HashMap<String, Validators>>,
    /// Responses already fetched for a URL (by a refresh's conditional GET), handed to the
    /// next `get` of that URL instead of asking the server twice.
    primed: Mutex<HashMap<String, Response>>,
    pub stats: FetchStats,
}

/// One HTTP exchange as received: status, headers, and the body of a 2xx.
struct Exchange {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

/// How the body of a 2xx is read.
#[derive(Clone, Copy)]
struct BodyCap {
    limit: u64,
    overflow: Overflow,
}

/// Error answers kept by [`Fetcher::get_api`] are cut here: an API's error object is small.
const ERROR_BODY_LIMIT: u64 = 16 * 1024;

/// What an API call adds to a plain GET (see [`Fetcher::get_api`]).
#[derive(Clone, Copy, Default)]
struct ApiCall<'a> {
    /// Sent to the requested origin only.
    headers: Option<&'a HeaderMap>,
    /// A final error status is answered as a `Response` with its (capped) body.
    keep_errors: bool,
}

enum Hop {
    Done(Box<Response>),
    Redirect(Url),
}

enum Outcome {
    Hop(Hop),
    /// A status that is neither success nor redirect, with the headers (`Retry-After`) and,
    /// for an API call, the body.
    ErrorStatus(Exchange),
}

impl Fetcher {
    pub fn new(cfg: &CrawlConfig) -> crate::Result<Fetcher> {
        let guard = Arc::new(Guard::from_config(cfg)?);
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            // A proxy (HTTP_PROXY from the environment) would resolve and connect on our
            // behalf, out of the guard's sight: never use one.
            .no_proxy()
            .connect_timeout(Duration::from_secs_f64(cfg.connect_timeout_secs))
            .timeout(Duration::from_secs_f64(cfg.timeout_secs))
            // Every host name is resolved by the guard, which hands back only permitted
            // addresses; IP literals skip resolvers and are checked by `Guard::check_url`.
            .dns_resolver(guard.clone())
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| crate::Error::Other(format!("cannot build HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            hosts: HostPool::new(cfg),
            shared_pace: None,
            robots: RobotsCache::new(cfg),
            inflight: Semaphore::new(cfg.concurrency),
            retry: RetryPolicy::from_config(cfg),
            validators: Mutex::new(HashMap::new()),
            primed: Mutex::new(HashMap::new()),
            guard,
            cfg: cfg.clone(),
            stats: FetchStats::default(),
        })
    }

    /// Hold every host to a pace shared with other crawl workers, as well as to our own.
    pub fn with_shared_pace(mut self, pace: Arc<dyn SharedPace>) -> Fetcher {
        self.shared_pace = Some(pace);
        self
    }

    pub fn config(&self) -> &CrawlConfig {
        &self.cfg
    }

    /// GET with default options.
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.get_with(url, &RequestOpts::default()).await
    }

    /// GET `url`, following up to `max_redirects` redirects by hand; each hop is checked by
    /// the guard and robots.txt, and waits for its host's rate limiter.
    pub async fn get_with(&self, url: &Url, opts: &RequestOpts) -> Result<Response, FetchError> {
        self.get_inner(url, opts, ApiCall::default()).await
    }

    /// GET for a JSON API whose error answers carry meaning (YouTube's `quotaExceeded` and
    /// `commentsDisabled` are both 403s): a final error status (4xx, or 5xx once retries are
    /// spent) is returned as a [`Response`] with its status and body (at most 16 KiB), not as
    /// [`FetchError::Status`]. `headers` are sent to `url`'s origin only, never to a redirect
    /// elsewhere: an API key in a header stays out of URLs, so out of logs, errors and the
    /// saved validators. Everything else (guard, robots.txt, limits, retries) is as in `get`.
    pub async fn get_api(
        &self,
        url: &Url,
        opts: &RequestOpts,
        headers: &HeaderMap,
    ) -> Result<Response, FetchError> {
        let call = ApiCall {
            headers: Some(headers),
            keep_errors: true,
        };
        self.get_inner(url, opts, call).await
    }

    async fn get_inner(
        &self,
        url: &Url,
        opts: &RequestOpts,
        call: ApiCall<'_>,
    ) -> Result<Response, FetchError> {
        if let Some(resp) = self.primed.lock().unwrap().remove(url.as_str()) {
            return Ok(resp);
        }
        if let Some(rate) = opts.rate {
            self.hosts.adopt_source_rate(host_key(url), rate);
        }
        let requested = url.clone();
        let mut current = url.clone();
        for _hop in 0..=self.cfg.max_redirects {
            self.guard.check_url(&current)?;
            if self.cfg.respect_robots
                && let Err(e) = self
                    .robots
                    .check(&current, &self.hosts, |u| async move {
                        self.get_robots(&u).await
                    })
                    .await
            {
                if matches!(e, FetchError::Robots { .. }) {
                    FetchStats::bump(&self.stats.robots_blocked, 1);
                }
                return Err(e);
            }
            let call = ApiCall {
                headers: call.headers.filter(|_| current.origin() == url.origin()),
                ..call
            };
            match self.request_with_retries(&current, opts, call).await? {
                Hop::Done(mut resp) => {
                    resp.requested = requested;
                    return Ok(*resp);
                }
                Hop::Redirect(next) => current = next,
            }
        }
        Err(FetchError::TooManyRedirects {
            url: requested.to_string(),
            max: self.cfg.max_redirects,
        })
    }

    /// One hop, retried as [`RetryPolicy`] says.
    async fn request_with_retries(
        &self,
        url: &Url,
        opts: &RequestOpts,
        call: ApiCall<'_>,
    ) -> Result<Hop, FetchError> {
        let cap = BodyCap {
            limit: self.cfg.max_body_bytes,
            overflow: Overflow::Refuse,
        };
        let accept = opts.accept.unwrap_or(DEFAULT_ACCEPT);
        let mut attempt = 0u32;
        loop {
            let (verdict, err) = match self
                .exchange(url, accept, opts.conditional, cap, call)
                .await
            {
                Ok(ex) => match self.interpret(url, ex)? {
                    Outcome::Hop(hop) => return Ok(hop),
                    Outcome::ErrorStatus(ex) => {
                        let verdict = self.retry.after_status(ex.status, &ex.headers, attempt);
                        if call.keep_errors && verdict == Verdict::GiveUp {
                            return Ok(Hop::Done(Box::new(Response {
                                requested: url.clone(),
                                url: url.clone(),
                                status: ex.status,
                                headers: ex.headers,
                                body: ex.body,
                                not_modified: false,
                            })));
                        }
                        let err = FetchError::Status {
                            url: url.to_string(),
                            status: ex.status,
                        };
                        (verdict, err)
                    }
                },
                Err(e @ (FetchError::Timeout { .. } | FetchError::Network { .. })) => {
                    (self.retry.after_failure(attempt), e)
                }
                Err(e) => return Err(e),
            };
            match verdict {
                Verdict::GiveUp => return Err(err),
                Verdict::Backoff(wait) => {
                    tracing::debug!(url = %url, ?wait, error = %err, "retrying after backoff");
                    tokio::time::sleep(wait).await;
                }
                Verdict::PauseHostGiveUp(wait) => {
                    tracing::info!(url = %url, ?wait, "host asked us to wait longer than max_retry_after; giving up this request");
                    self.hosts.pause(host_key(url), wait);
                    return Err(err);
                }
                Verdict::PauseHost(wait) => {
                    // No sleep here: the next attempt waits for the pause in `turn`, together
                    // with every other request to this host.
                    tracing::debug!(url = %url, ?wait, error = %err, "host asked us to pause");
                    self.hosts.pause(host_key(url), wait);
                }
            }
            FetchStats::bump(&self.stats.retries, 1);
            attempt += 1;
        }
    }

    /// A received exchange as a finished hop, a redirect, or an error answer for the retry
    /// policy to judge.
    fn interpret(&self, url: &Url, ex: Exchange) -> Result<Outcome, FetchError> {
        let done = |ex: Exchange, not_modified| {
            Outcome::Hop(Hop::Done(Box::new(Response {
                requested: url.clone(),
                url: url.clone(),
                status: ex.status,
                headers: ex.headers,
                body: ex.body,
                not_modified,
            })))
        };
        Ok(match ex.status {
            200..=299 => {
                self.remember_validators(url, &ex.headers);
                done(ex, false)
            }
            304 => {
                FetchStats::bump(&self.stats.not_modified, 1);
                done(ex, true)
            }
            301 | 302 | 303 | 307 | 308 => {
                Outcome::Hop(Hop::Redirect(redirect_target(url, ex.status, &ex.headers)?))
            }
            _ => Outcome::ErrorStatus(ex),
        })
    }

    /// Wait for `host`'s turn and a concurrency permit. The permit is never held while
    /// sleeping: a paused or rate-limited host must not keep the other hosts' requests waiting.
    /// Requests to one host wait in its line, so only the first of them polls the limiter.
    async fn turn(&self, host: &str) -> SemaphorePermit<'_> {
        let _line = self.hosts.line(host).await;
        if let Some(permit) = self.shared_turn(host).await {
            return permit;
        }
        loop {
            if let Some(wait) = self.hosts.paused_for(host) {
                tokio::time::sleep(wait).await;
                continue;
            }
            let permit = self
                .inflight
                .acquire()
                .await
                .expect("the semaphore is never closed");
            match self.hosts.try_acquire(host) {
                Ok(()) => return permit,
                Err(wait) => {
                    drop(permit);
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// With a pace shared across workers (Redis frontier): take the permit, reserve the host's
    /// next slot across all workers, and go out at exactly that time. The permit is held while
    /// waiting for the slot (at most one waiter per host, the host's line is held): anything
    /// that delayed the request after its reservation would let it arrive bunched with the
    /// next worker's. `None` when there is no shared pace or it is unreachable: the local
    /// limiter applies.
    async fn shared_turn(&self, host: &str) -> Option<SemaphorePermit<'_>> {
        let shared = self.shared_pace.as_ref()?;
        while let Some(wait) = self.hosts.paused_for(host) {
            tokio::time::sleep(wait).await;
        }
        let permit = self
            .inflight
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let (interval, burst) = self.hosts.pace(host);
        let wait = shared.reserve(host, interval, burst).await?;
        tokio::time::sleep(wait).await;
        Some(permit)
    }

    /// Send one request and read the answer, all under one total deadline.
    async fn exchange(
        &self,
        url: &Url,
        accept: &str,
        conditional: bool,
        cap: BodyCap,
        call: ApiCall<'_>,
    ) -> Result<Exchange, FetchError> {
        let host = host_key(url);
        let _permit = self.turn(host).await;
        FetchStats::bump(&self.stats.requests, 1);

        let mut req = self.client.get(url.clone()).header(header::ACCEPT, accept);
        if let Some(h) = call.headers {
            req = req.headers(h.clone());
        }
        if conditional {
            let stored = self.validators.lock().unwrap().get(url.as_str()).cloned();
            if let Some(v) = stored {
                if let Some(etag) = v.etag {
                    req = req.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = v.last_modified {
                    req = req.header(header::IF_MODIFIED_SINCE, lm);
                }
            }
        }
        let secs = self.cfg.timeout_secs;
        // One deadline over the whole exchange, body included: reqwest's read timeout restarts
        // on every byte, so a server dripping bytes would otherwise hold us for ever.
        let exchange = async {
            let resp = req.send().await.map_err(|e| classify(url, e, secs))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            self.hosts.observe_rate_limit_headers(host, &headers);
            let body = if (200..300).contains(&status) {
                read_capped(url, resp, cap.limit, cap.overflow, secs).await?
            } else if call.keep_errors && status >= 400 {
                read_capped(url, resp, ERROR_BODY_LIMIT, Overflow::Truncate, secs).await?
            } else {
                Bytes::new()
            };
            Ok(Exchange {
                status,
                headers,
                body,
            })
        };
        let ex = tokio::time::timeout(Duration::from_secs_f64(secs), exchange)
            .await
            .map_err(|_| FetchError::Timeout {
                url: url.to_string(),
                secs,
            })??;
        FetchStats::bump(&self.stats.bytes, ex.body.len() as u64);
        Ok(ex)
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

    /// Hand `resp` to the next `get` of `resp.requested` (used once, then forgotten).
    pub fn prime(&self, resp: Response) {
        self.primed
            .lock()
            .unwrap()
            .insert(resp.requested.to_string(), resp);
    }

    /// Validators learnt so far, to persist between crawls.
    pub fn export_validators(&self) -> HashMap<String, Validators> {
        self.validators.lock().unwrap().clone()
    }

    /// Validators from an earlier crawl.
    pub fn import_validators(&self, v: HashMap<String, Validators>) {
        self.validators.lock().unwrap().extend(v);
    }

    /// GET a robots.txt: the guard and the host's rate limiter apply, robots.txt itself does
    /// not; redirects are followed (up to `max_redirects`); no retries (robots.rs decides when
    /// to ask again). Any final status is returned as a [`Response`] so that the caller can
    /// tell 4xx from 5xx; the body of a 2xx is cut at [`ROBOTS_MAX_BYTES`], not refused.
    pub(crate) async fn get_robots(&self, url: &Url) -> Result<Response, FetchError> {
        let cap = BodyCap {
            limit: ROBOTS_MAX_BYTES as u64,
            overflow: Overflow::Truncate,
        };
        let mut current = url.clone();
        for _ in 0..=self.cfg.max_redirects {
            self.guard.check_url(&current)?;
            let ex = self
                .exchange(&current, ROBOTS_ACCEPT, false, cap, ApiCall::default())
                .await?;
            if matches!(ex.status, 301 | 302 | 303 | 307 | 308) {
                current = redirect_target(&current, ex.status, &ex.headers)?;
                continue;
            }
            return Ok(Response {
                requested: url.clone(),
                url: current,
                status: ex.status,
                headers: ex.headers,
                body: ex.body,
                not_modified: false,
            });
        }
        Err(FetchError::TooManyRedirects {
            url: url.to_string(),
            max: self.cfg.max_redirects,
        })
    }

    /// The per-host limiters (robots.rs feeds Crawl-delay into them).
    pub fn host_pool(&self) -> &HostPool {
        &self.hosts
    }
}

/// The key rate limits and pauses are kept under: the host, whatever the port or scheme.
fn host_key(url: &Url) -> &str {
    url.host_str().unwrap_or_default()
}

/// Where a redirect points, resolved against the URL that answered it.
fn redirect_target(url: &Url, status: u16, headers: &HeaderMap) -> Result<Url, FetchError> {
    let loc = headers
        .get(header::LOCATION)
        .ok_or_else(|| FetchError::Network {
            url: url.to_string(),
            detail: format!("HTTP {status} without a Location header"),
        })?;
    // Servers do send raw UTF-8 in Location; the url crate percent-encodes it on join.
    let loc = String::from_utf8_lossy(loc.as_bytes());
    url.join(loc.trim()).map_err(|e| FetchError::InvalidUrl {
        url: format!("{url} -> {loc}"),
        detail: format!("bad redirect target: {e}"),
    })
}
