//! The niche taxonomy: what each ecommerce niche is called and which words, phrases and
//! hashtags speak to it, in several languages (`data/taxonomy.toml`, or a file of the same
//! shape named by `extract.taxonomy_file`).
//!
//! Scoring a text (used per post, and by the ranker on queries):
//! - every entry is folded (case, accents) and expanded once at load: plural/singular forms of
//!   its last word (en/es/fr/pt `-s`/`-es`/`-ies`, it `-o→-i`, `-a→-e`, pt `-ão→-ões`, de
//!   `-e`/`-n`/`-en`, en `-ing`↔`-ed`), a hashtag form (`"skin care"` → `#skincare`), and, for single words of 7+
//!   letters, a prefix match so German compounds count ("Hautpflegeroutine");
//! - weights: a niche's `names` 1.5, `terms` 1.0, `weak` terms 0.4; a multi-word phrase ×1.5;
//!   a hashtag ×2 (hashtags are deliberate labels, words may be incidental);
//! - a niche with a `parent` (vegan skincare → skincare) also has `modifiers` ("vegan",
//!   "cruelty free") that count only when the parent scores; when it scores at all and its
//!   parent does too, the parent's score is added, so the more specific niche wins ties;
//! - hits are whole-word, longest first (so `#skincare` counts once, as a hashtag).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use super::matcher::PhraseMatcher;
use super::text::{fold, fold_term};
use crate::error::{Error, Result};

pub(crate) const NAME_WEIGHT: f64 = 1.5;
pub(crate) const TERM_WEIGHT: f64 = 1.0;
pub(crate) const WEAK_WEIGHT: f64 = 0.4;
pub(crate) const MODIFIER_WEIGHT: f64 = 1.0;
pub(crate) const PHRASE_FACTOR: f64 = 1.5;
pub(crate) const HASHTAG_FACTOR: f64 = 2.0;
/// Single words at least this long also match as the start of a longer word.
pub(crate) const PREFIX_MIN_CHARS: usize = 7;

const BUILTIN: &str = include_str!("../../data/taxonomy.toml");

static BUILTIN_TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::parse(BUILTIN, "data/taxonomy.toml").expect("built-in taxonomy is valid")
});

/// One niche as the taxonomy file defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct Niche {
    pub id: String,
    pub label: String,
    /// What the niche is called, across languages (used by [`Taxonomy::expand`]).
    pub names: Vec<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct TermRef {
    niche: u16,
    weight: f32,
    modifier: bool,
}

#[derive(Debug)]
struct Inner {
    niches: Vec<Niche>,
    parents: Vec<Option<usize>>,
    matcher: PhraseMatcher<TermRef>,
    /// Folded single words of the vocabulary (themes weigh them up).
    vocabulary: HashSet<String>,
}

