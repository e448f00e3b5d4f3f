//! The demo world's platform creators (`fixtures/world/`): what each source reads from them,
//! and a walk from `seeds-platforms.txt` through everything they lead to.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use scout::config::Config;
use scout::fixture_server::FixtureServer;
use scout::model::{Platform, RawProfile};
use scout::sources::{Seed, SourceOutput, classify};

use super::{config_for, kinds, read, read_feed_at};
use crate::common;

async fn world() -> (FixtureServer, Config) {
    let server = common::serve(common::fixtures().join("world")).await;
    let cfg = config_for(&server.base());
    (server, cfg)
}

fn profile(out: &SourceOutput) -> &RawProfile {
    assert_eq!(out.profiles.len(), 1, "problems: {:?}", out.problems);
    &out.profiles[0]
}

#[tokio::test]
async fn mastodon_creators() {
    let (s, cfg) = world().await;
    let out = read(&s.url("/@lumen_skin"), &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = profile(&out);
    assert_eq!(p.profile_url, s.url("/@lumen_skin"));
    assert_eq!(p.platform, Some(Platform::Mastodon));
    assert_eq!(p.handle, "lumen_skin@127.0.0.1");
    assert_eq!(
        (p.followers, p.following, p.posts_count),
        (Some(8420), Some(312), Some(1243))
    );
    assert_eq!(p.location.as_deref(), Some("Manchester, UK"));
    assert!(
        p.fields
            .contains(&("Contact".into(), "hello@lumenskinlab.example".into()))
    );
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    // Nine statuses over two pages: one boost, and one continuation of the creator's own
    // thread (a post, not conversation): eight posts.
    assert_eq!(p.posts.len(), 8);
    assert!(
        p.conversation.is_empty(),
        "the server honours exclude_replies"
    );
    let continued = &p.posts[0];
    assert!(continued.text.starts_with("2/2 Candelilla"));
    assert_eq!(
        continued.links,
        vec!["https://www.youtube.com/channel/UCh4dK8sMpQ2nV7xR1tJ9wLe"]
    );
    assert!(
        p.posts.iter().all(|q| !q.text.contains("Fungus gnats")),
        "boost not counted"
    );
    let balm = &p.posts[1];
    assert_eq!(
        balm.hashtags,
        vec!["veganskincare", "crueltyfree", "skincare"]
    );
    assert_eq!(
        (balm.likes, balm.shares, balm.comments_count),
        (Some(87), Some(12), Some(5))
    );
    assert!(
        balm.text
            .contains("candelilla wax instead.\nQuestions about emulsifiers")
    );
    assert_eq!(
        balm.comments.len(),
        5,
        "the continuation is in the thread too"
    );
    let answer = balm
        .comments
        .iter()
        .find(|c| c.by_creator && c.parent_id.is_some())
        .unwrap();
    assert_eq!(answer.parent_id.as_deref(), Some("113500000000000901"));
    assert!(
        balm.comments[3].text.contains("10K REAL followers"),
        "spam kept as a comment"
    );
    let creator_replies: usize = p
        .posts
        .iter()
        .map(|q| q.comments.iter().filter(|c| c.by_creator).count())
        .sum();
    assert_eq!(creator_replies, 4);
    let scrub = p.posts.last().unwrap();
    assert_eq!(scrub.mentions, vec![s.url("/@cafe_tostado")]);
    // Discovery: the boosted author and the mentioned creator; commenters who keep Mastodon's
    // default `indexable: false` are listed as opted out instead.
    assert!(out.discovered.contains(&s.url("/@moss_and_fern")));
    assert!(out.discovered.contains(&s.url("/@cafe_tostado")));
    assert!(!out.discovered.contains(&s.url("/@nadia_reads")));
    assert!(out.opted_out.contains(&s.url("/@nadia_reads")));

    let out = read(&s.url("/@cafe_tostado"), &cfg).await;
    let p = profile(&out);
    assert_eq!(p.lang_hint.as_deref(), Some("es"));
    assert_eq!(p.location.as_deref(), Some("Valencia, España"));
    assert_eq!(p.posts.len(), 6);
    assert_eq!(
        p.posts[0].hashtags,
        vec!["cafédeespecialidad", "v60", "etiopía"]
    );
    assert!(out.discovered.contains(&s.url("/@trailmarie")));
    assert!(out.discovered.contains(&s.url("/@gone_baker")));

    // Reached only through Marta's mention.
    let out = read(&s.url("/@trailmarie"), &cfg).await;
    let p = profile(&out);
    assert_eq!(p.lang_hint.as_deref(), Some("de"));
    assert_eq!(p.location.as_deref(), Some("Garmisch-Partenkirchen"));
    assert!(p.posts[2].text.starts_with("Werbung | "));
}

#[tokio::test]
async fn mastodon_consent_deleted_and_tag() {
    let (s, cfg) = world().await;
    let out = read(&s.url("/@quiet_gardener"), &cfg).await;
    assert_eq!(out.opted_out, vec![s.url("/@quiet_gardener")]);
    assert!(out.profiles.is_empty());

    let out = read(&s.url("/@gone_baker"), &cfg).await;
    assert_eq!(kinds(&out), vec!["http_404"]);
    assert_eq!(out.problems[0].url, s.url("/@gone_baker"));

    let out = read(&s.url("/tags/houseplants"), &cfg).await;
    assert!(out.profiles.is_empty());
    assert_eq!(
        out.discovered,
        vec![s.url("/@moss_and_fern"), s.url("/@monstera_mia")]
    );
    assert_eq!(out.opted_out, vec![s.url("/@quiet_gardener")]);
}

#[tokio::test]
async fn bluesky_creators() {
    let (s, cfg) = world().await;
    let out = read("https://bsky.app/profile/selvaencasa.bsky.social", &cfg).await;
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = profile(&out);
    assert_eq!(p.platform, Some(Platform::Bluesky));
    assert_eq!(
        (p.followers, p.following, p.posts_count),
        (Some(6120), Some(380), Some(910))
    );
    assert!(p.bio.contains("hola@selvaencasa.example"));
    // The world's AppView answers as the default filter does: over two cursor pages, six own
    // posts (one continuing her own thread), a repost of Kai's post (not hers), and two
    // replies to other accounts (conversation, not posts).
    assert_eq!(p.posts.len(), 6);
    assert!(p.posts.iter().all(|q| !q.text.starts_with("Pour-over tip")));
    assert!(p.posts[0].text.starts_with("2/2 Lo que más cambió"));
    let talk: Vec<_> = p.conversation.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(talk.len(), 2, "{talk:?}");
    assert!(talk[0].starts_with("Uno ultrasónico") && talk[1].starts_with("¡Probado"));
    let calathea = &p.posts[1];
    assert_eq!(calathea.hashtags, vec!["plantas", "calathea"]);
    assert_eq!(calathea.shares, Some(20), "reposts plus quotes");
    assert_eq!(
        calathea.links,
        vec![s.url("/blog/selva-en-casa/guia-riego")]
    );
    assert_eq!(calathea.lang_hint.as_deref(), Some("es"));
    assert_eq!(calathea.comments.len(), 4);
    let reply = calathea
        .comments
        .iter()
        .find(|c| c.by_creator && c.parent_id.is_some())
        .unwrap();
    assert_eq!(
        reply.parent_id.as_deref(),
        Some(calathea.comments[1].id.as_str())
    );
    let kai = "https://bsky.app/profile/kai-brews.bsky.social".to_string();
    assert!(p.posts.iter().any(|q| q.mentions.contains(&kai)));
    assert!(out.discovered.contains(&kai));
    assert!(
        out.discovered
            .contains(&"https://bsky.app/profile/ramon-verde.bsky.social".to_string())
    );
    assert!(
        out.opted_out
            .contains(&"https://bsky.app/profile/private-petal.bsky.social".to_string())
    );

    // Reached only through the repost and the mention.
    let out = read(&kai, &cfg).await;
    let p = profile(&out);
    assert_eq!((p.posts.len(), p.conversation.len()), (4, 2));
    assert_eq!(p.posts[0].comments.len(), 3);

    assert!(
        out.discovered
            .contains(&"https://bsky.app/profile/oldroaster.bsky.social".to_string())
    );
    let out = read("https://bsky.app/profile/oldroaster.bsky.social", &cfg).await;
    assert_eq!(kinds(&out), vec!["http_400"]);

    // A commenter: one post of her own and a reply; the source reads her, the crawl will
    // count her as audience.
    let out = read("https://bsky.app/profile/lena-roasts.bsky.social", &cfg).await;
    let p = profile(&out);
    assert_eq!((p.posts.len(), p.conversation.len()), (1, 1));
}

#[tokio::test]
async fn youtube_channel_and_podcast_feed() {
    let (s, cfg) = world().await;
    let out = read(
        "https://www.youtube.com/channel/UCq7VbH2kX9mTt4LrPz0aWcQ",
        &cfg,
    )
    .await;
    let p = profile(&out);
    assert_eq!(p.platform, Some(Platform::Youtube));
    assert_eq!(
        p.profile_url,
        "https://www.youtube.com/channel/UCq7VbH2kX9mTt4LrPz0aWcQ"
    );
    assert_eq!(p.display_name, "Ridge Runner Lab");
    assert_eq!(p.followers, None, "feeds publish no subscriber count");
    assert_eq!(p.posts.len(), 6);
    let review = &p.posts[1];
    assert_eq!((review.views, review.likes), (Some(91034), Some(3875)));
    assert!(review.hashtags.contains(&"ad".to_string()));
    assert!(
        review
            .text
            .starts_with("Trail shoe review: 5 pairs after 500 km each\nFive trail shoes")
    );

    // `max_posts` keeps the newest.
    let mut two = cfg.clone();
    two.crawl.max_posts = 2;
    let out = read(
        "https://www.youtube.com/channel/UCq7VbH2kX9mTt4LrPz0aWcQ",
        &two,
    )
    .await;
    let ids: Vec<_> = profile(&out).posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["Xk3v9PqL2mA", "b7Lm0QwZt4E"]);

    let out = read_feed_at(&s.url("/feeds/hautnah-vegan.xml"), &cfg).await;
    let p = profile(&out);
    assert_eq!(p.platform, Some(Platform::Feed));
    assert_eq!(p.profile_url, s.url("/podcast/hautnah-vegan/"));
    assert_eq!(p.handle, "Sophie Lindner");
    assert_eq!(p.followers, None);
    assert_eq!(p.lang_hint.as_deref(), Some("de"));
    assert!(
        p.fields
            .contains(&("email".into(), "kontakt@hautnah-vegan.example".into()))
    );
    assert_eq!(p.posts.len(), 5);
    assert_eq!(p.posts[0].hashtags, vec!["hautpflege", "sonnenschutz"]);
    assert!(
        p.posts[2]
            .text
            .contains("Anzeige: Diese Folge entstand in Kooperation")
    );
}

