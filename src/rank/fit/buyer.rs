//! `buyer`: how much a creator's *audience* — the people who comment, never the creator —
//! sounds like the buyer a brand describes ("new parents on a budget looking for gentle,
//! fragrance-free skincare").
//!
//! Query. The description's words, analysed like the audience fields, minus stop words
//! (`data/stopwords.toml`, all languages) and filler that describes the description rather
//! than the buyer ("looking", "customers", "people", `data/fit.toml`). Each remaining word is
//! searched in the language-neutral `audience` field (exact word, accents folded) and, stemmed,
//! in `audience_xx` for the description's language (all six stemmed fields at half weight when
//! the language cannot be told), as one disjunction-max clause: a word counts once, in its
//! best-matching form. The taxonomy's niche names for niches the description speaks to
//! ("parents" → parenting → "maternidad", "Elternschaft") are added as phrases at 0.4, so an
//! English description still reaches a Spanish-speaking audience. BM25 weighs words by how
//! rare they are across audiences (IDF): "eczema" decides more than "skin". Words no audience
//! in the index uses are dropped (they cannot tell creators apart).
//!
//! `buyer_match` (0–1) = BM25 of the creator's audience ÷ max(best candidate's BM25,
//! ½ × reference), capped at 1, where the reference is what an average-length audience using
//! every searched word once would score (Σ word IDF). Relative to the best candidate, like
//! `relevance`, because BM25 has no absolute scale (it grows with the number and rarity of
//! words in the description); the floor keeps a weak best match from being shown as a perfect
//! one.
//!
//! Evidence (only for the page of results, with `explain`): the creator's raw profile is read
//! and each comment by others is scored by the summed weight (IDF) of the description words it
//! contains (exact or stemmed) plus synonyms at 0.4; the three best are quoted.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Searcher, Term};

use crate::extract::Taxonomy;
use crate::extract::matcher::PhraseMatcher;
use crate::extract::text::fold;
use crate::extract::themes::StopWords;
use crate::index::Fields;
use crate::model::RawProfile;
use crate::rank::retrieve::{analyse, analyse_positions};

use super::lexicon::FitLexicon;

/// Weight of taxonomy synonyms relative to the description's own words.
pub(crate) const SYNONYM_BOOST: f32 = crate::rank::constants::SYNONYM_WEIGHT;
/// Weight of each stemmed field when the description's language cannot be told.
pub(crate) const UNKNOWN_LANGUAGE_BOOST: f32 = 0.5;
/// The best candidate gets `buyer_match` 1 only above this share of the reference score.
pub(crate) const FLOOR_SHARE: f64 = 0.5;
/// Evidence comments quoted per creator.
pub(crate) const MAX_EVIDENCE: usize = 3;
/// Characters kept of a quoted comment.
pub(crate) const EVIDENCE_CHARS: usize = 280;

#[derive(Debug)]
struct Word {
    /// As the neutral analyser makes it (lower-case, accents folded).
    text: String,
    /// (index into `Fields::stemmed`, stem) for the languages searched.
    stems: Vec<(usize, String)>,
    /// Best IDF × boost over its forms: its weight in evidence and in the reference score.
    weight: f64,
}

/// A buyer description compiled against one searcher (its IDF statistics).
pub(crate) struct BuyerQuery {
    words: Vec<Word>,
    /// Synonym phrases (folded) and their weight.
    synonyms: Vec<(String, f64)>,
    synonym_matcher: PhraseMatcher<usize>,
    /// Stemmed languages searched (indices into `Fields::stemmed`).
    langs: Vec<usize>,
    query: Box<dyn Query>,
    reference: f64,
}

