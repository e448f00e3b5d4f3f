//! `scout.toml`: every key of INTERFACE.md's Config section, with defaults as named constants.
//!
//! Loading is strict: an unknown key or a value of the wrong type is an [`Error::Config`] naming
//! the key, which the CLI turns into exit status 2. Every key can also be set on the command line
//! with `--set section.key=value` (the value is read as TOML, so `--set crawl.burst=2` and
//! `--set 'consent.opt_out=["https://x/@y"]'` both work); overrides are applied before the
//! strict check, so a misspelt override is refused the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub(crate) mod rates;

use rates::check_rate;
pub use rates::{BLUESKY_RATE, HostRate, MASTODON_RATE};

pub(crate) mod secret;
pub use secret::{ApiKey, YOUTUBE_API_KEY_ENV};

pub(crate) mod overrides;
use overrides::{apply_override, read_table};

pub(crate) mod sources;
pub use sources::{
    BlueskyConfig, DEFAULT_MAX_THREADS, MastodonConfig, PeertubeConfig, SourcesConfig,
    YoutubeConfig,
};

pub const DEFAULT_USER_AGENT: &str = "scout/0.1 (+https://example.org/scout-bot)";
pub const DEFAULT_CONFIG_FILE: &str = "scout.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub crawl: CrawlConfig,
    pub sources: SourcesConfig,
    pub tiers: TiersConfig,
    pub consent: ConsentConfig,
    pub extract: ExtractConfig,
    pub rank: RankWeights,
    pub refresh: RefreshConfig,
    pub server: ServerConfig,
    pub campaigns: CampaignsConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlConfig {
    pub user_agent: String,
    /// Requests per second per host, enforced by a governor limiter per host.
    pub rate_per_host: f64,
    pub burst: u32,
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Pages per crawl.
    pub max_pages: usize,
    /// Discovery hops from the seeds.
    pub max_depth: u32,
    pub max_body_bytes: u64,
    /// Total deadline for one request, headers and body included.
    pub timeout_secs: f64,
    pub connect_timeout_secs: f64,
    pub respect_robots: bool,
    /// CIDRs exempt from the private-address guard.
    pub allow_private_networks: Vec<String>,
    /// Pages per host per crawl, so that a trap on one host cannot eat the whole budget.
    pub max_pages_per_host: usize,
    /// Pages per site (registrable domain: `a.x.test` and `b.x.test` are one site) per crawl,
    /// so that a trap spread over subdomains ends too.
    pub max_pages_per_site: usize,
    /// With `--frontier redis://`: seconds a worker holds a URL before it returns to the queue
    /// for another worker (the worker renews the lease while it is still working on it).
    pub lease_secs: f64,
    pub max_redirects: usize,
    /// Retries after a 5xx, timeout or connection error (exponential backoff with jitter).
    pub max_retries: u32,
    pub retry_base_ms: u64,
    /// Upper bound on a server's `Retry-After`.
    pub max_retry_after_secs: f64,
    /// Creators upserted between commits; smaller makes a long crawl durable sooner.
    pub commit_every: usize,
    /// Recent posts read per creator.
    pub max_posts: usize,
    /// Post pages (web source) followed per profile.
    pub max_post_pages: usize,
    /// Per-host rates where a platform documents its limits (`[crawl.hosts."HOST"]`); they
    /// win over the source rates and `rate_per_host`.
    pub hosts: BTreeMap<String, HostRate>,
    /// Own posts (originals and self-threads, not replies to others) an account needs among
    /// those fetched to be indexed as a creator; below it, it is audience (counted, not
    /// indexed). Capped at `max_posts`; 0 indexes everyone.
    pub min_original_posts: usize,
}

pub const DEFAULT_RATE_PER_HOST: f64 = 1.0;
pub const DEFAULT_CONCURRENCY: usize = 32;
pub const DEFAULT_MAX_PAGES: usize = 10_000;
pub const DEFAULT_MAX_DEPTH: u32 = 2;
pub const DEFAULT_MAX_BODY_BYTES: u64 = 5_000_000;
pub const DEFAULT_TIMEOUT_SECS: f64 = 20.0;
pub const DEFAULT_MAX_POSTS: usize = 40;
pub const DEFAULT_MIN_ORIGINAL_POSTS: usize = 3;

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            user_agent: DEFAULT_USER_AGENT.to_string(),
            rate_per_host: DEFAULT_RATE_PER_HOST,
            burst: 1,
            concurrency: DEFAULT_CONCURRENCY,
            max_pages: DEFAULT_MAX_PAGES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            connect_timeout_secs: 5.0,
            respect_robots: true,
            allow_private_networks: Vec::new(),
            max_pages_per_host: 2_000,
            max_pages_per_site: 5_000,
            lease_secs: 120.0,
            max_redirects: 5,
            max_retries: 3,
            retry_base_ms: 250,
            max_retry_after_secs: 60.0,
            commit_every: 100,
            max_posts: DEFAULT_MAX_POSTS,
            max_post_pages: 20,
            hosts: BTreeMap::new(),
            min_original_posts: DEFAULT_MIN_ORIGINAL_POSTS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TiersConfig {
    pub micro_min: u64,
    pub macro_min: u64,
}

