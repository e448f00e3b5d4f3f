//! Bluesky's batch answers on real recordings: `getProfiles` as recorded, and `getPosts`,
//! whose `posts` are the same `postView`s a recorded `getAuthorFeed` carries in `feed[].post`
//! (no `getPosts` recording exists in MANIFEST.md).

use scout::sources::bluesky::batch;
use serde_json::{Value, json};

use super::real_data::rd;

fn read(rel: &str) -> Value {
    let text = std::fs::read_to_string(rd(rel)).unwrap();
    scout::sources::lenient_json::parse(&text).unwrap()
}

#[test]
fn real_get_profiles_and_post_views_parse_as_batches() {
    let v = read("bluesky/atproto-dart__actor_getProfiles.json");
    let profiles = batch::parse_profiles(&v).unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].key, "shinyakato.dev");
    assert_eq!(profiles[0].did, "did:plc:iijrtk7ocored6zuziwmqq3c");
    assert_eq!(profiles[0].profile.posts_count, Some(3358));
    assert_eq!(profiles[0].profile.followers, Some(4945));

    let feed = read("bluesky/atproto-dart__feed_getAuthorFeed.json");
    let views: Vec<Value> = feed["feed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["post"].clone())
        .collect();
    let posts = batch::parse_posts(&json!({ "posts": views })).unwrap();
    assert_eq!(posts.len(), views.len());
    for (p, v) in posts.iter().zip(&views) {
        assert_eq!(p.id, v["uri"].as_str().unwrap());
        assert_eq!(p.comments_count, v["replyCount"].as_u64());
        assert!(p.published_at.is_some(), "{}", p.id);
    }
    assert!(batch::parse_posts(&json!({"feed": []})).is_err());
}
