//! One search, stage by stage:
//! 1. retrieval: BM25 over the creator's own text with the hard filters as index queries
//!    ([`super::retrieve`]), the top `rank.candidates`;
//! 2. signals: each candidate's re-ranking inputs from the segment's signal table
//!    ([`super::table`], decoded once per segment from a fast field — no stored document is
//!    read), scored by [`super::score`], plus the cheap fit signals — `buyer` (BM25 of the
//!    audience fields for the candidates only), `ship_to` and flagged `avoid` categories;
//!    query focus, the one signal read from posting lists per candidate, only for the
//!    candidates that can still reach the page (see [`super::focus_bound`]);
//! 3. posts (the slow path, only with `values` or a free-text `avoid`): the creator's own
//!    words are read from the stored raw profiles of the candidates an index query says
//!    could match, best first, stopping as soon as no remaining candidate can reach the
//!    requested page (their bonus is bounded by `rank.values`);
//! 4. the page: sort (equal scores by id), cut `offset..offset + limit`, and only then load
//!    and parse the stored records of those results (their raw profiles too for `explain`'s
//!    buyer evidence).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde_json::{Map, Value, json};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::candidate::{Candidate, FitOutcome, Ordered, read_err};
use super::fit::{AvoidSpec, BuyerQuery, Markets, ValuesMatch, ValuesSpec, avoid, ship_to};
use super::percentile::SortedRates;
use super::score::{self, Signal};
use super::{
    Ranker, SearchRequest, SearchResponse, evidence, expand, focus_bound, prefilter, retrieve,
    seek, widened,
};
use crate::error::Result;
use crate::index::CreatorIndex;
use crate::index::doc::RecordOnly;
use crate::index::signals::RankSignals;
use crate::model::{CreatorRecord, Tier};

/// The fit filters of a request, compiled once.
struct FitPlan {
    buyer_given: bool,
    buyer: Option<BuyerQuery>,
    markets: Option<Markets>,
    values: Option<ValuesSpec>,
    avoid: Option<AvoidSpec>,
}

impl FitPlan {
    fn new(r: &Ranker, index: &CreatorIndex, searcher: &Searcher, req: &SearchRequest) -> FitPlan {
        let filters = &req.filters;
        FitPlan {
            buyer_given: filters.buyer.is_some(),
            buyer: filters.buyer.as_deref().and_then(|b| {
                BuyerQuery::build(index.tantivy(), &index.fields, searcher, &r.taxonomy, b)
            }),
            markets: Markets::new(&filters.ship_to),
            values: filters
                .values
                .as_deref()
                .and_then(|v| ValuesSpec::new(v, &r.taxonomy)),
            avoid: filters
                .avoid
                .as_deref()
                .and_then(|a| AvoidSpec::new(a, &r.safety)),
        }
    }

    /// Whether some candidates' posts may have to be read (`values`, free-text `avoid`).
    fn reads_posts(&self) -> bool {
        self.values.is_some() || self.avoid.as_ref().is_some_and(AvoidSpec::has_phrases)
    }

    /// With no query text every creator passing the filters is a candidate; these clauses
    /// make the ones matching the fit filters come first among them.
    fn retrieval_hints(&self, index: &CreatorIndex) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &index.fields;
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(b) = &self.buyer {
            out.push((Occur::Should, b.query().box_clone()));
        }
        if let Some(v) = &self.values
            && let Some(q) = v.prefilter(index.tantivy(), &[f.posts, f.hashtags])
        {
            out.push((Occur::Should, q));
        }
        if let Some(m) = &self.markets {
            for l in &m.languages {
                out.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.audience_lang, l),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        out
    }
}

