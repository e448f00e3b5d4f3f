//! The re-ranking inputs of every creator, decoded once per segment from the `signals` fast
//! field (see [`crate::index::signals`]) and kept while the segment lives. Segments never
//! change (a commit adds segments, a merge replaces some), so after a commit only the new
//! segments are decoded; a search then looks its candidates up by doc id, without touching
//! the document store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use crate::index::signals::RankSignals;

/// One segment's signals.
#[derive(Debug, Default)]
pub struct SegmentSignals {
    /// By doc id; `None` for a document without a value.
    rows: Vec<Option<Row>>,
    niche_ids: HashMap<String, u16>,
    platforms: Vec<String>,
}

/// One creator: its signals, and what scoring compares by interned id rather than by name.
#[derive(Debug, Clone)]
struct Row {
    sig: RankSignals,
    /// Niche shares by niche id.
    niches: Box<[(u16, f64)]>,
    /// Index into `platforms`.
    platform: u16,
}

impl SegmentSignals {
    /// Decode the segment's `signals` column. A segment written without it (impossible with
    /// the current schema) decodes to nothing: its documents are never scored.
    pub fn build(seg: &SegmentReader) -> SegmentSignals {
        let mut out = SegmentSignals::default();
        let Ok(Some(col)) = seg.fast_fields().bytes("signals") else {
            return out;
        };
        // The fast field keeps each distinct value once, by ordinal: decode them in order.
        let mut by_ord: Vec<Option<Row>> = Vec::with_capacity(col.num_terms());
        if let Ok(mut stream) = col.dictionary().stream() {
            while stream.advance() {
                let ord = stream.term_ord() as usize;
                if by_ord.len() < ord {
                    by_ord.resize(ord, None);
                }
                let row = RankSignals::decode(stream.key()).map(|sig| out.row(sig));
                by_ord.push(row);
            }
        }
        // Then lay them out by doc id (one lookup, not two, per candidate).
        let mut first_doc: Vec<Option<usize>> = vec![None; by_ord.len()];
        for doc in 0..seg.max_doc() {
            let ord = col.term_ords(doc).next().map(|o| o as usize);
            let row = match ord.filter(|o| *o < by_ord.len()) {
                None => None,
                Some(o) => match first_doc[o] {
                    None => {
                        first_doc[o] = Some(doc as usize);
                        by_ord[o].take()
                    }
                    // The same value twice (two identical creators): share a copy.
                    Some(d) => out.rows[d].clone(),
                },
            };
            out.rows.push(row);
        }
        out
    }

    fn row(&mut self, sig: RankSignals) -> Row {
        let niches = sig
            .niche_shares
            .iter()
            .map(|(name, share)| {
                let next = self.niche_ids.len() as u16;
                (*self.niche_ids.entry(name.clone()).or_insert(next), *share)
            })
            .collect();
        let platform = match self.platforms.iter().position(|p| *p == sig.platform) {
            Some(i) => i as u16,
            None => {
                self.platforms.push(sig.platform.clone());
                (self.platforms.len() - 1) as u16
            }
        };
        Row {
            sig,
            niches,
            platform,
        }
    }

    fn row_of(&self, doc: DocId) -> Option<&Row> {
        self.rows.get(doc as usize)?.as_ref()
    }

    pub fn get(&self, doc: DocId) -> Option<&RankSignals> {
        self.row_of(doc).map(|r| &r.sig)
    }

    /// Niche names as this segment's ids (`None`: no creator here has that niche).
    pub fn niche_ids<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<Option<u16>> {
        names
            .into_iter()
            .map(|n| self.niche_ids.get(n).copied())
            .collect()
    }

    /// The document's share of a niche given by id (what `RankSignals::niche_share` says).
    pub fn niche_share(&self, doc: DocId, niche: Option<u16>) -> Option<f64> {
        let niche = niche?;
        self.row_of(doc)?
            .niches
            .iter()
            .find(|(id, _)| *id == niche)
            .map(|(_, share)| *share)
    }

    /// The platforms of this segment's creators; [`Self::platform_id`] indexes it.
    pub fn platforms(&self) -> &[String] {
        &self.platforms
    }

    pub fn platform_id(&self, doc: DocId) -> Option<usize> {
        self.row_of(doc).map(|r| usize::from(r.platform))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The signals of the creator at `addr`, from a searcher's tables (by segment ordinal, as
/// [`SignalCache::for_searcher`] gives them).
pub fn signals_at(tables: &[Arc<SegmentSignals>], addr: DocAddress) -> Option<&RankSignals> {
    tables.get(addr.segment_ord as usize)?.get(addr.doc_id)
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
    use crate::index::doc::RecordOnly;

    /// Every creator's table entry is exactly what its stored record says, so scoring from
    /// the table is scoring from the record.
    #[test]
    fn table_matches_the_stored_records() {
        let (_dir, index) = crate::testgen::index(11, 0..120);
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
                let sig = RankSignals::of(&rec);
                assert_eq!(tables[ord].get(doc), Some(&sig));
                let names = ["skincare", "coffee", "running", "no such niche"];
                let ids = tables[ord].niche_ids(names);
                for (name, id) in names.iter().zip(ids) {
                    assert_eq!(tables[ord].niche_share(doc, id), sig.niche_share(name));
                }
                let p = tables[ord].platform_id(doc).unwrap();
                assert_eq!(tables[ord].platforms()[p], sig.platform);
                seen += 1;
            }
        }
        assert_eq!(seen, 120);
        // A second call decodes nothing new: the same tables come back.
        let again = cache.for_searcher(&searcher);
        assert!(Arc::ptr_eq(&again[0], &tables[0]));
    }
}
