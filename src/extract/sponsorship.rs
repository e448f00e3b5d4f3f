//! Sponsorship and disclosure: is a post paid, gifted or affiliate content, and is it said
//! clearly?
//!
//! Each post is `organic`, `disclosed`, `unclear` or `undisclosed` (lexicons in
//! `data/disclosure.toml`, case/accent-folded, whole-word):
//! - **disclosed**: the platform's paid-partnership flag (`branded_content`), or a clear marker
//!   where followers see it: `#ad`, `#sponsored`, `#anzeige`, `#werbung`, `#publi`,
//!   `#publicidad`, `#publicidade`, `#partenariat`, `#sponsorisé`, `#adv`, "paid partnership",
//!   "sponsored by", "Anzeige", "Werbung", "in Zusammenarbeit mit", "publicidad", "patrocinado",
//!   "collaboration commerciale", "pubblicità", "affiliate links", "gifted by", or a post that
//!   opens with `AD |`, `Werbung:`, `ADV -`...; `#pub` counts in French posts (elsewhere it is a
//!   bar) or, language unknown, when it opens the post.
//! - **unclear** (as the FTC, CMA/ASA and the Landesmedienanstalten judge it): a clear marker
//!   only where followers miss it — after [`HIDDEN_AFTER_HASHTAGS`] or more other hashtags in a
//!   row, past the first [`VISIBLE_LINES`] lines or the first [`VISIBLE_CHARS`] characters
//!   (the "… more" fold) — or only ambiguous markers (`#sp`, `#spon`, `#collab`, `#partner`,
//!   `#ambassador`, "in collaboration with", "powered by", "thanks @brand for sending...") on
//!   a post that also mentions an account, links out or carries a commercial signal.
//! - **undisclosed**: no marker, but a commercial signal: a discount code ("use code ANNA10",
//!   "código", "Rabattcode", "code promo", "cupom", "codice sconto"), an affiliate or tracked
//!   link (amzn.to, Amazon `tag=`, `?ref=`, `?aff=`, `/aff/`, rstyle.me, go.magik.ly, LTK,
//!   `utm_medium=influencer|affiliate|...`), "shop my look", or "20% off" next to a mention or
//!   link.
//! - **organic** otherwise. A negation just before a marker ("not sponsored", "keine Werbung",
//!   "no es publi") cancels it.
//!
//! Creator totals: `sponsored_share` = (disclosed + unclear + undisclosed) / posts;
//! `undisclosed_sponsored_posts` and `unclear_disclosure_posts` count posts.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::matcher::PhraseMatcher;
use super::text::{fold, fold_term, is_url_token, is_word_char};
use crate::model::Post;

pub const HIDDEN_AFTER_HASHTAGS: usize = 5;
pub const VISIBLE_LINES: usize = 3;
pub const VISIBLE_CHARS: usize = 125;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SponsorClass {
    Organic,
    Disclosed,
    Unclear,
    Undisclosed,
}