pub(super) fn search(
    r: &Ranker,
    index: &CreatorIndex,
    req: &SearchRequest,
) -> Result<SearchResponse> {
    let now = chrono::Utc::now();
    let f = &index.fields;
    let filters = &req.filters;
    let weights = &r.config.rank;
    let expansion = expand::expand(&r.taxonomy, &req.query);
    // Synonyms weigh less than the words the marketer typed: a German query still favours
    // creators who write the German word.
    let synonyms: Vec<(String, f32)> = expansion
        .synonyms
        .iter()
        .map(|s| (s.clone(), super::constants::SYNONYM_WEIGHT))
        .collect();
    let searcher = index.searcher();
    let plan = FitPlan::new(r, index, &searcher, req);
    let text_q = if req.query.trim().is_empty() {
        let hints = plan.retrieval_hints(index);
        (!hints.is_empty()).then(|| {
            let mut c: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
            c.extend(hints);
            Box::new(BooleanQuery::new(c)) as Box<dyn Query>
        })
    } else {
        match retrieve::text_query_cached(
            index.tantivy(),
            &retrieve::text_fields_for(f, filters.lang.as_deref()),
            &req.query,
            &synonyms,
            Some(&r.synonyms),
        ) {
            Some(q) => Some(q),
            // Only stop words or punctuation: nothing can match.
            None => {
                return Ok(SearchResponse {
                    query: req.query.clone(),
                    total: 0,
                    results: Vec::new(),
                });
            }
        }
    };
    let text_again = text_q.as_ref().map(|q| q.box_clone());
    let wanted = (filters.offset + filters.limit).max(weights.candidates);
    // The filters' `Must` clauses as bitsets (see `prefilter`), once for both retrievals; the
    // `MustNot` ones (gone, opted out: a few documents) stay in the query.
    let filter_clauses = retrieve::filter_clauses(f, filters, &r.consent, now);
    let bits = prefilter::bitsets(&searcher, &filter_clauses, &r.filter_bits)?;
    let query_of = |text| retrieve::combine(text, outside_bits(&filter_clauses, bits.is_some()));
    let run = |text: Option<Box<dyn Query>>| {
        let collect = (Count, TopDocs::with_limit(wanted).order_by_score());
        prefilter::search(&searcher, &query_of(text), bits.as_deref(), collect)
    };
    // A query that may be expanded keeps its first retrieval's every match, so the widened
    // one scores the expansion terms only (see `widened`).
    let learn_terms =
        expansion.niches.is_empty() || !super::constants::FEEDBACK_ONLY_OUTSIDE_TAXONOMY;
    let run_all = |text: Box<dyn Query>| {
        prefilter::search(
            &searcher,
            &query_of(Some(text)),
            bits.as_deref(),
            widened::AllScores,
        )
    };
    let (first, first_all) = match text_q {
        Some(text) if learn_terms => {
            let all = run_all(text)?;
            (widened::top(&all, wanted), Some(all))
        }
        text => (run(text)?, None),
    };
    let tables = r.signals.for_searcher(&searcher);
    // Query focus, and the query widened by its most focused creators' words (see
    // `feedback`): a second retrieval when it was.
    // The focus of the candidates that cannot reach the page is never needed: when the score
    // only grows with focus, it is computed best first (see `focus_bound`).
    let defer = !plan.reads_posts()
        && weights.relevance >= 0.0
        && weights.theme_consistency >= 0.0
        && weights.query_focus >= 0.0;
    let focused = super::feedback::focus_and_widen(
        index,
        &searcher,
        &req.query,
        &expansion.synonyms,
        learn_terms,
        defer,
        text_again,
        &first.1,
        &tables,
        &r.word_freqs,
        |widened_query, expansion_only| match &first_all {
            Some(all) => Ok(widened::merged_top(all, &run_all(expansion_only)?, wanted)),
            None => run(Some(widened_query)),
        },
    )?;
    let (total, top) = focused.retrieved.unwrap_or(first);
    // Deferred: every candidate is first scored as if fully focused (an upper bound).
    let deferred = focused.focus.is_none() && focused.compiled.is_some();
    let focus = focused.focus;
    let best = top.first().map_or(0.0, |(s, _)| *s).max(f32::EPSILON);
    let percentiles = r.percentiles(index, &searcher);
    // The query's niches, and each tier and platform's engagement peers, by each segment's
    // interned ids.
    let niche_ids: Vec<Vec<Option<u16>>> = tables
        .iter()
        .map(|t| t.niche_ids(expansion.niches.iter().map(|(n, _)| n.as_str())))
        .collect();
    let peers: Vec<Vec<[&SortedRates; 3]>> = tables
        .iter()
        .map(|t| {
            t.platforms()
                .iter()
                .map(|p| Tier::ALL.map(|tier| percentiles.peers(tier.as_str(), p)))
                .collect()
        })
        .collect();

    // Signals and the score they make, from the signal tables.
    let parts_of = |bm25: f32, addr: DocAddress, sig: &RankSignals, query_focus: Option<f64>| {
        let seg = addr.segment_ord as usize;
        let relevance = if req.query.trim().is_empty() {
            0.0
        } else {
            f64::from(bm25 / best)
        };
        let input = score::ScoreInput {
            relevance,
            query_niches: &expansion.niches,
            audience_lang: filters.audience_lang.as_deref(),
            query_focus,
            now,
            weights,
            percentiles: &percentiles,
        };
        score::score_signals_with(
            sig,
            &input,
            |i| tables[seg].niche_share(addr.doc_id, niche_ids[seg][i]),
            |tier| match tables[seg].platform_id(addr.doc_id) {
                Some(p) => {
                    let t = Tier::ALL.iter().position(|x| *x == tier).unwrap_or(0);
                    peers[seg][p][t]
                }
                None => percentiles.peers(tier.as_str(), &sig.platform),
            },
        )
    };
    let mut cands = Vec::with_capacity(top.len());
    let mut bm25s = Vec::with_capacity(top.len());
    for (k, (bm25, addr)) in top.into_iter().enumerate() {
        let Some(sig) = super::table::signals_at(&tables, addr) else {
            continue;
        };
        let query_focus = if deferred {
            Some(1.0)
        } else {
            focus.as_ref().map(|f| f[k])
        };
        let parts = parts_of(bm25, addr, sig, query_focus);
        bm25s.push(bm25);
        cands.push(Candidate {
            addr,
            sig,
            score: parts.total(),
            parts,
            fit: FitOutcome::default(),
            raw: None,
        });
    }

    cheap_fit(&plan, &searcher, weights, &mut cands)?;
    if deferred && let Some(qf) = &focused.compiled {
        focus_bound::resolve_focus(
            qf,
            &searcher,
            filters.offset + filters.limit,
            &mut cands,
            |c, i, q| parts_of(bm25s[i], c.addr, c.sig, Some(q)),
        )?;
    }
    posts_fit(&plan, index, &searcher, req, weights, &mut cands)?;

    // Deterministic: equal scores are ordered by id. Only the first offset + limit need order.
    let order = |a: &Candidate, b: &Candidate| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.sig.id.cmp(&b.sig.id))
    };
    let end = (filters.offset + filters.limit).min(cands.len());
    if end > 0 && end < cands.len() {
        cands.select_nth_unstable_by(end - 1, order);
        cands.truncate(end);
    }
    cands.sort_unstable_by(order);
    let mut page: Vec<Candidate> = cands.into_iter().skip(filters.offset).collect();
    let mut results = Vec::with_capacity(page.len());
    // Evidence is read for the page only: its cost grows with `limit`, not with the candidates.
    let quotes = filters
        .evidence
        .then(|| evidence::EvidencePlan::new(index, &searcher, &req.query, &expansion.synonyms));
    for c in &mut page {
        let Some(rec) = searcher.doc::<RecordOnly>(c.addr).map_err(read_err)?.record else {
            continue;
        };
        let mut rec = result(&plan, index, &searcher, filters.explain, c, rec)?;
        if filters.explain && !focused.terms.is_empty() {
            super::feedback::explain(&focused.terms, &mut rec);
        }
        if let Some(q) = &quotes {
            let raw = c.raw(&searcher, f)?;
            evidence::attach(q.as_ref(), plan.buyer.as_ref(), index, raw, &mut rec);
        }
        results.push(rec);
    }
    Ok(SearchResponse {
        query: req.query.clone(),
        total,
        results,
    })
}

