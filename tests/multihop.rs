//! A multi-hop web world, generated on the fly by a loopback server: creators reached from the
//! seeds through 1–3 hops of replies (comment authors), with mentions pointing back up the tree.
//! Shards (with their outbox) and Redis workers must together index exactly what one
//! unsharded, single-process crawl of the same seeds indexes.

#![allow(dead_code)]

use std::collections::BTreeSet;

use scout::config::Config;
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;

use crate::common;
use crate::crawler_server::{Hit, Hostile, Reply, server};

/// Creators in the world; with 3 seeds and 3 replies per post, depth 3 reaches 3+9+27+81 = 120
/// of them, and the rest lie one hop too far.
pub const CREATORS: usize = 130;
pub const SEEDS: usize = 3;
pub const REACHABLE_AT_DEPTH_3: usize = 120;

fn children(i: usize) -> impl Iterator<Item = usize> {
    (3 * i + 3..3 * i + 6).filter(|&c| c < CREATORS)
}

fn parent(i: usize) -> Option<usize> {
    (i >= SEEDS).then(|| (i - 3) / 3)
}

fn page(hit: &Hit) -> Reply {
    let path = hit.path.as_str();
    let Some(rest) = path.strip_prefix("/c/") else {
        return Reply::not_found();
    };
    let (id, file) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(i) = id.parse::<usize>() else {
        return Reply::not_found();
    };
    if i >= CREATORS {
        return Reply::not_found();
    }
    match file {
        "" => Reply::html(&format!(
            r#"<!doctype html><html><head><title>Creator {i}</title>
<script type="application/ld+json">
{{"@context":"https://schema.org","@type":"ProfilePage","mainEntity":{{"@type":"Person",
"name":"Creator {i}","alternateName":"creator{i}","description":"Vegan skincare notes, part {i}.",
"url":"/c/{i}/",
"interactionStatistic":[{{"@type":"InteractionCounter","interactionType":"https://schema.org/FollowAction","userInteractionCount":{f}}}]}}}}
</script></head><body><h1>Creator {i}</h1><a href="post.html">latest post</a></body></html>"#,
            f = 1000 + i
        )),
        "post.html" => {
            let replies: Vec<String> = children(i)
                .map(|c| {
                    format!(
                        r#"{{"@type":"Comment","text":"Lovely routine! Mine is on my page.","author":{{"@type":"Person","name":"Creator {c}","url":"/c/{c}/"}}}}"#
                    )
                })
                .collect();
            let mentions = parent(i)
                .map(|p| format!(r#","mentions":[{{"@type":"Person","url":"/c/{p}/"}}]"#))
                .unwrap_or_default();
            Reply::html(&format!(
                r#"<!doctype html><html><head><script type="application/ld+json">
{{"@context":"https://schema.org","@type":"SocialMediaPosting","url":"/c/{i}/post.html",
"author":{{"@type":"Person","url":"/c/{i}/"}},"datePublished":"2026-11-10T10:00:00Z",
"text":"My fragrance free serum routine #veganskincare"{mentions},
"comment":[{replies}]}}
</script></head><body><p>post</p></body></html>"#,
                replies = replies.join(",")
            ))
        }
        _ => Reply::not_found(),
    }
}

/// The world's server (no robots.txt: 404, allow all).
pub async fn world() -> Hostile {
    server(|hit, _| page(hit)).await
}

pub fn seeds(srv: &Hostile) -> Vec<String> {
    (0..SEEDS)
        .map(|i| srv.url(&format!("/c/{i}/")).to_string())
        .collect()
}

/// Fast loopback config reaching depth 3.
pub fn config() -> Config {
    let mut c = common::test_config();
    c.crawl.max_depth = 3;
    c.crawl.rate_per_host = 500.0;
    c.crawl.burst = 20;
    // This world's creators publish a post or two: here they count as creators (the audience
    // rule, `min_original_posts`, is tested in own_posts.rs).
    c.crawl.min_original_posts = 0;
    c
}

/// Profile URLs of every live creator in the index at `dir`.
pub fn creators(dir: &std::path::Path) -> BTreeSet<String> {
    let index = CreatorIndex::open_existing(dir).unwrap();
    let mut out = BTreeSet::new();
    index
        .for_each(|c| {
            out.insert(c.record.profile_url);
            Ok(())
        })
        .unwrap();
    out
}

/// What one unsharded, single-process crawl of the seeds indexes.
pub async fn single_process(srv: &Hostile, cfg: &Config) -> BTreeSet<String> {
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let opts = CrawlOptions {
        seeds: seeds(srv),
        ..Default::default()
    };
    crawl(cfg, &index, opts).await.unwrap();
    drop(index);
    creators(dir.path())
}

#[tokio::test]
async fn shards_with_an_outbox_cover_the_unsharded_crawl() {
    let srv = world().await;
    let cfg = config();
    let all = single_process(&srv, &cfg).await;
    assert_eq!(all.len(), REACHABLE_AT_DEPTH_3);

    let outbox = common::tempdir();
    let dirs = [common::tempdir(), common::tempdir()];
    let mut rounds = 0;
    let mut sizes = Vec::new();
    loop {
        rounds += 1;
        for (i, dir) in dirs.iter().enumerate() {
            let index = CreatorIndex::open_or_create(dir.path()).unwrap();
            let opts = CrawlOptions {
                seeds: seeds(&srv),
                shard: Some((i as u64, 2)),
                outbox: Some(outbox.path().to_path_buf()),
                mode: "crawl".into(),
                ..Default::default()
            };
            crawl(&cfg, &index, opts).await.unwrap();
        }
        let size: usize = dirs.iter().map(|d| creators(d.path()).len()).sum();
        sizes.push(size);
        // The outboxes stop growing once every hand-over has been read by its shard.
        if sizes.len() >= 2 && sizes[sizes.len() - 1] == sizes[sizes.len() - 2] {
            break;
        }
        assert!(rounds < 8, "shards did not converge: {sizes:?}");
    }
    let a = creators(dirs[0].path());
    let b = creators(dirs[1].path());
    assert!(a.is_disjoint(&b), "shards overlap");
    let union: BTreeSet<String> = a.union(&b).cloned().collect();
    assert_eq!(union, all, "rounds {rounds}, sizes {sizes:?}");
    assert!(
        sizes[0] < all.len(),
        "one round alone should miss creators behind out-of-shard ones ({sizes:?})"
    );
}
