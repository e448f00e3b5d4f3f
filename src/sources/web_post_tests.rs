//! Unit tests of the post-page parser: postings, counts, comments, mentions, hashtags.

use super::*;

fn creator() -> Url {
    Url::parse("http://127.0.0.1:9/web/anna/").unwrap()
}

fn page_with(jsonld: &str) -> String {
    format!(
        r#"<html lang="en"><head><script type="application/ld+json">{jsonld}</script></head>
        <body><article><p>body</p><a href="/web/ben/">@ben</a></article></body></html>"#
    )
}

fn parse(jsonld: &str) -> PostsParse {
    let url = Url::parse("http://127.0.0.1:9/web/anna/posts/1.html").unwrap();
    parse_post_page(&page_with(jsonld), &url, &creator(), Directives::default())
}

const POST: &str = r##"{
  "@context": "https://schema.org",
  "@type": "SocialMediaPosting",
  "url": "/web/anna/posts/1.html",
  "text": "Bakuchiol serum week 3 #VeganSkincare #ad #1 &amp; more https://shop.example.com/x.",
  "datePublished": "2026-11-18T09:30:00+01:00",
  "author": {"@type": "Person", "name": "Anna", "url": "/web/anna/"},
  "keywords": "skincare, Bakuchiol",
  "sponsor": {"@type": "Organization", "name": "GreenGlow"},
  "mentions": [{"@type": "Person", "url": "/web/carla/"}, {"@type": "Person", "name": "lea"}],
  "interactionStatistic": [
    {"@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction", "userInteractionCount": "1.2K"},
    {"@type": "InteractionCounter", "interactionType": {"@type": "ShareAction"}, "userInteractionCount": 14}
  ],
  "commentCount": 3,
  "comment": [
    {"@type": "Comment", "text": "Is this safe for sensitive skin?", "datePublished": "2026-11-18",
     "author": {"@type": "Person", "name": "Mia R.", "url": "/web/mia/"}, "upvoteCount": 4,
     "comment": {"@type": "Comment", "text": "Yes, patch test first!", "author": {"@type":"Person","name":"Anna","url":"http://127.0.0.1:9/web/anna"}}},
    {"@type": "Comment", "text": "Love it!!", "author": "spamfan99"}
  ]
}"##;

#[test]
fn reads_a_social_media_posting() {
    let out = parse(POST);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.posts.len(), 1);
    let p = &out.posts[0];
    assert_eq!(p.url, "http://127.0.0.1:9/web/anna/posts/1.html");
    assert!(
        p.text
            .starts_with("Bakuchiol serum week 3 #VeganSkincare #ad #1 & more")
    );
    assert_eq!(
        p.published_at.unwrap().to_rfc3339(),
        "2026-11-18T08:30:00+00:00"
    );
    assert_eq!(p.likes, Some(1_200));
    assert_eq!(p.shares, Some(14));
    assert_eq!(p.comments_count, Some(3));
    assert_eq!(
        p.hashtags,
        vec!["skincare", "bakuchiol", "veganskincare", "ad"]
    );
    assert_eq!(p.links, vec!["https://shop.example.com/x"]);
    assert!(p.branded_content);
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    assert_eq!(
        p.mentions,
        vec![
            "http://127.0.0.1:9/web/carla/",
            "lea",
            "http://127.0.0.1:9/web/ben/"
        ]
    );
    assert_eq!(p.comments.len(), 3);
    let (q, reply, praise) = (&p.comments[0], &p.comments[1], &p.comments[2]);
    assert_eq!(q.author_handle, "Mia R.");
    assert_eq!(q.likes, Some(4));
    assert!(!q.by_creator);
    assert_eq!(reply.parent_id.as_deref(), Some(q.id.as_str()));
    assert!(
        reply.by_creator,
        "creator reply recognised despite missing slash"
    );
    assert_eq!(praise.author_handle, "spamfan99");
    assert_eq!(praise.author_url, None);
    assert_ne!(q.id, praise.id);
    assert!(
        out.discovered
            .contains(&"http://127.0.0.1:9/web/mia/".to_string())
    );
    assert!(
        out.discovered
            .contains(&"http://127.0.0.1:9/web/carla/".to_string())
    );
    assert!(!out.discovered.iter().any(|d| d.contains("/web/anna")));
}

