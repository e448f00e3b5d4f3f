//! The ranking benchmark: serve the ranking world on loopback, crawl it with scout's real
//! crawler into a real index, then judge scout's top 10 and plain BM25's top 10 over the
//! same indexed creators (NDCG@10 against the world's truth), and how well scout measured
//! each creator (field accuracy).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};
use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, TantivyDocument};

use super::bm25::Bm25;
use super::judge::{self, Judged};
use super::server;
use super::spec::{RankWorld, Who};
use scout::config::Config;
use scout::error::{Error, Result};
use scout::index::CreatorIndex;
use scout::index::doc::{RecordOnly, raw_from_document};
use scout::model::CreatorRecord;
use scout::rank::{Ranker, retrieve};

/// Options of one run.
pub struct RankingOptions {
    pub seed: u64,
    /// A taxonomy file instead of the built-in one (`extract.taxonomy_file`).
    pub taxonomy_file: Option<std::path::PathBuf>,
}

impl Default for RankingOptions {
    fn default() -> Self {
        RankingOptions {
            seed: 12,
            taxonomy_file: None,
        }
    }
}

/// A config for crawling the loopback world: 127.0.0.1 exempt, fast, commenters discovered.
pub fn crawl_config(bsky_api_base: &str, o: &RankingOptions) -> Config {
    let mut c = Config::default();
    c.crawl.allow_private_networks = vec!["127.0.0.1/32".into()];
    c.crawl.rate_per_host = 5_000.0;
    c.crawl.burst = 100;
    // Loopback stands in for the platforms: lift their documented rates too.
    (c.sources.mastodon.rate, c.sources.mastodon.burst) = (5_000.0, 100);
    (c.sources.bluesky.rate, c.sources.bluesky.burst) = (5_000.0, 100);
    c.crawl.timeout_secs = 10.0;
    c.crawl.retry_base_ms = 10;
    // Seeds are the creators; depth 1 reaches the accounts in their threads, as a real
    // crawl from a seed list does.
    c.crawl.max_depth = 1;
    c.sources.bluesky.api_base = bsky_api_base.to_string();
    c.extract.taxonomy_file = o.taxonomy_file.clone();
    c
}

/// The world served, crawled into an index: judge it with [`judge_index`] (as often as
/// needed, e.g. with other weights).
pub struct Crawled {
    pub server: server::RankServer,
    pub index: CreatorIndex,
    pub config: Config,
    pub crawl_secs: f64,
    pub requests: u64,
    pub summary: Summary,
}

pub type Summary = scout::crawl::CrawlSummary;

/// Serve the world for `o.seed` and crawl it (every creator a seed) into an index at `dir`.
pub async fn crawl_world(o: &RankingOptions, dir: &Path) -> Result<Crawled> {
    let anchor = crate::world::World::today();
    let world = RankWorld::generate(o.seed, anchor);
    let srv = server::spawn(world, [127, 0, 0, 1].into())
        .await
        .map_err(|e| Error::Other(format!("binding the ranking world server: {e}")))?;
    let cfg = crawl_config(&srv.bsky_api_base(), o);
    let index = CreatorIndex::open_or_create(dir)?;
    let seeds: Vec<String> = (0..srv.served.world.creators.len())
        .map(|c| srv.served.profile_url(Who::Creator(c)))
        .collect();
    let t0 = Instant::now();
    let summary = scout::crawl::crawl(
        &cfg,
        &index,
        scout::crawl::CrawlOptions {
            seeds,
            ..Default::default()
        },
    )
    .await?;
    Ok(Crawled {
        crawl_secs: t0.elapsed().as_secs_f64(),
        requests: srv.requests.load(std::sync::atomic::Ordering::Relaxed),
        server: srv,
        index,
        config: cfg,
        summary,
    })
}

impl Crawled {
    /// [`judge_index`] with `cfg`'s ranking (the crawl's config by default).
    pub fn judge(&self, cfg: Option<&Config>) -> Result<Value> {
        let s = &self.server.served;
        judge_index(
            &s.world,
            |w| s.profile_url(w),
            &self.index,
            cfg.unwrap_or(&self.config),
        )
    }
}

