//! `creator_reply_share`: how many of the conversations their audience starts a creator answers.
//!
//! `creator_reply_share` = answered threads / threads, `null` without a thread.
//!
//! - A **thread** is a top-level comment by someone else (`parent_id` empty or the post's id)
//!   on one of the creator's own posts, as read. Comments under other accounts' posts, and
//!   comments that were not read, are no thread: they count on neither side.
//! - A thread is **answered** when the creator replied anywhere below it:
//!   1. a creator comment in the post's replies whose parent chain leads to it; when the
//!      source gives no parent ids for a post, a creator comment answers the thread of the
//!      account it `@mentions`, else the latest earlier thread not yet answered (by date, else
//!      list order);
//!   2. a reply in the creator's own timeline (`RawProfile.conversation`, their replies to
//!      other accounts) whose `in_reply_to` is the thread's comment or a comment below it —
//!      the answer a thread read short or before the creator answered does not show;
//!   3. a timeline reply that names no parent id (Mastodon sends `in_reply_to_id: null` when
//!      the parent was deleted; a web page may name only the parent's author) but whose
//!      `in_reply_to_author` wrote an unanswered thread: the latest such thread published
//!      before the reply.
//!
//! Timeline replies to anything else (other creators' posts, comments not read) credit
//! nothing. A thread counts once however often it is answered.

use std::collections::{HashMap, HashSet};

use super::text::{fold, round3};
use crate::model::{Comment, Post};

/// `creator_reply_share` over the creator's own posts and their timeline replies to others;
/// `None` without threads.
pub fn reply_share(posts: &[Post], conversation: &[Post]) -> Option<f64> {
    let mut threads: Vec<PostThreads> = posts.iter().map(post_threads).collect();
    credit_timeline_replies(posts, &mut threads, conversation);
    let total: usize = threads.iter().map(|t| t.roots.len()).sum();
    let answered: usize = threads.iter().map(|t| t.answered.len()).sum();
    (total > 0).then(|| round3(answered as f64 / total as f64))
}

/// Threads of one post: indices of the top-level comments by others, and those answered.
struct PostThreads {
    roots: Vec<usize>,
    answered: HashSet<usize>,
}

fn is_top_level(c: &Comment, post: &Post) -> bool {
    match c.parent_id.as_deref() {
        None | Some("") => true,
        Some(p) => p == post.id,
    }
}

/// The thread (index of its root) that comment `i` belongs to, following parent ids; `None`
/// when the chain leaves the read comments. The bound guards against cycles in bad data.
fn thread_of(
    cs: &[Comment],
    by_id: &HashMap<&str, usize>,
    roots: &[usize],
    i: usize,
) -> Option<usize> {
    let mut cur = i;
    for _ in 0..64 {
        if roots.contains(&cur) {
            return Some(cur);
        }
        cur = *by_id.get(cs[cur].parent_id.as_deref()?)?;
    }
    None
}

fn ids(cs: &[Comment]) -> HashMap<&str, usize> {
    cs.iter()
        .enumerate()
        .filter(|(_, c)| !c.id.is_empty())
        .map(|(i, c)| (c.id.as_str(), i))
        .collect()
}

/// Rule 1: the creator's answers among the post's own replies.
fn post_threads(post: &Post) -> PostThreads {
    let cs = &post.comments;
    let roots: Vec<usize> = (0..cs.len())
        .filter(|&i| !cs[i].by_creator && is_top_level(&cs[i], post))
        .collect();
    let mut answered: HashSet<usize> = HashSet::new();
    if roots.is_empty() {
        return PostThreads { roots, answered };
    }
    let has_parents = cs.iter().any(|c| {
        c.parent_id
            .as_deref()
            .is_some_and(|p| !p.is_empty() && p != post.id)
    });
    if has_parents {
        let by_id = ids(cs);
        for c in cs.iter().filter(|c| c.by_creator) {
            let parent = c.parent_id.as_deref().and_then(|p| by_id.get(p));
            if let Some(t) = parent.and_then(|&p| thread_of(cs, &by_id, &roots, p)) {
                answered.insert(t);
            }
        }
    } else {
        let mut order: Vec<usize> = (0..cs.len()).collect();
        if cs.iter().all(|c| c.published_at.is_some()) {
            order.sort_by_key(|&i| (cs[i].published_at, i));
        }
        for (pos, &i) in order.iter().enumerate() {
            if !cs[i].by_creator {
                continue;
            }
            let earlier: Vec<usize> = order[..pos]
                .iter()
                .copied()
                .filter(|j| roots.contains(j))
                .collect();
            let text = fold(&cs[i].text);
            let mentioned = earlier.iter().copied().find(|&j| {
                let h = fold(cs[j].author_handle.trim_start_matches('@'));
                !h.is_empty() && text.contains(&format!("@{h}"))
            });
            let target = mentioned.or_else(|| {
                earlier
                    .iter()
                    .rev()
                    .copied()
                    .find(|j| !answered.contains(j))
            });
            if let Some(j) = target {
                answered.insert(j);
            }
        }
    }
    PostThreads { roots, answered }
}

