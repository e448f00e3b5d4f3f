//! Query focus for the candidates that can still reach the page, best bound first.
//!
//! Focus is the one re-ranking signal read from posting lists per candidate (see
//! [`super::focus`]), and the score only grows with it (relevance × "proven", theme
//! consistency for a niche the taxonomy does not know, the focus signal itself — the ranker
//! defers focus only while their weights are ≥ 0). So every candidate is first scored as if
//! fully focused, an upper bound, and focus is computed for the best bounds first; once the
//! next bound is below the page's last exact score, neither that candidate nor any after it
//! can reach the page.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::{DocAddress, Searcher};

use super::candidate::{Candidate, Ordered};
use super::focus::QueryFocus;
use super::score::{self, Signal};
use crate::error::Result;

/// Query focus for the candidates that can still reach the first `k` places, scored so far
/// as if fully focused (`cands[i].score` an upper bound: the score only grows with focus):
/// best upper bound first, in growing batches, stopping once the next upper bound is below
/// the `k`-th best exact score — neither it nor any after it can reach the page, and their
/// bound keeps them off it. `rescore` gives a candidate's parts with its focus; the fit
/// signals already set are kept. Exact: the page is the one computing every focus gives.
pub(super) fn resolve_focus(
    qf: &QueryFocus,
    searcher: &Searcher,
    k: usize,
    cands: &mut [Candidate],
    rescore: impl Fn(&Candidate, usize, f64) -> score::Parts,
) -> Result<()> {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&a, &b| cands[b].score.total_cmp(&cands[a].score));
    let mut best: BinaryHeap<Reverse<Ordered>> = BinaryHeap::new();
    let mut at = 0;
    let mut batch = (k * FOCUS_FIRST_BATCH).max(1);
    while at < order.len() {
        let threshold = (best.len() >= k)
            .then(|| best.peek().map(|m| m.0.0))
            .flatten();
        if threshold.is_some_and(|t| cands[order[at]].score < t) {
            break;
        }
        let ids = &order[at..(at + batch).min(order.len())];
        let addrs: Vec<DocAddress> = ids.iter().map(|&i| cands[i].addr).collect();
        let posts: Vec<u64> = ids.iter().map(|&i| cands[i].sig.posts_indexed).collect();
        let langs: Vec<Option<&str>> = ids
            .iter()
            .map(|&i| cands[i].sig.language.as_deref())
            .collect();
        let values = qf.values(searcher, &addrs, &posts, &langs)?;
        for (&i, q) in ids.iter().zip(values) {
            let mut parts = rescore(&cands[i], i, q);
            for s in [Signal::Buyer, Signal::ShipTo, Signal::AvoidPenalty] {
                if let Some(v) = cands[i].parts.get(s) {
                    parts.set(s, v);
                }
            }
            cands[i].score = parts.total();
            cands[i].parts = parts;
            best.push(Reverse(Ordered(cands[i].score)));
            if best.len() > k {
                best.pop();
            }
        }
        at += ids.len();
        batch *= 2;
    }
    Ok(())
}

/// The first batch of [`resolve_focus`], in pages: each batch opens every query word's
/// posting lists again, and on the benchmark's queries about 4 pages' worth of candidates
/// can still reach the page (96 of 400 for most), so one batch usually settles it.
const FOCUS_FIRST_BATCH: usize = 5;
