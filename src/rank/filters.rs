//! Search filters: one definition for the CLI flags and the HTTP query parameters (same
//! names, INTERFACE.md "Filters"). Raw `name=value` pairs are validated once into [`Filters`],
//! so later code never re-checks them; every error names the parameter.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Platform, Tier};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 200;
pub const MAX_OFFSET: usize = 10_000;
/// A niche query is a few words; anything longer is a mistake or an attack on the parser.
pub const MAX_QUERY_BYTES: usize = 1_000;
pub const MAX_FREE_TEXT_BYTES: usize = 2_000;

/// Every filter INTERFACE.md names, with what it means.
pub const FILTERS: &[(&str, &str)] = &[
    ("lang", "ISO 639-1 content language of the creator's posts"),
    (
        "audience_lang",
        "ISO 639-1 dominant language of the comments",
    ),
    ("tier", "nano | micro | macro (repeatable)"),
    (
        "platform",
        "mastodon | bluesky | youtube | web | feed | peertube (repeatable)",
    ),
    ("min_followers", "integer"),
    ("max_followers", "integer"),
    ("min_engagement", "engagement rate, 0.03 = 3 %"),
    ("max_sponsored_share", "0–1"),
    (
        "active_within_days",
        "posted within this many days (from the start of the minute)",
    ),
    ("has_email", "true | false"),
    ("limit", "results per page, 1–200 (default 20)"),
    ("offset", "results to skip, 0–10000"),
    (
        "explain",
        "true | false: each signal's contribution to the score",
    ),
    (
        "evidence",
        "true | false: each result's 3 posts that best match the query (evidence_posts)",
    ),
    (
        "buyer",
        "free text describing the ideal buyer, matched against commenters' words",
    ),
    (
        "ship_to",
        "ISO 3166 country code the brand ships to (repeatable)",
    ),
    ("values", "free text: what the brand stands for"),
    (
        "avoid",
        "free text: topics the brand must not appear next to",
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filters {
    pub lang: Option<String>,
    pub audience_lang: Option<String>,
    pub tier: Vec<Tier>,
    pub platform: Vec<Platform>,
    pub min_followers: Option<u64>,
    pub max_followers: Option<u64>,
    pub min_engagement: Option<f64>,
    pub max_sponsored_share: Option<f64>,
    pub active_within_days: Option<u32>,
    pub has_email: Option<bool>,
    pub limit: usize,
    pub offset: usize,
    pub explain: bool,
    pub evidence: bool,
    pub buyer: Option<String>,
    pub ship_to: Vec<String>,
    pub values: Option<String>,
    pub avoid: Option<String>,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            lang: None,
            audience_lang: None,
            tier: Vec::new(),
            platform: Vec::new(),
            min_followers: None,
            max_followers: None,
            min_engagement: None,
            max_sponsored_share: None,
            active_within_days: None,
            has_email: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            explain: false,
            evidence: false,
            buyer: None,
            ship_to: Vec::new(),
            values: None,
            avoid: None,
        }
    }
}

/// A validated search: query text plus filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
}

fn bad(name: &str, value: &str, why: &str) -> Error {
    let shown: String = value.chars().take(60).collect();
    Error::Usage(format!("invalid `{name}` = {shown:?}: {why}"))
}

fn lang_code(name: &str, v: &str) -> Result<String> {
    let v = v.trim().to_ascii_lowercase();
    if v.len() == 2 && v.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(v)
    } else {
        Err(bad(
            name,
            &v,
            "expected a two-letter ISO 639-1 code such as en, es, de",
        ))
    }
}

fn number<T: std::str::FromStr>(name: &str, v: &str, what: &str) -> Result<T> {
    v.trim().parse::<T>().map_err(|_| bad(name, v, what))
}

fn share(name: &str, v: &str) -> Result<f64> {
    let x: f64 = number(name, v, "expected a number between 0 and 1")?;
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(bad(name, v, "expected a number between 0 and 1"))
    }
}

fn boolean(name: &str, v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(bad(name, v, "expected true or false")),
    }
}

fn free_text(name: &str, v: &str) -> Result<Option<String>> {
    if v.len() > MAX_FREE_TEXT_BYTES {
        return Err(bad(
            name,
            v,
            &format!("longer than {MAX_FREE_TEXT_BYTES} bytes"),
        ));
    }
    let t = v.trim();
    Ok((!t.is_empty()).then(|| t.to_string()))
}

