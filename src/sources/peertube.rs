//! PeerTube source: accounts (`https://HOST/a/NAME`), channels (`https://HOST/c/NAME`) and
//! videos (`https://HOST/w/ID`, read as the video's channel) through the instance's public
//! REST API. No key needed.
//!
//! Requests, each through the crawl's fetcher (robots.txt applies):
//! 1. `api/v1/accounts/NAME` or `api/v1/video-channels/NAME` (for a video seed,
//!    `api/v1/videos/ID` first, to find its channel). Followers are `followersCount`.
//! 2. `…/NAME/videos?start=S&count=C` until `crawl.max_posts` videos or the list's `total`.
//! 3. `api/v1/videos/ID/comment-threads?start=0&count=C` for the newest
//!    `sources.peertube.max_threads` videos with comments, and
//!    `api/v1/videos/ID/comment-threads/THREAD` for threads that have replies.
//!
//! Not every `/c/NAME` is PeerTube. The actor must answer as PeerTube JSON; anything else is
//! read as a web page. After a 404, one probe of `api/v1/config` tells "no such channel on a
//! PeerTube instance" (reported, so a refresh can mark it gone) from "not PeerTube" (web).
//! The answer is remembered per host for the crawl ([`Instances`]): the other `/c/` pages of a
//! host that is not PeerTube are read as web pages straight away.
//!
//! Consent: only public videos are indexed (unlisted, private and internal ones are left
//! out); an account or channel the instance does not show (blocked, deleted) answers 404.

pub mod instances;
pub mod parse;

pub use instances::Instances;

use serde_json::Value;
use url::Url;

use super::{ReadContext, SourceOutput, lenient_json};
use crate::model::{Comment, Post, Problem, ProblemKind};
use crate::net::{FetchError, RequestOpts};

const JSON: RequestOpts = RequestOpts {
    accept: Some("application/json"),
    conditional: false,
    rate: None,
};

/// Instances refuse `count` above 100.
const MAX_COUNT: usize = 100;
/// Thread trees read per video (one request each).
const MAX_REPLY_TREES: usize = 5;

/// What a PeerTube seed names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Account(String),
    Channel(String),
    Video(String),
}

impl Target {
    /// From path segments: `a/NAME`, `c/NAME`, `w/ID` and their long forms `accounts/NAME`,
    /// `video-channels/NAME`, `videos/watch/ID`.
    pub fn from_segments(segs: &[&str]) -> Option<Target> {
        // `name@host` names a remote actor; a bare name with a dot is a file (`post.html`).
        let ok = |s: &str| !s.is_empty() && (s.contains('@') || !s.contains('.'));
        match segs {
            ["a" | "accounts", name] if ok(name) => Some(Target::Account(name.to_string())),
            ["c" | "video-channels", name] if ok(name) => Some(Target::Channel(name.to_string())),
            ["w", id] | ["videos", "watch", id] if ok(id) => Some(Target::Video(id.to_string())),
            _ => None,
        }
    }
}