/// The filter clauses the query itself keeps: all of them, or with bitsets for the `Must`
/// ones, only the `MustNot` ones.
fn outside_bits(
    clauses: &[(Occur, Box<dyn Query>)],
    with_bits: bool,
) -> Vec<(Occur, Box<dyn Query>)> {
    clauses
        .iter()
        .filter(|(o, _)| !with_bits || *o != Occur::Must)
        .map(|(o, q)| (*o, q.box_clone()))
        .collect()
}

/// `buyer`, `ship_to` and flagged `avoid` categories: from the index and the signals.
fn cheap_fit<'a>(
    plan: &FitPlan,
    searcher: &Searcher,
    w: &crate::config::RankWeights,
    cands: &mut [Candidate<'a>],
) -> Result<()> {
    if plan.buyer_given {
        let matches = match &plan.buyer {
            Some(b) => {
                let addrs: Vec<DocAddress> = cands.iter().map(|c| c.addr).collect();
                b.normalise(&seek::scores(searcher, b.query(), &addrs)?)
            }
            // No word of the description is used by any audience.
            None => vec![0.0; cands.len()],
        };
        for (c, m) in cands.iter_mut().zip(matches) {
            c.fit.buyer_match = Some(m);
            c.set(Signal::Buyer, w.buyer * m);
        }
    }
    if let Some(m) = &plan.markets {
        for c in cands.iter_mut() {
            let audience: Vec<(&str, f64)> = c
                .sig
                .audience_languages
                .iter()
                .map(|(l, s)| (l.as_str(), *s))
                .collect();
            let fit = ship_to::fit_parts(
                &audience,
                c.sig.language.as_deref(),
                c.sig.location.as_deref(),
                m,
            );
            let value = fit
                .as_ref()
                .map_or(0.0, |f| w.ship_to * ship_to::value(f.fit));
            c.set(Signal::ShipTo, value);
            c.fit.ship_to = Some(fit);
        }
    }
    if let Some(a) = &plan.avoid {
        for c in cands.iter_mut() {
            let sig: &'a RankSignals = c.sig;
            let flagged = a.flagged_in(&sig.brand_safety_flags);
            c.set(
                Signal::AvoidPenalty,
                w.avoid_penalty * avoid::value(flagged.len(), &Default::default()),
            );
            c.fit.flagged = Some(flagged);
        }
    }
    Ok(())
}

