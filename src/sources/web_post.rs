//! Post pages: schema.org `SocialMediaPosting` / `DiscussionForumPosting` (and the `BlogPosting`
//! / `Article` family, tolerated) with their `comment` threads, into [`Post`]s.
//!
//! Pure: HTML text and URLs in, posts, discovered URLs and problems out. The same reader serves
//! postings embedded in a profile page.

use serde_json::Value;
use url::Url;

use super::jsonld::{self, Graph};
use super::web_page::{Directives, Page, dedup_in_order, plain_text, same_page};
use crate::model::ProblemKind;
use crate::model::{Comment, Post, Problem};

/// Types read as posts.
pub(crate) const POST_TYPES: &[&str] = &[
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "BlogPosting",
    "Article",
    "NewsArticle",
    "VideoObject",
];

/// Reply nesting we follow; deeper replies are dropped (and reported).
const MAX_COMMENT_DEPTH: usize = 32;
/// Comments read per post; a page with more is cut (and reported).
const MAX_COMMENTS: usize = 2_000;
/// Hashtags, mentions and links kept per post; real posts stay far below.
const MAX_PER_POST: usize = 100;

/// What one post page yields.
#[derive(Debug, Default)]
pub(crate) struct PostsParse {
    pub posts: Vec<Post>,
    /// The creator's replies to other people's content (`parentItem` / `inReplyTo` naming
    /// another author): conversation, not posts.
    pub conversation: Vec<Post>,
    /// Other creators' profile URLs: comment authors, mentions, authors of posts by others.
    pub discovered: Vec<String>,
    pub problems: Vec<Problem>,
    /// The page's robots directives (meta and header); a `noindex` page yields no posts.
    pub directives: Directives,
}

/// Read the posts of a post page served at `page_url`, written by the creator whose canonical
/// profile URL is `creator`. `header` carries `X-Robots-Tag` directives.
pub(crate) fn parse_post_page(
    html: &str,
    page_url: &Url,
    creator: &Url,
    header: Directives,
) -> PostsParse {
    let page = match Page::parse(html, page_url) {
        Ok(p) => p,
        Err(problem) => {
            return PostsParse {
                problems: vec![problem],
                ..Default::default()
            };
        }
    };
    let directives = page.directives.merge(header);
    if directives.noindex {
        return PostsParse {
            directives,
            ..Default::default()
        };
    }
    let (graph, problems) = page_graph(&page);
    let mut out = posts_from_page(&page, &graph, creator);
    out.problems.splice(0..0, problems);
    out.directives = directives;
    if out.posts.is_empty() {
        // A "post" link that leads to another creator's profile is a discovery, not a failure.
        let profiles: Vec<String> = graph
            .of_type(&["ProfilePage"])
            .filter_map(|p| graph.first(p, "mainEntity"))
            .filter_map(jsonld::url_text)
            .filter_map(|u| page.resolve(&u))
            .filter(|u| !same_page(u, creator))
            .map(|u| u.to_string())
            .collect();
        if profiles.is_empty() && out.discovered.is_empty() {
            out.problems.push(Problem::new(
                page_url.as_str(),
                ProblemKind::NoPostMarkup,
                "no SocialMediaPosting/DiscussionForumPosting/BlogPosting/Article JSON-LD or microdata",
            ));
        }
        out.discovered.extend(profiles);
    }
    if directives.nofollow {
        out.discovered.clear();
    }
    out
}

/// The page's JSON-LD and microdata as one graph, with a problem per unreadable block.
pub(crate) fn page_graph(page: &Page) -> (Graph, Vec<Problem>) {
    let (mut graph, errors) = Graph::from_blocks(&page.jsonld);
    graph.extend(page.microdata.clone());
    let problems = errors
        .into_iter()
        .map(|e| Problem::new(page.url.as_str(), ProblemKind::JsonldSyntax, e))
        .collect();
    (graph, problems)
}

/// Postings of the page, top-level or one step down (`mainEntity`, `hasPart`, ItemList items).
pub(crate) fn postings(graph: &Graph) -> Vec<&Value> {
    let mut candidates: Vec<&Value> = Vec::new();
    for node in &graph.nodes {
        if jsonld::is_type(node, POST_TYPES) {
            candidates.push(node);
            continue;
        }
        for key in ["mainEntity", "hasPart", "itemListElement"] {
            for child in graph.list(node, key) {
                let child = graph.first(child, "item").unwrap_or(child);
                if jsonld::is_type(child, POST_TYPES) {
                    candidates.push(child);
                }
            }
        }
    }
    // The same node can be reached twice (top-level and by reference); keep it once.
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|v| seen.insert(*v as *const Value));
    candidates
}

