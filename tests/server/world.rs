//! The synthetic creators the server tests and the browser test search, and a helper that
//! runs the real app (router + connection loop) on 127.0.0.1:0 over their index.

use std::net::SocketAddr;
use std::path::Path;

use scout::config::Config;
use scout::extract::Extractor;
use scout::index::CreatorIndex;
use scout::model::{Comment, Platform, Post, RawProfile};
use scout::server::{AppState, router, serve_listener};

/// One synthetic creator: what a source would publish, plus the judged signals we pin so the
/// tests do not depend on how extraction evolves.
pub struct Sample {
    pub handle: &'static str,
    pub name: &'static str,
    pub followers: u64,
    pub lang: &'static str,
    pub audience: &'static [(&'static str, f64)],
    pub bio: &'static str,
    pub posts: &'static [&'static str],
    pub comments: &'static [&'static str],
    pub niches: &'static [&'static str],
    pub flags: &'static [&'static str],
    pub sponsored: f64,
    pub bots: f64,
    pub email: Option<&'static str>,
}

pub const WORLD: &[Sample] = &[
    Sample {
        handle: "mayaglow",
        name: "Maya Okafor",
        followers: 24_300,
        lang: "en",
        audience: &[("en", 0.78), ("es", 0.22)],
        bio: "Vegan skincare for sensitive skin. Patch tests, honest reviews, no filters.",
        posts: &[
            "My vegan skincare routine for reactive skin: oat cleanser, niacinamide serum, mineral SPF.",
            "Tested five vegan moisturisers for a month. Only two survived my eczema patches.",
            "Why I stopped using essential oils in skincare, and what I use instead.",
        ],
        comments: &[
            "Does the oat cleanser work for rosacea too? My skin hates everything.",
            "Ordered the serum after your review, my redness is way calmer after two weeks!",
        ],
        niches: &["skincare", "vegan"],
        flags: &[],
        sponsored: 0.1,
        bots: 0.05,
        email: Some("hello@mayaglow.example.org"),
    },
    Sample {
        handle: "lucia.piel",
        name: "Lucía Ramos",
        followers: 8_200,
        lang: "es",
        audience: &[("es", 0.91), ("en", 0.09)],
        bio: "Cosmética vegana y rutinas de skincare para piel mixta. Ciudad de México.",
        posts: &[
            "Mi rutina de skincare vegano de noche: limpiador suave, sérum de vitamina C y crema.",
            "Probé tres protectores solares veganos con 35 grados en el metro.",
        ],
        comments: &[
            "¿Dónde compras el sérum? En mi ciudad no lo encuentro.",
            "Gracias por decir cuáles no funcionaron, casi nadie lo hace.",
        ],
        niches: &["skincare", "vegan"],
        flags: &[],
        sponsored: 0.2,
        bots: 0.1,
        email: None,
    },
    Sample {
        handle: "jonas.kocht",
        name: "Jonas Weber",
        followers: 152_000,
        lang: "de",
        audience: &[("de", 0.85), ("en", 0.15)],
        bio: "Vegane Küche, Hautpflege und ab und zu ein Craft-Bier.",
        posts: &[
            "Vegane Hautpflege aus der Küche? Ich habe Haferpeelings getestet.",
            "Mein Lieblings-Craft-Bier zum veganen Grillabend.",
        ],
        comments: &["Das Peeling ist super, danke fürs Rezept!"],
        niches: &["vegan_food", "skincare"],
        flags: &["alcohol"],
        sponsored: 0.3,
        bots: 0.15,
        email: Some("jonas@kocht.example.org"),
    },
    Sample {
        handle: "beanthere",
        name: "Bean There",
        followers: 3_100,
        lang: "en",
        audience: &[("en", 1.0)],
        bio: "Specialty coffee, home roasting and pour-over recipes.",
        posts: &[
            "Washed Ethiopian on a V60 at 93 degrees: bright, floral, tea-like.",
            "Home roasting log #12: first crack at 9:40, dropped at 11:05.",
        ],
        comments: &["What grinder setting do you use for the V60?"],
        niches: &["coffee"],
        flags: &[],
        sponsored: 0.0,
        bots: 0.0,
        email: None,
    },
    Sample {
        handle: "glowdeals",
        name: "Glow Deals Daily",
        followers: 480_000,
        lang: "en",
        audience: &[("en", 0.9), ("pt", 0.1)],
        bio: "Daily vegan skincare deals!!! Link in bio. Casino bonus codes every Friday.",
        posts: &[
            "HUGE vegan skincare sale, use my code GLOW50 now!!!",
            "Spin to win a vegan serum bundle, casino night bonus inside.",
        ],
        comments: &["nice", "great post", "follow me back"],
        niches: &["skincare"],
        flags: &["gambling"],
        sponsored: 0.8,
        bots: 0.7,
        email: None,
    },
    Sample {
        handle: "priyacooks",
        name: "Priya Nair",
        followers: 45_600,
        lang: "en",
        audience: &[("en", 0.7), ("hi", 0.3)],
        bio: "Vegan recipes from a Kerala kitchen, budget meal prep for busy families.",
        posts: &[
            "Coconut chickpea curry for four, under six dollars, ready in thirty minutes.",
            "Meal prep Sunday: five vegan lunches that survive the office fridge.",
        ],
        comments: &["Made this for my kids and they asked for seconds!"],
        niches: &["vegan_food"],
        flags: &[],
        sponsored: 0.15,
        bots: 0.05,
        email: Some("priya@kerala-kitchen.example.org"),
    },
];

