//! The crawl driver: seeds → frontier → sources → signals → index, in batches.
//!
//! Sources run concurrently (bounded by `crawl.concurrency`; the Fetcher keeps each host at
//! its own polite rate), extraction runs as CPU tasks ([`crate::sources::cpu`]), and the
//! single index writer commits every `crawl.commit_every` creators together with the resume
//! state, so a long crawl makes progress durable and a killed one continues (see
//! [`super::state`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

use super::batch::Batch;
use super::frontier::{Frontier, Limits, Next, RedisFrontier};
use super::reads::{self, Reads};
use super::state::{self, CrawlState};
use crate::config::Config;
use crate::consent::OptOuts;
use crate::error::Result;
use crate::extract::Extractor;
use crate::index::CreatorIndex;
use crate::model::ProblemKind;
use crate::model::{Problem, RawProfile, fnv1a64};
use crate::net::fetch::Fetcher;
use crate::net::urlnorm::parse_http;

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
    /// Stop cleanly this long after the start (`--deadline`): nothing new is started, what is
    /// in flight is dropped and left pending, everything read so far is committed.
    pub deadline: Option<Duration>,
    /// `redis://HOST:PORT[/DB]`: be one worker of a crawl whose frontier lives there.
    pub frontier: Option<String>,
    /// With `shard`: the folder where out-of-shard creators are handed to their shard, and
    /// read back as this shard's seeds (see [`super::outbox`]).
    pub outbox: Option<std::path::PathBuf>,
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
    /// Accounts read but not indexed: fewer than `crawl.min_original_posts` own posts among
    /// those fetched (commenters whose timeline is replies). They still count as commenters
    /// where they comment. One already in the index keeps its stored record.
    #[serde(default)]
    pub audience_accounts: u64,
    pub discovered: u64,
    pub frontier_dropped: u64,
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
    pub problems: Vec<Problem>,
    pub generation: u64,
    pub duration_secs: f64,
    /// The crawl stopped at `--deadline`; `pending` URLs are left for the next run.
    #[serde(default)]
    pub stopped_at_deadline: bool,
    #[serde(default)]
    pub pending: u64,
}

impl CrawlSummary {
    pub(super) fn problem(&mut self, p: Problem) {
        self.errors += 1;
        *self.errors_by_kind.entry(p.kind.to_string()).or_default() += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(p);
        }
    }
}

/// Does this creator belong to shard `i` of `n`?
pub(crate) fn in_shard(profile_url: &str, shard: Option<(u64, u64)>) -> bool {
    match shard {
        None => true,
        Some((i, n)) => fnv1a64(profile_url.as_bytes()) % n == i,
    }
}

/// Too few own posts among those fetched to be a creator: an audience account. The bar is
/// `crawl.min_original_posts`, capped at `crawl.max_posts` (no more can be fetched).
pub(crate) fn is_audience(c: &crate::config::CrawlConfig, raw: &RawProfile) -> bool {
    raw.posts.len() < c.min_original_posts.min(c.max_posts)
}

