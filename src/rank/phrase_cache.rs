//! A cache of the taxonomy's synonym phrases, the costliest part of retrieval.
//!
//! A niche query is expanded to its niche's names in six languages ("vegan skincare" →
//! "cosmética vegana", "vegane Hautpflege", "cruelty free skincare"...), each searched as a
//! phrase in every text field: a hundred phrase queries, each reading the positions of every
//! document holding all its words. Those phrases come from the taxonomy, not from the user, so
//! the same few hundred recur in every query about the same niches. [`CachedPhraseQuery`]
//! keeps, per segment, the documents a phrase matches with the score tantivy's own phrase
//! scorer gave them (same statistics, same boost), and replays them: the same documents, the
//! same scores to the bit, the same cost estimates (so query planning does not change).
//!
//! Entries belong to one searcher generation (BM25 statistics change with any segment), and
//! the last two generations are kept (a reload leaves older searchers in flight for a moment).
//! The first query using a phrase after a commit computes it exactly as an uncached query
//! would (over the whole segment); the total size is capped.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

/// Bytes of cached postings (8 per document) above which a generation's entries are dropped.
const MAX_BYTES: usize = 256 << 20;

type Generation = BTreeMap<SegmentId, Option<u64>>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    segment: SegmentId,
    terms: Vec<(usize, Term)>,
    /// The boost the scorer was asked for (f32 bits): it is folded into the BM25 weight.
    boost: u32,
}

/// What the phrase scorer produced for one segment.
#[derive(Debug)]
enum Entry {
    /// tantivy's weight answered with an `EmptyScorer` (a word absent from the segment);
    /// replayed as one too, since boolean queries treat empty scorers specially.
    Empty,
    Docs {
        docs: Vec<DocId>,
        scores: Vec<Score>,
        size_hint: u32,
        cost: u64,
    },
}

impl Entry {
    fn bytes(&self) -> usize {
        match self {
            Entry::Empty => 0,
            Entry::Docs { docs, .. } => docs.len() * 8 + 64,
        }
    }
}

#[derive(Default)]
struct State {
    /// Most recent first.
    generations: Vec<(Generation, HashMap<Key, Arc<Entry>>, usize)>,
}

impl State {
    fn entries(
        &mut self,
        generation: &Generation,
    ) -> &mut (Generation, HashMap<Key, Arc<Entry>>, usize) {
        match self
            .generations
            .iter()
            .position(|(g, _, _)| g == generation)
        {
            Some(0) => {}
            Some(i) => {
                let g = self.generations.remove(i);
                self.generations.insert(0, g);
            }
            None => {
                self.generations
                    .insert(0, (generation.clone(), HashMap::new(), 0));
                self.generations.truncate(2);
            }
        }
        &mut self.generations[0]
    }
}

/// Shared by every search of a ranker.
#[derive(Default)]
pub struct PhraseCache {
    state: Mutex<State>,
}

impl std::fmt::Debug for PhraseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhraseCache")
    }
}

impl PhraseCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, generation: &Generation, key: &Key) -> Option<Arc<Entry>> {
        self.lock().entries(generation).1.get(key).cloned()
    }

    fn put(&self, generation: &Generation, key: Key, entry: Arc<Entry>) {
        let mut state = self.lock();
        let slot = state.entries(generation);
        slot.2 += entry.bytes();
        if slot.2 > MAX_BYTES {
            slot.1.clear();
            slot.2 = entry.bytes();
        }
        slot.1.insert(key, entry);
    }
}

/// A boosted phrase query (terms with their positions, as [`PhraseQuery::new_with_offset`]
/// takes them, and the boost a [`tantivy::query::BoostQuery`] would wrap it in) answered from
/// the cache when it can be. Scores are those of `BoostQuery::new(PhraseQuery, boost)`.
#[derive(Clone)]
pub struct CachedPhraseQuery {
    terms: Vec<(usize, Term)>,
    boost: Score,
    cache: Arc<PhraseCache>,
}

impl std::fmt::Debug for CachedPhraseQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedPhraseQuery")
            .field("terms", &self.terms)
            .field("boost", &self.boost)
            .finish()
    }
}

