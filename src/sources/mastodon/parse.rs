//! Pure parsing of Mastodon REST API entities (Account, Status, Context, tag timelines, the
//! `Link` pagination header) into the shared model. No I/O here; `super` sequences requests.
//!
//! Every field is read on its own: a missing or mistyped field costs that field, never the
//! record. Only what a record cannot exist without (an account's `id` and `url`, a status's
//! `id`) makes a parser return an error.

use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

use crate::model::{Platform, Post, RawProfile};
use crate::sources::html_text;
use crate::sources::lenient_json::count;

/// An account as `/api/v1/accounts/lookup` (or any embedded `account`) returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Server-local id, used in the statuses/context paths.
    pub id: String,
    /// Canonical profile URL (the account's `url`).
    pub url: String,
    /// The profile without posts.
    pub profile: RawProfile,
    /// `noindex: true`, `discoverable: false` or `indexable: false`.
    pub opts_out: bool,
    /// `suspended: true`: the server keeps a husk with no content.
    pub suspended: bool,
    /// `moved.url`: the account moved there and is no longer used.
    pub moved_to: Option<String>,
}

/// Entries read from any list inside one entity (tags, mentions, fields): real ones hold a
/// few; the cap keeps a hostile document from making de-duplication quadratic.
const MAX_LIST: usize = 64;
/// Statuses read from one page (the API returns at most 40).
pub(super) const MAX_PAGE_ITEMS: usize = 100;

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(MAX_LIST)
}

pub(super) fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An id as a string; very old or non-Mastodon servers send numbers.
pub(super) fn id_of(v: &Value) -> Option<String> {
    id_at(v, "id")
}

