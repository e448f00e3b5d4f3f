//! Pages of the synthetic world, rendered from the specs in [`super::world`]:
//! web profile and post pages carrying schema.org JSON-LD (`ProfilePage` with a `Person`,
//! `SocialMediaPosting` with nested `Comment`s), the Mastodon API's account, statuses and
//! context JSON, and robots.txt.
//!
//! Rendering is plain string building plus `serde_json` for the JSON parts: a few tens of
//! microseconds a page, so the server stays cheap next to the crawler it feeds.

use serde_json::{Value, json};

use super::lexicon::LANGS;
use super::world::{CommentSpec, CreatorSpec, PostSpec, World};

/// What the world's robots.txt says: everything but `/private/` is allowed, no crawl-delay
/// (a delay would change the rate the benchmarks set).
pub const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /private/\nAllow: /\n";

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// JSON for a `<script>` block: `</` would end the script early.
fn script_json(v: &Value) -> String {
    v.to_string().replace("</", "<\\/")
}

fn counter(action: &str, n: u64) -> Value {
    json!({
        "@type": "InteractionCounter",
        "interactionType": format!("https://schema.org/{action}"),
        "userInteractionCount": n,
    })
}

/// The web profile page of creator `i`.
pub fn profile_html(w: &World, i: u64) -> String {
    let c = w.creator(i);
    let url = w.web_profile_url(i);
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "dateModified": w.anchor.to_rfc3339(),
        "mainEntity": {
            "@type": "Person",
            "name": c.display_name,
            "alternateName": c.handle,
            "description": c.bio,
            "url": url,
            "homeLocation": {"@type": "Place", "name": c.city},
            "interactionStatistic": [counter("FollowAction", c.followers)],
            "agentInteractionStatistic": counter("WriteAction", c.posts),
        }
    });
    let mut html = String::with_capacity(4096);
    html.push_str(&format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <title>{name} (@{handle})</title><link rel=\"canonical\" href=\"{url}\">\
         <script type=\"application/ld+json\">{ld}</script></head><body>\
         <header><h1>{name}</h1><p>{bio}</p>",
        lang = LANGS[c.lang],
        name = escape_html(&c.display_name),
        handle = c.handle,
        bio = escape_html(&c.bio),
        ld = script_json(&ld),
    ));
    if let Some(e) = &c.email {
        html.push_str(&format!("<p><a href=\"mailto:{e}\">{e}</a></p>"));
    }
    html.push_str("</header><main><ul>");
    for j in 0..c.posts {
        let p = w.post(&c, j);
        let excerpt: String = p.text.chars().take(90).collect();
        html.push_str(&format!(
            "<li><article><a rel=\"bookmark\" href=\"{}\">{}</a> <time datetime=\"{}\"></time></article></li>",
            w.web_post_url(i, j),
            escape_html(&excerpt),
            p.published_at.to_rfc3339()
        ));
    }
    html.push_str("</ul></main><footer><a href=\"/\">home</a></footer></body></html>");
    html
}

fn comment_ld(url: &str, all: &[CommentSpec], cm: &CommentSpec) -> Value {
    let mut author = json!({"@type": "Person", "name": cm.author_name});
    if let Some(u) = &cm.author_url {
        author["url"] = json!(u);
    }
    let mut v = json!({
        "@type": "Comment",
        "@id": format!("{url}#c{}", cm.index),
        "text": cm.text,
        "datePublished": cm.published_at.to_rfc3339(),
        "author": author,
        "upvoteCount": cm.likes,
    });
    let replies: Vec<Value> = all
        .iter()
        .filter(|r| r.reply_to == Some(cm.index))
        .map(|r| comment_ld(url, all, r))
        .collect();
    if !replies.is_empty() {
        v["comment"] = Value::Array(replies);
    }
    v
}

