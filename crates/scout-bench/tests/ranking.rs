//! The ranking world crawled through the real crawler into a real index, judged against its
//! truth: scout's ranker must beat plain BM25 over the same creators (RANKING.md).

use scout_bench::rankworld::{self, RankingOptions};

fn f(v: &serde_json::Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scout_ranks_the_ranking_world_better_than_bm25() {
    let dir = tempfile::tempdir().unwrap();
    let r = rankworld::run(&RankingOptions::default(), dir.path())
        .await
        .unwrap();
    let report = serde_json::to_string_pretty(&r).unwrap();
    if std::env::var_os("RANKING_REPORT").is_some() {
        std::fs::write(std::env::var("RANKING_REPORT").unwrap(), &report).unwrap();
    }
    let (niche, niche_bm25) = (f(&r, "ranking_ndcg10"), f(&r, "ranking_bm25_ndcg10"));
    let (fit, fit_bm25) = (f(&r, "fit_ndcg10"), f(&r, "fit_bm25_ndcg10"));
    eprintln!("niche {niche} vs bm25 {niche_bm25}; fit {fit} vs bm25 {fit_bm25}");
    assert!(r["indexed"]["world_creators_indexed"].as_u64().unwrap() > 150, "{report}");
    assert!(niche > niche_bm25, "niche NDCG@10 {niche} ≤ BM25 {niche_bm25}");
    assert!(fit > fit_bm25, "fit NDCG@10 {fit} ≤ BM25 {fit_bm25}");
}

/// Weight tuning (not a check): crawl once, judge with each variant of `RANK_VARIANTS`
/// (`key=value,key=value;...` over `[rank]`), print the means.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn tune_weights() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::env::var("RANK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let c = rankworld::eval::crawl_world(
        &RankingOptions {
            seed,
            ..Default::default()
        },
        dir.path(),
    )
    .await
    .unwrap();
    let variants = std::env::var("RANK_VARIANTS").unwrap_or_default();
    for v in std::iter::once("").chain(variants.split(';')) {
        let mut rank = serde_json::to_value(&c.config.rank).unwrap();
        for kv in v.split(',').filter(|s| !s.is_empty()) {
            let (k, x) = kv.split_once('=').unwrap();
            rank[k] = serde_json::json!(x.parse::<f64>().unwrap());
        }
        let mut cfg = c.config.clone();
        cfg.rank = serde_json::from_value(rank).unwrap();
        let r = c.judge(Some(&cfg)).unwrap();
        eprintln!(
            "{v:60} niche {} bm25 {} | fit {} bm25 {}",
            r["ranking_ndcg10"], r["ranking_bm25_ndcg10"], r["fit_ndcg10"], r["fit_bm25_ndcg10"]
        );
    }
}
