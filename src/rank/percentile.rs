//! Engagement as a percentile within the creator's tier and platform, computed from the index
//! itself (fast fields), not from hard-coded bands: 2 % is excellent for a macro account and
//! ordinary for a nano one, and what is normal differs by platform.

use tantivy::Searcher;

use crate::index::Fields;

type Group = (String, String);

#[derive(Debug, Default)]
pub struct EngagementPercentiles {
    /// Sorted engagement rates per (tier, platform); a few groups, so a list.
    groups: Vec<(Group, Vec<f64>)>,
    all: Vec<f64>,
}

/// Fewer peers than this in a tier/platform group: fall back to the whole index.
const MIN_GROUP: usize = 5;

impl EngagementPercentiles {
    pub fn build(searcher: &Searcher, _fields: &Fields) -> EngagementPercentiles {
        let mut out = EngagementPercentiles::default();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let (Ok(eng), Ok(gone)) = (ff.f64("engagement_rate"), ff.u64("gone")) else {
                continue;
            };
            let tier = ff.str("tier").ok().flatten();
            let platform = ff.str("platform").ok().flatten();
            let mut buf = String::new();
            let mut read = |col: &Option<tantivy::columnar::StrColumn>, doc| -> String {
                buf.clear();
                if let Some(c) = col
                    && let Some(ord) = c.term_ords(doc).next()
                {
                    let _ = c.ord_to_str(ord, &mut buf);
                }
                buf.clone()
            };
            for doc in seg.doc_ids_alive() {
                if gone.first(doc) == Some(1) {
                    continue;
                }
                let Some(e) = eng.first(doc) else { continue };
                let key = (read(&tier, doc), read(&platform, doc));
                match out.groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, g)) => g.push(e),
                    None => out.groups.push((key, vec![e])),
                }
                out.all.push(e);
            }
        }
        for (_, v) in &mut out.groups {
            v.sort_by(f64::total_cmp);
        }
        out.all.sort_by(f64::total_cmp);
        out
    }

    /// Share (0–1) of peers with engagement at or below `rate` (mid-rank for ties).
    pub fn percentile(&self, tier: &str, platform: &str, rate: f64) -> f64 {
        percentile_in(self.peers(tier, platform), rate)
    }

    /// The sorted engagement rates a creator of `tier` on `platform` is compared with (its
    /// group's, or everyone's when the group is small); see [`percentile_in`].
    pub fn peers(&self, tier: &str, platform: &str) -> &[f64] {
        // A handful of groups: a scan without building a key beats hashing an owned one.
        self.groups
            .iter()
            .find(|((t, p), _)| t == tier && p == platform)
            .map(|(_, g)| g)
            .filter(|g| g.len() >= MIN_GROUP)
            .unwrap_or(&self.all)
    }
}

/// Share of `sorted` at or below `x`, ties counted half (0.5 for no peers).
pub(crate) fn percentile_in(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return 0.5;
    }
    let below = sorted.partition_point(|v| *v < x);
    let at_or_below = sorted.partition_point(|v| *v <= x);
    ((below + at_or_below) as f64 / 2.0) / sorted.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_rank_percentiles() {
        let v = [0.01, 0.02, 0.03, 0.04];
        assert_eq!(percentile_in(&v, 0.0), 0.0);
        assert_eq!(percentile_in(&v, 0.05), 1.0);
        assert_eq!(percentile_in(&v, 0.02), 0.375);
        assert_eq!(percentile_in(&[], 0.02), 0.5);
    }
}