fn api_url(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Option<Url> {
    let mut u = base.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.path_segments_mut().ok()?.pop_if_empty().extend(segments);
    if !query.is_empty() {
        u.query_pairs_mut().extend_pairs(query);
    }
    Some(u)
}

enum JsonError {
    Fetch(FetchError),
    NotJson,
}

async fn get_json(ctx: &ReadContext<'_>, url: &Url) -> Result<Value, JsonError> {
    let resp = ctx
        .fetcher
        .get_with(url, &JSON)
        .await
        .map_err(JsonError::Fetch)?;
    lenient_json::parse(&resp.text()).map_err(|_| JsonError::NotJson)
}

fn fetch_problem(e: &FetchError) -> Problem {
    Problem::new(e.url(), e.kind(), e.to_string())
}

/// Does `base` run PeerTube? One request to `api/v1/config` per host and crawl.
async fn is_peertube(base: &Url, ctx: &ReadContext<'_>) -> bool {
    ctx.peertube_hosts
        .is_peertube(base, || probe_config(base, ctx))
        .await
}

/// `None` when the answer says nothing about the host (network trouble, 5xx, 429).
async fn probe_config(base: &Url, ctx: &ReadContext<'_>) -> Option<bool> {
    let u = api_url(base, &["api", "v1", "config"], &[])?;
    match get_json(ctx, &u).await {
        Ok(v) => Some(parse::is_instance_config(&v)),
        Err(JsonError::NotJson) => Some(false),
        Err(JsonError::Fetch(FetchError::Status { status, .. }))
            if (400..500).contains(&status) && status != 429 =>
        {
            Some(false)
        }
        Err(JsonError::Fetch(FetchError::Robots { .. })) => Some(false),
        Err(JsonError::Fetch(_)) => None,
    }
}

/// Read the account, channel or video's channel behind `url`.
pub async fn read(url: &Url, base: &Url, target: &Target, ctx: &ReadContext<'_>) -> SourceOutput {
    if ctx.peertube_hosts.known(base) == Some(false) {
        return super::web::read(url, ctx).await;
    }
    let host = base.host_str().unwrap_or_default().to_string();
    let (collection, name) = match target {
        Target::Account(n) => ("accounts", n.clone()),
        Target::Channel(n) => ("video-channels", n.clone()),
        Target::Video(id) => {
            let Some(u) = api_url(base, &["api", "v1", "videos", id], &[]) else {
                return super::web::read(url, ctx).await;
            };
            match get_json(ctx, &u).await {
                Ok(v) => match parse::video_channel(&v, &host) {
                    Some(ch) => ("video-channels", ch),
                    None => return super::web::read(url, ctx).await,
                },
                Err(e) => return not_an_actor(url, base, e, "video", ctx).await,
            }
        }
    };
    let Some(actor_url) = api_url(base, &["api", "v1", collection, &name], &[]) else {
        return super::web::read(url, ctx).await;
    };
    let actor = match get_json(ctx, &actor_url).await {
        Ok(v) => match parse::parse_actor(&v) {
            Ok(a) => a,
            // JSON, but not PeerTube's: some other site's API.
            Err(_) => return super::web::read(url, ctx).await,
        },
        Err(e) => return not_an_actor(url, base, e, collection, ctx).await,
    };
    let mut out = SourceOutput::default();
    out.discovered.extend(actor.profile.links.iter().cloned());
    if !ctx.wants(&actor.profile.profile_url) {
        // Its shard reads it in full (the crawl hands it over through the outbox).
        out.out_of_shard.push(actor.profile.profile_url.clone());
        return out;
    }
    let mut profile = actor.profile.clone();
    let threads = read_videos(base, collection, &name, ctx, &mut profile.posts, &mut out).await;
    read_comments(
        base,
        &actor.owner,
        &threads,
        ctx,
        &mut profile.posts,
        &mut out,
    )
    .await;
    profile.lang_hint = super::mastodon::parse::majority_lang(&profile.posts);
    out.profiles.push(profile);
    out
}

/// The first request failed: a web page after all, or a PeerTube actor that is gone.
async fn not_an_actor(
    url: &Url,
    base: &Url,
    e: JsonError,
    what: &str,
    ctx: &ReadContext<'_>,
) -> SourceOutput {
    match e {
        JsonError::Fetch(
            e @ FetchError::Status {
                status: 404 | 410, ..
            },
        ) if is_peertube(base, ctx).await => SourceOutput {
            problems: vec![Problem::new(
                url.as_str(),
                e.kind(),
                format!("{url}: PeerTube {what} not found (deleted, blocked or unknown): {e}"),
            )],
            ..Default::default()
        },
        JsonError::Fetch(e)
            if !matches!(e, FetchError::Status { .. } | FetchError::Robots { .. }) =>
        {
            // Network trouble: the web source would meet the same; say it once.
            SourceOutput {
                problems: vec![fetch_problem(&e)],
                ..Default::default()
            }
        }
        _ => super::web::read(url, ctx).await,
    }
}

/// Public videos, newest first, up to `max_posts`. Returns each post's comment-thread id.
async fn read_videos(
    base: &Url,
    collection: &str,
    name: &str,
    ctx: &ReadContext<'_>,
    posts: &mut Vec<Post>,
    out: &mut SourceOutput,
) -> Vec<(String, String)> {
    let max_posts = ctx.config.crawl.max_posts;
    let count = ctx.config.sources.peertube.page_size.clamp(1, MAX_COUNT);
    let count_s = count.to_string();
    let mut threads = Vec::new();
    let mut start = 0usize;
    // Bounded even when private videos fill whole pages.
    for _ in 0..max_posts.div_ceil(count) + 2 {
        if posts.len() >= max_posts {
            break;
        }
        let start_s = start.to_string();
        let Some(u) = api_url(
            base,
            &["api", "v1", collection, name, "videos"],
            &[("start", &start_s), ("count", &count_s)],
        ) else {
            break;
        };
        let page = match get_json(ctx, &u).await {
            Ok(v) => parse::parse_videos(&v),
            Err(JsonError::Fetch(e)) => {
                out.problems.push(fetch_problem(&e));
                break;
            }
            Err(JsonError::NotJson) => Err("not JSON".to_string()),
        };
        let page = match page {
            Ok(p) => p,
            Err(why) => {
                out.problems.push(Problem::new(
                    u.as_str(),
                    ProblemKind::BadVideos,
                    format!("{u}: {why}"),
                ));
                break;
            }
        };
        posts.extend(page.posts);
        threads.extend(page.thread_ids);
        start += page.entries;
        if page.entries == 0 || page.total.is_some_and(|t| start as u64 >= t) {
            break;
        }
    }
    posts.truncate(max_posts);
    posts.sort_by_key(|p| std::cmp::Reverse(p.published_at));
    threads
}

/// Comments of the newest videos that have any; a thread list that fails costs that video's
/// comments only.
async fn read_comments(
    base: &Url,
    owner: &str,
    threads: &[(String, String)],
    ctx: &ReadContext<'_>,
    posts: &mut [Post],
    out: &mut SourceOutput,
) {
    let cfg = &ctx.config.sources.peertube;
    let count = cfg.page_size.clamp(1, MAX_COUNT).to_string();
    let wanted = posts
        .iter_mut()
        .filter(|p| p.comments_count.unwrap_or(0) > 0)
        .take(cfg.max_threads);
    for post in wanted {
        let Some((_, vid)) = threads.iter().find(|(id, _)| *id == post.id) else {
            continue;
        };
        let Some(u) = api_url(
            base,
            &["api", "v1", "videos", vid, "comment-threads"],
            &[("start", "0"), ("count", &count)],
        ) else {
            continue;
        };
        let (mut comments, with_replies) = match get_json(ctx, &u).await {
            Ok(v) => match parse::parse_threads(&v, owner) {
                Ok(x) => x,
                Err(why) => {
                    out.problems.push(Problem::new(
                        u.as_str(),
                        ProblemKind::BadComments,
                        format!("{u}: {why}"),
                    ));
                    continue;
                }
            },
            Err(JsonError::Fetch(e)) => {
                out.problems.push(fetch_problem(&e));
                continue;
            }
            Err(JsonError::NotJson) => continue,
        };
        for thread in with_replies.iter().take(MAX_REPLY_TREES) {
            let Some(t) = api_url(
                base,
                &["api", "v1", "videos", vid, "comment-threads", thread],
                &[],
            ) else {
                continue;
            };
            match get_json(ctx, &t).await {
                Ok(v) => comments.extend(parse::parse_thread_replies(&v, owner)),
                Err(JsonError::Fetch(e)) => out.problems.push(fetch_problem(&e)),
                Err(JsonError::NotJson) => {}
            }
        }
        dedup(&mut comments);
        post.comments = comments;
    }
}

fn dedup(comments: &mut Vec<Comment>) {
    let mut seen = std::collections::HashSet::new();
    comments.retain(|c| seen.insert(c.id.clone()));
}
