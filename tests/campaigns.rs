//! Campaign monitoring end to end on a loopback Mastodon world (see `campaigns/world.rs`):
//! `scout campaign add` through the real binary, a real crawl, the report as JSON, CSV and over
//! HTTP, and a refresh that reads a deleted campaign post. Evidence posts on search results
//! (CLI JSON, CSV, HTTP) on the same world.

pub mod world;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use scout::config::Config;
use scout::crawl::refresh::refresh;
use scout::crawl::{CrawlOptions, crawl};
use scout::index::CreatorIndex;
use serde_json::Value;

use crate::common;
use crate::server::http::raw_get;

struct Setup {
    _tmp: tempfile::TempDir,
    world: std::path::PathBuf,
    index: std::path::PathBuf,
    base: String,
    _server: scout::fixture_server::FixtureServer,
    config: Config,
}

fn scout(index: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_scout"))
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .unwrap();
    if std::env::var_os("SCOUT_SHOW_CLI").is_some() {
        println!(
            "$ scout {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    out
}

#[track_caller]
fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The campaign creators only: their commenters and the brand account are not followed.
fn seeds_only() -> Config {
    let mut c = common::test_config();
    c.crawl.max_depth = 0;
    c
}

async fn setup() -> Setup {
    let tmp = common::tempdir();
    let world = tmp.path().join("world");
    std::fs::create_dir_all(&world).unwrap();
    world::write_world(&world, &[]);
    let server = common::serve(&world).await;
    let index = tmp.path().join("index");
    let base = server.base().trim_end_matches('/').to_string();
    Setup {
        world,
        index,
        base,
        _server: server,
        config: seeds_only(),
        _tmp: tmp,
    }
}

async fn crawl_world(s: &Setup) {
    let index = CreatorIndex::open_or_create(&s.index).unwrap();
    let sum = crawl(
        &s.config,
        &index,
        CrawlOptions {
            seeds: world::seeds(&s.base),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sum.errors, 0, "{sum:?}");
}

fn add_campaign(s: &Setup) {
    let since = (Utc::now() - chrono::Duration::days(world::START_DAYS_AGO))
        .format("%Y-%m-%d")
        .to_string();
    let creators: Vec<String> = world::seeds(&s.base);
    let mut args = vec!["campaign", "add", "spring-glow", "--creator"];
    args.extend(creators.iter().map(String::as_str));
    args.extend([
        "--mention",
        "@glowco",
        "--hashtag",
        "glowspring",
        "--code",
        "SAVE10",
        "--link",
        "glowco.example",
        "--since",
        &since,
    ]);
    let out = ok(scout(&s.index, &args));
    assert!(
        out.contains("created campaign spring-glow (4 creators"),
        "{out}"
    );
}

fn report(s: &Setup) -> Value {
    let out = ok(scout(
        &s.index,
        &["campaign", "report", "spring-glow", "--json"],
    ));
    serde_json::from_str(&out).unwrap()
}

fn creator<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["creators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["profile_url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/@{name}"))
        })
        .unwrap_or_else(|| panic!("{name} not in {r:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_says_who_posted_how_it_did_and_whether_it_was_disclosed() {
    let s = setup().await;
    add_campaign(&s);
    let listed = ok(scout(&s.index, &["campaign", "list", "--json"]));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["campaigns"][0]["name"], "spring-glow");
    assert_eq!(listed["campaigns"][0]["codes"][0], "SAVE10");
    let table = ok(scout(&s.index, &["campaign", "list"]));
    assert!(
        table.contains("spring-glow") && table.contains("4 creators"),
        "{table}"
    );
    // Stored beside the index, outside it.
    assert!(
        s.index
            .parent()
            .unwrap()
            .join("campaigns/spring-glow.toml")
            .is_file()
    );

    // Before any crawl: nobody has posted, figures unknown.
    let r = report(&s);
    assert_eq!(r["totals"]["posted"], 0);
    assert!(r["creators"][0]["sponsored_share_30d"].is_null());

    crawl_world(&s).await;
    let r = report(&s);
    assert_eq!(r["campaign"], "spring-glow");
    assert_eq!(r["totals"]["creators"], 4);
    assert_eq!(r["totals"]["posted"], 3);
    assert_eq!(r["totals"]["not_posted"], 1);

    let lena = creator(&r, "lena_glow");
    assert_eq!(lena["posted"], true);
    let post = &lena["posts"][0];
    assert_eq!(lena["posts"].as_array().unwrap().len(), 1);
    assert_eq!(post["disclosure"], "present");
    let matched: Vec<&str> = post["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        matched,
        [
            "mention:@glowco",
            "hashtag:glowspring",
            "code:SAVE10",
            "link:glowco.example"
        ]
    );
    assert_eq!(post["likes"], 52);
    assert_eq!(post["shares"], 4);
    assert_eq!(post["comments"], 4);
    assert!(post["views"].is_null(), "Mastodon publishes no views");
    // 52 + 4 + 4 = 60 interactions against a median of 22 (the creator's posts: 22, 25, 21, 22, 60).
    assert_eq!(post["engagement_vs_median"], 2.73);
    assert_eq!(post["purchase_intent_comments"], 2);
    assert_eq!(post["genuine_comment_share"], 0.5);
    let examples = post["purchase_intent_examples"].as_array().unwrap();
    assert!(examples[0].as_str().unwrap().starts_with("Where can I buy"));
    assert!(
        examples[1]
            .as_str()
            .unwrap()
            .starts_with("Does it ship to Canada")
    );
    assert_eq!(lena["sponsored_share_30d"], 0.2);
    assert_eq!(lena["overexposed"], false);

    let maya = creator(&r, "maya_skin");
    let posts = maya["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "the @mention post and the short-link post");
    assert!(posts.iter().all(|p| p["disclosure"] == "missing"));
    assert_eq!(
        posts[1]["matched"][0], "link:glowco.example",
        "bit.ly/glowco-spring"
    );

    let sofia = creator(&r, "sofia_piel");
    let post = &sofia["posts"][0];
    assert_eq!(post["matched"][0], "code:SAVE10", "written SAVE 10");
    assert_eq!(post["disclosure"], "present", "#publi in a Spanish post");
    assert_eq!(post["language"], "es");
    assert_eq!(post["purchase_intent_comments"], 1);

    let noah = creator(&r, "noah_natural");
    assert_eq!(
        noah["posted"], false,
        "a code used before the start does not count"
    );
    assert_eq!(noah["posts"].as_array().unwrap().len(), 0);
    assert!(
        noah["sponsored_share_30d"].is_number(),
        "read, just not posted"
    );

    // Top performers first, the creator who has not posted last.
    let order: Vec<&str> = r["creators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["profile_url"]
                .as_str()
                .unwrap()
                .rsplit('@')
                .next()
                .unwrap()
        })
        .collect();
    // lena ×2.73, sofia 40 / 22 = ×1.82, maya 41 / 23.5 = ×1.74, noah none.
    assert_eq!(
        order,
        ["lena_glow", "sofia_piel", "maya_skin", "noah_natural"]
    );
    assert_eq!(r["totals"]["disclosure"]["present"], 2);
    assert_eq!(r["totals"]["disclosure"]["missing"], 2);
    assert_eq!(r["totals"]["posts"], 4);

    // CSV: one row per post, one for the creator who has not posted.
    let csv = ok(scout(
        &s.index,
        &["campaign", "report", "spring-glow", "--csv"],
    ));
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rd.headers().unwrap().get(4), Some("post_url"));
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(&rows[4][3], "false");

    // The human table names the numbers too.
    let table = ok(scout(&s.index, &["campaign", "report", "spring-glow"]));
    assert!(table.contains("3 of 4 creators posted"), "{table}");
    assert!(table.contains("not yet"), "{table}");

    // Over HTTP: the same report, the list, and a JSON 404.
    let server = crate::server::world::start(&s.config, &s.index).await;
    let a = raw_get(server.addr, "/v1/campaigns/spring-glow", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let http: Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(http["creators"], r["creators"]);
    let a = raw_get(server.addr, "/v1/campaigns", &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("\"spring-glow\""));
    let a = raw_get(server.addr, "/v1/campaigns/autumn", &[]).await;
    assert_eq!(a.status, 404);
    assert!(a.body.contains("\"error\""), "{}", a.body);
    let a = raw_get(server.addr, "/v1/campaigns/..%2Fx", &[]).await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = raw_get(server.addr, "/openapi.json", &[]).await;
    assert!(a.body.contains("/v1/campaigns/{name}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_that_reads_a_deleted_campaign_post_keeps_its_figures() {
    let s = setup().await;
    add_campaign(&s);
    crawl_world(&s).await;
    let before = report(&s);
    let maya = creator(&before, "maya_skin");
    let gone = maya["posts"][1].clone();
    assert_eq!(gone["deleted"], false);

    // Maya deletes her second brand post; the nightly refresh re-reads her.
    let c = &world::creators()[1];
    let deleted = world::status_id(c, c.posts.len() - 1);
    assert!(gone["url"].as_str().unwrap().ends_with(&deleted));
    world::write_world(&s.world, &[deleted]);
    let index = CreatorIndex::open_existing(&s.index).unwrap();
    let sum = refresh(&s.config, &index, Duration::ZERO, None, Vec::new(), false)
        .await
        .unwrap();
    assert_eq!(sum.errors, 0, "{sum:?}");

    let after = report(&s);
    let maya = creator(&after, "maya_skin");
    let post = &maya["posts"][1];
    assert_eq!(post["deleted"], true);
    for k in [
        "likes",
        "comments",
        "shares",
        "engagement_vs_median",
        "disclosure",
    ] {
        assert_eq!(post[k], gone[k], "{k} kept as recorded");
    }
    assert_eq!(maya["posts"][0]["deleted"], false);
    assert_eq!(after["totals"]["deleted_posts"], 1);
    assert_eq!(after["totals"]["posts"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_posts_quote_the_best_matching_posts() {
    let s = setup().await;
    crawl_world(&s).await;
    let out = ok(scout(
        &s.index,
        &[
            "search",
            "calming",
            "serum",
            "--evidence",
            "--json",
            "--buyer",
            "ships to Canada",
        ],
    ));
    let r: Value = serde_json::from_str(&out).unwrap();
    let results = r["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let lena = results
        .iter()
        .find(|c| c["handle"].as_str().unwrap().starts_with("lena_glow@"))
        .unwrap_or_else(|| panic!("lena is not a result: {r:#}"));
    let ev = lena["evidence_posts"].as_array().unwrap();
    assert!(!ev.is_empty() && ev.len() <= 3, "{ev:?}");
    // Her brand post names both words: it comes first.
    assert!(
        ev[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>calming</b>"),
        "{ev:?}"
    );
    assert!(ev[0]["snippet"].as_str().unwrap().contains("<b>serum</b>"));
    assert_eq!(ev[0]["likes"], 52);
    assert!(ev[0]["url"].as_str().unwrap().starts_with(&s.base));
    assert!(ev[0]["published_at"].is_string());
    assert!(ev[0]["views"].is_null());
    for p in ev {
        for k in [
            "url",
            "published_at",
            "snippet",
            "likes",
            "comments",
            "shares",
            "views",
        ] {
            assert!(p.get(k).is_some(), "{k} missing in {p}");
        }
    }
    let said = lena["evidence_comments"].as_array().unwrap();
    assert!(
        said.iter().any(|c| c.as_str().unwrap().contains("Canada")),
        "{said:?}"
    );
    // The table quotes them under each result.
    let table = ok(scout(
        &s.index,
        &["search", "calming", "serum", "--evidence"],
    ));
    assert!(table.contains("▸ "), "{table}");
    assert!(
        table.contains("the @glowco spring serum, light and calming"),
        "{table}"
    );
    assert!(
        !table.contains("<b>"),
        "snippets are plain text in the table: {table}"
    );
    // Without --evidence nothing is read or returned.
    let plain: Value =
        serde_json::from_str(&ok(scout(&s.index, &["search", "serum", "--json"]))).unwrap();
    assert!(plain["results"][0].get("evidence_posts").is_none());

    // CSV: the quoted posts' URLs.
    let csv = ok(scout(&s.index, &["search", "serum", "--evidence", "--csv"]));
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let col = rd
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "evidence_posts")
        .unwrap();
    let first = rd.records().next().unwrap().unwrap();
    assert!(first[col].starts_with(&s.base), "{:?}", &first[col]);

    // HTTP: evidence=true.
    let server = crate::server::world::start(&s.config, &s.index).await;
    let a = raw_get(server.addr, "/v1/search?q=serum&evidence=true&limit=2", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let http: Value = serde_json::from_str(&a.body).unwrap();
    assert!(
        http["results"][0]["evidence_posts"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>serum</b>")
    );
    let a = raw_get(server.addr, "/v1/search?q=serum&evidence=maybe", &[]).await;
    assert_eq!(a.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_evidence_on_cards_and_the_campaign_view() {
    let s = setup().await;
    add_campaign(&s);
    crawl_world(&s).await;
    let server = crate::server::world::start(&s.config, &s.index).await;
    let dom = crate::browser::dump_dom(&server.url("/?q=calming+serum&campaign=spring-glow")).await;
    // A card quotes posts, the query's words marked.
    assert!(dom.contains("Posts to quote"), "{dom}");
    assert!(dom.contains("<mark>serum</mark>"), "{dom}");
    assert!(dom.contains("class=\"evidence-meta\""), "{dom}");
    // The campaign view: a row per creator, the silent one "Not yet", a chart per post.
    assert!(dom.contains("3 of 4 creators posted"), "{dom}");
    assert_eq!(
        dom.matches("class=\"campaign-creator\"").count(),
        4,
        "{dom}"
    );
    assert!(dom.contains("Not yet"));
    assert_eq!(dom.matches("class=\"vs-median\"").count(), 4);
    assert!(dom.contains("disclosure-missing"));
}