#[test]
fn graph_single_comment_and_string_counts() {
    let out = parse(
        r#"{"@context":"https://schema.org","@graph":[
          {"@type":"WebPage","name":"x"},
          {"@type":["DiscussionForumPosting"],"headline":"Grinder question","description":"Which burr?",
           "datePublished":"2026-10-01","interactionStatistic":{"interactionType":"LikeAction","userInteractionCount":"12.3K"},
           "comment":{"@type":"Comment","text":"Welche Mühle benutzt du?","upvoteCount":"1,234"}}]}"#,
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = &out.posts[0];
    assert_eq!(p.text, "Grinder question\nWhich burr?");
    assert_eq!(p.likes, Some(12_300));
    assert_eq!(p.url, "http://127.0.0.1:9/web/anna/posts/1.html");
    assert_eq!(p.comments.len(), 1);
    assert_eq!(p.comments[0].likes, Some(1_234));
    assert!(!p.branded_content);
}

#[test]
fn unreadable_count_costs_one_field() {
    let out = parse(
        r#"{"@type":"SocialMediaPosting","text":"hi","interactionStatistic":[
           {"interactionType":"LikeAction","userInteractionCount":"lots"},
           {"interactionType":"ShareAction","userInteractionCount":1e309}]}"#,
    );
    assert_eq!(out.posts.len(), 1);
    assert_eq!(out.posts[0].likes, None);
    assert_eq!(out.posts[0].text, "hi");
    let kinds: Vec<String> = out.problems.iter().map(|p| p.kind.to_string()).collect();
    assert_eq!(kinds, vec!["jsonld_field", "jsonld_field"]);
    assert!(out.problems[0].detail.contains("lots"));
}

#[test]
fn posts_by_others_are_discovered_not_kept() {
    let out = parse(r#"{"@type":"BlogPosting","text":"guest","author":{"url":"/web/guest/"}}"#);
    assert!(out.posts.is_empty());
    assert_eq!(out.discovered, vec!["http://127.0.0.1:9/web/guest/"]);
    assert!(out.problems.is_empty());
}

#[test]
fn another_profile_is_a_discovery_and_no_markup_a_problem() {
    let out = parse(r#"{"@type":"ProfilePage","mainEntity":{"@type":"Person","url":"/web/ben/"}}"#);
    assert!(out.posts.is_empty() && out.problems.is_empty());
    assert_eq!(out.discovered, vec!["http://127.0.0.1:9/web/ben/"]);
    let out = parse(r#"{"@type":"WebSite"}"#);
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].kind.to_string(), "no_post_markup");
    assert_eq!(
        out.problems[0].url,
        "http://127.0.0.1:9/web/anna/posts/1.html"
    );
}

#[test]
fn noindex_post_page_yields_nothing() {
    let url = Url::parse("http://127.0.0.1:9/web/anna/posts/1.html").unwrap();
    let html = page_with(POST).replace("<head>", r#"<head><meta name="robots" content="noindex">"#);
    let out = parse_post_page(&html, &url, &creator(), Directives::default());
    assert!(out.posts.is_empty() && out.directives.noindex);
    let out = parse_post_page(
        &page_with(POST),
        &url,
        &creator(),
        Directives::parse("noindex"),
    );
    assert!(out.posts.is_empty());
}

#[test]
fn messy_fixture_graph_cdata_single_comment_nested_replies() {
    let html = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/web/post-messy.html"
    ))
    .unwrap()
    .replace("{{base}}", "http://127.0.0.1:9");
    let url = Url::parse("http://127.0.0.1:9/threads/grinder-shootout").unwrap();
    let creator = Url::parse("http://127.0.0.1:9/users/ahuff23").unwrap();
    let out = parse_post_page(&html, &url, &creator, Directives::default());
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.posts.len(), 1);
    let p = &out.posts[0];
    assert_eq!(p.url, "http://127.0.0.1:9/threads/grinder-shootout");
    assert_eq!(p.id, "http://127.0.0.1:9/threads/grinder-shootout#post");
    assert_eq!(p.likes, Some(12_300));
    assert_eq!(p.comments_count, Some(1_204));
    assert_eq!(p.hashtags, vec!["coffee", "handgrinder"]);
    assert_eq!(p.comments.len(), 3);
    let c = &p.comments;
    assert_eq!(c[0].text, "Welche Mühle benutzt du für Espresso?");
    assert_eq!(c[0].likes, Some(17));
    assert_eq!(c[0].parent_id, None);
    assert!(c[1].by_creator);
    assert_eq!(c[1].parent_id.as_deref(), Some(c[0].id.as_str()));
    assert_eq!(c[2].parent_id.as_deref(), Some(c[1].id.as_str()));
    assert_eq!(c[2].author_handle, "katie");
    assert_eq!(out.discovered, vec!["http://127.0.0.1:9/users/katie-pope"]);
}

