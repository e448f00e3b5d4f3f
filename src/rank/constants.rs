//! The ranker's fixed constants, in one place, each with why it has its value. The weights a
//! deployment may tune are `[rank]` in the config (`RankWeights`); these are the shapes of the
//! signals and the parameters of query understanding, tuned on the ranking world (seed 12,
//! checked on seed 13; RANKING.md) and not meant to be changed per deployment.

// --- Query text and synonyms --------------------------------------------------------------

/// Taxonomy synonyms weigh this much of a word the marketer typed, in retrieval, evidence
/// and the buyer query: a German query still favours creators who write the German word.
pub(crate) const SYNONYM_WEIGHT: f32 = 0.4;

/// A post naming a whole taxonomy synonym ("café de especialidad" for "specialty coffee")
/// counts this much towards query focus (a post with all the typed words counts 1): the
/// taxonomy's synonyms are curated to mean the niche, so such a post is about it, but the
/// marketer's own words weigh more — a Spanish query still puts the creator writing Spanish
/// above the one writing the German synonym (tests/ranking.rs, multilingual queries).
pub(crate) const SYNONYM_FOCUS: f64 = 0.8;

// --- Relevance and focus ----------------------------------------------------------------

/// The share of text relevance a creator keeps when none of its own posts match the query
/// (the bio or the name does): the bio claims, the posts prove.
pub(crate) const BIO_ONLY_RELEVANCE: f64 = 0.4;

/// Query focus at which text relevance counts in full (between 0 and this, the kept share
/// grows linearly from [`BIO_ONLY_RELEVANCE`]): half of the posts on the query is a creator
/// of the niche; a mixed creator reaches it too.
pub(crate) const FOCUS_PROVEN_AT: f64 = 0.5;

// --- Pseudo-relevance feedback (query expansion, see `super::feedback`) -----------------

/// Expand only queries naming no taxonomy niche. The taxonomy's synonyms are curated across
/// languages, so its niches gain little from feedback (a few thousandths of NDCG@10 on the
/// ranking world) while paying a second retrieval; a niche it does not know has nothing else.
pub(crate) const FEEDBACK_ONLY_OUTSIDE_TAXONOMY: bool = true;

/// Feedback creators: the most query-focused candidates of each language, at most this
/// many. Enough that one creator's idiosyncrasies are outvoted, few enough that all are on
/// the niche.
pub(crate) const FEEDBACK_CREATORS: usize = 8;

/// A candidate is a feedback creator only with at least this query focus (one post in 20
/// on the query): its words are learnt from its posts on the query only, weighted by how
/// well each matches, so a creator writing the niche in another language — matching only
/// through an English hashtag now and then — still teaches its words.
pub(crate) const FEEDBACK_MIN_FOCUS: f64 = 0.05;

/// Fewer feedback creators than this in a language: nothing learnt from that language; an
/// expansion term is used by at least this many of them too (a word of the niche, not of
/// one creator).
pub(crate) const FEEDBACK_MIN_CREATORS: usize = 2;

/// Expansion terms learnt per language, at most.
pub(crate) const FEEDBACK_TERMS: usize = 8;

/// Expansion terms weighing less than this (of the best term's weight) are dropped: each is
/// one more posting list in the widened retrieval, and the weakest add noise more than matches.
pub(crate) const FEEDBACK_MIN_WEIGHT: f64 = 0.3;

/// An expansion term is used by at least this share of the feedback creators: a word of the
/// niche, not of one creator.
pub(crate) const FEEDBACK_MIN_CREATOR_SHARE: f64 = 0.3;

/// An expansion term is at least this many times more common among the feedback creators
/// than among the creators of their language (all creators when it has no stemming field):
/// distinctive of the niche, not a word everyone writing that language uses ("notes", "my",
/// "los"). A ratio of shares needs no stop-word list; a stemming language's own stop words,
/// which have no stem, are left out as well.
pub(crate) const FEEDBACK_MIN_LIFT: f64 = 3.0;

/// An expansion term is used by at most this share of the creators it is compared with,
/// whatever its lift: a word most creators of a small world or language share ("my", "i",
/// "lot") says nothing of a niche, and a widening clause over it would score a large part
/// of the index (the cost of an expanded query at 100k creators was such clauses).
/// Only among at least [`FEEDBACK_MAX_COMMON_FROM`] creators, though: in a small index one
/// niche's creators are themselves a large share, and its words would be cut.
pub(crate) const FEEDBACK_MAX_COMMON: f64 = 0.15;
pub(crate) const FEEDBACK_MAX_COMMON_FROM: f64 = 1_000.0;

/// The best expansion term's boost in retrieval, relative to a typed word's: expansion
/// widens the net (creators writing the niche in other words or languages) without
/// outweighing what the marketer typed.
pub(crate) const FEEDBACK_RETRIEVAL_WEIGHT: f32 = 0.3;

/// A post matching only the best expansion term counts this much towards query focus
/// (other terms in proportion to their weight; several terms combine as a noisy-or): such a
/// post is likely, not surely, on the niche.
pub(crate) const FEEDBACK_FOCUS_WEIGHT: f64 = 0.6;

// --- Neutral values of unknown signals (a creator is not punished for what a platform does
// not publish, and earns no bonus either) ---------------------------------------------------

/// Bot-comment share assumed when no comments were read.
pub(crate) const UNKNOWN_BOT_SHARE: f64 = 0.3;
/// Engagement percentile assumed without an engagement rate or tier.
pub(crate) const UNKNOWN_ENGAGEMENT: f64 = 0.3;
/// Comment quality assumed when no comments were read.
pub(crate) const UNKNOWN_COMMENT_QUALITY: f64 = 0.2;

// --- Shapes of the signals -----------------------------------------------------------------

/// Authenticity is multiplied by this when the inflated-audience pattern is flagged: bought
/// followers make every other audience figure meaningless.
pub(crate) const INFLATED_AUTHENTICITY: f64 = 0.2;
/// ... and by this for accounts that declare themselves bots.
pub(crate) const BOT_AUTHENTICITY: f64 = 0.5;
/// Recency decays as exp(−days / this): a post six weeks ago is about a third as fresh.
pub(crate) const RECENCY_DAYS: f64 = 45.0;
/// No inactivity penalty for this many days without a post (a normal break).
pub(crate) const INACTIVE_AFTER_DAYS: f64 = 90.0;
/// ... growing to the full penalty over this many more days (about a year in all).
pub(crate) const INACTIVE_FULL_AFTER_DAYS: f64 = 275.0;
/// A sponsored share up to this is normal; the penalty grows from here to 1.
pub(crate) const NORMAL_SPONSORED_SHARE: f64 = 0.25;
/// Undisclosed sponsored posts that make the full undisclosed penalty.
pub(crate) const UNDISCLOSED_FULL: f64 = 3.0;
