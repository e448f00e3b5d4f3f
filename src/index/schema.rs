//! The creator index schema and its analysers.
//!
//! Text is indexed twice: once with a language-neutral analyser (lower-case, ASCII folding)
//! in the generic fields, and once with a stemming analyser in the field of the creator's
//! language (`posts_en`, `posts_de`, ...), so a German query meets German stems while a
//! query in any language still matches exact words everywhere. Every INTERFACE.md filter
//! has an indexed fast field, so filters run as index queries, not as post-filters, and every
//! re-ranking input is in the `signals` fast field, so scoring reads no stored document.
//! Words are cut by [`ScriptTokenizer`]: Chinese, Japanese and Korean runs become bigrams, so
//! a word inside unspaced text is found.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter,
    TextAnalyzer,
};

use super::cjk::ScriptTokenizer;
use super::post_terms::{POST_LINES, PostLines};

/// Languages with a stemming field, as (ISO 639-1, tantivy language).
pub(crate) const STEMMED_LANGUAGES: [(&str, Language); 6] = [
    ("en", Language::English),
    ("es", Language::Spanish),
    ("de", Language::German),
    ("fr", Language::French),
    ("pt", Language::Portuguese),
    ("it", Language::Italian),
];

pub(crate) const TEXT_ANALYZER: &str = "scout_text";

/// Bump when the schema changes; an index with another version is refused with a clear error.
/// 3: CJK bigrams in every text field. 4: `post_terms`, each own post's words at its index.
/// 5: `post_words`, each own post's distinct words, stored. 6: `post_terms` as text for its
/// own analyser (`post_terms::PostLines`), no longer pre-tokenized.
pub(crate) const SCHEMA_VERSION: u32 = 6;

#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub profile_url: Field,
    pub handle: Field,
    pub platform: Field,
    pub tier: Field,
    pub language: Field,
    pub audience_lang: Field,
    pub niches: Field,
    pub safety_flags: Field,
    pub followers: Field,
    pub engagement: Field,
    pub sponsored: Field,
    pub last_post: Field,
    pub fetched: Field,
    pub has_email: Field,
    pub gone: Field,
    pub name: Field,
    pub bio: Field,
    pub posts: Field,
    pub hashtags: Field,
    pub themes: Field,
    pub audience: Field,
    /// Each own post's distinct words, at the post's index as position (see
    /// [`super::post_terms`]): which posts match a query, not only how often.
    pub post_terms: Field,
    /// Stored, not indexed: each own post's distinct neutral tokens, a line per post (see
    /// [`super::post_terms`]). Stored before `record` and `raw`, so reading it stops there.
    pub post_words: Field,
    /// (language code, stemmed posts field, stemmed audience field)
    pub stemmed: Vec<(&'static str, Field, Field)>,
    pub record: Field,
    pub raw: Field,
    /// The re-ranking inputs, one compact value per creator (see [`super::signals`]): a bytes
    /// fast field, so scoring never reads stored documents.
    pub signals: Field,
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword = STRING | FAST;
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        profile_url: b.add_text_field("profile_url", STRING | STORED),
        handle: b.add_text_field("handle", STRING),
        platform: b.add_text_field("platform", keyword.clone()),
        tier: b.add_text_field("tier", keyword.clone()),
        language: b.add_text_field("language", keyword.clone()),
        audience_lang: b.add_text_field("audience_lang", keyword.clone()),
        niches: b.add_text_field("niches", keyword.clone()),
        safety_flags: b.add_text_field("safety_flags", keyword),
        followers: b.add_u64_field("followers", INDEXED | FAST),
        engagement: b.add_f64_field("engagement_rate", INDEXED | FAST),
        sponsored: b.add_f64_field("sponsored_share", INDEXED | FAST),
        last_post: b.add_date_field("last_post_at", INDEXED | FAST),
        fetched: b.add_date_field("fetched_at", INDEXED | FAST),
        has_email: b.add_u64_field("has_email", INDEXED | FAST),
        gone: b.add_u64_field("gone", INDEXED | FAST | STORED),
        name: b.add_text_field("name", text(TEXT_ANALYZER)),
        bio: b.add_text_field("bio", text(TEXT_ANALYZER)),
        posts: b.add_text_field("posts", text(TEXT_ANALYZER)),
        hashtags: b.add_text_field("hashtags", text(TEXT_ANALYZER)),
        themes: b.add_text_field("themes", text(TEXT_ANALYZER)),
        audience: b.add_text_field("audience", text(TEXT_ANALYZER)),
        // Words already cut by `post_terms::of`, a line per post.
        post_terms: b.add_text_field("post_terms", text(POST_LINES)),
        post_words: b.add_text_field("post_words", STORED),
        stemmed: STEMMED_LANGUAGES
            .iter()
            .map(|(code, _)| {
                let analyzer = stem_analyzer_name(code);
                (
                    *code,
                    b.add_text_field(&format!("posts_{code}"), text(&analyzer)),
                    b.add_text_field(&format!("audience_{code}"), text(&analyzer)),
                )
            })
            .collect(),
        record: b.add_text_field("record", STORED),
        raw: b.add_bytes_field("raw", STORED),
        signals: b.add_bytes_field("signals", FAST),
    };
    (b.build(), fields)
}

pub(crate) fn stem_analyzer_name(code: &str) -> String {
    format!("scout_stem_{code}")
}

/// Register scout's analysers on `index` (they are not persisted by tantivy).
pub(crate) fn register_tokenizers(index: &Index) {
    let tm = index.tokenizers();
    tm.register(TEXT_ANALYZER, neutral_analyzer());
    tm.register(POST_LINES, TextAnalyzer::from(PostLines::default()));
    for (code, lang) in STEMMED_LANGUAGES {
        tm.register(&stem_analyzer_name(code), stem_analyzer(lang));
    }
}

/// The language-neutral analyser of the generic text fields.
pub(crate) fn neutral_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ScriptTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The stemming analyser of the `posts_{code}` / `audience_{code}` fields of `lang`.
pub(crate) fn stem_analyzer(lang: Language) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(ScriptTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let builder = match StopWordFilter::new(lang) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder,
    };
    // Folding after stemming: the Snowball stemmers expect accents.
    builder
        .filter_dynamic(Stemmer::new(lang))
        .filter_dynamic(AsciiFoldingFilter)
        .build()
}
