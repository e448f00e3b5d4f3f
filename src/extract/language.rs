//! Language: what the creator writes in, and what their audience writes in.
//!
//! Formula:
//! - Each text is cleaned (URLs, `@mentions`, `#hashtags`, emoji and symbols removed). A text
//!   with fewer than [`MIN_WORDS`] words or [`MIN_LETTERS`] letters is too short to judge:
//!   the platform's declared language (`lang_hint`) is used if there is one, else nothing.
//! - Otherwise whatlang (trigram model) runs once on it, restricted to [`ALLOWED`] languages
//!   (restricting removes look-alikes such as Esperanto or Latin that steal short European
//!   texts). A reliable detection wins over the hint; an unreliable one yields to the hint
//!   when there is one and is kept otherwise. whatlang's ISO 639-3 code is mapped to 639-1.
//! - `language` = the language with most of the creator's posts (ties: alphabetical); with no
//!   post detected, the bio's language, else the account's declared language.
//! - `audience_languages` = code → share of the comments written by others (not the creator)
//!   whose language could be told; shares sum to 1. Comments are short ("¡Gracias!", "¿Qué
//!   me recomiendas para empezar?"), so each commenter's comments on the creator's posts are
//!   pooled into one text and detected once, with the language their platform declares for
//!   them (Mastodon `language`, Bluesky `langs`; the most frequent over their comments) as the
//!   hint; every comment of theirs counts for the language found. A comment without a known
//!   author is its own commenter.
//!
//! Limits: one language per text and per commenter (a mixed text counts for its majority
//! language); a commenter whose pooled text is too short and who declares no language is not
//! counted, so without platform hints the audience mix reflects the more talkative commenters.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use whatlang::{Detector, Lang};

use super::lang_memo;
use super::text::{is_url_token, round3};
use crate::model::{Comment, RawProfile};

/// Fewer words than this and the text is too short to detect.
pub const MIN_WORDS: usize = 4;
/// Fewer letters than this and the text is too short to detect.
pub const MIN_LETTERS: usize = 20;

/// Languages whatlang may answer, with their ISO 639-1 codes.
pub const ALLOWED: &[(Lang, &str)] = &[
    (Lang::Eng, "en"),
    (Lang::Spa, "es"),
    (Lang::Deu, "de"),
    (Lang::Fra, "fr"),
    (Lang::Por, "pt"),
    (Lang::Ita, "it"),
    (Lang::Nld, "nl"),
    (Lang::Pol, "pl"),
    (Lang::Swe, "sv"),
    (Lang::Dan, "da"),
    (Lang::Fin, "fi"),
    (Lang::Tur, "tr"),
    (Lang::Ces, "cs"),
    (Lang::Ron, "ro"),
    (Lang::Hun, "hu"),
    (Lang::Ind, "id"),
    (Lang::Rus, "ru"),
    (Lang::Ukr, "uk"),
    (Lang::Ell, "el"),
    (Lang::Jpn, "ja"),
    (Lang::Cmn, "zh"),
    (Lang::Kor, "ko"),
    (Lang::Ara, "ar"),
    (Lang::Heb, "he"),
    (Lang::Hin, "hi"),
    (Lang::Tha, "th"),
    (Lang::Vie, "vi"),
];

static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::with_allowlist(ALLOWED.iter().map(|(l, _)| *l).collect()));

/// Build the detector now rather than on the first text (called by `Extractor::new`).
pub fn warm_up() {
    LazyLock::force(&DETECTOR);
}

/// ISO 639-1 code of a whatlang language (only those in [`ALLOWED`]).
pub fn iso639_1(lang: Lang) -> Option<&'static str> {
    ALLOWED.iter().find(|(l, _)| *l == lang).map(|(_, c)| *c)
}

/// A platform's declared language (`en`, `en-US`, `pt_BR`, `eng`) as ISO 639-1; `None` for
/// `und`, empty or unknown codes.
pub fn normalize_code(code: &str) -> Option<String> {
    let base = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match base.len() {
        2 if base.chars().all(|c| c.is_ascii_lowercase()) => Some(base),
        3 => Lang::from_code(base.as_str())
            .and_then(iso639_1)
            .map(str::to_string),
        _ => None,
    }
}

/// What is left of a text for language detection, with its word and letter counts.
struct Cleaned {
    text: String,
    words: usize,
    letters: usize,
}

fn clean(text: &str) -> Cleaned {
    let mut out = String::with_capacity(text.len());
    let (mut words, mut letters) = (0, 0);
    for tok in text.split_whitespace() {
        if tok.starts_with('@') || tok.starts_with('#') || is_url_token(tok) {
            continue;
        }
        let start = out.len();
        let mut tok_letters = 0;
        for c in tok.chars() {
            if c.is_alphabetic() {
                tok_letters += 1;
                out.push(c);
            } else if c == '\''
                || c == '’'
                || c == '-'
                || c == '¿'
                || c == '¡'
                || c.is_ascii_punctuation()
            {
                // Inverted marks are Spanish: the trigram model knows them.
                out.push(c);
            }
            // Digits, emoji and symbols carry no language.
        }
        if tok_letters == 0 {
            out.truncate(start);
            continue;
        }
        words += 1;
        letters += tok_letters;
        out.push(' ');
    }
    Cleaned {
        text: out,
        words,
        letters,
    }
}

