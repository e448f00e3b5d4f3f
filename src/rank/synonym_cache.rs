//! The taxonomy synonyms of a query as one cached clause: the costliest part of retrieval,
//! made a lookup.
//!
//! A niche query is expanded to its niche's names in six languages ("vegan skincare" →
//! "cosmética vegana", "vegane Hautpflege", "cruelty free skincare"...), each searched (a term
//! or a phrase) in every text field: a hundred clauses or more, most of them phrase queries
//! that read the positions of every document holding all their words. Those clauses come from
//! the taxonomy, not from the user: every query about the same niches brings the same ones.
//!
//! [`SynonymClauses`] stands for the disjunction of those clauses, in order (the text query's
//! synonym half, beside the typed words' own disjunction: see [`super::retrieve`]). Per
//! segment it evaluates each clause with tantivy's own scorer once, and keeps the documents
//! any of them matches with the sum of their scores, added in clause order from 0 — exactly
//! what tantivy's union of them computes (it adds a document's clause scores in clause
//! order). Replayed in its place, the block gives the same documents and the same scores, to
//! the bit; its cost estimate is the clauses' total, as the union's is, so query planning does
//! not change.
//!
//! Entries belong to one searcher generation (BM25 statistics change with any segment); the
//! last two generations are kept (a reload leaves older searchers in flight for a moment).
//! The first query using a synonym set after a commit evaluates the clauses over the whole
//! segment, as an uncached query would; the total size is capped.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// Bytes of cached postings (8 per document) above which a generation's entries are dropped.
const MAX_BYTES: usize = 256 << 20;

type Generation = BTreeMap<SegmentId, Option<u64>>;

/// A synonym set as its clauses print (field, terms and boost of each): equal keys are equal
/// clause lists.
type ClausesKey = Arc<str>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    segment: SegmentId,
    clauses: ClausesKey,
    /// The boost the block was scored with (f32 bits).
    boost: u32,
}

/// The block's matches in one segment.
#[derive(Debug)]
enum Entry {
    /// No clause matches in the segment: tantivy would have dropped every clause, so the block
    /// is an `EmptyScorer` (boolean queries remove those).
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
            Entry::Empty => 16,
            Entry::Docs { docs, .. } => docs.len() * 8 + 64,
        }
    }
}

type Slot = (Generation, HashMap<Key, Arc<Entry>>, usize);

#[derive(Default)]
struct State {
    /// Most recent first, at most two.
    generations: Vec<Slot>,
}

impl State {
    fn slot(&mut self, generation: &Generation) -> &mut Slot {
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
pub struct SynonymCache {
    state: Mutex<State>,
    /// Compiled clause lists by synonym set and fields (analysing a hundred phrases per query
    /// costs more than looking them up).
    compiled: Mutex<HashMap<String, SynonymClauses>>,
}

/// Compiled synonym sets kept; beyond it the list starts over.
const MAX_COMPILED: usize = 4096;

impl std::fmt::Debug for SynonymCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SynonymCache")
    }
}

impl SynonymCache {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, generation: &Generation, key: &Key) -> Option<Arc<Entry>> {
        self.lock().slot(generation).1.get(key).cloned()
    }

    fn put(&self, generation: &Generation, key: Key, entry: Arc<Entry>) {
        let mut state = self.lock();
        let slot = state.slot(generation);
        slot.2 += entry.bytes();
        if slot.2 > MAX_BYTES {
            slot.1.clear();
            slot.2 = entry.bytes();
        }
        slot.1.insert(key, entry);
    }

    /// The synonym block for `synonyms` searched in `fields`, compiled by `build` the first
    /// time (`None` when it yields no clause).
    pub fn clauses(
        self: &Arc<Self>,
        fields: &[(tantivy::schema::Field, f32)],
        synonyms: &[(String, f32)],
        build: impl FnOnce() -> Vec<Box<dyn Query>>,
    ) -> Option<SynonymClauses> {
        let key = format!("{fields:?}{synonyms:?}");
        let mut compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = compiled.get(&key) {
            return Some(c.clone());
        }
        let clauses = build();
        if clauses.is_empty() {
            return None;
        }
        let c = SynonymClauses::new(clauses, self.clone());
        if compiled.len() >= MAX_COMPILED {
            compiled.clear();
        }
        compiled.insert(key, c.clone());
        Some(c)
    }

    /// Documents held, over every entry (for tests and diagnostics).
    pub fn cached_docs(&self) -> usize {
        self.lock()
            .generations
            .iter()
            .flat_map(|(_, m, _)| m.values())
            .map(|e| match &**e {
                Entry::Empty => 0,
                Entry::Docs { docs, .. } => docs.len(),
            })
            .sum()
    }

    /// Generations with entries.
    pub fn generations(&self) -> usize {
        self.lock().generations.len()
    }
}

