//! Does a post mention the brand? Pure: a post and a campaign's brand markers in, the markers
//! found out, labelled as the report shows them (`mention:@brand`, `hashtag:tag`,
//! `code:SAVE10`, `link:brand.example`).
//!
//! - **mention**: `@brand` (or `@brand@host`) in the text at a word boundary, or an account
//!   the source lists as mentioned whose profile URL ends in `/@brand` or `/profile/brand`.
//! - **hashtag**: the source's hashtags, or `#tag` in the text; case and accents folded.
//! - **code**: the code's letters and digits in a row, in any case, also split by spaces,
//!   hyphens or underscores between tokens ("SAVE10", "save10", "SAVE 10", "Save-10"), never
//!   inside a longer word ("SAVE100" is another code).
//! - **link**: a link (or a bare `brand.example/...` in the text) to the brand's domain or a
//!   subdomain; behind a common link shortener when the short link's path names the brand
//!   (`bit.ly/brand-spring`), since a shortener's target cannot be known without following it.

use crate::extract::text::fold;
use crate::model::Post;

/// Link shorteners whose paths are often chosen by the brand ("vanity" short links).
pub(crate) const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "ow.ly",
    "buff.ly",
    "lnkd.in",
    "rebrand.ly",
    "cutt.ly",
    "is.gd",
    "shorturl.at",
    "tiny.cc",
    "linktr.ee",
    "rb.gy",
    "s.id",
];

/// A campaign's brand markers, normalised once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrandMarkers {
    /// (as given without `@`, local part before a second `@`), lower-case.
    mentions: Vec<(String, String)>,
    hashtags: Vec<String>,
    /// Upper-case letters and digits only.
    codes: Vec<String>,
    /// Lower-case host, without `www.`.
    links: Vec<String>,
}

/// A discount code as compared: upper-case letters and digits.
pub(crate) fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A brand domain as compared: `https://www.Brand.example/x` → `brand.example`.
pub(crate) fn normalise_domain(link: &str) -> String {
    let l = link.trim().to_lowercase();
    let l = l.split("://").last().unwrap_or_default();
    let host = l.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    host.trim_start_matches("www.")
        .trim_end_matches('.')
        .to_string()
}

/// A hashtag as compared: folded, without `#`.
pub(crate) fn normalise_hashtag(tag: &str) -> String {
    fold(tag.trim().trim_start_matches('#'))
}

impl BrandMarkers {
    pub fn new(
        mentions: &[String],
        hashtags: &[String],
        codes: &[String],
        links: &[String],
    ) -> Self {
        BrandMarkers {
            mentions: mentions
                .iter()
                .map(|m| {
                    let full = m.trim().trim_start_matches('@').to_lowercase();
                    let local = full.split('@').next().unwrap_or_default().to_string();
                    (full, local)
                })
                .filter(|(f, _)| !f.is_empty())
                .collect(),
            hashtags: hashtags
                .iter()
                .map(|h| normalise_hashtag(h))
                .filter(|h| !h.is_empty())
                .collect(),
            codes: codes
                .iter()
                .map(|c| normalise_code(c))
                .filter(|c| !c.is_empty())
                .collect(),
            links: links
                .iter()
                .map(|l| normalise_domain(l))
                .filter(|l| !l.is_empty())
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.mentions.is_empty()
            && self.hashtags.is_empty()
            && self.codes.is_empty()
            && self.links.is_empty()
    }

    /// The markers found in `post`, labelled; empty when it does not mention the brand.
    pub fn find(&self, post: &Post) -> Vec<String> {
        let folded = fold(&post.text);
        let mut out = Vec::new();
        for (full, local) in &self.mentions {
            if mentions(&folded, post, full, local) {
                out.push(format!("mention:@{full}"));
            }
        }
        for tag in &self.hashtags {
            let listed = post.hashtags.iter().any(|h| normalise_hashtag(h) == *tag);
            if listed || find_bounded(&folded, &format!("#{tag}")) {
                out.push(format!("hashtag:{tag}"));
            }
        }
        let tokens = tokens(&post.text);
        for code in &self.codes {
            if has_code(&tokens, code) {
                out.push(format!("code:{code}"));
            }
        }
        for domain in &self.links {
            if links_to(post, &folded, domain) {
                out.push(format!("link:{domain}"));
            }
        }
        out
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `needle` in `hay` with no word character right before or after it.
fn find_bounded(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let before_ok = before.is_none_or(|c| !is_word(c) && c != '@');
        let after_ok = after.is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return true;
        }
        from = start + needle.len().max(1);
    }
    false
}

fn mentions(folded: &str, post: &Post, full: &str, local: &str) -> bool {
    if find_bounded(folded, &format!("@{full}")) || find_bounded(folded, &format!("@{local}")) {
        return true;
    }
    post.mentions.iter().any(|m| {
        let m = m.trim().trim_end_matches('/').to_lowercase();
        let last = m.rsplit('/').next().unwrap_or_default();
        let last = last.trim_start_matches('@');
        last == full || last == local
    })
}

/// Runs of letters and digits, upper-cased, each with whether only spaces, hyphens or
/// underscores separate it from the previous one.
fn tokens(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut joinable = false;
    let mut gap_ok = true;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                joinable = !out.is_empty() && gap_ok;
                gap_ok = true;
            }
            cur.extend(c.to_uppercase());
        } else {
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), joinable));
            }
            if !(c.is_whitespace() || c == '-' || c == '_') {
                gap_ok = false;
            }
        }
    }
    if !cur.is_empty() {
        out.push((cur, joinable));
    }
    out
}

