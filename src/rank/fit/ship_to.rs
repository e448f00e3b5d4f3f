//! `ship_to`: does the creator reach the countries a brand ships to?
//!
//! From `data/markets.toml` each shipped country gives its languages (MX → es, BR → pt,
//! CH → de/fr/it, US → en/es) and place names.
//! - audience = share of the creator's audience comments written in any of those languages
//!   (`audience_languages`). With no audience language known, the creator's own language
//!   stands in at half strength (0.5 if it is a market language, else 0). Neither known: the
//!   signal is left out (no bonus, no penalty).
//! - location = 1 when the stated location names a shipped country ("CDMX", "São Paulo", 🇲🇽),
//!   else 0.
//! - fit = 0.75 × audience + 0.25 × location (0–1): who reads the creator matters more than
//!   where the creator lives.
//!
//! Contribution = `rank.ship_to` × v, with v = (fit − 0.3) / 0.7 for fit ≥ 0.3 (0 → +1) and
//! v = (fit − 0.3) / 0.3 below (0 → −1): an audience mostly outside every listed market is
//! penalised, down to −`rank.ship_to` when none of it is inside.

use serde::Serialize;

use crate::extract::markets::{countries_in, languages_for};
#[cfg(test)]
use crate::model::CreatorRecord;

pub(crate) const AUDIENCE_WEIGHT: f64 = 0.75;
pub(crate) const LOCATION_WEIGHT: f64 = 0.25;
/// Fit at which the signal is neutral; below it, a penalty.
pub(crate) const NEUTRAL_FIT: f64 = 0.3;
/// Strength of the creator's own language when nothing is known about the audience's.
pub(crate) const STAND_IN: f64 = 0.5;

/// The markets of a request: known countries and their languages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Markets {
    pub countries: Vec<String>,
    pub languages: Vec<String>,
    /// Codes `data/markets.toml` does not know (reported, otherwise ignored).
    pub unknown: Vec<String>,
}

impl Markets {
    /// `None` when no country is given.
    pub(crate) fn new(codes: &[String]) -> Option<Markets> {
        if codes.is_empty() {
            return None;
        }
        let mut m = Markets {
            countries: Vec::new(),
            languages: Vec::new(),
            unknown: Vec::new(),
        };
        for c in codes {
            let c = c.trim().to_ascii_uppercase();
            match languages_for(&c) {
                Some(langs) => {
                    for l in langs {
                        if !m.languages.contains(l) {
                            m.languages.push(l.clone());
                        }
                    }
                    m.countries.push(c);
                }
                None => m.unknown.push(c),
            }
        }
        Some(m)
    }
}

/// How a creator fits the markets (`explain.ship_to_fit`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ShipToFit {
    /// 0–1, see the module doc.
    pub fit: f64,
    /// Share of audience comments in a market language; `None` when only the creator's own
    /// language was known (it then stood in).
    pub audience_share: Option<f64>,
    /// The market languages the audience writes in, largest share first.
    pub languages: Vec<String>,
    /// The shipped country the stated location lies in.
    pub location_in: Option<String>,
}

/// `None` when neither the audience's nor the creator's language is known. (Search uses
/// [`fit_parts`] on the signal table; this reads a whole record, for tests.)
#[cfg(test)]
fn fit(rec: &CreatorRecord, m: &Markets) -> Option<ShipToFit> {
    let audience: Vec<(&str, f64)> = rec
        .audience_languages
        .iter()
        .map(|(l, s)| (l.as_str(), *s))
        .collect();
    fit_parts(
        &audience,
        rec.language.as_deref(),
        rec.location.as_deref(),
        m,
    )
}

