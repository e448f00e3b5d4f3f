//! Extraction ahead of the crawl loop: each read computes its creators' signals and index
//! documents as a CPU task ([`crate::sources::cpu`]) as part of the read itself,
//! concurrently with the other reads in flight.
//!
//! The crawl loop owns the index writer and applies reads one at a time; when it waited for
//! each creator's extraction there, no other read made progress meanwhile (the reads are
//! futures polled by that same loop), and the loop also built each document itself. Now it
//! only checks that what the extraction was given is still what it would give it (the
//! follower history stored in the index, which changes only at a commit) and hands the
//! prepared document to the writer; otherwise it extracts again, as before. Results are the
//! same by construction: the same inputs, the same pure functions.

use super::reads::Reads;
use super::run::{in_shard, is_audience};
use crate::index::PreparedDoc;
use crate::model::{CreatorRecord, FollowerPoint, RawProfile};
use crate::sources::cpu;

/// One creator's signals and document, and the history they were computed with.
pub(super) struct Prepared {
    pub(super) history: Vec<FollowerPoint>,
    pub(super) record: CreatorRecord,
    pub(super) doc: PreparedDoc,
}

/// Per profile of a read, in order: its preparation, if it is to be written. `Err` when the
/// extraction task failed (the profiles are then lost and the crawl stops, as it did when the
/// loop ran the extraction).
pub(super) type Preparations = Result<Vec<Option<Prepared>>, String>;

impl Reads {
    /// Whether [`super::batch::Batch`] will extract and write `raw`: the same tests, in the
    /// same order, as its upsert (which decides on its own: a mismatch only costs time).
    fn will_write(&self, raw: &RawProfile) -> bool {
        !raw.profile_url.is_empty()
            && !self.consent.matches(&raw.profile_url, &raw.handle)
            && in_shard(&raw.profile_url, self.shard)
            && !is_audience(&self.config.crawl, raw)
    }

    /// Extract every profile of a read that will be written, all in one CPU task.
    pub(super) async fn prepare(
        &self,
        profiles: &mut Vec<RawProfile>,
        read_url: &str,
    ) -> Preparations {
        let mut histories: Vec<Option<Vec<FollowerPoint>>> = Vec::with_capacity(profiles.len());
        for raw in profiles.iter_mut() {
            if !self.will_write(raw) {
                histories.push(None);
                continue;
            }
            // The upsert sets it too (before extracting): the stored raw data carries it.
            raw.source_url.get_or_insert_with(|| read_url.to_string());
            // A failed lookup is left to the upsert, which reports it.
            histories.push(self.index.get(&raw.profile_url).ok().map(|previous| {
                previous
                    .map(|p| p.record.follower_history)
                    .unwrap_or_default()
            }));
        }
        if histories.iter().all(Option::is_none) {
            return Ok(Vec::new());
        }
        let taken = std::mem::take(profiles);
        let (ex, fields) = (self.extractor.clone(), self.fields.clone());
        let bytes = taken.iter().map(cpu::profile_bytes).sum();
        let done = cpu::run(bytes, move || {
            let prepared = taken
                .iter()
                .zip(histories)
                .map(|(raw, history)| {
                    let history = history?;
                    let record = ex.extract(raw, &history, chrono::Utc::now());
                    let doc = PreparedDoc::new(&fields, &record, raw);
                    Some(Prepared {
                        history,
                        record,
                        doc,
                    })
                })
                .collect();
            (taken, prepared)
        })
        .await;
        match done {
            Ok((taken, prepared)) => {
                *profiles = taken;
                Ok(prepared)
            }
            Err(e) => Err(e.to_string()),
        }
    }
}
