//! The fetcher against a hostile loopback server: redirects, forbidden addresses, bodies that
//! never end or explode, servers that drip or reset, lying charsets, nesting bombs, trap
//! links, conditional GET. robots.txt, retries and rate limits are in `crawler_polite`.
//! Every server here listens on 127.0.0.0/8 (one on ::1, to be refused).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use scout::crawl::frontier::Frontier;
use scout::net::ErrorKind;
use scout::net::fetch::RequestOpts;
use scout::net::urlnorm::resolve_link;
use scout::sources::gate;
use scout::sources::lenient_json;
use url::Url;

use crate::crawler_server::{Hit, Hostile, Reply, config, fetcher, head, kind, lo, server};

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn redirect_loops_and_long_chains_stop_after_five_hops() {
    let srv = Hostile::start(lo(1), |hit, _| {
        let p = hit.path.as_str();
        if p == "/robots.txt" {
            return Reply::ok("text/plain", b"User-agent: *\nDisallow: /private\n");
        }
        if p == "/loop/a" {
            return Reply::redirect("/loop/b");
        }
        if p == "/loop/b" {
            return Reply::redirect("/loop/a");
        }
        if p == "/to-private" {
            return Reply::redirect("/private");
        }
        if let Some(n) = p.strip_prefix("/hop/") {
            let n: u32 = n.parse().unwrap();
            if n < 15 {
                return Reply::redirect(&format!("/hop/{}", n + 1));
            }
        }
        Reply::html("<p>end</p>")
    })
    .await;
    let f = fetcher(&config());
    let err = f.get(&srv.url("/loop/a")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRedirects);
    assert_eq!(srv.hits_for("/loop/a") + srv.hits_for("/loop/b"), 6);

    assert_eq!(kind(f.get(&srv.url("/hop/0")).await), "too_many_redirects");
    let hops: usize = (0..=15).map(|i| srv.hits_for(&format!("/hop/{i}"))).sum();
    assert_eq!(hops, 6, "the first request and five redirects");
    assert_eq!(srv.hits_for("/hop/6"), 0);

    // Exactly five redirects are followed.
    let ok = f.get(&srv.url("/hop/10")).await.unwrap();
    assert_eq!(ok.url.path(), "/hop/15");
    assert_eq!(ok.requested.path(), "/hop/10");

    // Every hop is checked against robots.txt again.
    assert_eq!(
        kind(f.get(&srv.url("/to-private")).await),
        "robots_disallowed"
    );
    assert_eq!(srv.hits_for("/private"), 0);
}

#[tokio::test]
async fn redirects_to_forbidden_addresses_and_schemes_are_refused() {
    // Listeners the redirects point at; none of them may ever see a connection.
    let other = Hostile::start(lo(2), |_, _| Reply::html("<p>internal</p>")).await;
    let v6 = Hostile::start("::1".parse().unwrap(), |_, _| {
        Reply::html("<p>internal</p>")
    })
    .await;
    let p2 = other.addr.port();
    let p6 = v6.addr.port();
    let targets = vec![
        format!("http://127.0.0.2:{p2}/admin"),
        format!("http://[::1]:{p6}/admin"),
        format!("http://[::ffff:127.0.0.2]:{p2}/admin"),
        // 127.0.0.2 spelt as one decimal number.
        format!("http://2130706434:{p2}/admin"),
        "file:///etc/passwd".to_string(),
    ];
    let t = targets.clone();
    let srv = server(move |hit, _| {
        let i: usize = hit.path.trim_start_matches("/r/").parse().unwrap();
        Reply::redirect(&t[i])
    })
    .await;
    let f = fetcher(&config());
    for (i, target) in targets.iter().enumerate() {
        let err = f.get(&srv.url(&format!("/r/{i}"))).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{target}: {err}");
    }
    // Asked directly, too.
    let direct = Url::parse(&targets[0]).unwrap();
    assert_eq!(kind(f.get(&direct).await), "refused_private_address");
    assert_eq!(other.accepted(), 0, "127.0.0.2 was contacted");
    assert_eq!(v6.accepted(), 0, "::1 was contacted");
}

#[tokio::test]
async fn host_names_are_resolved_through_the_guard() {
    // `localhost` comes from /etc/hosts; reqwest must hand it to our resolver, which refuses
    // loopback when nothing is exempt.
    let srv = server(|_, _| Reply::html("<p>hello</p>")).await;
    let url = Url::parse(&format!("http://localhost:{}/", srv.addr.port())).unwrap();
    for respect_robots in [true, false] {
        let mut cfg = config();
        cfg.allow_private_networks = vec![];
        cfg.respect_robots = respect_robots;
        let err = fetcher(&cfg).get(&url).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
    }
    assert_eq!(srv.accepted(), 0);
    // With loopback exempt the same name is fetched: the resolver did answer.
    let mut cfg = config();
    cfg.allow_private_networks = vec!["127.0.0.0/8".into(), "::1/128".into()];
    assert_eq!(kind(fetcher(&cfg).get(&url).await), "ok 200");
}

