//! YouTube Data API v3 source, used for `https://www.youtube.com/channel/ID` seeds when a key
//! is configured (`[sources.youtube] api_key` or `SCOUT_YOUTUBE_API_KEY`); without one the
//! channel's Atom feed is read ([`super::feed::read_youtube`]) and nothing here runs.
//!
//! Requests, in order, each one quota unit, each through the crawl's fetcher:
//! 1. `channels?part=snippet,statistics,contentDetails&id=ID` — subscribers (null when
//!    hidden), video count, the uploads playlist. Empty `items`: the channel is gone.
//! 2. `playlistItems?part=snippet,contentDetails&playlistId=UU…&maxResults=N`, then
//!    `&pageToken=…` until `crawl.max_posts` videos.
//! 3. `videos?part=snippet,statistics&id=A,B,…` (50 ids a call) — views, likes, comments.
//! 4. `commentThreads?part=snippet,replies&videoId=V&maxResults=100` for the newest
//!    `max_comment_videos` videos that have comments.
//!
//! The key travels in the `X-Goog-Api-Key` header, never in a URL, so it cannot reach a log,
//! an error, a problem report or the saved HTTP validators.
//!
//! Quota ([`quota`]): a channel is started only while the units it needs at least (steps 1–3)
//! remain; comments come last. The frontier reads seeds first, then creators by discovery
//! depth, so the day's units go to the seeds and their nearest neighbours first. When the
//! budget is spent, or Google answers `quotaExceeded` or refuses the key, this is reported
//! once and every later channel is read through its feed (titles and dates, no subscribers).

pub mod parse;
pub(crate) mod quota;

use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use super::feed::parse::youtube_channel_url;
use super::{ReadContext, SourceOutput, lenient_json};
use crate::model::{FetchKind, Post, Problem, ProblemKind, RawProfile};
use crate::net::{FetchError, RequestOpts};
use parse::ApiError;
use quota::{Closed, Quota, UNITS_PER_CALL};

const JSON: RequestOpts = RequestOpts {
    accept: Some("application/json"),
    conditional: false,
    rate: None,
};

/// `playlistItems` and `videos` take at most 50 per call; `commentThreads` 100.
const MAX_RESULTS: usize = 50;
const COMMENT_PAGE: &str = "100";
/// Units a channel needs at least: channel, one uploads page, one videos call.
const MIN_CHANNEL_UNITS: u64 = 3 * UNITS_PER_CALL;

/// Why a call gave no answer to use.
enum CallError {
    /// The API is closed for this run; the problem is set for the one caller that reports it.
    Closed(Option<Problem>),
    /// The answer was an error the caller may handle (comments disabled, not found).
    Api(ApiError, Problem),
    /// The request failed or the answer was not JSON.
    Failed(Problem),
}

/// One channel's calls: where, with which key, on whose budget.
struct Api<'a> {
    ctx: &'a ReadContext<'a>,
    base: String,
    headers: HeaderMap,
    quota: Arc<Quota>,
}

impl Api<'_> {
    fn url(&self, method: &str, query: &[(&str, &str)]) -> Option<Url> {
        let mut u = Url::parse(&self.base).ok()?;
        u.set_query(None);
        u.set_fragment(None);
        u.path_segments_mut().ok()?.pop_if_empty().push(method);
        u.query_pairs_mut().extend_pairs(query);
        Some(u)
    }

    async fn call(&self, method: &str, query: &[(&str, &str)]) -> Result<Value, CallError> {
        if let Err((why, first)) = self.quota.spend(UNITS_PER_CALL) {
            return Err(CallError::Closed(
                first.then(|| closed_problem(&self.base, &why)),
            ));
        }
        let Some(url) = self.url(method, query) else {
            return Err(CallError::Failed(Problem::new(
                &self.base,
                FetchKind::InvalidUrl,
                format!("sources.youtube.api_base {:?} cannot form a URL", self.base),
            )));
        };
        let resp = match self.ctx.fetcher.get_api(&url, &JSON, &self.headers).await {
            Ok(r) => r,
            // The API host's robots.txt applies to every call alike: close the API once.
            Err(e @ FetchError::Robots { .. }) => {
                let first = self.quota.reject("robots.txt");
                let detail = format!(
                    "{e}: the YouTube Data API is not called in this run; channels are read \
                     through their feeds"
                );
                let p = Problem::new(&self.base, e.kind(), detail);
                return Err(CallError::Closed(first.then_some(p)));
            }
            Err(e) => {
                let p = Problem::new(e.url(), e.kind(), e.to_string());
                return Err(CallError::Failed(p));
            }
        };
        let body = lenient_json::parse(&resp.text());
        if (200..300).contains(&resp.status) {
            return body.map_err(|why| {
                CallError::Failed(Problem::new(
                    url.as_str(),
                    ProblemKind::BadJson,
                    format!("{url}: {method}.list answer is not JSON: {why}"),
                ))
            });
        }
        let reason = body.ok().as_ref().and_then(parse::error_reason);
        let kind = parse::classify_error(resp.status, reason.as_deref());
        let reason = reason.unwrap_or_else(|| "no reason given".into());
        let problem = Problem::new(
            url.as_str(),
            FetchKind::Status(resp.status),
            format!(
                "{url}: {method}.list answered HTTP {} ({reason})",
                resp.status
            ),
        );
        Err(match kind {
            ApiError::QuotaSpent => {
                let first = self.quota.exhaust();
                CallError::Closed(first.then(|| closed_problem(&self.base, &Closed::Spent)))
            }
            ApiError::KeyRejected => {
                let first = self.quota.reject(&reason);
                let why = Closed::KeyRejected(format!("HTTP {}, {reason}", resp.status));
                CallError::Closed(first.then(|| closed_problem(&self.base, &why)))
            }
            other => CallError::Api(other, problem),
        })
    }
}

