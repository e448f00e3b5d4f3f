//! A creator's comment section as a whole: repetition, bot share, quality, creator replies.
//!
//! Only comments written by others (`by_creator == false`) are judged.
//!
//! - **Repetition**: the same text (folded, emoji and punctuation dropped) of 3+ words posted
//!   by 2+ accounts, or by one account on 2+ posts, is copy-paste engagement: a comment the
//!   single-comment rules found genuine becomes generic, unless it asks something or shows
//!   purchase intent (two people may well both ask "what's the shade name?").
//! - `bot_comment_share` = (generic + spam) / comments by others.
//! - `comment_quality` = 0.65 × S + 0.20 × D + 0.15 × R, in [0, 1], where
//!   S = mean substance over comments by others: spam and generic 0; genuine
//!   0.4 + 0.3 × min(words / 15, 1) + 0.15 if it asks a question + 0.15 if it shows purchase
//!   intent or asks the creator for something (capped at 1);
//!   D = distinct commenters / comments by others (an unknown author counts as distinct);
//!   R = `creator_reply_share` (0 when there is no thread).
//! - `creator_reply_share` = threads answered by the creator / threads, where a thread is a
//!   top-level comment by someone else on one of their posts, answered in the thread or by a
//!   reply in their own timeline ([`super::reply_share`] states it exactly).
//!
//! All three are `null` when there is nothing to measure (no comments by others / no thread).

use std::collections::{HashMap, HashSet};

use super::comments::{CommentClass, CommentFeatures, analyze_folded};
pub use super::reply_share::reply_share;
use super::text::{fold, plain_words, round3};
use crate::model::{Comment, RawProfile};

pub const MIN_REPEATED_WORDS: usize = 3;

/// A comment to classify with its context.
#[derive(Debug, Clone, Copy)]
pub struct CommentRef<'a> {
    pub text: &'a str,
    /// Author URL or handle; empty when unknown.
    pub author: &'a str,
    /// Id of the post it was left on.
    pub post: &'a str,
}

/// Who posted one normalised text, on which posts, how many times.
type Repeats<'a> = (HashSet<(&'a str, usize)>, HashSet<&'a str>, usize);

/// Classify comments together, so that repetition across accounts and posts is seen.
pub fn classify_in_context(items: &[CommentRef<'_>]) -> Vec<CommentFeatures> {
    let folded: Vec<String> = items.iter().map(|c| fold(c.text)).collect();
    let mut feats: Vec<CommentFeatures> = folded.iter().map(|f| analyze_folded(f)).collect();
    let keys: Vec<String> = folded.iter().map(|f| plain_words(f).join(" ")).collect();
    // Unknown authors count as distinct people (keyed by position).
    let mut seen: HashMap<&str, Repeats> = HashMap::new();
    for (i, c) in items.iter().enumerate() {
        let e = seen.entry(keys[i].as_str()).or_default();
        let author = if c.author.is_empty() {
            ("", i)
        } else {
            (c.author, 0)
        };
        e.0.insert(author);
        e.1.insert(c.post);
        e.2 += 1;
    }
    for (i, f) in feats.iter_mut().enumerate() {
        let key = keys[i].as_str();
        if f.class != CommentClass::Genuine || f.intent || f.question {
            continue;
        }
        if key.split(' ').count() < MIN_REPEATED_WORDS {
            continue;
        }
        let (authors, posts, n) = &seen[key];
        if *n >= 2 && (authors.len() >= 2 || posts.len() >= 2) {
            f.class = CommentClass::Generic;
        }
    }
    feats
}

/// The comment-section signals of a creator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentStats {
    pub comments_by_others: usize,
    pub genuine: usize,
    pub generic: usize,
    pub spam: usize,
    pub bot_comment_share: Option<f64>,
    pub comment_quality: Option<f64>,
    pub creator_reply_share: Option<f64>,
}

