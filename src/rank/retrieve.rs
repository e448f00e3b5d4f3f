//! Candidate retrieval: query text → tantivy term queries (never the query parser: user text
//! is tokenised by each field's own analyser and turned into term queries, so no syntax can
//! panic or hang it), filters → index queries, combined into one boolean query.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime as TDate, Index, Term};

use std::sync::Arc;

use super::filters::Filters;
use super::synonym_cache::SynonymCache;
use crate::consent::OptOuts;
use crate::index::Fields;

/// Query terms per field, analysed by that field's analyser, deduplicated.
pub fn analyse(index: &Index, field: Field, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, t) in analyse_positions(index, field, text) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Analysed tokens with their positions (stop words leave gaps, as in the index).
pub fn analyse_positions(index: &Index, field: Field, text: &str) -> Vec<(usize, String)> {
    let Ok(mut analyzer) = index.tokenizer_for_field(field) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        out.push((tok.position, tok.text.clone()));
    }
    out
}

/// Text fields searched, with their boosts. Hashtags and themes say what a creator is about;
/// the bio is what they claim; posts are what they do.
pub fn text_fields(f: &Fields) -> Vec<(Field, f32)> {
    let mut v = vec![
        (f.hashtags, 2.0),
        (f.themes, 2.0),
        (f.posts, 1.0),
        (f.bio, 1.0),
        (f.name, 0.5),
    ];
    for (_, posts, _) in &f.stemmed {
        v.push((*posts, 1.0));
    }
    v
}

/// [`text_fields`] for a search limited to creators writing `lang` (the `lang` filter), or
/// all of them. A stemmed posts field holds its language's creators only (see
/// `index::doc`), so another language's field could only match creators the filter drops:
/// without its clauses the same creators match with the same scores, and a third to a half
/// of the typed words' postings are not scored for nothing.
pub fn text_fields_for(f: &Fields, lang: Option<&str>) -> Vec<(Field, f32)> {
    let Some(lang) = lang else {
        return text_fields(f);
    };
    let other: Vec<Field> = f
        .stemmed
        .iter()
        .filter(|(code, _, _)| *code != lang)
        .map(|(_, posts, _)| *posts)
        .collect();
    let mut v = text_fields(f);
    v.retain(|(field, _)| !other.contains(field));
    v
}

/// A disjunction over `fields` of every analysed term of `query`, plus each synonym as a
/// phrase (a multi-word synonym such as "vegan recipes" must match as a whole, or "recipes"
/// alone would pull in every cook). `None` when nothing analysable remains.
pub fn text_query(
    index: &Index,
    fields: &[(Field, f32)],
    query: &str,
    synonyms: &[(String, f32)],
) -> Option<Box<dyn Query>> {
    text_query_cached(index, fields, query, synonyms, None)
}

/// [`text_query`] with the synonym clauses answered from `cache` as one (same matches, same
/// scores; see [`super::synonym_cache`]).
///
/// The typed words and the synonyms are two disjunctions side by side, not one: tantivy scores
/// a disjunction of plain term queries with a union specialised for them (scores computed
/// inline), and one clause of another kind — the cached synonym block — turns the whole union
/// into calls through `dyn Scorer` for every posting. Apart, the typed words keep the fast
/// union and the outer one only meets each matching document once (retrieval of "vegan
/// skincare" −31 %, BENCHMARKS.md). A document's score is the typed words' sum plus the
/// synonyms' sum, whether the synonyms are cached or not.
pub fn text_query_cached(
    index: &Index,
    fields: &[(Field, f32)],
    query: &str,
    synonyms: &[(String, f32)],
    cache: Option<&Arc<SynonymCache>>,
) -> Option<Box<dyn Query>> {
    let synonyms: Option<Box<dyn Query>> = match cache {
        Some(c) if !synonyms.is_empty() => c
            .clauses(fields, synonyms, || {
                synonym_clauses(index, fields, synonyms)
            })
            .map(|q| Box::new(q) as Box<dyn Query>),
        _ => disjunction(
            synonym_clauses(index, fields, synonyms)
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect(),
        ),
    };
    let typed = disjunction(terms_query(index, fields, query));
    match (typed, synonyms) {
        (Some(t), Some(s)) => Some(Box::new(BooleanQuery::new(vec![
            (Occur::Should, t),
            (Occur::Should, s),
        ]))),
        (t, s) => t.or(s),
    }
}

