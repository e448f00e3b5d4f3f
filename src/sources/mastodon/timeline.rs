//! Pure parsing of what hangs off a Mastodon account's posts: reply threads (Context),
//! tag timelines, and the `Link` header that paginates both.

use serde_json::Value;

use super::parse::{MAX_PAGE_ITEMS, author, full_handle, http_url, id_of, opts_out, s, time};
use crate::model::Comment;
use crate::sources::html_text;
use crate::sources::lenient_json::count;

/// Replies kept per thread: a viral thread (hundreds of kilobytes) must not swamp one
/// creator's record.
pub const MAX_COMMENTS_PER_THREAD: usize = 300;

/// Replies to one post, from `/api/v1/statuses/:id/context`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    pub comments: Vec<Comment>,
    /// Reply authors other than the creator, for discovery.
    pub authors: Vec<String>,
    /// Reply authors whose account object opts out of indexing.
    pub opted_out: Vec<String>,
}

/// Parse a Context: `descendants` become comments on `post_id`; a reply by `creator_id` (or by
/// the account at `creator_url`) is a creator reply.
pub fn parse_context(
    v: &Value,
    post_id: &str,
    creator_id: &str,
    creator_url: &str,
) -> Result<Thread, String> {
    if !v.is_object() {
        return Err("context is not a JSON object".into());
    }
    let mut thread = Thread::default();
    let Some(desc) = v.get("descendants") else {
        return Ok(thread);
    };
    let desc = desc
        .as_array()
        .ok_or("context descendants is not an array")?;
    for d in desc.iter().take(MAX_COMMENTS_PER_THREAD) {
        let Some(id) = id_of(d) else { continue };
        let account = d.get("account").cloned().unwrap_or(Value::Null);
        let (author_id, author_url) = author(d);
        let by_creator =
            author_id.as_deref() == Some(creator_id) || author_url.as_deref() == Some(creator_url);
        let parent_id = match d.get("in_reply_to_id") {
            Some(Value::String(p)) if p != post_id => Some(p.clone()),
            Some(Value::Number(n)) if n.to_string() != post_id => Some(n.to_string()),
            _ => None,
        };
        let content = html_text::to_text(s(d, "content").unwrap_or_default());
        let spoiler = s(d, "spoiler_text").unwrap_or_default().trim();
        let text = if spoiler.is_empty() {
            content
        } else {
            format!("{spoiler}\n{content}")
        };
        if !by_creator && let Some(u) = &author_url {
            let list = if opts_out(&account) {
                &mut thread.opted_out
            } else {
                &mut thread.authors
            };
            if !list.contains(u) {
                list.push(u.clone());
            }
        }
        thread.comments.push(Comment {
            id,
            parent_id,
            author_handle: author_url
                .as_deref()
                .map(|u| full_handle(&account, u))
                .unwrap_or_default(),
            author_url,
            text,
            published_at: time(d, "created_at"),
            likes: d.get("favourites_count").and_then(count),
            by_creator,
            lang_hint: s(d, "language")
                .map(|l| l.trim().to_lowercase())
                .filter(|l| !l.is_empty()),
        });
    }
    Ok(thread)
}

/// Authors found on a tag timeline (`/api/v1/timelines/tag/:tag`), boosted authors included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagAuthors {
    pub discovered: Vec<String>,
    pub opted_out: Vec<String>,
}

pub fn parse_tag_timeline(v: &Value) -> Result<TagAuthors, String> {
    let arr = v.as_array().ok_or("tag timeline is not a JSON array")?;
    let mut out = TagAuthors::default();
    let mut add = |status: &Value| {
        let Some(account) = status.get("account") else {
            return;
        };
        let Some(url) = http_url(s(account, "url")) else {
            return;
        };
        let list = if opts_out(account) {
            &mut out.opted_out
        } else {
            &mut out.discovered
        };
        if !list.contains(&url) {
            list.push(url);
        }
    };
    for status in arr.iter().take(MAX_PAGE_ITEMS) {
        add(status);
        if let Some(original) = status.get("reblog").filter(|r| r.is_object()) {
            add(original);
        }
    }
    Ok(out)
}

/// The `rel="next"` URL of a `Link` header (RFC 8288), as Mastodon paginates.
pub fn next_link(header: &str) -> Option<String> {
    // Entries are `<url>; param; param`, separated by commas; URLs are in angle brackets so a
    // comma inside one cannot split an entry if we scan bracket by bracket.
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            let Some((k, val)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && val
                    .trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_string());
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn context_parents_and_creator_replies() {
        let v = json!({"ancestors": [], "descendants": [
            {"id": "11", "in_reply_to_id": "10", "account": {"id": "5", "acct": "ben@b.example", "url": "https://b.example/@ben"}, "content": "<p>Which SPF?</p>"},
            {"id": "12", "in_reply_to_id": "11", "account": {"id": "42", "acct": "anna", "url": "https://a.example/@anna"}, "content": "<p>SPF 30, mineral</p>"},
            {"id": "13", "in_reply_to_id": "10", "account": {"id": "6", "acct": "c", "url": "https://a.example/@c", "noindex": true}, "content": "nice"}
        ]});
        let t = parse_context(&v, "10", "42", "https://a.example/@anna").unwrap();
        assert_eq!(t.comments.len(), 3);
        assert_eq!(t.comments[0].parent_id, None);
        assert_eq!(t.comments[1].parent_id.as_deref(), Some("11"));
        assert!(t.comments[1].by_creator && !t.comments[0].by_creator);
        assert_eq!(t.comments[2].author_handle, "c@a.example");
        assert_eq!(t.authors, vec!["https://b.example/@ben"]);
        assert_eq!(t.opted_out, vec!["https://a.example/@c"]);
        let empty = parse_context(&json!({"ancestors": [], "descendants": []}), "1", "2", "");
        assert_eq!(empty.unwrap().comments.len(), 0);
        assert!(parse_context(&json!([]), "1", "2", "").is_err());
    }

    #[test]
    fn link_header_next() {
        let h = r#"<https://h.example/api/v1/accounts/1/statuses?limit=5&max_id=9>; rel="next", <https://h.example/api/v1/accounts/1/statuses?limit=5&min_id=20>; rel="prev""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://h.example/api/v1/accounts/1/statuses?limit=5&max_id=9")
        );
        let prev_only = r#"<https://h.example/x?min_id=1&pinned=1>; rel="prev""#;
        assert_eq!(next_link(prev_only), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("<broken"), None);
        assert_eq!(next_link("<a>; rel=next"), Some("a".into()));
    }
}
