//! Pure parsing of YouTube Data API v3 answers (`channels.list`, `playlistItems.list`,
//! `videos.list`, `commentThreads.list` and error objects) into the shared model. No I/O here.
//!
//! The API sends counts as JSON strings (`"subscriberCount": "2290000"`) and comment counts as
//! integers; [`count`] reads both. A missing or mistyped field costs that field only.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::model::{Comment, Platform, Post, RawProfile};
use crate::sources::bluesky::parse::urls_in_text;
use crate::sources::feed::parse::{hashtags_in_text, youtube_channel_url};
use crate::sources::html_text;
use crate::sources::lenient_json::count;

/// Items read from one list answer (the API returns at most 50, or 100 for comment threads).
const MAX_ITEMS: usize = 100;
/// Tags kept per video.
const MAX_TAGS: usize = 64;

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
}

fn n(v: &Value, path: &[&str]) -> Option<u64> {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(count)
}

fn time(v: &Value, path: &[&str]) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s(v, path)?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(MAX_ITEMS)
}

/// `nextPageToken`, when the list goes on.
pub fn next_page_token(v: &Value) -> Option<String> {
    s(v, &["nextPageToken"])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A channel as `channels.list?part=snippet,statistics,contentDetails` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The profile without posts (platform `youtube`, canonical channel URL).
    pub profile: RawProfile,
    /// The uploads playlist (`contentDetails.relatedPlaylists.uploads`).
    pub uploads: Option<String>,
}

/// The first channel of a `channels.list` answer; `Ok(None)` when `items` is empty or absent,
/// which is how the API answers for a deleted, terminated or unknown channel.
pub fn parse_channel(v: &Value) -> Result<Option<Channel>, String> {
    if !v.is_object() {
        return Err("channels.list answer is not a JSON object".into());
    }
    let Some(item) = items(v).next() else {
        return Ok(None);
    };
    let id = s(item, &["id"])
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or("channel without an id")?;
    let snippet = item.get("snippet").unwrap_or(&Value::Null);
    let title = s(snippet, &["title"])
        .unwrap_or_default()
        .trim()
        .to_string();
    let description = plain(s(snippet, &["description"]));
    // A hidden count is published as a number anyway (often 0): never take it as followers.
    let hidden = item
        .pointer("/statistics/hiddenSubscriberCount")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let followers = if hidden {
        None
    } else {
        n(item, &["statistics", "subscriberCount"])
    };
    let handle = s(snippet, &["customUrl"])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| title.clone());
    let mut fields = Vec::new();
    if let Some(views) = n(item, &["statistics", "viewCount"]) {
        fields.push(("views".to_string(), views.to_string()));
    }
    let profile = RawProfile {
        profile_url: youtube_channel_url(id),
        platform: Some(Platform::Youtube),
        handle,
        display_name: title,
        bio: description.text,
        followers,
        posts_count: n(item, &["statistics", "videoCount"]),
        location: s(snippet, &["country"])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        fields,
        links: description.links,
        lang_hint: s(snippet, &["defaultLanguage"]).map(lang),
        ..Default::default()
    };
    let uploads = s(item, &["contentDetails", "relatedPlaylists", "uploads"])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    Ok(Some(Channel { profile, uploads }))
}

/// Descriptions are plain text (not HTML): kept as written, with the URLs they contain.
fn plain(text: Option<&str>) -> html_text::HtmlText {
    let text = text.unwrap_or_default().trim();
    html_text::HtmlText {
        text: text.to_string(),
        links: urls_in_text(text),
        mentions: Vec::new(),
    }
}

/// `en-US` → `en`: the model keeps ISO 639-1 hints.
fn lang(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Video ids of a `playlistItems.list` page, in playlist order (newest upload first).
pub fn playlist_video_ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for item in items(v) {
        let id = s(item, &["contentDetails", "videoId"])
            .or_else(|| s(item, &["snippet", "resourceId", "videoId"]))
            .map(str::trim)
            .filter(|id| !id.is_empty());
        if let Some(id) = id
            && !ids.iter().any(|x| x == id)
        {
            ids.push(id.to_string());
        }
    }
    ids
}

/// Videos of a `videos.list?part=snippet,statistics` answer, as posts.
pub fn parse_videos(v: &Value) -> Vec<Post> {
    items(v).filter_map(parse_video).collect()
}

/// A video's text: its title, then its description, one per line.
pub(crate) fn title_and_body(title: &str, body: &str) -> String {
    match (title.is_empty(), body.is_empty()) {
        (false, false) => format!("{title}\n{body}"),
        (false, true) => title.to_string(),
        _ => body.to_string(),
    }
}

