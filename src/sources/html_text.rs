//! HTML fragments as platforms publish them inside JSON and feeds (Mastodon `content`, `note`
//! and profile `fields`, RSS `description`) turned into plain text plus the links they carry.
//!
//! A small linear tokenizer rather than a full HTML parser: these fragments are a handful of
//! inline tags, and a hand-written scanner has no nesting-depth cost (html5ever's grows
//! quadratically with depth) and cannot panic on hostile input. What it keeps:
//! - text, with entities decoded and whitespace collapsed as a browser would;
//! - paragraphs, list items and other blocks, and `<br>`, as line breaks;
//! - hashtags (`#tag`) and mentions (`@user`) as written, since Mastodon wraps them in
//!   `<a>`/`<span>` whose text already carries the `#`/`@`;
//! - shortened link text in full: Mastodon hides part of a URL in `<span class="invisible">`,
//!   which we keep, so the text shows the whole URL;
//! - custom emoji shortcodes (`:blobcat:`) untouched, they are plain text in the API.
//!
//! Links to mentioned accounts and hashtag pages are reported apart from other links, so a
//! caller can tell "linked to a site" from "mentioned someone".

/// Text and links of one fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HtmlText {
    pub text: String,
    /// `href`s of ordinary links (http/https), in order, without duplicates.
    pub links: Vec<String>,
    /// `href`s of mention links (`class="mention"` without `hashtag`), in order, deduplicated.
    pub mentions: Vec<String>,
}

/// Links (and mentions) kept per fragment: a real post or bio has a handful; a hostile one
/// must not make de-duplication quadratic.
pub(crate) const MAX_LINKS: usize = 64;

/// Plain text of an HTML fragment.
pub(crate) fn to_text(html: &str) -> String {
    convert(html).text
}

/// Elements whose boundaries are line breaks.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "tr",
    "table",
    "section",
    "article",
    "figure",
    "figcaption",
    "hr",
    "header",
    "footer",
    "dd",
    "dt",
];

/// Elements whose content is not text at all.
const SKIP_CONTENT: &[&str] = &["script", "style", "template", "noscript", "head", "title"];

/// Convert an HTML fragment. Never fails: malformed markup degrades to its visible text.
pub(crate) fn convert(html: &str) -> HtmlText {
    let mut out = Builder::default();
    let mut rest = html;
    // Inside <script>/<style>...: the name of the element whose end tag we wait for.
    let mut skipping: Option<String> = None;

    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skipping.is_none() {
                out.text(rest);
            }
            break;
        };
        if skipping.is_none() {
            out.text(&rest[..lt]);
        }
        rest = &rest[lt..];

        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            // A lone '<' (as in "a < b"): text, not markup.
            if skipping.is_none() {
                out.text("<");
            }
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];

        if let Some(name) = &skipping {
            if tag.closing && &tag.name == name {
                skipping = None;
            }
            continue;
        }
        if SKIP_CONTENT.contains(&tag.name.as_str()) {
            if !tag.closing && !tag.self_closing {
                skipping = Some(tag.name.clone());
            }
            continue;
        }
        match tag.name.as_str() {
            "br" => out.newline(),
            "a" if !tag.closing => {
                if let Some(href) = tag.attr("href").map(|h| decode_entities(h.trim())) {
                    let class = tag.attr("class").unwrap_or_default().to_ascii_lowercase();
                    let rel = tag.attr("rel").unwrap_or_default().to_ascii_lowercase();
                    let is_tag = class.contains("hashtag") || rel.split(' ').any(|r| r == "tag");
                    let is_mention = !is_tag && class.split(' ').any(|c| c == "mention");
                    if href.starts_with("http://") || href.starts_with("https://") {
                        if is_mention {
                            push_unique(&mut out.mentions, href);
                        } else if !is_tag {
                            push_unique(&mut out.links, href);
                        }
                    }
                }
            }
            name if BLOCK.contains(&name) => out.block(),
            _ => {}
        }
    }
    out.finish()
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if v.len() < MAX_LINKS && !v.contains(&s) {
        v.push(s);
    }
}

#[derive(Default)]
struct Builder {
    text: String,
    /// Whitespace seen since the last visible character, not yet written.
    pending_space: bool,
    links: Vec<String>,
    mentions: Vec<String>,
}

