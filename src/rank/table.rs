//! The re-ranking inputs of every creator, decoded once per segment from the `signals` fast
//! field (see [`crate::index::signals`]) and kept while the segment lives. Segments never
//! change (a commit adds segments, a merge replaces some), so after a commit only the new
//! segments are decoded; a search then looks its candidates up by doc id, without touching
//! the document store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use crate::index::signals::RankSignals;

/// One segment's signals.
#[derive(Debug, Default)]
pub struct SegmentSignals {
    /// Decoded values by dictionary ordinal (the fast field stores each distinct value once).
    by_ord: Vec<Option<RankSignals>>,
    /// Doc id → ordinal; `NONE` for a document without a value.
    doc_ord: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl SegmentSignals {
    /// Decode the segment's `signals` column. A segment written without it (impossible with
    /// the current schema) decodes to nothing: its documents are never scored.
    pub fn build(seg: &SegmentReader) -> SegmentSignals {
        let Ok(Some(col)) = seg.fast_fields().bytes("signals") else {
            return SegmentSignals::default();
        };
        let mut by_ord: Vec<Option<RankSignals>> = Vec::with_capacity(col.num_terms());
        if let Ok(mut stream) = col.dictionary().stream() {
            while stream.advance() {
                let ord = stream.term_ord() as usize;
                if by_ord.len() < ord {
                    by_ord.resize(ord, None);
                }
                by_ord.push(RankSignals::decode(stream.key()));
            }
        }
        let doc_ord = (0..seg.max_doc())
            .map(|doc| {
                col.term_ords(doc)
                    .next()
                    .and_then(|o| u32::try_from(o).ok())
                    .unwrap_or(NONE)
            })
            .collect();
        SegmentSignals { by_ord, doc_ord }
    }

    pub fn get(&self, doc: DocId) -> Option<&RankSignals> {
        let ord = *self.doc_ord.get(doc as usize)?;
        if ord == NONE {
            return None;
        }
        self.by_ord.get(ord as usize)?.as_ref()
    }

    pub fn len(&self) -> usize {
        self.doc_ord.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc_ord.is_empty()
    }
}

/// Decoded segments by id, shared by every search of a [`super::Ranker`].
#[derive(Debug, Default)]
pub struct SignalCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentSignals>>>,
}

impl SignalCache {
    /// The tables of `searcher`'s segments, by segment ordinal, decoding the new ones. Entries
    /// of segments the searcher no longer has are dropped once they outnumber the live ones
    /// (an older searcher still in use may ask for them again; it then decodes them anew).
    pub fn for_searcher(&self, searcher: &Searcher) -> Vec<Arc<SegmentSignals>> {
        let mut map = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        let out: Vec<Arc<SegmentSignals>> = searcher
            .segment_readers()
            .iter()
            .map(|seg| {
                map.entry(seg.segment_id())
                    .or_insert_with(|| Arc::new(SegmentSignals::build(seg)))
                    .clone()
            })
            .collect();
        if map.len() > 2 * out.len() + 8 {
            let live: std::collections::HashSet<SegmentId> = searcher
                .segment_readers()
                .iter()
                .map(|s| s.segment_id())
                .collect();
            map.retain(|id, _| live.contains(id));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::CreatorIndex;
    use crate::index::doc::RecordOnly;

    /// Every creator's table entry is exactly what its stored record says, so scoring from
    /// the table is scoring from the record.
    #[test]
    fn table_matches_the_stored_records() {
        let dir = tempfile::tempdir().unwrap();
        crate::bench::index_bench::build(120, 11, dir.path()).unwrap();
        let index = CreatorIndex::open_existing(dir.path()).unwrap();
        let searcher = index.searcher();
        let cache = SignalCache::default();
        let tables = cache.for_searcher(&searcher);
        let mut seen = 0;
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            assert_eq!(tables[ord].len(), seg.max_doc() as usize);
            for doc in seg.doc_ids_alive() {
                let stored: RecordOnly = searcher
                    .doc(tantivy::DocAddress::new(ord as u32, doc))
                    .unwrap();
                let rec = stored.record.unwrap();
                assert_eq!(tables[ord].get(doc), Some(&RankSignals::of(&rec)));
                seen += 1;
            }
        }
        assert_eq!(seen, 120);
        // A second call decodes nothing new: the same tables come back.
        let again = cache.for_searcher(&searcher);
        assert!(Arc::ptr_eq(&again[0], &tables[0]));
    }
}
