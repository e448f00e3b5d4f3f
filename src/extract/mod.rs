//! Signals: from a [`RawProfile`] (whatever source it came from) to a [`CreatorRecord`].
//!
//! Each signal is a small pure module whose doc comment states its formula and limits
//! (README "Signals" explains them for marketers); [`Extractor::extract`] only wires them together.
//! Lexicons and the taxonomy are data files compiled into the binary (`data/*.toml`) and
//! compiled into matchers once; each text is folded once and language-detected once.
//!
//! | signal | module |
//! |---|---|
//! | `language`, `audience_languages` | [`language`] (its cost: [`lang_memo`]) |
//! | `niches`, `niche_shares`, `theme_consistency` | [`taxonomy`], [`niches`] |
//! | `themes` | [`themes`] |
//! | `bot_comment_share`, `comment_quality` | [`comments`], [`comment_stats`] |
//! | `creator_reply_share` | [`reply_share`] |
//! | `engagement_rate`, `tier`, `posts_per_week`, `inflated` | [`engagement`] |
//! | `sponsored_share`, `undisclosed_sponsored_posts`, `unclear_disclosure_posts` | [`sponsorship`] |
//! | `emails`, `location` | [`contacts`] |
//! | `follower_growth_30d`, `emerging` | [`growth`] |
//! | `brand_safety_flags`, `brand_safety_evidence` | [`safety`] |
//! | markets for `ship_to` (used by the ranker) | [`markets`] |

pub mod comment_stats;
pub mod comments;
pub mod contacts;
pub mod engagement;
pub mod growth;
pub mod lang_memo;
pub mod language;
pub(crate) mod markets;
pub(crate) mod matcher;
pub mod niches;
pub mod reply_share;
pub(crate) mod safety;
pub mod sponsorship;
pub(crate) mod taxonomy;
pub mod text;
pub mod themes;

use chrono::{DateTime, Utc};

pub use comments::{CommentClass, classify_comment};
pub use language::detect;
pub use markets::{languages_for, location_matches};
pub use safety::SafetyLexicon;
pub use sponsorship::{SponsorClass, classify_post};
pub use taxonomy::Taxonomy;

use crate::config::{Config, TiersConfig};
use crate::model::{CreatorRecord, FollowerPoint, RawProfile, creator_id};

/// Holds what extraction needs that is costly to build once (taxonomy, lexicons).
#[derive(Debug, Clone)]
pub struct Extractor {
    tiers: TiersConfig,
    taxonomy: Taxonomy,
    safety: SafetyLexicon,
}

/// What is computed once per post and shared by several signals.
struct PostView<'a> {
    /// Folded text plus hashtags the source listed but the text lacks.
    folded: String,
    /// `None`: not detected (see [`language::post_languages`]).
    lang: Option<Option<String>>,
    /// The language the platform declares for the post, else for the account.
    hint: Option<&'a str>,
    has_text: bool,
}