impl SearchRequest {
    /// Build from `name=value` pairs (HTTP query string or CLI flags). `q` (or `query`) is
    /// the query text; any other unknown name is an error naming it.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchRequest> {
        let mut req = SearchRequest::default();
        let mut query_parts: Vec<String> = Vec::new();
        for (name, value) in pairs {
            req.apply(name, value, &mut query_parts)?;
        }
        req.query = query_parts.join(" ").trim().to_string();
        if req.query.len() > MAX_QUERY_BYTES {
            return Err(bad(
                "q",
                &req.query,
                &format!("longer than {MAX_QUERY_BYTES} bytes"),
            ));
        }
        let f = &req.filters;
        if let (Some(lo), Some(hi)) = (f.min_followers, f.max_followers)
            && lo > hi
        {
            return Err(Error::Usage(format!(
                "`min_followers` ({lo}) is above `max_followers` ({hi})"
            )));
        }
        Ok(req)
    }

    fn apply(&mut self, name: &str, v: &str, query: &mut Vec<String>) -> Result<()> {
        let f = &mut self.filters;
        match name {
            "q" | "query" => query.push(v.to_string()),
            "lang" => f.lang = Some(lang_code(name, v)?),
            "audience_lang" => f.audience_lang = Some(lang_code(name, v)?),
            "tier" => {
                for part in v.split(',').filter(|s| !s.trim().is_empty()) {
                    let t = Tier::parse(part.trim())
                        .ok_or_else(|| bad(name, part, "expected nano, micro or macro"))?;
                    if !f.tier.contains(&t) {
                        f.tier.push(t);
                    }
                }
            }
            "platform" => {
                for part in v.split(',').filter(|s| !s.trim().is_empty()) {
                    let p = Platform::parse(part.trim()).ok_or_else(|| {
                        bad(
                            name,
                            part,
                            "expected mastodon, bluesky, youtube, web, feed or peertube",
                        )
                    })?;
                    if !f.platform.contains(&p) {
                        f.platform.push(p);
                    }
                }
            }
            "min_followers" => {
                f.min_followers = Some(number(name, v, "expected a whole number >= 0")?);
            }
            "max_followers" => {
                f.max_followers = Some(number(name, v, "expected a whole number >= 0")?);
            }
            "min_engagement" => {
                let x: f64 = number(name, v, "expected a rate such as 0.03")?;
                if !(x.is_finite() && x >= 0.0) {
                    return Err(bad(name, v, "expected a rate >= 0 such as 0.03"));
                }
                f.min_engagement = Some(x);
            }
            "max_sponsored_share" => f.max_sponsored_share = Some(share(name, v)?),
            "active_within_days" => {
                let d: u32 = number(name, v, "expected a whole number of days")?;
                if d == 0 || d > 36_500 {
                    return Err(bad(name, v, "expected 1 to 36500 days"));
                }
                f.active_within_days = Some(d);
            }
            "has_email" => f.has_email = Some(boolean(name, v)?),
            "limit" => {
                let n: usize = number(name, v, "expected a whole number from 1 to 200")?;
                if !(1..=MAX_LIMIT).contains(&n) {
                    return Err(bad(name, v, "expected a whole number from 1 to 200"));
                }
                f.limit = n;
            }
            "offset" => {
                let n: usize = number(name, v, "expected a whole number from 0 to 10000")?;
                if n > MAX_OFFSET {
                    return Err(bad(name, v, "expected a whole number from 0 to 10000"));
                }
                f.offset = n;
            }
            "explain" => f.explain = boolean(name, v)?,
            "evidence" => f.evidence = boolean(name, v)?,
            "buyer" => f.buyer = free_text(name, v)?,
            "values" => f.values = free_text(name, v)?,
            "avoid" => f.avoid = free_text(name, v)?,
            "ship_to" => {
                for part in v.split(',').filter(|s| !s.trim().is_empty()) {
                    let c = part.trim().to_ascii_uppercase();
                    if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                        return Err(bad(
                            name,
                            part,
                            "expected an ISO 3166 country code such as US, MX, DE",
                        ));
                    }
                    if !f.ship_to.contains(&c) {
                        f.ship_to.push(c);
                    }
                }
            }
            other => {
                let known: Vec<&str> = FILTERS.iter().map(|(n, _)| *n).collect();
                return Err(Error::Usage(format!(
                    "unknown parameter `{}`; known: q, {}",
                    other.chars().take(60).collect::<String>(),
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&str, &str)]) -> Result<SearchRequest> {
        SearchRequest::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn parses_every_filter() {
        let r = req(&[
            ("q", "vegan skincare"),
            ("lang", "EN"),
            ("audience_lang", "es"),
            ("tier", "micro"),
            ("tier", "nano,micro"),
            ("platform", "web"),
            ("min_followers", "1000"),
            ("max_followers", "90000"),
            ("min_engagement", "0.03"),
            ("max_sponsored_share", "0.5"),
            ("active_within_days", "30"),
            ("has_email", "true"),
            ("limit", "5"),
            ("offset", "10"),
            ("explain", ""),
            ("ship_to", "mx,US"),
            ("buyer", "new parents"),
        ])
        .unwrap();
        assert_eq!(r.query, "vegan skincare");
        let f = r.filters;
        assert_eq!(f.lang.as_deref(), Some("en"));
        assert_eq!(f.tier, vec![Tier::Micro, Tier::Nano]);
        assert_eq!(f.ship_to, vec!["MX".to_string(), "US".to_string()]);
        assert_eq!(f.limit, 5);
        assert!(f.explain);
        assert_eq!(f.has_email, Some(true));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (pairs, name) in [
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "10000")], "limit"),
            (vec![("tier", "mega")], "tier"),
            (vec![("min_followers", "-5")], "min_followers"),
            (vec![("min_engagement", "NaN")], "min_engagement"),
            (vec![("max_sponsored_share", "2")], "max_sponsored_share"),
            (vec![("lang", "english")], "lang"),
            (vec![("colour", "red")], "colour"),
            (vec![("ship_to", "Mexico")], "ship_to"),
        ] {
            let err = req(&pairs).unwrap_err().to_string();
            assert!(err.contains(name), "{err}");
        }
        let long = "a".repeat(10_000);
        assert!(req(&[("q", &long)]).is_err());
        assert!(req(&[("min_followers", "10"), ("max_followers", "5")]).is_err());
    }
}
