//! Pure parsing of Bluesky AppView responses (`app.bsky.actor.getProfile`,
//! `app.bsky.feed.getAuthorFeed`, `app.bsky.feed.getPostThread`) into the shared model.
//!
//! Field by field, as the lexicons define them (`app.bsky.actor.defs#profileViewDetailed`,
//! `app.bsky.feed.defs#feedViewPost`, `#threadViewPost`); anything missing or mistyped costs
//! that field only. Facet offsets are UTF-8 byte offsets into `record.text`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::model::{Comment, Platform, Post, RawProfile};
use crate::sources::lenient_json::count;

/// The self-label by which an account asks logged-out viewers (and so crawlers) to stay away.
pub const NO_UNAUTHENTICATED: &str = "!no-unauthenticated";

const REASON_REPOST: &str = "app.bsky.feed.defs#reasonRepost";
const FACET_MENTION: &str = "app.bsky.richtext.facet#mention";
const FACET_LINK: &str = "app.bsky.richtext.facet#link";
const FACET_TAG: &str = "app.bsky.richtext.facet#tag";
/// Replies kept per thread; a viral thread must not swamp one creator's record.
pub const MAX_COMMENTS_PER_THREAD: usize = 300;
/// Facets per post and items per feed page read; real ones are far below, and the caps keep a
/// hostile document from making de-duplication quadratic.
const MAX_FACETS: usize = 64;
const MAX_PAGE_ITEMS: usize = 200;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// `https://bsky.app/profile/{handle or did}`: the canonical profile URL.
pub fn profile_url(handle_or_did: &str) -> String {
    format!("https://bsky.app/profile/{}", handle_or_did.to_lowercase())
}

/// The name to use in URLs for an author object: its handle, or its DID when the handle is
/// missing or `handle.invalid` (a handle whose DNS/DID check failed).
pub fn author_key(author: &Value) -> Option<String> {
    nonempty(s(author, "handle"))
        .filter(|h| *h != "handle.invalid")
        .map(str::to_lowercase)
        .or_else(|| nonempty(s(author, "did")).map(str::to_string))
}

/// Does this profile or author object carry the `!no-unauthenticated` label?
pub fn opts_out(author: &Value) -> bool {
    author
        .get("labels")
        .and_then(Value::as_array)
        .is_some_and(|ls| ls.iter().any(|l| s(l, "val") == Some(NO_UNAUTHENTICATED)))
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s(v, key)?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// http(s) URLs written in plain text (a bio), trailing punctuation trimmed.
pub fn urls_in_text(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        if out.len() >= MAX_FACETS {
            break;
        }
        let Some(start) = word.find("http://").or_else(|| word.find("https://")) else {
            continue;
        };
        let u = word[start..].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '"', '\'']);
        if url::Url::parse(u).is_ok() && !out.iter().any(|o| o == u) {
            out.push(u.to_string());
        }
    }
    out
}

/// A profile as `getProfile` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub did: String,
    /// Handle (or DID when no valid handle), lower-case: the canonical URL's last segment.
    pub key: String,
    pub profile: RawProfile,
    pub opts_out: bool,
}

/// Parse `app.bsky.actor.getProfile`. Errors without a DID and handle.
pub fn parse_profile(v: &Value) -> Result<Profile, String> {
    if !v.is_object() {
        return Err("profile is not a JSON object".into());
    }
    let did = nonempty(s(v, "did"))
        .ok_or("profile without a did")?
        .to_string();
    let key = author_key(v).ok_or("profile without a handle")?;
    let bio = s(v, "description").unwrap_or_default().trim().to_string();
    let opts_out = opts_out(v);
    let profile = RawProfile {
        profile_url: profile_url(&key),
        platform: Some(Platform::Bluesky),
        handle: key.clone(),
        display_name: s(v, "displayName").unwrap_or_default().trim().to_string(),
        links: urls_in_text(&bio),
        bio,
        followers: v.get("followersCount").and_then(count),
        following: v.get("followsCount").and_then(count),
        posts_count: v.get("postsCount").and_then(count),
        opted_out: opts_out,
        ..Default::default()
    };
    Ok(Profile {
        did,
        key,
        profile,
        opts_out,
    })
}