/// A compiled taxonomy; cloning is cheap (shared).
#[derive(Debug, Clone)]
pub struct Taxonomy {
    inner: Arc<Inner>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    niche: Vec<NicheDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NicheDef {
    id: String,
    label: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    /// Language code → terms (the language is documentation; matching is language-blind).
    #[serde(default)]
    terms: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

impl Taxonomy {
    /// The taxonomy shipped in the binary (`data/taxonomy.toml`), compiled once per process.
    pub fn builtin() -> Taxonomy {
        BUILTIN_TAXONOMY.clone()
    }

    /// A taxonomy file of the same shape as `data/taxonomy.toml`.
    pub fn load(path: &Path) -> Result<Taxonomy> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!(
                "`extract.taxonomy_file`: cannot read {}: {e}",
                path.display()
            ))
        })?;
        Taxonomy::parse(&text, &path.display().to_string())
    }

    /// Parse taxonomy TOML; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Taxonomy> {
        let bad = |msg: String| Error::Config(format!("taxonomy {origin}: {msg}"));
        let def: FileDef = toml::from_str(text).map_err(|e| bad(e.to_string().trim().into()))?;
        if def.niche.is_empty() {
            return Err(bad("no [[niche]] entries".into()));
        }
        if def.niche.len() > usize::from(u16::MAX) {
            return Err(bad("too many niches".into()));
        }
        let mut ids = HashSet::new();
        for n in &def.niche {
            if n.id.trim().is_empty() {
                return Err(bad("a niche has an empty `id`".into()));
            }
            if !ids.insert(n.id.as_str()) {
                return Err(bad(format!("niche id {:?} appears twice", n.id)));
            }
        }
        let position = |id: &str| def.niche.iter().position(|n| n.id == id);
        let mut parents = Vec::with_capacity(def.niche.len());
        for n in &def.niche {
            parents.push(match &n.parent {
                None => None,
                Some(p) if p == &n.id => {
                    return Err(bad(format!("niche {:?} is its own parent", n.id)));
                }
                Some(p) => Some(
                    position(p)
                        .ok_or_else(|| bad(format!("niche {:?} has unknown parent {p:?}", n.id)))?,
                ),
            });
        }

        let mut builder = PhraseMatcher::builder();
        let mut vocabulary = HashSet::new();
        for (i, n) in def.niche.iter().enumerate() {
            let niche = i as u16;
            let mut add = |term: &str, base: f64, modifier: bool| {
                add_term(&mut builder, term, niche, base, modifier, &mut vocabulary);
            };
            for name in &n.names {
                add(name, NAME_WEIGHT, false);
            }
            for terms in n.terms.values() {
                for t in terms {
                    add(t, TERM_WEIGHT, false);
                }
            }
            for t in &n.weak {
                add(t, WEAK_WEIGHT, false);
            }
            for t in &n.modifiers {
                add(t, MODIFIER_WEIGHT, true);
            }
        }
        let niches = def
            .niche
            .into_iter()
            .map(|n| Niche {
                id: n.id,
                label: n.label,
                names: n.names,
                parent: n.parent,
            })
            .collect();
        Ok(Taxonomy {
            inner: Arc::new(Inner {
                niches,
                parents,
                matcher: builder.build(),
                vocabulary,
            }),
        })
    }

    pub fn niches(&self) -> &[Niche] {
        &self.inner.niches
    }

    pub fn niche(&self, id: &str) -> Option<&Niche> {
        self.inner.niches.iter().find(|n| n.id == id)
    }

    /// Whether a folded single word belongs to the niche vocabulary.
    pub fn is_vocabulary(&self, folded_word: &str) -> bool {
        self.inner.vocabulary.contains(folded_word)
    }

    /// Niche scores of an already folded text: (niche index, score > 0), unordered.
    pub fn scores_folded(&self, folded: &str) -> Vec<(usize, f64)> {
        let n = self.inner.niches.len();
        let mut own = vec![0.0f64; n];
        let mut mods = vec![0.0f64; n];
        for hit in self.inner.matcher.find(folded) {
            for (k, t) in hit.payloads.iter().enumerate() {
                // One pattern may stand for the same niche twice (a name that is also a
                // term): it counts once, at its highest weight.
                let dup = hit.payloads[..k]
                    .iter()
                    .any(|o| o.niche == t.niche && o.modifier == t.modifier);
                if dup {
                    continue;
                }
                let w = hit.payloads[k..]
                    .iter()
                    .filter(|o| o.niche == t.niche && o.modifier == t.modifier)
                    .map(|o| o.weight)
                    .fold(0.0f32, f32::max);
                let slot = if t.modifier { &mut mods } else { &mut own };
                slot[usize::from(t.niche)] += f64::from(w);
            }
        }
        let mut out = Vec::new();
        for i in 0..n {
            let mut score = own[i];
            if let Some(p) = self.inner.parents[i]
                && own[p] > 0.0
                && own[i] + mods[i] > 0.0
            {
                score = own[i] + mods[i] + own[p];
            }
            if score > 0.0 {
                out.push((i, score));
            }
        }
        out
    }

    pub(crate) fn id_of(&self, index: usize) -> &str {
        &self.inner.niches[index].id
    }

    /// Niches a text speaks to, best first: (niche id, score). Hashtags in the text count.
    pub fn niches_in_text(&self, text: &str) -> Vec<(String, f64)> {
        let mut scores = self.scores_folded(&fold(text));
        sort_scores(&mut scores);
        scores
            .into_iter()
            .map(|(i, s)| (self.id_of(i).to_string(), s))
            .collect()
    }

    /// Synonyms across languages for the niches a query names ("skincare" → "skin care",
    /// "Hautpflege", "cuidado de la piel", ...), best-matching niche first, deduplicated
    /// (case- and accent-insensitively). Empty when the query names no niche.
    pub fn expand(&self, query: &str) -> Vec<String> {
        let mut scores = self.scores_folded(&fold(query));
        sort_scores(&mut scores);
        let top = scores.first().map_or(0.0, |s| s.1);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, s) in scores {
            // A query naming one niche should not drag in every niche sharing a word.
            if s < TERM_WEIGHT || s < top * 0.5 {
                continue;
            }
            for name in &self.inner.niches[i].names {
                if seen.insert(fold_term(name)) {
                    out.push(name.clone());
                }
            }
        }
        out
    }
}

