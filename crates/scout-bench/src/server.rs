//! The world server: renders the synthetic world on request, one listener per loopback host
//! (127.0.0.2, 127.0.0.3, ...), and records when each request arrived at each host so that
//! rate-limit fidelity is measured where it matters — at the server.
//!
//! Routes (any host; a creator answers only on its own host, elsewhere 404):
//! - `/robots.txt`
//! - `/c/{handle}` web profile, `/c/{handle}/p/{j}` post page
//! - `/@{handle}` the web profile again (what a browser would see)
//! - `/api/v1/instance`, `/api/v1/accounts/lookup?acct=H`, `/api/v1/accounts/{id}/statuses`,
//!   `/api/v1/statuses/{id}/context`
//! - on the Bluesky AppView host (`World::bluesky_host`): `/xrpc/{method}` (see
//!   [`super::render_bsky`])
//! - `/__bench/log` (JSON arrival times per host, microseconds since the server started;
//!   `?reset=1` clears them afterwards) and `/__bench/stats` (counts and bytes)

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use serde_json::json;

use super::render;
use super::world::{WEB_PREFIX, World};

/// Arrival times per host, for rate fidelity.
#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    arrivals: Vec<Mutex<Vec<u64>>>,
    pub requests: AtomicU64,
    pub bytes: AtomicU64,
}

