//! The synthetic creator world: any number of creators, each a pure function of
//! `(seed, index)`, with posts and comments a pure function of `(seed, index, post)`.
//!
//! Nothing is stored: the server renders a page from the spec on request, and
//! [`World::raw_profile`] builds the same creator as a [`RawProfile`] for benchmarks that skip
//! crawling (index, search). Creators are spread over several loopback hosts (creator `i`
//! lives on host `i % hosts`), write in one of six languages about one main niche (sometimes
//! a second), and get genuine questions, generic praise, spam and creator replies as comments;
//! some posts are sponsored, with or without disclosure.

use chrono::{DateTime, Duration, Utc};

use super::lexicon::{self, LANG_WEIGHTS, LANGS, Lexicon, NICHES};
use super::rng::Rng;
use scout::model::{Comment, Platform, Post, RawProfile};

/// The path under which a creator's web profile lives: `/c/{handle}`.
pub const WEB_PREFIX: &str = "/c/";

#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    pub creators: u64,
    /// `http://127.0.0.2:PORT`... one per host; creator `i` lives on `hosts[i % len]`.
    pub hosts: Vec<String>,
    /// "Now" for the world: posts are dated before it.
    pub anchor: DateTime<Utc>,
    /// Relative share of creators per host; empty = interleaved evenly. The nightly benchmark
    /// spreads creators like the fediverse: a few large servers and a long tail.
    pub host_weights: Vec<u64>,
    /// Nights since the first crawl: each night about [`GROWN_SHARE`] of the posts that
    /// exist gain a reply (what a refresh has to find).
    pub day: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The host that is a Bluesky AppView: its creators are Bluesky accounts, read through
    /// XRPC (see [`super::render_bsky`]); `None`: every host is a Mastodon server.
    pub bluesky_host: Option<usize>,
}

/// Share of posts that gain a reply each night.
pub const GROWN_SHARE: f64 = 0.1;

/// How a creator is read: web pages (schema.org JSON-LD) or the Mastodon API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Web,
    Mastodon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sponsorship {
    Organic,
    Disclosed,
    Undisclosed,
}

#[derive(Debug, Clone)]
pub struct CreatorSpec {
    pub index: u64,
    pub host: usize,
    pub handle: String,
    pub display_name: String,
    /// Index into [`LANGS`].
    pub lang: usize,
    /// Index into [`NICHES`]: main niche, and a second one some posts are about.
    pub niche: usize,
    pub second_niche: usize,
    pub followers: u64,
    pub following: u64,
    pub posts: u64,
    pub city: &'static str,
    pub email: Option<String>,
    pub bio: String,
    /// Mean (likes + comments + shares) / followers per post.
    pub engagement: f64,
    pub spam_share: f64,
    pub reply_share: f64,
    pub sponsored_share: f64,
    pub disclosure_rate: f64,
    pub newest_days_ago: u64,
    pub cadence_days: u64,
    pub is_bot: bool,
}

#[derive(Debug, Clone)]
pub struct CommentSpec {
    pub index: u64,
    /// The comment this one answers (a creator reply to a question).
    pub reply_to: Option<u64>,
    pub author_name: String,
    pub author_url: Option<String>,
    pub by_creator: bool,
    pub text: String,
    pub published_at: DateTime<Utc>,
    pub likes: u64,
}

#[derive(Debug, Clone)]
pub struct PostSpec {
    pub index: u64,
    pub lang: usize,
    pub niche: usize,
    pub text: String,
    pub hashtags: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub likes: u64,
    pub shares: u64,
    pub sponsorship: Sponsorship,
    pub comments: Vec<CommentSpec>,
}

fn fill(template: &str, a: &str, b: &str) -> String {
    template.replace("{a}", a).replace("{b}", b)
}

/// Log-uniform integer in `lo..=hi`: follower counts span orders of magnitude.
fn log_uniform(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    let (l, h) = ((lo as f64).ln(), (hi as f64).ln());
    (l + rng.unit() * (h - l)).exp().round() as u64
}

