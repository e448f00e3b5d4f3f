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
//! The same pass writes the stored `post_words` field: each post's distinct neutral tokens,
//! one post per line. Query expansion learns from them (see `rank::feedback`) without
//! reading and re-tokenising the raw profile, which holds the comments too.

use std::collections::BTreeSet;

use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, Token};

use super::schema::{STEMMED_LANGUAGES, neutral_analyzer, stem_analyzer};
use crate::model::RawProfile;

/// The `post_terms` token of a stem of the stemming language `code`.
pub(crate) fn stem_token(code: &str, stem: &str) -> String {
    format!("{code}:{stem}")
}

fn tokens_into(
    analyzer: &mut TextAnalyzer,
    text: &str,
    prefix: Option<&str>,
    out: &mut BTreeSet<String>,
) {
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        out.insert(match prefix {
            Some(code) => stem_token(code, &tok.text),
            None => tok.text.clone(),
        });
    }
}

/// What one pass over a creator's posts gives the index.
pub(crate) struct PostWords {
    /// The `post_terms` value.
    pub terms: PreTokenizedString,
    /// The `post_words` value: post `i`'s distinct neutral tokens on line `i`, separated by
    /// spaces (a token holds neither), in sorted order.
    pub neutral: String,
}

/// The `post_terms` and `post_words` values of `raw`'s posts, for a creator writing in
/// `language`.
pub(crate) fn of(raw: &RawProfile, language: Option<&str>) -> PostWords {
    let mut plain = neutral_analyzer();
    let mut stem = STEMMED_LANGUAGES
        .iter()
        .find(|(code, _)| Some(*code) == language)
        .map(|(code, lang)| (*code, stem_analyzer(*lang)));
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut neutral = String::new();
    for (i, post) in raw.posts.iter().enumerate() {
        if i > 0 {
            neutral.push('\n');
        }
        let mut words = BTreeSet::new();
        for part in
            std::iter::once(post.text.as_str()).chain(post.hashtags.iter().map(String::as_str))
        {
            tokens_into(&mut plain, part, None, &mut words);
            if let Some((code, a)) = stem.as_mut() {
                tokens_into(a, part, Some(code), &mut words);
            }
        }
        let mut first = true;
        for w in words.iter().filter(|w| !w.contains(':')) {
            if !first {
                neutral.push(' ');
            }
            neutral.push_str(w);
            first = false;
        }
        for w in words {
            let from = text.len();
            text.push_str(&w);
            tokens.push(Token {
                offset_from: from,
                offset_to: text.len(),
                position: i,
                text: w,
                position_length: 1,
            });
            text.push(' ');
        }
    }
    PostWords {
        terms: PreTokenizedString { text, tokens },
        neutral,
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
        let p = &words.terms;
        let at = |i: usize| -> Vec<&str> {
            p.tokens
                .iter()
                .filter(|t| t.position == i)
                .map(|t| t.text.as_str())
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
        // Offsets point at the token's text.
        for t in &p.tokens {
            assert_eq!(&p.text[t.offset_from..t.offset_to], t.text);
        }
        // `post_words`: a line per post, its distinct neutral tokens, no stems.
        assert_eq!(
            words.neutral,
            "and more running\ncafe coffee de especialidad"
        );
        let empty = RawProfile {
            posts: vec![post("", &[]), post("Hi", &[])],
            ..Default::default()
        };
        assert_eq!(of(&empty, None).neutral, "\nhi");
    }
}