fn has_code(tokens: &[(String, bool)], code: &str) -> bool {
    for start in 0..tokens.len() {
        let mut acc = String::new();
        for (j, (t, joinable)) in tokens[start..].iter().enumerate() {
            if j > 0 && !joinable {
                break;
            }
            acc.push_str(t);
            if acc == code {
                return true;
            }
            if acc.len() >= code.len() || !code.starts_with(&acc) {
                break;
            }
        }
    }
    false
}

fn host_matches(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The brand's name as a short link's path would carry it: the domain's first label.
fn brand_stem(domain: &str) -> Option<&str> {
    domain.split('.').next().filter(|s| s.len() >= 3)
}

fn links_to(post: &Post, folded: &str, domain: &str) -> bool {
    let in_text = folded
        .split_whitespace()
        .filter(|t| t.starts_with("http://") || t.starts_with("https://"))
        .map(|t| {
            t.trim_end_matches([')', '.', ',', '!', '?', ']'])
                .to_string()
        });
    let links = post.links.iter().cloned().chain(in_text);
    for link in links {
        let Ok(url) = url::Url::parse(&link) else {
            continue;
        };
        let Some(host) = url.host_str() else { continue };
        let host = host.to_lowercase();
        let host = host.trim_start_matches("www.");
        if host_matches(host, domain) {
            return true;
        }
        if SHORTENERS.contains(&host)
            && let Some(stem) = brand_stem(domain)
            && url.path().to_lowercase().contains(stem)
        {
            return true;
        }
    }
    // A bare "brand.example/spring" written in the text.
    find_bounded(folded, domain) && !folded.contains(&format!("@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(text: &str) -> Post {
        Post {
            text: text.into(),
            ..Default::default()
        }
    }

    fn markers() -> BrandMarkers {
        BrandMarkers::new(
            &["@glowco".into()],
            &["#GlowSpring".into()],
            &["SAVE10".into()],
            &["https://www.glowco.example/".into()],
        )
    }

    #[test]
    fn codes_match_in_any_case_and_split_by_spaces() {
        let m = markers();
        for t in [
            "use SAVE10 at checkout",
            "código save10 en la web",
            "con el código SAVE 10 tenéis descuento",
            "code Save-10!",
        ] {
            assert_eq!(m.find(&post(t)), vec!["code:SAVE10"], "{t}");
        }
        for t in ["SAVE100 is another code", "unsave10", "SAVE, 10 apples"] {
            assert!(m.find(&post(t)).is_empty(), "{t}");
        }
    }

    #[test]
    fn mentions_need_a_word_boundary() {
        let m = markers();
        assert_eq!(m.find(&post("thanks @GlowCo!")), vec!["mention:@glowco"]);
        assert_eq!(
            m.find(&post("thanks @glowco@social.example")),
            vec!["mention:@glowco"]
        );
        assert!(m.find(&post("mail me at me@glowco.org")).is_empty());
        assert!(m.find(&post("@glowcosmetics is not it")).is_empty());
        let mut p = post("thanks");
        p.mentions = vec!["https://social.example/@glowco".into()];
        assert_eq!(m.find(&p), vec!["mention:@glowco"]);
    }

    #[test]
    fn hashtags_from_the_source_or_the_text() {
        let m = markers();
        assert_eq!(
            m.find(&post("so good #glowspring")),
            vec!["hashtag:glowspring"]
        );
        let mut p = post("so good");
        p.hashtags = vec!["GlowSpring".into()];
        assert_eq!(m.find(&p), vec!["hashtag:glowspring"]);
        assert!(m.find(&post("#glowspringtime")).is_empty());
    }

    #[test]
    fn links_to_the_domain_subdomains_and_vanity_short_links() {
        let m = markers();
        for link in [
            "https://glowco.example/serum?utm=1",
            "https://shop.glowco.example/x",
            "https://bit.ly/GlowCo-spring",
        ] {
            let mut p = post("link below");
            p.links = vec![link.into()];
            assert_eq!(m.find(&p), vec!["link:glowco.example"], "{link}");
        }
        let mut p = post("link below");
        p.links = vec![
            "https://bit.ly/3xYz".into(),
            "https://notglowco.example/".into(),
        ];
        assert!(m.find(&p).is_empty());
        assert_eq!(
            m.find(&post("shop at glowco.example/serum")),
            vec!["link:glowco.example"]
        );
    }

    #[test]
    fn normalisers() {
        assert_eq!(
            normalise_domain("HTTPS://www.Brand.example:443/x"),
            "brand.example"
        );
        assert_eq!(normalise_code(" save-10 "), "SAVE10");
        assert_eq!(normalise_hashtag("#Café"), "cafe");
    }
}
