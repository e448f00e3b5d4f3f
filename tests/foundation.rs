//! The foundation's promises: strict config, the index lock, upsert without duplicates,
//! INTERFACE.md field names and types, exit codes.

use std::process::Command;

use scout::config::Config;
use scout::extract::Extractor;
use scout::index::CreatorIndex;
use scout::model::{Comment, Platform, Post, RawProfile};
use scout::rank::{Ranker, SearchRequest};

use crate::common;

fn scout() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scout"))
}

/// `scout ARGS --index DIR`, which must succeed, its stdout read as one JSON value.
fn json_of(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = scout().args(args).arg("--index").arg(dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn profile(name: &str, followers: u64, bio: &str, posts: &[&str]) -> RawProfile {
    RawProfile {
        profile_url: format!("http://127.0.0.1:1/web/creators/{name}"),
        platform: Some(Platform::Web),
        handle: name.into(),
        display_name: name.to_uppercase(),
        bio: bio.into(),
        followers: Some(followers),
        posts: posts
            .iter()
            .enumerate()
            .map(|(i, t)| Post {
                id: format!("{name}-{i}"),
                url: format!("http://127.0.0.1:1/web/creators/{name}/posts/{i}"),
                text: t.to_string(),
                published_at: Some(chrono::Utc::now() - chrono::Duration::days(i as i64 + 1)),
                likes: Some(followers / 20),
                comments: vec![Comment {
                    id: format!("{name}-{i}-c"),
                    author_handle: "reader".into(),
                    text: "Where can I buy this serum? Does it work for sensitive skin?".into(),
                    ..Default::default()
                }],
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn index_profiles(dir: &std::path::Path, profiles: &[RawProfile]) -> CreatorIndex {
    let index = CreatorIndex::open_or_create(dir).unwrap();
    let ex = Extractor::new(&Config::default()).unwrap();
    let mut w = index.writer().unwrap();
    for p in profiles {
        let rec = ex.extract(p, &[], chrono::Utc::now());
        w.upsert(&rec, p).unwrap();
    }
    w.commit(None).unwrap();
    w.close().unwrap();
    index.reload().unwrap();
    index
}

#[test]
fn upsert_twice_leaves_one_record() {
    let dir = common::tempdir();
    let a = profile(
        "anna",
        24_000,
        "vegan skincare",
        &["my vegan serum routine"],
    );
    let index = index_profiles(dir.path(), &[a.clone(), a.clone()]);
    assert_eq!(index.num_docs(), 1);
    let index = index_profiles(dir.path(), std::slice::from_ref(&a));
    assert_eq!(index.num_docs(), 1);
    assert_eq!(index.meta().unwrap().generation, 2);
    let got = index.get(&a.profile_url).unwrap().expect("found by URL");
    assert_eq!(got.record.handle, "anna");
    assert!(index.get("anna").unwrap().is_some(), "found by handle");
    assert!(index.get(&got.record.id).unwrap().is_some(), "found by id");
    assert!(index.get("nobody").unwrap().is_none());
}

#[test]
fn filters_are_index_queries_that_exclude() {
    let dir = common::tempdir();
    let index = index_profiles(
        dir.path(),
        &[
            profile("small", 2_000, "vegan skincare", &["vegan serum"]),
            profile("mid", 40_000, "vegan skincare", &["vegan serum"]),
            profile("big", 400_000, "vegan skincare", &["vegan serum"]),
        ],
    );
    let ranker = Ranker::new(&Config::default()).unwrap();
    let search = |pairs: &[(&str, &str)]| {
        let r = SearchRequest::from_pairs(pairs.iter().copied()).unwrap();
        ranker
            .search(&index, &r)
            .unwrap()
            .results
            .into_iter()
            .map(|r| r.handle)
            .collect::<Vec<_>>()
    };
    assert_eq!(search(&[("q", "vegan serum")]).len(), 3);
    assert_eq!(
        search(&[("q", "vegan serum"), ("tier", "micro")]),
        vec!["mid"]
    );
    let mut nano_macro = search(&[("q", "vegan serum"), ("tier", "nano"), ("tier", "macro")]);
    nano_macro.sort();
    assert_eq!(nano_macro, vec!["big", "small"]);
    assert_eq!(
        search(&[("q", "vegan serum"), ("min_followers", "100000")]),
        vec!["big"]
    );
    assert_eq!(
        search(&[("q", "vegan serum"), ("max_followers", "5000")]),
        vec!["small"]
    );
    assert!(search(&[("q", "vegan serum"), ("platform", "bluesky")]).is_empty());
    assert!(search(&[("q", "chess openings")]).is_empty());
    // Empty query with filters lists by signals.
    assert_eq!(search(&[("tier", "macro")]), vec!["big"]);
}

#[test]
fn ties_are_deterministic() {
    let dir = common::tempdir();
    let twins: Vec<RawProfile> = (0..6)
        .map(|i| {
            profile(
                &format!("twin{i}"),
                20_000,
                "vegan skincare",
                &["vegan serum"],
            )
        })
        .collect();
    let index = index_profiles(dir.path(), &twins);
    let ranker = Ranker::new(&Config::default()).unwrap();
    let req = SearchRequest::from_pairs([("q", "vegan serum")]).unwrap();
    let first: Vec<String> = ranker
        .search(&index, &req)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.id)
        .collect();
    for _ in 0..3 {
        let again: Vec<String> = ranker
            .search(&index, &req)
            .unwrap()
            .results
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(first, again);
    }
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(first, sorted, "equal scores fall back to id order");
}

#[test]
fn search_json_carries_interface_fields_with_types() {
    let dir = common::tempdir();
    index_profiles(
        dir.path(),
        &[profile("anna", 24_000, "vegan skincare", &["vegan serum"])],
    );
    let v = json_of(
        dir.path(),
        &["search", "--json", "--explain", "vegan", "serum"],
    );
    assert_eq!(v["query"], "vegan serum");
    assert_eq!(v["total"], 1);
    let r = &v["results"][0];
    use serde_json::Value as V;
    let is_str = |v: &V| v.is_string();
    let str_or_null = |v: &V| v.is_string() || v.is_null();
    let num_or_null = |v: &V| v.is_number() || v.is_null();
    type Check<'a> = (&'a str, &'a dyn Fn(&V) -> bool);
    let checks: &[Check] = &[
        ("id", &is_str),
        ("profile_url", &is_str),
        ("platform", &is_str),
        ("handle", &is_str),
        ("display_name", &is_str),
        ("bio", &is_str),
        ("followers", &|v: &V| v.is_u64() || v.is_null()),
        ("tier", &str_or_null),
        ("language", &str_or_null),
        ("audience_languages", &|v: &V| v.is_object()),
        ("engagement_rate", &num_or_null),
        ("themes", &|v: &V| v.is_array()),
        ("niches", &|v: &V| v.is_array()),
        ("theme_consistency", &num_or_null),
        ("comment_quality", &num_or_null),
        ("bot_comment_share", &num_or_null),
        ("creator_reply_share", &num_or_null),
        ("sponsored_share", &num_or_null),
        ("undisclosed_sponsored_posts", &|v: &V| v.is_u64()),
        ("emails", &|v: &V| v.is_array()),
        ("location", &str_or_null),
        ("posts_indexed", &|v: &V| v.is_u64()),
        ("last_post_at", &str_or_null),
        ("follower_growth_30d", &num_or_null),
        ("fetched_at", &is_str),
        ("brand_safety_flags", &|v: &V| v.is_array()),
        ("score", &|v: &V| v.is_number()),
        ("explain", &|v: &V| v.is_object()),
    ];
    for (field, ok) in checks {
        assert!(
            ok(&r[*field]),
            "field {field} has the wrong type: {}",
            r[*field]
        );
    }
    assert_eq!(r["tier"], "micro");
    assert_eq!(r["platform"], "web");
    assert!(chrono::DateTime::parse_from_rfc3339(r["fetched_at"].as_str().unwrap()).is_ok());
}

#[test]
fn csv_has_a_header_and_one_row_per_result() {
    let dir = common::tempdir();
    index_profiles(
        dir.path(),
        &[
            profile(
                "anna",
                24_000,
                "vegan skincare, \"quoted\", commas",
                &["vegan serum"],
            ),
            profile("ben", 30_000, "vegan skincare", &["vegan serum"]),
        ],
    );
    let out = scout()
        .args(["search", "--csv", "--index"])
        .arg(dir.path())
        .arg("vegan")
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    assert!(headers.iter().any(|h| h == "profile_url"));
    assert_eq!(rdr.records().count(), 2);
}

#[test]
fn bad_config_key_exits_2_naming_it() {
    let dir = common::tempdir();
    let cfg = dir.path().join("scout.toml");
    std::fs::write(&cfg, "[crawl]\nrate_per_hots = 3\n").unwrap();
    let out = scout()
        .arg("--config")
        .arg(&cfg)
        .args(["stats", "--index"])
        .arg(dir.path().join("idx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rate_per_hots"));

    std::fs::write(&cfg, "[crawl]\nburst = \"two\"\n").unwrap();
    let out = scout()
        .arg("--config")
        .arg(&cfg)
        .arg("config")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("burst"));

    let out = scout()
        .args(["--set", "crawl.concurrency=0", "config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("crawl.concurrency"));
}

#[test]
fn bad_filter_value_exits_2() {
    let dir = common::tempdir();
    index_profiles(dir.path(), &[profile("anna", 24_000, "vegan", &["vegan"])]);
    let out = scout()
        .args(["search", "--tier", "mega", "--index"])
        .arg(dir.path())
        .arg("vegan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tier"));
}

#[test]
fn index_held_by_another_writer_exits_1_and_loses_nothing() {
    let dir = common::tempdir();
    let index = index_profiles(dir.path(), &[profile("anna", 24_000, "vegan", &["vegan"])]);
    let held = index.writer().unwrap();
    let out = scout()
        .args(["crawl", "--index"])
        .arg(dir.path())
        .arg("http://127.0.0.1:9/web/creators/x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked"), "{err}");
    drop(held);
    let index = CreatorIndex::open_existing(dir.path()).unwrap();
    assert_eq!(index.num_docs(), 1, "nothing committed was lost");
}

#[test]
fn show_unknown_creator_is_a_clear_error() {
    let dir = common::tempdir();
    let out = scout()
        .args(["show", "--index"])
        .arg(dir.path().join("none"))
        .arg("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index"));
}

/// `scout compact` merges a crawl's commits into one segment: `--json` says so, searches
/// answer the same, and while another writer holds the index it exits 1 and changes nothing.
#[test]
fn compact_merges_the_commits_and_answers_the_same() {
    let dir = common::tempdir();
    for (k, batch) in [["anna", "bea", "carl"], ["dora", "emil", "fay"]]
        .iter()
        .enumerate()
    {
        let profiles: Vec<RawProfile> = batch
            .iter()
            .map(|n| {
                let posts = ["vegan serum routine", "my vegan sunscreen test"];
                profile(n, 12_000 + 9_000 * k as u64, "vegan skincare", &posts)
            })
            .collect();
        drop(index_profiles(dir.path(), &profiles));
    }
    let search = || {
        let v = json_of(dir.path(), &["search", "--json", "vegan sunscreen"]);
        // Page order and totals; scores to 1e-6 (recency reads the clock).
        let rows: Vec<(String, String)> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let score = r["score"].as_f64().unwrap();
                (r["id"].as_str().unwrap().to_string(), format!("{score:.6}"))
            })
            .collect();
        (v["total"].as_u64().unwrap(), rows)
    };
    let before = search();
    assert_eq!(before.0, 6);

    let index = CreatorIndex::open_existing(dir.path()).unwrap();
    let held = index.writer().unwrap();
    let out = scout()
        .args(["compact", "--index"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("locked"));
    drop(held);

    let s = json_of(dir.path(), &["compact", "--json"]);
    assert!(s["segments_before"].as_u64().unwrap() >= 2, "{s}");
    assert_eq!(s["segments_after"], 1, "{s}");
    assert_eq!(
        (s["creators"].as_u64(), s["generation"].as_u64()),
        (Some(6), Some(2))
    );
    assert_eq!(search(), before);
}
