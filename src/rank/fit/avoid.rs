//! `avoid`: topics the brand must not appear next to.
//!
//! Reading the request. The text is split like `values` ("alcohol, gambling and swearing").
//! Each part names brand-safety categories when it is a category's name ("alcohol"), contains
//! a term of the lexicon (`data/brand_safety.toml`, six languages: "wine", "Alkohol",
//! "casino") or an everyday word for the category from `data/fit.toml` ("betting",
//! "drinks", "swearing"). Parts that name no category are kept as they are
//! (`explain.avoid_unmatched`) and matched as phrases in the creator's bio and posts.
//!
//! Penalty (a demotion, not an exclusion: flags come from a lexicon that cannot read intent,
//! so the creator stays visible, at the bottom, with the evidence to judge):
//! - flagged for an avoided category (the flag's own thresholds: 2 posts, 1 for adult/hate)
//!   → 1;
//! - an unmatched phrase found in 2 or more documents (bio or posts) → 1; in one → 0.5;
//! - value = −min(1, sum); contribution = `rank.avoid_penalty` (default 3) × value, enough to
//!   put a flagged creator below the unflagged ones of similar quality.
//!
//! Without `avoid`, flags are shown (`brand_safety_flags`) and change nothing.

use std::collections::BTreeMap;

use tantivy::Index;
use tantivy::query::Query;
use tantivy::schema::Field;

use crate::extract::SafetyLexicon;
use crate::extract::matcher::PhraseMatcher;
use crate::extract::taxonomy::variants;
use crate::extract::text::{fold, fold_term, fold_with_map};
use crate::model::RawProfile;

use super::lexicon::{FitLexicon, value_key};
use super::split_list;
use super::values::{phrases_query, post_text};

/// Characters of context on each side of an unmatched phrase's hit.
const CONTEXT: usize = 60;
/// Evidence excerpts kept per phrase.
const MAX_EVIDENCE: usize = 3;

pub(crate) struct AvoidSpec {
    /// Brand-safety categories the request names, in order.
    pub categories: Vec<String>,
    /// Parts naming no category, as typed.
    pub unmatched: Vec<String>,
    matcher: PhraseMatcher<usize>,
    phrases: Vec<String>,
}

/// What an unmatched phrase found in one creator's bio and posts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PhraseHits {
    /// Phrase (as typed) → (documents hit, excerpts).
    pub hits: BTreeMap<String, (usize, Vec<String>)>,
}

impl PhraseHits {
    /// 1 when a phrase is in 2+ documents, 0.5 for one, 0 for none (the largest over phrases).
    pub(crate) fn strength(&self) -> f64 {
        let docs = self.hits.values().map(|(n, _)| *n).max().unwrap_or(0);
        match docs {
            0 => 0.0,
            1 => 0.5,
            _ => 1.0,
        }
    }
}

/// Categories a part of an `avoid` request names.
fn categories_of(part: &str, lexicon: &SafetyLexicon) -> Vec<String> {
    let key = value_key(part);
    let mut out: Vec<String> = Vec::new();
    for name in lexicon.categories() {
        if variants(name).iter().any(|v| value_key(v) == key) {
            out.push(name.clone());
        }
    }
    for c in lexicon.categories_in_text(part) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    let folded = fold(part);
    for (cat, aliases) in FitLexicon::get().avoid_aliases() {
        if out.contains(cat) || !lexicon.categories().contains(cat) {
            continue;
        }
        // Whole words: "bet" in "betting odds" is not an alias hit, "betting" is.
        let mut b = PhraseMatcher::builder();
        for a in aliases {
            b.add(a, ());
        }
        if b.build().is_match(&folded) {
            out.push(cat.clone());
        }
    }
    out
}

