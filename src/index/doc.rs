//! From a creator (record + raw data) to a tantivy document, and back.

use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{OwnedValue, Value};
use tantivy::{DateTime as TDate, TantivyDocument};

use super::schema::Fields;
use super::signals::RankSignals;
use crate::model::{CreatorRecord, RawProfile};

/// What the index stores per creator: the public record, and the raw data it was computed
/// from (so evidence can be shown and signals recomputed without re-crawling).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCreator {
    pub record: CreatorRecord,
    pub raw: Option<RawProfile>,
    pub gone: bool,
}

fn date(dt: chrono::DateTime<chrono::Utc>) -> TDate {
    TDate::from_timestamp_micros(dt.timestamp_micros())
}

/// The creator's own posts, one per line.
pub fn posts_text(raw: &RawProfile) -> String {
    let mut out = String::new();
    for p in &raw.posts {
        out.push_str(&p.text);
        out.push('\n');
    }
    out
}

pub fn to_document(
    f: &Fields,
    rec: &CreatorRecord,
    raw: &RawProfile,
    gone: bool,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &rec.id);
    d.add_text(f.profile_url, &rec.profile_url);
    d.add_text(f.handle, rec.handle.to_lowercase());
    d.add_text(f.platform, rec.platform.as_str());
    if let Some(t) = rec.tier {
        d.add_text(f.tier, t.as_str());
    }
    if let Some(l) = &rec.language {
        d.add_text(f.language, l);
    }
    if let Some((lang, _)) = rec
        .audience_languages
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
    {
        d.add_text(f.audience_lang, lang);
    }
    for n in &rec.niches {
        d.add_text(f.niches, n);
    }
    for flag in &rec.brand_safety_flags {
        d.add_text(f.safety_flags, flag);
    }
    if let Some(n) = rec.followers {
        d.add_u64(f.followers, n);
    }
    if let Some(e) = rec.engagement_rate {
        d.add_f64(f.engagement, e);
    }
    if let Some(s) = rec.sponsored_share {
        d.add_f64(f.sponsored, s);
    }
    if let Some(t) = rec.last_post_at {
        d.add_date(f.last_post, date(t));
    }
    d.add_date(f.fetched, date(rec.fetched_at));
    d.add_u64(f.has_email, u64::from(!rec.emails.is_empty()));
    d.add_u64(f.gone, u64::from(gone));

    d.add_text(f.name, format!("{} {}", rec.display_name, rec.handle));
    d.add_text(f.bio, &rec.bio);
    let posts = posts_text(raw);
    d.add_text(f.posts, &posts);
    let mut tags: Vec<&str> = raw
        .posts
        .iter()
        .flat_map(|p| p.hashtags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    d.add_text(f.hashtags, tags.join(" "));
    let words = super::post_terms::of(raw, rec.language.as_deref());
    d.add_text(f.post_terms, words.terms);
    // Stored values are written in the order they are added: this one before the record
    // and the raw profile, so `PostWordsOnly` stops reading before them.
    d.add_text(f.post_words, words.neutral);
    d.add_text(
        f.themes,
        format!(
            "{} {}",
            rec.themes.join(" "),
            rec.niches.join(" ").replace('_', " ")
        ),
    );
    let audience = crate::extract::audience_text(raw);
    d.add_text(f.audience, &audience);
    // Stemmed copies in the creator's own language (bio included), and in each language the
    // audience writes substantially in.
    for (code, posts_field, audience_field) in &f.stemmed {
        if rec.language.as_deref() == Some(*code) {
            d.add_text(*posts_field, format!("{}\n{}", rec.bio, posts));
        }
        if rec.audience_languages.get(*code).copied().unwrap_or(0.0) >= 0.2 {
            d.add_text(*audience_field, &audience);
        }
    }
    d.add_bytes(f.signals, &RankSignals::of(rec).encode());
    d.add_text(
        f.record,
        serde_json::to_string(rec).expect("a record always serialises"),
    );
    d.add_bytes(
        f.raw,
        &serde_json::to_vec(raw).expect("a raw profile always serialises"),
    );
    d
}