/// Rules 2 and 3: the creator's timeline replies to commenters of their posts.
fn credit_timeline_replies(posts: &[Post], threads: &mut [PostThreads], conversation: &[Post]) {
    let by_id: Vec<HashMap<&str, usize>> = posts.iter().map(|p| ids(&p.comments)).collect();
    for reply in conversation {
        match reply.in_reply_to.as_deref().filter(|p| !p.is_empty()) {
            Some(parent) => {
                let found = (0..posts.len()).find_map(|k| {
                    let &i = by_id[k].get(parent)?;
                    let t = thread_of(&posts[k].comments, &by_id[k], &threads[k].roots, i)?;
                    Some((k, t))
                });
                if let Some((k, t)) = found {
                    threads[k].answered.insert(t);
                }
            }
            None => {
                let Some(author) = reply
                    .in_reply_to_author
                    .as_deref()
                    .filter(|a| !a.is_empty())
                else {
                    continue;
                };
                // The latest unanswered thread by that author, published before the reply.
                let mut best: Option<(usize, usize)> = None;
                for (k, (post, t)) in posts.iter().zip(threads.iter()).enumerate() {
                    for &i in &t.roots {
                        let c = &post.comments[i];
                        let by_author = c.author_url.as_deref() == Some(author)
                            || (!c.author_handle.is_empty() && c.author_handle == author);
                        let before = match (c.published_at, reply.published_at) {
                            (Some(a), Some(b)) => a <= b,
                            _ => true,
                        };
                        if !by_author || !before || t.answered.contains(&i) {
                            continue;
                        }
                        let later = best.is_none_or(|(bk, bi)| {
                            posts[bk].comments[bi].published_at < c.published_at
                        });
                        if later {
                            best = Some((k, i));
                        }
                    }
                }
                if let Some((k, i)) = best {
                    threads[k].answered.insert(i);
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A comment for tests (also `comment_stats`'s): author `author`, at `https://x.example/@author`.
    pub(crate) fn c(
        id: &str,
        parent: Option<&str>,
        author: &str,
        text: &str,
        by_creator: bool,
    ) -> Comment {
        Comment {
            id: id.into(),
            parent_id: parent.map(Into::into),
            author_handle: author.into(),
            author_url: Some(format!("https://x.example/@{author}")),
            text: text.into(),
            by_creator,
            ..Default::default()
        }
    }

    fn reply(to: Option<&str>, author: Option<&str>) -> Post {
        Post {
            id: "r".into(),
            in_reply_to: to.map(Into::into),
            in_reply_to_author: author.map(|a| format!("https://x.example/@{a}")),
            ..Default::default()
        }
    }

    #[test]
    fn replies_with_parent_ids() {
        let post = Post {
            id: "p".into(),
            comments: vec![
                c("1", None, "ann", "Where is the lamp from?", false),
                c("2", Some("p"), "bob", "love it", false),
                c("3", Some("1"), "ann", "also the rug?", false),
                c("4", Some("3"), "me", "Both from a flea market!", true),
            ],
            ..Default::default()
        };
        assert_eq!(reply_share(std::slice::from_ref(&post), &[]), Some(0.5));
    }

    #[test]
    fn replies_without_parent_ids_follow_order_and_mentions() {
        let post = Post {
            id: "p".into(),
            comments: vec![
                c("", None, "ann", "Where is the lamp from?", false),
                c("", None, "bob", "How tall is it?", false),
                c("", None, "me", "@ann from a flea market!", true),
                c("", None, "cat", "nice", false),
            ],
            ..Default::default()
        };
        assert_eq!(reply_share(std::slice::from_ref(&post), &[]), Some(0.333));
        assert_eq!(reply_share(&[Post::default()], &[]), None);
    }

    #[test]
    fn timeline_replies_answer_the_threads_they_reach() {
        let post = Post {
            id: "p".into(),
            comments: vec![
                c("1", None, "ann", "Where is the lamp from?", false),
                c("2", Some("1"), "ann", "and the rug?", false),
                c("3", None, "bob", "How tall is it?", false),
                c("4", None, "cat", "Is it vintage?", false),
                c("5", None, "dan", "nice", false),
            ],
            ..Default::default()
        };
        let posts = std::slice::from_ref(&post);
        assert_eq!(reply_share(posts, &[]), Some(0.0));
        let timeline = [
            // Answers ann below her thread (rule 2), twice: one thread all the same.
            reply(Some("2"), Some("ann")),
            reply(Some("1"), Some("ann")),
            // Parent deleted, author known (rule 3).
            reply(None, Some("cat")),
            // Under someone else's post, a comment not read, a parent with no author:
            // nothing.
            reply(Some("someone-elses-post"), Some("bob")),
            reply(None, Some("erin")),
            reply(None, None),
        ];
        assert_eq!(reply_share(posts, &timeline), Some(0.5));
        // A timeline reply alone makes no thread.
        assert_eq!(reply_share(&[Post::default()], &timeline), None);
    }
}