impl CachedPhraseQuery {
    /// `terms`: at least two, all of one field.
    pub fn new(terms: Vec<(usize, Term)>, boost: Score, cache: Arc<PhraseCache>) -> Self {
        CachedPhraseQuery {
            terms,
            boost,
            cache,
        }
    }

    fn phrase(&self) -> PhraseQuery {
        PhraseQuery::new_with_offset(self.terms.clone())
    }

    fn key(&self, segment: SegmentId, boost: Score) -> Key {
        Key {
            segment,
            terms: self.terms.clone(),
            boost: boost.to_bits(),
        }
    }
}

/// The searcher scoring uses, when it is also the statistics provider (the only case cached).
fn scoring_searcher<'a>(enable_scoring: &EnableScoring<'a>) -> Option<&'a Searcher> {
    match enable_scoring {
        EnableScoring::Enabled {
            searcher,
            statistics_provider,
        } => {
            let provider = *statistics_provider as *const dyn tantivy::query::Bm25StatisticsProvider
                as *const u8;
            std::ptr::eq(provider, *searcher as *const Searcher as *const u8).then_some(*searcher)
        }
        EnableScoring::Disabled { .. } => None,
    }
}

impl Query for CachedPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = scoring_searcher(&enable_scoring) else {
            // Counting or matching only: a boost changes nothing (as with BoostQuery).
            return self.phrase().weight(enable_scoring);
        };
        let generation = searcher.generation().segments().clone();
        // Entries for a top-level boost of 1 (how boolean queries call their clauses), taken
        // now so a concurrent eviction cannot take them away.
        let mut found = HashMap::new();
        for seg in searcher.segment_readers() {
            let key = self.key(seg.segment_id(), self.boost);
            if let Some(e) = self.cache.get(&generation, &key) {
                found.insert(seg.segment_id(), e);
            }
        }
        // The phrase weight (term statistics) is only needed when some segment misses.
        let inner = if found.len() == searcher.segment_readers().len() {
            None
        } else {
            Some(self.phrase().weight(enable_scoring)?)
        };
        Ok(Box::new(CachedPhraseWeight {
            query: self.clone(),
            generation,
            found,
            inner,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, t) in &self.terms {
            visitor(t, true);
        }
    }
}

struct CachedPhraseWeight {
    query: CachedPhraseQuery,
    generation: Generation,
    found: HashMap<SegmentId, Arc<Entry>>,
    inner: Option<Box<dyn Weight>>,
}

impl CachedPhraseWeight {
    fn entry(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Arc<Entry>> {
        // What BoostWeight passes down to the phrase scorer.
        let boost = boost * self.query.boost;
        if boost.to_bits() == self.query.boost.to_bits()
            && let Some(e) = self.found.get(&reader.segment_id())
        {
            return Ok(e.clone());
        }
        let key = self.query.key(reader.segment_id(), boost);
        let cache = &self.query.cache;
        if let Some(e) = cache.get(&self.generation, &key) {
            return Ok(e);
        }
        let Some(inner) = &self.inner else {
            return Err(tantivy::TantivyError::InternalError(format!(
                "phrase cache: no entry for boost {boost}"
            )));
        };
        let mut scorer = inner.scorer(reader, boost)?;
        let entry = if scorer.is::<EmptyScorer>() {
            Entry::Empty
        } else {
            let (size_hint, cost) = (scorer.size_hint(), scorer.cost());
            let (mut docs, mut scores) = (Vec::new(), Vec::new());
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                docs.push(doc);
                scores.push(scorer.score());
                doc = scorer.advance();
            }
            Entry::Docs {
                docs,
                scores,
                size_hint,
                cost,
            }
        };
        let entry = Arc::new(entry);
        cache.put(&self.generation, key, entry.clone());
        Ok(entry)
    }
}

impl Weight for CachedPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let entry = self.entry(reader, boost)?;
        Ok(match *entry {
            Entry::Empty => Box::new(EmptyScorer),
            Entry::Docs { .. } => Box::new(CachedScorer { entry, pos: 0 }),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = self.scorer(reader, 1.0)?;
        if s.doc() > doc || s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        Ok(Explanation::new("cached phrase", s.score()))
    }
}

