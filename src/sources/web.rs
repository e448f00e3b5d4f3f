//! The web source: an HTML profile page carrying schema.org `ProfilePage` JSON-LD (with
//! microdata / OpenGraph / visible-HTML fallback) and the post pages it links to on the same
//! site, read into one [`RawProfile`]. A page without profile data is a hub: its links are
//! handed back as discoveries ([`super::web_hub`]).
//!
//! This file only sequences requests through the crawler's [`Fetcher`](crate::net::Fetcher)
//! and hands HTML to the pure parsers ([`web_profile`](super::web_profile),
//! [`web_post`](super::web_post)) through [`super::cpu`]: a page of a few KB is parsed on the
//! read's own worker, a big one on the blocking pool so it never stalls the async executor.
//! Every failure becomes a [`Problem`] naming the URL; the crawl goes on.
//!
//! Consent: a `noindex` in `<meta name=robots>` (or `<meta name=scout>`) or in an
//! `X-Robots-Tag` header addressed to us or to everyone means the profile is not produced and
//! its canonical URL is reported in [`SourceOutput::opted_out`]; a `noindex` post page is
//! skipped. `nofollow` means nothing on the page is followed (no post pages, no discoveries).

use futures::StreamExt;
use url::Url;

use super::web_page::{Directives, same_page};
use super::web_post::{PostsParse, parse_post_page};
use super::web_profile::{ProfileParse, parse_profile};
use super::{ReadContext, SourceOutput};
use crate::model::ProblemKind;
use crate::model::{Post, Problem, RawProfile};
use crate::net::Response;

/// Post pages fetched at once per profile; the Fetcher's per-host limiter still paces them.
const POST_PAGE_CONCURRENCY: usize = 4;

/// Read the profile page at `url` (or hand an RSS/Atom feed to the feed source), then, if the
/// creator is to be read in full, its post pages.
pub async fn read(url: &Url, ctx: &ReadContext<'_>) -> SourceOutput {
    let mut out = SourceOutput::default();
    let Some(resp) = fetch(url, ctx, &mut out).await else {
        return out;
    };
    if is_feed(resp.content_type(), &resp.body) {
        return super::feed::read_feed(&resp, ctx).await;
    }
    let agent = agent_token(&ctx.config.crawl.user_agent);
    let mut parsed = parse_profile_blocking(&resp, &agent).await;

    // A page that only forwards (meta refresh) is followed once, like a redirect.
    let refresh = parsed.refresh.clone().filter(|n| !same_page(n, &resp.url));
    if parsed.profile.is_none()
        && !parsed.directives.noindex
        && let Some(next) = refresh
    {
        let mut hop = SourceOutput::default();
        if let Some(resp2) = fetch(&next, ctx, &mut hop).await {
            if is_feed(resp2.content_type(), &resp2.body) {
                return super::feed::read_feed(&resp2, ctx).await;
            }
            parsed = parse_profile_blocking(&resp2, &agent).await;
        } else {
            out.merge(hop);
        }
    }

    out.problems.append(&mut parsed.problems);
    if parsed.directives.noindex {
        tracing::debug!(url = %resp.url, "noindex: profile not produced");
        out.opted_out.push(parsed.canonical.to_string());
        return out;
    }
    out.discovered.append(&mut parsed.discovered);
    let Some(mut profile) = parsed.profile.take() else {
        // No profile data: a hub. Its links are followed like any discovery (same fetcher,
        // same budgets, one hop deeper); it is not a failure unless it leads nowhere.
        if !parsed.hub_links.is_empty() {
            out.problems
                .retain(|p| p.kind != ProblemKind::NoProfileMarkup);
            out.discovered
                .extend(parsed.hub_links.iter().map(Url::to_string));
            super::web_page::dedup_in_order(&mut out.discovered);
        }
        return out;
    };
    // Out-of-shard creators are read only as far as their profile page (for discovery).
    if !ctx.wants(&profile.profile_url) {
        out.out_of_shard.push(profile.profile_url);
        return out;
    }
    let limit = ctx.config.crawl.max_post_pages;
    let links: Vec<Url> = parsed.post_links.into_iter().take(limit).collect();
    // Fetched concurrently, parsed together: one CPU task per creator, not one per page. A
    // trip to the blocking pool waits for a slot, wakes a pool thread and then the read; per
    // page, that cost a crawl 15 % of its CPU (BENCHMARKS.md, issue 15, sixth pass). Small
    // pages now run inline (`cpu::run`), where one task instead of many still saves the
    // per-task bookkeeping and keeps big creators' pages together on the pool.
    let fetched: Vec<Fetched> = futures::stream::iter(links)
        .map(|link| {
            let agent = agent.clone();
            async move {
                let mut sink = SourceOutput::default();
                match fetch(&link, ctx, &mut sink).await {
                    Some(r) => Fetched::Page {
                        html: r.text(),
                        header: header_directives(&r, &agent),
                        url: r.url,
                    },
                    None => Fetched::Failed(sink.problems),
                }
            }
        })
        .buffered(POST_PAGE_CONCURRENCY)
        .collect()
        .await;
    let pages = parse_posts_blocking(fetched, &parsed.canonical).await;
    for page in pages {
        out.problems.extend(page.problems);
        out.discovered.extend(page.discovered);
        if !page.directives.noindex {
            merge_posts(&mut profile, page.posts);
            for c in page.conversation {
                if !profile.conversation.iter().any(|q| q.url == c.url) {
                    profile.conversation.push(c);
                }
            }
        }
    }
    finish_posts(&mut profile, ctx.config.crawl.max_posts);
    tidy_discovered(&mut out.discovered, &profile);
    out.profiles.push(profile);
    out
}

