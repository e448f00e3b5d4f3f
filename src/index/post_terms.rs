//! The `post_terms` field: each own post's distinct words, indexed at the post's index as
//! their position. A posting list then tells *which* posts of a creator use a word (its
//! positions), so the ranker can count the posts that match a query — a post naming the
//! niche twice counts once — with a posting-list seek per candidate, no stored document read.
//!
//! Each post contributes every distinct token of its text and hashtags once: the
//! language-neutral form (as in `posts`), and, when the creator's language has a stemming
//! field, the stem as `{code}:{stem}` (as in `posts_{code}`; the prefix keeps a Spanish stem
//! apart from an English word of the same spelling). Neutral tokens never hold a `:`.
//!
//! The words reach the index as text, a line per post, cut by the field's own analyser
//! ([`PostLines`]: a word's position is its line). Handing tantivy the tokens instead
//! (`PreTokenizedString`) costs a JSON round trip per document inside tantivy — its document
//! type keeps pre-tokenized values as JSON — 6 % of a crawl's CPU.
//!
//! The same pass writes the stored `post_words` field: each post's distinct neutral tokens,
//! one post per line. Query expansion learns from them (see `rank::feedback`) without
//! reading and re-tokenising the raw profile, which holds the comments too.

use std::sync::LazyLock;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::cjk::SpanStream;
use super::schema::{STEMMED_LANGUAGES, neutral_analyzer, stem_analyzer};
use crate::model::RawProfile;

/// The `post_terms` token of a stem of the stemming language `code`.
pub(crate) fn stem_token(code: &str, stem: &str) -> String {
    format!("{code}:{stem}")
}

/// One post's words; the strings are reused from post to post.
#[derive(Default)]
struct Words {
    pool: Vec<String>,
    len: usize,
}

impl Words {
    /// Each token of `text` by `analyzer`, as a stem of `prefix`'s language when given.
    fn add(&mut self, analyzer: &mut TextAnalyzer, text: &str, prefix: Option<&str>) {
        let mut stream = analyzer.token_stream(text);
        while let Some(tok) = stream.next() {
            if self.len == self.pool.len() {
                self.pool.push(String::new());
            }
            let w = &mut self.pool[self.len];
            w.clear();
            if let Some(code) = prefix {
                // As `stem_token` writes it.
                w.push_str(code);
                w.push(':');
            }
            w.push_str(&tok.text);
            self.len += 1;
        }
    }

    /// The words added since the last call, sorted and distinct; starts the next post.
    fn take_distinct(&mut self) -> &[String] {
        let words = &mut self.pool[..self.len];
        words.sort_unstable();
        let mut n = 0;
        for i in 0..words.len() {
            if n == 0 || words[i] != words[n - 1] {
                words.swap(i, n);
                n += 1;
            }
        }
        self.len = 0;
        &self.pool[..n]
    }
}

/// The name [`PostLines`] is registered under, `post_terms`' analyser.
pub(crate) const POST_LINES: &str = "scout_post_lines";

/// `post_terms`' analyser: words separated by spaces, posts by newlines (as [`of`] writes
/// them); a word's position is the index of its line.
#[derive(Clone, Default)]
pub(crate) struct PostLines {
    token: Token,
}

impl Tokenizer for PostLines {
    type TokenStream<'a> = SpanStream<'a, LineSpans<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let spans = LineSpans {
            bytes: text.as_bytes(),
            at: 0,
            line: 0,
        };
        SpanStream::new(text, spans, &mut self.token)
    }
}

/// The words of [`PostLines`]' text as `(from, to, line)`. Cut at ASCII bytes only, so both
/// ends of a word are character boundaries.
pub(crate) struct LineSpans<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl Iterator for LineSpans<'_> {
    type Item = (usize, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let separator = |b: &u8| matches!(b, b' ' | b'\n');
        while let Some(&b) = self.bytes.get(self.at).filter(|b| separator(b)) {
            self.line += usize::from(b == b'\n');
            self.at += 1;
        }
        if self.at == self.bytes.len() {
            return None;
        }
        let from = self.at;
        while self.bytes.get(self.at).is_some_and(|b| !separator(b)) {
            self.at += 1;
        }
        Some((from, self.at, self.line))
    }
}

/// What one pass over a creator's posts gives the index.
pub(crate) struct PostWords {
    /// The `post_terms` value: post `i`'s distinct tokens, neutral and stems, on line `i`,
    /// separated by spaces (for [`PostLines`]).
    pub terms: String,
    /// The `post_words` value: post `i`'s distinct neutral tokens on line `i`, separated by
    /// spaces (a token holds neither), in sorted order.
    pub neutral: String,
}

/// The neutral analyser and each stemming language's, built once and cloned per creator: a
/// stemming analyser's stop-word set costs more to build than its run over a creator's posts
/// (a clone shares it).
static ANALYZERS: LazyLock<(TextAnalyzer, Vec<(&str, TextAnalyzer)>)> = LazyLock::new(|| {
    let stemmers = STEMMED_LANGUAGES
        .iter()
        .map(|(code, lang)| (*code, stem_analyzer(*lang)))
        .collect();
    (neutral_analyzer(), stemmers)
});

