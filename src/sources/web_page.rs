//! One HTML page read once into plain data: base URL, language, title, meta tags (OpenGraph
//! included), canonical link, robots directives, meta refresh, links, `mailto:` addresses,
//! JSON-LD blocks and microdata items. The profile and post parsers work on this, never on the
//! DOM, so the DOM (which is not `Send`) lives only inside [`Page::parse`].
//!
//! Every URL the page hands us (`href`, canonical, `<base href>`, meta refresh) is resolved
//! against the right base and kept only when it is http(s); `javascript:`, `data:`, `file:`
//! and friends are dropped here, once, for everyone downstream.

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

use super::web_microdata;
use crate::model::Problem;
use crate::model::ProblemKind;
use crate::net::urlnorm::normalize;
use crate::sources::gate::{MAX_HTML_DEPTH, html_depth_exceeds};

/// Robots directives that concern us, from `<meta name=robots>` or `X-Robots-Tag`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Directives {
    pub noindex: bool,
    pub nofollow: bool,
}

impl Directives {
    pub fn merge(self, other: Directives) -> Directives {
        Directives {
            noindex: self.noindex || other.noindex,
            nofollow: self.nofollow || other.nofollow,
        }
    }

    /// Read a directive list such as `noindex, nofollow` or `none`.
    pub fn parse(list: &str) -> Directives {
        let mut d = Directives::default();
        for token in list
            .split([',', ' '])
            .map(|t| t.trim().to_ascii_lowercase())
        {
            match token.as_str() {
                "noindex" => d.noindex = true,
                "nofollow" => d.nofollow = true,
                "none" => {
                    d.noindex = true;
                    d.nofollow = true;
                }
                _ => {}
            }
        }
        d
    }
}

/// One `<a href>` / `<area href>` / `<link rel=me>` of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub url: Url,
    /// `rel` tokens, lower-case.
    pub rel: Vec<String>,
    /// `class` tokens.
    pub class: Vec<String>,
    /// Visible text, whitespace collapsed.
    pub text: String,
    /// Inside an `<article>` element.
    pub in_article: bool,
}

impl Link {
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rel.iter().any(|r| r == rel)
    }

    /// Looks like an @-mention of another account (`@name` text or a `mention` class).
    pub fn is_mention(&self) -> bool {
        self.text.starts_with('@') || self.class.iter().any(|c| c == "mention")
    }
}

/// A parsed HTML page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL the page was served from (after redirects).
    pub url: Url,
    /// What relative URLs resolve against: `<base href>` when it is http(s), else `url`.
    pub base: Url,
    /// `<html lang>`.
    pub lang: Option<String>,
    pub title: Option<String>,
    pub h1: Option<String>,
    /// `<meta name|property=... content=...>`, key lower-case, in page order.
    pub meta: Vec<(String, String)>,
    pub canonical: Option<Url>,
    /// `<meta http-equiv=refresh content="0; url=...">`.
    pub refresh: Option<Url>,
    /// From `<meta name=robots>` and `<meta name=scout>`.
    pub directives: Directives,
    pub links: Vec<Link>,
    /// Addresses of `mailto:` links.
    pub emails: Vec<String>,
    /// Raw bodies of `<script type="application/ld+json">`.
    pub jsonld: Vec<String>,
    /// Microdata items (`itemscope` not nested in another item) as JSON-LD-shaped objects.
    pub microdata: Vec<Value>,
    /// Count of URLs the page handed us that were not http(s) or did not parse.
    pub dropped_urls: usize,
}

/// Contact addresses kept per page; a page with more is a directory, not a contact line.
const MAX_EMAILS: usize = 20;

macro_rules! sel {
    ($s:literal) => {{
        static SEL: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
        SEL.get_or_init(|| Selector::parse($s).expect("static selector"))
    }};
}