/// Language of one text as ISO 639-1, or `None` when it cannot be told. `hint` is the
/// platform's declared language: used when the text is too short or the detection unreliable,
/// never over a confident detection. Runs whatlang at most once.
pub fn detect(text: &str, hint: Option<&str>) -> Option<String> {
    let hint = hint.and_then(normalize_code);
    let cleaned = clean(text);
    if cleaned.words < MIN_WORDS || cleaned.letters < MIN_LETTERS {
        return hint;
    }
    // Once per distinct text (see `lang_memo`): the same verdict, remembered.
    let Some(info) = lang_memo::verdict(&cleaned.text, |t| {
        DETECTOR.detect(t).map(|i| lang_memo::Verdict {
            code: iso639_1(i.lang()),
            reliable: i.is_reliable(),
        })
    }) else {
        return hint;
    };
    let found = info.code.map(str::to_string);
    if info.reliable || hint.is_none() {
        found.or(hint)
    } else {
        hint
    }
}

/// The most frequent code (ties: alphabetical first).
pub fn dominant<'a>(codes: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in codes {
        *counts.entry(c).or_default() += 1;
    }
    let mut best: Option<(&str, usize)> = None;
    for (code, n) in counts {
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((code, n));
        }
    }
    best.map(|(c, _)| c.to_string())
}

/// Code → share over the given detections (rounded to 3 decimals).
pub fn shares<'a>(codes: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, f64> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0usize;
    for c in codes {
        *counts.entry(c.to_string()).or_default() += 1;
        total += 1;
    }
    counts
        .into_iter()
        .map(|(c, n)| (c, round3(n as f64 / total as f64)))
        .collect()
}

/// `audience_languages` over comments written by others (see the module doc): pooled per
/// commenter, hinted by the languages the platform declares for them.
pub fn audience_languages<'a>(
    comments: impl IntoIterator<Item = &'a Comment>,
) -> BTreeMap<String, f64> {
    // Commenter → (their comments, pooled text, declared languages).
    let mut by_author: BTreeMap<String, (usize, String, Vec<String>)> = BTreeMap::new();
    for (i, c) in comments.into_iter().enumerate() {
        let key = match super::comment_stats::author_key(c) {
            // Unknown authors are distinct people (keyed by position, never a real URL).
            "" => format!(" #{i}"),
            k => k.to_string(),
        };
        let e = by_author.entry(key).or_default();
        e.0 += 1;
        e.1.push_str(&c.text);
        e.1.push('\n');
        e.2.extend(c.lang_hint.as_deref().and_then(normalize_code));
    }
    let mut codes: Vec<String> = Vec::new();
    for (n, text, hints) in by_author.into_values() {
        let hint = dominant(hints.iter().map(String::as_str));
        if let Some(code) = detect(&text, hint.as_deref()) {
            codes.extend(std::iter::repeat_n(code, n));
        }
    }
    shares(codes.iter().map(String::as_str))
}

/// The languages of a creator's posts (`(text, hint)` each, newest first), detected in
/// order only until the most frequent answer is settled: when no other language could
/// still reach its count if every remaining post were detected. Each post gets `Some(its
/// language)` when it was detected, `None` when it was left. [`dominant`] of the answers is
/// the answer over all posts (the leader's lead is strict, so no tie can change it), at
/// fewer model runs — a creator writing one language settles after half their posts. A
/// left post's own language, where a signal needs it, is detected then (see
/// `sponsorship::classify_post_with`).
pub fn post_languages(posts: &[(&str, Option<&str>)]) -> Vec<Option<Option<String>>> {
    let mut out: Vec<Option<Option<String>>> = vec![None; posts.len()];
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (text, hint)) in posts.iter().enumerate() {
        let found = detect(text, *hint);
        if let Some(code) = &found {
            *counts.entry(code.clone()).or_default() += 1;
        }
        out[i] = Some(found);
        // The two highest counts; a language not seen yet starts at 0, at most `second`.
        let (mut first, mut second) = (0, 0);
        for &n in counts.values() {
            if n > first {
                (first, second) = (n, first);
            } else if n > second {
                second = n;
            }
        }
        if first > second + (posts.len() - i - 1) {
            break;
        }
    }
    out
}

