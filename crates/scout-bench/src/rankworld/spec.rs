//! The ranking world's truth: every account, timeline entry and comment, generated eagerly
//! from a seed (a few hundred creators fit in memory, and the judgments need all of them).
//!
//! Shapes copied from the real platforms: a creator's timeline holds their own posts, their
//! own thread continuations (self-replies) and their replies to other people (answers in their
//! own threads, comments under other creators' posts); audience accounts have timelines of
//! replies only ("Which cleanser for sensitive skin?"), one or two posts at most; bots paste
//! the same comment under every account that bought engagement.

use chrono::{DateTime, Duration, Utc};

use super::vocab::{self, NICHES};
use crate::rng::Rng;
use scout::model::Platform;

/// What a creator really is: the judgments are made from this, never from scout's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Posts mostly on their niche, genuine audience, active.
    Focused,
    /// Half on their niche, the rest on `second`.
    Mixed,
    /// Bio names many niches; posts are lifestyle.
    Stuffed,
    /// Focused, but bought followers and bot comments.
    Bought,
    /// Focused, but silent for over a year.
    Inactive,
    /// Focused, but most posts are sponsored.
    Oversponsored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Creator(usize),
    Fan(usize),
    Bot(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// An original post.
    Post,
    /// A continuation of the account's own post (a self-thread).
    SelfThread { parent: u64 },
    /// A reply to another account's post or comment.
    Reply { to_status: u64, to: Who },
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub id: u64,
    pub author: Who,
    /// `None`: answers the post; else the comment it answers.
    pub parent: Option<u64>,
    pub text: String,
    pub at: DateTime<Utc>,
    pub likes: u64,
    pub lang: &'static str,
    /// Praise that says nothing about the post ("Love your content"): generic, as scout's
    /// `bot_comment_share` counts it (generic + spam).
    pub generic: bool,
}

#[derive(Debug, Clone)]
pub struct Status {
    pub id: u64,
    pub entry: Entry,
    pub text: String,
    pub hashtags: Vec<String>,
    pub at: DateTime<Utc>,
    pub likes: u64,
    pub reposts: u64,
    /// On the niche queried for (truth for focus); `None` for replies and lifestyle.
    pub niche: Option<usize>,
    pub sponsored: bool,
    pub comments: Vec<Comment>,
}

impl Status {
    pub fn is_own(&self) -> bool {
        !matches!(self.entry, Entry::Reply { .. })
    }

    /// Direct replies, as `replies_count` / `replyCount` publish.
    pub fn replies_count(&self) -> u64 {
        self.comments.iter().filter(|c| c.parent.is_none()).count() as u64
    }
}

#[derive(Debug, Clone)]
pub struct Creator {
    pub idx: usize,
    pub handle: String,
    pub name: String,
    pub platform: Platform,
    pub lang: &'static str,
    pub niche: usize,
    pub second: Option<usize>,
    pub kind: Kind,
    pub followers: u64,
    pub following: u64,
    pub bio: String,
    /// Newest first, as timelines are served.
    pub timeline: Vec<Status>,
    /// Truth for the fit queries.
    pub beginner_audience: bool,
    pub values: bool,
    pub alcohol: bool,
}

#[derive(Debug, Clone)]
pub struct Fan {
    pub idx: usize,
    pub handle: String,
    pub platform: Platform,
    pub lang: &'static str,
    pub niche: usize,
    pub beginner: bool,
    /// Their replies (and at most two own posts), newest first.
    pub timeline: Vec<Status>,
}

pub struct RankWorld {
    pub seed: u64,
    pub anchor: DateTime<Utc>,
    pub creators: Vec<Creator>,
    pub fans: Vec<Fan>,
    pub bots: Vec<Fan>,
}

/// Creators per niche and what they are.
const KINDS: &[(Kind, usize)] = &[
    (Kind::Focused, 8),
    (Kind::Mixed, 3),
    (Kind::Stuffed, 2),
    (Kind::Bought, 2),
    (Kind::Inactive, 2),
    (Kind::Oversponsored, 1),
];
const FANS_PER_NICHE: usize = 16;
const BOTS: usize = 12;
const AUDIENCE_LANGS: [&str; 4] = ["en", "es", "de", "pt"];

fn log_uniform(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    let (l, h) = ((lo as f64).ln(), (hi as f64).ln());
    (l + rng.unit() * (h - l)).exp().round() as u64
}

