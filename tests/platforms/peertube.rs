//! The PeerTube source over loopback: framatube.org's recorded answers served as recorded
//! (`peertube/` in the real data), our own instance (`fixtures/peertube/`: NSFW and private
//! videos, paging, a video seed, a deleted channel, a `/c/NAME` page that is not PeerTube),
//! and the demo world's channel crawled end to end.

use std::fs;
use std::path::Path;

use scout::model::Platform;
use scout::rank::{Ranker, SearchRequest};
use scout::sources::peertube::parse;

use super::real_data::rd;
use super::{config_for, kinds, read};
use crate::common;

const P: &str = "peertube/newpipe__framatube.org__";

fn lay_out(dir: &Path, files: &[(&str, &str)]) {
    for (target, sample) in files {
        let to = dir.join(target);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(rd(&format!("{P}{sample}")), &to).unwrap();
    }
}

fn recorded(sample: &str) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(rd(&format!("{P}{sample}"))).unwrap()).unwrap()
}

#[tokio::test]
async fn recorded_framatube_account_and_remote_channel_over_loopback() {
    let tmp = common::tempdir();
    let lqdn = "api/v1/video-channels/lqdn_channel@video.lqdn.fr";
    lay_out(
        tmp.path(),
        &[
            (
                "api/v1/accounts/framasoft/index.json",
                "accounts_framasoft.json",
            ),
            (
                "api/v1/accounts/framasoft/videos?start=0&count=12",
                "accounts_framasoft_videos_start0_count12.json",
            ),
            (
                &format!("{lqdn}/index.json"),
                "video-channels_lqdn_channel_at_video.lqdn.fr.json",
            ),
            (
                &format!("{lqdn}/videos?start=0&count=12"),
                "video-channels_lqdn_channel_at_video.lqdn.fr_videos_start0_count12.json",
            ),
        ],
    );
    let srv = common::serve(tmp.path()).await;
    let mut cfg = config_for(&srv.base());
    cfg.sources.peertube.page_size = 12;
    cfg.sources.peertube.max_threads = 0;
    cfg.crawl.max_posts = 12;

    let out = read(&srv.url("/a/framasoft"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.platform, Some(Platform::Peertube));
    assert_eq!(p.profile_url, "https://framatube.org/accounts/framasoft");
    assert_eq!(p.handle, "framasoft@framatube.org");
    assert_eq!((p.followers, p.following), (Some(980), Some(0)));
    assert_eq!(p.bio, "", "description: null");
    assert_eq!(
        p.posts.len(),
        12,
        "the list's total (712) is not read to the end"
    );
    assert_eq!(p.lang_hint.as_deref(), Some("fr"));
    let conf = p
        .posts
        .iter()
        .find(|x| x.comments_count == Some(20))
        .unwrap();
    assert_eq!((conf.views, conf.likes), (Some(732), Some(29)));
    assert!(
        p.posts
            .windows(2)
            .all(|w| w[0].published_at >= w[1].published_at)
    );

    // A remote channel as framatube caches it: canonical URL on its own host.
    let out = read(&srv.url("/c/lqdn_channel@video.lqdn.fr/videos"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(
        p.profile_url,
        "https://video.lqdn.fr/video-channels/lqdn_channel"
    );
    assert_eq!(p.followers, Some(1461));
    assert_eq!(p.posts.len(), 12);
    assert!(out.discovered.contains(&"https://don.lqdn.fr".to_string()));
}

#[test]
fn recorded_video_and_comment_threads_parse() {
    let video = recorded("videos_9c9de5e8-0a1e-484a-b099-e80766180a6d.json");
    let (post, thread) = parse::parse_video(&video).unwrap();
    assert_eq!(
        thread, "kkGMgK9ZtnKfYAgnEtQxbv",
        "threads are addressed by shortUUID"
    );
    assert_eq!(
        (post.views, post.likes, post.comments_count),
        (Some(143_684), Some(31), Some(10))
    );
    assert!(post.hashtags.contains(&"peertube".to_string()));
    assert!(!post.hashtags.contains(&parse::NSFW_TAG.to_string()));
    assert_eq!(
        parse::video_channel(&video, "127.0.0.1").as_deref(),
        Some("joinpeertube@framatube.org")
    );
    assert_eq!(
        parse::video_channel(&video, "framatube.org").as_deref(),
        Some("joinpeertube")
    );

    // 12 threads of which 6 are tombstones (deleted: empty text, account null).
    let page = recorded("videos_kkGMgK9ZtnKfYAgnEtQxbv_comment-threads_start0_count12.json");
    let (comments, with_replies) = parse::parse_threads(&page, "framasoft@framatube.org").unwrap();
    assert_eq!(comments.len(), 6);
    assert!(
        comments
            .iter()
            .all(|c| !c.text.is_empty() && !c.text.contains("<p>"))
    );
    assert_eq!(with_replies, ["34293"]);
    let tree = recorded("videos_kkGMgK9ZtnKfYAgnEtQxbv_comment-threads_34293.json");
    let replies = parse::parse_thread_replies(&tree, "framasoft@framatube.org");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].parent_id.as_deref(), Some("34293"));
    assert!(!replies[0].by_creator && !replies[0].author_handle.is_empty());

    let deleted =
        recorded("videos_217eefeb-883d-45be-b7fc-a788ad8507d3_comment-threads_start0_count12.json");
    let (comments, _) = parse::parse_threads(&deleted, "x@y").unwrap();
    // 5 of 7 threads are tombstones; of the 2 live ones, one is only an image (no text).
    assert_eq!(comments.len(), 1);
}

#[tokio::test]
async fn nsfw_private_paging_video_seed_and_gone_channel() {
    let srv = common::serve(common::fixtures().join("peertube")).await;
    let mut cfg = config_for(&srv.base());
    cfg.sources.peertube.page_size = 2;
    cfg.crawl.max_posts = 3;

    let out = read(&srv.url("/c/nightowl_films"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.followers, Some(312));
    // Two pages; the private video is not indexed.
    let names: Vec<&str> = p.posts.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        names,
        ["Burlesque night, uncut", "Rainy city walk at 2 a.m."]
    );
    assert!(p.posts[0].hashtags.contains(&parse::NSFW_TAG.to_string()));

    // The NSFW flag reaches brand safety as `adult`, with the video as evidence.
    let extractor = scout::extract::Extractor::new(&cfg).unwrap();
    let record = extractor.extract(p, &[], chrono::Utc::now());
    assert!(
        record.brand_safety_flags.contains(&"adult".to_string()),
        "{record:?}"
    );
    let evidence = record.brand_safety_evidence["adult"][0].to_lowercase();
    assert!(
        evidence.contains("burlesque") && evidence.contains("nsfw"),
        "{evidence}"
    );

    // A video seed is read as its channel.
    let out = read(&srv.url("/w/owlWalk3333333333333333"), &cfg).await;
    assert_eq!(
        out.profiles[0].profile_url,
        srv.url("/video-channels/nightowl_films")
    );

    // The instance answers /api/v1/config, so a 404 channel is gone (not a web page).
    let out = read(&srv.url("/c/closed_channel"), &cfg).await;
    assert!(out.profiles.is_empty());
    assert_eq!(kinds(&out), ["http_404"]);
    assert!(out.problems[0].detail.contains("PeerTube"));
}

#[tokio::test]
async fn a_c_path_on_another_site_is_a_web_page() {
    let srv = common::serve(common::fixtures().join("peertube/not_peertube")).await;
    let cfg = config_for(&srv.base());
    let out = read(&srv.url("/c/mira_makes"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.platform, Some(Platform::Web));
    assert_eq!(p.followers, Some(2140));
}

/// A host that is not PeerTube is asked once per crawl, not for every `/c/` page on it; a
/// PeerTube host's answer is remembered too (a second missing channel costs one request).
#[tokio::test]
async fn each_host_is_probed_for_peertube_once() {
    use crate::crawler_server::{Reply, lo};
    let page =
        std::fs::read_to_string(common::fixtures().join("peertube/not_peertube/c/mira_makes"))
            .unwrap();
    let shop = crate::crawler_server::Hostile::start(lo(1), move |hit, _| {
        match hit.path.strip_prefix("/c/") {
            Some(name) => Reply::html(&page.replace("mira_makes", name)),
            None => Reply::not_found(),
        }
    })
    .await;
    let instance = crate::crawler_server::Hostile::start(lo(1), |hit, _| {
        if hit.path == "/api/v1/config" {
            Reply::ok(
                "application/json",
                br#"{"instance":{"name":"t"},"serverVersion":"7.0.0"}"#,
            )
        } else {
            Reply::not_found()
        }
    })
    .await;
    let cfg = config_for(&format!("http://{}", shop.addr));
    let fetcher = scout::net::Fetcher::new(&cfg.crawl).unwrap();
    let ctx = scout::sources::ReadContext {
        fetcher: &fetcher,
        config: &cfg,
        read_in_full: &|_| true,
        known: &|_| None,
        bluesky_batches: None,
        peertube_hosts: &Default::default(),
    };
    for name in ["mira_makes", "kiln_notes", "glaze_lab"] {
        let out = scout::sources::read(&shop.url(&format!("/c/{name}")), &ctx).await;
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.profiles[0].platform, Some(Platform::Web));
        assert!(out.profiles[0].profile_url.ends_with(&format!("/c/{name}")));
        assert_eq!(out.profiles[0].followers, Some(2140));
    }
    let api: Vec<String> = shop
        .hits()
        .into_iter()
        .map(|h| h.path)
        .filter(|p| p.starts_with("/api/"))
        .collect();
    assert_eq!(
        api,
        ["/api/v1/video-channels/mira_makes", "/api/v1/config"],
        "only the first page pays the two lookups"
    );
    assert_eq!(shop.hits_for("/c/glaze_lab"), 1);

    for name in ["gone_one", "gone_two"] {
        let out = scout::sources::read(&instance.url(&format!("/c/{name}")), &ctx).await;
        assert_eq!(kinds(&out), ["http_404"]);
        assert!(
            out.problems[0].detail.contains("PeerTube"),
            "{:?}",
            out.problems
        );
    }
    assert_eq!(instance.hits_for("/api/v1/config"), 1);
    assert_eq!(instance.hits_for("/api/v1/video-channels/gone_two"), 1);
}

/// `scout demo` crawls the world's PeerTube channel and its "cycling" search shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_crawl_indexes_and_finds_the_peertube_channel() {
    let (_dir, index, cfg) = crate::ranking::demo_index().await;
    let world = common::fixtures().join("world");
    let seeds = std::fs::read_to_string(world.join("seeds-platforms.txt")).unwrap();
    assert!(seeds.contains("{{base}}/c/atelier_velo"));
    let rec = index
        .get("atelier_velo@127.0.0.1")
        .unwrap()
        .expect("the PeerTube channel is indexed")
        .record;
    assert_eq!(rec.platform, Platform::Peertube);
    assert_eq!(rec.followers, Some(2310));
    assert_eq!(rec.language.as_deref(), Some("fr"));
    assert_eq!(rec.posts_indexed, 4);
    assert!(rec.engagement_rate.is_some() && rec.creator_reply_share.is_some());
    assert!(
        rec.niches.iter().any(|n| n == "cycling"),
        "{:?}",
        rec.niches
    );

    let ranker = Ranker::new(&cfg).unwrap();
    let req = SearchRequest::from_pairs([("q", "cycling")]).unwrap();
    let resp = ranker.search(&index, &req).unwrap();
    assert!(
        resp.results
            .iter()
            .take(5)
            .any(|r| r.platform == Platform::Peertube),
        "{:?}",
        resp.results.iter().map(|r| &r.handle).collect::<Vec<_>>()
    );
}
