//! URL normalisation, so that one page reached through several spellings is fetched once, and
//! [`resolve_link`], the one door through which any URL a page hands us (links, meta refresh,
//! canonical, `<base href>`, feed links) enters the crawl.

use url::Url;

/// Query parameters that only track clicks and never change what a page shows.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_hsenc",
    "_hsmi",
    "ref_src",
    "si",
    "_ga",
    "_gl",
    "twclid",
    "ttclid",
    "li_fat_id",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wickedid",
    "s_cid",
    "spm",
];

/// Longer URLs are not followed: real pages stay far below, trap URLs that grow with every
/// hop do not (browsers and servers commonly stop around 8 KiB anyway).
pub const MAX_URL_LEN: usize = 4096;

/// Scheme and host lower-case (the url crate does both, and IDNA), default port dropped,
/// trailing dot of the host dropped, fragment dropped, tracking parameters (`utm_*`,
/// `fbclid`, ...) dropped, an empty query removed. The parameters kept are left exactly as
/// written (order and encoding), since servers may read them in ways we cannot know.
pub fn normalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.port().is_some() && u.port() == default_port(u.scheme()) {
        let _ = u.set_port(None);
    }
    if let Some(host) = u.host_str().filter(|h| h.len() > 1 && h.ends_with('.')) {
        let trimmed = host.trim_end_matches('.').to_string();
        let _ = u.set_host(Some(&trimmed));
    }
    if let Some(q) = u.query() {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_tracking(pair))
            .collect();
        let kept = kept.join("&");
        if kept.is_empty() {
            u.set_query(None);
        } else if kept != q {
            u.set_query(Some(&kept));
        }
    }
    u
}

/// Is this raw `key=value` query pair a tracking parameter?
fn is_tracking(pair: &str) -> bool {
    let raw_key = pair.split('=').next().unwrap_or_default();
    let key = percent_encoding::percent_decode_str(raw_key)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMS.contains(&key.as_str())
}

/// Parse and normalise; `None` for anything that is not an absolute http(s) URL.
pub fn parse_http(s: &str) -> Option<Url> {
    let u = Url::parse(s.trim()).ok()?;
    accept(u)
}

/// Resolve `href` as found in a page at `base` (a link, a meta refresh target, a canonical
/// link, a `<base href>`, a feed link) into a normalised http(s) URL, or `None` when it must
/// not be followed: another scheme (`javascript:`, `mailto:`, `data:`, `file:`...), an empty or
/// fragment-only reference (the same page), an unparsable or overlong URL. Credentials in
/// the URL are dropped: we never send a stranger's user name or password anywhere.
///
/// Whether the host may be fetched at all (private addresses) is not decided here but by the
/// fetcher's guard, on every hop.
pub fn resolve_link(base: &Url, href: &str) -> Option<Url> {
    // HTML strips leading and trailing ASCII whitespace from URLs; the url crate then drops
    // tabs and newlines inside.
    let href = href.trim_matches(|c: char| c.is_ascii_whitespace());
    if href.is_empty() || href.starts_with('#') || href.len() > MAX_URL_LEN {
        return None;
    }
    let u = base.join(href).ok()?;
    accept(u)
}

fn accept(mut u: Url) -> Option<Url> {
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return None;
    }
    let _ = u.set_username("");
    let _ = u.set_password(None);
    let u = normalize(&u);
    (u.as_str().len() <= MAX_URL_LEN).then_some(u)
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

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn normalises() {
        let n = |s: &str| normalize(&u(s)).to_string();
        assert_eq!(
            n("HTTP://Example.ORG:80/a/b?utm_source=x&id=3&fbclid=y#frag"),
            "http://example.org/a/b?id=3"
        );
        assert_eq!(
            n("https://example.org:443/?gclid=1"),
            "https://example.org/"
        );
        assert_eq!(n("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080/x");
        assert_eq!(n("http://example.org./a"), "http://example.org/a");
        assert_eq!(n("http://example.org/a/../b/./c"), "http://example.org/b/c");
        assert_eq!(n("http://example.org"), "http://example.org/");
        // Parameters kept are kept verbatim: order, encoding, valueless flags.
        assert_eq!(
            n("http://example.org/s?q=a%20b&flag&UTM_Medium=m&z=1+2&_ga=3"),
            "http://example.org/s?q=a%20b&flag&z=1+2"
        );
        assert_eq!(n("http://example.org/s?&&"), "http://example.org/s");
    }

    #[test]
    fn only_http() {
        assert!(parse_http("file:///etc/passwd").is_none());
        assert!(parse_http("not a url").is_none());
        assert!(parse_http("mailto:a@b.c").is_none());
        assert!(parse_http("https://a.example/").is_some());
    }

    #[test]
    fn resolves_links_found_in_pages() {
        let base = u("https://creator.example/blog/post/?utm_source=feed");
        let r = |href: &str| resolve_link(&base, href).map(|u| u.to_string());
        assert_eq!(
            r("../about#team").as_deref(),
            Some("https://creator.example/blog/about")
        );
        assert_eq!(
            r("  /@ana?utm_campaign=x\n").as_deref(),
            Some("https://creator.example/@ana")
        );
        assert_eq!(
            r("//cdn.example/feed.xml").as_deref(),
            Some("https://cdn.example/feed.xml")
        );
        assert_eq!(
            r("HTTP://User:Secret@Other.Example:80/x").as_deref(),
            Some("http://other.example/x")
        );
        assert_eq!(
            r("/a\tb\nc").as_deref(),
            Some("https://creator.example/abc")
        );
        for bad in [
            "",
            "   ",
            "#top",
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "mailto:ana@creator.example",
            "data:text/html,<p>x</p>",
            "file:///etc/passwd",
            "ftp://creator.example/x",
            "http://",
            "http://[::1",
        ] {
            assert_eq!(r(bad), None, "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(r(&long), None);
    }
}
