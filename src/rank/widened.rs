//! The widened retrieval of an expanded query (see [`super::feedback`]) without scoring the
//! typed words twice.
//!
//! Widened, a query matches its typed words or its expansion terms, scored by the sum of
//! both. Run as one query it scores the typed words' postings again — the larger part, since
//! expansion terms are few — though the first retrieval just scored them. So the first
//! retrieval of a query that may be expanded keeps every match's score ([`AllScores`]); the
//! second runs the expansion terms alone, and the two are merged document by document
//! ([`merged_top`]). The matches are the same and each score is the same sum (in another
//! order: a float rounding at most).

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
    let mut best = Best::new(k);
    for (s, hits) in matches.iter().enumerate() {
        for &(d, score) in hits {
            best.push(score, DocAddress::new(s as u32, d));
        }
    }
    best.finish()
}

/// [`top`] of every document of `text` or `expansion`, scored by the sum of both (merged in
/// document order, segment by segment), without building the merged lists first.
pub(crate) fn merged_top(
    text: &Matches,
    expansion: &Matches,
    k: usize,
) -> (usize, Vec<(f32, DocAddress)>) {
    let n = text.len().max(expansion.len());
    let mut best = Best::new(k);
    for s in 0..n {
        let at = |d: DocId| DocAddress::new(s as u32, d);
        let a = text.get(s).map_or(&[][..], Vec::as_slice);
        let b = expansion.get(s).map_or(&[][..], Vec::as_slice);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let ((da, sa), (db, sb)) = (a[i], b[j]);
            if da == db {
                best.push(sa + sb, at(da));
                i += 1;
                j += 1;
            } else if da < db {
                best.push(sa, at(da));
                i += 1;
            } else {
                best.push(sb, at(db));
                j += 1;
            }
        }
        for &(d, sc) in a[i..].iter().chain(&b[j..]) {
            best.push(sc, at(d));
        }
    }
    best.finish()
}

/// Best first; equal scores in index order.
fn order(a: &(f32, DocAddress), b: &(f32, DocAddress)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

/// The count of the matches pushed and the best `k` of them. Tens of thousands of matches
/// stream through a buffer of 2k: when it fills, it is cut to its best `k`, and the `k`-th
/// of those is a bar no later match below it can pass (it would rank after `k` others).
/// tantivy's `TopNComputer` is the same buffer; on the slowest benchmark query it measured 2–5 %
/// slower than this one (the bar's plain float comparison first), so this one stays.
struct Best {
    k: usize,
    total: usize,
    buf: Vec<(f32, DocAddress)>,
    bar: Option<(f32, DocAddress)>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            total: 0,
            buf: Vec::with_capacity(2 * k.max(1)),
            bar: None,
        }
    }

    #[inline]
    fn push(&mut self, score: f32, addr: DocAddress) {
        self.total += 1;
        let hit = (score, addr);
        if let Some(bar) = self.bar {
            // Most matches are plainly below the bar: one float comparison.
            if score < bar.0 || order(&hit, &bar).is_ge() {
                return;
            }
        } else if self.k == 0 {
            return;
        }
        self.buf.push(hit);
        if self.buf.len() >= 2 * self.k {
            self.cut();
            self.bar = self.buf.last().copied();
        }
    }

    fn cut(&mut self) {
        if self.buf.len() > self.k {
            self.buf.select_nth_unstable_by(self.k - 1, order);
            // The k-th best is now last, the better ones before it.
            self.buf.truncate(self.k);
        }
    }

    fn finish(mut self) -> (usize, Vec<(f32, DocAddress)>) {
        if self.k > 0 {
            self.cut();
        }
        self.buf.sort_unstable_by(order);
        (self.total, self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sums_shared_documents_and_keeps_the_rest() {
        let text: Matches = vec![vec![(1, 2.0), (4, 1.0)], vec![(0, 3.0)]];
        let exp: Matches = vec![vec![(2, 0.5), (4, 0.5), (6, 0.25)], vec![]];
        let (total, all) = merged_top(&text, &exp, 10);
        assert_eq!(total, 5);
        let at = DocAddress::new;
        assert_eq!(
            all,
            vec![
                (3.0, at(1, 0)),
                (2.0, at(0, 1)),
                (1.5, at(0, 4)),
                (0.5, at(0, 2)),
                (0.25, at(0, 6))
            ]
        );
        let (total, best) = merged_top(&text, &exp, 2);
        assert_eq!(total, 5);
        assert_eq!(best, vec![(3.0, at(1, 0)), (2.0, at(0, 1))]);
    }

    #[test]
    fn streaming_through_the_buffer_keeps_the_exact_best() {
        // Many ties and more matches than the buffer holds, in several segments.
        let m: Matches = (0..3)
            .map(|s| {
                (0..5_000u32)
                    .map(|d| (d, ((d * 7 + s * 13) % 97) as f32 / 4.0))
                    .collect()
            })
            .collect();
        for k in [1, 7, 400, 20_000] {
            let mut naive: Vec<(f32, DocAddress)> = m
                .iter()
                .enumerate()
                .flat_map(|(s, h)| {
                    h.iter()
                        .map(move |&(d, x)| (x, DocAddress::new(s as u32, d)))
                })
                .collect();
            naive.sort_by(order);
            naive.truncate(k);
            assert_eq!(top(&m, k), (15_000, naive), "k = {k}");
        }
        assert_eq!(top(&m, 0), (15_000, vec![]));
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
