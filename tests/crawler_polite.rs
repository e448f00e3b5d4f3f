//! Politeness against a scripted loopback server: robots.txt in all its states, Crawl-delay,
//! Retry-After and backoff, and rate limits measured where they matter — at the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::crawler_server::{
    Hit, Hostile, Reply, config, fetcher, kind, lo, max_in_one_second, server, times,
};

// ---------------------------------------------------------------------------------------------
// robots.txt

fn robots_server(
    robots: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static {
    move |hit: &Hit, n: usize| {
        if hit.path == "/robots.txt" {
            robots(n)
        } else {
            Reply::html("<p>page</p>")
        }
    }
}

#[tokio::test]
async fn robots_rules_for_our_token_apply_and_the_file_is_fetched_once() {
    let srv = Hostile::start(
        lo(1),
        robots_server(|_| {
            Reply::ok(
                "text/plain",
                b"User-agent: *\nDisallow: /\n\nUser-agent: scout\nDisallow: /private\n",
            )
        }),
    )
    .await;
    let f = fetcher(&config());
    assert_eq!(kind(f.get(&srv.url("/public")).await), "ok 200");
    assert_eq!(
        kind(f.get(&srv.url("/private/x")).await),
        "robots_disallowed"
    );
    assert_eq!(kind(f.get(&srv.url("/public/2")).await), "ok 200");
    assert_eq!(srv.hits_for("/robots.txt"), 1, "robots.txt cached");
    assert_eq!(srv.hits_for("/private/x"), 0);
    assert_eq!(
        f.stats
            .robots_blocked
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn robots_5xx_blocks_the_host_and_4xx_allows_it() {
    let down = Hostile::start(lo(1), robots_server(|_| Reply::status(500, &[], b"oops"))).await;
    let f = fetcher(&config());
    assert_eq!(kind(f.get(&down.url("/a")).await), "robots_disallowed");
    assert_eq!(kind(f.get(&down.url("/b")).await), "robots_disallowed");
    assert_eq!(down.hits_for("/a") + down.hits_for("/b"), 0);
    assert_eq!(down.hits_for("/robots.txt"), 1);

    let absent = Hostile::start(lo(1), robots_server(|_| Reply::not_found())).await;
    assert_eq!(kind(f.get(&absent.url("/a")).await), "ok 200");
    let forbidden = Hostile::start(lo(1), robots_server(|_| Reply::status(403, &[], b""))).await;
    assert_eq!(kind(f.get(&forbidden.url("/a")).await), "ok 200");
}

#[tokio::test]
async fn oversized_robots_is_parsed_up_to_500_kib_not_refused() {
    let mut txt = b"User-agent: scout\nDisallow: /private\n".to_vec();
    while txt.len() < 600 * 1024 {
        txt.extend_from_slice(b"# a very long robots.txt, padded with comments\n");
    }
    txt.extend_from_slice(b"Disallow: /late\n");
    let txt = Arc::new(txt);
    let srv = Hostile::start(lo(1), robots_server(move |_| Reply::ok("text/plain", &txt))).await;
    let mut cfg = config();
    // Far below the robots.txt size: robots.txt has its own cap.
    cfg.max_body_bytes = 64 * 1024;
    let f = fetcher(&cfg);
    assert_eq!(
        kind(f.get(&srv.url("/private/1")).await),
        "robots_disallowed"
    );
    assert_eq!(kind(f.get(&srv.url("/public")).await), "ok 200");
    // Past the first 500 KiB nothing is read.
    assert_eq!(kind(f.get(&srv.url("/late")).await), "ok 200");
}

#[tokio::test]
async fn robots_429_blocks_for_now_and_is_asked_again_later() {
    let srv = Hostile::start(
        lo(1),
        robots_server(|n| match n {
            0 => Reply::status(429, &[("Retry-After", "1")], b""),
            _ => Reply::ok("text/plain", b"User-agent: *\nDisallow: /private\n"),
        }),
    )
    .await;
    let f = fetcher(&config());
    assert_eq!(kind(f.get(&srv.url("/page")).await), "robots_disallowed");
    assert_eq!(srv.hits_for("/page"), 0);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(kind(f.get(&srv.url("/page")).await), "ok 200");
    assert_eq!(kind(f.get(&srv.url("/private")).await), "robots_disallowed");
    assert_eq!(srv.hits_for("/robots.txt"), 2);
}

#[tokio::test]
async fn crawl_delay_stricter_than_the_config_is_honoured() {
    let srv = Hostile::start(
        lo(1),
        robots_server(|_| Reply::ok("text/plain", b"User-agent: scout\nCrawl-delay: 0.4\n")),
    )
    .await;
    let f = fetcher(&config()); // 200 requests/s, burst 10
    for i in 0..4 {
        f.get(&srv.url(&format!("/p{i}"))).await.unwrap();
    }
    let t = times(&srv.hits());
    assert_eq!(t.len(), 5);
    for w in t.windows(2) {
        let gap = w[1].duration_since(w[0]);
        assert!(gap >= Duration::from_millis(380), "gap {gap:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn retry_after_on_429_is_honoured_and_capped() {
    let srv = server(|hit, n| match (hit.path.as_str(), n) {
        ("/slow", 0) => Reply::status(429, &[("Retry-After", "1")], b""),
        ("/capped", 0) => Reply::status(429, &[("Retry-After", "3600")], b""),
        _ => Reply::html("<p>fine</p>"),
    })
    .await;
    let mut cfg = config();
    cfg.max_retries = 2;
    cfg.max_retry_after_secs = 0.5;
    let f = fetcher(&cfg);
    // Further away than the cap: reported, never retried before the server's time.
    assert_eq!(kind(f.get(&srv.url("/capped")).await), "http_429");
    cfg.max_retry_after_secs = 10.0;
    let f = fetcher(&cfg); // a new fetcher: the first one holds the host for an hour
    assert_eq!(kind(f.get(&srv.url("/slow")).await), "ok 200");
    let at = |p: &str| -> Vec<Instant> {
        times(
            &srv.hits()
                .into_iter()
                .filter(|h| h.path == p)
                .collect::<Vec<_>>(),
        )
    };
    let slow = at("/slow");
    assert_eq!(slow.len(), 2);
    assert!(slow[1].duration_since(slow[0]) >= Duration::from_millis(950));
    assert_eq!(at("/capped").len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_bounded() {
    let srv = server(|hit, n| match (hit.path.as_str(), n) {
        ("/flaky", 0 | 1) => Reply::status(503, &[], b"busy"),
        ("/broken", _) => Reply::status(500, &[], b"boom"),
        ("/gone", _) => Reply::status(410, &[], b""),
        _ => Reply::html("<p>fine</p>"),
    })
    .await;
    let mut cfg = config();
    cfg.max_retries = 2;
    let f = fetcher(&cfg);
    assert_eq!(kind(f.get(&srv.url("/flaky")).await), "ok 200");
    assert_eq!(srv.hits_for("/flaky"), 3);
    assert_eq!(kind(f.get(&srv.url("/broken")).await), "http_500");
    assert_eq!(srv.hits_for("/broken"), 3, "1 try + max_retries");
    let gone = f.get(&srv.url("/gone")).await.unwrap_err();
    assert!(gone.is_gone());
    assert_eq!(srv.hits_for("/gone"), 1, "4xx are final");
}

// ---------------------------------------------------------------------------------------------
// Politeness, measured at the server

#[tokio::test]
async fn one_host_never_sees_more_than_rate_plus_burst_in_any_second() {
    let srv = server(|_, _| Reply::html("<p>x</p>")).await;
    let mut cfg = config();
    cfg.rate_per_host = 5.0;
    cfg.burst = 1;
    let f = Arc::new(fetcher(&cfg));
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let (f, url) = (f.clone(), srv.url(&format!("/p/{i}")));
            tokio::spawn(async move { f.get(&url).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let t = times(&srv.hits());
    assert_eq!(t.len(), 31, "30 pages and robots.txt");
    let peak = max_in_one_second(&t);
    eprintln!("one host: at most {peak} requests in any one-second window");
    assert!(peak <= 5 + 1, "{peak} requests in one second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_are_limited_separately_and_a_throttling_host_stalls_no_one() {
    let mut cfg = config();
    cfg.allow_private_networks = vec!["127.0.0.0/8".into()];
    cfg.rate_per_host = 5.0;
    cfg.burst = 1;
    // Fewer permits than hosts: a permit held while sleeping would show at once.
    cfg.concurrency = 2;
    cfg.max_retries = 5;
    cfg.max_retry_after_secs = 30.0;
    let f = Arc::new(fetcher(&cfg));
    let mut healthy = Vec::new();
    for last in 2..=5 {
        healthy.push(
            Hostile::start(lo(last), |hit, _| {
                if hit.path == "/robots.txt" {
                    Reply::not_found()
                } else {
                    Reply::html("<p>x</p>")
                }
            })
            .await,
        );
    }
    let throttled = Hostile::start(lo(6), |hit, _| {
        if hit.path == "/robots.txt" {
            Reply::not_found()
        } else {
            Reply::status(429, &[("Retry-After", "30")], b"")
        }
    })
    .await;
    let throttled_tasks: Vec<_> = (0..8)
        .map(|i| {
            let (f, url) = (f.clone(), throttled.url(&format!("/t/{i}")));
            tokio::spawn(async move { f.get(&url).await.map(|_| ()) })
        })
        .collect();
    let mut tasks = Vec::new();
    for i in 0..16 {
        for srv in &healthy {
            let (f, url) = (f.clone(), srv.url(&format!("/p/{i}")));
            tasks.push(tokio::spawn(async move { f.get(&url).await.map(|_| ()) }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    for t in throttled_tasks {
        t.abort();
    }
    let all: Vec<Hit> = healthy.iter().flat_map(|s| s.hits()).collect();
    let t = times(&all);
    assert_eq!(t.len(), 4 * 17);
    let span = t[t.len() - 1].duration_since(t[0]).as_secs_f64();
    // Each host: a first request at once, then one every 200 ms.
    let rate = (t.len() - 4) as f64 / span;
    eprintln!("aggregate over 4 hosts: {rate:.2} requests/s over {span:.2} s");
    assert!(rate >= 0.9 * 4.0 * 5.0, "aggregate {rate:.1} requests/s");
    for srv in &healthy {
        let peak = max_in_one_second(&times(&srv.hits()));
        assert!(peak <= 6, "{peak} requests in one second on {}", srv.addr);
    }
    // The throttled host: robots.txt, the page that got the 429, and then silence while its
    // other requests slept without holding any of the two permits.
    let n = throttled.hits().len();
    assert!((2..=3).contains(&n), "{n} requests to the throttled host");
}

/// Mastodon's `X-RateLimit-Remaining` / `X-RateLimit-Reset`: when the budget is spent the
/// crawler waits for the reset before it is throttled, for that host only (a low budget
/// spreads the rest of the window, see `rate_limits.rs`).
#[tokio::test]
async fn low_rate_limit_budget_waits_for_the_reset() {
    let srv = server(|hit, _| {
        if hit.path == "/api" {
            let reset = (chrono::Utc::now() + chrono::Duration::milliseconds(1500))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let h = [
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", reset.as_str()),
            ];
            let mut r = crate::crawler_server::head(200, &h);
            r.truncate(r.len() - 2);
            r.extend_from_slice(b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            Reply::Raw(r)
        } else {
            Reply::html("<p>page</p>")
        }
    })
    .await;
    let f = fetcher(&config()); // 200 requests/s: only the headers can slow it down
    f.get(&srv.url("/api")).await.unwrap();
    f.get(&srv.url("/next")).await.unwrap();
    let hits = srv.hits();
    let api = hits.iter().find(|h| h.path == "/api").unwrap().at;
    let next = hits.iter().find(|h| h.path == "/next").unwrap().at;
    let gap = next.duration_since(api);
    assert!(gap >= Duration::from_millis(1200), "waited only {gap:?}");
}
