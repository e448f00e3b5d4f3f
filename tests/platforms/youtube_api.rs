//! The YouTube Data API source over loopback: recorded answers (`youtube_data_api/` in the real
//! data) and our own fixtures (`fixtures/youtube_api/`) for what the recordings lack —
//! pagination, hidden subscriber counts, comments turned off, a spent quota, a deleted channel.

use std::fs;
use std::path::Path;

use scout::config::{ApiKey, Config};
use scout::model::Platform;
use scout::sources::youtube_api::parse;

use super::real_data::rd;
use super::{config_for, kinds, read};
use crate::common;

/// Never sent anywhere but loopback, and must never show in any output.
const KEY: &str = "AIzaSyTEST-loopback-only-0000000000000";

fn yt(id: &str) -> String {
    format!("https://www.youtube.com/channel/{id}")
}

/// `fixtures/youtube_api` served: the API under `/api`, channel feeds under `/yt`.
fn api_config(base: &str, quota_dir: &Path, daily: u64) -> Config {
    let mut c = config_for(base);
    c.sources.youtube.api_key = Some(ApiKey::new(KEY));
    c.sources.youtube.api_base = format!("{base}/api");
    c.sources.youtube.daily_quota = daily;
    c.sources.youtube.quota_file = quota_dir
        .join("youtube_quota.json")
        .to_string_lossy()
        .into_owned();
    c.crawl.max_posts = 3;
    c
}

fn quota_used(c: &Config) -> u64 {
    let text = fs::read_to_string(&c.sources.youtube.quota_file).unwrap();
    assert!(!text.contains(KEY), "the key itself is never stored");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys = v["keys"].as_object().unwrap();
    assert_eq!(keys.len(), 1);
    keys.values().next().unwrap()["used"].as_u64().unwrap()
}

#[tokio::test]
async fn subscribers_paged_uploads_statistics_and_comments() {
    let srv = common::serve(common::fixtures().join("youtube_api")).await;
    let tmp = common::tempdir();
    let cfg = api_config(&srv.base(), tmp.path(), 10_000);
    let out = read(&yt("UCpagedPotter00000000000"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.platform, Some(Platform::Youtube));
    assert_eq!(p.profile_url, yt("UCpagedPotter00000000000"));
    assert_eq!(
        (p.handle.as_str(), p.followers),
        ("@potterswheel", Some(48_200))
    );
    assert_eq!(p.posts_count, Some(212));
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    // Two playlist pages (nextPageToken followed), newest first.
    let ids: Vec<&str> = p.posts.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["potVid00001", "potVid00002", "potVid00003"]);
    let v1 = &p.posts[0];
    assert_eq!(
        (v1.views, v1.likes, v1.comments_count),
        (Some(18_200), Some(1_310), Some(3))
    );
    // Two threads and the creator's reply, recognised by authorChannelId.
    assert_eq!(v1.comments.len(), 3);
    let reply = v1
        .comments
        .iter()
        .find(|c| c.by_creator)
        .expect("creator reply");
    assert_eq!(reply.parent_id.as_deref(), Some("UgzThread1"));
    // Comments turned off (403 commentsDisabled): the video stays, without comments.
    assert!(p.posts[1].comments.is_empty() && p.posts[1].comments_count.is_none());
    assert!(
        out.discovered
            .contains(&"https://shop.example/pots".to_string())
    );
    // channel + 2 playlist pages + 1 videos call + 2 comment calls (none for 0 comments).
    assert_eq!(quota_used(&cfg), 6);
    assert!(!format!("{out:?}").contains(KEY));
}

