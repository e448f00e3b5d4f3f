//! Text normalisation every signal shares: case and accent folding, word tests, tokens.
//!
//! Lexicons (taxonomy, brand safety, disclosure markers, stock praise) are folded the same way
//! when they are loaded, so "Café", "cafe" and "CAFÉ" meet; matching then happens on bytes.
//! Folding keeps newlines (the disclosure check counts lines) and keeps punctuation (URLs,
//! hashtags and `@` mentions must survive).

/// Lower-case, strip Latin diacritics (é → e, ß → ss, œ → oe, ł → l), turn typographic
/// apostrophes into `'` and exotic spaces into ` `, drop zero-width joiners and variation
/// selectors, collapse runs of spaces and tabs (newlines are kept). Everything else (emoji, punctuation, other scripts) is kept as is.
pub fn fold(s: &str) -> String {
    fold_impl(s, None)
}

/// [`fold`], plus for every byte of the folded text the byte offset of the original char it
/// came from (to quote the original text around a match).
pub fn fold_with_map(s: &str) -> (String, Vec<usize>) {
    let mut map = Vec::with_capacity(s.len());
    let folded = fold_impl(s, Some(&mut map));
    (folded, map)
}

fn fold_impl(s: &str, mut map: Option<&mut Vec<usize>>) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == ' ' || c == '\t' {
            // Runs of spaces collapse so that lexicon phrases ("paid partnership") match.
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if c == '\r' {
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                push_folded(l, &mut out);
            }
        }
        if let Some(m) = map.as_deref_mut() {
            m.resize(out.len(), i);
        }
    }
    out
}

fn push_folded(c: char, out: &mut String) {
    let r = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ġ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{2032}' => "'",
        '\u{00a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{3000}' => " ",
        '\u{ff03}' => "#",
        '\u{200b}'..='\u{200d}' | '\u{fe0e}' | '\u{fe0f}' | '\u{0300}'..='\u{036f}' => "",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(r);
}

/// Characters that make up a word: letters, digits and `_` (so `@glow_lab` stays one token).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Fold a lexicon entry: fold, trim, collapse inner whitespace to one space.
pub fn fold_term(term: &str) -> String {
    fold(term).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A whitespace-separated token that is a link (scheme, `www.`, or `host.tld/path`).
pub fn is_url_token(tok: &str) -> bool {
    let t = tok.trim_start_matches(|c: char| !c.is_alphanumeric());
    // Case-insensitive prefixes without a lower-cased copy: this runs for every word of
    // every text whose language is detected.
    let starts = |p: &str| {
        t.as_bytes()
            .get(..p.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
    };
    if starts("http://") || starts("https://") || starts("www.") {
        return true;
    }
    // `amzn.to/abc`, `bit.ly/x`: a dot before a slash, letters on both sides of the dot.
    if let Some(slash) = t.find('/')
        && let Some(dot) = t[..slash].rfind('.')
    {
        let before = t[..dot].chars().last().is_some_and(char::is_alphanumeric);
        let after = t[dot + 1..slash].chars().all(|c| c.is_ascii_alphabetic());
        return before && after && dot + 1 < slash;
    }
    false
}

/// The words of `text` (runs of word characters) that contain at least one letter, skipping
/// URLs, `@mentions` and `#hashtags`. Used to count words and by the comment classifier.
pub fn plain_words(folded: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for tok in folded.split_whitespace() {
        if tok.starts_with('@') || tok.starts_with('#') || is_url_token(tok) {
            continue;
        }
        for w in tok.split(|c: char| !is_word_char(c) && c != '\'') {
            let w = w.trim_matches('\'');
            if w.chars().any(char::is_alphabetic) {
                words.push(w);
            }
        }
    }
    words
}

/// Hashtags written in `text`, lower-cased and folded, without the `#`.
pub fn hashtags_in(folded: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = folded;
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let end = after
            .find(|c: char| !is_word_char(c))
            .unwrap_or(after.len());
        // `#` glued to a word (`C#`, `issue#4`) is not a hashtag.
        let glued = rest[..i].chars().last().is_some_and(is_word_char);
        if end > 0 && !glued {
            tags.push(&after[..end]);
        }
        rest = &after[end..];
    }
    tags
}

/// Truncate to at most `max` chars on a char boundary, adding `…` when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
    }
}

/// The hit `s[start..end]` with up to `context` chars on each side, `…` where cut, on one
/// line: how brand-safety evidence and `avoid` hits quote a post.
pub fn excerpt_around(s: &str, start: usize, end: usize, context: usize) -> String {
    let before: Vec<(usize, char)> = s[..start].char_indices().collect();
    let from = if before.len() > context {
        before[before.len() - context].0
    } else {
        0
    };
    let to = s[end..]
        .char_indices()
        .nth(context)
        .map_or(s.len(), |(i, _)| end + i);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&s[from..to].split_whitespace().collect::<Vec<_>>().join(" "));
    if to < s.len() {
        out.push('…');
    }
    out
}

/// Round to 3 decimals: shares and rates are estimates, more digits would be noise in JSON.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Café CRÈME Straße Œuvre"), "cafe creme strasse oeuvre");
        assert_eq!(fold("¿Dónde?\nNiño"), "¿donde?\nnino");
        assert_eq!(fold("it’s"), "it's");
        assert_eq!(fold_term("  Skin   Care "), "skin care");
    }

    #[test]
    fn map_points_back_to_the_original() {
        let src = "Straße  CAFÉ";
        let (f, map) = fold_with_map(src);
        assert_eq!(f, "strasse cafe");
        assert_eq!(map.len(), f.len());
        let at = f.find("cafe").unwrap();
        assert_eq!(&src[map[at]..], "CAFÉ");
    }

    #[test]
    fn urls_and_words() {
        assert!(is_url_token("https://x.example/a"));
        assert!(is_url_token("amzn.to/3Xk9"));
        assert!(is_url_token("(www.shop.example)"));
        assert!(is_url_token("HTTP://X.EXAMPLE") && is_url_token("Www.shop.example"));
        assert!(!is_url_token("http:/") && !is_url_token("wwwx") && !is_url_token("ẞhttp://"));
        assert!(!is_url_token("and/or"));
        assert!(!is_url_token("1.5/10"));
        let f = fold("Love it!! @anna #skincare see https://x.example/p it's 😍");
        assert_eq!(plain_words(&f), vec!["love", "it", "see", "it's"]);
    }

    #[test]
    fn hashtags_found() {
        let f = fold("#Ad new in C# #Skin_Care, done#not");
        assert_eq!(hashtags_in(&f), vec!["ad", "skin_care"]);
    }

    #[test]
    fn excerpt_cuts_on_chars() {
        assert_eq!(excerpt("héllo wörld", 5), "héllo…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
