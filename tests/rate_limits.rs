//! Per-host rates and the platforms' rate-limit headers, measured at the server: a host named
//! in `[crawl.hosts]` and a platform API host (`[sources.*] rate`) each keep their own rate,
//! the IETF-draft `RateLimit-*` headers (Bluesky's epoch Reset) hold the host, and a 429 is
//! never retried before its reset.

use std::sync::Arc;
use std::time::Duration;

use scout::config::HostRate;
use scout::net::RequestOpts;

use crate::crawler_server::{Hostile, Reply, config, fetcher, lo, max_in_one_second, times};

async fn plain(last: u8) -> Hostile {
    Hostile::start(lo(last), |hit, _| {
        if hit.path == "/robots.txt" {
            Reply::not_found()
        } else {
            Reply::html("<p>x</p>")
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_host_keeps_its_configured_rate_plus_burst() {
    let mut cfg = config();
    cfg.allow_private_networks = vec!["127.0.0.0/8".into()];
    cfg.rate_per_host = 2.0;
    cfg.burst = 1;
    let pinned = HostRate {
        rate: 4.0,
        burst: 2,
    };
    let api = HostRate {
        rate: 8.0,
        burst: 3,
    };
    cfg.hosts.insert(lo(12).to_string(), pinned);
    let f = Arc::new(fetcher(&cfg));
    let (global, named, source) = (plain(11).await, plain(12).await, plain(13).await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        for (srv, rate) in [(&global, None), (&named, Some(api)), (&source, Some(api))] {
            let (f, url) = (f.clone(), srv.url(&format!("/p/{i}")));
            let opts = RequestOpts {
                rate,
                ..RequestOpts::default()
            };
            tasks.push(tokio::spawn(async move {
                f.get_with(&url, &opts).await.map(|_| ())
            }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // The config's entry wins over the source's rate; the source's over `rate_per_host`.
    for (srv, limit) in [(&global, 2 + 1), (&named, 4 + 2), (&source, 8 + 3)] {
        let t = times(&srv.hits());
        assert_eq!(t.len(), 17, "16 pages and robots.txt on {}", srv.addr);
        let peak = max_in_one_second(&t);
        eprintln!("{}: at most {peak} requests in one second", srv.addr);
        assert!(
            peak <= limit,
            "{peak} > {limit} in one second on {}",
            srv.addr
        );
    }
    // The API host really ran at its own rate, above what the global rate allows.
    assert!(max_in_one_second(&times(&source.hits())) > 2 + 1);
}

/// Bluesky's `RateLimit-Reset` is an epoch time; at zero remaining the host waits for it.
#[tokio::test]
async fn ietf_ratelimit_headers_with_an_epoch_reset_hold_the_host() {
    let srv = Hostile::start(lo(14), |hit, _| match hit.path.as_str() {
        "/robots.txt" => Reply::not_found(),
        "/xrpc" => {
            let reset = (chrono::Utc::now().timestamp() + 2).to_string();
            Reply::status(
                200,
                &[
                    ("Content-Type", "application/json"),
                    ("RateLimit-Limit", "3000"),
                    ("RateLimit-Remaining", "0"),
                    ("RateLimit-Reset", &reset),
                    ("RateLimit-Policy", "3000;w=300"),
                ],
                b"{}",
            )
        }
        _ => Reply::html("<p>x</p>"),
    })
    .await;
    let mut cfg = config();
    cfg.allow_private_networks = vec!["127.0.0.0/8".into()];
    let f = fetcher(&cfg); // 200 requests/s: only the headers can slow it down
    f.get(&srv.url("/xrpc")).await.unwrap();
    f.get(&srv.url("/next")).await.unwrap();
    let hits = srv.hits();
    let at = |p: &str| hits.iter().find(|h| h.path == p).unwrap().at;
    let gap = at("/next").duration_since(at("/xrpc"));
    // Reset is 1–2 s away at whole-second precision.
    assert!(gap >= Duration::from_millis(900), "waited only {gap:?}");
}

/// A 429 whose reset is further away than `max_retry_after_secs` is reported, not retried
/// early, and the host stays paused until the reset.
#[tokio::test]
async fn a_429_is_never_retried_before_its_reset() {
    let srv = Hostile::start(lo(15), |hit, _| match hit.path.as_str() {
        "/robots.txt" => Reply::not_found(),
        "/limited" => Reply::status(
            429,
            &[("X-RateLimit-Remaining", "0"), ("RateLimit-Reset", "3")],
            b"",
        ),
        "/soon" => Reply::status(429, &[("RateLimit-Reset", "1")], b""),
        _ => Reply::html("<p>x</p>"),
    })
    .await;
    let mut cfg = config();
    cfg.allow_private_networks = vec!["127.0.0.0/8".into()];
    cfg.max_retries = 3;
    cfg.max_retry_after_secs = 2.0;
    let f = fetcher(&cfg);
    let err = f.get(&srv.url("/limited")).await.unwrap_err();
    assert_eq!(err.kind().label(), "http_429");
    assert_eq!(srv.hits_for("/limited"), 1, "not retried before the reset");
    f.get(&srv.url("/after")).await.unwrap();
    let hits = srv.hits();
    let at = |p: &str| hits.iter().find(|h| h.path == p).unwrap().at;
    let gap = at("/after").duration_since(at("/limited"));
    assert!(
        gap >= Duration::from_millis(2900),
        "host resumed after {gap:?}"
    );

    // Within the cap: retried, but only once the reset has passed.
    let _ = f.get(&srv.url("/soon")).await;
    let soon: Vec<_> = times(
        &srv.hits()
            .into_iter()
            .filter(|h| h.path == "/soon")
            .collect::<Vec<_>>(),
    );
    assert_eq!(soon.len(), 4, "1 try + 3 retries");
    for w in soon.windows(2) {
        assert!(w[1].duration_since(w[0]) >= Duration::from_millis(990));
    }
}