impl RankWorld {
    /// The world for `seed`, dated before `anchor`.
    pub fn generate(seed: u64, anchor: DateTime<Utc>) -> RankWorld {
        let mut w = RankWorld {
            seed,
            anchor,
            creators: Vec::new(),
            fans: Vec::new(),
            bots: Vec::new(),
        };
        let mut ids = 1_000u64;
        let mut next_id = move || {
            ids += 1;
            ids
        };
        w.make_accounts();
        // Own posts first, then the conversation under them, then replies to other creators.
        for c in 0..w.creators.len() {
            w.make_posts(c, &mut next_id);
        }
        for c in 0..w.creators.len() {
            w.make_comments(c, &mut next_id);
        }
        w.make_cross_replies(&mut next_id);
        w.make_fan_posts(&mut next_id);
        for c in &mut w.creators {
            c.timeline
                .sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        }
        for f in w.fans.iter_mut().chain(w.bots.iter_mut()) {
            f.timeline
                .sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        }
        w
    }

    fn make_accounts(&mut self) {
        let mut rng = Rng::for_key(self.seed, &[1]);
        for (n, niche) in NICHES.iter().enumerate() {
            for &(kind, count) in KINDS {
                for _ in 0..count {
                    let idx = self.creators.len();
                    let platform = if rng.chance(0.5) {
                        Platform::Mastodon
                    } else {
                        Platform::Bluesky
                    };
                    let lang = if rng.chance(0.25) { "es" } else { "en" };
                    let followers = match kind {
                        Kind::Bought => log_uniform(&mut rng, 60_000, 400_000),
                        _ => match rng.weighted(&[0.5, 0.4, 0.1]) {
                            0 => log_uniform(&mut rng, 800, 9_999),
                            1 => log_uniform(&mut rng, 10_000, 100_000),
                            _ => log_uniform(&mut rng, 100_001, 600_000),
                        },
                    };
                    let second = (kind == Kind::Mixed).then(|| {
                        (n + 1 + rng.below(NICHES.len() as u64 - 1) as usize) % NICHES.len()
                    });
                    let name = if lang == "es" {
                        niche.name_es[0]
                    } else {
                        niche.name_en[0]
                    };
                    let bio = match kind {
                        Kind::Stuffed => {
                            let mut ns = vec![n];
                            for _ in 0..5 {
                                ns.push(rng.below(NICHES.len() as u64) as usize);
                            }
                            ns.dedup();
                            vocab::stuffed_bio(&ns)
                        }
                        _ if lang == "es" => format!("Comparto {name} cada semana. Hablemos."),
                        _ => format!("Sharing {name} every week. Say hi."),
                    };
                    self.creators.push(Creator {
                        idx,
                        handle: format!("{}{}", niche.id.replace('_', ""), idx),
                        name: format!("{} {idx}", niche.name_en[0]),
                        platform,
                        lang,
                        niche: n,
                        second,
                        kind,
                        followers,
                        following: log_uniform(&mut rng, 50, 2_000),
                        bio,
                        timeline: Vec::new(),
                        beginner_audience: rng.chance(0.5),
                        values: rng.chance(0.3),
                        alcohol: rng.chance(0.15),
                    });
                }
            }
            for k in 0..FANS_PER_NICHE {
                let idx = self.fans.len();
                // Both platforms get every language.
                let lang = AUDIENCE_LANGS[[0, 1, 0, 2, 1, 3, 0, 1][(k / 2) % 8]];
                self.fans.push(Fan {
                    idx,
                    handle: format!("fan{idx}"),
                    platform: if idx.is_multiple_of(2) {
                        Platform::Mastodon
                    } else {
                        Platform::Bluesky
                    },
                    lang,
                    niche: n,
                    beginner: rng.chance(0.5),
                    timeline: Vec::new(),
                });
            }
        }
        for idx in 0..BOTS {
            self.bots.push(Fan {
                idx,
                handle: format!("promo{idx}"),
                platform: if idx.is_multiple_of(2) {
                    Platform::Mastodon
                } else {
                    Platform::Bluesky
                },
                lang: "en",
                niche: 0,
                beginner: false,
                timeline: Vec::new(),
            });
        }
    }

