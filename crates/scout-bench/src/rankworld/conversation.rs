//! The conversation of the ranking world: comments under creators' posts (audience
//! questions and praise in their languages, bot pastes, the creator's answers, which also land
//! in the creator's timeline as replies to others), creators commenting under each other, and
//! the audience accounts' own one or two posts.

use chrono::Duration;

use super::spec::{Comment, Entry, Kind, RankWorld, Status, Who};
use super::vocab::{self, NICHES};
use crate::rng::Rng;

impl RankWorld {
    pub(super) fn make_comments(&mut self, c: usize, next_id: &mut impl FnMut() -> u64) {
        let mut rng = Rng::for_key(self.seed, &[3, c as u64]);
        let (kind, niche, platform, beginner) = {
            let cr = &self.creators[c];
            (cr.kind, cr.niche, cr.platform, cr.beginner_audience)
        };
        // The creator's audience: fans of the niche on the same platform.
        let fans: Vec<usize> = self
            .fans
            .iter()
            .filter(|f| f.niche == niche && f.platform == platform)
            .map(|f| f.idx)
            .collect();
        let bots: Vec<usize> = self
            .bots
            .iter()
            .filter(|b| b.platform == platform)
            .map(|b| b.idx)
            .collect();
        let answer_rate = rng.unit() * 0.8;
        let posts = self.creators[c].timeline.len();
        let mut replies: Vec<(usize, Status)> = Vec::new();
        for p in 0..posts {
            if !rng.chance(0.65) {
                continue;
            }
            let (post_id, post_at) = {
                let s = &self.creators[c].timeline[p];
                (s.id, s.at)
            };
            let n = rng.range(1, 5);
            let mut comments = Vec::new();
            for k in 0..n {
                let at = post_at + Duration::minutes((10 + k * 37) as i64);
                let bot = match kind {
                    Kind::Bought => rng.chance(0.75),
                    _ => rng.chance(0.08),
                };
                if bot && !bots.is_empty() {
                    let b = *rng.pick(&bots);
                    let text = rng.pick(vocab::BOT_COMMENTS).to_string();
                    comments.push(Comment {
                        id: next_id(),
                        author: Who::Bot(b),
                        parent: None,
                        text,
                        at,
                        likes: 0,
                        lang: "en",
                        generic: true,
                    });
                    continue;
                }
                // Audiences mostly speak the creator's language: multilingual, not random.
                let same: Vec<usize> = fans
                    .iter()
                    .copied()
                    .filter(|&f| self.fans[f].lang == self.creators[c].lang)
                    .collect();
                let f = if !same.is_empty() && rng.chance(0.75) {
                    *rng.pick(&same)
                } else {
                    *rng.pick(&fans)
                };
                let fan = &self.fans[f];
                let nv = &NICHES[niche];
                let generic = !rng.chance(0.7);
                let questions = vocab::QUESTIONS.iter().find(|(l, _)| *l == fan.lang);
                let remark = !generic && questions.is_none() && !(beginner || fan.beginner);
                let text = if generic {
                    let praise = vocab::PRAISE
                        .iter()
                        .find(|(l, _)| *l == fan.lang)
                        .map_or(vocab::PRAISE[0].1, |(_, t)| *t);
                    rng.pick(praise).to_string()
                } else if let Some((_, q)) = questions {
                    rng.pick(q).to_string()
                } else {
                    let pool = if beginner || fan.beginner {
                        nv.beginner
                    } else {
                        nv.expert
                    };
                    rng.pick(pool).to_string()
                };
                let cid = next_id();
                let text = if remark { personal(&text, cid) } else { text };
                let likes = rng.range(0, 6);
                comments.push(Comment {
                    id: cid,
                    author: Who::Fan(f),
                    parent: None,
                    text: text.clone(),
                    at,
                    likes,
                    lang: fan.lang,
                    generic,
                });
                self.fans[f].timeline.push(Status {
                    id: cid,
                    entry: Entry::Reply {
                        to_status: post_id,
                        to: Who::Creator(c),
                    },
                    text,
                    hashtags: Vec::new(),
                    at,
                    likes,
                    reposts: 0,
                    niche: None,
                    sponsored: false,
                    comments: Vec::new(),
                });
                if rng.chance(answer_rate) {
                    let lang = self.creators[c].lang;
                    let text = reply_text(&mut rng, lang);
                    let rid = next_id();
                    let at = at + Duration::minutes(20);
                    comments.push(Comment {
                        id: rid,
                        author: Who::Creator(c),
                        parent: Some(cid),
                        text: text.clone(),
                        at,
                        likes: rng.range(0, 3),
                        lang,
                        generic: false,
                    });
                    replies.push((
                        c,
                        Status {
                            id: rid,
                            entry: Entry::Reply {
                                to_status: cid,
                                to: Who::Fan(f),
                            },
                            text,
                            hashtags: Vec::new(),
                            at,
                            likes: 0,
                            reposts: 0,
                            niche: None,
                            sponsored: false,
                            comments: Vec::new(),
                        },
                    ));
                }
            }
            self.creators[c].timeline[p].comments = comments;
        }
        for (c, s) in replies {
            self.creators[c].timeline.push(s);
        }
        // Bot timelines: their pasted comments (ids are in the creators' threads).
        let mut bot_entries: Vec<(usize, Status)> = Vec::new();
        for s in &self.creators[c].timeline {
            for cm in &s.comments {
                if let Who::Bot(b) = cm.author {
                    bot_entries.push((
                        b,
                        Status {
                            id: cm.id,
                            entry: Entry::Reply {
                                to_status: s.id,
                                to: Who::Creator(c),
                            },
                            text: cm.text.clone(),
                            hashtags: Vec::new(),
                            at: cm.at,
                            likes: 0,
                            reposts: 0,
                            niche: None,
                            sponsored: false,
                            comments: Vec::new(),
                        },
                    ));
                }
            }
        }
        for (b, s) in bot_entries {
            self.bots[b].timeline.push(s);
        }
    }

