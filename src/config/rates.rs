//! Request rates: per host (`[crawl.hosts."HOST"]`), per platform API
//! (`[sources.mastodon|bluesky] rate`), and the platforms' documented limits they default to.

use serde::{Deserialize, Serialize};

use super::{BlueskyConfig, CrawlConfig, MastodonConfig};
use crate::error::{Error, Result};

/// One host's (or one source's) request rate: requests per second, and how many may go out
/// back to back.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostRate {
    pub rate: f64,
    #[serde(default = "one")]
    pub burst: u32,
}

fn one() -> u32 {
    1
}

/// Mastodon: 300 requests per 5 minutes per IP for unauthenticated API calls by default
/// (Mastodon docs, "Rate limits"), i.e. 1/s; 10 % below it, and a burst of 5 keeps any
/// 5-minute window at 5 + 270 = 275 requests.
pub const MASTODON_RATE: HostRate = HostRate {
    rate: 0.9,
    burst: 5,
};
/// Bluesky: 3,000 requests per 5 minutes per IP for general API requests (Bluesky docs,
/// "Rate Limits"), i.e. 10/s; 10 % below it: at most 10 + 2,700 = 2,710 per 5 minutes.
pub const BLUESKY_RATE: HostRate = HostRate {
    rate: 9.0,
    burst: 10,
};

pub(super) fn check_rate(section: &str, r: &HostRate) -> Result<()> {
    if !(r.rate.is_finite() && r.rate > 0.0) {
        return Err(Error::Config(format!(
            "`{section}.rate` must be a positive number (requests per second)"
        )));
    }
    if r.burst == 0 {
        return Err(Error::Config(format!(
            "`{section}.burst` must be at least 1"
        )));
    }
    Ok(())
}

impl CrawlConfig {
    /// The rate for `host`: its `[crawl.hosts]` entry, else `source` (the rate of the platform
    /// whose API the request goes to), else `rate_per_host` / `burst`.
    pub fn rate_for(&self, host: &str, source: Option<HostRate>) -> HostRate {
        self.hosts
            .get(host)
            .or_else(|| self.hosts.get(&host.to_ascii_lowercase()))
            .copied()
            .or(source)
            .unwrap_or(HostRate {
                rate: self.rate_per_host,
                burst: self.burst,
            })
    }
}

impl BlueskyConfig {
    pub fn host_rate(&self) -> HostRate {
        HostRate {
            rate: self.rate,
            burst: self.burst,
        }
    }
}

impl MastodonConfig {
    pub fn host_rate(&self) -> HostRate {
        HostRate {
            rate: self.rate,
            burst: self.burst,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn host_and_source_rates() {
        let mut path = std::env::temp_dir();
        path.push(format!("scout-hosts-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "[crawl]\nrate_per_host = 2.0\n[crawl.hosts.\"mastodon.social\"]\nrate = 0.5\nburst = 3\n\
             [sources.bluesky]\nrate = 5.0\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), &[]).unwrap();
        let _ = std::fs::remove_file(&path);
        let m = c
            .crawl
            .rate_for("mastodon.social", Some(c.sources.mastodon.host_rate()));
        assert_eq!((m.rate, m.burst), (0.5, 3));
        let b = c
            .crawl
            .rate_for("public.api.bsky.app", Some(c.sources.bluesky.host_rate()));
        assert_eq!((b.rate, b.burst), (5.0, 10));
        let o = c.crawl.rate_for("example.org", None);
        assert_eq!((o.rate, o.burst), (2.0, 1));
        // Defaults: the documented limits with a margin.
        let d = Config::default();
        assert_eq!(d.sources.mastodon.host_rate(), MASTODON_RATE);
        assert_eq!(d.sources.bluesky.host_rate(), BLUESKY_RATE);
        // Strict: a misspelt key in a host table is named; a bad rate names its table.
        let err = Config::load(None, &["crawl.hosts.\"a.example\".rat=1".into()]).unwrap_err();
        assert!(err.to_string().contains("rat"), "{err}");
        assert_eq!(err.exit_code(), 2);
        let err = Config::load(None, &["crawl.hosts.\"a.example\".rate=0".into()]).unwrap_err();
        assert!(
            err.to_string().contains("crawl.hosts.\"a.example\".rate"),
            "{err}"
        );
        let err = Config::load(None, &["sources.mastodon.burst=0".into()]).unwrap_err();
        assert!(err.to_string().contains("sources.mastodon.burst"), "{err}");
    }
}
