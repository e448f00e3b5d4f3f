//! Engagement: per post (likes + comments + shares) / followers; the creator's rate is the
//! median, so one viral post does not make an account look engaged.

use crate::model::RawProfile;

/// Median over posts of (likes + comments + shares) / followers; `None` without followers or
/// without posts carrying any count.
pub fn engagement_rate(raw: &RawProfile) -> Option<f64> {
    let followers = raw.followers.filter(|&f| f > 0)? as f64;
    let mut rates: Vec<f64> = raw
        .posts
        .iter()
        .filter(|p| {
            p.likes.is_some()
                || p.shares.is_some()
                || p.comments_count.is_some()
                || !p.comments.is_empty()
        })
        .map(|p| {
            let comments = p.comments_count.unwrap_or(p.comments.len() as u64);
            (p.likes.unwrap_or(0) + comments + p.shares.unwrap_or(0)) as f64 / followers
        })
        .collect();
    median(&mut rates)
}

pub fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Posts per week between the oldest and newest dated post.
pub fn posts_per_week(raw: &RawProfile) -> Option<f64> {
    let dates: Vec<_> = raw.posts.iter().filter_map(|p| p.published_at).collect();
    let (min, max) = (dates.iter().min()?, dates.iter().max()?);
    let weeks = (*max - *min).num_seconds() as f64 / 604_800.0;
    (dates.len() >= 2 && weeks > 0.0).then(|| dates.len() as f64 / weeks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    #[test]
    fn median_of_post_rates() {
        let raw = RawProfile {
            followers: Some(1000),
            posts: vec![
                Post {
                    likes: Some(10),
                    ..Default::default()
                },
                Post {
                    likes: Some(20),
                    shares: Some(10),
                    ..Default::default()
                },
                Post {
                    likes: Some(900),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(engagement_rate(&raw), Some(0.03));
        assert_eq!(
            engagement_rate(&RawProfile {
                followers: None,
                ..raw.clone()
            }),
            None
        );
    }
}