impl Default for TiersConfig {
    fn default() -> Self {
        TiersConfig {
            micro_min: 10_000,
            macro_min: 100_001,
        }
    }
}

impl TiersConfig {
    pub fn tier(&self, followers: Option<u64>) -> Option<crate::model::Tier> {
        use crate::model::Tier;
        let f = followers?;
        Some(if f >= self.macro_min {
            Tier::Macro
        } else if f >= self.micro_min {
            Tier::Micro
        } else {
            Tier::Nano
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentConfig {
    /// Profile URLs or handles never to crawl, index or return.
    pub opt_out: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// A niche taxonomy of your own (TOML, same shape as `data/taxonomy.toml`); empty = built-in.
    pub taxonomy_file: Option<PathBuf>,
    /// Extra brand-safety terms (TOML, same shape as `data/brand_safety.toml`), added to built-in.
    pub brand_safety_file: Option<PathBuf>,
}

/// Weights of the re-ranking signals; README "Ranking" documents each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankWeights {
    pub relevance: f64,
    pub theme_consistency: f64,
    /// Weight × share of the creator's own posts naming the query (any niche, not only the
    /// taxonomy's; see `src/rank/focus.rs`).
    pub query_focus: f64,
    pub authenticity: f64,
    pub engagement: f64,
    pub comment_quality: f64,
    pub creator_replies: f64,
    pub recency: f64,
    pub audience_language: f64,
    pub sponsored_penalty: f64,
    pub undisclosed_penalty: f64,
    /// Penalty for creators who stopped posting (nothing for 3 months → full at a year).
    pub inactivity_penalty: f64,
    /// `buyer` given: weight × buyer_match (0–1), how much the commenters sound like the
    /// described buyer (default 2.0, the strongest positive signal: the brief asks for buyers).
    pub buyer: f64,
    /// `ship_to` given: weight × (−1..1) from the audience's languages and the stated location
    /// (default 3.0; an audience outside every market costs up to the full weight).
    pub ship_to: f64,
    /// `values` given: weight × share of the creator's posts naming the values, from 2 posts
    /// (default 3.0).
    pub values: f64,
    /// `avoid` given: weight × (−1..0) for creators flagged for an avoided category or posting
    /// an avoided phrase (default 3.0: enough to drop them below comparable clean creators).
    pub avoid_penalty: f64,
    /// Candidates retrieved by BM25 before re-ranking.
    pub candidates: usize,
}

impl Default for RankWeights {
    fn default() -> Self {
        RankWeights {
            relevance: 1.0,
            theme_consistency: 1.5,
            query_focus: 1.0,
            authenticity: 2.5,
            engagement: 0.8,
            comment_quality: 1.0,
            creator_replies: 0.5,
            recency: 0.5,
            audience_language: 1.0,
            sponsored_penalty: 2.0,
            undisclosed_penalty: 0.5,
            inactivity_penalty: 2.0,
            buyer: 2.0,
            ship_to: 3.0,
            values: 3.0,
            avoid_penalty: 3.0,
            candidates: 400,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefreshConfig {
    /// Creators older than this are refetched by `crawl --refresh` (humantime-like: 20h, 30m, 2d).
    pub max_age: String,
    /// Consecutive 404/410 answers before a creator is marked gone.
    pub gone_after: u32,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        RefreshConfig {
            max_age: "20h".to_string(),
            gone_after: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub addr: String,
    /// Bearer token required on every route when set (also `--token` / `SCOUT_TOKEN`).
    pub token: Option<String>,
    /// Origins allowed by CORS; empty = CORS off.
    pub cors_origins: Vec<String>,
    pub request_timeout_secs: f64,
    pub header_timeout_secs: f64,
    /// `/v1/search` answers kept for repeats, in MB of JSON (0 = no cache).
    pub search_cache_mb: u64,
    /// How long a cached answer may be served (the clock moves recency and date filters).
    pub search_cache_secs: f64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:7878".to_string(),
            token: None,
            cors_origins: Vec::new(),
            request_timeout_secs: 10.0,
            header_timeout_secs: 5.0,
            search_cache_mb: 64,
            search_cache_secs: 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignsConfig {
    /// Campaign definitions and recorded posts; default: the `campaigns` folder beside the
    /// index folder.
    pub dir: Option<PathBuf>,
    /// A campaign creator whose sponsored share over the last 30 days is above this is
    /// flagged `overexposed` (0–1).
    pub overexposure_share: f64,
}

pub const DEFAULT_OVEREXPOSURE_SHARE: f64 = 0.3;

impl Default for CampaignsConfig {
    fn default() -> Self {
        CampaignsConfig {
            dir: None,
            overexposure_share: DEFAULT_OVEREXPOSURE_SHARE,
        }
    }
}

impl Config {
    /// Load `path` (or `./scout.toml` when present, else defaults) and apply `key=value`
    /// overrides. Strict: unknown keys and bad types are errors naming the key.
    pub fn load(path: Option<&Path>, overrides: &[String]) -> Result<Config> {
        let mut table = match path {
            Some(p) => read_table(p)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                read_table(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => toml::Table::new(),
        };
        for ov in overrides {
            apply_override(&mut table, ov)?;
        }
        let mut cfg: Config = Config::deserialize(toml::Value::Table(table))
            .map_err(|e| Error::Config(e.to_string().trim().to_string()))?;
        if cfg.sources.youtube.api_key.is_none()
            && let Ok(k) = std::env::var(YOUTUBE_API_KEY_ENV)
            && !k.trim().is_empty()
        {
            cfg.sources.youtube.api_key = Some(ApiKey::new(k.trim()));
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Range checks serde cannot express. Each error names the key.
    pub fn validate(&self) -> Result<()> {
        let c = &self.crawl;
        let bad = |key: &str, why: &str| Err(Error::Config(format!("`{key}` {why}")));
        if !(c.rate_per_host.is_finite() && c.rate_per_host > 0.0) {
            return bad("crawl.rate_per_host", "must be a positive number");
        }
        if c.burst == 0 {
            return bad("crawl.burst", "must be at least 1");
        }
        for (host, r) in &c.hosts {
            check_rate(&format!("crawl.hosts.\"{host}\""), r)?;
        }
        check_rate("sources.mastodon", &self.sources.mastodon.host_rate())?;
        check_rate("sources.bluesky", &self.sources.bluesky.host_rate())?;
        if c.concurrency == 0 {
            return bad("crawl.concurrency", "must be at least 1");
        }
        if !(c.timeout_secs.is_finite() && c.timeout_secs > 0.0) {
            return bad("crawl.timeout_secs", "must be a positive number");
        }
        if !(c.connect_timeout_secs.is_finite() && c.connect_timeout_secs > 0.0) {
            return bad("crawl.connect_timeout_secs", "must be a positive number");
        }
        if !(c.max_retry_after_secs.is_finite() && c.max_retry_after_secs >= 0.0) {
            return bad("crawl.max_retry_after_secs", "must be a number >= 0");
        }
        if c.max_body_bytes == 0 {
            return bad("crawl.max_body_bytes", "must be at least 1");
        }
        if c.commit_every == 0 {
            return bad("crawl.commit_every", "must be at least 1");
        }
        if c.min_original_posts > 1_000 {
            return bad("crawl.min_original_posts", "must be at most 1000");
        }
        if !(c.lease_secs.is_finite() && c.lease_secs >= 1.0) {
            return bad("crawl.lease_secs", "must be a number >= 1");
        }
        for cidr in &c.allow_private_networks {
            if cidr.parse::<ipnet::IpNet>().is_err() && cidr.parse::<std::net::IpAddr>().is_err() {
                return Err(Error::Config(format!(
                    "`crawl.allow_private_networks` entry {cidr:?} is not a CIDR (e.g. \"127.0.0.1/32\")"
                )));
            }
        }
        if self.tiers.micro_min >= self.tiers.macro_min {
            return bad("tiers.micro_min", "must be below tiers.macro_min");
        }
        for (key, base) in [
            ("sources.bluesky.api_base", &self.sources.bluesky.api_base),
            ("sources.youtube.base", &self.sources.youtube.base),
            ("sources.youtube.api_base", &self.sources.youtube.api_base),
        ] {
            match url::Url::parse(base) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return bad(key, "must be an http(s) URL"),
            }
        }
        if let Some(k) = &self.sources.youtube.api_key {
            // Never quote the value: it is a secret, or the placeholder `scout config` prints.
            if k.expose().trim().is_empty() || k.expose() == ApiKey::HIDDEN {
                return bad(
                    "sources.youtube.api_key",
                    "is empty or the placeholder `scout config` prints; give the key itself",
                );
            }
        }
        if self.sources.peertube.page_size == 0 {
            return bad("sources.peertube.page_size", "must be at least 1");
        }
        if parse_duration(&self.refresh.max_age).is_none() {
            return bad(
                "refresh.max_age",
                "must be a duration such as 20h, 30m or 2d",
            );
        }
        if self.rank.candidates == 0 {
            return bad("rank.candidates", "must be at least 1");
        }
        let o = self.campaigns.overexposure_share;
        if !(o.is_finite() && (0.0..=1.0).contains(&o)) {
            return bad(
                "campaigns.overexposure_share",
                "must be a share between 0 and 1",
            );
        }
        Ok(())
    }

    /// The effective config as TOML (for `scout config` / debugging).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

/// `20h`, `30m`, `45s`, `2d`, `1w` → duration. Plain numbers are seconds.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: f64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        "w" => n * 604_800.0,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then(|| std::time::Duration::from_secs_f64(secs))
}

/// A flat view `section.key → value` of the defaults, used to list keys in `--help` text.
pub fn default_keys() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(toml::Value::Table(t)) = toml::Value::try_from(Config::default()) {
        flatten("", &t, &mut out);
    }
    out
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(sub) => flatten(&key, sub, out),
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_interface() {
        let c = Config::default();
        assert_eq!(c.crawl.rate_per_host, 1.0);
        assert_eq!(c.crawl.burst, 1);
        assert_eq!(c.crawl.concurrency, 32);
        assert_eq!(c.crawl.max_pages, 10_000);
        assert_eq!(c.crawl.max_depth, 2);
        assert_eq!(c.crawl.max_body_bytes, 5_000_000);
        assert!(c.crawl.respect_robots);
        assert_eq!(c.tiers.micro_min, 10_000);
        assert_eq!(c.tiers.macro_min, 100_001);
        assert_eq!(c.sources.bluesky.api_base, "https://public.api.bsky.app");
        c.validate().unwrap();
    }

    #[test]
    fn unknown_key_is_named() {
        let mut t = toml::Table::new();
        apply_override(&mut t, "crawl.rate_per_hots=2").unwrap();
        let err = Config::deserialize(toml::Value::Table(t))
            .unwrap_err()
            .to_string();
        assert!(err.contains("rate_per_hots"), "{err}");
    }

    #[test]
    fn ill_typed_key_is_named() {
        let err = Config::load(None, &["crawl.burst=\"lots\"".into()]).unwrap_err();
        assert!(err.to_string().contains("burst"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn overrides_apply_and_validate() {
        let c = Config::load(
            None,
            &[
                "crawl.rate_per_host=5".into(),
                "consent.opt_out=[\"https://x.test/@y\"]".into(),
                "sources.bluesky.api_base=http://127.0.0.1:9".into(),
            ],
        )
        .unwrap();
        assert_eq!(c.crawl.rate_per_host, 5.0);
        assert_eq!(c.consent.opt_out, vec!["https://x.test/@y".to_string()]);
        assert_eq!(c.sources.bluesky.api_base, "http://127.0.0.1:9");
        let err = Config::load(None, &["crawl.rate_per_host=0".into()]).unwrap_err();
        assert!(err.to_string().contains("crawl.rate_per_host"));
        let err =
            Config::load(None, &["crawl.allow_private_networks=[\"nope\"]".into()]).unwrap_err();
        assert!(err.to_string().contains("allow_private_networks"));
    }

    #[test]
    fn tiers_follow_thresholds() {
        use crate::model::Tier;
        let t = TiersConfig::default();
        assert_eq!(t.tier(None), None);
        assert_eq!(t.tier(Some(9_999)), Some(Tier::Nano));
        assert_eq!(t.tier(Some(10_000)), Some(Tier::Micro));
        assert_eq!(t.tier(Some(100_000)), Some(Tier::Micro));
        assert_eq!(t.tier(Some(100_001)), Some(Tier::Macro));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20h").unwrap().as_secs(), 72_000);
        assert_eq!(parse_duration("30m").unwrap().as_secs(), 1_800);
        assert_eq!(parse_duration("2d").unwrap().as_secs(), 172_800);
        assert_eq!(parse_duration("15").unwrap().as_secs(), 15);
        assert!(parse_duration("soon").is_none());
    }
}
