//! Pseudo-relevance feedback (RM3-style query expansion): the words a niche's creators use
//! beside the query's own, learnt per query from the creators most focused on it.
//!
//! A niche outside the taxonomy has no synonyms, so creators who write it in other words or
//! another language ("escalada en bloque", "V60 y espresso" for "specialty coffee") match
//! the typed words only now and then, and rank below bios that merely name the niche. So,
//! for a query naming no taxonomy niche: in each language, the candidates most focused on
//! the query (up to [`FEEDBACK_CREATORS`], focus ≥ [`FEEDBACK_MIN_FOCUS`], at least
//! [`FEEDBACK_MIN_CREATORS`]) are the feedback creators. The words of their posts on the
//! query (each post weighted by how well it matches) that at least [`FEEDBACK_MIN_CREATORS`]
//! and [`FEEDBACK_MIN_CREATOR_SHARE`] of them use, that are at least [`FEEDBACK_MIN_LIFT`]
//! times more common among them than among the creators of their language, and that are not
//! numbers become expansion terms: weight = mean post share × ln(lift), the best 1, at most
//! [`FEEDBACK_TERMS`] per language. They widen a second retrieval (boosted at most
//! [`FEEDBACK_RETRIEVAL_WEIGHT`] of a typed word) and count towards query focus (see
//! [`super::focus`]); they never replace the typed words.
//!
//! Cost per expanded query: the feedback creators' stored `post_words` (each post's distinct
//! words, written at indexing; only the posts on the query are looked at), one more
//! retrieval and one more focus pass over its candidates.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::candidate::read_err;
use super::constants::{
    FEEDBACK_CREATORS, FEEDBACK_MAX_COMMON, FEEDBACK_MAX_COMMON_FROM, FEEDBACK_MIN_CREATOR_SHARE,
    FEEDBACK_MIN_CREATORS, FEEDBACK_MIN_FOCUS, FEEDBACK_MIN_LIFT, FEEDBACK_MIN_WEIGHT,
    FEEDBACK_RETRIEVAL_WEIGHT, FEEDBACK_TERMS,
};
use super::focus::QueryFocus;
use super::table::{SegmentSignals, signals_at};
use super::word_freqs::WordFreqs;
use crate::error::Result;
use crate::index::doc::PostWordsOnly;
use crate::index::{CreatorIndex, Fields};

/// The feedback creators among the candidates, in groups by language (`lang[i]`): in each,
/// the most focused (ties in retrieval order) with focus at least [`FEEDBACK_MIN_FOCUS`], at
/// most [`FEEDBACK_CREATORS`]; a group with fewer than [`FEEDBACK_MIN_CREATORS`] is dropped.
/// By language, because a niche's words differ by language: the Spanish creators of a niche
/// teach its Spanish words even when the English ones are more focused on the typed words.
pub fn feedback_creators(focus: &[f64], lang: &[Option<&str>]) -> Vec<Vec<usize>> {
    let mut by_lang: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    for i in (0..focus.len()).filter(|&i| focus[i] >= FEEDBACK_MIN_FOCUS) {
        match by_lang.iter_mut().find(|(l, _)| *l == lang[i]) {
            Some((_, g)) => g.push(i),
            None => by_lang.push((lang[i], vec![i])),
        }
    }
    by_lang
        .into_iter()
        .map(|(_, mut g)| {
            g.sort_by(|&a, &b| focus[b].total_cmp(&focus[a]).then(a.cmp(&b)));
            g.truncate(FEEDBACK_CREATORS);
            g
        })
        .filter(|g| g.len() >= FEEDBACK_MIN_CREATORS)
        .collect()
}

/// The words met while learning, each once: posts are compared by word number. Borrowed from
/// the feedback creators' stored words: only the few kept as terms become `String`s.
#[derive(Default)]
struct Vocabulary<'a> {
    ids: HashMap<&'a str, usize>,
    words: Vec<&'a str>,
}

impl<'a> Vocabulary<'a> {
    fn id(&mut self, word: &'a str) -> usize {
        let words = &mut self.words;
        *self.ids.entry(word).or_insert_with(|| {
            words.push(word);
            words.len() - 1
        })
    }
}

