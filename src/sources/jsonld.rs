//! JSON-LD as found in the wild: reading `<script type="application/ld+json">` blocks into a
//! small graph of nodes, and reading schema.org values out of them leniently.
//!
//! Publishers wrap blocks in HTML comments or CDATA, leave trailing commas and raw newlines in
//! strings, put nodes in a top-level array or under `@graph`, refer to nodes by `@id`, write
//! `@type` as a string or an array (bare, `schema:` or full-IRI spelling), give a single object
//! where a list is expected, and publish counts as strings ("12.3K"). Everything here accepts
//! all of that; what cannot be read costs one value, never the block.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::lenient_json;

/// Nesting of top-level arrays we follow when collecting nodes (real pages use one or two).
const MAX_COLLECT_DEPTH: usize = 8;

/// The nodes of every JSON-LD block on a page, with an `@id` index for references.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Top-level nodes: the block itself, elements of a top-level array, `@graph` members.
    pub nodes: Vec<Value>,
    by_id: HashMap<String, usize>,
}

impl Graph {
    /// Parse every block; returns the graph and one message per block that could not be read.
    pub fn from_blocks<S: AsRef<str>>(blocks: &[S]) -> (Graph, Vec<String>) {
        let mut graph = Graph::default();
        let mut errors = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            match parse_block(block.as_ref()) {
                Ok(Some(v)) => graph.add(v, 0),
                Ok(None) => {}
                Err(e) => errors.push(format!("JSON-LD block {}: {e}", i + 1)),
            }
        }
        (graph, errors)
    }

    /// Add already-parsed nodes (microdata items).
    pub fn extend(&mut self, values: Vec<Value>) {
        for v in values {
            self.add(v, 0);
        }
    }

    fn add(&mut self, v: Value, depth: usize) {
        if depth > MAX_COLLECT_DEPTH {
            return;
        }
        match v {
            Value::Array(items) => items.into_iter().for_each(|i| self.add(i, depth + 1)),
            Value::Object(mut map) => {
                if let Some(members) = map.remove("@graph") {
                    self.add(members, depth + 1);
                }
                // An object that held only `@context` and `@graph` is not a node itself.
                if map.keys().any(|k| k != "@context") {
                    let node = Value::Object(map);
                    if let Some(id) = node.get("@id").and_then(Value::as_str) {
                        self.by_id.entry(id.to_string()).or_insert(self.nodes.len());
                    }
                    self.nodes.push(node);
                }
            }
            _ => {}
        }
    }

    /// Follow an `{"@id": ...}` reference to the node it names; other values are returned as is.
    pub fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        if let Value::Object(map) = v {
            let is_ref = map.keys().all(|k| k == "@id" || k == "@type");
            if is_ref
                && let Some(node) = map
                    .get("@id")
                    .and_then(Value::as_str)
                    .and_then(|id| self.by_id.get(id))
                    .map(|&i| &self.nodes[i])
            {
                return node;
            }
        }
        v
    }

    /// Top-level nodes of any of `wanted` types, in page order.
    pub fn of_type<'a>(&'a self, wanted: &'a [&str]) -> impl Iterator<Item = &'a Value> + 'a {
        self.nodes.iter().filter(move |n| is_type(n, wanted))
    }

    /// `node[key]` as a list (a single value is a list of one), references resolved.
    pub fn list<'a>(&'a self, node: &'a Value, key: &str) -> Vec<&'a Value> {
        list(node, key)
            .into_iter()
            .map(|v| self.resolve(v))
            .collect()
    }

    /// The first value of `node[key]`, reference resolved.
    pub fn first<'a>(&'a self, node: &'a Value, key: &str) -> Option<&'a Value> {
        first(node, key).map(|v| self.resolve(v))
    }
}

/// Parse one script body. `Ok(None)` for an empty block.
pub(crate) fn parse_block(raw: &str) -> Result<Option<Value>, String> {
    let text = strip_wrappers(raw);
    if text.is_empty() {
        return Ok(None);
    }
    match lenient_json::parse(text) {
        Ok(v) => Ok(Some(v)),
        // Only when plain parsing fails: repairs must never change a valid document.
        Err(first_err) => lenient_json::parse(&repair(text))
            .map(Some)
            .map_err(|_| first_err),
    }
}