/// `clauses` as one boolean query; `None` without any.
fn disjunction(clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// Each synonym (a term or a phrase) in each field, boosted, duplicates dropped: the head of
/// the text query's disjunction.
fn synonym_clauses(
    index: &Index,
    fields: &[(Field, f32)],
    synonyms: &[(String, f32)],
) -> Vec<Box<dyn Query>> {
    let mut syn_clauses: Vec<Box<dyn Query>> = Vec::new();
    let mut seen_phrases = std::collections::HashSet::new();
    for (syn, syn_boost) in synonyms {
        for (field, boost) in fields {
            let toks = analyse_positions(index, *field, syn);
            let boost = boost * syn_boost;
            let q: Box<dyn Query> = match toks.len() {
                0 => continue,
                1 => Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(*field, &toks[0].1),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost,
                )),
                _ => {
                    let first = toks[0].0;
                    let terms: Vec<(usize, Term)> = toks
                        .iter()
                        .map(|(p, t)| (p - first, Term::from_field_text(*field, t)))
                        .collect();
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset(terms)),
                        boost,
                    ))
                }
            };
            let key = (
                *field,
                toks.iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            if seen_phrases.insert(key) {
                syn_clauses.push(q);
            }
        }
    }
    syn_clauses
}

/// Every analysed term of `text` in every field, as boosted Should clauses.
fn terms_query(index: &Index, fields: &[(Field, f32)], text: &str) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (field, boost) in fields {
        for term in analyse(index, *field, text) {
            if !seen.insert((*field, term.clone())) {
                continue;
            }
            let q = TermQuery::new(
                Term::from_field_text(*field, &term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), *boost)),
            ));
        }
    }
    clauses
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn any_of(field: Field, values: &[&str]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values
            .iter()
            .map(|v| (Occur::Should, term(field, v)))
            .collect(),
    ))
}

/// The hard filters as index queries (Must / MustNot clauses).
pub fn filter_clauses(
    f: &Fields,
    filters: &Filters,
    consent: &OptOuts,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut c: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(l) = &filters.lang {
        c.push((Occur::Must, term(f.language, l)));
    }
    if let Some(l) = &filters.audience_lang {
        c.push((Occur::Must, term(f.audience_lang, l)));
    }
    if !filters.tier.is_empty() {
        let v: Vec<&str> = filters.tier.iter().map(|t| t.as_str()).collect();
        c.push((Occur::Must, any_of(f.tier, &v)));
    }
    if !filters.platform.is_empty() {
        let v: Vec<&str> = filters.platform.iter().map(|p| p.as_str()).collect();
        c.push((Occur::Must, any_of(f.platform, &v)));
    }
    if filters.min_followers.is_some() || filters.max_followers.is_some() {
        let lo = filters
            .min_followers
            .map_or(Bound::Included(Term::from_field_u64(f.followers, 0)), |n| {
                Bound::Included(Term::from_field_u64(f.followers, n))
            });
        let hi = filters.max_followers.map_or(Bound::Unbounded, |n| {
            Bound::Included(Term::from_field_u64(f.followers, n))
        });
        c.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
    }
    if let Some(e) = filters.min_engagement {
        c.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_f64(f.engagement, e)),
                Bound::Unbounded,
            )),
        ));
    }
    if let Some(s) = filters.max_sponsored_share {
        c.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_f64(f.sponsored, s)),
            )),
        ));
    }
    if let Some(days) = filters.active_within_days {
        // From the start of the minute: the same range for a minute's searches, so its
        // bitset is kept like any other filter's (see `prefilter`); a minute on a filter
        // counted in days.
        let since = start_of_minute(now - chrono::Duration::days(i64::from(days)));
        c.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_date(
                    f.last_post,
                    TDate::from_timestamp_micros(since.timestamp_micros()),
                )),
                Bound::Unbounded,
            )),
        ));
    }
    if let Some(h) = filters.has_email {
        c.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(f.has_email, u64::from(h)),
                IndexRecordOption::Basic,
            )),
        ));
    }
    c.push((
        Occur::MustNot,
        Box::new(TermQuery::new(
            Term::from_field_u64(f.gone, 1),
            IndexRecordOption::Basic,
        )),
    ));
    // Consent: opted-out creators are never returned, whatever the index still holds.
    let t = consent.index_terms();
    for url in &t.profile_urls {
        c.push((Occur::MustNot, term(f.profile_url, url)));
    }
    for id in &t.ids {
        c.push((Occur::MustNot, term(f.id, id)));
    }
    for h in &t.handles {
        c.push((Occur::MustNot, term(f.handle, h)));
    }
    c
}