/// The synonym clauses of a text query (each a boosted term or phrase query, in the order the
/// text query lists them), answered as one.
#[derive(Clone)]
pub struct SynonymClauses {
    clauses: Arc<[Box<dyn Query>]>,
    key: ClausesKey,
    cache: Arc<SynonymCache>,
}

impl std::fmt::Debug for SynonymClauses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SynonymClauses")
            .field("clauses", &self.clauses.len())
            .finish()
    }
}

impl SynonymClauses {
    /// `clauses`: not empty.
    pub fn new(clauses: Vec<Box<dyn Query>>, cache: Arc<SynonymCache>) -> SynonymClauses {
        let key: String = clauses.iter().map(|c| format!("{c:?}\n")).collect();
        SynonymClauses {
            clauses: clauses.into(),
            key: key.into(),
            cache,
        }
    }

    fn key(&self, segment: SegmentId, boost: Score) -> Key {
        Key {
            segment,
            clauses: self.key.clone(),
            boost: boost.to_bits(),
        }
    }

    /// The clauses as tantivy would run them (for counting and matching without scores).
    fn plain(&self) -> BooleanQuery {
        BooleanQuery::new(
            self.clauses
                .iter()
                .map(|c| (Occur::Should, c.box_clone()))
                .collect(),
        )
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

impl Query for SynonymClauses {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = scoring_searcher(&enable_scoring) else {
            // Matching only: the clauses as they are.
            return self.plain().weight(enable_scoring);
        };
        let generation = searcher.generation().segments().clone();
        // Entries for the boost boolean queries score their clauses with (1), taken now so a
        // concurrent eviction cannot take them away.
        let mut found = HashMap::new();
        for seg in searcher.segment_readers() {
            if let Some(e) = self
                .cache
                .get(&generation, &self.key(seg.segment_id(), 1.0))
            {
                found.insert(seg.segment_id(), e);
            }
        }
        // The clauses' weights (term statistics) are only needed when some segment misses.
        let inner = if found.len() == searcher.segment_readers().len() {
            Vec::new()
        } else {
            self.clauses
                .iter()
                .map(|c| c.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        };
        Ok(Box::new(SynonymWeight {
            query: self.clone(),
            generation,
            found,
            inner,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for c in self.clauses.iter() {
            c.query_terms(visitor);
        }
    }
}

struct SynonymWeight {
    query: SynonymClauses,
    generation: Generation,
    found: HashMap<SegmentId, Arc<Entry>>,
    /// One weight per clause; empty when every segment was cached.
    inner: Vec<Box<dyn Weight>>,
}

impl SynonymWeight {
    fn entry(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Arc<Entry>> {
        if boost == 1.0
            && let Some(e) = self.found.get(&reader.segment_id())
        {
            return Ok(e.clone());
        }
        let key = self.query.key(reader.segment_id(), boost);
        let cache = &self.query.cache;
        if let Some(e) = cache.get(&self.generation, &key) {
            return Ok(e);
        }
        if self.inner.is_empty() {
            return Err(tantivy::TantivyError::InternalError(format!(
                "synonym cache: no entry for boost {boost}"
            )));
        }
        let entry = Arc::new(evaluate(&self.inner, reader, boost)?);
        cache.put(&self.generation, key, entry.clone());
        Ok(entry)
    }
}

/// Every clause over the whole segment, summed per document in clause order.
fn evaluate(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Entry> {
    let mut sums: Vec<Score> = vec![0.0; reader.max_doc() as usize];
    let mut hit = vec![false; reader.max_doc() as usize];
    let (mut cost, mut sizes) = (0u64, Vec::new());
    for w in weights {
        let mut s = w.scorer(reader, boost)?;
        // The union tantivy builds drops these clauses: they add no cost and no estimate.
        if s.is::<EmptyScorer>() || s.doc() == TERMINATED {
            continue;
        }
        cost += s.cost();
        sizes.push(s.size_hint());
        let mut doc = s.doc();
        while doc != TERMINATED {
            sums[doc as usize] += s.score();
            hit[doc as usize] = true;
            doc = s.advance();
        }
    }
    if sizes.is_empty() {
        return Ok(Entry::Empty);
    }
    let docs: Vec<DocId> = (0..reader.max_doc()).filter(|d| hit[*d as usize]).collect();
    let scores = docs.iter().map(|d| sums[*d as usize]).collect();
    Ok(Entry::Docs {
        size_hint: estimate_union(&sizes, reader.num_docs()),
        docs,
        scores,
        cost,
    })
}

/// tantivy's estimate for a union (`query::size_hint::estimate_union`, not public): only an
/// estimate, kept alike for the planner's sake.
fn estimate_union(sizes: &[u32], max_docs: u32) -> u32 {
    if max_docs == 0 {
        return 0;
    }
    let mut not_in_any = 1.0f64;
    for s in sizes {
        not_in_any *= 1.0 - (f64::from(*s) / f64::from(max_docs)) * 0.8;
    }
    (f64::from(max_docs) * (1.0 - not_in_any))
        .round()
        .min(f64::from(max_docs)) as u32
}

impl Weight for SynonymWeight {
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
        Ok(Explanation::new("taxonomy synonyms", s.score()))
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
    use crate::index::CreatorIndex;
    use crate::rank::{expand, retrieve};
    use tantivy::DocAddress;
    use tantivy::collector::{Count, TopDocs};

    type Hits = (usize, Vec<(u32, DocAddress)>);

    /// For each benchmark query: (total, every match with its score's bits), uncached and
    /// cached.
    fn run(index: &CreatorIndex, cache: &Arc<SynonymCache>) -> Vec<[Hits; 2]> {
        let tax = crate::extract::Taxonomy::builtin();
        let f = &index.fields;
        let searcher = index.searcher();
        let mut out = Vec::new();
        for r in crate::testgen::requests() {
            let exp = expand::expand(&tax, &r.query);
            let syn: Vec<(String, f32)> = exp
                .synonyms
                .iter()
                .map(|s| (s.clone(), crate::rank::constants::SYNONYM_WEIGHT))
                .collect();
            let fields = retrieve::text_fields(f);
            let plain = retrieve::text_query(index.tantivy(), &fields, &r.query, &syn);
            let cached =
                retrieve::text_query_cached(index.tantivy(), &fields, &r.query, &syn, Some(cache));
            let pair = [plain, cached].map(|q| {
                let filters = retrieve::filter_clauses(
                    f,
                    &r.filters,
                    &Default::default(),
                    chrono::Utc::now(),
                );
                let q = retrieve::combine(q, filters);
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
    fn cached_synonyms_give_the_same_matches_and_scores() {
        let (dir, index) = crate::testgen::index(5, 0..150);
        let cache = Arc::new(SynonymCache::default());
        // Cold, then warm: identical to the uncached query both times.
        for _ in 0..2 {
            let runs = run(&index, &cache);
            assert!(runs.iter().filter(|[a, _]| a.0 > 0).count() >= 25);
            for [plain, cached] in runs {
                assert_eq!(plain, cached);
            }
        }
        // Synonyms did match (the comparison covers them) and were cached.
        assert!(cache.cached_docs() >= 100, "{}", cache.cached_docs());
        // A commit changes the statistics: the next generation's entries are computed anew.
        crate::testgen::add(dir.path(), 5, 150..200).unwrap();
        index.reload().unwrap();
        for [plain, cached] in run(&index, &cache) {
            assert_eq!(plain, cached);
        }
        assert_eq!(cache.generations(), 2);
    }
}