/// `#tags` written in the text, then the video's `tags` array (lower-case, no `#`, no
/// duplicates, at most [`MAX_TAGS`]). Shared with PeerTube, whose videos carry tags alike.
pub(crate) fn video_hashtags(text: &str, tags: Option<&Value>) -> Vec<String> {
    let mut hashtags = hashtags_in_text(text);
    let listed = tags.and_then(Value::as_array).into_iter().flatten();
    for t in listed.filter_map(Value::as_str) {
        let t = t.trim().trim_start_matches('#').to_lowercase();
        if hashtags.len() < MAX_TAGS && !t.is_empty() && !hashtags.contains(&t) {
            hashtags.push(t);
        }
    }
    hashtags
}

fn parse_video(item: &Value) -> Option<Post> {
    let id = s(item, &["id"]).map(str::trim).filter(|i| !i.is_empty())?;
    let snippet = item.get("snippet").unwrap_or(&Value::Null);
    let title = s(snippet, &["title"]).unwrap_or_default().trim();
    let description = plain(s(snippet, &["description"]));
    let text = title_and_body(title, &description.text);
    let hashtags = video_hashtags(&text, snippet.get("tags"));
    let lang_hint = s(snippet, &["defaultAudioLanguage"])
        .or_else(|| s(snippet, &["defaultLanguage"]))
        .map(lang);
    Some(Post {
        id: id.to_string(),
        url: format!("https://www.youtube.com/watch?v={id}"),
        text,
        published_at: time(snippet, &["publishedAt"]),
        likes: n(item, &["statistics", "likeCount"]),
        comments_count: n(item, &["statistics", "commentCount"]),
        views: n(item, &["statistics", "viewCount"]),
        hashtags,
        links: description.links,
        lang_hint,
        // `paidProductPlacementDetails` needs OAuth; the public API cannot say.
        ..Default::default()
    })
}

/// Comments of a `commentThreads.list?part=snippet,replies` page: each thread's top-level
/// comment, then the replies the answer embeds (a few at most; a thread may count replies it
/// does not include). `channel_id` recognises the creator's own comments.
pub fn parse_comment_threads(v: &Value, channel_id: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    for thread in items(v) {
        let Some(top) = thread.pointer("/snippet/topLevelComment") else {
            continue;
        };
        if let Some(c) = parse_comment(top, None, channel_id) {
            let parent = c.id.clone();
            out.push(c);
            for r in thread
                .pointer("/replies/comments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .take(MAX_ITEMS)
            {
                out.extend(parse_comment(r, Some(&parent), channel_id));
            }
        }
    }
    out
}

fn parse_comment(c: &Value, thread: Option<&str>, channel_id: &str) -> Option<Comment> {
    let id = s(c, &["id"]).map(str::trim).filter(|i| !i.is_empty())?;
    let sn = c.get("snippet")?;
    // `textOriginal` is the plain text; `textDisplay` is HTML (links, <br />).
    let text = match s(sn, &["textOriginal"]) {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => html_text::to_text(s(sn, &["textDisplay"]).unwrap_or_default()),
    };
    if text.is_empty() {
        return None;
    }
    let author = s(sn, &["authorChannelId", "value"]).map(str::trim);
    Some(Comment {
        id: id.to_string(),
        parent_id: s(sn, &["parentId"])
            .map(str::to_string)
            .or(thread.map(str::to_string)),
        author_url: author.filter(|a| !a.is_empty()).map(youtube_channel_url),
        author_handle: s(sn, &["authorDisplayName"])
            .unwrap_or_default()
            .trim()
            .to_string(),
        text,
        published_at: time(sn, &["publishedAt"]),
        likes: n(sn, &["likeCount"]),
        by_creator: author == Some(channel_id),
        lang_hint: None,
    })
}

/// The machine-readable cause of an API error answer: `error.errors[0].reason`
/// (`quotaExceeded`, `keyInvalid`, `commentsDisabled`...), else the `google.rpc.ErrorInfo`
/// reason, else `error.status`.
pub fn error_reason(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    let first = e
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|x| s(x, &["reason"]));
    let info = || {
        e.get("details")
            .and_then(Value::as_array)?
            .iter()
            .find_map(|d| s(d, &["reason"]))
    };
    first
        .or_else(info)
        .or_else(|| s(e, &["status"]))
        .map(str::to_string)
}

