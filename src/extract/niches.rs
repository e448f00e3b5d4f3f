//! Niches: which taxonomy niches a creator posts about, and how consistently.
//!
//! Formula:
//! - each post's text (with its hashtags) is scored against the taxonomy
//!   (see [`super::taxonomy`]); the post is labelled with every niche scoring at least
//!   [`MIN_POST_SCORE`] and at least [`RELATIVE_TO_TOP`] of the post's best score (a post
//!   about a run that ends in a café is running, and a little coffee; a stray word is not);
//! - `niche_shares[n]` = labelled posts for `n` / posts with text;
//! - `niches` = niches with share ≥ [`MIN_SHARE`] and at least [`MIN_POSTS`] posts, most
//!   frequent first (a creator "consistently" posting about it);
//! - `theme_consistency` = share of the main niche (the most frequent one). `null` when no
//!   post speaks to any niche: a creator outside the taxonomy is unmeasured, not inconsistent.
//!
//! Limits: posts without text (image-only) are not counted; the taxonomy decides what a niche
//! is, so a creator in a niche it lacks gets no niches.

use std::collections::BTreeMap;

use super::taxonomy::{Taxonomy, sort_scores};
use super::text::round3;

pub const MIN_POST_SCORE: f64 = 1.0;
pub const RELATIVE_TO_TOP: f64 = 0.4;
pub const MIN_SHARE: f64 = 0.25;
pub const MIN_POSTS: usize = 2;

/// The niche labels of one post (niche indices), from its taxonomy scores.
pub fn post_labels(mut scores: Vec<(usize, f64)>) -> Vec<usize> {
    sort_scores(&mut scores);
    let top = scores.first().map_or(0.0, |s| s.1);
    scores
        .into_iter()
        .filter(|&(_, s)| s >= MIN_POST_SCORE && s >= top * RELATIVE_TO_TOP)
        .map(|(i, _)| i)
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NicheSummary {
    pub shares: BTreeMap<String, f64>,
    pub niches: Vec<String>,
    pub consistency: Option<f64>,
}

/// Summarise per-post labels (one entry per post with text).
pub fn summarize(taxonomy: &Taxonomy, labels: &[Vec<usize>]) -> NicheSummary {
    let posts = labels.len();
    if posts == 0 {
        return NicheSummary::default();
    }
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for post in labels {
        for &n in post {
            *counts.entry(n).or_default() += 1;
        }
    }
    let mut ranked: Vec<(usize, usize)> = counts.into_iter().collect();
    // Most posts first; ties by taxonomy order so the result is stable.
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let share = |n: usize| n as f64 / posts as f64;
    NicheSummary {
        shares: ranked
            .iter()
            .map(|&(i, n)| (taxonomy.id_of(i).to_string(), round3(share(n))))
            .collect(),
        niches: ranked
            .iter()
            .filter(|&&(_, n)| n >= MIN_POSTS && share(n) >= MIN_SHARE)
            .map(|&(i, _)| taxonomy.id_of(i).to_string())
            .collect(),
        consistency: ranked.first().map(|&(_, n)| round3(share(n))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::fold;

    fn labels(t: &Taxonomy, texts: &[&str]) -> Vec<Vec<usize>> {
        texts
            .iter()
            .map(|x| post_labels(t.scores_folded(&fold(x))))
            .collect()
    }

    #[test]
    fn consistent_creator() {
        let t = Taxonomy::builtin();
        let l = labels(
            &t,
            &[
                "Sourdough loaf with an open crumb #sourdough",
                "Cinnamon rolls from my favourite dough recipe #baking",
                "Lemon cake, baked this morning",
                "Walk in the park today",
            ],
        );
        let s = summarize(&t, &l);
        assert_eq!(s.niches, vec!["baking".to_string()]);
        assert_eq!(s.consistency, Some(0.75));
        assert_eq!(s.shares["baking"], 0.75);
    }

    #[test]
    fn one_post_is_not_consistent_and_nothing_is_null() {
        let t = Taxonomy::builtin();
        let s = summarize(
            &t,
            &labels(&t, &["#skincare routine with retinol", "hello"]),
        );
        assert!(
            s.niches.is_empty(),
            "one post is not a niche: {:?}",
            s.niches
        );
        let none = summarize(&t, &labels(&t, &["hello world", "good morning"]));
        assert_eq!(none.consistency, None);
        assert_eq!(summarize(&t, &[]).consistency, None);
    }
}
