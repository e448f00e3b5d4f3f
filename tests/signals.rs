//! Signal accuracy on the hand-labeled sets in `fixtures/labels/`, and end-to-end extraction.
//!
//! Each accuracy test prints its measured figures (run with `--nocapture` to see them; README
//! quotes them) and fails below the bar the project promises:
//! language accuracy ≥ 0.95 on posts of 15+ words; generic/bot comment F1 ≥ 0.85 (generic and
//! spam together as the positive class); sponsorship F1 ≥ 0.90 (disclosed + unclear +
//! undisclosed vs organic); niche top-1 accuracy ≥ 0.85.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};
use serde::Deserialize;

use scout::config::Config;
use scout::extract::comment_stats::{CommentRef, classify_in_context};
use scout::extract::comments::analyze_comment;
use scout::extract::{
    CommentClass, Extractor, SponsorClass, Taxonomy, audience_text, classify_post, detect, own_text,
};
use scout::model::{Comment, FollowerPoint, Platform, Post, RawProfile, Tier};

use crate::common;

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

/// Round 1 was written after the rules and measured once untuned (SIGNALS.md keeps those
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

// ---------------------------------------------------------------------------------- end to end

fn comment(id: &str, author: &str, text: &str) -> Comment {
    Comment {
        id: id.into(),
        author_handle: author.into(),
        author_url: Some(format!("https://social.example/@{author}")),
        text: text.into(),
        ..Default::default()
    }
}

fn creator() -> RawProfile {
    let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
    let texts = [
        "Sunday sourdough: 75% hydration, long cold proof, and the best open crumb so far #sourdough #baking",
        "Cinnamon rolls for the neighbours. Soft dough, brown sugar filling, cream cheese frosting #baking",
        "Lemon drizzle cake with a crackly glaze, recipe on the blog #baking",
        "#ad Testing the new stand mixer from @mixmaster for my brioche dough, kneads like a dream",
        "Banana bread with walnuts, use my code BAKE10 for 10% off the loaf tin at @tinshop",
    ];
    // Different people, different words on each post (repeated text would read as bots).
    let spanish = [
        "¿Dónde puedo comprar ese molde en México? Lo busco hace tiempo",
        "Hice la receta con harina integral y quedó perfecta, gracias por explicarlo tan bien",
        "¿Cuánto tiempo dejas fermentar la masa en el refrigerador?",
        "Me encantan tus recetas, las hago todos los domingos con mis hijos",
        "A mí se me bajó la masa al sacarla del horno, ¿será la temperatura?",
        "Mi abuela hacía unos parecidos pero con anís, qué recuerdos",
        "¿Se puede usar azúcar mascabado en lugar de azúcar morena?",
        "Los hice ayer para el cumpleaños de mi hermana y volaron en diez minutos",
        "¿Qué marca de mantequilla usas? Aquí la sin sal cuesta conseguirla",
        "Probé a hornearlo en freidora de aire y también funciona bastante bien",
        "¿Cuántos gramos de levadura fresca serían en lugar de la seca?",
        "Qué buena pinta tiene esa corteza, la mía nunca queda tan dorada",
        "¿Lo puedo congelar ya horneado o mejor la masa cruda?",
        "Lo hice sin huevo para mi sobrino alérgico y quedó rico igual",
        "¿En qué tienda de Guadalajara encuentro harina de fuerza?",
        "Gracias por poner las cantidades en gramos, así no falla nada",
        "Mis hijos ya me piden esta receta cada fin de semana",
        "¿Se puede hacer con harina de arroz para celíacos?",
        "El glaseado me quedó muy líquido, ¿le pongo más azúcar glas?",
        "Acabo de sacar el mío del horno y la casa huele de maravilla",
    ];
    let posts = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut comments: Vec<Comment> = spanish[i * 4..i * 4 + 4]
                .iter()
                .enumerate()
                .map(|(k, t)| comment(&format!("c{i}{k}"), &format!("fan{i}{k}"), t))
                .collect();
            let english = [
                "Looks so good, what flour do you use for this one?",
                "How long does it keep in a tin?",
                "Mine came out flat, too much water maybe?",
                "Is the glaze very sweet?",
                "Could I swap the walnuts for pecans?",
            ];
            comments.push(comment(&format!("e{i}"), "ann", english[i]));
            comments.push(Comment {
                id: format!("r{i}"),
                parent_id: Some(format!("c{i}0")),
                author_handle: "baker".into(),
                text: "¡Gracias! Lo venden en tiendas de repostería".into(),
                by_creator: true,
                ..Default::default()
            });
            Post {
                id: format!("p{i}"),
                text: text.to_string(),
                published_at: Some(t0 - Duration::days(i as i64 * 3)),
                likes: Some(400 + i as u64 * 10),
                comments_count: Some(6),
                ..Default::default()
            }
            .with_comments(comments)
        })
        .collect();
    RawProfile {
        profile_url: "https://social.example/@baker".into(),
        platform: Some(Platform::Mastodon),
        handle: "baker".into(),
        display_name: "The Weekend Baker".into(),
        bio: "Home baker 📍 Austin, Texas | collabs: hello [at] weekendbaker [dot] com".into(),
        followers: Some(12_000),
        posts,
        ..Default::default()
    }
}