impl SponsorClass {
    pub fn is_sponsored(self) -> bool {
        self != SponsorClass::Organic
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Clear,
    FrenchOnly,
    Ambiguous,
    Thanks,
}

struct Lexicon {
    markers: PhraseMatcher<Marker>,
    leading: HashSet<String>,
    negations: HashSet<String>,
    thanks_context: PhraseMatcher<()>,
    commercial: PhraseMatcher<()>,
    percent_off: Vec<String>,
    code_words: HashSet<String>,
    link_hosts: Vec<String>,
    link_patterns: Vec<String>,
    utm_mediums: HashSet<String>,
}

#[derive(Deserialize)]
struct File {
    clear: ClearDef,
    ambiguous: AmbiguousDef,
    thanks: ThanksDef,
    negation: NegationDef,
    commercial: CommercialDef,
}

#[derive(Deserialize)]
struct ClearDef {
    hashtags: Vec<String>,
    phrases: Vec<String>,
    leading: Vec<String>,
    french_only_hashtags: Vec<String>,
}

#[derive(Deserialize)]
struct AmbiguousDef {
    hashtags: Vec<String>,
    phrases: Vec<String>,
}

#[derive(Deserialize)]
struct ThanksDef {
    phrases: Vec<String>,
    context: Vec<String>,
}

#[derive(Deserialize)]
struct NegationDef {
    words: Vec<String>,
}

#[derive(Deserialize)]
struct CommercialDef {
    code_words: Vec<String>,
    phrases: Vec<String>,
    percent_off: Vec<String>,
    link_hosts: Vec<String>,
    link_patterns: Vec<String>,
    utm_mediums: Vec<String>,
}

const DISCLOSURE_TOML: &str = include_str!("../../data/disclosure.toml");

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let f: File = toml::from_str(DISCLOSURE_TOML).expect("data/disclosure.toml is valid");
    let mut m = PhraseMatcher::builder();
    for t in &f.clear.hashtags {
        m.add(&format!("#{t}"), Marker::Clear);
    }
    for p in &f.clear.phrases {
        m.add(p, Marker::Clear);
    }
    for t in &f.clear.french_only_hashtags {
        m.add(&format!("#{t}"), Marker::FrenchOnly);
    }
    for t in &f.ambiguous.hashtags {
        m.add(&format!("#{t}"), Marker::Ambiguous);
    }
    for p in &f.ambiguous.phrases {
        m.add(p, Marker::Ambiguous);
    }
    for p in &f.thanks.phrases {
        m.add(p, Marker::Thanks);
    }
    let simple = |list: &[String]| {
        let mut b = PhraseMatcher::builder();
        for p in list {
            b.add(p, ());
        }
        b.build()
    };
    let set = |list: &[String]| list.iter().map(|s| fold_term(s)).collect::<HashSet<_>>();
    let folded = |list: &[String]| list.iter().map(|s| fold_term(s)).collect::<Vec<_>>();
    Lexicon {
        markers: m.build(),
        leading: set(&f.clear.leading),
        negations: set(&f.negation.words),
        thanks_context: simple(&f.thanks.context),
        commercial: simple(&f.commercial.phrases),
        percent_off: folded(&f.commercial.percent_off),
        code_words: set(&f.commercial.code_words),
        link_hosts: folded(&f.commercial.link_hosts),
        link_patterns: folded(&f.commercial.link_patterns),
        utm_mediums: set(&f.commercial.utm_mediums),
    }
});

/// Build the lexicons now rather than on the first post.
pub fn warm_up() {
    LazyLock::force(&LEXICON);
}

/// Classify a post; its declared language (`lang_hint`) decides what `#pub` means.
pub fn classify_post(post: &Post) -> SponsorClass {
    let lang = post
        .lang_hint
        .as_deref()
        .and_then(super::language::normalize_code);
    classify_post_in(post, &fold(&post.text), lang.as_deref())
}

/// Classify a post whose text is already folded, in a known (detected) language.
pub fn classify_post_in(post: &Post, folded: &str, lang: Option<&str>) -> SponsorClass {
    classify_post_with(post, folded, || lang.map(str::to_string))
}

/// [`classify_post_in`] with the post's language told by `lang` only if a marker needs it
/// (French-only ones): most posts are classified without detecting their language.
pub fn classify_post_with(
    post: &Post,
    folded: &str,
    lang: impl FnOnce() -> Option<String>,
) -> SponsorClass {
    let mut ask = Some(lang);
    let mut told: Option<Option<String>> = None;
    if post.branded_content {
        return SponsorClass::Disclosed;
    }
    let lex = &*LEXICON;
    // Hashtags the source lists but the text lacks are taken to sit at the end.
    let missing: Vec<String> = post
        .hashtags
        .iter()
        .map(|t| fold(t.trim_start_matches('#')))
        .filter(|t| !t.is_empty() && !folded.contains(&format!("#{t}")))
        .collect();
    let owned: String;
    let text: &str = if missing.is_empty() {
        folded
    } else {
        let mut s = folded.to_string();
        for t in &missing {
            s.push_str(" #");
            s.push_str(t);
        }
        owned = s;
        &owned
    };

    let mentions = !post.mentions.is_empty() || has_mention(text);
    let links = links_of(post, text);
    let commercial = commercial_signal(lex, post, text, mentions, &links);

    let (mut clear_visible, mut clear_hidden, mut ambiguous) = (false, false, false);
    if starts_with_marker(lex, text) {
        clear_visible = true;
    }
    for hit in lex.markers.find(text) {
        if negated(lex, &text[..hit.start]) {
            continue;
        }
        for kind in hit.payloads {
            match kind {
                Marker::Clear => {
                    if hidden(text, hit.start) {
                        clear_hidden = true;
                    } else {
                        clear_visible = true;
                    }
                }
                Marker::FrenchOnly => {
                    let opens = text[..hit.start].split_whitespace().count() < 3;
                    let lang = told.get_or_insert_with(|| ask.take().and_then(|f| f()));
                    let french = match lang {
                        Some(l) => l == "fr",
                        None => opens,
                    };
                    if french && !hidden(text, hit.start) {
                        clear_visible = true;
                    } else if french {
                        clear_hidden = true;
                    }
                }
                Marker::Ambiguous => ambiguous = true,
                Marker::Thanks => ambiguous |= lex.thanks_context.is_match(text),
            }
        }
    }
    let context = mentions || !links.is_empty() || commercial;
    if clear_visible {
        SponsorClass::Disclosed
    } else if clear_hidden || (ambiguous && context) {
        SponsorClass::Unclear
    } else if commercial {
        SponsorClass::Undisclosed
    } else {
        SponsorClass::Organic
    }
}

