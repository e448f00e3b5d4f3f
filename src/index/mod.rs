//! The tantivy index of creators: the only module that touches tantivy's writer.
//!
//! One document per creator, keyed by `id`; an upsert deletes by id and adds, so crawling the
//! same seeds twice leaves one record per creator. Each commit carries a JSON payload with a
//! monotonically increasing `generation` and the last crawl's summary, written atomically with
//! the commit by tantivy itself.

pub(crate) mod cjk;
pub mod compact;
pub mod doc;
pub mod merge;
pub(crate) mod post_terms;
pub(crate) mod schema;
pub(crate) mod signals;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

pub use crate::extract::audience_text;
pub use doc::{StoredCreator, posts_text};
pub use schema::Fields;

use crate::error::{Error, Result};
use crate::model::{CreatorRecord, RawProfile, creator_id};

/// Memory for tantivy's indexing buffer; bigger batches, fewer segments.
const WRITER_HEAP_BYTES: usize = 100_000_000;

/// The stored documents' compression block. Reading one creator decompresses its whole
/// block, and a search reads a few dozen creators (the page, the feedback creators' posts)
/// at random: with tantivy's default 16 KiB a block holds two or three creators (~6 KiB
/// each, raw profile included) and two thirds of every decompression is thrown away. At
/// 4 KiB a block is about one creator: the 100k-creator index grows 11 % (376 → 417 MB) and
/// a search's mean time falls 7 % (BENCHMARKS.md).
const DOCSTORE_BLOCK_BYTES: usize = 4096;

/// What each commit records next to the data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitMeta {
    pub generation: u64,
    pub schema_version: u32,
    /// Summary of the last crawl that committed (its JSON form).
    #[serde(default)]
    pub last_crawl: Option<serde_json::Value>,
}

/// Cloning gives another handle on the same index and the same reader (a reload through one
/// is seen through every other).
#[derive(Clone)]
pub struct CreatorIndex {
    index: Index,
    pub fields: Fields,
    path: PathBuf,
    reader: IndexReader,
}

impl CreatorIndex {
    /// Open the index at `path`, creating the folder and an empty index when absent.
    pub fn open_or_create(path: &Path) -> Result<CreatorIndex> {
        std::fs::create_dir_all(path)
            .map_err(|e| Error::io(format!("cannot create index folder {}", path.display()), e))?;
        let (schema, fields) = schema::build();
        let dir = MmapDirectory::open(path).map_err(|e| {
            Error::Other(format!("cannot open index folder {}: {e}", path.display()))
        })?;
        // A new index gets scout's store settings; an existing one keeps those it was made with.
        let settings = tantivy::IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..Default::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .open_or_create(dir)
            .map_err(|e| match e {
                tantivy::TantivyError::SchemaError(msg) => Error::Other(format!(
                    "the index at {} was written by another version of scout ({msg}); \
                 move it away or pass --index to use a fresh folder",
                    path.display()
                )),
                other => index_err(path, other),
            })?;
        Self::finish(index, fields, path)
    }

    /// Open an existing index; a clear error when there is none yet.
    pub fn open_existing(path: &Path) -> Result<CreatorIndex> {
        if !path.join("meta.json").exists() {
            return Err(Error::Usage(format!(
                "no index at {} yet: run `scout crawl SEED...` or `scout demo` first (or pass --index DIR)",
                path.display()
            )));
        }
        Self::open_or_create(path)
    }

