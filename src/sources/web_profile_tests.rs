//! Unit tests of the profile-page parser over the edge-case pages in `fixtures/web/`.

use super::*;

const BASE: &str = "http://127.0.0.1:9";

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/web/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .replace("{{base}}", BASE)
}

fn parse(name: &str) -> ProfileParse {
    let url = Url::parse(&format!("{BASE}/{name}")).unwrap();
    parse_profile(&fixture(name), &url, Directives::default())
}

fn kinds(p: &ProfileParse) -> Vec<String> {
    p.problems.iter().map(|p| p.kind.to_string()).collect()
}

fn field<'a>(p: &'a RawProfile, key: &str) -> Vec<&'a str> {
    p.fields
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn google_documented_profile_page() {
    let out = parse("profile-full.html");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = out.profile.as_ref().expect("profile");
    assert_eq!(p.profile_url, format!("{BASE}/users/ahuff23"));
    assert_eq!(p.platform, Some(Platform::Web));
    assert_eq!(p.handle, "ahuff23");
    assert_eq!(p.display_name, "Angelo Huff");
    assert_eq!(
        p.bio,
        "Defender of Truth. Home espresso, lever machines & grinders."
    );
    assert_eq!(p.followers, Some(1_890));
    assert_eq!(p.following, Some(212));
    assert_eq!(p.posts_count, Some(2_346));
    assert_eq!(p.location.as_deref(), Some("Portland, OR, US"));
    assert_eq!(p.lang_hint.as_deref(), Some("en"));
    assert_eq!(field(p, "identifier"), vec!["123475623"]);
    assert_eq!(
        field(p, "email"),
        vec!["angelo@example.net", "press@example.net"]
    );
    assert_eq!(
        field(p, "image"),
        vec![format!("{BASE}/avatars/ahuff23.jpg")]
    );
    assert_eq!(field(p, "knowsAbout"), vec!["espresso, grinders"]);
    assert_eq!(field(p, "dateCreated"), vec!["2024-12-23T12:34:00-05:00"]);
    assert_eq!(
        p.links,
        vec![
            "https://www.example.com/real-angelo".to_string(),
            format!("{BASE}/users/ahuff23/about"),
            "https://social.example.net/@ahuff23".to_string(),
        ],
        "javascript: dropped, rel=me added"
    );
    // Cross-site profile links are discoveries; the creator's own about page is not.
    assert_eq!(
        out.discovered,
        vec![
            "https://www.example.com/real-angelo",
            "https://social.example.net/@ahuff23"
        ]
    );
    // Post candidates: links in <article>, never the @-mention, never the nav.
    let posts: Vec<&str> = out.post_links.iter().map(Url::as_str).collect();
    assert_eq!(
        posts,
        vec![
            format!("{BASE}/threads/lever-machine-first-week"),
            format!("{BASE}/threads/grinder-shootout")
        ]
    );
}

#[test]
fn top_level_array_and_string_counts() {
    let out = parse("toplevel-array.html");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = out.profile.unwrap();
    assert_eq!(p.display_name, "Lucía Fernández");
    assert_eq!(p.handle, "lucia.pielyplantas");
    assert_eq!(p.followers, Some(12_300));
    assert_eq!(p.posts_count, Some(1_200));
    assert_eq!(p.location.as_deref(), Some("Madrid, España"));
    assert_eq!(p.lang_hint.as_deref(), Some("es"));
    // No mainEntity.url, no canonical link: the page URL.
    assert_eq!(p.profile_url, format!("{BASE}/toplevel-array.html"));
}

#[test]
fn graph_with_id_references_and_item_list() {
    let out = parse("graph.html");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = out.profile.unwrap();
    assert_eq!(p.display_name, "Lena Hoffmann");
    assert_eq!(p.followers, Some(12_300));
    assert_eq!(p.location.as_deref(), Some("Hamburg"));
    assert_eq!(p.lang_hint.as_deref(), Some("de-DE"));
    let posts: Vec<&str> = out.post_links.iter().map(Url::as_str).collect();
    assert_eq!(
        posts,
        vec![
            format!("{BASE}/lena/posts/1.html"),
            format!("{BASE}/lena/posts/2.html")
        ],
        "ItemList wins over the Impressum link"
    );
}

