//! URL normalisation, so that one page reached through several spellings is fetched once.

use url::Url;

/// Query parameters that only track clicks and never change what a page shows.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "yclid", "_hsenc", "_hsmi", "ref_src", "si",
];

/// Scheme and host lower-case (the url crate does both), default port dropped, fragment
/// dropped, tracking parameters (`utm_*`, `fbclid`, ...) dropped, empty query removed.
pub fn normalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.port().is_some() && u.port() == default_port(u.scheme()) {
        let _ = u.set_port(None);
    }
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !(k.starts_with("utm_") || TRACKING_PARAMS.contains(&k.as_str()))
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    u
}

/// Parse and normalise; `None` for anything that is not an absolute http(s) URL.
pub fn parse_http(s: &str) -> Option<Url> {
    let u = Url::parse(s.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| normalize(&u))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let u = Url::parse("HTTP://Example.ORG:80/a/b?utm_source=x&id=3&fbclid=y#frag").unwrap();
        assert_eq!(normalize(&u).as_str(), "http://example.org/a/b?id=3");
        let u = Url::parse("https://example.org:443/?gclid=1").unwrap();
        assert_eq!(normalize(&u).as_str(), "https://example.org/");
        let u = Url::parse("http://127.0.0.1:8080/x").unwrap();
        assert_eq!(normalize(&u).as_str(), "http://127.0.0.1:8080/x");
    }

    #[test]
    fn only_http() {
        assert!(parse_http("file:///etc/passwd").is_none());
        assert!(parse_http("not a url").is_none());
        assert!(parse_http("mailto:a@b.c").is_none());
        assert!(parse_http("https://a.example/").is_some());
    }
}