impl AvoidSpec {
    /// `None` when the text has no part at all.
    pub(crate) fn new(text: &str, lexicon: &SafetyLexicon) -> Option<AvoidSpec> {
        let parts = split_list(text);
        if parts.is_empty() {
            return None;
        }
        let mut categories: Vec<String> = Vec::new();
        let mut unmatched = Vec::new();
        for part in parts {
            let cats = categories_of(&part, lexicon);
            if cats.is_empty() {
                unmatched.push(part);
            }
            for c in cats {
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
        }
        let mut b = PhraseMatcher::builder();
        let mut phrases = Vec::new();
        for (i, u) in unmatched.iter().enumerate() {
            let folded = fold_term(u);
            for v in variants(&folded) {
                b.add(&v, i);
                phrases.push(v);
            }
        }
        Some(AvoidSpec {
            categories,
            unmatched,
            matcher: b.build(),
            phrases,
        })
    }

    /// The avoided categories among `flags` (a creator's `brand_safety_flags`), in order.
    pub(crate) fn flagged_in<'a>(&self, flags: &'a [String]) -> Vec<&'a str> {
        flags
            .iter()
            .filter(|f| self.categories.contains(f))
            .map(String::as_str)
            .collect()
    }

    /// Index query for creators whose bio or posts contain an unmatched phrase; `None` when
    /// there is none (then raw profiles are never read for `avoid`).
    pub(crate) fn prefilter(&self, index: &Index, fields: &[Field]) -> Option<Box<dyn Query>> {
        phrases_query(index, fields, &self.phrases)
    }

    pub(crate) fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    /// Unmatched phrases in the bio and posts, with excerpts.
    pub(crate) fn phrase_hits(&self, raw: &RawProfile) -> PhraseHits {
        let mut out = PhraseHits::default();
        if self.phrases.is_empty() {
            return out;
        }
        let docs = std::iter::once((raw.bio.as_str(), fold(&raw.bio)))
            .chain(raw.posts.iter().map(|p| (p.text.as_str(), post_text(p))));
        for (original, folded) in docs {
            let mut seen = vec![false; self.unmatched.len()];
            for h in self.matcher.find(&folded) {
                for &i in h.payloads {
                    if seen[i] {
                        continue;
                    }
                    seen[i] = true;
                    let e = out.hits.entry(self.unmatched[i].clone()).or_default();
                    e.0 += 1;
                    if e.1.len() < MAX_EVIDENCE {
                        e.1.push(excerpt(original, &folded, h.start, h.end));
                    }
                }
            }
        }
        out
    }
}

/// The original text around a hit found in its folded form (the folded text may carry
/// appended hashtags; a hit there is quoted from the folded text).
fn excerpt(original: &str, folded: &str, start: usize, end: usize) -> String {
    let (refolded, map) = fold_with_map(original);
    let (s, from, to) = if end <= refolded.len() && folded.starts_with(refolded.as_str()) {
        (
            original,
            map[start],
            map.get(end).copied().unwrap_or(original.len()),
        )
    } else {
        (folded, start, end)
    };
    crate::extract::text::excerpt_around(s, from, to, CONTEXT)
}

/// The penalty's value (−1–0) from flagged avoided categories and phrase hits.
pub(crate) fn value(flagged: usize, phrases: &PhraseHits) -> f64 {
    let flag = if flagged > 0 { 1.0 } else { 0.0 };
    -(flag + phrases.strength()).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CreatorRecord, Post};

    fn spec(text: &str) -> AvoidSpec {
        AvoidSpec::new(text, &SafetyLexicon::builtin()).unwrap()
    }

    #[test]
    fn free_text_maps_to_categories_in_several_languages() {
        assert_eq!(
            spec("alcohol, gambling").categories,
            vec!["alcohol", "gambling"]
        );
        assert_eq!(spec("betting and casino").categories, vec!["gambling"]);
        assert_eq!(spec("wine; beer / Alkohol").categories, vec!["alcohol"]);
        assert_eq!(
            spec("Glücksspiel und Sportwetten").categories,
            vec!["gambling"]
        );
        assert_eq!(
            spec("palabrotas y apuestas").categories,
            vec!["profanity", "gambling"]
        );
        assert_eq!(spec("drugs, weapons, politics").categories.len(), 3);
        let s = spec("crypto, pineapple pizza, swearing");
        assert_eq!(s.categories, vec!["profanity"]);
        assert_eq!(s.unmatched, vec!["crypto", "pineapple pizza"]);
        // Exceptions hold in requests too: a cocktail dress is not alcohol.
        assert!(spec("cocktail dress").categories.is_empty());
    }

    #[test]
    fn flags_and_phrases_make_the_penalty() {
        let s = spec("alcohol, crypto");
        let rec = CreatorRecord {
            brand_safety_flags: vec!["alcohol".into(), "profanity".into()],
            ..Default::default()
        };
        assert_eq!(s.flagged_in(&rec.brand_safety_flags), vec!["alcohol"]);
        let raw = RawProfile {
            bio: "Crypto and coffee".into(),
            posts: vec![
                Post {
                    text: "Bought more CRYPTO today, to the moon".into(),
                    ..Default::default()
                },
                Post {
                    text: "Latte art practice".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let hits = s.phrase_hits(&raw);
        assert_eq!(hits.hits["crypto"].0, 2);
        assert_eq!(
            hits.hits["crypto"].1[1],
            "Bought more CRYPTO today, to the moon"
        );
        assert_eq!(value(0, &hits), -1.0);
        assert_eq!(value(1, &PhraseHits::default()), -1.0);
        assert_eq!(value(0, &PhraseHits::default()), 0.0);
        let one = s.phrase_hits(&RawProfile {
            bio: "crypto curious".into(),
            ..Default::default()
        });
        assert_eq!(value(0, &one), -0.5);
    }
}
