//! Profile pages: schema.org `ProfilePage` (as Google documents it for search) into a
//! [`RawProfile`], with fallbacks for pages that carry less.
//!
//! Order of evidence: a `ProfilePage` whose `mainEntity` is a Person/Organization; else a
//! top-level Person/Organization that publishes a follower counter (schema.org's own example
//! shape); else OpenGraph profile data (`og:type=profile` / `profile:*`) with the visible
//! `<title>`, `<meta name=description>` and `<h1>`. A page with none of these is a
//! `no_profile_markup` problem. Pure: HTML text and URLs in, a [`ProfileParse`] out.

use serde_json::Value;
use url::Url;

use super::jsonld::{self, Graph};
use super::web_page::{Directives, Page, dedup_in_order, plain_text, same_page, same_site};
use super::web_post::{page_graph, postings, posts_from_page};
use crate::model::ProblemKind;
use crate::model::{Platform, Problem, RawProfile};

const AGENT_TYPES: &[&str] = &["Person", "Organization", "Corporation", "LocalBusiness"];

/// What a profile page yields.
#[derive(Debug)]
pub struct ProfileParse {
    /// `None` when the page opted out (noindex), carries no profile markup, or was refused.
    pub profile: Option<RawProfile>,
    /// The canonical profile URL (also computed for an opted-out page, to remove it).
    pub canonical: Url,
    pub directives: Directives,
    /// Same-site pages that look like this creator's posts, best candidates first.
    pub post_links: Vec<Url>,
    /// Other creators' profiles: cross-site `sameAs` / `rel=me`, authors on inline posts.
    pub discovered: Vec<String>,
    /// A meta refresh target, for pages that only forward elsewhere.
    pub refresh: Option<Url>,
    pub problems: Vec<Problem>,
}

/// Read the profile page `html` served at `page_url`; `header` carries `X-Robots-Tag`.
pub fn parse_profile(html: &str, page_url: &Url, header: Directives) -> ProfileParse {
    let mut out = ProfileParse {
        profile: None,
        canonical: page_url.clone(),
        directives: header,
        post_links: Vec::new(),
        discovered: Vec::new(),
        refresh: None,
        problems: Vec::new(),
    };
    let page = match Page::parse(html, page_url) {
        Ok(p) => p,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    out.directives = page.directives.merge(header);
    out.refresh = page.refresh.clone();
    let (graph, problems) = page_graph(&page);
    out.problems.extend(problems);

    let source = find_source(&graph, &page);
    out.canonical = canonical(&page, &graph, &source, &mut out.problems);
    if out.directives.noindex {
        return out;
    }
    let mut profile = match &source {
        Source::Entity { page_node, entity } => {
            from_entity(&page, &graph, *page_node, entity, &mut out.problems)
        }
        Source::OpenGraph => from_open_graph(&page),
        Source::None => {
            out.problems.push(Problem::new(
                page_url.as_str(),
                ProblemKind::NoProfileMarkup,
                "no schema.org ProfilePage/Person JSON-LD or microdata and no OpenGraph profile data",
            ));
            // A post page given as a seed still leads to its author.
            if !out.directives.nofollow {
                let inline = posts_from_page(&page, &graph, &out.canonical);
                out.discovered = inline.discovered;
            }
            return out;
        }
    };
    profile.profile_url = out.canonical.to_string();
    profile.platform = Some(Platform::Web);
    if profile.handle.is_empty() {
        profile.handle = handle_from_url(&out.canonical);
    }
    for email in &page.emails {
        push_field(&mut profile.fields, "email", email);
    }

    let inline = posts_from_page(&page, &graph, &out.canonical);
    profile.posts = inline.posts;
    out.problems.extend(inline.problems);
    for l in page.links.iter().filter(|l| l.has_rel("me")) {
        if !same_page(&l.url, &out.canonical) {
            profile.links.push(l.url.to_string());
        }
    }
    dedup_in_order(&mut profile.links);
    if !out.directives.nofollow {
        out.post_links = post_links(&page, &graph, &out.canonical);
        // Profile links count as other creators only across sites: on the creator's own
        // site they are the creator's own pages.
        let cross_site = profile
            .links
            .iter()
            .filter_map(|s| Url::parse(s).ok())
            .filter(|u| !same_site(u, &page.url))
            .map(|u| u.to_string());
        out.discovered = inline.discovered;
        out.discovered.extend(cross_site);
        out.discovered
            .retain(|d| Url::parse(d).is_ok_and(|u| !same_page(&u, &out.canonical)));
        dedup_in_order(&mut out.discovered);
    }
    out.profile = Some(profile);
    out
}

enum Source<'a> {
    Entity {
        page_node: Option<&'a Value>,
        entity: &'a Value,
    },
    OpenGraph,
    None,
}

