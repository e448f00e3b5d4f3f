//! `query_focus`: how much of a creator's own posting is about what the marketer typed, for
//! any niche — the taxonomy's `theme_consistency` only knows its 30 niches.
//!
//! The share of the creator's own posts that match the query, each post counted once: the
//! `post_terms` field (see [`crate::index::post_terms`]) indexes each post's words at the
//! post's index, so a word's positions in a creator's posting list are the posts using it.
//! A post matches
//! - the typed words: the IDF-weighted share of them it uses (the specific word of
//!   "sourdough baking" counts more than the generic one; a word no creator uses carries no
//!   information and is left out), any form — the word, or its stem in the creator's
//!   language;
//! - a taxonomy synonym, all its words in the post: [`SYNONYM_FOCUS`] (a Spanish creator
//!   writing "café de especialidad" for "specialty coffee");
//! - expansion terms learnt from the query's most focused creators (see
//!   [`super::feedback`]): up to [`FEEDBACK_FOCUS_WEIGHT`], combined as a noisy-or;
//!
//! and counts the best of the three. Only the retrieved candidates are scored (a few
//! hundred): per word form, one posting list per segment, sought to each candidate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::constants::{FEEDBACK_FOCUS_WEIGHT, SYNONYM_FOCUS};
use super::retrieve::analyse_positions;
use super::table::{SegmentSignals, signals_at};
use super::word_freqs::WordFreqs;
use crate::error::{Error, Result};
use crate::index::Fields;
use crate::index::post_terms::stem_token;

/// One word: its forms in `post_terms` and its weight.
#[derive(Debug, Clone)]
struct Word {
    forms: Vec<Term>,
    weight: f64,
}

/// The query compiled for focus: typed words, synonyms and expansion terms.
#[derive(Debug, Clone)]
pub struct QueryFocus {
    words: Vec<Word>,
    /// Each synonym's words (all in one post to match).
    synonyms: Vec<Vec<Word>>,
    /// Expansion terms, weights 0–1 (the best 1).
    feedback: Vec<Word>,
}

/// The forms of `text`'s words in `post_terms`, grouped by position: the neutral token and
/// each stemming language's stem.
fn words_of(index: &tantivy::Index, f: &Fields, text: &str) -> Vec<Vec<Term>> {
    let mut by_pos: std::collections::BTreeMap<usize, Vec<Term>> = Default::default();
    let mut add = |pos: usize, token: String| {
        let t = Term::from_field_text(f.post_terms, &token);
        let forms = by_pos.entry(pos).or_default();
        if !forms.contains(&t) {
            forms.push(t);
        }
    };
    for (pos, tok) in analyse_positions(index, f.posts, text) {
        add(pos, tok);
    }
    for (code, posts, _) in &f.stemmed {
        for (pos, tok) in analyse_positions(index, *posts, text) {
            add(pos, stem_token(code, &tok));
        }
    }
    by_pos.into_values().collect()
}

/// [`words_of`] for a taxonomy synonym, analysed once per process: the same few hundred
/// synonyms come back query after query, each through seven analysers. The memo is keyed by
/// the field too (every scout index has the same analysers) and starts over past
/// [`SYNONYM_MEMO_ENTRIES`] (a custom taxonomy can be large).
fn synonym_words(index: &tantivy::Index, f: &Fields, synonym: &str) -> Vec<Vec<Term>> {
    type Memo = HashMap<(Field, String), Vec<Vec<Term>>>;
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    let memo = MEMO.get_or_init(Mutex::default);
    let key = (f.post_terms, synonym.to_string());
    if let Some(w) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return w;
    }
    let words = words_of(index, f, synonym);
    if let Ok(mut m) = memo.lock() {
        if m.len() >= SYNONYM_MEMO_ENTRIES {
            m.clear();
        }
        m.insert(key, words.clone());
    }
    words
}

/// Synonyms whose analysed forms [`synonym_words`] keeps at most.
const SYNONYM_MEMO_ENTRIES: usize = 10_000;

fn doc_freq(searcher: &Searcher, freqs: &WordFreqs, forms: &[Term]) -> u64 {
    forms
        .iter()
        .map(|t| freqs.doc_freq(searcher, t))
        .max()
        .unwrap_or(0)
}

/// Inverse document frequency (BM25's), `None` for a word no creator uses.
fn idf(searcher: &Searcher, freqs: &WordFreqs, forms: &[Term]) -> Option<f64> {
    let n = searcher.num_docs() as f64;
    let df = doc_freq(searcher, freqs, forms) as f64;
    (df > 0.0).then(|| (1.0 + (n - df + 0.5) / (df + 0.5)).ln())
}