/// Posts by `creator` on the page; posts by others lead to their authors (discovered).
pub(crate) fn posts_from_page(page: &Page, graph: &Graph, creator: &Url) -> PostsParse {
    let mut out = PostsParse::default();
    let nodes = postings(graph);
    let single = nodes.len() == 1;
    for (i, node) in nodes.into_iter().enumerate() {
        let author_url = graph
            .first(node, "author")
            .and_then(jsonld::url_text)
            .and_then(|u| page.resolve(&u));
        if let Some(a) = &author_url
            && !same_page(a, creator)
        {
            out.discovered.push(a.to_string());
            continue;
        }
        let mut creators = vec![creator.clone()];
        creators.extend(author_url);
        let to_other = replies_to_other(page, graph, node, &creators);
        let mut post = read_post(page, graph, node, i, single, &creators, &mut out);
        (post.in_reply_to, post.in_reply_to_author) = reply_parent(page, graph, node);
        if to_other {
            out.conversation.push(post);
        } else {
            out.posts.push(post);
        }
    }
    out
}

/// Is this posting a reply to someone else's content? schema.org's `parentItem` (or an
/// ActivityStreams-style `inReplyTo`) names what it answers: by another author, or with no
/// author on another site, it is conversation; on the creator's own site (a thread) or by
/// the creator, it is a post.
pub(crate) fn replies_to_other(page: &Page, graph: &Graph, node: &Value, creators: &[Url]) -> bool {
    let Some(parent) = ["parentItem", "inReplyTo"]
        .iter()
        .find_map(|k| graph.first(node, k))
    else {
        return false;
    };
    let resolve = |v: Option<&Value>| v.and_then(jsonld::url_text).and_then(|u| page.resolve(&u));
    if let Some(author) = resolve(graph.first(parent, "author")) {
        return !creators.iter().any(|c| same_page(c, &author));
    }
    match resolve(Some(parent)) {
        Some(u) => !creators.iter().any(|c| c.host_str() == u.host_str()),
        // Named but unreadable: a reply all the same, and not shown to be the creator's own.
        None => true,
    }
}

/// What a posting answers (`parentItem` / `inReplyTo`): the parent's id as comments are
/// keyed (`@id`, `identifier`, else its URL) and its author's URL, when named.
pub(crate) fn reply_parent(
    page: &Page,
    graph: &Graph,
    node: &Value,
) -> (Option<String>, Option<String>) {
    let Some(parent) = ["parentItem", "inReplyTo"]
        .iter()
        .find_map(|k| graph.first(node, k))
    else {
        return (None, None);
    };
    let resolve = |v: Option<&Value>| v.and_then(jsonld::url_text).and_then(|u| page.resolve(&u));
    let id = match parent {
        Value::Object(_) => jsonld::text_of(parent, "@id")
            .or_else(|| jsonld::text_of(parent, "identifier"))
            .or_else(|| resolve(jsonld::first(parent, "url")).map(|u| u.to_string())),
        other => resolve(Some(other)).map(|u| u.to_string()),
    };
    let author = resolve(graph.first(parent, "author")).map(|u| u.to_string());
    (id, author)
}

