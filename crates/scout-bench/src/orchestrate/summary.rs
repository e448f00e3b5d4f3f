//! The summary of `scout-bench all`: the agreed top-level keys of `results.json` and the
//! table printed at the end.

use serde_json::{Value, json};

use super::AllOptions;
use crate::stats::{self, fmt_opt};

fn s<T: ToString>(x: T) -> String {
    x.to_string()
}

fn median_of(runs: &[Value], path: &[&str]) -> Option<f64> {
    let xs: Vec<f64> = runs.iter().filter_map(|r| f(r, path)).collect();
    stats::median(&xs)
}

fn f(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_f64()
}

/// The agreed top-level keys (null when a phase was skipped), ratios, and every detail.
pub(super) fn summarise(o: &AllOptions, largest: u64, machine: Value, d: &Value) -> Value {
    let empty = vec![];
    // Runs that were skipped (a source not built yet) carry no throughput or memory figure.
    let crawls: Vec<Value> = d["crawl_runs"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|c| c["skipped"].is_null())
        .cloned()
        .collect();
    let crawls = &crawls;
    let scrapies = d["scrapy_runs"].as_array().unwrap_or(&empty);
    let crawl_pps = median_of(crawls, &["pages_per_s"]);
    let scrapy_pps = median_of(scrapies, &["pages_per_s"]);
    let search = &d["search"][s(largest)];
    let fts5 = &d["fts5"];
    let search_p99 = f(search, &["latency", "p99_ms"]);
    let fts5_p99 = f(fts5, &["latency", "p99_ms"]);
    let ratio = |a: Option<f64>, b: Option<f64>| {
        a.zip(b)
            .filter(|(_, b)| *b > 0.0)
            .map(|(a, b)| stats::round3(a / b))
    };
    json!({
        "creators": largest,
        "crawl_creators": o.crawl_creators,
        "crawl_pages_per_s": crawl_pps,
        "crawl_mb_per_s": median_of(crawls, &["mb_per_s"]),
        "scrapy_pages_per_s": scrapy_pps,
        "crawl_vs_scrapy": ratio(crawl_pps, scrapy_pps),
        "rate_fidelity": f(&d["rate"], &["fidelity", "fidelity"]),
        "rate_violations": d["rate"]["fidelity"]["violations"].as_u64(),
        "index_creators_per_s": f(&d["index"][s(largest)], &["creators_per_s"]),
        "index_bytes_per_creator": f(&d["index"][s(largest)], &["bytes_per_creator"]),
        "index_commit_secs": f(&d["index"][s(largest)], &["commit_secs"]),
        "search_p50_ms": f(search, &["latency", "p50_ms"]),
        "search_p95_ms": f(search, &["latency", "p95_ms"]),
        "search_p99_ms": search_p99,
        // The first query of each niche after a commit (synonym clauses evaluated, not cached).
        "search_cold_p99_ms": f(search, &["cold", "other_queries", "p99_ms"]),
        "fts5_p50_ms": f(fts5, &["latency", "p50_ms"]),
        "fts5_p99_ms": fts5_p99,
        "fts5_p99_vs_search_p99": ratio(fts5_p99, search_p99),
        // Result cache off (what the ranker sustains), then the default server (cache on).
        "http_searches_per_s": f(&d["http"], &["requests_per_s"]),
        "http_p99_ms": f(&d["http"], &["p99_ms"]),
        "http_cache_on_searches_per_s": f(&d["http"], &["cache_on", "requests_per_s"]),
        "http_cache_on_p99_ms": f(&d["http"], &["cache_on", "p99_ms"]),
        "http_distinct_queries": d["http"]["distinct_queries"].as_u64(),
        // Plain BM25 on the same index, requests and wrk (bio and posts, records from the
        // store; and the lean one: posts, records in memory).
        "http_floor_searches_per_s": f(&d["http_floor"], &["requests_per_s"]),
        "http_floor_p99_ms": f(&d["http_floor"], &["p99_ms"]),
        "http_floor_lean_searches_per_s": f(&d["http_floor_lean"], &["requests_per_s"]),
        // Plain BM25 over scout's retrieval fields, records in memory; and scout itself with
        // 20 candidates, cache off: the retrieval alone, and the ranker at its cheapest.
        "http_floor_scout_fields_searches_per_s": f(&d["http_floor_scout_fields"], &["requests_per_s"]),
        "http_fewest_candidates_searches_per_s": f(&d["http_fewest_candidates"], &["requests_per_s"]),
        "serve_peak_rss_mb": f(&d["http"], &["cache_on", "serve_peak_rss_mb"]),
        "crawl_peak_rss_mb": median_of(crawls, &["peak_rss_mb"]),
        "ranking_ndcg10": f(&d["ranking"], &["ranking_ndcg10"]),
        "ranking_bm25_ndcg10": f(&d["ranking"], &["ranking_bm25_ndcg10"]),
        "fit_ndcg10": f(&d["ranking"], &["fit_ndcg10"]),
        "fit_bm25_ndcg10": f(&d["ranking"], &["fit_bm25_ndcg10"]),
        "frontier_1m_peak_rss_mb": f(&d["frontier"], &["peak_rss_mb"]),
        "quick": o.quick,
        "runs": o.runs,
        "machine": machine,
        "details": d,
    })
}

