//! Signal accuracy on the hand-labeled sets in `fixtures/labels/`, and end-to-end extraction.
//!
//! Each accuracy test prints its measured figures (run with `--nocapture` to see them; README
//! quotes them) and fails below the bar the project promises:
//! language accuracy ≥ 0.95 on posts of 15+ words; generic/bot comment F1 ≥ 0.85 (generic and
//! spam together as the positive class); sponsorship F1 ≥ 0.90 (disclosed + unclear +
//! undisclosed vs organic); niche top-1 accuracy ≥ 0.85.

use std::collections::BTreeMap;

use serde::Deserialize;

use scout::extract::comment_stats::{CommentRef, classify_in_context};
use scout::extract::comments::analyze_comment;
use scout::extract::{CommentClass, SponsorClass, Taxonomy, classify_post, detect};
use scout::model::Post;

use crate::common;

/// End-to-end extraction and real-data tests.
mod extraction;

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = common::fixtures().join("labels").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Precision, recall and F1 of a binary decision.
fn prf(pairs: &[(bool, bool)]) -> (f64, f64, f64) {
    let tp = pairs.iter().filter(|(t, p)| *t && *p).count() as f64;
    let fp = pairs.iter().filter(|(t, p)| !*t && *p).count() as f64;
    let fn_ = pairs.iter().filter(|(t, p)| *t && !*p).count() as f64;
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

// ---------------------------------------------------------------------------------- language

#[derive(Deserialize)]
struct LangSet {
    post: Vec<LangItem>,
}

#[derive(Deserialize)]
struct LangItem {
    lang: String,
    text: String,
}

/// Accuracy of `detect` on a language set; prints the figures under `tag`.
fn language_accuracy(file: &str, tag: &str) -> f64 {
    let set: LangSet = load(file);
    let mut langs = BTreeMap::new();
    let mut right = 0;
    for item in &set.post {
        assert!(item.text.split_whitespace().count() >= 15, "{}", item.text);
        *langs.entry(item.lang.as_str()).or_insert(0) += 1;
        let got = detect(&item.text, None);
        if got.as_deref() == Some(item.lang.as_str()) {
            right += 1;
        } else {
            println!(
                "{tag} language miss: want {} got {got:?}: {}",
                item.lang, item.text
            );
        }
    }
    let acc = right as f64 / set.post.len() as f64;
    println!(
        "{tag} LANGUAGE accuracy = {acc:.3} ({right}/{} posts of 15+ words, {} languages)",
        set.post.len(),
        langs.len()
    );
    if tag == "DEV" {
        assert!(set.post.len() >= 40 && langs.len() >= 5);
    }
    acc
}

#[test]
fn language_accuracy_on_long_posts() {
    let acc = language_accuracy("language.toml", "DEV");
    assert!(acc >= 0.95, "language accuracy {acc:.3} < 0.95");
}

// ---------------------------------------------------------------------------------- comments

#[derive(Deserialize)]
struct CommentSet {
    comment: Vec<CommentItem>,
}

#[derive(Deserialize)]
struct CommentItem {
    label: String,
    lang: String,
    text: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    author: Option<String>,
}

fn class_name(c: CommentClass) -> &'static str {
    match c {
        CommentClass::Genuine => "genuine",
        CommentClass::Generic => "generic",
        CommentClass::Spam => "spam",
    }
}

