//! One function per subcommand (demo apart). Each opens what it needs, calls the library, and
//! prints; none holds logic the HTTP endpoint would need to duplicate.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::args::{CrawlArgs, MergeArgs, SearchArgs, ServeArgs, ShowArgs, SimilarArgs};
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
    let deadline = a
        .deadline
        .as_deref()
        .map(|d| {
            crate::config::parse_duration(d)
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    Error::Usage(format!("--deadline {d:?} is not a duration such as 8h"))
                })
        })
        .transpose()?;

    if let Some(f) = &a.frontier
        && !(f.starts_with("redis://") || f.starts_with("rediss://"))
    {
        return Err(
            Error::Usage(format!("--frontier {f:?}: expected redis://HOST:PORT[/DB]")).into(),
        );
    }
    if a.refresh && a.frontier.is_some() {
        return Err(Error::Usage(
            "--refresh reads this index's creators; it does not take --frontier (run the refresh on each worker's index, or on the merged one)".into(),
        )
        .into());
    }
    let outbox = shard.map(|_| {
        a.outbox.clone().unwrap_or_else(|| {
            let parent = index_path.parent().unwrap_or(Path::new(""));
            parent.join("outbox")
        })
    });
    // The YouTube quota is remembered beside the index unless the config names a file.
    let mut config = config.clone();
    let yt = &mut config.sources.youtube;
    if yt.quota_file.is_empty() {
        let file = index_path.join(crate::sources::youtube_api::quota::QUOTA_FILE);
        yt.quota_file = file.to_string_lossy().into_owned();
    }
    let config = &config;
    let max_age = || {
        let max_age = a
            .max_age
            .clone()
            .unwrap_or_else(|| config.refresh.max_age.clone());
        crate::config::parse_duration(&max_age).ok_or_else(|| {
            Error::Usage(format!(
                "--max-age {max_age:?} is not a duration such as 20h"
            ))
        })
    };
    if a.plan {
        return print_plan(config, index_path, &a, seeds, shard, deadline, max_age);
    }
    let index = CreatorIndex::open_or_create(index_path)?;
    let summary = if a.refresh {
        crate::crawl::refresh::refresh_until(
            config,
            &index,
            max_age()?,
            shard,
            seeds,
            !a.json,
            deadline,
        )
        .await?
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
                deadline,
                frontier: a.frontier.clone(),
                outbox,
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

/// `crawl --plan`: count, print, fetch nothing.
fn print_plan(
    config: &Config,
    index_path: &Path,
    a: &CrawlArgs,
    seeds: Vec<String>,
    shard: Option<(u64, u64)>,
    deadline: Option<std::time::Duration>,
    max_age: impl Fn() -> Result<std::time::Duration, Error>,
) -> anyhow::Result<()> {
    use crate::crawl::plan;
    let deadline = deadline.unwrap_or(plan::DEFAULT_PLAN_DEADLINE);
    let p = if a.refresh {
        let index = CreatorIndex::open_existing(index_path)?;
        let mut costs = plan::refresh_costs(config, &index, max_age()?, shard)?;
        costs.extend(plan::seed_costs(config, &seeds));
        plan::plan("refresh", &costs, deadline)
    } else {
        if seeds.is_empty() {
            return Err(Error::Usage(
                "no seeds to plan: give seed URLs, --seeds-file FILE, or --refresh".into(),
            )
            .into());
        }
        plan::plan("crawl", &plan::seed_costs(config, &seeds), deadline)
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut out, &p)?;
        writeln!(out)?;
    } else {
        super::plan::print_plan(&mut out, &p)?;
    }
    Ok(())
}

pub fn merge(index_path: &Path, a: MergeArgs) -> anyhow::Result<()> {
    let out = CreatorIndex::open_or_create(index_path)?;
    let s = crate::index::merge::merge(&out, &a.dirs)?;
    let mut w = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer(&mut w, &s)?;
        writeln!(w)?;
    } else {
        writeln!(
            w,
            "merged {} indexes into {}: {} records read, {} creators written, {} older copies \
             skipped; {} creators in the index (generation {})",
            s.sources,
            index_path.display(),
            s.records_read,
            s.creators_written,
            s.duplicates_skipped,
            s.creators_total,
            s.generation
        )?;
    }
    Ok(())
}

pub fn compact(index_path: &Path, json: bool) -> anyhow::Result<()> {
    let s = crate::index::compact::compact(index_path)?;
    let mut w = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut w, &s)?;
        writeln!(w)?;
    } else {
        writeln!(
            w,
            "compacted {}: {} segments → {} ({} documents → {}, deleted ones dropped); {} \
             creators, generation {} kept, in {:.1} s",
            index_path.display(),
            s.segments_before,
            s.segments_after,
            s.docs_before,
            s.docs_after,
            s.creators,
            s.generation,
            s.secs
        )?;
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
    let rows: [(&str, String); 13] = [
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
        (
            "audience accounts, not indexed",
            s.audience_accounts.to_string(),
        ),
        ("discovered", s.discovered.to_string()),
        ("duration", format!("{:.1}s", s.duration_secs)),
    ];
    for (k, v) in rows {
        writeln!(out, "  {k:<30} {v:>10}")?;
    }
    if s.skipped_out_of_shard > 0 {
        writeln!(
            out,
            "  {:<30} {:>10}",
            "skipped (other shards)", s.skipped_out_of_shard
        )?;
    }
    writeln!(out, "  {:<30} {:>10}", "errors", s.errors)?;
    for (kind, n) in &s.errors_by_kind {
        writeln!(out, "    {kind:<28} {n:>10}")?;
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
    if s.stopped_at_deadline {
        writeln!(
            out,
            "  stopped at the deadline: {} URLs left for the next run",
            s.pending
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
