//! The widened retrieval of an expanded query (see [`super::feedback`]) without scoring the
//! typed words twice.
//!
//! Widened, a query matches its typed words or its expansion terms, scored by the sum of
//! both. Run as one query it scores the typed words' postings again — the larger part, since
//! expansion terms are few — though the first retrieval just scored them. So the first
//! retrieval of a query that may be expanded keeps every match's score ([`AllScores`]); the
//! second runs the expansion terms alone, and the two are merged document by document. The
//! matches are the same and each score is the same sum (in another order: a float rounding
//! at most).

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Every match of a query, by segment, each segment's in document order.
pub(crate) type Matches = Vec<Vec<(DocId, Score)>>;

/// Collects every match with its score.
pub(crate) struct AllScores;

pub(crate) struct AllScoresSegment {
    segment: SegmentOrdinal,
    hits: Vec<(DocId, Score)>,
}

impl Collector for AllScores {
    type Fruit = Matches;
    type Child = AllScoresSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<AllScoresSegment> {
        Ok(AllScoresSegment {
            segment,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<(DocId, Score)>)>,
    ) -> tantivy::Result<Matches> {
        let mut out: Matches = vec![Vec::new(); fruits.len()];
        for (segment, hits) in fruits {
            let at = segment as usize;
            if at >= out.len() {
                out.resize(at + 1, Vec::new());
            }
            out[at] = hits;
        }
        Ok(out)
    }
}

impl SegmentCollector for AllScoresSegment {
    type Fruit = (SegmentOrdinal, Vec<(DocId, Score)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.hits.push((doc, score));
    }

    fn harvest(self) -> Self::Fruit {
        (self.segment, self.hits)
    }
}

/// The number of matches and the best `k`, best first, equal scores in index order (as
/// tantivy's `TopDocs` orders them).
pub(crate) fn top(matches: &Matches, k: usize) -> (usize, Vec<(f32, DocAddress)>) {
    let mut all: Vec<(f32, DocAddress)> = matches
        .iter()
        .enumerate()
        .flat_map(|(s, hits)| {
            hits.iter()
                .map(move |&(d, score)| (score, DocAddress::new(s as u32, d)))
        })
        .collect();
    let total = all.len();
    let order = |a: &(f32, DocAddress), b: &(f32, DocAddress)| {
        b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
    };
    if k > 0 && k < all.len() {
        all.select_nth_unstable_by(k - 1, order);
        all.truncate(k);
    }
    all.sort_unstable_by(order);
    (total, all)
}

/// Every document of `text` or `expansion`, scored by the sum of both (merged in document
/// order, segment by segment).
pub(crate) fn merge(text: &Matches, expansion: &Matches) -> Matches {
    let n = text.len().max(expansion.len());
    (0..n)
        .map(|s| {
            let a = text.get(s).map_or(&[][..], Vec::as_slice);
            let b = expansion.get(s).map_or(&[][..], Vec::as_slice);
            let mut out = Vec::with_capacity(a.len().max(b.len()));
            let (mut i, mut j) = (0, 0);
            while i < a.len() || j < b.len() {
                match (a.get(i), b.get(j)) {
                    (Some(&(da, sa)), Some(&(db, sb))) if da == db => {
                        out.push((da, sa + sb));
                        i += 1;
                        j += 1;
                    }
                    (Some(&(da, sa)), Some(&(db, _))) if da < db => {
                        out.push((da, sa));
                        i += 1;
                    }
                    (Some(_), Some(&(db, sb))) | (None, Some(&(db, sb))) => {
                        out.push((db, sb));
                        j += 1;
                    }
                    (Some(&(da, sa)), None) => {
                        out.push((da, sa));
                        i += 1;
                    }
                    (None, None) => break,
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sums_shared_documents_and_keeps_the_rest() {
        let text: Matches = vec![vec![(1, 2.0), (4, 1.0)], vec![(0, 3.0)]];
        let exp: Matches = vec![vec![(2, 0.5), (4, 0.5)], vec![]];
        let m = merge(&text, &exp);
        assert_eq!(m, vec![vec![(1, 2.0), (2, 0.5), (4, 1.5)], vec![(0, 3.0)]]);
        let (total, best) = top(&m, 2);
        assert_eq!(total, 4);
        assert_eq!(
            best,
            vec![(3.0, DocAddress::new(1, 0)), (2.0, DocAddress::new(0, 1))]
        );
    }

    #[test]
    fn equal_scores_in_index_order() {
        let m: Matches = vec![vec![(5, 1.0), (3, 1.0)], vec![(0, 1.0)]];
        let (_, best) = top(&m, 2);
        assert_eq!(
            best,
            vec![(1.0, DocAddress::new(0, 3)), (1.0, DocAddress::new(0, 5))]
        );
    }
}
