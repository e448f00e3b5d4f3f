//! Resume state: what a crawl still has to do, saved with every batch commit so that a crawl
//! killed with `kill -9` and started again with the same command continues where the last
//! commit left it — no refetch of committed work, no duplicates, nothing lost.
//!
//! The state is written to `crawl-state.next.json` *before* the tantivy commit and renamed to
//! `crawl-state.json` after it; each carries the generation of the commit it belongs to. On
//! start, a state is used only if its generation equals the index's committed generation, so
//! a crash between the two steps can never pair data with the wrong to-do list.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::net::fetch::Validators;

const STATE_FILE: &str = "crawl-state.json";
const NEXT_FILE: &str = "crawl-state.next.json";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct CrawlState {
    /// Identifies the crawl command (seeds, shard, mode); another command starts afresh.
    pub key: String,
    pub generation: u64,
    /// URLs still to read, with their depth (queued or in flight at commit time).
    pub pending: Vec<(String, u32)>,
    /// Every URL already queued once (done or pending).
    pub seen: Vec<String>,
    /// True once the crawl finished: nothing to resume.
    pub complete: bool,
}

fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Write the state for the commit about to happen (generation `state.generation`).
pub(crate) fn write_next(dir: &Path, state: &CrawlState) -> Result<()> {
    let p = path(dir, NEXT_FILE);
    let tmp = dir.join("crawl-state.tmp");
    let bytes = serde_json::to_vec(state).expect("state serialises");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    std::fs::rename(&tmp, &p).map_err(|e| Error::io(format!("writing {}", p.display()), e))
}

/// The commit happened: the next state becomes the current one.
pub(crate) fn promote(dir: &Path) -> Result<()> {
    let next = path(dir, NEXT_FILE);
    if next.exists() {
        std::fs::rename(&next, path(dir, STATE_FILE))
            .map_err(|e| Error::io(format!("promoting {}", next.display()), e))?;
    }
    Ok(())
}

/// The state matching the committed `generation`, if any and if it belongs to `key`.
pub(crate) fn load(dir: &Path, key: &str, generation: u64) -> Option<CrawlState> {
    let read = |name| -> Option<CrawlState> {
        serde_json::from_slice(&std::fs::read(path(dir, name)).ok()?).ok()
    };
    let candidates = [read(NEXT_FILE), read(STATE_FILE)];
    candidates
        .into_iter()
        .flatten()
        .find(|s| s.generation == generation)
        .filter(|s| s.key == key && !s.complete)
}

const VALIDATORS_FILE: &str = "validators.json";

/// ETag / Last-Modified per URL from earlier crawls (empty when absent or unreadable).
pub(crate) fn load_validators(dir: &Path) -> HashMap<String, Validators> {
    std::fs::read(dir.join(VALIDATORS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Keep validators for the next crawl's conditional GETs (atomic replace).
pub(crate) fn save_validators(dir: &Path, v: &HashMap<String, Validators>) -> Result<()> {
    let tmp = dir.join("validators.tmp");
    let bytes = serde_json::to_vec(v).expect("validators serialise");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    std::fs::rename(&tmp, dir.join(VALIDATORS_FILE)).map_err(|e| {
        Error::io(
            format!("writing {}", dir.join(VALIDATORS_FILE).display()),
            e,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_matching_generation_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let s = CrawlState {
            key: "k".into(),
            generation: 3,
            pending: vec![("http://127.0.0.1/a".into(), 1)],
            seen: vec!["http://127.0.0.1/a".into()],
            complete: false,
        };
        write_next(dir.path(), &s).unwrap();
        // Crash before the commit: the index is still at generation 2.
        assert_eq!(load(dir.path(), "k", 2), None);
        // The commit happened but the rename did not.
        assert_eq!(load(dir.path(), "k", 3), Some(s.clone()));
        promote(dir.path()).unwrap();
        assert_eq!(load(dir.path(), "k", 3), Some(s.clone()));
        assert_eq!(load(dir.path(), "other", 3), None);
        let done = CrawlState {
            complete: true,
            generation: 4,
            ..s
        };
        write_next(dir.path(), &done).unwrap();
        promote(dir.path()).unwrap();
        assert_eq!(load(dir.path(), "k", 4), None);
    }
}
