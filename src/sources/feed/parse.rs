//! Pure parsing of RSS/Atom feeds (via feed-rs) into one creator profile: a blog, newsletter
//! or podcast (platform `feed`), or a YouTube channel's Atom feed (platform `youtube`).
//!
//! Feeds publish no audience size, so `followers` is always `None` (never guessed). YouTube
//! feeds carry per-video views and likes in Media RSS (`media:statistics views`,
//! `media:starRating count`), which feed-rs exposes as `MediaCommunity`.

use feed_rs::model::{Entry, Feed, Text};

use crate::model::{Platform, Post, RawProfile};
use crate::sources::html_text;

/// Entries read per feed (podcasts may list a thousand episodes; the newest are what count)
/// and tags per entry.
pub const MAX_ENTRIES: usize = 500;
const MAX_TAGS: usize = 64;

/// Canonical URL of a YouTube channel.
pub fn youtube_channel_url(channel_id: &str) -> String {
    format!("https://www.youtube.com/channel/{channel_id}")
}

/// Text of a feed-rs `Text`. RSS declares most fields `text/plain` yet fills them with HTML
/// (`<description><![CDATA[<p>…]]>`), so every field goes through the HTML converter; plain
/// text comes out unchanged.
fn text_of(t: &Text) -> String {
    html_text::to_text(&t.content)
}

/// Links and text of a feed-rs `Text`.
fn html_of(t: &Text) -> html_text::HtmlText {
    html_text::convert(&t.content)
}

/// `#tags` written in free text (YouTube descriptions link them as hashtags). A tag needs at
/// least one letter, so chapter markers such as `#5:` are not tags.
pub fn hashtags_in_text(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices('#') {
        if out.len() >= MAX_TAGS {
            break;
        }
        // Must start a word: "C#" or "a#b" are not hashtags.
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '&')
        {
            continue;
        }
        let tag: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if tag.chars().any(char::is_alphabetic) {
            let tag = tag.to_lowercase();
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
    }
    out
}

/// The YouTube channel id a feed belongs to, from (in order) its alternate link, its author
/// URI, or its `<id>yt:channel:…</id>`. Recent feeds drop the leading "UC" from the id and
/// from `yt:channelId` while URLs keep it, so the URL forms are preferred and a 22-character
/// bare id gets its "UC" back.
pub fn youtube_channel_id(feed: &Feed) -> Option<String> {
    let from_url = |u: &str| {
        let (_, rest) = u.split_once("youtube.com/channel/")?;
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            .collect();
        (!id.is_empty()).then_some(id)
    };
    feed.links
        .iter()
        .filter(|l| l.rel.as_deref() != Some("self"))
        .find_map(|l| from_url(&l.href))
        .or_else(|| {
            feed.authors
                .iter()
                .find_map(|a| a.uri.as_deref().and_then(from_url))
        })
        .or_else(|| {
            let id = feed.id.strip_prefix("yt:channel:")?.trim();
            if id.is_empty() {
                None
            } else if id.len() == 22 && !id.starts_with("UC") {
                Some(format!("UC{id}"))
            } else {
                Some(id.to_string())
            }
        })
}

/// Is this a YouTube channel feed?
pub fn is_youtube(feed: &Feed) -> bool {
    feed.id.starts_with("yt:channel:")
        || feed.links.iter().any(|l| {
            l.href.contains("youtube.com/channel/") || l.href.contains("youtube.com/feeds/")
        })
}

/// The feed's HTML home: its `alternate` (or rel-less RSS `<link>`) http(s) link.
fn home_link(feed: &Feed) -> Option<String> {
    feed.links
        .iter()
        .filter(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .filter(|l| l.media_type.as_deref().is_none_or(|t| t.contains("html")))
        .map(|l| l.href.trim().to_string())
        .find(|h| h.starts_with("http://") || h.starts_with("https://"))
}

fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    let Some((user, host)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty() && host.contains('.') && !s.contains(char::is_whitespace)
}

/// A feed entry as a post.
fn entry_post(e: &Entry, youtube: bool) -> Post {
    let title = e.title.as_ref().map(text_of).unwrap_or_default();
    let media = e.media.first();
    // Body: summary, else full content, else the media description (YouTube, iTunes).
    let body = e
        .summary
        .as_ref()
        .map(html_of)
        .or_else(|| {
            e.content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .map(html_text::convert)
        })
        .or_else(|| media.and_then(|m| m.description.as_ref()).map(html_of))
        .unwrap_or_default();
    let text = match (title.is_empty(), body.text.is_empty()) {
        (false, false) => format!("{title}\n{}", body.text),
        (false, true) => title,
        _ => body.text.clone(),
    };
    let url = e
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| e.links.first())
        .map(|l| l.href.trim().to_string())
        .unwrap_or_default();
    let mut hashtags: Vec<String> = Vec::new();
    for c in e.categories.iter().take(MAX_TAGS) {
        let t = c.term.trim().trim_start_matches('#').to_lowercase();
        if !t.is_empty() && !hashtags.contains(&t) {
            hashtags.push(t);
        }
    }
    if youtube {
        for t in hashtags_in_text(&text) {
            if !hashtags.contains(&t) {
                hashtags.push(t);
            }
        }
    }
    let community = media.and_then(|m| m.community.as_ref());
    let id = if youtube {
        e.id.strip_prefix("yt:video:").unwrap_or(&e.id).to_string()
    } else {
        e.id.clone()
    };
    Post {
        id: if id.is_empty() { url.clone() } else { id },
        url,
        text,
        published_at: e.published.or(e.updated),
        likes: community.and_then(|c| c.stars_count),
        views: community.and_then(|c| c.stats_views),
        hashtags,
        links: body.links,
        lang_hint: e.language.as_deref().map(lang_code),
        ..Default::default()
    }
}