    fn make_posts(&mut self, c: usize, next_id: &mut impl FnMut() -> u64) {
        let mut rng = Rng::for_key(self.seed, &[2, c as u64]);
        let cr = &self.creators[c];
        let (kind, lang, niche, second) = (cr.kind, cr.lang, cr.niche, cr.second);
        let (values, alcohol, followers) = (cr.values, cr.alcohol, cr.followers);
        let originals = rng.range(10, 16);
        let newest_days = match kind {
            Kind::Inactive => rng.range(400, 700),
            _ => rng.range(0, 6),
        };
        let cadence = rng.range(2, 6);
        // Median engagement: genuine creators 1–8 %, bought audiences far below.
        let eng = match kind {
            Kind::Bought => 0.0008 + rng.unit() * 0.0015,
            _ => (0.01f64.ln() + rng.unit() * (0.08f64.ln() - 0.01f64.ln())).exp(),
        };
        let mut out = Vec::new();
        for j in 0..originals {
            let at = self.anchor
                - Duration::days((newest_days + j * cadence) as i64)
                - Duration::hours(rng.range(1, 20) as i64);
            let on = match kind {
                Kind::Stuffed => None,
                Kind::Mixed if rng.chance(0.5) => second,
                _ if rng.chance(0.12) => None,
                _ => Some(niche),
            };
            let sponsored = match kind {
                Kind::Oversponsored => rng.chance(0.7),
                _ => rng.chance(0.08),
            };
            let (text, hashtags) = post_text(&mut rng, on, lang, values, alcohol, sponsored);
            let likes = ((followers as f64) * eng * (0.7 + rng.unit() * 0.6)).round() as u64;
            out.push(Status {
                id: next_id(),
                entry: Entry::Post,
                text,
                hashtags,
                at,
                likes,
                reposts: likes / 12,
                niche: on,
                sponsored,
                comments: Vec::new(),
            });
            // Some posts continue in a thread of the creator's own.
            if on.is_some() && rng.chance(0.15) {
                let parent = out.last().map_or(0, |s: &Status| s.id);
                let (text, hashtags) = post_text(&mut rng, on, lang, false, false, false);
                out.push(Status {
                    id: next_id(),
                    entry: Entry::SelfThread { parent },
                    text: format!("2/ {text}"),
                    hashtags,
                    at: at + Duration::minutes(3),
                    likes: likes / 2,
                    reposts: likes / 30,
                    niche: on,
                    sponsored: false,
                    comments: Vec::new(),
                });
            }
        }
        self.creators[c].timeline = out;
    }

    /// A status by id with its author, wherever it lives (posts, replies, comments).
    pub fn author_of(&self, status: u64) -> Option<Who> {
        for c in &self.creators {
            for s in &c.timeline {
                if s.id == status {
                    return Some(Who::Creator(c.idx));
                }
                if let Some(cm) = s.comments.iter().find(|cm| cm.id == status) {
                    return Some(cm.author);
                }
            }
        }
        None
    }
}

/// A post's text and hashtags: about `niche` (its name in about two posts of three) or
/// lifestyle, with the creator's values, a drinks sponsor and a disclosure when they apply.
fn post_text(
    rng: &mut Rng,
    niche: Option<usize>,
    lang: &str,
    values: bool,
    alcohol: bool,
    sponsored: bool,
) -> (String, Vec<String>) {
    let mut text;
    let mut tags: Vec<String> = Vec::new();
    match niche {
        Some(n) => {
            let nv = &NICHES[n];
            let (phrases, names) = if lang == "es" {
                (nv.es, nv.name_es)
            } else {
                (nv.en, nv.name_en)
            };
            text = rng.pick(phrases).to_string();
            if rng.chance(0.65) {
                text = format!("{} notes: {text}", rng.pick(names));
            }
            if rng.chance(0.5) {
                tags.push(rng.pick(nv.hashtags).to_string());
            }
        }
        None => {
            let pool = if lang == "es" {
                vocab::LIFESTYLE_ES
            } else {
                vocab::LIFESTYLE_EN
            };
            text = rng.pick(pool).to_string();
        }
    }
    if values && rng.chance(0.6) {
        text.push_str(&format!(", {}", vocab::VALUES_EN));
    }
    if alcohol && rng.chance(0.5) {
        text.push_str(&format!(", {}", vocab::ALCOHOL_EN));
    }
    if sponsored {
        tags.push("ad".into());
    }
    for t in &tags {
        text.push_str(&format!(" #{t}"));
    }
    (text, tags)
}