/// Crawl the world for `o.seed` into an index under `dir`, and judge it. The JSON has the
/// `results.json` keys (`ranking_ndcg10`...) and the per-query figures.
pub async fn run(o: &RankingOptions, dir: &Path) -> Result<Value> {
    let c = crawl_world(o, dir).await?;
    let mut out = c.judge(None)?;
    out["crawl_secs"] = json!(c.crawl_secs);
    out["crawl_requests"] = json!(c.requests);
    out["crawl_summary"] = serde_json::to_value(&c.summary).unwrap_or(Value::Null);
    Ok(out)
}

/// Every indexed creator: address, record and the text BM25 reads (bio + posts as indexed).
fn indexed(index: &CreatorIndex) -> Result<Vec<(DocAddress, CreatorRecord, String)>> {
    let searcher = index.searcher();
    let f = &index.fields;
    let addrs = searcher
        .search(&tantivy::query::AllQuery, &DocSetCollector)
        .map_err(|e| Error::Other(format!("listing the index: {e}")))?;
    let mut out = Vec::new();
    let mut addrs: Vec<DocAddress> = addrs.into_iter().collect();
    addrs.sort();
    for a in addrs {
        let err = |e: tantivy::TantivyError| Error::Other(format!("reading a creator: {e}"));
        let Some(rec) = searcher.doc::<RecordOnly>(a).map_err(err)?.record else {
            continue;
        };
        let d: TantivyDocument = searcher.doc(a).map_err(err)?;
        let raw = raw_from_document(f, &d).unwrap_or_default();
        let mut text = raw.bio.clone();
        for p in &raw.posts {
            text.push('\n');
            text.push_str(&p.text);
        }
        out.push((a, rec, text));
    }
    Ok(out)
}

