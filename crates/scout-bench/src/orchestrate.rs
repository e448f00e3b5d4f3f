//! `scout-bench all`: every benchmark in one run, each phase in its own child process (so
//! each peak-RSS figure is that phase's own), the peers on the same corpus in the same run,
//! one table at the end and `results.json` with the agreed keys.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::{Value, json};

use super::stats::{self, fmt_opt};
use super::world::{Format, World};
use super::{http_bench, peers, procs, queries};

#[derive(Debug, Clone)]
pub struct AllOptions {
    pub quick: bool,
    /// Index sizes to build and search; the largest also serves HTTP and FTS5.
    pub index_sizes: Vec<u64>,
    pub crawl_creators: u64,
    pub scrapy_creators: u64,
    pub hosts: usize,
    pub seed: u64,
    /// Crawl / Scrapy repetitions; figures are medians.
    pub runs: usize,
    pub search_rounds: usize,
    pub rate: f64,
    pub burst: u32,
    pub rate_secs: f64,
    pub http_secs: u32,
    pub http_connections: u32,
    pub frontier_urls: u64,
    pub extract_profiles: u64,
    pub concurrency: usize,
    pub work: PathBuf,
    pub out: PathBuf,
    /// The virtualenv's python (Scrapy).
    pub scrapy_python: PathBuf,
    /// A python whose sqlite3 has FTS5.
    pub fts5_python: PathBuf,
    /// The repository's `benches/` folder (spider and FTS5 scripts).
    pub benches_dir: PathBuf,
    /// Phases not to run: frontier, extract, index, search, fts5, http, crawl, scrapy, rate.
    pub skip: Vec<String>,
}

impl AllOptions {
    pub fn new(quick: bool, work: PathBuf, benches_dir: PathBuf) -> AllOptions {
        AllOptions {
            quick,
            index_sizes: if quick {
                vec![10_000]
            } else {
                vec![10_000, 100_000]
            },
            crawl_creators: if quick { 10_000 } else { 100_000 },
            scrapy_creators: if quick { 2_000 } else { 5_000 },
            hosts: 8,
            seed: 20_261_101,
            runs: 1,
            search_rounds: if quick { 5 } else { 10 },
            rate: 5.0,
            burst: 1,
            rate_secs: if quick { 20.0 } else { 40.0 },
            http_secs: if quick { 10 } else { 20 },
            http_connections: 32,
            frontier_urls: 1_000_000,
            extract_profiles: 2_000,
            concurrency: 64,
            out: work.join("results.json"),
            scrapy_python: work.join("venv/bin/python"),
            fts5_python: PathBuf::from("python3"),
            work,
            benches_dir,
            skip: Vec::new(),
        }
    }

    fn runs(&self, phase: &str) -> bool {
        !self.skip.iter().any(|s| s == phase)
    }
}

struct Harness {
    exe: PathBuf,
}

impl Harness {
    /// Run `scout-bench ARGS...` as a child and return its result (or a skip note).
    fn phase(&self, name: &str, args: &[String], timeout_s: u64) -> Value {
        println!("\n== {name}");
        let mut cmd = Command::new(&self.exe);
        cmd.args(args);
        match procs::run(cmd, Duration::from_secs(timeout_s), "  ") {
            Ok(o) if o.timed_out => json!({"skipped": format!("{name} timed out after {timeout_s} s")}),
            Ok(o) => o.result.unwrap_or_else(|| {
                json!({"skipped": format!("{name} failed ({:?}): {}", o.status, o.tail.join(" / "))})
            }),
            Err(e) => json!({"skipped": format!("cannot start {name}: {e}")}),
        }
    }
}

fn s<T: ToString>(x: T) -> String {
    x.to_string()
}

fn f(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_f64()
}

fn median_of(runs: &[Value], path: &[&str]) -> Option<f64> {
    let xs: Vec<f64> = runs.iter().filter_map(|r| f(r, path)).collect();
    stats::median(&xs)
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo.lines().find_map(|l| {
        l.strip_prefix("model name")?
            .split_once(':')
            .map(|(_, m)| m.trim().to_string())
    });
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: Option<u64> = meminfo.lines().find_map(|l| {
        l.strip_prefix("MemTotal:")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    });
    let git = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    json!({
        "nproc": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "cpu_model": model,
        "mem_total_gib": mem_kb.map(|k| stats::round1(k as f64 / 1024.0 / 1024.0)),
        "git_commit": git,
        // Other work on the machine skews every figure: recorded with the run.
        "loadavg_at_start": std::fs::read_to_string("/proc/loadavg").ok().map(|l| l.trim().to_string()),
        "date": chrono::Utc::now().to_rfc3339(),
    })
}

