//! One function per subcommand (demo apart). Each opens what it needs, calls the library, and
//! prints; none holds logic the HTTP endpoint would need to duplicate.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::args::{CrawlArgs, SearchArgs, ServeArgs, ShowArgs, SimilarArgs};
use super::output;
use crate::config::Config;
use crate::consent::OptOuts;
use crate::crawl::{CrawlOptions, CrawlSummary};
use crate::error::Error;
use crate::index::CreatorIndex;
use crate::rank::{Ranker, SearchRequest};

pub async fn crawl(config: &Config, index_path: &Path, a: CrawlArgs) -> anyhow::Result<()> {
    let mut seeds = a.seeds.clone();
    if let Some(f) = &a.seeds_file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| Error::Usage(format!("cannot read --seeds-file {}: {e}", f.display())))?;
        seeds.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let index = CreatorIndex::open_or_create(index_path)?;
    // The YouTube quota is remembered beside the index unless the config names a file.
    let mut config = config.clone();
    let yt = &mut config.sources.youtube;
    if yt.quota_file.is_empty() {
        let file = index_path.join(crate::sources::youtube_api::quota::QUOTA_FILE);
        yt.quota_file = file.to_string_lossy().into_owned();
    }
    let config = &config;
    let summary = if a.refresh {
        let max_age = a
            .max_age
            .clone()
            .unwrap_or_else(|| config.refresh.max_age.clone());
        let age = crate::config::parse_duration(&max_age).ok_or_else(|| {
            Error::Usage(format!(
                "--max-age {max_age:?} is not a duration such as 20h"
            ))
        })?;
        crate::crawl::refresh::refresh(config, &index, age, shard, seeds, !a.json).await?
    } else {
        if seeds.is_empty() {
            return Err(Error::Usage(
                "no seeds: give seed URLs, --seeds-file FILE, or --refresh".into(),
            )
            .into());
        }
        crate::crawl::crawl(
            config,
            &index,
            CrawlOptions {
                seeds,
                shard,
                progress: !a.json,
                mode: "crawl".into(),
                ..Default::default()
            },
        )
        .await?
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        print_summary(&mut out, &summary)?;
    }
    Ok(())
}

/// `I/N` with 0 <= I < N.
pub fn parse_shard(s: &str) -> Result<(u64, u64), Error> {
    let bad = || {
        Error::Usage(format!(
            "--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

pub fn print_summary(out: &mut impl Write, s: &CrawlSummary) -> std::io::Result<()> {
    writeln!(
        out,
        "crawl summary{}",
        if s.resumed { " (resumed)" } else { "" }
    )?;
    let rows: [(&str, String); 12] = [
        ("seeds", s.seeds.to_string()),
        ("urls read", s.urls_read.to_string()),
        ("http requests", s.requests.to_string()),
        ("bytes", s.bytes.to_string()),
        ("not modified (304)", s.not_modified.to_string()),
        ("creators new", s.creators_new.to_string()),
        ("creators updated", s.creators_updated.to_string()),
        ("creators removed (opt-out)", s.creators_removed.to_string()),
        ("skipped by robots.txt", s.skipped_robots.to_string()),
        ("skipped (opted out)", s.skipped_opted_out.to_string()),
        ("discovered", s.discovered.to_string()),
        ("duration", format!("{:.1}s", s.duration_secs)),
    ];
    for (k, v) in rows {
        writeln!(out, "  {k:<28} {v:>10}")?;
    }
    if s.skipped_out_of_shard > 0 {
        writeln!(
            out,
            "  {:<28} {:>10}",
            "skipped (other shards)", s.skipped_out_of_shard
        )?;
    }
    writeln!(out, "  {:<28} {:>10}", "errors", s.errors)?;
    for (kind, n) in &s.errors_by_kind {
        writeln!(out, "    {kind:<26} {n:>10}")?;
    }
    for p in s.problems.iter().take(20) {
        writeln!(out, "    {} {}: {}", p.kind, p.url, p.detail)?;
    }
    if s.problems.len() > 20 {
        writeln!(
            out,
            "    … {} more (use --json for all)",
            s.problems.len() - 20
        )?;
    }
    writeln!(out, "  index generation {}", s.generation)
}

pub fn search(config: &Config, index_path: &Path, a: SearchArgs) -> anyhow::Result<()> {
    let mut pairs: Vec<(&str, String)> = vec![("q", a.query.join(" "))];
    pairs.extend(a.filters.pairs());
    let req = SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))?;
    let index = CreatorIndex::open_existing(index_path)?;
    let resp = Ranker::new(config)?.search(&index, &req)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &resp)?;
        writeln!(out)?;
    } else if a.csv {
        crate::rank::csv_rows::print_csv(&mut out, &resp)?;
    } else {
        output::print_table(&mut out, &resp)?;
    }
    Ok(())
}

