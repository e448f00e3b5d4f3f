//! Mastodon REST API source: any server speaking the Mastodon API (Mastodon, and the many
//! servers that implement its client API).
//!
//! Requests, in order, each through the crawl's [`Fetcher`](crate::net::Fetcher):
//! 1. `GET {base}api/v1/accounts/lookup?acct=NAME` — the account. Consent is checked here,
//!    before anything else is read.
//! 2. `GET {base}api/v1/accounts/ID/statuses?limit=PAGE&exclude_replies=true` — then the
//!    `Link: rel="next"` URLs verbatim, until `crawl.max_posts` own posts are read. For a
//!    creator read before, the first page is a conditional GET (Mastodon answers API calls
//!    with a weak `ETag` and honours `If-None-Match`): a `304` keeps the stored posts,
//!    conversation and comments as they are, and no thread is read.
//!    `exclude_replies` drops replies to other accounts and keeps self-replies (Mastodon's
//!    `Status.without_replies`); servers that ignore it are covered by classifying each status
//!    by `in_reply_to_account_id` ([`parse::replies_to_other`]).
//! 3. `GET {base}api/v1/statuses/ID/context` for up to `sources.mastodon.max_threads` posts
//!    whose replies are new or grew since the last crawl, newest first.
//!
//! Query strings are exactly `acct=NAME` and `limit=N&exclude_replies=true`, in that order;
//! fixtures store them as literal file names.
//!
//! Not every `https://HOST/@NAME` is Mastodon. When the lookup is not answered with JSON, the
//! seed is read as a web page instead. A 404 alone cannot tell "no such account" from "no such
//! API" (the fetcher reports errors without their bodies), so a 404 is followed by one probe of
//! `api/v1/instance`: a server that answers it with JSON speaks the API, and the account is gone.

pub mod parse;
pub mod timeline;

use serde_json::Value;
use url::Url;

use super::{ReadContext, SourceOutput, lenient_json};
use crate::model::{FetchKind, Post, Problem, ProblemKind};
use crate::net::{FetchError, RequestOpts, Response};

const JSON: RequestOpts = RequestOpts {
    accept: Some("application/json"),
    conditional: false,
    rate: None,
};

/// The API allows at most 40 statuses per page.
const MAX_PAGE_SIZE: usize = 40;
/// Tag timelines: one page, for discovery only.
const TAG_PAGE_SIZE: usize = 40;

/// JSON, at the platform's documented rate (`[sources.mastodon] rate`).
fn json_opts(ctx: &ReadContext<'_>) -> RequestOpts {
    RequestOpts {
        rate: Some(ctx.config.sources.mastodon.host_rate()),
        ..JSON
    }
}