#[tokio::test]
async fn hidden_subscribers_and_a_deleted_channel() {
    let srv = common::serve(common::fixtures().join("youtube_api")).await;
    let tmp = common::tempdir();
    let cfg = api_config(&srv.base(), tmp.path(), 10_000);
    let out = read(&yt("UChiddenSubs000000000000"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.profiles[0];
    assert_eq!(p.followers, None, "hidden is unknown, never 0");
    assert_eq!(p.location.as_deref(), Some("IE"));
    assert!(p.posts.is_empty());

    let out = read(&yt("UCdeletedChannel00000000"), &cfg).await;
    assert!(out.profiles.is_empty());
    assert_eq!(kinds(&out), ["http_404"], "counted as gone by a refresh");
}

#[tokio::test]
async fn quota_exceeded_is_reported_once_and_feeds_take_over() {
    let srv = common::serve(common::fixtures().join("youtube_api")).await;
    let tmp = common::tempdir();
    let cfg = api_config(&srv.base(), tmp.path(), 10_000);
    let out = read(&yt("UCquotaExceeded000000000"), &cfg).await;
    assert_eq!(kinds(&out), ["youtube_quota_spent"]);
    assert!(out.problems[0].detail.contains("Pacific"));
    // The feed still gives the channel and its titles.
    let p = &out.profiles[0];
    assert_eq!((p.followers, p.posts.len()), (None, 1));
    assert_eq!(
        quota_used(&cfg),
        10_000,
        "Google's word counts: today is spent"
    );

    // Later channels go straight to their feeds, without a second report.
    let out = read(&yt("UCpagedPotter00000000000"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.profiles[0].followers, None);
    assert!(
        out.profiles[0].posts[0]
            .text
            .starts_with("Throwing a tall vase")
    );
}

#[tokio::test]
async fn budget_goes_to_the_first_channels_and_persists_across_runs() {
    let srv = common::serve(common::fixtures().join("youtube_api")).await;
    let tmp = common::tempdir();
    // Channel, two playlist pages and the videos call cost 4; one comment call fits.
    let cfg = api_config(&srv.base(), tmp.path(), 5);
    let out = read(&yt("UCpagedPotter00000000000"), &cfg).await;
    assert_eq!(kinds(&out), ["youtube_quota_spent"]);
    let p = &out.profiles[0];
    assert_eq!(p.followers, Some(48_200));
    assert_eq!(
        p.posts[0].comments.len(),
        3,
        "the newest video's comments were read"
    );
    assert_eq!(quota_used(&cfg), 5);

    // Too little left for another channel: its feed is read, nothing more is reported.
    let out = read(&yt("UChiddenSubs000000000000"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.profiles[0].posts.len(), 1, "from the feed");

    // Another run (a fresh quota read from the same file) finds today spent.
    let next_run = common::tempdir();
    let mut cfg2 = api_config(&srv.base(), next_run.path(), 5);
    fs::copy(
        &cfg.sources.youtube.quota_file,
        &cfg2.sources.youtube.quota_file,
    )
    .unwrap();
    cfg2.sources.youtube.max_comment_videos = 0;
    let out = read(&yt("UCpagedPotter00000000000"), &cfg2).await;
    assert_eq!(kinds(&out), ["youtube_quota_spent"]);
    assert_eq!(out.profiles[0].followers, None, "read from the feed");
}

/// The recorded `keyInvalid` answer (HTTP 400): reported once, naming the config key and not
/// the key; the API is not asked again in this run.
#[tokio::test]
async fn recorded_key_invalid_closes_the_api_for_the_run() {
    let tmp = common::tempdir();
    let dir = tmp.path().join("www");
    fs::create_dir_all(dir.join("api")).unwrap();
    fs::create_dir_all(dir.join("yt/feeds")).unwrap();
    for id in ["UCquotaExceeded000000000", "UCpagedPotter00000000000"] {
        let feed = format!("yt/feeds/videos.xml?channel_id={id}");
        fs::copy(
            common::fixtures().join("youtube_api").join(&feed),
            dir.join(&feed),
        )
        .unwrap();
        let target = dir.join(format!(
            "api/channels?part=snippet,statistics,contentDetails&id={id}"
        ));
        fs::copy(
            rd("youtube_data_api/python-youtube__error_response_keyInvalid_400.json"),
            &target,
        )
        .unwrap();
        fs::write(target.with_extension("headers"), "Status: 400\n").unwrap();
    }
    let srv = common::serve(&dir).await;
    let cfg = api_config(&srv.base(), tmp.path(), 10_000);
    let out = read(&yt("UCquotaExceeded000000000"), &cfg).await;
    assert_eq!(kinds(&out), ["youtube_key_rejected"]);
    let detail = &out.problems[0].detail;
    assert!(detail.contains("keyInvalid") && detail.contains("sources.youtube.api_key"));
    assert!(!detail.contains(KEY));
    assert_eq!(out.profiles[0].posts.len(), 1, "the feed took over");
    let out = read(&yt("UCpagedPotter00000000000"), &cfg).await;
    assert!(out.problems.is_empty(), "reported once: {:?}", out.problems);
    assert_eq!(quota_used(&cfg), 1, "one call, then no more");
}

/// A recorded channel and its recorded uploads page, served as Google served them.
#[tokio::test]
async fn recorded_channel_and_uploads_over_loopback() {
    let tmp = common::tempdir();
    let api = tmp.path().join("api");
    fs::create_dir_all(&api).unwrap();
    fs::copy(
        rd("youtube_data_api/ha-core__get_channel.json"),
        api.join("channels?part=snippet,statistics,contentDetails&id=UC_x5XG1OV2P6uZZ5FSM9Ttw"),
    )
    .unwrap();
    fs::copy(
        rd("youtube_data_api/ha-core__get_playlist_items.json"),
        api.join(
            "playlistItems?part=snippet,contentDetails&playlistId=UU_x5XG1OV2P6uZZ5FSM9Ttw&maxResults=5",
        ),
    )
    .unwrap();
    let srv = common::serve(tmp.path()).await;
    let mut cfg = api_config(&srv.base(), tmp.path(), 10_000);
    cfg.crawl.max_posts = 5;
    let out = read(&yt("UC_x5XG1OV2P6uZZ5FSM9Ttw"), &cfg).await;
    let p = &out.profiles[0];
    assert_eq!(p.handle, "@googledevelopers");
    assert_eq!(p.followers, Some(2_290_000));
    assert_eq!(p.posts_count, Some(5_798));
    assert_eq!(p.location.as_deref(), Some("US"));
    // The videos.list answer for these five uploads was never recorded: that call fails
    // (reported, with no key in it) and the channel's feed, not served either, is tried.
    assert_eq!(kinds(&out), ["http_404", "http_404"]);
    assert!(
        out.problems[0]
            .url
            .contains("videos?part=snippet%2Cstatistics&id=wysukDrMdqU%2C")
    );
    assert!(p.posts.is_empty());
}

/// Recorded answers the fixtures above do not serve, parsed directly.
#[test]
fn recorded_videos_comments_and_errors_parse() {
    let json = |f: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(rd(&format!("youtube_data_api/{f}"))).unwrap())
            .unwrap()
    };
    let videos = parse::parse_videos(&json("youtubeaio__video_response_1.json"));
    assert_eq!(videos.len(), 2);
    assert_eq!(
        (videos[0].views, videos[0].likes, videos[0].comments_count),
        (Some(23_278_951), Some(391_633), Some(9_518))
    );
    let old = parse::parse_videos(&json("python-youtube__video_api_response__2019.json"));
    assert_eq!((old[0].likes, old[0].comments_count), (Some(190), Some(32)));

    let threads = json("python-youtube__comment_threads_by_video_id__2019-ded6b44.json");
    let cs = parse::parse_comment_threads(&threads, "UC_x5XG1OV2P6uZZ5FSM9Ttw");
    assert_eq!(cs.len(), 6, "5 threads and the one embedded reply");
    let reply = cs.iter().find(|c| c.parent_id.is_some()).unwrap();
    assert_eq!(
        reply.parent_id.as_deref(),
        Some("UgydxWWoeA7F1OdqypJ4AaABAg")
    );
    assert!(
        cs.iter()
            .all(|c| !c.text.contains("<a href") && !c.by_creator)
    );
    let paged = json("python-youtube__comment_threads_by_video_paged_1.json");
    assert!(parse::next_page_token(&paged).is_some());

    let reason = |f: &str| parse::error_reason(&json(f));
    let invalid = reason("python-youtube__error_response_keyInvalid_400.json");
    assert_eq!(invalid.as_deref(), Some("keyInvalid"));
    let disabled = reason("youtubeaio__youtube_not_activated_403.json");
    assert_eq!(
        parse::classify_error(403, disabled.as_deref()),
        parse::ApiError::KeyRejected
    );
}

#[test]
fn the_key_never_shows_in_config_output() {
    let tmp = common::tempdir();
    let file = tmp.path().join("scout.toml");
    fs::write(&file, format!("[sources.youtube]\napi_key = \"{KEY}\"\n")).unwrap();
    let cfg = Config::load(Some(&file), &[]).unwrap();
    assert_eq!(cfg.sources.youtube.api_key.as_ref().unwrap().expose(), KEY);
    let toml = cfg.to_toml();
    assert!(toml.contains("api_key = \"<hidden>\"") && !toml.contains(KEY));
    assert!(!format!("{cfg:?}").contains(KEY));
    // Feeding `scout config` output back is refused, without quoting anything.
    fs::write(&file, &toml).unwrap();
    let err = Config::load(Some(&file), &[]).unwrap_err().to_string();
    assert!(err.contains("sources.youtube.api_key"), "{err}");
}