/// `values` and free-text `avoid`: the posts of the candidates that could match and could
/// still reach the page (a threshold on the best possible score; exact, see the module doc).
fn posts_fit(
    plan: &FitPlan,
    index: &CreatorIndex,
    searcher: &Searcher,
    req: &SearchRequest,
    w: &crate::config::RankWeights,
    cands: &mut [Candidate],
) -> Result<()> {
    if !plan.reads_posts() {
        return Ok(());
    }
    let f = &index.fields;
    let addrs: Vec<DocAddress> = cands.iter().map(|c| c.addr).collect();
    let prefilter = |q: Option<Box<dyn Query>>| -> Result<Vec<bool>> {
        match q {
            Some(q) => seek::matches(searcher, q.as_ref(), &addrs),
            None => Ok(vec![false; addrs.len()]),
        }
    };
    let values_pre = match &plan.values {
        Some(v) => prefilter(v.prefilter(index.tantivy(), &[f.posts, f.hashtags]))?,
        None => vec![false; cands.len()],
    };
    let avoid_pre = match &plan.avoid {
        Some(a) if a.has_phrases() => {
            prefilter(a.prefilter(index.tantivy(), &[f.posts, f.hashtags, f.bio]))?
        }
        _ => vec![false; cands.len()],
    };
    if plan.values.is_some() {
        for (c, pre) in cands.iter_mut().zip(&values_pre) {
            if !pre {
                // No value phrase anywhere in the posts: nothing to read.
                c.fit.values = Some(ValuesMatch {
                    posts: 0,
                    of: c.sig.posts_indexed as usize,
                    share: 0.0,
                    matched: Vec::new(),
                });
                c.set(Signal::Values, 0.0);
            }
        }
    }

    let k = req.filters.offset + req.filters.limit;
    let bonus = w.values.max(0.0) + (-w.avoid_penalty).max(0.0);
    let mut deep: Vec<usize> = (0..cands.len())
        .filter(|&i| values_pre[i] || avoid_pre[i])
        .collect();
    if deep.is_empty() {
        return Ok(());
    }
    // The k best final scores among the candidates resolved so far (a min-heap).
    let mut best: BinaryHeap<Reverse<Ordered>> = BinaryHeap::new();
    let keep = |best: &mut BinaryHeap<Reverse<Ordered>>, s: f64| {
        best.push(Reverse(Ordered(s)));
        if best.len() > k {
            best.pop();
        }
    };
    for (i, c) in cands.iter().enumerate() {
        if !values_pre[i] && !avoid_pre[i] {
            keep(&mut best, c.score);
        }
    }
    deep.sort_by(|&a, &b| cands[b].score.total_cmp(&cands[a].score));
    for i in deep {
        let upper = cands[i].score + bonus;
        if best.len() >= k && best.peek().is_some_and(|m| upper < m.0.0) {
            // Neither this candidate nor any after it can reach the page.
            break;
        }
        let c = &mut cands[i];
        let raw = c.own_words(searcher)?;
        if values_pre[i]
            && let Some(v) = &plan.values
        {
            let m = v.assess(&raw);
            c.set(Signal::Values, w.values * m.value());
            c.fit.values = Some(m);
        }
        if avoid_pre[i]
            && let Some(a) = &plan.avoid
        {
            let hits = a.phrase_hits(&raw);
            let flagged = c.fit.flagged.as_ref().map_or(0, Vec::len);
            c.set(
                Signal::AvoidPenalty,
                w.avoid_penalty * avoid::value(flagged, &hits),
            );
            c.fit.phrases = Some(hits);
        }
        keep(&mut best, c.score);
    }
    Ok(())
}

