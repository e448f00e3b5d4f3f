//! The frontier: which URLs are still to be read, at which depth, deduplicated, and bounded by
//! `max_depth`, `max_pages` and a per-host budget (`max_pages_per_host`) so that trap links
//! (calendars, session ids, ever-deeper paths) end.
//!
//! First in, first out: seeds before what they lead to. Exactly `max_pages` tasks are ever
//! popped, so a URL that could never be popped is refused at `push` instead of being queued;
//! memory stays proportional to what will actually be read.

use std::collections::{HashMap, HashSet, VecDeque};

use url::Url;

use crate::config::CrawlConfig;
use crate::net::urlnorm::normalize;

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

    /// The bounds of `[crawl]`: `max_depth`, `max_pages`, `max_pages_per_host`.
    pub fn from_config(cfg: &CrawlConfig) -> Frontier {
        Frontier::new(cfg.max_depth, cfg.max_pages, cfg.max_pages_per_host)
    }

    /// Queue `url` at `depth` unless seen, not http(s), too deep, its host's budget is spent,
    /// or the crawl's page budget is already promised to queued URLs. Returns whether it was
    /// queued.
    pub fn push(&mut self, url: &Url, depth: u32) -> bool {
        if depth > self.max_depth || !matches!(url.scheme(), "http" | "https") {
            self.dropped += 1;
            return false;
        }
        if self.taken + self.queue.len() >= self.max_pages {
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

    /// Tasks popped so far (at most `max_pages`).
    pub fn taken(&self) -> usize {
        self.taken
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
    fn max_pages_bounds_pops_and_the_queue() {
        let mut f = Frontier::new(5, 2, 100);
        let queued: Vec<bool> = (0..5)
            .map(|i| f.push(&u(&format!("http://p.test/{i}")), 0))
            .collect();
        assert_eq!(queued, [true, true, false, false, false]);
        assert_eq!(f.len(), 2);
        assert!(f.pop().is_some());
        assert!(f.pop().is_some());
        assert!(f.pop().is_none());
        assert!(!f.push(&u("http://p.test/late"), 0));
        assert_eq!(f.dropped, 4);
        assert_eq!(f.taken(), 2);
    }

    #[test]
    fn per_host_budget_is_per_host() {
        let mut f = Frontier::new(5, 100, 2);
        for i in 0..4 {
            f.push(&u(&format!("http://a.test/{i}")), 0);
            f.push(&u(&format!("http://b.test/{i}")), 0);
        }
        assert_eq!(f.len(), 4);
        assert_eq!(f.dropped, 4);
    }

    #[test]
    fn refuses_other_schemes_and_honours_mark_seen() {
        let mut f = Frontier::new(5, 100, 100);
        assert!(!f.push(&u("file:///etc/passwd"), 0));
        assert!(!f.push(&u("ftp://a.test/x"), 0));
        f.mark_seen("http://a.test/done?utm_source=x");
        assert!(!f.push(&u("http://a.test/done"), 0));
        assert!(f.is_empty());
        assert_eq!(f.seen_count(), 1);
    }
}
