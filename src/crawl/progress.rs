//! Crawl progress: an indicatif bar on a terminal (fetched, queued, errors, current rate),
//! nothing here otherwise (the driver logs a plain line periodically instead).

use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::net::fetch::Fetcher;

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(wanted: bool) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    pub(crate) fn update(&self, fetcher: &Fetcher, queued: usize, errors: u64, creators: u64) {
        if let Some(b) = &self.bar {
            let requests = fetcher.stats.requests.load(Ordering::Relaxed);
            let rate = requests as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            b.set_message(format!(
                "fetched {requests} · queued {queued} · creators {creators} · errors {errors} · {rate:.1} req/s"
            ));
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