impl World {
    pub fn new(seed: u64, creators: u64, hosts: Vec<String>, anchor: DateTime<Utc>) -> World {
        assert!(!hosts.is_empty(), "a world needs at least one host");
        World {
            seed,
            creators,
            hosts,
            anchor,
            host_weights: Vec::new(),
            day: Default::default(),
            bluesky_host: None,
        }
    }

    /// Today at 00:00 UTC: stable within a day, so a server and a crawler started separately
    /// agree, while `active_within_days` filters still mean something.
    pub fn today() -> DateTime<Utc> {
        Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    }

    pub fn host_of(&self, i: u64) -> usize {
        let n = self.hosts.len().min(self.host_weights.len());
        if n == 0 {
            return (i % self.hosts.len() as u64) as usize;
        }
        // A deterministic weighted pick per creator.
        let total: u64 = self.host_weights[..n].iter().sum();
        let mut x = Rng::for_key(self.seed ^ 0x5eed, &[i]).below(total.max(1));
        for (h, w) in self.host_weights[..n].iter().enumerate() {
            if x < *w {
                return h;
            }
            x -= w;
        }
        n - 1
    }

    /// Replies post `j` of creator `i` gained after the first crawl, by tonight.
    fn grown(&self, i: u64, j: u64) -> u64 {
        let day = self.day.load(std::sync::atomic::Ordering::Relaxed);
        (1..=day)
            .filter(|d| Rng::for_key(self.seed ^ 0x9e0, &[i, j, *d]).chance(GROWN_SHARE))
            .count() as u64
    }

    pub fn handle(&self, i: u64) -> String {
        let mut rng = Rng::for_key(self.seed, &[i, 0]);
        let lang = rng.weighted(&LANG_WEIGHTS);
        let niche = rng.below(NICHES.len() as u64) as usize;
        let first = *rng.pick(&lexicon::lexicon().first_names[lang]);
        format!("{first}_{}{i}", NICHES[niche].id.replace('_', ""))
    }

    /// Creator index from a handle (its trailing digits), if in range.
    pub fn parse_handle(&self, handle: &str) -> Option<u64> {
        let digits = handle.len() - handle.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let i: u64 = handle[handle.len() - digits..].parse().ok()?;
        (i < self.creators && self.handle(i) == handle).then_some(i)
    }

    pub fn web_profile_url(&self, i: u64) -> String {
        format!(
            "{}{WEB_PREFIX}{}",
            self.hosts[self.host_of(i)],
            self.handle(i)
        )
    }

    pub fn web_post_url(&self, i: u64, j: u64) -> String {
        format!("{}/p/{j}", self.web_profile_url(i))
    }

    pub fn mastodon_profile_url(&self, i: u64) -> String {
        format!("{}/@{}", self.hosts[self.host_of(i)], self.handle(i))
    }

    pub fn profile_url(&self, i: u64, format: Format) -> String {
        match format {
            Format::Web => self.web_profile_url(i),
            Format::Mastodon => self.mastodon_profile_url(i),
        }
    }

    /// Seeds for the first `n` creators, interleaved over hosts (creator order already is).
    pub fn seeds(&self, n: u64, format: Format) -> Vec<String> {
        (0..n.min(self.creators))
            .map(|i| self.profile_url(i, format))
            .collect()
    }

