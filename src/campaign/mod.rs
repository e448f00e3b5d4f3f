//! Campaign monitoring: which of a campaign's creators have posted about the brand since the
//! campaign started, how those posts perform against each creator's usual, whether they are
//! disclosed, and what the audience asks under them.
//!
//! - A campaign is a TOML file `campaigns/NAME.toml` in the folder beside the index
//!   (`<index>/../campaigns`, or `[campaigns] dir`): outside the index, so rebuilding, merging
//!   or replacing an index never touches it. `scout campaign add` writes it; people may too.
//! - Every crawl or refresh that reads a campaign creator hands the profile to
//!   [`Monitor::observe`], which records the creator's brand posts (see [`matcher`]) with their
//!   figures in `campaigns/NAME.posts.json` ([`store`]): figures survive the posts, so a post
//!   deleted later keeps what was recorded and is marked `deleted`.
//! - [`report`] turns definition + recorded posts into the INTERFACE.md report.
//!
//! Every file is written atomically (temp file, fsync, rename, fsync of the folder), so a crash
//! or kill -9 leaves the previous or the next version, never half of one.
//!
//! Floor: beside `rank/` (it reads `extract`'s sponsorship and comment rules); the crawl driver
//! calls it, the CLI and the server show it.

pub(crate) mod matcher;
pub(crate) mod observe;
pub(crate) mod report;
pub(crate) mod store;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use matcher::BrandMarkers;
pub use observe::Monitor;
pub use report::{Report, build_report};

use crate::error::{Error, Result};

/// Longest campaign name (it is a file name).
pub const MAX_NAME_CHARS: usize = 64;

/// A campaign definition, as stored in `campaigns/NAME.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub name: String,
    /// First day (UTC) whose posts count, `YYYY-MM-DD`.
    pub since: String,
    /// Creator ids, canonical profile URLs or handles.
    #[serde(default)]
    pub creators: Vec<String>,
    /// The brand's accounts: `@brand`, `@brand@host`, `brand.bsky.social`.
    #[serde(default)]
    pub mentions: Vec<String>,
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Discount codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The brand's domains.
    #[serde(default)]
    pub links: Vec<String>,
}

/// A campaign name: letters, digits, `-` and `_` (it names files).
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid campaign name {:?}: use 1 to {MAX_NAME_CHARS} letters, digits, - or _",
            name.chars().take(80).collect::<String>()
        )))
    }
}

impl Campaign {
    /// Range and shape checks; each error names the campaign and the field.
    pub fn validate(&self) -> Result<()> {
        validate_name(&self.name)?;
        self.since_date()?;
        if self.creators.iter().all(|c| c.trim().is_empty()) {
            return Err(Error::Usage(format!(
                "campaign {}: `creators` is empty; give at least one --creator",
                self.name
            )));
        }
        if self.markers().is_empty() {
            return Err(Error::Usage(format!(
                "campaign {}: nothing to look for; give --mention, --hashtag, --code or --link",
                self.name
            )));
        }
        Ok(())
    }

    pub fn since_date(&self) -> Result<NaiveDate> {
        NaiveDate::parse_from_str(self.since.trim(), "%Y-%m-%d").map_err(|_| {
            Error::Usage(format!(
                "campaign {}: `since` = {:?} is not a date such as 2026-11-01",
                self.name, self.since
            ))
        })
    }

    /// The first instant whose posts count.
    pub fn since_instant(&self) -> Result<DateTime<Utc>> {
        Ok(self
            .since_date()?
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc())
    }

    pub fn markers(&self) -> BrandMarkers {
        BrandMarkers::new(&self.mentions, &self.hashtags, &self.codes, &self.links)
    }

    /// Whether `entry` of `creators` names this creator (id, profile URL or handle).
    pub fn names(entry: &str, profile_url: &str, handle: &str) -> bool {
        let e = entry.trim();
        if e.is_empty() {
            return false;
        }
        let url_form = |s: &str| s.trim_end_matches('/').to_lowercase();
        e == crate::model::creator_id(profile_url)
            || url_form(e) == url_form(profile_url)
            || (!handle.is_empty()
                && e.trim_start_matches('@')
                    .eq_ignore_ascii_case(handle.trim_start_matches('@')))
    }