trait WithComments {
    fn with_comments(self, c: Vec<Comment>) -> Self;
}

impl WithComments for Post {
    fn with_comments(mut self, c: Vec<Comment>) -> Self {
        self.comments = c;
        self
    }
}

#[test]
fn english_creator_with_spanish_audience() {
    let ex = Extractor::new(&Config::default()).unwrap();
    let now = Utc.with_ymd_and_hms(2024, 5, 2, 0, 0, 0).unwrap();
    let history = [FollowerPoint {
        at: now - Duration::days(30),
        followers: 10_000,
    }];
    let r = ex.extract(&creator(), &history, now);
    assert_eq!(r.language.as_deref(), Some("en"));
    let top_audience = r
        .audience_languages
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, _)| k.as_str());
    assert_eq!(top_audience, Some("es"), "{:?}", r.audience_languages);
    assert_eq!(r.tier, Some(Tier::Micro));
    assert_eq!(r.niches, vec!["baking".to_string()]);
    assert_eq!(r.theme_consistency, Some(1.0));
    assert!(
        r.themes
            .first()
            .is_some_and(|t| t == "baking" || t == "sourdough"),
        "{:?}",
        r.themes
    );
    assert_eq!(r.sponsored_share, Some(0.4));
    assert_eq!(r.undisclosed_sponsored_posts, 1);
    assert_eq!(r.unclear_disclosure_posts, 0);
    assert_eq!(r.emails, vec!["hello@weekendbaker.com".to_string()]);
    assert_eq!(r.location.as_deref(), Some("Austin, Texas"));
    assert_eq!(r.follower_growth_30d, Some(0.2));
    assert!(r.emerging);
    assert!(!r.inflated);
    // One of five threads per post answered by the creator.
    assert_eq!(r.creator_reply_share, Some(0.2));
    assert_eq!(r.bot_comment_share, Some(0.0));
    assert!(r.comment_quality.unwrap() > 0.5, "{:?}", r.comment_quality);
    let er = r.engagement_rate.unwrap();
    assert!((er - 426.0 / 12_000.0).abs() < 1e-6, "{er}");
    assert_eq!(r.follower_history.len(), 2);
    assert!(
        r.brand_safety_flags.is_empty(),
        "{:?}",
        r.brand_safety_evidence
    );
    assert!(r.posts_per_week.is_some());
    assert!(audience_text(&creator()).contains("¿Dónde puedo comprar"));
    assert!(
        !audience_text(&creator()).contains("Lo venden en tiendas"),
        "creator replies are not audience"
    );
    assert!(own_text(&creator()).starts_with("Home baker"));
}

#[test]
fn unknown_inputs_stay_null() {
    let ex = Extractor::new(&Config::default()).unwrap();
    let raw = RawProfile {
        profile_url: "https://blog.example/".into(),
        posts: vec![Post {
            id: "1".into(),
            text: "📸".into(),
            likes: Some(3),
            ..Default::default()
        }],
        ..Default::default()
    };
    let r = ex.extract(&raw, &[], Utc::now());
    assert_eq!(r.tier, None, "followers unknown → no tier");
    assert_eq!(r.engagement_rate, None);
    assert_eq!(r.comment_quality, None, "no comments → no quality");
    assert_eq!(r.bot_comment_share, None);
    assert_eq!(r.creator_reply_share, None);
    assert_eq!(r.follower_growth_30d, None);
    assert_eq!(r.theme_consistency, None);
    assert_eq!(r.language, None);
    assert!(r.audience_languages.is_empty());
    assert_eq!(r.sponsored_share, Some(0.0));
    assert_eq!(r.platform, "web");
    assert!(!r.emerging && !r.inflated);
}