/// [`fit`] from the fields it reads: the audience languages (in the record's sorted order),
/// the creator's own language and the stated location (the ranker keeps these in its
/// signal table, so it never needs the record).
pub(crate) fn fit_parts(
    audience_languages: &[(&str, f64)],
    language: Option<&str>,
    location: Option<&str>,
    m: &Markets,
) -> Option<ShipToFit> {
    let in_market = |l: &str| m.languages.iter().any(|x| x == l);
    let (audience, audience_share, mut languages) = if !audience_languages.is_empty() {
        let mut langs: Vec<(&str, f64)> = audience_languages
            .iter()
            .filter(|(l, s)| in_market(l) && *s > 0.0)
            .copied()
            .collect();
        langs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let sum: f64 = langs.iter().map(|(_, s)| *s).sum();
        // An empty float sum is −0.0; show a plain 0.
        let share = if sum > 0.0 { sum.min(1.0) } else { 0.0 };
        (
            share,
            Some(round3(share)),
            langs.into_iter().map(|(l, _)| l.to_string()).collect(),
        )
    } else {
        let l = language?;
        let v = if in_market(l) { STAND_IN } else { 0.0 };
        (
            v,
            None,
            if v > 0.0 {
                vec![l.to_string()]
            } else {
                Vec::new()
            },
        )
    };
    languages.dedup();
    let location_in = location.and_then(|loc| {
        countries_in(loc)
            .into_iter()
            .find(|c| m.countries.iter().any(|x| x == c))
            .map(str::to_string)
    });
    let place = if location_in.is_some() { 1.0 } else { 0.0 };
    Some(ShipToFit {
        fit: round3(AUDIENCE_WEIGHT * audience + LOCATION_WEIGHT * place),
        audience_share,
        languages,
        location_in,
    })
}

/// The signal's value (−1–1) for a fit (see the module doc).
pub(crate) fn value(fit: f64) -> f64 {
    if fit >= NEUTRAL_FIT {
        (fit - NEUTRAL_FIT) / (1.0 - NEUTRAL_FIT)
    } else {
        (fit - NEUTRAL_FIT) / NEUTRAL_FIT
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(audience: &[(&str, f64)], lang: &str, location: Option<&str>) -> CreatorRecord {
        CreatorRecord {
            audience_languages: audience.iter().map(|(l, s)| (l.to_string(), *s)).collect(),
            language: Some(lang.into()),
            location: location.map(str::to_string),
            ..Default::default()
        }
    }

    fn markets(codes: &[&str]) -> Markets {
        Markets::new(&codes.iter().map(|c| c.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn audience_language_and_location_make_the_fit() {
        let mx = markets(&["MX"]);
        assert_eq!(mx.languages, vec!["es"]);
        let mexican = rec(&[("es", 0.8), ("en", 0.2)], "en", None);
        let english = rec(&[("en", 1.0)], "en", Some("London"));
        let a = fit(&mexican, &mx).unwrap();
        assert_eq!(a.fit, 0.6);
        assert_eq!(a.languages, vec!["es"]);
        let b = fit(&english, &mx).unwrap();
        assert_eq!(b.fit, 0.0);
        assert!(value(a.fit) > 0.0 && value(b.fit) == -1.0);
        // The reverse for GB, and the stated location adds its quarter.
        let gb = markets(&["GB"]);
        let b = fit(&english, &gb).unwrap();
        assert_eq!((b.fit, b.location_in.as_deref()), (1.0, Some("GB")));
        assert!(value(fit(&mexican, &gb).unwrap().fit) < 0.0);
        // US reads English and Spanish.
        assert_eq!(fit(&mexican, &markets(&["US"])).unwrap().fit, 0.75);
        // A location in the market with a foreign audience still falls short.
        let located = rec(&[("de", 1.0)], "de", Some("Ciudad de México"));
        assert_eq!(fit(&located, &mx).unwrap().fit, 0.25);
    }

    #[test]
    fn unknown_audience_and_codes() {
        let mx = markets(&["MX", "XX"]);
        assert_eq!(mx.unknown, vec!["XX"]);
        let quiet = rec(&[], "es", None);
        let f = fit(&quiet, &mx).unwrap();
        assert_eq!((f.fit, f.audience_share), (0.375, None));
        let nothing = CreatorRecord::default();
        assert!(fit(&nothing, &mx).is_none());
        assert!(Markets::new(&[]).is_none());
        assert_eq!(value(0.3), 0.0);
        assert_eq!(value(1.0), 1.0);
        assert!((value(0.15) + 0.5).abs() < 1e-9);
    }
}
