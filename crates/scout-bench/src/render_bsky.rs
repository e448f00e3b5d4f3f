//! The world's Bluesky accounts, as the public AppView answers for them over XRPC.
//!
//! The creators of [`World::bluesky_host`] are Bluesky accounts (`NAME.bsky.social`,
//! `did:plc:world…`); that host answers, in the shapes of the AppView's lexicons
//! (`app/bsky/actor/defs.json#profileViewDetailed`, `app/bsky/feed/defs.json#postView`,
//! `#threadViewPost`):
//! - `app.bsky.actor.getProfile?actor=` and `app.bsky.actor.getProfiles?actors=…` (≤ 25),
//! - `app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=&filter=` (the world's posts are all
//!   originals, so every filter answers the same),
//! - `app.bsky.feed.getPostThread?uri=&depth=` (comments nested by the reply they answer),
//! - `app.bsky.feed.getPosts?uris=…` (≤ 25; unknown URIs are left out, as the AppView does).
//!
//! Unknown actors answer 400 `InvalidRequest` "Profile not found", as the AppView does.

use chrono::SecondsFormat;
use serde_json::{Value, json};

use super::lexicon::LANGS;
use super::world::{CommentSpec, CreatorSpec, PostSpec, World};

/// Most actors or URIs one batch call accepts (lexicon maxLength).
const BATCH_MAX: usize = 25;

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl World {
    pub fn is_bluesky(&self, i: u64) -> bool {
        self.bluesky_host == Some(self.host_of(i))
    }

    /// `NAME.bsky.social` of creator `i`.
    pub fn bsky_handle(&self, i: u64) -> String {
        format!("{}.bsky.social", slug(&self.handle(i)))
    }

    pub fn bsky_did(&self, i: u64) -> String {
        format!("did:plc:world{i:08}")
    }

    pub fn bluesky_profile_url(&self, i: u64) -> String {
        format!("https://bsky.app/profile/{}", self.bsky_handle(i))
    }

    /// Creator `i` as its host's API publishes it: Bluesky on the AppView host, else Mastodon.
    pub fn api_profile_url(&self, i: u64) -> String {
        if self.is_bluesky(i) {
            self.bluesky_profile_url(i)
        } else {
            self.mastodon_profile_url(i)
        }
    }

    /// Seeds for the first `n` creators, each through its host's API.
    pub fn api_seeds(&self, n: u64) -> Vec<String> {
        (0..n.min(self.creators))
            .map(|i| self.api_profile_url(i))
            .collect()
    }

    /// The Bluesky creator a handle or DID names, if it lives on the AppView host.
    pub fn bsky_actor(&self, actor: &str) -> Option<u64> {
        let i: u64 = match actor.strip_prefix("did:plc:world") {
            Some(n) => n.parse().ok()?,
            None => {
                let name = actor.strip_suffix(".bsky.social")?;
                let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                name[name.len() - digits..].parse().ok()?
            }
        };
        let ok = i < self.creators
            && self.is_bluesky(i)
            && (actor == self.bsky_did(i) || actor == self.bsky_handle(i));
        ok.then_some(i)
    }

    fn bsky_post_uri(&self, i: u64, j: u64) -> String {
        format!("at://{}/app.bsky.feed.post/3l{j:011}", self.bsky_did(i))
    }

    /// `(creator, post)` of a post URI of this world.
    fn bsky_split_uri(&self, uri: &str) -> Option<(u64, u64)> {
        let rest = uri.strip_prefix("at://")?;
        let (did, rkey) = rest.split_once("/app.bsky.feed.post/3l")?;
        let i = self.bsky_actor(did)?;
        let j: u64 = rkey.parse().ok()?;
        (j < self.creator(i).posts).then_some((i, j))
    }
}

fn author(w: &World, c: &CreatorSpec) -> Value {
    json!({
        "did": w.bsky_did(c.index),
        "handle": w.bsky_handle(c.index),
        "displayName": c.display_name,
        "viewer": {"muted": false, "blockedBy": false},
        "labels": [],
        "createdAt": "2023-09-01T00:00:00.000Z",
    })
}

fn fan(name: &str) -> Value {
    let s = slug(name);
    json!({
        "did": format!("did:plc:fan{s}"),
        "handle": format!("{s}.bsky.social"),
        "displayName": name,
        "viewer": {"muted": false, "blockedBy": false},
        "labels": [],
    })
}

