//! One comment at a time: is it a person saying something, stock praise, or spam?
//!
//! Rules, in order (lexicons in `data/comments.toml`, all matching case/accent-folded and
//! whole-word):
//! 1. **Spam** — a promotion / collab-bait / self-promotion / follower-selling / scam phrase in
//!    any of the shipped languages ("DM us for a collab", "check my profile", "my channel",
//!    "sígueme", "schreib uns", "abonne-toi", "chama no direct", "scrivici", "bitcoin"...), a
//!    money amount next to a scheme cue ("$500 a day", "300€ par jour, demande-moi"), or a link
//!    dropped with fewer than [`LINK_DROP_MAX_WORDS`] other words.
//! 2. **Generic** — no words at all (emoji-only, a bare mention or punctuation).
//! 3. **Genuine** — purchase intent ("where can I buy", "¿cuánto cuesta?", "wo gibt es das",
//!    "où acheter", "onde comprar", "dove si compra", "link?") or a request to the creator
//!    ("recipe please", "can you do a video on").
//! 4. Stock phrases ("keep it up", "thanks for sharing", "who's here in") are removed; the
//!    remaining words are compared with the stock-praise vocabulary (compliments, laughter and
//!    the function words that glue them: "so", "this", "que", "sehr", "trop"), also after
//!    squeezing repeated letters ("niceee", "sooo").
//!    **Genuine** if it asks a question (a `?`, or 3+ words opening with "what", "wo",
//!    "dónde", "où", "onde", "dove"...) with at least two words, one of them not praise.
//! 5. **Generic** if no word is left outside the praise vocabulary; or it has at most
//!    [`SHORT_MAX_WORDS`] words (real one- and two-word comments are questions or purchase
//!    intent, caught above: "link?", "precio?"); or at most 4 words, one of them praise and at
//!    most two not ("Gorgeous colours", "Que coisa mais linda").
//! 6. Otherwise **Genuine**.
//!
//! Repetition across accounts is judged on a creator's whole comment set
//! ([`super::comment_stats`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::matcher::PhraseMatcher;
use super::text::{fold, is_url_token, plain_words};

/// A link with fewer other words than this is a link drop.
pub const LINK_DROP_MAX_WORDS: usize = 8;
/// Comments of at most this many words that neither ask nor show intent are generic.
pub const SHORT_MAX_WORDS: usize = 2;
/// A comment starting with "what", "wo", "dónde"... is a question from this many words on.
pub const MIN_WORDS_UNMARKED_QUESTION: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentClass {
    Genuine,
    Generic,
    Spam,
}

impl CommentClass {
    /// Generic and spam together: the "bot-like" comments.
    pub fn is_bot_like(self) -> bool {
        !matches!(self, CommentClass::Genuine)
    }
}

/// What the classifier saw in one comment (the quality score reuses it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommentFeatures {
    pub class: CommentClass,
    /// Words (URLs, mentions, hashtags and emoji excluded).
    pub words: usize,
    pub question: bool,
    /// Purchase intent or a request to the creator.
    pub intent: bool,
}

const COMMENTS_TOML: &str = include_str!("../../data/comments.toml");

struct Lexicon {
    praise: HashSet<String>,
    stock: PhraseMatcher<()>,
    spam: PhraseMatcher<()>,
    intent: PhraseMatcher<()>,
    /// Purchase intent alone (`intent` also holds requests to the creator).
    purchase: PhraseMatcher<()>,
    currency_words: HashSet<String>,
    money_cues: PhraseMatcher<()>,
    interrogatives: HashSet<String>,
}

#[derive(Deserialize)]
struct LexiconFile {
    praise: std::collections::BTreeMap<String, String>,
    stock: Phrases,
    spam: Phrases,
    intent: Phrases,
    request: Phrases,
    money: MoneyDef,
    question: Words,
}

#[derive(Deserialize)]
struct Phrases {
    phrases: Vec<String>,
}

#[derive(Deserialize)]
struct MoneyDef {
    currency_words: Vec<String>,
    cues: Vec<String>,
}

