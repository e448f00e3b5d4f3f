//! The web source over a real loopback socket: the demo world's web creators
//! (`fixtures/world`) and the edge-case pages (`fixtures/web`), read with the real Fetcher.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;

use scout::config::Config;
use scout::model::{Platform, ProblemKind, RawProfile};
use scout::net::Fetcher;
use scout::sources::{ReadContext, SourceOutput, web};
use url::Url;

use crate::common;

/// Every creator of the demo world: slug → posts published as pages.
const WORLD: &[(&str, usize)] = &[
    ("anna", 6),
    ("max", 4),
    ("glowqueen", 5),
    ("mira", 4),
    ("jess", 6),
    ("lucia", 5),
    ("lena", 5),
    ("sam", 4),
    ("jonas", 4),
    ("priya", 4),
    ("camille", 4),
    ("marta", 4),
    ("ben", 3),
];

async fn read_with(cfg: &Config, url: &str, in_full: bool) -> (SourceOutput, Fetcher) {
    let fetcher = Fetcher::new(&cfg.crawl).expect("fetcher");
    let all = |_: &str| true;
    let none = |_: &str| false;
    let ctx = ReadContext {
        fetcher: &fetcher,
        config: cfg,
        read_in_full: if in_full { &all } else { &none },
        known: &|_| None,
        bluesky_batches: None,
        peertube_hosts: &Default::default(),
    };
    let out = web::read(&Url::parse(url).unwrap(), &ctx).await;
    (out, fetcher)
}

async fn read(url: &str) -> SourceOutput {
    read_with(&common::test_config(), url, true).await.0
}

fn only_profile(out: &SourceOutput) -> &RawProfile {
    assert_eq!(out.profiles.len(), 1, "problems: {:?}", out.problems);
    &out.profiles[0]
}

