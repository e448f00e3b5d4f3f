//! The peers measured in the same run on the same corpus: Scrapy crawling the same served
//! pages (`benches/scrapy_spider.py`), and SQLite FTS5 answering the same 50 queries over the
//! same creators (`benches/fts5_search.py`, Python's built-in sqlite3).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use super::procs;

fn skipped(why: impl Into<String>) -> Value {
    json!({"skipped": why.into()})
}

/// Does `python` import `module`?
pub fn has_module(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Does `python`'s sqlite3 have FTS5?
pub fn has_fts5(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            "import sqlite3; sqlite3.connect(':memory:').execute('create virtual table t using fts5(a)')",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Crawl `seeds_file` with Scrapy at `concurrency`, limits lifted, robots.txt obeyed.
pub fn scrapy(
    python: &Path,
    spider: &Path,
    seeds_file: &Path,
    work: &Path,
    concurrency: u32,
) -> Value {
    // Scrapy runs in `work`: relative paths would be read from there.
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (python, spider, seeds_file, work) =
        (&abs(python), &abs(spider), &abs(seeds_file), &abs(work));
    if !python.is_file() {
        return skipped(format!(
            "{} not found (benches/run.sh creates the venv)",
            python.display()
        ));
    }
    if !has_module(python, "scrapy") {
        return skipped(format!("scrapy is not installed in {}", python.display()));
    }
    let stats_out = work.join("scrapy-stats.json");
    let items_out = work.join("scrapy-items.jsonl");
    let _ = std::fs::remove_file(&stats_out);
    let _ = std::fs::remove_file(&items_out);
    let mut cmd = Command::new(python);
    cmd.args(["-m", "scrapy", "runspider", "-L", "WARNING"])
        .arg(spider)
        .arg("-a")
        .arg(format!("seeds={}", seeds_file.display()))
        .arg("-a")
        .arg(format!("stats_out={}", stats_out.display()))
        .arg("-O")
        .arg(&items_out)
        .arg("-s")
        .arg(format!("CONCURRENT_REQUESTS={concurrency}"))
        .arg("-s")
        .arg(format!("CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"))
        .current_dir(work);
    match procs::run(cmd, Duration::from_secs(3600), "  scrapy| ") {
        Ok(o) if o.timed_out => skipped("scrapy did not finish within an hour"),
        Ok(_) => match std::fs::read_to_string(&stats_out)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            Some(v) => v,
            None => skipped("scrapy wrote no stats (see its output above)"),
        },
        Err(e) => skipped(format!("cannot run scrapy: {e}")),
    }
}

/// Load `corpus` (NDJSON from `export-corpus`) into FTS5 and time the benchmark queries.
pub fn fts5(
    python: &Path,
    script: &Path,
    corpus: &Path,
    queries: &Path,
    work: &Path,
    rounds: usize,
) -> Value {
    if !has_fts5(python) {
        return skipped(format!("{}'s sqlite3 has no FTS5", python.display()));
    }
    let mut cmd = Command::new(python);
    cmd.arg(script)
        .arg("--corpus")
        .arg(corpus)
        .arg("--queries")
        .arg(queries)
        .arg("--db")
        .arg(work.join("fts5.sqlite"))
        .arg("--rounds")
        .arg(rounds.to_string());
    match procs::run(cmd, Duration::from_secs(3600), "  fts5| ") {
        Ok(o) => o.result.unwrap_or_else(|| {
            skipped(format!(
                "fts5 script gave no result: {}",
                o.tail.join(" / ")
            ))
        }),
        Err(e) => skipped(format!("cannot run {}: {e}", script.display())),
    }
}
