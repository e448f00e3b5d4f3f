//! Hub pages: a web page with no profile data (a blogroll, an agency roster, a "top 50 vegan
//! skincare blogs" list, a site's home page) is read for its links, which may lead to profile
//! pages and platform profiles (Mastodon, Bluesky, YouTube, feeds). Pure: a parsed [`Page`] in,
//! the links worth following out. The crawl's frontier bounds how far they go (`max_depth`,
//! `max_pages`, per-host and per-site budgets, URL-trap rules).

use url::Url;

use super::web_page::{Page, dedup_in_order, same_page};

/// Links a hub hands over at most; a page with more is cut (the frontier's budgets would end
/// them anyway, this keeps one page from flooding the queue in one step).
pub(crate) const MAX_HUB_LINKS: usize = 20_000;

/// Files that are never a profile or a feed.
const ASSET_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "css", "js",
    "mjs", "map", "woff", "woff2", "ttf", "otf", "eot", "pdf", "zip", "gz", "tgz", "rar", "7z",
    "exe", "dmg", "apk", "mp3", "mp4", "m4a", "m4v", "mov", "avi", "webm", "ogg", "wav", "flac",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "json", "txt",
];

/// The links of a hub page worth following: http(s) (the page parser keeps only those),
/// not marked `rel=nofollow`, not an asset, not the page itself, each once, in page order.
pub(crate) fn hub_links(page: &Page) -> Vec<Url> {
    let mut out: Vec<Url> = page
        .links
        .iter()
        .filter(|l| !l.has_rel("nofollow") && !l.has_rel("stylesheet") && !l.has_rel("icon"))
        .map(|l| l.url.clone())
        .filter(|u| !is_asset(u) && !same_page(u, &page.url))
        .collect();
    dedup_in_order(&mut out);
    out.truncate(MAX_HUB_LINKS);
    out
}

fn is_asset(u: &Url) -> bool {
    let last = u.path().rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| ASSET_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(ext)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_pages_and_profiles_not_assets_or_nofollow() {
        let html = r#"<html><body><h1>Top vegan skincare blogs</h1>
            <a href="/blogs/anna/">Anna</a> <a href="https://social.example/@ben">Ben</a>
            <a href="https://bsky.app/profile/cara.example">Cara</a>
            <a href="https://www.youtube.com/channel/UC1">Dan</a>
            <a href="/feeds/eve.xml">Eve's feed</a> <a href="/logo.png">logo</a>
            <a rel="nofollow sponsored" href="https://ads.example/x">ad</a>
            <a href="/blogs/anna/#bio">Anna again</a> <a href="">self</a>
            <a href="/hub.html">this page</a></body></html>"#;
        let url = Url::parse("http://127.0.0.1:9/hub.html").unwrap();
        let page = Page::parse(html, &url).unwrap();
        let got: Vec<String> = hub_links(&page).iter().map(Url::to_string).collect();
        assert_eq!(
            got,
            vec![
                "http://127.0.0.1:9/blogs/anna/",
                "https://social.example/@ben",
                "https://bsky.app/profile/cara.example",
                "https://www.youtube.com/channel/UC1",
                "http://127.0.0.1:9/feeds/eve.xml",
            ]
        );
    }
}
