//! Themes: the creator's own words for what they post about (hashtags and salient terms).
//!
//! Formula, over the creator's posts (the bio when there are none):
//! - terms are the words of 3+ letters outside the per-language stop-word lists
//!   (`data/stopwords.toml`), plus hashtags; URLs, mentions and numbers are skipped; a term is
//!   keyed case- and accent-insensitively and shown as first written (lower case);
//! - `score = df × w + 0.01 × tf`, where `df` = posts using the term (so one long post
//!   repeating a word does not dominate), `tf` = total uses (tie-breaker), and `w` is an
//!   IDF-like weight standing in for corpus statistics the extractor does not have:
//!   2.0 for hashtags (chosen labels), 1.5 for taxonomy vocabulary, 0.3 for words common on
//!   social media whatever the topic ("today", "video", "link"), 1.0 otherwise;
//! - singular and plural ("package", "packages") count as one term, shown in the more used form;
//! - with 3+ posts a term must appear in at least 2 of them;
//! - the top [`MAX_THEMES`] terms, best first.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::taxonomy::Taxonomy;
use super::text::{fold, is_url_token, is_word_char};

pub const MAX_THEMES: usize = 10;
pub const HASHTAG_WEIGHT: f64 = 2.0;
pub const VOCABULARY_WEIGHT: f64 = 1.5;
pub const COMMON_WEIGHT: f64 = 0.3;

const STOPWORDS_TOML: &str = include_str!("../../data/stopwords.toml");

/// Stop words and common words, folded.
#[derive(Debug)]
pub struct StopWords {
    stop: HashSet<String>,
    common: HashSet<String>,
}

#[derive(Deserialize)]
struct StopFile {
    stop: HashMap<String, String>,
    common: CommonDef,
}

#[derive(Deserialize)]
struct CommonDef {
    words: String,
}

static STOPWORDS: LazyLock<StopWords> = LazyLock::new(|| {
    let f: StopFile = toml::from_str(STOPWORDS_TOML).expect("data/stopwords.toml is valid");
    let split = |s: &str| s.split_whitespace().map(fold).collect::<HashSet<_>>();
    StopWords {
        stop: f.stop.values().flat_map(|s| split(s)).collect(),
        common: split(&f.common.words),
    }
});

impl StopWords {
    pub fn get() -> &'static StopWords {
        &STOPWORDS
    }

    /// Whether a folded word is a stop word in any shipped language.
    pub fn is_stop(&self, folded: &str) -> bool {
        self.stop.contains(folded)
    }

    pub fn is_common(&self, folded: &str) -> bool {
        self.common.contains(folded)
    }
}

#[derive(Default)]
struct Term {
    surface: String,
    df: usize,
    tf: usize,
    tag: bool,
    first_seen: usize,
}

/// Top themes of a set of documents (each: text and the hashtags the source extracted).
pub fn themes<'a>(
    taxonomy: &Taxonomy,
    docs: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> Vec<String> {
    let stop = StopWords::get();
    let mut terms: HashMap<String, Term> = HashMap::new();
    let mut n_docs = 0usize;
    for (text, hashtags) in docs {
        n_docs += 1;
        let mut in_doc: HashSet<String> = HashSet::new();
        let mut see = |surface: &str, tag: bool| {
            let key = fold(surface);
            let letters = key.chars().filter(|c| c.is_alphabetic()).count();
            if letters < 3 || key.chars().any(|c| c.is_ascii_digit()) || stop.is_stop(&key) {
                return;
            }
            let next = terms.len();
            let t = terms.entry(key.clone()).or_insert_with(|| Term {
                surface: surface.to_lowercase(),
                first_seen: next,
                ..Default::default()
            });
            t.tf += 1;
            t.tag |= tag;
            if in_doc.insert(key) {
                t.df += 1;
            }
        };
        for tok in text.split_whitespace() {
            if let Some(tag) = tok.strip_prefix('#') {
                let end = tag.find(|c: char| !is_word_char(c)).unwrap_or(tag.len());
                see(&tag[..end], true);
            } else if !(tok.starts_with('@') || is_url_token(tok)) {
                for w in tok.split(|c: char| !c.is_alphanumeric()) {
                    if !w.is_empty() {
                        see(w, false);
                    }
                }
            }
        }
        for tag in hashtags {
            see(tag, true);
        }
    }
    merge_plurals(&mut terms, n_docs);
    let min_df = if n_docs >= 3 { 2 } else { 1 };
    let mut scored: Vec<(f64, usize, String)> = terms
        .into_iter()
        .filter(|(_, t)| t.df >= min_df)
        .map(|(key, t)| {
            let w = if t.tag {
                HASHTAG_WEIGHT
            } else if taxonomy.is_vocabulary(&key) {
                VOCABULARY_WEIGHT
            } else if stop.is_common(&key) {
                COMMON_WEIGHT
            } else {
                1.0
            };
            (
                t.df as f64 * w + 0.01 * t.tf as f64,
                t.first_seen,
                t.surface,
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(MAX_THEMES)
        .map(|(_, _, s)| s)
        .collect()
}

/// "packages" and "package" are one theme: a term ending in `s` whose singular was also seen
/// is merged into the more used form (post counts added, capped at the number of posts).
fn merge_plurals(terms: &mut HashMap<String, Term>, n_docs: usize) {
    let plurals: Vec<String> = terms
        .keys()
        .filter(|k| k.len() > 4 && k.ends_with('s') && terms.contains_key(&k[..k.len() - 1]))
        .cloned()
        .collect();
    for plural in plurals {
        let singular = plural[..plural.len() - 1].to_string();
        let (Some(p), Some(s)) = (terms.remove(&plural), terms.remove(&singular)) else {
            continue;
        };
        let (keep_key, mut keep, other) = if p.tf > s.tf {
            (plural, p, s)
        } else {
            (singular, s, p)
        };
        keep.df = (keep.df + other.df).min(n_docs);
        keep.tf += other.tf;
        keep.tag |= other.tag;
        keep.first_seen = keep.first_seen.min(other.first_seen);
        terms.insert(keep_key, keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_and_repeated_terms_lead() {
        let t = Taxonomy::builtin();
        let posts = [
            "Today my sourdough loaf finally rose! #sourdough #baking",
            "Sourdough focaccia with rosemary today #sourdough",
            "Rosemary from the balcony went into the bread today",
            "The starter needs feeding before the weekend",
        ];
        let docs: Vec<(&str, &[String])> = posts.iter().map(|p| (*p, &[][..])).collect();
        let th = themes(&t, docs);
        assert_eq!(th[0], "sourdough", "{th:?}");
        assert!(th.contains(&"rosemary".to_string()), "{th:?}");
        assert!(!th.iter().any(|w| w == "the" || w == "finally"), "{th:?}");
        // "today" is in 3 posts but common: below the topical words.
        let today = th.iter().position(|w| w == "today");
        let rosemary = th.iter().position(|w| w == "rosemary").unwrap();
        assert!(today.is_none_or(|i| i > rosemary), "{th:?}");
    }

    #[test]
    fn empty_input_gives_no_themes() {
        assert!(themes(&Taxonomy::builtin(), Vec::new()).is_empty());
    }
}
