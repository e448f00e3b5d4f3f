//! Pure parsing of PeerTube REST API answers (accounts, video channels, video lists, videos,
//! comment threads and thread trees) into the shared model. No I/O here.
//!
//! Lists are `{"total": N, "data": [...]}`; counts are JSON integers. Deleted comments stay in
//! lists as tombstones (`isDeleted`, empty `text`, `account: null`) and are skipped.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::model::{Comment, Platform, Post, RawProfile};
use crate::sources::bluesky::parse::urls_in_text;
use crate::sources::html_text;
use crate::sources::lenient_json::count;
use crate::sources::youtube_api::parse::{title_and_body, video_hashtags};

/// Entries read from one list answer (instances cap `count` at 100).
const MAX_ITEMS: usize = 100;
/// The hashtag a video flagged `nsfw: true` carries, so that the brand-safety lexicon's
/// `adult` category (which lists "nsfw") flags the creator with this video as evidence.
pub const NSFW_TAG: &str = "nsfw";
/// `privacy.id` of a public video (2 unlisted, 3 private, 4 internal, 5 password).
const PUBLIC: u64 = 1;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s(v, key)?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `name@host`, how PeerTube (and the fediverse) name an actor across instances.
pub fn actor_handle(v: &Value) -> Option<String> {
    let name = s(v, "name")?.trim();
    let host = s(v, "host")?.trim();
    (!name.is_empty() && !host.is_empty()).then(|| format!("{name}@{host}"))
}

/// An account or channel: who the creator is and whose comments are the creator's own.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// The profile without posts; the canonical URL is the actor's `url`.
    pub profile: RawProfile,
    /// `name@host` of the account that owns the videos (the channel's `ownerAccount`).
    pub owner: String,
}

/// Does `v` look like a PeerTube account or channel? (`url`, `name`, `host` and a numeric
/// `followersCount`.) Used to tell a PeerTube instance from any site with `/c/NAME` paths.
pub fn is_actor(v: &Value) -> bool {
    s(v, "url").is_some()
        && s(v, "name").is_some()
        && s(v, "host").is_some()
        && v.get("followersCount").is_some_and(Value::is_number)
}

/// An account (`/api/v1/accounts/NAME`) or a channel (`/api/v1/video-channels/NAME`).
pub fn parse_actor(v: &Value) -> Result<Actor, String> {
    if !is_actor(v) {
        return Err(
            "not a PeerTube account or channel (no url, name, host, followersCount)".into(),
        );
    }
    let url = s(v, "url").unwrap_or_default().trim().to_string();
    url::Url::parse(&url).map_err(|e| format!("actor url {url:?}: {e}"))?;
    let handle = actor_handle(v).ok_or("actor without name or host")?;
    let owner = v
        .get("ownerAccount")
        .and_then(actor_handle)
        .unwrap_or_else(|| handle.clone());
    // Descriptions and `support` are Markdown: plain enough to read as text.
    let description = s(v, "description").unwrap_or_default().trim();
    let support = s(v, "support").unwrap_or_default().trim();
    let mut links = urls_in_text(description);
    for l in urls_in_text(support)
        .into_iter()
        .chain(markdown_links(support))
    {
        if !links.contains(&l) {
            links.push(l);
        }
    }
    let mut fields = Vec::new();
    if !support.is_empty() {
        fields.push(("support".to_string(), support.to_string()));
    }
    if let Some(o) = v.get("ownerAccount").and_then(|o| s(o, "url")) {
        fields.push(("owner".to_string(), o.to_string()));
    }
    let display = s(v, "displayName").unwrap_or_default().trim();
    let profile = RawProfile {
        profile_url: url,
        platform: Some(Platform::Peertube),
        display_name: if display.is_empty() {
            handle.clone()
        } else {
            display.to_string()
        },
        handle,
        bio: description.to_string(),
        followers: v.get("followersCount").and_then(count),
        following: v.get("followingCount").and_then(count),
        fields,
        links,
        ..Default::default()
    };
    Ok(Actor { profile, owner })
}

