//! Command-line arguments (clap derive). Filters use INTERFACE.md's names verbatim
//! (`--audience_lang`, `--min_followers`...) so a flag and an HTTP parameter are the same word;
//! kebab-case aliases are accepted too.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "scout",
    version,
    about = "Find micro creators in the open: crawl, index, rank."
)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, default_value = "index", env = "SCOUT_INDEX")]
    pub index: PathBuf,
    /// Config file (default: ./scout.toml when present, else built-in defaults).
    #[arg(long, global = true, env = "SCOUT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Set any config key, e.g. `--set crawl.rate_per_host=2` (repeatable).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch seeds and what they lead to, extract signals, upsert creators, commit.
    Crawl(CrawlArgs),
    /// Rank creators for a niche query.
    Search(Box<SearchArgs>),
    /// One creator with every signal.
    Show(ShowArgs),
    /// Creators most like this one (lookalikes).
    Similar(SimilarArgs),
    /// Serve the HTTP endpoint and the search page.
    Serve(ServeArgs),
    /// Serve fixtures/ on loopback, crawl it politely, index, and print ranked niche searches.
    Demo(DemoArgs),
    /// Counts, index generation, last crawl summary.
    Stats(JsonFlag),
    /// Every creator record, one JSON object per line, to stdout.
    Export(ExportArgs),
    /// Print the effective configuration (defaults + file + --set) as TOML.
    Config,
    /// Campaign monitoring: the brand's mentions, codes and links in the creators' posts.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Combine worker or shard indexes into the --index folder, each creator once (newest wins).
    Merge(MergeArgs),
    /// Merge the index's segments into one (after the nightly refresh or a large crawl):
    /// searches read one segment instead of several.
    Compact(JsonFlag),
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign, or add creators and brand markers to an existing one.
    Add(CampaignAddArgs),
    /// Every campaign with what it looks for.
    List(JsonFlag),
    /// Per creator and per post: posted or not yet, performance, disclosure, comments.
    Report(CampaignReportArgs),
}

#[derive(Debug, Args)]
pub struct CampaignAddArgs {
    /// Campaign name (letters, digits, - and _).
    pub name: String,
    /// Creator ids, profile URLs or handles (repeatable; several after one flag).
    #[arg(long = "creator", num_args = 1..)]
    pub creators: Vec<String>,
    /// The brand's account, e.g. @glowco or @glowco@social.example (repeatable).
    #[arg(long = "mention")]
    pub mentions: Vec<String>,
    /// Campaign hashtag, with or without # (repeatable).
    #[arg(long = "hashtag")]
    pub hashtags: Vec<String>,
    /// Discount code; also found written with spaces or in lower case (repeatable).
    #[arg(long = "code")]
    pub codes: Vec<String>,
    /// The brand's domain; subdomains and vanity short links count (repeatable).
    #[arg(long = "link")]
    pub links: Vec<String>,
    /// First day whose posts count (YYYY-MM-DD); required for a new campaign.
    #[arg(long)]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct CampaignReportArgs {
    pub name: String,
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Index folders to merge into --index.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Seed URLs (profiles, tag pages, feeds, channel URLs).
    pub seeds: Vec<String>,
    /// File with one seed per line (# comments allowed).
    #[arg(long = "seeds-file")]
    pub seeds_file: Option<PathBuf>,
    /// Re-fetch creators whose data is older than --max-age (the nightly job).
    #[arg(long)]
    pub refresh: bool,
    /// With --refresh: age after which a creator is re-fetched (e.g. 20h, 30m, 2d).
    #[arg(long = "max-age", alias = "max_age")]
    pub max_age: Option<String>,
    /// Index only creators whose canonical profile URL hashes into shard I of N (0-based).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// With --shard: folder where creators of other shards are handed over, and this shard's
    /// hand-overs are read as seeds (default: `outbox` beside the index folder).
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// Be one worker of a crawl whose frontier, seen-set and per-host politeness live in
    /// Redis: redis://HOST:PORT[/DB].
    #[arg(long, value_name = "redis://HOST:PORT[/DB]")]
    pub frontier: Option<String>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Shorthand for --set crawl.rate_per_host=R.
    #[arg(long = "rate-per-host", alias = "rate_per_host")]
    pub rate_per_host: Option<f64>,
    /// Shorthand for --set crawl.max_depth=D.
    #[arg(long = "max-depth", alias = "max_depth")]
    pub max_depth: Option<u32>,
    /// Shorthand for --set crawl.max_pages=N.
    #[arg(long = "max-pages", alias = "max_pages")]
    pub max_pages: Option<usize>,
    /// Print the requests expected per host and how long they take at each host's rate;
    /// fetch nothing.
    #[arg(long)]
    pub plan: bool,
    /// Stop cleanly after this long (e.g. 8h), everything read so far committed, the rest
    /// resumable; with --plan, warn when the estimate exceeds it (default 8h).
    #[arg(long)]
    pub deadline: Option<String>,
}