    pub fn creator(&self, i: u64) -> CreatorSpec {
        let lex = lexicon::lexicon();
        let mut rng = Rng::for_key(self.seed, &[i, 0]);
        // Same first draws as `handle`.
        let lang = rng.weighted(&LANG_WEIGHTS);
        let niche = rng.below(NICHES.len() as u64) as usize;
        let first = *rng.pick(&lex.first_names[lang]);
        let handle = format!("{first}_{}{i}", NICHES[niche].id.replace('_', ""));
        let second_niche = rng.below(NICHES.len() as u64) as usize;
        let followers = match rng.weighted(&[0.60, 0.32, 0.08]) {
            0 => log_uniform(&mut rng, 150, 9_999),
            1 => log_uniform(&mut rng, 10_000, 100_000),
            _ => log_uniform(&mut rng, 100_001, 2_000_000),
        };
        // A few inflated accounts: bought followers, bot comments, little real engagement.
        let inflated = rng.chance(0.05);
        let engagement = if inflated {
            0.001 + rng.unit() * 0.004
        } else {
            (0.005f64.ln() + rng.unit() * (0.09f64.ln() - 0.005f64.ln())).exp()
        };
        let spam_share = if inflated {
            0.5 + rng.unit() * 0.4
        } else {
            rng.unit() * 0.25
        };
        let sponsored_share = match rng.weighted(&[0.5, 0.4, 0.1]) {
            0 => 0.0,
            1 => 0.1 + rng.unit() * 0.2,
            _ => 0.5 + rng.unit() * 0.3,
        };
        let city = *rng.pick(&lex.cities[lang]);
        let phrase = *rng.pick(&lex.phrases[niche][lang]);
        let mut bio = lexicon::BIOS[lang]
            .replace("{a}", phrase)
            .replace("{city}", city);
        let email = rng.chance(0.3).then(|| format!("{handle}@example.org"));
        if let Some(e) = &email {
            bio.push_str(&format!(" Contact: {e}"));
        }
        let mut display_name = first.to_string();
        if let Some(c) = display_name.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        CreatorSpec {
            index: i,
            host: self.host_of(i),
            display_name: format!("{display_name} · {}", NICHES[niche].id.replace('_', " ")),
            handle,
            lang,
            niche,
            second_niche,
            followers,
            following: rng.range(50, 2_000),
            posts: rng.range(4, 10),
            city,
            email,
            bio,
            engagement,
            spam_share,
            reply_share: rng.unit() * 0.8,
            sponsored_share,
            disclosure_rate: if rng.chance(0.25) { 0.2 } else { 0.9 },
            newest_days_ago: if rng.chance(0.15) {
                rng.range(60, 400)
            } else {
                rng.range(0, 30)
            },
            cadence_days: rng.range(1, 10),
            is_bot: rng.chance(0.01),
        }
    }