fn closed_problem(base: &str, why: &Closed) -> Problem {
    match why {
        Closed::Spent => Problem::new(
            base,
            ProblemKind::YoutubeQuotaSpent,
            "YouTube Data API: today's quota is spent (sources.youtube.daily_quota, or Google \
             answered quotaExceeded); the remaining channels are read through their feeds \
             until the quota resets at midnight Pacific Time",
        ),
        Closed::KeyRejected(reason) => Problem::new(
            base,
            ProblemKind::YoutubeKeyRejected,
            format!(
                "YouTube Data API refused the key ({reason}); check sources.youtube.api_key \
                 (or SCOUT_YOUTUBE_API_KEY) and that the API is enabled for its project; \
                 channels are read through their feeds in this run"
            ),
        ),
    }
}

/// Read a channel through the Data API when a key is set, else (or when the API is closed)
/// through its feed.
pub async fn read(channel_id: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    let cfg = &ctx.config.sources.youtube;
    let canonical = youtube_channel_url(channel_id);
    // Out-of-shard channels are read for discovery only: the feed does that for free.
    let quota = Quota::shared(cfg).filter(|_| ctx.wants(&canonical));
    let (Some(quota), Some(key)) = (quota, cfg.api_key.as_ref()) else {
        return super::feed::read_youtube(channel_id, ctx).await;
    };
    let mut headers = HeaderMap::new();
    match HeaderValue::from_str(key.expose()) {
        Ok(mut v) => {
            v.set_sensitive(true);
            headers.insert(HeaderName::from_static("x-goog-api-key"), v);
        }
        Err(_) => {
            // Never quote the key, even in this error.
            let mut out = super::feed::read_youtube(channel_id, ctx).await;
            out.problems.push(Problem::new(
                canonical,
                ProblemKind::YoutubeKeyRejected,
                "sources.youtube.api_key holds characters an HTTP header cannot carry",
            ));
            return out;
        }
    }
    let api = Api {
        ctx,
        base: cfg.api_base.clone(),
        headers,
        quota,
    };
    let mut out = SourceOutput::default();
    // Not enough left for a consistent record: spend nothing, say so once, read the feed.
    if let Err((why, first)) = api.quota.check(MIN_CHANNEL_UNITS) {
        if first {
            out.problems.push(closed_problem(&api.base, &why));
        }
        out.merge(super::feed::read_youtube(channel_id, ctx).await);
        return out;
    }
    let channel = match api
        .call(
            "channels",
            &[
                ("part", "snippet,statistics,contentDetails"),
                ("id", channel_id),
            ],
        )
        .await
        .map(|v| parse::parse_channel(&v))
    {
        Ok(Ok(Some(c))) => c,
        Ok(Ok(None)) => {
            // 200 with no item is the API's "no such channel"; counted as 404 so that a
            // refresh marks the creator gone like any other 404.
            out.problems.push(Problem::new(
                &canonical,
                FetchKind::Status(404),
                format!(
                    "{canonical}: channels.list has no item: channel deleted, terminated or unknown"
                ),
            ));
            return out;
        }
        Ok(Err(why)) => {
            out.problems.push(Problem::new(
                &canonical,
                ProblemKind::BadChannel,
                format!("{canonical}: {why}"),
            ));
            return out;
        }
        Err(e) => return fall_back(e, channel_id, ctx).await,
    };
    let mut profile = channel.profile;
    out.discovered.extend(profile.links.iter().cloned());
    match read_videos(&api, channel.uploads.as_deref(), &mut out).await {
        Some(posts) => profile.posts = posts,
        None => {
            // Keep the subscriber count; take the posts from the feed.
            let feed = super::feed::read_youtube(channel_id, ctx).await;
            out.problems.extend(feed.problems);
            if let Some(p) = feed.profiles.into_iter().next() {
                profile.posts = p.posts;
            }
        }
    }
    read_comments(&api, channel_id, &mut profile, &mut out).await;
    profile.lang_hint = profile
        .lang_hint
        .or_else(|| super::mastodon::parse::majority_lang(&profile.posts));
    out.profiles.push(profile);
    out
}

