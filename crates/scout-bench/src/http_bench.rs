//! `/v1/search` throughput under `wrk`: starts `scout serve` on a benchmark index, checks it
//! answers, then lets wrk cycle through a seeded mix of distinct queries ([`query_mix`]: 1,200
//! by default) — once with the result cache off, once with the default configuration (cache
//! on) — and reports the server's peak RSS. Skips with a clear reason when `scout serve` is not
//! built yet or wrk is not installed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::query_mix;
use super::{procs, stats};

fn skipped(why: impl Into<String>) -> Value {
    json!({"skipped": why.into()})
}

/// wrk's Lua script: thread k walks the query list from offset 7,919·k (mod its length), so
/// the threads do not ask for the same queries at the same moment.
pub fn wrk_script(paths: &[String]) -> String {
    let lines: Vec<String> = paths.iter().map(|p| format!("  {:?},", p)).collect();
    format!(
        "local paths = {{\n{}\n}}\nlocal i = 0\nlocal threads = 0\nsetup = function(thread)\n  thread:set(\"start\", threads * 7919)\n  threads = threads + 1\nend\ninit = function(args)\n  i = (tonumber(start) or 0) % #paths\nend\nrequest = function()\n  i = (i % #paths) + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
        lines.join("\n")
    )
}

/// `12.5ms` / `830.00us` / `1.02s` → milliseconds.
fn duration_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(split);
    let x: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => x / 1000.0,
        "ms" => x,
        "s" => x * 1000.0,
        "m" => x * 60_000.0,
        _ => return None,
    })
}

/// Requests/s, latency percentiles and error counts from wrk's `--latency` output.
pub fn parse_wrk(out: &str) -> Value {
    let mut v = json!({});
    for line in out.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("Requests/sec:") {
            v["requests_per_s"] = json!(rest.trim().parse::<f64>().ok());
        } else if let Some(rest) = l.strip_prefix("Non-2xx or 3xx responses:") {
            v["non_2xx"] = json!(rest.trim().parse::<u64>().ok());
        } else if l.starts_with("Socket errors:") {
            v["socket_errors"] = json!(l);
        } else if let Some((pct, val)) = l.split_once('%')
            && let (Ok(p), Some(ms)) = (pct.trim().parse::<u32>(), duration_ms(val))
        {
            v[format!("p{p}_ms")] = json!(ms);
        }
    }
    v
}

/// How wrk drives a server: shared by `http` and `http-floor` (and their CLI flags).
#[derive(Debug, Clone, clap::Args)]
pub struct Wrk {
    #[arg(long, default_value_t = 10)]
    pub secs: u32,
    #[arg(long, default_value_t = 32)]
    pub connections: u32,
    /// Distinct queries wrk cycles through (seeded).
    #[arg(long, default_value_t = query_mix::DEFAULT_COUNT)]
    pub queries: usize,
    #[arg(long, default_value_t = query_mix::DEFAULT_SEED)]
    pub seed: u64,
    /// Where the wrk script and the server's stderr go.
    #[arg(long, default_value = "target/bench")]
    pub work: PathBuf,
}

/// What one HTTP benchmark run is given.
pub struct HttpOptions<'a> {
    /// The release `scout` binary.
    pub scout_bin: &'a Path,
    pub index_dir: &'a Path,
    pub wrk: &'a Wrk,
    /// Config keys given to `scout serve` as `--set KEY=VALUE` (both runs).
    pub sets: &'a [String],
    /// Also measure the default server (cache on) after the cache-off run.
    pub cache_on: bool,
}

/// Run the HTTP benchmark twice: result cache off, then the default server (cache on; left
/// out when `cache_on` is false). The top-level figures are the cache-off run's (what the
/// ranker sustains); `cache_on` beside.
pub fn run(o: &HttpOptions) -> Value {
    let paths = query_mix::http_paths(&query_mix::generate(o.wrk.queries, o.wrk.seed));
    let script = o.wrk.work.join("wrk_search.lua");
    if let Err(e) = std::fs::write(&script, wrk_script(&paths)) {
        return skipped(format!("cannot write {}: {e}", script.display()));
    }
    let mut extra: Vec<&str> = o
        .sets
        .iter()
        .flat_map(|kv| ["--set", kv.as_str()])
        .collect();
    let default_len = extra.len();
    extra.extend(["--set", "server.search_cache_mb=0"]);
    let mut off = serve_and_measure(o, &paths, &script, &extra);
    if off.get("skipped").is_some() {
        return off;
    }
    off["distinct_queries"] = json!(paths.len());
    if !o.sets.is_empty() {
        off["sets"] = json!(o.sets);
    }
    if o.cache_on {
        off["cache_on"] = serve_and_measure(o, &paths, &script, &extra[..default_len]);
    }
    off
}

