//! Contacts and location: the business email a creator publishes, and where they say they are.
//!
//! Emails are read from the bio, the profile fields' values and `mailto:` links, including the
//! usual obfuscations: `name [at] domain [dot] com`, `name(at)domain.com`, `name {at} ...`,
//! `name @ domain . com`, and `name at domain dot com` (the spelled-out form only when a
//! `dot` follows, so "meet me at home" is not an address). An address needs a local part, a
//! domain with a dot and a TLD of 2–24 letters; image names like `logo@2x.png` are refused.
//! Addresses are lower-cased and deduplicated, first seen first.
//!
//! `location`: the platform's location field, else a profile field named like a location
//! ("location", "based in", "ubicación", "Standort", "lieu", "localização", "città", "city"...),
//! else the bio: the text after a 📍, or after "based in" / "living in" / "vivo en" /
//! "desde" / "wohne in" / "basée à" / "moro em" / "vivo a" (up to a line break, `|`, `•` or
//! 60 characters).

use super::text::fold;
use crate::model::RawProfile;

const FILE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "heic"];
const MAX_LOCATION_CHARS: usize = 60;

/// Emails published in the profile (bio, field values, `mailto:` links).
pub fn emails(raw: &RawProfile) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |e: String| {
        if !out.contains(&e) {
            out.push(e);
        }
    };
    for text in std::iter::once(raw.bio.as_str()).chain(raw.fields.iter().map(|(_, v)| v.as_str()))
    {
        for e in emails_in(text) {
            push(e);
        }
    }
    for l in &raw.links {
        if let Some(addr) = l.strip_prefix("mailto:") {
            let addr = addr.split('?').next().unwrap_or_default();
            for e in emails_in(&percent_encoding::percent_decode_str(addr).decode_utf8_lossy()) {
                push(e);
            }
        }
    }
    out
}

/// Valid addresses in a text, de-obfuscated, lower-cased, in order of appearance.
pub fn emails_in(text: &str) -> Vec<String> {
    let plain = deobfuscate(&text.to_lowercase());
    let b = plain.as_bytes();
    let local_ok = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let mut out = Vec::new();
    for (at, _) in plain.match_indices('@') {
        let mut s = at;
        while s > 0 && local_ok(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain_ok(b[e]) {
            e += 1;
        }
        let local = plain[s..at].trim_matches('.');
        let domain = plain[at + 1..e].trim_end_matches(['.', '-']);
        if valid(local, domain) {
            let addr = format!("{local}@{domain}");
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
    }
    out
}

fn valid(local: &str, domain: &str) -> bool {
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return false;
    }
    let tld = labels[labels.len() - 1];
    (2..=24).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !FILE_EXTENSIONS.contains(&tld)
}

/// Turn `[at]`, `(at)`, `{at}`, ` at ` (when a ` dot ` follows), `[dot]`, ` . ` and spaced `@`
/// back into an address.
fn deobfuscate(s: &str) -> String {
    let mut t = s.to_string();
    for (from, to) in [
        ("[at]", "@"),
        ("(at)", "@"),
        ("{at}", "@"),
        ("<at>", "@"),
        ("[@]", "@"),
        ("(@)", "@"),
        ("[dot]", "."),
        ("(dot)", "."),
        ("{dot}", "."),
        ("<dot>", "."),
        ("[.]", "."),
        ("(.)", "."),
    ] {
        t = t.replace(&format!(" {from} "), to).replace(from, to);
    }
    // Spelled-out "name at domain dot com": only tokens shaped like an address.
    let toks: Vec<&str> = t.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let Some((addr, used)) = spelled_address(&toks[i..]) {
            out.push(addr);
            i += used;
        } else {
            out.push(toks[i].to_string());
            i += 1;
        }
    }
    let t = out.join(" ");
    // "name @ domain . com" → "name@domain.com"
    t.replace(" @ ", "@")
        .replace(" @", "@")
        .replace("@ ", "@")
        .replace(" . ", ".")
}

/// `name at domain dot com [dot uk]` at the start of `toks` → ("name@domain.com", tokens used).
fn spelled_address(toks: &[&str]) -> Option<(String, usize)> {
    let word = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._-+".contains(&c))
    };
    if toks.len() < 5 || !word(toks[0]) || toks[1] != "at" || !word(toks[2]) || toks[3] != "dot" {
        return None;
    }
    let mut addr = format!("{}@{}", toks[0], toks[2]);
    let mut i = 3;
    while i + 1 < toks.len() && toks[i] == "dot" {
        let label = toks[i + 1].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
        if !word(label) {
            break;
        }
        addr.push('.');
        addr.push_str(label);
        i += 2;
    }
    Some((addr, i))
}

const LOCATION_FIELD_NAMES: &[&str] = &[
    "location",
    "based in",
    "based",
    "city",
    "country",
    "where",
    "home",
    "ubicacion",
    "ubicación",
    "ciudad",
    "pais",
    "standort",
    "wohnort",
    "ort",
    "stadt",
    "lieu",
    "localisation",
    "ville",
    "localizacao",
    "localização",
    "cidade",
    "citta",
    "città",
    "posizione",
    "luogo",
    "locatie",
    "woonplaats",
];