#[derive(Deserialize)]
struct Words {
    words: Vec<String>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let f: LexiconFile = toml::from_str(COMMENTS_TOML).expect("data/comments.toml is valid");
    let build = |lists: &[&Phrases]| {
        let mut b = PhraseMatcher::builder();
        for p in lists.iter().flat_map(|l| &l.phrases) {
            b.add(p, ());
        }
        b.build()
    };
    Lexicon {
        praise: f
            .praise
            .values()
            .flat_map(|s| s.split_whitespace())
            .map(fold)
            .collect(),
        stock: build(&[&f.stock]),
        spam: build(&[&f.spam]),
        intent: build(&[&f.intent, &f.request]),
        purchase: build(&[&f.intent]),
        currency_words: f.money.currency_words.iter().map(|w| fold(w)).collect(),
        money_cues: build(&[&Phrases {
            phrases: f.money.cues,
        }]),
        interrogatives: f.question.words.iter().map(|w| fold(w)).collect(),
    }
});

/// Build the lexicons now rather than on the first comment.
pub fn warm_up() {
    LazyLock::force(&LEXICON);
}

/// Classify one comment on its own (no repetition context).
pub fn classify_comment(text: &str) -> CommentClass {
    analyze_comment(text).class
}

/// A genuine comment showing purchase intent ("where can I buy", "does it ship to", "¿cuánto
/// cuesta?"), not a request to the creator ("recipe please").
pub fn is_purchase_intent(text: &str) -> bool {
    let folded = fold(text);
    analyze_folded(&folded).class == CommentClass::Genuine && LEXICON.purchase.is_match(&folded)
}

/// Classify one comment and keep the features the quality score needs.
pub fn analyze_comment(text: &str) -> CommentFeatures {
    analyze_folded(&fold(text))
}

/// [`analyze_comment`] on a text already passed through `text::fold`.
pub fn analyze_folded(folded: &str) -> CommentFeatures {
    let lex = &*LEXICON;
    let words = plain_words(folded);
    // "What a view!" is an exclamation, not a question.
    let interrogative = words.len() >= MIN_WORDS_UNMARKED_QUESTION
        && lex.interrogatives.contains(words[0])
        && !matches!(words[1], "a" | "an");
    let question = folded.contains('?') || folded.contains('¿') || interrogative;
    let mut f = CommentFeatures {
        class: CommentClass::Genuine,
        words: words.len(),
        question,
        intent: false,
    };
    let has_link = folded.split_whitespace().any(is_url_token);
    if lex.spam.is_match(folded)
        || (has_link && words.len() < LINK_DROP_MAX_WORDS)
        || money_scheme(lex, folded)
    {
        f.class = CommentClass::Spam;
        return f;
    }
    if words.is_empty() {
        f.class = CommentClass::Generic;
        return f;
    }
    if lex.intent.is_match(folded) {
        f.intent = true;
        return f;
    }
    let stock: Vec<(usize, usize)> = lex
        .stock
        .find(folded)
        .iter()
        .map(|h| (h.start, h.end))
        .collect();
    let base = folded.as_ptr() as usize;
    let mut praise = 0;
    let mut other = 0;
    for w in &words {
        let at = w.as_ptr() as usize - base;
        if stock.iter().any(|&(s, e)| at >= s && at < e) {
            continue;
        }
        if is_praise(&lex.praise, w) {
            praise += 1;
        } else {
            other += 1;
        }
    }
    if question && words.len() >= 2 && other >= 1 {
        return f;
    }
    let n = words.len();
    if other == 0 || n <= SHORT_MAX_WORDS || (n <= 4 && praise >= 1 && other <= 2) {
        f.class = CommentClass::Generic;
    }
    f
}

/// A money amount (`$500`, `300€`, `200 reais`) next to a scheme cue ("a day", "ask me how").
fn money_scheme(lex: &Lexicon, folded: &str) -> bool {
    let toks: Vec<&str> = folded.split_whitespace().collect();
    let amount = toks.iter().enumerate().any(|(i, t)| {
        t.chars().any(|c| c.is_ascii_digit())
            && (t.contains(['$', '€', '£'])
                || toks.get(i + 1).is_some_and(|n| {
                    lex.currency_words
                        .contains(n.trim_matches(|c: char| !c.is_alphanumeric()))
                        || n.starts_with(['$', '€', '£'])
                }))
    });
    amount && lex.money_cues.is_match(folded)
}