impl Builder {
    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        for c in decoded.chars() {
            // U+00A0 stays a space but is not collapsed away at the start of a line.
            if c.is_whitespace() && c != '\u{a0}' {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.pending_space = false;
                self.text.push(if c == '\u{a0}' { ' ' } else { c });
            }
        }
    }

    fn newline(&mut self) {
        self.pending_space = false;
        self.text.push('\n');
    }

    /// A block boundary: a line break unless we are already at the start of a line.
    fn block(&mut self) {
        self.pending_space = false;
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn finish(self) -> HtmlText {
        // Trim each line and keep at most one empty line between paragraphs.
        let mut text = String::with_capacity(self.text.len());
        let mut blank_run = 0;
        for line in self.text.lines() {
            let line = line.trim();
            if line.is_empty() {
                blank_run += 1;
                if blank_run > 1 || text.is_empty() {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
        HtmlText {
            text: text.trim_end().to_string(),
            links: self.links,
            mentions: self.mentions,
        }
    }
}

/// One start or end tag.
struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Raw attribute text between the name and `>`.
    attrs: &'a str,
    /// Bytes from `<` to `>` inclusive.
    len: usize,
}

impl<'a> Tag<'a> {
    /// Parse the tag at the start of `s` (which starts with `<`). `None` when this `<` does not
    /// open a tag (followed by a space, a digit, or never closed).
    fn parse(s: &'a str) -> Option<Tag<'a>> {
        let bytes = s.as_bytes();
        let mut i = 1;
        let closing = bytes.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        if !bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'!')
        {
            return None;
        }
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'!' | b'-'))
        {
            i += 1;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        let attrs_start = i;
        // Find the closing '>' outside quoted attribute values.
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => break,
                None => {}
            }
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let attrs = &s[attrs_start..i];
        Some(Tag {
            name,
            closing,
            self_closing: attrs.trim_end().ends_with('/'),
            attrs,
            len: i + 1,
        })
    }

    /// Value of attribute `name` (case-insensitive), quoted or not.
    fn attr(&self, name: &str) -> Option<&'a str> {
        let s = self.attrs;
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let before = i;
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            let key_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'=' | b'/')
            {
                i += 1;
            }
            let key = &s[key_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = "";
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let start = i + 1;
                        let end = s[start..].find(q as char).map_or(s.len(), |e| start + e);
                        value = &s[start..end];
                        i = (end + 1).min(s.len());
                    }
                    Some(_) => {
                        let start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                            i += 1;
                        }
                        value = &s[start..i];
                    }
                    None => {}
                }
            }
            if key.eq_ignore_ascii_case(name) {
                return Some(value);
            }
            // Guarantee progress (a stray `=` with nothing before it) without ever stepping into
            // the middle of a multi-byte character.
            if i == before {
                i += s[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        None
    }
}