/// Substance of one comment, in [0, 1] (see the module doc).
pub fn substance(f: &CommentFeatures) -> f64 {
    if f.class != CommentClass::Genuine {
        return 0.0;
    }
    let mut s = 0.4 + 0.3 * (f.words as f64 / 15.0).min(1.0);
    if f.question {
        s += 0.15;
    }
    if f.intent {
        s += 0.15;
    }
    s.min(1.0)
}

pub fn comment_stats(raw: &RawProfile) -> CommentStats {
    let mut items = Vec::new();
    for p in &raw.posts {
        for c in p.comments.iter().filter(|c| !c.by_creator) {
            items.push(CommentRef {
                text: &c.text,
                author: author_key(c),
                post: &p.id,
            });
        }
    }
    let reply_share = reply_share(&raw.posts, &raw.conversation);
    let mut st = CommentStats {
        comments_by_others: items.len(),
        creator_reply_share: reply_share,
        ..Default::default()
    };
    if items.is_empty() {
        return st;
    }
    let feats = classify_in_context(&items);
    for f in &feats {
        match f.class {
            CommentClass::Genuine => st.genuine += 1,
            CommentClass::Generic => st.generic += 1,
            CommentClass::Spam => st.spam += 1,
        }
    }
    let n = items.len() as f64;
    st.bot_comment_share = Some(round3((st.generic + st.spam) as f64 / n));
    let s = feats.iter().map(substance).sum::<f64>() / n;
    let mut authors = HashSet::new();
    let mut distinct = 0usize;
    for it in &items {
        if it.author.is_empty() || authors.insert(it.author) {
            distinct += 1;
        }
    }
    let d = distinct as f64 / n;
    let r = reply_share.unwrap_or(0.0);
    st.comment_quality = Some(round3((0.65 * s + 0.2 * d + 0.15 * r).clamp(0.0, 1.0)));
    st
}

/// Who wrote a comment: their profile URL, else their handle; empty when unknown.
pub(crate) fn author_key(c: &Comment) -> &str {
    match c.author_url.as_deref() {
        Some(u) if !u.is_empty() => u,
        _ => &c.author_handle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::reply_share::tests::c;
    use crate::model::Post;

    #[test]
    fn repeated_text_across_accounts_is_generic() {
        let items: Vec<CommentRef> = ["a", "b", "c"]
            .iter()
            .map(|a| CommentRef {
                text: "Such valuable content, saving this for later!",
                author: a,
                post: "p1",
            })
            .collect();
        assert!(
            classify_in_context(&items)
                .iter()
                .all(|f| f.class == CommentClass::Generic)
        );
        let q: Vec<CommentRef> = ["a", "b"]
            .iter()
            .map(|a| CommentRef {
                text: "What's the shade name?",
                author: a,
                post: "p1",
            })
            .collect();
        assert!(
            classify_in_context(&q)
                .iter()
                .all(|f| f.class == CommentClass::Genuine)
        );
    }

    #[test]
    fn stats_are_null_without_comments_and_quality_rewards_substance() {
        let empty = RawProfile {
            posts: vec![Post::default()],
            ..Default::default()
        };
        let st = comment_stats(&empty);
        assert_eq!(st.comment_quality, None);
        assert_eq!(st.bot_comment_share, None);
        assert_eq!(st.creator_reply_share, None);

        let mk = |texts: &[&str]| RawProfile {
            posts: vec![Post {
                id: "p".into(),
                comments: texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| c(&i.to_string(), None, &format!("u{i}"), t, false))
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let good = comment_stats(&mk(&[
            "Where can I buy the blue one? My sister needs it for her flat",
            "I tried this recipe with less sugar and it still worked really well",
        ]));
        let bad = comment_stats(&mk(&["😍😍", "Nice pic!", "DM us for a collab"]));
        assert_eq!(bad.bot_comment_share, Some(1.0));
        assert_eq!(good.bot_comment_share, Some(0.0));
        assert!(good.comment_quality.unwrap() > bad.comment_quality.unwrap() + 0.3);
    }
}