/// `(text)[url]` targets in Markdown (`support` fields link donation pages this way).
fn markdown_links(md: &str) -> Vec<String> {
    md.match_indices("](")
        .filter_map(|(i, _)| {
            let rest = &md[i + 2..];
            let u = &rest[..rest.find(')')?];
            url::Url::parse(u).ok().map(|_| u.to_string())
        })
        .collect()
}

/// A page of a video list: the public videos as posts, and the list's `total`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoPage {
    pub posts: Vec<Post>,
    /// Entries on the page, public or not (an empty page ends the list).
    pub entries: usize,
    pub total: Option<u64>,
    /// Comment-thread ids of each post (`shortUUID`, else `uuid`), by post id.
    pub thread_ids: Vec<(String, String)>,
}

/// `/api/v1/video-channels/NAME/videos` or `/api/v1/accounts/NAME/videos`.
pub fn parse_videos(v: &Value) -> Result<VideoPage, String> {
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or("video list without a `data` array")?;
    let mut page = VideoPage {
        entries: data.len(),
        total: v.get("total").and_then(count),
        ..Default::default()
    };
    for item in data.iter().take(MAX_ITEMS) {
        if let Some((post, thread)) = parse_video(item) {
            page.thread_ids.push((post.id.clone(), thread));
            page.posts.push(post);
        }
    }
    Ok(page)
}

/// One video as a post, with the id its comment threads are addressed by. Videos that are
/// not public (unlisted, private, internal) are not the creator's public record: `None`.
pub fn parse_video(v: &Value) -> Option<(Post, String)> {
    let uuid = s(v, "uuid").map(str::trim).filter(|u| !u.is_empty())?;
    let privacy = v.pointer("/privacy/id").and_then(count).unwrap_or(PUBLIC);
    if privacy != PUBLIC {
        return None;
    }
    let name = s(v, "name").unwrap_or_default().trim();
    // Lists carry `truncatedDescription` (or `description` truncated); the video carries all.
    let description = s(v, "description")
        .or_else(|| s(v, "truncatedDescription"))
        .unwrap_or_default()
        .trim();
    let text = title_and_body(name, description);
    let mut hashtags = video_hashtags(&text, v.get("tags"));
    if v.get("nsfw").and_then(Value::as_bool) == Some(true)
        && !hashtags.iter().any(|h| h == NSFW_TAG)
    {
        hashtags.push(NSFW_TAG.to_string());
    }
    let thread = s(v, "shortUUID")
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .unwrap_or(uuid)
        .to_string();
    let post = Post {
        id: uuid.to_string(),
        url: s(v, "url").unwrap_or_default().trim().to_string(),
        text,
        published_at: time(v, "originallyPublishedAt").or_else(|| time(v, "publishedAt")),
        likes: v.get("likes").and_then(count),
        comments_count: v.get("comments").and_then(count),
        views: v.get("views").and_then(count),
        hashtags,
        links: urls_in_text(description),
        lang_hint: v
            .pointer("/language/id")
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
        ..Default::default()
    };
    Some((post, thread))
}

/// The channel a video (`/api/v1/videos/ID`) belongs to: `name`, or `name@host` when the
/// channel lives on another instance.
pub fn video_channel(v: &Value, instance_host: &str) -> Option<String> {
    let ch = v.get("channel")?;
    let name = s(ch, "name")?.trim();
    let host = s(ch, "host").unwrap_or(instance_host).trim();
    if name.is_empty() {
        return None;
    }
    Some(if host.eq_ignore_ascii_case(instance_host) {
        name.to_string()
    } else {
        format!("{name}@{host}")
    })
}

/// A page of `/api/v1/videos/ID/comment-threads`: the live top-level comments, and the ids
/// of threads that have replies.
pub fn parse_threads(v: &Value, owner: &str) -> Result<(Vec<Comment>, Vec<String>), String> {
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or("comment-thread list without a `data` array")?;
    let mut comments = Vec::new();
    let mut with_replies = Vec::new();
    for c in data.iter().take(MAX_ITEMS) {
        if let Some(comment) = parse_comment(c, owner) {
            if c.get("totalReplies").and_then(count).unwrap_or(0) > 0 {
                with_replies.push(comment.id.clone());
            }
            comments.push(comment);
        }
    }
    Ok((comments, with_replies))
}

