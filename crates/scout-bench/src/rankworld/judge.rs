//! Graded judgments from the world's truth (never from scout's output): 24 niche queries
//! (half with a hard filter) and 16 audience/brand-fit queries.
//!
//! Niche gain of a creator for niche N:
//! - 3: focused on N with a genuine audience, active;
//! - 2: half their posts on N (a mixed creator whose main niche is N);
//! - 1: N is a mixed creator's second niche; focused on N but silent for over a year, or
//!   most posts sponsored;
//! - 0: keyword-stuffed bio, bought audience, audience accounts, bots, other niches.
//!
//! A hard filter the truth fails makes the gain 0. Fit queries scale the niche gain: a
//! creator who fits the fit filter keeps it, one who does not keeps at most 1 (`buyer`,
//! `ship_to`, `values`), and one the brand must `avoid` gets 0.

use super::spec::{Creator, Entry, Kind, RankWorld, Who};
use super::vocab::{self, NICHES};
use scout::model::{Platform, Tier};
use scout::rank::{Filters, SearchRequest};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HardFilter {
    None,
    Lang(&'static str),
    Platform(Platform),
    Tier(Tier),
    MaxSponsored(f64),
    ActiveWithinDays(u32),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    Buyer,
    ShipToSpain,
    Values,
    AvoidAlcohol,
}

pub const BUYER: &str = "beginners just starting out";
pub const VALUES: &str = "plastic-free, zero waste";

#[derive(Debug, Clone)]
pub struct Judged {
    pub name: String,
    pub niche: usize,
    pub filter: HardFilter,
    pub fit: Option<Fit>,
}

impl Judged {
    pub fn request(&self, limit: usize) -> SearchRequest {
        let mut f = Filters {
            limit,
            ..Default::default()
        };
        match self.filter {
            HardFilter::None => {}
            HardFilter::Lang(l) => f.lang = Some(l.into()),
            HardFilter::Platform(p) => f.platform = vec![p],
            HardFilter::Tier(t) => f.tier = vec![t],
            HardFilter::MaxSponsored(s) => f.max_sponsored_share = Some(s),
            HardFilter::ActiveWithinDays(d) => f.active_within_days = Some(d),
        }
        match self.fit {
            None => {}
            Some(Fit::Buyer) => f.buyer = Some(BUYER.into()),
            Some(Fit::ShipToSpain) => f.ship_to = vec!["ES".into()],
            Some(Fit::Values) => f.values = Some(VALUES.into()),
            Some(Fit::AvoidAlcohol) => f.avoid = Some("alcohol".into()),
        }
        SearchRequest {
            query: NICHES[self.niche].query.into(),
            filters: f,
        }
    }
}

/// The 24 niche queries: each niche plain, and each with one hard filter.
pub fn niche_queries() -> Vec<Judged> {
    let filters = [
        HardFilter::Lang("es"),
        HardFilter::Platform(Platform::Bluesky),
        HardFilter::Tier(Tier::Micro),
        HardFilter::MaxSponsored(0.3),
        HardFilter::Platform(Platform::Mastodon),
        HardFilter::ActiveWithinDays(90),
        HardFilter::Lang("en"),
        HardFilter::Tier(Tier::Nano),
    ];
    let mut out = Vec::new();
    for (n, niche) in NICHES.iter().enumerate() {
        out.push(Judged {
            name: niche.query.to_string(),
            niche: n,
            filter: HardFilter::None,
            fit: None,
        });
    }
    for (n, niche) in NICHES.iter().enumerate() {
        let filter = filters[n % filters.len()];
        out.push(Judged {
            name: format!("{} [{filter:?}]", niche.query),
            niche: n,
            filter,
            fit: None,
        });
    }
    out
}

/// The 16 fit queries: each fit filter on four niches.
pub fn fit_queries() -> Vec<Judged> {
    let fits = [Fit::Buyer, Fit::ShipToSpain, Fit::Values, Fit::AvoidAlcohol];
    let mut out = Vec::new();
    for (k, fit) in fits.iter().enumerate() {
        for j in 0..4 {
            let n = (k * 3 + j * 5 + 1) % NICHES.len();
            out.push(Judged {
                name: format!("{} [{fit:?}]", NICHES[n].query),
                niche: n,
                filter: HardFilter::None,
                fit: Some(*fit),
            });
        }
    }
    out
}

/// Truth figures of a creator, from the world (what scout should measure).
#[derive(Debug, Clone, Default)]
pub struct Truth {
    pub engagement_rate: f64,
    pub sponsored_share: f64,
    /// Bot and generic comments (scout's documented `bot_comment_share`: generic + spam).
    pub bot_comment_share: f64,
    pub newest_own_days: f64,
    /// Share of comments (not by the creator) in Spanish.
    pub es_audience: f64,
    pub values_posts: usize,
    pub alcohol_posts: usize,
}

pub fn truth(w: &RankWorld, c: &Creator) -> Truth {
    let own: Vec<_> = c.timeline.iter().filter(|s| s.is_own()).collect();
    let mut rates: Vec<f64> = own
        .iter()
        .map(|s| (s.likes + s.reposts + s.replies_count()) as f64 / c.followers as f64)
        .collect();
    rates.sort_by(f64::total_cmp);
    let median = match rates.len() {
        0 => 0.0,
        n if n % 2 == 1 => rates[n / 2],
        n => (rates[n / 2 - 1] + rates[n / 2]) / 2.0,
    };
    let comments: Vec<_> = own
        .iter()
        .flat_map(|s| s.comments.iter())
        .filter(|cm| cm.author != Who::Creator(c.idx))
        .collect();
    let bots = comments.iter().filter(|cm| cm.generic).count();
    let es = comments.iter().filter(|cm| cm.lang == "es").count();
    let newest = own.iter().map(|s| s.at).max().unwrap_or(w.anchor);
    let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    Truth {
        engagement_rate: median,
        sponsored_share: share(own.iter().filter(|s| s.sponsored).count(), own.len()),
        bot_comment_share: share(bots, comments.len()),
        newest_own_days: (w.anchor - newest).num_seconds() as f64 / 86_400.0,
        es_audience: share(es, comments.len()),
        values_posts: own
            .iter()
            .filter(|s| s.text.contains(vocab::VALUES_EN))
            .count(),
        alcohol_posts: own
            .iter()
            .filter(|s| s.text.contains(vocab::ALCOHOL_EN))
            .count(),
    }
}

fn tier_of(followers: u64) -> Tier {
    match followers {
        f if f < 10_000 => Tier::Nano,
        f if f < 100_001 => Tier::Micro,
        _ => Tier::Macro,
    }
}

/// The niche gain of creator `c` for niche `n` (the module doc's scale).
pub fn niche_gain(c: &Creator, n: usize) -> u8 {
    if c.niche == n {
        match c.kind {
            Kind::Focused => 3,
            Kind::Mixed => 2,
            Kind::Inactive | Kind::Oversponsored => 1,
            Kind::Bought | Kind::Stuffed => 0,
        }
    } else if c.second == Some(n) {
        1
    } else {
        0
    }
}

/// The graded gain of creator `c` for query `q`.
pub fn gain(w: &RankWorld, c: &Creator, q: &Judged) -> u8 {
    let g = niche_gain(c, q.niche);
    if g == 0 {
        return 0;
    }
    let t = truth(w, c);
    let passes = match q.filter {
        HardFilter::None => true,
        HardFilter::Lang(l) => c.lang == l,
        HardFilter::Platform(p) => c.platform == p,
        HardFilter::Tier(tier) => tier_of(c.followers) == tier,
        HardFilter::MaxSponsored(s) => t.sponsored_share <= s,
        HardFilter::ActiveWithinDays(d) => t.newest_own_days <= f64::from(d),
    };
    if !passes {
        return 0;
    }
    let fits = match q.fit {
        None => true,
        Some(Fit::Buyer) => c.beginner_audience,
        Some(Fit::ShipToSpain) => t.es_audience >= 0.4,
        Some(Fit::Values) => t.values_posts >= 2,
        Some(Fit::AvoidAlcohol) => {
            if t.alcohol_posts >= 2 {
                return 0;
            }
            true
        }
    };
    if fits { g } else { g.min(1) }
}

/// Gains of every creator for `q`, by creator index.
pub fn gains(w: &RankWorld, q: &Judged) -> Vec<u8> {
    w.creators.iter().map(|c| gain(w, c, q)).collect()
}

/// NDCG@k of `ranked` (gains in result order) against every judged gain.
pub fn ndcg(ranked: &[u8], all: &[u8], k: usize) -> f64 {
    let dcg = |g: &[u8]| -> f64 {
        g.iter()
            .take(k)
            .enumerate()
            .map(|(i, &g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
            .sum()
    };
    let mut ideal = all.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&ideal);
    if best == 0.0 { 1.0 } else { dcg(ranked) / best }
}

/// Own posts of a timeline (what the truth counts as posts).
pub fn own_posts(c: &Creator) -> usize {
    c.timeline
        .iter()
        .filter(|s| !matches!(s.entry, Entry::Reply { .. }))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_of_the_ideal_order_is_one() {
        assert_eq!(ndcg(&[3, 2, 1], &[1, 3, 2, 0], 10), 1.0);
        assert!(ndcg(&[0, 1, 3], &[1, 3, 0], 10) < 0.7);
    }

    #[test]
    fn forty_queries_with_relevant_creators() {
        let w = RankWorld::generate(7, chrono::Utc::now());
        let qs: Vec<Judged> = niche_queries().into_iter().chain(fit_queries()).collect();
        assert_eq!(qs.len(), 40);
        for q in &qs {
            let g = gains(&w, q);
            assert!(g.iter().any(|&x| x >= 2), "{} has no good creator", q.name);
        }
    }
}