    /// Post `j` (0 = newest) of creator `c`.
    pub fn post(&self, c: &CreatorSpec, j: u64) -> PostSpec {
        let lex = lexicon::lexicon();
        let mut rng = Rng::for_key(self.seed, &[c.index, j + 1]);
        let niche = if rng.chance(0.8) {
            c.niche
        } else {
            c.second_niche
        };
        // Most posts in the creator's language; some in English for reach.
        let lang = if rng.chance(0.9) { c.lang } else { 0 };
        let phrases = &lex.phrases[niche][lang];
        let a = *rng.pick(phrases);
        let b = *rng.pick(phrases);
        let mut text = fill(rng.pick::<&str>(&lex.templates[lang]), a, b);
        let sponsorship = if rng.chance(c.sponsored_share) {
            if rng.chance(c.disclosure_rate) {
                Sponsorship::Disclosed
            } else {
                Sponsorship::Undisclosed
            }
        } else {
            Sponsorship::Organic
        };
        let brand = *rng.pick(&lex.brands);
        match sponsorship {
            Sponsorship::Organic => {}
            Sponsorship::Disclosed => {
                text = format!(
                    "{} {text}",
                    lexicon::DISCLOSED[lang].replace("{brand}", brand)
                );
            }
            Sponsorship::Undisclosed => {
                let code = format!("{}{}", brand.to_uppercase(), rng.range(10, 30));
                text.push(' ');
                text.push_str(
                    &lexicon::UNDISCLOSED[lang]
                        .replace("{brand}", brand)
                        .replace("{code}", &code),
                );
            }
        }
        let tags = &lex.tags[niche][lang];
        let mut hashtags: Vec<String> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let t = rng.pick(tags).to_string();
            if !hashtags.contains(&t) {
                hashtags.push(t);
            }
        }
        for t in &hashtags {
            text.push_str(" #");
            text.push_str(t);
        }
        let days = c.newest_days_ago + j * c.cadence_days;
        let published_at =
            self.anchor - Duration::days(days as i64) - Duration::minutes(rng.range(0, 900) as i64);
        let total = (c.followers as f64 * c.engagement * (0.5 + rng.unit())).round() as u64;
        let first = (total / 40).min(rng.range(0, 8));
        let comments_n = first + self.grown(c.index, j);
        let shares = total / 20;
        let likes = total.saturating_sub(shares + first);
        let comments = self.comments(c, &mut rng, lang, niche, published_at, comments_n);
        PostSpec {
            index: j,
            lang,
            niche,
            text,
            hashtags,
            published_at,
            likes,
            shares,
            sponsorship,
            comments,
        }
    }

    fn comments(
        &self,
        c: &CreatorSpec,
        rng: &mut Rng,
        lang: usize,
        niche: usize,
        posted: DateTime<Utc>,
        n: u64,
    ) -> Vec<CommentSpec> {
        let lex = lexicon::lexicon();
        let mut out: Vec<CommentSpec> = Vec::new();
        for _ in 0..n {
            let at = posted + Duration::minutes(rng.range(5, 3_000) as i64);
            // Audience language: mostly the post's, some English, a little of anything.
            let clang = match rng.weighted(&[0.75, 0.15, 0.10]) {
                0 => lang,
                1 => 0,
                _ => rng.below(LANGS.len() as u64) as usize,
            };
            let (text, spam) = if rng.chance(c.spam_share) {
                (rng.pick(&lex.spam).to_string(), true)
            } else if rng.chance(0.5) {
                let a = *rng.pick(&lex.phrases[niche][clang.min(LANGS.len() - 1)]);
                (fill(rng.pick::<&str>(&lex.questions[clang]), a, ""), false)
            } else {
                (rng.pick(&lex.praise[clang]).to_string(), false)
            };
            let is_question = !spam && text.contains('?');
            // Another creator of the world comments now and then; fans have no profile page.
            let (author_name, author_url) = if !spam && rng.chance(0.15) {
                let other = rng.below(self.creators.max(1));
                (self.handle(other), Some(self.web_profile_url(other)))
            } else if spam {
                (format!("promo_{}", rng.range(100, 999)), None)
            } else {
                let name = rng.pick(&lex.first_names[clang]);
                (format!("{name}{}", rng.range(1, 99)), None)
            };
            let idx = out.len() as u64;
            out.push(CommentSpec {
                index: idx,
                reply_to: None,
                author_name,
                author_url,
                by_creator: false,
                text,
                published_at: at,
                likes: rng.range(0, 12),
            });
            if is_question && rng.chance(c.reply_share) {
                out.push(CommentSpec {
                    index: idx + 1,
                    reply_to: Some(idx),
                    author_name: c.handle.clone(),
                    author_url: Some(self.web_profile_url(c.index)),
                    by_creator: true,
                    text: rng.pick(&lex.replies[lang]).to_string(),
                    published_at: at + Duration::minutes(rng.range(10, 600) as i64),
                    likes: rng.range(0, 5),
                });
            }
        }
        out
    }

    /// Creator `i` as the web source would read it from the served pages.
    pub fn raw_profile(&self, i: u64) -> RawProfile {
        let c = self.creator(i);
        let profile_url = self.web_profile_url(i);
        let posts = (0..c.posts)
            .map(|j| {
                let p = self.post(&c, j);
                let url = self.web_post_url(i, j);
                let comments = p
                    .comments
                    .iter()
                    .map(|cm| Comment {
                        id: format!("{url}#c{}", cm.index),
                        parent_id: cm.reply_to.map(|r| format!("{url}#c{r}")),
                        author_url: cm.author_url.clone(),
                        author_handle: cm.author_name.clone(),
                        text: cm.text.clone(),
                        published_at: Some(cm.published_at),
                        likes: Some(cm.likes),
                        by_creator: cm.by_creator,
                        lang_hint: None,
                    })
                    .collect::<Vec<_>>();
                Post {
                    id: url.clone(),
                    url,
                    text: p.text.clone(),
                    published_at: Some(p.published_at),
                    likes: Some(p.likes),
                    shares: Some(p.shares),
                    comments_count: Some(comments.len() as u64),
                    hashtags: p.hashtags.clone(),
                    lang_hint: Some(LANGS[p.lang].to_string()),
                    comments,
                    ..Default::default()
                }
            })
            .collect();
        let mut fields = vec![("location".to_string(), c.city.to_string())];
        if let Some(e) = &c.email {
            fields.push(("email".to_string(), e.clone()));
        }
        RawProfile {
            profile_url: profile_url.clone(),
            platform: Some(Platform::Web),
            handle: c.handle.clone(),
            display_name: c.display_name.clone(),
            bio: c.bio.clone(),
            followers: Some(c.followers),
            following: Some(c.following),
            posts_count: Some(c.posts),
            location: Some(c.city.to_string()),
            fields,
            is_bot: c.is_bot,
            lang_hint: Some(LANGS[c.lang].to_string()),
            posts,
            source_url: Some(profile_url),
            ..Default::default()
        }
    }
}

