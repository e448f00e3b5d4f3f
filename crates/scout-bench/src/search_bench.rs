//! Search latency through `Ranker::search` (retrieval, filters, re-ranking) for the 50
//! benchmark queries, plus where the time goes, measured stage by stage with the ranker's own
//! public building blocks: retrieval (BM25 with filters, taxonomy synonyms cached), scoring the
//! candidates from the signal table, and loading the page of results.
//!
//! Two passes: *cold* — a fresh ranker, each query once, so every query pays what the first
//! query after a commit pays (decoding the signal table on the very first one, evaluating its
//! niches' synonym clauses over the whole index); then *warm* — `rounds` rounds after a
//! warm-up round, the steady state of a running server.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tantivy::collector::{Count, TopDocs};

use super::stats::{self, Latency};
use super::{queries, query_mix};
use scout::config::Config;
use scout::index::CreatorIndex;
use scout::index::doc::RecordOnly;
use scout::rank::synonym_cache::SynonymCache;
use scout::rank::table::SignalCache;
use scout::rank::{EngagementPercentiles, Ranker, SearchRequest, expand, retrieve, score};

/// Cold pass, then warm latency of every query, `rounds` times each.
pub fn run(dir: &Path, rounds: usize) -> scout::Result<Value> {
    let config = Config::default();
    let index = CreatorIndex::open_existing(dir)?;
    let reqs = queries::requests();

    let ranker = Ranker::new(&config)?;
    let mut cold = Vec::with_capacity(reqs.len());
    let mut totals = Vec::new();
    for r in &reqs {
        let t = Instant::now();
        totals.push(ranker.search(&index, r)?.total);
        cold.push(t.elapsed());
    }
    // The first query also decoded the signal table: shown apart, it is once per segment.
    let first_query_ms = cold.first().map(|d| stats::round3(d.as_secs_f64() * 1e3));
    let cold_rest = Latency::from_durations(&cold[1.min(cold.len())..]);

    let mut samples = Vec::with_capacity(reqs.len() * rounds);
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); reqs.len()];
    for _ in 0..rounds {
        for (k, r) in reqs.iter().enumerate() {
            let t = Instant::now();
            let resp = ranker.search(&index, r)?;
            let d = t.elapsed();
            std::hint::black_box(resp);
            samples.push(d);
            per_query[k].push(d);
        }
    }
    let lat = Latency::from_durations(&samples);
    let mix = mix_latency(&ranker, &index)?;
    let breakdown = breakdown(&index, &config, &reqs, rounds.max(1))?;
    let slowest: Vec<Value> = slowest_first(&per_query)
        .into_iter()
        .take(5)
        .map(|(k, ms)| json!({"query": queries::QUERIES[k].0, "p50_ms": ms, "total": totals[k]}))
        .collect();
    Ok(json!({
        "docs": index.num_docs(),
        "queries": reqs.len(),
        "rounds": rounds,
        "latency": lat,
        "cold": {
            "first_query_ms": first_query_ms,
            "other_queries": cold_rest,
        },
        "mean_total_hits": totals.iter().sum::<usize>() as f64 / totals.len().max(1) as f64,
        "queries_with_no_hit": totals.iter().filter(|t| **t == 0).count(),
        "candidates": config.rank.candidates,
        "breakdown_ms_mean": breakdown,
        "http_mix_in_process": mix,
        "slowest": slowest,
        "peak_rss_mb": stats::peak_rss_mb(),
    }))
}

/// The HTTP benchmark's query mix ([`query_mix`], same seed and count), each query once
/// through the ranker in this process (warm tables): the ranker's share of what a server
/// spends per request, without HTTP or JSON.
fn mix_latency(ranker: &Ranker, index: &CreatorIndex) -> scout::Result<Value> {
    let mix = query_mix::generate(query_mix::DEFAULT_COUNT, query_mix::DEFAULT_SEED);
    let mut samples = Vec::with_capacity(mix.len());
    for req in mix_requests(&mix)? {
        let t = Instant::now();
        std::hint::black_box(ranker.search(index, &req)?);
        samples.push(t.elapsed());
    }
    Ok(json!({"queries": mix.len(), "latency": Latency::from_durations(&samples)}))
}

/// The mix's queries as the server would parse them from its HTTP paths.
fn mix_requests(mix: &[query_mix::Mixed]) -> scout::Result<Vec<SearchRequest>> {
    mix.iter()
        .map(|(q, filters)| {
            let pairs = std::iter::once(("q", q.as_str()))
                .chain(filters.iter().map(|(k, v)| (*k, v.as_str())));
            SearchRequest::from_pairs(pairs)
        })
        .collect()
}

/// Each query's index and median (ms), slowest first.
fn slowest_first(per_query: &[Vec<Duration>]) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = per_query
        .iter()
        .enumerate()
        .map(|(k, d)| (k, Latency::from_durations(d).p50_ms))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

