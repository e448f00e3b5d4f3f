//! The HTTP endpoint (`scout serve`): the JSON API of INTERFACE.md, `/metrics`,
//! `/openapi.json` and a search page for people, over the same [`CreatorIndex`] and
//! [`Ranker`] the CLI uses.
//!
//! - [`router`] builds the whole app from an [`AppState`], apart from any socket, so tests
//!   drive it with `oneshot` or over a real listener; [`serve`] binds `server.addr` and runs
//!   it through [`serve_listener`] (hyper with a header-read timeout).
//! - Every error is JSON `{"error", "detail"}` via [`AppError`]; bad input is a 400 naming it.
//! - Tantivy work runs on the blocking pool, at most [`AppState::search_slots`] at a time.
//! - The index reader reloads by itself after commits by other processes (a crawl running
//!   next to the server); `/health` reads the commit generation from disk and forces a
//!   reload when it moved, so what it reports is what the next search sees.
//!
//! Middleware, outermost first: CORS (only when configured) → metrics → URI/body caps →
//! request timeout → token → route.

pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod limits;
pub(crate) mod listen;
pub(crate) mod metrics;
pub(crate) mod openapi;
pub(crate) mod openapi_campaign;
pub(crate) mod query;
pub(crate) mod routes;
pub(crate) mod settings;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tokio::sync::Semaphore;

pub use error::AppError;
pub use limits::{MAX_BODY_BYTES, MAX_URI_BYTES};
pub use listen::{MAX_HEAD_BYTES, serve_listener, shutdown_signal};
pub use metrics::Metrics;
pub use openapi::spec as openapi_spec;
pub use query::parse_pairs;
pub use settings::Settings;

use crate::config::Config;
use crate::consent::OptOuts;
use crate::index::CreatorIndex;
use crate::model::CreatorRecord;
use crate::rank::Ranker;

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub(crate) index: CreatorIndex,
    pub(crate) ranker: Ranker,
    consent: OptOuts,
    settings: Settings,
    metrics: Metrics,
    slots: Arc<Semaphore>,
    openapi: serde_json::Value,
    /// The generation the reader was last forced to (see `index_status`).
    seen_generation: AtomicU64,
    /// Where campaign definitions and recorded posts live, and the overexposure threshold.
    pub(crate) campaigns_dir: std::path::PathBuf,
    pub(crate) overexposure_share: f64,
}

impl AppState {
    /// Validate `config.server` (errors name the key) and wrap an open index.
    pub fn new(config: &Config, index: CreatorIndex) -> crate::Result<AppState> {
        let settings = Settings::from_config(&config.server)?;
        let seen = index.meta().map(|m| m.generation).unwrap_or(0);
        Ok(AppState(Arc::new(Inner {
            ranker: Ranker::new(config)?,
            consent: OptOuts::new(&config.consent.opt_out),
            openapi: openapi::spec(settings.token.is_some()),
            metrics: Metrics::default(),
            slots: Arc::new(Semaphore::new(Self::search_slots())),
            seen_generation: AtomicU64::new(seen),
            campaigns_dir: crate::campaign::dir_for(index.path(), config.campaigns.dir.as_deref()),
            overexposure_share: config.campaigns.overexposure_share,
            settings,
            index,
        })))
    }

    /// Searches run at once on the blocking pool; more wait (within the request timeout).
    pub fn search_slots() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
    }

    pub fn index(&self) -> &CreatorIndex {
        &self.0.index
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.0.settings.token.as_deref()
    }

    pub(crate) fn request_timeout(&self) -> Duration {
        self.0.settings.request_timeout
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub(crate) fn openapi(&self) -> &serde_json::Value {
        &self.0.openapi
    }

    /// Run index work on the blocking pool once a search slot is free. The slot is held by
    /// the task itself, so a request that times out still counts until its search ends.
    pub(crate) async fn search_task<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> crate::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = self
            .0
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal("search slots closed".into()))?;
        let inner = self.0.clone();
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&inner)
        })
        .await?;
        Ok(out?)
    }

    /// `(live creators, commit generation)`. Reads the generation from disk; when it moved
    /// since last time, reloads the reader first so the count (and the next search) match it.
    /// Not behind the search slots: a busy server must still answer its health check.
    pub(crate) async fn index_status(&self) -> Result<(u64, u64), AppError> {
        let inner = self.0.clone();
        let out = tokio::task::spawn_blocking(move || -> crate::Result<(u64, u64)> {
            let generation = inner.index.meta()?.generation;
            if inner.seen_generation.swap(generation, Ordering::AcqRel) != generation {
                inner.index.reload()?;
            }
            Ok((inner.index.num_docs(), generation))
        })
        .await?;
        Ok(out?)
    }
}

