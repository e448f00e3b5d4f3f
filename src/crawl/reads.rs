//! Reads as tasks of their own. Everything a read needs is owned here and shared by `Arc`, so
//! that each read is spawned on the runtime: reads then run on every worker thread, and their
//! I/O readiness wakes a worker instead of the thread that drives the crawl loop. (As futures
//! polled by the loop, all reads ran on that one thread, and each response meant a
//! cross-thread wake-up of it.) The loop keeps the frontier, the index writer and the summary.

use std::sync::Arc;

use tokio::task::JoinSet;
use url::Url;

use super::batch::{TaskOutcome, read_task};
use super::frontier::Task;
use super::run::in_shard;
use crate::config::Config;
use crate::consent::OptOuts;
use crate::extract::Extractor;
use crate::index::{CreatorIndex, Fields};
use crate::net::fetch::Fetcher;
use crate::sources::ReadContext;
use crate::sources::bluesky::batch::Batches;
use crate::sources::peertube::Instances;

/// What every read of a crawl shares; also what prepares its creators ahead
/// ([`super::prepare`]).
pub(super) struct Reads {
    pub(super) fetcher: Fetcher,
    pub(super) config: Config,
    /// A handle on the crawl's index (the same reader: the loop's reloads are seen here).
    pub(super) index: CreatorIndex,
    pub(super) bluesky_batches: Option<Batches>,
    pub(super) peertube_hosts: Instances,
    pub(super) shard: Option<(u64, u64)>,
    pub(super) extractor: Arc<Extractor>,
    pub(super) fields: Arc<Fields>,
    pub(super) consent: OptOuts,
}

/// Reads in flight; dropping it cancels them (a deadline or a lost frontier).
pub(super) type Running = JoinSet<(Task, TaskOutcome)>;

/// Start reading `task.url`.
pub(super) fn spawn(running: &mut Running, reads: &Arc<Reads>, task: Task, conditional: bool) {
    let reads = reads.clone();
    running.spawn(async move {
        let out = read(&reads, &task.url, conditional).await;
        (task, out)
    });
}

async fn read(reads: &Reads, url: &Url, conditional: bool) -> TaskOutcome {
    let shard = reads.shard;
    let wants = move |url: &str| in_shard(url, shard);
    // The stored raw profile: only threads whose reply count grew are read again.
    let known = |url: &str| reads.index.get(url).ok().flatten().and_then(|c| c.raw);
    let ctx = ReadContext {
        fetcher: &reads.fetcher,
        config: &reads.config,
        read_in_full: &wants,
        known: &known,
        bluesky_batches: reads.bluesky_batches.as_ref(),
        peertube_hosts: &reads.peertube_hosts,
    };
    read_task(url, &ctx, conditional, reads).await
}

/// The next finished read; `None` when none is running. A read that panicked panics here, as
/// it did when reads were polled by the loop itself.
pub(super) async fn next(running: &mut Running) -> Option<(Task, TaskOutcome)> {
    loop {
        match running.join_next().await? {
            Ok(done) => return Some(done),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: only when the set is dropped, so not seen here.
            Err(_) => continue,
        }
    }
}