#[tokio::test]
async fn reads_a_world_creator_with_posts_comments_and_replies() {
    let srv = common::serve(common::fixtures().join("world")).await;
    let out = read(&srv.url("/web/anna/")).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = only_profile(&out);
    assert_eq!(p.profile_url, srv.url("/web/anna/"));
    assert_eq!(p.platform, Some(Platform::Web));
    assert_eq!(p.handle, "anna.greenroutine");
    assert_eq!(p.display_name, "Anna Whitfield");
    assert!(
        p.bio
            .starts_with("Vegan skincare for sensitive, reactive skin")
    );
    assert_eq!(p.followers, Some(24_000));
    assert_eq!(p.following, Some(318));
    assert_eq!(p.posts_count, Some(412));
    assert_eq!(p.location.as_deref(), Some("Bristol, UK"));
    assert!(
        p.fields
            .contains(&("email".into(), "anna.collabs@example.org".into()))
    );

    assert_eq!(p.posts.len(), 6);
    let dates: Vec<_> = p.posts.iter().map(|p| p.published_at.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let newest = &p.posts[0];
    assert_eq!(
        newest.url,
        srv.url("/web/anna/posts/bakuchiol-three-weeks.html")
    );
    assert_eq!(newest.likes, Some(1_180));
    assert_eq!(newest.comments_count, Some(49));
    assert!(newest.hashtags.contains(&"veganskincare".to_string()));
    let comments: usize = p.posts.iter().map(|p| p.comments.len()).sum();
    assert_eq!(comments, 41);
    let replies: Vec<_> = p
        .posts
        .iter()
        .flat_map(|p| &p.comments)
        .filter(|c| c.by_creator)
        .collect();
    assert_eq!(replies.len(), 12);
    assert!(replies.iter().all(|c| c.parent_id.is_some()));
    let question = &newest.comments[0];
    assert_eq!(
        question.text,
        "Is this safe for sensitive skin? I react to almost everything with fragrance in it."
    );
    assert!(!question.by_creator);
    assert_eq!(
        newest.comments[1].parent_id.as_deref(),
        Some(question.id.as_str())
    );

    let ad = p
        .posts
        .iter()
        .find(|p| p.url.ends_with("ad-solara-mineral-spf.html"))
        .unwrap();
    assert!(ad.branded_content);
    let winter = p
        .posts
        .iter()
        .find(|p| p.url.ends_with("winter-barrier-routine.html"))
        .unwrap();
    assert_eq!(winter.mentions, vec![srv.url("/web/sam/")]);

    let found: HashSet<&str> = out.discovered.iter().map(String::as_str).collect();
    let mut expected: HashSet<String> = ["sam", "lena", "lucia"]
        .iter()
        .map(|s| srv.url(&format!("/web/{s}/")))
        .collect();
    // Commenters who are creators elsewhere lead to them (reply authors are discovered).
    expected.extend([
        srv.url("/@lumen_skin"),
        srv.url("/feeds/hautnah-vegan.xml"),
        "https://bsky.app/profile/selvaencasa.bsky.social".to_string(),
    ]);
    assert_eq!(found, expected.iter().map(String::as_str).collect());
}

#[tokio::test]
async fn whole_world_reads_cleanly_and_discovery_reaches_the_unseeded() {
    let srv = common::serve(common::fixtures().join("world")).await;
    let mut discovered = HashSet::new();
    let mut totals = (0usize, 0usize);
    let mut languages = BTreeMap::new();
    for (slug, posts) in WORLD {
        let out = read(&srv.url(&format!("/web/{slug}/"))).await;
        assert!(out.problems.is_empty(), "{slug}: {:?}", out.problems);
        let p = only_profile(&out);
        assert_eq!(p.profile_url, srv.url(&format!("/web/{slug}/")), "{slug}");
        assert!(
            p.followers.is_some() && !p.handle.is_empty() && !p.bio.is_empty(),
            "{slug}"
        );
        assert_eq!(p.posts.len(), *posts, "{slug}");
        assert!(
            p.posts.iter().all(|post| !post.comments.is_empty()
                && post.published_at.is_some()
                && !post.text.is_empty()),
            "{slug}"
        );
        totals.0 += p.posts.len();
        totals.1 += p.posts.iter().map(|p| p.comments.len()).sum::<usize>();
        *languages
            .entry(p.lang_hint.clone().unwrap_or_default())
            .or_insert(0) += 1;
        discovered.extend(out.discovered);
    }
    assert_eq!(totals, (58, 273));
    assert_eq!(
        languages.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["de", "en", "es", "fr"]
    );

    // Every discovered URL is a world creator; together with the seeds they cover the world,
    // and the seeds file leaves at least two creators to discovery.
    let seeds_file =
        std::fs::read_to_string(common::fixtures().join("world/seeds-web.txt")).unwrap();
    let seeds: HashSet<String> = seeds_file
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().replace("{{base}}", &srv.base()))
        .collect();
    let mut all: HashSet<String> = WORLD
        .iter()
        .map(|(s, _)| srv.url(&format!("/web/{s}/")))
        .collect();
    // The platform creators who comment on web posts (the rest of the world).
    all.extend([
        srv.url("/@lumen_skin"),
        srv.url("/feeds/hautnah-vegan.xml"),
        "https://bsky.app/profile/selvaencasa.bsky.social".to_string(),
        "https://www.youtube.com/channel/UCq7VbH2kX9mTt4LrPz0aWcQ".to_string(),
    ]);
    assert!(
        discovered.is_subset(&all),
        "{:?}",
        discovered.difference(&all).collect::<Vec<_>>()
    );
    assert!(seeds.is_subset(&all));
    let unseeded: HashSet<&String> = all.difference(&seeds).collect();
    assert!(unseeded.len() >= 2, "{unseeded:?}");
    assert!(
        unseeded.iter().all(|u| discovered.contains(*u)),
        "{unseeded:?} not all discovered"
    );
}