#[test]
fn broken_json_ld_is_a_problem_naming_the_url() {
    let out = parse("broken-jsonld.html");
    assert!(out.profile.is_none());
    assert_eq!(kinds(&out), vec!["jsonld_syntax", "no_profile_markup"]);
    assert!(
        out.problems
            .iter()
            .all(|p| p.url == format!("{BASE}/broken-jsonld.html"))
    );
    assert!(
        out.problems[0].detail.contains("block 1"),
        "{:?}",
        out.problems[0]
    );
}

#[test]
fn one_broken_block_costs_one_block() {
    let out = parse("partly-broken.html");
    assert_eq!(kinds(&out), vec!["jsonld_syntax"]);
    let p = out.profile.unwrap();
    assert_eq!(p.handle, "priyaruns");
    assert_eq!(p.followers, Some(8_700));
    assert_eq!(p.bio, "Trail running, ultra training\nand mountain snacks.");
}

#[test]
fn out_of_range_and_unreadable_counts_cost_one_field() {
    let out = parse("huge-number.html");
    let p = out.profile.as_ref().unwrap();
    assert_eq!(p.display_name, "Ben Carter");
    assert_eq!(p.followers, None);
    assert_eq!(p.posts_count, None);
    assert_eq!(kinds(&out), vec!["jsonld_field", "jsonld_field"]);
    assert!(out.problems[0].detail.starts_with("followers"));
    assert!(out.problems[1].detail.contains("lots"));
}

#[test]
fn page_without_markup() {
    let out = parse("no-markup.html");
    assert!(out.profile.is_none());
    assert_eq!(kinds(&out), vec!["no_profile_markup"]);
    assert!(out.discovered.is_empty());
}

