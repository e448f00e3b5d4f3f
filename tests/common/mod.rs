//! Helpers every integration test uses: a runtime-local fixture server, the real-data folder,
//! a config that exempts loopback only, and a temporary index.

#![allow(dead_code)]

use std::path::PathBuf;

use scout::config::Config;
use scout::fixture_server::{self, FixtureServer};

/// The repo's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `../shared/realdata` beside the checkout (CI lays `shared/` there). `SCOUT_REALDATA`
/// overrides it.
pub fn realdata() -> PathBuf {
    if let Ok(p) = std::env::var("SCOUT_REALDATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata")
}

/// Serve `dir` on 127.0.0.1 with any free port.
pub async fn serve(dir: impl Into<PathBuf>) -> FixtureServer {
    fixture_server::serve(dir, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind fixture server")
}

/// A config for crawling loopback fixtures: loopback 127.0.0.1 exempt (only it), fast rates.
pub fn test_config() -> Config {
    let mut c = Config::default();
    c.crawl.allow_private_networks = vec!["127.0.0.1/32".into()];
    c.crawl.rate_per_host = 200.0;
    c.crawl.burst = 10;
    // The platforms' documented rates would apply to the loopback Mastodon/Bluesky fixtures.
    c.sources.mastodon.rate = 200.0;
    c.sources.mastodon.burst = 10;
    c.sources.bluesky.rate = 200.0;
    c.sources.bluesky.burst = 10;
    c.crawl.timeout_secs = 5.0;
    c.crawl.retry_base_ms = 10;
    c
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

// ---- a small generated web world (schema.org ProfilePage + SocialMediaPosting pages) ----

/// Write `n` web creators under `dir/c/<i>/` (profile `index.html` linking two post pages),
/// plus an allow-all robots.txt. Returns the profile paths (`/c/<i>/`), to be prefixed with
/// the server's base URL. Follower counts are `1000 * (i + 1)`.
pub fn write_web_world(dir: &std::path::Path, n: usize) -> Vec<String> {
    std::fs::write(dir.join("robots.txt"), "User-agent: *\nAllow: /\n").unwrap();
    let niches = [
        (
            "vegan skincare",
            "#veganskincare serum for sensitive skin, fragrance free moisturiser",
        ),
        (
            "specialty coffee",
            "#coffee pour over with a light roast Ethiopian, grinder settings",
        ),
        (
            "trail running",
            "#trailrunning long run in the hills, shoes with good grip",
        ),
    ];
    let mut paths = Vec::new();
    for i in 0..n {
        let (niche, text) = niches[i % niches.len()];
        let p = dir.join(format!("c/{i}"));
        std::fs::create_dir_all(&p).unwrap();
        write_profile(&p, i, niche, 1000 * (i as u64 + 1));
        // Three posts: fewer would make the creator an audience account (not indexed).
        for j in 0..3 {
            std::fs::write(
                p.join(format!("post{j}.html")),
                post_page(
                    &format!("{{{{base}}}}/c/{i}/"),
                    &format!("{{{{base}}}}/c/{i}/post{j}.html"),
                    text,
                    j,
                ),
            )
            .unwrap();
        }
        paths.push(format!("/c/{i}/"));
    }
    paths
}

/// (Re)write creator `i`'s profile page with `followers`.
pub fn write_profile(p: &std::path::Path, i: usize, niche: &str, followers: u64) {
    let html = format!(
        r#"<!doctype html><html><head><title>Creator {i}</title>
<script type="application/ld+json">
{{"@context":"https://schema.org","@type":"ProfilePage","mainEntity":{{"@type":"Person",
"name":"Creator {i}","alternateName":"creator{i}","description":"I write about {niche}.",
"url":"{{{{base}}}}/c/{i}/",
"interactionStatistic":[{{"@type":"InteractionCounter","interactionType":"https://schema.org/FollowAction","userInteractionCount":{followers}}}]}}}}
</script></head><body><h1>Creator {i}</h1>
<a href="post0.html">post 0</a> <a href="post1.html">post 1</a> <a href="post2.html">post 2</a>
</body></html>"#
    );
    std::fs::write(p.join("index.html"), html).unwrap();
}

fn post_page(author: &str, url: &str, text: &str, j: usize) -> String {
    format!(
        r#"<!doctype html><html><head>
<script type="application/ld+json">
{{"@context":"https://schema.org","@type":"SocialMediaPosting","url":"{url}",
"author":{{"@type":"Person","url":"{author}"}},
"datePublished":"2026-11-{day:02}T10:00:00Z","text":"{text} (part {j})",
"interactionStatistic":[{{"@type":"InteractionCounter","interactionType":"https://schema.org/LikeAction","userInteractionCount":120}}],
"comment":[{{"@type":"Comment","text":"Where can I buy this? Is it good for beginners?","author":{{"@type":"Person","name":"reader{j}"}}}}]}}
</script></head><body><p>{text}</p></body></html>"#,
        day = 10 + j
    )
}

/// A generated web world of `n` creators, served, and crawled once into a fresh index.
pub struct CrawledWorld {
    pub world: tempfile::TempDir,
    pub server: FixtureServer,
    pub dir: tempfile::TempDir,
    pub index: scout::index::CreatorIndex,
    pub seeds: Vec<String>,
}

pub async fn crawled_world(n: usize, cfg: &Config) -> CrawledWorld {
    let world = tempdir();
    let paths = write_web_world(world.path(), n);
    let server = serve(world.path()).await;
    let seeds: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let dir = tempdir();
    let index = scout::index::CreatorIndex::open_or_create(dir.path()).unwrap();
    let opts = scout::crawl::CrawlOptions {
        seeds: seeds.clone(),
        ..Default::default()
    };
    scout::crawl::crawl(cfg, &index, opts).await.unwrap();
    CrawledWorld {
        world,
        server,
        dir,
        index,
        seeds,
    }
}

/// Crawl a served fixture world from its demo seeds (`seeds.txt`) into a fresh index.
pub async fn crawl_demo_seeds(
    world: &std::path::Path,
    server: &FixtureServer,
    cfg: &Config,
) -> (
    tempfile::TempDir,
    scout::index::CreatorIndex,
    scout::crawl::CrawlSummary,
) {
    let dir = tempdir();
    let index = scout::index::CreatorIndex::open_or_create(dir.path()).unwrap();
    let seeds = scout::cli::demo::demo_seeds(world, &server.base()).unwrap();
    let opts = scout::crawl::CrawlOptions {
        seeds,
        ..Default::default()
    };
    let summary = scout::crawl::crawl(cfg, &index, opts).await.unwrap();
    (dir, index, summary)
}
