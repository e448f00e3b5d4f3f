//! How results look: a human table, a detailed card for `show`, and the one-line "why" each
//! result gets (CSV, shared with the server, is in `rank::csv_rows`).

use std::io::Write;

use crate::model::CreatorRecord;
use crate::rank::SearchResponse;

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.1}%", v * 100.0))
}

fn share(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.2}"))
}

fn followers(n: Option<u64>) -> String {
    match n {
        None => "?".into(),
        Some(n) if n >= 1_000_000 => format!("{:.1}M", n as f64 / 1e6),
        Some(n) if n >= 10_000 => format!("{:.0}k", n as f64 / 1e3),
        Some(n) if n >= 1_000 => format!("{:.1}k", n as f64 / 1e3),
        Some(n) => n.to_string(),
    }
}

fn top_audience(rec: &CreatorRecord) -> String {
    rec.audience_languages
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or("–".into(), |(l, s)| format!("{l} {:.0}%", s * 100.0))
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A one-line reason: the strongest signals, positive and negative, in words.
pub(crate) fn reason(rec: &CreatorRecord) -> String {
    let mut parts = Vec::new();
    if let Some(n) = rec.niches.first() {
        let share = rec
            .niche_shares
            .get(n)
            .copied()
            .or(rec.theme_consistency)
            .unwrap_or(0.0);
        parts.push(format!(
            "{:.0}% of posts on {}",
            share * 100.0,
            n.replace('_', " ")
        ));
    }
    if let Some(q) = rec.comment_quality {
        parts.push(format!("comment quality {q:.2}"));
    }
    if let Some(b) = rec.bot_comment_share.filter(|b| *b >= 0.5) {
        parts.push(format!("{:.0}% bot/generic comments", b * 100.0));
    }
    if rec.inflated {
        parts.push("inflated audience pattern".into());
    }
    if let Some(r) = rec.creator_reply_share.filter(|r| *r > 0.0) {
        parts.push(format!("answers {:.0}% of threads", r * 100.0));
    }
    if rec.undisclosed_sponsored_posts > 0 {
        parts.push(format!(
            "{} undisclosed ads",
            rec.undisclosed_sponsored_posts
        ));
    }
    if let Some(t) = rec.last_post_at {
        let days = (chrono::Utc::now() - t).num_days();
        if days > 180 {
            parts.push(format!("inactive {days} days"));
        }
    }
    if let Some(m) = rec.buyer_match {
        parts.push(format!("buyer match {:.0}%", m * 100.0));
    }
    if let Some(f) = rec.ship_to_fit {
        parts.push(format!("market fit {f:.2}"));
    }
    if let Some(v) = rec.values_share.filter(|v| *v > 0.0) {
        parts.push(format!("values in {:.0}% of posts", v * 100.0));
    }
    if !rec.avoid_hits.is_empty() {
        parts.push(format!("near avoided: {}", rec.avoid_hits.join(", ")));
    }
    if parts.is_empty() {
        "matches the query text".into()
    } else {
        parts.join(", ")
    }
}

pub(crate) fn print_table(out: &mut impl Write, resp: &SearchResponse) -> std::io::Result<()> {
    writeln!(out, "{} creators match {:?}", resp.total, resp.query)?;
    if resp.results.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{:>3}  {:<28} {:<9} {:<6} {:>9} {:>7} {:<4} {:<9} {:<24} {:>6}",
        "#",
        "creator",
        "platform",
        "tier",
        "followers",
        "engage",
        "lang",
        "audience",
        "niches",
        "score"
    )?;
    for (i, r) in resp.results.iter().enumerate() {
        writeln!(
            out,
            "{:>3}  {:<28} {:<9} {:<6} {:>9} {:>7} {:<4} {:<9} {:<24} {:>6.3}",
            i + 1,
            clip(
                if r.display_name.is_empty() {
                    &r.handle
                } else {
                    &r.display_name
                },
                28
            ),
            r.platform,
            r.tier.map_or("?", |t| t.as_str()),
            followers(r.followers),
            pct(r.engagement_rate),
            r.language.as_deref().unwrap_or("–"),
            top_audience(r),
            clip(&r.niches.join(","), 24),
            r.score.unwrap_or(0.0),
        )?;
        writeln!(out, "     {}  — {}", r.profile_url, clip(&reason(r), 110))?;
        // `--evidence`: the posts an outreach message can quote.
        for p in r.evidence_posts.iter().flatten() {
            let snippet = crate::rank::evidence::plain_snippet(&p.snippet);
            writeln!(
                out,
                "     ▸ {} {}  “{}”",
                p.published_at
                    .map_or("–".into(), |d| d.format("%Y-%m-%d").to_string()),
                p.url,
                clip(&snippet, 100)
            )?;
        }
        for c in r.evidence_comments.iter().flatten() {
            writeln!(out, "     buyer says: “{}”", clip(c, 100))?;
        }
        if let Some(ex) = r.explain.as_ref().and_then(|e| e.as_object()) {
            let mut items: Vec<String> = ex
                .iter()
                .filter(|(_, v)| v.is_number())
                .map(|(k, v)| format!("{k} {:+.2}", v.as_f64().unwrap_or(0.0)))
                .collect();
            items.sort();
            writeln!(out, "     explain: {}", items.join(" · "))?;
            // What the audience says, in its own words (search with `buyer`).
            for c in r
                .evidence
                .as_ref()
                .and_then(|e| e.get("buyer_evidence"))
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                writeln!(out, "     buyer: “{}”", clip(c, 110))?;
            }
        }
    }
    Ok(())
}

