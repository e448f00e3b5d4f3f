//! What language detection costs, kept down without changing what it answers.
//!
//! - **Once per text.** whatlang's verdict depends only on the cleaned text, and audience
//!   comments repeat across creators and across crawls ("Love this! 😍", the same bot spam,
//!   the same question under every post of a niche). The verdict for each short cleaned text
//!   (at most [`MAX_KEY_BYTES`]; long posts rarely repeat) is remembered process-wide, so a
//!   repeated text costs a hash lookup instead of a trigram model run. A remembered verdict is
//!   the verdict the model would give again: no result changes. The memo is bounded: when its
//!   keys reach [`MAX_BYTES`] it starts over (no LRU bookkeeping on the hot path).
//! - **A capped sample per creator.** [`evenly`] keeps at most `cap` of a creator's audience
//!   comments, spread evenly over their order, so an account with thousands of replies costs
//!   the same as one with a few hundred; the audience shares are then estimated from the
//!   sample (±5 points at 400 texts in the worst case, far less for a dominant language).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};

/// Longer cleaned texts are detected every time (and never stored).
pub const MAX_KEY_BYTES: usize = 240;
/// The memo's keys may hold this many bytes before it is cleared.
pub const MAX_BYTES: usize = 16 << 20;
/// Audience comments language-detected per creator, at most.
pub const MAX_AUDIENCE_TEXTS: usize = 400;

/// What the model said about one text: its ISO 639-1 code (`None` when it answered a
/// language outside the allowed list or nothing) and whether it was sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub code: Option<&'static str>,
    pub reliable: bool,
}

#[derive(Default)]
struct Memo {
    map: HashMap<Box<str>, Option<Verdict>>,
    bytes: usize,
}

static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);
static HITS: AtomicU64 = AtomicU64::new(0);
static RUNS: AtomicU64 = AtomicU64::new(0);

/// The verdict on `cleaned`, from the memo or from `run` (the model), which is then
/// remembered. `None` = the model could not tell.
pub fn verdict(cleaned: &str, run: impl FnOnce(&str) -> Option<Verdict>) -> Option<Verdict> {
    if cleaned.len() > MAX_KEY_BYTES {
        RUNS.fetch_add(1, Ordering::Relaxed);
        return run(cleaned);
    }
    if let Some(v) = MEMO
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .map
        .get(cleaned)
    {
        HITS.fetch_add(1, Ordering::Relaxed);
        return *v;
    }
    // The model runs outside the lock: two threads meeting the same new text both run it and
    // store the same answer.
    RUNS.fetch_add(1, Ordering::Relaxed);
    let v = run(cleaned);
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    if memo.bytes + cleaned.len() > MAX_BYTES {
        memo.map = HashMap::new();
        memo.bytes = 0;
    }
    if memo.map.insert(cleaned.into(), v).is_none() {
        memo.bytes += cleaned.len();
    }
    v
}

/// `(texts answered from the memo, model runs)` since the process started.
pub fn counts() -> (u64, u64) {
    (HITS.load(Ordering::Relaxed), RUNS.load(Ordering::Relaxed))
}

/// The comments of `raw` by others than the creator whose language is detected: at most
/// [`MAX_AUDIENCE_TEXTS`], evenly spread.
pub fn audience_comments(raw: &crate::model::RawProfile) -> Vec<&crate::model::Comment> {
    let others: Vec<&crate::model::Comment> = raw
        .posts
        .iter()
        .flat_map(|p| &p.comments)
        .filter(|c| !c.by_creator)
        .collect();
    evenly(others, MAX_AUDIENCE_TEXTS)
}

/// Forget every verdict (benchmarks measure a first meeting with each text).
pub fn clear() {
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    memo.map = HashMap::new();
    memo.bytes = 0;
}

/// At most `cap` of `items`, evenly spread over their order (all of them when they fit).
pub fn evenly<T>(items: Vec<T>, cap: usize) -> Vec<T> {
    let n = items.len();
    if n <= cap {
        return items;
    }
    // Item i is kept when the running quota floor(i * cap / n) steps up.
    items
        .into_iter()
        .enumerate()
        .filter(|(i, _)| (i * cap) / n != ((i + 1) * cap) / n)
        .map(|(_, x)| x)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_runs_the_model_once() {
        let text = "lang memo unit test text that nobody else detects";
        let mut runs = 0;
        let mut ask = || {
            verdict(text, |_| {
                runs += 1;
                Some(Verdict {
                    code: Some("en"),
                    reliable: true,
                })
            })
        };
        let first = ask();
        let second = ask();
        assert_eq!(first, second);
        assert_eq!(first.and_then(|v| v.code), Some("en"));
        assert_eq!(runs, 1);
    }

    #[test]
    fn long_texts_are_not_remembered() {
        let text = "x".repeat(MAX_KEY_BYTES + 1);
        let mut runs = 0;
        for _ in 0..2 {
            verdict(&text, |_| {
                runs += 1;
                None
            });
        }
        assert_eq!(runs, 2);
    }

    #[test]
    fn evenly_keeps_cap_items_spread_out() {
        let v: Vec<usize> = (0..1000).collect();
        let kept = evenly(v, 400);
        assert_eq!(kept.len(), 400);
        assert!(kept[0] < 3 && *kept.last().unwrap() >= 997);
        let gaps: Vec<usize> = kept.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| (2..=3).contains(g)), "{gaps:?}");
        assert_eq!(evenly(vec![1, 2, 3], 5), vec![1, 2, 3]);
    }
}
