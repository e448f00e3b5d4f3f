//! Plain BM25 (k1 1.2, b 0.75) over each indexed creator's bio and own posts — the baseline
//! scout's ranker must beat, on the same creators and with the same hard filters.
//!
//! Deliberately plain: lowercase alphanumeric tokens, no stemming, no synonyms, no field
//! boosts, one document per creator.

use std::collections::{HashMap, HashSet};

const K1: f64 = 1.2;
const B: f64 = 0.75;

pub struct Bm25 {
    /// Per document: its id and term frequencies.
    docs: Vec<(String, HashMap<String, u32>, u32)>,
    df: HashMap<String, u32>,
    avg_len: f64,
}

pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Bm25 {
    /// `docs`: (creator id, bio + own posts text).
    pub fn new(docs: impl IntoIterator<Item = (String, String)>) -> Bm25 {
        let mut out = Vec::new();
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut total = 0u64;
        for (id, text) in docs {
            let toks = tokens(&text);
            let mut tf: HashMap<String, u32> = HashMap::new();
            for t in &toks {
                *tf.entry(t.clone()).or_default() += 1;
            }
            for t in tf.keys() {
                *df.entry(t.clone()).or_default() += 1;
            }
            total += toks.len() as u64;
            out.push((id, tf, toks.len() as u32));
        }
        let avg_len = total as f64 / out.len().max(1) as f64;
        Bm25 {
            docs: out,
            df,
            avg_len,
        }
    }

    /// The top `k` ids for `query` among `allowed` (the hard filters), best first; ties by id.
    pub fn top(&self, query: &str, allowed: &HashSet<String>, k: usize) -> Vec<String> {
        let n = self.docs.len() as f64;
        let mut terms = tokens(query);
        terms.dedup();
        let mut scored: Vec<(f64, &str)> = self
            .docs
            .iter()
            .filter(|(id, _, _)| allowed.contains(id))
            .filter_map(|(id, tf, len)| {
                let s: f64 = terms
                    .iter()
                    .filter_map(|t| {
                        let f = f64::from(*tf.get(t)?);
                        let df = f64::from(self.df[t]);
                        let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                        let norm = K1 * (1.0 - B + B * f64::from(*len) / self.avg_len);
                        Some(idf * f * (K1 + 1.0) / (f + norm))
                    })
                    .sum();
                (s > 0.0).then_some((s, id.as_str()))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(k)
            .map(|(_, id)| id.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_and_denser_terms_score_higher() {
        let b = Bm25::new([
            ("a".to_string(), "bouldering bouldering crimp".to_string()),
            (
                "b".to_string(),
                "bouldering and a lot of other words here today".to_string(),
            ),
            ("c".to_string(), "coffee".to_string()),
        ]);
        let all: HashSet<String> = ["a", "b", "c"].map(String::from).into();
        assert_eq!(b.top("Bouldering", &all, 10), vec!["a", "b"]);
        let some: HashSet<String> = ["b"].map(String::from).into();
        assert_eq!(b.top("bouldering", &some, 10), vec!["b"]);
    }
}