impl Inner {
    /// The creator `key` names, unless gone or opted out (then it is unknown to clients).
    fn visible(&self, key: &str) -> crate::Result<Option<CreatorRecord>> {
        Ok(self
            .index
            .get(key)?
            .filter(|c| !c.gone && !self.consent.matches_record(&c.record))
            .map(|c| c.record))
    }
}

/// The whole app: routes, fallbacks and middleware, over `state`.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .route("/", get(routes::page))
        .route("/page.css", get(routes::page_css))
        .route("/page.js", get(routes::page_js))
        .route("/campaigns.js", get(routes::campaigns_js))
        .route("/v1/search", get(routes::search))
        .route("/v1/search.csv", get(routes::search_csv))
        .route("/v1/creators/{id}", get(routes::creator))
        .route("/v1/creators/{id}/similar", get(routes::similar))
        .route("/v1/campaigns", get(routes::campaigns))
        .route("/v1/campaigns/{name}", get(routes::campaign))
        .route("/health", get(routes::health))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), auth::require_token))
        .layer(from_fn_with_state(state.clone(), limits::timeout))
        .layer(from_fn(limits::guard))
        .layer(from_fn_with_state(state.clone(), metrics::track));
    let app = match state.settings().cors() {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.with_state(state)
}

/// `scout serve`: open the index, bind `server.addr`, serve until Ctrl-C / SIGTERM.
pub async fn serve(config: Config, index_path: &Path) -> crate::Result<()> {
    let index = CreatorIndex::open_existing(index_path)?;
    let state = AppState::new(&config, index)?;
    let settings = state.settings().clone();
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| crate::Error::io(format!("cannot bind server.addr {}", settings.addr), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| crate::Error::io("reading the bound address", e))?;
    if !addr.ip().is_loopback() && settings.token.is_none() {
        tracing::warn!(
            %addr,
            "serving on a non-loopback address without a token: anyone who can reach it can search"
        );
    }
    let (docs, generation) = state
        .index_status()
        .await
        .map_err(|e| crate::Error::Other(e.detail()))?;
    eprintln!(
        "scout: serving {} creators (index {}, generation {generation}) on http://{addr}/{}",
        docs,
        index_path.display(),
        if settings.token.is_some() {
            " (token required)"
        } else {
            ""
        }
    );
    serve_listener(
        listener,
        router(state),
        settings.header_timeout,
        shutdown_signal(),
    )
    .await
    .map_err(|e| crate::Error::io(format!("serving on {addr}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slow_requests_time_out_with_json() {
        use tower::ServiceExt;
        let dir = tempfile::tempdir().unwrap();
        let index = CreatorIndex::open_or_create(dir.path()).unwrap();
        let mut config = Config::default();
        config.server.request_timeout_secs = 0.2;
        let state = AppState::new(&config, index).unwrap();
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "late"
                }),
            )
            .layer(from_fn_with_state(state.clone(), limits::timeout))
            .with_state(state);
        let req = axum::http::Request::get("/slow")
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = tokio::time::timeout(Duration::from_secs(10), app.oneshot(req))
            .await
            .expect("answered long before the handler would")
            .unwrap();
        assert_eq!(resp.status(), 503);
        let body = axum::body::to_bytes(resp.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"], "timeout");
    }
}
