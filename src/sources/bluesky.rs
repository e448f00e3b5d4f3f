//! Bluesky source: the public AppView under `[sources.bluesky] api_base` + `/xrpc/`.
//!
//! Requests, in order, each through the crawl's [`Fetcher`](crate::net::Fetcher):
//! 1. `app.bsky.actor.getProfile?actor=HANDLE` — the profile; the `!no-unauthenticated`
//!    self-label opts out before anything else is read.
//! 2. `app.bsky.feed.getAuthorFeed?actor=HANDLE&limit=N&filter=posts_and_author_threads`
//!    then `...&cursor=C` — until `crawl.max_posts` own posts (N = min(max_posts, 100), the
//!    API's maximum). The filter keeps originals and the author's own threads (the default,
//!    `posts_with_replies`, also sends replies to others); replies that come anyway are set
//!    apart as conversation ([`parse::parse_author_feed`]).
//! 3. `app.bsky.feed.getPostThread?uri=AT_URI&depth=6` — for up to
//!    `sources.bluesky.max_threads` posts whose replies are new or grew since the last crawl,
//!    newest first.
//!
//! On a refresh, 1 and 2 come from the batch calls of [`batch`] when the crawl hands them in
//! (`ReadContext::bluesky_batches`): the profile from `getProfiles`, and — for an account that
//! published nothing since — the stored posts' current counts from `getPosts`.
//!
//! Query parameters are always sent in the order written above (fixtures store each request
//! as a file named after its decoded query string).

pub mod batch;
pub mod parse;

use serde_json::Value;
use url::Url;

use super::{ReadContext, SourceOutput, lenient_json};
use crate::model::{FetchKind, ProblemKind};
use crate::model::{Post, Problem};
use crate::net::{FetchError, RequestOpts};

const JSON: RequestOpts = RequestOpts {
    accept: Some("application/json"),
    conditional: false,
    rate: None,
};
/// `getAuthorFeed` accepts at most 100 items per page.
const MAX_PAGE_SIZE: usize = 100;
/// Originals and the author's own threads, not replies to others.
const FEED_FILTER: &str = "posts_and_author_threads";
/// Reply depth asked of `getPostThread` (the AppView's default).
const THREAD_DEPTH: &str = "6";

/// JSON, at the platform's documented rate (`[sources.bluesky] rate`).
fn json_opts(ctx: &ReadContext<'_>) -> RequestOpts {
    RequestOpts {
        rate: Some(ctx.config.sources.bluesky.host_rate()),
        ..JSON
    }
}

/// `{api_base}/xrpc/{method}?{query}`.
fn xrpc(api_base: &str, method: &str, query: &[(&str, &str)]) -> Option<Url> {
    let mut u = Url::parse(api_base).ok()?;
    u.set_query(None);
    u.set_fragment(None);
    {
        let mut segs = u.path_segments_mut().ok()?;
        segs.pop_if_empty();
        segs.extend(["xrpc", method]);
    }
    if !query.is_empty() {
        u.query_pairs_mut().extend_pairs(query);
    }
    Some(u)
}

/// GET and parse JSON; a failure is a problem against `subject` (the creator's URL).
async fn get_json(ctx: &ReadContext<'_>, url: &Url, subject: &str) -> Result<Value, Problem> {
    let resp = ctx
        .fetcher
        .get_with(url, &json_opts(ctx))
        .await
        .map_err(|e| {
            let what = match &e {
                FetchError::Status { status: 400, .. } => "not found or invalid (HTTP 400)",
                _ if e.is_gone() => "not found",
                _ => "request failed",
            };
            Problem::new(subject, e.kind(), format!("{url}: {what}: {e}"))
        })?;
    lenient_json::parse(&resp.text())
        .map_err(|why| Problem::new(subject, ProblemKind::BadJson, format!("{url}: {why}")))
}

/// Read the Bluesky account `handle` (a handle or a DID).
pub async fn read(handle: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    let api_base = &ctx.config.sources.bluesky.api_base;
    let subject = parse::profile_url(handle);
    let mut out = SourceOutput::default();
    let Some(profile_req) = xrpc(api_base, "app.bsky.actor.getProfile", &[("actor", handle)])
    else {
        out.problems.push(Problem::new(
            &subject,
            FetchKind::InvalidUrl,
            format!("sources.bluesky.api_base {api_base:?} cannot form an XRPC URL"),
        ));
        return out;
    };
    let fresh = match ctx.bluesky_batches {
        Some(b) => b.take(handle, ctx).await,
        None => None,
    };
    let (profile, fresh_posts) = match fresh {
        Some(f) => (f.profile, f.posts),
        None => match read_profile(ctx, &profile_req, &subject).await {
            Ok(p) => (p, None),
            Err(p) => {
                out.problems.push(p);
                return out;
            }
        },
    };
    if profile.opts_out {
        out.opted_out.push(profile.profile.profile_url);
        return out;
    }
    out.discovered.extend(profile.profile.links.iter().cloned());
    let canonical = profile.profile.profile_url.clone();
    if !ctx.wants(&canonical) {
        out.out_of_shard.push(canonical);
        return out;
    }

    let feed = match fresh_posts {
        // Nothing published since the last crawl: the stored posts with today's counts.
        Some(posts) => {
            let stored = (ctx.known)(&canonical).unwrap_or_default();
            Some((posts, stored.conversation))
        }
        None => read_feed(&profile, ctx, &mut out).await,
    };
    let Some((posts, conversation)) = feed else {
        return out;
    };
    let mut raw = profile.profile.clone();
    raw.posts = posts;
    raw.conversation = conversation;
    read_threads(&profile, &mut raw.posts, ctx, &mut out).await;
    raw.lang_hint = super::mastodon::parse::majority_lang(&raw.posts);
    for p in raw.posts.iter().chain(&raw.conversation) {
        out.discovered.extend(p.mentions.iter().cloned());
    }
    let mut seen = std::collections::HashSet::new();
    out.discovered
        .retain(|u| *u != canonical && seen.insert(u.clone()));
    let mut seen = std::collections::HashSet::new();
    out.opted_out.retain(|u| seen.insert(u.clone()));
    out.profiles.push(raw);
    out
}