/// One result: the stored record with the search's fields, and with `explain` every
/// contribution and what the fit filters found and were read as.
fn result(
    plan: &FitPlan,
    index: &CreatorIndex,
    searcher: &Searcher,
    explain: bool,
    c: &mut Candidate,
    mut rec: CreatorRecord,
) -> Result<CreatorRecord> {
    let mut details = Map::new();
    rec.buyer_match = c.fit.buyer_match;
    if let Some(fit) = &c.fit.ship_to {
        rec.ship_to_fit = fit.as_ref().map(|f| f.fit);
        details.insert(
            "ship_to_fit".into(),
            fit.as_ref().map_or(Value::Null, |f| json!(f)),
        );
    }
    if let Some(flagged) = &c.fit.flagged {
        let mut hits = Map::new();
        for cat in flagged {
            let ev = rec
                .brand_safety_evidence
                .get(*cat)
                .cloned()
                .unwrap_or_default();
            hits.insert(cat.to_string(), json!(ev));
        }
        rec.avoid_hits = flagged.iter().map(|s| s.to_string()).collect();
        if let Some(p) = &c.fit.phrases {
            for (phrase, (_, ev)) in &p.hits {
                hits.insert(phrase.clone(), json!(ev));
            }
            rec.avoid_hits.extend(p.hits.keys().cloned());
        }
        details.insert("avoid_hits".into(), Value::Object(hits));
    }
    if let Some(m) = &c.fit.values {
        rec.values_share = Some(m.share);
        details.insert("values_match".into(), json!(m));
    }
    rec.score = Some(c.score);
    if explain {
        let f = &index.fields;
        if plan.buyer_given {
            let terms = plan.buyer.as_ref().map(|b| b.terms()).unwrap_or_default();
            details.insert("buyer_terms".into(), json!(terms));
            let evidence = match &plan.buyer {
                Some(b) => b.evidence(index.tantivy(), f, c.raw(searcher, f)?),
                None => Vec::new(),
            };
            details.insert("buyer_evidence".into(), json!(evidence));
        }
        if let Some(m) = &plan.markets
            && !m.unknown.is_empty()
        {
            details.insert("ship_to_unknown".into(), json!(m.unknown));
        }
        if let Some(a) = &plan.avoid {
            details.insert("avoid_categories".into(), json!(a.categories));
            details.insert("avoid_unmatched".into(), json!(a.unmatched));
        }
        // `explain` stays what INTERFACE.md says it is — each signal's contribution, numbers
        // only — so tools can sum it; what the fit signals saw goes beside it.
        let e: Map<String, Value> = c
            .parts
            .to_map()
            .into_iter()
            .map(|(k, v)| (k, json!(v)))
            .collect();
        rec.explain = Some(Value::Object(e));
        if !details.is_empty() {
            rec.evidence = Some(Value::Object(details));
        }
    }
    Ok(rec)
}