/// A marker past the fold or at the end of a long hashtag run.
fn hidden(text: &str, start: usize) -> bool {
    let before = &text[..start];
    before.chars().count() > VISIBLE_CHARS
        || before.matches('\n').count() >= VISIBLE_LINES
        || hashtags_before(before) >= HIDDEN_AFTER_HASHTAGS
}

/// Hashtags immediately before a position (emoji and punctuation between them don't break
/// the run; a word does).
fn hashtags_before(before: &str) -> usize {
    let mut n = 0;
    for tok in before.split_whitespace().rev() {
        if tok.starts_with('#') {
            n += tok.matches('#').count();
        } else if tok.chars().any(is_word_char) {
            break;
        }
    }
    n
}

/// "not sponsored", "keine Werbung", "no es publi": a negation among the two words before.
fn negated(lex: &Lexicon, before: &str) -> bool {
    before
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .any(|w| lex.negations.contains(w))
}

/// `AD | ...`, `Werbung: ...`, `ADV - ...`: the first word is a marker followed by a separator.
fn starts_with_marker(lex: &Lexicon, text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !is_word_char(c));
    let end = t.find(|c: char| !is_word_char(c)).unwrap_or(t.len());
    if !lex.leading.contains(&t[..end]) {
        return false;
    }
    let rest = t[end..].trim_start_matches([' ', '\t']);
    rest.is_empty()
        || rest.starts_with([
            '|', ':', '-', '–', '—', '.', '/', ']', ')', '*', '\n', '•', '·',
        ])
}

fn has_mention(text: &str) -> bool {
    text.split_whitespace().any(|t| {
        t.strip_prefix('@')
            .and_then(|r| r.chars().next())
            .is_some_and(is_word_char)
    })
}

/// Links written in the text plus those the source extracted, folded.
fn links_of(post: &Post, text: &str) -> Vec<String> {
    let mut links: Vec<String> = text
        .split_whitespace()
        .filter(|t| is_url_token(t))
        .map(|t| {
            t.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '"' | '\''))
                .to_string()
        })
        .collect();
    links.extend(post.links.iter().map(|l| fold(l)));
    links
}

fn host_of(link: &str) -> &str {
    let l = link.split_once("://").map_or(link, |(_, r)| r);
    let end = l.find(['/', '?', '#']).unwrap_or(l.len());
    let host = &l[..end];
    host.strip_prefix("www.").unwrap_or(host)
}

fn affiliate_link(lex: &Lexicon, link: &str) -> bool {
    let host = host_of(link);
    if lex
        .link_hosts
        .iter()
        .any(|h| host == h || host.ends_with(&format!(".{h}")))
    {
        return true;
    }
    if host.contains("amazon.") && (link.contains("tag=") || link.contains("linkcode=")) {
        return true;
    }
    if lex.link_patterns.iter().any(|p| link.contains(p.as_str())) {
        return true;
    }
    link.split(['?', '&'])
        .filter_map(|kv| kv.strip_prefix("utm_medium="))
        .any(|v| lex.utm_mediums.contains(v))
}

fn commercial_signal(
    lex: &Lexicon,
    post: &Post,
    text: &str,
    mentions: bool,
    links: &[String],
) -> bool {
    if lex.commercial.is_match(text) || links.iter().any(|l| affiliate_link(lex, l)) {
        return true;
    }
    if (mentions || !links.is_empty()) && lex.percent_off.iter().any(|p| text.contains(p.as_str()))
    {
        return true;
    }
    has_code(lex, &post.text)
}

