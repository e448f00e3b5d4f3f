//! The HTTP endpoint over a real loopback socket (and a few cases through `oneshot`): every
//! route, every bad-input case as a JSON 4xx, the token, CORS, limits, metrics, the OpenAPI
//! document, and a commit by another index handle showing up in `/health` and in search.

mod cache;
pub mod http;
mod robustness;
pub mod world;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use scout::config::Config;
use scout::index::CreatorIndex;
use scout::rank::filters::FILTERS;
use scout::server::{AppState, router};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use self::http::{Answer, raw_get, raw_request};
use self::world::{NEWCOMER, TestServer, WORLD, build_world, id_of, start, write_samples};
use crate::common;

async fn world_server(config: &Config) -> (tempfile::TempDir, TestServer) {
    let dir = common::tempdir();
    build_world(dir.path());
    let server = start(config, dir.path()).await;
    (dir, server)
}

/// A JSON error: the status, `error` code and a `detail` mentioning `needle`.
#[track_caller]
fn assert_error(a: &Answer, status: u16, code: &str, needle: &str) {
    assert_eq!(a.status, status, "body: {}", a.body);
    assert!(
        a.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        a.headers
    );
    let v = a.json();
    assert_eq!(v["error"], code, "{v}");
    let detail = v["detail"].as_str().expect("detail is a string");
    assert!(
        detail.contains(needle),
        "detail {detail:?} lacks {needle:?}"
    );
}