fn is_praise(praise: &HashSet<String>, w: &str) -> bool {
    praise.contains(w)
        || is_laughter(w)
        || praise.contains(&squeeze(w, 2))
        || praise.contains(&squeeze(w, 1))
}

/// Runs of one letter cut to at most `max` ("niceee" → "nice" with 1, "goood" → "good" with 2).
fn squeeze(w: &str, max: usize) -> String {
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    let mut run = 0;
    for c in w.chars() {
        if Some(c) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(c);
        }
        if run <= max {
            out.push(c);
        }
    }
    out
}

/// "hahaha", "jajaja", "kkkkk", "rsrs", "lol", "mdr", "xd".
fn is_laughter(w: &str) -> bool {
    if matches!(
        w,
        "lol" | "lool" | "lmao" | "lmfao" | "mdr" | "xd" | "xdd" | "rofl"
    ) {
        return true;
    }
    if w.len() >= 3 && w.chars().all(|c| c == 'k') {
        return true;
    }
    let b = w.as_bytes();
    b.len() >= 4
        && ["ha", "ah", "ja", "he", "je", "hi", "ji", "rs"]
            .iter()
            .any(|u| {
                let u = u.as_bytes();
                b.iter().enumerate().all(|(i, c)| *c == u[i % 2])
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommentClass::*;

    #[test]
    fn emoji_only_is_generic() {
        assert_eq!(classify_comment("😍😍😍"), Generic);
        assert_eq!(classify_comment("🔥 👏 ❤️"), Generic);
        assert_eq!(classify_comment("!!!"), Generic);
    }

    #[test]
    fn stock_praise_in_many_languages() {
        for c in [
            "Love it!",
            "great post 🔥",
            "me encanta 😍",
            "Super!!",
            "toll!",
            "trop beau",
            "lindo demais",
            "bellissimo",
            "Niceee",
            "hahaha",
            "Keep it up!! 💪",
        ] {
            assert_eq!(classify_comment(c), Generic, "{c}");
        }
    }

    #[test]
    fn thanks_and_praise_that_say_nothing_about_the_post_in_five_languages() {
        for c in [
            "This is so helpful, thank you",
            "Totally agree",
            "Muy útil, mil gracias por compartir",
            "Qué buena publicación, la guardo",
            "Totalmente de acuerdo",
            "Danke für den tollen Beitrag, sehr hilfreich",
            "Ich liebe deine Inhalte, weiter so",
            "Adorei o conteúdo, muito obrigado",
            "Que post incrível, salvei aqui",
            "Merci pour le partage, c'est top",
        ] {
            assert_eq!(classify_comment(c), Generic, "{c}");
        }
        // The same glue words around something said about the post stay genuine.
        for c in [
            "La masa madre de tu receta subió el doble en la nevera",
            "Ich habe den Beitrag ausprobiert und die Hydration auf 70 gesenkt",
            "Helpful tip: a coarser grind fixed the bitterness in my V60",
        ] {
            assert_eq!(classify_comment(c), Genuine, "{c}");
        }
    }

    #[test]
    fn spam_and_link_drops() {
        for c in [
            "DM us for a collab 💌",
            "send us a DM to be featured",
            "Check my profile for free followers",
            "bit.ly/3xFreeGift",
            "Earn passive income with crypto",
            "Sígueme y te sigo",
            "Schreib uns für eine Kooperation",
        ] {
            assert_eq!(classify_comment(c), Spam, "{c}");
        }
    }

    #[test]
    fn questions_and_purchase_intent_are_genuine() {
        for c in [
            "link?",
            "how much?",
            "¿dónde lo compro?",
            "¿cuánto cuesta?",
            "wo gibt es das?",
            "wo kann ich das kaufen",
            "où acheter ?",
            "onde comprar?",
            "dove si compra?",
            "Love it! Where's the dress from?",
            "Which switches are these? They sound great",
            "I tried it with oat milk and it worked, less sugar too",
        ] {
            assert_eq!(classify_comment(c), Genuine, "{c}");
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(squeeze("niceee", 1), "nice");
        assert_eq!(squeeze("goood", 2), "good");
        assert!(is_laughter("jajaja") && is_laughter("kkkk") && is_laughter("hahah"));
        assert!(!is_laughter("share") && !is_laughter("haha-no"));
    }
}