fn read_post(
    page: &Page,
    graph: &Graph,
    node: &Value,
    index: usize,
    single: bool,
    creators: &[Url],
    out: &mut PostsParse,
) -> Post {
    let url = jsonld::first(node, "url")
        .and_then(jsonld::url_text)
        .or_else(|| jsonld::first(node, "mainEntityOfPage").and_then(jsonld::url_text))
        .and_then(|u| page.resolve(&u))
        .or_else(|| single.then(|| page.canonical.clone().unwrap_or_else(|| page.url.clone())))
        .map(|u| u.to_string())
        .unwrap_or_else(|| format!("{}#post-{}", page.url, index + 1));
    let id = jsonld::text_of(node, "identifier")
        .or_else(|| jsonld::text_of(node, "@id"))
        .unwrap_or_else(|| url.clone());

    let text = ["text", "articleBody"]
        .iter()
        .find_map(|k| jsonld::text_of(node, k))
        .or_else(|| {
            let parts: Vec<String> = ["headline", "name", "description"]
                .iter()
                .filter_map(|k| jsonld::text_of(node, k))
                .collect();
            let mut parts_dedup: Vec<String> = Vec::new();
            for p in parts {
                if !parts_dedup.contains(&p) {
                    parts_dedup.push(p);
                }
            }
            (!parts_dedup.is_empty()).then(|| parts_dedup.join("\n"))
        })
        .map(|t| plain_text(&t))
        .unwrap_or_default();

    let mut count = |action: &str, field: &str| {
        jsonld::interaction_count(graph, node, "interactionStatistic", action).unwrap_or_else(|e| {
            out.problems.push(Problem::new(
                url.as_str(),
                ProblemKind::JsonldField,
                format!("{field}: {e}"),
            ));
            None
        })
    };
    let likes = count("LikeAction", "likes");
    let shares = count("ShareAction", "shares");
    let comment_counter = count("CommentAction", "comments");
    let views = count("WatchAction", "views").or_else(|| count("ViewAction", "views"));
    let likes = likes.or_else(|| node.get("upvoteCount").and_then(super::lenient_json::count));
    let comments_count = comment_counter.or_else(|| {
        node.get("commentCount")
            .and_then(super::lenient_json::count)
    });

    let mut post = Post {
        id,
        url: url.clone(),
        published_at: ["datePublished", "dateCreated", "uploadDate"]
            .iter()
            .find_map(|k| jsonld::date_of(node, k)),
        likes,
        shares,
        comments_count,
        views,
        hashtags: hashtags(node, &text),
        mentions: Vec::new(),
        links: text_links(&text),
        lang_hint: jsonld::first(node, "inLanguage")
            .and_then(jsonld::name_of)
            .or_else(|| single.then(|| page.lang.clone()).flatten()),
        branded_content: is_sponsored(node),
        comments: Vec::new(),
        in_reply_to: None,
        in_reply_to_author: None,
        text,
    };
    if let Some(shared) = jsonld::first(node, "sharedContent")
        .and_then(jsonld::url_text)
        .and_then(|u| page.resolve(&u))
    {
        post.links.push(shared.to_string());
        dedup_in_order(&mut post.links);
    }

    // Mentions: the `mentions` property, and @-links in the article when the page holds one post.
    for m in graph.list(node, "mentions") {
        let target = jsonld::url_text(m)
            .and_then(|u| page.resolve(&u))
            .map(|u| u.to_string())
            .or_else(|| jsonld::name_of(m));
        post.mentions.extend(target);
    }
    if single {
        for l in page.links.iter().filter(|l| l.in_article && l.is_mention()) {
            post.mentions.push(l.url.to_string());
        }
    }
    dedup_in_order(&mut post.mentions);
    post.mentions.truncate(MAX_PER_POST);
    post.mentions
        .retain(|m| !Url::parse(m).is_ok_and(|u| creators.iter().any(|c| same_page(&u, c))));
    for m in &post.mentions {
        if Url::parse(m).is_ok() {
            out.discovered.push(m.clone());
        }
    }

    let mut state = CommentWalk {
        page,
        graph,
        creators,
        post_id: post.id.clone(),
        next: 0,
        truncated: false,
    };
    state.walk(node, None, 0, &mut post.comments, out);
    if state.truncated {
        out.problems.push(Problem::new(
            url.as_str(),
            ProblemKind::CommentsTruncated,
            format!("more than {MAX_COMMENTS} comments or replies nested deeper than {MAX_COMMENT_DEPTH}; the rest were skipped"),
        ));
    }
    post
}

struct CommentWalk<'a> {
    page: &'a Page,
    graph: &'a Graph,
    creators: &'a [Url],
    post_id: String,
    next: usize,
    truncated: bool,
}