/// `{base}` + path segments + query, with segments and values percent-encoded.
fn api_url(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Option<Url> {
    let mut u = base.clone();
    u.set_query(None);
    u.set_fragment(None);
    {
        let mut segs = u.path_segments_mut().ok()?;
        segs.pop_if_empty();
        segs.extend(segments);
    }
    if !query.is_empty() {
        u.query_pairs_mut().extend_pairs(query);
    }
    Some(u)
}

enum JsonError {
    Fetch(FetchError),
    /// Answered 2xx, but not with JSON (an HTML page, a login wall...).
    NotJson(String),
}

async fn get_json(ctx: &ReadContext<'_>, url: &Url) -> Result<(Value, Response), JsonError> {
    Ok(get_json_if(ctx, url, false)
        .await?
        .expect("only a conditional GET answers 304"))
}

/// [`get_json`], sending the validators stored for `url` when `conditional`; `None` when the
/// server answered 304 Not Modified (what is stored is current).
async fn get_json_if(
    ctx: &ReadContext<'_>,
    url: &Url,
    conditional: bool,
) -> Result<Option<(Value, Response)>, JsonError> {
    let opts = RequestOpts {
        conditional,
        ..json_opts(ctx)
    };
    let resp = ctx
        .fetcher
        .get_with(url, &opts)
        .await
        .map_err(JsonError::Fetch)?;
    if resp.not_modified && conditional {
        return Ok(None);
    }
    match lenient_json::parse(&resp.text()) {
        Ok(v) => Ok(Some((v, resp))),
        Err(e) => Err(JsonError::NotJson(e)),
    }
}

fn problem(url: &Url, kind: impl Into<ProblemKind>, detail: impl Into<String>) -> SourceOutput {
    SourceOutput {
        problems: vec![Problem::new(url.as_str(), kind, detail)],
        ..Default::default()
    }
}

fn fetch_problem(e: &FetchError) -> Problem {
    Problem::new(e.url(), e.kind(), e.to_string())
}

/// Does the server at `base` speak the Mastodon API? One request to `api/v1/instance`.
async fn speaks_mastodon_api(base: &Url, ctx: &ReadContext<'_>) -> bool {
    let Some(u) = api_url(base, &["api", "v1", "instance"], &[]) else {
        return false;
    };
    matches!(get_json(ctx, &u).await, Ok((v, _)) if v.is_object())
}

/// Read the account behind `url` (a `https://HOST/@NAME` seed) through the API on `base`.
pub async fn read_profile(
    url: &Url,
    base: &Url,
    acct: &str,
    ctx: &ReadContext<'_>,
) -> SourceOutput {
    let Some(lookup) = api_url(
        base,
        &["api", "v1", "accounts", "lookup"],
        &[("acct", acct)],
    ) else {
        return problem(
            url,
            FetchKind::InvalidUrl,
            "cannot build the account lookup URL",
        );
    };
    let value = match get_json(ctx, &lookup).await {
        Ok((v, _)) => v,
        Err(JsonError::NotJson(_)) => return super::web::read(url, ctx).await,
        Err(JsonError::Fetch(e)) => {
            let status_404 = matches!(e, FetchError::Status { status: 404, .. });
            if matches!(e, FetchError::Robots { .. })
                || (status_404 && !speaks_mastodon_api(base, ctx).await)
            {
                // No API here (or not for us): the seed is a web page like any other.
                return super::web::read(url, ctx).await;
            }
            let mut out = SourceOutput::default();
            let detail = if e.is_gone() {
                format!("{url}: account not found (deleted, suspended or unknown): {e}")
            } else {
                format!("{url}: account lookup failed: {e}")
            };
            out.problems
                .push(Problem::new(url.as_str(), e.kind(), detail));
            return out;
        }
    };
    let account = match parse::parse_account(&value) {
        Ok(a) => a,
        Err(why) => {
            return problem(url, ProblemKind::BadAccount, format!("{lookup}: {why}"));
        }
    };
    let mut out = SourceOutput::default();
    if account.opts_out {
        out.opted_out.push(account.url);
        return out;
    }
    if account.suspended {
        return problem(
            url,
            ProblemKind::Suspended,
            format!("{}: account suspended", account.url),
        );
    }
    if let Some(to) = account.moved_to {
        out.discovered.push(to.clone());
        out.problems.push(Problem::new(
            account.url.as_str(),
            ProblemKind::Moved,
            format!("{}: account moved to {to}", account.url),
        ));
        return out;
    }
    // Profile links lead to the creator's other presences.
    out.discovered.extend(account.profile.links.iter().cloned());
    if !ctx.wants(&account.url) {
        out.out_of_shard.push(account.url.clone());
        return out;
    }

    // Without the first page there is no consistent record to give; the problem says why.
    let Some((posts, conversation)) = read_statuses(base, &account, ctx, &mut out).await else {
        return out;
    };
    let mut profile = account.profile.clone();
    profile.posts = posts;
    profile.conversation = conversation;
    read_threads(base, &account, &mut profile.posts, ctx, &mut out).await;
    profile.lang_hint = parse::majority_lang(&profile.posts);
    // Who the creator talks to is worth a look too (some of them are creators).
    for p in profile.posts.iter().chain(&profile.conversation) {
        out.discovered
            .extend(p.mentions.iter().filter(|m| m.starts_with("http")).cloned());
    }
    dedup(&mut out.discovered, &profile.profile_url);
    dedup(&mut out.opted_out, "");
    out.profiles.push(profile);
    out
}

/// The creator's own posts and their replies to others (conversation), newest first, up to
/// `max_posts` each. `None` when the first page cannot be read (a problem is recorded); later
/// pages failing only shorten the lists.
async fn read_statuses(
    base: &Url,
    account: &parse::Account,
    ctx: &ReadContext<'_>,
    out: &mut SourceOutput,
) -> Option<(Vec<Post>, Vec<Post>)> {
    let max_posts = ctx.config.crawl.max_posts;
    let page_size = ctx
        .config
        .sources
        .mastodon
        .page_size
        .clamp(1, MAX_PAGE_SIZE)
        .to_string();
    let first = api_url(
        base,
        &["api", "v1", "accounts", &account.id, "statuses"],
        &[("limit", &page_size), ("exclude_replies", "true")],
    )?;
    // Boosts fill pages without adding posts; bound the pages so a boost-only account ends.
    let max_pages = max_posts.div_ceil(page_size.parse::<usize>().unwrap_or(1)) + 2;
    let mut posts: Vec<Post> = Vec::new();
    let mut conversation: Vec<Post> = Vec::new();
    let mut next = Some(first);
    let mut pages = 0;
    // A refresh asks for the first page conditionally: unchanged, the stored lists stand.
    let known = (ctx.known)(&account.url);
    while let Some(page_url) = next.take() {
        if posts.len() >= max_posts || pages >= max_pages {
            break;
        }
        pages += 1;
        let conditional = pages == 1 && known.is_some();
        let (value, resp) = match get_json_if(ctx, &page_url, conditional).await {
            Ok(Some(x)) => x,
            Ok(None) => {
                let k = known.unwrap_or_default();
                return Some((k.posts, k.conversation));
            }
            Err(e) => {
                let p = match e {
                    JsonError::Fetch(e) => fetch_problem(&e),
                    JsonError::NotJson(why) => Problem::new(
                        page_url.as_str(),
                        ProblemKind::BadJson,
                        format!("{page_url}: {why}"),
                    ),
                };
                out.problems.push(p);
                return (pages > 1).then_some((posts, conversation));
            }
        };
        let page = match parse::parse_statuses(&value, &account.id) {
            Ok(p) => p,
            Err(why) => {
                out.problems.push(Problem::new(
                    page_url.as_str(),
                    ProblemKind::BadStatuses,
                    format!("{page_url}: {why}"),
                ));
                return (pages > 1).then_some((posts, conversation));
            }
        };
        out.discovered.extend(page.boosted_authors);
        out.opted_out.extend(page.opted_out);
        add_new(&mut posts, page.posts);
        add_new(&mut conversation, page.conversation);
        if page.entries == 0 {
            break;
        }
        next = resp
            .header("link")
            .and_then(timeline::next_link)
            .and_then(|l| page_url.join(&l).ok())
            // Follow pagination only on the same server.
            .filter(|l| l.origin() == page_url.origin());
    }
    posts.truncate(max_posts);
    conversation.truncate(max_posts);
    Some((posts, conversation))
}

/// Append the posts of `page` not already in `to` (pages can overlap when posts arrive).
pub(super) fn add_new(to: &mut Vec<Post>, page: Vec<Post>) {
    for p in page {
        if !to.iter().any(|q| q.id == p.id) {
            to.push(p);
        }
    }
}

/// Replies for up to `max_threads` posts whose replies are new or grew since the last crawl,
/// newest first (see [`super::threads`]); the other posts keep the comments stored last time.
/// A thread that cannot be read leaves its post without comments and records a problem.
async fn read_threads(
    base: &Url,
    account: &parse::Account,
    posts: &mut [Post],
    ctx: &ReadContext<'_>,
    out: &mut SourceOutput,
) {
    let known = (ctx.known)(&account.url);
    let max_threads = ctx.config.sources.mastodon.max_threads;
    let read = super::threads::choose(posts, known.as_ref(), max_threads);
    for &i in &read {
        let post = &mut posts[i];
        let Some(u) = api_url(base, &["api", "v1", "statuses", &post.id, "context"], &[]) else {
            continue;
        };
        let value = match get_json(ctx, &u).await {
            Ok((v, _)) => v,
            Err(JsonError::Fetch(e)) => {
                out.problems.push(fetch_problem(&e));
                continue;
            }
            Err(JsonError::NotJson(why)) => {
                out.problems.push(Problem::new(
                    u.as_str(),
                    ProblemKind::BadJson,
                    format!("{u}: {why}"),
                ));
                continue;
            }
        };
        match timeline::parse_context(&value, &post.id, &account.id, &account.url) {
            Ok(thread) => {
                post.comments = thread.comments;
                out.discovered.extend(thread.authors);
                out.opted_out.extend(thread.opted_out);
            }
            Err(why) => out.problems.push(Problem::new(
                u.as_str(),
                ProblemKind::BadContext,
                format!("{u}: {why}"),
            )),
        }
    }
}

/// Read a tag timeline (`https://HOST/tags/TAG`) for discovery: its authors, no profiles.
pub async fn read_tag(url: &Url, base: &Url, tag: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    let limit = TAG_PAGE_SIZE.to_string();
    let Some(tl) = api_url(
        base,
        &["api", "v1", "timelines", "tag", tag],
        &[("limit", &limit)],
    ) else {
        return problem(
            url,
            FetchKind::InvalidUrl,
            "cannot build the tag timeline URL",
        );
    };
    let value = match get_json(ctx, &tl).await {
        Ok((v, _)) => v,
        Err(JsonError::NotJson(_)) => return super::web::read(url, ctx).await,
        // Mastodon answers an unknown tag with `[]`; a 404 means there is no such API here.
        Err(JsonError::Fetch(FetchError::Status { status: 404, .. }))
        | Err(JsonError::Fetch(FetchError::Robots { .. })) => {
            return super::web::read(url, ctx).await;
        }
        Err(JsonError::Fetch(e)) => {
            let mut out = SourceOutput::default();
            out.problems.push(fetch_problem(&e));
            return out;
        }
    };
    match timeline::parse_tag_timeline(&value) {
        Ok(authors) => {
            let mut out = SourceOutput {
                discovered: authors.discovered,
                opted_out: authors.opted_out,
                ..Default::default()
            };
            dedup(&mut out.discovered, "");
            out
        }
        Err(why) => problem(url, ProblemKind::BadTimeline, format!("{tl}: {why}")),
    }
}

/// Remove duplicates (keeping first occurrences) and `except`.
fn dedup(v: &mut Vec<String>, except: &str) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| s != except && seen.insert(s.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_are_encoded_and_keep_the_base_path() {
        let base = Url::parse("https://social.example/").unwrap();
        let u = api_url(
            &base,
            &["api", "v1", "accounts", "lookup"],
            &[("acct", "anna")],
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://social.example/api/v1/accounts/lookup?acct=anna"
        );
        let u = api_url(
            &base,
            &["api", "v1", "accounts", "lookup"],
            &[("acct", "a@b.example")],
        )
        .unwrap();
        assert_eq!(u.query(), Some("acct=a%40b.example"));
        let u = api_url(&base, &["api", "v1", "timelines", "tag", "café/x"], &[]).unwrap();
        assert_eq!(u.path(), "/api/v1/timelines/tag/caf%C3%A9%2Fx");
        let sub = Url::parse("http://127.0.0.1:9/masto/").unwrap();
        let u = api_url(&sub, &["api", "v1", "instance"], &[]).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9/masto/api/v1/instance");
    }

    #[test]
    fn dedup_keeps_order() {
        let mut v = vec!["b".to_string(), "a".into(), "b".into(), "me".into()];
        dedup(&mut v, "me");
        assert_eq!(v, vec!["b", "a"]);
    }
}
