//! Index build: generated creators → `Extractor::extract` → `CreatorWriter::upsert` → one
//! commit, timed stage by stage, with the bytes on disk per creator. The index is kept for the
//! search and HTTP benchmarks, and can be exported for the FTS5 peer.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::stats;
use super::world::offline_world;
use scout::config::Config;
use scout::extract::Extractor;
use scout::index::{CreatorIndex, audience_text, posts_text};

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Build a fresh index of `creators` generated creators at `dir`.
pub fn build(creators: u64, seed: u64, dir: &Path) -> scout::Result<Value> {
    let _ = std::fs::remove_dir_all(dir);
    let world = offline_world(seed, creators);
    let config = Config::default();
    let extractor = Extractor::new(&config)?;
    let index = CreatorIndex::open_or_create(dir)?;
    let mut writer = index.writer()?;
    let (mut t_gen, mut t_extract, mut t_upsert) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let now = chrono::Utc::now();
    let started = Instant::now();
    for i in 0..creators {
        let t0 = Instant::now();
        let raw = world.raw_profile(i);
        let t1 = Instant::now();
        let record = extractor.extract(&raw, &[], now);
        let t2 = Instant::now();
        writer.upsert(&record, &raw)?;
        t_upsert += t2.elapsed();
        t_extract += t2 - t1;
        t_gen += t1 - t0;
    }
    let t_commit_start = Instant::now();
    writer.commit(None)?;
    let commit = t_commit_start.elapsed();
    let t_merge_start = Instant::now();
    writer.close()?;
    let merge = t_merge_start.elapsed();
    let total = started.elapsed();
    index.reload()?;
    // What the nightly job does next (`scout compact`, README): the searches measured on this
    // index read one segment. Timed apart, not part of creators/s.
    let compacted = scout::index::compact::compact(dir)?;
    index.reload()?;
    let bytes = dir_bytes(dir);
    // Generation is the benchmark's own cost, not scout's: excluded from creators/s.
    let scout_secs = (total - t_gen).as_secs_f64();
    Ok(json!({
        "creators": creators,
        "docs": index.num_docs(),
        "generate_secs": stats::round3(t_gen.as_secs_f64()),
        "extract_secs": stats::round3(t_extract.as_secs_f64()),
        "upsert_secs": stats::round3(t_upsert.as_secs_f64()),
        "commit_secs": stats::round3(commit.as_secs_f64()),
        "merge_wait_secs": stats::round3(merge.as_secs_f64()),
        "segments_before_compact": compacted.segments_before,
        "compact_secs": stats::round3(compacted.secs),
        "creators_per_s": (creators as f64 / scout_secs).round(),
        "bytes_on_disk": bytes,
        "bytes_per_creator": (bytes as f64 / creators.max(1) as f64).round(),
        "peak_rss_mb": stats::peak_rss_mb(),
    }))
}

/// Every live creator of the index at `dir` as one NDJSON line with the texts scout indexes
/// and the fields the filters use — the same corpus for the FTS5 peer.
pub fn export_corpus(dir: &Path, out: &Path) -> scout::Result<u64> {
    let index = CreatorIndex::open_existing(dir)?;
    let file = std::fs::File::create(out)
        .map_err(|e| scout::Error::io(format!("creating {}", out.display()), e))?;
    let mut w = std::io::BufWriter::new(file);
    let mut n = 0u64;
    index.for_each(|c| {
        if c.gone {
            return Ok(());
        }
        let r = &c.record;
        let raw = c.raw.unwrap_or_default();
        let mut tags: Vec<&str> = raw
            .posts
            .iter()
            .flat_map(|p| p.hashtags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        let audience_lang = r
            .audience_languages
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(l, _)| l.clone());
        let line = json!({
            "id": r.id,
            "name": format!("{} {}", r.display_name, r.handle),
            "bio": r.bio,
            "posts": posts_text(&raw),
            "hashtags": tags.join(" "),
            "themes": format!("{} {}", r.themes.join(" "), r.niches.join(" ").replace('_', " ")),
            "audience": audience_text(&raw),
            "platform": r.platform,
            "language": r.language,
            "audience_lang": audience_lang,
            "tier": r.tier.map(|t| t.as_str()),
            "followers": r.followers,
            "engagement": r.engagement_rate,
            "sponsored": r.sponsored_share,
            "last_post_at": r.last_post_at.map(|t| t.timestamp()),
            "has_email": !r.emails.is_empty(),
        });
        serde_json::to_writer(&mut w, &line).map_err(|e| scout::Error::Other(e.to_string()))?;
        w.write_all(b"\n")
            .map_err(|e| scout::Error::io(format!("writing {}", out.display()), e))?;
        n += 1;
        Ok(())
    })?;
    w.flush()
        .map_err(|e| scout::Error::io(format!("writing {}", out.display()), e))?;
    Ok(n)
}
