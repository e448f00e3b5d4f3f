//! `scout campaign add|list|report`: define campaigns beside the index and print their
//! reports (the logic lives in `crate::campaign`).

use std::io::Write;
use std::path::Path;

use super::args::{CampaignAddArgs, CampaignCommand, CampaignReportArgs};
use crate::campaign::{self, Campaign, Report};
use crate::config::Config;
use crate::error::Error;
use crate::index::CreatorIndex;

pub(crate) fn run(config: &Config, index_path: &Path, cmd: CampaignCommand) -> anyhow::Result<()> {
    let dir = campaign::dir_for(index_path, config.campaigns.dir.as_deref());
    match cmd {
        CampaignCommand::Add(a) => add(&dir, index_path, a),
        CampaignCommand::List(a) => list(&dir, a.json),
        CampaignCommand::Report(a) => report(config, &dir, index_path, a),
    }
}

fn push_new(into: &mut Vec<String>, items: Vec<String>) {
    for i in items {
        let i = i.trim().to_string();
        if !i.is_empty() && !into.contains(&i) {
            into.push(i);
        }
    }
}

/// The canonical profile URL of `key` when the index knows the creator.
fn resolver(index_path: &Path) -> impl Fn(&str) -> Option<String> {
    let index = index_path
        .join("meta.json")
        .exists()
        .then(|| CreatorIndex::open_existing(index_path).ok())
        .flatten();
    move |key: &str| {
        let idx = index.as_ref()?;
        idx.get(key).ok().flatten().map(|c| c.record.profile_url)
    }
}

fn add(dir: &Path, index_path: &Path, a: CampaignAddArgs) -> anyhow::Result<()> {
    campaign::validate_name(&a.name)?;
    let existing = campaign::load(dir, &a.name)?;
    let created = existing.is_none();
    let mut c = existing.unwrap_or_else(|| Campaign {
        name: a.name.clone(),
        ..Default::default()
    });
    if let Some(s) = a.since {
        c.since = s;
    } else if created {
        return Err(Error::Usage(format!(
            "campaign {}: --since YYYY-MM-DD is required for a new campaign",
            a.name
        ))
        .into());
    }
    // Creators the index knows are stored by their canonical profile URL.
    let resolve = resolver(index_path);
    let mut unknown = Vec::new();
    let creators: Vec<String> = a
        .creators
        .iter()
        .map(|k| {
            resolve(k).unwrap_or_else(|| {
                unknown.push(k.clone());
                k.clone()
            })
        })
        .collect();
    push_new(&mut c.creators, creators);
    push_new(&mut c.mentions, a.mentions);
    push_new(&mut c.hashtags, a.hashtags);
    push_new(&mut c.codes, a.codes);
    push_new(&mut c.links, a.links);
    let path = campaign::save(dir, &c)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} campaign {} ({} creators, since {}) in {}",
        if created { "created" } else { "updated" },
        c.name,
        c.creators.len(),
        c.since,
        path.display()
    )?;
    for k in unknown {
        writeln!(
            out,
            "  note: {k} is not in the index yet; its posts are read once a crawl reaches it"
        )?;
    }
    Ok(())
}

fn list(dir: &Path, json: bool) -> anyhow::Result<()> {
    let all = campaign::list(dir)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, &serde_json::json!({ "campaigns": all }))?;
        writeln!(out)?;
        return Ok(());
    }
    if all.is_empty() {
        writeln!(out, "no campaigns in {}", dir.display())?;
    }
    for c in all {
        let looks: Vec<String> = c
            .mentions
            .iter()
            .chain(&c.hashtags)
            .chain(&c.codes)
            .chain(&c.links)
            .cloned()
            .collect();
        writeln!(
            out,
            "{:<20} since {}  {} creators  looks for {}",
            c.name,
            c.since,
            c.creators.len(),
            looks.join(", ")
        )?;
    }
    Ok(())
}

/// The report of campaign `name`, or a usage error naming the known campaigns.
pub(crate) fn build(
    config: &Config,
    dir: &Path,
    index_path: &Path,
    name: &str,
) -> anyhow::Result<Report> {
    let found = campaign::report_named(
        dir,
        name,
        config.campaigns.overexposure_share,
        resolver(index_path),
    )?;
    Ok(found.ok_or_else(|| {
        let known: Vec<String> = campaign::list(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.name)
            .collect();
        Error::Usage(format!(
            "no campaign {name:?} in {} (known: {})",
            dir.display(),
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        ))
    })?)
}

fn report(
    config: &Config,
    dir: &Path,
    index_path: &Path,
    a: CampaignReportArgs,
) -> anyhow::Result<()> {
    let r = build(config, dir, index_path, &a.name)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
    } else if a.csv {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(campaign::report::CSV_HEADER)?;
        for row in campaign::report::csv_rows(&r) {
            w.write_record(row)?;
        }
        w.flush()?;
    } else {
        print_report(&mut out, &r, config.campaigns.overexposure_share)?;
    }
    Ok(())
}

fn num<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or("–".into(), |v| v.to_string())
}

fn print_report(out: &mut impl Write, r: &Report, overexposure: f64) -> std::io::Result<()> {
    let t = &r.totals;
    writeln!(
        out,
        "campaign {} since {} — {} of {} creators posted, {} posts ({} deleted)",
        r.campaign, r.since, t.posted, t.creators, t.posts, t.deleted_posts
    )?;
    writeln!(
        out,
        "  likes {}, comments {}, shares {}, views {}; disclosure: {} present, {} missing, {} unclear",
        num(t.likes),
        num(t.comments),
        num(t.shares),
        num(t.views),
        t.disclosure.present,
        t.disclosure.missing,
        t.disclosure.unclear
    )?;
    for c in &r.creators {
        let who = if c.handle.is_empty() {
            c.profile_url.clone()
        } else {
            format!("@{} {}", c.handle, c.profile_url)
        };
        let share = c
            .sponsored_share_30d
            .map_or("–".into(), |s| format!("{:.0}%", s * 100.0));
        let warn = if c.overexposed {
            format!(" ⚠ overexposed (> {:.0}% sponsored)", overexposure * 100.0)
        } else {
            String::new()
        };
        let status = if c.posted { "posted" } else { "not yet" };
        writeln!(
            out,
            "\n{who}\n  {status}; sponsored share 30d {share}{warn}"
        )?;
        for p in &c.posts {
            writeln!(
                out,
                "  {}{}\n    {} · {} · likes {} comments {} shares {} views {} · ×{} of median · disclosure {}",
                p.url,
                if p.deleted { " (deleted)" } else { "" },
                p.published_at
                    .map_or("–".into(), |d| d.format("%Y-%m-%d").to_string()),
                p.matched.join(" "),
                num(p.likes),
                num(p.comments),
                num(p.shares),
                num(p.views),
                num(p.engagement_vs_median),
                p.disclosure.map_or("–", |d| d.as_str()),
            )?;
            if p.comments_read > 0 {
                writeln!(
                    out,
                    "    comments read {}: genuine {}, purchase intent {}",
                    p.comments_read,
                    p.genuine_comment_share
                        .map_or("–".into(), |s| format!("{:.0}%", s * 100.0)),
                    num(p.purchase_intent_comments)
                )?;
            }
            for q in &p.purchase_intent_examples {
                writeln!(out, "      “{q}”")?;
            }
        }
    }
    Ok(())
}