/// The id under `key` (`id`, `in_reply_to_id`...), string or number.
pub(super) fn id_at(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The profile URL of the account a status answers: its own author for a self-reply, else
/// the mention carrying `in_reply_to_account_id` (Mastodon mentions the parent's author).
fn parent_author(v: &Value) -> Option<String> {
    let to = id_at(v, "in_reply_to_account_id")?;
    let account = v
        .get("account")
        .filter(|a| id_of(a).as_deref() == Some(&to));
    account
        .into_iter()
        .chain(list(v, "mentions").filter(|m| id_of(m).as_deref() == Some(&to)))
        .find_map(|a| http_url(s(a, "url")))
}

pub(super) fn http_url(s: Option<&str>) -> Option<String> {
    let u = Url::parse(s?.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

pub(super) fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s(v, key)?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Consent as the account object states it. Only an explicit value counts: `discoverable` is
/// often `null` or absent (old servers, accounts that never chose), which is not a refusal.
pub fn opts_out(account: &Value) -> bool {
    account.get("noindex").and_then(Value::as_bool) == Some(true)
        || account.get("discoverable").and_then(Value::as_bool) == Some(false)
        || account.get("indexable").and_then(Value::as_bool) == Some(false)
}

/// `username@host` for any account: remote accounts' `acct` already has the host, local ones
/// get the host of their profile URL.
pub fn full_handle(account: &Value, url: &str) -> String {
    let acct = s(account, "acct")
        .or_else(|| s(account, "username"))
        .unwrap_or_default()
        .trim()
        .trim_start_matches('@');
    if acct.contains('@') || acct.is_empty() {
        return acct.to_string();
    }
    match Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
    {
        Some(host) => format!("{acct}@{host}"),
        None => acct.to_string(),
    }
}

/// Field names that state where someone lives or works, in the languages we meet.
const LOCATION_NAMES: &[&str] = &[
    "location",
    "located",
    "based in",
    "city",
    "place",
    "where",
    "home",
    "country",
    "region",
    "ort",
    "wohnort",
    "standort",
    "stadt",
    "heimat",
    "ubicación",
    "ubicacion",
    "ciudad",
    "país",
    "pais",
    "lugar",
    "lieu",
    "ville",
    "localisation",
    "località",
    "luogo",
    "localização",
    "cidade",
    "📍",
    "🌍",
    "🌎",
    "🌏",
];

/// The value of the first profile field whose name says "location".
pub fn location_from_fields(fields: &[(String, String)]) -> Option<String> {
    fields.iter().find_map(|(name, value)| {
        let n = name.trim().to_lowercase();
        let n = n.trim_end_matches(':').trim();
        let hit = LOCATION_NAMES
            .iter()
            .any(|l| n == *l || n.starts_with(&format!("{l} ")))
            || n.contains("location")
            || n.starts_with('📍');
        let value = value.trim();
        (hit && !value.is_empty() && value.len() <= 120).then(|| value.to_string())
    })
}

/// Parse an Account entity. Errors only when `id` or `url` is missing: without them there is
/// neither a canonical URL nor a way to ask for the statuses.
pub fn parse_account(v: &Value) -> Result<Account, String> {
    if !v.is_object() {
        return Err("account is not a JSON object".into());
    }
    let id = id_of(v).ok_or("account without an id")?;
    let url = http_url(s(v, "url")).ok_or("account without an http(s) url")?;

    let mut fields = Vec::new();
    let mut links = Vec::new();
    {
        for f in list(v, "fields") {
            let name = html_text::to_text(s(f, "name").unwrap_or_default());
            let value = html_text::convert(s(f, "value").unwrap_or_default());
            if name.is_empty() && value.text.is_empty() {
                continue;
            }
            for l in value.links.iter().chain(&value.mentions) {
                if !links.contains(l) {
                    links.push(l.clone());
                }
            }
            fields.push((name, value.text));
        }
    }
    let bio = html_text::convert(s(v, "note").unwrap_or_default());
    for l in &bio.links {
        if !links.contains(l) {
            links.push(l.clone());
        }
    }
    let display_name = s(v, "display_name")
        .unwrap_or_default()
        .replace('\u{200b}', "")
        .trim()
        .to_string();
    let profile = RawProfile {
        profile_url: url.clone(),
        platform: Some(Platform::Mastodon),
        handle: full_handle(v, &url),
        display_name,
        bio: bio.text,
        followers: v.get("followers_count").and_then(count),
        following: v.get("following_count").and_then(count),
        posts_count: v.get("statuses_count").and_then(count),
        location: location_from_fields(&fields),
        fields,
        links,
        is_bot: v.get("bot").and_then(Value::as_bool) == Some(true),
        opted_out: opts_out(v),
        lang_hint: None,
        source_url: None,
        conversation: Vec::new(),
        posts: Vec::new(),
    };
    Ok(Account {
        id,
        opts_out: profile.opted_out,
        suspended: v.get("suspended").and_then(Value::as_bool) == Some(true),
        moved_to: v.get("moved").and_then(|m| http_url(s(m, "url"))),
        url,
        profile,
    })
}

/// The author of a status (`account.id`, `account.url`), if readable.
pub(super) fn author(status: &Value) -> (Option<String>, Option<String>) {
    match status.get("account") {
        Some(a) => (id_of(a), http_url(s(a, "url"))),
        None => (None, None),
    }
}

/// A status as a [`Post`] (no comments yet). `None` without an id.
pub fn parse_post(v: &Value) -> Option<Post> {
    let id = id_of(v)?;
    let content = html_text::convert(s(v, "content").unwrap_or_default());
    let spoiler = s(v, "spoiler_text").unwrap_or_default().trim();
    // A content warning is the first thing the author wrote; keep it before the body.
    let text = if spoiler.is_empty() {
        content.text
    } else if content.text.is_empty() {
        spoiler.to_string()
    } else {
        format!("{spoiler}\n{}", content.text)
    };
    let mut hashtags: Vec<String> = Vec::new();
    for t in list(v, "tags") {
        if let Some(name) = s(t, "name") {
            let name = name.trim().trim_start_matches('#').to_lowercase();
            if !name.is_empty() && !hashtags.contains(&name) {
                hashtags.push(name);
            }
        }
    }
    let mut mentions: Vec<String> = Vec::new();
    for m in list(v, "mentions") {
        let who = http_url(s(m, "url")).or_else(|| s(m, "acct").map(|a| format!("@{a}")));
        if let Some(who) = who
            && !mentions.contains(&who)
        {
            mentions.push(who);
        }
    }
    let mut links = content.links;
    if let Some(card) = v.get("card").and_then(|c| http_url(s(c, "url")))
        && !links.contains(&card)
    {
        links.push(card);
    }
    let shares = match (
        v.get("reblogs_count").and_then(count),
        v.get("quotes_count").and_then(count),
    ) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    };
    Some(Post {
        url: http_url(s(v, "url"))
            .or_else(|| http_url(s(v, "uri")))
            .unwrap_or_default(),
        id,
        text,
        published_at: time(v, "created_at"),
        likes: v.get("favourites_count").and_then(count),
        shares,
        comments_count: v.get("replies_count").and_then(count),
        views: None,
        hashtags,
        mentions,
        links,
        lang_hint: s(v, "language")
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty()),
        branded_content: false,
        comments: Vec::new(),
        in_reply_to: id_at(v, "in_reply_to_id"),
        in_reply_to_author: parent_author(v),
    })
}

/// One page of an account's statuses, split into the creator's own posts and what only leads
/// elsewhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusPage {
    /// The creator's own statuses (originals and self-replies), in API order (newest first).
    pub posts: Vec<Post>,
    /// The creator's replies to other accounts: conversation, not posts.
    pub conversation: Vec<Post>,
    /// Authors of boosted statuses (not the creator's posts; attributed to them).
    pub boosted_authors: Vec<String>,
    /// Boosted authors whose account object opts out of indexing.
    pub opted_out: Vec<String>,
    /// Entries read (boosts included); an empty page ends pagination.
    pub entries: usize,
}

