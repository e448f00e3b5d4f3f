//! Which threads to read: each thread is one request, the largest share of a creator's cost on
//! the API platforms, so only threads that can have changed are read again.
//!
//! A post's thread is read when the post is new since the last crawl or its published reply
//! count grew, newest first, at most `max_threads` per creator. Every other post keeps the
//! comments read last time (carried over from the stored raw profile), so a refresh loses
//! nothing it does not re-read. Pure functions, tested without a socket.

use std::collections::HashMap;

use crate::model::{Post, RawProfile};

/// The threads to read (indices into `posts`, newest first); every other post gets the
/// comments stored for it last time.
pub(crate) fn choose(
    posts: &mut [Post],
    known: Option<&RawProfile>,
    max_threads: usize,
) -> Vec<usize> {
    let read = select(posts, known, max_threads);
    carry_over(posts, known, &read);
    read
}

/// Indices into `posts` of the threads to read, newest first.
pub(crate) fn select(posts: &[Post], known: Option<&RawProfile>, max_threads: usize) -> Vec<usize> {
    let before: HashMap<&str, u64> = known
        .map(|k| {
            k.posts
                .iter()
                .map(|p| (p.id.as_str(), p.comments_count.unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    let mut chosen: Vec<usize> = posts
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let now = p.comments_count.unwrap_or(0);
            now > 0 && before.get(p.id.as_str()).is_none_or(|&was| now > was)
        })
        .map(|(i, _)| i)
        .collect();
    // Newest first; posts without a date keep their feed order (feeds are newest first).
    chosen.sort_by_key(|&i| std::cmp::Reverse(posts[i].published_at));
    chosen.truncate(max_threads);
    chosen
}

/// Give posts whose thread is not read again the comments stored for them last time.
pub(crate) fn carry_over(posts: &mut [Post], known: Option<&RawProfile>, read: &[usize]) {
    let Some(known) = known else { return };
    let stored: HashMap<&str, &Post> = known.posts.iter().map(|p| (p.id.as_str(), p)).collect();
    for (i, post) in posts.iter_mut().enumerate() {
        if read.contains(&i) || !post.comments.is_empty() {
            continue;
        }
        if let Some(old) = stored.get(post.id.as_str()) {
            post.comments = old.comments.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn post(id: &str, day: u32, replies: u64) -> Post {
        Post {
            id: id.into(),
            published_at: Some(chrono::Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap()),
            comments_count: Some(replies),
            ..Default::default()
        }
    }

    #[test]
    fn first_crawl_reads_the_newest_threads_with_replies_up_to_the_cap() {
        let posts = vec![
            post("a", 1, 3),
            post("b", 5, 0),
            post("c", 3, 1),
            post("d", 4, 2),
        ];
        assert_eq!(select(&posts, None, 10), vec![3, 2, 0]);
        assert_eq!(select(&posts, None, 2), vec![3, 2]);
    }

    #[test]
    fn a_refresh_reads_only_new_posts_and_grown_counts_and_keeps_the_rest() {
        let mut old_a = post("a", 1, 3);
        old_a.comments = vec![crate::model::Comment {
            id: "x".into(),
            text: "kept".into(),
            ..Default::default()
        }];
        let known = RawProfile {
            posts: vec![old_a, post("c", 3, 1), post("d", 4, 2)],
            ..Default::default()
        };
        // a unchanged, c grew, d shrank (a deleted reply), e is new.
        let mut posts = vec![
            post("a", 1, 3),
            post("c", 3, 4),
            post("d", 4, 1),
            post("e", 6, 1),
        ];
        let read = select(&posts, Some(&known), 10);
        assert_eq!(read, vec![3, 1]);
        carry_over(&mut posts, Some(&known), &read);
        assert_eq!(posts[0].comments[0].text, "kept");
        assert!(posts[1].comments.is_empty(), "read again, not carried");
    }
}
