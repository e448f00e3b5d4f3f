//! Bluesky's batch endpoints on a refresh: what changed for 25 accounts in one request.
//!
//! A refresh of one account costs `getProfile` + `getAuthorFeed` + the threads that grew. The
//! AppView answers the first two for many accounts at once:
//! - `app.bsky.actor.getProfiles?actors=A&actors=B…` — up to 25 `profileViewDetailed`s, the
//!   same shape `getProfile` returns (lexicon `app/bsky/actor/getProfiles.json`);
//! - `app.bsky.feed.getPosts?uris=U&uris=V…` — up to 25 `postView`s with their current
//!   `replyCount`, `likeCount`, `repostCount`, `quoteCount` (lexicon
//!   `app/bsky/feed/getPosts.json`; posts that no longer exist are left out of the answer).
//!
//! So the accounts due are taken 25 at a time, in the refresh's order: one `getProfiles`,
//! then, for every account whose `postsCount` is what the last crawl stored (it published
//! nothing since), its stored posts' current counts through `getPosts`, 25 URIs a call across
//! accounts. Such an account needs no request of its own but the threads whose reply count
//! grew. An account whose `postsCount` moved reads its feed as before (the new posts are
//! there). A post deleted and another published since the last crawl leave `postsCount` as it
//! was: that new post is read the next time the count moves. A failed batch call only means
//! that its accounts are read one by one, as without batching.
//!
//! A chunk of 25 is fetched by the first of its accounts to be read; the others wait for that
//! answer instead of asking themselves.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::parse::{self, Profile};
use crate::model::{Post, RawProfile};
use crate::sources::ReadContext;

/// `getProfiles` takes at most 25 actors and `getPosts` at most 25 URIs (lexicons' maxLength).
pub const BATCH_MAX: usize = 25;

/// What the last crawl stored for one account, as much as batching needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    /// The handle (or DID) the account is read by: the last segment of its URL.
    pub actor: String,
    pub posts_count: Option<u64>,
    /// AT URIs of the stored posts, in stored order.
    pub uris: Vec<String>,
}

impl Known {
    pub fn from_stored(actor: &str, raw: &RawProfile) -> Known {
        Known {
            actor: actor.to_string(),
            posts_count: raw.posts_count,
            uris: raw
                .posts
                .iter()
                .filter(|p| p.id.starts_with("at://"))
                .map(|p| p.id.clone())
                .collect(),
        }
    }
}

/// One account as the batch calls found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fresh {
    pub profile: Profile,
    /// The stored posts as `getPosts` returns them now (deleted ones left out, no comments)
    /// when the account published nothing since the last crawl; `None`: read its feed.
    pub posts: Option<Vec<Post>>,
}

struct Chunk {
    members: Vec<Known>,
    found: OnceCell<Mutex<HashMap<String, Fresh>>>,
}

/// The accounts a refresh is due to read, in chunks of [`BATCH_MAX`].
pub struct Batches {
    chunks: Vec<Chunk>,
    by_actor: HashMap<String, usize>,
}

impl Batches {
    /// `known` in the order the refresh reads them, so that a chunk's accounts are read at
    /// about the same time.
    pub fn new(known: Vec<Known>) -> Batches {
        let mut seen = HashSet::new();
        let known: Vec<Known> = known
            .into_iter()
            .filter(|k| seen.insert(k.actor.clone()))
            .collect();
        let mut by_actor = HashMap::new();
        let chunks = known
            .chunks(BATCH_MAX)
            .enumerate()
            .map(|(i, members)| {
                for m in members {
                    by_actor.insert(m.actor.clone(), i);
                }
                Chunk {
                    members: members.to_vec(),
                    found: OnceCell::new(),
                }
            })
            .collect();
        Batches { chunks, by_actor }
    }

    pub fn is_empty(&self) -> bool {
        self.by_actor.is_empty()
    }

    /// What the batch calls found for `actor` (fetching its chunk if nobody has yet); `None`
    /// when the account is not in a batch or the batch did not find it: read it alone.
    pub async fn take(&self, actor: &str, ctx: &ReadContext<'_>) -> Option<Fresh> {
        let chunk = &self.chunks[*self.by_actor.get(actor)?];
        let found = chunk
            .found
            .get_or_init(|| async { Mutex::new(fetch(&chunk.members, ctx).await) })
            .await;
        found.lock().unwrap().remove(actor)
    }
}