/// Replays an [`Entry::Docs`].
struct CachedScorer {
    entry: Arc<Entry>,
    pos: usize,
}

impl CachedScorer {
    fn parts(&self) -> (&[DocId], &[Score], u32, u64) {
        match &*self.entry {
            Entry::Docs {
                docs,
                scores,
                size_hint,
                cost,
            } => (docs, scores, *size_hint, *cost),
            Entry::Empty => (&[], &[], 0, 0),
        }
    }
}

impl DocSet for CachedScorer {
    fn advance(&mut self) -> DocId {
        self.pos += 1;
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let docs = self.parts().0;
        if self.pos < docs.len() && docs[self.pos] < target {
            self.pos += docs[self.pos..].partition_point(|d| *d < target);
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.parts().0.get(self.pos).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.parts().2
    }

    fn cost(&self) -> u64 {
        self.parts().3
    }
}

impl Scorer for CachedScorer {
    fn score(&mut self) -> Score {
        self.parts().1.get(self.pos).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::queries;
    use crate::index::CreatorIndex;
    use crate::rank::{expand, retrieve};
    use tantivy::DocAddress;
    use tantivy::collector::{Count, TopDocs};

    /// (total, every match with its score's bits), uncached and cached.
    fn run(
        index: &CreatorIndex,
        cache: &Arc<PhraseCache>,
    ) -> Vec<[(usize, Vec<(u32, DocAddress)>); 2]> {
        let tax = crate::extract::Taxonomy::builtin();
        let f = &index.fields;
        let searcher = index.searcher();
        let mut out = Vec::new();
        for r in queries::requests() {
            let exp = expand::expand(&tax, &r.query);
            let syn: Vec<(String, f32)> = exp.synonyms.iter().map(|s| (s.clone(), 0.4)).collect();
            let fields = retrieve::text_fields(f);
            let plain = retrieve::text_query(index.tantivy(), &fields, &r.query, &syn);
            let cached =
                retrieve::text_query_cached(index.tantivy(), &fields, &r.query, &syn, Some(cache));
            let pair = [plain, cached].map(|q| {
                let q = retrieve::combine(
                    q,
                    retrieve::filter_clauses(f, &r.filters, &[], chrono::Utc::now()),
                );
                let (n, top) = searcher
                    .search(&q, &(Count, TopDocs::with_limit(10_000).order_by_score()))
                    .unwrap();
                (n, top.into_iter().map(|(s, a)| (s.to_bits(), a)).collect())
            });
            out.push(pair);
        }
        out
    }

    #[test]
    fn cached_phrases_give_the_same_matches_and_scores() {
        let dir = tempfile::tempdir().unwrap();
        crate::bench::index_bench::build(150, 5, dir.path()).unwrap();
        let index = CreatorIndex::open_existing(dir.path()).unwrap();
        let cache = Arc::new(PhraseCache::default());
        // Cold, then warm: identical to the uncached query both times.
        for _ in 0..2 {
            let runs = run(&index, &cache);
            assert!(runs.iter().any(|[a, _]| a.0 > 0));
            for [plain, cached] in runs {
                assert_eq!(plain, cached);
            }
        }
        // Phrases did match (the test compares something) and were cached.
        let matched = cache.lock().generations[0]
            .1
            .values()
            .filter(|e| matches!(&***e, Entry::Docs { docs, .. } if !docs.is_empty()))
            .count();
        assert!(matched >= 10, "{matched}");
        // A commit changes the statistics: the next generation's entries are computed anew.
        {
            let world = crate::bench::world::offline_world(5, 200);
            let ex = crate::extract::Extractor::new(&crate::config::Config::default()).unwrap();
            let mut w = index.writer().unwrap();
            for i in 150..200 {
                let raw = world.raw_profile(i);
                w.upsert(&ex.extract(&raw, &[], chrono::Utc::now()), &raw)
                    .unwrap();
            }
            w.commit(None, None).unwrap();
            w.close().unwrap();
        }
        index.reload().unwrap();
        for [plain, cached] in run(&index, &cache) {
            assert_eq!(plain, cached);
        }
        assert_eq!(cache.lock().generations.len(), 2);
    }
}