impl QueryFocus {
    /// `None` when no word of the query or its synonyms appears in anyone's posts.
    pub fn build(
        index: &tantivy::Index,
        f: &Fields,
        searcher: &Searcher,
        query: &str,
        synonyms: &[String],
        freqs: &WordFreqs,
    ) -> Option<QueryFocus> {
        let words: Vec<Word> = words_of(index, f, query)
            .into_iter()
            .filter_map(|forms| idf(searcher, freqs, &forms).map(|weight| Word { forms, weight }))
            .collect();
        let synonyms: Vec<Vec<Word>> = synonyms
            .iter()
            .filter_map(|s| {
                let ws = synonym_words(index, f, s);
                // A word of it no creator uses: the synonym cannot match.
                let all_used =
                    !ws.is_empty() && ws.iter().all(|w| doc_freq(searcher, freqs, w) > 0);
                all_used.then(|| {
                    ws.into_iter()
                        .map(|forms| Word { forms, weight: 1.0 })
                        .collect()
                })
            })
            .collect();
        (!words.is_empty() || !synonyms.is_empty()).then_some(QueryFocus {
            words,
            synonyms,
            feedback: Vec::new(),
        })
    }

    /// Whether `token` (a neutral token, as in `posts`) is one of the typed words' or the
    /// synonyms' forms: expansion adds other words only.
    pub fn knows(&self, f: &Fields, token: &str) -> bool {
        let t = Term::from_field_text(f.post_terms, token);
        self.words
            .iter()
            .chain(self.synonyms.iter().flatten())
            .any(|w| w.forms.contains(&t))
    }

    /// Add expansion terms (neutral tokens with weights 0–1).
    pub fn with_feedback(mut self, f: &Fields, terms: &[(String, f64)]) -> QueryFocus {
        self.feedback = terms
            .iter()
            .map(|(t, w)| Word {
                forms: vec![Term::from_field_text(f.post_terms, t)],
                weight: *w,
            })
            .collect();
        self
    }

    /// The focus (0–1) of each of `docs`, whose own posts number `posts[i]` and whose
    /// language is `langs[i]`: the mean of [`Self::post_scores`].
    pub fn values(
        &self,
        searcher: &Searcher,
        docs: &[DocAddress],
        posts: &[u64],
        langs: &[Option<&str>],
    ) -> Result<Vec<f64>> {
        Ok(self
            .post_scores(searcher, docs, posts, langs)?
            .into_iter()
            .map(|s| {
                if s.is_empty() {
                    0.0
                } else {
                    (s.iter().sum::<f64>() / s.len() as f64).clamp(0.0, 1.0)
                }
            })
            .collect())
    }

    /// How well each own post of each of `docs` (language `langs[i]`) matches the query (0–1,
    /// the best of typed words, synonyms and expansion terms; see the module doc), by post
    /// index.
    pub fn post_scores(
        &self,
        searcher: &Searcher,
        docs: &[DocAddress],
        posts: &[u64],
        langs: &[Option<&str>],
    ) -> Result<Vec<Vec<f64>>> {
        let all: Vec<&Word> = self
            .words
            .iter()
            .chain(self.synonyms.iter().flatten())
            .chain(&self.feedback)
            .collect();
        let matches = PostMatches::read(searcher, &all, docs, posts, langs)?;
        let total: f64 = self.words.iter().map(|w| w.weight).sum();
        let syn_at = self.words.len();
        let fb_at = syn_at + self.synonyms.iter().map(Vec::len).sum::<usize>();
        let score = |i: usize, p: usize| {
            let has = |w: usize| matches.has(w, i, p);
            let typed = if total > 0.0 {
                let got: f64 = (0..self.words.len())
                    .filter(|&w| has(w))
                    .map(|w| self.words[w].weight)
                    .sum();
                got / total
            } else {
                0.0
            };
            let mut at = syn_at;
            let mut syn: f64 = 0.0;
            for s in &self.synonyms {
                if (at..at + s.len()).all(has) {
                    syn = SYNONYM_FOCUS;
                }
                at += s.len();
            }
            let missed: f64 = self
                .feedback
                .iter()
                .enumerate()
                .filter(|(e, _)| has(fb_at + e))
                .map(|(_, w)| 1.0 - FEEDBACK_FOCUS_WEIGHT * w.weight)
                .product();
            typed.max(syn).max(1.0 - missed)
        };
        // A post no word matches scores 0 (nothing typed, no synonym whole, nothing missed):
        // only the posts some word matches are scored. Most candidates' posts are not on
        // the query, so this is a few posts per creator, not all of them times every word.
        Ok((0..docs.len())
            .map(|i| {
                let n = posts[i] as usize;
                let mut out = vec![0.0; n];
                for p in matches.matched_posts(all.len(), i) {
                    out[p] = score(i, p);
                }
                out
            })
            .collect())
    }
}

/// The stemming language of a `post_terms` stem form (`{code}:{stem}`); `None` for a neutral
/// token (they never hold a `:`).
fn stem_language(term: &Term) -> Option<&str> {
    let bytes = term.serialized_value_bytes();
    let colon = bytes.iter().position(|&b| b == b':')?;
    std::str::from_utf8(&bytes[..colon]).ok()
}