/// F1 of generic+spam vs genuine on a comment set; prints the figures under `tag`.
fn comment_f1(file: &str, tag: &str) -> f64 {
    let set: CommentSet = load(file);
    let items = &set.comment;
    let mut predicted: Vec<Option<CommentClass>> = vec![None; items.len()];
    // Ungrouped comments are judged alone; grouped ones together (one creator's section).
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in items.iter().enumerate() {
        match &c.group {
            Some(g) => groups.entry(g.as_str()).or_default().push(i),
            None => predicted[i] = Some(analyze_comment(&c.text).class),
        }
    }
    for idx in groups.values() {
        let refs: Vec<CommentRef> = idx
            .iter()
            .enumerate()
            .map(|(k, &i)| CommentRef {
                text: &items[i].text,
                author: items[i].author.as_deref().unwrap_or(""),
                post: if k % 2 == 0 { "p1" } else { "p2" },
            })
            .collect();
        for (&i, f) in idx.iter().zip(classify_in_context(&refs)) {
            predicted[i] = Some(f.class);
        }
    }

    let mut pairs = Vec::new();
    let mut confusion: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut per_lang: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (c, p) in items.iter().zip(&predicted) {
        let p = p.expect("every comment classified");
        let truth_bot = c.label != "genuine";
        pairs.push((truth_bot, p.is_bot_like()));
        *confusion
            .entry((c.label.clone(), class_name(p)))
            .or_default() += 1;
        let e = per_lang.entry(c.lang.as_str()).or_default();
        e.1 += 1;
        if truth_bot == p.is_bot_like() {
            e.0 += 1;
        } else {
            println!(
                "{tag} comment miss: want {} got {}: {}",
                c.label,
                class_name(p),
                c.text
            );
        }
    }
    let langs = per_lang.len();
    if tag == "DEV" {
        assert!(
            items.len() >= 300 && langs >= 5,
            "{} comments, {langs} languages",
            items.len()
        );
    }
    let (p, r, f) = prf(&pairs);
    println!(
        "{tag} COMMENTS generic+spam vs genuine: precision = {p:.3}, recall = {r:.3}, F1 = {f:.3} ({} comments, {langs} languages)",
        items.len()
    );
    println!("{tag} COMMENTS confusion (label, predicted) → n: {confusion:?}");
    for (l, (ok, n)) in &per_lang {
        println!("{tag} COMMENTS {l}: {ok}/{n} correct (bot-like vs genuine)");
    }
    let spam_pairs: Vec<(bool, bool)> = items
        .iter()
        .zip(&predicted)
        .map(|(c, p)| (c.label == "spam", *p == Some(CommentClass::Spam)))
        .collect();
    let (sp, sr, sf) = prf(&spam_pairs);
    println!("{tag} COMMENTS spam alone: precision = {sp:.3}, recall = {sr:.3}, F1 = {sf:.3}");
    f
}

#[test]
fn comment_classifier_f1() {
    let f = comment_f1("comments.toml", "DEV");
    assert!(f >= 0.85, "generic/bot comment F1 {f:.3} < 0.85");
}

// ---------------------------------------------------------------------------------- sponsorship

#[derive(Deserialize)]
struct SponsorSet {
    post: Vec<SponsorItem>,
}

#[derive(Deserialize)]
struct SponsorItem {
    label: String,
    text: String,
    #[serde(default)]
    branded_content: bool,
    #[serde(default)]
    links: Vec<String>,
}

fn sponsor_name(c: SponsorClass) -> &'static str {
    match c {
        SponsorClass::Organic => "organic",
        SponsorClass::Disclosed => "disclosed",
        SponsorClass::Unclear => "unclear",
        SponsorClass::Undisclosed => "undisclosed",
    }
}

/// F1 of sponsored vs organic on a post set; prints the figures under `tag`.
fn sponsorship_f1(file: &str, tag: &str) -> f64 {
    let set: SponsorSet = load(file);
    let mut pairs = Vec::new();
    let mut exact = 0;
    let mut confusion: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for item in &set.post {
        let post = Post {
            text: item.text.clone(),
            branded_content: item.branded_content,
            links: item.links.clone(),
            ..Default::default()
        };
        let got = classify_post(&post);
        pairs.push((item.label != "organic", got.is_sponsored()));
        *confusion
            .entry((item.label.clone(), sponsor_name(got)))
            .or_default() += 1;
        if sponsor_name(got) == item.label {
            exact += 1;
        } else {
            println!(
                "{tag} sponsorship miss: want {} got {}: {}",
                item.label,
                sponsor_name(got),
                item.text
            );
        }
    }
    let (p, r, f) = prf(&pairs);
    let n = set.post.len();
    println!(
        "{tag} SPONSORSHIP sponsored vs organic: precision = {p:.3}, recall = {r:.3}, F1 = {f:.3} ({n} posts)"
    );
    println!(
        "{tag} SPONSORSHIP 4-class accuracy = {:.3} ({exact}/{n})",
        exact as f64 / n as f64
    );
    println!("{tag} SPONSORSHIP confusion (label, predicted) → n: {confusion:?}");
    let undisclosed: Vec<(bool, bool)> = set
        .post
        .iter()
        .map(|i| {
            let post = Post {
                text: i.text.clone(),
                branded_content: i.branded_content,
                ..Default::default()
            };
            (
                i.label == "undisclosed",
                classify_post(&post) == SponsorClass::Undisclosed,
            )
        })
        .collect();
    let (up, ur, uf) = prf(&undisclosed);
    println!(
        "{tag} SPONSORSHIP undisclosed alone: precision = {up:.3}, recall = {ur:.3}, F1 = {uf:.3}"
    );
    if tag == "DEV" {
        assert!(n >= 80);
    }
    f
}

