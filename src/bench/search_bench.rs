//! Search latency through `Ranker::search` (retrieval, filters, re-ranking) for the 50
//! benchmark queries, plus a breakdown of where the time goes, measured stage by stage with
//! the ranker's own public building blocks: BM25 retrieval of the candidates, loading the
//! stored documents, and parsing them back into records.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tantivy::TantivyDocument;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value as _;

use super::queries;
use super::stats::{self, Latency};
use crate::config::Config;
use crate::index::CreatorIndex;
use crate::index::doc::from_document;
use crate::model::CreatorRecord;
use crate::rank::{Ranker, SearchRequest, expand, retrieve};

/// Latency of every query, `rounds` times each (after one warm-up round).
pub fn run(dir: &Path, rounds: usize) -> crate::Result<Value> {
    let config = Config::default();
    let index = CreatorIndex::open_existing(dir)?;
    let ranker = Ranker::new(&config)?;
    let reqs = queries::requests();
    let mut totals = Vec::new();
    for r in &reqs {
        totals.push(ranker.search(&index, r)?.total);
    }
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
    let breakdown = breakdown(&index, &config, &reqs)?;
    let slowest: Vec<Value> = {
        let mut v: Vec<(usize, f64)> = per_query
            .iter()
            .enumerate()
            .map(|(k, d)| (k, Latency::from_durations(d).p50_ms))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.into_iter()
            .take(5)
            .map(
                |(k, ms)| json!({"query": queries::QUERIES[k].0, "p50_ms": ms, "total": totals[k]}),
            )
            .collect()
    };
    Ok(json!({
        "docs": index.num_docs(),
        "queries": reqs.len(),
        "rounds": rounds,
        "latency": lat,
        "mean_total_hits": totals.iter().sum::<usize>() as f64 / totals.len().max(1) as f64,
        "queries_with_no_hit": totals.iter().filter(|t| **t == 0).count(),
        "candidates": config.rank.candidates,
        "breakdown_ms_mean": breakdown,
        "slowest": slowest,
        "peak_rss_mb": stats::peak_rss_mb(),
    }))
}

/// Mean time per query of each stage, replayed outside the ranker.
fn breakdown(
    index: &CreatorIndex,
    config: &Config,
    reqs: &[SearchRequest],
) -> crate::Result<Value> {
    let f = &index.fields;
    let searcher = index.searcher();
    let now = chrono::Utc::now();
    let (mut t_retrieve, mut t_load, mut t_parse) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut t_record, mut t_page) = (Duration::ZERO, Duration::ZERO);
    let mut candidates = 0usize;
    let err = |e: tantivy::TantivyError| crate::Error::Other(format!("bench search: {e}"));
    let taxonomy = crate::extract::Taxonomy::builtin();
    for r in reqs {
        let t0 = Instant::now();
        let exp = expand::expand(&taxonomy, &r.query);
        let synonyms: Vec<(String, f32)> =
            exp.synonyms.iter().map(|s| (s.clone(), 0.4f32)).collect();
        let text_q = retrieve::text_query(
            index.tantivy(),
            &retrieve::text_fields(f),
            &r.query,
            &synonyms,
        );
        let query = retrieve::combine(
            text_q,
            retrieve::filter_clauses(f, &r.filters, &config.consent.opt_out, now),
        );
        let wanted = (r.filters.offset + r.filters.limit).max(config.rank.candidates);
        let (_, top) = searcher
            .search(
                &query,
                &(Count, TopDocs::with_limit(wanted).order_by_score()),
            )
            .map_err(err)?;
        t_retrieve += t0.elapsed();
        candidates += top.len();
        let mut docs = Vec::with_capacity(top.len());
        let t1 = Instant::now();
        for (_, addr) in &top {
            docs.push(searcher.doc::<TantivyDocument>(*addr).map_err(err)?);
        }
        t_load += t1.elapsed();
        let t2 = Instant::now();
        for d in &docs {
            std::hint::black_box(from_document(f, d));
        }
        t_parse += t2.elapsed();
        // What scoring needs is the record: how much of the parse is the raw profile.
        let t3 = Instant::now();
        for d in &docs {
            let rec = d
                .get_first(f.record)
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str::<CreatorRecord>(s).ok());
            std::hint::black_box(rec);
        }
        t_record += t3.elapsed();
        // Only the page of results loaded and parsed (what a fast-field re-rank would need).
        let t4 = Instant::now();
        for (_, addr) in top.iter().take(r.filters.limit) {
            let d = searcher.doc::<TantivyDocument>(*addr).map_err(err)?;
            std::hint::black_box(from_document(f, &d));
        }
        t_page += t4.elapsed();
    }
    let n = reqs.len().max(1) as f64;
    let ms = |d: Duration| stats::round3(d.as_secs_f64() * 1e3 / n);
    Ok(json!({
        "retrieve_bm25_filters": ms(t_retrieve),
        "load_stored_docs": ms(t_load),
        "parse_record_and_raw_json": ms(t_parse),
        "parse_record_json_only": ms(t_record),
        "load_and_parse_result_page_only": ms(t_page),
        "mean_candidates": (candidates as f64 / n).round(),
    }))
}