/// Shorthand used by tests and benches: a world on fake loopback bases that are never
/// fetched (index and search benchmarks build `RawProfile`s directly), anchored today so
/// that `active_within_days` filters select what they would on crawled data.
pub fn offline_world(seed: u64, creators: u64) -> World {
    let hosts = (2..=9).map(|h| format!("http://127.0.0.{h}:9")).collect();
    World::new(seed, creators, hosts, World::today())
}

/// The lexicon, re-exported for renderers that need niche names.
pub fn lex() -> &'static Lexicon {
    lexicon::lexicon()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_distinct() {
        let w = offline_world(42, 1000);
        let a = w.raw_profile(17);
        assert_eq!(a, w.raw_profile(17));
        assert_ne!(a.profile_url, w.raw_profile(18).profile_url);
        let other_seed = offline_world(43, 1000);
        assert_ne!(a, other_seed.raw_profile(17));
        assert!(a.posts.len() >= 4 && a.posts.len() <= 10);
    }

    #[test]
    fn handles_round_trip_and_hosts_interleave() {
        let w = offline_world(1, 500);
        for i in [0, 1, 7, 8, 123, 499] {
            assert_eq!(w.parse_handle(&w.handle(i)), Some(i));
        }
        assert_eq!(w.parse_handle("nobody_coffee12x"), None);
        assert_eq!(w.parse_handle(&w.handle(499).replace("499", "500")), None);
        assert_ne!(w.host_of(0), w.host_of(1));
        assert!(w.web_profile_url(3).starts_with("http://127.0.0.5:9/c/"));
        // Any size: a million-creator world is as cheap to address as a small one.
        let big = offline_world(1, 1_000_000);
        for i in [0, 500_000, 999_999] {
            assert_eq!(big.parse_handle(&big.handle(i)), Some(i));
        }
        assert_eq!(big.raw_profile(999_999), big.raw_profile(999_999));
    }

    #[test]
    fn corpus_has_the_mix_benchmarks_rely_on() {
        let w = offline_world(7, 400);
        let (mut langs, mut niches) = (
            std::collections::HashSet::new(),
            std::collections::HashSet::new(),
        );
        let (mut disclosed, mut undisclosed, mut spam, mut replies, mut questions) =
            (0, 0, 0, 0, 0);
        for i in 0..400 {
            let c = w.creator(i);
            langs.insert(c.lang);
            niches.insert(c.niche);
            for j in 0..c.posts {
                let p = w.post(&c, j);
                assert!(p.published_at < w.anchor);
                match p.sponsorship {
                    Sponsorship::Disclosed => disclosed += 1,
                    Sponsorship::Undisclosed => undisclosed += 1,
                    Sponsorship::Organic => {}
                }
                for cm in &p.comments {
                    spam += usize::from(lexicon::SPAM.contains(cm.text.as_str()));
                    replies += usize::from(cm.by_creator);
                    questions += usize::from(cm.text.contains('?'));
                }
            }
        }
        assert_eq!(langs.len(), LANGS.len());
        assert_eq!(niches.len(), NICHES.len());
        for (name, n) in [
            ("disclosed", disclosed),
            ("undisclosed", undisclosed),
            ("spam", spam),
            ("replies", replies),
            ("questions", questions),
        ] {
            assert!(n > 20, "too few {name}: {n}");
        }
    }
}