fn write_seeds(world: &World, n: u64, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, world.seeds(n, Format::Web).join("\n") + "\n")
}

/// Everything, in an order that keeps the slowest and the noisiest apart.
pub fn run_all(o: &AllOptions) -> std::io::Result<Value> {
    std::fs::create_dir_all(&o.work)?;
    let h = Harness {
        exe: std::env::current_exe()?,
    };
    let seed = s(o.seed);
    let machine = machine();
    let mut d = serde_json::Map::new();
    if o.runs("frontier") {
        d.insert(
            "frontier".into(),
            h.phase(
                "frontier (1M URLs)",
                &[s("frontier"), s("--urls"), s(o.frontier_urls)],
                900,
            ),
        );
    }
    if o.runs("extract") {
        let args = [
            s("extract"),
            s("--profiles"),
            s(o.extract_profiles),
            s("--seed"),
            seed.clone(),
        ];
        d.insert("extract".into(), h.phase("extract", &args, 900));
    }
    let mut index_runs = serde_json::Map::new();
    let mut search_runs = serde_json::Map::new();
    let largest = o.index_sizes.iter().copied().max().unwrap_or(10_000);
    let index_dir = |n: u64| o.work.join(format!("index-{n}"));
    for &n in &o.index_sizes {
        let dir = index_dir(n);
        if o.runs("index") {
            let args = [
                s("index"),
                s("--creators"),
                s(n),
                s("--seed"),
                seed.clone(),
                s("--dir"),
                dir.display().to_string(),
            ];
            index_runs.insert(
                s(n),
                h.phase(&format!("index build ({n} creators)"), &args, 3600),
            );
        }
        if o.runs("search") {
            let args = [
                s("search"),
                s("--dir"),
                dir.display().to_string(),
                s("--rounds"),
                s(o.search_rounds),
            ];
            search_runs.insert(
                s(n),
                h.phase(&format!("search ({n} creators)"), &args, 1800),
            );
        }
    }
    d.insert("index".into(), Value::Object(index_runs));
    d.insert("search".into(), Value::Object(search_runs));

    if o.runs("fts5") {
        let corpus = o.work.join(format!("corpus-{largest}.ndjson"));
        let qfile = o.work.join("queries.json");
        std::fs::write(&qfile, queries::as_json().to_string())?;
        let args = [
            s("export-corpus"),
            s("--dir"),
            index_dir(largest).display().to_string(),
            s("--out"),
            corpus.display().to_string(),
        ];
        let exported = h.phase("export corpus for FTS5", &args, 1800);
        let v = if exported.get("skipped").is_some() {
            exported
        } else {
            println!("\n== SQLite FTS5 ({largest} creators)");
            let script = o.benches_dir.join("fts5_search.py");
            peers::fts5(
                &o.fts5_python,
                &script,
                &corpus,
                &qfile,
                &o.work,
                o.search_rounds,
            )
        };
        d.insert("fts5".into(), v);
    }
    if o.runs("http") {
        println!("\n== HTTP /v1/search under wrk ({largest} creators)");
        let scout = h.exe.with_file_name("scout");
        let v = http_bench::run(
            &scout,
            &index_dir(largest),
            &o.work,
            o.http_secs,
            o.http_connections,
        );
        println!("  {v}");
        d.insert("http".into(), v);
    }
    if o.runs("crawl") || o.runs("scrapy") || o.runs("rate") {
        crawl_phases(o, &h, &mut d)?;
    }
    let details = Value::Object(d);
    let results = summarise(o, largest, machine, &details);
    std::fs::write(
        &o.out,
        serde_json::to_string_pretty(&results).unwrap_or_default(),
    )?;
    print_summary(&results);
    println!("\nwrote {}", o.out.display());
    Ok(results)
}

