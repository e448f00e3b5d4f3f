//! `scout-bench`: the benchmark harness (see `BENCHMARKS.md`). `scout-bench all` runs every
//! benchmark, each phase as a child process of this binary; the other subcommands are those
//! phases, usable on their own. `benches/run.sh` builds, installs the peers and calls `all`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use scout_bench::orchestrate::{AllOptions, run_all};
use scout_bench::procs::emit_result;
use scout_bench::world::{Format, World};
use scout_bench::{
    crawl_bench, extract_bench, http_bench, http_floor, index_bench, memory_bench, print_flat,
    search_bench, server,
};
use serde_json::json;

const DEFAULT_SEED: u64 = 20_261_101;

// The allocator `scout` itself runs with (src/main.rs), so in-process phases measure the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "scout-bench",
    about = "Benchmarks for scout, with Scrapy and SQLite FTS5 as peers"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Every benchmark; prints the table and writes results.json.
    All {
        /// 10k creators everywhere: a few minutes.
        #[arg(long)]
        quick: bool,
        /// Index/search sizes, comma-separated (default 10000 quick, 10000,100000 full).
        #[arg(long, value_delimiter = ',')]
        index_sizes: Vec<u64>,
        #[arg(long)]
        crawl_creators: Option<u64>,
        #[arg(long)]
        scrapy_creators: Option<u64>,
        /// Crawl and Scrapy repetitions (medians are reported).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        #[arg(long)]
        search_rounds: Option<usize>,
        #[arg(long)]
        rate_secs: Option<f64>,
        #[arg(long)]
        http_secs: Option<u32>,
        /// Distinct queries the HTTP benchmark cycles through.
        #[arg(long)]
        http_queries: Option<usize>,
        #[arg(long, default_value = "target/bench")]
        work: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value = "benches")]
        benches_dir: PathBuf,
        /// Python with Scrapy (default WORK/venv/bin/python).
        #[arg(long)]
        scrapy_python: Option<PathBuf>,
        /// Python whose sqlite3 has FTS5.
        #[arg(long, default_value = "python3")]
        fts5_python: PathBuf,
        /// Phases to skip, comma-separated (frontier, extract, ranking, index, search, fts5, http, crawl, scrapy, rate).
        #[arg(long, value_delimiter = ',')]
        skip: Vec<String>,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// Crawl workers on one Redis frontier: pages/s with 1, 2, 4 workers, politeness across
    /// them, and `scout merge` time (needs redis-server).
    Workers {
        #[arg(long, default_value_t = 2_000)]
        creators: u64,
        #[arg(long, default_value_t = 4)]
        hosts: usize,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Creators per worker index in the merge measurement.
        #[arg(long, default_value_t = 100_000)]
        merge_creators: u64,
        #[arg(long, default_value = "target/bench/workers")]
        work: PathBuf,
    },
    /// Serve the synthetic world on 127.0.0.2.. until killed or --max-secs; prints `READY [hosts]`.
    ServeWorld {
        #[arg(long)]
        creators: u64,
        #[arg(long, default_value_t = 8)]
        hosts: usize,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value_t = 3600)]
        max_secs: u64,
        /// Runtime worker threads; one keeps the server out of the crawler's way.
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// Crawl a running world with limits lifted.
    Crawl {
        /// World host URLs, comma-separated (from serve-world's READY line).
        #[arg(long, value_delimiter = ',', required = true)]
        hosts: Vec<String>,
        #[arg(long)]
        creators: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value = "web", value_parser = parse_format)]
        format: Format,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value = "target/bench/crawl-index")]
        index: PathBuf,
    },
    /// Rate-limit fidelity against a running world.
    Rate {
        #[arg(long, value_delimiter = ',', required = true)]
        hosts: Vec<String>,
        #[arg(long)]
        creators: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value_t = 5.0)]
        rate: f64,
        #[arg(long, default_value_t = 1)]
        burst: u32,
        #[arg(long, default_value_t = 20.0)]
        secs: f64,
        #[arg(long, default_value = "target/bench/rate-index")]
        index: PathBuf,
    },
    /// The nightly job at the documented limits (× --scale): requests per creator on a first
    /// crawl and a refresh, planned and actual time, creators covered per night.
    Nightly {
        #[arg(long, default_value_t = 400)]
        creators: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Multiply every documented rate by this, so that the run takes minutes.
        #[arg(long, default_value_t = 50.0)]
        scale: f64,
        #[arg(long, default_value = "target/bench/nightly-index")]
        index: PathBuf,
    },
    /// Print the seed URLs of the first N creators of a running world (for manual peer runs).
    Seeds {
        #[arg(long, value_delimiter = ',', required = true)]
        hosts: Vec<String>,
        #[arg(long)]
        creators: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long, default_value = "web", value_parser = parse_format)]
        format: Format,
    },
    /// Extraction cost per post, per signal.
    Extract {
        #[arg(long, default_value_t = 2000)]
        profiles: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// Build an index of generated creators.
    Index {
        #[arg(long)]
        creators: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long)]
        dir: PathBuf,
    },
    /// Ranking quality: crawl the ranking world, NDCG@10 of scout and of plain BM25
    /// (RANKING.md).
    Ranking {
        #[arg(long, default_value_t = 12)]
        seed: u64,
        /// Where the index goes (a fresh directory each run).
        #[arg(long, default_value = "target/bench/ranking-index")]
        dir: PathBuf,
    },
    /// Search latency over an index built by `index`.
    Search {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Only the HTTP benchmark's query mix, `rounds` times through the ranker (warm): its
        /// latency and slowest queries, e.g. to profile the server's per-request cost.
        #[arg(long)]
        mix_only: bool,
    },
    /// Export an index as NDJSON for the FTS5 peer.
    ExportCorpus {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Memory of a frontier holding this many URLs.
    Frontier {
        #[arg(long, default_value_t = 1_000_000)]
        urls: u64,
    },
    /// HTTP /v1/search throughput under wrk against `scout serve`.
    Http {
        #[arg(long, default_value = "target/release/scout")]
        scout: PathBuf,
        #[arg(long)]
        dir: PathBuf,
        /// A config key for `scout serve`, e.g. `--set rank.candidates=20` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Only the result-cache-off run.
        #[arg(long)]
        cache_off_only: bool,
        #[command(flatten)]
        wrk: http_bench::Wrk,
    },
    /// A floor under `http`: plain BM25 over --fields (bio and posts by default), the top 20
    /// records copied as stored, filters ignored, served in this process under the same wrk mix
    HttpFloor {
        #[arg(long)]
        dir: PathBuf,
        /// Text fields BM25 runs over, comma-separated (scout's field names); `scout` for the
        /// fields scout's retrieval reads, with its boosts.
        #[arg(long, default_value = "bio,posts", value_delimiter = ',')]
        fields: Vec<String>,
        /// Copy every record into memory first instead of reading the page's from the store.
        #[arg(long)]
        records_in_memory: bool,
        #[command(flatten)]
        wrk: http_bench::Wrk,
    },
}

