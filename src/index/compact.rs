//! `scout compact`: merge the index's segments into one, as Lucene's force-merge does for an
//! index that is read far more than it is written.
//!
//! A crawl leaves several segments (tantivy's merge policy only merges eight of a size), and a
//! search pays per segment for every query word it looks up: the term dictionary, the posting
//! lists it opens, the filter bitsets and collectors. On the 100k-creator benchmark index (three
//! segments) one segment makes the HTTP query mix's searches ~12 % faster (BENCHMARKS.md). A
//! merge copies the whole index once, so it is a step for after the nightly refresh or a large
//! crawl, not for every commit. Nothing is re-extracted: the documents are copied as stored,
//! deleted ones dropped. The commit's generation and last-crawl summary are kept. The same
//! creators match every query; scores move only where deleted copies (replaced creators)
//! leave BM25's document frequencies, which count them until a merge drops them.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{CreatorIndex, index_err};
use crate::error::Result;

/// What a compaction did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CompactSummary {
    pub segments_before: usize,
    pub segments_after: usize,
    /// Documents stored before and after: deleted ones (replaced creators) are dropped.
    pub docs_before: u64,
    pub docs_after: u64,
    /// Live creators (unchanged by a compaction).
    pub creators: u64,
    /// The commit generation (unchanged by a compaction).
    pub generation: u64,
    pub secs: f64,
}

/// Merge every segment of the index at `path` into one. Takes the writer lock, so it fails
/// with [`crate::Error::IndexLocked`] while a crawl writes; an index already in one segment
/// with no deleted documents is left as it is.
///
/// The index is opened here, not passed in: tantivy deletes only the files its own `Index`
/// knows it manages, and one opened before another writer's commits does not know theirs.
pub fn compact(path: &Path) -> Result<CompactSummary> {
    let started = Instant::now();
    let index = CreatorIndex::open_existing(path)?;
    let writer = index.writer()?;
    let before = index
        .tantivy()
        .searchable_segment_metas()
        .map_err(|e| index_err(path, e))?;
    let docs = |metas: &[tantivy::index::SegmentMeta]| -> u64 {
        metas.iter().map(|m| u64::from(m.max_doc())).sum()
    };
    let (segments_before, docs_before) = (before.len(), docs(&before));
    let ids: Vec<_> = before.iter().map(|m| m.id()).collect();
    let merge = before.len() > 1 || before.iter().any(|m| m.has_deletes());
    // tantivy keeps the files of every segment whose metadata is still alive.
    drop(before);
    let mut w = writer.writer;
    if merge {
        w.merge(&ids).wait().map_err(|e| index_err(path, e))?;
    }
    // The merge could not delete the old segments' files while this process's reader still
    // used them: reload it first, then collect (also what an earlier run left behind).
    index.reload()?;
    w.garbage_collect_files()
        .wait()
        .map_err(|e| index_err(path, e))?;
    w.wait_merging_threads().map_err(|e| index_err(path, e))?;
    let after = index
        .tantivy()
        .searchable_segment_metas()
        .map_err(|e| index_err(path, e))?;
    Ok(CompactSummary {
        segments_before,
        segments_after: after.len(),
        docs_before,
        docs_after: docs(&after),
        creators: index.num_docs(),
        generation: index.meta()?.generation,
        secs: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tantivy::Term;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::index::doc::RecordOnly;

    /// For words of each of the test world's topics: how many creators' posts use it, and
    /// every one of them by id with its BM25 score (the ranker's own answers, a floor above,
    /// are compared by the CLI test in `tests/foundation.rs`).
    fn answers(index: &CreatorIndex) -> Vec<(usize, Vec<(String, f32)>)> {
        let searcher = index.searcher();
        ["skincare", "espresso", "croissant", "marathon", "sunscreen"]
            .iter()
            .map(|w| {
                let q = TermQuery::new(
                    Term::from_field_text(index.fields.posts, w),
                    IndexRecordOption::WithFreqs,
                );
                let collect = (Count, TopDocs::with_limit(10_000).order_by_score());
                let (n, top) = searcher.search(&q, &collect).unwrap();
                let mut all: Vec<(String, f32)> = top
                    .into_iter()
                    .map(|(score, addr)| {
                        let doc = searcher.doc::<RecordOnly>(addr).unwrap();
                        (doc.record.unwrap().id, score)
                    })
                    .collect();
                all.sort_by(|a, b| a.0.cmp(&b.0));
                (n, all)
            })
            .collect()
    }

    /// The segments whose files are in the folder.
    fn segment_files(dir: &std::path::Path) -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                let (stem, _) = name.split_once('.')?;
                (stem.len() == 32).then(|| stem.to_string())
            })
            .collect()
    }

    #[test]
    fn commits_become_one_segment_answering_the_same() {
        let (dir, index) = crate::testgen::index(7, 0..100);
        crate::testgen::add(dir.path(), 7, 100..200).unwrap();
        crate::testgen::add(dir.path(), 7, 200..300).unwrap();
        index.reload().unwrap();
        let before = answers(&index);
        assert!(before.iter().any(|(total, _)| *total > 0));
        let generation = index.meta().unwrap().generation;
        // A segment or more per commit (one per indexing thread that got documents).
        let files_before = segment_files(dir.path()).len();
        assert!(files_before >= 3, "{files_before} segments");

        let s = compact(dir.path()).unwrap();
        assert_eq!((s.segments_before, s.segments_after), (files_before, 1));
        assert_eq!((s.docs_before, s.docs_after, s.creators), (300, 300, 300));
        assert_eq!(s.generation, generation);
        assert_eq!(index.meta().unwrap().generation, generation);
        index.reload().unwrap();
        assert_eq!(answers(&index), before);
        // The old segments' files are deleted, not left beside the new one.
        assert_eq!(segment_files(dir.path()).len(), 1);

        // Nothing left to merge: the index stays as it is.
        let again = compact(dir.path()).unwrap();
        assert_eq!((again.segments_before, again.segments_after), (1, 1));
        assert_eq!(answers(&index), before);
    }

    #[test]
    fn replaced_creators_old_documents_are_dropped() {
        let (dir, index) = crate::testgen::index(7, 0..200);
        // Re-indexing 100 creators leaves their old documents deleted in the first segments.
        crate::testgen::add(dir.path(), 7, 50..150).unwrap();
        index.reload().unwrap();
        let totals = |i: &CreatorIndex| answers(i).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
        let before = totals(&index);
        let s = compact(dir.path()).unwrap();
        index.reload().unwrap();
        assert_eq!((s.docs_before, s.docs_after, s.creators), (300, 200, 200));
        assert_eq!(s.segments_after, 1);
        // The same creators match; their scores may move a little, as BM25's document
        // frequencies no longer count the deleted copies.
        assert_eq!(totals(&index), before);
    }

    #[test]
    fn a_crawl_holding_the_writer_makes_it_fail_without_a_change() {
        let (dir, index) = crate::testgen::index(7, 0..20);
        crate::testgen::add(dir.path(), 7, 20..40).unwrap();
        index.reload().unwrap();
        let files_before = segment_files(dir.path()).len();
        let held = index.writer().unwrap();
        match compact(dir.path()) {
            Err(crate::Error::IndexLocked { .. }) => {}
            other => panic!("expected IndexLocked, got {other:?}"),
        }
        drop(held);
        assert_eq!(segment_files(dir.path()).len(), files_before);
        assert!(files_before >= 2);
        assert_eq!(index.num_docs(), 40);
    }
}
