//! `values`: does the creator's own posting consistently speak to what the brand stands for?
//!
//! The text is split into values on commas, semicolons, slashes, "&" and "and" (and its
//! es/de/fr/pt/it forms): "cruelty-free, sustainable and body-positive" is three values. Each
//! value is matched in the creator's posts (text and hashtags; not comments, not the bio) as a
//! whole phrase with case and accent folding, in its hyphenated, spaced and glued/hashtag
//! forms and simple plural variants ("cruelty-free" = "cruelty free" = #crueltyfree), plus:
//! - its synonym group in `data/fit.toml` across languages ("cruelty-free" also matches
//!   "tierversuchsfrei", "sin crueldad", "not tested on animals"...);
//! - the taxonomy's niche names when the value names a niche ("vegan" → "plant-based",
//!   "comida vegana"...).
//!
//! share = posts mentioning any of the values ÷ posts with text. The signal counts only from
//! [`MIN_POSTS`] matching posts on (one mention is not a commitment): contribution =
//! `rank.values` × share, else 0.

use serde::Serialize;
use tantivy::Index;
use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::extract::Taxonomy;
use crate::extract::matcher::PhraseMatcher;
use crate::extract::taxonomy::variants;
use crate::extract::text::{fold, fold_term};
use crate::model::RawProfile;
use crate::rank::retrieve::analyse_positions;

use super::lexicon::{FitLexicon, value_key};
use super::split_list;

/// Posts that must mention a value before it counts.
pub(crate) const MIN_POSTS: usize = 2;

/// Values compiled into one matcher (payload: index of the value as typed).
pub(crate) struct ValuesSpec {
    pub values: Vec<String>,
    matcher: PhraseMatcher<usize>,
    /// Every phrase the matcher knows (folded), for the index pre-filter.
    phrases: Vec<String>,
}

/// What the values found in one creator's posts (`explain.values_match`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ValuesMatch {
    /// Posts mentioning at least one value.
    pub posts: usize,
    /// Posts with text.
    pub of: usize,
    pub share: f64,
    /// The values (as typed) found, in the order given.
    pub matched: Vec<String>,
}

impl ValuesMatch {
    /// The signal's value (0–1): the share, from [`MIN_POSTS`] posts on.
    pub(crate) fn value(&self) -> f64 {
        if self.posts >= MIN_POSTS {
            self.share
        } else {
            0.0
        }
    }
}

/// The spellings a phrase is matched in: as written, hyphens as spaces, glued (as a word and
/// a hashtag), with the plural/singular variants of the spaced form.
fn forms(phrase: &str) -> Vec<String> {
    let folded = fold_term(phrase);
    let spaced = value_key(phrase);
    let glued: String = spaced.chars().filter(|c| *c != ' ').collect();
    let mut out = vec![folded];
    out.extend(variants(&spaced));
    if spaced.contains(' ') {
        out.push(glued.clone());
    }
    out.push(format!("#{glued}"));
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| !p.is_empty() && seen.insert(p.clone()));
    out
}

impl ValuesSpec {
    /// `None` when the text names no value.
    pub(crate) fn new(text: &str, taxonomy: &Taxonomy) -> Option<ValuesSpec> {
        let values = split_list(text);
        if values.is_empty() {
            return None;
        }
        let lex = FitLexicon::get();
        let mut b = PhraseMatcher::builder();
        let mut phrases: Vec<String> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let mut names: Vec<String> = vec![v.clone()];
            if let Some(group) = lex.value_group(v) {
                names.extend(group.iter().cloned());
            }
            names.extend(taxonomy.expand(v));
            for name in names {
                for p in forms(&name) {
                    b.add(&p, i);
                    if !phrases.contains(&p) {
                        phrases.push(p);
                    }
                }
            }
        }
        Some(ValuesSpec {
            values,
            matcher: b.build(),
            phrases,
        })
    }

    /// An index query matching creators whose posts or hashtags contain any value phrase: a
    /// creator it does not match cannot score, and its raw profile is never read.
    pub(crate) fn prefilter(&self, index: &Index, fields: &[Field]) -> Option<Box<dyn Query>> {
        phrases_query(index, fields, &self.phrases)
    }

    /// Count the posts that mention the values.
    pub(crate) fn assess(&self, raw: &RawProfile) -> ValuesMatch {
        let mut found = vec![false; self.values.len()];
        let (mut posts, mut of) = (0, 0);
        for p in &raw.posts {
            let folded = post_text(p);
            if folded.trim().is_empty() {
                continue;
            }
            of += 1;
            let hits = self.matcher.find(&folded);
            if !hits.is_empty() {
                posts += 1;
            }
            for h in hits {
                for &i in h.payloads {
                    found[i] = true;
                }
            }
        }
        let share = if of == 0 {
            0.0
        } else {
            posts as f64 / of as f64
        };
        ValuesMatch {
            posts,
            of,
            share: (share * 1000.0).round() / 1000.0,
            matched: self
                .values
                .iter()
                .zip(found)
                .filter(|(_, f)| *f)
                .map(|(v, _)| v.clone())
                .collect(),
        }
    }
}

