//! Query understanding: which taxonomy niches a query names, and the synonyms across
//! languages that expand it ("skincare" ~ "skin care" ~ "Hautpflege" ~ "cuidado de la piel").

/// What the ranker learns from the query text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expansion {
    /// Niche ids named by the query.
    pub niches: Vec<String>,
    /// Extra texts to search for, in other words or languages.
    pub synonyms: Vec<String>,
}

/// Foundation version: no taxonomy yet, so no expansion.
pub fn expand(_query: &str) -> Expansion {
    Expansion::default()
}