const BIO_LOCATION_CUES: &[&str] = &[
    "based in ",
    "living in ",
    "located in ",
    "vivo en ",
    "desde ",
    "wohne in ",
    "lebe in ",
    "basée à ",
    "basé à ",
    "basee a ",
    "base a ",
    "moro em ",
    "vivo em ",
    "vivo a ",
    "woon in ",
];

/// Location as stated: the location field, a location-like profile field, or the bio.
pub fn location(raw: &RawProfile) -> Option<String> {
    if let Some(l) = raw.location.as_deref().map(clean_location)
        && !l.is_empty()
    {
        return Some(l);
    }
    for (name, value) in &raw.fields {
        let n = fold(
            name.trim()
                .trim_start_matches(|c: char| !c.is_alphanumeric()),
        );
        let n = n.trim_end_matches(':').trim();
        if LOCATION_FIELD_NAMES.iter().any(|f| fold(f) == n) {
            let v = clean_location(value);
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    location_in_bio(&raw.bio)
}

fn location_in_bio(bio: &str) -> Option<String> {
    if let Some(i) = bio.find('📍') {
        let v = clean_location(&bio[i + '📍'.len_utf8()..]);
        if !v.is_empty() {
            return Some(v);
        }
    }
    for cue in BIO_LOCATION_CUES {
        if let Some(i) = find_ignore_ascii_case(bio, cue) {
            let rest = &bio[i + cue.len()..];
            // A sentence ends the place ("based in Mexico City. Coffee first.").
            let rest = &rest[..rest.find(['.', '!', '?', ';']).unwrap_or(rest.len())];
            let v = clean_location(rest);
            if v.chars().next().is_some_and(char::is_uppercase) {
                return Some(v);
            }
        }
    }
    None
}

/// Byte offset of `needle` in `hay`, ASCII letters compared case-insensitively.
fn find_ignore_ascii_case(hay: &str, needle: &str) -> Option<usize> {
    hay.char_indices().map(|(i, _)| i).find(|&i| {
        hay.get(i..i + needle.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}

/// Up to the first line break or separator, without emoji, trimmed, at most 60 chars.
fn clean_location(s: &str) -> String {
    let end = s
        .find(['\n', '|', '•', '·', '✉', '📧', '✨', '🌿'])
        .unwrap_or(s.len());
    let v: String = s[..end]
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || ",.-'()/&".contains(*c))
        .collect();
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    let v = v.trim_matches(|c: char| c == ',' || c == '.' || c == '-' || c.is_whitespace());
    v.chars()
        .take(MAX_LOCATION_CHARS)
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscated_emails() {
        assert_eq!(
            emails_in("collabs: Anna.B [at] Studio-K [dot] com"),
            vec!["anna.b@studio-k.com"]
        );
        assert_eq!(emails_in("hello(at)mail.de"), vec!["hello@mail.de"]);
        assert_eq!(
            emails_in("mail: jo at jomakes dot co dot uk"),
            vec!["jo@jomakes.co.uk"]
        );
        assert_eq!(emails_in("name @ domain . com"), vec!["name@domain.com"]);
        assert_eq!(emails_in("Biz: HI@X.IO, hi@x.io"), vec!["hi@x.io"]);
    }

    #[test]
    fn not_emails() {
        assert!(emails_in("meet me at home, dot the i's").is_empty());
        assert!(emails_in("@anna on insta").is_empty());
        assert!(emails_in("logo@2x.png").is_empty());
        assert!(emails_in("a@b.c1").is_empty());
    }

    #[test]
    fn emails_from_profile_parts() {
        let raw = RawProfile {
            bio: "🌿 plants | pr: hi@leafy.example".into(),
            fields: vec![("Contact".into(), "team [at] leafy [dot] example".into())],
            links: vec!["mailto:Hi@Leafy.example?subject=x".into()],
            ..Default::default()
        };
        assert_eq!(emails(&raw), vec!["hi@leafy.example", "team@leafy.example"]);
    }

    #[test]
    fn locations() {
        let mut raw = RawProfile {
            bio: "Baker & mum 📍 Lisbon, Portugal | recipes below".into(),
            ..Default::default()
        };
        assert_eq!(location(&raw).as_deref(), Some("Lisbon, Portugal"));
        raw.fields = vec![("📌 Standort".into(), "Berlin".into())];
        assert_eq!(location(&raw).as_deref(), Some("Berlin"));
        raw.location = Some("  Québec ".into());
        assert_eq!(location(&raw).as_deref(), Some("Québec"));
        let bio_only = RawProfile {
            bio: "Runner based in Mexico City. Coffee first.".into(),
            ..Default::default()
        };
        assert_eq!(location(&bio_only).as_deref(), Some("Mexico City"));
        assert_eq!(location(&RawProfile::default()), None);
    }
}