/// The web page of post `j` of creator `i`, with its comment thread.
pub fn post_html(w: &World, i: u64, j: u64) -> Option<String> {
    let c = w.creator(i);
    if j >= c.posts {
        return None;
    }
    let p = w.post(&c, j);
    let url = w.web_post_url(i, j);
    let comments: Vec<Value> = p
        .comments
        .iter()
        .filter(|cm| cm.reply_to.is_none())
        .map(|cm| comment_ld(&url, &p.comments, cm))
        .collect();
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "SocialMediaPosting",
        "@id": url,
        "url": url,
        "text": p.text,
        "inLanguage": LANGS[p.lang],
        "datePublished": p.published_at.to_rfc3339(),
        "author": {
            "@type": "Person",
            "name": c.display_name,
            "alternateName": c.handle,
            "url": w.web_profile_url(i),
        },
        "keywords": p.hashtags.join(", "),
        "interactionStatistic": [
            counter("LikeAction", p.likes),
            counter("ShareAction", p.shares),
            counter("CommentAction", p.comments.len() as u64),
        ],
        "commentCount": p.comments.len(),
        "comment": comments,
    });
    let mut html = String::with_capacity(4096);
    html.push_str(&format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{handle}: post {j}</title>\
         <link rel=\"canonical\" href=\"{url}\"><script type=\"application/ld+json\">{ld}</script></head>\
         <body><article><p>{text}</p><p>by <a rel=\"author\" href=\"{profile}\">@{handle}</a></p></article><section>",
        lang = LANGS[p.lang],
        handle = c.handle,
        text = escape_html(&p.text),
        profile = w.web_profile_url(i),
        ld = script_json(&ld),
    ));
    for cm in &p.comments {
        html.push_str(&format!(
            "<div class=\"comment\"><b>{}</b> {}</div>",
            escape_html(&cm.author_name),
            escape_html(&cm.text)
        ));
    }
    html.push_str("</section></body></html>");
    Some(html)
}

/// Mastodon status id of post `j` of creator `i`, and back.
pub fn status_id(i: u64, j: u64) -> u64 {
    i * 1000 + j + 1
}

pub fn split_status_id(id: u64) -> Option<(u64, u64)> {
    (id > 0).then(|| ((id - 1) / 1000, (id - 1) % 1000))
}

/// The account as `/api/v1/accounts/lookup` returns it.
pub fn mastodon_account(w: &World, i: u64) -> Value {
    let c = w.creator(i);
    account_json(w, &c)
}

fn account_json(w: &World, c: &CreatorSpec) -> Value {
    json!({
        "id": c.index.to_string(),
        "username": c.handle,
        "acct": c.handle,
        "display_name": c.display_name,
        "locked": false,
        "bot": c.is_bot,
        "discoverable": true,
        "created_at": "2021-03-01T00:00:00.000Z",
        "note": format!("<p>{}</p>", escape_html(&c.bio)),
        "url": w.mastodon_profile_url(c.index),
        "followers_count": c.followers,
        "following_count": c.following,
        "statuses_count": c.posts,
        "fields": [{"name": "Location", "value": c.city, "verified_at": null}],
        "emojis": [],
    })
}

fn small_account(w: &World, c: &CreatorSpec) -> Value {
    json!({
        "id": c.index.to_string(),
        "username": c.handle,
        "acct": c.handle,
        "url": w.mastodon_profile_url(c.index),
        "display_name": c.display_name,
    })
}

fn status_content(p: &PostSpec, host: &str) -> String {
    // The text already ends with `#tag`s; Mastodon renders them as links.
    let mut html = String::from("<p>");
    for word in p.text.split(' ') {
        if let Some(tag) = word.strip_prefix('#').filter(|t| !t.is_empty()) {
            html.push_str(&format!(
                "<a href=\"{host}/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a> "
            ));
        } else {
            html.push_str(&escape_html(word));
            html.push(' ');
        }
    }
    html.push_str("</p>");
    html
}