/// Judge scout and BM25 on an already crawled index of `world`.
pub fn judge_index(
    world: &RankWorld,
    url_of: impl Fn(Who) -> String,
    index: &CreatorIndex,
    cfg: &Config,
) -> Result<Value> {
    let docs = indexed(index)?;
    let by_url: HashMap<String, usize> = (0..world.creators.len())
        .map(|c| (url_of(Who::Creator(c)), c))
        .collect();
    let truth_of = |rec: &CreatorRecord| by_url.get(&rec.profile_url).copied();
    let label: HashMap<String, String> = docs
        .iter()
        .map(|(_, r, _)| {
            let l = match truth_of(r) {
                Some(c) => format!(
                    "{:?}/{}{}",
                    world.creators[c].kind,
                    world.creators[c].handle,
                    if r.inflated { "(inflated)" } else { "" }
                ),
                None => r.handle.clone(),
            };
            (r.id.clone(), l)
        })
        .collect();
    let id_to_creator: HashMap<String, Option<usize>> = docs
        .iter()
        .map(|(_, r, _)| (r.id.clone(), truth_of(r)))
        .collect();
    let bm25 = Bm25::new(docs.iter().map(|(_, r, t)| (r.id.clone(), t.clone())));
    let ranker = Ranker::new(cfg)?;
    let searcher = index.searcher();
    let id_at: HashMap<DocAddress, String> =
        docs.iter().map(|(a, r, _)| (*a, r.id.clone())).collect();

    let mut queries = Vec::new();
    let mut sums: HashMap<&str, (f64, f64, usize)> = HashMap::new();
    let all: Vec<(&str, Judged)> = judge::niche_queries()
        .into_iter()
        .map(|q| ("niche", q))
        .chain(judge::fit_queries().into_iter().map(|q| ("fit", q)))
        .collect();
    for (kind, q) in &all {
        let gains = judge::gains(world, q);
        let gain_of = |id: &str| {
            id_to_creator
                .get(id)
                .copied()
                .flatten()
                .map_or(0, |c| gains[c])
        };
        let req = q.request(10);
        let scout_ids: Vec<String> = ranker
            .search(index, &req)?
            .results
            .into_iter()
            .map(|r| r.id)
            .collect();
        let filter = retrieve::combine(
            None,
            retrieve::filter_clauses(
                &index.fields,
                &req.filters,
                &scout::consent::OptOuts::default(),
                chrono::Utc::now(),
            ),
        );
        let allowed: HashSet<String> = searcher
            .search(&filter, &DocSetCollector)
            .map_err(|e| Error::Other(format!("filtering: {e}")))?
            .into_iter()
            .filter_map(|a| id_at.get(&a).cloned())
            .collect();
        let bm25_ids = bm25.top(&req.query, &allowed, 10);
        let sg: Vec<u8> = scout_ids.iter().map(|i| gain_of(i)).collect();
        let bg: Vec<u8> = bm25_ids.iter().map(|i| gain_of(i)).collect();
        let (sn, bn) = (judge::ndcg(&sg, &gains, 10), judge::ndcg(&bg, &gains, 10));
        let e = sums.entry(kind).or_default();
        e.0 += sn;
        e.1 += bn;
        e.2 += 1;
        queries.push(json!({
            "kind": kind, "query": q.name, "scout": round3(sn), "bm25": round3(bn),
            "scout_gains": sg, "bm25_gains": bg,
            "scout_top": scout_ids.iter().map(|i| label.get(i).cloned().unwrap_or_default()).collect::<Vec<_>>(),
        }));
    }
    let mean = |k: &str, bm: bool| {
        sums.get(k).map_or(0.0, |(s, b, n)| {
            round3(if bm { *b } else { *s } / *n as f64)
        })
    };
    Ok(json!({
        "ranking_ndcg10": mean("niche", false),
        "ranking_bm25_ndcg10": mean("niche", true),
        "fit_ndcg10": mean("fit", false),
        "fit_bm25_ndcg10": mean("fit", true),
        "queries": queries,
        "field_accuracy": field_accuracy(world, &docs, &by_url),
        "indexed": {
            "documents": docs.len(),
            "world_creators": world.creators.len(),
            "world_creators_indexed": docs.iter().filter(|(_, r, _)| truth_of(r).is_some()).count(),
            "other_accounts_indexed": docs.iter().filter(|(_, r, _)| truth_of(r).is_none()).count(),
        },
    }))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Per field, the share of indexed world creators scout measured right: followers exact,
/// engagement rate within 10 %, shares within 0.1.
fn field_accuracy(
    world: &RankWorld,
    docs: &[(DocAddress, CreatorRecord, String)],
    by_url: &HashMap<String, usize>,
) -> Value {
    let mut ok: HashMap<&str, (usize, usize)> = HashMap::new();
    // Every miss, so a figure below 1 can be traced to creators (`field_accuracy.misses` in the report).
    let mut misses: Vec<Value> = Vec::new();
    let mut check = |field: &'static str, good: bool, who: &str, truth: f64, got: Option<f64>| {
        let e = ok.entry(field).or_default();
        e.1 += 1;
        if good {
            e.0 += 1;
        } else {
            misses.push(json!({"field": field, "creator": who, "truth": round3(truth), "measured": got.map(round3)}));
        }
    };
    for (_, r, _) in docs {
        let Some(&c) = by_url.get(&r.profile_url) else {
            continue;
        };
        let cr = &world.creators[c];
        let t = judge::truth(world, cr);
        let who = format!("{:?}/{}", cr.kind, cr.handle);
        let near =
            |got: Option<f64>, truth: f64, tol: f64| got.is_some_and(|g| (g - truth).abs() <= tol);
        let f = |v: u64| v as f64;
        check(
            "followers",
            r.followers == Some(cr.followers),
            &who,
            f(cr.followers),
            r.followers.map(f),
        );
        let er = t.engagement_rate;
        check(
            "engagement_rate",
            near(r.engagement_rate, er, 0.1 * er),
            &who,
            er,
            r.engagement_rate,
        );
        let sp = t.sponsored_share;
        check(
            "sponsored_share",
            near(r.sponsored_share, sp, 0.1),
            &who,
            sp,
            r.sponsored_share,
        );
        let bot = t.bot_comment_share;
        check(
            "bot_comment_share",
            near(r.bot_comment_share, bot, 0.1),
            &who,
            bot,
            r.bot_comment_share,
        );
        let es = r.audience_languages.get("es").copied().unwrap_or(0.0);
        check(
            "audience_es_share",
            near(Some(es), t.es_audience, 0.1),
            &who,
            t.es_audience,
            Some(es),
        );
        let posts = judge::own_posts(cr).min(40);
        check(
            "posts_indexed",
            r.posts_indexed as usize == posts,
            &who,
            posts as f64,
            Some(r.posts_indexed as f64),
        );
    }
    let mut out = serde_json::Map::new();
    for (k, (good, n)) in ok {
        out.insert(k.to_string(), json!(round3(good as f64 / n.max(1) as f64)));
    }
    out.insert("misses".into(), Value::Array(misses));
    Value::Object(out)
}