/// Remove `<!-- -->` and `<![CDATA[ ]]>` wrappers (optionally behind `//` or `/* */`).
fn strip_wrappers(raw: &str) -> &str {
    let mut s = raw.trim().trim_start_matches('\u{feff}').trim();
    loop {
        let before = s;
        for (open, close) in [
            ("<!--", "-->"),
            ("//<![CDATA[", "//]]>"),
            ("/*<![CDATA[*/", "/*]]>*/"),
            ("<![CDATA[", "]]>"),
        ] {
            if let Some(rest) = s.strip_prefix(open) {
                s = rest.strip_suffix(close).unwrap_or(rest).trim();
            }
        }
        if s == before {
            return s;
        }
    }
}

/// String-aware repair of two common hand-written mistakes: raw control characters inside
/// strings (escaped) and trailing commas before `}` / `]` (dropped).
fn repair(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            match c {
                _ if escaped => {
                    escaped = false;
                    out.push(c);
                }
                '\\' => {
                    escaped = true;
                    out.push(c);
                }
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push(' '),
                c => out.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            ',' => {
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if !matches!(next, Some('}' | ']')) {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The local name of a schema.org term: `https://schema.org/FollowAction`, `schema:FollowAction`
/// and `FollowAction` are all `FollowAction`.
pub(crate) fn local_name(term: &str) -> &str {
    let t = term.trim().trim_end_matches('/');
    let t = t.rsplit(['/', '#']).next().unwrap_or(t);
    t.rsplit(':').next().unwrap_or(t)
}

/// The node's `@type`s as local names.
pub(crate) fn types(node: &Value) -> Vec<&str> {
    match node.get("@type") {
        Some(Value::String(s)) => vec![local_name(s)],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(local_name)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the node has one of `wanted` types (compared case-insensitively by local name).
pub(crate) fn is_type(node: &Value, wanted: &[&str]) -> bool {
    types(node)
        .iter()
        .any(|t| wanted.iter().any(|w| w.eq_ignore_ascii_case(t)))
}

/// `node[key]` as a list: an array's non-null items, a single value as one item, else empty.
pub(crate) fn list<'a>(node: &'a Value, key: &str) -> Vec<&'a Value> {
    match node.get(key) {
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v],
    }
}

/// The first non-null value of `node[key]`.
pub(crate) fn first<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
    list(node, key).into_iter().next()
}

/// A value as text: strings (trimmed, non-empty), numbers, `{"@value": ..}`, a
/// `PropertyValue`'s `value`, or the first such item of an array.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items.iter().find_map(text),
        Value::Object(map) => map
            .get("@value")
            .or_else(|| map.get("value"))
            .and_then(text),
        _ => None,
    }
}

/// `node[key]` as text.
pub(crate) fn text_of(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(text)
}

/// A value naming a thing by URL: a string, or an object's `url` / `@id`.
pub(crate) fn url_text(v: &Value) -> Option<String> {
    match v {
        Value::String(_) => text(v),
        Value::Array(items) => items.iter().find_map(url_text),
        Value::Object(map) => map
            .get("url")
            .and_then(url_text)
            .or_else(|| map.get("@id").and_then(text)),
        _ => None,
    }
}

/// The name a node goes by: `name`, else `alternateName`, else a plain string value.
pub(crate) fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(_) => text(v),
        _ => text_of(v, "name").or_else(|| text_of(v, "alternateName")),
    }
}

/// What an `InteractionCounter` counts, as a local action name (`FollowAction`). The type may
/// be a string in any spelling or an object such as `{"@type": "FollowAction"}`.
pub(crate) fn action_name(counter: &Value) -> Option<String> {
    let t = counter.get("interactionType")?;
    let t = match t {
        Value::Array(items) => items.first()?,
        t => t,
    };
    match t {
        Value::String(s) => Some(local_name(s).to_string()),
        Value::Object(_) => types(t).first().map(|s| s.to_string()).or_else(|| {
            t.get("@id")
                .and_then(Value::as_str)
                .map(|s| local_name(s).to_string())
        }),
        _ => None,
    }
}

