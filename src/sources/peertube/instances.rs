//! Which hosts run PeerTube, remembered for one crawl.
//!
//! `/c/NAME`, `/a/NAME` and `/w/ID` are PeerTube's actor and video paths, but plenty of other
//! sites use them too (a shop's `/c/` category, a creator site's `/c/` pages). Telling the two
//! apart costs two requests per URL (the actor lookup, then `api/v1/config` after its 404); a
//! site with thousands of such pages would pay them for every page. The answer is a property
//! of the host, so it is asked once per origin and crawl: concurrent readers of the same
//! origin wait for the first one's probe.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;
use url::Url;

/// One crawl's answers, per origin (`scheme://host:port`).
#[derive(Debug, Default)]
pub struct Instances {
    by_origin: Mutex<HashMap<String, Arc<OnceCell<bool>>>>,
}

impl Instances {
    fn cell(&self, base: &Url) -> Arc<OnceCell<bool>> {
        let origin = base.origin().ascii_serialization();
        let mut map = self.by_origin.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(origin).or_default().clone()
    }

    /// What an earlier probe said about `base`'s host, if one could tell.
    pub fn known(&self, base: &Url) -> Option<bool> {
        self.cell(base).get().copied()
    }

    /// Whether `base`'s host runs PeerTube, probing at most once per origin. `probe` answers
    /// `None` when it could not tell (timeout, 5xx, 429): that is not remembered, the next
    /// caller probes again, and this one reads the URL as a web page (as without the memo).
    pub async fn is_peertube<F, Fut>(&self, base: &Url, probe: F) -> bool
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<bool>>,
    {
        let cell = self.cell(base);
        let answer = cell
            .get_or_try_init(|| async { probe().await.ok_or(()) })
            .await;
        answer.copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn asks_once_per_origin_and_forgets_what_it_could_not_tell() {
        let memo = Instances::default();
        let probes = AtomicUsize::new(0);
        let a = Url::parse("http://127.0.0.1:8080/c/one").unwrap();
        let a2 = Url::parse("http://127.0.0.1:8080/c/two").unwrap();
        let b = Url::parse("http://127.0.0.1:8081/c/one").unwrap();
        let count = |answer: Option<bool>| {
            probes.fetch_add(1, Ordering::SeqCst);
            async move { answer }
        };
        assert_eq!(memo.known(&a), None);
        assert!(!memo.is_peertube(&a, || count(Some(false))).await);
        // Same origin: remembered, whatever a second probe would have said.
        assert!(!memo.is_peertube(&a2, || count(Some(true))).await);
        assert_eq!(probes.load(Ordering::SeqCst), 1);
        assert_eq!(memo.known(&a2), Some(false));
        // Another port is another origin; a probe that could not tell is asked again.
        assert!(!memo.is_peertube(&b, || count(None)).await);
        assert_eq!(memo.known(&b), None);
        assert!(memo.is_peertube(&b, || count(Some(true))).await);
        assert_eq!(memo.known(&b), Some(true));
        assert_eq!(probes.load(Ordering::SeqCst), 3);
    }
}
