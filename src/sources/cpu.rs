//! CPU work (HTML parsing, signal extraction) on the blocking pool, at most two tasks per core
//! at a time.
//!
//! Reads run concurrently (`crawl.concurrency`, 64 by default) and each hands its parsing and
//! extraction to the blocking pool, which grows a thread for every task that finds no idle
//! one: a crawl on two cores ran ~55 threads, each with its own allocator heap (peak RSS
//! ~290 → 700–930 MiB), switching among themselves on two cores. Waiting here instead keeps
//! the pool small; a read that waits holds no thread. Two per core, not one: with one, a core
//! idled while a finished task's result went back to its read and the next task started
//! (measured on the 10k-creator crawl, 2 cores: 1/core ~6,200 pages/s, 2/core ~7,500 at
//! ~300 MiB, 4/core ~8,000 at 410–510 MiB, 8/core ~7,900 at 540–570 MiB).
//! A process-wide bound on purpose: the cores are the process's, whoever asks.

use std::sync::LazyLock;

use tokio::sync::Semaphore;
use tokio::task::JoinError;

const TASKS_PER_CORE: usize = 2;

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores * TASKS_PER_CORE)
});

/// Run `f` on the blocking pool once a slot is free.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JoinError> {
    let _slot = SLOTS
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(f).await
}