/// BM25's IDF as tantivy computes it.
fn idf(searcher: &Searcher, term: &Term) -> f64 {
    let n = searcher.num_docs() as f64;
    let df = searcher.doc_freq(term).unwrap_or(0) as f64;
    if df == 0.0 {
        return 0.0;
    }
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// A phrase (or a single term) analysed by `field`'s analyser, with its summed IDF.
fn phrase_query(
    index: &Index,
    searcher: &Searcher,
    field: Field,
    text: &str,
) -> Option<(Box<dyn Query>, f64)> {
    let toks = analyse_positions(index, field, text);
    match toks.len() {
        0 => None,
        1 => {
            let t = Term::from_field_text(field, &toks[0].1);
            let w = idf(searcher, &t);
            Some((term_query(field, &toks[0].1), w))
        }
        _ => {
            let first = toks[0].0;
            let terms: Vec<(usize, Term)> = toks
                .iter()
                .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                .collect();
            let w = terms.iter().map(|(_, t)| idf(searcher, t)).sum();
            Some((Box::new(PhraseQuery::new_with_offset(terms)), w))
        }
    }
}

impl BuyerQuery {
    /// Compile a description; `None` when no word of it is used by any audience.
    pub(crate) fn build(
        index: &Index,
        f: &Fields,
        searcher: &Searcher,
        taxonomy: &Taxonomy,
        description: &str,
    ) -> Option<BuyerQuery> {
        let stop = StopWords::get();
        let lex = FitLexicon::get();
        let mut seen = HashSet::new();
        let neutral: Vec<String> = analyse(index, f.audience, description)
            .into_iter()
            .filter(|w| {
                w.chars().count() >= 2
                    && w.chars().any(char::is_alphabetic)
                    && !stop.is_stop(w)
                    && !lex.is_filler(w)
            })
            .filter(|w| seen.insert(w.clone()))
            .collect();

        let detected = crate::extract::detect(description, None);
        let known = f
            .stemmed
            .iter()
            .position(|(code, _, _)| Some(*code) == detected.as_deref());
        let (langs, stem_boost): (Vec<usize>, f32) = match known {
            Some(i) => (vec![i], 1.0),
            None => ((0..f.stemmed.len()).collect(), UNKNOWN_LANGUAGE_BOOST),
        };

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words = Vec::new();
        for w in neutral {
            let mut forms: Vec<Box<dyn Query>> = Vec::new();
            let mut weight = 0.0f64;
            let t = Term::from_field_text(f.audience, &w);
            let i0 = idf(searcher, &t);
            if i0 > 0.0 {
                forms.push(term_query(f.audience, &w));
                weight = weight.max(i0);
            }
            let mut stems = Vec::new();
            for &l in &langs {
                let field = f.stemmed[l].2;
                for s in analyse(index, field, &w) {
                    let i =
                        idf(searcher, &Term::from_field_text(field, &s)) * f64::from(stem_boost);
                    if i > 0.0 {
                        forms.push(Box::new(BoostQuery::new(term_query(field, &s), stem_boost)));
                        weight = weight.max(i);
                    }
                    stems.push((l, s));
                }
            }
            if forms.is_empty() {
                continue;
            }
            clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(forms))));
            words.push(Word {
                text: w,
                stems,
                weight,
            });
        }

        // Niche names across languages for the niches the description speaks to.
        let mut synonyms = Vec::new();
        let mut sb = PhraseMatcher::builder();
        let own: HashSet<&str> = words.iter().map(|w| w.text.as_str()).collect();
        for syn in taxonomy.expand(description) {
            let folded = fold(&syn);
            if own.contains(folded.as_str()) {
                continue;
            }
            let mut forms: Vec<Box<dyn Query>> = Vec::new();
            let mut weight = 0.0f64;
            let fields = std::iter::once((f.audience, 1.0f32))
                .chain(langs.iter().map(|&l| (f.stemmed[l].2, stem_boost)));
            for (field, boost) in fields {
                if let Some((q, w)) = phrase_query(index, searcher, field, &syn)
                    && w > 0.0
                {
                    forms.push(Box::new(BoostQuery::new(q, boost)));
                    weight = weight.max(w * f64::from(boost));
                }
            }
            if forms.is_empty() {
                continue;
            }
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::new(forms)),
                    SYNONYM_BOOST,
                )),
            ));
            sb.add(&folded, synonyms.len());
            synonyms.push((folded, weight * f64::from(SYNONYM_BOOST)));
        }
        if clauses.is_empty() {
            return None;
        }
        let reference = words.iter().map(|w| w.weight).sum::<f64>().max(
            // Only synonyms matched: they set the scale.
            synonyms.iter().map(|s| s.1).sum::<f64>(),
        );
        Some(BuyerQuery {
            words,
            synonyms,
            synonym_matcher: sb.build(),
            langs,
            query: Box::new(BooleanQuery::new(clauses)),
            reference,
        })
    }

    pub(crate) fn query(&self) -> &dyn Query {
        self.query.as_ref()
    }

    /// The description's words that were searched (those some audience uses).
    pub(crate) fn terms(&self) -> Vec<String> {
        self.words.iter().map(|w| w.text.clone()).collect()
    }

    /// BM25 scores of the candidates → `buyer_match` (see the module doc).
    pub(crate) fn normalise(&self, scores: &[f32]) -> Vec<f64> {
        let best = scores.iter().copied().fold(0.0f32, f32::max);
        let denom = f64::from(best).max(FLOOR_SHARE * self.reference);
        scores
            .iter()
            .map(|&s| {
                if denom <= 0.0 {
                    0.0
                } else {
                    ((f64::from(s) / denom).min(1.0) * 1000.0).round() / 1000.0
                }
            })
            .collect()
    }

    /// The comments by others that match the description best (at most [`MAX_EVIDENCE`]).
    pub(crate) fn evidence(&self, index: &Index, f: &Fields, raw: &RawProfile) -> Vec<String> {
        let Ok(mut neutral) = index.tokenizer_for_field(f.audience) else {
            return Vec::new();
        };
        let mut stemmers: Vec<(usize, TextAnalyzer)> = self
            .langs
            .iter()
            .filter_map(|&l| {
                index
                    .tokenizer_for_field(f.stemmed[l].2)
                    .ok()
                    .map(|a| (l, a))
            })
            .collect();
        let mut scored: Vec<(f64, usize, usize, &str)> = Vec::new();
        let mut quoted = HashSet::new();
        let comments = raw
            .posts
            .iter()
            .flat_map(|p| &p.comments)
            .filter(|c| !c.by_creator && !c.text.trim().is_empty());
        for (order, c) in comments.enumerate() {
            let text = c.text.trim();
            if !quoted.insert(text) {
                continue;
            }
            let plain = tokens(&mut neutral, text);
            let stemmed: Vec<(usize, HashSet<String>)> = stemmers
                .iter_mut()
                .map(|(l, a)| (*l, tokens(a, text)))
                .collect();
            let mut score = 0.0;
            let mut hits = 0;
            for w in &self.words {
                let hit = plain.contains(&w.text)
                    || w.stems
                        .iter()
                        .any(|(l, s)| stemmed.iter().any(|(sl, set)| sl == l && set.contains(s)));
                if hit {
                    score += w.weight;
                    hits += 1;
                }
            }
            let folded = fold(text);
            let mut seen_syn = HashSet::new();
            for h in self.synonym_matcher.find(&folded) {
                for &i in h.payloads {
                    if seen_syn.insert(i) {
                        score += self.synonyms[i].1;
                        hits += 1;
                    }
                }
            }
            if score > 0.0 {
                scored.push((score, hits, order, text));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored
            .into_iter()
            .take(MAX_EVIDENCE)
            .map(|(_, _, _, t)| clip(t))
            .collect()
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.insert(t.text.clone());
    }
    out
}

/// One line, at most [`EVIDENCE_CHARS`] characters.
fn clip(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= EVIDENCE_CHARS {
        one
    } else {
        let mut t: String = one.chars().take(EVIDENCE_CHARS - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(reference: f64) -> BuyerQuery {
        BuyerQuery {
            words: Vec::new(),
            synonyms: Vec::new(),
            synonym_matcher: PhraseMatcher::builder().build(),
            langs: Vec::new(),
            query: Box::new(tantivy::query::AllQuery),
            reference,
        }
    }

    #[test]
    fn the_best_candidate_sets_the_scale_unless_it_is_weak() {
        // A strong best match: relative to it.
        assert_eq!(
            query(10.0).normalise(&[12.0, 6.0, 0.0]),
            vec![1.0, 0.5, 0.0]
        );
        // A weak best match (below half the reference): anchored at half the reference.
        assert_eq!(query(10.0).normalise(&[2.0, 1.0]), vec![0.4, 0.2]);
        assert_eq!(query(0.0).normalise(&[0.0, 0.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn evidence_is_one_line_and_clipped() {
        assert_eq!(clip("  so   gentle\n on my baby "), "so gentle on my baby");
        let long = "word ".repeat(100);
        let c = clip(&long);
        assert_eq!(c.chars().count(), EVIDENCE_CHARS);
        assert!(c.ends_with('…'));
    }
}
