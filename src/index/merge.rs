//! `scout merge --index OUT DIR...`: combine the indexes of crawl workers or shards into one,
//! each creator once. When several hold the same creator, the record fetched last
//! (`fetched_at`) wins, and among equals the one already in OUT, then the first DIR given.
//!
//! Two passes over the sources, so memory holds one (id → newest time) map, not the records:
//! the first finds each creator's winner, the second copies the winners (records, raw profiles
//! and the gone flag as stored, nothing re-extracted), committing every
//! [`COMMIT_EVERY`] creators so a long merge makes progress durable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::CreatorIndex;
use crate::error::{Error, Result};

/// Creators copied between commits.
pub const COMMIT_EVERY: usize = 20_000;

/// What a merge did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeSummary {
    pub sources: usize,
    /// Records read from the sources (a creator held by two workers counts twice).
    pub records_read: u64,
    /// Creators written to OUT (the newest of each).
    pub creators_written: u64,
    /// Records not copied because OUT or another source held a newer copy.
    pub duplicates_skipped: u64,
    /// Creators in OUT afterwards.
    pub creators_total: u64,
    pub generation: u64,
}

/// Merge `sources` into `out`. A source that is not an index, or is OUT itself, is an error
/// naming it, before anything is written.
pub fn merge(out: &CreatorIndex, sources: &[PathBuf]) -> Result<MergeSummary> {
    let mut opened = Vec::with_capacity(sources.len());
    for dir in sources {
        if same_dir(dir, out.path()) {
            return Err(Error::Usage(format!(
                "merge: {} is the output index itself; give it only as --index",
                dir.display()
            )));
        }
        opened.push(CreatorIndex::open_existing(dir)?);
    }
    // Pass 1: newest fetched_at per creator; OUT's own records compete too.
    let mut newest: HashMap<String, (i64, usize)> = HashMap::new();
    let mut consider = |id: String, at: i64, who: usize| {
        let e = newest.entry(id).or_insert((at, who));
        if at > e.0 {
            *e = (at, who);
        }
    };
    out.for_each(|c| {
        consider(c.record.id, c.record.fetched_at.timestamp_micros(), 0);
        Ok(())
    })?;
    let mut summary = MergeSummary {
        sources: sources.len(),
        ..Default::default()
    };
    for (i, src) in opened.iter().enumerate() {
        src.for_each(|c| {
            summary.records_read += 1;
            consider(c.record.id, c.record.fetched_at.timestamp_micros(), i + 1);
            Ok(())
        })?;
    }
    // Pass 2: copy each winner from its source.
    let mut writer = out.writer()?;
    for (i, src) in opened.iter().enumerate() {
        src.for_each(|c| {
            let wins = newest
                .get(&c.record.id)
                .is_some_and(|&(_, who)| who == i + 1);
            if !wins {
                summary.duplicates_skipped += 1;
                return Ok(());
            }
            // The same record may appear twice in one source only if it was never compacted;
            // copy it once.
            newest.remove(&c.record.id);
            let raw = c.raw.unwrap_or_default();
            if c.gone {
                writer.mark_gone(&c.record, &raw)?;
            } else {
                writer.upsert(&c.record, &raw)?;
            }
            summary.creators_written += 1;
            if writer.pending() >= COMMIT_EVERY {
                writer.commit(None)?;
            }
            Ok(())
        })?;
    }
    summary.generation = writer.commit(None)?;
    writer.close()?;
    out.reload()?;
    summary.creators_total = out.num_docs();
    Ok(summary)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
