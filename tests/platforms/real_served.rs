//! Recorded responses served over loopback the way the platform served them: the same paths
//! and query strings, the recorded `Link` headers (origin replaced by the loopback server) and
//! statuses, read through the real sources and fetcher.

use std::fs;
use std::path::Path;

use scout::model::Platform;

use super::real_data::rd;
use super::{config_for, kinds, read, read_feed_at};
use crate::common;

/// One recorded response to serve: `(file under the served dir, sample, optional (Link header
/// file, recorded origin to replace by {{base}}), optional status)`.
type Recorded<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>, Option<u16>);

/// Lay recorded responses out for the fixture server under `dir`.
fn lay_out(dir: &Path, files: &[Recorded<'_>]) {
    for (target, sample, link, status) in files {
        let to = dir.join(target);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(rd(sample), &to).unwrap();
        let mut headers = String::new();
        if let Some((link_file, origin)) = link {
            let h = fs::read_to_string(rd(link_file)).unwrap();
            headers.push_str(&format!("Link: {}\n", h.trim().replace(origin, "{{base}}")));
        }
        if let Some(s) = status {
            headers.push_str(&format!("Status: {s}\n"));
        }
        if !headers.is_empty() {
            fs::write(dir.join(format!("{target}.headers")), headers).unwrap();
        }
    }
}

const M: &str = "mastodon/extracted/mastodonpy-localhost__";

#[tokio::test]
async fn recorded_mastodon_server_over_loopback() {
    let tmp = common::tempdir();
    let pag = "test_get_pagination_info__HEAD-b9f2eff__11__api_v1_accounts_117020565966271181_statuses_limit_5";
    lay_out(
        tmp.path(),
        &[
            (
                "api/v1/accounts/lookup?acct=mastodonpy_test",
                &format!(
                    "{M}test_account_lookup__HEAD-b9f2eff__02__api_v1_accounts_lookup_acct_mastodonpy_test.json"
                ),
                None,
                None,
            ),
            (
                "api/v1/accounts/117020565966271181/statuses?limit=5&exclude_replies=true",
                &format!("{M}{pag}.json"),
                Some((
                    &format!("{M}{pag}.link-header.txt"),
                    "http://localhost:3000",
                )),
                None,
            ),
            (
                "api/v1/accounts/lookup?acct=kljadklajsdkljlkjlkjlkjasdasd",
                &format!(
                    "{M}test_account_lookup__HEAD-b9f2eff__01__api_v1_accounts_lookup_acct_kljadklajsdkljlkjlkjlkjasdasd.json"
                ),
                None,
                Some(404),
            ),
            (
                "api/v1/instance",
                &format!("{M}test_instance_v1__HEAD-b9f2eff__00__api_v1_instance.json"),
                None,
                None,
            ),
            (
                "api/v1/accounts/lookup?acct=schochastics",
                "mastodon/extracted/rtoot__get_account_default__00__fosstodon_org_api_v1_accounts_109302436954721982.json",
                None,
                None,
            ),
            (
                "api/v1/timelines/tag/rstats?limit=40",
                "mastodon/extracted/rtoot__get_timeline_hashtag_default__00__fosstodon_org_api_v1_timelines_tag_rstats_local_FALSE_only_media_FALSE_limit_5.json",
                Some((
                    "mastodon/extracted/rtoot__get_timeline_hashtag_default__00__fosstodon_org_api_v1_timelines_tag_rstats_local_FALSE_only_media_FALSE_limit_5.link-header.txt",
                    "https://fosstodon.org",
                )),
                None,
            ),
        ],
    );
    let server = common::serve(tmp.path()).await;
    let mut cfg = config_for(&server.base());
    cfg.sources.mastodon.page_size = 5;
    cfg.crawl.max_posts = 5;

    let out = read(&server.url("/@mastodonpy_test"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.profile_url, "http://localhost:3000/@mastodonpy_test");
    assert_eq!(p.handle, "mastodonpy_test@localhost");
    assert_eq!(p.posts.len(), 5);
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    assert!(
        p.posts
            .iter()
            .all(|q| q.published_at.is_some() && q.comments.is_empty())
    );

    // Asking for more follows the recorded `Link: rel="next"`; that page was never recorded,
    // so its 404 is reported and the first page still makes a profile.
    cfg.crawl.max_posts = 8;
    let out = read(&server.url("/@mastodonpy_test"), &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert!(
        out.problems[0].url.contains("max_id=117020581882406424"),
        "{:?}",
        out.problems
    );
    assert_eq!(out.profiles[0].posts.len(), 5);

    // The recorded "Record not found": the server speaks the API, so the account is gone.
    let out = read(&server.url("/@kljadklajsdkljlkjlkjlkjasdasd"), &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert!(out.profiles.is_empty());

    // A real account with `indexable: false`: opted out before any status is read.
    let out = read(&server.url("/@schochastics"), &cfg).await;
    assert_eq!(out.opted_out, vec!["https://fosstodon.org/@schochastics"]);
    assert!(out.profiles.is_empty() && out.problems.is_empty());

    let out = read(&server.url("/tags/rstats"), &cfg).await;
    assert!(out.profiles.is_empty());
    assert_eq!(
        out.discovered,
        vec![
            "https://hachyderm.io/@zkamvar",
            "https://bsky.brid.gy/ap/did:plc:hmk4f5yf3ohtsvw32sbtwvk3"
        ]
    );
    assert_eq!(out.opted_out.len(), 3);
}

#[tokio::test]
async fn recorded_bluesky_and_youtube_over_loopback() {
    let tmp = common::tempdir();
    lay_out(
        tmp.path(),
        &[
            (
                "bsky/xrpc/app.bsky.actor.getProfile?actor=shinyakato.dev",
                "bluesky/atproto-dart__actor_getProfile.json",
                None,
                None,
            ),
            (
                "bsky/xrpc/app.bsky.feed.getAuthorFeed?actor=shinyakato.dev&limit=23&filter=posts_and_author_threads",
                "bluesky/atproto-dart__feed_getAuthorFeed.json",
                None,
                None,
            ),
            (
                "yt/feeds/videos.xml?channel_id=UC9PBzalIcEQCsiIkq36PyUA",
                "youtube_atom/capyreader__atom-feed-youtube__DigitalFoundry.xml",
                None,
                None,
            ),
            (
                "feeds/heated.xml",
                "rss_creator/feed-rs__rss_2.0_heated.xml",
                None,
                None,
            ),
        ],
    );
    let server = common::serve(tmp.path()).await;
    let mut cfg = config_for(&server.base());
    cfg.crawl.max_posts = 23;
    // The recorded thread belongs to another account's post; threads are covered elsewhere.
    cfg.sources.bluesky.max_threads = 0;

    // The recording answers as the default filter does (replies included): 3 own posts, 20
    // replies set apart; too few posts, so the recorded cursor is followed, and the page
    // behind it was never recorded (its 404 is reported, the first page kept).
    let out = read("https://bsky.app/profile/shinyakato.dev", &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert!(out.problems[0].detail.contains("cursor=1682809172466"));
    let p = &out.profiles[0];
    assert_eq!(p.platform, Some(Platform::Bluesky));
    assert_eq!(p.followers, Some(4945));
    assert_eq!((p.posts.len(), p.conversation.len()), (3, 20));
    assert!(
        out.discovered
            .contains(&"https://bsky.app/profile/xychelsea.tv".to_string())
    );

    let out = read(
        "https://www.youtube.com/channel/UC9PBzalIcEQCsiIkq36PyUA",
        &cfg,
    )
    .await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(
        p.profile_url,
        "https://www.youtube.com/channel/UC9PBzalIcEQCsiIkq36PyUA"
    );
    assert_eq!((p.followers, p.posts.len()), (None, 15));

    let out = read_feed_at(&server.url("/feeds/heated.xml"), &cfg).await;
    assert_eq!(out.profiles[0].profile_url, "https://heated.world/");
    assert_eq!(out.profiles[0].display_name, "HEATED");

    // An unknown channel: the feed 404s, a problem names the channel.
    let out = read("https://www.youtube.com/channel/UCnope", &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert_eq!(
        out.problems[0].url,
        "https://www.youtube.com/channel/UCnope"
    );
}
