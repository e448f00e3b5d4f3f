//! The niche-matching ranker: BM25 retrieval with hard filters as index queries, then a
//! re-rank of the top candidates with the signals a marketer cares about (see [`score`]) and,
//! when the request describes the brand, the audience and brand fit signals (see [`fit`]).

mod candidate;
pub(crate) mod constants;
pub(crate) mod csv_rows;
pub(crate) mod evidence;
pub mod expand;
pub mod feedback;
pub mod filters;
pub(crate) mod fit;
pub mod focus;
mod focus_bound;
pub(crate) mod percentile;
pub(crate) mod prefilter;
pub mod retrieve;
pub mod score;
mod search;
pub(crate) mod seek;
pub mod synonym_cache;
pub mod table;
pub(crate) mod widened;
pub mod word_freqs;

use crate::consent::OptOuts;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

pub use filters::{Filters, SearchRequest};
pub use percentile::EngagementPercentiles;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::index::{CreatorIndex, doc::RecordOnly};
use crate::model::CreatorRecord;

/// `search --json` and `GET /v1/search`: `{"query", "total", "results"}`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub results: Vec<CreatorRecord>,
}

pub struct Ranker {
    config: Config,
    taxonomy: crate::extract::Taxonomy,
    /// For `avoid`: the same lexicon extraction flags creators with.
    safety: crate::extract::SafetyLexicon,
    /// Percentiles for the searcher generation they were computed on.
    percentiles: Mutex<Option<(u64, Arc<EngagementPercentiles>)>>,
    /// Every creator's re-ranking inputs, decoded once per segment.
    signals: table::SignalCache,
    /// The taxonomy synonym clauses of queries, evaluated once per segment and generation.
    synonyms: Arc<synonym_cache::SynonymCache>,
    /// The hard filters' bitsets, by segment (see [`prefilter`]).
    filter_bits: prefilter::FilterCache,
    /// Document frequencies of the words expansion learning and query focus look up (see
    /// [`word_freqs`]).
    word_freqs: word_freqs::WordFreqs,
    /// The opt-out list, normalised once.
    consent: OptOuts,
}

impl Ranker {
    /// A ranker with the configured taxonomy (`extract.taxonomy_file` or the built-in one).
    pub fn new(config: &Config) -> Result<Ranker> {
        let taxonomy = match &config.extract.taxonomy_file {
            Some(p) => crate::extract::Taxonomy::load(p)?,
            None => crate::extract::Taxonomy::builtin(),
        };
        let safety = match &config.extract.brand_safety_file {
            Some(p) => crate::extract::SafetyLexicon::with_extra(p)?,
            None => crate::extract::SafetyLexicon::builtin(),
        };
        Ok(Ranker {
            config: config.clone(),
            taxonomy,
            safety,
            percentiles: Mutex::new(None),
            signals: table::SignalCache::default(),
            synonyms: Arc::default(),
            filter_bits: prefilter::FilterCache::default(),
            word_freqs: Default::default(),
            consent: OptOuts::new(&config.consent.opt_out),
        })
    }

    fn percentiles(
        &self,
        index: &CreatorIndex,
        searcher: &tantivy::Searcher,
    ) -> Arc<EngagementPercentiles> {
        let gen_id = searcher.generation().generation_id();
        let mut cache = self.percentiles.lock().unwrap();
        if let Some((g, p)) = cache.as_ref()
            && *g == gen_id
        {
            return p.clone();
        }
        let p = Arc::new(EngagementPercentiles::build(searcher, &index.fields));
        *cache = Some((gen_id, p.clone()));
        p
    }

    /// Rank creators for `req` (the stages are described in `src/rank/search.rs`).
    pub fn search(&self, index: &CreatorIndex, req: &SearchRequest) -> Result<SearchResponse> {
        let mut resp = search::search(self, index, req)?;
        // The index-level exclusion catches the usual spellings; this catches every other one.
        let before = resp.results.len();
        resp.results.retain(|r| !self.consent.matches_record(r));
        resp.total -= before - resp.results.len();
        Ok(resp)
    }

    /// Creators most like `key` (id, profile URL or handle): shared themes, niches and
    /// hashtags, the same tier and audience language preferred; the creator excluded.
    /// `None` when `key` is unknown.
    pub fn similar(
        &self,
        index: &CreatorIndex,
        key: &str,
        limit: usize,
    ) -> Result<Option<Vec<CreatorRecord>>> {
        let Some(me) = index
            .get(key)?
            .filter(|c| !c.gone && !self.consent.matches_record(&c.record))
        else {
            return Ok(None);
        };
        let f = &index.fields;
        let rec = &me.record;
        let mut about = rec.themes.join(" ");
        about.push(' ');
        about.push_str(&rec.niches.join(" ").replace('_', " "));
        let text_fields = [(f.themes, 2.0f32), (f.hashtags, 1.5), (f.bio, 0.5)];
        let Some(text_q) = retrieve::text_query(index.tantivy(), &text_fields, &about, &[]) else {
            return Ok(Some(Vec::new()));
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_q)];
        if let Some(t) = rec.tier {
            should.push((Occur::Should, boosted(f.tier, t.as_str(), 1.5)));
        }
        if let Some((lang, _)) = rec
            .audience_languages
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
        {
            should.push((Occur::Should, boosted(f.audience_lang, lang, 1.5)));
        }
        for n in &rec.niches {
            should.push((Occur::Should, boosted(f.niches, n, 2.0)));
        }
        should.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(f.id, &rec.id),
                IndexRecordOption::Basic,
            )),
        ));
        let mut clauses =
            retrieve::filter_clauses(f, &Filters::default(), &self.consent, chrono::Utc::now());
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(should))));
        let query = BooleanQuery::new(clauses);
        let searcher = index.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .map_err(|e| Error::Other(format!("similar failed: {e}")))?;
        let mut out = Vec::new();
        for (s, addr) in top {
            let d: RecordOnly = searcher
                .doc(addr)
                .map_err(|e| Error::Other(format!("reading a stored creator failed: {e}")))?;
            if let Some(mut rec) = d.record.filter(|r| !self.consent.matches_record(r)) {
                rec.score = Some(score::round4(f64::from(s)));
                out.push(rec);
            }
        }
        Ok(Some(out))
    }
}

fn boosted(field: tantivy::schema::Field, value: &str, boost: f32) -> Box<dyn Query> {
    Box::new(tantivy::query::BoostQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )),
        boost,
    ))
}
