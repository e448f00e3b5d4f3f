//! Source adapters: one file per format, each turning what a platform publishes into the shared
//! model ([`RawProfile`]). Parsing is pure (bytes in, records out) and tested without a socket;
//! the `read` functions only sequence requests through the crawler's [`Fetcher`].
//!
//! A new platform is one new file here and one arm in [`classify`] / [`read`].

pub mod bluesky;
pub(crate) mod cpu;
pub mod feed;
pub mod gate;
pub(crate) mod html_text;
pub(crate) mod jsonld;
pub mod lenient_json;
pub mod mastodon;
pub mod peertube;
pub(crate) mod threads;
pub mod web;
pub(crate) mod web_hub;
pub(crate) mod web_microdata;
pub(crate) mod web_page;
pub(crate) mod web_post;
pub mod web_profile;
pub mod youtube_api;

use url::Url;

use crate::config::Config;
use crate::model::{Problem, RawProfile};
use crate::net::Fetcher;

/// Everything a source needs to read one seed.
pub struct ReadContext<'a> {
    pub fetcher: &'a Fetcher,
    pub config: &'a Config,
    /// Whether the creator with this canonical profile URL is to be read in full (posts,
    /// comments) and indexed. `false` for creators outside this crawl's shard, which are only
    /// read far enough to discover others.
    pub read_in_full: &'a (dyn Fn(&str) -> bool + Sync),
    /// What the last crawl stored for the creator with this canonical profile URL (the raw
    /// profile in the index), so that only threads that changed are read again; `&|_| None`
    /// reads every thread (up to the per-source cap).
    pub known: &'a (dyn Fn(&str) -> Option<RawProfile> + Sync),
    /// A refresh's Bluesky accounts, read 25 at a time through the AppView's batch endpoints
    /// ([`bluesky::batch`]); `None` reads each account on its own.
    pub bluesky_batches: Option<&'a bluesky::batch::Batches>,
    /// Which hosts this crawl found to run PeerTube (or not), so that each is asked once.
    pub peertube_hosts: &'a peertube::Instances,
}

impl ReadContext<'_> {
    pub fn wants(&self, profile_url: &str) -> bool {
        (self.read_in_full)(profile_url)
    }
}

/// What reading one seed produced.
#[derive(Debug, Default)]
pub struct SourceOutput {
    /// Creators read (usually one; a tag timeline yields none, only discoveries).
    pub profiles: Vec<RawProfile>,
    /// URLs of other creators to follow (mentions, reposts, reply authors, profile links).
    pub discovered: Vec<String>,
    /// What could not be read, with the URL and the reason; the crawl goes on.
    pub problems: Vec<Problem>,
    /// Profile URLs that were read but asked not to be indexed (noindex, opt-out); the crawl
    /// removes them from the index if present.
    pub opted_out: Vec<String>,
    /// Profile URLs of creators outside this crawl's shard, read only far enough to discover
    /// others; the crawl hands them to their shard.
    pub out_of_shard: Vec<String>,
}

impl SourceOutput {
    pub fn merge(&mut self, other: SourceOutput) {
        self.profiles.extend(other.profiles);
        self.discovered.extend(other.discovered);
        self.problems.extend(other.problems);
        self.opted_out.extend(other.opted_out);
        self.out_of_shard.extend(other.out_of_shard);
    }
}

/// How a seed URL is read (INTERFACE.md "Sources").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// `https://HOST/@NAME` — any Mastodon-API server; falls back to `Web` without the API.
    MastodonProfile { base: Url, acct: String },
    /// `https://HOST/tags/TAG` — the tag timeline, for discovery.
    MastodonTag { base: Url, tag: String },
    /// `https://bsky.app/profile/HANDLE` — through `[sources.bluesky] api_base`.
    Bluesky { handle: String },
    /// `https://www.youtube.com/channel/ID` — the Data API with a key (`[sources.youtube]
    /// api_key`), else the channel's Atom feed under `[sources.youtube] base`.
    Youtube { channel_id: String },
    /// `https://HOST/a/NAME`, `/c/NAME`, `/w/ID` — a PeerTube instance's REST API; falls back
    /// to `Web` when the host does not answer as PeerTube.
    Peertube { base: Url, target: peertube::Target },
    /// Anything else: an HTML page (schema.org ProfilePage) or an RSS/Atom feed.
    Web(Url),
}

/// Decide how to read `url`. Pure: looks at the URL only.
pub fn classify(url: &Url) -> Seed {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let segs: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let mut base = url.clone();
    base.set_path("/");
    base.set_query(None);
    base.set_fragment(None);

    let is_bsky = matches!(host.as_str(), "bsky.app" | "www.bsky.app");
    let is_youtube = matches!(
        host.as_str(),
        "www.youtube.com" | "youtube.com" | "m.youtube.com"
    );
    match (is_bsky, is_youtube, segs.as_slice()) {
        (true, _, ["profile", handle, ..]) => {
            return Seed::Bluesky {
                handle: handle.to_ascii_lowercase(),
            };
        }
        (_, true, ["channel", id, ..]) => {
            return Seed::Youtube {
                channel_id: id.to_string(),
            };
        }
        _ => {}
    }
    // PeerTube writes actor and video URLs without a trailing slash (`/c/NAME`, or a tab such
    // as `/c/NAME/videos`); `/c/NAME/` is a directory-style web page.
    let peertube = match segs.as_slice() {
        [kind, name, tab]
            if matches!(*kind, "a" | "c")
                && matches!(*tab, "videos" | "video-channels" | "playlists") =>
        {
            peertube::Target::from_segments(&[kind, name])
        }
        _ if url.path().ends_with('/') => None,
        s => peertube::Target::from_segments(s),
    };
    if let Some(target) = peertube {
        return Seed::Peertube { base, target };
    }
    match segs.as_slice() {
        [name] if name.starts_with('@') && name.len() > 1 => Seed::MastodonProfile {
            base,
            acct: name[1..].to_string(),
        },
        ["tags", tag] if !tag.is_empty() => Seed::MastodonTag {
            base,
            tag: tag.to_string(),
        },
        _ => Seed::Web(url.clone()),
    }
}