#[tokio::test]
async fn ranking_characters_are_published_as_intended() {
    let srv = common::serve(common::fixtures().join("world")).await;
    let glow = read(&srv.url("/web/glowqueen/")).await;
    let g = only_profile(&glow);
    assert_eq!(g.followers, Some(180_000));
    let night = g
        .posts
        .iter()
        .find(|p| p.url.ends_with("night-routine.html"))
        .unwrap();
    assert_eq!(night.likes, Some(1_200), "\"1.2K\" inside @graph");
    assert_eq!(night.comments_count, Some(9));
    assert!(
        g.posts
            .iter()
            .flat_map(|p| &p.comments)
            .all(|c| !c.by_creator)
    );
    let texts: HashSet<&str> = g
        .posts
        .iter()
        .flat_map(|p| &p.comments)
        .map(|c| c.text.as_str())
        .collect();
    let total = g.posts.iter().map(|p| p.comments.len()).sum::<usize>();
    assert!(
        texts.len() * 3 <= total,
        "comments repeat across posts: {} distinct of {total}",
        texts.len()
    );

    let jess = read(&srv.url("/web/jess/")).await;
    let j = only_profile(&jess);
    let giveaway = j
        .posts
        .iter()
        .find(|p| p.url.ends_with("bloomy-giveaway.html"))
        .unwrap();
    assert_eq!(
        (giveaway.likes, giveaway.shares, giveaway.comments_count),
        (Some(3_100), Some(420), Some(1_204))
    );
    assert_eq!(
        giveaway.comments.len(),
        2,
        "a single comment object with its reply"
    );
    assert!(giveaway.comments[1].by_creator);
    let codes = j
        .posts
        .iter()
        .filter(|p| p.text.contains("code") || p.text.contains("Code"))
        .count();
    let marked = j.posts.iter().filter(|p| p.branded_content).count();
    assert_eq!(
        (codes, marked),
        (5, 2),
        "most posts push codes, few are marked"
    );

    let mira = read(&srv.url("/web/mira/")).await;
    let last = only_profile(&mira)
        .posts
        .iter()
        .filter_map(|p| p.published_at)
        .max()
        .unwrap();
    assert_eq!(last.format("%Y").to_string(), "2021");

    let max = read(&srv.url("/web/max/")).await;
    let m = only_profile(&max);
    assert!(m.bio.matches("vegan skincare").count() >= 3);
    assert!(
        m.posts
            .iter()
            .all(|p| !p.text.to_lowercase().contains("skincare"))
    );

    let lucia = read(&srv.url("/web/lucia/")).await;
    let l = only_profile(&lucia);
    assert_eq!(l.followers, Some(31_200), "\"31,200\" in a top-level array");
    assert_eq!(
        l.posts[0].likes,
        Some(1_450),
        "\"1.450\" with http://schema.org types"
    );

    let jonas = read(&srv.url("/web/jonas/")).await;
    let jo = only_profile(&jonas);
    assert_eq!(jo.followers, Some(6_240), "microdata profile");
    assert_eq!(jo.location.as_deref(), Some("Leipzig"));
}

#[tokio::test]
async fn noindex_meta_is_opted_out_without_profile() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let (out, fetcher) = read_with(&common::test_config(), &srv.url("/noindex.html"), true).await;
    assert!(out.profiles.is_empty());
    assert_eq!(out.opted_out, vec![srv.url("/noindex.html")]);
    assert!(out.discovered.is_empty());
    // robots.txt and the page; the post it links to is never fetched.
    assert_eq!(fetcher.stats.requests.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn x_robots_tag_header_is_honoured() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/xrobots.html")).await;
    assert!(out.profiles.is_empty(), "{:?}", out.profiles);
    assert_eq!(out.opted_out, vec![srv.url("/xrobots.html")]);
}

