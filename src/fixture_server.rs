//! A small static server for `fixtures/`, used by `scout demo` and the tests: the real crawler
//! crawls it over a real loopback socket.
//!
//! Mapping from a request to a file under the root:
//! - `GET /a/b` → `a/b`; a directory → its `index.json` if any, else its `index.html`.
//! - With a query, `GET /a/b?x=1` → the file literally named `a/b?x=1` (so recorded API calls
//!   such as `/api/v1/accounts/lookup?acct=anna` are plain files), else `a/b` ignoring the query.
//! - A sidecar `<file>.headers` adds response headers, one `Name: value` per line; a line
//!   `Status: 404` sets the status.
//! - In text bodies and headers `{{base}}` becomes this server's `http://127.0.0.1:PORT`, so
//!   fixtures can link to each other whatever port the server got.
//!
//! Content type: from the extension, else sniffed (JSON, XML feed, HTML).

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};

#[derive(Clone)]
struct Root {
    dir: Arc<PathBuf>,
    base: Arc<String>,
}

/// A running fixture server; dropping it does not stop it (it lives as long as the runtime).
#[derive(Debug, Clone)]
pub struct FixtureServer {
    pub addr: SocketAddr,
}

impl FixtureServer {
    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base(), path)
    }
}

/// Serve `dir` on `bind` (port 0 for any free port) in the current tokio runtime.
pub async fn serve(dir: impl Into<PathBuf>, bind: SocketAddr) -> std::io::Result<FixtureServer> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let root = Root {
        dir: Arc::new(dir.into()),
        base: Arc::new(format!("http://{addr}")),
    };
    let app = axum::Router::new().fallback(handle).with_state(root);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(FixtureServer { addr })
}

async fn handle(State(root): State<Root>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let if_none_match = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match tokio::task::spawn_blocking(move || respond(&root, &path, query.as_deref())).await {
        Ok(r) => conditional(r, if_none_match.as_deref()),
        Err(_) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "fixture server task failed",
        ),
    }
}

/// A 200 carries an ETag (a hash of its body); a request naming it gets 304 with no body,
/// as real servers answer a crawler's conditional GET.
fn conditional(resp: Response<Body>, if_none_match: Option<&str>) -> Response<Body> {
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let etag = resp
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match (etag, if_none_match) {
        (Some(tag), Some(inm)) if inm.split(',').any(|t| t.trim() == tag) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            if let Ok(v) = HeaderValue::try_from(tag) {
                r.headers_mut().insert("etag", v);
            }
            r
        }
        _ => resp,
    }
}

fn respond(root: &Root, path: &str, query: Option<&str>) -> Response<Body> {
    let Some(rel) = safe_relative(path) else {
        return plain(StatusCode::BAD_REQUEST, "bad path");
    };
    let mut candidates = Vec::new();
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        let decoded = percent_decode(q);
        candidates.push(root.dir.join(format!(
            "{}?{}",
            rel.display(),
            decoded.replace('/', "%2F")
        )));
    }
    candidates.push(root.dir.join(&rel));
    for mut file in candidates {
        if file.is_dir() {
            // `index.json` stands for an API resource that also has sub-paths
            // (`video-channels/NAME` beside `video-channels/NAME/videos`).
            let json = file.join("index.json");
            file = if json.is_file() {
                json
            } else {
                file.join("index.html")
            };
        }
        if !file.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "unreadable fixture");
        };
        return build(root, &file, bytes);
    }
    plain(StatusCode::NOT_FOUND, "no such fixture")
}

fn build(root: &Root, file: &Path, bytes: Vec<u8>) -> Response<Body> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name.split('?').next().unwrap_or(name);
    let ctype = content_type(stem, &bytes);
    let body = if ctype.starts_with("text/") || ctype.contains("json") || ctype.contains("xml") {
        match String::from_utf8(bytes) {
            Ok(s) => s.replace("{{base}}", &root.base).into_bytes(),
            Err(e) => e.into_bytes(),
        }
    } else {
        bytes
    };
    let etag = format!("\"{:016x}\"", crate::model::fnv1a64(&body));
    let mut resp = Response::new(Body::from(body));
    if let Ok(v) = HeaderValue::try_from(etag) {
        resp.headers_mut().insert("etag", v);
    }
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(ctype));
    let sidecar = file.with_file_name(format!("{name}.headers"));
    if let Ok(text) = std::fs::read_to_string(&sidecar) {
        for line in text.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim().replace("{{base}}", &root.base);
            if k.trim().eq_ignore_ascii_case("status") {
                if let Some(code) = v
                    .parse::<u16>()
                    .ok()
                    .and_then(|c| StatusCode::from_u16(c).ok())
                {
                    *resp.status_mut() = code;
                }
                continue;
            }
            if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.trim()), HeaderValue::try_from(v)) {
                resp.headers_mut().insert(k, v);
            }
        }
    }
    resp
}

fn content_type(name: &str, bytes: &[u8]) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("rss") => "application/rss+xml",
        Some("atom") => "application/atom+xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        _ => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]);
            let head = head.trim_start();
            if head.starts_with('{') || head.starts_with('[') {
                "application/json"
            } else if head.starts_with("<?xml")
                || head.starts_with("<rss")
                || head.starts_with("<feed")
            {
                "application/xml"
            } else {
                "text/html; charset=utf-8"
            }
        }
    }
}

/// Reject `..` and absolute components so a request cannot leave the root.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path);
    let mut out = PathBuf::new();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn plain(status: StatusCode, msg: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(msg));
    *r.status_mut() = status;
    r
}