pub(crate) fn print_card(out: &mut impl Write, r: &CreatorRecord) -> std::io::Result<()> {
    writeln!(out, "{} (@{}) — {}", r.display_name, r.handle, r.platform)?;
    writeln!(out, "  {}", r.profile_url)?;
    writeln!(out, "  id {}", r.id)?;
    if !r.bio.is_empty() {
        writeln!(out, "  bio: {}", clip(&r.bio.replace('\n', " "), 200))?;
    }
    writeln!(
        out,
        "  followers {} ({}), engagement {}, growth 30d {}",
        followers(r.followers),
        r.tier.map_or("tier unknown", |t| t.as_str()),
        pct(r.engagement_rate),
        pct(r.follower_growth_30d)
    )?;
    writeln!(
        out,
        "  language {}, audience {}",
        r.language.as_deref().unwrap_or("–"),
        if r.audience_languages.is_empty() {
            "–".to_string()
        } else {
            r.audience_languages
                .iter()
                .map(|(l, s)| format!("{l} {:.0}%", s * 100.0))
                .collect::<Vec<_>>()
                .join(", ")
        }
    )?;
    writeln!(
        out,
        "  niches {:?}, theme consistency {}",
        r.niches,
        share(r.theme_consistency)
    )?;
    writeln!(out, "  themes {:?}", r.themes)?;
    writeln!(
        out,
        "  comments: quality {}, bot/generic share {}, creator replies {}",
        share(r.comment_quality),
        share(r.bot_comment_share),
        share(r.creator_reply_share)
    )?;
    writeln!(
        out,
        "  sponsored share {}, undisclosed {}, unclear {}",
        share(r.sponsored_share),
        r.undisclosed_sponsored_posts,
        r.unclear_disclosure_posts
    )?;
    writeln!(
        out,
        "  posts indexed {}, last post {}, {} posts/week",
        r.posts_indexed,
        r.last_post_at.map_or("–".into(), |t| t.to_rfc3339()),
        r.posts_per_week.map_or("–".into(), |p| format!("{p:.1}"))
    )?;
    writeln!(
        out,
        "  emails {:?}, location {}",
        r.emails,
        r.location.as_deref().unwrap_or("–")
    )?;
    if r.inflated {
        writeln!(
            out,
            "  ⚠ inflated pattern: many followers, low engagement, bot-heavy comments"
        )?;
    }
    if !r.brand_safety_flags.is_empty() {
        writeln!(
            out,
            "  brand safety flags: {}",
            r.brand_safety_flags.join(", ")
        )?;
        for (flag, ev) in &r.brand_safety_evidence {
            for e in ev {
                writeln!(out, "    {flag}: “{}”", clip(e, 120))?;
            }
        }
    }
    writeln!(out, "  fetched {}", r.fetched_at.to_rfc3339())?;
    Ok(())
}
