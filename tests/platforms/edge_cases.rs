//! Our own fixtures (`fixtures/platforms/`) for what the recordings lack: pagination across
//! pages, boosts and reposts, threads with creator replies, consent, deleted accounts, a host
//! without the Mastodon API, broken answers.

use scout::config::Config;
use scout::fixture_server::FixtureServer;

use super::{config_for, kinds, read};
use crate::common;

async fn server() -> (FixtureServer, Config) {
    let server = common::serve(common::fixtures().join("platforms/server")).await;
    let mut cfg = config_for(&server.base());
    cfg.sources.mastodon.page_size = 2;
    (server, cfg)
}

#[tokio::test]
async fn mastodon_pages_boosts_and_threads() {
    let (s, cfg) = server().await;
    let out = read(&s.url("/@paged"), &cfg).await;
    let p = &out.profiles[0];
    // Three pages of two; the boost is not a post of theirs; the fourth page is on another
    // origin and is not requested.
    let ids: Vec<_> = p.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["906", "904", "903", "902", "901"]);
    assert_eq!(p.location.as_deref(), Some("Lyon"));
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    assert!(
        out.discovered.contains(&s.url("/@booster_source")),
        "boosted author discovered"
    );
    assert!(
        out.discovered.contains(&s.url("/@fan")),
        "reply author discovered"
    );
    assert!(!out.discovered.contains(&s.url("/@paged")), "not itself");
    assert!(out.opted_out.contains(&s.url("/@shy_commenter")));
    assert!(!out.discovered.contains(&s.url("/@shy_commenter")));

    let thread = &p.posts[1];
    assert_eq!(thread.comments.len(), 3);
    let reply = &thread.comments[1];
    assert!(reply.by_creator);
    assert_eq!(reply.parent_id.as_deref(), Some("950"));
    assert_eq!(reply.text, "@fan Every ten days in summer.");
    assert_eq!(thread.comments[0].parent_id, None);
    assert_eq!(thread.comments[0].author_handle, "fan@127.0.0.1");
    // The second thread's context is missing: reported, the post kept without comments.
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert!(
        out.problems[0]
            .url
            .ends_with("/api/v1/statuses/903/context")
    );
    assert!(p.posts[2].comments.is_empty());

    // max_posts stops paging early.
    let mut cfg3 = cfg.clone();
    cfg3.crawl.max_posts = 3;
    let out = read(&s.url("/@paged"), &cfg3).await;
    assert_eq!(out.profiles[0].posts.len(), 3);

    // A creator outside this crawl's shard: account read for discovery, nothing else.
    let fetcher = scout::net::Fetcher::new(&cfg.crawl).unwrap();
    let nobody = |_: &str| false;
    let ctx = scout::sources::ReadContext {
        fetcher: &fetcher,
        config: &cfg,
        read_in_full: &nobody,
        known: &|_| None,
        bluesky_batches: None,
        peertube_hosts: &Default::default(),
    };
    let out = scout::sources::read(&url::Url::parse(&s.url("/@paged")).unwrap(), &ctx).await;
    assert!(out.profiles.is_empty() && out.problems.is_empty());
    assert_eq!(
        fetcher
            .stats
            .requests
            .load(std::sync::atomic::Ordering::Relaxed),
        2,
        "robots.txt and the lookup only"
    );
}