/// The world server in its own process; crawl, Scrapy and rate fidelity against it.
fn crawl_phases(
    o: &AllOptions,
    h: &Harness,
    d: &mut serde_json::Map<String, Value>,
) -> std::io::Result<()> {
    let creators = o.crawl_creators.max(o.scrapy_creators);
    let mut cmd = Command::new(&h.exe);
    cmd.args([
        "serve-world",
        "--creators",
        &s(creators),
        "--hosts",
        &s(o.hosts),
        "--seed",
        &s(o.seed),
        "--max-secs",
        "14400",
    ]);
    println!(
        "\n== world server ({creators} creators on {} loopback hosts)",
        o.hosts
    );
    let (mut server, ready) = match procs::spawn_until_ready(cmd, "READY", Duration::from_secs(60))
    {
        Ok(x) => x,
        Err(e) => {
            d.insert(
                "crawl".into(),
                json!({"skipped": format!("world server: {e}")}),
            );
            return Ok(());
        }
    };
    let hosts: Vec<String> = serde_json::from_str(&ready).unwrap_or_default();
    println!("  hosts {}", hosts.join(" "));
    let world = World::new(o.seed, creators, hosts.clone(), World::today());
    let result = crawl_against(o, h, &world, &server, d);
    let _ = server.kill();
    let _ = server.wait();
    result
}

fn crawl_against(
    o: &AllOptions,
    h: &Harness,
    world: &World,
    server: &Child,
    d: &mut serde_json::Map<String, Value>,
) -> std::io::Result<()> {
    let hosts = world.hosts.join(",");
    let (mut crawls, mut scrapies) = (Vec::new(), Vec::new());
    for run in 0..o.runs.max(1) {
        if o.runs("crawl") {
            let cpu0 = stats::cpu_secs_of_pid(server.id());
            let args = [
                s("crawl"),
                s("--hosts"),
                hosts.clone(),
                s("--creators"),
                s(o.crawl_creators),
                s("--seed"),
                s(o.seed),
                s("--concurrency"),
                s(o.concurrency),
                s("--index"),
                o.work.join("crawl-index").display().to_string(),
            ];
            let mut v = h.phase(
                &format!(
                    "crawl + extract + index, run {} ({} creators)",
                    run + 1,
                    o.crawl_creators
                ),
                &args,
                7200,
            );
            let cpu1 = stats::cpu_secs_of_pid(server.id());
            v["server_cpu_secs"] = json!(cpu0.zip(cpu1).map(|(a, b)| stats::round3(b - a)));
            crawls.push(v);
        }
        if o.runs("scrapy") {
            println!(
                "\n== Scrapy, run {} ({} creators)",
                run + 1,
                o.scrapy_creators
            );
            let seeds = o.work.join("scrapy-seeds.txt");
            write_seeds(world, o.scrapy_creators, &seeds)?;
            let spider = o.benches_dir.join("scrapy_spider.py");
            let v = peers::scrapy(
                &o.scrapy_python,
                &spider,
                &seeds,
                &o.work,
                o.concurrency as u32,
            );
            println!("  {v}");
            scrapies.push(v);
        }
    }
    d.insert("crawl_runs".into(), json!(crawls));
    d.insert("scrapy_runs".into(), json!(scrapies));
    if o.runs("rate") {
        let args = [
            s("rate"),
            s("--hosts"),
            hosts,
            s("--creators"),
            s(world.creators),
            s("--seed"),
            s(o.seed),
            s("--rate"),
            s(o.rate),
            s("--burst"),
            s(o.burst),
            s("--secs"),
            s(o.rate_secs),
            s("--index"),
            o.work.join("rate-index").display().to_string(),
        ];
        d.insert(
            "rate".into(),
            h.phase(
                &format!(
                    "rate-limit fidelity ({} /s per host, {} hosts)",
                    o.rate, o.hosts
                ),
                &args,
                600,
            ),
        );
    }
    Ok(())
}

/// The agreed top-level keys (null when a phase was skipped), ratios, and every detail.
fn summarise(o: &AllOptions, largest: u64, machine: Value, d: &Value) -> Value {
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
        "http_searches_per_s": f(&d["http"], &["requests_per_s"]),
        "http_p99_ms": f(&d["http"], &["p99_ms"]),
        "crawl_peak_rss_mb": median_of(crawls, &["peak_rss_mb"]),
        "frontier_1m_peak_rss_mb": f(&d["frontier"], &["peak_rss_mb"]),
        "quick": o.quick,
        "runs": o.runs,
        "machine": machine,
        "details": d,
    })
}

fn print_summary(r: &Value) {
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
            s("HTTP searches/s"),
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
            String::new(),
        ),
        (
            s("crawl peak RSS MiB"),
            fmt_opt(g("crawl_peak_rss_mb"), 0),
            s("target < 2048 at 100k creators"),
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