/// Is this status a reply to another account (conversation, not a post)?
///
/// `in_reply_to_account_id` decides: the creator's own id is a thread continuation (a post).
/// Real servers send it even when the parent was deleted and `in_reply_to_id` is null, so it
/// is read first; a status with `in_reply_to_id` but no account id cannot be shown to be a
/// self-reply and counts as conversation.
pub fn replies_to_other(status: &Value, creator_id: &str) -> bool {
    let to_account = match status.get("in_reply_to_account_id") {
        Some(Value::String(a)) if !a.trim().is_empty() => Some(a.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    match to_account {
        Some(a) => a != creator_id,
        None => !matches!(status.get("in_reply_to_id"), None | Some(Value::Null)),
    }
}

/// Parse `/api/v1/accounts/:id/statuses`. A boost (`reblog` non-null) goes to its original
/// author; a status by someone else (which the endpoint should never return) is dropped; a
/// reply to another account goes to `conversation` (servers that ignore `exclude_replies`
/// still send them).
pub fn parse_statuses(v: &Value, creator_id: &str) -> Result<StatusPage, String> {
    let arr = v.as_array().ok_or("statuses is not a JSON array")?;
    let mut page = StatusPage {
        entries: arr.len(),
        ..Default::default()
    };
    for status in arr.iter().take(MAX_PAGE_ITEMS) {
        if let Some(original) = status.get("reblog").filter(|r| r.is_object()) {
            let (_, url) = author(original);
            let out = original.get("account").is_some_and(opts_out);
            if let Some(url) = url {
                let list = if out {
                    &mut page.opted_out
                } else {
                    &mut page.boosted_authors
                };
                if !list.contains(&url) {
                    list.push(url);
                }
            }
            continue;
        }
        let (author_id, _) = author(status);
        if author_id.as_deref().is_some_and(|a| a != creator_id) {
            continue;
        }
        if let Some(post) = parse_post(status) {
            if replies_to_other(status, creator_id) {
                page.conversation.push(post);
            } else {
                page.posts.push(post);
            }
        }
    }
    Ok(page)
}

/// The language most of `posts` declare (ties: the one seen first).
pub fn majority_lang(posts: &[Post]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in posts {
        if let Some(l) = p.lang_hint.as_deref() {
            match counts.iter_mut().find(|(k, _)| *k == l) {
                Some((_, n)) => *n += 1,
                None => counts.push((l, 1)),
            }
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(l, _)| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_fields_location_and_consent() {
        let text = r#"{
            "id": "42", "username": "anna", "acct": "anna", "display_name": "Anna\u200b :leaf:",
            "url": "https://social.example/@anna", "note": "<p>Vegan skincare<br>DMs open</p>",
            "bot": false, "discoverable": null, "followers_count": "1,234",
            "following_count": 10, "statuses_count": 1e309,
            "fields": [
                {"name": "Ort", "value": "Berlin", "verified_at": null},
                {"name": "Web", "value": "<a href=\"https://anna.example/\" rel=\"me\"><span class=\"invisible\">https://</span><span>anna.example/</span></a>"}
            ]
        }"#;
        let v = crate::sources::lenient_json::parse(text).unwrap();
        let a = parse_account(&v).unwrap();
        assert_eq!(a.id, "42");
        assert_eq!(a.profile.handle, "anna@social.example");
        assert_eq!(a.profile.display_name, "Anna :leaf:");
        assert_eq!(a.profile.bio, "Vegan skincare\nDMs open");
        assert_eq!(a.profile.followers, Some(1234));
        assert_eq!(
            a.profile.posts_count, None,
            "an out-of-range count costs that field"
        );
        assert_eq!(a.profile.location.as_deref(), Some("Berlin"));
        assert_eq!(a.profile.links, vec!["https://anna.example/"]);
        assert!(!a.opts_out, "discoverable: null is no refusal");

        for (k, val) in [
            ("noindex", true),
            ("discoverable", false),
            ("indexable", false),
        ] {
            let mut w = v.clone();
            w[k] = json!(val);
            assert!(parse_account(&w).unwrap().opts_out, "{k}: {val}");
        }
        assert!(parse_account(&json!({"id": "1"})).is_err());
        assert!(parse_account(&json!({"url": "https://x.example/@a"})).is_err());
        assert!(parse_account(&json!([])).is_err());
    }

    #[test]
    fn mistyped_status_fields_cost_only_themselves() {
        let v = json!([
            {"id": "1", "account": {"id": "42"}, "content": 7, "favourites_count": "12",
             "reblogs_count": null, "replies_count": [], "created_at": "yesterday",
             "tags": "nope", "mentions": [{"acct": "ben@else.example"}], "language": null},
            {"id": "2", "account": {"id": "42"}, "reblog": {"id": "9", "account": {"id": "7", "url": "https://o.example/@orig"}}},
            {"id": "3", "account": {"id": "99"}, "content": "<p>not mine</p>"},
            {"content": "no id"}
        ]);
        let page = parse_statuses(&v, "42").unwrap();
        assert_eq!(page.entries, 4);
        assert_eq!(page.posts.len(), 1);
        let p = &page.posts[0];
        assert_eq!(p.likes, Some(12));
        assert_eq!(p.shares, None);
        assert_eq!(p.comments_count, None);
        assert_eq!(p.published_at, None);
        assert_eq!(p.text, "");
        assert_eq!(p.mentions, vec!["@ben@else.example"]);
        assert_eq!(page.boosted_authors, vec!["https://o.example/@orig"]);
    }

    #[test]
    fn replies_to_other_accounts_are_conversation() {
        // Shapes as fosstodon.org sends them: a deleted parent leaves `in_reply_to_id` null
        // and `in_reply_to_account_id` set.
        let v = json!([
            {"id": "1", "account": {"id": "42"}, "content": "original", "in_reply_to_id": null, "in_reply_to_account_id": null},
            {"id": "2", "account": {"id": "42"}, "content": "thread 2/2", "in_reply_to_id": "1", "in_reply_to_account_id": "42"},
            {"id": "3", "account": {"id": "42"}, "content": "@ben thanks!", "in_reply_to_id": "77", "in_reply_to_account_id": "7"},
            {"id": "4", "account": {"id": "42"}, "content": "@gone sure", "in_reply_to_id": null, "in_reply_to_account_id": "8"},
            {"id": "5", "account": {"id": "42"}, "content": "to whom?", "in_reply_to_id": "78"}
        ]);
        let page = parse_statuses(&v, "42").unwrap();
        let ids = |ps: &[Post]| ps.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&page.posts), ["1", "2"]);
        assert_eq!(ids(&page.conversation), ["3", "4", "5"]);
    }

    #[test]
    fn hostile_lists_are_capped() {
        let tags: Vec<_> = (0..100_000)
            .map(|i| json!({"name": format!("t{i}")}))
            .collect();
        let v = json!({"id": "1", "tags": tags, "content": "<p>x</p>"});
        assert_eq!(parse_post(&v).unwrap().hashtags.len(), MAX_LIST);
    }

    #[test]
    fn location_names_in_several_languages() {
        let f = |n: &str| location_from_fields(&[(n.to_string(), "Sevilla".to_string())]);
        for n in [
            "Location",
            "Ubicación",
            "Lieu",
            "📍",
            "Based in",
            "Wohnort:",
        ] {
            assert_eq!(f(n).as_deref(), Some("Sevilla"), "{n}");
        }
        assert_eq!(f("Pronouns"), None);
    }

    #[test]
    fn majority_language() {
        let p = |l: Option<&str>| Post {
            lang_hint: l.map(str::to_string),
            ..Default::default()
        };
        let posts = [p(Some("de")), p(Some("en")), p(None), p(Some("de"))];
        assert_eq!(majority_lang(&posts).as_deref(), Some("de"));
        assert_eq!(majority_lang(&[p(None)]), None);
    }
}
