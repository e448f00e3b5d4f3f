//! `query_focus`: how much of a creator's own posting is about what the marketer typed, for
//! any niche — the taxonomy's `theme_consistency` only knows its 30 niches.
//!
//! For each query word, the creator's posts mention it `tf` times (the most of its forms: the
//! word in the `posts` field, its stem in each stemmed posts field); its share is
//! `min(1, tf / posts_indexed)`. The focus is the words' shares averaged with IDF weights (the
//! specific word of "sourdough baking" counts more than the generic one; a word no creator
//! uses carries no information and is left out), or the best single-word taxonomy synonym's
//! share when that is higher (a Spanish creator writing "correr" for "running").
//!
//! Why term frequencies rather than an exact count of matching posts: posts are indexed as
//! one text per creator, and reading every candidate's stored posts costs a document-store
//! read each (tens of µs) where a posting-list seek costs well under one. A post naming the
//! niche twice counts twice, hence the cap; a stemmed field also holds the bio, so a stuffed
//! bio adds about `1 / posts` — small next to a real focus. Candidates only (a few hundred).

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::retrieve::analyse_positions;
use crate::error::{Error, Result};
use crate::index::Fields;

/// One query word (or synonym): its forms per field and its weight.
struct Word {
    forms: Vec<Term>,
    weight: f64,
}

pub struct QueryFocus {
    words: Vec<Word>,
    synonyms: Vec<Word>,
}

fn fields_of(f: &Fields) -> Vec<Field> {
    let mut v = vec![f.posts];
    v.extend(f.stemmed.iter().map(|(_, posts, _)| *posts));
    v
}

/// The forms of `text` (one analysed token per field, positions aligned) grouped by position.
fn words_of(index: &tantivy::Index, fields: &[Field], text: &str) -> Vec<Vec<Term>> {
    let mut by_pos: std::collections::BTreeMap<usize, Vec<Term>> = Default::default();
    for field in fields {
        for (pos, tok) in analyse_positions(index, *field, text) {
            let t = Term::from_field_text(*field, &tok);
            let forms = by_pos.entry(pos).or_default();
            if !forms.contains(&t) {
                forms.push(t);
            }
        }
    }
    by_pos.into_values().collect()
}

fn doc_freq(searcher: &Searcher, forms: &[Term]) -> u64 {
    forms
        .iter()
        .map(|t| searcher.doc_freq(t).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

impl QueryFocus {
    /// `None` when no word of the query or its synonyms appears in anyone's posts.
    pub fn build(
        index: &tantivy::Index,
        f: &Fields,
        searcher: &Searcher,
        query: &str,
        synonyms: &[String],
    ) -> Option<QueryFocus> {
        let fields = fields_of(f);
        let n = searcher.num_docs() as f64;
        let weighted = |forms: Vec<Term>| {
            let df = doc_freq(searcher, &forms) as f64;
            (df > 0.0).then(|| Word {
                forms,
                weight: (1.0 + (n - df + 0.5) / (df + 0.5)).ln(),
            })
        };
        let words: Vec<Word> = words_of(index, &fields, query)
            .into_iter()
            .filter_map(weighted)
            .collect();
        let synonyms: Vec<Word> = synonyms
            .iter()
            .filter_map(|s| {
                let mut w = words_of(index, &fields, s);
                (w.len() == 1).then(|| w.remove(0))
            })
            .filter_map(weighted)
            .collect();
        (!words.is_empty() || !synonyms.is_empty()).then_some(QueryFocus { words, synonyms })
    }

    /// The focus (0–1) of each of `docs`, whose own posts number `posts[i]`.
    pub fn values(
        &self,
        searcher: &Searcher,
        docs: &[DocAddress],
        posts: &[u64],
    ) -> Result<Vec<f64>> {
        let all: Vec<&Word> = self.words.iter().chain(&self.synonyms).collect();
        // tf[word][doc]: the most frequent form.
        let mut tf = vec![vec![0u32; docs.len()]; all.len()];
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&i| (docs[i].segment_ord, docs[i].doc_id));
        let err = |e: tantivy::TantivyError| Error::Other(format!("query focus: {e}"));
        let io = |e: std::io::Error| Error::Other(format!("query focus: {e}"));
        let mut k = 0;
        while k < order.len() {
            let seg = docs[order[k]].segment_ord;
            let end = order[k..]
                .iter()
                .position(|&i| docs[i].segment_ord != seg)
                .map_or(order.len(), |p| k + p);
            let reader = searcher.segment_reader(seg);
            for (w, word) in all.iter().enumerate() {
                for term in &word.forms {
                    let inverted = reader.inverted_index(term.field()).map_err(err)?;
                    let Some(mut postings) = inverted
                        .read_postings(term, IndexRecordOption::WithFreqs)
                        .map_err(io)?
                    else {
                        continue;
                    };
                    for &i in &order[k..end] {
                        let target = docs[i].doc_id;
                        let mut at = postings.doc();
                        if at < target {
                            at = postings.seek(target);
                        }
                        if at == target {
                            tf[w][i] = tf[w][i].max(postings.term_freq());
                        }
                    }
                }
            }
            k = end;
        }
        let share = |w: usize, i: usize| {
            if posts[i] == 0 {
                0.0
            } else {
                (f64::from(tf[w][i]) / posts[i] as f64).min(1.0)
            }
        };
        let total: f64 = self.words.iter().map(|w| w.weight).sum();
        Ok((0..docs.len())
            .map(|i| {
                let words = if total > 0.0 {
                    self.words
                        .iter()
                        .enumerate()
                        .map(|(w, word)| word.weight * share(w, i))
                        .sum::<f64>()
                        / total
                } else {
                    0.0
                };
                let syn = (0..self.synonyms.len())
                    .map(|s| share(self.words.len() + s, i))
                    .fold(0.0, f64::max);
                words.max(syn)
            })
            .collect())
    }
}

/// The focus of every retrieved candidate (`None` without query text or matching words).
pub fn for_candidates(
    index: &crate::index::CreatorIndex,
    searcher: &Searcher,
    query: &str,
    synonyms: &[String],
    top: &[(f32, DocAddress)],
    posts_of: impl Fn(&DocAddress) -> u64,
) -> Result<Option<Vec<f64>>> {
    if query.trim().is_empty() {
        return Ok(None);
    }
    let Some(q) = QueryFocus::build(index.tantivy(), &index.fields, searcher, query, synonyms)
    else {
        return Ok(Some(vec![0.0; top.len()]));
    };
    let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
    let posts: Vec<u64> = addrs.iter().map(posts_of).collect();
    q.values(searcher, &addrs, &posts).map(Some)
}
