//! Per-request limits as middleware: URI length, request body size, and the request timeout,
//! each answered with the usual JSON error. (The header-read timeout and the header size cap
//! live in the connection loop, `listen.rs`, because they act before a request exists.)

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::AppError;

/// Longest request URI (path + query) accepted. Generous for any real search (the query
/// text itself is capped at 1,000 bytes by the filters), small enough to stay cheap.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Every route is a GET; a body is never read, so a large one is refused up front.
pub const MAX_BODY_BYTES: u64 = 16 * 1024;

/// URI and body caps, plus `X-Content-Type-Options: nosniff` on every answer.
pub(crate) async fn guard(req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let mut resp = if uri_len > MAX_URI_BYTES {
        AppError::UriTooLong(MAX_URI_BYTES).into_response()
    } else if content_length(&req).is_some_and(|n| n > MAX_BODY_BYTES) {
        AppError::PayloadTooLarge(MAX_BODY_BYTES).into_response()
    } else {
        next.run(req).await
    };
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn content_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Answer 503 `timeout` when the handler takes longer than `server.request_timeout_secs`.
/// A search already running on the blocking pool finishes in the background and keeps its
/// search slot until then, so timed-out requests cannot pile up unbounded work.
pub(crate) async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.request_timeout();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => AppError::Timeout(round_secs(limit)).into_response(),
    }
}

fn round_secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