pub fn raw_profile(s: &Sample) -> RawProfile {
    let now = chrono::Utc::now();
    RawProfile {
        profile_url: format!("https://social.example.org/@{}", s.handle),
        platform: Some(Platform::Web),
        handle: s.handle.into(),
        display_name: s.name.into(),
        bio: s.bio.into(),
        followers: Some(s.followers),
        posts: s
            .posts
            .iter()
            .enumerate()
            .map(|(i, text)| Post {
                id: format!("{}-{i}", s.handle),
                url: format!("https://social.example.org/@{}/{i}", s.handle),
                text: text.to_string(),
                published_at: Some(now - chrono::Duration::days(2 * i as i64 + 1)),
                likes: Some(s.followers / 40),
                comments_count: Some(s.comments.len() as u64),
                comments: s
                    .comments
                    .iter()
                    .enumerate()
                    .map(|(j, c)| Comment {
                        id: format!("{}-{i}-{j}", s.handle),
                        author_handle: format!("reader{j}"),
                        text: c.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// Extract, pin the judged signals, upsert, commit.
pub fn write_samples(index: &CreatorIndex, samples: &[&Sample]) {
    let ex = Extractor::new(&Config::default()).unwrap();
    let mut w = index.writer().unwrap();
    for s in samples {
        let raw = raw_profile(s);
        let mut rec = ex.extract(&raw, &[], chrono::Utc::now());
        rec.language = Some(s.lang.into());
        rec.audience_languages = s
            .audience
            .iter()
            .map(|(l, v)| (l.to_string(), *v))
            .collect();
        rec.niches = s.niches.iter().map(|n| n.to_string()).collect();
        rec.themes = rec.niches.clone();
        rec.niche_shares = s.niches.iter().map(|n| (n.to_string(), 0.8)).collect();
        rec.theme_consistency = Some(0.8);
        rec.brand_safety_flags = s.flags.iter().map(|f| f.to_string()).collect();
        rec.sponsored_share = Some(s.sponsored);
        rec.bot_comment_share = Some(s.bots);
        rec.comment_quality = Some(1.0 - s.bots);
        rec.undisclosed_sponsored_posts = u64::from(s.sponsored > 0.5) * 4;
        rec.inflated = s.bots > 0.5;
        rec.emails = s.email.map(|e| vec![e.to_string()]).unwrap_or_default();
        w.upsert(&rec, &raw).unwrap();
    }
    w.commit(None).unwrap();
    w.close().unwrap();
}

/// A fresh index of [`WORLD`] in `dir`.
pub fn build_world(dir: &Path) {
    let index = CreatorIndex::open_or_create(dir).unwrap();
    write_samples(&index, &WORLD.iter().collect::<Vec<_>>());
}

pub fn id_of(handle: &str) -> String {
    scout::model::creator_id(&format!("https://social.example.org/@{handle}"))
}

/// `scout serve`'s app on 127.0.0.1:0, over the index in `dir`.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub async fn start(config: &Config, dir: &Path) -> TestServer {
    let index = CreatorIndex::open_existing(dir).unwrap();
    let state = AppState::new(config, index).unwrap();
    let header_timeout = state.settings().header_timeout;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_listener(
        listener,
        router(state),
        header_timeout,
        async move {
            let _ = rx.await;
        },
    ));
    TestServer {
        addr,
        stop: Some(tx),
    }
}

/// A creator another writer adds while the server runs (matches "vegan skincare", "oat milk").
pub const NEWCOMER: Sample = Sample {
    handle: "oatmilkoli",
    name: "Oli Park",
    followers: 12_000,
    lang: "en",
    audience: &[("en", 1.0)],
    bio: "Zero-waste vegan skincare and oat milk experiments.",
    posts: &["Oat milk face mask: vegan skincare on a student budget."],
    comments: &["Trying this tonight!"],
    niches: &["skincare"],
    flags: &[],
    sponsored: 0.0,
    bots: 0.0,
    email: None,
};
