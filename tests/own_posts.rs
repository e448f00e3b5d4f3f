//! Issue 12, the pipeline: a creator's posts are their own posts (replies to others are
//! conversation), accounts with too few own posts are audience (counted, not indexed, still
//! commenters), CJK words are searchable, and links in posts lead to other creators. All
//! through the real crawler over loopback, into a real index.

use std::path::Path;

use scout::cli::demo::{demo_config, demo_seeds};
use scout::config::Config;
use scout::crawl::{CrawlOptions, CrawlSummary, crawl};
use scout::index::CreatorIndex;
use scout::rank::{Ranker, SearchRequest};
use serde_json::{Value, json};

use crate::common;

async fn crawl_into(cfg: &Config, index: &CreatorIndex, seeds: Vec<String>) -> CrawlSummary {
    crawl(
        cfg,
        index,
        CrawlOptions {
            seeds,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn urls(ranker: &Ranker, index: &CreatorIndex, q: &str) -> Vec<String> {
    let req = SearchRequest::from_pairs([("q", q)]).unwrap();
    let resp = ranker.search(index, &req).unwrap();
    resp.results.into_iter().map(|r| r.profile_url).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_world_replies_audience_links_and_cjk() {
    let world = common::fixtures().join("world");
    let server = common::serve(&world).await;
    let mut cfg = demo_config(&common::test_config(), &server.base());
    cfg.crawl.rate_per_host = 500.0;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let s = crawl_into(&cfg, &index, demo_seeds(&world, &server.base()).unwrap()).await;
    let bsky = |h: &str| format!("https://bsky.app/profile/{h}.bsky.social");

    // Two commenters whose timelines are mostly replies: read, counted, not indexed.
    assert_eq!(s.audience_accounts, 2, "{s:?}");
    for h in ["lena-roasts", "ramon-verde"] {
        assert!(index.get(&bsky(h)).unwrap().is_none(), "{h} indexed");
    }
    // ...and still commenters where they comment.
    let kai = index.get(&bsky("kai-brews")).unwrap().unwrap();
    let raw = kai.raw.unwrap();
    assert!(
        raw.posts
            .iter()
            .flat_map(|p| &p.comments)
            .any(|c| c.author_url.as_deref() == Some(bsky("lena-roasts").as_str()))
    );
    assert!(kai.record.comment_quality.is_some());

    // Replies to others are kept apart; posts_indexed counts own posts (self-thread included).
    let selva = index.get(&bsky("selvaencasa")).unwrap().unwrap();
    assert_eq!(selva.record.posts_indexed, 6);
    let raw = selva.raw.unwrap();
    assert_eq!(raw.conversation.len(), 2);
    // Her answer to Ramón under her own post names the comment and its author; of the five
    // threads under her posts (Kai's, Ramón's two, a spammer's, Petal's) she answered one.
    let answer = raw
        .conversation
        .iter()
        .find(|p| p.in_reply_to_author.as_deref() == Some(bsky("ramon-verde").as_str()))
        .expect("the answer to Ramón");
    assert!(
        answer
            .in_reply_to
            .as_deref()
            .unwrap()
            .ends_with("/3lp3eaxv2ks2y")
    );
    assert_eq!(selva.record.creator_reply_share, Some(0.2));

    // The YouTube channel is linked only from a post of @lumen_skin: followed like a mention.
    let hana = "https://www.youtube.com/channel/UCh4dK8sMpQ2nV7xR1tJ9wLe";
    let rec = index
        .get(hana)
        .unwrap()
        .expect("linked channel indexed")
        .record;
    assert_eq!(rec.posts_indexed, 4);

    // Japanese titles have no spaces: a word inside them is found.
    let ranker = Ranker::new(&cfg).unwrap();
    for q in ["スキンケア", "敏感肌", "日焼け止め"] {
        assert_eq!(
            urls(&ranker, &index, q).first().map(String::as_str),
            Some(hana),
            "{q}"
        );
    }
    assert!(!urls(&ranker, &index, "ルーティン").is_empty());
}

/// A Mastodon server that ignores `exclude_replies` (the files answer whatever the query), a
/// creator who answers a lot, and a commenter whose timeline is replies.
fn mastodon_world(dir: &Path) {
    let put = |rel: &str, v: &Value| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    };
    let account = |id: &str, name: &str, note: &str, followers: u64| {
        json!({"id": id, "username": name, "acct": name, "display_name": name,
               "url": format!("{{{{base}}}}/@{name}"), "note": note, "bot": false,
               "discoverable": true, "indexable": true, "followers_count": followers,
               "following_count": 10, "statuses_count": 400, "fields": []})
    };
    let nora = account("1", "nora", "<p>Sourdough baker and teacher</p>", 1000);
    let ari = account("2", "ari", "<p>Just here for bread</p>", 40);
    put(
        "api/v1/instance",
        &json!({"uri": "127.0.0.1", "version": "4.3.0"}),
    );
    put("api/v1/accounts/lookup?acct=nora", &nora);
    put("api/v1/accounts/lookup?acct=ari", &ari);
    let status = |id: u32, who: &Value, text: &str, to: Option<(&str, &str)>, likes: u64| {
        json!({"id": id.to_string(), "created_at": format!("2026-11-{:02}T10:00:00.000Z", 1 + id % 28),
               "in_reply_to_id": to.map(|t| t.0), "in_reply_to_account_id": to.map(|t| t.1),
               "language": "en", "url": format!("{}/{id}", who["url"].as_str().unwrap()),
               "replies_count": u64::from(id == 100), "reblogs_count": 0, "favourites_count": likes,
               "content": format!("<p>{text}</p>"), "reblog": null, "account": who,
               "mentions": [], "tags": [], "card": null})
    };
    let mut statuses = vec![
        status(
            100,
            &nora,
            "Sourdough starter feeding schedule: rye flour, 1:5:5, twice a day #sourdough",
            None,
            120,
        ),
        status(
            101,
            &nora,
            "Thread 2/2: the sourdough starter doubles in six hours at 24 degrees #sourdough",
            Some(("100", "1")),
            90,
        ),
        status(
            102,
            &nora,
            "Shaping a sourdough batard with good surface tension #sourdough #bread",
            None,
            150,
        ),
        status(
            103,
            &nora,
            "Sourdough crumb shot: long cold proof, 78 percent hydration #sourdough",
            None,
            110,
        ),
    ];
    // `n` replies from `who` to the status `to` = (status id, its author's account id).
    let replies = |first: u32, n: u32, who: &Value, text: &str, to: (&str, &str)| {
        (first..first + n)
            .map(|id| status(id, who, text, Some(to), 0))
            .collect::<Vec<_>>()
    };
    statuses.extend(replies(
        200,
        9,
        &nora,
        "Thanks! Glad it helped 🙂",
        ("900", "2"),
    ));
    // Her answer to Ari's second question shows in her timeline only (the thread was read
    // before she answered).
    statuses.push(status(
        209,
        &nora,
        "@ari yes, at the Saturday market",
        Some(("902", "2")),
        0,
    ));
    put(
        "api/v1/accounts/1/statuses?limit=40&exclude_replies=true",
        &Value::Array(statuses),
    );
    let mut ari_statuses = vec![status(300, &ari, "Finally baked my first loaf", None, 3)];
    ari_statuses.extend(replies(
        310,
        5,
        &ari,
        "Which flour for the starter?",
        ("100", "1"),
    ));
    put(
        "api/v1/accounts/2/statuses?limit=40&exclude_replies=true",
        &Value::Array(ari_statuses),
    );
    // Ari asks under Nora's post; Nora answers.
    let context = json!({"ancestors": [], "descendants": [
        status(900, &ari, "Which flour do you use for the starter? Mine is slow.", Some(("100", "1")), 1),
        status(901, &nora, "@ari whole rye, it ferments faster", Some(("900", "2")), 2),
        status(902, &ari, "Do you sell your starter?", Some(("100", "1")), 0),
    ]});
    put("api/v1/statuses/100/context", &context);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_to_others_never_count_as_posts_and_audience_is_not_indexed() {
    let world = common::tempdir();
    mastodon_world(world.path());
    let server = common::serve(world.path()).await;
    let cfg = common::test_config();
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let s = crawl_into(&cfg, &index, vec![server.url("/@nora")]).await;
    assert_eq!((s.creators_new, s.audience_accounts), (1, 1), "{s:?}");
    assert!(index.get(&server.url("/@ari")).unwrap().is_none());

    let nora = index.get(&server.url("/@nora")).unwrap().unwrap();
    let r = &nora.record;
    // Four own posts (one continues her own thread); ten "Thanks!" replies are conversation.
    assert_eq!(r.posts_indexed, 4);
    assert_eq!(nora.raw.as_ref().unwrap().conversation.len(), 10);
    // Median over own posts of (likes + comments) / followers: (91, 110, 121, 150) / 1000.
    assert_eq!(r.engagement_rate, Some(0.1155));
    assert!(
        r.niches
            .iter()
            .any(|n| n.contains("baking") || n.contains("food")),
        "{r:?}"
    );
    assert_eq!(r.theme_consistency, Some(1.0));
    assert!(r.themes.iter().any(|t| t == "sourdough"), "{:?}", r.themes);
    assert_eq!(r.sponsored_share, Some(0.0));
    // Both of Ari's threads under her post are answered: one in the thread, one by a reply
    // in her timeline (`in_reply_to_id` 902). Ari is a commenter.
    assert_eq!(r.creator_reply_share, Some(1.0));
    let raw = nora.raw.as_ref().unwrap();
    let answer = raw.conversation.iter().find(|p| p.id == "209").unwrap();
    assert_eq!(answer.in_reply_to.as_deref(), Some("902"));
    let alone = scout::extract::reply_share::reply_share(&raw.posts, &[]);
    assert_eq!(alone, Some(0.5), "without the timeline, one thread of two");

    // The summary table names the audience row.
    let mut out = Vec::new();
    scout::cli::commands::print_summary(&mut out, &s).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("audience accounts, not indexed"), "{text}");

    // With the bar at 0, everyone read is indexed.
    let mut all = cfg.clone();
    all.crawl.min_original_posts = 0;
    let dir = common::tempdir();
    let index = CreatorIndex::open_or_create(dir.path()).unwrap();
    let s = crawl_into(&all, &index, vec![server.url("/@nora")]).await;
    assert_eq!((s.creators_new, s.audience_accounts), (2, 0), "{s:?}");
}

#[test]
fn min_original_posts_is_a_strict_config_key() {
    let load = |ov: &str| Config::load(None, &[ov.to_string()]);
    assert_eq!(
        load("crawl.min_original_posts=5")
            .unwrap()
            .crawl
            .min_original_posts,
        5
    );
    assert_eq!(Config::default().crawl.min_original_posts, 3);
    let err = load("crawl.min_original_post=5").unwrap_err();
    assert!(err.to_string().contains("min_original_post"), "{err}");
    let err = load("crawl.min_original_posts=5000").unwrap_err();
    assert!(
        err.to_string().contains("crawl.min_original_posts"),
        "{err}"
    );
}