fn serve_and_measure(o: &HttpOptions, paths: &[String], script: &Path, extra: &[&str]) -> Value {
    if !o.scout_bin.is_file() {
        return skipped(format!(
            "{} not found (build it first)",
            o.scout_bin.display()
        ));
    }
    let Ok(port) = procs::free_port() else {
        return skipped("no free loopback port");
    };
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let stderr_path = o.wrk.work.join("serve.stderr");
    let stderr = std::fs::File::create(&stderr_path)
        .map(Stdio::from)
        .unwrap_or(Stdio::null());
    let child = Command::new(o.scout_bin)
        .arg("--index")
        .arg(o.index_dir)
        .args(extra)
        .args(["serve", "--addr", &addr.to_string()])
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return skipped(format!("cannot start scout serve: {e}")),
    };
    let started = Instant::now();
    let ready = loop {
        if let Ok(Some(status)) = child.try_wait() {
            let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            let why = if err.contains("not built yet") {
                "not available: `scout serve` answers \"not built yet\"".to_string()
            } else {
                format!("scout serve exited ({status}): {}", err.trim())
            };
            return skipped(why);
        }
        if let Some((200, _)) = procs::http_get(addr, "/health", Duration::from_secs(2)) {
            break true;
        }
        if started.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut result = if !ready {
        skipped("scout serve did not answer /health within 60 s")
    } else {
        measure(addr, paths, script, o.wrk.secs, o.wrk.connections)
    };
    if result.get("skipped").is_none() {
        result["serve_peak_rss_mb"] = json!(stats::pid_status_mb(child.id(), "VmHWM"));
        result["serve_cpu_secs"] = json!(stats::cpu_secs_of_pid(child.id()));
        if let Some((200, body)) = procs::http_get(addr, "/metrics", Duration::from_secs(5)) {
            let counter = |name: &str| {
                body.lines()
                    .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
            };
            result["cache_hits"] = json!(counter("scout_search_cache_hits_total "));
            result["cache_misses"] = json!(counter("scout_search_cache_misses_total "));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    result
}

pub fn measure(
    addr: SocketAddr,
    paths: &[String],
    script: &Path,
    secs: u32,
    connections: u32,
) -> Value {
    let first = &paths[0];
    let body_bytes = match procs::http_get(addr, first, Duration::from_secs(10)) {
        Some((200, body)) if body.contains("\"results\"") => body.len(),
        other => {
            return skipped(format!(
                "GET {first} did not answer 200 with results: {:?}",
                other.map(|(s, b)| (s, b.chars().take(200).collect::<String>()))
            ));
        }
    };
    let Some(wrk) = procs::which("wrk") else {
        return skipped("wrk is not installed (apt-get install -y wrk)");
    };
    let out = Command::new(wrk)
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://{addr}"))
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let mut v = parse_wrk(&text);
            v["connections"] = json!(connections);
            v["secs"] = json!(secs);
            v["first_response_bytes"] = json!(body_bytes);
            v
        }
        Ok(o) => skipped(format!(
            "wrk failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => skipped(format!("cannot run wrk: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_latency_output() {
        let out = "Running 10s test @ http://127.0.0.1:1\n  2 threads and 32 connections\n  Latency Distribution\n     50%    4.80ms\n     75%  830.00us\n     90%    1.02s\n     99%   12.00ms\n  61234 requests in 10.00s, 100.00MB read\n  Non-2xx or 3xx responses: 12\nRequests/sec:   6123.40\nTransfer/sec:     10.00MB\n";
        let v = parse_wrk(out);
        assert_eq!(v["requests_per_s"], 6123.4);
        assert_eq!(v["p50_ms"], 4.8);
        assert_eq!(v["p75_ms"], 0.83);
        assert_eq!(v["p90_ms"], 1020.0);
        assert_eq!(v["p99_ms"], 12.0);
        assert_eq!(v["non_2xx"], 12);
        let paths = query_mix::http_paths(&query_mix::generate(10, 1));
        let script = wrk_script(&paths);
        assert!(script.contains("/v1/search?q=") && script.contains("thread:set"));
    }
}
