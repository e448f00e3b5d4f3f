//! Bytes → text. Servers lie about charsets; a wrong or missing label must cost a few
//! replacement characters, never the page.

use encoding_rs::{Encoding, UTF_8};

/// Decode `body`: a byte-order mark wins, then the charset of `content_type`, then (for
/// markup) a `<meta charset>` or `<?xml encoding=...?>` in the first 1 KiB, else UTF-8. An
/// unknown label is ignored. Invalid sequences become U+FFFD.
pub(crate) fn decode(body: &[u8], content_type: Option<&str>) -> String {
    let enc = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| {
            // JSON is UTF-8 by definition (RFC 8259); its text may well say "charset=".
            let json = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
            (!json).then(|| meta_charset(body)).flatten()
        })
        .unwrap_or(UTF_8);
    // `Encoding::decode` sniffs a BOM first, as browsers do.
    let (text, _, _) = enc.decode(body);
    text.into_owned()
}

fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| v.trim().trim_matches('"').trim_matches('\'').to_string())
    })
}

fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let rest = match head.find("charset=") {
        Some(i) => &head[i + 8..],
        // `<?xml version="1.0" encoding="ISO-8859-1"?>` (feeds).
        None if head.trim_start().starts_with("<?xml") => {
            let end = head.find("?>")?;
            let i = head[..end].find("encoding=")?;
            &head[i + 9..end]
        }
        None => return None,
    };
    let rest = rest.trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins() {
        let body = b"caf\xe9";
        assert_eq!(decode(body, Some("text/html; charset=ISO-8859-1")), "café");
    }

    #[test]
    fn meta_charset_used_without_header() {
        let body = b"<meta charset=\"windows-1252\"><p>caf\xe9</p>";
        assert!(decode(body, Some("text/html")).contains("café"));
    }

    #[test]
    fn xml_declaration_and_bom() {
        let feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>caf\xe9</rss>";
        assert!(decode(feed, Some("application/rss+xml")).contains("caf\u{e9}"));
        let bom = b"\xef\xbb\xbfcaf\xc3\xa9";
        assert_eq!(
            decode(bom, Some("text/html; charset=iso-8859-1")),
            "caf\u{e9}"
        );
    }

    #[test]
    fn unknown_label_falls_back_and_json_ignores_meta() {
        let body = b"<meta charset=windows-1252>caf\xe9";
        assert!(decode(body, Some("text/html; charset=klingon")).contains("caf\u{e9}"));
        let json = b"{\"bio\":\"charset=latin1 caf\xc3\xa9\"}";
        assert!(decode(json, Some("application/json")).contains("caf\u{e9}"));
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let body = b"ok \xff\xfe bytes";
        let t = decode(body, Some("text/html; charset=utf-8"));
        assert!(t.starts_with("ok "));
        assert!(t.contains('\u{FFFD}'));
    }
}
