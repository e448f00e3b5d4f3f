//! The fit lexicon (`data/fit.toml`): filler words dropped from buyer descriptions, synonym
//! groups for brand values across languages, and the everyday words marketers use for the
//! brand-safety categories in `avoid` ("betting", "drinks", "swearing"). Compiled once per
//! process.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::extract::text::{fold, fold_term};

const FIT_TOML: &str = include_str!("../../../data/fit.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    buyer: BuyerDef,
    values: ValuesDef,
    avoid: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuyerDef {
    filler: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuesDef {
    groups: Vec<Vec<String>>,
}

#[derive(Debug)]
pub(crate) struct FitLexicon {
    filler: HashSet<String>,
    /// Value synonym groups, as written (matching folds them).
    groups: Vec<Vec<String>>,
    /// `value_key` of every entry → its group.
    group_of: BTreeMap<String, usize>,
    /// Category → aliases, as written.
    avoid: Vec<(String, Vec<String>)>,
}

static LEXICON: LazyLock<FitLexicon> = LazyLock::new(|| {
    let def: FileDef = toml::from_str(FIT_TOML).expect("data/fit.toml is valid");
    let mut group_of = BTreeMap::new();
    for (i, g) in def.values.groups.iter().enumerate() {
        for entry in g {
            group_of.entry(value_key(entry)).or_insert(i);
        }
    }
    FitLexicon {
        filler: def.buyer.filler.split_whitespace().map(fold).collect(),
        groups: def.values.groups,
        group_of,
        avoid: def.avoid.into_iter().collect(),
    }
});

/// A value compared across spellings: folded, hyphens as spaces, one space between words
/// ("Cruelty-Free" = "cruelty free").
pub(crate) fn value_key(s: &str) -> String {
    fold_term(&s.replace(['-', '_'], " "))
}

impl FitLexicon {
    pub(crate) fn get() -> &'static FitLexicon {
        &LEXICON
    }

    /// Whether a folded word describes a buyer description rather than the buyer.
    pub(crate) fn is_filler(&self, folded_word: &str) -> bool {
        self.filler.contains(folded_word)
    }

    /// The synonym group a value belongs to (its own spelling included), if any.
    pub(crate) fn value_group(&self, value: &str) -> Option<&[String]> {
        self.group_of
            .get(&value_key(value))
            .map(|&i| self.groups[i].as_slice())
    }

    /// Brand-safety category → the broad words that name it in an `avoid` request.
    pub(crate) fn avoid_aliases(&self) -> &[(String, Vec<String>)] {
        &self.avoid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_loads_and_folds() {
        let l = FitLexicon::get();
        assert!(l.is_filler("looking") && l.is_filler("kaufer") && !l.is_filler("baby"));
        let g = l.value_group("Cruelty-Free").unwrap();
        assert!(g.iter().any(|v| v == "tierversuchsfrei"));
        assert_eq!(
            l.value_group("NACHHALTIG").map(|g| g[0].as_str()),
            Some("sustainable")
        );
        assert!(l.value_group("quantum").is_none());
        assert!(l.avoid_aliases().iter().any(|(c, _)| c == "gambling"));
    }
}