/// The count of the `action` counter in `node[key]` (`interactionStatistic` or
/// `agentInteractionStatistic`). `Ok(None)` when there is no such counter; `Err` with the raw
/// value when a counter exists but its count cannot be read.
pub(crate) fn interaction_count(
    graph: &Graph,
    node: &Value,
    key: &str,
    action: &str,
) -> Result<Option<u64>, String> {
    for counter in graph.list(node, key) {
        if !action_name(counter).is_some_and(|a| a.eq_ignore_ascii_case(action)) {
            continue;
        }
        let raw = counter
            .get("userInteractionCount")
            .or_else(|| counter.get("interactionCount"));
        return match raw {
            None | Some(Value::Null) => {
                Err("counter without a readable userInteractionCount".into())
            }
            Some(v) => lenient_json::count(v)
                .map(Some)
                .ok_or_else(|| format!("unreadable userInteractionCount {v}")),
        };
    }
    Ok(None)
}

/// A date or date-time: RFC 3339, date-time without offset (taken as UTC), date only
/// (midnight UTC), or RFC 2822.
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    // "+0200" offsets without a colon, as some CMSes write them.
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    }
    DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// `node[key]` as a date.
pub(crate) fn date_of(node: &Value, key: &str) -> Option<DateTime<Utc>> {
    text_of(node, key).and_then(|s| parse_date(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph(blocks: &[&str]) -> (Graph, Vec<String>) {
        Graph::from_blocks(blocks)
    }

    #[test]
    fn single_object_array_and_graph_all_give_nodes() {
        let (g, e) = graph(&[
            r#"{"@type":"ProfilePage","name":"a"}"#,
            r#"[{"@type":"Person","name":"b"},{"@type":"WebSite"}]"#,
            r#"{"@context":"https://schema.org","@graph":[{"@type":"Organization"},[{"@type":"Thing"}]]}"#,
        ]);
        assert!(e.is_empty(), "{e:?}");
        let t: Vec<Vec<&str>> = g.nodes.iter().map(types).collect();
        assert_eq!(
            t,
            vec![
                vec!["ProfilePage"],
                vec!["Person"],
                vec!["WebSite"],
                vec!["Organization"],
                vec!["Thing"]
            ]
        );
    }

    #[test]
    fn types_in_every_spelling() {
        let n = json!({"@type": ["schema:ProfilePage", "https://schema.org/WebPage"]});
        assert!(is_type(&n, &["ProfilePage"]));
        assert!(is_type(&n, &["webpage"]));
        assert!(!is_type(&n, &["Person"]));
        assert!(is_type(
            &json!({"@type": "http://schema.org/Person"}),
            &["Person"]
        ));
        assert!(!is_type(&json!({"@type": 3}), &["Person"]));
        assert!(!is_type(&json!({}), &["Person"]));
    }

    #[test]
    fn references_resolve_through_at_id() {
        let (g, _) = graph(&[r##"{"@graph":[
            {"@type":"ProfilePage","mainEntity":{"@id":"#me"}},
            {"@type":"Person","@id":"#me","name":"Anna"}]}"##]);
        let page = g.of_type(&["ProfilePage"]).next().unwrap();
        let person = g.first(page, "mainEntity").unwrap();
        assert_eq!(text_of(person, "name").as_deref(), Some("Anna"));
        // An unknown reference stays what it is.
        let dangling = json!({"@id": "#nobody"});
        assert_eq!(g.resolve(&dangling), &dangling);
    }

    #[test]
    fn broken_block_costs_only_that_block() {
        let (g, e) = graph(&[
            r#"{"@type":"Person", "name": "x""#,
            r#"{"@type":"Person"}"#,
            "  ",
        ]);
        assert_eq!(g.nodes.len(), 1);
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("JSON-LD block 1:"), "{e:?}");
    }

    #[test]
    fn out_of_range_number_costs_one_field() {
        let (g, e) = graph(&[r#"{"@type":"Person","name":"Big","followers":1e309}"#]);
        assert!(e.is_empty());
        assert_eq!(g.nodes[0]["followers"], Value::Null);
        assert_eq!(text_of(&g.nodes[0], "name").as_deref(), Some("Big"));
    }

    #[test]
    fn wrappers_trailing_commas_and_raw_newlines_are_repaired() {
        let block = "<!--\n{\"@type\":\"Person\",\"description\":\"line one\nline two\",\"sameAs\":[\"a\",\"b\",],}\n-->";
        let (g, e) = graph(&[block]);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            text_of(&g.nodes[0], "description").as_deref(),
            Some("line one\nline two")
        );
        assert_eq!(list(&g.nodes[0], "sameAs").len(), 2);
        let (g, e) = graph(&["//<![CDATA[\n{\"@type\":\"Thing\"}\n//]]>"]);
        assert!(e.is_empty() && g.nodes.len() == 1);
        // A comma inside a string is left alone.
        assert_eq!(repair(r#"{"a":"x, }"}"#), r#"{"a":"x, }"}"#);
    }

    #[test]
    fn single_object_where_list_expected() {
        let n = json!({"comment": {"@type": "Comment"}, "sameAs": null, "k": [null, "x"]});
        assert_eq!(list(&n, "comment").len(), 1);
        assert!(list(&n, "sameAs").is_empty());
        assert_eq!(first(&n, "k"), Some(&json!("x")));
    }

    #[test]
    fn text_values() {
        assert_eq!(text(&json!("  hi ")).as_deref(), Some("hi"));
        assert_eq!(text(&json!("   ")), None);
        assert_eq!(text(&json!(42)).as_deref(), Some("42"));
        assert_eq!(text(&json!({"@value": "v"})).as_deref(), Some("v"));
        assert_eq!(
            text(&json!({"@type": "PropertyValue", "value": "123"})).as_deref(),
            Some("123")
        );
        assert_eq!(text(&json!([null, "b"])).as_deref(), Some("b"));
        assert_eq!(
            url_text(&json!({"url": "/x", "@id": "#y"})).as_deref(),
            Some("/x")
        );
        assert_eq!(
            url_text(&json!({"@id": "https://a/b"})).as_deref(),
            Some("https://a/b")
        );
        assert_eq!(
            name_of(&json!({"alternateName": "al"})).as_deref(),
            Some("al")
        );
    }

    #[test]
    fn follow_action_in_every_spelling() {
        for t in [
            json!("https://schema.org/FollowAction"),
            json!("http://schema.org/FollowAction"),
            json!("FollowAction"),
            json!("schema:FollowAction"),
            json!({"@type": "FollowAction"}),
            json!({"@id": "https://schema.org/FollowAction"}),
        ] {
            let node = json!({"interactionStatistic": [
                {"@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction", "userInteractionCount": 5},
                {"@type": "InteractionCounter", "interactionType": t, "userInteractionCount": 24000}
            ]});
            let g = Graph::default();
            assert_eq!(
                interaction_count(&g, &node, "interactionStatistic", "FollowAction"),
                Ok(Some(24_000)),
                "{t}"
            );
        }
    }

    #[test]
    fn counts_as_strings_and_unreadable_counts() {
        let g = Graph::default();
        let c = |v: Value| {
            let node = json!({"interactionStatistic": {"interactionType": "LikeAction", "userInteractionCount": v}});
            interaction_count(&g, &node, "interactionStatistic", "LikeAction")
        };
        assert_eq!(c(json!("12.3K")), Ok(Some(12_300)));
        assert_eq!(c(json!("12,300")), Ok(Some(12_300)));
        assert_eq!(c(json!("1,2 Mio.")), Ok(Some(1_200_000)));
        assert!(c(json!("lots")).unwrap_err().contains("lots"));
        assert!(c(Value::Null).is_err());
        let none = json!({"interactionStatistic": []});
        assert_eq!(
            interaction_count(&g, &none, "interactionStatistic", "LikeAction"),
            Ok(None)
        );
    }

    #[test]
    fn dates_in_the_wild() {
        let d = |s: &str| parse_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            d("2026-11-18T09:30:00+01:00").as_deref(),
            Some("2026-11-18T08:30:00+00:00")
        );
        assert_eq!(
            d("2026-11-18").as_deref(),
            Some("2026-11-18T00:00:00+00:00")
        );
        assert_eq!(
            d("2026-11-18T09:30:00").as_deref(),
            Some("2026-11-18T09:30:00+00:00")
        );
        assert_eq!(
            d("2026-11-18T09:30:00+0200").as_deref(),
            Some("2026-11-18T07:30:00+00:00")
        );
        assert_eq!(
            d("Wed, 18 Nov 2026 09:30:00 GMT").as_deref(),
            Some("2026-11-18T09:30:00+00:00")
        );
        assert_eq!(d("yesterday"), None);
    }

    #[test]
    fn local_names() {
        assert_eq!(local_name("https://schema.org/LikeAction"), "LikeAction");
        assert_eq!(local_name("schema:LikeAction"), "LikeAction");
        assert_eq!(local_name("http://schema.org/LikeAction/"), "LikeAction");
        assert_eq!(local_name("LikeAction"), "LikeAction");
    }
}
