//! What real timelines say about a creator's replies: which post or comment each answers and
//! who wrote it, the language each comment declares, and how that feeds
//! `creator_reply_share` (fosstodon.org's statuses and context, Bluesky's author feed).

use scout::extract::reply_share::reply_share;
use scout::model::{Comment, Post};
use scout::sources::bluesky::parse as bsky;
use scout::sources::mastodon::parse as masto;
use scout::sources::mastodon::timeline as mtl;

use super::real_data::{json, rd};

const SCHOCHASTICS: &str = "109302436954721982";

#[test]
fn fosstodon_replies_name_their_parent_and_answer_no_thread_of_the_creator() {
    let v = json(&rd(
        "mastodon/extracted/rtoot__get_account_statuses_default__00__fosstodon_org_api_v1_accounts_109302436954721982_statuses_limit_20_exclude_reblogs_FALSE.json",
    ));
    let page = masto::parse_statuses(&v, SCHOCHASTICS).unwrap();
    // A self-reply names its parent and its own author.
    let cont = page
        .posts
        .iter()
        .find(|p| p.id == "113463462485378169")
        .unwrap();
    assert_eq!(cont.in_reply_to.as_deref(), Some("113463305065485853"));
    assert_eq!(
        cont.in_reply_to_author.as_deref(),
        Some("https://fosstodon.org/@schochastics")
    );
    assert!(
        page.posts
            .iter()
            .filter(|p| p.in_reply_to.is_none())
            .count()
            >= 9
    );
    // A reply whose parent was deleted (`in_reply_to_id` null) still names whom it answered,
    // through the mention carrying `in_reply_to_account_id`.
    let first = &page.conversation[0];
    assert_eq!(first.in_reply_to, None);
    assert_eq!(
        first.in_reply_to_author.as_deref(),
        Some("https://hcommons.social/@petejones")
    );
    assert!(
        page.conversation
            .iter()
            .all(|p| p.in_reply_to.is_some() || p.in_reply_to_author.is_some())
    );

    // The thread under one of its posts: two threads (erc_bk, MickaelCanouil; his second
    // reply answers his first), each comment declaring English.
    let v = json(&rd(
        "mastodon/extracted/rtoot__get_context_with_token__00__fosstodon_org_api_v1_statuses_114026814291152535_context.json",
    ));
    let t = mtl::parse_context(
        &v,
        "114026814291152535",
        SCHOCHASTICS,
        "https://fosstodon.org/@schochastics",
    )
    .unwrap();
    assert!(
        t.comments
            .iter()
            .all(|c| c.lang_hint.as_deref() == Some("en"))
    );
    let mut posts = page.posts.clone();
    let post = posts
        .iter_mut()
        .find(|p| p.id == "114026814291152535")
        .unwrap();
    post.comments = t.comments;
    // Its timeline replies answer other people's posts, not these commenters: the share is
    // measured (two threads) and none is answered.
    assert_eq!(reply_share(&posts, &page.conversation), Some(0.0));
}

#[test]
fn bluesky_replies_to_commenters_of_own_posts_answer_their_threads() {
    let feed = json(&rd("bluesky/atproto-dart__feed_getAuthorFeed.json"));
    let page = bsky::parse_author_feed(&feed, "did:plc:iijrtk7ocored6zuziwmqq3c").unwrap();
    for p in &page.conversation {
        let parent = p.in_reply_to.as_deref().unwrap();
        assert!(parent.starts_with("at://did:plc:"), "{parent}");
        let author = p.in_reply_to_author.as_deref().unwrap();
        assert!(author.starts_with("https://bsky.app/profile/"), "{author}");
        assert_ne!(author, "https://bsky.app/profile/shinyakato.dev");
    }
    // The account's own post 3jukamqbf2c2q drew questions it answered in its feed (kaeru,
    // globalcitizen, stellabelle twice). Its thread, as getPostThread would list it, holds
    // those comments (ids and authors as the feed's `reply.parent` views name them) and one
    // comment nobody answered.
    let root = page
        .posts
        .iter()
        .find(|p| p.id.ends_with("/3jukamqbf2c2q"))
        .unwrap();
    let items = feed["feed"].as_array().unwrap();
    let answered: Vec<(String, String)> = items
        .iter()
        .filter(|it| it["reply"]["root"]["uri"].as_str() == Some(root.id.as_str()))
        .map(|it| {
            let parent = &it["reply"]["parent"];
            let handle = parent["author"]["handle"].as_str().unwrap();
            (
                parent["uri"].as_str().unwrap().to_string(),
                bsky::profile_url(handle),
            )
        })
        .collect();
    assert_eq!(answered.len(), 4);
    let mut comments: Vec<Comment> = Vec::new();
    for (uri, author) in &answered {
        if comments.iter().all(|c| &c.id != uri) {
            comments.push(Comment {
                id: uri.clone(),
                author_url: Some(author.clone()),
                ..Default::default()
            });
        }
    }
    comments.push(Comment {
        id: "at://did:plc:someone/app.bsky.feed.post/3unanswered".into(),
        author_url: Some(bsky::profile_url("someone.bsky.social")),
        ..Default::default()
    });
    let threads = comments.len() as f64;
    let post = Post {
        comments,
        ..root.clone()
    };
    let share = reply_share(std::slice::from_ref(&post), &page.conversation).unwrap();
    assert_eq!(share, ((threads - 1.0) / threads * 1000.0).round() / 1000.0);
    // Without the feed's replies nothing shows the creator answered.
    assert_eq!(reply_share(std::slice::from_ref(&post), &[]), Some(0.0));
}