impl CommentWalk<'_> {
    fn walk(
        &mut self,
        node: &Value,
        parent: Option<String>,
        depth: usize,
        comments: &mut Vec<Comment>,
        out: &mut PostsParse,
    ) {
        for c in self.graph.list(node, "comment") {
            if depth >= MAX_COMMENT_DEPTH || comments.len() >= MAX_COMMENTS {
                self.truncated = true;
                return;
            }
            if !c.is_object() {
                continue;
            }
            self.next += 1;
            let id = jsonld::text_of(c, "@id")
                .or_else(|| jsonld::text_of(c, "identifier"))
                .or_else(|| jsonld::first(c, "url").and_then(jsonld::url_text))
                .unwrap_or_else(|| format!("{}#comment-{}", self.post_id, self.next));
            let author = self.graph.first(c, "author");
            let author_url = author
                .and_then(jsonld::url_text)
                .filter(|_| author.is_some_and(Value::is_object))
                .and_then(|u| self.page.resolve(&u));
            let by_creator = author_url
                .as_ref()
                .is_some_and(|a| self.creators.iter().any(|cr| same_page(a, cr)));
            if let (Some(a), false) = (&author_url, by_creator) {
                out.discovered.push(a.to_string());
            }
            let author_handle = author
                .and_then(|a| match a {
                    Value::Object(_) => {
                        jsonld::text_of(a, "alternateName").or_else(|| jsonld::text_of(a, "name"))
                    }
                    other => jsonld::text(other),
                })
                .map(|h| h.trim_start_matches('@').to_string())
                .unwrap_or_default();
            let likes = match jsonld::interaction_count(
                self.graph,
                c,
                "interactionStatistic",
                "LikeAction",
            ) {
                Ok(Some(n)) => Some(n),
                Ok(None) => c.get("upvoteCount").and_then(super::lenient_json::count),
                Err(e) => {
                    out.problems.push(Problem::new(
                        self.page.url.as_str(),
                        ProblemKind::JsonldField,
                        format!("comment {id} likes: {e}"),
                    ));
                    None
                }
            };
            comments.push(Comment {
                id: id.clone(),
                parent_id: parent.clone(),
                author_url: author_url.map(|u| u.to_string()),
                author_handle,
                text: ["text", "articleBody", "description"]
                    .iter()
                    .find_map(|k| jsonld::text_of(c, k))
                    .map(|t| plain_text(&t))
                    .unwrap_or_default(),
                published_at: ["datePublished", "dateCreated"]
                    .iter()
                    .find_map(|k| jsonld::date_of(c, k)),
                likes,
                by_creator,
                lang_hint: None,
            });
            self.walk(c, Some(id), depth + 1, comments, out);
        }
    }
}

/// `sponsor` (or `funder`) present and not empty: the markup declares paid content.
fn is_sponsored(node: &Value) -> bool {
    ["sponsor", "funder"].iter().any(|k| match node.get(*k) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty() && !s.trim().eq_ignore_ascii_case("false"),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    })
}

/// `keywords` (list or comma-separated) and `#tags` in the text; lower-case, no `#`.
pub(crate) fn hashtags(node: &Value, text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for k in jsonld::list(node, "keywords") {
        if let Some(s) = jsonld::text(k) {
            for part in s.split(',') {
                let t = part.trim().trim_start_matches('#').trim().to_lowercase();
                if !t.is_empty() {
                    tags.push(t);
                }
            }
        }
    }
    tags.extend(text_hashtags(text));
    dedup_in_order(&mut tags);
    tags.truncate(MAX_PER_POST);
    tags
}

/// `#word` tokens: start of text or after a non-word character, letters/digits/underscore,
/// at least one letter (so `#1` is not a tag).
pub(crate) fn text_hashtags(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at_boundary =
            i == 0 || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '_' | '&' | '/'));
        if chars[i] == '#' && at_boundary {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            let tag: String = chars[start..end].iter().collect();
            if tag.chars().any(char::is_alphabetic) {
                out.push(tag.to_lowercase());
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    dedup_in_order(&mut out);
    out
}

/// http(s) URLs written in the text.
fn text_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        // Most words hold no ':', and a substring search costs its set-up per word.
        if memchr::memchr(b':', word.as_bytes()).is_none() {
            continue;
        }
        let Some(start) = word.find("http://").or_else(|| word.find("https://")) else {
            continue;
        };
        let candidate = word[start..].trim_end_matches(|c: char| ".,;:!?)]}\"'»".contains(c));
        if let Some(u) = crate::net::urlnorm::parse_http(candidate) {
            out.push(u.to_string());
        }
    }
    dedup_in_order(&mut out);
    out.truncate(MAX_PER_POST);
    out
}

#[cfg(test)]
#[path = "web_post_tests.rs"]
mod tests;