/// "en-US" → "en".
fn lang_code(l: &str) -> String {
    l.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// Deepest element nesting we hand to feed-rs; real feeds stay below ten.
pub const MAX_XML_DEPTH: usize = 256;

/// Does element nesting in `xml` exceed `limit`? A linear pre-scan that skips what is not an
/// element: `<?…?>`, `<!--…-->`, `<!DOCTYPE…>` and CDATA sections, whose content is often
/// HTML with unclosed tags. (The crawler's HTML gate counts `<![CDATA[` as an open element,
/// so a feed with a few hundred CDATA sections would look deep to it.)
pub fn xml_depth_exceeds(xml: &[u8], limit: usize) -> bool {
    let find = |from: usize, pat: &[u8]| {
        xml.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map(|p| from + p + pat.len())
    };
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = xml.get(i..).and_then(|r| r.iter().position(|&b| b == b'<')) {
        let at = i + off;
        let rest = &xml[at..];
        let skip_to = if rest.starts_with(b"<![CDATA[") {
            find(at, b"]]>")
        } else if rest.starts_with(b"<!--") {
            find(at, b"-->")
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            find(at, b">")
        } else {
            let gt = find(at, b">");
            let closing = rest.get(1) == Some(&b'/');
            let self_closed = gt.is_some_and(|g| g >= 2 && xml[g - 2] == b'/');
            if closing {
                depth = depth.saturating_sub(1);
            } else if !self_closed
                && rest
                    .get(1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            gt
        };
        match skip_to {
            Some(next) => i = next,
            None => break,
        }
    }
    false
}

/// Parse a feed into one profile. `source_url` resolves relative links and is the fallback
/// canonical URL; `channel_hint` is the channel id a YouTube seed asked for.
pub fn parse_feed(
    bytes: &[u8],
    source_url: &str,
    channel_hint: Option<&str>,
) -> Result<RawProfile, String> {
    // feed-rs descends recursively; refuse absurd nesting before it can exhaust the stack.
    if xml_depth_exceeds(bytes, MAX_XML_DEPTH) {
        return Err(format!(
            "elements nested deeper than {MAX_XML_DEPTH} levels"
        ));
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(source_url))
        .build();
    let feed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| "the feed parser failed on this document".to_string())?
        .map_err(|e| format!("not an RSS/Atom feed: {e}"))?;

    let youtube = channel_hint.is_some() || is_youtube(&feed);
    let title = feed.title.as_ref().map(text_of).unwrap_or_default();
    let bio = feed.description.as_ref().map(html_of).unwrap_or_default();
    let author = feed
        .authors
        .iter()
        .find_map(|a| {
            a.name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty() && !looks_like_email(n))
        })
        .map(str::to_string);

    let mut fields = Vec::new();
    if let Some(a) = &author {
        fields.push(("author".to_string(), a.clone()));
    }
    let mut emails: Vec<String> = Vec::new();
    for p in feed.authors.iter().chain(&feed.contributors) {
        for candidate in [p.email.as_deref(), p.name.as_deref()]
            .into_iter()
            .flatten()
        {
            let c = candidate.trim().trim_start_matches("mailto:").to_string();
            if looks_like_email(&c) && !emails.contains(&c) {
                emails.push(c);
            }
        }
    }
    for e in emails {
        fields.push(("email".to_string(), e));
    }
    for c in feed.categories.iter().take(MAX_TAGS) {
        fields.push(("category".to_string(), c.term.trim().to_string()));
    }

    let (platform, profile_url, handle) = if youtube {
        let id = channel_hint
            .map(str::to_string)
            .or_else(|| youtube_channel_id(&feed))
            .ok_or("YouTube feed without a channel id")?;
        let handle = author.clone().unwrap_or_else(|| title.clone());
        (Platform::Youtube, youtube_channel_url(&id), handle)
    } else {
        let home = home_link(&feed).unwrap_or_else(|| source_url.to_string());
        let handle = author.clone().unwrap_or_else(|| {
            url::Url::parse(&home)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default()
        });
        (Platform::Feed, home, handle)
    };
    let mut posts: Vec<Post> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for e in feed.entries.iter().take(MAX_ENTRIES) {
        let p = entry_post(e, youtube);
        if ids.insert(p.id.clone()) {
            posts.push(p);
        }
    }
    // Newest first whatever the feed's order, so a caller keeping `max_posts` keeps the latest.
    posts.sort_by_key(|p| std::cmp::Reverse(p.published_at));
    let lang = feed.language.as_deref().map(lang_code);
    for p in posts.iter_mut().filter(|p| p.lang_hint.is_none()) {
        p.lang_hint.clone_from(&lang);
    }
    Ok(RawProfile {
        profile_url,
        platform: Some(platform),
        handle,
        display_name: title,
        bio: bio.text,
        followers: None,
        following: None,
        posts_count: None,
        location: None,
        fields,
        links: bio.links,
        is_bot: false,
        opted_out: false,
        lang_hint: lang,
        posts,
        source_url: Some(source_url.to_string()),
        conversation: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Tostado</title><link>https://tostado.example/</link>
<description><![CDATA[<p>Café de especialidad</p>]]></description><language>es-ES</language>
<itunes:author>Marta Ruiz</itunes:author>
<itunes:owner><itunes:name>Marta Ruiz</itunes:name><itunes:email>hola@tostado.example</itunes:email></itunes:owner>
<item><title>V60 o Chemex</title><link>https://tostado.example/v60</link><guid>ep1</guid>
<description><![CDATA[<p>Comparamos <a href="https://tostado.example/guia">la guía</a></p>]]></description>
<category>Café</category><category>#brewing</category><pubDate>Tue, 02 Apr 2024 08:00:00 GMT</pubDate></item>
</channel></rss>"#;

    #[test]
    fn podcast_rss() {
        let p = parse_feed(RSS.as_bytes(), "https://tostado.example/feed.xml", None).unwrap();
        assert_eq!(p.platform, Some(Platform::Feed));
        assert_eq!(p.profile_url, "https://tostado.example/");
        assert_eq!(p.handle, "Marta Ruiz");
        assert_eq!(p.bio, "Café de especialidad");
        assert_eq!(p.followers, None);
        assert_eq!(p.lang_hint.as_deref(), Some("es"));
        assert!(
            p.fields
                .contains(&("email".into(), "hola@tostado.example".into()))
        );
        let post = &p.posts[0];
        assert_eq!(post.text, "V60 o Chemex\nComparamos la guía");
        assert_eq!(post.hashtags, vec!["café", "brewing"]);
        assert_eq!(post.links, vec!["https://tostado.example/guia"]);
        assert!(post.published_at.is_some());
    }

    #[test]
    fn not_a_feed_and_hostile_nesting() {
        assert!(parse_feed(b"<html><body>hi</body></html>", "https://x.example/", None).is_err());
        assert!(parse_feed(b"", "https://x.example/", None).is_err());
        let deep = format!(
            "<rss><channel>{}{}</channel></rss>",
            "<x>".repeat(100_000),
            "</x>".repeat(100_000)
        );
        assert!(parse_feed(deep.as_bytes(), "https://x.example/", None).is_err());
    }

    #[test]
    fn xml_depth_ignores_cdata_and_comments() {
        let many_cdata = format!(
            "<?xml version=\"1.0\"?><rss><channel>{}</channel></rss>",
            "<item><title><![CDATA[<p>unclosed <b>html]]></title><!-- <x> --></item>".repeat(2_000)
        );
        assert!(!xml_depth_exceeds(many_cdata.as_bytes(), 8));
        assert!(xml_depth_exceeds(
            "<a>".repeat(300).as_bytes(),
            MAX_XML_DEPTH
        ));
        assert!(!xml_depth_exceeds(b"<a/><b x='1'/><c></c>", 1));
        assert!(!xml_depth_exceeds(b"<a><![CDATA[never closed", 5));
    }

    #[test]
    fn hashtags_in_descriptions() {
        assert_eq!(
            hashtags_in_text("Run #TrailRunning #5: pacing, C# and #über_alles&#39;"),
            vec!["trailrunning", "über_alles"]
        );
    }
}