/// `/api/v1/accounts/:id/statuses`: every post, newest first (one page: posts ≤ 40).
pub fn mastodon_statuses(w: &World, i: u64) -> Value {
    let c = w.creator(i);
    let host = &w.hosts[c.host];
    let account = small_account(w, &c);
    let statuses: Vec<Value> = (0..c.posts)
        .map(|j| {
            let p = w.post(&c, j);
            let id = status_id(i, j);
            json!({
                "id": id.to_string(),
                "created_at": p.published_at.to_rfc3339(),
                "in_reply_to_id": null,
                "visibility": "public",
                "language": LANGS[p.lang],
                "uri": format!("{}/{id}", w.mastodon_profile_url(i)),
                "url": format!("{}/{id}", w.mastodon_profile_url(i)),
                "replies_count": p.comments.len(),
                "reblogs_count": p.shares,
                "favourites_count": p.likes,
                "spoiler_text": "",
                "sensitive": false,
                "content": status_content(&p, host),
                "reblog": null,
                "account": account,
                "mentions": [],
                "tags": p.hashtags.iter().map(|t| json!({"name": t, "url": format!("{host}/tags/{t}")})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(statuses)
}

/// `/api/v1/statuses/:id/context` of post `j` of creator `i`.
pub fn mastodon_context(w: &World, i: u64, j: u64) -> Option<Value> {
    let c = w.creator(i);
    if j >= c.posts {
        return None;
    }
    let p = w.post(&c, j);
    let sid = status_id(i, j);
    let host = &w.hosts[c.host];
    let descendants: Vec<Value> = p
        .comments
        .iter()
        .map(|cm| {
            let cid = sid * 100 + cm.index + 1;
            let parent = cm
                .reply_to
                .map_or(sid.to_string(), |r| (sid * 100 + r + 1).to_string());
            let account = if cm.by_creator {
                small_account(w, &c)
            } else if let Some(other) = cm
                .author_url
                .as_deref()
                .and_then(|u| u.rsplit('/').next())
                .and_then(|h| w.parse_handle(h))
            {
                small_account(w, &w.creator(other))
            } else {
                json!({
                    "id": format!("9{cid}"),
                    "username": cm.author_name,
                    "acct": cm.author_name,
                    "url": format!("{host}/@{}", cm.author_name),
                    "display_name": cm.author_name,
                })
            };
            json!({
                "id": cid.to_string(),
                "created_at": cm.published_at.to_rfc3339(),
                "in_reply_to_id": parent,
                "visibility": "public",
                "language": null,
                "content": format!("<p>{}</p>", escape_html(&cm.text)),
                "favourites_count": cm.likes,
                "replies_count": 0,
                "reblogs_count": 0,
                "account": account,
            })
        })
        .collect();
    Some(json!({"ancestors": [], "descendants": descendants}))
}

/// `/api/v1/instance`: enough for a client to know it speaks the API.
pub fn mastodon_instance(host: &str) -> Value {
    json!({
        "uri": host.trim_start_matches("http://"),
        "title": "scout bench world",
        "version": "4.2.0",
        "description": "A synthetic Mastodon-compatible server for benchmarks.",
    })
}

#[cfg(test)]
mod tests {
    use super::super::world::offline_world;
    use super::*;

    fn ld_of(html: &str) -> Value {
        let start = html.find("application/ld+json\">").unwrap() + 21;
        let end = html[start..].find("</script>").unwrap() + start;
        serde_json::from_str(&html[start..end]).unwrap()
    }

    #[test]
    fn profile_page_matches_the_raw_profile() {
        let w = offline_world(5, 100);
        let raw = w.raw_profile(11);
        let html = profile_html(&w, 11);
        let ld = ld_of(&html);
        assert_eq!(ld["@type"], "ProfilePage");
        assert_eq!(ld["mainEntity"]["url"], raw.profile_url.as_str());
        assert_eq!(
            ld["mainEntity"]["interactionStatistic"][0]["userInteractionCount"],
            raw.followers.unwrap()
        );
        assert_eq!(html.matches("rel=\"bookmark\"").count(), raw.posts.len());
        for p in &raw.posts {
            assert!(html.contains(&format!("href=\"{}\"", p.url)), "{}", p.url);
        }
    }

    #[test]
    fn post_page_carries_the_thread() {
        let w = offline_world(5, 100);
        let raw = w.raw_profile(3);
        let (j, post) = raw
            .posts
            .iter()
            .enumerate()
            .find(|(_, p)| p.comments.iter().any(|c| c.parent_id.is_some()))
            .or_else(|| {
                raw.posts
                    .iter()
                    .enumerate()
                    .find(|(_, p)| !p.comments.is_empty())
            })
            .expect("some post has comments");
        let ld = ld_of(&post_html(&w, 3, j as u64).unwrap());
        assert_eq!(ld["text"], post.text.as_str());
        assert_eq!(ld["commentCount"], post.comments.len());
        let top = post
            .comments
            .iter()
            .filter(|c| c.parent_id.is_none())
            .count();
        assert_eq!(ld["comment"].as_array().unwrap().len(), top);
        assert!(post_html(&w, 3, 99).is_none());
    }

    #[test]
    fn mastodon_json_is_consistent() {
        let w = offline_world(5, 100);
        let c = w.creator(8);
        let acct = mastodon_account(&w, 8);
        assert_eq!(acct["followers_count"], c.followers);
        let st = mastodon_statuses(&w, 8);
        assert_eq!(st.as_array().unwrap().len() as u64, c.posts);
        let id: u64 = st[0]["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(split_status_id(id), Some((8, 0)));
        let ctx = mastodon_context(&w, 8, 0).unwrap();
        assert_eq!(
            ctx["descendants"].as_array().unwrap().len(),
            w.post(&c, 0).comments.len()
        );
        assert!(escape_html("<a&\"b>").eq("&lt;a&amp;&quot;b&gt;"));
    }
}