// ---------------------------------------------------------------------------------------------
// Bodies

#[tokio::test]
async fn endless_and_overdeclared_bodies_are_capped() {
    let srv = server(|hit, _| match hit.path.as_str() {
        "/endless" => Reply::Endless {
            head: head(200, &[("Content-Type", "text/html")]),
            chunk: vec![b'a'; 64 * 1024],
        },
        _ => Reply::Raw(head(
            200,
            &[
                ("Content-Type", "text/html"),
                ("Content-Length", "10000000000"),
            ],
        )),
    })
    .await;
    let mut cfg = config();
    cfg.max_body_bytes = 1_000_000;
    let f = fetcher(&cfg);
    assert_eq!(kind(f.get(&srv.url("/endless")).await), "too_large");
    assert_eq!(kind(f.get(&srv.url("/declared")).await), "too_large");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Peak resident memory of this process (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_cap_with_bounded_memory() {
    // One gzip member of 16 MiB of zeros (~16 KiB), sent again and again: an endless stream
    // that decodes to gigabytes.
    let member = gzip(&vec![0u8; 16 << 20]);
    assert!(member.len() < 64 * 1024);
    // Incompressible data gzips to slightly *more* than its size: its compressed length
    // must not be held against a cap that the decoded body fits.
    let noise: Vec<u8> = (0..100_000).map(|_| fastrand::u8(..)).collect();
    let noise_gz = gzip(&noise);
    assert!(noise_gz.len() > noise.len());
    let srv = server(move |hit, _| match hit.path.as_str() {
        "/bomb" => Reply::Endless {
            head: head(
                200,
                &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            ),
            chunk: member.clone(),
        },
        _ => Reply::status(
            200,
            &[
                ("Content-Type", "application/octet-stream"),
                ("Content-Encoding", "gzip"),
            ],
            &noise_gz,
        ),
    })
    .await;
    let mut cfg = config();
    cfg.max_body_bytes = 1_000_000;
    let f = fetcher(&cfg);
    let before = peak_rss();
    let err = f.get(&srv.url("/bomb")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let grown = peak_rss().saturating_sub(before);
    eprintln!("gzip bomb: peak RSS grew by {} KiB", grown >> 10);
    assert!(grown < 256 << 20, "peak RSS grew by {} MiB", grown >> 20);

    cfg.max_body_bytes = noise.len() as u64;
    let resp = fetcher(&cfg).get(&srv.url("/noise")).await.unwrap();
    assert_eq!(resp.body.as_ref(), noise.as_slice());
}

#[tokio::test]
async fn a_server_dripping_bytes_hits_the_total_deadline() {
    let srv = server(|_, _| Reply::Drip {
        head: head(
            200,
            &[("Content-Type", "text/html"), ("Content-Length", "1000")],
        ),
        every: Duration::from_secs(1),
    })
    .await;
    let mut cfg = config();
    cfg.timeout_secs = 2.0;
    let f = fetcher(&cfg);
    let start = Instant::now();
    let err = f.get(&srv.url("/drip")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(start.elapsed() < Duration::from_secs(10), "it ended");
}

#[tokio::test]
async fn a_reset_mid_body_is_a_network_error_and_retried() {
    let srv = server(|_, _| Reply::Reset {
        head: head(
            200,
            &[("Content-Type", "text/html"), ("Content-Length", "100000")],
        ),
        prefix: vec![b'a'; 1000],
    })
    .await;
    let mut cfg = config();
    cfg.max_retries = 1;
    let err = fetcher(&cfg).get(&srv.url("/reset")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert_eq!(srv.hits_for("/reset"), 2);
}

#[tokio::test]
async fn invalid_bytes_under_a_wrong_charset_become_replacement_characters() {
    let srv = server(|hit, _| match hit.path.as_str() {
        // Latin-1 bytes labelled UTF-8.
        "/lying" => Reply::ok(
            "text/html; charset=utf-8",
            b"<p>Caf\xe9 cr\xe8me \xe0 la carte</p>",
        ),
        // An unknown label: the page's own meta wins.
        _ => Reply::ok(
            "text/html; charset=x-klingon",
            b"<meta charset=\"windows-1252\"><p>Caf\xe9</p>",
        ),
    })
    .await;
    let f = fetcher(&config());
    let text = f.get(&srv.url("/lying")).await.unwrap().text();
    assert_eq!(text.matches('\u{FFFD}').count(), 3, "{text}");
    assert!(text.starts_with("<p>Caf") && text.ends_with(" la carte</p>"));
    let text = f.get(&srv.url("/meta")).await.unwrap().text();
    assert!(text.contains("Café"), "{text}");
}

#[tokio::test]
async fn nesting_bombs_are_refused_cheaply() {
    let srv = server(|hit, _| match hit.path.as_str() {
        "/deep.html" => Reply::html(&"<div>".repeat(50_000)),
        _ => Reply::ok(
            "application/json",
            format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)).as_bytes(),
        ),
    })
    .await;
    let f = fetcher(&config());
    let html = f.get(&srv.url("/deep.html")).await.unwrap().text();
    let start = Instant::now();
    assert!(gate::html_depth_exceeds(&html, gate::MAX_HTML_DEPTH));
    let json = f.get(&srv.url("/deep.json")).await.unwrap().text();
    assert!(lenient_json::parse(&json).is_err());
    assert!(start.elapsed() < Duration::from_secs(5), "it ended quickly");
}

// ---------------------------------------------------------------------------------------------
// Frontier and conditional GET

#[tokio::test]
async fn trap_links_end_within_the_host_budget() {
    // Every page links to two new pages, plus spellings of ones already seen.
    let srv = server(|hit, _| {
        let n: u64 = hit
            .path
            .trim_start_matches("/cal/")
            .split(['?', '#'])
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Reply::html(&format!(
            "<a href=\"/cal/{a}\">next</a> <a href=\"/cal/{b}?utm_source=trap#x\">other</a> \
             <a href=\"/cal/{n}#again\">self</a> <a href=\"javascript:void(0)\">js</a>",
            a = 2 * n + 1,
            b = 2 * n + 2
        ))
    })
    .await;
    let mut cfg = config();
    cfg.max_depth = 1_000;
    cfg.max_pages = 10_000;
    cfg.max_pages_per_host = 25;
    let f = fetcher(&cfg);
    let mut frontier = Frontier::from_config(&cfg);
    frontier.push(&srv.url("/cal/0"), 0);
    let selector = scraper::Selector::parse("a[href]").unwrap();
    let mut fetched = 0;
    while let Some(task) = frontier.pop() {
        let resp = f.get(&task.url).await.unwrap();
        fetched += 1;
        let doc = scraper::Html::parse_document(&resp.text());
        let links: Vec<Url> = doc
            .select(&selector)
            .filter_map(|a| resolve_link(&resp.url, a.value().attr("href")?))
            .collect();
        for link in links {
            frontier.push(&link, task.depth + 1);
        }
        assert!(fetched <= 25, "the trap did not end");
    }
    assert_eq!(fetched, 25);
    assert!(frontier.dropped > 0);
    let paths: HashSet<String> = srv.hits().into_iter().map(|h| h.path).collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("utm_") && !p.contains('#'))
    );
    assert_eq!(srv.hits().len(), 26, "25 pages and robots.txt, each once");
}

#[tokio::test]
async fn conditional_get_sends_validators_and_reads_304() {
    let srv = server(|hit, _| {
        if hit.header("If-None-Match") == Some("\"v1\"") {
            Reply::status(304, &[("ETag", "\"v1\"")], b"")
        } else {
            Reply::status(
                200,
                &[
                    ("Content-Type", "text/html"),
                    ("ETag", "\"v1\""),
                    ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ],
                b"<p>profile</p>",
            )
        }
    })
    .await;
    let f = fetcher(&config());
    let url = srv.url("/profile");
    let cond = RequestOpts {
        conditional: true,
        ..RequestOpts::default()
    };
    let first = f.get_with(&url, &cond).await.unwrap();
    assert!(!first.not_modified);
    let second = f.get_with(&url, &cond).await.unwrap();
    assert!(second.not_modified);
    assert_eq!(second.status, 304);
    // A plain GET does not send validators.
    assert!(!f.get(&url).await.unwrap().not_modified);
    let hits: Vec<Hit> = srv
        .hits()
        .into_iter()
        .filter(|h| h.path == "/profile")
        .collect();
    assert_eq!(hits[1].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(
        hits[1].header("If-Modified-Since"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(hits[2].header("If-None-Match"), None);

    // Validators survive into the next crawl.
    let next = fetcher(&config());
    next.import_validators(f.export_validators());
    assert!(next.get_with(&url, &cond).await.unwrap().not_modified);
}