/// `getProfile`: a `profileViewDetailed`.
pub fn profile(w: &World, i: u64) -> Value {
    let c = w.creator(i);
    json!({
        "did": w.bsky_did(i),
        "handle": w.bsky_handle(i),
        "displayName": c.display_name,
        "description": c.bio,
        "followersCount": c.followers,
        "followsCount": c.following,
        "postsCount": c.posts,
        "associated": {"$type": "app.bsky.actor.defs#profileAssociated", "lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": false},
        "indexedAt": "2023-09-01T00:00:00.000Z",
        "createdAt": "2023-09-01T00:00:00.000Z",
        "viewer": {"muted": false, "blockedBy": false},
        "labels": [],
    })
}

/// `app.bsky.richtext.facet#tag` facets for the `#tag`s in `text` (byte offsets).
pub fn tag_facets(text: &str, hashtags: &[String]) -> Value {
    let mut facets = Vec::new();
    for t in hashtags {
        let tag = format!("#{t}");
        if let Some(start) = text.find(&tag) {
            facets.push(json!({
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": start, "byteEnd": start + tag.len()},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}],
            }));
        }
    }
    Value::Array(facets)
}

fn post_view(w: &World, c: &CreatorSpec, p: &PostSpec) -> Value {
    json!({
        "uri": w.bsky_post_uri(c.index, p.index),
        "cid": format!("bafyworld{}x{}", c.index, p.index),
        "author": author(w, c),
        "record": {
            "$type": "app.bsky.feed.post",
            "text": p.text,
            "createdAt": time(p.published_at),
            "langs": [LANGS[p.lang]],
            "facets": tag_facets(&p.text, &p.hashtags),
        },
        "replyCount": p.comments.len(),
        "repostCount": p.shares,
        "likeCount": p.likes,
        "quoteCount": 0,
        "indexedAt": time(p.published_at),
        "viewer": {"threadMuted": false, "embeddingDisabled": false},
        "labels": [],
    })
}

/// `getAuthorFeed`: posts newest first from `cursor` (a post index), and the next cursor.
pub fn author_feed(w: &World, i: u64, limit: usize, cursor: Option<u64>) -> Value {
    let c = w.creator(i);
    let from = cursor.unwrap_or(0);
    let to = (from + limit.clamp(1, 100) as u64).min(c.posts);
    let feed: Vec<Value> = (from..to)
        .map(|j| json!({"post": post_view(w, &c, &w.post(&c, j))}))
        .collect();
    let mut out = json!({"feed": feed});
    if to < c.posts {
        out["cursor"] = json!(to.to_string());
    }
    out
}

/// `getPosts`: the known posts among `uris` (at most 25 are read).
pub fn posts(w: &World, uris: &[String]) -> Value {
    let posts: Vec<Value> = uris
        .iter()
        .take(BATCH_MAX)
        .filter_map(|u| w.bsky_split_uri(u))
        .map(|(i, j)| {
            let c = w.creator(i);
            post_view(w, &c, &w.post(&c, j))
        })
        .collect();
    json!({ "posts": posts })
}

/// `getProfiles`: the known accounts among `actors` (at most 25 are read).
pub fn profiles(w: &World, actors: &[String]) -> Value {
    let list: Vec<Value> = actors
        .iter()
        .take(BATCH_MAX)
        .filter_map(|a| w.bsky_actor(a))
        .map(|i| profile(w, i))
        .collect();
    json!({ "profiles": list })
}

/// `getPostThread` of a creator's post: its comments as nested replies.
pub fn thread(w: &World, uri: &str) -> Option<Value> {
    let (i, j) = w.bsky_split_uri(uri)?;
    let c = w.creator(i);
    let p = w.post(&c, j);
    let root = w.bsky_post_uri(i, j);
    Some(json!({"thread": {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": post_view(w, &c, &p),
        "replies": replies(w, &c, &p, &root, None),
    }}))
}

fn comment_uri(w: &World, c: &CreatorSpec, p: &PostSpec, cm: &CommentSpec) -> String {
    let did = if cm.by_creator {
        w.bsky_did(c.index)
    } else {
        format!("did:plc:fan{}", slug(&cm.author_name))
    };
    format!(
        "at://{did}/app.bsky.feed.post/3c{}x{}x{}",
        c.index, p.index, cm.index
    )
}