fn start_of_minute(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let secs = t.timestamp();
    chrono::DateTime::from_timestamp(secs - secs.rem_euclid(60), 0).unwrap_or(t)
}

/// Text query (or everything) AND the filters.
pub fn combine(
    text: Option<Box<dyn Query>>,
    filters: Vec<(Occur, Box<dyn Query>)>,
) -> BooleanQuery {
    let mut clauses = filters;
    clauses.push((Occur::Must, text.unwrap_or_else(|| Box::new(AllQuery))));
    BooleanQuery::new(clauses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};

    /// A query with synonyms scores each document as its typed words' sum plus its synonyms'
    /// sum (two disjunctions side by side), to the bit, and matches what either matches.
    #[test]
    fn typed_words_and_synonyms_are_summed_apart() {
        let (_dir, index) = crate::testgen::index(5, 0..200);
        let f = &index.fields;
        let searcher = index.searcher();
        let fields = text_fields(f);
        let scores = |q: Option<Box<dyn Query>>| -> std::collections::HashMap<_, f32> {
            let Some(q) = q else {
                return Default::default();
            };
            // With `Count` beside it, as in the ranker: `TopDocs` alone would take tantivy's
            // block-WAND path, which adds a document's clause scores in another order.
            let (_, top) = searcher
                .search(&*q, &(Count, TopDocs::with_limit(10_000).order_by_score()))
                .unwrap();
            top.into_iter().map(|(s, a)| (a, s)).collect()
        };
        let syn: Vec<(String, f32)> = ["skin care", "cuidado de la piel", "espresso"]
            .iter()
            .map(|s| (s.to_string(), 0.4))
            .collect();
        let mut both_sides = 0;
        for r in crate::testgen::requests() {
            let typed = scores(text_query(index.tantivy(), &fields, &r.query, &[]));
            let synonyms = scores(text_query(index.tantivy(), &fields, "", &syn));
            let all = scores(text_query(index.tantivy(), &fields, &r.query, &syn));
            let mut expected = typed.clone();
            for (a, s) in &synonyms {
                match expected.get_mut(a) {
                    Some(t) => {
                        *t += s;
                        both_sides += 1;
                    }
                    None => {
                        expected.insert(*a, *s);
                    }
                }
            }
            let bits =
                |m: &std::collections::HashMap<_, f32>| -> std::collections::BTreeMap<_, u32> {
                    m.iter().map(|(a, s)| (*a, s.to_bits())).collect()
                };
            assert_eq!(bits(&all), bits(&expected), "{:?}", r.query);
        }
        // Documents matched by both halves were compared.
        assert!(both_sides >= 50, "{both_sides}");
    }

    /// With a `lang` filter the other languages' stemmed fields are left out: every query of
    /// the generated world, in every language, matches the same creators with the same
    /// scores (to the bit) and the same count.
    #[test]
    fn a_language_filter_drops_only_clauses_that_cannot_match() {
        let (_dir, index) = crate::testgen::index(5, 0..200);
        let f = &index.fields;
        let searcher = index.searcher();
        let mut matched = std::collections::BTreeMap::new();
        for r in crate::testgen::requests() {
            for lang in ["en", "es", "de", "fr", "it", "pt", "zz"] {
                let mut filters = r.filters.clone();
                filters.lang = Some(lang.into());
                let run = |fields: Vec<(Field, f32)>| {
                    let q = text_query(index.tantivy(), &fields, &r.query, &[]);
                    let clauses =
                        filter_clauses(f, &filters, &Default::default(), chrono::Utc::now());
                    let (n, top) = searcher
                        .search(
                            &combine(q, clauses),
                            &(Count, TopDocs::with_limit(10_000).order_by_score()),
                        )
                        .unwrap();
                    let top: Vec<_> = top.into_iter().map(|(s, a)| (s.to_bits(), a)).collect();
                    (n, top)
                };
                let all = run(text_fields(f));
                let fewer = run(text_fields_for(f, Some(lang)));
                assert!(text_fields_for(f, Some(lang)).len() < text_fields(f).len());
                *matched.entry(lang).or_insert(0) += all.0;
                assert_eq!(all, fewer, "{:?} lang={lang}", r.query);
            }
        }
        // The comparison covered matches in several languages.
        assert!(
            matched.values().filter(|&&n| n > 0).count() >= 3,
            "{matched:?}"
        );
    }
}