/// One chunk: `getProfiles`, then `getPosts` for the accounts that published nothing new.
async fn fetch(members: &[Known], ctx: &ReadContext<'_>) -> HashMap<String, Fresh> {
    let api_base = &ctx.config.sources.bluesky.api_base;
    let mut out = HashMap::new();
    let actors: Vec<(&str, &str)> = members.iter().map(|m| ("actors", &*m.actor)).collect();
    let Some(url) = super::xrpc(api_base, "app.bsky.actor.getProfiles", &actors) else {
        return out;
    };
    let profiles = match super::get_json(ctx, &url, url.as_str())
        .await
        .map_err(|p| p.detail)
        .and_then(|v| parse_profiles(&v))
    {
        Ok(p) => p,
        Err(why) => {
            tracing::warn!(
                "bluesky getProfiles batch failed, reading its accounts one by one: {why}"
            );
            return out;
        }
    };
    for m in members {
        if let Some(p) = profiles
            .iter()
            .find(|p| p.key == m.actor || p.did == m.actor)
        {
            let fresh = Fresh {
                profile: p.clone(),
                posts: None,
            };
            out.insert(m.actor.clone(), fresh);
        }
    }
    let quiet: Vec<&Known> = members
        .iter()
        .filter(|m| {
            out.get(&m.actor).is_some_and(|f: &Fresh| {
                m.posts_count.is_some() && f.profile.profile.posts_count == m.posts_count
            })
        })
        .collect();
    let uris: Vec<&str> = quiet
        .iter()
        .flat_map(|m| m.uris.iter().map(String::as_str))
        .collect();
    let mut views: HashMap<String, Post> = HashMap::new();
    let mut failed: HashSet<&str> = HashSet::new();
    for batch in uris.chunks(BATCH_MAX) {
        let query: Vec<(&str, &str)> = batch.iter().map(|u| ("uris", *u)).collect();
        let Some(url) = super::xrpc(api_base, "app.bsky.feed.getPosts", &query) else {
            failed.extend(batch);
            continue;
        };
        match super::get_json(ctx, &url, url.as_str())
            .await
            .map_err(|p| p.detail)
            .and_then(|v| parse_posts(&v))
        {
            Ok(posts) => views.extend(posts.into_iter().map(|p| (p.id.clone(), p))),
            Err(why) => {
                tracing::warn!("bluesky getPosts batch failed, reading its accounts' feeds: {why}");
                failed.extend(batch);
            }
        }
    }
    for m in quiet {
        if m.uris.iter().any(|u| failed.contains(u.as_str())) {
            continue;
        }
        let posts = m.uris.iter().filter_map(|u| views.remove(u)).collect();
        if let Some(f) = out.get_mut(&m.actor) {
            f.posts = Some(posts);
        }
    }
    out
}

/// Parse `app.bsky.actor.getProfiles`: the profiles that parse (one without a DID or handle
/// is left out, as `getProfile` would refuse it).
pub fn parse_profiles(v: &Value) -> Result<Vec<Profile>, String> {
    let list = v
        .get("profiles")
        .and_then(Value::as_array)
        .ok_or("getProfiles answer without a `profiles` array")?;
    Ok(list
        .iter()
        .filter_map(|p| parse::parse_profile(p).ok())
        .collect())
}

/// Parse `app.bsky.feed.getPosts`: each `postView` as a [`Post`] (no comments).
pub fn parse_posts(v: &Value) -> Result<Vec<Post>, String> {
    let list = v
        .get("posts")
        .and_then(Value::as_array)
        .ok_or("getPosts answer without a `posts` array")?;
    Ok(list.iter().filter_map(parse::parse_post).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profiles_and_posts_answers() {
        let v = json!({"profiles": [
            {"did": "did:plc:a", "handle": "a.bsky.social", "postsCount": 12, "followersCount": 7},
            {"handle": "no-did.bsky.social"},
        ]});
        let p = parse_profiles(&v).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].key.as_str(), p[0].profile.posts_count),
            ("a.bsky.social", Some(12))
        );
        assert!(parse_profiles(&json!({"profile": []})).is_err());

        let v = json!({"posts": [
            {"uri": "at://did:plc:a/app.bsky.feed.post/1", "cid": "x", "indexedAt": "2026-01-01T00:00:00Z",
             "author": {"did": "did:plc:a", "handle": "a.bsky.social"},
             "record": {"text": "hi", "createdAt": "2026-01-01T00:00:00Z"},
             "replyCount": 4, "likeCount": 9, "repostCount": 1, "quoteCount": 1},
            {"cid": "no uri"},
        ]});
        let posts = parse_posts(&v).unwrap();
        assert_eq!(posts.len(), 1);
        assert_eq!(
            (posts[0].comments_count, posts[0].likes, posts[0].shares),
            (Some(4), Some(9), Some(2))
        );
        assert!(parse_posts(&json!([])).is_err());
    }

    #[test]
    fn chunks_of_25_in_order_without_duplicates() {
        let k = |i: usize| Known {
            actor: format!("u{i}.bsky.social"),
            posts_count: Some(1),
            uris: vec![],
        };
        let mut all: Vec<Known> = (0..60).map(k).collect();
        all.push(k(3));
        let b = Batches::new(all);
        assert_eq!(b.chunks.len(), 3);
        assert_eq!(b.chunks[2].members.len(), 10);
        assert_eq!(b.by_actor["u3.bsky.social"], 0);
        assert_eq!(b.by_actor["u59.bsky.social"], 2);
    }

    #[test]
    fn known_keeps_the_stored_post_uris() {
        let raw = RawProfile {
            posts_count: Some(3),
            posts: vec![
                Post {
                    id: "at://did:plc:a/app.bsky.feed.post/1".into(),
                    ..Default::default()
                },
                Post {
                    id: "https://elsewhere/1".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let k = Known::from_stored("a.bsky.social", &raw);
        assert_eq!(k.uris, vec!["at://did:plc:a/app.bsky.feed.post/1"]);
        assert_eq!(k.posts_count, Some(3));
    }
}
