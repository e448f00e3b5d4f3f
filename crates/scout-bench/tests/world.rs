//! The benchmark world over real sockets: the server answers what the generator says, on the
//! right host only, through the real Fetcher with robots.txt respected; and a real crawl of it
//! indexes exactly the generated creators (once the web source is built — until then the crawl
//! must report that source as unsupported, which is what the bench harness skips on).

use scout::crawl::CrawlOptions;
use scout::index::CreatorIndex;
use scout::net::{FetchError, Fetcher};
use scout_bench::crawl_bench::bench_config;
use scout_bench::server::{self, loopback_hosts};
use scout_bench::world::Format;
use url::Url;

fn u(s: &str) -> Url {
    Url::parse(s).expect("valid URL")
}

#[tokio::test]
async fn world_server_answers_through_the_real_fetcher() {
    let srv = server::spawn(9, 50, &loopback_hosts(2), 0, chrono::Utc::now())
        .await
        .expect("bind 127.0.0.2 and 127.0.0.3");
    let w = &srv.world;
    let fetcher = Fetcher::new(&bench_config(500.0, 10, 8).crawl).unwrap();

    let profile = fetcher.get(&u(&w.web_profile_url(4))).await.unwrap();
    let html = profile.text();
    assert!(html.contains("\"@type\":\"ProfilePage\""), "{html}");
    assert!(html.contains(&format!("\"url\":\"{}\"", w.web_profile_url(4))));
    let c = w.creator(4);
    assert!(html.contains(&format!("\"userInteractionCount\":{}", c.followers)));

    let post = fetcher.get(&u(&w.web_post_url(4, 0))).await.unwrap();
    assert!(post.text().contains("\"@type\":\"SocialMediaPosting\""));
    let past_the_end = fetcher.get(&u(&w.web_post_url(4, c.posts))).await;
    assert!(
        matches!(past_the_end, Err(FetchError::Status { status: 404, .. })),
        "{past_the_end:?}"
    );

    // Creator 4 lives on host 0 (127.0.0.2); host 1 must not answer for it.
    let wrong_host = w.web_profile_url(4).replace(&w.hosts[0], &w.hosts[1]);
    assert!(matches!(
        fetcher.get(&u(&wrong_host)).await,
        Err(FetchError::Status { status: 404, .. })
    ));

    let private = format!("{}/private/x", w.hosts[0]);
    assert!(matches!(
        fetcher.get(&u(&private)).await,
        Err(FetchError::Robots { .. })
    ));

    let lookup = format!("{}/api/v1/accounts/lookup?acct={}", w.hosts[1], w.handle(5));
    let acct: serde_json::Value =
        serde_json::from_slice(&fetcher.get(&u(&lookup)).await.unwrap().body).unwrap();
    assert_eq!(acct["followers_count"], w.creator(5).followers);
    assert_eq!(acct["url"], w.mastodon_profile_url(5).as_str());

    // Every request reached the server and was logged against its host (robots.txt included).
    let log = srv.log.snapshot(false);
    assert_eq!(log.len(), 2);
    assert!(log[0].len() >= 4, "{log:?}");
    assert!(log[1].len() >= 2, "{log:?}");
}

#[tokio::test]
async fn a_crawl_of_the_world_indexes_the_generated_creators() {
    let srv = server::spawn(11, 16, &loopback_hosts(2), 0, chrono::Utc::now())
        .await
        .expect("bind loopback hosts");
    let w = &srv.world;
    let dir = tempfile::tempdir().expect("tempdir");
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let config = bench_config(500.0, 10, 16);
    let summary = scout::crawl::crawl(
        &config,
        &index,
        CrawlOptions {
            seeds: w.seeds(16, Format::Web),
            mode: "test".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if summary.errors_by_kind.get("unsupported") == Some(&16) {
        // Web source not built in this tree: nothing fetched, nothing indexed.
        assert_eq!(summary.creators_new, 0);
        return;
    }
    assert_eq!(summary.errors, 0, "{:?}", summary.problems);
    assert_eq!(summary.creators_new, 16);
    for i in 0..16 {
        let raw = w.raw_profile(i);
        let got = index
            .get(&raw.profile_url)
            .unwrap()
            .unwrap_or_else(|| panic!("{} not indexed", raw.profile_url));
        assert_eq!(got.record.followers, raw.followers, "{}", raw.profile_url);
        assert_eq!(got.record.posts_indexed, raw.posts.len() as u64);
        let stored = got.raw.expect("raw profile stored");
        let comments = |p: &scout::model::RawProfile| -> usize {
            p.posts.iter().map(|p| p.comments.len()).sum()
        };
        assert_eq!(comments(&stored), comments(&raw), "{}", raw.profile_url);
    }
}
