//! JSON as found in the wild, read so that one bad field costs one field, not the document.
//!
//! serde_json refuses a whole document over one out-of-range number (`1e309`) and stops at
//! 128 levels of nesting (an error, not a crash — which we keep). Before parsing, numbers
//! that would not fit an f64 are rewritten to `null`; the caller then validates field by field.

use serde_json::Value;

/// Parse `text` leniently: out-of-range numbers become `null`. Errors carry serde's position.
pub fn parse(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(v),
        Err(e) if e.to_string().contains("number out of range") => {
            serde_json::from_str::<Value>(&null_out_of_range_numbers(text))
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Replace numeric literals outside strings whose value is not finite as f64 by `null`.
fn null_out_of_range_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    let mut last = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            let lit = &text[start..i];
            if !lit.parse::<f64>().is_ok_and(f64::is_finite) {
                out.push_str(&text[last..start]);
                out.push_str("null");
                last = i;
            }
            continue;
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    out
}

/// A count that may arrive as a number, a float, or a string such as "12,300", "12.3K",
/// "1,2 Mio." or "3.4M". `None` when nothing sensible can be read.
pub fn count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f.round() as u64)
        }),
        Value::String(s) => parse_count(s),
        _ => None,
    }
}

/// Human-written counts: "12,300", "12.300", "12 300", "12.3K", "1,2 Mio.", "3.4M", "2 mil".
pub fn parse_count(s: &str) -> Option<u64> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    let num_end = s
        .find(|c: char| {
            !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '\''))
        })
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let num: String = num
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let suffix = suffix.trim().trim_end_matches('.');
    let mult: f64 = match suffix {
        "" => 1.0,
        "k" | "tsd" | "mil" | "k+" => 1e3,
        "m" | "mio" | "mn" | "million" | "millionen" | "millions" | "mi" => 1e6,
        "b" | "bn" | "mrd" | "billion" => 1e9,
        _ => return None,
    };
    let value: f64 = if mult == 1.0 {
        // Without a suffix, ',' and '.' are thousands separators ("12,300", "12.300") unless
        // followed by other than exactly three digits ("3.5" is not a count we can trust).
        let groups: Vec<&str> = num.split([',', '.']).collect();
        if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) {
            groups.concat().parse().ok()?
        } else if groups.len() == 1 {
            num.parse().ok()?
        } else {
            return None;
        }
    } else {
        // With a suffix the separator is decimal: "12.3K", "1,2 Mio."
        num.replace(',', ".").parse().ok()?
    };
    (value.is_finite() && value >= 0.0).then(|| (value * mult).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn out_of_range_number_costs_one_field() {
        let v = parse(r#"{"a": 1e309, "b": "x 1e309", "c": [2, -1e400], "d": 3}"#).unwrap();
        assert_eq!(v["a"], Value::Null);
        assert_eq!(v["b"], json!("x 1e309"));
        assert_eq!(v["c"], json!([2, null]));
        assert_eq!(v["d"], json!(3));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(50_000) + &"]".repeat(50_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn counts_in_the_wild() {
        assert_eq!(parse_count("12,300"), Some(12_300));
        assert_eq!(parse_count("12.300"), Some(12_300));
        assert_eq!(parse_count("12 300"), Some(12_300));
        assert_eq!(parse_count("12.3K"), Some(12_300));
        assert_eq!(parse_count("1,2 Mio."), Some(1_200_000));
        assert_eq!(parse_count("3.4M"), Some(3_400_000));
        assert_eq!(parse_count("950"), Some(950));
        assert_eq!(parse_count("lots"), None);
        assert_eq!(parse_count(""), None);
        assert_eq!(count(&json!(42)), Some(42));
        assert_eq!(count(&json!(42.6)), Some(43));
        assert_eq!(count(&json!(-1)), None);
        assert_eq!(count(&json!("1,234,567")), Some(1_234_567));
        assert_eq!(count(&json!(null)), None);
    }
}