#[test]
fn noindex_gives_canonical_and_no_profile() {
    let out = parse("noindex.html");
    assert!(out.profile.is_none());
    assert!(out.directives.noindex);
    assert_eq!(out.canonical.as_str(), format!("{BASE}/noindex.html"));
    assert!(out.post_links.is_empty() && out.discovered.is_empty());
    // The same page without the meta tag, but with the header directive, is refused too.
    let html =
        fixture("noindex.html").replace(r#"<meta name="robots" content="noindex, follow">"#, "");
    let url = Url::parse(&format!("{BASE}/noindex.html")).unwrap();
    let out = parse_profile(&html, &url, Directives::parse("noindex"));
    assert!(out.profile.is_none() && out.directives.noindex);
    let out = parse_profile(&html, &url, Directives::default());
    assert!(out.profile.is_some());
}

#[test]
fn open_graph_fallback() {
    let out = parse("og-only.html");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = out.profile.unwrap();
    assert_eq!(p.display_name, "Camille Martin");
    assert_eq!(p.handle, "camille.jungle");
    assert_eq!(
        p.bio,
        "Plantes d'intérieur à Lyon : boutures, rempotage, lumière."
    );
    assert_eq!(
        p.profile_url,
        format!("{BASE}/og-only.html"),
        "tracking dropped"
    );
    assert_eq!(p.lang_hint.as_deref(), Some("fr-FR"));
    assert_eq!(p.followers, None, "never guessed");
    assert_eq!(out.post_links.len(), 1);
}

#[test]
fn base_href_and_refresh_resolve() {
    let out = parse("base-refresh.html");
    assert!(out.profile.is_none());
    assert_eq!(
        out.refresh.as_ref().map(Url::as_str),
        Some(format!("{BASE}/og-only.html").as_str())
    );
}

#[test]
fn microdata_profile() {
    let out = parse("microdata.html");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let p = out.profile.unwrap();
    assert_eq!(p.display_name, "Jonas Keller");
    assert_eq!(p.handle, "jonas.brueht");
    assert_eq!(p.followers, Some(6_240));
    assert_eq!(p.location.as_deref(), Some("Leipzig"));
    assert_eq!(p.profile_url, format!("{BASE}/microdata.html"));
    assert_eq!(field(&p, "dateModified"), vec!["2026-11-21"]);
}

#[test]
fn claims_on_other_sites_are_refused() {
    let out = parse("foreign-canonical.html");
    let p = out.profile.as_ref().unwrap();
    assert_eq!(p.profile_url, format!("{BASE}/foreign-canonical.html"));
    assert_eq!(
        kinds(&out),
        vec!["foreign_profile_url", "foreign_profile_url"]
    );
}

#[test]
fn schema_org_person_example_without_profile_page() {
    // The shape of schema.org's own interactionStatistic example (issue 2421): a bare Person.
    let html = r#"<script type="application/ld+json">
      {"@context": "http://schema.org/", "@type": "Person", "name": "Jane Doe",
       "interactionStatistic": [
         {"@type": "InteractionCounter", "interactionType": "http://schema.org/LikeAction", "userInteractionCount": 1170},
         {"@type": "InteractionCounter", "interactionType": "http://schema.org/FollowAction", "userInteractionCount": 145098}]}
      </script>"#;
    let url = Url::parse(&format!("{BASE}/jane")).unwrap();
    let out = parse_profile(html, &url, Directives::default());
    let p = out.profile.unwrap();
    assert_eq!(p.display_name, "Jane Doe");
    assert_eq!(p.followers, Some(145_098));
    assert_eq!(
        p.handle, "jane",
        "handle from the URL when none is published"
    );
    // A Person without a follower counter (e.g. an article's author) is not a profile.
    let html =
        r#"<script type="application/ld+json">{"@type": "Person", "name": "Author"}</script>"#;
    assert!(
        parse_profile(html, &url, Directives::default())
            .profile
            .is_none()
    );
}

#[test]
fn nofollow_keeps_profile_but_follows_nothing() {
    let html = fixture("profile-full.html")
        .replace("<head>", r#"<head><meta name="robots" content="nofollow">"#);
    let url = Url::parse(&format!("{BASE}/profile-full.html")).unwrap();
    let out = parse_profile(&html, &url, Directives::default());
    assert!(out.profile.is_some());
    assert!(out.post_links.is_empty() && out.discovered.is_empty());
}

#[test]
fn too_deep_page_is_refused() {
    let html = "<div>".repeat(2_000);
    let url = Url::parse(&format!("{BASE}/deep")).unwrap();
    let out = parse_profile(&html, &url, Directives::default());
    assert!(out.profile.is_none());
    assert_eq!(kinds(&out), vec!["html_too_deep"]);
}

#[test]
fn fallback_post_links_prefer_the_profile_path() {
    let html = r##"<html><head><script type="application/ld+json">
        {"@type":"ProfilePage","mainEntity":{"@type":"Person","name":"M","url":"/web/m/"}}</script></head>
        <body><a href="/">Home</a><a href="/web/m/posts/a.html">A</a><a href="/web/m/">self</a>
        <a href="https://elsewhere.example/x">out</a><a href="/web/m/posts/a.html#c">again</a></body></html>"##;
    let url = Url::parse(&format!("{BASE}/web/m/")).unwrap();
    let out = parse_profile(html, &url, Directives::default());
    let posts: Vec<&str> = out.post_links.iter().map(Url::as_str).collect();
    assert_eq!(
        posts,
        vec![format!("{BASE}/web/m/posts/a.html"), format!("{BASE}/")]
    );
}

#[test]
fn handles_from_urls() {
    let h = |s: &str| handle_from_url(&Url::parse(s).unwrap());
    assert_eq!(h("http://a.test/web/anna/"), "anna");
    assert_eq!(h("http://a.test/@anna"), "anna");
    assert_eq!(h("http://a.test/web/anna/index.html"), "anna");
    assert_eq!(h("http://a.test/"), "");
}

#[test]
fn regression_quadratic_dedup_on_hostile_link_counts() {
    // 60,000 post links took 17 s with a Vec-based de-duplication; 150,000 would take minutes.
    let links: String = (0..150_000)
        .map(|i| format!("<article><a href=\"/x{i}\">x</a></article>"))
        .collect();
    let html = format!(
        r#"<script type="application/ld+json">{{"@type":"ProfilePage","mainEntity":{{"@type":"Person","name":"n"}}}}</script>{links}"#
    );
    let url = Url::parse(&format!("{BASE}/p")).unwrap();
    let started = std::time::Instant::now();
    let out = parse_profile(&html, &url, Directives::default());
    assert_eq!(out.post_links.len(), 150_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