fn handles(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["handle"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_route_answers() {
    let (_dir, srv) = world_server(&Config::default()).await;
    let a = srv.addr;

    let s = raw_get(a, "/v1/search?q=vegan+skincare&explain=true", &[]).await;
    assert_eq!(s.status, 200, "{}", s.body);
    let v = s.json();
    assert_eq!(v["query"], "vegan skincare");
    let found = handles(&v);
    assert!(v["total"].as_u64().unwrap() >= 3, "{v}");
    assert!(found.contains(&"mayaglow".to_string()), "{found:?}");
    assert!(!found.contains(&"beanthere".to_string()), "{found:?}");
    assert!(v["results"][0]["explain"].is_object());
    assert!(v["results"][0]["score"].is_number());

    // Repeated parameters and the filters narrow the search.
    let s = raw_get(a, "/v1/search?q=vegan&tier=nano&tier=micro&lang=en", &[]).await;
    assert_eq!(s.status, 200, "{}", s.body);
    let mut got = handles(&s.json());
    got.sort();
    assert_eq!(got, vec!["mayaglow", "priyacooks"]);
    let s = raw_get(
        a,
        "/v1/search?q=vegan&has_email=true&min_followers=100000",
        &[],
    )
    .await;
    assert_eq!(handles(&s.json()), vec!["jonas.kocht"]);

    let id = id_of("mayaglow");
    let c = raw_get(a, &format!("/v1/creators/{id}"), &[]).await;
    assert_eq!(c.status, 200, "{}", c.body);
    let rec = c.json();
    assert_eq!(rec["handle"], "mayaglow");
    assert_eq!(rec["tier"], "micro");
    assert!(
        rec.get("score").is_none(),
        "score is for search results only"
    );
    // A percent-encoded profile URL works as the id too.
    let c = raw_get(
        a,
        "/v1/creators/https%3A%2F%2Fsocial.example.org%2F%40mayaglow",
        &[],
    )
    .await;
    assert_eq!(c.json()["id"], id.as_str());

    let nf = raw_get(a, "/v1/creators/0000000000000000", &[]).await;
    assert_error(&nf, 404, "not_found", "0000000000000000");

    let sim = raw_get(a, &format!("/v1/creators/{id}/similar?limit=3"), &[]).await;
    assert_eq!(sim.status, 200, "{}", sim.body);
    let sv = sim.json();
    let similar = handles(&sv);
    assert!(similar.len() <= 3);
    assert!(
        !similar.contains(&"mayaglow".to_string()),
        "excludes itself"
    );
    assert!(similar.contains(&"lucia.piel".to_string()), "{similar:?}");
    let sim = raw_get(a, "/v1/creators/nobody/similar", &[]).await;
    assert_error(&sim, 404, "not_found", "nobody");

    let h = raw_get(a, "/health", &[]).await;
    assert_eq!(h.status, 200);
    let hv = h.json();
    assert_eq!(hv["status"], "ok");
    assert_eq!(hv["docs"], WORLD.len() as u64);
    assert_eq!(hv["generation"], 1);

    let m = raw_get(a, "/metrics", &[]).await;
    assert_eq!(m.status, 200);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    assert!(m.body.contains("scout_index_docs 6"), "{}", m.body);

    let o = raw_get(a, "/openapi.json", &[]).await;
    assert_eq!(o.json()["openapi"], "3.0.3");

    let p = raw_get(a, "/", &[]).await;
    assert_eq!(p.status, 200);
    assert!(p.header("content-type").unwrap().starts_with("text/html"));
    assert!(p.header("content-security-policy").is_some());
    assert!(p.body.contains("id=\"q\"") && p.body.contains("page.js"));
    for (asset, ctype) in [("/page.js", "text/javascript"), ("/page.css", "text/css")] {
        let r = raw_get(a, asset, &[]).await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with(ctype));
        assert!(r.body.len() > 1000);
    }

    let csv = raw_get(a, "/v1/search.csv?q=vegan+skincare&limit=2", &[]).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let mut rdr = csv::Reader::from_reader(csv.body.as_bytes());
    assert!(rdr.headers().unwrap().iter().any(|h| h == "profile_url"));
    assert_eq!(rdr.records().count(), 2);

    let nf = raw_get(a, "/v2/nothing", &[]).await;
    assert_error(&nf, 404, "not_found", "no such route");
    let post = raw_request(a, "POST", "/v1/search?q=vegan", &[("Content-Length", "0")]).await;
    assert_error(&post, 405, "method_not_allowed", "GET");
    assert!(post.header("allow").is_some_and(|v| v.contains("GET")));
}

/// Query text has no syntax: what would break a query parser is just words here, answered
/// 200 (user text becomes term queries per field, never tantivy's QueryParser).
#[tokio::test]
async fn token_is_required_on_every_route_when_set() {
    let mut config = Config::default();
    config.server.token = Some("s3cret-token".into());
    let (_dir, srv) = world_server(&config).await;
    for path in [
        "/health",
        "/v1/search?q=vegan",
        "/metrics",
        "/openapi.json",
        "/",
        "/nope",
    ] {
        let r = raw_get(srv.addr, path, &[]).await;
        assert_error(&r, 401, "unauthorized", "Bearer");
        let challenges: Vec<&str> = r
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
            .map(|(_, v)| v.as_str())
            .collect();
        assert!(challenges.iter().any(|c| c.starts_with("Bearer")), "{path}");
        let wrong = raw_get(srv.addr, path, &[("Authorization", "Bearer s3cret-tokeN")]).await;
        assert_eq!(wrong.status, 401, "{path}");
    }
    let ok = raw_get(
        srv.addr,
        "/health",
        &[("Authorization", "Bearer s3cret-token")],
    )
    .await;
    assert_eq!(ok.status, 200);
    // Basic with any user and the token as password: what a browser sends after its prompt.
    // "me:s3cret-token"
    let basic = raw_get(
        srv.addr,
        "/v1/search?q=vegan",
        &[("Authorization", "Basic bWU6czNjcmV0LXRva2Vu")],
    )
    .await;
    assert_eq!(basic.status, 200, "{}", basic.body);
    let spec = raw_get(
        srv.addr,
        "/openapi.json",
        &[("Authorization", "Bearer s3cret-token")],
    )
    .await;
    assert!(spec.json()["security"].is_array());
}

#[tokio::test]
async fn cors_is_off_by_default_and_on_for_listed_origins() {
    let (_dir, srv) = world_server(&Config::default()).await;
    let origin = [("Origin", "http://127.0.0.1:9999")];
    let r = raw_get(srv.addr, "/v1/search?q=vegan", &origin).await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .iter()
            .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-")),
        "{:?}",
        r.headers
    );
    let pre = raw_request(
        srv.addr,
        "OPTIONS",
        "/v1/search",
        &[origin[0], ("Access-Control-Request-Method", "GET")],
    )
    .await;
    assert!(pre.header("access-control-allow-origin").is_none());

    let mut config = Config::default();
    config.server.cors_origins = vec!["http://127.0.0.1:9999".into()];
    config.server.token = Some("t0ken".into());
    let (_dir2, srv) = world_server(&config).await;
    let r = raw_get(
        srv.addr,
        "/v1/search?q=vegan",
        &[origin[0], ("Authorization", "Bearer t0ken")],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:9999")
    );
    let other = raw_get(
        srv.addr,
        "/v1/search?q=vegan",
        &[
            ("Origin", "http://127.0.0.2:1"),
            ("Authorization", "Bearer t0ken"),
        ],
    )
    .await;
    assert!(other.header("access-control-allow-origin").is_none());
    // The preflight carries no token and must still succeed.
    let pre = raw_request(
        srv.addr,
        "OPTIONS",
        "/v1/search",
        &[
            origin[0],
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    )
    .await;
    assert!(pre.status < 300, "{} {}", pre.status, pre.body);
    assert!(
        pre.header("access-control-allow-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("authorization"))
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let (_dir, srv) = world_server(&Config::default()).await;
    for _ in 0..3 {
        raw_get(srv.addr, "/v1/search?q=vegan", &[]).await;
    }
    raw_get(srv.addr, "/v1/search?limit=0", &[]).await;
    raw_get(
        srv.addr,
        &format!("/v1/creators/{}", id_of("beanthere")),
        &[],
    )
    .await;
    raw_get(srv.addr, "/random/probe/1", &[]).await;
    raw_get(srv.addr, "/random/probe/2", &[]).await;
    let m = raw_get(srv.addr, "/metrics", &[]).await.body;
    for line in [
        "# TYPE scout_http_requests_total counter",
        "scout_http_requests_total{route=\"/v1/search\",status=\"200\"} 3",
        "scout_http_requests_total{route=\"/v1/search\",status=\"400\"} 1",
        "scout_http_requests_total{route=\"/v1/creators/{id}\",status=\"200\"} 1",
        "scout_http_requests_total{route=\"unmatched\",status=\"404\"} 2",
        "# TYPE scout_http_request_duration_seconds histogram",
        "scout_http_request_duration_seconds_count{route=\"/v1/search\"} 4",
        "scout_http_request_duration_seconds_bucket{route=\"/v1/search\",le=\"+Inf\"} 4",
        "scout_index_docs 6",
        "scout_index_generation 1",
    ] {
        assert!(m.contains(line), "missing {line:?} in\n{m}");
    }
    assert!(
        !m.contains("/random/probe"),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn openapi_lists_every_path_and_filter() {
    let (_dir, srv) = world_server(&Config::default()).await;
    let doc = raw_get(srv.addr, "/openapi.json", &[]).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/search",
        "/v1/creators/{id}",
        "/v1/creators/{id}/similar",
        "/health",
        "/metrics",
        "/openapi.json",
        "/",
    ] {
        assert!(paths[p]["get"]["responses"]["200"].is_object(), "{p}");
    }
    let names: Vec<&str> = doc["paths"]["/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"q"));
    for (f, _) in FILTERS {
        assert!(names.contains(f), "filter {f} not in the OpenAPI document");
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
}

/// A crawl in another process commits while the server runs: `/health` reports the new
/// generation and search sees the new creator, without a restart.
#[tokio::test]
async fn a_commit_by_another_writer_is_picked_up() {
    let (dir, srv) = world_server(&Config::default()).await;
    let before = raw_get(srv.addr, "/health", &[]).await.json();
    assert_eq!(before["generation"], 1);

    let other = CreatorIndex::open_existing(dir.path()).unwrap();
    write_samples(&other, &[&NEWCOMER]);

    let deadline = Instant::now() + Duration::from_secs(20);
    let health = loop {
        let h = raw_get(srv.addr, "/health", &[]).await.json();
        if h["generation"] == 2 || Instant::now() > deadline {
            break h;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(health["generation"], 2, "{health}");
    assert_eq!(health["docs"], WORLD.len() as u64 + 1);
    let s = raw_get(srv.addr, "/v1/search?q=oat+milk", &[]).await.json();
    assert!(handles(&s).contains(&"oatmilkoli".to_string()), "{s}");
    let m = raw_get(srv.addr, "/metrics", &[]).await.body;
    assert!(m.contains("scout_index_generation 2"));
}

/// Random hostile query strings: whatever arrives, the answer is never a 5xx.
/// The router alone, without a socket.
#[tokio::test]
async fn router_works_through_oneshot() {
    let dir = common::tempdir();
    build_world(dir.path());
    let index = CreatorIndex::open_existing(dir.path()).unwrap();
    let app = router(AppState::new(&Config::default(), index).unwrap());
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();

    let resp = app
        .clone()
        .oneshot(get("/v1/search?q=coffee"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(handles(&v), vec!["beanthere"]);

    let resp = app.oneshot(get("/v1/search?offset=99999")).await.unwrap();
    assert_eq!(resp.status(), 400);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert!(v["detail"].as_str().unwrap().contains("offset"));
}

#[test]
fn bad_server_config_is_refused_naming_the_key() {
    let dir = common::tempdir();
    build_world(dir.path());
    let mut config = Config::default();
    config.server.cors_origins = vec!["not an origin".into()];
    let index = CreatorIndex::open_existing(dir.path()).unwrap();
    let err = AppState::new(&config, index).err().expect("refused");
    assert!(err.to_string().contains("server.cors_origins"), "{err}");
    assert_eq!(err.exit_code(), 2);
}

/// The real binary: `scout serve --addr --token` binds, prints where, requires the token, and
/// stops cleanly (exit 0) on SIGTERM; a bad address or a missing index exits 2.
#[tokio::test]
async fn scout_serve_binary_runs_and_stops_on_sigterm() {
    use tokio::io::AsyncBufReadExt;
    let dir = common::tempdir();
    build_world(dir.path());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("SCOUT_TOKEN", "from-env")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let banner = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("serve prints where it listens")
        .unwrap()
        .unwrap_or_default();
    assert!(
        banner.contains("6 creators") && banner.contains("token required"),
        "{banner}"
    );
    let addr: std::net::SocketAddr = banner
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no address in {banner:?}"));
    assert_eq!(raw_get(addr, "/health", &[]).await.status, 401);
    let ok = raw_get(addr, "/health", &[("Authorization", "Bearer from-env")]).await;
    assert_eq!(ok.status, 200);

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("serve stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");

    for (args, needle) in [
        (vec!["serve", "--addr", "nonsense"], "server.addr"),
        (
            vec!["--index", "/nonexistent/scout-index", "serve"],
            "no index",
        ),
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_scout"));
        if args[0] != "--index" {
            cmd.arg("--index").arg(dir.path());
        }
        let out = cmd.args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