/// `at://DID/app.bsky.feed.post/RKEY` → `(DID, RKEY)`.
pub fn split_at_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    let (did, coll, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    (coll == "app.bsky.feed.post" && !did.is_empty() && !rkey.is_empty() && parts.next().is_none())
        .then_some((did, rkey))
}

/// `https://bsky.app/profile/HANDLE/post/RKEY` for a post view.
pub fn post_url(post_view: &Value) -> Option<String> {
    let (did, rkey) = split_at_uri(s(post_view, "uri")?)?;
    let who = post_view
        .get("author")
        .and_then(author_key)
        .unwrap_or_else(|| did.to_string());
    Some(format!("https://bsky.app/profile/{who}/post/{rkey}"))
}

/// Hashtags, mentions and links from `record.facets` (and an external embed).
fn facets(record: &Value, post: &mut Post) {
    let text = s(record, "text").unwrap_or_default();
    let all = record.get("facets").and_then(Value::as_array);
    for facet in all.into_iter().flatten().take(MAX_FACETS) {
        let index = facet.get("index");
        let span = index.and_then(|i| {
            let start = i.get("byteStart")?.as_u64()? as usize;
            let end = i.get("byteEnd")?.as_u64()? as usize;
            // Offsets that fall inside a character (or past the end) give no text.
            text.get(start..end)
        });
        for feature in facet
            .get("features")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match s(feature, "$type") {
                Some(FACET_MENTION) => {
                    let Some(did) = nonempty(s(feature, "did")) else {
                        continue;
                    };
                    // The handle as written in the post ("@alice.bsky.social"), else the DID.
                    let who = span
                        .and_then(|t| t.trim().strip_prefix('@'))
                        .filter(|h| h.contains('.') && !h.contains(char::is_whitespace))
                        .map(str::to_lowercase)
                        .unwrap_or_else(|| did.to_string());
                    let u = profile_url(&who);
                    if !post.mentions.contains(&u) {
                        post.mentions.push(u);
                    }
                }
                Some(FACET_LINK) => {
                    if let Some(uri) = nonempty(s(feature, "uri"))
                        && !post.links.iter().any(|l| l == uri)
                    {
                        post.links.push(uri.to_string());
                    }
                }
                Some(FACET_TAG) => {
                    if let Some(tag) = nonempty(s(feature, "tag")) {
                        let tag = tag.trim_start_matches('#').to_lowercase();
                        if !tag.is_empty() && !post.hashtags.contains(&tag) {
                            post.hashtags.push(tag);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let external = record
        .get("embed")
        .and_then(|e| e.get("external"))
        .and_then(|x| nonempty(s(x, "uri")));
    if let Some(uri) = external
        && !post.links.iter().any(|l| l == uri)
    {
        post.links.push(uri.to_string());
    }
}

/// A `postView` as a [`Post`] (no comments). `None` without a post `uri`.
pub fn parse_post(pv: &Value) -> Option<Post> {
    let uri = nonempty(s(pv, "uri"))?.to_string();
    let record = pv.get("record").cloned().unwrap_or(Value::Null);
    let shares = match (
        pv.get("repostCount").and_then(count),
        pv.get("quoteCount").and_then(count),
    ) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    };
    let mut post = Post {
        url: post_url(pv).unwrap_or_default(),
        id: uri,
        text: s(&record, "text").unwrap_or_default().to_string(),
        published_at: time(&record, "createdAt").or_else(|| time(pv, "indexedAt")),
        likes: pv.get("likeCount").and_then(count),
        shares,
        comments_count: pv.get("replyCount").and_then(count),
        lang_hint: langs_hint(&record),
        ..Default::default()
    };
    facets(&record, &mut post);
    Some(post)
}

/// The first of a record's `langs`, lower-cased: the language the author's client declared.
fn langs_hint(record: &Value) -> Option<String> {
    record
        .get("langs")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .and_then(Value::as_str)
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
}

/// What a feed item answers: the parent's AT URI (the feed item's `reply.parent` view, else
/// the record's `reply.parent` strong ref) and its author's profile URL (the view's author,
/// else the DID in the URI). `(None, None)` for an original post.
pub fn reply_parent(item: &Value) -> (Option<String>, Option<String>) {
    let view = item.get("reply").and_then(|r| r.get("parent"));
    let record_ref = item.pointer("/post/record/reply/parent");
    let uri = [view, record_ref]
        .into_iter()
        .flatten()
        .find_map(|p| nonempty(s(p, "uri")))
        .map(str::to_string);
    let did = || Some(split_at_uri(uri.as_deref()?)?.0.to_string());
    let author = view.and_then(|p| p.get("author")).and_then(author_key);
    let author = author.or_else(did).map(|k| profile_url(&k));
    (uri, author)
}

/// One page of `getAuthorFeed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedPage {
    /// The creator's own posts (originals and self-thread continuations), in feed order.
    pub posts: Vec<Post>,
    /// The creator's replies to other accounts: conversation, not posts.
    pub conversation: Vec<Post>,
    /// Authors of reposted posts and of posts the creator replied to, for discovery.
    pub discovered: Vec<String>,
    /// Such authors carrying `!no-unauthenticated`.
    pub opted_out: Vec<String>,
    pub cursor: Option<String>,
    /// Items read (reposts included); an empty page ends pagination.
    pub items: usize,
}

/// The DID of the account a feed item's post replies to, if it is a reply: the author of
/// `reply.parent` in the feed item, else the DID in the record's `reply.parent.uri` (a
/// deleted or blocked parent has no author). `Some("")` for a reply whose parent is unknown.
pub fn reply_parent_did(item: &Value) -> Option<String> {
    let from_view = item
        .get("reply")
        .and_then(|r| r.get("parent"))
        .and_then(|p| p.get("author"))
        .and_then(|a| nonempty(s(a, "did")));
    let reply_ref = item
        .get("post")
        .and_then(|p| p.get("record"))
        .and_then(|r| r.get("reply"))
        .filter(|r| r.is_object());
    let from_record = reply_ref
        .and_then(|r| r.get("parent"))
        .and_then(|p| nonempty(s(p, "uri")))
        .and_then(|u| u.strip_prefix("at://"))
        .and_then(|u| u.split('/').next())
        .filter(|d| !d.is_empty());
    match from_view.or(from_record) {
        Some(d) => Some(d.to_string()),
        None if reply_ref.is_some() || item.get("reply").is_some() => Some(String::new()),
        None => None,
    }
}

/// Parse `getAuthorFeed` for the account `creator_did`. Reposts (`reason` =
/// `#reasonRepost`) are attributed to their original author, never counted as the creator's.
/// A reply to another account (by [`reply_parent_did`]) is conversation; a reply to the
/// creator's own post is a thread continuation and stays a post. The request asks for
/// `filter=posts_and_author_threads`, but the default `posts_with_replies` (and older
/// AppViews) send replies, so every item is classified anyway.
pub fn parse_author_feed(v: &Value, creator_did: &str) -> Result<FeedPage, String> {
    let items = v
        .get("feed")
        .and_then(Value::as_array)
        .ok_or("author feed without a `feed` array")?;
    let mut page = FeedPage {
        items: items.len(),
        cursor: nonempty(s(v, "cursor")).map(str::to_string),
        ..Default::default()
    };
    let other = |author: Option<&Value>, page: &mut FeedPage| {
        let Some(author) = author else { return };
        if s(author, "did") == Some(creator_did) {
            return;
        }
        let Some(key) = author_key(author) else {
            return;
        };
        let list = if opts_out(author) {
            &mut page.opted_out
        } else {
            &mut page.discovered
        };
        let u = profile_url(&key);
        if !list.contains(&u) {
            list.push(u);
        }
    };
    for item in items.iter().take(MAX_PAGE_ITEMS) {
        let Some(pv) = item.get("post") else { continue };
        let reason = item.get("reason").and_then(|r| s(r, "$type"));
        let author = pv.get("author");
        if reason == Some(REASON_REPOST) {
            other(author, &mut page);
            continue;
        }
        if author
            .and_then(|a| s(a, "did"))
            .is_some_and(|d| d != creator_did)
        {
            continue;
        }
        let parent_author = item
            .get("reply")
            .and_then(|r| r.get("parent"))
            .and_then(|p| p.get("author"));
        other(parent_author, &mut page);
        let to_other = reply_parent_did(item).is_some_and(|d| d != creator_did);
        let list = if to_other {
            &mut page.conversation
        } else {
            &mut page.posts
        };
        if let Some(mut post) = parse_post(pv)
            && !list.iter().any(|p| p.id == post.id)
        {
            (post.in_reply_to, post.in_reply_to_author) = reply_parent(item);
            list.push(post);
        }
    }
    Ok(page)
}

/// Replies of one thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    pub comments: Vec<Comment>,
    /// Reply authors other than the creator.
    pub authors: Vec<String>,
    pub opted_out: Vec<String>,
}

/// Parse `getPostThread`: every reply below the root, depth first, as a comment; `parent_id`
/// is the AT URI of the reply it answers (`None` for replies to the post itself).
pub fn parse_thread(v: &Value, creator_did: &str) -> Result<Thread, String> {
    let root = v
        .get("thread")
        .filter(|t| t.is_object())
        .ok_or("post thread without a `thread` object")?;
    let mut thread = Thread::default();
    // An explicit stack instead of recursion: the depth is whatever the server sends.
    let root_uri = root
        .get("post")
        .and_then(|p| s(p, "uri"))
        .map(str::to_string);
    let mut stack: Vec<(&Value, Option<String>)> = root
        .get("replies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .rev()
        .map(|r| (r, None))
        .collect();
    while let Some((node, parent_id)) = stack.pop() {
        if thread.comments.len() >= MAX_COMMENTS_PER_THREAD {
            break;
        }
        // `#notFoundPost` and `#blockedPost` have no `post`; skip them and what hangs below.
        let Some(pv) = node.get("post") else { continue };
        let Some(uri) = nonempty(s(pv, "uri")).map(str::to_string) else {
            continue;
        };
        if Some(&uri) == root_uri.as_ref() {
            continue;
        }
        let author = pv.get("author").cloned().unwrap_or(Value::Null);
        let by_creator = s(&author, "did") == Some(creator_did);
        let key = author_key(&author);
        if let (false, Some(k)) = (by_creator, &key) {
            let u = profile_url(k);
            let list = if opts_out(&author) {
                &mut thread.opted_out
            } else {
                &mut thread.authors
            };
            if !list.contains(&u) {
                list.push(u);
            }
        }
        let record = pv.get("record").cloned().unwrap_or(Value::Null);
        thread.comments.push(Comment {
            id: uri.clone(),
            parent_id,
            author_url: key.as_deref().map(profile_url),
            author_handle: key.unwrap_or_default(),
            text: s(&record, "text").unwrap_or_default().to_string(),
            published_at: time(&record, "createdAt"),
            likes: pv.get("likeCount").and_then(count),
            by_creator,
            lang_hint: langs_hint(&record),
        });
        if let Some(children) = node.get("replies").and_then(Value::as_array) {
            for c in children.iter().rev() {
                stack.push((c, Some(uri.clone())));
            }
        }
    }
    Ok(thread)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profile_and_self_label() {
        let v = json!({"did": "did:plc:abc", "handle": "Lena.Example.Social", "displayName": " Lena ",
            "description": "Trail running 🏃 https://lena.example/blog.", "followersCount": 120,
            "followsCount": "3", "postsCount": null, "labels": []});
        let p = parse_profile(&v).unwrap();
        assert_eq!(
            p.profile.profile_url,
            "https://bsky.app/profile/lena.example.social"
        );
        assert_eq!(p.profile.display_name, "Lena");
        assert_eq!(p.profile.following, Some(3));
        assert_eq!(p.profile.posts_count, None);
        assert_eq!(p.profile.links, vec!["https://lena.example/blog"]);
        assert!(!p.opts_out);
        let mut w = v.clone();
        w["labels"] = json!([{"src": "did:plc:abc", "uri": "at://did:plc:abc/app.bsky.actor.profile/self", "val": "!no-unauthenticated"}]);
        assert!(parse_profile(&w).unwrap().opts_out);
        let mut w = v.clone();
        w["handle"] = json!("handle.invalid");
        assert_eq!(parse_profile(&w).unwrap().key, "did:plc:abc");
        assert!(parse_profile(&json!({"handle": "x.y"})).is_err());
    }

    #[test]
    fn facets_use_byte_offsets() {
        // "🌱 " is 5 bytes: the mention starts at byte 5.
        let text = "🌱 @ana.bsky.social loves #Houseplants https://x.example";
        let at = text.find('@').unwrap();
        let tag = text.find('#').unwrap();
        let pv = json!({"uri": "at://did:plc:me/app.bsky.feed.post/3k1", "author": {"did": "did:plc:me", "handle": "me.example"},
            "record": {"text": text, "createdAt": "2024-05-01T10:00:00Z", "langs": ["EN"], "facets": [
                {"index": {"byteStart": at, "byteEnd": at + 16}, "features": [{"$type": FACET_MENTION, "did": "did:plc:ana"}]},
                {"index": {"byteStart": 1, "byteEnd": 3}, "features": [{"$type": FACET_MENTION, "did": "did:plc:bad"}]},
                {"index": {"byteStart": tag, "byteEnd": tag + 12}, "features": [{"$type": FACET_TAG, "tag": "Houseplants"}]},
                {"index": {"byteStart": 0, "byteEnd": 1}, "features": [{"$type": FACET_LINK, "uri": "https://x.example"}]}
            ]},
            "likeCount": 4, "repostCount": 1, "quoteCount": 2, "replyCount": 0});
        let p = parse_post(&pv).unwrap();
        assert_eq!(p.url, "https://bsky.app/profile/me.example/post/3k1");
        assert_eq!(
            p.mentions,
            vec![
                "https://bsky.app/profile/ana.bsky.social",
                "https://bsky.app/profile/did:plc:bad"
            ]
        );
        assert_eq!(p.hashtags, vec!["houseplants"]);
        assert_eq!(p.links, vec!["https://x.example"]);
        assert_eq!(p.shares, Some(3));
        assert_eq!(p.lang_hint.as_deref(), Some("en"));
    }

    #[test]
    fn reposts_go_to_their_author() {
        let v = json!({"cursor": "c1", "feed": [
            {"post": {"uri": "at://did:plc:o/app.bsky.feed.post/1", "author": {"did": "did:plc:o", "handle": "orig.example"}, "record": {"text": "x"}},
             "reason": {"$type": REASON_REPOST, "by": {"did": "did:plc:me"}}},
            {"post": {"uri": "at://did:plc:me/app.bsky.feed.post/2", "author": {"did": "did:plc:me", "handle": "me.example"}, "record": {"text": "mine"}},
             "reply": {"parent": {"author": {"did": "did:plc:p", "handle": "asked.example", "labels": [{"val": NO_UNAUTHENTICATED}]}}}},
            {"nopost": true}
        ]});
        let page = parse_author_feed(&v, "did:plc:me").unwrap();
        assert_eq!(page.items, 3);
        assert_eq!(page.posts.len(), 0, "a reply to someone else is no post");
        assert_eq!(page.conversation.len(), 1);
        assert_eq!(
            page.discovered,
            vec!["https://bsky.app/profile/orig.example"]
        );
        assert_eq!(
            page.opted_out,
            vec!["https://bsky.app/profile/asked.example"]
        );
        assert_eq!(page.cursor.as_deref(), Some("c1"));
        assert!(parse_author_feed(&json!({}), "x").is_err());
    }

    #[test]
    fn replies_to_others_are_conversation_self_threads_are_posts() {
        let me = json!({"did": "did:plc:me", "handle": "me.example"});
        let post = |rkey: &str, reply: Value| {
            let mut record = json!({"text": rkey});
            if !reply.is_null() {
                record["reply"] = reply;
            }
            json!({"uri": format!("at://did:plc:me/app.bsky.feed.post/{rkey}"), "author": me, "record": record})
        };
        let parent = |did: &str| json!({"root": {"uri": format!("at://{did}/app.bsky.feed.post/r")}, "parent": {"uri": format!("at://{did}/app.bsky.feed.post/p")}});
        let v = json!({"feed": [
            {"post": post("original", Value::Null)},
            // Self-thread: the feed view names the parent's author.
            {"post": post("continued", parent("did:plc:me")),
             "reply": {"parent": {"author": me}, "root": {"author": me}}},
            // A reply to someone else, known only from the record (no `reply` view).
            {"post": post("answer", parent("did:plc:other"))},
            // The parent was deleted: the view has no author, the record still names it.
            {"post": post("late", parent("did:plc:gone")),
             "reply": {"parent": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:gone/app.bsky.feed.post/p", "notFound": true}}}
        ]});
        let page = parse_author_feed(&v, "did:plc:me").unwrap();
        let ids = |ps: &[Post]| ps.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&page.posts), ["original", "continued"]);
        assert_eq!(ids(&page.conversation), ["answer", "late"]);
        assert_eq!(reply_parent_did(&v["feed"][0]), None);
        assert_eq!(
            reply_parent_did(&json!({"reply": {"parent": {"notFound": true}}})).as_deref(),
            Some(""),
            "a reply to an unknown parent is still a reply"
        );
    }

    #[test]
    fn thread_nesting_and_creator_replies() {
        let pv = |uri: &str, did: &str, h: &str| json!({"uri": uri, "author": {"did": did, "handle": h}, "record": {"text": format!("from {h}")}});
        let v = json!({"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
        "post": pv("at://did:plc:me/app.bsky.feed.post/root", "did:plc:me", "me.example"),
        "replies": [
            {"post": pv("at://did:plc:a/app.bsky.feed.post/r1", "did:plc:a", "a.example"),
             "replies": [{"post": pv("at://did:plc:me/app.bsky.feed.post/r2", "did:plc:me", "me.example")}]},
            {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://x/app.bsky.feed.post/b", "blocked": true}
        ]}});
        let t = parse_thread(&v, "did:plc:me").unwrap();
        assert_eq!(t.comments.len(), 2);
        assert_eq!(t.comments[0].parent_id, None);
        assert_eq!(
            t.comments[1].parent_id.as_deref(),
            Some("at://did:plc:a/app.bsky.feed.post/r1")
        );
        assert!(t.comments[1].by_creator);
        assert_eq!(t.authors, vec!["https://bsky.app/profile/a.example"]);
        assert!(parse_thread(&json!({"error": "NotFound"}), "x").is_err());
    }

    #[test]
    fn at_uris() {
        assert_eq!(
            split_at_uri("at://did:plc:x/app.bsky.feed.post/3k"),
            Some(("did:plc:x", "3k"))
        );
        assert_eq!(split_at_uri("at://did:plc:x/app.bsky.feed.repost/3k"), None);
        assert_eq!(split_at_uri("https://x"), None);
    }
}