    /// Creators comment under other creators of their niche and platform ("Love this, saving
    /// it"): a reply in their own timeline, and a commenter who is a creator. Their comments
    /// are friendly generic praise ([`vocab::PEER_EN`]), in their language.
    pub(super) fn make_cross_replies(&mut self, next_id: &mut impl FnMut() -> u64) {
        let mut rng = Rng::for_key(self.seed, &[4]);
        for c in 0..self.creators.len() {
            if self.creators[c].kind == Kind::Inactive {
                continue;
            }
            let peers: Vec<usize> = self
                .creators
                .iter()
                .filter(|o| {
                    o.idx != c
                        && o.niche == self.creators[c].niche
                        && o.platform == self.creators[c].platform
                })
                .map(|o| o.idx)
                .collect();
            if peers.is_empty() {
                continue;
            }
            for _ in 0..rng.range(3, 12) {
                let o = *rng.pick(&peers);
                let own: Vec<usize> = (0..self.creators[o].timeline.len())
                    .filter(|&k| self.creators[o].timeline[k].is_own())
                    .collect();
                let p = *rng.pick(&own);
                let lang = self.creators[c].lang;
                let text = peer_text(&mut rng, lang);
                let target = &self.creators[o].timeline[p];
                let (tid, at) = (target.id, target.at + Duration::hours(2));
                let id = next_id();
                self.creators[o].timeline[p].comments.push(Comment {
                    id,
                    author: Who::Creator(c),
                    parent: None,
                    text: text.clone(),
                    at,
                    likes: rng.range(0, 4),
                    lang,
                    generic: true,
                });
                self.creators[c].timeline.push(Status {
                    id,
                    entry: Entry::Reply {
                        to_status: tid,
                        to: Who::Creator(o),
                    },
                    text,
                    hashtags: Vec::new(),
                    at,
                    likes: rng.range(0, 3),
                    reposts: 0,
                    niche: None,
                    sponsored: false,
                    comments: Vec::new(),
                });
            }
        }
    }

    /// Audience accounts post once or twice themselves (under the creator threshold).
    pub(super) fn make_fan_posts(&mut self, next_id: &mut impl FnMut() -> u64) {
        let mut rng = Rng::for_key(self.seed, &[5]);
        let anchor = self.anchor;
        for f in &mut self.fans {
            for k in 0..rng.below(3) {
                let nv = &NICHES[f.niche];
                f.timeline.push(Status {
                    id: next_id(),
                    entry: Entry::Post,
                    text: format!("Any tips? {}", rng.pick(nv.beginner)),
                    hashtags: Vec::new(),
                    at: anchor - Duration::days((3 + k * 20) as i64),
                    likes: rng.range(0, 3),
                    reposts: 0,
                    niche: None,
                    sponsored: false,
                    comments: Vec::new(),
                });
            }
        }
    }
}

/// What a creator says when answering someone, in their language.
fn reply_text(rng: &mut Rng, lang: &str) -> String {
    in_language(rng, lang, vocab::REPLIES_EN, vocab::REPLIES_ES)
}

/// What a creator writes under a peer's post, in their language (one draw, as
/// [`reply_text`], so the rest of the world stays as generated).
fn peer_text(rng: &mut Rng, lang: &str) -> String {
    in_language(rng, lang, vocab::PEER_EN, vocab::PEER_ES)
}

/// One line of `es` for a Spanish speaker, else of `en` (one random draw).
fn in_language(rng: &mut Rng, lang: &str, en: &[&str], es: &[&str]) -> String {
    rng.pick(if lang == "es" { es } else { en }).to_string()
}

/// People do not repeat a remark word for word: an expert's remark gets an opening and a
/// detail of its own, chosen from the comment's id so the world's random draws stay as they
/// were. (Verbatim repeats by several accounts are what copy-paste engagement looks like, and
/// scout rightly counts them as such.)
fn personal(text: &str, id: u64) -> String {
    const OPENINGS: &[&str] = &[
        "",
        "Honestly, ",
        "Funny, ",
        "Can confirm: ",
        "Good reminder. ",
        "Same story here: ",
        "Oh nice. ",
        "Not sure it helps, but ",
        "FWIW ",
        "Ha, ",
    ];
    const DETAILS: &[&str] = &[
        "",
        " last weekend",
        " after a few tries",
        " this spring",
        " on my second attempt",
        " (took me a while)",
        " since March",
        " over the holidays",
        " over the winter",
        " a couple of years ago",
        " with some help from a friend",
        " this week",
        " back in 2022",
        " on a budget",
        " after reading your older post",
        " at my local club",
    ];
    let h = scout::model::fnv1a64(&id.to_le_bytes());
    let open = OPENINGS[(h % OPENINGS.len() as u64) as usize];
    let detail = DETAILS[((h >> 16) % DETAILS.len() as u64) as usize];
    let first = text.split_whitespace().next().unwrap_or_default();
    let keep_case =
        matches!(first, "I" | "I'm") || first.chars().nth(1).is_some_and(char::is_uppercase);
    let body = if open.is_empty() || open.ends_with(". ") || keep_case {
        text.to_string()
    } else {
        let mut cs = text.chars();
        cs.next()
            .map(|c| c.to_lowercase().chain(cs).collect())
            .unwrap_or_default()
    };
    format!("{open}{body}{detail}")
}