fn replies(
    w: &World,
    c: &CreatorSpec,
    p: &PostSpec,
    root: &str,
    parent: Option<u64>,
) -> Vec<Value> {
    p.comments
        .iter()
        .filter(|cm| cm.reply_to == parent)
        .map(|cm| {
            let parent_uri = match cm.reply_to {
                None => root.to_string(),
                Some(k) => comment_uri(w, c, p, &p.comments[k as usize]),
            };
            let who = if cm.by_creator {
                author(w, c)
            } else {
                fan(&cm.author_name)
            };
            let uri = comment_uri(w, c, p, cm);
            json!({
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": {
                    "uri": uri,
                    "cid": format!("bafyc{}x{}x{}", c.index, p.index, cm.index),
                    "author": who,
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "text": cm.text,
                        "createdAt": time(cm.published_at),
                        "reply": {
                            "root": {"uri": root, "cid": format!("bafyworld{}x{}", c.index, p.index)},
                            "parent": {"uri": parent_uri, "cid": "bafyparent"},
                        },
                    },
                    "replyCount": p.comments.iter().filter(|x| x.reply_to == Some(cm.index)).count(),
                    "repostCount": 0,
                    "likeCount": cm.likes,
                    "quoteCount": 0,
                    "indexedAt": time(cm.published_at),
                    "labels": [],
                },
                "replies": replies(w, c, p, root, Some(cm.index)),
            })
        })
        .collect()
}

/// Answer one XRPC call: `(status, body)`; `None` for a method the AppView has not got here.
pub fn xrpc(w: &World, method: &str, query: &str) -> Option<(u16, Value)> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let one = |k: &str| pairs.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let all = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let not_found = |what: &str| {
        (
            400,
            json!({"error": "InvalidRequest", "message": format!("{what} not found")}),
        )
    };
    Some(match method {
        "app.bsky.actor.getProfile" => match one("actor").and_then(|a| w.bsky_actor(&a)) {
            Some(i) => (200, profile(w, i)),
            None => not_found("Profile"),
        },
        "app.bsky.actor.getProfiles" => (200, profiles(w, &all("actors"))),
        "app.bsky.feed.getAuthorFeed" => match one("actor").and_then(|a| w.bsky_actor(&a)) {
            Some(i) => {
                let limit = one("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
                let cursor = one("cursor").and_then(|c| c.parse().ok());
                (200, author_feed(w, i, limit, cursor))
            }
            None => not_found("Profile"),
        },
        "app.bsky.feed.getPostThread" => match one("uri").and_then(|u| thread(w, &u)) {
            Some(v) => (200, v),
            None => (
                400,
                json!({"error": "NotFound", "message": "Post not found"}),
            ),
        },
        "app.bsky.feed.getPosts" => (200, posts(w, &all("uris"))),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let mut w = World::new(
            5,
            40,
            vec!["http://a".into(), "http://b".into()],
            World::today(),
        );
        w.bluesky_host = Some(1);
        w
    }

    #[test]
    fn actors_round_trip_and_only_on_the_appview_host() {
        let w = world();
        let i = (0..40).find(|&i| w.is_bluesky(i)).unwrap();
        let m = (0..40).find(|&i| !w.is_bluesky(i)).unwrap();
        assert_eq!(w.bsky_actor(&w.bsky_handle(i)), Some(i));
        assert_eq!(w.bsky_actor(&w.bsky_did(i)), Some(i));
        assert_eq!(w.bsky_actor(&w.bsky_handle(m)), None);
        assert!(
            w.api_profile_url(i)
                .starts_with("https://bsky.app/profile/")
        );
        assert!(w.api_profile_url(m).starts_with("http://a/@"));
    }

    #[test]
    fn batch_answers_leave_unknowns_out() {
        let w = world();
        let i = (0..40).find(|&i| w.is_bluesky(i)).unwrap();
        let uris = vec![
            w.bsky_post_uri(i, 0),
            "at://did:plc:nobody/app.bsky.feed.post/3l00000000000".to_string(),
        ];
        let v = posts(&w, &uris);
        assert_eq!(v["posts"].as_array().unwrap().len(), 1);
        let c = w.creator(i);
        assert_eq!(v["posts"][0]["replyCount"], w.post(&c, 0).comments.len());
        let v = profiles(&w, &[w.bsky_handle(i), "x.bsky.social".into()]);
        assert_eq!(v["profiles"].as_array().unwrap().len(), 1);
        let (status, _) = xrpc(&w, "app.bsky.actor.getProfile", "actor=x.bsky.social").unwrap();
        assert_eq!(status, 400);
    }
}