/// `language` of a creator given the detected language of each post (`None` = not told).
pub fn creator_language(raw: &RawProfile, post_langs: &[Option<String>]) -> Option<String> {
    dominant(post_langs.iter().flatten().map(String::as_str))
        .or_else(|| detect(&raw.bio, raw.lang_hint.as_deref()))
        .or_else(|| raw.lang_hint.as_deref().and_then(normalize_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_languages_stop_once_settled_with_the_same_dominant() {
        let en = "Today we walked along the river and talked about the best books of the year";
        let es = "Hoy hemos hecho una ruta preciosa por la sierra y al final nos pilló la tormenta";
        let de = "Heute war endlich wieder Zeit für eine lange Radtour am See entlang";
        // One language: settled after four of seven posts.
        let got = post_languages(&[(en, None); 7]);
        assert_eq!(got.iter().filter(|l| l.is_some()).count(), 4, "{got:?}");
        // Every sequence of five posts from this pool: each detected post's own answer, and
        // the dominant language of detecting them all.
        let pool = [
            (en, None),
            (es, None),
            (de, None),
            ("wow!!", None),
            ("ok!", Some("fr")),
        ];
        for n in 0..pool.len().pow(5) {
            let posts: Vec<(&str, Option<&str>)> = (0..5)
                .map(|k| pool[n / pool.len().pow(k) % pool.len()])
                .collect();
            let all: Vec<Option<String>> = posts.iter().map(|(t, h)| detect(t, *h)).collect();
            let some = post_languages(&posts);
            for (a, s) in all.iter().zip(&some) {
                if let Some(s) = s {
                    assert_eq!(s, a, "{posts:?}");
                }
            }
            let told: Vec<Option<String>> = some.into_iter().flatten().collect();
            assert_eq!(
                dominant(told.iter().flatten().map(String::as_str)),
                dominant(all.iter().flatten().map(String::as_str)),
                "{posts:?}"
            );
        }
    }

    #[test]
    fn detects_long_texts() {
        let es = "Hoy hemos hecho una ruta preciosa por la sierra y al final nos pilló la tormenta";
        assert_eq!(detect(es, None).as_deref(), Some("es"));
        let de = "Heute war endlich wieder Zeit für eine lange Radtour am See entlang";
        assert_eq!(
            detect(de, Some("en")).as_deref(),
            Some("de"),
            "confident beats hint"
        );
    }

    #[test]
    fn short_or_emoji_only_texts_use_the_hint() {
        assert_eq!(detect("😍😍🔥 #love @anna", None), None);
        assert_eq!(detect("me encanta!!", None), None);
        assert_eq!(detect("me encanta!!", Some("es-MX")).as_deref(), Some("es"));
        assert_eq!(
            detect("https://x.example/very/long/url/indeed wow", Some("und")),
            None
        );
    }

    #[test]
    fn mixed_language_post_counts_for_its_majority() {
        let mixed = "Made my grandmother's arroz con pollo tonight and the whole apartment smells \
                     like her kitchen did every Sunday. ¡Qué rico!";
        assert_eq!(detect(mixed, None).as_deref(), Some("en"));
        let mostly_es = "Outfit del finde para la boda de mi prima: vestido midi verde, sandalias \
                         doradas y un bolso vintage. Love it!";
        assert_eq!(detect(mostly_es, None).as_deref(), Some("es"));
    }

    #[test]
    fn codes_normalise() {
        assert_eq!(normalize_code("pt_BR").as_deref(), Some("pt"));
        assert_eq!(normalize_code("eng").as_deref(), Some("en"));
        assert_eq!(normalize_code("und"), None);
        assert_eq!(normalize_code(""), None);
    }

    fn comment(author: &str, text: &str, hint: Option<&str>) -> Comment {
        Comment {
            author_url: Some(format!("https://x.example/@{author}")),
            text: text.into(),
            lang_hint: hint.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn audience_languages_pool_each_commenter_and_fall_back_to_the_declared_language() {
        // Alone, each of ana's comments is too short or reads as Portuguese to the trigram
        // model; pooled they are Spanish. bob's "Thanks!" is told by his declared language.
        let cs = [
            comment("ana", "¿Qué me recomiendas para empezar?", None),
            comment("ana", "¡Gracias!", None),
            comment("ana", "Muy útil, mil gracias por compartir", None),
            comment("bob", "Thanks!", Some("en")),
            comment("cid", "🔥🔥", None),
        ];
        let s = audience_languages(&cs);
        assert_eq!(s.get("es"), Some(&0.75), "{s:?}");
        assert_eq!(s.get("en"), Some(&0.25), "{s:?}");
        // A declared language yields to a confident detection of a long text.
        let de = comment(
            "dora",
            "Heute war endlich wieder Zeit für eine lange Radtour am See entlang",
            Some("en"),
        );
        assert_eq!(audience_languages([&de]).get("de"), Some(&1.0));
        assert!(audience_languages([]).is_empty());
    }

    #[test]
    fn dominant_and_shares() {
        assert_eq!(dominant(["en", "es", "es"]).as_deref(), Some("es"));
        assert_eq!(dominant(["fr", "de"]).as_deref(), Some("de"));
        let s = shares(["es", "es", "en"]);
        assert_eq!(s["es"], 0.667);
        assert_eq!(s["en"], 0.333);
    }
}
