//! A candidate of one search: its signals borrowed from the segment's table, its score parts,
//! what the fit filters found, and its stored document, read only when its posts are needed.

use tantivy::schema::OwnedValue;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::fit::avoid::PhraseHits;
use super::fit::{ShipToFit, ValuesMatch};
use super::score::{Parts, Signal};
use crate::error::{Error, Result};
use crate::index::Fields;
use crate::index::doc::raw_from_document;
use crate::index::signals::RankSignals;
use crate::model::RawProfile;

/// A candidate being scored: its signals (borrowed from the segment's table), never its
/// stored document unless its posts must be read.
pub(super) struct Candidate<'a> {
    pub(super) addr: DocAddress,
    pub(super) sig: &'a RankSignals,
    pub(super) parts: Parts,
    pub(super) score: f64,
    pub(super) fit: FitOutcome<'a>,
    pub(super) raw: Option<RawProfile>,
}

/// What the fit filters found for one candidate; turned into record fields and `explain`
/// details for the page only.
#[derive(Default)]
pub(super) struct FitOutcome<'a> {
    pub(super) buyer_match: Option<f64>,
    /// `Some` when `ship_to` was given: the fit, `None` inside when it cannot be told.
    pub(super) ship_to: Option<Option<ShipToFit>>,
    /// `avoid` given: the avoided categories the creator is flagged for.
    pub(super) flagged: Option<Vec<&'a str>>,
    /// Unmatched `avoid` phrases found in the bio and posts.
    pub(super) phrases: Option<PhraseHits>,
    /// `values` given and settled (read, or ruled out by the index).
    pub(super) values: Option<ValuesMatch>,
}

pub(super) fn read_err(e: tantivy::TantivyError) -> Error {
    Error::Other(format!("reading a stored creator failed: {e}"))
}

impl Candidate<'_> {
    pub(super) fn set(&mut self, signal: Signal, contribution: f64) {
        self.parts.set(signal, contribution);
        self.score = self.parts.total();
    }

    /// The bio and the posts' text and hashtags only: what `values` and `avoid` read. Parsing
    /// skips the comments (most of a stored profile) without building them.
    pub(super) fn own_words(&mut self, searcher: &Searcher) -> Result<RawProfile> {
        if let Some(raw) = &self.raw {
            return Ok(raw.clone());
        }
        own_words_at(searcher, self.addr)
    }

    pub(super) fn raw(&mut self, searcher: &Searcher, f: &Fields) -> Result<&RawProfile> {
        if self.raw.is_none() {
            let d: TantivyDocument = searcher.doc(self.addr).map_err(read_err)?;
            self.raw = Some(raw_from_document(f, &d).unwrap_or_default());
        }
        Ok(self.raw.as_ref().expect("just loaded"))
    }
}

/// The bio and the posts' text and hashtags of the creator at `addr` (see
/// [`Candidate::own_words`]).
pub(super) fn own_words_at(searcher: &Searcher, addr: DocAddress) -> Result<RawProfile> {
    let slim = searcher
        .doc::<OwnWordsOnly>(addr)
        .map_err(read_err)?
        .0
        .unwrap_or_default();
    Ok(RawProfile {
        bio: slim.bio,
        posts: slim
            .posts
            .into_iter()
            .map(|p| crate::model::Post {
                text: p.text,
                hashtags: p.hashtags,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    })
}

/// A stored document read only as far as its raw profile's own words: the other stored
/// fields are passed over without being built into a document.
struct OwnWordsOnly(Option<OwnWords>);

impl DocumentDeserialize for OwnWordsOnly {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let raw = crate::index::doc::raw_field();
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            if field == raw {
                let words = match value {
                    OwnedValue::Bytes(b) => serde_json::from_slice(&b).ok(),
                    _ => None,
                };
                return Ok(OwnWordsOnly(words));
            }
        }
        Ok(OwnWordsOnly(None))
    }
}

/// The part of a stored raw profile the creator wrote (see [`Candidate::own_words`]).
#[derive(Default, serde::Deserialize)]
struct OwnWords {
    #[serde(default)]
    bio: String,
    #[serde(default)]
    posts: Vec<OwnPost>,
}

#[derive(serde::Deserialize)]
struct OwnPost {
    #[serde(default)]
    text: String,
    #[serde(default)]
    hashtags: Vec<String>,
}

/// f64 with a total order, for the heap.
#[derive(PartialEq)]
pub(super) struct Ordered(pub(super) f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