    pub fn includes(&self, profile_url: &str, handle: &str) -> bool {
        self.creators
            .iter()
            .any(|e| Campaign::names(e, profile_url, handle))
    }
}

/// Where campaigns live: `[campaigns] dir`, else the `campaigns` folder beside the index.
pub fn dir_for(index: &Path, configured: Option<&Path>) -> PathBuf {
    if let Some(d) = configured {
        return d.to_path_buf();
    }
    let abs = std::path::absolute(index).unwrap_or_else(|_| index.to_path_buf());
    match abs.parent() {
        Some(parent) => parent.join("campaigns"),
        None => abs.join("campaigns"),
    }
}

fn definition_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.toml"))
}

/// Write (or replace) a campaign definition atomically.
pub fn save(dir: &Path, c: &Campaign) -> Result<PathBuf> {
    c.validate()?;
    let text = toml::to_string_pretty(c)
        .map_err(|e| Error::Other(format!("campaign {}: cannot serialise: {e}", c.name)))?;
    let path = definition_path(dir, &c.name);
    store::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// Read one campaign; `None` when there is no such file.
pub fn load(dir: &Path, name: &str) -> Result<Option<Campaign>> {
    validate_name(name)?;
    let path = definition_path(dir, name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    let c: Campaign = toml::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.to_string().trim())))?;
    if c.name != name {
        return Err(Error::Usage(format!(
            "{}: `name` = {:?} does not match the file name",
            path.display(),
            c.name
        )));
    }
    c.validate()
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    Ok(Some(c))
}

/// Every campaign in `dir`, by name. A malformed file is an error naming it.
pub fn list(dir: &Path) -> Result<Vec<Campaign>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.strip_suffix(".toml").map(str::to_string)
        })
        .filter(|n| validate_name(n).is_ok())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        if let Some(c) = load(dir, &n)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// The report of campaign `name` in `dir`; `None` when there is no such campaign.
pub fn report_named(
    dir: &Path,
    name: &str,
    overexposure_share: f64,
    resolve: impl Fn(&str) -> Option<String>,
) -> Result<Option<Report>> {
    let Some(c) = load(dir, name)? else {
        return Ok(None);
    };
    let recorded = store::Recorded::load(dir, name)?;
    Ok(Some(build_report(
        &c,
        &recorded,
        overexposure_share,
        resolve,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Campaign {
        Campaign {
            name: "spring-glow".into(),
            since: "2026-11-01".into(),
            creators: vec!["@anna".into()],
            codes: vec!["SAVE10".into()],
            ..Default::default()
        }
    }

    #[test]
    fn definitions_round_trip_and_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &campaign()).unwrap();
        assert_eq!(load(dir.path(), "spring-glow").unwrap(), Some(campaign()));
        assert_eq!(list(dir.path()).unwrap(), vec![campaign()]);
        assert_eq!(load(dir.path(), "other").unwrap(), None);
    }

    #[test]
    fn bad_definitions_name_the_field() {
        let mut c = campaign();
        c.since = "yesterday".into();
        assert!(c.validate().unwrap_err().to_string().contains("since"));
        let mut c = campaign();
        c.codes.clear();
        assert!(c.validate().unwrap_err().to_string().contains("--mention"));
        assert!(validate_name("../etc").is_err());
    }

    #[test]
    fn a_creator_is_named_by_url_id_or_handle() {
        let url = "https://social.example/@anna";
        assert!(Campaign::names(
            "https://social.example/@anna/",
            url,
            "anna"
        ));
        assert!(Campaign::names(&crate::model::creator_id(url), url, "anna"));
        assert!(Campaign::names("@Anna", url, "anna"));
        assert!(!Campaign::names("@ben", url, "anna"));
    }
}