#[test]
fn hashtag_boundaries() {
    assert_eq!(
        text_hashtags("#Café y #cuidadoDeLaPiel, not a#b nor &#39; nor #2024 but #ad."),
        vec!["café", "cuidadodelapiel", "ad"]
    );
}

#[test]
fn regression_quadratic_dedup_on_hostile_tag_counts() {
    // 300,000 distinct hashtags took 167 s with Vec::contains de-duplication; linear is < 1 s.
    // The bound is generous (a loaded CI box) and only proves the work stays linear.
    let tags: String = (0..300_000).map(|i| format!("#t{i} ")).collect();
    let html = format!(
        r#"<script type="application/ld+json">{{"@type":"SocialMediaPosting","text":"{tags}"}}</script>"#
    );
    let url = Url::parse("http://127.0.0.1:9/p").unwrap();
    let started = std::time::Instant::now();
    let out = parse_post_page(&html, &url, &url, Directives::default());
    assert_eq!(out.posts[0].hashtags.len(), MAX_PER_POST);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn replies_to_other_authors_are_conversation() {
    let jsonld = r##"[
      {"@context": "https://schema.org", "@type": "SocialMediaPosting", "url": "/web/anna/posts/a",
       "text": "Original", "author": {"@type": "Person", "url": "/web/anna/"}},
      {"@context": "https://schema.org", "@type": "SocialMediaPosting", "url": "/web/anna/posts/b",
       "text": "Part 2 of my thread", "author": {"@type": "Person", "url": "/web/anna/"},
       "parentItem": {"@type": "SocialMediaPosting", "url": "/web/anna/posts/a"}},
      {"@context": "https://schema.org", "@type": "SocialMediaPosting", "url": "/web/anna/posts/c",
       "text": "Thanks Ben!", "author": {"@type": "Person", "url": "/web/anna/"},
       "parentItem": {"@type": "SocialMediaPosting", "url": "/web/ben/posts/9",
                      "author": {"@type": "Person", "url": "/web/ben/"}}},
      {"@context": "https://schema.org", "@type": "SocialMediaPosting", "url": "/web/anna/posts/d",
       "text": "Agreed", "author": {"@type": "Person", "url": "/web/anna/"},
       "parentItem": "https://elsewhere.example/p/1"}
    ]"##;
    let out = parse(jsonld);
    let texts = |ps: &[Post]| ps.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&out.posts), ["Original", "Part 2 of my thread"]);
    assert_eq!(texts(&out.conversation), ["Thanks Ben!", "Agreed"]);
    // Each reply keeps what it answers, and who wrote it when the page says.
    let parent = |p: &Post| (p.in_reply_to.clone(), p.in_reply_to_author.clone());
    let at = |path: &str| Some(format!("http://127.0.0.1:9{path}"));
    assert_eq!(parent(&out.posts[0]), (None, None));
    assert_eq!(parent(&out.posts[1]), (at("/web/anna/posts/a"), None));
    assert_eq!(
        parent(&out.conversation[0]),
        (at("/web/ben/posts/9"), at("/web/ben/"))
    );
    assert_eq!(
        parent(&out.conversation[1]),
        (Some("https://elsewhere.example/p/1".into()), None)
    );
}