/// Every platform seed and everything it leads to, breadth first (web URLs are another
/// source's work and are not followed here).
#[tokio::test]
async fn walk_from_the_seeds() {
    let (s, cfg) = world().await;
    let seeds =
        std::fs::read_to_string(common::fixtures().join("world/seeds-platforms.txt")).unwrap();
    let mut queue: VecDeque<String> = seeds
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().replace("{{base}}", &s.base()))
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut profiles: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = BTreeMap::new();
    let mut opted_out = BTreeSet::new();
    while let Some(url) = queue.pop_front() {
        let out = if url.ends_with(".xml") {
            read_feed_at(&url, &cfg).await
        } else {
            read(&url, &cfg).await
        };
        for p in &out.profiles {
            profiles.insert(p.profile_url.clone(), p.posts.len());
        }
        for p in &out.problems {
            problems.insert(p.url.clone(), p.kind.to_string());
        }
        opted_out.extend(out.opted_out.iter().cloned());
        for d in out.discovered {
            let platform = matches!(
                classify(&url::Url::parse(&d).unwrap()),
                Seed::MastodonProfile { .. } | Seed::Bluesky { .. } | Seed::Youtube { .. }
            );
            if platform && seen.insert(d.clone()) {
                queue.push_back(d);
            }
        }
    }
    let b = |p: &str| s.url(p);
    let bsky = |h: &str| format!("https://bsky.app/profile/{h}");
    let expected: BTreeMap<String, usize> = [
        (b("/@lumen_skin"), 8),
        (b("/@cafe_tostado"), 6),
        (b("/@trailmarie"), 4),
        (b("/@moss_and_fern"), 4),
        (b("/@monstera_mia"), 3),
        (bsky("selvaencasa.bsky.social"), 6),
        (bsky("kai-brews.bsky.social"), 4),
        (bsky("ramon-verde.bsky.social"), 1),
        (bsky("lena-roasts.bsky.social"), 1),
        (bsky("cheap-followers-4u.bsky.social"), 5),
        (
            "https://www.youtube.com/channel/UCq7VbH2kX9mTt4LrPz0aWcQ".into(),
            6,
        ),
        (b("/podcast/hautnah-vegan/"), 5),
        (b("/video-channels/atelier_velo"), 4),
    ]
    .into_iter()
    .collect();
    assert_eq!(profiles, expected);
    // The only failures are the two accounts that no longer exist.
    let expected_problems: BTreeMap<String, String> = [
        (b("/@gone_baker"), "http_404".to_string()),
        (bsky("oldroaster.bsky.social"), "http_400".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(problems, expected_problems);
    assert!(opted_out.contains(&b("/@quiet_gardener")));
    assert!(opted_out.contains(&bsky("private-petal.bsky.social")));
    assert!(
        profiles.keys().all(|p| !opted_out.contains(p)),
        "no opted-out creator read"
    );
}
