//! Consent: "is this creator opted out?", answered in one place for the crawl, search,
//! `show`, `similar`, the HTTP endpoint and export.
//!
//! People write an opt-out the way they know their profile: `https://Mastodon.Social/@anna/`,
//! `mastodon.social/@anna`, `@anna@mastodon.social`, `@anna`, or the creator id scout printed.
//! Every entry is normalised once, here, into a key that compares equal for all of these; a
//! check that compared raw strings in one place and normalised URLs in another hid a creator
//! from the crawl but still returned it from search.
//!
//! Matching errs on the side of hiding: scheme, host and path case, a trailing slash, a
//! fragment, tracking parameters and `www.` do not make a different person.

use url::Url;

use crate::model::{CreatorRecord, creator_id};

/// The opt-out list, normalised.
#[derive(Debug, Clone, Default)]
pub struct OptOuts {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// A profile URL, as [`url_key`] folds it; with the `@name` it names on `host`, if any.
    Url { key: String },
    /// `@name@host` (a fediverse address).
    Account { name: String, host: String },
    /// `@name` or `name`: that handle on any platform.
    Handle(String),
    /// A creator id (16 hex digits).
    Id(String),
}

impl OptOuts {
    /// Normalise the configured entries (`[consent] opt_out`); blank ones are ignored.
    pub fn new<S: AsRef<str>>(list: &[S]) -> OptOuts {
        OptOuts {
            entries: list
                .iter()
                .filter_map(|s| parse_entry(s.as_ref()))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Is the creator with this canonical profile URL and handle opted out?
    pub fn matches(&self, profile_url: &str, handle: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let key = url_key(profile_url);
        let handle = fold_handle(handle);
        let id = creator_id(profile_url);
        let (url_host, url_name) = key.as_deref().map(account_of_key).unwrap_or((None, None));
        self.entries.iter().any(|e| match e {
            Entry::Url { key: k } => key.as_deref() == Some(k.as_str()),
            Entry::Account { name, host } => {
                url_host.as_deref() == Some(host.as_str())
                    && (url_name.as_deref() == Some(name.as_str()) || handle == *name)
                    || handle == format!("{name}@{host}")
            }
            Entry::Handle(h) => {
                !handle.is_empty() && (handle == *h || handle.split('@').next() == Some(h.as_str()))
            }
            Entry::Id(i) => *i == id,
        })
    }

    /// [`matches`](Self::matches) for a stored record (its id counts too).
    pub fn matches_record(&self, rec: &CreatorRecord) -> bool {
        self.matches(&rec.profile_url, &rec.handle)
            || self
                .entries
                .iter()
                .any(|e| matches!(e, Entry::Id(i) if i.eq_ignore_ascii_case(&rec.id)))
    }

    /// Exact index terms that find most opted-out creators before ranking (the ranker still
    /// checks each result with [`matches_record`](Self::matches_record)): creator ids of the
    /// spellings a canonical URL usually has, and handles.
    pub fn index_terms(&self) -> IndexTerms {
        let mut t = IndexTerms::default();
        for e in &self.entries {
            match e {
                Entry::Url { key } => {
                    for scheme in ["https://", "http://"] {
                        for tail in ["", "/"] {
                            let url = format!("{scheme}{key}{tail}");
                            t.ids.push(creator_id(&url));
                            t.profile_urls.push(url);
                        }
                    }
                }
                Entry::Account { name, host } => {
                    let url = format!("https://{host}/@{name}");
                    t.ids.push(creator_id(&url));
                    t.profile_urls.push(url);
                    t.handles.push(format!("{name}@{host}"));
                }
                Entry::Handle(h) => t.handles.push(h.clone()),
                Entry::Id(i) => t.ids.push(i.clone()),
            }
        }
        t
    }
}

/// What [`OptOuts::index_terms`] gives the ranker to exclude at retrieval.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IndexTerms {
    pub ids: Vec<String>,
    pub profile_urls: Vec<String>,
    /// Lower-case, without the leading `@`.
    pub handles: Vec<String>,
}

fn parse_entry(raw: &str) -> Option<Entry> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(Entry::Id(s.to_ascii_lowercase()));
    }
    if s.contains("://") || (s.contains('/') && !s.starts_with('@')) {
        return url_key(s).map(|key| Entry::Url { key });
    }
    let h = fold_handle(s);
    match h.split_once('@') {
        Some((name, host)) if !name.is_empty() && !host.is_empty() => Some(Entry::Account {
            name: name.to_string(),
            host: host.trim_start_matches("www.").to_string(),
        }),
        _ if !h.is_empty() => Some(Entry::Handle(h)),
        _ => None,
    }
}