fn find_source<'a>(graph: &'a Graph, page: &Page) -> Source<'a> {
    for node in graph.of_type(&["ProfilePage"]) {
        let entity = graph
            .first(node, "mainEntity")
            .or_else(|| graph.first(node, "about"));
        if let Some(entity) = entity.filter(|e| e.is_object()) {
            return Source::Entity {
                page_node: Some(node),
                entity,
            };
        }
    }
    let counted = graph.of_type(AGENT_TYPES).find(|n| {
        jsonld::interaction_count(graph, n, "interactionStatistic", "FollowAction")
            .is_ok_and(|c| c.is_some())
    });
    if let Some(entity) = counted {
        return Source::Entity {
            page_node: None,
            entity,
        };
    }
    let og_profile = page
        .meta("og:type")
        .is_some_and(|t| t.eq_ignore_ascii_case("profile"))
        || page
            .meta
            .iter()
            .any(|(k, v)| k.starts_with("profile:") && !v.is_empty());
    if og_profile {
        Source::OpenGraph
    } else {
        Source::None
    }
}

/// `mainEntity.url` (or `og:url`), else `<link rel=canonical>`, else the page URL. A claimed
/// URL on another site is refused: a page must not speak for a profile elsewhere.
fn canonical(page: &Page, graph: &Graph, source: &Source<'_>, problems: &mut Vec<Problem>) -> Url {
    let claimed = match source {
        Source::Entity { entity, .. } => graph
            .first(entity, "url")
            .and_then(jsonld::url_text)
            .map(|u| ("mainEntity.url", u)),
        Source::OpenGraph => page.meta("og:url").map(|u| ("og:url", u.to_string())),
        Source::None => None,
    };
    let claimed = claimed
        .map(|(field, u)| (field, page.resolve(&u)))
        .into_iter()
        .chain(std::iter::once((
            "link rel=canonical",
            page.canonical.clone(),
        )));
    for (field, url) in claimed {
        let Some(url) = url else { continue };
        if same_site(&url, &page.url) {
            return url;
        }
        problems.push(Problem::new(
            page.url.as_str(),
            ProblemKind::ForeignProfileUrl,
            format!("{field} {url} is on another site; using the page's own URL"),
        ));
    }
    page.url.clone()
}

fn from_entity(
    page: &Page,
    graph: &Graph,
    page_node: Option<&Value>,
    entity: &Value,
    problems: &mut Vec<Problem>,
) -> RawProfile {
    let mut count = |key: &str, action: &str, field: &str| {
        jsonld::interaction_count(graph, entity, key, action).unwrap_or_else(|e| {
            problems.push(Problem::new(
                page.url.as_str(),
                ProblemKind::JsonldField,
                format!("{field}: {e}"),
            ));
            None
        })
    };
    let followers = count("interactionStatistic", "FollowAction", "followers");
    let following = count("agentInteractionStatistic", "FollowAction", "following");
    let posts_count = count("agentInteractionStatistic", "WriteAction", "posts_count")
        .or_else(|| count("interactionStatistic", "WriteAction", "posts_count"));

    let mut p = RawProfile {
        handle: jsonld::text_of(entity, "alternateName")
            .map(|h| h.trim_start_matches('@').to_string())
            .unwrap_or_default(),
        display_name: jsonld::text_of(entity, "name")
            .map(|n| plain_text(&n))
            .unwrap_or_default(),
        bio: jsonld::text_of(entity, "description")
            .map(|d| plain_text(&d))
            .unwrap_or_default(),
        followers,
        following,
        posts_count,
        location: location(graph, entity),
        lang_hint: page_node
            .and_then(|n| jsonld::first(n, "inLanguage"))
            .or_else(|| jsonld::first(entity, "inLanguage"))
            .and_then(jsonld::name_of)
            .or_else(|| page.lang.clone()),
        ..Default::default()
    };
    for same in graph.list(entity, "sameAs") {
        if let Some(u) = jsonld::url_text(same).and_then(|u| page.resolve(&u)) {
            p.links.push(u.to_string());
        }
    }
    if let Some(id) = jsonld::text_of(entity, "identifier") {
        push_field(&mut p.fields, "identifier", &id);
    }
    for e in jsonld::list(entity, "email")
        .into_iter()
        .filter_map(jsonld::text)
    {
        let e = e.trim_start_matches("mailto:").to_string();
        push_field(&mut p.fields, "email", &e);
    }
    if let Some(img) = jsonld::first(entity, "image")
        .and_then(|i| jsonld::url_text(i).or_else(|| jsonld::text_of(i, "contentUrl")))
        .and_then(|u| page.resolve(&u))
    {
        push_field(&mut p.fields, "image", img.as_str());
    }
    for key in ["jobTitle", "knowsAbout", "knowsLanguage", "telephone"] {
        let values: Vec<String> = jsonld::list(entity, key)
            .into_iter()
            .filter_map(|v| jsonld::text(v).or_else(|| jsonld::name_of(v)))
            .collect();
        if !values.is_empty() {
            push_field(&mut p.fields, key, &values.join(", "));
        }
    }
    for key in ["dateCreated", "dateModified"] {
        let date = page_node
            .and_then(|n| jsonld::text_of(n, key))
            .or_else(|| jsonld::text_of(entity, key));
        if let Some(d) = date {
            push_field(&mut p.fields, key, &d);
        }
    }
    p
}

