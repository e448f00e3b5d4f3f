//! Cheap checks before expensive parsing. html5ever has no nesting limit and slows
//! quadratically with depth (50,000 nested `<ul><li>` take ~18 s in scraper), so a page is
//! pre-scanned for tag nesting depth before it reaches the HTML parser.

/// Deepest nesting we parse; real pages stay far below (a few dozen levels).
pub const MAX_HTML_DEPTH: usize = 512;

/// Approximate maximum nesting depth of `html`: opening tags minus closing tags, ignoring void
/// elements and self-closed tags. Stops counting as soon as `limit` is exceeded.
pub fn html_depth_exceeds(html: &str, limit: usize) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "!doctype", "!--",
    ];
    let bytes = html.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        i += off + 1;
        if i >= bytes.len() {
            break;
        }
        let closing = bytes[i] == b'/';
        let start = if closing { i + 1 } else { i };
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'!' || bytes[end] == b'-')
        {
            end += 1;
        }
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if closing {
            depth = depth.saturating_sub(1);
        } else if !VOID.iter().any(|v| name.starts_with(v)) {
            let gt = bytes[end..]
                .iter()
                .position(|&b| b == b'>')
                .map(|p| end + p);
            let self_closed = gt.is_some_and(|g| g > 0 && bytes[g - 1] == b'/');
            if !self_closed {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
        }
    }
    false
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_caught_cheaply() {
        let deep = "<ul><li>".repeat(50_000);
        assert!(html_depth_exceeds(&deep, MAX_HTML_DEPTH));
    }

    #[test]
    fn normal_pages_pass() {
        let page = "<!DOCTYPE html><html><head><meta charset=utf-8><link rel=x></head><body>\
                    <div><p>Hi<br>there</p><img src=a.png><input/></div></body></html>";
        assert!(!html_depth_exceeds(page, 10));
        let flat = "<p>x</p>".repeat(100_000);
        assert!(!html_depth_exceeds(&flat, 10));
    }
}
