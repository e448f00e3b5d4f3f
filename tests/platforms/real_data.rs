//! Real responses recorded from Mastodon servers, Bluesky's AppView, YouTube and creator feeds
//! (see `shared/realdata/MANIFEST.md`), every relevant sample parsed on its own.

use std::fs;
use std::path::{Path, PathBuf};

use scout::model::Platform;
use scout::sources::bluesky::parse as bsky;
use scout::sources::feed::parse as feedp;
use scout::sources::lenient_json;
use scout::sources::mastodon::parse as masto;
use scout::sources::mastodon::timeline as mtl;
use serde_json::Value;

use crate::common;

pub fn rd(rel: &str) -> PathBuf {
    let p = common::realdata().join(rel);
    assert!(
        p.exists(),
        "real data missing: {} (see MANIFEST.md)",
        p.display()
    );
    p
}

pub fn json(path: &Path) -> Value {
    lenient_json::parse(&fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn jsons(dir: &str) -> Vec<(String, Value)> {
    let mut v: Vec<_> = fs::read_dir(rd(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                json(&p),
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn is_account(v: &Value) -> bool {
    v.get("username").is_some() && v.get("acct").is_some()
}

fn is_status(v: &Value) -> bool {
    v.get("content").is_some() && v.get("account").is_some()
}

#[test]
fn every_mastodon_sample_parses() {
    let (mut accounts, mut statuses, mut contexts, mut opted_out) = (0, 0, 0, 0);
    let mut files = jsons("mastodon/extracted");
    files.extend(jsons("mastodon/docs_examples"));
    for (name, v) in &files {
        let mut check_account = |a: &Value| {
            let parsed = masto::parse_account(a).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(parsed.url.starts_with("http"), "{name}");
            assert!(!parsed.profile.handle.is_empty(), "{name}");
            assert!(
                parsed.profile.handle.contains('@'),
                "{name}: handle {}",
                parsed.profile.handle
            );
            assert!(
                !parsed.profile.bio.contains("<p>"),
                "{name}: HTML left in bio"
            );
            if parsed.opts_out {
                opted_out += 1;
            }
            accounts += 1;
        };
        if is_account(v) {
            check_account(v);
        } else if is_status(v) {
            let p = masto::parse_post(v).unwrap_or_else(|| panic!("{name}: status"));
            assert!(!p.text.contains("</"), "{name}: HTML left in text");
            check_account(&v["account"]);
            statuses += 1;
        } else if v.get("descendants").is_some() {
            let t = mtl::parse_context(v, "0", "0", "").unwrap();
            contexts += 1;
            assert_eq!(t.comments.len(), v["descendants"].as_array().unwrap().len());
        } else if let Some(arr) = v.as_array().filter(|a| a.first().is_some_and(is_status)) {
            let page = masto::parse_statuses(v, "no such creator").unwrap();
            assert_eq!(page.entries, arr.len(), "{name}");
            for s in arr {
                assert!(masto::parse_post(s).is_some(), "{name}");
                check_account(&s["account"]);
                statuses += 1;
            }
        } else if let Some(arr) = v.as_array().filter(|a| a.first().is_some_and(is_account)) {
            for a in arr {
                check_account(a);
            }
        }
    }
    // Measured on the MANIFEST's sample set; a drop means samples stopped being recognised.
    assert!(accounts >= 60, "accounts parsed: {accounts}");
    assert!(statuses >= 50, "statuses parsed: {statuses}");
    assert!(contexts >= 4, "contexts parsed: {contexts}");
    assert!(opted_out >= 10, "explicit opt-outs seen: {opted_out}");
}

#[test]
fn mastodon_samples_carry_the_right_values() {
    // A real fosstodon.org account: `indexable: false` is an explicit refusal.
    let a = json(&rd(
        "mastodon/extracted/rtoot__get_account_default__00__fosstodon_org_api_v1_accounts_109302436954721982.json",
    ));
    let a = masto::parse_account(&a).unwrap();
    assert_eq!(a.url, "https://fosstodon.org/@schochastics");
    assert_eq!(a.profile.handle, "schochastics@fosstodon.org");
    assert!(a.opts_out);
    assert!(
        a.profile
            .links
            .contains(&"https://github.com/schochastics".to_string())
    );

    // `discoverable: null` is no refusal.
    let a = json(&rd(
        "mastodon/extracted/mastodonpy-localhost__test_account_lookup__HEAD-b9f2eff__02__api_v1_accounts_lookup_acct_mastodonpy_test.json",
    ));
    let a = masto::parse_account(&a).unwrap();
    assert!(!a.opts_out);
    assert_eq!(a.profile.bio, "I walk funny");
    assert_eq!(a.profile.fields[0], ("bread".into(), "toasty.".into()));

    // Remote account with custom emoji, HTML fields and mention links.
    let a = json(&rd("mastodon/docs_examples/accounts__get__200_1.json"));
    let a = masto::parse_account(&a).unwrap();
    assert_eq!(a.profile.handle, "noiob@awoo.space");
    assert!(
        a.profile.bio.contains(":ms_rainbow_flag:"),
        "{}",
        a.profile.bio
    );
    assert!(a.profile.bio.contains("#awoo") && a.profile.bio.contains("@dzuk"));
    assert!(
        a.profile
            .links
            .contains(&"https://cybre.space/@noiob".to_string())
    );
    assert!(
        a.profile
            .fields
            .iter()
            .any(|(n, v)| n == "Website" && v == "http://shork.xyz")
    );

    // A suspended husk.
    let a = json(&rd("mastodon/docs_examples/accounts__get__200_2.json"));
    let a = masto::parse_account(&a).unwrap();
    assert!(a.suspended && a.opts_out);

    // A status: full link text from the invisible spans, the card's URL among links.
    let s = json(&rd("mastodon/docs_examples/entity_Status__example_0.json"));
    let p = masto::parse_post(&s).unwrap();
    let guardian = "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code";
    assert!(p.text.starts_with("\"I lost my inheritance"), "{}", p.text);
    assert!(p.text.ends_with(guardian), "{}", p.text);
    assert_eq!(p.links, vec![guardian]);
    assert_eq!(
        (p.likes, p.shares, p.comments_count),
        (Some(11), Some(8), Some(5))
    );

    // A real account's statuses (requested without `exclude_replies`): 9 originals, 2
    // continuations of its own threads (`in_reply_to_account_id` = its own id, one of them
    // after an @-mention) and 9 replies to other accounts, 2 of them to deleted statuses
    // (`in_reply_to_id` null, `in_reply_to_account_id` set). The replies are conversation.
    let v = json(&rd(
        "mastodon/extracted/rtoot__get_account_statuses_default__00__fosstodon_org_api_v1_accounts_109302436954721982_statuses_limit_20_exclude_reblogs_FALSE.json",
    ));
    let page = masto::parse_statuses(&v, "109302436954721982").unwrap();
    assert_eq!((page.posts.len(), page.conversation.len()), (11, 9));
    assert!(
        page.posts
            .iter()
            .any(|p| p.id == "113463462485378169" || p.id == "113389856777610803"),
        "self-replies stay posts"
    );
    assert_eq!(page.conversation[0].id, "114739545367952761");
    assert_eq!(
        page.conversation[0].mentions,
        vec!["https://hcommons.social/@petejones"]
    );
    assert!(
        page.conversation[0]
            .text
            .starts_with("@petejones I am not too familiar")
    );
    assert_eq!(masto::majority_lang(&page.posts).as_deref(), Some("en"));
    let with_replies = page
        .posts
        .iter()
        .filter(|p| p.comments_count > Some(0))
        .count();
    assert_eq!(with_replies, 9);

    // A real thread: three replies, one answering another.
    let v = json(&rd(
        "mastodon/extracted/rtoot__get_context_with_token__00__fosstodon_org_api_v1_statuses_114026814291152535_context.json",
    ));
    let t = mtl::parse_context(
        &v,
        "114026814291152535",
        "109302436954721982",
        "https://fosstodon.org/@schochastics",
    )
    .unwrap();
    assert_eq!(t.comments.len(), 3);
    assert_eq!(
        t.comments[2].parent_id.as_deref(),
        Some("114055560713759881")
    );
    assert_eq!(t.comments[0].parent_id, None);
    assert!(t.comments.iter().all(|c| !c.by_creator));
    // erc_bk carries `noindex: true`: kept as a comment, not followed.
    assert!(
        t.opted_out
            .contains(&"https://fosstodon.org/@erc_bk".to_string())
    );
}

#[test]
fn every_link_header_with_next_is_understood() {
    let dir = rd("mastodon/extracted");
    let mut seen = 0;
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if !p.to_string_lossy().ends_with(".link-header.txt") {
            continue;
        }
        let h = fs::read_to_string(&p).unwrap();
        let next = mtl::next_link(h.trim());
        if h.contains("rel=\"next\"") {
            let next = next.unwrap_or_else(|| panic!("{}", p.display()));
            assert!(next.contains("max_id="), "{next}");
            seen += 1;
        } else {
            assert_eq!(next, None, "{}", p.display());
        }
    }
    assert!(seen >= 6, "{seen}");
}

#[test]
fn every_bluesky_sample_parses() {
    for f in [
        "atproto-dart__actor_getProfile.json",
        "atproto-dart__2023-03_find_profile.json",
    ] {
        let p = bsky::parse_profile(&json(&rd(&format!("bluesky/{f}")))).unwrap();
        assert_eq!(
            p.profile.profile_url, "https://bsky.app/profile/shinyakato.dev",
            "{f}"
        );
        assert!(!p.opts_out);
    }
    let p = bsky::parse_profile(&json(&rd("bluesky/atproto-dart__actor_getProfile.json"))).unwrap();
    assert_eq!(
        (
            p.profile.followers,
            p.profile.following,
            p.profile.posts_count
        ),
        (Some(4945), Some(31769), Some(3358))
    );
    assert!(
        p.profile
            .links
            .contains(&"https://github.com/myConsciousness/atproto.dart".to_string())
    );
    for prof in json(&rd("bluesky/atproto-dart__actor_getProfiles.json"))["profiles"]
        .as_array()
        .unwrap()
    {
        bsky::parse_profile(prof).unwrap();
    }

    let feed = json(&rd("bluesky/atproto-dart__feed_getAuthorFeed.json"));
    let page = bsky::parse_author_feed(&feed, "did:plc:iijrtk7ocored6zuziwmqq3c").unwrap();
    assert_eq!(page.items, 25);
    // Recorded with the default `posts_with_replies`: of 23 items by the account, 20 answer
    // other accounts (the feed view names the parent's author); 3 are its own posts.
    assert_eq!(
        page.posts.len(),
        3,
        "two reposts and 20 replies are not posts"
    );
    assert_eq!(page.conversation.len(), 20);
    assert!(
        page.discovered
            .contains(&"https://bsky.app/profile/christopherpmoore.xyz".to_string())
    );
    assert!(
        page.discovered
            .contains(&"https://bsky.app/profile/xychelsea.tv".to_string())
    );
    assert!(
        page.cursor
            .as_deref()
            .unwrap()
            .starts_with("1682809172466::")
    );
    let all = || page.posts.iter().chain(&page.conversation);
    assert!(all().all(|p| {
        p.url
            .starts_with("https://bsky.app/profile/shinyakato.dev/post/")
    }));
    let links: Vec<_> = all().flat_map(|p| &p.links).collect();
    assert!(!links.is_empty(), "link facets become links");
    let mentions: Vec<_> = all().flat_map(|p| &p.mentions).collect();
    assert!(!mentions.is_empty());
    assert!(
        mentions
            .iter()
            .all(|m| m.starts_with("https://bsky.app/profile/"))
    );

    // A custom feed has the same item shape; posts by many authors, none ours.
    let f = json(&rd("bluesky/atproto-dart__feed_getFeed.json"));
    let page = bsky::parse_author_feed(&f, "did:plc:nobody").unwrap();
    assert!(page.items > 0 && page.posts.is_empty());

    let t = json(&rd("bluesky/atproto-dart__feed_getPostThread.json"));
    let thread = bsky::parse_thread(&t, "did:plc:iuk433sj23ncu2oo2pfnw7fw").unwrap();
    assert_eq!(thread.comments.len(), 4);
    assert!(
        thread
            .comments
            .iter()
            .all(|c| c.parent_id.is_none() && !c.by_creator)
    );
    assert!(
        thread
            .authors
            .contains(&"https://bsky.app/profile/metasj.bsky.social".to_string())
    );

    let s = json(&rd("bluesky/atproto-dart__feed_searchPosts.json"));
    let p = bsky::parse_post(&s["posts"][0]).unwrap();
    assert_eq!(p.url, "https://bsky.app/profile/luy.gay/post/3ju4p6u2i3a2g");
    assert_eq!(
        (p.comments_count, p.likes, p.lang_hint),
        (Some(8), Some(7), None)
    );
}

#[test]
fn youtube_and_creator_feeds_parse() {
    let raw = fs::read(rd(
        "youtube_atom/capyreader__atom-feed-youtube__DigitalFoundry.xml",
    ))
    .unwrap();
    // Read as the web source would hand it over: no channel id given; "UC" restored.
    let p = feedp::parse_feed(
        &raw,
        "https://www.youtube.com/feeds/videos.xml?channel_id=UC9PBzalIcEQCsiIkq36PyUA",
        None,
    )
    .unwrap();
    assert_eq!(p.platform, Some(Platform::Youtube));
    assert_eq!(
        p.profile_url,
        "https://www.youtube.com/channel/UC9PBzalIcEQCsiIkq36PyUA"
    );
    assert_eq!(p.display_name, "Digital Foundry");
    assert_eq!(p.followers, None);
    assert_eq!(p.posts.len(), 15);
    assert_eq!(p.posts[0].id, "W_S7iKZZdHw");
    assert_eq!(
        (p.posts[0].views, p.posts[0].likes),
        (Some(23088), Some(1580))
    );
    assert!(p.posts[0].text.starts_with("Digital Foundry Games of 2024"));

    let raw = fs::read(rd("youtube_atom/feed-rs__atom_mediarss_youtube_1.xml")).unwrap();
    let p = feedp::parse_feed(&raw, "https://www.youtube.com/feeds/videos.xml", None).unwrap();
    assert_eq!(
        p.profile_url,
        "https://www.youtube.com/channel/UC7_gcs09iThXybpVgjHZ_7g"
    );
    assert_eq!(
        (p.posts[0].views, p.posts[0].likes),
        (Some(304321), Some(15020))
    );

    let raw = fs::read(rd("rss_creator/feed-rs__rss_2.0_anchorfm.xml")).unwrap();
    let p = feedp::parse_feed(&raw, "https://anchor.fm/s/8d364524/podcast/rss", None).unwrap();
    assert_eq!(p.platform, Some(Platform::Feed));
    assert_eq!(
        p.profile_url,
        "https://podcasters.spotify.com/pod/show/lisa-mccoy"
    );
    assert_eq!(p.display_name, "It’s Not Always Special");
    assert_eq!(p.handle, "Lisa McCoy");
    assert!(
        p.fields
            .contains(&("email".into(), "c2fn9prc85@privaterelay.appleid.com".into()))
    );
    assert_eq!(
        p.posts[0].text,
        "Advocating for our children\nTaking care of a child with special needs is more than what is considered traditional care. Learn more about advocacy!"
    );
    assert_eq!(p.lang_hint.as_deref(), Some("en"));

    let raw = fs::read(rd("rss_creator/feed-rs__rss_2.0_heated.xml")).unwrap();
    let p = feedp::parse_feed(&raw, "https://heated.world/feed", None).unwrap();
    assert_eq!(p.profile_url, "https://heated.world/");
    assert!(
        p.fields
            .contains(&("email".into(), "heated@substack.com".into()))
    );

    let raw = fs::read(rd("rss_creator/feed-rs__rss_2.0_ghost_2.xml")).unwrap();
    let p = feedp::parse_feed(&raw, "https://ghost.org/changelog/rss/", None).unwrap();
    assert_eq!(p.profile_url, "https://ghost.org/changelog/");
    assert_eq!(p.posts[0].hashtags, vec!["new"]);
    assert!(!p.posts[0].text.contains('<'), "{}", p.posts[0].text);
}