/// The replies of a thread tree (`/comment-threads/ID`: `{comment, children: [...]}`),
/// depth first, the root itself left out (it came with the thread list).
pub fn parse_thread_replies(v: &Value, owner: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = children(v).collect();
    stack.reverse();
    while let Some(node) = stack.pop() {
        if out.len() >= MAX_ITEMS {
            break;
        }
        if let Some(c) = node.get("comment").and_then(|c| parse_comment(c, owner)) {
            out.push(c);
        }
        let mut kids: Vec<&Value> = children(node).collect();
        kids.reverse();
        stack.extend(kids);
    }
    out
}

fn children(v: &Value) -> impl Iterator<Item = &Value> {
    v.get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(MAX_ITEMS)
}

fn parse_comment(c: &Value, owner: &str) -> Option<Comment> {
    if c.get("isDeleted").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let id = match c.get("id")? {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => return None,
    };
    // Native comments are plain text; comments federated from Mastodon are HTML.
    let raw = s(c, "text").unwrap_or_default();
    let text = if raw.contains('<') {
        html_text::to_text(raw)
    } else {
        raw.trim().to_string()
    };
    if text.is_empty() {
        return None;
    }
    let account = c.get("account").filter(|a| a.is_object());
    let author = account.and_then(actor_handle);
    Some(Comment {
        id,
        parent_id: c.get("inReplyToCommentId").and_then(|p| match p {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        }),
        author_url: account.and_then(|a| s(a, "url")).map(str::to_string),
        author_handle: author.clone().unwrap_or_default(),
        text,
        published_at: time(c, "createdAt"),
        likes: None,
        by_creator: author
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(owner)),
        lang_hint: None,
    })
}

/// Does `/api/v1/config` answer like a PeerTube instance? (`instance` and `serverVersion`.)
pub fn is_instance_config(v: &Value) -> bool {
    v.get("instance").is_some_and(Value::is_object) && v.get("serverVersion").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nsfw_and_private_videos() {
        let v = json!({"uuid": "u1", "shortUUID": "s1", "name": "Night club vlog", "nsfw": true,
            "privacy": {"id": 1}, "views": 10, "likes": 2, "comments": 1});
        let (p, thread) = parse_video(&v).unwrap();
        assert!(p.hashtags.contains(&NSFW_TAG.to_string()));
        assert_eq!(thread, "s1");
        assert_eq!(
            (p.views, p.likes, p.comments_count),
            (Some(10), Some(2), Some(1))
        );
        let private = json!({"uuid": "u2", "name": "x", "privacy": {"id": 3}});
        assert!(parse_video(&private).is_none());
    }

    #[test]
    fn creator_replies_and_tombstones() {
        let tree = json!({"comment": {"id": 1, "text": "q?", "account": {"name": "fan", "host": "a.example"}},
            "children": [{"comment": {"id": 2, "text": "<p>thanks!</p>", "inReplyToCommentId": 1,
                "account": {"name": "me", "host": "b.example", "url": "https://b.example/accounts/me"}},
                "children": [{"comment": {"id": 3, "isDeleted": true, "text": "", "account": null}, "children": []}]}]});
        let r = parse_thread_replies(&tree, "me@b.example");
        assert_eq!(r.len(), 1);
        assert!(r[0].by_creator);
        assert_eq!(r[0].text, "thanks!");
        assert_eq!(r[0].parent_id.as_deref(), Some("1"));
    }

    #[test]
    fn a_web_page_json_is_not_an_actor() {
        assert!(parse_actor(&json!({"name": "x", "url": "https://e.example/"})).is_err());
        let ch = json!({"url": "https://v.example/video-channels/c", "name": "c", "host": "v.example",
            "followersCount": 5, "displayName": "", "ownerAccount": {"name": "o", "host": "v.example"},
            "support": "Support us [by a donation](https://don.example)"});
        let a = parse_actor(&ch).unwrap();
        assert_eq!(a.owner, "o@v.example");
        assert_eq!(a.profile.handle, "c@v.example");
        assert_eq!(a.profile.followers, Some(5));
        assert_eq!(a.profile.links, vec!["https://don.example"]);
    }
}