/// Best score first; ties by niche order in the file (stable, documented order).
pub(crate) fn sort_scores(scores: &mut [(usize, f64)]) {
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
}

fn add_term(
    builder: &mut super::matcher::MatcherBuilder<TermRef>,
    term: &str,
    niche: u16,
    base: f64,
    modifier: bool,
    vocabulary: &mut HashSet<String>,
) {
    let folded = fold_term(term);
    if folded.is_empty() {
        return;
    }
    let r = |w: f64| TermRef {
        niche,
        weight: w as f32,
        modifier,
    };
    if let Some(tag) = folded.strip_prefix('#') {
        builder.add(&format!("#{tag}"), r(base * HASHTAG_FACTOR));
        return;
    }
    let words = folded.split(' ').count();
    let weight = if words > 1 {
        base * PHRASE_FACTOR
    } else {
        base
    };
    let open = words == 1 && folded.chars().count() >= PREFIX_MIN_CHARS;
    if words == 1 && base >= TERM_WEIGHT && !modifier {
        vocabulary.insert(folded.clone());
    }
    for v in variants(&folded) {
        builder.add_with(&v, r(weight), open);
    }
    // Weak terms are too vague to be labels; everything else also counts as a hashtag.
    if base >= TERM_WEIGHT {
        let tag: String = folded
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\'' | '.' | '&'))
            .collect();
        builder.add(&format!("#{tag}"), r(base * HASHTAG_FACTOR));
    }
}

