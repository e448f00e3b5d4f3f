//! The crawl driver: seeds → frontier → sources → signals → index, in batches.
//!
//! Sources run concurrently (bounded by `crawl.concurrency`; the Fetcher keeps each host at
//! its own polite rate), extraction runs on the blocking pool, and the single index writer
//! commits every `crawl.commit_every` creators together with the resume state, so a long
//! crawl makes progress durable and a killed one continues (see [`super::state`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use url::Url;

use super::frontier::Frontier;
use super::state::{self, CrawlState};
use crate::config::Config;
use crate::consent::OptOuts;
use crate::error::Result;
use crate::extract::Extractor;
use crate::index::CreatorIndex;
use crate::model::ProblemKind;
use crate::model::{Problem, RawProfile, creator_id, fnv1a64};
use crate::net::fetch::Fetcher;
use crate::net::urlnorm::parse_http;
use crate::sources::{self, ReadContext, SourceOutput};

/// Problems kept verbatim in the summary (the counts by kind are always complete).
const MAX_LISTED_PROBLEMS: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct CrawlOptions {
    pub seeds: Vec<String>,
    /// `(i, n)`: index only creators whose canonical URL hashes into shard i of n.
    pub shard: Option<(u64, u64)>,
    /// Show an indicatif progress bar (on a terminal); otherwise a log line every few seconds.
    pub progress: bool,
    /// A label distinguishing crawl modes in the resume key (e.g. "refresh").
    pub mode: String,
    /// Refresh: seed URL (normalised) → id of the indexed creator it re-reads. A creator whose
    /// seed answers 404/410 on `refresh.gone_after` consecutive refreshes is marked gone.
    pub refresh_targets: HashMap<String, String>,
    /// Refresh: discovered creators fetched more recently than this are not re-read.
    pub fresh_within: Option<Duration>,
}

/// The end-of-crawl report (table on a terminal, one JSON object with `--json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CrawlSummary {
    pub seeds: usize,
    pub resumed: bool,
    pub urls_read: u64,
    pub requests: u64,
    pub bytes: u64,
    pub not_modified: u64,
    pub creators_new: u64,
    pub creators_updated: u64,
    pub creators_removed: u64,
    /// Refresh: creators whose profile answered 304 Not Modified (kept, history extended).
    pub creators_unchanged: u64,
    /// Refresh: creators marked gone after repeated 404/410 answers.
    pub creators_gone: u64,
    /// Refresh: creators whose source answered 404/410 this time (not yet gone).
    pub creators_missing: u64,
    pub skipped_robots: u64,
    pub skipped_opted_out: u64,
    pub skipped_out_of_shard: u64,
    pub discovered: u64,
    pub frontier_dropped: u64,
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
    pub problems: Vec<Problem>,
    pub generation: u64,
    pub duration_secs: f64,
}

impl CrawlSummary {
    fn problem(&mut self, p: Problem) {
        self.errors += 1;
        *self.errors_by_kind.entry(p.kind.to_string()).or_default() += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(p);
        }
    }
}

/// Does this creator belong to shard `i` of `n`?
pub fn in_shard(profile_url: &str, shard: Option<(u64, u64)>) -> bool {
    match shard {
        None => true,
        Some((i, n)) => fnv1a64(profile_url.as_bytes()) % n == i,
    }
}