    fn finish(index: Index, fields: Fields, path: &Path) -> Result<CreatorIndex> {
        schema::register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| index_err(path, e))?;
        let index = CreatorIndex {
            index,
            fields,
            path: path.to_path_buf(),
            reader,
        };
        // Same field names, other analysers (e.g. before CJK bigrams): tantivy cannot tell,
        // and queries would silently miss. The version each commit records can.
        let meta = index.meta()?;
        if meta.generation > 0 && meta.schema_version != schema::SCHEMA_VERSION {
            return Err(Error::Other(format!(
                "the index at {} was written with schema version {} and this scout reads                  version {}; move it away or pass --index to use a fresh folder, then crawl again",
                path.display(),
                meta.schema_version,
                schema::SCHEMA_VERSION
            )));
        }
        Ok(index)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// See the latest commit now (the reader also reloads by itself shortly after a commit,
    /// including commits by other processes).
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| index_err(&self.path, e))
    }

    /// The latest commit's metadata (generation, last crawl, resume state).
    pub fn meta(&self) -> Result<CommitMeta> {
        let metas = self
            .index
            .load_metas()
            .map_err(|e| index_err(&self.path, e))?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default())
    }

    /// Live (non-deleted, not gone) creators in the searcher's view.
    pub fn num_docs(&self) -> u64 {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_u64(self.fields.gone, 0),
            IndexRecordOption::Basic,
        );
        searcher.search(&q, &Count).map(|n| n as u64).unwrap_or(0)
    }

    /// Look a creator up by id, canonical profile URL, or handle.
    pub fn get(&self, key: &str) -> Result<Option<StoredCreator>> {
        let key = key.trim();
        let searcher = self.searcher();
        let f = &self.fields;
        let mut terms = vec![
            Term::from_field_text(f.id, key),
            Term::from_field_text(f.profile_url, key),
            Term::from_field_text(f.id, &creator_id(key)),
            Term::from_field_text(f.handle, &key.trim_start_matches('@').to_lowercase()),
        ];
        if let Some(u) = crate::net::urlnorm::parse_http(key) {
            terms.push(Term::from_field_text(f.profile_url, u.as_str()));
        }
        for term in terms {
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            let top = searcher
                .search(&q, &TopDocs::with_limit(1).order_by_score())
                .map_err(|e| index_err(&self.path, e))?;
            if let Some((_, addr)) = top.first() {
                let d: TantivyDocument =
                    searcher.doc(*addr).map_err(|e| index_err(&self.path, e))?;
                return Ok(doc::from_document(f, &d));
            }
        }
        Ok(None)
    }

    /// Visit every stored creator (gone ones included), segment by segment, without holding
    /// them all in memory.
    pub fn for_each(&self, mut visit: impl FnMut(StoredCreator) -> Result<()>) -> Result<()> {
        let searcher = self.searcher();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(64)
                .map_err(|e| Error::io(format!("reading {}", self.path.display()), e))?;
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument = store.get(doc_id).map_err(|e| index_err(&self.path, e))?;
                if let Some(c) = doc::from_document(&self.fields, &d) {
                    visit(c)?;
                }
            }
        }
        Ok(())
    }

    /// Take the single writer lock. Another writer (a crawl in another process) → IndexLocked.
    pub fn writer(&self) -> Result<CreatorWriter> {
        let writer: IndexWriter = self.index.writer(WRITER_HEAP_BYTES).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(_, detail) => Error::IndexLocked {
                path: self.path.clone(),
                detail: detail.unwrap_or_else(|| "writer lock held".into()),
            },
            other => index_err(&self.path, other),
        })?;
        let meta = self.meta()?;
        Ok(CreatorWriter {
            writer,
            fields: self.fields.clone(),
            path: self.path.clone(),
            generation: meta.generation,
            pending: 0,
        })
    }
}

/// A creator's document (not gone) built away from the writer — in the read's CPU task,
/// beside its extraction — so that the crawl loop, which owns the writer, only hands it over.
/// The same document [`CreatorWriter::upsert`] would build from the same record and raw data.
pub struct PreparedDoc {
    id: String,
    doc: TantivyDocument,
}

impl PreparedDoc {
    pub fn new(fields: &Fields, record: &CreatorRecord, raw: &RawProfile) -> PreparedDoc {
        PreparedDoc {
            id: record.id.clone(),
            doc: doc::to_document(fields, record, raw, false),
        }
    }
}

pub struct CreatorWriter {
    writer: IndexWriter,
    fields: Fields,
    path: PathBuf,
    generation: u64,
    pending: usize,
}

impl CreatorWriter {
    /// Insert or replace the creator with `record.id`.
    pub fn upsert(&mut self, record: &CreatorRecord, raw: &RawProfile) -> Result<()> {
        self.put(record, raw, false)
    }

    /// Keep the record but hide it from search (the source answered 404/410 repeatedly).
    pub fn mark_gone(&mut self, record: &CreatorRecord, raw: &RawProfile) -> Result<()> {
        self.put(record, raw, true)
    }

    /// Insert or replace a creator whose document was built ahead ([`PreparedDoc::new`]).
    pub fn upsert_prepared(&mut self, prepared: PreparedDoc) -> Result<()> {
        self.add(&prepared.id, prepared.doc)
    }

    fn put(&mut self, record: &CreatorRecord, raw: &RawProfile, gone: bool) -> Result<()> {
        self.add(
            &record.id,
            doc::to_document(&self.fields, record, raw, gone),
        )
    }