/// The HTTP mix alone, `rounds` times after a warm-up round: latency over every search and
/// the slowest queries by their median.
pub fn run_mix(dir: &Path, rounds: usize) -> scout::Result<Value> {
    let index = CreatorIndex::open_existing(dir)?;
    let ranker = Ranker::new(&Config::default())?;
    let mix = query_mix::generate(query_mix::DEFAULT_COUNT, query_mix::DEFAULT_SEED);
    let reqs = mix_requests(&mix)?;
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); reqs.len()];
    for round in 0..=rounds {
        for (k, req) in reqs.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(ranker.search(&index, req)?);
            if round > 0 {
                per_query[k].push(t.elapsed());
            }
        }
    }
    let all: Vec<Duration> = per_query.iter().flatten().copied().collect();
    let slowest: Vec<Value> = slowest_first(&per_query)
        .into_iter()
        .take(10)
        .map(|(k, ms)| json!({"query": mix[k].0, "filters": mix[k].1, "p50_ms": ms}))
        .collect();
    Ok(json!({
        "docs": index.num_docs(),
        "queries": reqs.len(),
        "rounds": rounds,
        "latency": Latency::from_durations(&all),
        "slowest": slowest,
    }))
}

/// Mean time per query of each stage (warm), replayed outside the ranker.
fn breakdown(
    index: &CreatorIndex,
    config: &Config,
    reqs: &[SearchRequest],
    rounds: usize,
) -> scout::Result<Value> {
    let f = &index.fields;
    let searcher = index.searcher();
    let now = chrono::Utc::now();
    let err = |e: tantivy::TantivyError| scout::Error::Other(format!("bench search: {e}"));
    let taxonomy = scout::extract::Taxonomy::builtin();
    let synonyms = Arc::new(SynonymCache::default());
    let signals = SignalCache::default();
    let t = Instant::now();
    let tables = signals.for_searcher(&searcher);
    let table_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let percentiles = EngagementPercentiles::build(&searcher, f);
    let percentiles_ms = t.elapsed().as_secs_f64() * 1e3;
    let (mut t_query, mut t_retrieve, mut t_score, mut t_page) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut candidates = 0usize;
    // A warm-up round fills the synonym cache, as in the latency figures.
    for round in 0..=rounds {
        for r in reqs {
            let t0 = Instant::now();
            let exp = expand::expand(&taxonomy, &r.query);
            let syn: Vec<(String, f32)> =
                exp.synonyms.iter().map(|s| (s.clone(), 0.4f32)).collect();
            let text_q = retrieve::text_query_cached(
                index.tantivy(),
                &retrieve::text_fields(f),
                &r.query,
                &syn,
                Some(&synonyms),
            );
            let query = retrieve::combine(
                text_q,
                retrieve::filter_clauses(
                    f,
                    &r.filters,
                    &scout::consent::OptOuts::new(&config.consent.opt_out),
                    now,
                ),
            );
            let t1 = Instant::now();
            let wanted = (r.filters.offset + r.filters.limit).max(config.rank.candidates);
            let (_, top) = searcher
                .search(
                    &query,
                    &(Count, TopDocs::with_limit(wanted).order_by_score()),
                )
                .map_err(err)?;
            let t2 = Instant::now();
            let best = top.first().map_or(0.0, |(s, _)| *s).max(f32::EPSILON);
            let focus = scout::rank::focus::for_candidates(
                index,
                &searcher,
                &r.query,
                &exp.synonyms,
                &top,
                &tables,
            )?;
            let mut scored = Vec::with_capacity(top.len());
            for (k, (bm25, addr)) in top.iter().enumerate() {
                let Some(sig) = tables[addr.segment_ord as usize].get(addr.doc_id) else {
                    continue;
                };
                let input = score::ScoreInput {
                    relevance: f64::from(bm25 / best),
                    query_niches: &exp.niches,
                    audience_lang: r.filters.audience_lang.as_deref(),
                    query_focus: focus.as_ref().map(|f| f[k]),
                    now,
                    weights: &config.rank,
                    percentiles: &percentiles,
                };
                scored.push((score::score_signals(sig, &input).total(), *addr));
            }
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let t3 = Instant::now();
            for (_, addr) in scored.iter().take(r.filters.limit) {
                let d: RecordOnly = searcher.doc(*addr).map_err(err)?;
                std::hint::black_box(d);
            }
            let t4 = Instant::now();
            if round > 0 {
                t_query += t1 - t0;
                t_retrieve += t2 - t1;
                t_score += t3 - t2;
                t_page += t4 - t3;
                candidates += top.len();
            }
        }
    }
    let n = (reqs.len() * rounds).max(1) as f64;
    let ms = |d: Duration| stats::round3(d.as_secs_f64() * 1e3 / n);
    Ok(json!({
        "build_query": ms(t_query),
        "retrieve_bm25_filters": ms(t_retrieve),
        "score_candidates_from_signals": ms(t_score),
        "load_result_page_records": ms(t_page),
        "mean_candidates": (candidates as f64 / n).round(),
        "once_per_segment_signal_table_ms": stats::round3(table_ms),
        "once_per_generation_percentiles_ms": stats::round3(percentiles_ms),
    }))
}