/// `getProfile`, parsed; a failure is a problem against `subject`.
async fn read_profile(
    ctx: &ReadContext<'_>,
    req: &Url,
    subject: &str,
) -> Result<parse::Profile, Problem> {
    let value = get_json(ctx, req, subject).await?;
    parse::parse_profile(&value)
        .map_err(|why| Problem::new(subject, ProblemKind::BadProfile, format!("{req}: {why}")))
}

/// Own posts and conversation from `getAuthorFeed`, following cursors. `None` when the first
/// page fails.
async fn read_feed(
    profile: &parse::Profile,
    ctx: &ReadContext<'_>,
    out: &mut SourceOutput,
) -> Option<(Vec<Post>, Vec<Post>)> {
    let api_base = &ctx.config.sources.bluesky.api_base;
    let subject = &profile.profile.profile_url;
    let max_posts = ctx.config.crawl.max_posts;
    let limit = max_posts.clamp(1, MAX_PAGE_SIZE);
    let limit_s = limit.to_string();
    // Reposts fill pages without adding posts; bound the pages so a repost-only account ends.
    let max_pages = max_posts.div_ceil(limit) + 2;
    let mut posts: Vec<Post> = Vec::new();
    let mut conversation: Vec<Post> = Vec::new();
    let mut cursor: Option<String> = None;
    for page_no in 0..max_pages {
        if posts.len() >= max_posts {
            break;
        }
        let mut query = vec![
            ("actor", profile.key.as_str()),
            ("limit", limit_s.as_str()),
            ("filter", FEED_FILTER),
        ];
        if let Some(c) = &cursor {
            query.push(("cursor", c.as_str()));
        }
        let req = xrpc(api_base, "app.bsky.feed.getAuthorFeed", &query)?;
        let page = match get_json(ctx, &req, subject).await.and_then(|v| {
            parse::parse_author_feed(&v, &profile.did)
                .map_err(|why| Problem::new(subject, ProblemKind::BadFeed, format!("{req}: {why}")))
        }) {
            Ok(p) => p,
            Err(p) => {
                out.problems.push(p);
                return (page_no > 0).then_some((posts, conversation));
            }
        };
        out.discovered.extend(page.discovered);
        out.opted_out.extend(page.opted_out);
        super::mastodon::add_new(&mut posts, page.posts);
        super::mastodon::add_new(&mut conversation, page.conversation);
        match page.cursor {
            // A cursor that does not move would loop; an empty page ends the feed.
            Some(c) if page.items > 0 && cursor.as_ref() != Some(&c) => cursor = Some(c),
            _ => break,
        }
    }
    posts.truncate(max_posts);
    conversation.truncate(max_posts);
    Some((posts, conversation))
}

/// Comments for up to `max_threads` posts whose replies are new or grew since the last
/// crawl (see [`super::threads`]); the other posts keep the comments stored last time.
async fn read_threads(
    profile: &parse::Profile,
    posts: &mut [Post],
    ctx: &ReadContext<'_>,
    out: &mut SourceOutput,
) {
    let api_base = &ctx.config.sources.bluesky.api_base;
    let subject = &profile.profile.profile_url;
    let known = (ctx.known)(subject);
    let max_threads = ctx.config.sources.bluesky.max_threads;
    let read = super::threads::choose(posts, known.as_ref(), max_threads);
    for &i in &read {
        let post = &mut posts[i];
        let Some(req) = xrpc(
            api_base,
            "app.bsky.feed.getPostThread",
            &[("uri", post.id.as_str()), ("depth", THREAD_DEPTH)],
        ) else {
            continue;
        };
        let thread = get_json(ctx, &req, subject).await.and_then(|v| {
            parse::parse_thread(&v, &profile.did).map_err(|why| {
                Problem::new(subject, ProblemKind::BadThread, format!("{req}: {why}"))
            })
        });
        match thread {
            Ok(t) => {
                post.comments = t.comments;
                out.discovered.extend(t.authors);
                out.opted_out.extend(t.opted_out);
            }
            Err(p) => out.problems.push(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xrpc_urls() {
        let u = xrpc(
            "https://public.api.bsky.app",
            "app.bsky.actor.getProfile",
            &[("actor", "a.bsky.social")],
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=a.bsky.social"
        );
        let u = xrpc(
            "http://127.0.0.1:9/bsky/",
            "app.bsky.feed.getPostThread",
            &[
                ("uri", "at://did:plc:x/app.bsky.feed.post/3k"),
                ("depth", "6"),
            ],
        )
        .unwrap();
        assert_eq!(u.path(), "/bsky/xrpc/app.bsky.feed.getPostThread");
        assert_eq!(
            u.query(),
            Some("uri=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3k&depth=6")
        );
        assert!(xrpc("not a url", "m", &[]).is_none());
    }
}