fn parse_format(s: &str) -> Result<Format, String> {
    match s {
        "web" => Ok(Format::Web),
        "mastodon" => Ok(Format::Mastodon),
        _ => Err(format!("unknown format {s} (web | mastodon)")),
    }
}

fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn report(title: &str, v: serde_json::Value) -> ExitCode {
    print_flat(title, &v);
    emit_result(&v);
    ExitCode::SUCCESS
}

fn fail(what: &str, e: impl std::fmt::Display) -> ExitCode {
    eprintln!("scout-bench {what}: {e}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::All {
            quick,
            index_sizes,
            crawl_creators,
            scrapy_creators,
            runs,
            search_rounds,
            rate_secs,
            http_secs,
            http_queries,
            work,
            out,
            benches_dir,
            scrapy_python,
            fts5_python,
            skip,
            seed,
        } => {
            let mut o = AllOptions::new(quick, work, benches_dir);
            if !index_sizes.is_empty() {
                o.index_sizes = index_sizes;
            }
            o.crawl_creators = crawl_creators.unwrap_or(o.crawl_creators);
            o.scrapy_creators = scrapy_creators.unwrap_or(o.scrapy_creators);
            o.runs = runs;
            o.search_rounds = search_rounds.unwrap_or(o.search_rounds);
            o.rate_secs = rate_secs.unwrap_or(o.rate_secs);
            o.http_secs = http_secs.unwrap_or(o.http_secs);
            o.http_queries = http_queries.unwrap_or(o.http_queries);
            o.out = out.unwrap_or(o.out);
            o.scrapy_python = scrapy_python.unwrap_or(o.scrapy_python);
            o.fts5_python = fts5_python;
            o.skip = skip;
            o.seed = seed;
            match run_all(&o) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => fail("all", e),
            }
        }
        Cmd::Workers {
            creators,
            hosts,
            seed,
            merge_creators,
            work,
        } => {
            let rt = runtime(workers());
            match rt.block_on(scout_bench::workers_bench::workers(
                creators,
                hosts,
                seed,
                merge_creators,
                &work,
            )) {
                Ok(v) => report("crawl workers on one Redis frontier", v),
                Err(e) => fail("workers", e),
            }
        }
        Cmd::ServeWorld {
            creators,
            hosts,
            seed,
            port,
            max_secs,
            threads,
        } => runtime(threads).block_on(async move {
            let ips = server::loopback_hosts(hosts);
            match server::spawn(seed, creators, &ips, port, World::today()).await {
                Ok(s) => {
                    println!("READY {}", json!(s.world.hosts));
                    // Bounded: a forgotten server stops by itself.
                    tokio::time::sleep(std::time::Duration::from_secs(max_secs)).await;
                    ExitCode::SUCCESS
                }
                Err(e) => fail("serve-world", e),
            }
        }),
        Cmd::Crawl {
            hosts,
            creators,
            seed,
            format,
            concurrency,
            index,
        } => {
            let world = World::new(seed, creators, hosts, World::today());
            let rt = runtime(workers());
            match rt.block_on(crawl_bench::throughput(
                &world,
                creators,
                format,
                concurrency,
                &index,
            )) {
                Ok(v) => report("crawl + extract + index", v),
                Err(e) => fail("crawl", e),
            }
        }
        Cmd::Rate {
            hosts,
            creators,
            seed,
            rate,
            burst,
            secs,
            index,
        } => {
            let world = World::new(seed, creators, hosts, World::today());
            let rt = runtime(workers());
            match rt.block_on(crawl_bench::fidelity(&world, rate, burst, secs, &index)) {
                Ok(v) => report("rate-limit fidelity", v),
                Err(e) => fail("rate", e),
            }
        }
        Cmd::Nightly {
            creators,
            seed,
            scale,
            index,
        } => {
            let rt = runtime(workers());
            match rt.block_on(scout_bench::nightly_bench::run(
                creators, seed, scale, &index,
            )) {
                Ok(v) => report("nightly job at the documented limits", v),
                Err(e) => fail("nightly", e),
            }
        }
        Cmd::Seeds {
            hosts,
            creators,
            seed,
            format,
        } => {
            let world = World::new(seed, creators, hosts, World::today());
            for s in world.seeds(creators, format) {
                println!("{s}");
            }
            ExitCode::SUCCESS
        }
        Cmd::Extract { profiles, seed } => match extract_bench::run(profiles, seed) {
            Ok(v) => report("extraction cost per post", v),
            Err(e) => fail("extract", e),
        },
        Cmd::Index {
            creators,
            seed,
            dir,
        } => match index_bench::build(creators, seed, &dir) {
            Ok(v) => report("index build", v),
            Err(e) => fail("index", e),
        },
        Cmd::Ranking { seed, dir } => {
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::create_dir_all(&dir);
            let o = scout_bench::rankworld::RankingOptions {
                seed,
                ..Default::default()
            };
            match runtime(2).block_on(scout_bench::rankworld::run(&o, &dir)) {
                Ok(v) => report("ranking quality (NDCG@10)", v),
                Err(e) => fail("ranking", e),
            }
        }
        Cmd::Search {
            dir,
            rounds,
            mix_only: true,
        } => match search_bench::run_mix(&dir, rounds) {
            Ok(v) => report("query mix latency", v),
            Err(e) => fail("search", e),
        },
        Cmd::Search { dir, rounds, .. } => match search_bench::run(&dir, rounds) {
            Ok(v) => report("search latency", v),
            Err(e) => fail("search", e),
        },
        Cmd::ExportCorpus { dir, out } => match index_bench::export_corpus(&dir, &out) {
            Ok(n) => report(
                "corpus export",
                json!({"creators": n, "out": out.display().to_string()}),
            ),
            Err(e) => fail("export-corpus", e),
        },
        Cmd::Frontier { urls } => report(
            "frontier memory",
            memory_bench::frontier(urls, DEFAULT_SEED),
        ),
        Cmd::Http {
            scout,
            dir,
            sets,
            cache_off_only,
            wrk,
        } => {
            let _ = std::fs::create_dir_all(&wrk.work);
            let o = http_bench::HttpOptions {
                scout_bin: &scout,
                index_dir: &dir,
                wrk: &wrk,
                sets: &sets,
                cache_on: !cache_off_only,
            };
            report("HTTP /v1/search", http_bench::run(&o))
        }
        Cmd::HttpFloor {
            dir,
            fields,
            records_in_memory,
            wrk,
        } => {
            let _ = std::fs::create_dir_all(&wrk.work);
            let o = http_floor::FloorOptions {
                index_dir: &dir,
                fields: &fields,
                records_in_memory,
                wrk: &wrk,
            };
            report("HTTP floor: plain BM25", http_floor::run(&o))
        }
    }
}
