//! A query evaluated for a known set of documents only: per segment, the query's scorer
//! seeks to each candidate in doc-id order, so the cost follows the number of candidates
//! (a few hundred), not the number of documents the query matches in the whole index. Used
//! for the fit signals, which are computed for the candidates retrieval already chose.

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Searcher};

use crate::error::{Error, Result};

/// The BM25 score of `query` for each of `docs` (0 where it does not match), as the index's
/// statistics (document frequencies, average field lengths) make it.
pub(crate) fn scores(
    searcher: &Searcher,
    query: &dyn Query,
    docs: &[DocAddress],
) -> Result<Vec<f32>> {
    run(searcher, query, docs, true)
}

/// Whether `query` matches each of `docs` (no scoring).
pub(crate) fn matches(
    searcher: &Searcher,
    query: &dyn Query,
    docs: &[DocAddress],
) -> Result<Vec<bool>> {
    Ok(run(searcher, query, docs, false)?
        .into_iter()
        .map(|s| s > 0.0)
        .collect())
}

fn run(
    searcher: &Searcher,
    query: &dyn Query,
    docs: &[DocAddress],
    score: bool,
) -> Result<Vec<f32>> {
    let err = |e: tantivy::TantivyError| Error::Other(format!("scoring candidates failed: {e}"));
    let scoring = if score {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring).map_err(err)?;
    let mut out = vec![0.0f32; docs.len()];
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| (docs[i].segment_ord, docs[i].doc_id));
    let mut k = 0;
    while k < order.len() {
        let seg = docs[order[k]].segment_ord;
        let reader = searcher.segment_reader(seg);
        let mut scorer = weight.scorer(reader, 1.0).map_err(err)?;
        while k < order.len() && docs[order[k]].segment_ord == seg {
            let i = order[k];
            let target = docs[i].doc_id;
            let mut at = scorer.doc();
            if at < target {
                at = scorer.seek(target);
            }
            if at == target {
                // A match without scoring still marks the document (any positive value).
                out[i] = if score {
                    scorer.score().max(f32::MIN_POSITIVE)
                } else {
                    1.0
                };
            }
            k += 1;
        }
    }
    Ok(out)
}
