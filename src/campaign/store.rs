//! What crawls recorded for one campaign (`campaigns/NAME.posts.json`), and the atomic file
//! writes every campaign file goes through.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Disclosure of a campaign post, by the sponsorship signal's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosure {
    Present,
    Missing,
    Unclear,
}

impl Disclosure {
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::Present => "present",
            Disclosure::Missing => "missing",
            Disclosure::Unclear => "unclear",
        }
    }
}

/// One brand post as last read (figures frozen once the post is gone). Serialised as the
/// report's POST: INTERFACE.md's fields first, in its order, additions after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordedPost {
    pub url: String,
    pub published_at: Option<DateTime<Utc>>,
    pub matched: Vec<String>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    /// Interactions / the creator's median when last read (kept with the figures).
    pub engagement_vs_median: Option<f64>,
    pub disclosure: Option<Disclosure>,
    pub genuine_comment_share: Option<f64>,
    pub purchase_intent_comments: Option<u64>,
    pub deleted: bool,
    // ---- additions ----
    pub purchase_intent_examples: Vec<String>,
    /// Comments by others read under the post.
    pub comments_read: u64,
    /// ISO 639-1 language of the post, the one its disclosure was judged in.
    pub language: Option<String>,
    /// The first words of the post, to recognise it in a report.
    pub excerpt: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// One campaign creator as last read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorState {
    pub handle: String,
    pub display_name: String,
    pub read_at: Option<DateTime<Utc>>,
    /// Median interactions (likes + comments + shares) over the creator's posts read.
    pub median_interactions: Option<f64>,
    pub sponsored_share_30d: Option<f64>,
    /// Brand posts by URL.
    pub posts: BTreeMap<String, RecordedPost>,
}

/// Everything recorded for one campaign, by canonical profile URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub creators: BTreeMap<String, CreatorState>,
}

pub(crate) fn posts_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.posts.json"))
}

impl Recorded {
    /// The recorded posts of campaign `name`; empty when nothing was recorded yet.
    pub fn load(dir: &Path, name: &str) -> Result<Recorded> {
        let path = posts_path(dir, name);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Other(format!(
                    "{} is not a campaign posts file ({e}); it was written by scout — restore it \
                     from a backup or move it away to start recording afresh",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Recorded::default()),
            Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
        }
    }

    pub fn save(&self, dir: &Path, name: &str) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("recorded posts serialise");
        write_atomic(&posts_path(dir, name), &bytes)
    }
}

/// Write `bytes` to `path` so that a crash leaves either the old or the new file: a temp file
/// in the same folder, fsync, rename over, fsync the folder (the rename itself is durable).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let io = |what: &str, e: std::io::Error| Error::io(format!("{what} {}", tmp.display()), e);
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| io("creating", e))?;
        f.write_all(bytes).map_err(|e| io("writing", e))?;
        f.sync_all().map_err(|e| io("syncing", e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(
            format!("renaming {} to {}", tmp.display(), path.display()),
            e,
        )
    })?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Not every platform can sync a folder; the rename is already done.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_damaged_posts_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(posts_path(dir.path(), "c"), b"{not json").unwrap();
        let e = Recorded::load(dir.path(), "c").unwrap_err().to_string();
        assert!(e.contains("c.posts.json"), "{e}");
        assert_eq!(
            Recorded::load(dir.path(), "none").unwrap(),
            Recorded::default()
        );
    }
}
