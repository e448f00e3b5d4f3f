//! Shards that cover the graph without a shared frontier. A shard (`crawl --shard I/N`) reads an
//! out-of-shard creator only as far as its profile, so what lies behind that creator (its posts'
//! mentions and replies) is that creator's shard's to find. The shard hands the creator over:
//! it appends `DEPTH\tURL` to `OUTBOX/shard-J-of-N.from-I.tsv`, and shard J reads every
//! `shard-J-of-N.from-*.tsv` as extra seeds, at the depth they were found, on its next run.
//! Running the shards again until no outbox grows gives the unsharded crawl's creators.
//!
//! Each shard writes only its own files (no two writers share one), rewritten atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use url::Url;

use super::run::CrawlOptions;
use crate::error::{Error, Result};
use crate::model::fnv1a64;
use crate::net::urlnorm::parse_http;

/// Creators handed to other shards by this run, merged into what earlier runs handed over.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    dir: Option<PathBuf>,
    shard: (u64, u64),
    /// Target shard → URL → shallowest depth it was found at.
    out: BTreeMap<u64, BTreeMap<String, u32>>,
}

fn file(dir: &Path, to: u64, n: u64, from: u64) -> PathBuf {
    dir.join(format!("shard-{to}-of-{n}.from-{from}.tsv"))
}

fn read_file(p: &Path) -> Result<BTreeMap<String, u32>> {
    let text = match std::fs::read_to_string(p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(format!("reading outbox {}", p.display()), e)),
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((d, u)) = line.split_once('\t') else {
            continue;
        };
        let depth: u32 = d.parse().map_err(|_| {
            Error::Other(format!(
                "outbox {} line {}: depth {d:?} is not a number",
                p.display(),
                i + 1
            ))
        })?;
        let e = out.entry(u.to_string()).or_insert(depth);
        *e = (*e).min(depth);
    }
    Ok(out)
}

impl Outbox {
    /// Active for a sharded crawl with an outbox folder; otherwise it records nothing.
    pub(crate) fn new(opts: &CrawlOptions) -> Outbox {
        match (opts.shard, &opts.outbox) {
            (Some(shard), Some(dir)) => Outbox {
                dir: Some(dir.clone()),
                shard,
                out: BTreeMap::new(),
            },
            _ => Outbox::default(),
        }
    }

    /// The creator at `profile_url`, read from `read_url` at `depth`, belongs to another shard.
    pub(crate) fn hand_over(&mut self, profile_url: &str, read_url: &str, depth: u32) {
        if self.dir.is_none() {
            return;
        }
        let to = fnv1a64(profile_url.as_bytes()) % self.shard.1;
        let e = self
            .out
            .entry(to)
            .or_default()
            .entry(read_url.to_string())
            .or_insert(depth);
        *e = (*e).min(depth);
    }

    /// Merge this run's hand-overs into the files (kept across runs) and write them.
    pub(crate) fn write(&self) -> Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let (from, n) = self.shard;
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating outbox {}", dir.display()), e))?;
        for (to, urls) in &self.out {
            let p = file(dir, *to, n, from);
            let mut all = read_file(&p)?;
            for (u, d) in urls {
                let e = all.entry(u.clone()).or_insert(*d);
                *e = (*e).min(*d);
            }
            let text: String = all.iter().map(|(u, d)| format!("{d}\t{u}\n")).collect();
            let tmp = p.with_extension("tmp");
            std::fs::write(&tmp, text)
                .map_err(|e| Error::io(format!("writing outbox {}", tmp.display()), e))?;
            std::fs::rename(&tmp, &p)
                .map_err(|e| Error::io(format!("writing outbox {}", p.display()), e))?;
        }
        Ok(())
    }
}

/// What other shards handed to this one: (URL, depth), for a sharded crawl with an outbox.
pub(crate) fn inbox(opts: &CrawlOptions) -> Result<Vec<(Url, u32)>> {
    let (Some((me, n)), Some(dir)) = (opts.shard, &opts.outbox) else {
        return Ok(Vec::new());
    };
    let prefix = format!("shard-{me}-of-{n}.from-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut all: BTreeMap<String, u32> = BTreeMap::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(&prefix) && name.ends_with(".tsv") {
            for (u, d) in read_file(&e.path())? {
                let x = all.entry(u).or_insert(d);
                *x = (*x).min(d);
            }
        }
    }
    Ok(all
        .into_iter()
        .filter_map(|(u, d)| parse_http(&u).map(|u| (u, d)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_overs_reach_their_shard_at_the_shallowest_depth() {
        let dir = tempfile::tempdir().unwrap();
        let opts = |i| CrawlOptions {
            shard: Some((i, 2)),
            outbox: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        let target = |u: &str| fnv1a64(u.as_bytes()) % 2;
        let a = "http://127.0.0.1:1/c/a/";
        let mut ob = Outbox::new(&opts(1 - target(a)));
        ob.hand_over(a, "http://127.0.0.1:1/read/a", 2);
        ob.hand_over(a, "http://127.0.0.1:1/read/a", 1);
        ob.write().unwrap();
        let got = inbox(&opts(target(a))).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.as_str(), "http://127.0.0.1:1/read/a");
        assert_eq!(got[0].1, 1);
        assert!(inbox(&opts(1 - target(a))).unwrap().is_empty());
        // A later run adds to the file instead of replacing it.
        let b = (0..100)
            .map(|i| format!("http://127.0.0.1:1/c/{i}/"))
            .find(|u| target(u) == target(a))
            .unwrap();
        let mut ob = Outbox::new(&opts(1 - target(a)));
        ob.hand_over(&b, &b, 0);
        ob.write().unwrap();
        assert_eq!(inbox(&opts(target(a))).unwrap().len(), 2);
    }
}