/// The term plus plural/singular forms of its last word (see the module doc).
pub(crate) fn variants(folded: &str) -> Vec<String> {
    let mut out = vec![folded.to_string()];
    let (head, last) = match folded.rfind(' ') {
        Some(i) => (&folded[..=i], &folded[i + 1..]),
        None => ("", folded),
    };
    if last.chars().count() < 3 || !last.chars().all(char::is_alphabetic) {
        return out;
    }
    // Short words ("pen", "mat") only get the plain `-s` plural; the other rules would make
    // noise of them.
    if last.chars().count() < 4 {
        if !last.ends_with('s') {
            out.push(format!("{folded}s"));
        }
        return out;
    }
    let mut push = |w: String| {
        let v = format!("{head}{w}");
        if !out.contains(&v) {
            out.push(v);
        }
    };
    let stem = |n: usize| last[..last.len() - n].to_string();
    // English -ing/-ed ("sanding" ~ "sanded", "thrifted" ~ "thrifting").
    if last.len() >= 6 && last.ends_with("ing") {
        push(format!("{}ed", stem(3)));
    } else if last.len() >= 6 && last.ends_with("ed") {
        push(format!("{}ing", stem(2)));
    }
    if last.ends_with('s') && !last.ends_with("ss") && last.len() >= 5 {
        push(stem(1));
        if last.ends_with("es") {
            push(stem(2));
        }
        if last.ends_with("ies") {
            push(format!("{}y", stem(3)));
        }
        return out;
    }
    if last.ends_with('s') {
        return out;
    }
    push(format!("{last}s"));
    let vowel = |c: char| "aeiouy".contains(c);
    let end = last.chars().last().unwrap_or('a');
    if last.ends_with('y') && !last.ends_with("ay") && !last.ends_with("ey") {
        push(format!("{}ies", stem(1)));
    }
    if !vowel(end) {
        push(format!("{last}es"));
        push(format!("{last}e"));
        push(format!("{last}en"));
    }
    match end {
        'o' if last.ends_with("ao") => push(format!("{}oes", stem(2))),
        'o' => push(format!("{}i", stem(1))),
        'a' => push(format!("{}e", stem(1))),
        'e' => {
            push(format!("{}i", stem(1)));
            push(format!("{last}n"));
        }
        'l' if last.ends_with("al") => {
            push(format!("{}aux", stem(2)));
            push(format!("{}ais", stem(2)));
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_required_niches() {
        let t = Taxonomy::builtin();
        assert!(t.niches().len() >= 25, "{}", t.niches().len());
        for id in [
            "skincare",
            "makeup",
            "fashion",
            "sustainable_fashion",
            "home_decor",
            "fitness",
            "running",
            "cycling",
            "outdoor",
            "baking",
            "coffee",
            "vegan_food",
            "travel",
            "gaming",
            "tabletop_games",
            "tech",
            "keyboards",
            "parenting",
            "kids_crafts",
            "pets",
            "houseplants",
            "gardening",
            "diy",
            "books",
            "photography",
            "vegan_skincare",
        ] {
            assert!(t.niche(id).is_some(), "missing niche {id}");
        }
    }

    #[test]
    fn plurals_and_hashtags() {
        let v = variants("houseplant");
        assert!(v.contains(&"houseplants".to_string()));
        assert!(variants("keycaps").contains(&"keycap".to_string()));
        assert!(variants("ricetta").contains(&"ricette".to_string()));
        assert!(variants("cuidado de la piel").contains(&"cuidado de la pieles".to_string()));
        let t = Taxonomy::builtin();
        let top = &t.niches_in_text("New #HouseplantS shelf!")[0];
        assert_eq!(top.0, "houseplants");
        let word = t.niches_in_text("my houseplants")[0].1;
        let tag = t.niches_in_text("my #houseplants")[0].1;
        assert!(tag > word, "hashtags weigh more: {tag} vs {word}");
    }

    #[test]
    fn accents_case_and_compounds() {
        let t = Taxonomy::builtin();
        assert_eq!(t.niches_in_text("Meine HAUTPFLEGEROUTINE")[0].0, "skincare");
        assert_eq!(
            t.niches_in_text("cosmética VEGANA y cruelty-free, sérum y crema")[0].0,
            "vegan_skincare"
        );
        assert!(t.niches_in_text("the weather today").is_empty());
    }

    #[test]
    fn expand_gives_synonyms_across_languages() {
        let t = Taxonomy::builtin();
        let e: Vec<String> = t.expand("skincare").iter().map(|s| fold(s)).collect();
        for want in ["skin care", "hautpflege", "cuidado de la piel"] {
            assert!(e.iter().any(|s| s == want), "{want} not in {e:?}");
        }
        assert!(t.expand("quantum chromodynamics").is_empty());
    }

    #[test]
    fn bad_files_are_named() {
        let err = Taxonomy::parse("[[niche]]\nid='a'\nlabel='A'\nparent='zz'", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.toml") && err.contains("zz"), "{err}");
        assert!(Taxonomy::parse("", "e.toml").is_err());
    }
}
