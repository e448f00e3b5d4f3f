//! Serves the ranking world on one loopback listener: the Mastodon API at the root (accounts
//! at `/@handle`) and the Bluesky AppView under `/bsky/xrpc/` (point
//! `[sources.bluesky] api_base` at `{base}/bsky`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::api::Served;
use super::spec::RankWorld;

pub struct RankServer {
    pub served: Arc<Served>,
    pub addr: SocketAddr,
    pub requests: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RankServer {
    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        self.served.base.clone()
    }

    /// The Bluesky `api_base` to configure.
    pub fn bsky_api_base(&self) -> String {
        format!("{}/bsky", self.served.base)
    }
}

impl Drop for RankServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct St {
    served: Arc<Served>,
    requests: Arc<AtomicU64>,
}

/// Bind `ip:0` and serve `world` in the current tokio runtime.
pub async fn spawn(world: RankWorld, ip: std::net::IpAddr) -> std::io::Result<RankServer> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, 0)).await?;
    let addr = listener.local_addr()?;
    let served = Arc::new(Served::new(world, format!("http://{addr}")));
    let requests = Arc::new(AtomicU64::new(0));
    let st = St {
        served: served.clone(),
        requests: requests.clone(),
    };
    let app = axum::Router::new().fallback(handle).with_state(st);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(RankServer {
        served,
        addr,
        requests,
        task,
    })
}

async fn handle(State(st): State<St>, req: Request<Body>) -> Response<Body> {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let q: HashMap<String, String> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    route(&st.served, req.uri().path(), &q)
}

fn json_reply(v: Value, link: Option<String>) -> Response<Body> {
    let mut r = Response::new(Body::from(v.to_string()));
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(l) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        r.headers_mut().insert("link", l);
    }
    r
}

fn error(status: StatusCode, v: Value) -> Response<Body> {
    let mut r = json_reply(v, None);
    *r.status_mut() = status;
    r
}

fn not_found() -> Response<Body> {
    error(StatusCode::NOT_FOUND, json!({"error": "Record not found"}))
}

fn num(q: &HashMap<String, String>, k: &str) -> Option<u64> {
    q.get(k).and_then(|v| v.parse().ok())
}

fn route(s: &Served, path: &str, q: &HashMap<String, String>) -> Response<Body> {
    if path == "/robots.txt" {
        let mut r = Response::new(Body::from("User-agent: *\nAllow: /\n"));
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("text/plain"));
        return r;
    }
    if let Some(method) = path.strip_prefix("/bsky/xrpc/") {
        return bsky(s, method, q);
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "instance"] => json_reply(
            json!({"uri": s.base.trim_start_matches("http://"), "title": "ranking world", "version": "4.2.0"}),
            None,
        ),
        ["api", "v1", "accounts", "lookup"] => {
            let acct = q.get("acct").map(String::as_str).unwrap_or_default();
            match s.by_handle.get(acct) {
                Some(&who) if s.ident(who).1 == scout::model::Platform::Mastodon => {
                    json_reply(s.mastodon_account(who), None)
                }
                _ => not_found(),
            }
        }
        ["api", "v1", "accounts", id, "statuses"] => {
            let Some(who) = id.parse().ok().and_then(|i| s.who_by_mastodon_id(i)) else {
                return not_found();
            };
            let limit = num(q, "limit").unwrap_or(20) as usize;
            let exclude = q
                .get("exclude_replies")
                .is_some_and(|v| v == "true" || v == "1");
            let (page, next) = s.mastodon_statuses(who, limit, num(q, "max_id"), exclude);
            let link = next.map(|m| {
                let mut u = format!(
                    "{}/api/v1/accounts/{id}/statuses?limit={limit}&max_id={m}",
                    s.base
                );
                if exclude {
                    u.push_str("&exclude_replies=true");
                }
                format!("<{u}>; rel=\"next\"")
            });
            json_reply(page, link)
        }
        ["api", "v1", "statuses", id, "context"] => {
            match id.parse().ok().and_then(|i| s.mastodon_context(i)) {
                Some(v) => json_reply(v, None),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn bsky(s: &Served, method: &str, q: &HashMap<String, String>) -> Response<Body> {
    let bad = |msg: &str| {
        error(
            StatusCode::BAD_REQUEST,
            json!({"error": "InvalidRequest", "message": msg}),
        )
    };
    let actor = q.get("actor").map(String::as_str).unwrap_or_default();
    let bsky_who = |a: &str| {
        s.who_by_actor(a)
            .filter(|w| s.ident(*w).1 == scout::model::Platform::Bluesky)
    };
    match method {
        "app.bsky.actor.getProfile" => match bsky_who(actor) {
            Some(w) => json_reply(s.bsky_profile(w), None),
            None => bad("Profile not found"),
        },
        "app.bsky.feed.getAuthorFeed" => {
            let Some(w) = bsky_who(actor) else {
                return bad("Profile not found");
            };
            let limit = num(q, "limit").unwrap_or(50) as usize;
            let filter = q
                .get("filter")
                .map(String::as_str)
                .unwrap_or("posts_with_replies");
            json_reply(s.bsky_feed(w, limit, num(q, "cursor"), filter), None)
        }
        "app.bsky.feed.getPostThread" => {
            let id = q
                .get("uri")
                .and_then(|u| u.rsplit('/').next())
                .and_then(|r| r.parse().ok());
            match id.and_then(|i| s.bsky_thread(i)) {
                Some(v) => json_reply(v, None),
                None => error(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "NotFound", "message": "Post not found"}),
                ),
            }
        }
        _ => error(
            StatusCode::NOT_IMPLEMENTED,
            json!({"error": "MethodNotImplemented", "message": "Method Not Implemented"}),
        ),
    }
}