impl CrawlArgs {
    /// The crawl flags are config keys by another name: they land on the typed config fields
    /// (after the file and `--set`), and the config is validated again.
    pub fn apply_to(&self, config: &mut crate::config::Config) -> crate::Result<()> {
        let c = &mut config.crawl;
        if let Some(r) = self.rate_per_host {
            c.rate_per_host = r;
        }
        if let Some(d) = self.max_depth {
            c.max_depth = d;
        }
        if let Some(n) = self.max_pages {
            c.max_pages = n;
        }
        config.validate()
    }
}

#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long = "audience_lang", alias = "audience-lang")]
    pub audience_lang: Option<String>,
    #[arg(long)]
    pub tier: Vec<String>,
    #[arg(long)]
    pub platform: Vec<String>,
    #[arg(long = "min_followers", alias = "min-followers")]
    pub min_followers: Option<String>,
    #[arg(long = "max_followers", alias = "max-followers")]
    pub max_followers: Option<String>,
    #[arg(long = "min_engagement", alias = "min-engagement")]
    pub min_engagement: Option<String>,
    #[arg(long = "max_sponsored_share", alias = "max-sponsored-share")]
    pub max_sponsored_share: Option<String>,
    #[arg(long = "active_within_days", alias = "active-within-days")]
    pub active_within_days: Option<String>,
    #[arg(long = "has_email", alias = "has-email", num_args = 0..=1, default_missing_value = "true")]
    pub has_email: Option<String>,
    #[arg(long)]
    pub limit: Option<String>,
    #[arg(long)]
    pub offset: Option<String>,
    /// Each signal's contribution to the score.
    #[arg(long)]
    pub explain: bool,
    /// Each result's 3 posts that best match the query, with a highlighted passage (and,
    /// with --buyer, the comments that best match the buyer).
    #[arg(long)]
    pub evidence: bool,
    /// Free text describing the ideal buyer, matched against commenters' words.
    #[arg(long)]
    pub buyer: Option<String>,
    /// Country codes the brand ships to (repeatable).
    #[arg(long = "ship_to", alias = "ship-to")]
    pub ship_to: Vec<String>,
    /// What the brand stands for.
    #[arg(long)]
    pub values: Option<String>,
    /// Topics the brand must not appear next to.
    #[arg(long)]
    pub avoid: Option<String>,
}

impl FilterArgs {
    /// As `name=value` pairs, validated by the same code as HTTP parameters.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = Vec::new();
        let mut one = |k: &'static str, x: &Option<String>| {
            if let Some(x) = x {
                v.push((k, x.clone()));
            }
        };
        one("lang", &self.lang);
        one("audience_lang", &self.audience_lang);
        one("min_followers", &self.min_followers);
        one("max_followers", &self.max_followers);
        one("min_engagement", &self.min_engagement);
        one("max_sponsored_share", &self.max_sponsored_share);
        one("active_within_days", &self.active_within_days);
        one("has_email", &self.has_email);
        one("limit", &self.limit);
        one("offset", &self.offset);
        one("buyer", &self.buyer);
        one("values", &self.values);
        one("avoid", &self.avoid);
        v.extend(self.tier.iter().map(|t| ("tier", t.clone())));
        v.extend(self.platform.iter().map(|t| ("platform", t.clone())));
        v.extend(self.ship_to.iter().map(|t| ("ship_to", t.clone())));
        if self.explain {
            v.push(("explain", "true".into()));
        }
        if self.evidence {
            v.push(("evidence", "true".into()));
        }
        v
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The niche, in any language: "vegan skincare", "Hautpflege", "café de especialidad".
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Machine-readable output: {"query", "total", "results"}.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Spreadsheet output.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Creator id, canonical profile URL, or handle.
    pub creator: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// Creator id, canonical profile URL, or handle.
    pub creator: String,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to bind (loopback by default).
    #[arg(long)]
    pub addr: Option<String>,
    /// Bearer token required on every route (also SCOUT_TOKEN).
    #[arg(long, env = "SCOUT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder with the demo world (default: fixtures/world in this checkout).
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
    /// Print the crawl summary and searches as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// One JSON object per line (the only format so far; the flag is kept for clarity).
    #[arg(long)]
    pub ndjson: bool,
}
