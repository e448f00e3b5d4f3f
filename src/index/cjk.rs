//! A tokenizer for text in any script: words split as tantivy's `SimpleTokenizer` splits them
//! (runs of letters and digits), except runs of Han, Hiragana, Katakana and Hangul, which carry
//! no spaces between words and become overlapping bigrams, as Lucene's CJK analyser does
//! ("スキンケア" → スキ, キン, ンケ, ケア). A lone CJK character stays one token.
//!
//! Bigrams make a word inside a sentence findable without a dictionary: the query goes
//! through the same analyser (`rank::retrieve` tokenises with each field's own), so its bigrams
//! meet the document's. Consecutive positions let a phrase query of bigrams match the word.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Is `c` written without spaces between words (Han, kana, Hangul)?
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana (with the prolonged sound mark ー)
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x1100..=0x11FF    // Hangul Jamo
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x20000..=0x2FA1F  // CJK extensions B.. and compatibility supplement
    )
}

/// Byte spans of the tokens of `text`.
pub(crate) fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // The current run: (start, end) of a non-CJK word, or the CJK chars seen so far.
    let mut word: Option<(usize, usize)> = None;
    let mut cjk: Vec<(usize, usize)> = Vec::new();
    let flush_cjk = |cjk: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        match cjk.len() {
            0 => {}
            1 => out.push(cjk[0]),
            _ => out.extend(cjk.windows(2).map(|w| (w[0].0, w[1].1))),
        }
        cjk.clear();
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if !c.is_alphanumeric() {
            out.extend(word.take());
            flush_cjk(&mut cjk, &mut out);
        } else if is_cjk(c) {
            out.extend(word.take());
            cjk.push((i, end));
        } else {
            flush_cjk(&mut cjk, &mut out);
            word = Some((word.map_or(i, |(s, _)| s), end));
        }
    }
    out.extend(word);
    flush_cjk(&mut cjk, &mut out);
    out
}

/// A token stream over `(from, to, position)` byte spans of `text`: what scout's tokenizers
/// hand tantivy once they have found the words.
pub(crate) struct SpanStream<'a, I> {
    text: &'a str,
    spans: I,
    token: &'a mut Token,
}

impl<'a, I> SpanStream<'a, I> {
    pub(crate) fn new(text: &'a str, spans: I, token: &'a mut Token) -> Self {
        token.reset();
        SpanStream { text, spans, token }
    }
}

impl<I: Iterator<Item = (usize, usize, usize)>> TokenStream for SpanStream<'_, I> {
    fn advance(&mut self) -> bool {
        let Some((from, to, position)) = self.spans.next() else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The spans of [`spans`], numbered from 0.
pub(crate) struct ScriptSpans {
    spans: std::vec::IntoIter<(usize, usize)>,
    position: usize,
}

impl Iterator for ScriptSpans {
    type Item = (usize, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let (from, to) = self.spans.next()?;
        self.position += 1;
        Some((from, to, self.position - 1))
    }
}

/// The tokenizer registered for scout's text fields (see the module doc).
#[derive(Clone, Default)]
pub(crate) struct ScriptTokenizer {
    token: Token,
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = SpanStream<'a, ScriptSpans>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let numbered = ScriptSpans {
            spans: spans(text).into_iter(),
            position: 0,
        };
        SpanStream::new(text, numbered, &mut self.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut t = ScriptTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    fn words(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn other_scripts_split_like_the_simple_tokenizer() {
        assert_eq!(
            words("Hello, happy tax-payer! Café №5"),
            ["Hello", "happy", "tax", "payer", "Café", "5"]
        );
        assert_eq!(words("Привет мир"), ["Привет", "мир"]);
        assert_eq!(words(""), Vec::<String>::new());
    }

    #[test]
    fn cjk_runs_become_overlapping_bigrams() {
        assert_eq!(words("スキンケア"), ["スキ", "キン", "ンケ", "ケア"]);
        let title = words("敏感肌のためのスキンケアルーティン");
        assert!(title.contains(&"スキ".to_string()) && title.contains(&"ケア".to_string()));
        assert_eq!(words("水"), ["水"]);
        assert_eq!(words("한국어 화장품"), ["한국", "국어", "화장", "장품"]);
        // Latin letters inside a CJK run end it, and are one word.
        assert_eq!(words("日本SPF50日焼け"), ["日本", "SPF50", "日焼", "焼け"]);
    }

    #[test]
    fn positions_are_consecutive_so_phrases_of_bigrams_match() {
        let t = tokens("私のスキンケア");
        let pos: Vec<usize> = t.iter().map(|(_, p)| *p).collect();
        assert_eq!(pos, (0..t.len()).collect::<Vec<_>>());
    }
}
