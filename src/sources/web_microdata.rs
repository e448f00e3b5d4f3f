//! HTML microdata (`itemscope` / `itemtype` / `itemprop`) turned into JSON-LD-shaped objects,
//! so that a profile marked up with microdata is read by exactly the same code as JSON-LD.
//!
//! Follows the WHATWG microdata model closely enough for profile pages: an item's properties
//! are the `itemprop` elements under it that are not inside a nested item; a property that is
//! itself an item becomes a nested object; values come from `content`, `href`, `src`,
//! `datetime`, `value` or the text, by element.

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};
use url::Url;

use super::web_page::{collapse, resolve};

/// Items read per page; more is a generated page, not a profile.
const MAX_ITEMS: usize = 200;

/// Top-level items of the document (those that are not a property of another item).
pub(crate) fn items(doc: &Html, base: &Url) -> Vec<Value> {
    let sel = Selector::parse("[itemscope]").expect("static selector");
    doc.select(&sel)
        .filter(|e| e.attr("itemprop").is_none())
        .take(MAX_ITEMS)
        .map(|e| item(e, base))
        .collect()
}

fn item(e: ElementRef<'_>, base: &Url) -> Value {
    let mut map = Map::new();
    if let Some(t) = e.attr("itemtype").and_then(|t| t.split_whitespace().next()) {
        map.insert("@type".into(), Value::String(t.to_string()));
    }
    if let Some(id) = e.attr("itemid") {
        map.insert("@id".into(), Value::String(id.trim().to_string()));
    }
    collect_props(e, base, &mut map);
    Value::Object(map)
}

/// Properties under `e` that belong to `e`'s item: stop descending at nested items.
fn collect_props(e: ElementRef<'_>, base: &Url, map: &mut Map<String, Value>) {
    for child in e.child_elements() {
        if let Some(names) = child.attr("itemprop") {
            let value = if child.attr("itemscope").is_some() {
                item(child, base)
            } else {
                prop_value(child, base)
            };
            for name in names.split_whitespace() {
                push(map, name, value.clone());
            }
        }
        if child.attr("itemscope").is_none() {
            collect_props(child, base, map);
        }
    }
}

fn push(map: &mut Map<String, Value>, name: &str, value: Value) {
    match map.get_mut(name) {
        None => {
            map.insert(name.to_string(), value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let prev = existing.take();
            *existing = Value::Array(vec![prev, value]);
        }
    }
}

fn prop_value(e: ElementRef<'_>, base: &Url) -> Value {
    let url_attr = |attr: &str| {
        e.attr(attr)
            .and_then(|h| resolve(base, h))
            .map(|u| Value::String(u.to_string()))
            .unwrap_or(Value::Null)
    };
    let name = e.value().name().to_ascii_lowercase();
    match name.as_str() {
        "meta" => Value::String(e.attr("content").unwrap_or_default().trim().to_string()),
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => url_attr("src"),
        "a" | "area" | "link" => url_attr("href"),
        "object" => url_attr("data"),
        "data" | "meter" => Value::String(e.attr("value").unwrap_or_default().trim().to_string()),
        "time" => Value::String(
            e.attr("datetime")
                .map(|d| d.trim().to_string())
                .unwrap_or_else(|| collapse(&e.text().collect::<String>())),
        ),
        _ => Value::String(collapse(&e.text().collect::<String>())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn person_with_nested_counter() {
        let html = r##"<div itemscope itemtype="https://schema.org/ProfilePage">
          <div itemprop="mainEntity" itemscope itemtype="https://schema.org/Person" itemid="#me">
            <h1 itemprop="name">Lea  Berger</h1>
            <span itemprop="alternateName">leaberger</span>
            <p itemprop="description">Naturkosmetik aus Wien</p>
            <a itemprop="sameAs" href="/a">a</a><a itemprop="sameAs" href="javascript:x">b</a>
            <div itemprop="interactionStatistic" itemscope itemtype="https://schema.org/InteractionCounter">
              <link itemprop="interactionType" href="https://schema.org/FollowAction">
              <meta itemprop="userInteractionCount" content="8.400">
            </div>
          </div>
          <time itemprop="dateModified" datetime="2026-11-02">2. November</time>
        </div>"##;
        let doc = Html::parse_document(html);
        let base = Url::parse("http://127.0.0.1:9/web/lea/").unwrap();
        let items = items(&doc, &base);
        assert_eq!(items.len(), 1, "nested items are not top-level");
        let page = &items[0];
        assert_eq!(page["@type"], json!("https://schema.org/ProfilePage"));
        assert_eq!(page["dateModified"], json!("2026-11-02"));
        let person = &page["mainEntity"];
        assert_eq!(person["@id"], json!("#me"));
        assert_eq!(person["name"], json!("Lea Berger"));
        assert_eq!(person["sameAs"], json!(["http://127.0.0.1:9/a", null]));
        let counter = &person["interactionStatistic"];
        assert_eq!(
            counter["interactionType"],
            json!("https://schema.org/FollowAction")
        );
        assert_eq!(counter["userInteractionCount"], json!("8.400"));
        // The counter's properties are not leaked into the person.
        assert!(person.get("userInteractionCount").is_none());
    }
}