/// `homeLocation` / `address` / `location`: a string, a Place (`name` or its address) or a
/// PostalAddress (locality, region, country).
fn location(graph: &Graph, entity: &Value) -> Option<String> {
    ["homeLocation", "address", "location"]
        .iter()
        .filter_map(|k| graph.first(entity, k))
        .find_map(|v| place_text(graph, v, 0))
}

fn place_text(graph: &Graph, v: &Value, depth: usize) -> Option<String> {
    if depth > 3 {
        return None;
    }
    match v {
        Value::String(_) => jsonld::text(v),
        Value::Object(_) => {
            if jsonld::is_type(v, &["PostalAddress"]) || v.get("addressLocality").is_some() {
                let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
                    .iter()
                    .filter_map(|k| graph.first(v, k))
                    .filter_map(|p| jsonld::text(p).or_else(|| jsonld::name_of(p)))
                    .collect();
                if !parts.is_empty() {
                    return Some(parts.join(", "));
                }
            }
            jsonld::text_of(v, "name").or_else(|| {
                graph
                    .first(v, "address")
                    .and_then(|a| place_text(graph, a, depth + 1))
            })
        }
        _ => None,
    }
}

fn from_open_graph(page: &Page) -> RawProfile {
    let full_name = [
        page.meta("profile:first_name"),
        page.meta("profile:last_name"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let display_name = Some(full_name)
        .filter(|n| !n.is_empty())
        .or_else(|| page.meta("og:title").map(str::to_string))
        .or_else(|| page.h1.clone())
        .or_else(|| page.title.clone())
        .unwrap_or_default();
    RawProfile {
        handle: page
            .meta("profile:username")
            .map(|h| h.trim_start_matches('@').to_string())
            .unwrap_or_default(),
        display_name: plain_text(&display_name),
        bio: page
            .meta("og:description")
            .or_else(|| page.meta("description"))
            .map(plain_text)
            .unwrap_or_default(),
        lang_hint: page
            .meta("og:locale")
            .map(|l| l.replace('_', "-"))
            .or_else(|| page.lang.clone()),
        ..Default::default()
    }
}

/// Same-site pages this profile links to that look like its posts. Preferred: ItemList items,
/// postings' URLs, links inside `<article>` or `rel=bookmark`; without any of those, every
/// same-site link, those under the profile's own path first.
pub fn post_links(page: &Page, graph: &Graph, canonical: &Url) -> Vec<Url> {
    let eligible =
        |u: &Url| same_site(u, &page.url) && !same_page(u, canonical) && !same_page(u, &page.url);
    let mut preferred: Vec<Url> = Vec::new();
    for list in graph.of_type(&["ItemList"]) {
        for el in graph.list(list, "itemListElement") {
            let item = graph.first(el, "item").unwrap_or(el);
            if let Some(u) = jsonld::url_text(item).and_then(|u| page.resolve(&u)) {
                preferred.push(u);
            }
        }
    }
    for node in postings(graph) {
        if let Some(u) = jsonld::first(node, "url")
            .and_then(jsonld::url_text)
            .and_then(|u| page.resolve(&u))
        {
            preferred.push(u);
        }
    }
    let skip_rel = ["me", "author", "tag", "license", "external", "nofollow"];
    let plain_links = page
        .links
        .iter()
        .filter(|l| !l.is_mention() && !skip_rel.iter().any(|r| l.has_rel(r)));
    for l in plain_links
        .clone()
        .filter(|l| l.in_article || l.has_rel("bookmark"))
    {
        preferred.push(l.url.clone());
    }
    preferred.retain(|u| eligible(u));
    if preferred.is_empty() {
        let prefix = canonical.path().trim_end_matches('/').to_string() + "/";
        let (mut under, rest): (Vec<Url>, Vec<Url>) = plain_links
            .map(|l| l.url.clone())
            .filter(|u| eligible(u))
            .partition(|u| u.path().starts_with(&prefix));
        under.extend(rest);
        preferred = under;
    }
    dedup_in_order(&mut preferred);
    preferred
}

/// The last path segment, without `@` or an `.html` extension (`index.html` uses the folder).
fn handle_from_url(u: &Url) -> String {
    let segs: Vec<&str> = u
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let mut it = segs.iter().rev().map(|s| {
        s.trim_end_matches(".html")
            .trim_end_matches(".htm")
            .trim_start_matches('@')
    });
    let mut name = it.next().unwrap_or_default();
    if name == "index" {
        name = it.next().unwrap_or_default();
    }
    percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned()
}

fn push_field(fields: &mut Vec<(String, String)>, key: &str, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !fields.iter().any(|(k, v)| k == key && v == value) {
        fields.push((key.to_string(), value.to_string()));
    }
}

#[cfg(test)]
#[path = "web_profile_tests.rs"]
mod tests;