/// The distinct neutral tokens (text and hashtags) of each post with a score above 0 (the
/// others are never read), as word numbers of `vocabulary`, with that score.
fn scored_post_words<'a>(
    vocabulary: &mut Vocabulary<'a>,
    words: &'a PostWordsOnly,
    scores: &[f64],
) -> Vec<(Vec<usize>, f64)> {
    words
        .posts()
        .zip(scores)
        .filter(|(_, s)| **s > 0.0)
        .map(|(tokens, s)| {
            // Distinct already (see `index::post_terms`).
            let words: Vec<usize> = tokens.map(|t| vocabulary.id(t)).collect();
            (words, *s)
        })
        .collect()
}

/// Expansion terms (neutral tokens, weights 0–1 with the best 1) from one group of
/// feedback creators: the distinct words of their own posts (`post_words`) with how well
/// each post matches the query (`scores`, by post), so the words of the posts on the query
/// count, not those of the others.
pub fn learn(
    index: &CreatorIndex,
    searcher: &Searcher,
    focus: &QueryFocus,
    lang: Option<&str>,
    feedback: &[(PostWordsOnly, Vec<f64>)],
    freqs: &WordFreqs,
) -> Vec<(String, f64)> {
    // By word number: (sum of per-creator shares, creators using it).
    let mut vocabulary = Vocabulary::default();
    let mut seen: Vec<(f64, usize)> = Vec::new();
    let mut creators = 0usize;
    let mut share: Vec<f64> = Vec::new();
    let mut touched: Vec<usize> = Vec::new();
    for (words, scores) in feedback {
        let posts = scored_post_words(&mut vocabulary, words, scores);
        let mass: f64 = posts.iter().map(|(_, s)| s).sum();
        if mass <= 0.0 {
            continue;
        }
        creators += 1;
        share.resize(vocabulary.words.len(), 0.0);
        seen.resize(vocabulary.words.len(), (0.0, 0));
        for (words, s) in &posts {
            for &w in words {
                if share[w] == 0.0 {
                    touched.push(w);
                }
                share[w] += s / mass;
            }
        }
        for w in touched.drain(..) {
            seen[w].0 += share[w];
            seen[w].1 += 1;
            share[w] = 0.0;
        }
    }
    if creators == 0 {
        return Vec::new();
    }
    let r = creators as f64;
    let min_users = (FEEDBACK_MIN_CREATOR_SHARE * r)
        .ceil()
        .max(FEEDBACK_MIN_CREATORS as f64);
    let f = &index.fields;
    let mut population = Population::of(index, searcher, lang, freqs);
    let mut terms: Vec<(String, f64)> = vocabulary
        .words
        .into_iter()
        .zip(seen)
        .filter(|(t, (_, users))| {
            *users as f64 >= min_users
                // Numbers (grams, kilometres, years) say nothing about a niche.
                && !t.chars().all(|c| c.is_ascii_digit())
                && !focus.knows(f, t)
        })
        .filter_map(|(t, (share, users))| {
            let common = population.share_using(f, searcher, t)?;
            let lift = (users as f64 / r) / common;
            let too_common =
                common > FEEDBACK_MAX_COMMON && population.size() >= FEEDBACK_MAX_COMMON_FROM;
            (lift >= FEEDBACK_MIN_LIFT && !too_common)
                .then(|| (t.to_string(), share / r * lift.ln()))
        })
        .collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(FEEDBACK_TERMS);
    let top = terms.first().map_or(1.0, |t| t.1);
    for t in &mut terms {
        t.1 = super::score::round4(t.1 / top);
    }
    terms
}

/// The creators a group's words are compared with: those writing its language when the
/// language has a stemming field (a word common in Spanish is not distinctive of a Spanish
/// niche, and the field's stop words have no stem), else every creator.
struct Population<'a> {
    /// (language code, its stemming analyser, creators writing it)
    lang: Option<(&'static str, tantivy::tokenizer::TextAnalyzer, f64)>,
    all: f64,
    freqs: &'a WordFreqs,
}