/// The `post_terms` and `post_words` values of `raw`'s posts, for a creator writing in
/// `language`.
pub(crate) fn of(raw: &RawProfile, language: Option<&str>) -> PostWords {
    let (plain, stemmers) = &*ANALYZERS;
    let mut plain = plain.clone();
    let mut stem = stemmers
        .iter()
        .find(|(code, _)| Some(*code) == language)
        .map(|(code, a)| (*code, a.clone()));
    let mut terms = String::new();
    let mut neutral = String::new();
    // A post's text and hashtags, a line each: one pass of each analyser per post.
    let mut all = String::new();
    let mut words = Words::default();
    for (i, post) in raw.posts.iter().enumerate() {
        if i > 0 {
            neutral.push('\n');
            terms.push('\n');
        }
        all.clear();
        all.push_str(&post.text);
        for tag in &post.hashtags {
            all.push('\n');
            all.push_str(tag);
        }
        words.add(&mut plain, &all, None);
        if let Some((code, a)) = stem.as_mut() {
            words.add(a, &all, Some(code));
        }
        let distinct = words.take_distinct();
        let mut first = true;
        for w in distinct.iter().filter(|w| !w.contains(':')) {
            if !first {
                neutral.push(' ');
            }
            neutral.push_str(w);
            first = false;
        }
        for (j, w) in distinct.iter().enumerate() {
            if j > 0 {
                terms.push(' ');
            }
            terms.push_str(w);
        }
    }
    PostWords { terms, neutral }
}

/// The definition the one-pass words are tested against: each part of `post` (its text, each
/// hashtag) analysed on its own by `analyzer`, prefixed as stems of `prefix` when given.
#[cfg(test)]
pub(crate) fn words_by_part(
    analyzer: &mut TextAnalyzer,
    post: &crate::model::Post,
    prefix: Option<&str>,
    out: &mut std::collections::BTreeSet<String>,
) {
    for part in std::iter::once(&post.text).chain(&post.hashtags) {
        let mut stream = analyzer.token_stream(part);
        while let Some(t) = stream.next() {
            out.insert(match prefix {
                Some(code) => stem_token(code, &t.text),
                None => t.text.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    fn post(text: &str, tags: &[&str]) -> Post {
        Post {
            text: text.into(),
            hashtags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    /// `text` as the index sees it: through `post_terms`' analyser, (position, token).
    fn analysed(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut lines = PostLines::default();
        let mut stream = lines.token_stream(text);
        while let Some(t) = stream.next() {
            assert_eq!(&text[t.offset_from..t.offset_to], t.text);
            out.push((t.position, t.text.clone()));
        }
        out
    }

    /// One pass per post over its text and hashtags joined gives the words of analysing
    /// each part on its own (the definition), CJK bigrams and stems included.
    #[test]
    fn joined_parts_give_each_parts_words() {
        let posts = [
            post(
                "Café de especialidad, 日本の抹茶",
                &["coffee", "日本茶", "#LatteArt"],
            ),
            post("La carrera del domingo", &["running", "la"]),
            post("", &["solo"]),
        ];
        for language in [Some("es"), None] {
            let raw = RawProfile {
                posts: posts.to_vec(),
                ..Default::default()
            };
            let got = of(&raw, language);
            for (i, p) in posts.iter().enumerate() {
                let mut want = std::collections::BTreeSet::new();
                words_by_part(&mut neutral_analyzer(), p, None, &mut want);
                if language.is_some() {
                    let mut es = stem_analyzer(tantivy::tokenizer::Language::Spanish);
                    words_by_part(&mut es, p, Some("es"), &mut want);
                }
                let line: Vec<String> = analysed(&got.terms)
                    .into_iter()
                    .filter(|(at, _)| *at == i)
                    .map(|(_, w)| w)
                    .collect();
                assert_eq!(line, want.into_iter().collect::<Vec<_>>(), "post {i}");
            }
        }
    }

    #[test]
    fn each_post_lists_its_words_once_at_its_index() {
        let raw = RawProfile {
            posts: vec![
                post("Running, running and more running", &["Running"]),
                post("Café de especialidad", &["coffee"]),
            ],
            ..Default::default()
        };
        let words = of(&raw, Some("es"));
        let tokens = analysed(&words.terms);
        let at = |i: usize| -> Vec<&str> {
            tokens
                .iter()
                .filter(|t| t.0 == i)
                .map(|t| t.1.as_str())
                .collect()
        };
        let first = at(0);
        assert_eq!(
            first.iter().filter(|t| **t == "running").count(),
            1,
            "{first:?}"
        );
        let second = at(1);
        assert!(second.contains(&"cafe"), "{second:?}");
        assert!(second.contains(&"coffee"), "{second:?}");
        // Spanish stems, prefixed; Spanish stop words ("de") have no stem token.
        assert!(second.contains(&"es:especial"), "{second:?}");
        assert!(!second.contains(&"es:de"), "{second:?}");
        // `post_words`: a line per post, its distinct neutral tokens, no stems.
        assert_eq!(
            words.neutral,
            "and more running\ncafe coffee de especialidad"
        );
        let empty = RawProfile {
            posts: vec![post("", &[]), post("Hi", &[])],
            ..Default::default()
        };
        let words = of(&empty, None);
        assert_eq!(words.neutral, "\nhi");
        assert_eq!(analysed(&words.terms), [(1, "hi".to_string())]);
        // Runs of separators and non-ASCII words.
        assert_eq!(
            analysed(" été\n\n  日本 x \n"),
            [(0, "été".into()), (2, "日本".into()), (2, "x".to_string())]
        );
    }
}