fn resume_key(opts: &CrawlOptions) -> String {
    let mut seeds = opts.seeds.clone();
    seeds.sort();
    let text = format!("{}|{:?}|{}", opts.mode, opts.shard, seeds.join("\n"));
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// Crawl from `opts.seeds` into `index`. Page failures are reported in the summary; only
/// index failures (lock held, disk) are errors.
pub async fn crawl(
    config: &Config,
    index: &CreatorIndex,
    opts: CrawlOptions,
) -> Result<CrawlSummary> {
    let started = Instant::now();
    let mut writer = index.writer()?;
    let fetcher = Fetcher::new(&config.crawl)?;
    fetcher.import_validators(super::state::load_validators(index.path()));
    let extractor = Arc::new(Extractor::new(config)?);
    let consent = OptOuts::new(&config.consent.opt_out);
    let c = &config.crawl;
    let mut frontier = Frontier::new(c.max_depth, c.max_pages, c.max_pages_per_host);
    let mut summary = CrawlSummary {
        seeds: opts.seeds.len(),
        ..Default::default()
    };
    let key = resume_key(&opts);

    if let Some(saved) = state::load(index.path(), &key, writer.generation()) {
        summary.resumed = true;
        for u in &saved.seen {
            frontier.mark_seen(u);
        }
        for (u, depth) in &saved.pending {
            if let Ok(url) = Url::parse(u) {
                frontier.requeue(&url, *depth);
            }
        }
        tracing::info!(
            pending = saved.pending.len(),
            "resuming an interrupted crawl"
        );
    } else {
        for s in &opts.seeds {
            match parse_http(s) {
                Some(u) => {
                    frontier.push(&u, 0);
                }
                None => summary.problem(Problem::new(
                    s.as_str(),
                    ProblemKind::InvalidSeed,
                    "not an absolute http(s) URL",
                )),
            }
        }
    }

    let shard = opts.shard;
    let wants = move |url: &str| in_shard(url, shard);
    let ctx = ReadContext {
        fetcher: &fetcher,
        config,
        read_in_full: &wants,
    };
    let progress = super::progress::Progress::new(opts.progress);
    let mut inflight: HashMap<String, u32> = HashMap::new();
    let mut running = FuturesUnordered::new();
    let mut last_log = Instant::now();

    loop {
        while running.len() < c.concurrency {
            let Some(task) = frontier.pop() else { break };
            inflight.insert(task.url.to_string(), task.depth);
            let ctx = &ctx;
            let conditional = opts.refresh_targets.contains_key(task.url.as_str());
            running.push(async move {
                let out = read_task(&task.url, ctx, conditional).await;
                (task, out)
            });
        }
        let Some((task, out)) = running.next().await else {
            break;
        };
        inflight.remove(task.url.as_str());
        summary.urls_read += 1;
        let mut batch = Batch {
            config,
            index,
            writer: &mut writer,
            extractor: &extractor,
            frontier: &mut frontier,
            summary: &mut summary,
            opts: &opts,
            consent: &consent,
        };
        batch.apply(task.url.as_str(), task.depth, out).await?;

        if writer.pending() >= c.commit_every {
            commit_batch(
                index,
                &mut writer,
                &frontier,
                &inflight,
                &key,
                &summary,
                false,
            )?;
        }
        progress.update(
            &fetcher,
            frontier.len(),
            summary.errors,
            summary.creators_new + summary.creators_updated,
        );
        if !opts.progress && last_log.elapsed() > Duration::from_secs(10) {
            last_log = Instant::now();
            tracing::info!(
                read = summary.urls_read,
                queued = frontier.len(),
                creators = summary.creators_new + summary.creators_updated,
                errors = summary.errors,
                "crawling"
            );
        }
    }
    progress.finish();

    summary.requests = fetcher.stats.requests.load(Ordering::Relaxed);
    summary.bytes = fetcher.stats.bytes.load(Ordering::Relaxed);
    summary.not_modified = fetcher.stats.not_modified.load(Ordering::Relaxed);
    summary.skipped_robots = fetcher.stats.robots_blocked.load(Ordering::Relaxed);
    summary.frontier_dropped = frontier.dropped as u64;
    summary.duration_secs = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    summary.generation = writer.generation() + 1;
    commit_batch(
        index,
        &mut writer,
        &frontier,
        &inflight,
        &key,
        &summary,
        true,
    )?;
    writer.close()?;
    // Validators only save requests; failing to keep them is not worth failing the crawl.
    if let Err(e) = super::state::save_validators(index.path(), &fetcher.export_validators()) {
        tracing::warn!("could not save HTTP validators: {e}");
    }
    index.reload()?;
    Ok(summary)
}

/// Applies what one source read produced to the index writer and the frontier.
struct Batch<'a> {
    config: &'a Config,
    index: &'a CreatorIndex,
    writer: &'a mut crate::index::CreatorWriter,
    extractor: &'a Arc<Extractor>,
    frontier: &'a mut Frontier,
    summary: &'a mut CrawlSummary,
    opts: &'a CrawlOptions,
    consent: &'a OptOuts,
}

/// What reading one frontier URL produced.
enum TaskOutcome {
    Read(SourceOutput),
    /// A refresh's conditional GET was answered 304: the creator is unchanged.
    Unchanged,
}

/// Read one URL. For a refresh of a page- or feed-backed creator, ask with the stored
/// validators first: a 304 ends it there; a 200 is handed to the source without a second
/// request. API-backed sources (Mastodon, Bluesky) re-read in full.
async fn read_task(url: &Url, ctx: &ReadContext<'_>, conditional: bool) -> TaskOutcome {
    if conditional && matches!(sources::classify(url), sources::Seed::Web(_)) {
        let opts = crate::net::fetch::RequestOpts {
            conditional: true,
            ..Default::default()
        };
        match ctx.fetcher.get_with(url, &opts).await {
            Ok(resp) if resp.not_modified => return TaskOutcome::Unchanged,
            Ok(resp) => ctx.fetcher.prime(resp),
            // Let the source fetch again and report the failure in its own words.
            Err(_) => {}
        }
    }
    TaskOutcome::Read(sources::read(url, ctx).await)
}

