//! Hub pages: a seed page without profile data (a "top vegan skincare blogs" list) is read for
//! its links, which are followed through the same fetcher and frontier: profiles found this way
//! are crawled as if seeded, traps are refused, and the per-site budget ends 10,000 links.

use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;

use crate::common;
use crate::crawler_server::{Hit, Hostile, Reply, lo, server};

const LINKS: usize = 10_000;
const PROFILES: usize = 12;

fn profile(i: usize, post: bool) -> Reply {
    let posts = if post {
        r#"<a href="post.html">latest</a>"#
    } else {
        ""
    };
    Reply::html(&format!(
        r#"<!doctype html><html><head><script type="application/ld+json">
{{"@context":"https://schema.org","@type":"ProfilePage","mainEntity":{{"@type":"Person",
"name":"Blogger {i}","description":"Vegan skincare reviews.","url":"/blog/{i}/"}}}}
</script></head><body><h1>Blogger {i}</h1>{posts}</body></html>"#
    ))
}

fn hub_page() -> String {
    let mut html = String::from("<!doctype html><html><body><h1>Top vegan skincare blogs</h1>");
    for i in 0..PROFILES {
        html.push_str(&format!(r#"<a href="/blog/{i}/">Blog {i}</a>"#));
    }
    html.push_str(r#"<a href="/more">more lists</a>"#);
    // Traps: an endless calendar, a relative-link loop, session ids.
    html.push_str(r#"<a href="/calendar/2090/01">events</a><a href="/loop/a/b/a/b/">x</a>"#);
    html.push_str(r#"<a href="/list?PHPSESSID=1f2e">list</a><a href="/logo.png">logo</a>"#);
    for i in 0..LINKS - PROFILES - 5 {
        html.push_str(&format!(r#"<a href="/x/{i}">{i}</a>"#));
    }
    html.push_str("</body></html>");
    html
}

fn page(hit: &Hit, hub: &str, other: &str) -> Reply {
    let p = hit.path.as_str();
    if p == "/hub" {
        return Reply::html(hub);
    }
    if p == "/more" {
        // A second hub one hop down, leading to a profile at depth 2.
        return Reply::html(&format!(
            r#"<html><body><a href="{other}/blog/99/">Blog 99</a></body></html>"#
        ));
    }
    if p == "/blog/0/post.html" {
        // A reply by a creator no list links to: found through the profile, like a seed's.
        return Reply::html(&format!(
            r#"<html><head><script type="application/ld+json">
{{"@context":"https://schema.org","@type":"SocialMediaPosting","url":"/blog/0/post.html",
"author":{{"@type":"Person","url":"/blog/0/"}},"text":"Serum week",
"comment":[{{"@type":"Comment","text":"Great!","author":{{"@type":"Person","url":"{other}/blog/77/"}}}}]}}
</script></head><body></body></html>"#
        ));
    }
    if let Some(id) = p.strip_prefix("/blog/").and_then(|r| r.strip_suffix('/')) {
        return profile(id.parse().unwrap_or(0), id == "0");
    }
    if p.starts_with("/x/") {
        return Reply::html("<html><body><p>An article with no links.</p></body></html>");
    }
    Reply::html("<html><body><a href=\"/calendar/2090/02\">next</a></body></html>")
}

#[tokio::test]
async fn a_hub_of_ten_thousand_links_leads_to_profiles_within_its_budgets() {
    // Another site (127.0.0.2) holds the creators found one hop past the hub's own links.
    let other = Hostile::start(lo(2), |hit, _| match hit.path.as_str() {
        "/blog/77/" => profile(77, false),
        "/blog/99/" => profile(99, false),
        _ => Reply::not_found(),
    })
    .await;
    let other_base = format!("http://{}", other.addr);
    let hub = hub_page();
    let srv = server(move |hit, _| page(hit, &hub, &other_base)).await;
    let mut cfg = common::test_config();
    cfg.crawl.allow_private_networks = vec!["127.0.0.1/32".into(), "127.0.0.2/32".into()];
    cfg.crawl.rate_per_host = 2_000.0;
    cfg.crawl.burst = 50;
    cfg.crawl.max_depth = 2;
    // The bloggers publish one post at most: here they count as creators.
    cfg.crawl.min_original_posts = 0;
    cfg.crawl.max_pages_per_site = 60;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let opts = CrawlOptions {
        seeds: vec![srv.url("/hub").to_string()],
        ..Default::default()
    };
    let s = crawl(&cfg, &index, opts).await.unwrap();

    let mut found: Vec<String> = Vec::new();
    index
        .for_each(|c| {
            found.push(c.record.display_name);
            Ok(())
        })
        .unwrap();
    found.sort();
    let mut want: Vec<String> = (0..PROFILES).map(|i| format!("Blogger {i}")).collect();
    want.push("Blogger 77".into());
    want.push("Blogger 99".into());
    want.sort();
    assert_eq!(found, want);
    assert_eq!(other.hits_for("/blog/77/") + other.hits_for("/blog/99/"), 2);
    // The hubs are not errors (only the link-less articles are); the traps were never
    // requested.
    let hub_url = srv.url("/hub").to_string();
    assert!(
        s.problems
            .iter()
            .all(|p| p.url != hub_url && !p.url.ends_with("/more")),
        "{:?}",
        s.problems
    );
    assert_eq!(s.errors_by_kind.get("no_profile_markup"), Some(&46));
    let hits = srv.hits();
    for trap in ["/calendar/", "/loop/", "PHPSESSID", "/logo.png"] {
        assert!(
            hits.iter().all(|h| !h.path.contains(trap)),
            "{trap} requested"
        );
    }
    // robots.txt answered 404 (allow all) and was asked once; the site budget held: frontier
    // pages (the hub included) stay within it, plus one post page read by its profile.
    assert_eq!(hits.iter().filter(|h| h.path == "/robots.txt").count(), 1);
    let pages = hits
        .iter()
        .filter(|h| h.path != "/robots.txt" && !h.path.ends_with("post.html"))
        .count();
    assert_eq!(pages, 60, "site budget");
    assert_eq!(
        s.urls_read, 62,
        "60 pages here, 2 profiles on the other site"
    );
    assert!(s.frontier_dropped as usize >= LINKS - 60);
}
