//! The handlers. Each parses its input completely (bad input → 400 naming it) before any
//! index work, and runs tantivy (blocking I/O and CPU) on the blocking pool.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::AppError;
use super::{AppState, query};
use crate::model::CreatorRecord;
use crate::rank::SearchRequest;
use crate::rank::csv_rows::{CSV_HEADER, csv_row};

/// Lookalikes returned when `limit` is not given.
pub(super) const DEFAULT_SIMILAR_LIMIT: usize = 10;
pub(super) const MAX_SIMILAR_LIMIT: usize = 200;
/// Ids are 16 hex digits; profile URLs and handles given instead stay well below this.
pub(super) const MAX_ID_CHARS: usize = 512;

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");
const CAMPAIGNS_JS: &str = include_str!("campaigns.js");

/// The page loads only its own script and style and talks only to this server.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

fn search_request(raw: Option<&str>) -> Result<SearchRequest, AppError> {
    let pairs = query::parse_pairs(raw)?;
    Ok(SearchRequest::from_pairs(
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    )?)
}

/// A search answered as JSON, from the result cache when the same query string was answered
/// on the same index generation moments ago (see `result_cache`). The JSON is written on the
/// blocking pool with the search, so the async workers only move bytes.
pub(super) async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let req = search_request(raw.as_deref())?;
    let cache = &state.0.results;
    let key = raw.unwrap_or_default();
    let generation = cache
        .enabled()
        .then(|| state.index().searcher().generation().generation_id());
    if let Some(g) = generation
        && let Some(body) = cache.get(g, &key)
    {
        return Ok(json_body(body));
    }
    let body = state
        .search_task(move |s| {
            let resp = s.ranker.search(&s.index, &req)?;
            serde_json::to_vec(&resp)
                .map(bytes::Bytes::from)
                .map_err(|e| crate::Error::Other(format!("writing the search answer: {e}")))
        })
        .await?;
    if let Some(g) = generation {
        cache.put(g, &key, body.clone());
    }
    Ok(json_body(body))
}

fn json_body(body: bytes::Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The same search as a spreadsheet, with the CLI's `--csv` columns.
pub(super) async fn search_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let req = search_request(raw.as_deref())?;
    let resp = state
        .search_task(move |s| s.ranker.search(&s.index, &req))
        .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    w.write_record(CSV_HEADER).map_err(csv_err)?;
    for (i, r) in resp.results.iter().enumerate() {
        w.write_record(csv_row(i + 1, r)).map_err(csv_err)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"scout-shortlist.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    let Path(id) = path.map_err(|e| AppError::BadRequest(format!("invalid creator id: {e}")))?;
    if id.trim().is_empty() || id.chars().count() > MAX_ID_CHARS {
        return Err(AppError::BadRequest(format!(
            "invalid creator id: expected an id, a profile URL or a handle of 1 to {MAX_ID_CHARS} characters"
        )));
    }
    Ok(id)
}

fn no_params(raw: Option<&str>) -> Result<(), AppError> {
    match query::parse_pairs(raw)?.first() {
        Some((name, _)) => Err(AppError::BadRequest(format!(
            "unknown parameter `{}`; this route takes none",
            name.chars().take(60).collect::<String>()
        ))),
        None => Ok(()),
    }
}

fn unknown_creator(id: &str) -> AppError {
    AppError::NotFound(format!(
        "no creator {:?} in the index",
        id.chars().take(120).collect::<String>()
    ))
}

pub(super) async fn creator(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CreatorRecord>, AppError> {
    let id = path_id(path)?;
    no_params(raw.as_deref())?;
    let key = id.clone();
    let found = state.search_task(move |s| s.visible(&key)).await?;
    found.map(Json).ok_or_else(|| unknown_creator(&id))
}

#[derive(Serialize)]
pub(super) struct SimilarResponse {
    pub results: Vec<CreatorRecord>,
}

fn similar_limit(raw: Option<&str>) -> Result<usize, AppError> {
    let mut limit = DEFAULT_SIMILAR_LIMIT;
    for (name, value) in query::parse_pairs(raw)? {
        if name != "limit" {
            return Err(AppError::BadRequest(format!(
                "unknown parameter `{}`; known: limit",
                name.chars().take(60).collect::<String>()
            )));
        }
        limit = value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_SIMILAR_LIMIT).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "invalid `limit` = {:?}: expected a whole number from 1 to {MAX_SIMILAR_LIMIT}",
                    value.chars().take(60).collect::<String>()
                ))
            })?;
    }
    Ok(limit)
}

pub(super) async fn similar(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SimilarResponse>, AppError> {
    let id = path_id(path)?;
    let limit = similar_limit(raw.as_deref())?;
    let key = id.clone();
    let found = state
        .search_task(move |s| {
            if s.visible(&key)?.is_none() {
                return Ok(None);
            }
            s.ranker.similar(&s.index, &key, limit)
        })
        .await?;
    let results = found.ok_or_else(|| unknown_creator(&id))?;
    Ok(Json(SimilarResponse { results }))
}

pub(super) async fn campaigns(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, AppError> {
    no_params(raw.as_deref())?;
    let all = state
        .search_task(|s| crate::campaign::list(&s.campaigns_dir))
        .await?;
    Ok(Json(serde_json::json!({ "campaigns": all })))
}

pub(super) async fn campaign(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<crate::campaign::Report>, AppError> {
    let Path(name) =
        path.map_err(|e| AppError::BadRequest(format!("invalid campaign name: {e}")))?;
    no_params(raw.as_deref())?;
    crate::campaign::validate_name(&name)?;
    let key = name.clone();
    let found = state
        .search_task(move |s| {
            crate::campaign::report_named(&s.campaigns_dir, &key, s.overexposure_share, |k| {
                s.index.get(k).ok().flatten().map(|c| c.record.profile_url)
            })
        })
        .await?;
    found
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no campaign {name:?}; see /v1/campaigns")))
}

pub(super) async fn health(State(state): State<AppState>) -> Result<Response, AppError> {
    let (docs, generation) = state.index_status().await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "docs": docs,
        "generation": generation,
    }))
    .into_response())
}

pub(super) async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let (docs, generation) = state.index_status().await?;
    let mut text = state.metrics().render(docs, generation);
    let (hits, misses) = state.0.results.counts();
    text.push_str(&format!(
        "# HELP scout_search_cache_hits_total /v1/search answers served from the result cache.\n\
         # TYPE scout_search_cache_hits_total counter\n\
         scout_search_cache_hits_total {hits}\n\
         # HELP scout_search_cache_misses_total /v1/search answers computed (cache on).\n\
         # TYPE scout_search_cache_misses_total counter\n\
         scout_search_cache_misses_total {misses}\n"
    ));
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

pub(super) async fn openapi(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.openapi().clone())
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut resp = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// `GET /`: the search page (its query string is read by the page's script, not here).
pub(super) async fn page() -> Response {
    asset(PAGE_HTML, "text/html; charset=utf-8")
}

pub(super) async fn page_css() -> Response {
    asset(PAGE_CSS, "text/css; charset=utf-8")
}

pub(super) async fn page_js() -> Response {
    asset(PAGE_JS, "text/javascript; charset=utf-8")
}

pub(super) async fn campaigns_js() -> Response {
    asset(CAMPAIGNS_JS, "text/javascript; charset=utf-8")
}

pub(super) async fn not_found() -> AppError {
    AppError::NotFound("no such route; see /openapi.json (search: /v1/search?q=...)".into())
}

pub(super) async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
