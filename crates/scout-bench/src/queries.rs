//! The 50 niche queries every search benchmark runs — through the ranker, over HTTP (wrk),
//! and in SQLite FTS5 — each with the filters a marketer would add. One list, so the peers
//! answer exactly the same questions.

use scout::rank::SearchRequest;

/// (query text, filters as HTTP parameter pairs).
pub const QUERIES: &[(&str, &[(&str, &str)])] = &[
    ("skincare routine", &[("tier", "micro"), ("tier", "nano")]),
    (
        "vegan skincare",
        &[("lang", "en"), ("max_sponsored_share", "0.3")],
    ),
    ("sunscreen", &[("min_engagement", "0.02")]),
    (
        "retinol serum",
        &[("min_followers", "5000"), ("max_followers", "80000")],
    ),
    ("cuidado de la piel", &[("lang", "es")]),
    ("Hautpflege", &[("lang", "de"), ("tier", "micro")]),
    ("soin visage", &[("active_within_days", "30")]),
    ("cruelty free cleanser", &[("has_email", "true")]),
    ("specialty coffee", &[("tier", "micro")]),
    (
        "pour over V60",
        &[("min_engagement", "0.01"), ("active_within_days", "60")],
    ),
    ("espresso", &[("max_followers", "50000")]),
    ("café de especialidad", &[("lang", "es"), ("tier", "nano")]),
    ("Kaffee", &[("min_followers", "1000")]),
    ("marathon training", &[("tier", "micro"), ("tier", "macro")]),
    ("running shoes", &[("max_sponsored_share", "0.2")]),
    ("long run tempo", &[("active_within_days", "14")]),
    ("correr maratón", &[("lang", "es")]),
    ("Laufschuhe", &[("lang", "de"), ("min_engagement", "0.02")]),
    ("indie games", &[("tier", "nano")]),
    ("speedrun", &[("min_followers", "2000")]),
    (
        "streaming setup",
        &[("has_email", "true"), ("tier", "micro")],
    ),
    ("videojuegos", &[("lang", "es")]),
    ("sourdough bread", &[("tier", "micro"), ("tier", "nano")]),
    ("cinnamon rolls", &[("min_engagement", "0.03")]),
    ("croissant", &[("active_within_days", "30")]),
    ("pan de masa madre", &[("lang", "es")]),
    ("pain au levain", &[("lang", "fr")]),
    ("houseplants monstera", &[("tier", "nano")]),
    ("repotting pothos", &[("max_sponsored_share", "0.25")]),
    ("Zimmerpflanzen", &[("lang", "de")]),
    ("urban jungle", &[("min_followers", "10000")]),
    ("gravel ride", &[("tier", "micro")]),
    (
        "road bike climb",
        &[("min_engagement", "0.015"), ("active_within_days", "45")],
    ),
    ("ciclismo", &[("lang", "it")]),
    ("film photography", &[("tier", "nano"), ("tier", "micro")]),
    ("street photography", &[("has_email", "true")]),
    ("golden hour portraits", &[("max_followers", "100000")]),
    ("fotografia analogica", &[("lang", "pt")]),
    ("slow travel", &[("tier", "micro")]),
    ("night train", &[("active_within_days", "60")]),
    (
        "weekend in Lisbon",
        &[("lang", "en"), ("min_followers", "3000")],
    ),
    ("viaggio lento", &[("lang", "it")]),
    (
        "vegan meal prep",
        &[("max_sponsored_share", "0.3"), ("tier", "micro")],
    ),
    ("chickpea curry", &[("min_engagement", "0.02")]),
    ("receitas veganas", &[("lang", "pt")]),
    ("full body workout", &[("tier", "micro")]),
    (
        "kettlebell",
        &[("min_followers", "500"), ("max_followers", "20000")],
    ),
    (
        "home gym",
        &[("active_within_days", "30"), ("has_email", "true")],
    ),
    ("entraînement", &[("lang", "fr")]),
    (
        "protein breakfast",
        &[("min_engagement", "0.01"), ("tier", "nano")],
    ),
];

/// Every query as a validated [`SearchRequest`] (panics only if the table above is wrong,
/// which the unit test catches).
pub fn requests() -> Vec<SearchRequest> {
    QUERIES
        .iter()
        .map(|(q, filters)| {
            let pairs = std::iter::once(("q", *q)).chain(filters.iter().copied());
            SearchRequest::from_pairs(pairs).expect("benchmark query is valid")
        })
        .collect()
}

/// `/v1/search?...` for each query, percent-encoded, for wrk.
pub fn http_paths() -> Vec<String> {
    QUERIES
        .iter()
        .map(|(q, filters)| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            ser.append_pair("q", q);
            for (k, v) in *filters {
                ser.append_pair(k, v);
            }
            format!("/v1/search?{}", ser.finish())
        })
        .collect()
}

/// The queries as JSON (`[{"q": ..., "filters": [[k, v], ...]}]`) for the FTS5 script.
pub fn as_json() -> serde_json::Value {
    serde_json::Value::Array(
        QUERIES
            .iter()
            .map(|(q, f)| serde_json::json!({"q": q, "filters": f}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_valid_queries() {
        assert_eq!(QUERIES.len(), 50);
        let reqs = requests();
        assert!(reqs.iter().all(|r| !r.query.is_empty()));
        assert!(reqs.iter().filter(|r| r.filters.lang.is_some()).count() >= 10);
        let paths = http_paths();
        assert_eq!(
            paths[11],
            "/v1/search?q=caf%C3%A9+de+especialidad&lang=es&tier=nano"
        );
    }
}