fn unknown(creator: &str, index_path: &Path) -> Error {
    Error::Usage(format!(
        "no creator {creator:?} in {}",
        index_path.display()
    ))
}

pub fn show(config: &Config, index_path: &Path, a: ShowArgs) -> anyhow::Result<()> {
    let index = CreatorIndex::open_existing(index_path)?;
    // Opted-out and gone creators are never returned, whatever the index still holds.
    let c = index
        .get(&a.creator)?
        .filter(|c| !c.gone && !OptOuts::new(&config.consent.opt_out).matches_record(&c.record))
        .ok_or_else(|| unknown(&a.creator, index_path))?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &c.record)?;
        writeln!(out)?;
    } else {
        output::print_card(&mut out, &c.record)?;
    }
    Ok(())
}

pub fn similar(config: &Config, index_path: &Path, a: SimilarArgs) -> anyhow::Result<()> {
    if !(1..=200).contains(&a.limit) {
        return Err(Error::Usage("--limit must be from 1 to 200".into()).into());
    }
    let index = CreatorIndex::open_existing(index_path)?;
    let results = Ranker::new(config)?
        .similar(&index, &a.creator, a.limit)?
        .ok_or_else(|| unknown(&a.creator, index_path))?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &serde_json::json!({ "results": results }))?;
        writeln!(out)?;
    } else {
        let resp = crate::rank::SearchResponse {
            query: format!("like {}", a.creator),
            total: results.len(),
            results,
        };
        output::print_table(&mut out, &resp)?;
    }
    Ok(())
}

pub async fn serve(mut config: Config, index_path: &Path, a: ServeArgs) -> anyhow::Result<()> {
    if let Some(addr) = a.addr {
        config.server.addr = addr;
    }
    if let Some(t) = a.token {
        config.server.token = Some(t);
    }
    crate::server::serve(config, index_path).await?;
    Ok(())
}

pub fn stats(index_path: &Path, json: bool) -> anyhow::Result<()> {
    let index = CreatorIndex::open_existing(index_path)?;
    let meta = index.meta()?;
    let mut by_platform = std::collections::BTreeMap::<String, u64>::new();
    let mut by_tier = std::collections::BTreeMap::<String, u64>::new();
    let (mut live, mut gone) = (0u64, 0u64);
    index.for_each(|c| {
        if c.gone {
            gone += 1;
            return Ok(());
        }
        live += 1;
        *by_platform
            .entry(c.record.platform.to_string())
            .or_default() += 1;
        *by_tier
            .entry(
                c.record
                    .tier
                    .map_or("unknown".into(), |t| t.as_str().to_string()),
            )
            .or_default() += 1;
        Ok(())
    })?;
    let value = serde_json::json!({
        "index": index_path.display().to_string(),
        "creators": live,
        "gone": gone,
        "by_platform": by_platform,
        "by_tier": by_tier,
        "generation": meta.generation,
        "last_crawl": meta.last_crawl,
    });
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "index {}  generation {}",
            index_path.display(),
            meta.generation
        )?;
        writeln!(out, "creators {live} (+{gone} gone)")?;
        writeln!(out, "by platform {by_platform:?}")?;
        writeln!(out, "by tier {by_tier:?}")?;
        if let Some(last) = meta.last_crawl {
            let s: CrawlSummary =
                serde_json::from_value(last).context("reading the last crawl summary")?;
            print_summary(&mut out, &s)?;
        }
    }
    Ok(())
}

pub fn export(config: &Config, index_path: &Path) -> anyhow::Result<()> {
    let index = CreatorIndex::open_existing(index_path)?;
    let consent = OptOuts::new(&config.consent.opt_out);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    index.for_each(|c| {
        if c.gone || consent.matches_record(&c.record) {
            return Ok(());
        }
        serde_json::to_writer(&mut out, &c.record).map_err(|e| Error::Other(e.to_string()))?;
        out.write_all(b"\n")
            .map_err(|e| Error::io("writing to stdout", e))
    })?;
    out.flush()?;
    Ok(())
}
