//! `scout crawl --plan`: print the plan (a table, or one JSON object with `--json`).

use std::io::Write;

use crate::crawl::plan::Plan;

fn hours(secs: f64) -> String {
    if secs < 120.0 {
        format!("{secs:.0}s")
    } else if secs < 7200.0 {
        format!("{:.0}m", secs / 60.0)
    } else {
        format!("{:.1}h", secs / 3600.0)
    }
}

pub(crate) fn print_plan(out: &mut impl Write, p: &Plan) -> std::io::Result<()> {
    writeln!(
        out,
        "{} plan: {} creators, {} requests ({} per creator), about {} (busiest host)",
        p.mode,
        p.creators,
        p.requests,
        p.requests_per_creator,
        hours(p.estimated_secs)
    )?;
    writeln!(
        out,
        "  {:<32} {:<9} {:>9} {:>10} {:>8} {:>8}",
        "host", "source", "creators", "requests", "rate/s", "time"
    )?;
    for h in &p.hosts {
        writeln!(
            out,
            "  {:<32} {:<9} {:>9} {:>10} {:>8} {:>8}",
            h.host,
            h.source,
            h.creators,
            h.requests,
            h.rate,
            hours(h.secs)
        )?;
    }
    if p.exceeds_deadline {
        writeln!(
            out,
            "warning: about {} exceeds the deadline of {}; about {} of {} creators fit in it \
             (with --deadline a run stops in time and the rest goes first next time)",
            hours(p.estimated_secs),
            hours(p.deadline_secs),
            p.creators_within_deadline,
            p.creators
        )?;
    }
    for a in &p.assumptions {
        writeln!(out, "  note: {a}")?;
    }
    Ok(())
}
