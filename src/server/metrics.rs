//! `/metrics`: request counts by route and status, a latency histogram per route, and the
//! index's size and generation, in the Prometheus text exposition format (hand-written: a
//! few counters do not justify a metrics framework).
//!
//! Routes are labelled by their pattern (`/v1/creators/{id}`), never by the raw path, so a
//! scanner probing random URLs adds one `unmatched` series, not thousands.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

/// Upper bounds (seconds) of the latency buckets.
pub(crate) const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Cumulative counts are computed at render time; these are per-bucket.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    counters: Mutex<Counters>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            counters: Mutex::default(),
        }
    }
}

impl Metrics {
    pub fn record(&self, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        *c.requests.entry((route.to_string(), status)).or_default() += 1;
        let h = c.latency.entry(route.to_string()).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The exposition text, with the index gauges read by the caller.
    pub fn render(&self, docs: u64, generation: u64) -> String {
        let c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str(
            "# HELP scout_http_requests_total HTTP requests answered, by route pattern and status.\n\
             # TYPE scout_http_requests_total counter\n",
        );
        for ((route, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "scout_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP scout_http_request_duration_seconds Time to answer, by route pattern.\n\
             # TYPE scout_http_request_duration_seconds histogram\n",
        );
        for (route, h) in &c.latency {
            let r = escape(route);
            let mut cumulative = 0;
            for (le, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "scout_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "scout_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "scout_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "scout_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.count
            );
        }
        let _ = write!(
            out,
            "# HELP scout_index_docs Creators searchable in the served index.\n\
             # TYPE scout_index_docs gauge\n\
             scout_index_docs {docs}\n\
             # HELP scout_index_generation Generation of the latest index commit.\n\
             # TYPE scout_index_generation gauge\n\
             scout_index_generation {generation}\n\
             # HELP scout_uptime_seconds Seconds since the server started.\n\
             # TYPE scout_uptime_seconds gauge\n\
             scout_uptime_seconds {:.3}\n",
            self.started.elapsed().as_secs_f64()
        );
        out
    }
}

/// Label values escape `\`, `"` and newlines.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: time every request and count it under its route pattern.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let start = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics()
        .record(&route, resp.status().as_u16(), start.elapsed());
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_counters_buckets_and_gauges() {
        let m = Metrics::default();
        m.record("/v1/search", 200, Duration::from_millis(3));
        m.record("/v1/search", 200, Duration::from_millis(30));
        m.record("/v1/search", 400, Duration::from_micros(10));
        let text = m.render(7, 3);
        assert!(text.contains("scout_http_requests_total{route=\"/v1/search\",status=\"200\"} 2"));
        assert!(text.contains("scout_http_requests_total{route=\"/v1/search\",status=\"400\"} 1"));
        assert!(text.contains(
            "scout_http_request_duration_seconds_bucket{route=\"/v1/search\",le=\"0.005\"} 2"
        ));
        assert!(text.contains(
            "scout_http_request_duration_seconds_bucket{route=\"/v1/search\",le=\"+Inf\"} 3"
        ));
        assert!(text.contains("scout_http_request_duration_seconds_count{route=\"/v1/search\"} 3"));
        assert!(text.contains("scout_index_docs 7\n"));
        assert!(text.contains("scout_index_generation 3\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
