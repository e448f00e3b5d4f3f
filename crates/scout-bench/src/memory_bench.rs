//! Memory of a large frontier: a million world URLs pushed into `crawl::frontier::Frontier`,
//! resident memory read from `/proc/self/status` before and after. Run in its own process so
//! nothing else is counted.

use std::time::Instant;

use serde_json::{Value, json};
use url::Url;

use super::stats;
use super::world::offline_world;
use scout::crawl::frontier::Frontier;

pub fn frontier(urls: u64, seed: u64) -> Value {
    // Ten URLs per creator: the profile and nine post pages, over eight hosts.
    let world = offline_world(seed, urls / 10 + 1);
    let rss_before = stats::proc_status_mb("VmRSS");
    let mut f = Frontier::new(3, usize::MAX, usize::MAX);
    let started = Instant::now();
    let mut queued = 0u64;
    let mut i = 0u64;
    while queued < urls {
        let profile = world.web_profile_url(i);
        for j in 0..10 {
            if queued >= urls {
                break;
            }
            let s = if j == 0 {
                profile.clone()
            } else {
                format!("{profile}/p/{}", j - 1)
            };
            if let Ok(u) = Url::parse(&s) {
                f.push(&u, 1);
            }
            queued += 1;
        }
        i += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let rss_after = stats::proc_status_mb("VmRSS");
    let held = f.len();
    let per_url = rss_before
        .zip(rss_after)
        .map(|(b, a)| ((a - b) * 1024.0 * 1024.0 / urls as f64).round());
    std::hint::black_box(&f);
    json!({
        "urls": urls,
        "queued": held,
        "secs": stats::round3(secs),
        "pushes_per_s": (urls as f64 / secs).round(),
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        "bytes_per_url": per_url,
        "peak_rss_mb": stats::peak_rss_mb(),
    })
}