/// The API is closed or the channel call failed: report it (once) and read the feed.
async fn fall_back(e: CallError, channel_id: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    let mut out = SourceOutput::default();
    match e {
        CallError::Closed(p) => out.problems.extend(p),
        CallError::Api(ApiError::NotFound, p) => {
            out.problems.push(p);
            return out;
        }
        CallError::Api(_, p) | CallError::Failed(p) => out.problems.push(p),
    }
    out.merge(super::feed::read_youtube(channel_id, ctx).await);
    out
}

/// The newest uploads with their statistics, newest first. `None` when not even the first
/// page could be read (the caller falls back to the feed).
async fn read_videos(
    api: &Api<'_>,
    uploads: Option<&str>,
    out: &mut SourceOutput,
) -> Option<Vec<Post>> {
    let uploads = uploads?;
    let max_posts = api.ctx.config.crawl.max_posts;
    let page = max_posts.clamp(1, MAX_RESULTS).to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    // Bounded even if a server repeats its token.
    for _ in 0..max_posts.div_ceil(MAX_RESULTS) + 1 {
        let mut q = vec![
            ("part", "snippet,contentDetails"),
            ("playlistId", uploads),
            ("maxResults", page.as_str()),
        ];
        if let Some(t) = &token {
            q.push(("pageToken", t));
        }
        let v = match api.call("playlistItems", &q).await {
            Ok(v) => v,
            Err(e) => {
                report(e, out);
                if ids.is_empty() {
                    return None;
                }
                break;
            }
        };
        for id in parse::playlist_video_ids(&v) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        token = parse::next_page_token(&v);
        if ids.len() >= max_posts || token.is_none() {
            break;
        }
    }
    ids.truncate(max_posts);
    let mut posts = Vec::new();
    for chunk in ids.chunks(MAX_RESULTS) {
        let joined = chunk.join(",");
        match api
            .call("videos", &[("part", "snippet,statistics"), ("id", &joined)])
            .await
        {
            Ok(v) => posts.extend(parse::parse_videos(&v)),
            Err(e) => {
                report(e, out);
                break;
            }
        }
    }
    if posts.is_empty() && !ids.is_empty() {
        return None;
    }
    posts.sort_by_key(|p| std::cmp::Reverse(p.published_at));
    Some(posts)
}

/// Comment threads of the newest videos that have comments. A video with comments turned off
/// keeps its place, without comments; a closed API ends the loop.
async fn read_comments(
    api: &Api<'_>,
    channel_id: &str,
    profile: &mut RawProfile,
    out: &mut SourceOutput,
) {
    let max = api.ctx.config.sources.youtube.max_comment_videos;
    let wanted = profile
        .posts
        .iter_mut()
        .filter(|p| p.comments_count != Some(0))
        .take(max);
    for post in wanted {
        let q = [
            ("part", "snippet,replies"),
            ("videoId", post.id.as_str()),
            ("maxResults", COMMENT_PAGE),
        ];
        match api.call("commentThreads", &q).await {
            Ok(v) => post.comments = parse::parse_comment_threads(&v, channel_id),
            Err(CallError::Api(ApiError::CommentsDisabled, _)) => {}
            Err(e @ CallError::Closed(_)) => {
                report(e, out);
                return;
            }
            Err(e) => report(e, out),
        }
    }
}

fn report(e: CallError, out: &mut SourceOutput) {
    match e {
        CallError::Closed(p) => out.problems.extend(p),
        CallError::Api(_, p) | CallError::Failed(p) => out.problems.push(p),
    }
}
