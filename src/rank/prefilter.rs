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

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query};
use tantivy::{BitSet, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};

/// The documents of each segment passing every `Must` clause of `filters` (`None` when there
/// is none: nothing to check).
pub(crate) fn bitsets(
    searcher: &Searcher,
    filters: &[(Occur, Box<dyn Query>)],
) -> Result<Option<Vec<BitSet>>> {
    let must: Vec<(Occur, Box<dyn Query>)> = filters
        .iter()
        .filter(|(o, _)| *o == Occur::Must)
        .map(|(o, q)| (*o, q.box_clone()))
        .collect();
    if must.is_empty() {
        return Ok(None);
    }
    let err = |e: tantivy::TantivyError| Error::Other(format!("search failed: {e}"));
    let weight = BooleanQuery::new(must)
        .weight(EnableScoring::disabled_from_searcher(searcher))
        .map_err(err)?;
    searcher
        .segment_readers()
        .iter()
        .map(|reader| {
            let mut bits = BitSet::with_max_value(reader.max_doc());
            weight
                .for_each_no_score(reader, &mut |docs: &[DocId]| {
                    for &d in docs {
                        bits.insert(d);
                    }
                })
                .map_err(err)?;
            Ok(bits)
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// `inner`, fed only the matches whose document is in its segment's bitset.
pub(crate) struct Prefiltered<'a, C> {
    pub(crate) bits: &'a [BitSet],
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
            // A segment's bitset is small (one bit per document); cloning it keeps the child
            // `'static`, as tantivy requires.
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
    bits: BitSet,
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