/// A post's folded text plus the hashtags its source listed that the text lacks.
pub(crate) fn post_text(p: &crate::model::Post) -> String {
    let mut folded = fold(&p.text);
    for tag in &p.hashtags {
        let t = fold(tag.trim_start_matches('#'));
        if !t.is_empty() {
            folded.push_str(" #");
            folded.push_str(&t);
        }
    }
    folded
}

/// Any of `phrases` (analysed per field: a term or a phrase query) in any of `fields`.
pub(crate) fn phrases_query(
    index: &Index,
    fields: &[Field],
    phrases: &[String],
) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &field in fields {
        for p in phrases {
            let toks = analyse_positions(index, field, p);
            let key = (
                field,
                toks.iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            if toks.is_empty() || !seen.insert(key) {
                continue;
            }
            let q: Box<dyn Query> = if toks.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &toks[0].1),
                    IndexRecordOption::Basic,
                ))
            } else {
                let first = toks[0].0;
                Box::new(PhraseQuery::new_with_offset(
                    toks.iter()
                        .map(|(pos, t)| (pos - first, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            clauses.push((Occur::Should, q));
        }
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    fn raw(posts: &[&str]) -> RawProfile {
        RawProfile {
            posts: posts
                .iter()
                .map(|t| Post {
                    text: t.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn consistent_mentions_count_and_single_ones_do_not() {
        let t = Taxonomy::builtin();
        let spec = ValuesSpec::new("Cruelty-free, sustainable and body-positive", &t).unwrap();
        assert_eq!(
            spec.values,
            vec!["Cruelty-free", "sustainable", "body-positive"]
        );
        let steady = raw(&[
            "My cruelty free routine, every product Leaping Bunny certified",
            "Refill day! #sustainable #zerowaste",
            "Tierversuchsfrei und vegan: meine neue Creme",
            "Morning coffee and a long walk",
        ]);
        let m = spec.assess(&steady);
        assert_eq!((m.posts, m.of), (3, 4));
        assert_eq!(m.share, 0.75);
        assert_eq!(m.matched, vec!["Cruelty-free", "sustainable"]);
        assert_eq!(m.value(), 0.75);
        let once = raw(&[
            "This serum is #crueltyfree",
            "New lipstick haul",
            "Makeup for a wedding",
        ]);
        let m = spec.assess(&once);
        assert_eq!(m.posts, 1);
        assert_eq!(m.value(), 0.0, "a single mention is not a commitment");
    }

    #[test]
    fn accents_plurals_and_niche_synonyms() {
        let t = Taxonomy::builtin();
        let spec = ValuesSpec::new("sostenibilità; vegan", &t).unwrap();
        let m = spec.assess(&raw(&[
            "Moda SOSTENIBLE para el día a día",
            "Receta de comida vegana con garbanzos",
            "Nothing here, just vibes",
        ]));
        assert_eq!(m.posts, 2, "{m:?}");
        // Whole words only: "sustainably" is not "sustainable", "veganism" is not "vegan".
        let spec = ValuesSpec::new("sustainable", &t).unwrap();
        assert_eq!(spec.assess(&raw(&["unsustainably cheap"])).posts, 0);
        assert!(ValuesSpec::new(" , and ", &t).is_none());
    }
}