fn resume_key(opts: &CrawlOptions) -> String {
    let mut seeds = opts.seeds.clone();
    seeds.sort();
    let text = format!("{}|{:?}|{}", opts.mode, opts.shard, seeds.join("\n"));
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// Crawl from `opts.seeds` into `index`. Page failures are reported in the summary; only
/// index failures (lock held, disk) and a lost shared frontier are errors.
pub async fn crawl(
    config: &Config,
    index: &CreatorIndex,
    opts: CrawlOptions,
) -> Result<CrawlSummary> {
    let started = Instant::now();
    let c = &config.crawl;
    let limits = Limits::from_config(c);
    // The shared frontier first: an unreachable Redis fails before the index is locked.
    let mut frontier = match &opts.frontier {
        None => Frontier::local(limits),
        Some(url) => {
            let lease = Duration::from_secs_f64(c.lease_secs);
            Frontier::Redis(RedisFrontier::connect(url, limits, lease).await?)
        }
    };
    let mut writer = index.writer()?;
    let mut fetcher = Fetcher::new(&config.crawl)?;
    if let Frontier::Redis(f) = &frontier {
        fetcher = fetcher.with_shared_pace(Arc::new(f.pace()));
    }
    fetcher.import_validators(super::state::load_validators(index.path()));
    let extractor = Arc::new(Extractor::new(config)?);
    let mut campaigns = crate::campaign::Monitor::for_index(index.path(), config);
    let consent = OptOuts::new(&config.consent.opt_out);
    let mut summary = CrawlSummary {
        seeds: opts.seeds.len(),
        ..Default::default()
    };
    let key = resume_key(&opts);
    let mut outbox = super::outbox::Outbox::new(&opts);
    seed(
        &mut frontier,
        index,
        &key,
        &opts,
        &mut summary,
        writer.generation(),
    )
    .await?;
    let checkpoint = Checkpoint { index, key };

    let reads = Arc::new(Reads {
        bluesky_batches: super::refresh::bluesky_batches(config, index, &opts)?,
        peertube_hosts: Default::default(),
        fetcher,
        config: config.clone(),
        index: index.clone(),
        shard: opts.shard,
        extractor: extractor.clone(),
        fields: Arc::new(index.fields.clone()),
        consent: consent.clone(),
    });
    let fetcher = &reads.fetcher;
    let progress = super::progress::Progress::new(opts.progress);
    let mut inflight: HashMap<String, u32> = HashMap::new();
    let mut running = reads::Running::new();
    let mut last_log = Instant::now();
    let shared = matches!(frontier, Frontier::Redis(_));
    // Leases are renewed and results committed well inside the lease, so that a live worker
    // never has its work handed to another.
    let keep_alive = Duration::from_secs_f64(c.lease_secs / 3.0);
    let mut last_commit = Instant::now();
    let mut lost: Option<crate::Error> = None;

    let stop_at = opts
        .deadline
        .map(|d| tokio::time::Instant::from_std(started + d));
    loop {
        if stop_at.is_some_and(|t| tokio::time::Instant::now() >= t) {
            summary.stopped_at_deadline = true;
            break;
        }
        let mut waiting = false;
        while lost.is_none() && running.len() < c.concurrency {
            let task = match frontier.next().await {
                Ok(Next::Task(t)) => t,
                Ok(Next::Wait) => {
                    waiting = true;
                    break;
                }
                Ok(Next::Done) => break,
                Err(e) => {
                    lost = Some(e);
                    break;
                }
            };
            inflight.insert(task.url.to_string(), task.depth);
            let conditional = opts.refresh_targets.contains_key(task.url.as_str());
            reads::spawn(&mut running, &reads, task, conditional);
        }
        if running.is_empty() {
            if !waiting || lost.is_some() {
                break;
            }
            // Other workers hold leases that may lead to more: commit ours (so they do not
            // keep the crawl open) and ask again shortly.
            if writer.pending() > 0 || frontier.has_uncommitted() {
                checkpoint.save(&mut writer, &frontier, &inflight, &summary, false)?;
                last_commit = Instant::now();
            }
            if let Err(e) = frontier.committed().await {
                lost = Some(e);
            }
            tokio::time::sleep(WAIT_FOR_WORK).await;
            continue;
        }
        let next = match stop_at {
            Some(t) => match tokio::time::timeout_at(t, reads::next(&mut running)).await {
                Ok(next) => next,
                Err(_) => continue, // the deadline check above ends the loop
            },
            None => reads::next(&mut running).await,
        };
        let Some((task, out)) = next else {
            break;
        };
        inflight.remove(task.url.as_str());
        summary.urls_read += 1;
        let mut batch = Batch {
            config,
            index,
            writer: &mut writer,
            extractor: &extractor,
            summary: &mut summary,
            opts: &opts,
            campaigns: &mut campaigns,
            to_queue: Vec::new(),
            to_mark: Vec::new(),
            outbox: &mut outbox,
            consent: &consent,
        };
        batch.apply(task.url.as_str(), task.depth, out).await?;
        let (to_queue, to_mark) = (batch.to_queue, batch.to_mark);
        if lost.is_none()
            && let Err(e) = feed(&mut frontier, &to_queue, &to_mark, task.depth, &mut summary).await
        {
            lost = Some(e);
        }
        frontier.finished(&task.url);

        let overdue = shared && last_commit.elapsed() > keep_alive;
        if writer.pending() >= c.commit_every || overdue {
            checkpoint.save(&mut writer, &frontier, &inflight, &summary, false)?;
            last_commit = Instant::now();
            if lost.is_none()
                && let Err(e) = frontier.committed().await
            {
                lost = Some(e);
            }
        }
        if shared
            && lost.is_none()
            && let Err(e) = frontier.keep_alive_every(keep_alive).await
        {
            lost = Some(e);
        }
        progress.update(
            fetcher,
            frontier.queued(),
            summary.errors,
            summary.creators_new + summary.creators_updated,
        );
        if !opts.progress && last_log.elapsed() > Duration::from_secs(10) {
            last_log = Instant::now();
            tracing::info!(
                read = summary.urls_read,
                queued = frontier.queued(),
                creators = summary.creators_new + summary.creators_updated,
                errors = summary.errors,
                "crawling"
            );
        }
    }
    progress.finish();
    // Reads cut off by the deadline stay in `inflight`, saved as pending with the commit.
    drop(running);
    summary.pending = (frontier.queued() + inflight.len()) as u64;

    summary.requests = fetcher.stats.requests.load(Ordering::Relaxed);
    summary.bytes = fetcher.stats.bytes.load(Ordering::Relaxed);
    summary.not_modified = fetcher.stats.not_modified.load(Ordering::Relaxed);
    summary.skipped_robots = fetcher.stats.robots_blocked.load(Ordering::Relaxed);
    summary.frontier_dropped = frontier.dropped() as u64;
    summary.duration_secs = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    summary.generation = writer.generation() + 1;
    outbox.write()?;
    // Work committed before the frontier was lost is kept; the lease of the rest expires and
    // the URLs return to the queue for the next run (or another worker).
    let complete = !summary.stopped_at_deadline && lost.is_none();
    checkpoint.save(&mut writer, &frontier, &inflight, &summary, complete)?;
    writer.close()?;
    // Validators only save requests; failing to keep them is not worth failing the crawl.
    if let Err(e) = super::state::save_validators(index.path(), &fetcher.export_validators()) {
        tracing::warn!("could not save HTTP validators: {e}");
    }
    index.reload()?;
    if let Some(e) = lost {
        return Err(e);
    }
    frontier.committed().await?;
    Ok(summary)
}

/// How long a shared-frontier worker with nothing to do waits before asking again.
const WAIT_FOR_WORK: Duration = Duration::from_millis(200);

/// Fill the frontier: from the resume state of an interrupted local crawl, else from the seeds
/// (and, for a shard, what other shards handed it). A shared frontier keeps its own state.
async fn seed(
    frontier: &mut Frontier,
    index: &CreatorIndex,
    key: &str,
    opts: &CrawlOptions,
    summary: &mut CrawlSummary,
    generation: u64,
) -> Result<()> {
    if let Some(local) = frontier.as_local_mut()
        && let Some(saved) = state::load(index.path(), key, generation)
    {
        summary.resumed = true;
        for u in &saved.seen {
            local.mark_seen(u);
        }
        for (u, depth) in &saved.pending {
            if let Ok(url) = Url::parse(u) {
                local.requeue(&url, *depth);
            }
        }
        tracing::info!(
            pending = saved.pending.len(),
            "resuming an interrupted crawl"
        );
        return Ok(());
    }
    let mut by_depth: BTreeMap<u32, Vec<Url>> = BTreeMap::new();
    for s in &opts.seeds {
        match parse_http(s) {
            Some(u) => by_depth.entry(0).or_default().push(u),
            None => summary.problem(Problem::new(
                s.as_str(),
                ProblemKind::InvalidSeed,
                "not an absolute http(s) URL",
            )),
        }
    }
    for (u, depth) in super::outbox::inbox(opts)? {
        by_depth.entry(depth).or_default().push(u);
    }
    for (depth, urls) in by_depth {
        frontier.push_all(&urls, depth).await?;
    }
    Ok(())
}

/// Hand one read's discoveries and known profile URLs to the frontier.
async fn feed(
    frontier: &mut Frontier,
    to_queue: &[Url],
    to_mark: &[String],
    depth: u32,
    summary: &mut CrawlSummary,
) -> Result<()> {
    for u in to_mark {
        frontier.mark_seen(u).await?;
    }
    summary.discovered += frontier.push_all(to_queue, depth + 1).await? as u64;
    Ok(())
}

/// Where a crawl's batches are committed: the index and the resume key.
struct Checkpoint<'a> {
    index: &'a CreatorIndex,
    key: String,
}

impl Checkpoint<'_> {
    /// Commit the writer's batch together with the resume state (the frontier's pending and
    /// in-flight URLs), so a killed crawl continues from here.
    fn save(
        &self,
        writer: &mut crate::index::CreatorWriter,
        frontier: &Frontier,
        inflight: &HashMap<String, u32>,
        summary: &CrawlSummary,
        complete: bool,
    ) -> Result<()> {
        let (index, key) = (self.index, self.key.as_str());
        // A shared frontier keeps its state in Redis; a local one beside the index.
        if let Some(local) = frontier.as_local() {
            let mut pending = local.pending();
            pending.extend(inflight.iter().map(|(u, d)| (u.clone(), *d)));
            let st = CrawlState {
                key: key.to_string(),
                generation: writer.generation() + 1,
                pending,
                seen: local.seen_urls(),
                complete,
            };
            state::write_next(index.path(), &st)?;
        }
        let last = complete.then(|| serde_json::to_value(summary).expect("summary serialises"));
        writer.commit(last)?;
        state::promote(index.path())?;
        index.reload()?;
        Ok(())
    }
}