impl RequestLog {
    fn new(hosts: usize) -> RequestLog {
        RequestLog {
            started: Instant::now(),
            arrivals: (0..hosts).map(|_| Mutex::new(Vec::new())).collect(),
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    fn record(&self, host: usize) {
        let at = self.started.elapsed().as_micros() as u64;
        self.arrivals[host].lock().unwrap().push(at);
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Arrival times (µs) per host, sorted.
    pub fn snapshot(&self, reset: bool) -> Vec<Vec<u64>> {
        self.arrivals
            .iter()
            .map(|m| {
                let mut v = m.lock().unwrap();
                let mut out = if reset {
                    std::mem::take(&mut *v)
                } else {
                    v.clone()
                };
                out.sort_unstable();
                out
            })
            .collect()
    }
}

#[derive(Clone)]
struct HostState {
    world: Arc<World>,
    host: usize,
    log: Arc<RequestLog>,
}

/// A running world server.
#[derive(Debug, Clone)]
pub struct WorldServer {
    pub world: Arc<World>,
    pub addrs: Vec<SocketAddr>,
    pub log: Arc<RequestLog>,
}

/// `127.0.0.2` ... `127.0.0.{1+n}`: distinct hosts for per-host politeness, all loopback.
pub fn loopback_hosts(n: usize) -> Vec<IpAddr> {
    (0..n)
        .map(|k| IpAddr::from([127, 0, 0, 2 + k as u8]))
        .collect()
}

/// Bind one listener per address (`port` 0 = any free port each) and serve the world of
/// `creators` creators generated from `seed`, in the current tokio runtime.
pub async fn spawn(
    seed: u64,
    creators: u64,
    ips: &[IpAddr],
    port: u16,
    anchor: chrono::DateTime<chrono::Utc>,
) -> std::io::Result<WorldServer> {
    spawn_with_bluesky(seed, creators, ips, port, anchor, Vec::new(), None).await
}

/// [`spawn`] with creators spread over the hosts by `host_weights` (see `World::host_of`), and
/// host `bluesky_host`, if any, a Bluesky AppView: its creators are Bluesky accounts, answered
/// over XRPC.
pub async fn spawn_with_bluesky(
    seed: u64,
    creators: u64,
    ips: &[IpAddr],
    port: u16,
    anchor: chrono::DateTime<chrono::Utc>,
    host_weights: Vec<u64>,
    bluesky_host: Option<usize>,
) -> std::io::Result<WorldServer> {
    let mut listeners = Vec::new();
    for ip in ips {
        listeners.push(tokio::net::TcpListener::bind(SocketAddr::new(*ip, port)).await?);
    }
    let addrs: Vec<SocketAddr> = listeners
        .iter()
        .map(|l| l.local_addr())
        .collect::<Result<_, _>>()?;
    let hosts = addrs.iter().map(|a| format!("http://{a}")).collect();
    let mut world = World::new(seed, creators, hosts, anchor);
    world.host_weights = host_weights;
    world.bluesky_host = bluesky_host;
    let world = Arc::new(world);
    let log = Arc::new(RequestLog::new(addrs.len()));
    for (host, listener) in listeners.into_iter().enumerate() {
        let state = HostState {
            world: world.clone(),
            host,
            log: log.clone(),
        };
        let app = axum::Router::new().fallback(handle).with_state(state);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }
    Ok(WorldServer { world, addrs, log })
}

async fn handle(State(st): State<HostState>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path();
    if path.starts_with("/__bench/") {
        return bench_route(&st, path, req.uri().query().unwrap_or_default());
    }
    st.log.record(st.host);
    let mut resp = route(&st, path, req.uri().query().unwrap_or_default());
    if path.starts_with("/api/v1/") {
        resp = mastodon_conditional(resp, req.headers().get("if-none-match")).await;
    }
    if let Some(n) = axum::body::HttpBody::size_hint(resp.body()).exact() {
        st.log.bytes.fetch_add(n, Ordering::Relaxed);
    }
    resp
}

/// What Mastodon (Rails) does to every API answer: a weak `ETag` over the body (Rack::ETag)
/// with `Cache-Control: private, no-store`, and `304 Not Modified` without a body when the
/// request's `If-None-Match` names it (Rack::ConditionalGet).
async fn mastodon_conditional(
    resp: Response<Body>,
    if_none_match: Option<&HeaderValue>,
) -> Response<Body> {
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let etag = format!("W/\"{:016x}\"", scout::model::fnv1a64(&bytes));
    parts.headers.insert(
        "cache-control",
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::try_from(etag.as_str()) {
        parts.headers.insert("etag", v);
    }
    if if_none_match.is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove("content-type");
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn bench_route(st: &HostState, path: &str, query: &str) -> Response<Body> {
    match path {
        "/__bench/log" => {
            let reset = query.contains("reset=1");
            let v = json!({"hosts": st.log.snapshot(reset), "host_urls": st.world.hosts});
            reply(StatusCode::OK, "application/json", v.to_string())
        }
        "/__bench/stats" => {
            let v = json!({
                "requests": st.log.requests.load(Ordering::Relaxed),
                "bytes": st.log.bytes.load(Ordering::Relaxed),
                "creators": st.world.creators,
                "hosts": st.world.hosts,
            });
            reply(StatusCode::OK, "application/json", v.to_string())
        }
        _ => not_found(),
    }
}

fn reply(status: StatusCode, ctype: &'static str, body: String) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(ctype));
    r
}

fn not_found() -> Response<Body> {
    reply(
        StatusCode::NOT_FOUND,
        "application/json",
        r#"{"error":"Record not found"}"#.into(),
    )
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The creator with this handle, if it lives on this host.
fn local_creator(st: &HostState, handle: &str) -> Option<u64> {
    let i = st.world.parse_handle(handle)?;
    (st.world.host_of(i) == st.host).then_some(i)
}

fn local_index(st: &HostState, id: &str) -> Option<u64> {
    let i: u64 = id.parse().ok()?;
    (i < st.world.creators && st.world.host_of(i) == st.host).then_some(i)
}

fn route(st: &HostState, path: &str, query: &str) -> Response<Body> {
    let w = &st.world;
    if path == "/robots.txt" {
        return reply(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            render::ROBOTS_TXT.into(),
        );
    }
    if let Some(rest) = path.strip_prefix(WEB_PREFIX) {
        let mut parts = rest.split('/');
        let handle = parts.next().unwrap_or_default();
        let Some(i) = local_creator(st, handle) else {
            return not_found();
        };
        return match (parts.next(), parts.next(), parts.next()) {
            (None, ..) | (Some(""), None, _) => {
                reply(StatusCode::OK, HTML, render::profile_html(w, i))
            }
            (Some("p"), Some(j), None) => {
                match j.parse().ok().and_then(|j| render::post_html(w, i, j)) {
                    Some(html) => reply(StatusCode::OK, HTML, html),
                    None => not_found(),
                }
            }
            _ => not_found(),
        };
    }
    if let Some(handle) = path.strip_prefix("/@") {
        return match local_creator(st, handle) {
            Some(i) => reply(StatusCode::OK, HTML, render::profile_html(w, i)),
            None => not_found(),
        };
    }
    if st.world.bluesky_host == Some(st.host)
        && let Some(method) = path.strip_prefix("/xrpc/")
    {
        return match super::render_bsky::xrpc(w, method, query) {
            Some((200, v)) => reply(StatusCode::OK, JSON, v.to_string()),
            Some((_, v)) => reply(StatusCode::BAD_REQUEST, JSON, v.to_string()),
            None => not_found(),
        };
    }
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "instance"] => reply(
            StatusCode::OK,
            JSON,
            render::mastodon_instance(&w.hosts[st.host]).to_string(),
        ),
        ["api", "v1", "accounts", "lookup"] => {
            let acct = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("acct="))
                .map(|a| {
                    percent_encoding::percent_decode_str(a)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .unwrap_or_default();
            let local = acct.split('@').next().unwrap_or_default();
            match local_creator(st, local) {
                Some(i) => reply(
                    StatusCode::OK,
                    JSON,
                    render::mastodon_account(w, i).to_string(),
                ),
                None => not_found(),
            }
        }
        ["api", "v1", "accounts", id, "statuses"] => match local_index(st, id) {
            Some(i) => reply(
                StatusCode::OK,
                JSON,
                render::mastodon_statuses(w, i).to_string(),
            ),
            None => not_found(),
        },
        ["api", "v1", "statuses", id, "context"] => {
            let found = id
                .parse::<u64>()
                .ok()
                .and_then(render::split_status_id)
                .filter(|(i, _)| local_index(st, &i.to_string()).is_some())
                .and_then(|(i, j)| render::mastodon_context(w, i, j));
            match found {
                Some(v) => reply(StatusCode::OK, JSON, v.to_string()),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}