impl<'a> Population<'a> {
    fn of(
        index: &CreatorIndex,
        searcher: &Searcher,
        lang: Option<&str>,
        freqs: &'a WordFreqs,
    ) -> Population<'a> {
        let f = &index.fields;
        let all = searcher.num_docs().max(1) as f64;
        let lang = lang.and_then(|l| {
            let (code, posts, _) = f.stemmed.iter().find(|(c, _, _)| *c == l)?;
            let analyzer = index.tantivy().tokenizer_for_field(*posts).ok()?;
            let n = searcher
                .doc_freq(&Term::from_field_text(f.language, code))
                .unwrap_or(0);
            (n > 0).then_some((*code, analyzer, n as f64))
        });
        Population { lang, all, freqs }
    }

    /// How many creators the population holds.
    fn size(&self) -> f64 {
        self.lang.as_ref().map_or(self.all, |(_, _, n)| *n)
    }

    /// The share of the population using `token` in its posts (at least one creator's
    /// worth); `None` for a stop word of the population's language.
    fn share_using(&mut self, f: &Fields, searcher: &Searcher, token: &str) -> Option<f64> {
        let (stemming, n) = match &mut self.lang {
            Some((code, analyzer, n)) => (Some((*code, analyzer)), *n),
            None => (None, self.all),
        };
        let df = self
            .freqs
            .creators_using(searcher, f.post_terms, stemming, token)?
            .max(1) as f64;
        Some((df / n).min(1.0))
    }
}

/// The terms of several groups as one list: each term at its best weight, best first, at
/// most [`FEEDBACK_TERMS_IN_ALL`].
fn merge(groups: Vec<Vec<(String, f64)>>) -> Vec<(String, f64)> {
    let mut best: HashMap<String, f64> = HashMap::new();
    for (t, w) in groups.into_iter().flatten() {
        let e = best.entry(t).or_default();
        *e = e.max(w);
    }
    let mut out: Vec<(String, f64)> = best.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.retain(|(_, w)| *w >= FEEDBACK_MIN_WEIGHT);
    out
}

/// The stored `post_words` of the feedback creators.
pub fn read_feedback(
    searcher: &Searcher,
    addrs: impl IntoIterator<Item = DocAddress>,
) -> Result<Vec<PostWordsOnly>> {
    addrs
        .into_iter()
        .map(|a| searcher.doc::<PostWordsOnly>(a).map_err(read_err))
        .collect()
}

/// `text` widened by the expansion terms, each in the posts and hashtags fields with the
/// fields' retrieval boosts × its weight × [`FEEDBACK_RETRIEVAL_WEIGHT`].
pub fn widen(text: Box<dyn Query>, f: &Fields, terms: &[(String, f64)]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, text)];
    clauses.extend(expansion_clauses(f, terms));
    Box::new(BooleanQuery::new(clauses))
}

/// The expansion terms alone, as [`widen`] adds them.
pub fn expansion_only(f: &Fields, terms: &[(String, f64)]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(expansion_clauses(f, terms)))
}

fn expansion_clauses(f: &Fields, terms: &[(String, f64)]) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in [(f.posts, 1.0f32), (f.hashtags, 2.0)] {
        for (t, w) in terms {
            let q = TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            );
            let boost = boost * FEEDBACK_RETRIEVAL_WEIGHT * *w as f32;
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
        }
    }
    clauses
}

/// Top candidates of a retrieval: the total count and the best (score, address) pairs.
pub type Retrieved = (usize, Vec<(f32, DocAddress)>);

/// What [`focus_and_widen`] found.
pub struct Focused {
    /// The widened retrieval, when the query was expanded (replaces the first one).
    pub retrieved: Option<Retrieved>,
    /// Query focus of each candidate of the retrieval in use; `None` without query text, or
    /// when it was left to the caller (see `defer` and [`Self::compiled`]).
    pub focus: Option<Vec<f64>>,
    /// The query compiled for focus, expansion terms included: what the caller computes the
    /// focus of the candidates in use with when `focus` is `None` (`None` without query text).
    pub compiled: Option<QueryFocus>,
    /// The expansion terms with their weights (empty when not expanded).
    pub terms: Vec<(String, f64)>,
}