impl Page {
    /// Parse `html` served at `url`. Refuses (as a `html_too_deep` problem) pages nested deeper
    /// than [`MAX_HTML_DEPTH`], which the HTML parser would take quadratic time over.
    pub fn parse(html: &str, url: &Url) -> Result<Page, Problem> {
        if html_depth_exceeds(html, MAX_HTML_DEPTH) {
            return Err(Problem::new(
                url.as_str(),
                ProblemKind::HtmlTooDeep,
                format!("tags nested deeper than {MAX_HTML_DEPTH} levels; page not parsed"),
            ));
        }
        let doc = Html::parse_document(html);
        let mut dropped = 0usize;

        let base = doc
            .select(sel!("base[href]"))
            .next()
            .and_then(|b| b.attr("href"))
            .and_then(|h| resolve(url, h))
            .unwrap_or_else(|| url.clone());

        let mut page = Page {
            url: url.clone(),
            base: base.clone(),
            lang: doc
                .select(sel!("html[lang]"))
                .next()
                .and_then(|h| h.attr("lang"))
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            title: doc
                .select(sel!("title"))
                .next()
                .map(text_of)
                .filter(|t| !t.is_empty()),
            h1: doc
                .select(sel!("h1"))
                .next()
                .map(text_of)
                .filter(|t| !t.is_empty()),
            meta: Vec::new(),
            canonical: None,
            refresh: None,
            directives: Directives::default(),
            links: Vec::new(),
            emails: Vec::new(),
            jsonld: Vec::new(),
            microdata: web_microdata::items(&doc, &base),
            dropped_urls: 0,
        };

        for m in doc.select(sel!("meta[content]")) {
            let content = m.attr("content").unwrap_or_default().trim().to_string();
            if let Some(equiv) = m.attr("http-equiv") {
                if equiv.eq_ignore_ascii_case("refresh") && page.refresh.is_none() {
                    page.refresh = refresh_target(&content).and_then(|t| {
                        let r = resolve(&base, &t);
                        dropped += usize::from(r.is_none());
                        r
                    });
                }
                continue;
            }
            let Some(key) = m.attr("name").or_else(|| m.attr("property")) else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            if key == "robots" || key == "scout" {
                page.directives = page.directives.merge(Directives::parse(&content));
            }
            page.meta.push((key, content));
        }

        for l in doc.select(sel!("link[href]")) {
            let rel = rel_tokens(&l);
            let href = l.attr("href").unwrap_or_default();
            if rel.iter().any(|r| r == "canonical") && page.canonical.is_none() {
                page.canonical = resolve(&base, href);
                dropped += usize::from(page.canonical.is_none());
            } else if rel.iter().any(|r| r == "me") {
                match resolve(&base, href) {
                    Some(u) => page.links.push(Link {
                        url: u,
                        rel,
                        class: Vec::new(),
                        text: String::new(),
                        in_article: false,
                    }),
                    None => dropped += 1,
                }
            }
        }

        for a in doc.select(sel!("a[href], area[href]")) {
            let href = a.attr("href").unwrap_or_default().trim();
            if let Some(addr) = strip_prefix_ci(href, "mailto:") {
                let addr = addr.split('?').next().unwrap_or_default();
                let addr = percent_encoding::percent_decode_str(addr).decode_utf8_lossy();
                if addr.contains('@') {
                    page.emails.push(addr.trim().to_string());
                }
                continue;
            }
            let Some(u) = resolve(&base, href) else {
                dropped += usize::from(!href.is_empty() && !href.starts_with('#'));
                continue;
            };
            page.links.push(Link {
                url: u,
                rel: rel_tokens(&a),
                class: a
                    .attr("class")
                    .map(|c| c.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default(),
                text: text_of(a),
                in_article: a.ancestors().any(|n| {
                    n.value()
                        .as_element()
                        .is_some_and(|e| e.name().eq_ignore_ascii_case("article"))
                }),
            });
        }

        for s in doc.select(sel!("script[type]")) {
            let ty = s.attr("type").unwrap_or_default();
            let ty = ty.split(';').next().unwrap_or_default().trim();
            if ty.eq_ignore_ascii_case("application/ld+json") {
                page.jsonld.push(s.text().collect());
            }
        }
        dedup_in_order(&mut page.emails);
        page.emails.truncate(MAX_EMAILS);
        page.dropped_urls = dropped;
        Ok(page)
    }

    /// Content of the first `<meta name|property=key>`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Resolve a URL the page's data hands us (JSON-LD, OpenGraph) against the page base.
    pub fn resolve(&self, href: &str) -> Option<Url> {
        resolve(&self.base, href)
    }
}

/// Resolve `href` against `base`; `None` unless the result is http(s). Normalised.
pub(crate) fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let u = base.join(href).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| normalize(&u))
}

