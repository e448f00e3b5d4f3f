//! Brand safety: topics brands often avoid (profanity, adult, gambling, alcohol, drugs,
//! weapons, politics, hate), with the excerpts that show why.
//!
//! Formula: the bio and each post are matched against `data/brand_safety.toml` (plus the
//! terms of `extract.brand_safety_file`, added to the built-in ones) — whole words, case- and
//! accent-folded, in en/es/de/fr/pt/it. Whole-word matching keeps "Scunthorpe", "Sussex",
//! "assessment" and "cocktail" inside "cocktail dress" apart from the terms they contain;
//! per-category exception phrases ("glue gun", "alcohol-free", "Drunk Elephant",
//! "pornstar martini") swallow the term inside them. A category is flagged when at least its
//! `min_posts` documents (posts or the bio) hit it: 1 for `adult` and `hate`, 2 for the
//! others (one wine-pairing post in a cooking feed is not an alcohol creator).
//! `brand_safety_evidence` keeps up to [`MAX_EVIDENCE`] excerpts per flag, one per document,
//! quoting the original text around the first hit.
//!
//! Limits: a lexicon cannot read intent — a post *against* drink-driving mentions alcohol; the
//! evidence is there so that a person can judge.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use super::matcher::PhraseMatcher;
use super::text::{fold, fold_with_map};
use crate::error::{Error, Result};

pub(crate) const MAX_EVIDENCE: usize = 3;
/// Characters of context on each side of a hit in an evidence excerpt.
pub(crate) const EXCERPT_CONTEXT: usize = 60;
const DEFAULT_MIN_POSTS: usize = 2;

const BUILTIN: &str = include_str!("../../data/brand_safety.toml");

