//! CPU work (HTML parsing, signal extraction): a page's worth runs right where it is asked
//! for; larger work goes to the blocking pool, at most two tasks per core at a time.
//!
//! Reads run concurrently (`crawl.concurrency`, 64 by default), each its own task on the
//! runtime's workers (one per core). A typical read's CPU work is small — a profile page and a
//! few post pages of a few KB, then one creator's extraction: well under a millisecond each
//! — and handing it to another thread cost more than it saved: a wake-up of a pool thread
//! per task, the answer handed back, the page's bytes cold in the other core's cache. Run on
//! the worker instead, the 10k-creator benchmark crawl (2 cores) went from 6,021 to 6,731
//! pages/s on average over ten alternations with the binary before, none slower (CPU 22.1 →
//! 20.1 s, peak RSS 221 → 172 MiB; context switches 155k → 66k on a build that switched
//! every task inline by an environment variable); BENCHMARKS.md, tenth pass. A worker busy with one read's parse delays the other reads it holds by that long,
//! so only inputs up to [`INLINE_MAX_BYTES`] run there (a large page takes milliseconds to
//! parse); the rest keep the blocking pool.
//!
//! The pool grows a thread for every task that finds no idle one: a crawl on two cores ran
//! ~55 threads, each with its own allocator heap (peak RSS ~290 → 700–930 MiB), switching
//! among themselves on two cores. Waiting for a slot keeps it small; a read that waits holds
//! no thread. Two per core, not one: with one, a core idled while a finished task's result
//! went back to its read and the next task started. A process-wide bound on purpose: the
//! cores are the process's, whoever asks.
//!
//! Either way a panic is caught and returned as a [`TaskFailed`], as the pool's join error
//! was before, and the caller decides as before: a page whose parse failed is reported as a
//! problem and the crawl goes on; a failed extraction stops the crawl.

use std::panic::AssertUnwindSafe;
use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::model::RawProfile;

const TASKS_PER_CORE: usize = 2;

/// Work on inputs up to this size runs on the calling worker: a page of a few KB parses in
/// well under a millisecond; 64 KiB of HTML in about one (html5ever reads ~50–100 MB/s).
pub(crate) const INLINE_MAX_BYTES: usize = 64 * 1024;

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores * TASKS_PER_CORE)
});

/// A CPU task that panicked (or, on the pool, was cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskFailed(String);

impl std::fmt::Display for TaskFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TaskFailed {}

impl TaskFailed {
    fn panicked(payload: &(dyn std::any::Any + Send)) -> TaskFailed {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        TaskFailed(format!("task panicked: {why}"))
    }
}

/// Run `f`, whose input is `input_bytes` long: here when that is at most
/// [`INLINE_MAX_BYTES`], otherwise on the blocking pool once a slot is free.
pub(crate) async fn run<T: Send + 'static>(
    input_bytes: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TaskFailed> {
    if input_bytes <= INLINE_MAX_BYTES {
        // `f` owns its inputs: after a panic nothing of it is left to observe broken.
        return std::panic::catch_unwind(AssertUnwindSafe(f))
            .map_err(|p| TaskFailed::panicked(p.as_ref()));
    }
    let _slot = SLOTS
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        if e.is_panic() {
            TaskFailed::panicked(e.into_panic().as_ref())
        } else {
            TaskFailed(e.to_string())
        }
    })
}

/// The text an extraction of `raw` reads, in bytes: what [`run`] is told for it.
pub(crate) fn profile_bytes(raw: &RawProfile) -> usize {
    let post = |p: &crate::model::Post| {
        p.text.len() + p.comments.iter().map(|c| c.text.len()).sum::<usize>()
    };
    raw.bio.len()
        + raw.display_name.len()
        + raw.posts.iter().map(post).sum::<usize>()
        + raw.conversation.iter().map(post).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
    }

    #[test]
    fn small_work_runs_on_the_caller_and_large_work_on_the_pool() {
        runtime().block_on(async {
            let here = std::thread::current().id();
            let small = run(INLINE_MAX_BYTES, || std::thread::current().id()).await;
            assert_eq!(
                small,
                Ok(here),
                "a page's worth runs where it was asked for"
            );
            let large = run(INLINE_MAX_BYTES + 1, || std::thread::current().id()).await;
            assert_ne!(
                large.unwrap(),
                here,
                "larger work goes to the blocking pool"
            );
        });
    }

    #[test]
    fn a_panic_is_an_error_on_either_path() {
        runtime().block_on(async {
            for bytes in [10, INLINE_MAX_BYTES * 4] {
                let r: Result<u32, _> = run(bytes, || panic!("bad page {}", 7)).await;
                let e = r.expect_err("the panic is caught");
                assert!(e.to_string().contains("bad page 7"), "{bytes}: {e}");
                // The caller goes on.
                assert_eq!(run(bytes, || 41 + 1).await, Ok(42));
            }
        });
    }

    #[test]
    fn a_profile_weighs_the_text_extraction_reads() {
        use crate::model::{Comment, Post};
        let raw = RawProfile {
            bio: "abc".into(),
            display_name: "de".into(),
            posts: vec![Post {
                text: "12345".into(),
                comments: vec![Comment {
                    text: "xyz".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            conversation: vec![Post {
                text: "9".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(profile_bytes(&raw), 3 + 2 + 5 + 3 + 1);
    }
}
