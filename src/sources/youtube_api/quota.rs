//! The YouTube Data API's daily quota, kept as a budget: units spent per key per day,
//! remembered across runs in a small JSON file (`youtube_quota.json` beside the index).
//!
//! Google resets quotas at midnight Pacific Time, so the day is the Pacific calendar day
//! ([`pacific_day`]). Keys are stored as a hash ([`key_id`]), never as themselves.
//!
//! Within one process, every reader of the same key and file shares one [`Quota`] (see
//! [`Quota::shared`]): the budget is a property of the key, not of one source call, and "quota
//! spent" or "key rejected" must be reported once, not once per channel.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::config::YoutubeConfig;

/// Units per call of every method scout uses (`channels`, `playlistItems`, `videos` and
/// `commentThreads`.list cost 1 each in the API's quota table).
pub(crate) const UNITS_PER_CALL: u64 = 1;

/// The quota file's name beside the index.
pub(crate) const QUOTA_FILE: &str = "youtube_quota.json";

/// The Pacific calendar day of `now` (PST = UTC−8; PDT = UTC−7 from the second Sunday of
/// March, 02:00 local, to the first Sunday of November, 02:00 local — the US rule since 2007).
pub(crate) fn pacific_day(now: DateTime<Utc>) -> NaiveDate {
    let y = now.year();
    let at = |month, nth, hour_utc| {
        NaiveDate::from_weekday_of_month_opt(y, month, Weekday::Sun, nth)
            .and_then(|d| d.and_hms_opt(hour_utc, 0, 0))
            .map(|t| t.and_utc())
    };
    // 02:00 PST = 10:00 UTC; 02:00 PDT = 09:00 UTC.
    let dst = match (at(3, 2, 10), at(11, 1, 9)) {
        (Some(start), Some(end)) => now >= start && now < end,
        _ => false,
    };
    (now - Duration::hours(if dst { 7 } else { 8 })).date_naive()
}

/// A stable, one-way id for a key: FNV-1a of the key (64 bits, hex). Enough to tell keys
/// apart in the file; a 39-character random key cannot be recovered from 64 bits.
pub(crate) fn key_id(key: &str) -> String {
    format!(
        "{:016x}",
        crate::model::fnv1a64(format!("scout-youtube-quota:{key}").as_bytes())
    )
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Entry {
    day: NaiveDate,
    used: u64,
}

/// The file: key id → what that key spent on its last day.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Book {
    keys: BTreeMap<String, Entry>,
}

/// Why the API is closed for the rest of this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Closed {
    /// The day's units are spent (by scout's count, or Google said `quotaExceeded`).
    Spent,
    /// Google refused the key; the reason it gave.
    KeyRejected(String),
}

#[derive(Debug)]
struct State {
    entry: Entry,
    rejected: Option<String>,
    /// Whether `Closed` was already handed out with `first = true` today.
    reported: bool,
}

/// Every quota in this process, by (key id, quota file).
type Shared = HashMap<(String, String), Arc<Quota>>;

/// One key's budget.
#[derive(Debug)]
pub(crate) struct Quota {
    id: String,
    daily: u64,
    file: Option<PathBuf>,
    state: Mutex<State>,
}

impl Quota {
    /// The quota of `cfg`'s key, shared by every caller in this process with the same key and
    /// file. `None` without a key.
    pub(crate) fn shared(cfg: &YoutubeConfig) -> Option<Arc<Quota>> {
        static ALL: OnceLock<Mutex<Shared>> = OnceLock::new();
        let key = cfg.api_key.as_ref()?;
        let id = key_id(key.expose());
        let file = (!cfg.quota_file.is_empty()).then(|| PathBuf::from(&cfg.quota_file));
        let slot = (id.clone(), cfg.quota_file.clone());
        let mut all = ALL.get_or_init(Default::default).lock().unwrap();
        let q = all
            .entry(slot)
            .or_insert_with(|| Arc::new(Quota::open(id, cfg.daily_quota, file, Utc::now())));
        Some(q.clone())
    }

    /// A quota for key id `id`, loading what was spent today from `file`. An unreadable file
    /// starts from zero (and says so): losing the count must not stop the crawl.
    pub(crate) fn open(id: String, daily: u64, file: Option<PathBuf>, now: DateTime<Utc>) -> Quota {
        let today = pacific_day(now);
        let entry = file
            .as_deref()
            .map(load)
            .and_then(|b| b.keys.get(&id).cloned())
            .filter(|e| e.day == today)
            .unwrap_or(Entry {
                day: today,
                used: 0,
            });
        Quota {
            id,
            daily,
            file,
            state: Mutex::new(State {
                entry,
                rejected: None,
                reported: false,
            }),
        }
    }

    /// Spend `units` if the budget allows. `Err((why, first))`: the API is closed; `first` is
    /// true for the one caller that should report it.
    pub(crate) fn spend(&self, units: u64) -> Result<(), (Closed, bool)> {
        self.spend_at(units, Utc::now())
    }