/// `0; url=/next`, `5;URL='next'`, `0,url=next` → the target; a bare delay has none.
fn refresh_target(content: &str) -> Option<String> {
    let (_, rest) = content.split_once([';', ','])?;
    let rest = rest.trim();
    let target = match strip_prefix_ci(rest, "url") {
        Some(r) => r.trim_start().strip_prefix('=')?.trim(),
        None => rest,
    };
    let target = target.trim_matches(['\'', '"']).trim();
    (!target.is_empty()).then(|| target.to_string())
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()))
        .then(|| s.split_at(prefix.len()))
        .filter(|(head, _)| head.eq_ignore_ascii_case(prefix))
        .map(|(_, rest)| rest)
}

fn rel_tokens(e: &ElementRef<'_>) -> Vec<String> {
    e.attr("rel")
        .map(|r| {
            r.split_whitespace()
                .map(|t| t.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Visible text of an element, whitespace collapsed.
pub(crate) fn text_of(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A string from structured data as plain text: markup removed and entities decoded when it
/// carries any (some CMSes put rendered HTML into `description` or `text`), whitespace tidied.
pub(crate) fn plain_text(s: &str) -> String {
    let looks_like_markup =
        (s.contains('<') && s.contains('>')) || (s.contains('&') && s.contains(';'));
    if !looks_like_markup || html_depth_exceeds(s, MAX_HTML_DEPTH) {
        return tidy(s);
    }
    let frag = Html::parse_fragment(s);
    let mut out = String::new();
    for node in frag.root_element().descendants() {
        if let Some(t) = node.value().as_text() {
            out.push_str(t);
        } else if let Some(e) = node.value().as_element()
            && matches!(e.name(), "br" | "p" | "li" | "div")
            && !out.is_empty()
        {
            out.push('\n');
        }
    }
    tidy(&out)
}

/// Collapse runs of spaces inside lines and drop empty lines, keeping paragraph breaks.
fn tidy(s: &str) -> String {
    s.lines()
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Order-preserving de-duplication in linear time (pages can hand us hundreds of thousands of
/// links or tags; a `Vec::contains` loop would be quadratic).
pub(crate) fn dedup_in_order<T: Eq + std::hash::Hash + Clone>(v: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::with_capacity(v.len());
    v.retain(|x| seen.insert(x.clone()));
}

/// Same host (ignoring a `www.` prefix) and explicit port (a default port is no port, so
/// http and https spellings of one site match): "on the same site".
pub(crate) fn same_site(a: &Url, b: &Url) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    host(a) == host(b) && a.port() == b.port()
}

/// The same page, spelled possibly differently: same site, path equal up to a trailing slash,
/// same query; scheme and fragment ignored.
pub(crate) fn same_page(a: &Url, b: &Url) -> bool {
    same_site(a, b)
        && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        && a.query() == b.query()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        Page::parse(html, &Url::parse("http://127.0.0.1:9/web/anna/").unwrap()).unwrap()
    }

    #[test]
    fn reads_head_and_links() {
        let p = page(
            r##"<!doctype html><html lang="en-GB"><head><title> Anna  Green </title>
            <meta property="og:title" content="Anna"><meta name="Description" content="Bio">
            <link rel="canonical" href="/web/anna/?utm_source=x#top">
            <link rel="me" href="https://social.example/@anna">
            <script type="application/ld+json; charset=utf-8">{"@type":"ProfilePage"}</script>
            <script type="text/javascript">var x;</script></head>
            <body><h1>Anna <em>Green</em></h1><article><a rel="bookmark" href="posts/1.html">Post</a>
            <a class="u-url mention" href="/web/ben/">@ben</a></article>
            <a href="mailto:Anna@Example.org?subject=Hi">mail</a><a href="javascript:alert(1)">x</a>
            <a href="#top">top</a></body></html>"##,
        );
        assert_eq!(p.lang.as_deref(), Some("en-GB"));
        assert_eq!(p.title.as_deref(), Some("Anna Green"));
        assert_eq!(p.h1.as_deref(), Some("Anna Green"));
        assert_eq!(p.meta("og:title"), Some("Anna"));
        assert_eq!(p.meta("description"), Some("Bio"));
        assert_eq!(
            p.canonical.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:9/web/anna/")
        );
        assert_eq!(p.jsonld.len(), 1);
        assert_eq!(p.emails, vec!["Anna@Example.org".to_string()]);
        let urls: Vec<&str> = p.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://social.example/@anna",
                "http://127.0.0.1:9/web/anna/posts/1.html",
                "http://127.0.0.1:9/web/ben/",
                "http://127.0.0.1:9/web/anna/",
            ]
        );
        assert!(p.links[1].in_article && p.links[1].has_rel("bookmark"));
        assert!(p.links[2].is_mention());
        assert!(!p.links[3].in_article);
        assert_eq!(
            p.dropped_urls, 1,
            "javascript: is dropped, #top is not counted"
        );
    }

    #[test]
    fn base_href_and_meta_refresh() {
        let p = page(
            r#"<html><head><base href="https://cdn.example.net/site/">
            <meta http-equiv="Refresh" content="0; URL='profile.html'"></head>
            <body><a href="p/1">one</a><a href="ftp://x/y">ftp</a></body></html>"#,
        );
        assert_eq!(p.base.as_str(), "https://cdn.example.net/site/");
        assert_eq!(
            p.refresh.as_ref().map(Url::as_str),
            Some("https://cdn.example.net/site/profile.html")
        );
        assert_eq!(p.links.len(), 1);
        assert_eq!(p.links[0].url.as_str(), "https://cdn.example.net/site/p/1");
        assert_eq!(p.dropped_urls, 1);
    }

    #[test]
    fn non_http_base_and_refresh_are_dropped() {
        let p = page(
            r#"<html><head><base href="javascript:void(0)/">
            <meta http-equiv="refresh" content="1;url=file:///etc/passwd"></head>
            <body><a href="x">x</a></body></html>"#,
        );
        assert_eq!(p.base.as_str(), "http://127.0.0.1:9/web/anna/");
        assert_eq!(p.refresh, None);
        assert_eq!(p.links[0].url.as_str(), "http://127.0.0.1:9/web/anna/x");
    }

    #[test]
    fn robots_meta() {
        assert!(
            page(r#"<meta name="robots" content="NOINDEX, follow">"#)
                .directives
                .noindex
        );
        let d = page(r#"<meta name="robots" content="none">"#).directives;
        assert!(d.noindex && d.nofollow);
        let d = page(r#"<meta name="scout" content="nofollow">"#).directives;
        assert!(!d.noindex && d.nofollow);
        assert_eq!(
            page(r#"<meta name="googlebot" content="noindex">"#).directives,
            Directives::default()
        );
    }

    #[test]
    fn refresh_targets() {
        assert_eq!(refresh_target("0; url=/a").as_deref(), Some("/a"));
        assert_eq!(refresh_target("0;URL=\"b\"").as_deref(), Some("b"));
        assert_eq!(refresh_target("3, c.html").as_deref(), Some("c.html"));
        assert_eq!(refresh_target("30"), None);
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(plain_text("  just   text "), "just text");
        assert_eq!(
            plain_text("<p>Hello &amp; <b>welcome</b></p><p>Second</p>"),
            "Hello & welcome\nSecond"
        );
        assert_eq!(plain_text("a < b and c > d"), "a < b and c > d");
    }

    #[test]
    fn same_site_and_page() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_site(
            &u("https://www.a.test/x"),
            &u("https://a.test/y")
        ));
        assert!(!same_site(
            &u("http://127.0.0.1:1/x"),
            &u("http://127.0.0.1:2/x")
        ));
        assert!(same_page(
            &u("http://a.test/web/anna"),
            &u("https://a.test/web/anna/")
        ));
        assert!(!same_page(
            &u("http://a.test/web/anna/"),
            &u("http://a.test/web/ben/")
        ));
    }

    #[test]
    fn too_deep_is_refused() {
        let html = "<div>".repeat(MAX_HTML_DEPTH + 10);
        let err = Page::parse(&html, &Url::parse("http://127.0.0.1:9/x").unwrap()).unwrap_err();
        assert_eq!(err.kind, ProblemKind::HtmlTooDeep);
        assert_eq!(err.url, "http://127.0.0.1:9/x");
    }
}