/// Which posts of each document use each word: a bitset per (word, document).
struct PostMatches {
    docs: usize,
    blocks: usize,
    bits: Vec<u64>,
}

impl PostMatches {
    /// A stem form (`{code}:{stem}`) is only sought in the documents of its language: a
    /// creator's `post_terms` hold the stems of their own language only (see
    /// [`crate::index::post_terms`]), so the other documents cannot match it.
    fn read(
        searcher: &Searcher,
        words: &[&Word],
        docs: &[DocAddress],
        posts: &[u64],
        langs: &[Option<&str>],
    ) -> Result<PostMatches> {
        let blocks = (posts.iter().copied().max().unwrap_or(0) as usize)
            .div_ceil(64)
            .max(1);
        let mut out = PostMatches {
            docs: docs.len(),
            blocks,
            bits: vec![0; words.len() * docs.len() * blocks],
        };
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&i| (docs[i].segment_ord, docs[i].doc_id));
        let err = |e: tantivy::TantivyError| Error::Other(format!("query focus: {e}"));
        let io = |e: std::io::Error| Error::Other(format!("query focus: {e}"));
        let mut positions = Vec::new();
        let mut k = 0;
        while k < order.len() {
            let seg = docs[order[k]].segment_ord;
            let end = order[k..]
                .iter()
                .position(|&i| docs[i].segment_ord != seg)
                .map_or(order.len(), |p| k + p);
            let reader = searcher.segment_reader(seg);
            for (w, word) in words.iter().enumerate() {
                for term in &word.forms {
                    let stem_of = stem_language(term);
                    let wanted = |i: usize| stem_of.is_none() || langs[i] == stem_of;
                    if !order[k..end].iter().any(|&i| wanted(i)) {
                        continue;
                    }
                    let field: Field = term.field();
                    let inverted = reader.inverted_index(field).map_err(err)?;
                    let Some(mut postings) = inverted
                        .read_postings(term, IndexRecordOption::WithFreqsAndPositions)
                        .map_err(io)?
                    else {
                        continue;
                    };
                    for &i in order[k..end].iter().filter(|&&i| wanted(i)) {
                        let target = docs[i].doc_id;
                        let mut at = postings.doc();
                        if at < target {
                            at = postings.seek(target);
                        }
                        if at == target {
                            postings.positions(&mut positions);
                            for &p in &positions {
                                out.set(w, i, p as usize, posts[i] as usize);
                            }
                        }
                    }
                }
            }
            k = end;
        }
        Ok(out)
    }

    fn set(&mut self, w: usize, doc: usize, post: usize, posts: usize) {
        if post < posts {
            let at = (w * self.docs + doc) * self.blocks + post / 64;
            self.bits[at] |= 1 << (post % 64);
        }
    }

    fn has(&self, w: usize, doc: usize, post: usize) -> bool {
        let at = (w * self.docs + doc) * self.blocks + post / 64;
        self.bits[at] & (1 << (post % 64)) != 0
    }

    /// The posts of `doc` that any of the first `words` words matches, in order (only posts
    /// below the document's count are ever set).
    fn matched_posts(&self, words: usize, doc: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.blocks).flat_map(move |b| {
            let mut any = (0..words)
                .map(|w| self.bits[(w * self.docs + doc) * self.blocks + b])
                .fold(0u64, |a, x| a | x);
            std::iter::from_fn(move || {
                (any != 0).then(|| {
                    let bit = any.trailing_zeros() as usize;
                    any &= any - 1;
                    b * 64 + bit
                })
            })
        })
    }
}

/// The focus of every retrieved candidate, typed words and synonyms only (no expansion; the
/// ranker's full path is [`super::feedback::focus_and_widen`]). `None` without query text.
pub fn for_candidates(
    index: &crate::index::CreatorIndex,
    searcher: &Searcher,
    query: &str,
    synonyms: &[String],
    top: &[(f32, DocAddress)],
    tables: &[Arc<SegmentSignals>],
) -> Result<Option<Vec<f64>>> {
    if query.trim().is_empty() {
        return Ok(None);
    }
    let freqs = WordFreqs::default();
    let Some(q) = QueryFocus::build(
        index.tantivy(),
        &index.fields,
        searcher,
        query,
        synonyms,
        &freqs,
    ) else {
        return Ok(Some(vec![0.0; top.len()]));
    };
    let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
    let sig = |a: &DocAddress| signals_at(tables, *a);
    let posts: Vec<u64> = addrs
        .iter()
        .map(|a| sig(a).map_or(0, |s| s.posts_indexed))
        .collect();
    let langs: Vec<Option<&str>> = addrs
        .iter()
        .map(|a| sig(a).and_then(|s| s.language.as_deref()))
        .collect();
    q.values(searcher, &addrs, &posts, &langs).map(Some)
}
