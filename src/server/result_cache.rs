//! The `/v1/search` result cache: the serialised JSON answer, keyed on the request's query
//! string and the index generation it was computed on.
//!
//! Why: a marketer's page of results is often asked for again (the search page refreshes,
//! a shortlist is re-opened, a campaign tool polls), and a search costs ~1.5 ms of CPU at
//! 100k creators where a cached answer costs a hash lookup. Correctness:
//! - **Generation.** The key holds the searcher's generation, so an answer is never served
//!   after a commit (a crawl next to the server): the next search sees the new segments.
//! - **Clock.** Recency, `active_within_days` and growth depend on the time of the search, so
//!   an entry lives at most `server.search_cache_secs` (default 30 s).
//! - **Bounded.** Entries are evicted oldest first once their bodies exceed
//!   `server.search_cache_mb` (default 64 MB; `0` turns the cache off).
//!
//! The key is the raw query string: the same search spelled differently (parameters in
//! another order) is a different entry, which costs only a miss.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

type Key = (u64, Box<str>);

struct Entry {
    body: Bytes,
    at: Instant,
}

#[derive(Default)]
struct Store {
    map: HashMap<Key, Entry>,
    /// Insertion order, for eviction (a key may appear again after it was replaced).
    order: VecDeque<Key>,
    bytes: usize,
}

pub(crate) struct ResultCache {
    max_bytes: usize,
    ttl: Duration,
    store: Mutex<Store>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResultCache {
    pub(crate) fn new(max_bytes: usize, ttl: Duration) -> ResultCache {
        ResultCache {
            max_bytes,
            ttl,
            store: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// The body stored for `(generation, query)` if it is younger than the TTL.
    pub(crate) fn get(&self, generation: u64, query: &str) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let key: Key = (generation, query.into());
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let found = store
            .map
            .get(&key)
            .filter(|e| e.at.elapsed() < self.ttl)
            .map(|e| e.body.clone());
        drop(store);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Remember `body`, evicting the oldest entries beyond the byte budget.
    pub(crate) fn put(&self, generation: u64, query: &str, body: Bytes) {
        if !self.enabled() || body.len() > self.max_bytes {
            return;
        }
        let key: Key = (generation, query.into());
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let s = &mut *store;
        s.bytes += body.len();
        if let Some(old) = s.map.insert(
            key.clone(),
            Entry {
                body,
                at: Instant::now(),
            },
        ) {
            s.bytes -= old.body.len();
        } else {
            s.order.push_back(key);
        }
        while s.bytes > self.max_bytes {
            let Some(oldest) = s.order.pop_front() else {
                break;
            };
            if let Some(e) = s.map.remove(&oldest) {
                s.bytes -= e.body.len();
            }
        }
    }

    /// `(hits, misses)` since the server started.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_by_generation_and_query_within_the_ttl() {
        let c = ResultCache::new(1 << 20, Duration::from_secs(60));
        assert!(c.get(1, "q=coffee").is_none());
        c.put(1, "q=coffee", Bytes::from_static(b"{\"a\":1}"));
        assert_eq!(c.get(1, "q=coffee").as_deref(), Some(&b"{\"a\":1}"[..]));
        assert!(c.get(2, "q=coffee").is_none(), "a new generation misses");
        assert!(c.get(1, "q=tea").is_none());
        assert_eq!(c.counts(), (1, 3));
        let stale = ResultCache::new(1 << 20, Duration::ZERO);
        stale.put(1, "q", Bytes::from_static(b"x"));
        assert!(stale.get(1, "q").is_none(), "expired");
    }

    #[test]
    fn evicts_oldest_beyond_budget_and_off_at_zero() {
        let c = ResultCache::new(10, Duration::from_secs(60));
        c.put(1, "a", Bytes::from_static(b"12345"));
        c.put(1, "b", Bytes::from_static(b"12345"));
        c.put(1, "a", Bytes::from_static(b"1234"));
        c.put(1, "c", Bytes::from_static(b"12345"));
        assert!(c.get(1, "a").is_none(), "oldest insertion evicted first");
        assert!(c.get(1, "b").is_some() && c.get(1, "c").is_some());
        let off = ResultCache::new(0, Duration::from_secs(60));
        off.put(1, "a", Bytes::from_static(b"1"));
        assert!(off.get(1, "a").is_none());
    }
}
