//! Applying one source read to the index writer and the frontier: upserts (with extraction as
//! a CPU task, [`crate::sources::cpu`]), opt-out removals, shard hand-overs, discoveries, and
//! a refresh's unchanged / gone answers.

use std::sync::Arc;

use url::Url;

use super::prepare::{Preparations, Prepared};
use super::reads::Reads;
use super::run::{CrawlOptions, CrawlSummary, in_shard, is_audience};
use crate::config::Config;
use crate::consent::OptOuts;
use crate::error::Result;
use crate::extract::Extractor;
use crate::index::{CreatorIndex, PreparedDoc};
use crate::model::{RawProfile, creator_id};
use crate::net::urlnorm::parse_http;
use crate::sources::{self, ReadContext, SourceOutput};

/// Applies what one source read produced to the index writer and the frontier.
pub(super) struct Batch<'a> {
    pub(super) config: &'a Config,
    pub(super) index: &'a CreatorIndex,
    pub(super) writer: &'a mut crate::index::CreatorWriter,
    pub(super) extractor: &'a Arc<Extractor>,
    pub(super) summary: &'a mut CrawlSummary,
    pub(super) opts: &'a CrawlOptions,
    pub(super) campaigns: &'a mut crate::campaign::Monitor,
    /// Discoveries to queue one hop deeper.
    pub(super) to_queue: Vec<Url>,
    /// Canonical profile URLs read: not to be read again through another link.
    pub(super) to_mark: Vec<String>,
    pub(super) outbox: &'a mut super::outbox::Outbox,
    pub(super) consent: &'a OptOuts,
}

/// What reading one frontier URL produced.
pub(super) enum TaskOutcome {
    /// What the source produced, and its profiles' signals computed ahead ([`super::prepare`]).
    Read(SourceOutput, Preparations),
    /// A refresh's conditional GET was answered 304: the creator is unchanged.
    Unchanged,
}

/// Read one URL. For a refresh of a page- or feed-backed creator, ask with the stored
/// validators first: a 304 ends it there; a 200 is handed to the source without a second
/// request. API-backed sources (Mastodon, Bluesky) re-read in full.
pub(super) async fn read_task(
    url: &Url,
    ctx: &ReadContext<'_>,
    conditional: bool,
    reads: &Reads,
) -> TaskOutcome {
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
    let mut out = sources::read(url, ctx).await;
    let prepared = reads.prepare(&mut out.profiles, url.as_str()).await;
    TaskOutcome::Read(out, prepared)
}

impl Batch<'_> {
    pub(super) async fn apply(
        &mut self,
        read_url: &str,
        depth: u32,
        outcome: TaskOutcome,
    ) -> Result<()> {
        let (out, prepared) = match outcome {
            TaskOutcome::Read(out, prepared) => (out, prepared),
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
        for url in &out.out_of_shard {
            self.summary.skipped_out_of_shard += 1;
            // Its shard reads it in full (and what lies behind it) on its next run.
            self.outbox.hand_over(url, read_url, depth);
        }
        for d in &out.discovered {
            self.discover(d)?;
        }
        // Links in posts to other creators' pages are followed like mentions (after the
        // upserts, which mark the creators' own pages as seen).
        let linked: Vec<String> = out
            .profiles
            .iter()
            .flat_map(|raw| raw.posts.iter().chain(&raw.conversation))
            .flat_map(|p| &p.links)
            .filter(|l| parse_http(l).is_some_and(|u| sources::is_creator_link(&u)))
            .cloned()
            .collect();
        let prepared =
            prepared.map_err(|e| crate::Error::Other(format!("extraction task failed: {e}")))?;
        let mut prepared = prepared.into_iter();
        for raw in out.profiles {
            let ahead = prepared.next().flatten();
            self.upsert(raw, read_url, depth, ahead).await?;
        }
        for link in &linked {
            self.discover(link)?;
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

    fn discover(&mut self, url: &str) -> Result<()> {
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
        self.to_queue.push(u);
        Ok(())
    }

    async fn upsert(
        &mut self,
        mut raw: RawProfile,
        read_url: &str,
        depth: u32,
        ahead: Option<Prepared>,
    ) -> Result<()> {
        if raw.profile_url.is_empty() {
            return Ok(());
        }
        if self.consent.matches(&raw.profile_url, &raw.handle) {
            return self.remove_if_indexed(&raw.profile_url.clone());
        }
        if !in_shard(&raw.profile_url, self.opts.shard) {
            self.summary.skipped_out_of_shard += 1;
            // Its shard reads it in full (and what lies behind it) on its next run.
            self.outbox.hand_over(&raw.profile_url, read_url, depth);
            return Ok(());
        }
        // The profile URL is known now: do not read it again through another link.
        self.to_mark.push(raw.profile_url.clone());
        if is_audience(&self.config.crawl, &raw) {
            // Not a creator (yet): nothing is written. A record indexed before stays as it
            // was, since one week of replies is no reason to drop what was published.
            self.summary.audience_accounts += 1;
            return Ok(());
        }
        raw.source_url.get_or_insert_with(|| read_url.to_string());
        let previous = self.index.get(&raw.profile_url)?;
        let history = previous
            .as_ref()
            .map(|p| p.record.follower_history.clone())
            .unwrap_or_default();
        let (record, doc) = match ahead {
            // Extracted with the history the index holds now: no commit came in between.
            Some(p) if p.history == history => (p.record, p.doc),
            _ => {
                let ex = self.extractor.clone();
                let bytes = crate::sources::cpu::profile_bytes(&raw);
                let (record, r) = crate::sources::cpu::run(bytes, move || {
                    let rec = ex.extract(&raw, &history, chrono::Utc::now());
                    (rec, raw)
                })
                .await
                .map_err(|e| crate::Error::Other(format!("extraction task failed: {e}")))?;
                raw = r;
                let doc = PreparedDoc::new(&self.index.fields, &record, &raw);
                (record, doc)
            }
        };
        self.writer.upsert_prepared(doc)?;
        self.campaigns.observe_or_warn(&raw, record.fetched_at);
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