/// What an error answer means for the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// The day's quota is spent: no more calls with this key today.
    QuotaSpent,
    /// The key is refused (invalid, expired, restricted, API not enabled): no more calls
    /// with it in this run.
    KeyRejected,
    /// The video's comments are turned off: the video stays, without comments.
    CommentsDisabled,
    /// The channel, playlist or video does not exist (any more).
    NotFound,
    /// Anything else (rate limit, server error): this call failed, the next may not.
    Other,
}

/// Classify an error answer from its status and reason.
pub fn classify_error(status: u16, reason: Option<&str>) -> ApiError {
    match reason.unwrap_or_default() {
        "quotaExceeded" | "dailyLimitExceeded" | "dailyLimitExceededUnreg" => ApiError::QuotaSpent,
        "keyInvalid"
        | "keyExpired"
        | "accessNotConfigured"
        | "ipRefererBlocked"
        | "forbidden"
        | "API_KEY_INVALID"
        | "SERVICE_DISABLED" => ApiError::KeyRejected,
        "commentsDisabled" => ApiError::CommentsDisabled,
        "channelNotFound" | "playlistNotFound" | "videoNotFound" => ApiError::NotFound,
        _ if status == 404 => ApiError::NotFound,
        _ if status == 400 && reason.is_none() => ApiError::KeyRejected,
        _ => ApiError::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hidden_subscriber_count_is_unknown_not_zero() {
        let v = json!({"items": [{"id": "UCx", "snippet": {"title": "T"},
            "statistics": {"subscriberCount": "0", "hiddenSubscriberCount": true}}]});
        let c = parse_channel(&v).unwrap().unwrap();
        assert_eq!(c.profile.followers, None);
        assert_eq!(c.profile.handle, "T");
        assert_eq!(c.uploads, None);
    }

    #[test]
    fn empty_items_is_no_channel() {
        assert_eq!(parse_channel(&json!({"items": []})).unwrap(), None);
        assert_eq!(parse_channel(&json!({"kind": "x"})).unwrap(), None);
        assert!(parse_channel(&json!([])).is_err());
    }

    #[test]
    fn replies_keep_their_thread_and_creator_is_recognised() {
        let v = json!({"items": [{"snippet": {"topLevelComment": {"id": "t1", "snippet": {
            "textOriginal": "love it", "authorChannelId": {"value": "UCfan"}, "likeCount": 2}}},
            "replies": {"comments": [{"id": "t1.a", "snippet": {"textOriginal": "thanks!",
            "authorChannelId": {"value": "UCme"}, "parentId": "t1"}}]}}]});
        let cs = parse_comment_threads(&v, "UCme");
        assert_eq!(cs.len(), 2);
        assert!(!cs[0].by_creator && cs[0].parent_id.is_none() && cs[0].likes == Some(2));
        assert!(cs[1].by_creator);
        assert_eq!(cs[1].parent_id.as_deref(), Some("t1"));
        assert_eq!(
            cs[0].author_url.as_deref(),
            Some("https://www.youtube.com/channel/UCfan")
        );
    }

    #[test]
    fn errors_are_classified_by_reason() {
        let quota = json!({"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}});
        let r = error_reason(&quota);
        assert_eq!(classify_error(403, r.as_deref()), ApiError::QuotaSpent);
        assert_eq!(
            classify_error(403, Some("commentsDisabled")),
            ApiError::CommentsDisabled
        );
        assert_eq!(
            classify_error(400, Some("keyInvalid")),
            ApiError::KeyRejected
        );
        assert_eq!(
            classify_error(403, Some("rateLimitExceeded")),
            ApiError::Other
        );
        assert_eq!(classify_error(404, None), ApiError::NotFound);
    }

    #[test]
    fn video_text_tags_and_language() {
        let v = json!({"items": [{"id": "v1", "snippet": {"title": "Serum review",
            "description": "My #veganskincare pick https://shop.example/x", "tags": ["Skincare"],
            "defaultAudioLanguage": "en-GB", "publishedAt": "2024-01-02T03:04:05Z"},
            "statistics": {"viewCount": "1200", "likeCount": "80", "commentCount": "9"}}]});
        let p = &parse_videos(&v)[0];
        assert_eq!(p.url, "https://www.youtube.com/watch?v=v1");
        assert_eq!(p.hashtags, vec!["veganskincare", "skincare"]);
        assert_eq!(
            (p.views, p.likes, p.comments_count),
            (Some(1200), Some(80), Some(9))
        );
        assert_eq!(p.lang_hint.as_deref(), Some("en"));
        assert_eq!(p.links, vec!["https://shop.example/x"]);
    }
}
