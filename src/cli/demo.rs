//! `scout demo`: the whole product on a machine with no network. Serves the demo world in
//! `fixtures/world` on 127.0.0.1, crawls it with the real crawler at a polite rate (loopback
//! 127.0.0.1 is the only exempted private address), indexes, and prints ranked searches.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::DemoArgs;
use super::commands::print_summary;
use super::output;
use crate::config::Config;
use crate::crawl::CrawlOptions;
use crate::error::Error;
use crate::index::CreatorIndex;
use crate::rank::{Ranker, SearchRequest};

/// The example searches: a marketer's question, and the filters that express it.
pub const DEMO_SEARCHES: &[(&str, &[(&str, &str)])] = &[
    (
        "vegan skincare",
        &[
            ("lang", "en"),
            ("tier", "micro"),
            ("tier", "nano"),
            ("explain", "true"),
        ],
    ),
    ("specialty coffee", &[("explain", "true")]),
    ("Hautpflege", &[("explain", "true")]),
    // Japanese titles have no spaces between words: found through CJK bigrams.
    ("スキンケア", &[]),
    // English query, French PeerTube channel: the taxonomy's cycling names include "vélo".
    ("cycling", &[("explain", "true")]),
];

/// Requests per second on the one loopback host: polite, and the demo still ends in seconds.
const DEMO_RATE_PER_HOST: f64 = 20.0;

fn world_dir(arg: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(p) = arg {
        return Ok(p);
    }
    let candidates = [
        PathBuf::from("fixtures/world"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/world"),
    ];
    candidates.into_iter().find(|p| p.is_dir()).ok_or_else(|| {
        Error::Usage(
            "cannot find fixtures/world: run from the repository root or pass --fixtures".into(),
        )
    })
}

/// Seeds from every `seeds-*.txt` in the world folder, `{{base}}` replaced.
pub fn demo_seeds(world: &Path, base: &str) -> Result<Vec<String>, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(world)
        .map_err(|e| Error::io(format!("reading {}", world.display()), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seeds-") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    let mut seeds = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)
            .map_err(|e| Error::io(format!("reading {}", f.display()), e))?;
        seeds.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| l.replace("{{base}}", base)),
        );
    }
    Ok(seeds)
}

/// The config the demo crawls with: the user's, pointed at the loopback world.
pub fn demo_config(config: &Config, base: &str) -> Config {
    let mut c = config.clone();
    c.crawl.allow_private_networks = vec!["127.0.0.1/32".into()];
    c.crawl.rate_per_host = DEMO_RATE_PER_HOST;
    c.crawl.burst = 2;
    // One loopback host serves every platform: one rate for all of it.
    for (rate, burst) in [
        (&mut c.sources.mastodon.rate, &mut c.sources.mastodon.burst),
        (&mut c.sources.bluesky.rate, &mut c.sources.bluesky.burst),
    ] {
        (*rate, *burst) = (DEMO_RATE_PER_HOST, 2);
    }
    c.sources.bluesky.api_base = format!("{base}/bsky");
    c.sources.youtube.base = format!("{base}/yt");
    // The demo world has no Data API: never call Google with the user's key from here.
    c.sources.youtube.api_key = None;
    c
}

pub async fn run(config: &Config, index_path: &Path, a: DemoArgs) -> anyhow::Result<()> {
    let world = world_dir(a.fixtures)?;
    let server =
        crate::fixture_server::serve(world.clone(), "127.0.0.1:0".parse().expect("literal"))
            .await
            .map_err(|e| Error::io("starting the demo server on 127.0.0.1", e))?;
    let base = server.base();
    let cfg = demo_config(config, &base);
    let seeds = demo_seeds(&world, &base)?;
    let mut out = std::io::stdout().lock();
    if !a.json {
        writeln!(
            out,
            "scout demo: serving {} on {base}, crawling {} seeds at {DEMO_RATE_PER_HOST} req/s",
            world.display(),
            seeds.len()
        )?;
    }
    let index = CreatorIndex::open_or_create(index_path)?;
    let summary = crate::crawl::crawl(
        &cfg,
        &index,
        CrawlOptions {
            seeds,
            shard: None,
            progress: !a.json,
            mode: "demo".into(),
            ..Default::default()
        },
    )
    .await?;
    let ranker = Ranker::new(&cfg)?;
    let mut searches = Vec::new();
    for (q, filters) in DEMO_SEARCHES {
        let mut pairs = vec![("q", *q)];
        pairs.extend(filters.iter().copied());
        let req = SearchRequest::from_pairs(pairs)?;
        searches.push(ranker.search(&index, &req)?);
    }
    if a.json {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"crawl": summary, "searches": searches}),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    print_summary(&mut out, &summary)?;
    for (resp, (_, filters)) in searches.iter().zip(DEMO_SEARCHES) {
        writeln!(out)?;
        let shown: Vec<String> = filters
            .iter()
            .filter(|(k, _)| *k != "explain")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if shown.is_empty() {
            writeln!(out, "── search {:?} ──", resp.query)?;
        } else {
            writeln!(
                out,
                "── search {:?} with {} ──",
                resp.query,
                shown.join(" ")
            )?;
        }
        let top = crate::rank::SearchResponse {
            query: resp.query.clone(),
            total: resp.total,
            results: resp
                .results
                .iter()
                .take(5)
                .cloned()
                .map(|mut r| {
                    r.explain = None;
                    r
                })
                .collect(),
        };
        output::print_table(&mut out, &top)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "index written to {}; try `scout search --index {} vegan skincare --explain`",
        index_path.display(),
        index_path.display()
    )?;
    Ok(())
}