#[test]
fn config_tiers_and_custom_lexicons_are_used() {
    let dir = common::tempdir();
    let tax = dir.path().join("tax.toml");
    std::fs::write(
        &tax,
        "[[niche]]\nid = \"fountain_pens\"\nlabel = \"Fountain pens\"\nnames = [\"fountain pen\", \"Füller\"]\nterms.en = [\"nib\", \"ink\"]\n",
    )
    .unwrap();
    let safety = dir.path().join("safety.toml");
    std::fs::write(
        &safety,
        "[category.tobacco]\nmin_posts = 1\nterms.en = [\"cigar\"]\n",
    )
    .unwrap();
    let mut cfg = Config::default();
    cfg.tiers.micro_min = 1_000;
    cfg.tiers.macro_min = 5_000;
    cfg.extract.taxonomy_file = Some(tax.clone());
    cfg.extract.brand_safety_file = Some(safety);
    let ex = Extractor::new(&cfg).unwrap();
    assert_eq!(
        ex.taxonomy().expand("fountain pens"),
        vec!["fountain pen", "Füller"]
    );
    let raw = RawProfile {
        profile_url: "https://p.example/@inky".into(),
        followers: Some(6_000),
        posts: (0..3)
            .map(|i| Post {
                id: i.to_string(),
                text: format!("New nib day {i}, blue-black ink and a cigar"),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let r = ex.extract(&raw, &[], Utc::now());
    assert_eq!(r.tier, Some(Tier::Macro), "thresholds from config");
    assert_eq!(r.niches, vec!["fountain_pens".to_string()]);
    assert_eq!(r.brand_safety_flags, vec!["tobacco".to_string()]);

    cfg.extract.taxonomy_file = Some(dir.path().join("missing.toml"));
    let err = Extractor::new(&cfg).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("taxonomy_file"), "{err}");
}

// ---------------------------------------------------------------------------------- real data

/// Minimal HTML → text for the test (the Mastodon source does this properly).
fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.replace("</p>", "\n").replace("<br>", "\n").chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Real statuses of a real account (fosstodon.org, recorded by the rtoot project): an
/// English-writing R developer, no advertising, nothing brands avoid.
#[test]
fn real_mastodon_statuses_read_sensibly() {
    let path = common::realdata().join(
        "mastodon/extracted/rtoot__get_account_statuses_default__00__fosstodon_org_api_v1_accounts_109302436954721982_statuses_limit_20_exclude_reblogs_FALSE.json",
    );
    let Ok(body) = std::fs::read_to_string(&path) else {
        panic!(
            "real data missing at {} (set SCOUT_REALDATA)",
            path.display()
        );
    };
    let statuses: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let account = &statuses[0]["account"];
    let posts: Vec<Post> = statuses
        .iter()
        .filter(|s| s["reblog"].is_null())
        .map(|s| Post {
            id: s["id"].as_str().unwrap_or_default().into(),
            text: strip_html(s["content"].as_str().unwrap_or_default()),
            lang_hint: s["language"].as_str().map(Into::into),
            likes: s["favourites_count"].as_u64(),
            shares: s["reblogs_count"].as_u64(),
            comments_count: s["replies_count"].as_u64(),
            published_at: s["created_at"].as_str().and_then(|d| d.parse().ok()),
            hashtags: s["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x["name"].as_str().map(str::to_lowercase))
                        .collect()
                })
                .unwrap_or_default(),
            ..Default::default()
        })
        .collect();
    assert!(posts.len() >= 10);
    let raw = RawProfile {
        profile_url: account["url"].as_str().unwrap().into(),
        platform: Some(Platform::Mastodon),
        bio: strip_html(account["note"].as_str().unwrap_or_default()),
        followers: account["followers_count"].as_u64(),
        posts,
        ..Default::default()
    };
    let ex = Extractor::new(&Config::default()).unwrap();
    let r = ex.extract(&raw, &[], Utc::now());
    assert_eq!(r.language.as_deref(), Some("en"));
    assert_eq!(
        r.sponsored_share,
        Some(0.0),
        "no advertising in these posts"
    );
    assert!(
        r.brand_safety_flags.is_empty(),
        "{:?}",
        r.brand_safety_evidence
    );
    assert!(r.themes.iter().any(|t| t == "rstats"), "{:?}", r.themes);
    assert!(r.engagement_rate.is_some() && r.tier.is_some());
    assert!(r.last_post_at.is_some() && r.posts_per_week.is_some());
    println!(
        "real account: themes {:?}, niches {:?}, shares {:?}",
        r.themes, r.niches, r.niche_shares
    );
}