/// A code word followed within three words by something that looks like a discount code
/// (`ANNA10`, `SUMMER15`, `LUNA15`): 4–20 capitals and digits, at least two capitals, and a
/// digit or 5+ characters. Read on the original text, where case tells codes from words.
fn has_code(lex: &Lexicon, original: &str) -> bool {
    let toks: Vec<&str> = original.split_whitespace().collect();
    let trim = |t: &str| -> String { t.trim_matches(|c: char| !c.is_alphanumeric()).to_string() };
    for (i, t) in toks.iter().enumerate() {
        if !lex.code_words.contains(&fold(&trim(t))) {
            continue;
        }
        for next in toks.iter().skip(i + 1).take(3) {
            if looks_like_code(&trim(next)) {
                return true;
            }
        }
    }
    false
}

fn looks_like_code(t: &str) -> bool {
    let n = t.chars().count();
    let upper = t.chars().filter(char::is_ascii_uppercase).count();
    let digit = t.chars().any(|c| c.is_ascii_digit());
    (4..=20).contains(&n)
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && upper >= 2
        && (digit || n >= 5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SponsorClass::*;

    fn class(text: &str) -> SponsorClass {
        classify_post(&Post {
            text: text.into(),
            ..Default::default()
        })
    }

    #[test]
    fn code_without_disclosure_is_undisclosed() {
        assert_eq!(
            class("Love my new @lumasilk pillowcase, use my code JESS20 for 20% off"),
            Undisclosed
        );
        assert_eq!(class("Rabattcode ANNA10 bei @hausgruen"), Undisclosed);
        assert_eq!(class("same blender here amzn.to/3Xk9QpL"), Undisclosed);
        assert_eq!(class("Use code blocks in your README, please."), Organic);
        assert_eq!(class("Le code de la route a changé"), Organic);
    }

    #[test]
    fn disclosure_in_the_middle_vs_end_of_a_long_hashtag_run() {
        assert_eq!(class("#skincare #glow #ad #serum with @glowlab"), Disclosed);
        assert_eq!(class("Morning! @glowlab #a #b #c #d #e #f #ad"), Unclear);
        assert_eq!(class("Morning! @glowlab #a #b #ad #c #d #e #f"), Disclosed);
    }

    #[test]
    fn disclosure_below_the_fold_is_unclear() {
        let long = format!(
            "{} @brand\n#ad",
            "So happy with this view today. ".repeat(5)
        );
        assert_eq!(class(&long), Unclear);
        assert_eq!(class("one\ntwo\nthree\nfour @brand #ad"), Unclear);
        assert_eq!(class("#ad one\ntwo\nthree\nfour"), Disclosed);
    }

    #[test]
    fn ambiguous_markers_and_negations() {
        assert_eq!(class("New shoes from @correlibre #sp"), Unclear);
        assert_eq!(class("Anniversary dinner with my #partner"), Organic);
        assert_eq!(class("Thanks @brand for sending me these"), Unclear);
        assert_eq!(class("Thanks @marco for the photos!"), Organic);
        assert_eq!(class("Not sponsored, I just love it"), Organic);
        assert_eq!(class("Keine Werbung – selbst gekauft"), Organic);
        assert_eq!(class("Anzeige | Mein Müsli von @korn"), Disclosed);
        assert_eq!(class("AD | three ways to style it"), Disclosed);
    }

    #[test]
    fn platform_flag_and_pub() {
        let flagged = Post {
            text: "morning coffee".into(),
            branded_content: true,
            ..Default::default()
        };
        assert_eq!(classify_post(&flagged), Disclosed);
        assert_eq!(
            class("Pint after the run at our local #pub #running"),
            Organic
        );
        let fr = Post {
            text: "Ma routine du soir avec @eauclaire #pub".into(),
            lang_hint: Some("fr".into()),
            ..Default::default()
        };
        assert_eq!(classify_post(&fr), Disclosed);
    }

    #[test]
    fn tracked_links() {
        assert_eq!(
            class("vest: https://shop.example/v?utm_source=ig&utm_medium=influencer"),
            Undisclosed
        );
        assert_eq!(class("my blog: https://lamanna.co/recipes"), Organic);
        assert!(looks_like_code("ANNA10") && looks_like_code("SUMMER") && !looks_like_code("RED"));
    }
}
