//! RSS/Atom feed source: YouTube channel feeds (read from a channel seed) and any creator feed
//! (blog, newsletter, podcast) the web source hands over once fetched.
//!
//! YouTube: one request, `GET {sources.youtube.base}/feeds/videos.xml?channel_id=ID` (the only
//! query parameter, so the fixture file is named `feeds/videos.xml?channel_id=ID`).
//! Parsing lives in [`parse`]; this file only fetches and applies consent and sharding.

pub mod parse;

use url::Url;

use super::{ReadContext, SourceOutput};
use crate::model::{FetchKind, ProblemKind};
use crate::model::{Problem, RawProfile};
use crate::net::{RequestOpts, Response};

const FEED_ACCEPT: RequestOpts = RequestOpts {
    accept: Some(
        "application/atom+xml,application/rss+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.5",
    ),
    conditional: false,
};

/// `X-Robots-Tag: noindex` (or `none`), for any user agent or ours: the publisher asks not to
/// be indexed.
fn robots_noindex(resp: &Response) -> bool {
    resp.headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|d| {
            // "googlebot: noindex" targets another crawler; a bare directive targets everyone.
            let d = d.trim().to_ascii_lowercase();
            let directive = match d.split_once(':') {
                Some((agent, rest)) if !agent.contains(' ') && agent != "unavailable_after" => {
                    if agent.trim() != "scout" {
                        return false;
                    }
                    rest.trim().to_string()
                }
                _ => d,
            };
            directive == "noindex" || directive == "none"
        })
}

/// Consent, sharding and `max_posts` for a parsed feed profile.
fn finish(mut profile: RawProfile, resp: &Response, ctx: &ReadContext<'_>) -> SourceOutput {
    let mut out = SourceOutput::default();
    // Posts arrive newest first (see `parse::parse_feed`).
    profile.posts.truncate(ctx.config.crawl.max_posts);
    if robots_noindex(resp) {
        out.opted_out.push(profile.profile_url);
        return out;
    }
    out.discovered.extend(profile.links.iter().cloned());
    if ctx.wants(&profile.profile_url) {
        out.profiles.push(profile);
    }
    out
}

/// Read a YouTube channel through its Atom feed.
pub async fn read_youtube(channel_id: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    let canonical = parse::youtube_channel_url(channel_id);
    let base = &ctx.config.sources.youtube.base;
    let feed_url = Url::parse(base).ok().and_then(|mut u| {
        u.set_query(None);
        u.set_fragment(None);
        u.path_segments_mut()
            .ok()?
            .pop_if_empty()
            .extend(["feeds", "videos.xml"]);
        u.query_pairs_mut().append_pair("channel_id", channel_id);
        Some(u)
    });
    let Some(feed_url) = feed_url else {
        return SourceOutput {
            problems: vec![Problem::new(
                canonical,
                FetchKind::InvalidUrl,
                format!("sources.youtube.base {base:?} cannot form a feed URL"),
            )],
            ..Default::default()
        };
    };
    let resp = match ctx.fetcher.get_with(&feed_url, &FEED_ACCEPT).await {
        Ok(r) => r,
        Err(e) => {
            let what = if e.is_gone() {
                "channel feed not found (channel deleted or unknown)"
            } else {
                "channel feed request failed"
            };
            return SourceOutput {
                problems: vec![Problem::new(canonical, e.kind(), format!("{what}: {e}"))],
                ..Default::default()
            };
        }
    };
    match parse::parse_feed(&resp.body, resp.url.as_str(), Some(channel_id)) {
        Ok(profile) => finish(profile, &resp, ctx),
        Err(why) => SourceOutput {
            problems: vec![Problem::new(
                canonical,
                ProblemKind::BadFeed,
                format!("{feed_url}: {why}"),
            )],
            ..Default::default()
        },
    }
}

/// Read an RSS/Atom feed already fetched (the web source hands feeds over here): one profile,
/// platform `feed` (or `youtube` for a YouTube channel feed).
pub async fn read_feed(resp: &Response, ctx: &ReadContext<'_>) -> SourceOutput {
    match parse::parse_feed(&resp.body, resp.url.as_str(), None) {
        Ok(profile) => finish(profile, resp, ctx),
        Err(why) => SourceOutput {
            problems: vec![Problem::new(
                resp.url.as_str(),
                ProblemKind::BadFeed,
                format!("{}: {why}", resp.url),
            )],
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn resp_with(robots: &[&'static str]) -> Response {
        let mut headers = HeaderMap::new();
        for r in robots {
            headers.append("x-robots-tag", HeaderValue::from_static(r));
        }
        let u = Url::parse("http://127.0.0.1:1/feed.xml").unwrap();
        Response {
            requested: u.clone(),
            url: u,
            status: 200,
            headers,
            body: bytes::Bytes::new(),
            not_modified: false,
        }
    }

    #[test]
    fn x_robots_tag() {
        assert!(robots_noindex(&resp_with(&["noindex"])));
        assert!(robots_noindex(&resp_with(&["nofollow, NoIndex"])));
        assert!(robots_noindex(&resp_with(&["none"])));
        assert!(robots_noindex(&resp_with(&["scout: noindex"])));
        assert!(!robots_noindex(&resp_with(&["googlebot: noindex"])));
        assert!(!robots_noindex(&resp_with(&["nofollow"])));
        assert!(!robots_noindex(&resp_with(&[])));
    }
}