/// Path segments that introduce a person's page on a web site (`/creators/anna`,
/// `/u/anna`, `/author/anna`...).
const PROFILE_SEGMENTS: &[&str] = &[
    "creator", "creators", "profile", "profiles", "u", "user", "users", "author", "authors",
    "people", "members",
];

/// Does a link written in a post lead to a creator's page? Mastodon `/@NAME`, Bluesky
/// profiles (and their posts), YouTube channels, and web pages under a profile-like path
/// segment. Articles, shops and videos do not: following every link in every post would crawl
/// the web, not creators. Pure: looks at the URL only.
pub fn is_creator_link(url: &Url) -> bool {
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    match classify(url) {
        Seed::MastodonProfile { .. }
        | Seed::Bluesky { .. }
        | Seed::Youtube { .. }
        | Seed::Peertube { .. } => true,
        Seed::MastodonTag { .. } => false,
        Seed::Web(u) => {
            let segs: Vec<&str> = u
                .path_segments()
                .map(|s| s.filter(|p| !p.is_empty()).collect())
                .unwrap_or_default();
            // `/creators/anna` or `/creators/anna/`: the segment and one name, nothing deeper.
            matches!(segs.as_slice(), [kind, _name] if PROFILE_SEGMENTS.contains(&kind.to_ascii_lowercase().as_str()))
        }
    }
}

/// Read one seed through its source.
pub async fn read(url: &Url, ctx: &ReadContext<'_>) -> SourceOutput {
    match classify(url) {
        Seed::MastodonProfile { base, acct } => {
            mastodon::read_profile(url, &base, &acct, ctx).await
        }
        Seed::MastodonTag { base, tag } => mastodon::read_tag(url, &base, &tag, ctx).await,
        Seed::Bluesky { handle } => bluesky::read(&handle, ctx).await,
        Seed::Youtube { channel_id } => youtube_api::read(&channel_id, ctx).await,
        Seed::Peertube { base, target } => peertube::read(url, &base, &target, ctx).await,
        Seed::Web(u) => web::read(&u, ctx).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Seed {
        classify(&Url::parse(s).unwrap())
    }

    #[test]
    fn classifies_seeds() {
        assert!(
            matches!(c("https://fosstodon.org/@anna"), Seed::MastodonProfile { acct, .. } if acct == "anna")
        );
        assert!(
            matches!(c("http://127.0.0.1:9/tags/vegan"), Seed::MastodonTag { tag, .. } if tag == "vegan")
        );
        assert_eq!(
            c("https://bsky.app/profile/Alice.bsky.social"),
            Seed::Bluesky {
                handle: "alice.bsky.social".into()
            }
        );
        assert_eq!(
            c("https://www.youtube.com/channel/UC123"),
            Seed::Youtube {
                channel_id: "UC123".into()
            }
        );
        assert!(matches!(
            c("https://example.org/creators/anna"),
            Seed::Web(_)
        ));
        assert!(matches!(c("https://example.org/feed.xml"), Seed::Web(_)));
        use peertube::Target;
        let pt = |s: &str| match c(s) {
            Seed::Peertube { target, .. } => Some(target),
            _ => None,
        };
        assert_eq!(
            pt("https://framatube.org/c/joinpeertube/videos"),
            Some(Target::Channel("joinpeertube".into()))
        );
        assert_eq!(
            pt("https://framatube.org/a/framasoft"),
            Some(Target::Account("framasoft".into()))
        );
        assert_eq!(
            pt("https://framatube.org/w/kkGMgK9ZtnKfYAgnEtQxbv"),
            Some(Target::Video("kkGMgK9ZtnKfYAgnEtQxbv".into()))
        );
        assert_eq!(
            pt("https://framatube.org/videos/watch/9c9de5e8-0a1e"),
            Some(Target::Video("9c9de5e8-0a1e".into()))
        );
        // Directory-style pages and files are web pages.
        assert_eq!(pt("http://127.0.0.1:9/c/0/"), None);
        assert_eq!(pt("https://example.org/c/post.html"), None);
    }

    #[test]
    fn creator_links_in_posts() {
        let yes = |s: &str| is_creator_link(&Url::parse(s).unwrap());
        for u in [
            "https://fosstodon.org/@anna",
            "https://bsky.app/profile/lena.example",
            "https://bsky.app/profile/lena.example/post/3k2",
            "https://www.youtube.com/channel/UC123",
            "https://example.org/creators/anna",
            "https://example.org/u/anna/",
        ] {
            assert!(yes(u), "{u}");
        }
        for u in [
            "https://example.org/blog/2024/serum-review",
            "https://shop.example/products/serum",
            "https://www.youtube.com/watch?v=abc",
            "https://fosstodon.org/tags/skincare",
            "https://example.org/creators/anna/posts/1",
            "mailto:anna@example.org",
        ] {
            assert!(!yes(u), "{u}");
        }
    }
}
