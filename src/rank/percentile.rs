//! Engagement as a percentile within the creator's tier and platform, computed from the index
//! itself (fast fields), not from hard-coded bands: 2 % is excellent for a macro account and
//! ordinary for a nano one, and what is normal differs by platform.

use tantivy::Searcher;

use crate::index::Fields;

type Group = (String, String);

#[derive(Debug, Default)]
pub struct EngagementPercentiles {
    /// Sorted engagement rates per (tier, platform); a few groups, so a list.
    groups: Vec<(Group, SortedRates)>,
    all: SortedRates,
}

/// Fewer peers than this in a tier/platform group: fall back to the whole index.
const MIN_GROUP: usize = 5;

impl EngagementPercentiles {
    pub fn build(searcher: &Searcher, _fields: &Fields) -> EngagementPercentiles {
        let mut groups: Vec<(Group, Vec<f64>)> = Vec::new();
        let mut all = Vec::new();
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
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, g)) => g.push(e),
                    None => groups.push((key, vec![e])),
                }
                all.push(e);
            }
        }
        EngagementPercentiles {
            groups: groups
                .into_iter()
                .map(|(k, v)| (k, SortedRates::new(v)))
                .collect(),
            all: SortedRates::new(all),
        }
    }

    /// Share (0–1) of peers with engagement at or below `rate` (mid-rank for ties).
    pub fn percentile(&self, tier: &str, platform: &str, rate: f64) -> f64 {
        self.peers(tier, platform).percentile(rate)
    }

    /// The sorted engagement rates a creator of `tier` on `platform` is compared with (its
    /// group's, or everyone's when the group is small); see [`SortedRates::percentile`].
    pub fn peers(&self, tier: &str, platform: &str) -> &SortedRates {
        // A handful of groups: a scan without building a key beats hashing an owned one.
        self.groups
            .iter()
            .find(|((t, p), _)| t == tier && p == platform)
            .map(|(_, g)| g)
            .filter(|g| g.rates.len() >= MIN_GROUP)
            .unwrap_or(&self.all)
    }
}

/// Every this many sorted rates, one fence (see [`SortedRates`]).
const FENCE_STRIDE: usize = 64;

/// A peer group's engagement rates, sorted, with every [`FENCE_STRIDE`]-th rate copied into
/// a small fence list. A search takes the percentile of some hundreds of candidates in groups
/// of tens of thousands of rates: a plain binary search missed the cache at nearly every
/// step (6 % of a search's time, BENCHMARKS.md); the fences (~5 KB for 40,000 rates) stay
/// cached and leave one 64-rate window to search. The answer is the plain search's.
#[derive(Debug, Default)]
pub struct SortedRates {
    rates: Vec<f64>,
    fences: Vec<f64>,
}

impl SortedRates {
    pub(crate) fn new(mut rates: Vec<f64>) -> SortedRates {
        rates.sort_by(f64::total_cmp);
        let fences = rates.iter().copied().step_by(FENCE_STRIDE).collect();
        SortedRates { rates, fences }
    }

    /// Share of the rates at or below `x`, ties counted half (0.5 for no peers).
    pub fn percentile(&self, x: f64) -> f64 {
        if self.rates.is_empty() {
            return 0.5;
        }
        let below = self.count_while(|v| v < x);
        let at_or_below = self.count_while(|v| v <= x);
        ((below + at_or_below) as f64 / 2.0) / self.rates.len() as f64
    }

    /// How many leading rates satisfy `pred`, which holds for a prefix of them: the first
    /// fence where it fails bounds the window holding the answer.
    fn count_while(&self, pred: impl Fn(f64) -> bool) -> usize {
        let i = self.fences.partition_point(|v| pred(*v));
        if i == 0 {
            return 0;
        }
        let start = (i - 1) * FENCE_STRIDE;
        let end = (i * FENCE_STRIDE).min(self.rates.len());
        start + self.rates[start..end].partition_point(|v| pred(*v))
    }
}

/// Share of `sorted` at or below `x`, ties counted half (0.5 for no peers): what
/// [`SortedRates::percentile`] answers, by a plain binary search.
#[cfg(test)]
fn percentile_in(sorted: &[f64], x: f64) -> f64 {
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
        let v = [0.04, 0.02, 0.03, 0.01];
        let rates = SortedRates::new(v.to_vec());
        for (x, want) in [(0.0, 0.0), (0.05, 1.0), (0.02, 0.375)] {
            assert_eq!(rates.percentile(x), want);
            assert_eq!(percentile_in(&rates.rates, x), want);
        }
        assert_eq!(SortedRates::new(Vec::new()).percentile(0.02), 0.5);
        assert_eq!(percentile_in(&[], 0.02), 0.5);
    }

    /// The fenced search answers what the plain one does: groups shorter and longer than a
    /// fence stride, runs of ties across fence boundaries, values below, between, on and
    /// above the rates.
    #[test]
    fn fenced_percentiles_are_the_plain_ones() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0usize, 1, 5, 63, 64, 65, 128, 129, 1000, 4099] {
            // Few distinct values, so ties are long and cross fences.
            let rates: Vec<f64> = (0..len).map(|_| (next() % 97) as f64 / 1000.0).collect();
            let fenced = SortedRates::new(rates.clone());
            let mut sorted = rates;
            sorted.sort_by(f64::total_cmp);
            for k in 0..=100 {
                let x = k as f64 / 1000.0 - 0.0005 * (k % 2) as f64;
                assert_eq!(
                    fenced.percentile(x),
                    percentile_in(&sorted, x),
                    "len {len}, x {x}"
                );
            }
        }
    }
}
