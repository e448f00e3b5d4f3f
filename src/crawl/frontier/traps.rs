//! URL-trap rules and the site a URL belongs to, shared by every frontier (local or Redis).
//!
//! A hub page hands us every link it has, so the frontier must refuse what never ends:
//! paths whose segments repeat (`/a/b/a/b/a/b`, relative-link loops), calendars that page
//! forever (`/calendar/2031/07`, `?month=2040-01`), and session ids that make one page a new
//! URL on every visit. The per-site budget counts by registrable domain, not host name, so a
//! trap spread over `a1.trap.test`, `a2.trap.test`, ... ends too.

use url::Url;

/// Path segments may repeat this often before the URL counts as a loop.
const MAX_SEGMENT_REPEATS: usize = 2;
/// Calendars further than this many years from today are traps (archives go back; a page for
/// a month decades away only exists because a "next" link can always be followed).
const CALENDAR_YEARS: i32 = 2;
/// Query keys that carry a session, not content.
const SESSION_KEYS: &[&str] = &[
    "sid",
    "sessionid",
    "session_id",
    "phpsessid",
    "jsessionid",
    "aspsessionid",
    "cfid",
    "cftoken",
    "zenid",
    "oscsid",
];
/// Suffixes under which every label is a different owner (no public-suffix list is bundled:
/// these are the common second-level registries and the hosting platforms creators use).
const SHARED_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "ne.jp",
    "co.kr",
    "com.br",
    "com.mx",
    "com.ar",
    "co.in",
    "co.za",
    "com.tr",
    "com.cn",
    "com.tw",
    "com.sg",
    "blogspot.com",
    "wordpress.com",
    "github.io",
    "gitlab.io",
    "substack.com",
    "tumblr.com",
    "neocities.org",
    "netlify.app",
    "pages.dev",
    "vercel.app",
    "bsky.social",
];

/// Why a URL is refused as a trap, for the summary and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trap {
    RepeatingSegments,
    Calendar,
    SessionId,
}

/// The registrable domain of `url` (`shop.a.example.co.uk` → `example.co.uk`); an IP address
/// or a single-label host is its own site.
pub(crate) fn site_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))) {
        return host;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let keep = if labels.len() >= 3 {
        let last_two = labels[labels.len() - 2..].join(".");
        if SHARED_SUFFIXES.contains(&last_two.as_str()) {
            3
        } else {
            2
        }
    } else {
        labels.len()
    };
    labels[labels.len().saturating_sub(keep)..].join(".")
}

/// Is `url` a trap? `this_year` is passed in so the rule is pure.
pub(crate) fn trap(url: &Url, this_year: i32) -> Option<Trap> {
    let segs: Vec<String> = url
        .path_segments()
        .map(|s| {
            s.filter(|p| !p.is_empty())
                .map(|p| p.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    if repeats(&segs) {
        return Some(Trap::RepeatingSegments);
    }
    if segs.iter().any(|s| s.contains(";jsessionid=")) {
        return Some(Trap::SessionId);
    }
    for (k, v) in url.query_pairs() {
        let k = k.to_ascii_lowercase();
        if SESSION_KEYS.contains(&k.as_str()) && !v.is_empty() {
            return Some(Trap::SessionId);
        }
        if far_year(&v, this_year) && is_calendar_key(&k) {
            return Some(Trap::Calendar);
        }
    }
    let calendarish = segs.iter().any(|s| {
        matches!(
            s.as_str(),
            "calendar" | "events" | "archive" | "day" | "month"
        )
    });
    if calendarish && segs.iter().any(|s| far_year(s, this_year)) {
        return Some(Trap::Calendar);
    }
    None
}

/// A segment occurring more than [`MAX_SEGMENT_REPEATS`] times, or the path ending in the same
/// run of segments twice over (`/x/a/b/a/b`).
fn repeats(segs: &[String]) -> bool {
    let mut counts = std::collections::HashMap::new();
    for s in segs {
        let n = counts.entry(s.as_str()).or_insert(0usize);
        *n += 1;
        if *n > MAX_SEGMENT_REPEATS {
            return true;
        }
    }
    (2..=segs.len() / 2).any(|k| {
        let n = segs.len();
        segs[n - k..] == segs[n - 2 * k..n - k]
    })
}

fn is_calendar_key(k: &str) -> bool {
    ["date", "month", "year", "day", "week", "cal", "ym", "time"]
        .iter()
        .any(|w| k.contains(w))
}

/// A value that starts with a four-digit year far from `this_year` (`2040`, `2040-01`).
fn far_year(s: &str, this_year: i32) -> bool {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return false;
    }
    let rest = &s[4..];
    if !(rest.is_empty() || rest.starts_with(['-', '/', '_', '.'])) {
        return false;
    }
    let y: i32 = digits.parse().unwrap_or(0);
    (y - this_year).abs() > CALENDAR_YEARS && y >= 1900
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn sites_are_registrable_domains() {
        assert_eq!(site_of(&u("http://a1.trap.test/x")), "trap.test");
        assert_eq!(site_of(&u("https://www.example.co.uk/")), "example.co.uk");
        assert_eq!(
            site_of(&u("https://anna.blogspot.com/")),
            "anna.blogspot.com"
        );
        assert_eq!(site_of(&u("http://127.0.0.1:8080/x")), "127.0.0.1");
        assert_eq!(site_of(&u("http://localhost:9/")), "localhost");
        assert_eq!(site_of(&u("https://example.org")), "example.org");
    }

    #[test]
    fn repeating_segments_are_traps() {
        assert_eq!(
            trap(&u("http://t.test/a/b/a/b/"), 2026),
            Some(Trap::RepeatingSegments)
        );
        assert_eq!(
            trap(&u("http://t.test/x/x/x"), 2026),
            Some(Trap::RepeatingSegments)
        );
        assert_eq!(trap(&u("http://t.test/blog/2026/11/post"), 2026), None);
        assert_eq!(trap(&u("http://t.test/a/b/c/a/d"), 2026), None);
    }

    #[test]
    fn far_calendars_and_session_ids_are_traps() {
        assert_eq!(
            trap(&u("http://t.test/calendar/2040/01"), 2026),
            Some(Trap::Calendar)
        );
        assert_eq!(
            trap(&u("http://t.test/events?month=1999-12"), 2026),
            Some(Trap::Calendar)
        );
        assert_eq!(trap(&u("http://t.test/calendar/2027/01"), 2026), None);
        assert_eq!(trap(&u("http://t.test/posts/2040-ideas"), 2026), None);
        assert_eq!(
            trap(&u("http://t.test/list?PHPSESSID=abc123"), 2026),
            Some(Trap::SessionId)
        );
        assert_eq!(
            trap(&u("http://t.test/list;jsessionid=abc"), 2026),
            Some(Trap::SessionId)
        );
        assert_eq!(trap(&u("http://t.test/list?page=2"), 2026), None);
    }
}
