//! The benchmark world over real sockets: the server answers what the generator says, on the
//! right host only, through the real Fetcher with robots.txt respected; and a real crawl of it
//! indexes exactly the generated creators (once the web source is built — until then the crawl
//! must report that source as unsupported, which is what the bench harness skips on).

mod ranking;

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

/// The nightly job's request budget over real sockets: a first crawl reads at most 12
/// requests per creator; after a night in which about a tenth of the posts gained a reply, a
/// refresh reads only those threads (≤ 3 requests per creator) and keeps every stored comment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_reads_only_the_threads_that_grew() {
    let srv = server::spawn(13, 40, &loopback_hosts(2), 0, chrono::Utc::now())
        .await
        .expect("bind 127.0.0.2 and 127.0.0.3");
    let w = &srv.world;
    let mut cfg = bench_config(500.0, 10, 8);
    cfg.sources.mastodon.rate = 500.0;
    let dir = tempfile::tempdir().unwrap();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let first = scout::crawl::crawl(
        &cfg,
        &index,
        CrawlOptions {
            seeds: w.seeds(40, Format::Mastodon),
            mode: "test".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(first.creators_new, 40, "{first:?}");
    assert!(first.requests <= 40 * 12, "{} requests", first.requests);
    let comments = |i: u64| -> usize {
        let c = index.get(&w.mastodon_profile_url(i)).unwrap().unwrap();
        c.raw.unwrap().posts.iter().map(|p| p.comments.len()).sum()
    };
    let before: Vec<usize> = (0..40).map(comments).collect();

    w.day.store(1, std::sync::atomic::Ordering::Relaxed);
    let s = scout::crawl::refresh::refresh(
        &cfg,
        &index,
        std::time::Duration::ZERO,
        None,
        Vec::new(),
        false,
    )
    .await
    .unwrap();
    assert_eq!(s.creators_updated, 40, "{s:?}");
    assert!(
        s.requests <= 40 * 3,
        "{} requests for 40 creators",
        s.requests
    );
    assert!(s.requests < first.requests);
    // A creator none of whose posts grew has an unchanged first page: Mastodon's weak ETag
    // comes back as a 304, and the stored posts stand.
    assert!(s.not_modified > 0, "{s:?}");
    assert!(
        s.bytes < first.bytes / 2,
        "{} of {} bytes",
        s.bytes,
        first.bytes
    );
    // Threads not read again keep their comments; the grown ones gained theirs.
    let after: Vec<usize> = (0..40).map(comments).collect();
    assert!(
        before.iter().zip(&after).all(|(b, a)| a >= b),
        "{before:?} → {after:?}"
    );
    assert!(after.iter().sum::<usize>() > before.iter().sum::<usize>());
}

/// Bluesky accounts on one AppView host: a refresh asks for profiles and known posts' counts
/// 25 at a time (`getProfiles`, `getPosts`), reads only the threads that grew, and ends with
/// what a refresh without batching ends with, in fewer requests (counted at the server).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bluesky_refresh_batches_profiles_and_counts() {
    let srv = server::spawn_with_bluesky(
        17,
        60,
        &loopback_hosts(2),
        0,
        chrono::Utc::now(),
        vec![1, 3],
        Some(1),
    )
    .await
    .expect("bind 127.0.0.2 and 127.0.0.3");
    let w = &srv.world;
    let bsky: Vec<u64> = (0..60).filter(|&i| w.is_bluesky(i)).collect();
    assert!(bsky.len() > 30, "{}", bsky.len());
    let mut cfg = bench_config(500.0, 10, 8);
    cfg.sources.bluesky.api_base = w.hosts[1].clone();
    let appview_requests = || srv.log.snapshot(true)[1].len();
    let crawl_all = |dir: &std::path::Path| {
        let index = CreatorIndex::open_or_create(dir).unwrap();
        let cfg = cfg.clone();
        let seeds = w.api_seeds(60);
        async move {
            let s = scout::crawl::crawl(
                &cfg,
                &index,
                CrawlOptions {
                    seeds,
                    mode: "test".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            (index, s)
        }
    };
    let (dirs, mut indexes) = (
        [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()],
        Vec::new(),
    );
    for d in &dirs {
        let (index, s) = crawl_all(d.path()).await;
        assert_eq!(s.creators_new, 60, "{s:?}");
        indexes.push(index);
    }
    let first = appview_requests() / 2;
    assert!(first <= bsky.len() * 12, "{first} requests");

    // As if the first account had published its newest post since the first crawl: the
    // stored postsCount no longer matches, so the batched refresh reads its feed page (the
    // batch calls alone would not find the post).
    let moved = w.bluesky_profile_url(bsky[0]);
    let stored = indexes[0].get(&moved).unwrap().unwrap();
    let mut raw = stored.raw.unwrap();
    raw.posts.remove(0);
    raw.posts_count = raw.posts_count.map(|n| n - 1);
    let mut writer = indexes[0].writer().unwrap();
    writer.upsert(&stored.record, &raw).unwrap();
    writer.commit(None).unwrap();
    drop(writer);
    indexes[0].reload().unwrap();
    let n = |x: &CreatorIndex| x.get(&moved).unwrap().unwrap().raw.unwrap().posts.len();
    assert_eq!(n(&indexes[0]) + 1, n(&indexes[1]));

    // A night passes; one index is refreshed with batching, the other without.
    w.day.store(1, std::sync::atomic::Ordering::Relaxed);
    let mut counts = Vec::new();
    for (index, batch) in indexes.iter().zip([true, false]) {
        let mut cfg = cfg.clone();
        cfg.sources.bluesky.batch_refresh = batch;
        let zero = std::time::Duration::ZERO;
        let s = scout::crawl::refresh::refresh(&cfg, index, zero, None, Vec::new(), false)
            .await
            .unwrap();
        assert_eq!(s.creators_updated, 60, "{s:?}");
        assert_eq!(s.errors, 0, "{s:?}");
        counts.push(appview_requests());
    }
    let (batched, alone) = (counts[0], counts[1]);
    // Alone: getProfile + getAuthorFeed + the grown threads each; batched: the threads and
    // a few batch calls.
    assert!(alone >= 2 * bsky.len(), "{alone}");
    assert!(
        batched + bsky.len() < alone,
        "batched {batched}, alone {alone}"
    );
    assert!(batched <= 3 * bsky.len(), "{batched}");
    // Both end with the same posts, counts and comments.
    for &i in &bsky {
        let url = w.bluesky_profile_url(i);
        let got: Vec<_> = indexes
            .iter()
            .map(|x| x.get(&url).unwrap().unwrap().raw.unwrap())
            .collect();
        let view =
            |r: &scout::model::RawProfile| -> Vec<(String, Option<u64>, Option<u64>, usize)> {
                r.posts
                    .iter()
                    .map(|p| (p.id.clone(), p.comments_count, p.likes, p.comments.len()))
                    .collect()
            };
        assert_eq!(view(&got[0]), view(&got[1]), "{url}");
        assert_eq!(got[0].posts_count, got[1].posts_count, "{url}");
        assert_eq!(got[0].followers, got[1].followers);
        let c = w.creator(i);
        let served: usize = (0..c.posts).map(|j| w.post(&c, j).comments.len()).sum();
        let stored: usize = got[0].posts.iter().map(|p| p.comments.len()).sum();
        assert_eq!(stored, served, "{url}: every grown thread read");
    }
}
