//! Reproducible benchmarks: a synthetic creator world served on loopback, and the harness
//! that measures scout against it — crawl + extract throughput, rate-limit fidelity,
//! extraction cost per signal, index build, search latency, HTTP throughput and memory — next
//! to Scrapy and SQLite FTS5 on the same corpus (see `BENCHMARKS.md` and `benches/run.sh`).
//!
//! - [`world`] generates creators, posts and comments from `(seed, index)`; [`render`] turns
//!   them into schema.org pages and Mastodon API JSON, [`render_bsky`] into the Bluesky
//!   AppView's XRPC answers; [`server`] serves them, one listener per loopback host, and logs
//!   arrival times for rate fidelity.
//! - One module per benchmark (`*_bench`), each returning its figures as JSON.
//! - [`orchestrate`] runs them all as child processes (`scout-bench all`), with the peers
//!   ([`peers`]), and writes `target/bench/results.json`.
//!
//! Nothing here is used by the product: it is a package of its own in the workspace
//! (`publish = false`), so `scout` builds, tests and installs without it, while the bench
//! binary, the micro-benchmarks under `benches/` and this package's tests share one generator.

pub mod crawl_bench;
pub mod extract_bench;
pub mod http_bench;
pub mod http_floor;
pub mod index_bench;
pub mod lexicon;
pub mod memory_bench;
pub mod nightly_bench;
pub mod orchestrate;
pub mod peers;
pub mod procs;
pub mod queries;
pub mod query_mix;
pub mod rankworld;
pub mod render;
pub mod render_bsky;
pub mod rng;
pub mod search_bench;
pub mod server;
pub mod stats;
pub mod workers_bench;
pub mod world;

use serde_json::Value;

/// Print the scalar fields of a phase result as a two-column table.
pub fn print_flat(title: &str, v: &Value) {
    let mut rows = Vec::new();
    flatten("", v, &mut rows);
    stats::print_table(title, &rows);
}

fn flatten(prefix: &str, v: &Value, rows: &mut Vec<(String, String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, rows);
            }
        }
        Value::Array(a) if a.iter().all(Value::is_object) && !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), x, rows);
            }
        }
        Value::String(s) => rows.push((prefix.to_string(), clip(s), String::new())),
        other => rows.push((prefix.to_string(), clip(&other.to_string()), String::new())),
    }
}

/// Long values (problem lists) would stretch the table: keep the head.
fn clip(s: &str) -> String {
    const MAX: usize = 100;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
