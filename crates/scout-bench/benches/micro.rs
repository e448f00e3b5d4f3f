//! Micro-benchmarks (divan): the per-item costs behind the whole-pipeline figures of
//! `scout-bench` — generating and rendering the synthetic world, each extraction signal per
//! profile, frontier pushes, and one ranked search on a small index.
//!
//! `cargo bench --bench micro` (add `-- extract` to run only names containing "extract").

use std::sync::LazyLock;

use divan::Bencher;
use scout::config::Config;
use scout::crawl::frontier::Frontier;
use scout::extract::Extractor;
use scout::index::CreatorIndex;
use scout::model::RawProfile;
use scout::rank::Ranker;
use scout_bench::extract_bench::SIGNALS;
use scout_bench::queries;
use scout_bench::render;
use scout_bench::world::{World, offline_world};

fn main() {
    divan::main();
}

const CREATORS: u64 = 100_000;

static WORLD: LazyLock<World> = LazyLock::new(|| offline_world(1, CREATORS));

/// Walks the world in a stride so consecutive iterations see different creators.
fn next(i: &mut u64) -> u64 {
    *i = (*i + 7_919) % CREATORS;
    *i
}

mod world {
    use super::*;

    #[divan::bench]
    fn raw_profile(b: Bencher) {
        let mut i = 0;
        b.bench_local(|| WORLD.raw_profile(next(&mut i)));
    }

    #[divan::bench]
    fn render_profile_page(b: Bencher) {
        let mut i = 0;
        b.bench_local(|| render::profile_html(&WORLD, next(&mut i)));
    }

    #[divan::bench]
    fn render_post_page(b: Bencher) {
        let mut i = 0;
        b.bench_local(|| render::post_html(&WORLD, next(&mut i), 0));
    }

    #[divan::bench]
    fn render_mastodon_statuses(b: Bencher) {
        let mut i = 0;
        b.bench_local(|| render::mastodon_statuses(&WORLD, next(&mut i)).to_string());
    }
}

/// One benchmark per entry of `scout_bench::extract_bench::SIGNALS` (one profile per call).
mod extract {
    use super::*;

    static PROFILES: LazyLock<Vec<RawProfile>> =
        LazyLock::new(|| (0..256).map(|i| WORLD.raw_profile(i)).collect());

    #[divan::bench(args = SIGNALS.iter().map(|(name, _)| *name))]
    fn signal(b: Bencher, name: &str) {
        let ex = Extractor::new(&Config::default()).unwrap();
        let f = SIGNALS.iter().find(|(n, _)| *n == name).unwrap().1;
        let mut i = 0usize;
        b.bench_local(|| {
            i = (i + 1) % PROFILES.len();
            f(&ex, &PROFILES[i]);
        });
    }
}

mod crawl {
    use super::*;

    #[divan::bench]
    fn frontier_push_10k(b: Bencher) {
        let urls: Vec<url::Url> = (0..10_000u64)
            .map(|i| url::Url::parse(&WORLD.web_post_url(i, i % 9)).unwrap())
            .collect();
        b.bench_local(|| {
            let mut f = Frontier::new(3, usize::MAX, usize::MAX);
            for u in &urls {
                f.push(u, 1);
            }
            f.len()
        });
    }
}

mod search {
    use super::*;

    /// A 2,000-creator index built once in a temporary folder.
    static INDEX: LazyLock<(tempfile::TempDir, CreatorIndex)> = LazyLock::new(|| {
        let dir = tempfile::tempdir().unwrap();
        let index = CreatorIndex::open_or_create(dir.path()).unwrap();
        let ex = Extractor::new(&Config::default()).unwrap();
        let mut w = index.writer().unwrap();
        let now = chrono::Utc::now();
        for i in 0..2_000 {
            let raw = WORLD.raw_profile(i);
            w.upsert(&ex.extract(&raw, &[], now), &raw).unwrap();
        }
        w.commit(None).unwrap();
        w.close().unwrap();
        index.reload().unwrap();
        (dir, index)
    });

    #[divan::bench]
    fn ranker_search_2k(b: Bencher) {
        let ranker = Ranker::new(&Config::default()).unwrap();
        let reqs = queries::requests();
        let index = &INDEX.1;
        let mut k = 0;
        b.bench_local(|| {
            k = (k + 1) % reqs.len();
            ranker.search(index, &reqs[k]).unwrap().total
        });
    }
}