    fn add(&mut self, id: &str, document: TantivyDocument) -> Result<()> {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, id));
        self.writer
            .add_document(document)
            .map_err(|e| index_err(&self.path, e))?;
        self.pending += 1;
        Ok(())
    }

    pub fn delete(&mut self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, id));
        self.pending += 1;
    }

    /// Changes since the last commit.
    pub fn pending(&self) -> usize {
        self.pending
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Make everything so far durable, with the next generation number and the last crawl's
    /// summary in the same atomic commit. (A crawl's resume state lives beside the index, in
    /// `crawl::state`, written before the commit and promoted after it.)
    pub fn commit(&mut self, last_crawl: Option<serde_json::Value>) -> Result<u64> {
        let meta = CommitMeta {
            generation: self.generation + 1,
            schema_version: schema::SCHEMA_VERSION,
            last_crawl,
        };
        let payload = serde_json::to_string(&meta).expect("meta serialises");
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|e| index_err(&self.path, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| index_err(&self.path, e))?;
        self.generation += 1;
        self.pending = 0;
        Ok(self.generation)
    }

    /// Wait for merges to finish and release the lock.
    pub fn close(self) -> Result<()> {
        let path = self.path.clone();
        self.writer
            .wait_merging_threads()
            .map_err(|e| index_err(&path, e))
    }
}

fn index_err(path: &Path, source: tantivy::TantivyError) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_index_gets_small_store_blocks_and_an_old_one_keeps_its_own() {
        let fresh = tempfile::tempdir().unwrap();
        let index = CreatorIndex::open_or_create(fresh.path()).unwrap();
        assert_eq!(
            index.tantivy().settings().docstore_blocksize,
            DOCSTORE_BLOCK_BYTES
        );

        // An index made with tantivy's defaults (as scout made them before) still opens.
        let old = tempfile::tempdir().unwrap();
        let dir = MmapDirectory::open(old.path()).unwrap();
        Index::create(dir, schema::build().0, tantivy::IndexSettings::default()).unwrap();
        let index = CreatorIndex::open_or_create(old.path()).unwrap();
        assert_eq!(index.tantivy().settings().docstore_blocksize, 16_384);
    }

    /// Query expansion learns from `post_words` what it used to re-tokenise from the raw
    /// profile: each post's distinct words as the `posts` analyser cuts its text and hashtags.
    #[test]
    fn stored_post_words_are_each_posts_distinct_words() {
        use crate::model::Post;
        let (_dir, index) = crate::testgen::index(7, 0..40);
        let searcher = index.searcher();
        let mut analyzer = index
            .tantivy()
            .tokenizer_for_field(index.fields.posts)
            .unwrap();
        let mut words_of = |p: &Post| {
            let mut set = std::collections::BTreeSet::new();
            post_terms::words_by_part(&mut analyzer, p, None, &mut set);
            set.into_iter().collect::<Vec<String>>()
        };
        let mut posts_seen = 0;
        for (s, seg) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..seg.max_doc() {
                let at = tantivy::DocAddress::new(s as u32, doc);
                let stored = searcher.doc::<doc::PostWordsOnly>(at).unwrap();
                let full: TantivyDocument = searcher.doc(at).unwrap();
                let raw = doc::raw_from_document(&index.fields, &full).unwrap();
                let lines: Vec<Vec<String>> = stored
                    .posts()
                    .map(|p| p.map(str::to_string).collect())
                    .collect();
                let want: Vec<Vec<String>> = raw.posts.iter().map(&mut words_of).collect();
                assert_eq!(lines.len(), want.len().max(1));
                assert_eq!(&lines[..want.len()], &want[..]);
                posts_seen += want.len();
                // Reading stops there; the record, stored after it, still reads.
                let rec = searcher.doc::<doc::RecordOnly>(at).unwrap();
                assert!(rec.record.is_some());
                // The record's stored JSON, as the stored document holds it.
                let json = searcher.doc::<doc::RecordJson>(at).unwrap().0.unwrap();
                assert_eq!(
                    Some(json.as_str()),
                    full.get_first(index.fields.record)
                        .and_then(|v| tantivy::schema::Value::as_str(&v))
                );
            }
        }
        assert!(posts_seen > 100, "{posts_seen}");
        // Accents folded, CJK in bigrams, hashtags counted, a post without words kept.
        let raw = RawProfile {
            posts: vec![
                Post {
                    text: "Café ☕ スキンケア".into(),
                    hashtags: vec!["SlowTravel".into()],
                    ..Default::default()
                },
                Post::default(),
            ],
            ..Default::default()
        };
        let words = post_terms::of(&raw, Some("fr")).neutral;
        assert_eq!(words, "cafe slowtravel キン ケア スキ ンケ\n");
    }
}