/// Query focus of the first retrieval's candidates `top`; then, with `learn_terms` and when
/// enough of them are focused and their posts share distinctive words, the query widened by
/// those words (`text` is the first retrieval's text query; `retrieve` gets the widened query
/// and the expansion terms alone, and runs either with the request's filters) and the focus
/// of the new candidates, expansion terms counted.
/// `tables` (the searcher's signal tables) tell each candidate's own posts and language.
/// With `defer`, the focus of the candidates in use is only computed when learning needed it
/// anyway: otherwise `focus` is `None` and the caller computes it from `compiled` for the
/// candidates that can still reach the page.
#[allow(clippy::too_many_arguments)]
pub fn focus_and_widen(
    index: &CreatorIndex,
    searcher: &Searcher,
    query: &str,
    synonyms: &[String],
    learn_terms: bool,
    defer: bool,
    text: Option<Box<dyn Query>>,
    top: &[(f32, DocAddress)],
    tables: &[Arc<SegmentSignals>],
    freqs: &WordFreqs,
    retrieve: impl FnOnce(Box<dyn Query>, Box<dyn Query>) -> Result<Retrieved>,
) -> Result<Focused> {
    let mut out = Focused {
        retrieved: None,
        focus: None,
        compiled: None,
        terms: Vec::new(),
    };
    if query.trim().is_empty() {
        return Ok(out);
    }
    let posts_of = |a: &DocAddress| signals_at(tables, *a).map_or(0, |s| s.posts_indexed);
    let lang_of = |a: &DocAddress| signals_at(tables, *a).and_then(|s| s.language.as_deref());
    let f = &index.fields;
    let Some(qf) = QueryFocus::build(index.tantivy(), f, searcher, query, synonyms, freqs) else {
        // No word of the query in anyone's posts.
        out.focus = Some(vec![0.0; top.len()]);
        return Ok(out);
    };
    let focus_of = |qf: &QueryFocus, top: &[(f32, DocAddress)]| {
        let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        let posts: Vec<u64> = addrs.iter().map(&posts_of).collect();
        let langs: Vec<Option<&str>> = addrs.iter().map(&lang_of).collect();
        qf.values(searcher, &addrs, &posts, &langs)
    };
    if !learn_terms {
        if !defer {
            out.focus = Some(focus_of(&qf, top)?);
        }
        out.compiled = Some(qf);
        return Ok(out);
    }
    let focus = focus_of(&qf, top)?;
    let langs: Vec<Option<&str>> = top.iter().map(|(_, a)| lang_of(a)).collect();
    let mut groups = Vec::new();
    for group in feedback_creators(&focus, &langs) {
        let lang = langs[group[0]];
        let addrs: Vec<DocAddress> = group.iter().map(|&i| top[i].1).collect();
        let posts: Vec<u64> = addrs.iter().map(&posts_of).collect();
        let glangs = vec![lang; addrs.len()];
        let scores = qf.post_scores(searcher, &addrs, &posts, &glangs)?;
        let words = read_feedback(searcher, addrs)?;
        let fb: Vec<(PostWordsOnly, Vec<f64>)> = words.into_iter().zip(scores).collect();
        groups.push(learn(index, searcher, &qf, lang, &fb, freqs));
    }
    let terms = merge(groups);
    let Some(text) = text.filter(|_| !terms.is_empty()) else {
        out.focus = Some(focus);
        out.compiled = Some(qf);
        return Ok(out);
    };
    let widened = retrieve(widen(text, f, &terms), expansion_only(f, &terms))?;
    let qf = qf.with_feedback(f, &terms);
    if !defer {
        out.focus = Some(focus_of(&qf, &widened.1)?);
    }
    out.compiled = Some(qf);
    out.retrieved = Some(widened);
    out.terms = terms;
    Ok(out)
}

/// `explain`: the expansion terms with their weights go into `evidence.query_expansion`
/// (`explain` itself stays numbers only).
pub fn explain(terms: &[(String, f64)], rec: &mut crate::model::CreatorRecord) {
    let mut evidence = match rec.evidence.take() {
        Some(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let terms: serde_json::Map<String, serde_json::Value> = terms
        .iter()
        .map(|(t, w)| (t.clone(), serde_json::json!(w)))
        .collect();
    evidence.insert("query_expansion".into(), serde_json::Value::Object(terms));
    rec.evidence = Some(serde_json::Value::Object(evidence));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_creators_are_the_most_focused() {
        let focus = [0.9, 0.01, 0.6, 0.95, 0.5, 0.3, 0.2];
        let en = Some("en");
        let es = Some("es");
        let lang = [en, en, en, en, es, es, Some("de")];
        // By language; too few focused creators in a language: no group.
        assert_eq!(
            feedback_creators(&focus, &lang),
            vec![vec![3, 0, 2], vec![4, 5]]
        );
        assert!(feedback_creators(&[0.9, 0.01], &[en, en]).is_empty());
    }
}