/// GET through the Fetcher; a failure is recorded as a problem with its kind and URL.
async fn fetch(url: &Url, ctx: &ReadContext<'_>, out: &mut SourceOutput) -> Option<Response> {
    match ctx.fetcher.get(url).await {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::debug!(url = %url, error = %e, "web page fetch failed");
            out.problems
                .push(Problem::new(e.url(), e.kind(), e.to_string()));
            None
        }
    }
}

async fn parse_profile_blocking(resp: &Response, agent: &str) -> ProfileParse {
    let html = resp.text();
    let url = resp.url.clone();
    let header = header_directives(resp, agent);
    let fallback = url.clone();
    super::cpu::run(html.len(), move || parse_profile(&html, &url, header))
        .await
        .unwrap_or_else(|e| ProfileParse {
            profile: None,
            canonical: fallback.clone(),
            directives: header,
            post_links: Vec::new(),
            discovered: Vec::new(),
            refresh: None,
            hub_links: Vec::new(),
            problems: vec![Problem::new(
                fallback.as_str(),
                ProblemKind::ParseFailed,
                e.to_string(),
            )],
        })
}

/// A post page as fetched: its HTML, or the problems of a failed fetch.
enum Fetched {
    Page {
        html: String,
        url: Url,
        header: Directives,
    },
    Failed(Vec<Problem>),
}

/// Every post page of a creator parsed, in order, in one CPU task ([`super::cpu`]). A page whose
/// parser panics is reported as not parsed; the others are kept.
async fn parse_posts_blocking(pages: Vec<Fetched>, creator: &Url) -> Vec<PostsParse> {
    let creator = creator.clone();
    let urls: Vec<String> = pages
        .iter()
        .filter_map(|p| match p {
            Fetched::Page { url, .. } => Some(url.to_string()),
            Fetched::Failed(_) => None,
        })
        .collect();
    let bytes = pages
        .iter()
        .map(|p| match p {
            Fetched::Page { html, .. } => html.len(),
            Fetched::Failed(_) => 0,
        })
        .sum();
    let parse = move || -> Vec<PostsParse> {
        pages
            .into_iter()
            .map(|page| match page {
                Fetched::Failed(problems) => PostsParse {
                    problems,
                    ..Default::default()
                },
                Fetched::Page { html, url, header } => {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        parse_post_page(&html, &url, &creator, header)
                    }))
                    .unwrap_or_else(|_| not_parsed(url.to_string(), "the page parser panicked"))
                }
            })
            .collect()
    };
    super::cpu::run(bytes, parse).await.unwrap_or_else(|e| {
        let e = e.to_string();
        urls.into_iter().map(|u| not_parsed(u, &e)).collect()
    })
}

fn not_parsed(url: String, why: &str) -> PostsParse {
    PostsParse {
        problems: vec![Problem::new(url, ProblemKind::ParseFailed, why.to_string())],
        ..Default::default()
    }
}

/// Posts from post pages replace inline copies of the same URL (the post page is fuller).
fn merge_posts(profile: &mut RawProfile, posts: Vec<Post>) {
    let mut at: std::collections::HashMap<String, usize> = profile
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.clone(), i))
        .collect();
    for post in posts {
        match at.get(&post.url) {
            Some(&i) => profile.posts[i] = post,
            None => {
                at.insert(post.url.clone(), profile.posts.len());
                profile.posts.push(post);
            }
        }
    }
}

/// Newest first (undated last), at most `max` posts.
fn finish_posts(profile: &mut RawProfile, max: usize) {
    profile
        .posts
        .sort_by_key(|p| std::cmp::Reverse(p.published_at));
    profile.posts.truncate(max);
    profile.conversation.truncate(max);
}

