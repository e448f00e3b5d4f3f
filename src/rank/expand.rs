//! Query understanding: which taxonomy niches a query names, and the synonyms across
//! languages that expand it ("skincare" ~ "skin care" ~ "Hautpflege" ~ "cuidado de la piel").
//! The taxonomy is the same one extraction labels posts with, so a query and a creator's
//! `niche_shares` speak the same ids.

use crate::extract::taxonomy::{TERM_WEIGHT, Taxonomy};

/// What the ranker learns from the query text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansion {
    /// Niche ids the query is about, with a weight (1 for the best-matching niche, its
    /// relative score for the others), best first. A niche's sub-niches inherit its weight:
    /// a vegan-skincare post is a skincare post.
    pub niches: Vec<(String, f64)>,
    /// Extra texts to search for, in other words or languages.
    pub synonyms: Vec<String>,
}

/// Niches scoring at least half the best one are all "named": "vegan skincare" names both
/// vegan_skincare and skincare, and a creator strong in either is on topic.
pub fn expand(taxonomy: &Taxonomy, query: &str) -> Expansion {
    if query.trim().is_empty() {
        return Expansion::default();
    }
    let scores = taxonomy.niches_in_text(query);
    let top = scores.first().map_or(0.0, |s| s.1);
    let mut niches: Vec<(String, f64)> = scores
        .into_iter()
        .filter(|(_, s)| *s >= TERM_WEIGHT && *s >= top * 0.5)
        .map(|(id, s)| (id, s / top))
        .collect();
    let named = niches.clone();
    for n in taxonomy.niches() {
        let Some(parent) = &n.parent else { continue };
        let Some((_, w)) = named.iter().find(|(id, _)| id == parent) else {
            continue;
        };
        match niches.iter_mut().find(|(id, _)| *id == n.id) {
            Some(existing) => existing.1 = existing.1.max(*w),
            None => niches.push((n.id.clone(), *w)),
        }
    }
    Expansion {
        niches,
        synonyms: taxonomy.expand(query),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_niches_across_languages() {
        let t = Taxonomy::builtin();
        for q in [
            "skincare",
            "Hautpflege",
            "cuidado de la piel",
            "soin de la peau",
        ] {
            let e = expand(&t, q);
            assert!(
                e.niches.iter().any(|(n, w)| n == "skincare" && *w == 1.0),
                "{q}: {e:?}"
            );
            // Sub-niches count fully towards their parent.
            assert!(
                e.niches
                    .iter()
                    .any(|(n, w)| n == "vegan_skincare" && *w == 1.0),
                "{q}: {e:?}"
            );
        }
        let e = expand(&t, "skincare");
        let folded: Vec<String> = e.synonyms.iter().map(|s| s.to_lowercase()).collect();
        assert!(folded.iter().any(|s| s == "hautpflege"), "{folded:?}");
        assert!(expand(&t, "quantum chromodynamics").niches.is_empty());
    }
}