/// `@Anna` → `anna`, `Anna@Host.Social` → `anna@host.social`.
fn fold_handle(h: &str) -> String {
    h.trim().trim_start_matches('@').to_lowercase()
}

/// A profile URL folded for comparison: no scheme, lower case, no `www.`, no default port,
/// fragment, tracking parameters or trailing slash. `None` when it is no http(s) URL.
pub fn url_key(s: &str) -> Option<String> {
    let s = s.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let u = Url::parse(&with_scheme).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = u.host_str()?.trim_end_matches('.').to_lowercase();
    let host = host.trim_start_matches("www.");
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = u.path().trim_end_matches('/').to_lowercase();
    let query = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.to_lowercase())
    };
    Some(format!("{host}{port}{path}{query}"))
}

fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_") || matches!(k.as_str(), "fbclid" | "gclid" | "ref" | "igshid" | "si")
}

/// The host and the `@name` of a folded Mastodon-style profile key (`host/@name`).
fn account_of_key(key: &str) -> (Option<String>, Option<String>) {
    let (host, path) = key.split_once('/').unwrap_or((key, ""));
    let host = host.split(':').next().unwrap_or(host).to_string();
    let name = path
        .strip_prefix('@')
        .filter(|n| !n.is_empty() && !n.contains('/'))
        .map(str::to_string);
    (Some(host), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mastodon.social/@Anna";

    #[test]
    fn one_person_written_many_ways() {
        let id = creator_id(URL);
        for entry in [
            URL,
            "https://Mastodon.Social/@anna",
            "http://mastodon.social/@anna/",
            "mastodon.social/@anna",
            "https://www.mastodon.social/@anna#top",
            "https://mastodon.social/@anna?utm_source=x",
            "@anna@mastodon.social",
            "@Anna@Mastodon.Social",
            "@anna",
            "anna",
            id.as_str(),
        ] {
            let o = OptOuts::new(&[entry]);
            assert!(o.matches(URL, "anna"), "{entry} should match");
        }
    }

    #[test]
    fn others_are_not_hidden() {
        for entry in [
            "https://mastodon.social/@anna2",
            "@anna@other.social",
            "@ann",
            "https://other.example/@anna",
            "0123456789abcdef",
            "   ",
        ] {
            let o = OptOuts::new(&[entry]);
            assert!(!o.matches(URL, "anna"), "{entry} should not match");
        }
        assert!(OptOuts::new::<&str>(&[]).is_empty());
    }

    #[test]
    fn fediverse_handles_with_host() {
        let o = OptOuts::new(&["@anna@mastodon.social"]);
        // A Bluesky-style record whose handle carries the host.
        assert!(o.matches("https://bsky.app/profile/x", "anna@mastodon.social"));
        // A bare handle entry matches a handle written with its host.
        assert!(OptOuts::new(&["@anna"]).matches("https://a.example/u/1", "anna@a.example"));
    }

    #[test]
    fn index_terms_cover_the_usual_spellings() {
        let t = OptOuts::new(&["https://Mastodon.Social/@Anna/"]).index_terms();
        assert!(t.ids.contains(&creator_id("https://mastodon.social/@anna")));
        assert!(
            t.profile_urls
                .contains(&"https://mastodon.social/@anna/".to_string())
        );
        let t = OptOuts::new(&["@Anna"]).index_terms();
        assert_eq!(t.handles, vec!["anna".to_string()]);
    }
}
