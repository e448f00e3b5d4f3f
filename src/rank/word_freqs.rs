//! How many creators use a word in their posts, remembered per segment.
//!
//! Learning a query's expansion terms ([`super::feedback`]) compares each word of the
//! feedback creators' posts with its language's population: a stem, a term of `post_terms`
//! and its document frequency in every segment — 80 to 200 words per expanded query, ~1.6 µs
//! each, a tenth of the slowest queries' time. The words are the corpus's, not the user's, and
//! come back with every query about the same niche. A segment never changes, so neither does
//! a term's document frequency in it (tantivy's, deleted documents included until a merge
//! drops them, as BM25 counts them): entries are kept per segment, exact for any searcher, and
//! all dropped when there are more than [`MAX_ENTRIES`].
//!
//! Query focus ([`super::focus`]) weighs each form of the query's words and synonyms by the
//! same kind of frequency, through [`WordFreqs::doc_freq`].

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::index::SegmentId;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::index::post_terms::stem_token;

/// About 60 bytes each: 12 MiB at most.
const MAX_ENTRIES: usize = 200_000;

/// (language code or "", U+0001, neutral token) → its `post_terms` document frequency in the
/// segment; `None` for a stop word of the language (no stem). A term looked up as such
/// ([`WordFreqs::doc_freq`]) is keyed (U+0002, field number, U+0002, text).
type Segment = HashMap<String, Option<u32>>;

#[derive(Default)]
pub struct WordFreqs {
    state: Mutex<(HashMap<SegmentId, Segment>, usize)>,
}

/// A population's language: its code and stemming analyser.
pub(crate) type Stemming<'a> = Option<(&'static str, &'a mut TextAnalyzer)>;

impl WordFreqs {
    /// Tantivy's document frequency of the text term `term` over `searcher`'s segments, as
    /// `Searcher::doc_freq` gives it. Query focus weighs each form of the query's words and
    /// of its synonyms by it: dozens of terms per query, the same ones query after query.
    pub(crate) fn doc_freq(&self, searcher: &Searcher, term: &Term) -> u64 {
        let Ok(text) = std::str::from_utf8(term.serialized_value_bytes()) else {
            return searcher.doc_freq(term).unwrap_or(0);
        };
        let key = format!("\u{2}{}\u{2}{text}", term.field().field_id());
        self.cached(searcher, &key, |reader| {
            Some(segment_doc_freq(reader, term))
        })
        .unwrap_or(0)
    }

    /// The sum over `searcher`'s segments of `lookup`'s answer for `key`, each segment's
    /// remembered; `None` when a segment's is.
    fn cached(
        &self,
        searcher: &Searcher,
        key: &str,
        mut lookup: impl FnMut(&tantivy::SegmentReader) -> Option<u32>,
    ) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.1 > MAX_ENTRIES {
            *state = Default::default();
        }
        let (segments, entries) = &mut *state;
        let mut total = 0u64;
        for reader in searcher.segment_readers() {
            let segment = segments.entry(reader.segment_id()).or_default();
            let df = match segment.get(key) {
                Some(df) => *df,
                None => {
                    let df = lookup(reader);
                    segment.insert(key.to_owned(), df);
                    *entries += 1;
                    df
                }
            };
            total += u64::from(df?);
        }
        Some(total)
    }

    /// Creators of `searcher` whose posts use `token` (a neutral token; with `stemming`, its
    /// stem in that language); `None` when the language drops it as a stop word.
    pub(crate) fn creators_using(
        &self,
        searcher: &Searcher,
        field: tantivy::schema::Field,
        mut stemming: Stemming<'_>,
        token: &str,
    ) -> Option<u64> {
        let key = format!(
            "{}\u{1}{token}",
            stemming.as_ref().map_or("", |(code, _)| *code)
        );
        let mut term: Option<Option<Term>> = None;
        self.cached(searcher, &key, |reader| {
            let term = term.get_or_insert_with(|| match stemming.as_mut() {
                Some((code, analyzer)) => {
                    let mut stream = analyzer.token_stream(token);
                    let stem = stream.next()?.text.clone();
                    Some(Term::from_field_text(field, &stem_token(code, &stem)))
                }
                None => Some(Term::from_field_text(field, token)),
            });
            term.as_ref().map(|t| segment_doc_freq(reader, t))
        })
    }
}

/// `term`'s document frequency in one segment (0 when it cannot be read).
fn segment_doc_freq(reader: &tantivy::SegmentReader, term: &Term) -> u32 {
    reader
        .inverted_index(term.field())
        .ok()
        .and_then(|i| i.doc_freq(term).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STRING, Schema};
    use tantivy::tokenizer::{Language, SimpleTokenizer, StopWordFilter};
    use tantivy::{Index, doc};

    #[test]
    fn counts_every_segment_and_stays_exact_when_one_is_added() {
        let mut schema = Schema::builder();
        let words = schema.add_text_field("post_terms", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let reader = index.reader().unwrap();
        let add = |writer: &mut tantivy::IndexWriter, terms: &[&str]| {
            for t in terms {
                writer.add_document(doc!(words => *t)).unwrap();
            }
            writer.commit().unwrap();
            reader.reload().unwrap();
            reader.searcher()
        };
        add(&mut writer, &["crimp", "crimp", "en:crimp"]);
        let two = add(&mut writer, &["crimp", "chalk"]);
        assert_eq!(two.segment_readers().len(), 2);
        let freqs = WordFreqs::default();
        assert_eq!(freqs.creators_using(&two, words, None, "crimp"), Some(3));
        assert_eq!(freqs.creators_using(&two, words, None, "chalk"), Some(1));
        assert_eq!(freqs.creators_using(&two, words, None, "nowhere"), Some(0));
        // A stemming language: the stem's term, and no answer for a stop word.
        let mut en = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(StopWordFilter::new(Language::English).unwrap())
            .build();
        assert_eq!(
            freqs.creators_using(&two, words, Some(("en", &mut en)), "crimp"),
            Some(1)
        );
        assert_eq!(
            freqs.creators_using(&two, words, Some(("en", &mut en)), "the"),
            None
        );
        // Remembered per segment: a new segment is counted, the old answer still holds for
        // a searcher that predates it.
        let three = add(&mut writer, &["crimp"]);
        assert_eq!(freqs.creators_using(&three, words, None, "crimp"), Some(4));
        assert_eq!(freqs.creators_using(&two, words, None, "crimp"), Some(3));
        // A term looked up as such: tantivy's own answer, for either searcher, and apart
        // from the word of the same text above.
        for (searcher, t) in [(&two, "en:crimp"), (&three, "en:crimp"), (&three, "crimp")] {
            let term = Term::from_field_text(words, t);
            let want = searcher.doc_freq(&term).unwrap();
            assert_eq!(freqs.doc_freq(searcher, &term), want, "{t}");
            assert_eq!(freqs.doc_freq(searcher, &term), want, "{t}, remembered");
        }
    }
}
