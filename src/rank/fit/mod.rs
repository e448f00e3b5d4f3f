//! Audience and brand fit: the four signals that say whether a creator suits *this brand*,
//! beyond suiting the niche. Each is computed only when its filter is given.
//!
//! | filter | signal in `explain` | value | module |
//! |---|---|---|---|
//! | `buyer` | `buyer` (+ `buyer_match` on the record, `buyer_terms`, `buyer_evidence`) | 0–1 | [`buyer`] |
//! | `ship_to` | `ship_to` (+ `ship_to_fit`) | −1–1 | [`ship_to`] |
//! | `values` | `values` (+ `values_match`) | 0–1 | [`values`] |
//! | `avoid` | `avoid_penalty` (+ `avoid_hits`, `avoid_categories`, `avoid_unmatched`) | −1–0 | [`avoid`] |
//!
//! Contribution = `rank.<weight>` × value, added to the score like every other signal
//! (weights `buyer` 2.0, `ship_to` 1.0, `values` 1.0, `avoid_penalty` 3.0 by default).
//!
//! Cost. `buyer` is BM25 over the per-creator audience fields, evaluated for the retrieved
//! candidates only ([`crate::rank::seek`]); `ship_to` and category `avoid` read the signal
//! table (audience languages, language, location and flags are in the `signals` fast field).
//! `values` and free-text `avoid` need the creator's posts — the slow path: an index query
//! first rules out the candidates that cannot match, and raw profiles are read from the
//! document store only for candidates that could still reach the requested page. Buyer
//! evidence reads raw profiles for the page only.

pub(crate) mod avoid;
pub(crate) mod buyer;
pub(crate) mod lexicon;
pub(crate) mod ship_to;
pub(crate) mod values;

pub(crate) use avoid::AvoidSpec;
pub(crate) use buyer::BuyerQuery;
pub(crate) use ship_to::{Markets, ShipToFit};
pub(crate) use values::{ValuesMatch, ValuesSpec};

/// Words joining list items ("cruelty-free and vegan"), in en/es/de/fr/pt/it.
const CONJUNCTIONS: &[&str] = &[
    "and", "or", "y", "o", "e", "u", "und", "oder", "et", "ou", "ed",
];

/// Split a free-text list on commas, semicolons, slashes, `&`, `+`, `|`, new lines and the
/// words for "and"/"or"; parts trimmed, empty ones dropped, duplicates (folded) removed.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut keys = std::collections::HashSet::new();
    let mut flush = |part: &mut Vec<&str>, out: &mut Vec<String>| {
        let item = part
            .join(" ")
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '#')
            .to_string();
        let lone_conjunction = CONJUNCTIONS.contains(&item.to_lowercase().as_str());
        if !item.is_empty() && !lone_conjunction && keys.insert(lexicon::value_key(&item)) {
            out.push(item);
        }
        part.clear();
    };
    for chunk in text.split([',', ';', '/', '&', '+', '|', '\n', '·']) {
        let words: Vec<&str> = chunk.split_whitespace().collect();
        let mut part: Vec<&str> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            // A joining word only between two words ("vitamin e" stays whole).
            let joins =
                i > 0 && i + 1 < words.len() && CONJUNCTIONS.contains(&w.to_lowercase().as_str());
            if joins {
                flush(&mut part, &mut out);
            } else {
                part.push(w);
            }
        }
        flush(&mut part, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_punctuation_and_conjunctions() {
        assert_eq!(
            split_list("cruelty-free, sustainable and body-positive"),
            vec!["cruelty-free", "sustainable", "body-positive"]
        );
        assert_eq!(
            split_list("vegano y sin crueldad; nachhaltig und fair / bio & local"),
            vec![
                "vegano",
                "sin crueldad",
                "nachhaltig",
                "fair",
                "bio",
                "local"
            ]
        );
        assert_eq!(split_list("  Fair Trade.  "), vec!["Fair Trade"]);
        assert_eq!(split_list("vegan, Vegan, VEGAN"), vec!["vegan"]);
        assert!(split_list(" , and ; ").is_empty());
        assert_eq!(split_list("vitamin e"), vec!["vitamin e"]);
    }
}