#[tokio::test]
async fn broken_json_ld_is_a_problem_with_its_url() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/broken-jsonld.html")).await;
    assert!(out.profiles.is_empty());
    let kinds: Vec<(String, &str)> = out
        .problems
        .iter()
        .map(|p| (p.kind.to_string(), p.url.as_str()))
        .collect();
    let url = srv.url("/broken-jsonld.html");
    assert_eq!(
        kinds,
        vec![
            ("jsonld_syntax".to_string(), url.as_str()),
            ("no_profile_markup".to_string(), url.as_str())
        ]
    );
}

#[tokio::test]
async fn meta_refresh_behind_base_href_is_followed_once() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/base-refresh.html")).await;
    let p = only_profile(&out);
    assert_eq!(p.handle, "camille.jungle");
    assert_eq!(p.profile_url, srv.url("/og-only.html"));
    // Its one post link is dangling: reported, the profile still counts.
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert_eq!(out.problems[0].kind.to_string(), "http_404");
    assert_eq!(
        out.problems[0].url,
        srv.url("/camille/monstera-bouture.html")
    );
}

#[tokio::test]
async fn failed_post_page_is_skipped_and_reported() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/dangling.html")).await;
    let p = only_profile(&out);
    assert_eq!(p.followers, Some(3_100));
    assert_eq!(p.posts.len(), 1);
    assert_eq!(p.posts[0].comments.len(), 1);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert_eq!(out.problems[0].kind.to_string(), "http_404");
    assert_eq!(out.problems[0].url, srv.url("/missing-post.html"));
}

#[tokio::test]
async fn unreachable_profile_is_a_problem_not_a_panic() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/nobody-here.html")).await;
    assert!(out.profiles.is_empty());
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].kind.to_string(), "http_404");
    assert_eq!(out.problems[0].url, srv.url("/nobody-here.html"));
}

#[tokio::test]
async fn feeds_are_handed_to_the_feed_source() {
    let srv = common::serve(common::fixtures().join("web")).await;
    let out = read(&srv.url("/feed.xml")).await;
    assert!(
        out.profiles
            .iter()
            .all(|p| p.platform != Some(Platform::Web))
    );
    assert!(
        out.problems
            .iter()
            .all(|p| p.kind != ProblemKind::NoProfileMarkup),
        "{:?}",
        out.problems
    );
}

#[tokio::test]
async fn out_of_shard_creator_is_not_read_in_full() {
    let srv = common::serve(common::fixtures().join("world")).await;
    let (out, fetcher) = read_with(&common::test_config(), &srv.url("/web/anna/"), false).await;
    assert!(out.profiles.is_empty());
    assert!(out.problems.is_empty());
    assert_eq!(
        fetcher.stats.requests.load(Ordering::Relaxed),
        2,
        "robots.txt and the profile only"
    );
}

#[tokio::test]
async fn post_page_and_post_limits_apply() {
    let srv = common::serve(common::fixtures().join("world")).await;
    let mut cfg = common::test_config();
    cfg.crawl.max_post_pages = 3;
    let (out, fetcher) = read_with(&cfg, &srv.url("/web/anna/"), true).await;
    assert_eq!(only_profile(&out).posts.len(), 3);
    assert_eq!(fetcher.stats.requests.load(Ordering::Relaxed), 1 + 1 + 3);
    cfg.crawl.max_post_pages = 20;
    cfg.crawl.max_posts = 2;
    let (out, _) = read_with(&cfg, &srv.url("/web/anna/"), true).await;
    let p = only_profile(&out);
    assert_eq!(p.posts.len(), 2);
    assert!(
        p.posts[0].url.ends_with("bakuchiol-three-weeks.html"),
        "the newest are kept"
    );
}

#[test]
fn schema_org_published_example_reads_as_a_profile() {
    let path = common::realdata().join("schemaorg_jsonld/schemaorg__issue-2421-examples.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let url = Url::parse("http://127.0.0.1:9/jane").unwrap();
    let out = scout::sources::web_profile::parse_profile(&text, &url, Default::default());
    let p = out.profile.expect("Person with a FollowAction counter");
    assert_eq!(p.display_name, "Jane Doe");
    assert_eq!(p.followers, Some(145_098));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}