#[tokio::test]
async fn mastodon_consent_and_gone_accounts() {
    let (s, cfg) = server().await;
    for name in ["hidden", "undiscoverable"] {
        let out = read(&s.url(&format!("/@{name}")), &cfg).await;
        assert_eq!(out.opted_out, vec![s.url(&format!("/@{name}"))], "{name}");
        assert!(out.profiles.is_empty() && out.problems.is_empty(), "{name}");
    }
    let out = read(&s.url("/@deleted"), &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert_eq!(out.problems[0].url, s.url("/@deleted"));
    assert!(out.profiles.is_empty());
    let out = read(&s.url("/@gone"), &cfg).await;
    assert_eq!(kinds(&out), vec!["http_410"]);
    let out = read(&s.url("/@moved"), &cfg).await;
    assert_eq!(kinds(&out), vec!["moved"]);
    assert_eq!(out.discovered, vec![s.url("/@newhome")]);
    assert!(out.profiles.is_empty());
    // Statuses that are not JSON: no half-written profile, a problem naming the page.
    let out = read(&s.url("/@garbage"), &cfg).await;
    assert!(out.profiles.is_empty());
    assert_eq!(kinds(&out), vec!["bad_json"]);
    assert!(
        out.problems[0]
            .detail
            .contains("/api/v1/accounts/914/statuses?limit=2")
    );
}

#[tokio::test]
async fn mastodon_tag_timeline_discovers_authors() {
    let (s, cfg) = server().await;
    let out = read(&s.url("/tags/plants"), &cfg).await;
    assert!(out.profiles.is_empty() && out.problems.is_empty());
    assert_eq!(
        out.discovered,
        vec![s.url("/@booster_source"), s.url("/@paged")]
    );
    assert_eq!(out.opted_out, vec![s.url("/@hidden")]);
}

/// Whatever the web source makes of it, a host without the API is handed to the web source:
/// no Mastodon profile and no Mastodon lookup error.
fn handed_to_web(out: &scout::sources::SourceOutput, seed: &str) {
    assert!(
        out.profiles
            .iter()
            .all(|p| p.platform != Some(scout::model::Platform::Mastodon))
    );
    assert!(
        out.problems.iter().all(|p| !p.url.contains("/api/v1/")),
        "{:?}",
        out.problems
    );
    assert!(
        !out.profiles.is_empty() || out.problems.iter().any(|p| p.url.starts_with(seed)),
        "the web source reported on {seed}: {:?}",
        out.problems
    );
}

#[tokio::test]
async fn no_mastodon_api_falls_back_to_the_web_source() {
    let web = common::serve(common::fixtures().join("platforms/not-mastodon")).await;
    let cfg = config_for(&web.base());
    let seed = web.url("/@someone");
    handed_to_web(&read(&seed, &cfg).await, &seed);
    let tag = web.url("/tags/anything");
    handed_to_web(&read(&tag, &cfg).await, &tag);

    // A 200 that is an HTML page (a login wall) rather than JSON.
    let (s, cfg) = server().await;
    let seed = s.url("/@htmlpage");
    handed_to_web(&read(&seed, &cfg).await, &seed);
}

#[tokio::test]
async fn bluesky_pages_reposts_threads_and_consent() {
    let (_s, cfg) = server().await;
    let out = read("https://bsky.app/profile/paged.example", &cfg).await;
    let p = &out.profiles[0];
    assert_eq!(p.profile_url, "https://bsky.app/profile/paged.example");
    // Five own posts over three pages; the repost goes to its author; the cursor that stops
    // moving ends pagination.
    assert_eq!(p.posts.len(), 5);
    assert!(
        out.discovered
            .contains(&"https://bsky.app/profile/orig.example".to_string())
    );
    let t = &p.posts[0].comments;
    assert_eq!(t.len(), 3, "the notFoundPost is skipped");
    assert!(t[1].by_creator);
    assert_eq!(t[1].parent_id.as_deref(), Some(t[0].id.as_str()));
    assert!(
        out.discovered
            .contains(&"https://bsky.app/profile/fan.example".to_string())
    );
    assert!(
        out.opted_out
            .contains(&"https://bsky.app/profile/hidden.example".to_string())
    );
    // The second post's thread is missing: reported, post kept.
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert!(p.posts[1].comments.is_empty());

    let out = read("https://bsky.app/profile/hidden.example", &cfg).await;
    assert_eq!(
        out.opted_out,
        vec!["https://bsky.app/profile/hidden.example"]
    );
    assert!(out.profiles.is_empty());

    let out = read("https://bsky.app/profile/missing.example", &cfg).await;
    assert_eq!(kinds(&out), vec!["http_400"]);
    assert_eq!(
        out.problems[0].url,
        "https://bsky.app/profile/missing.example"
    );
    assert!(out.profiles.is_empty());
}
