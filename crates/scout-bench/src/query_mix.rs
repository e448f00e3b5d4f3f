//! A large, seeded mix of distinct searches for the HTTP benchmark: niche phrases and hashtags
//! of the world's six languages (the lexicon the creators write with, without a leading
//! article or possessive: a marketer types "gentle cleanser", not "a gentle cleanser") × the
//! filter combinations a marketer adds. Thousands of distinct queries, so a result cache cannot carry
//! the throughput figure by itself; the same seed always gives the same list.

use std::collections::HashSet;

use super::lexicon::{LANGS, lexicon};
use super::rng::Rng;

/// Distinct queries the HTTP benchmark cycles through by default.
pub const DEFAULT_COUNT: usize = 1_200;

/// The seed `scout-bench all` generates the mix with by default (its `--seed`).
pub const DEFAULT_SEED: u64 = 20_261_101;

/// (query text, filters as HTTP parameter pairs).
pub type Mixed = (String, Vec<(&'static str, String)>);

/// Filter combinations; `{lang}` stands for the query's own language.
const FILTERS: &[&[(&str, &str)]] = &[
    &[],
    &[("tier", "micro")],
    &[("tier", "nano"), ("tier", "micro")],
    &[("lang", "{lang}")],
    &[("lang", "{lang}"), ("tier", "micro")],
    &[("min_engagement", "0.02")],
    &[("active_within_days", "30")],
    &[("has_email", "true")],
    &[("min_followers", "5000"), ("max_followers", "80000")],
    &[("max_sponsored_share", "0.3")],
    &[("lang", "{lang}"), ("min_engagement", "0.01")],
    &[("tier", "macro"), ("active_within_days", "60")],
];

/// Leading words dropped from lexicon phrases (articles and possessives of the six languages).
const LEADING: &[&str] = &[
    "a", "an", "my", "the", "mi", "un", "una", "el", "la", "los", "las", "meine", "mein", "einen",
    "eine", "ein", "der", "die", "das", "den", "ma", "mon", "mes", "une", "le", "les", "minha",
    "meu", "um", "uma", "o", "os", "as", "il", "lo", "mia", "mio", "uno",
];

/// `phrase` without its leading article or possessive.
fn niche_words(phrase: &str) -> String {
    match phrase.split_once(' ') {
        Some((first, rest)) if LEADING.contains(&first.to_lowercase().as_str()) => rest.to_string(),
        _ => phrase.to_string(),
    }
}

/// `count` distinct queries for `seed` (fewer only if the lexicon ran out, which it does not
/// below ~8,000).
pub fn generate(count: usize, seed: u64) -> Vec<Mixed> {
    let lex = lexicon();
    let mut rng = Rng::for_key(seed, &[0x9e11]);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(count);
    let mut tries = 0;
    while out.len() < count && tries < count * 50 {
        tries += 1;
        let niche = rng.below(lex.phrases.len() as u64) as usize;
        let lang = rng.below(LANGS.len() as u64) as usize;
        let text = if rng.chance(0.75) {
            niche_words(rng.pick::<&str>(&lex.phrases[niche][lang]))
        } else {
            rng.pick(&lex.tags[niche][lang]).to_string()
        };
        let filters: Vec<(&'static str, String)> = rng
            .pick(FILTERS)
            .iter()
            .map(|(k, v)| (*k, v.replace("{lang}", LANGS[lang])))
            .collect();
        if seen.insert((text.clone(), filters.clone())) {
            out.push((text, filters));
        }
    }
    out
}

/// `/v1/search?...` for each query, percent-encoded.
pub fn http_paths(queries: &[Mixed]) -> Vec<String> {
    queries
        .iter()
        .map(|(q, filters)| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            ser.append_pair("q", q);
            for (k, v) in filters {
                ser.append_pair(k, v);
            }
            format!("/v1/search?{}", ser.finish())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_articles_are_dropped() {
        assert_eq!(niche_words("a gentle cleanser"), "gentle cleanser");
        assert_eq!(
            niche_words("la mia skincare routine"),
            "mia skincare routine"
        );
        assert_eq!(niche_words("SPF 50 sunscreen"), "SPF 50 sunscreen");
    }

    #[test]
    fn distinct_seeded_and_valid() {
        let a = generate(DEFAULT_COUNT, 7);
        assert_eq!(a.len(), DEFAULT_COUNT);
        assert_eq!(a, generate(DEFAULT_COUNT, 7), "same seed, same list");
        assert_ne!(a, generate(DEFAULT_COUNT, 8));
        let paths = http_paths(&a);
        assert_eq!(paths.iter().collect::<HashSet<_>>().len(), DEFAULT_COUNT);
        for l in LANGS {
            assert!(paths.iter().any(|p| p.contains(&format!("lang={l}"))));
        }
        for (q, f) in &a {
            let pairs =
                std::iter::once(("q", q.as_str())).chain(f.iter().map(|(k, v)| (*k, v.as_str())));
            scout::rank::SearchRequest::from_pairs(pairs).expect("valid request");
        }
    }
}
