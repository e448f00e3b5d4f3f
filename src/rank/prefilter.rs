//! The hard filters' `Must` clauses as a bitset per segment, checked as the text query's
//! matches are collected.
//!
//! As `Must` clauses beside the text query, tantivy intersects them: the cheapest side
//! leads and the other seeks to each of its documents. A filter usually leads (a language,
//! a tier or an activity range holds more creators than a niche's words, but is cheaper to
//! step through), and the text side is a union of a few dozen term lists over eleven
//! fields: every seek moves each of them. Evaluated first, unscored, into a bitset (one pass
//! over the filter's own postings or fast-field column), the filters cost a bit test per
//! text match instead. Same matches, same scores: BM25 statistics never depend on filters.
//!
//! A segment's bitset for a set of filters is kept ([`FilterCache`], as Lucene's query cache
//! keeps filter bitsets): marketers combine a handful of filters, and a segment never changes
//! (deleted documents are left out by tantivy as matches are collected, not by the bitset).
//! The activity filter's range starts at a whole minute (see [`super::retrieve`]), so it is
//! kept for that minute's searches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, Weight};
use tantivy::{BitSet, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};

/// Bitsets kept at most (about 12 KB each per 100,000 creators); all are dropped when full.
const FILTER_CACHE_ENTRIES: usize = 512;

/// Filter bitsets by segment and filters (the `Must` clauses as written out by `Debug`:
/// their terms and bounds exactly).
#[derive(Default)]
pub(crate) struct FilterCache {
    bits: Mutex<HashMap<(SegmentId, String), Arc<BitSet>>>,
}

/// The documents of each segment passing every `Must` clause of `filters` (`None` when there
/// is none: nothing to check), kept in and reused from `cache`.
pub(crate) fn bitsets(
    searcher: &Searcher,
    filters: &[(Occur, Box<dyn Query>)],
    cache: &FilterCache,
) -> Result<Option<Vec<Arc<BitSet>>>> {
    let must: Vec<(Occur, Box<dyn Query>)> = filters
        .iter()
        .filter(|(o, _)| *o == Occur::Must)
        .map(|(o, q)| (*o, q.box_clone()))
        .collect();
    if must.is_empty() {
        return Ok(None);
    }
    let key = format!("{must:?}");
    let err = |e: tantivy::TantivyError| Error::Other(format!("search failed: {e}"));
    // Built on the first segment whose bitset is not kept: usually none is missing.
    let mut filter: Option<Box<dyn Weight>> = None;
    let mut out = Vec::with_capacity(searcher.segment_readers().len());
    for reader in searcher.segment_readers() {
        let id = (reader.segment_id(), key.clone());
        if let Some(b) = cache.bits.lock().ok().and_then(|m| m.get(&id).cloned()) {
            out.push(b);
            continue;
        }
        let weight = match &mut filter {
            Some(w) => w,
            None => filter.insert(
                BooleanQuery::new(must.iter().map(|(o, q)| (*o, q.box_clone())).collect())
                    .weight(EnableScoring::disabled_from_searcher(searcher))
                    .map_err(err)?,
            ),
        };
        let mut bits = BitSet::with_max_value(reader.max_doc());
        weight
            .for_each_no_score(reader, &mut |docs: &[DocId]| {
                for &d in docs {
                    bits.insert(d);
                }
            })
            .map_err(err)?;
        let bits = Arc::new(bits);
        if let Ok(mut m) = cache.bits.lock() {
            if m.len() >= FILTER_CACHE_ENTRIES {
                m.clear();
            }
            m.insert(id, bits.clone());
        }
        out.push(bits);
    }
    Ok(Some(out))
}

/// `searcher.search(query, collector)`, the matches checked against `bits` when there are.
pub(crate) fn search<C>(
    searcher: &Searcher,
    query: &dyn Query,
    bits: Option<&[Arc<BitSet>]>,
    collector: C,
) -> Result<C::Fruit>
where
    C: Collector,
    C::Child: 'static,
{
    match bits {
        Some(bits) => searcher.search(
            query,
            &Prefiltered {
                bits,
                inner: collector,
            },
        ),
        None => searcher.search(query, &collector),
    }
    .map_err(|e| Error::Other(format!("search failed: {e}")))
}

/// `inner`, fed only the matches whose document is in its segment's bitset.
pub(crate) struct Prefiltered<'a, C> {
    pub(crate) bits: &'a [Arc<BitSet>],
    pub(crate) inner: C,
}

impl<C: Collector> Collector for Prefiltered<'_, C>
where
    C::Child: 'static,
{
    type Fruit = C::Fruit;
    type Child = PrefilteredSegment<C::Child>;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(PrefilteredSegment {
            bits: self.bits[segment as usize].clone(),
            inner: self.inner.for_segment(segment, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

pub(crate) struct PrefilteredSegment<S> {
    bits: Arc<BitSet>,
    inner: S,
}

impl<S: SegmentCollector> SegmentCollector for PrefilteredSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.bits.contains(doc) {
            self.inner.collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.inner.harvest()
    }
}