    /// Whether `units` could be spent now, spending nothing (same answer as [`Quota::spend`]).
    pub(crate) fn check(&self, units: u64) -> Result<(), (Closed, bool)> {
        self.take(units, Utc::now(), false)
    }

    pub(crate) fn spend_at(&self, units: u64, now: DateTime<Utc>) -> Result<(), (Closed, bool)> {
        self.take(units, now, true)
    }

    fn take(&self, units: u64, now: DateTime<Utc>, spend: bool) -> Result<(), (Closed, bool)> {
        let mut st = self.state.lock().unwrap();
        roll(&mut st, now);
        if let Some(r) = &st.rejected {
            let r = Closed::KeyRejected(r.clone());
            return Err((r, first(&mut st)));
        }
        if st.entry.used.saturating_add(units) > self.daily {
            return Err((Closed::Spent, first(&mut st)));
        }
        if !spend {
            return Ok(());
        }
        st.entry.used += units;
        let entry = st.entry.clone();
        drop(st);
        self.save(&entry);
        Ok(())
    }

    /// Google answered `quotaExceeded`: whatever our count says, today is spent.
    pub(crate) fn exhaust(&self) -> bool {
        let mut st = self.state.lock().unwrap();
        roll(&mut st, Utc::now());
        st.entry.used = st.entry.used.max(self.daily);
        let entry = st.entry.clone();
        let first = first(&mut st);
        drop(st);
        self.save(&entry);
        first
    }

    /// Google refused the key: no more calls with it in this process.
    pub(crate) fn reject(&self, reason: &str) -> bool {
        let mut st = self.state.lock().unwrap();
        st.rejected = Some(reason.to_string());
        first(&mut st)
    }

    fn save(&self, entry: &Entry) {
        let Some(file) = &self.file else { return };
        let mut book = load(file);
        book.keys.insert(self.id.clone(), entry.clone());
        if let Err(e) = write_atomic(file, &book) {
            tracing::warn!("cannot save the YouTube quota to {}: {e}", file.display());
        }
    }
}

/// A new Pacific day starts a new budget (a rejected key stays rejected).
fn roll(st: &mut State, now: DateTime<Utc>) {
    let today = pacific_day(now);
    if st.entry.day != today {
        st.entry = Entry {
            day: today,
            used: 0,
        };
        st.reported = st.rejected.is_some() && st.reported;
    }
}

fn first(st: &mut State) -> bool {
    !std::mem::replace(&mut st.reported, true)
}

fn load(file: &Path) -> Book {
    match std::fs::read_to_string(file) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(
                "{}: not a YouTube quota file ({e}); counting from zero",
                file.display()
            );
            Book::default()
        }),
        Err(_) => Book::default(),
    }
}

fn write_atomic(file: &Path, book: &Book) -> std::io::Result<()> {
    let tmp = file.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(book).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn pacific_day_follows_dst() {
        // Winter: UTC−8. 07:59 UTC on 6 Dec is still 5 Dec in California.
        assert_eq!(
            pacific_day(utc("2026-12-06T07:59:00Z")).to_string(),
            "2026-12-05"
        );
        assert_eq!(
            pacific_day(utc("2026-12-06T08:00:00Z")).to_string(),
            "2026-12-06"
        );
        // Summer: UTC−7.
        assert_eq!(
            pacific_day(utc("2026-07-01T06:59:00Z")).to_string(),
            "2026-06-30"
        );
        assert_eq!(
            pacific_day(utc("2026-07-01T07:00:00Z")).to_string(),
            "2026-07-01"
        );
        // DST 2026 starts 8 March 10:00 UTC.
        assert_eq!(
            pacific_day(utc("2026-03-08T09:59:00Z")).to_string(),
            "2026-03-08"
        );
    }

    #[test]
    fn budget_is_spent_reported_once_and_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(QUOTA_FILE);
        let now = utc("2026-12-06T12:00:00Z");
        let q = Quota::open(key_id("k"), 3, Some(file.clone()), now);
        assert!(q.spend_at(2, now).is_ok());
        assert_eq!(q.spend_at(2, now), Err((Closed::Spent, true)));
        assert_eq!(q.spend_at(1, now), Ok(()));
        assert_eq!(q.spend_at(1, now), Err((Closed::Spent, false)));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(&key_id("k")) && !text.contains("\"k\""));
        // Another run the same day starts from what was spent.
        let again = Quota::open(key_id("k"), 3, Some(file.clone()), now);
        assert!(again.spend_at(1, now).is_err());
        // The next Pacific day starts afresh.
        let tomorrow = utc("2026-12-07T12:00:00Z");
        assert!(again.spend_at(3, tomorrow).is_ok());
    }

    #[test]
    fn rejected_key_closes_the_api() {
        let now = utc("2026-12-06T12:00:00Z");
        let q = Quota::open(key_id("k"), 100, None, now);
        assert!(q.reject("keyInvalid"));
        assert_eq!(
            q.spend_at(1, now),
            Err((Closed::KeyRejected("keyInvalid".into()), false))
        );
    }
}