static BUILTIN_LEXICON: LazyLock<SafetyLexicon> = LazyLock::new(|| {
    SafetyLexicon::from_files(&[(BUILTIN, "data/brand_safety.toml")])
        .expect("built-in brand-safety lexicon is valid")
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    category: BTreeMap<String, CategoryDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDef {
    #[serde(default)]
    min_posts: Option<usize>,
    #[serde(default)]
    terms: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    exceptions: Vec<String>,
}

#[derive(Debug)]
struct Inner {
    names: Vec<String>,
    min_docs: Vec<usize>,
    /// `Some(category)` for a term, `None` for an exception phrase.
    matcher: PhraseMatcher<Option<u16>>,
}

/// The compiled lexicon; cloning is cheap (shared).
#[derive(Debug, Clone)]
pub struct SafetyLexicon {
    inner: Arc<Inner>,
}

/// Flags and their evidence for one creator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SafetyReport {
    pub flags: Vec<String>,
    pub evidence: BTreeMap<String, Vec<String>>,
}

impl SafetyLexicon {
    pub fn builtin() -> SafetyLexicon {
        BUILTIN_LEXICON.clone()
    }

    /// The built-in lexicon plus the terms of `extra` (same shape), as `extract.brand_safety_file`.
    pub fn with_extra(extra: &Path) -> Result<SafetyLexicon> {
        let text = std::fs::read_to_string(extra).map_err(|e| {
            Error::Config(format!(
                "`extract.brand_safety_file`: cannot read {}: {e}",
                extra.display()
            ))
        })?;
        let origin = extra.display().to_string();
        SafetyLexicon::from_files(&[(BUILTIN, "data/brand_safety.toml"), (&text, &origin)])
    }

    /// Merge lexicon files in order: later files extend categories of the same name.
    pub fn from_files(files: &[(&str, &str)]) -> Result<SafetyLexicon> {
        let mut names: Vec<String> = Vec::new();
        let mut min_docs: Vec<usize> = Vec::new();
        let mut terms: Vec<Vec<String>> = Vec::new();
        let mut exceptions: Vec<String> = Vec::new();
        for (text, origin) in files {
            let def: FileDef = toml::from_str(text).map_err(|e| {
                Error::Config(format!(
                    "brand-safety lexicon {origin}: {}",
                    e.to_string().trim()
                ))
            })?;
            for (name, cat) in def.category {
                let i = match names.iter().position(|n| n == &name) {
                    Some(i) => i,
                    None => {
                        names.push(name.clone());
                        min_docs.push(DEFAULT_MIN_POSTS);
                        terms.push(Vec::new());
                        names.len() - 1
                    }
                };
                if let Some(m) = cat.min_posts {
                    if m == 0 {
                        return Err(Error::Config(format!(
                            "brand-safety lexicon {origin}: category {name:?} has min_posts = 0"
                        )));
                    }
                    min_docs[i] = m;
                }
                terms[i].extend(cat.terms.into_values().flatten());
                exceptions.extend(cat.exceptions);
            }
        }
        if names.len() > usize::from(u16::MAX) {
            return Err(Error::Config(
                "brand-safety lexicon: too many categories".into(),
            ));
        }
        let mut b = PhraseMatcher::builder();
        for (i, ts) in terms.iter().enumerate() {
            for t in ts {
                b.add(t, Some(i as u16));
            }
        }
        for e in &exceptions {
            b.add(e, None);
        }
        Ok(SafetyLexicon {
            inner: Arc::new(Inner {
                names,
                min_docs,
                matcher: b.build(),
            }),
        })
    }

    pub fn categories(&self) -> &[String] {
        &self.inner.names
    }

    /// Categories a text touches (no threshold), for callers such as the ranker's `avoid`.
    pub fn categories_in_text(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (cat, _, _) in self.hits(&fold(text)) {
            let name = &self.inner.names[cat];
            if !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }

    /// (category, start, end) of each term hit in a folded text.
    fn hits(&self, folded: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for h in self.inner.matcher.find(folded) {
            for p in h.payloads.iter().flatten() {
                out.push((usize::from(*p), h.start, h.end));
            }
        }
        out
    }

    /// Flags and evidence over documents (`(original, folded)`: the bio and each post).
    pub fn assess<'a>(&self, docs: impl IntoIterator<Item = (&'a str, &'a str)>) -> SafetyReport {
        let n = self.inner.names.len();
        let mut doc_counts = vec![0usize; n];
        let mut evidence: Vec<Vec<String>> = vec![Vec::new(); n];
        for (original, folded) in docs {
            let hits = self.hits(folded);
            if hits.is_empty() {
                continue;
            }
            // Offsets are in the folded text; refold with a map to quote the original. The
            // folded text may carry extra hashtags appended after the original's.
            let (refolded, map) = fold_with_map(original);
            let mappable = folded.starts_with(refolded.as_str());
            let mut seen = vec![false; n];
            for (cat, start, end) in hits {
                if seen[cat] {
                    continue;
                }
                seen[cat] = true;
                doc_counts[cat] += 1;
                if evidence[cat].len() < MAX_EVIDENCE {
                    let quote = if mappable && end <= refolded.len() {
                        let s = map[start];
                        let e = map.get(end).copied().unwrap_or(original.len());
                        crate::extract::text::excerpt_around(original, s, e, EXCERPT_CONTEXT)
                    } else {
                        crate::extract::text::excerpt_around(folded, start, end, EXCERPT_CONTEXT)
                    };
                    evidence[cat].push(quote);
                }
            }
        }
        let mut report = SafetyReport::default();
        for i in 0..n {
            if doc_counts[i] >= self.inner.min_docs[i] {
                let name = self.inner.names[i].clone();
                report.flags.push(name.clone());
                report
                    .evidence
                    .insert(name, std::mem::take(&mut evidence[i]));
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assess(lex: &SafetyLexicon, docs: &[&str]) -> SafetyReport {
        let folded: Vec<String> = docs.iter().map(|d| fold(d)).collect();
        lex.assess(docs.iter().copied().zip(folded.iter().map(String::as_str)))
    }

    #[test]
    fn scunthorpe_style_false_positives_do_not_flag() {
        let lex = SafetyLexicon::builtin();
        let clean = [
            "Day trip to Scunthorpe and Sussex for the skills assessment",
            "Wore my cocktail dress to the gallery, shot on iPhone",
            "Kids loved the grape juice and the hot glue gun crafts",
            "My alcohol-free toner from Drunk Elephant, class act",
            "Weeding the garden, then a bass lesson and some passion fruit",
            "Cocktail ring and a champagne shimmer eyeshadow",
            "Heißklebepistole und Waffeln zum Basteln",
        ];
        for d in clean {
            assert!(
                lex.categories_in_text(d).is_empty(),
                "{d}: {:?}",
                lex.categories_in_text(d)
            );
        }
        let r = assess(&lex, &clean);
        assert!(r.flags.is_empty(), "{:?}", r.flags);
    }

    #[test]
    fn real_hits_flag_with_evidence() {
        let lex = SafetyLexicon::builtin();
        let r = assess(
            &lex,
            &[
                "Friday night: two Negronis and a craft BEER at the new bar",
                "Wine pairing for the risotto: a crisp white wine",
                "Casino night with friends",
                "¡Qué mierda de día!",
            ],
        );
        assert_eq!(r.flags, vec!["alcohol".to_string()]);
        let ev = &r.evidence["alcohol"];
        assert_eq!(ev.len(), 2);
        assert!(ev[0].contains("BEER"), "original text quoted: {ev:?}");
        // One-post categories stay below their threshold; adult/hate need just one.
        let adult = assess(&lex, &["New content on my OnlyFans 🔥"]);
        assert_eq!(adult.flags, vec!["adult".to_string()]);
    }

    #[test]
    fn extra_file_extends_the_builtin() {
        let dir = std::env::temp_dir().join(format!("scout-safety-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("extra.toml");
        std::fs::write(
            &p,
            "[category.alcohol]\nterms.en = [\"hard seltzer\"]\n[category.tobacco]\nmin_posts = 1\nterms.en = [\"vape\"]\n",
        )
        .unwrap();
        let lex = SafetyLexicon::with_extra(&p).unwrap();
        assert!(lex.categories().contains(&"tobacco".to_string()));
        assert_eq!(
            lex.categories_in_text("hard seltzer and a beer"),
            vec!["alcohol"]
        );
        assert_eq!(assess(&lex, &["new vape flavour"]).flags, vec!["tobacco"]);
        std::fs::write(&p, "[category.x]\nmin_posts = 0\n").unwrap();
        assert!(
            SafetyLexicon::with_extra(&p)
                .unwrap_err()
                .to_string()
                .contains("min_posts")
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
