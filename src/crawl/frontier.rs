//! The frontier: which URLs are still to be read, at which depth, deduplicated, and bounded by
//! `max_depth`, `max_pages` and a per-host budget so that trap links end.

use std::collections::{HashMap, HashSet, VecDeque};

use url::Url;

use crate::crawl::urlnorm::normalize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub url: Url,
    pub depth: u32,
}

#[derive(Debug)]
pub struct Frontier {
    queue: VecDeque<Task>,
    seen: HashSet<String>,
    per_host: HashMap<String, usize>,
    max_depth: u32,
    max_pages: usize,
    max_per_host: usize,
    taken: usize,
    /// URLs dropped because a bound was hit, for the summary.
    pub dropped: usize,
}

impl Frontier {
    pub fn new(max_depth: u32, max_pages: usize, max_per_host: usize) -> Frontier {
        Frontier {
            queue: VecDeque::new(),
            seen: HashSet::new(),
            per_host: HashMap::new(),
            max_depth,
            max_pages,
            max_per_host,
            taken: 0,
            dropped: 0,
        }
    }

    /// Queue `url` at `depth` unless seen, too deep, or its host's budget is spent.
    /// Returns whether it was queued.
    pub fn push(&mut self, url: &Url, depth: u32) -> bool {
        if depth > self.max_depth {
            self.dropped += 1;
            return false;
        }
        let url = normalize(url);
        if !self.seen.insert(url.to_string()) {
            return false;
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let n = self.per_host.entry(host).or_default();
        if *n >= self.max_per_host {
            self.dropped += 1;
            return false;
        }
        *n += 1;
        self.queue.push_back(Task { url, depth });
        true
    }

    /// Mark a URL as already handled (e.g. committed by an earlier, interrupted run).
    pub fn mark_seen(&mut self, url: &str) {
        if let Ok(u) = Url::parse(url) {
            self.seen.insert(normalize(&u).to_string());
        }
    }

    /// Queue a URL restored from a resume state: already in `seen`, so dedupe is skipped,
    /// but the host budget still counts it.
    pub fn requeue(&mut self, url: &Url, depth: u32) {
        let url = normalize(url);
        self.seen.insert(url.to_string());
        let host = url.host_str().unwrap_or_default().to_string();
        *self.per_host.entry(host).or_default() += 1;
        self.queue.push_back(Task { url, depth });
    }

    /// What is still queued, as (URL, depth), for the resume state.
    pub fn pending(&self) -> Vec<(String, u32)> {
        self.queue
            .iter()
            .map(|t| (t.url.to_string(), t.depth))
            .collect()
    }

    /// Every URL queued so far, for the resume state.
    pub fn seen_urls(&self) -> Vec<String> {
        let mut v: Vec<String> = self.seen.iter().cloned().collect();
        v.sort();
        v
    }

    pub fn pop(&mut self) -> Option<Task> {
        if self.taken >= self.max_pages {
            self.dropped += self.queue.len();
            self.queue.clear();
            return None;
        }
        let t = self.queue.pop_front()?;
        self.taken += 1;
        Some(t)
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn seen_count(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn dedupes_normalised_urls() {
        let mut f = Frontier::new(2, 100, 100);
        assert!(f.push(&u("http://a.test/x?utm_source=1"), 0));
        assert!(!f.push(&u("http://A.test:80/x#top"), 0));
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn trap_links_end() {
        // /calendar/2031/01/next forever: depth and the per-host budget both end it.
        let mut f = Frontier::new(1000, 1_000_000, 50);
        let mut depth = 0;
        let mut next = u("http://trap.test/calendar/0");
        while f.push(&next, depth) {
            let t = f.pop().unwrap();
            depth = t.depth + 1;
            next = u(&format!("http://trap.test/calendar/{depth}"));
        }
        assert_eq!(depth, 50);
        let mut f = Frontier::new(3, 1000, 1000);
        assert!(f.push(&u("http://d.test/3"), 3));
        assert!(!f.push(&u("http://d.test/4"), 4));
    }

    #[test]
    fn max_pages_bounds_pops() {
        let mut f = Frontier::new(5, 2, 100);
        for i in 0..5 {
            f.push(&u(&format!("http://p.test/{i}")), 0);
        }
        assert!(f.pop().is_some());
        assert!(f.pop().is_some());
        assert!(f.pop().is_none());
        assert_eq!(f.dropped, 3);
    }
}