/// The record and the gone flag only, without parsing the raw profile (the ranker reads the
/// raw profile for the few candidates whose posts or comments it must look at).
pub fn record_from_document(f: &Fields, d: &TantivyDocument) -> Option<(CreatorRecord, bool)> {
    let record: CreatorRecord = serde_json::from_str(d.get_first(f.record)?.as_str()?).ok()?;
    let gone = d.get_first(f.gone).and_then(|v| v.as_u64()).unwrap_or(0) == 1;
    Some((record, gone))
}

/// The stored raw profile alone.
pub fn raw_from_document(f: &Fields, d: &TantivyDocument) -> Option<RawProfile> {
    d.get_first(f.raw)
        .and_then(|v| v.as_bytes())
        .and_then(|b| serde_json::from_slice(b).ok())
}

pub fn from_document(f: &Fields, d: &TantivyDocument) -> Option<StoredCreator> {
    let record: CreatorRecord = serde_json::from_str(d.get_first(f.record)?.as_str()?).ok()?;
    let raw = d
        .get_first(f.raw)
        .and_then(|v| v.as_bytes())
        .and_then(|b| serde_json::from_slice(b).ok());
    let gone = d.get_first(f.gone).and_then(|v| v.as_u64()).unwrap_or(0) == 1;
    Some(StoredCreator { record, raw, gone })
}

/// A stored document read only as far as its record: the raw profile, stored after it and
/// most of the bytes, is neither copied out of the store nor parsed. What search results
/// and lookalikes need (`searcher.doc::<RecordOnly>(addr)`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordOnly {
    /// `None` when the document has no record or it does not parse.
    pub record: Option<CreatorRecord>,
}

/// scout's field ids, the same in every scout index of this schema version (fields are
/// numbered in the order `schema::build` adds them): what the partial readers below match.
fn fields() -> &'static Fields {
    static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| super::schema::build().1)
}

/// The `record` field's id.
fn record_field() -> tantivy::schema::Field {
    fields().record
}

/// The `raw` field's id.
pub(crate) fn raw_field() -> tantivy::schema::Field {
    fields().raw
}

impl DocumentDeserialize for RecordOnly {
    fn deserialize<'de, D>(deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let RecordJson(json) = RecordJson::deserialize(deserializer)?;
        Ok(RecordOnly {
            record: json.and_then(|s| serde_json::from_str::<CreatorRecord>(&s).ok()),
        })
    }
}

/// A stored document read only as far as its record, left as the stored JSON text (what
/// [`RecordOnly`] parses; the benchmark's plain-BM25 floor copies it into responses as is).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordJson(pub Option<String>);

impl DocumentDeserialize for RecordJson {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let record = record_field();
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            if field == record {
                // Stop here: the rest (the raw profile) is never decoded.
                return Ok(RecordJson(match value {
                    OwnedValue::Str(s) => Some(s),
                    _ => None,
                }));
            }
        }
        Ok(RecordJson(None))
    }
}

/// A stored document read only as far as its `post_words` (each own post's distinct neutral
/// tokens, a line per post): stored before the record and the raw profile, so neither is
/// copied out of the store nor parsed. What query expansion learns from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostWordsOnly {
    /// Empty when the document has none (a creator without posts).
    pub words: String,
}

impl PostWordsOnly {
    /// Post `i`'s distinct tokens, by post.
    pub fn posts(&self) -> impl Iterator<Item = impl Iterator<Item = &str>> {
        self.words
            .split('\n')
            .map(|line| line.split(' ').filter(|t| !t.is_empty()))
    }
}

impl DocumentDeserialize for PostWordsOnly {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let wanted = fields().post_words;
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            if field == wanted {
                let words = match value {
                    OwnedValue::Str(s) => s,
                    _ => String::new(),
                };
                return Ok(PostWordsOnly { words });
            }
        }
        Ok(PostWordsOnly::default())
    }
}