/// Decode character references: numeric (`&#39;`, `&#x1F600;`) and the named ones that occur in
/// platform HTML. Unknown or malformed references stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference is short; look for ';' within 32 bytes.
        let semi = rest
            .char_indices()
            .take(32)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|semi| decode_one(&rest[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push_str(c.as_ref());
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(name: &str) -> Option<std::borrow::Cow<'static, str>> {
    use std::borrow::Cow;
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        let c = char::from_u32(code)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{fffd}');
        return Some(Cow::Owned(c.to_string()));
    }
    let s = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "\u{2013}",
        "mdash" => "\u{2014}",
        "hellip" => "\u{2026}",
        "lsquo" => "\u{2018}",
        "rsquo" => "\u{2019}",
        "ldquo" => "\u{201c}",
        "rdquo" => "\u{201d}",
        "laquo" => "\u{ab}",
        "raquo" => "\u{bb}",
        "bull" => "\u{2022}",
        "middot" => "\u{b7}",
        "copy" => "\u{a9}",
        "reg" => "\u{ae}",
        "trade" => "\u{2122}",
        "euro" => "\u{20ac}",
        "pound" => "\u{a3}",
        "deg" => "\u{b0}",
        "times" => "\u{d7}",
        "shy" => "",
        "zwj" => "\u{200d}",
        "zwnj" => "\u{200c}",
        "auml" => "ä",
        "ouml" => "ö",
        "uuml" => "ü",
        "Auml" => "Ä",
        "Ouml" => "Ö",
        "Uuml" => "Ü",
        "szlig" => "ß",
        "eacute" => "é",
        "egrave" => "è",
        "aacute" => "á",
        "iacute" => "í",
        "oacute" => "ó",
        "uacute" => "ú",
        "ntilde" => "ñ",
        "ccedil" => "ç",
        "iexcl" => "¡",
        "iquest" => "¿",
        _ => return None,
    };
    Some(Cow::Borrowed(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_content_keeps_mentions_hashtags_and_full_links() {
        let html = r#"<p><span class="h-card" translate="no"><a href="https://hcommons.social/@petejones" class="u-url mention">@<span>petejones</span></a></span> I am not too familiar with &quot;domain law&quot;</p><p>Read <a href="https://www.theguardian.com/money/2019/dec/07/x" rel="nofollow noopener" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/money/2019/dec</span><span class="invisible">/07/x</span></a> <a href="https://fosstodon.org/tags/Rstats" class="mention hashtag" rel="tag">#<span>Rstats</span></a></p>"#;
        let t = convert(html);
        assert_eq!(
            t.text,
            "@petejones I am not too familiar with \"domain law\"\nRead https://www.theguardian.com/money/2019/dec/07/x #Rstats"
        );
        assert_eq!(
            t.links,
            vec!["https://www.theguardian.com/money/2019/dec/07/x"]
        );
        assert_eq!(t.mentions, vec!["https://hcommons.social/@petejones"]);
    }

    #[test]
    fn breaks_paragraphs_and_emoji_shortcodes() {
        let t = to_text(
            "<p>Line one<br>line&nbsp;two :blobcat:</p><p></p><ul><li>a</li><li>b</li></ul>",
        );
        assert_eq!(t, "Line one\nline two :blobcat:\na\nb");
        assert_eq!(to_text("<p></p>"), "");
        assert_eq!(to_text(""), "");
    }

    #[test]
    fn hostile_and_malformed_markup_degrades_to_text() {
        assert_eq!(to_text("a < b and c<d"), "a < b and c<d");
        assert_eq!(to_text("x <script>alert('<p>')</script>y"), "x y");
        assert_eq!(to_text("<!-- hidden -->shown<!-- unterminated"), "shown");
        assert_eq!(to_text("<a href='x>y'>link</a>"), "link");
        assert_eq!(
            to_text("&amp;&lt;&#x1F600;&#128512;&bogus;&#xZZ;&"),
            "&<😀😀&bogus;&#xZZ;&"
        );
        assert_eq!(to_text("&#0;"), "\u{fffd}");
        // Deep nesting costs nothing special.
        let deep = "<div>".repeat(50_000) + "deep" + &"</div>".repeat(50_000);
        assert_eq!(to_text(&deep), "deep");
        // Multi-byte text around tags never splits a character.
        assert_eq!(to_text("<b>café</b> ñ<i>ü</i>"), "café ñü");
    }

    #[test]
    fn never_panics_on_random_markup() {
        // A fixed-seed fuzz over the characters that steer the tokenizer, multi-byte ones
        // included, checking every attribute path (`href`, `class`, `rel`).
        const ALPHABET: &[&str] = &[
            "<",
            ">",
            "\"",
            "'",
            "=",
            "/",
            " ",
            "a",
            "A",
            "é",
            "😀",
            "&",
            "#",
            ";",
            "x",
            "!",
            "-",
            "<a ",
            "href",
            "class=",
            "mention",
            "<br>",
            "</p>",
            "&amp;",
            "&#",
            "<!--",
            "-->",
            "<script>",
            "</script>",
            "http://h/",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let len = rng.usize(0..40);
            let s: String = (0..len)
                .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
                .collect();
            let t = convert(&s);
            assert!(!t.text.contains("<script>"), "{s:?}");
        }
        assert_eq!(to_text(r#"<a ="x"é href="https://h/">y</a>"#), "y");
        assert_eq!(
            convert(r#"<a ="x"é href="https://h/">y</a>"#).links,
            vec!["https://h/"]
        );
    }

    #[test]
    fn many_links_are_capped_not_quadratic() {
        let html: String = (0..200_000)
            .map(|i| format!("<a href=\"https://x.example/{i}\">{i}</a> "))
            .collect();
        let t = convert(&html);
        assert_eq!(t.links.len(), MAX_LINKS);
        assert!(t.text.ends_with("199999"));
    }

    #[test]
    fn attributes_quoted_unquoted_and_uppercase() {
        let t = convert(
            r#"<A HREF=https://a.example/x CLASS=foo>x</A> <a class='mention hashtag' href="https://h/tags/t">#t</a>"#,
        );
        assert_eq!(t.links, vec!["https://a.example/x"]);
        assert!(t.mentions.is_empty());
        assert_eq!(t.text, "x #t");
        let t = convert(r#"<a href="javascript:alert(1)">x</a><a href="/relative">y</a>"#);
        assert!(t.links.is_empty());
    }
}