impl Extractor {
    /// Compile the taxonomy (`extract.taxonomy_file` or the built-in one), the brand-safety
    /// lexicon (built-in plus `extract.brand_safety_file`) and the other matchers. A bad file
    /// is an [`crate::Error::Config`] naming the key and the path.
    pub fn new(config: &Config) -> crate::Result<Extractor> {
        let taxonomy = match &config.extract.taxonomy_file {
            Some(p) => Taxonomy::load(p)?,
            None => Taxonomy::builtin(),
        };
        let safety = match &config.extract.brand_safety_file {
            Some(p) => SafetyLexicon::with_extra(p)?,
            None => SafetyLexicon::builtin(),
        };
        language::warm_up();
        comments::warm_up();
        sponsorship::warm_up();
        markets::warm_up();
        themes::StopWords::get();
        Ok(Extractor {
            tiers: config.tiers.clone(),
            taxonomy,
            safety,
        })
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    pub fn safety(&self) -> &SafetyLexicon {
        &self.safety
    }

    /// Compute every signal for `raw`. `history` holds earlier follower observations (oldest
    /// first, this crawl's not included).
    pub fn extract(
        &self,
        raw: &RawProfile,
        history: &[FollowerPoint],
        now: DateTime<Utc>,
    ) -> CreatorRecord {
        let mut history = history.to_vec();
        if let Some(f) = raw.followers {
            history.push(FollowerPoint {
                at: now,
                followers: f,
            });
        }
        history.sort_by_key(|p| p.at);

        let mut views: Vec<PostView> = raw.posts.iter().map(|p| view(raw, p)).collect();

        // Language.
        let texts: Vec<(&str, Option<&str>)> = raw
            .posts
            .iter()
            .zip(&views)
            .map(|(p, v)| (p.text.as_str(), v.hint))
            .collect();
        for (v, lang) in views.iter_mut().zip(language::post_languages(&texts)) {
            v.lang = lang;
        }
        let post_langs: Vec<Option<String>> = views.iter().filter_map(|v| v.lang.clone()).collect();
        let language = language::creator_language(raw, &post_langs);
        let audience_languages = language::audience_languages(lang_memo::audience_comments(raw));

        // Niches and themes.
        let labels: Vec<Vec<usize>> = views
            .iter()
            .filter(|v| v.has_text)
            .map(|v| niches::post_labels(self.taxonomy.scores_folded(&v.folded)))
            .collect();
        let niche = niches::summarize(&self.taxonomy, &labels);
        let with_text: Vec<(&str, &[String])> = raw
            .posts
            .iter()
            .zip(&views)
            .filter(|(_, v)| v.has_text)
            .map(|(p, _)| (p.text.as_str(), p.hashtags.as_slice()))
            .collect();
        let themes = if with_text.is_empty() {
            themes::themes(&self.taxonomy, [(raw.bio.as_str(), &[][..])])
        } else {
            themes::themes(&self.taxonomy, with_text)
        };

        // Sponsorship.
        let classes: Vec<SponsorClass> = raw
            .posts
            .iter()
            .zip(&views)
            .map(|(p, v)| {
                sponsorship::classify_post_with(p, &v.folded, || match &v.lang {
                    Some(detected) => detected.clone(),
                    None => language::detect(&p.text, v.hint),
                })
            })
            .collect();
        let count = |c: SponsorClass| classes.iter().filter(|&&x| x == c).count() as u64;
        let sponsored = classes.iter().filter(|c| c.is_sponsored()).count();
        let sponsored_share =
            (!classes.is_empty()).then(|| text::round3(sponsored as f64 / classes.len() as f64));

        // Comments, engagement, growth.
        let cs = comment_stats::comment_stats(raw);
        let tier = self.tiers.tier(raw.followers);
        let engagement_rate = engagement::engagement_rate(raw).map(round6);
        let growth = growth::growth_30d(&history);

        // Brand safety over the bio and the posts.
        let bio_folded = text::fold(&raw.bio);
        let docs = std::iter::once((raw.bio.as_str(), bio_folded.as_str())).chain(
            raw.posts
                .iter()
                .zip(&views)
                .map(|(p, v)| (p.text.as_str(), v.folded.as_str())),
        );
        let safety = self.safety.assess(docs);

        CreatorRecord {
            id: creator_id(&raw.profile_url),
            profile_url: raw.profile_url.clone(),
            platform: raw.platform.unwrap_or_default(),
            handle: raw.handle.clone(),
            display_name: raw.display_name.clone(),
            bio: raw.bio.clone(),
            followers: raw.followers,
            tier,
            language,
            audience_languages,
            engagement_rate,
            themes,
            niches: niche.niches,
            theme_consistency: niche.consistency,
            comment_quality: cs.comment_quality,
            bot_comment_share: cs.bot_comment_share,
            creator_reply_share: cs.creator_reply_share,
            sponsored_share,
            undisclosed_sponsored_posts: count(SponsorClass::Undisclosed),
            emails: contacts::emails(raw),
            location: contacts::location(raw),
            posts_indexed: raw.posts.len() as u64,
            last_post_at: raw.posts.iter().filter_map(|p| p.published_at).max(),
            follower_growth_30d: growth,
            fetched_at: now,
            brand_safety_flags: safety.flags,
            buyer_match: None,
            ship_to_fit: None,
            values_share: None,
            avoid_hits: Vec::new(),
            score: None,
            explain: None,
            evidence: None,
            evidence_posts: None,
            evidence_comments: None,
            posts_per_week: engagement::posts_per_week(raw).map(text::round3),
            inflated: engagement::is_inflated(
                &self.tiers,
                raw.followers,
                engagement_rate,
                cs.bot_comment_share,
            ),
            emerging: growth::is_emerging(tier, growth),
            unclear_disclosure_posts: count(SponsorClass::Unclear),
            is_bot: raw.is_bot,
            brand_safety_evidence: safety.evidence,
            follower_history: history,
            niche_shares: niche.shares,
            gone_strikes: 0,
        }
    }
}

fn view<'a>(raw: &'a RawProfile, p: &'a crate::model::Post) -> PostView<'a> {
    let mut folded = text::fold(&p.text);
    for tag in &p.hashtags {
        let t = text::fold(tag.trim_start_matches('#'));
        if !t.is_empty() && !text::hashtags_in(&folded).contains(&t.as_str()) {
            folded.push_str(" #");
            folded.push_str(&t);
        }
    }
    PostView {
        has_text: !folded.trim().is_empty(),
        lang: None,
        hint: p.lang_hint.as_deref().or(raw.lang_hint.as_deref()),
        folded,
    }
}

/// Engagement rates are small numbers: six decimals keep them exact enough and readable.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// What the creator's audience writes: every comment by others, one per line (for the
/// ranker's `buyer` matching and the index).
pub fn audience_text(raw: &RawProfile) -> String {
    let mut out = String::new();
    for c in raw
        .posts
        .iter()
        .flat_map(|p| &p.comments)
        .filter(|c| !c.by_creator)
    {
        if c.text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(c.text.trim());
    }
    out
}

/// What the creator writes: the bio and every post, one per line (for `values`/`avoid`
/// matching and the index).
pub fn own_text(raw: &RawProfile) -> String {
    let mut out = raw.bio.trim().to_string();
    for p in &raw.posts {
        if p.text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(p.text.trim());
    }
    out
}