#[test]
fn sponsorship_classifier_f1() {
    let f = sponsorship_f1("sponsorship.toml", "DEV");
    assert!(f >= 0.90, "sponsorship F1 {f:.3} < 0.90");
}

// ---------------------------------------------------------------------------------- niches

#[derive(Deserialize)]
struct NicheSet {
    post: Vec<NicheItem>,
}

#[derive(Deserialize)]
struct NicheItem {
    niche: String,
    text: String,
}

/// Top-1 accuracy of the taxonomy on a niche set; prints the figures under `tag`.
fn niche_accuracy(file: &str, tag: &str) -> f64 {
    let set: NicheSet = load(file);
    let tax = Taxonomy::builtin();
    if tag == "DEV" {
        assert!(set.post.len() >= 100);
    }
    let mut right = 0;
    for item in &set.post {
        assert!(
            tax.niche(&item.niche).is_some(),
            "label {} not in taxonomy",
            item.niche
        );
        let got = tax.niches_in_text(&item.text);
        let top = got.first().map(|(id, _)| id.as_str());
        if top == Some(item.niche.as_str()) {
            right += 1;
        } else {
            let shown: Vec<String> = got
                .iter()
                .take(3)
                .map(|(i, s)| format!("{i}:{s:.1}"))
                .collect();
            println!(
                "{tag} niche miss: want {} got {shown:?}: {}",
                item.niche, item.text
            );
        }
    }
    let acc = right as f64 / set.post.len() as f64;
    println!(
        "{tag} NICHES top-1 accuracy = {acc:.3} ({right}/{} posts, {} niches in the taxonomy)",
        set.post.len(),
        tax.niches().len()
    );
    acc
}

#[test]
fn niche_top1_accuracy() {
    let acc = niche_accuracy("niches.toml", "DEV");
    assert!(acc >= 0.85, "niche top-1 accuracy {acc:.3} < 0.85");
}

/// Round 1 was written after the rules and measured once untuned (README "Signals" keeps those
/// figures); its misses then guided general fixes. The held-out set (round 2) was written
/// after those fixes and never used to tune anything: its figures are the honest estimate.
#[test]
fn round1_and_held_out_accuracy() {
    for (dir, tag) in [("round1", "ROUND-1"), ("holdout", "HELD-OUT")] {
        let lang = language_accuracy(&format!("{dir}/language.toml"), tag);
        let comments = comment_f1(&format!("{dir}/comments.toml"), tag);
        let sponsorship = sponsorship_f1(&format!("{dir}/sponsorship.toml"), tag);
        let niches = niche_accuracy(&format!("{dir}/niches.toml"), tag);
        println!(
            "{tag} summary: language {lang:.3}, comments F1 {comments:.3}, sponsorship F1 {sponsorship:.3}, niches top-1 {niches:.3}"
        );
        // Far looser than the development bars: these catch a collapse, not a decimal.
        assert!(
            lang >= 0.8 && comments >= 0.6 && sponsorship >= 0.7 && niches >= 0.7,
            "{tag}"
        );
    }
}
