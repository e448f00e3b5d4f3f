//! Cheap checks before expensive parsing. html5ever has no nesting limit and slows
//! quadratically with depth (50,000 nested `<ul><li>` take ~18 s in scraper), so a page is
//! pre-scanned for tag nesting depth before it reaches the HTML parser.
//!
//! The scan is linear and allocation-free. It errs towards *under*-counting on real pages, so
//! that an ordinary page is never refused: the text of `<script>`, `<style>`, `<textarea>`,
//! `<title>` and comments is skipped (minified JavaScript is full of `a<b`), and elements
//! whose end tag HTML lets authors omit (`<li>`, `<p>`, `<td>`, `<option>`...) are not
//! counted, since the parser closes them implicitly. A nesting attack still has to nest
//! elements that really nest, and those are counted.

/// Deepest nesting we parse; real pages stay far below (a few dozen levels).
pub const MAX_HTML_DEPTH: usize = 512;

/// Elements without content.
const VOID: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"keygen",
    b"frame",
    b"basefont",
    b"bgsound",
];

/// Elements whose end tag may be omitted, or which the parser never lets nest deeply.
const OPTIONAL_END: &[&[u8]] = &[
    b"li",
    b"p",
    b"dt",
    b"dd",
    b"option",
    b"optgroup",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"caption",
    b"rb",
    b"rt",
    b"rtc",
    b"rp",
    b"html",
    b"head",
    b"body",
];

/// Elements whose content is raw text: no tags inside until the matching end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"plaintext",
];

/// Approximate maximum nesting depth of `html`: opening tags minus closing tags, ignoring void
/// elements, self-closed tags, raw text and comments. Stops as soon as `limit` is exceeded.
pub fn html_depth_exceeds(html: &str, limit: usize) -> bool {
    let b = html.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'-') {
            end += 1;
        }
        if end == start || !b[start].is_ascii_alphabetic() {
            // `<!doctype>`, `<?xml`, `a < b` in text: not an element.
            continue;
        }
        let name = &b[start..end];
        let is = |set: &[&[u8]]| set.iter().any(|t| name.eq_ignore_ascii_case(t));
        if is(VOID) || is(OPTIONAL_END) {
            i = end;
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            i = end;
            continue;
        }
        let gt = b[end..].iter().position(|&c| c == b'>').map(|p| end + p);
        let Some(gt) = gt else { break };
        if b[gt - 1] == b'/' {
            i = gt + 1;
            continue;
        }
        if is(RAW_TEXT) {
            i = skip_raw_text(b, gt + 1, name);
            continue;
        }
        depth += 1;
        if depth > limit {
            return true;
        }
        i = gt + 1;
    }
    false
}

/// Index just past `</name` (case-insensitive) at or after `from`, or the end of input.
fn skip_raw_text(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = find(b, i, b"</") {
        let s = off + 2;
        if b.len() >= s + name.len() && b[s..s + name.len()].eq_ignore_ascii_case(name) {
            return s + name.len();
        }
        i = s;
    }
    b.len()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    // memchr's searches: a page's JSON-LD script can be most of its bytes.
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_caught_cheaply() {
        let deep = "<ul><li>".repeat(50_000);
        assert!(html_depth_exceeds(&deep, MAX_HTML_DEPTH));
        let divs = "<div>".repeat(MAX_HTML_DEPTH + 1);
        assert!(html_depth_exceeds(&divs, MAX_HTML_DEPTH));
        let divs = "<DIV class=x>".repeat(MAX_HTML_DEPTH);
        assert!(!html_depth_exceeds(&divs, MAX_HTML_DEPTH));
        let spans = "<span><b>".repeat(300);
        assert!(html_depth_exceeds(&spans, MAX_HTML_DEPTH));
    }

    #[test]
    fn normal_pages_pass() {
        let page = "<!DOCTYPE html><html><head><meta charset=utf-8><link rel=x></head><body>\
                    <div><p>Hi<br>there</p><img src=a.png><input/></div></body></html>";
        assert!(!html_depth_exceeds(page, 10));
        let flat = "<p>x</p>".repeat(100_000);
        assert!(!html_depth_exceeds(&flat, 10));
    }

    #[test]
    fn script_comments_and_omitted_end_tags_do_not_count() {
        // Minified JavaScript compares with `<` constantly.
        let js = format!(
            "<html><head><script>{}</script></head><body><p>ok</body></html>",
            "for(i=0;i<n;i++){if(a<b)x()}".repeat(2_000)
        );
        assert!(!html_depth_exceeds(&js, 10));
        let style = "<style>a<b{}</style>".repeat(1_000);
        assert!(!html_depth_exceeds(&style, 10));
        let commented = format!("<!-- {} --><div></div>", "<div>".repeat(1_000));
        assert!(!html_depth_exceeds(&commented, 10));
        // A long list written without `</li>`, a table without `</td>`.
        let list = format!("<ul>{}</ul>", "<li>item".repeat(5_000));
        assert!(!html_depth_exceeds(&list, 10));
        let table = format!("<table>{}</table>", "<tr><td>1<td>2".repeat(5_000));
        assert!(!html_depth_exceeds(&table, 10));
        // Text that merely mentions a less-than sign.
        assert!(!html_depth_exceeds(&"1 < 2 and 3<4 ".repeat(5_000), 10));
    }
}