/// Discovered URLs once each, without the creator itself.
fn tidy_discovered(discovered: &mut Vec<String>, profile: &RawProfile) {
    let me = Url::parse(&profile.profile_url).ok();
    let mut seen = std::collections::HashSet::new();
    discovered.retain(|d| {
        let own = match (&me, Url::parse(d)) {
            (Some(me), Ok(u)) => same_page(me, &u),
            _ => false,
        };
        !own && seen.insert(d.clone())
    });
}

/// Whether a response is an RSS/Atom feed rather than HTML: by content type (XHTML excluded),
/// else by the first bytes of the body.
pub fn is_feed(content_type: Option<&str>, body: &[u8]) -> bool {
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    let ct = ct.split(';').next().unwrap_or_default().trim();
    if ct.contains("rss") || ct.contains("atom") {
        return true;
    }
    if ct.contains("html") {
        return false;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<rss") || head.starts_with("<feed") {
        return true;
    }
    if head.starts_with("<?xml") || ct.contains("xml") {
        // An XML prolog is shared by XHTML pages; look at the root element.
        return (head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf"))
            && !head.contains("<html");
    }
    false
}

/// Directives from every `X-Robots-Tag` header that addresses everyone, `*`, or `agent`.
pub fn header_directives(resp: &Response, agent: &str) -> Directives {
    resp.headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .fold(Directives::default(), |d, v| {
            d.merge(x_robots_tag(v, agent))
        })
}

/// One `X-Robots-Tag` value: `noindex`, `none`, or `somebot: noindex` (only for that bot).
pub fn x_robots_tag(value: &str, agent: &str) -> Directives {
    if let Some((who, rest)) = value.split_once(':') {
        let who = who.trim().to_ascii_lowercase();
        // `unavailable_after: <date>` is a directive with an argument, not a bot name.
        if !who.is_empty() && !who.contains([',', ' ']) && who != "unavailable_after" {
            return if who == "*" || who == agent {
                Directives::parse(rest)
            } else {
                Directives::default()
            };
        }
    }
    Directives::parse(value)
}

/// `scout/0.1 (+https://...)` → `scout`: the product token robots rules address.
fn agent_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_told_from_html() {
        assert!(is_feed(Some("application/rss+xml"), b"<rss>"));
        assert!(is_feed(Some("application/atom+xml; charset=utf-8"), b""));
        assert!(is_feed(
            None,
            b"  <?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        ));
        assert!(is_feed(
            Some("text/xml"),
            b"<?xml version=\"1.0\"?><rss version=\"2.0\">"
        ));
        assert!(is_feed(
            Some("application/octet-stream"),
            b"<rss version=\"2.0\">"
        ));
        assert!(!is_feed(
            Some("application/xhtml+xml"),
            b"<?xml version=\"1.0\"?><html>"
        ));
        assert!(!is_feed(
            None,
            b"<?xml version=\"1.0\"?><!DOCTYPE html><html><body>"
        ));
        assert!(!is_feed(Some("text/html"), b"<rss>fake</rss>"));
        assert!(!is_feed(None, b"<!doctype html><p>feed me</p>"));
    }

    #[test]
    fn x_robots_tag_values() {
        assert!(x_robots_tag("noindex", "scout").noindex);
        assert!(x_robots_tag("NONE", "scout").nofollow);
        assert!(x_robots_tag("scout: noindex, nofollow", "scout").noindex);
        assert!(x_robots_tag("*: noindex", "scout").noindex);
        assert!(!x_robots_tag("googlebot: noindex", "scout").noindex);
        assert!(!x_robots_tag("unavailable_after: 25 Jun 2010 15:00:00 PST", "scout").noindex);
        assert!(!x_robots_tag("index, follow", "scout").noindex);
        assert_eq!(
            agent_token("scout/0.1 (+https://example.org/scout-bot)"),
            "scout"
        );
    }

    #[test]
    fn posts_merge_sort_and_cap() {
        let post = |url: &str, day: u32, text: &str| Post {
            url: url.into(),
            text: text.into(),
            published_at: chrono::NaiveDate::from_ymd_opt(2026, 11, day)
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc()),
            ..Default::default()
        };
        let mut p = RawProfile {
            posts: vec![post("a", 1, "inline")],
            ..Default::default()
        };
        merge_posts(
            &mut p,
            vec![post("a", 1, "full"), post("b", 3, ""), post("c", 2, "")],
        );
        finish_posts(&mut p, 2);
        let urls: Vec<&str> = p.posts.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, vec!["b", "c"]);
        let mut p = RawProfile {
            posts: vec![post("a", 1, "inline")],
            ..Default::default()
        };
        merge_posts(&mut p, vec![post("a", 1, "full")]);
        assert_eq!(p.posts[0].text, "full");
    }
}
