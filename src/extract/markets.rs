//! Markets: which languages a country reads and whether a stated location lies in it, so the
//! ranker can serve `ship_to` (a brand shipping to MX wants Spanish-speaking audiences and
//! creators located in Mexico).
//!
//! Data: `data/markets.toml`, ISO 3166-1 alpha-2 → languages (ISO 639-1, main first) and place
//! names (country names in several languages, large cities). A location matches a country when
//! one of its place names occurs as whole words (case- and accent-folded; across all countries
//! the longest name wins, so "Porto Alegre" is Brazil and not Porto, Portugal), or when the
//! location carries the country's flag emoji.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::matcher::PhraseMatcher;
use super::text::fold;

const MARKETS_TOML: &str = include_str!("../../data/markets.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketDef {
    languages: Vec<String>,
    places: Vec<String>,
}

struct Markets {
    languages: BTreeMap<String, Vec<String>>,
    codes: Vec<String>,
    places: PhraseMatcher<u16>,
}

static MARKETS: LazyLock<Markets> = LazyLock::new(|| {
    let defs: BTreeMap<String, MarketDef> =
        toml::from_str(MARKETS_TOML).expect("data/markets.toml is valid");
    let mut b = PhraseMatcher::builder();
    let mut codes = Vec::new();
    let mut languages = BTreeMap::new();
    for (i, (code, def)) in defs.into_iter().enumerate() {
        for p in &def.places {
            b.add(p, i as u16);
        }
        codes.push(code.clone());
        languages.insert(code, def.languages);
    }
    Markets {
        languages,
        codes,
        places: b.build(),
    }
});

/// Build the tables now rather than on first use.
pub(crate) fn warm_up() {
    LazyLock::force(&MARKETS);
}

/// Languages read in a country (ISO 639-1, main first); `None` for an unknown code.
/// The code is case-insensitive (`mx`, `MX`).
pub fn languages_for(country: &str) -> Option<&'static [String]> {
    MARKETS
        .languages
        .get(&country.trim().to_ascii_uppercase())
        .map(Vec::as_slice)
}

/// Countries a stated location names (place names or flag emoji), in order of appearance.
pub(crate) fn countries_in(location: &str) -> Vec<&'static str> {
    let m = &*MARKETS;
    let mut out: Vec<&'static str> = Vec::new();
    for hit in m.places.find(&fold(location)) {
        for &i in hit.payloads {
            let c = m.codes[usize::from(i)].as_str();
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    for code in flags_in(location) {
        if let Some(c) = m.codes.iter().find(|c| **c == code)
            && !out.contains(&c.as_str())
        {
            out.push(c.as_str());
        }
    }
    out
}

/// Whether a stated location lies in `country` (ISO 3166-1 alpha-2, case-insensitive).
pub fn location_matches(country: &str, location: &str) -> bool {
    let want = country.trim().to_ascii_uppercase();
    countries_in(location).contains(&want.as_str())
}

/// Country codes of flag emoji (pairs of regional indicator symbols).
fn flags_in(s: &str) -> Vec<String> {
    const A: u32 = 0x1F1E6;
    let ri: Vec<Option<char>> = s
        .chars()
        .map(|c| {
            let v = c as u32;
            (A..A + 26)
                .contains(&v)
                .then(|| char::from(b'A' + (v - A) as u8))
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < ri.len() {
        if let (Some(a), Some(b)) = (ri[i], ri[i + 1]) {
            out.push(format!("{a}{b}"));
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_per_country() {
        assert_eq!(languages_for("MX").unwrap(), ["es"]);
        assert_eq!(languages_for("br").unwrap(), ["pt"]);
        assert_eq!(languages_for("CH").unwrap(), ["de", "fr", "it"]);
        assert_eq!(languages_for("US").unwrap(), ["en", "es"]);
        assert_eq!(languages_for("CA").unwrap(), ["en", "fr"]);
        assert_eq!(languages_for("BE").unwrap(), ["nl", "fr", "de"]);
        assert_eq!(languages_for("AT").unwrap(), ["de"]);
        assert!(languages_for("XX").is_none());
        assert!(MARKETS.codes.len() >= 40);
    }

    #[test]
    fn locations_match_countries() {
        assert!(location_matches("MX", "Ciudad de México"));
        assert!(location_matches("mx", "CDMX 🌮"));
        assert!(location_matches("DE", "Köln"));
        assert!(location_matches("AT", "Wien, Österreich"));
        assert!(location_matches("BR", "Porto Alegre - RS"));
        assert!(
            !location_matches("PT", "Porto Alegre - RS"),
            "longest name wins"
        );
        assert!(location_matches("PT", "Porto"));
        assert!(location_matches("ES", "🇪🇸"));
        assert!(location_matches("JP", "東京"));
        assert!(!location_matches("FR", "Paris, Texas") || location_matches("US", "Paris, Texas"));
        assert!(!location_matches("DE", "Buenos Aires"));
        assert!(!location_matches("XX", "Berlin"));
        assert_eq!(flags_in("🇲🇽 & 🇺🇸"), vec!["MX", "US"]);
    }
}
