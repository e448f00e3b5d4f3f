//! Bytes → text. Servers lie about charsets; a wrong or missing label must cost a few
//! replacement characters, never the page.

use encoding_rs::{Encoding, UTF_8};

/// Decode with the charset from `content_type`, else a `<meta charset>` in the first 1 KiB,
/// else UTF-8. Invalid sequences become U+FFFD.
pub fn decode(body: &[u8], content_type: Option<&str>) -> String {
    let enc = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| meta_charset(body))
        .unwrap_or(UTF_8);
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
    let i = head.find("charset=")?;
    let rest = head[i + 8..].trim_start_matches(['"', '\'']);
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
    fn invalid_utf8_is_replaced_not_fatal() {
        let body = b"ok \xff\xfe bytes";
        let t = decode(body, Some("text/html; charset=utf-8"));
        assert!(t.starts_with("ok "));
        assert!(t.contains('\u{FFFD}'));
    }
}
