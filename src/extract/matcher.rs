//! A whole-word, multi-pattern phrase matcher built once and reused for every text.
//!
//! Every lexicon (niche vocabulary, brand-safety terms, disclosure markers, stock praise,
//! spam phrases) is one [`PhraseMatcher`]: an Aho-Corasick automaton over the folded patterns,
//! so a text is scanned once whatever the number of terms. A hit counts only at word
//! boundaries ("sex" does not hit "Sussex", "ass" not "assessment"); a pattern that starts or
//! ends with punctuation (`#ad`, `?ref=`, `thanks @`) is only checked on its word side.
//! Overlapping hits resolve to the leftmost, then longest, so an exception phrase ("glue gun",
//! "cocktail dress") or a hashtag (`#skincare`) swallows the shorter term inside it.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::text::{fold_term, is_word_char};

/// A hit: byte range in the folded haystack and what the pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit<'a, T> {
    pub start: usize,
    pub end: usize,
    pub payloads: &'a [T],
}

#[derive(Debug, Clone)]
struct PatternInfo {
    check_left: bool,
    check_right: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct PhraseMatcher<T> {
    ac: AhoCorasick,
    info: Vec<PatternInfo>,
    payloads: Vec<Vec<T>>,
}

/// Collects patterns (deduplicated after folding) before the automaton is built.
#[derive(Debug)]
pub(crate) struct MatcherBuilder<T> {
    index: HashMap<String, usize>,
    patterns: Vec<String>,
    info: Vec<PatternInfo>,
    payloads: Vec<Vec<T>>,
}

impl<T> Default for MatcherBuilder<T> {
    fn default() -> Self {
        MatcherBuilder {
            index: HashMap::new(),
            patterns: Vec::new(),
            info: Vec::new(),
            payloads: Vec::new(),
        }
    }
}

impl<T: Clone> MatcherBuilder<T> {
    /// Add a whole-word pattern (folded here).
    pub(crate) fn add(&mut self, pattern: &str, payload: T) -> &mut Self {
        self.add_with(pattern, payload, false)
    }

    /// Add a pattern; `open_right` lets it match the start of a longer word (German compounds:
    /// "hautpflege" in "Hautpflegeroutine").
    pub(crate) fn add_with(&mut self, pattern: &str, payload: T, open_right: bool) -> &mut Self {
        let p = fold_term(pattern);
        if p.is_empty() {
            return self;
        }
        let first = p.chars().next().is_some_and(is_word_char);
        let last = p.chars().last().is_some_and(is_word_char);
        let i = match self.index.get(&p) {
            Some(&i) => i,
            None => {
                self.index.insert(p.clone(), self.patterns.len());
                self.patterns.push(p);
                self.info.push(PatternInfo {
                    check_left: first,
                    check_right: last,
                });
                self.payloads.push(Vec::new());
                self.patterns.len() - 1
            }
        };
        // The same text may be open-right for one payload and closed for another: the
        // stricter (closed) reading wins so that no entry matches more than it asked for.
        if !open_right {
            self.info[i].check_right = last;
        } else if self.payloads[i].is_empty() {
            self.info[i].check_right = false;
        }
        self.payloads[i].push(payload);
        self
    }

    pub(crate) fn build(self) -> PhraseMatcher<T> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.patterns)
            .expect("phrase patterns are plain strings; building the automaton cannot fail");
        PhraseMatcher {
            ac,
            info: self.info,
            payloads: self.payloads,
        }
    }
}

impl<T> PhraseMatcher<T> {
    pub(crate) fn builder() -> MatcherBuilder<T> {
        MatcherBuilder {
            index: HashMap::new(),
            patterns: Vec::new(),
            info: Vec::new(),
            payloads: Vec::new(),
        }
    }

    /// Non-overlapping whole-word hits in `folded` (a text passed through `text::fold`), in
    /// order of position.
    pub(crate) fn find<'a>(&'a self, folded: &str) -> Vec<Hit<'a, T>> {
        let mut raw: Vec<(usize, usize, usize)> = self
            .ac
            .find_overlapping_iter(folded)
            .filter(|m| {
                let info = &self.info[m.pattern().as_usize()];
                (!info.check_left || !folded[..m.start()].chars().last().is_some_and(is_word_char))
                    && (!info.check_right
                        || !folded[m.end()..].chars().next().is_some_and(is_word_char))
            })
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        raw.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut hits = Vec::with_capacity(raw.len());
        let mut last_end = 0;
        for (start, end, p) in raw {
            if start >= last_end {
                hits.push(Hit {
                    start,
                    end,
                    payloads: &self.payloads[p],
                });
                last_end = end;
            }
        }
        hits
    }

    /// Whether any whole-word hit exists.
    pub(crate) fn is_match(&self, folded: &str) -> bool {
        !self.find(folded).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(pats: &[(&str, u8)]) -> PhraseMatcher<u8> {
        let mut b = PhraseMatcher::builder();
        for (p, v) in pats {
            b.add(p, *v);
        }
        b.build()
    }

    #[test]
    fn whole_words_only() {
        let m = matcher(&[("sex", 1), ("ass", 2), ("cunt", 3)]);
        assert!(m.find("sussex and an assessment in scunthorpe").is_empty());
        assert_eq!(m.find("kick ass.").len(), 1);
    }

    #[test]
    fn longest_leftmost_wins() {
        let m = matcher(&[
            ("gun", 1),
            ("glue gun", 0),
            ("#skincare", 5),
            ("skincare", 4),
        ]);
        let hits = m.find("my hot glue gun and a real gun #skincare");
        let got: Vec<u8> = hits.iter().map(|h| h.payloads[0]).collect();
        assert_eq!(got, vec![0, 1, 5]);
    }

    #[test]
    fn punctuation_edges_are_not_boundaries() {
        let m = matcher(&[("?ref=", 1), ("thanks @", 2)]);
        assert_eq!(m.find("shop.example/x?ref=anna").len(), 1);
        assert_eq!(m.find("thanks @brand!").len(), 1);
    }

    #[test]
    fn open_right_matches_compounds() {
        let mut b = PhraseMatcher::builder();
        b.add_with("hautpflege", 1u8, true);
        let m = b.build();
        assert_eq!(m.find("meine hautpflegeroutine").len(), 1);
        assert!(m.find("xhautpflege").is_empty());
    }
}
