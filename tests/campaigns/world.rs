//! A loopback Mastodon world for campaign tests, written by us in the API's shapes (account
//! lookup, statuses page, thread contexts; `{{base}}` is the fixture server's own URL). Dates
//! are relative to now, so the 30-day sponsored window and the campaign start stay meaningful
//! whenever the tests run.
//!
//! Campaign `spring-glow` (brand @glowco, #glowspring, code SAVE10, glowco.example):
//! - `lena_glow` (en) posted a disclosed (`#ad`) post with the code; her commenters ask where
//!   to buy and whether it ships to Canada;
//! - `maya_skin` (en) posted about @glowco with a glowco.example link and no disclosure, and a
//!   second brand post (a short link `bit.ly/glowco-spring`) that she deletes later;
//! - `sofia_piel` (es) wrote the code as "SAVE 10" in a Spanish post disclosed with `#publi`;
//! - `noah_natural` (en) has not posted about the brand (one old post, before the start, names
//!   the code and must not count).

use std::path::Path;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

pub const BRAND_DAYS_AGO: i64 = 3;
pub const START_DAYS_AGO: i64 = 10;

pub struct Creator {
    pub name: &'static str,
    pub id: u64,
    pub lang: &'static str,
    pub followers: u64,
    /// (days ago, text, likes, reblogs, comments by others)
    pub posts: Vec<(i64, &'static str, u64, u64, Vec<&'static str>)>,
}

fn filler(lang: &str) -> Vec<(i64, &'static str, u64, u64, Vec<&'static str>)> {
    if lang == "es" {
        vec![
            (
                5,
                "Mi rutina de mañana para piel sensible: limpiador suave, sérum de niacinamida y protector solar. #pielsensible",
                20,
                2,
                vec![],
            ),
            (
                8,
                "Probando un sérum de vitamina C durante dos semanas, os cuento los resultados pronto. #skincare",
                24,
                1,
                vec![],
            ),
            (
                12,
                "Cómo hidratar la piel en invierno sin obstruir los poros, mis tres básicos. #cuidadodelapiel",
                18,
                3,
                vec![],
            ),
            (
                16,
                "Protector solar también en días nublados, siempre, la piel lo agradece. #skincare",
                22,
                0,
                vec![],
            ),
        ]
    } else {
        vec![
            (
                5,
                "My calm morning routine for sensitive skin: gentle cleanser, niacinamide serum and sunscreen. #skincare",
                20,
                2,
                vec![],
            ),
            (
                8,
                "Two weeks testing a vitamin C serum, full review of the texture and results soon. #skincare",
                24,
                1,
                vec![],
            ),
            (
                12,
                "How I keep my skin barrier happy in winter without heavy creams or clogged pores. #skincare",
                18,
                3,
                vec![],
            ),
            (
                16,
                "Sunscreen on cloudy days too, every single day, your future skin will thank you. #skincare",
                22,
                0,
                vec![],
            ),
        ]
    }
}

pub fn creators() -> Vec<Creator> {
    let mut lena = Creator {
        name: "lena_glow",
        id: 1,
        lang: "en",
        followers: 4200,
        posts: filler("en"),
    };
    lena.posts.push((BRAND_DAYS_AGO, "#ad My new evening step: the @glowco spring serum, light and calming on sensitive skin. Use code SAVE10 at https://glowco.example/serum #glowspring", 52, 4, vec![
        "Where can I buy this serum? It looks perfect for my dry skin",
        "Does it ship to Canada? I have been looking for something calming",
        "so pretty",
        "Love it!",
    ]));
    let mut maya = Creator {
        name: "maya_skin",
        id: 2,
        lang: "en",
        followers: 3100,
        posts: filler("en"),
    };
    maya.posts.push((BRAND_DAYS_AGO, "Obsessed with the @glowco spring serum for my night routine, my skin feels so soft and calm in the morning https://glowco.example/spring", 30, 2, vec![
        "Is it good for oily skin too? My forehead gets shiny by noon",
    ]));
    maya.posts.push((2, "Second week with my favourite serum, still loving the texture on sensitive skin https://bit.ly/glowco-spring", 40, 1, vec![]));
    let mut sofia = Creator {
        name: "sofia_piel",
        id: 3,
        lang: "es",
        followers: 2600,
        posts: filler("es"),
    };
    sofia.posts.push((BRAND_DAYS_AGO, "#publi Mi nuevo sérum de noche de Glow Co, textura ligera y calmante para piel sensible. Con el código SAVE 10 tenéis un descuento en la web.", 35, 3, vec![
        "¿Dónde lo compro? ¿Hacen envíos a México?",
        "qué bonito",
    ]));
    let mut noah = Creator {
        name: "noah_natural",
        id: 4,
        lang: "en",
        followers: 5200,
        posts: filler("en"),
    };
    noah.posts.push((40, "Old giveaway from last season, the code SAVE10 has expired, thanks for joining in everyone. #skincare", 15, 0, vec![]));
    vec![lena, maya, sofia, noah]
}

fn account(c: &Creator) -> Value {
    json!({
        "id": format!("1200000000000000{:02}", c.id),
        "username": c.name, "acct": c.name,
        "display_name": c.name.replace('_', " "),
        "locked": false, "bot": false, "discoverable": true, "indexable": true, "group": false,
        "created_at": "2023-01-10T00:00:00.000Z",
        "note": "<p>Skincare for sensitive skin, honest reviews.</p>",
        "url": format!("{{{{base}}}}/@{}", c.name),
        "uri": format!("{{{{base}}}}/users/{}", c.name),
        "avatar": "{{base}}/avatars/missing.png", "avatar_static": "{{base}}/avatars/missing.png",
        "header": "{{base}}/headers/missing.png", "header_static": "{{base}}/headers/missing.png",
        "followers_count": c.followers, "following_count": 180,
        "statuses_count": c.posts.len(), "last_status_at": null,
        "hide_collections": false, "noindex": false, "emojis": [], "roles": [], "fields": []
    })
}

