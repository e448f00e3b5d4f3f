//! Query strings parsed by hand rather than by serde: parameters repeat (`tier=nano&tier=micro`),
//! every name must be checked against the filter table, and a broken percent-escape or
//! non-UTF-8 byte must be a 400 naming the parameter instead of being silently replaced.

use crate::error::{Error, Result};

/// More parameters than any real search needs; a cap keeps a hostile query string cheap.
pub(crate) const MAX_PARAMS: usize = 64;

/// `a=1&b=x+y&b=%C3%A9` → `[("a","1"), ("b","x y"), ("b","é")]`. `+` is a space, empty
/// segments are skipped, a name without `=` has an empty value (`explain` alone means true).
pub fn parse_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for segment in raw.split('&').filter(|s| !s.is_empty()) {
        if out.len() == MAX_PARAMS {
            return Err(Error::Usage(format!(
                "too many query parameters (at most {MAX_PARAMS})"
            )));
        }
        let (raw_name, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
        let name = decode(raw_name).map_err(|why| {
            Error::Usage(format!(
                "a parameter name {}: {why}",
                shown(raw_name).unwrap_or_default()
            ))
        })?;
        let value = decode(raw_value)
            .map_err(|why| Error::Usage(format!("invalid `{}`: {why}", shown_name(&name))))?;
        out.push((name, value));
    }
    Ok(out)
}

fn shown(raw: &str) -> Option<String> {
    Some(format!("{:?}", raw.chars().take(40).collect::<String>()))
}

fn shown_name(name: &str) -> String {
    name.chars().take(40).collect()
}

/// Strict `application/x-www-form-urlencoded` decoding of one component.
fn decode(s: &str) -> std::result::Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(|| {
                    "broken percent-escape: `%` must be followed by two hex digits".to_string()
                })?;
                let hi = hex_val(hex[0]);
                let lo = hex_val(hex[1]);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => {
                        return Err(format!(
                            "broken percent-escape `%{}`: expected two hex digits",
                            String::from_utf8_lossy(hex)
                        ));
                    }
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "not valid UTF-8 after percent-decoding".to_string())
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        parse_pairs(Some(raw)).unwrap()
    }

    fn p(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn decodes_repeats_plus_and_utf8() {
        assert_eq!(
            pairs("q=vegan+skincare&tier=nano&tier=micro&q2=%C3%A9t%C3%A9&&explain"),
            vec![
                p("q", "vegan skincare"),
                p("tier", "nano"),
                p("tier", "micro"),
                p("q2", "été"),
                p("explain", ""),
            ]
        );
        assert_eq!(pairs("q=a%2Bb%26c%3Dd"), vec![p("q", "a+b&c=d")]);
        assert_eq!(pairs("q=x=y"), vec![p("q", "x=y")]);
        assert!(parse_pairs(None).unwrap().is_empty());
        assert!(pairs("").is_empty());
    }

    #[test]
    fn broken_escapes_and_bad_utf8_name_the_parameter() {
        for raw in ["q=%zz", "q=%", "q=abc%4", "q=%ff%fe", "q=%C3"] {
            let err = parse_pairs(Some(raw)).unwrap_err().to_string();
            assert!(err.contains("`q`"), "{raw}: {err}");
        }
        let err = parse_pairs(Some("%zz=1")).unwrap_err().to_string();
        assert!(err.contains("parameter name"), "{err}");
    }

    #[test]
    fn too_many_parameters_is_an_error() {
        let raw = vec!["tier=nano"; MAX_PARAMS + 1].join("&");
        assert!(parse_pairs(Some(&raw)).is_err());
        let raw = vec!["tier=nano"; MAX_PARAMS].join("&");
        assert_eq!(parse_pairs(Some(&raw)).unwrap().len(), MAX_PARAMS);
    }
}