pub(super) fn print_summary(r: &Value) {
    let g = |k: &str| r.get(k).and_then(Value::as_f64);
    let skip_note = |path: &[&str]| -> String {
        let mut cur = &r["details"];
        for p in path {
            cur = &cur[*p];
        }
        cur.get("skipped")
            .and_then(Value::as_str)
            .map(|s| format!("skipped: {s}"))
            .unwrap_or_default()
    };
    let first_crawl_skip = r["details"]["crawl_runs"]
        .get(0)
        .and_then(|c| c.get("skipped"))
        .and_then(Value::as_str)
        .map(|s| format!("skipped: {s}"))
        .unwrap_or_default();
    let rows: Vec<(String, String, String)> = vec![
        (
            s("crawl + extract pages/s"),
            fmt_opt(g("crawl_pages_per_s"), 0),
            if first_crawl_skip.is_empty() {
                s("target ≥ 2,000 and ≥ 20× Scrapy")
            } else {
                first_crawl_skip
            },
        ),
        (
            s("Scrapy pages/s"),
            fmt_opt(g("scrapy_pages_per_s"), 0),
            format!("ratio {}", fmt_opt(g("crawl_vs_scrapy"), 2)),
        ),
        (
            s("rate fidelity"),
            fmt_opt(g("rate_fidelity"), 3),
            s("target ≥ 0.95"),
        ),
        (
            s("rate violations"),
            fmt_opt(g("rate_violations"), 0),
            s("target 0"),
        ),
        (
            s("index creators/s"),
            fmt_opt(g("index_creators_per_s"), 0),
            format!("{} bytes/creator", fmt_opt(g("index_bytes_per_creator"), 0)),
        ),
        (
            s("search p50 ms"),
            fmt_opt(g("search_p50_ms"), 2),
            String::new(),
        ),
        (
            s("search p99 ms"),
            fmt_opt(g("search_p99_ms"), 2),
            s("target < 5 ms"),
        ),
        (
            s("search cold p99 ms"),
            fmt_opt(g("search_cold_p99_ms"), 2),
            s("first query per niche after a commit"),
        ),
        (
            s("FTS5 p50 ms"),
            fmt_opt(g("fts5_p50_ms"), 2),
            skip_note(&["fts5"]),
        ),
        (
            s("FTS5 p99 ms"),
            fmt_opt(g("fts5_p99_ms"), 2),
            format!(
                "FTS5/scout p99 {} (target ≥ 10)",
                fmt_opt(g("fts5_p99_vs_search_p99"), 2)
            ),
        ),
        (
            s("HTTP searches/s, cache off"),
            fmt_opt(g("http_searches_per_s"), 0),
            {
                let n = skip_note(&["http"]);
                if n.is_empty() {
                    s("target ≥ 5,000")
                } else {
                    n
                }
            },
        ),
        (
            s("HTTP p99 ms"),
            fmt_opt(g("http_p99_ms"), 2),
            format!(
                "result cache off; {} distinct queries",
                fmt_opt(g("http_distinct_queries"), 0)
            ),
        ),
        (
            s("HTTP searches/s, cache on"),
            fmt_opt(g("http_cache_on_searches_per_s"), 0),
            format!("p99 {} ms", fmt_opt(g("http_cache_on_p99_ms"), 2)),
        ),
        (
            s("HTTP floor searches/s"),
            fmt_opt(g("http_floor_searches_per_s"), 0),
            format!(
                "plain BM25 (bio, posts), same wrk; p99 {} ms; posts only, records in memory: {}/s",
                fmt_opt(g("http_floor_p99_ms"), 2),
                fmt_opt(g("http_floor_lean_searches_per_s"), 0)
            ),
        ),
        (
            s("HTTP floor, scout's fields"),
            fmt_opt(g("http_floor_scout_fields_searches_per_s"), 0),
            format!(
                "plain BM25 over the 11 fields scout retrieves from, records in memory; scout with 20 candidates: {}/s",
                fmt_opt(g("http_fewest_candidates_searches_per_s"), 0)
            ),
        ),
        (
            s("serve peak RSS MiB"),
            fmt_opt(g("serve_peak_rss_mb"), 0),
            String::new(),
        ),
        (
            s("crawl peak RSS MiB"),
            fmt_opt(g("crawl_peak_rss_mb"), 0),
            s("target < 2048 at 100k creators"),
        ),
        (
            s("ranking NDCG@10 (niche / fit)"),
            format!(
                "{} / {}",
                fmt_opt(g("ranking_ndcg10"), 3),
                fmt_opt(g("fit_ndcg10"), 3)
            ),
            format!(
                "BM25 {} / {}; target ≥ 0.90 / 0.85",
                fmt_opt(g("ranking_bm25_ndcg10"), 3),
                fmt_opt(g("fit_bm25_ndcg10"), 3)
            ),
        ),
        (
            s("frontier 1M URLs peak RSS MiB"),
            fmt_opt(g("frontier_1m_peak_rss_mb"), 0),
            String::new(),
        ),
    ];
    stats::print_table(
        &format!("scout benchmarks ({} creators indexed)", r["creators"]),
        &rows,
    );
}