fn html(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if let Some(tag) = word.strip_prefix('#') {
            out.push_str(&format!(
                "<a href=\"{{{{base}}}}/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a>"
            ));
        } else if let Some(user) = word.strip_prefix('@') {
            out.push_str(&format!(
                "<span class=\"h-card\"><a href=\"{{{{base}}}}/@{user}\" class=\"u-url mention\">@<span>{user}</span></a></span>"
            ));
        } else if word.starts_with("https://") {
            out.push_str(&format!(
                "<a href=\"{word}\" rel=\"nofollow noopener\" target=\"_blank\">{word}</a>"
            ));
        } else {
            out.push_str(&word.replace('&', "&amp;").replace('<', "&lt;"));
        }
    }
    format!("<p>{out}</p>")
}

pub fn status_id(c: &Creator, i: usize) -> String {
    format!("1135000000000{:02}{:03}", c.id, i)
}

fn status(c: &Creator, i: usize, now: chrono::DateTime<Utc>) -> Value {
    let (days, text, likes, reblogs, comments) = &c.posts[i];
    let sid = status_id(c, i);
    let tags: Vec<Value> = text
        .split(' ')
        .filter_map(|w| w.strip_prefix('#'))
        .map(|t| json!({"name": t.to_lowercase(), "url": format!("{{{{base}}}}/tags/{t}")}))
        .collect();
    let mentions: Vec<Value> = text
        .split(' ')
        .filter_map(|w| w.strip_prefix('@'))
        .map(|u| json!({"id": "1300", "username": u, "acct": u, "url": format!("{{{{base}}}}/@{u}")}))
        .collect();
    json!({
        "id": sid,
        "created_at": (now - Duration::days(*days)).format("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
        "in_reply_to_id": null, "in_reply_to_account_id": null,
        "sensitive": false, "spoiler_text": "", "visibility": "public",
        "language": c.lang,
        "uri": format!("{{{{base}}}}/users/{}/statuses/{sid}", c.name),
        "url": format!("{{{{base}}}}/@{}/{sid}", c.name),
        "replies_count": comments.len(), "reblogs_count": reblogs, "favourites_count": likes,
        "edited_at": null, "content": html(text), "reblog": null,
        "account": account(c), "media_attachments": [], "mentions": mentions, "tags": tags,
        "emojis": [], "card": null, "poll": null
    })
}

fn comment(c: &Creator, i: usize, k: usize, text: &str, now: chrono::DateTime<Utc>) -> Value {
    let who = format!("fan{}{}{k}", c.id, i);
    json!({
        "id": format!("{}{k}", status_id(c, i)),
        "created_at": (now - Duration::hours(20)).format("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
        "in_reply_to_id": status_id(c, i),
        "in_reply_to_account_id": format!("1200000000000000{:02}", c.id),
        "visibility": "public", "language": null,
        "url": format!("{{{{base}}}}/@{who}/{}{k}", status_id(c, i)),
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        "content": format!("<p>{}</p>", text),
        "reblog": null,
        "account": {"id": format!("14{}{}{k}", c.id, i), "username": who, "acct": who,
            "display_name": who, "bot": false, "discoverable": true, "note": "",
            "url": format!("{{{{base}}}}/@{who}"), "followers_count": 40,
            "following_count": 90, "statuses_count": 12, "fields": []},
        "mentions": [], "tags": [], "emojis": []
    })
}

fn write(path: &Path, v: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

/// Write the world under `dir`, leaving out the statuses in `deleted` (by status id).
pub fn write_world(dir: &Path, deleted: &[String]) {
    let now = Utc::now();
    std::fs::write(dir.join("robots.txt"), "User-agent: *\nAllow: /\n").unwrap();
    write(
        &dir.join("api/v1/instance"),
        &json!({"uri": "glow.test", "version": "4.3.0"}),
    );
    let api = dir.join("api/v1");
    for c in creators() {
        write(
            &api.join(format!("accounts/lookup?acct={}", c.name)),
            &account(&c),
        );
        let mut order: Vec<usize> = (0..c.posts.len()).collect();
        order.sort_by_key(|&i| c.posts[i].0);
        let statuses: Vec<Value> = order
            .iter()
            .filter(|&&i| !deleted.contains(&status_id(&c, i)))
            .map(|&i| status(&c, i, now))
            .collect();
        let id = format!("1200000000000000{:02}", c.id);
        write(
            &api.join(format!(
                "accounts/{id}/statuses?limit=40&exclude_replies=true"
            )),
            &Value::Array(statuses),
        );
        for i in 0..c.posts.len() {
            let descendants: Vec<Value> = c.posts[i]
                .4
                .iter()
                .enumerate()
                .map(|(k, t)| comment(&c, i, k, t, now))
                .collect();
            write(
                &api.join(format!("statuses/{}/context", status_id(&c, i))),
                &json!({"ancestors": [], "descendants": descendants}),
            );
        }
    }
}

/// The seed profile URLs.
pub fn seeds(base: &str) -> Vec<String> {
    creators()
        .iter()
        .map(|c| format!("{base}/@{}", c.name))
        .collect()
}