impl Batch<'_> {
    async fn apply(&mut self, read_url: &str, depth: u32, outcome: TaskOutcome) -> Result<()> {
        let out = match outcome {
            TaskOutcome::Read(out) => out,
            TaskOutcome::Unchanged => {
                if let Some(id) = self.opts.refresh_targets.get(read_url) {
                    self.touch(&id.clone())?;
                }
                return Ok(());
            }
        };
        let gone_answer = out.profiles.is_empty() && out.problems.iter().any(|p| p.kind.is_gone());
        for p in out.problems {
            self.summary.problem(p);
        }
        if let Some(id) = self.opts.refresh_targets.get(read_url)
            && gone_answer
        {
            self.strike(id)?;
        }
        for url in &out.opted_out {
            self.remove_if_indexed(url)?;
        }
        for d in &out.discovered {
            self.discover(d, depth)?;
        }
        for raw in out.profiles {
            self.upsert(raw, read_url).await?;
        }
        Ok(())
    }

    /// A creator who opted out is removed from the index on the next crawl.
    fn remove_if_indexed(&mut self, profile_url: &str) -> Result<()> {
        if self.index.get(profile_url)?.is_some() {
            self.writer.delete(&creator_id(profile_url));
            self.summary.creators_removed += 1;
        }
        self.summary.skipped_opted_out += 1;
        Ok(())
    }

    fn discover(&mut self, url: &str, depth: u32) -> Result<()> {
        let Some(u) = parse_http(url) else {
            return Ok(());
        };
        if let Some(fresh) = self.opts.fresh_within
            && let Some(known) = self.index.get(u.as_str())?
        {
            let age = chrono::Utc::now() - known.record.fetched_at;
            if age.to_std().is_ok_and(|a| a < fresh) {
                return Ok(());
            }
        }
        if self.frontier.push(&u, depth + 1) {
            self.summary.discovered += 1;
        }
        Ok(())
    }

    async fn upsert(&mut self, mut raw: RawProfile, read_url: &str) -> Result<()> {
        if raw.profile_url.is_empty() {
            return Ok(());
        }
        if self.consent.matches(&raw.profile_url, &raw.handle) {
            return self.remove_if_indexed(&raw.profile_url.clone());
        }
        if !in_shard(&raw.profile_url, self.opts.shard) {
            self.summary.skipped_out_of_shard += 1;
            return Ok(());
        }
        // The profile URL is known now: do not read it again through another link.
        self.frontier.mark_seen(&raw.profile_url);
        raw.source_url.get_or_insert_with(|| read_url.to_string());
        let previous = self.index.get(&raw.profile_url)?;
        let history = previous
            .as_ref()
            .map(|p| p.record.follower_history.clone())
            .unwrap_or_default();
        let ex = self.extractor.clone();
        let (record, raw) = tokio::task::spawn_blocking(move || {
            let rec = ex.extract(&raw, &history, chrono::Utc::now());
            (rec, raw)
        })
        .await
        .map_err(|e| crate::Error::Other(format!("extraction task failed: {e}")))?;
        self.writer.upsert(&record, &raw)?;
        if previous.is_some() {
            self.summary.creators_updated += 1;
        } else {
            self.summary.creators_new += 1;
        }
        Ok(())
    }

    /// Nothing changed since the last read: keep the record, note that we looked (fetched_at)
    /// and extend the follower history with the unchanged count.
    fn touch(&mut self, id: &str) -> Result<()> {
        let Some(stored) = self.index.get(id)? else {
            return Ok(());
        };
        let mut rec = stored.record;
        let now = chrono::Utc::now();
        rec.fetched_at = now;
        rec.gone_strikes = 0;
        if let Some(f) = rec.followers {
            rec.follower_history.push(crate::model::FollowerPoint {
                at: now,
                followers: f,
            });
        }
        self.writer.upsert(&rec, &stored.raw.unwrap_or_default())?;
        self.summary.creators_unchanged += 1;
        Ok(())
    }

    /// The source said 404/410 for a creator being refreshed: count it; after
    /// `refresh.gone_after` consecutive answers the creator is hidden from search. Timeouts,
    /// 5xx and robots outages never get here.
    fn strike(&mut self, id: &str) -> Result<()> {
        let Some(stored) = self.index.get(id)? else {
            return Ok(());
        };
        let mut rec = stored.record;
        let raw = stored.raw.unwrap_or_default();
        rec.gone_strikes += 1;
        if rec.gone_strikes >= self.config.refresh.gone_after {
            self.writer.mark_gone(&rec, &raw)?;
            self.summary.creators_gone += 1;
        } else {
            self.writer.upsert(&rec, &raw)?;
            self.summary.creators_missing += 1;
        }
        Ok(())
    }
}

fn commit_batch(
    index: &CreatorIndex,
    writer: &mut crate::index::CreatorWriter,
    frontier: &Frontier,
    inflight: &HashMap<String, u32>,
    key: &str,
    summary: &CrawlSummary,
    complete: bool,
) -> Result<()> {
    let mut pending = frontier.pending();
    pending.extend(inflight.iter().map(|(u, d)| (u.clone(), *d)));
    let st = CrawlState {
        key: key.to_string(),
        generation: writer.generation() + 1,
        pending,
        seen: frontier.seen_urls(),
        complete,
    };
    state::write_next(index.path(), &st)?;
    let last = complete.then(|| serde_json::to_value(summary).expect("summary serialises"));
    writer.commit(last)?;
    state::promote(index.path())?;
    index.reload()?;
    Ok(())
}
