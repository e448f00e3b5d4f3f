//! A floor under the HTTP benchmark: plain BM25 for the same requests on the same index and
//! machine, served the same way and driven by the same wrk script.
//!
//! For each `/v1/search?q=...` it runs BM25 over a few text fields (by default `bio` and
//! `posts`, what the ranking benchmark's plain BM25 reads) with tantivy's own query parser and
//! top-k collector and the exact count scout's `total` also is, ignores every filter, and
//! writes the 20 best creators' records into the response as they are stored — no re-ranking,
//! no expansion, no parsing or re-encoding of records. Records come from the document store
//! as scout reads them, or (`records_in_memory`) from a copy of every record kept in memory.
//! scout answers the same requests with far more work (11 fields, synonyms, filters, 400
//! re-ranked candidates, query focus); the floor's variants show what the target asks of an
//! engine on this machine (BENCHMARKS.md, tenth pass).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use scout::index::CreatorIndex;
use scout::index::doc::RecordJson;
use serde_json::{Value, json};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::Field;
use tantivy::{DocAddress, Score, Searcher};

use super::{http_bench, procs, query_mix, stats};

/// Results per response, as in the scout benchmark's requests.
const PAGE: usize = 20;

/// `--fields scout`: the text fields scout's retrieval scores (`rank::retrieve::text_fields`:
/// name, bio, posts, hashtags, themes and the stemmed posts of six languages), with its boosts.
pub const SCOUT_FIELDS: &str = "scout";

/// The plain engine: one index as it was when opened, a parser over the chosen fields, the
/// records in memory or not.
pub struct Floor {
    /// Taken once: the in-memory records are numbered by its segments and doc ids.
    searcher: Searcher,
    parser: QueryParser,
    /// Every record's stored text by segment and doc id, when kept in memory.
    in_memory: Option<Vec<Vec<Option<String>>>>,
}

impl Floor {
    /// Open the index at `dir` with a parser over `fields` (scout's text field names, or
    /// [`SCOUT_FIELDS`]).
    pub fn open(dir: &Path, fields: &[String], records_in_memory: bool) -> scout::Result<Floor> {
        let index = CreatorIndex::open_existing(dir)?;
        let schema = index.tantivy().schema();
        let boosted: Vec<(Field, f32)> = if fields == [SCOUT_FIELDS] {
            scout::rank::retrieve::text_fields(&index.fields)
        } else {
            fields
                .iter()
                .map(|name| {
                    let field = schema.get_field(name).map_err(|_| {
                        scout::Error::Usage(format!("no field {name:?} in the index"))
                    })?;
                    Ok((field, 1.0))
                })
                .collect::<scout::Result<_>>()?
        };
        let mut parser =
            QueryParser::for_index(index.tantivy(), boosted.iter().map(|(f, _)| *f).collect());
        for (field, boost) in &boosted {
            if *boost != 1.0 {
                parser.set_field_boost(*field, *boost);
            }
        }
        let searcher = index.searcher();
        let in_memory = if records_in_memory {
            Some(all_records(&searcher).map_err(|e| scout::Error::Other(e.to_string()))?)
        } else {
            None
        };
        Ok(Floor {
            searcher,
            parser,
            in_memory,
        })
    }

    /// The JSON answer to `q`: `{"query", "total", "results": [stored records]}`.
    pub fn answer(&self, q: &str) -> tantivy::Result<String> {
        // Lenient: the mix's words are never query syntax errors, and a floor must not fail.
        let (query, _) = self.parser.parse_query_lenient(q);
        let (top, total) = self
            .searcher
            .search(&query, &(TopDocs::with_limit(PAGE).order_by_score(), Count))?;
        self.write(q, total, top)
    }

    fn write(
        &self,
        q: &str,
        total: usize,
        top: Vec<(Score, DocAddress)>,
    ) -> tantivy::Result<String> {
        let mut out = String::with_capacity(4096 * PAGE);
        out.push_str("{\"query\":");
        out.push_str(&Value::from(q).to_string());
        out.push_str(",\"total\":");
        out.push_str(&total.to_string());
        out.push_str(",\"results\":[");
        let mut first = true;
        for (_, addr) in top {
            let stored;
            let rec = match &self.in_memory {
                Some(all) => &all[addr.segment_ord as usize][addr.doc_id as usize],
                None => {
                    stored = self.searcher.doc::<RecordJson>(addr)?.0;
                    &stored
                }
            };
            let Some(rec) = rec else { continue };
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(rec);
        }
        out.push_str("]}");
        Ok(out)
    }
}

/// Every record's stored text, by segment and doc id.
fn all_records(searcher: &Searcher) -> tantivy::Result<Vec<Vec<Option<String>>>> {
    let segments = searcher.segment_readers();
    (0..segments.len())
        .map(|seg| {
            (0..segments[seg].max_doc())
                .map(|d| {
                    let RecordJson(r) = searcher.doc(DocAddress::new(seg as u32, d))?;
                    Ok(r)
                })
                .collect()
        })
        .collect()
}

/// Mean microseconds per query of the floor's steps, in this process, warm (`rounds` passes
/// over `queries`): top 20 alone (block-max WAND may skip postings), with the exact count
/// (every matching posting read), and the whole answer with the records.
pub fn breakdown(floor: &Floor, queries: &[String], rounds: usize) -> tantivy::Result<Value> {
    let searcher = &floor.searcher;
    let parsed: Vec<_> = queries
        .iter()
        .map(|q| floor.parser.parse_query_lenient(q).0)
        .collect();
    let top = || TopDocs::with_limit(PAGE).order_by_score();
    let mean_us = |f: &mut dyn FnMut(usize) -> tantivy::Result<()>| -> tantivy::Result<f64> {
        for i in 0..queries.len() {
            f(i)?; // warm-up pass
        }
        let started = Instant::now();
        for _ in 0..rounds {
            for i in 0..queries.len() {
                f(i)?;
            }
        }
        let n = (rounds * queries.len()).max(1) as f64;
        Ok(stats::round1(started.elapsed().as_secs_f64() * 1e6 / n))
    };
    let top_only = mean_us(&mut |i| searcher.search(&*parsed[i], &top()).map(drop))?;
    let counted = mean_us(&mut |i| searcher.search(&*parsed[i], &(top(), Count)).map(drop))?;
    let answered = mean_us(&mut |i| floor.answer(&queries[i]).map(drop))?;
    Ok(json!({
        "top20_us": top_only,
        "top20_and_count_us": counted,
        "answer_with_records_us": answered,
        "queries": queries.len(),
        "rounds": rounds,
    }))
}

async fn search(
    State(floor): State<Arc<Floor>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let q = params
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    match floor.answer(q) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Serve the floor on `addr` from a runtime of `threads` workers (scout serve's default is one
/// per core) on a thread of its own, until the process ends.
fn spawn(floor: Floor, addr: SocketAddr, threads: usize) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let app = axum::Router::new()
        .route("/v1/search", axum::routing::get(search))
        .with_state(Arc::new(floor));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(())
}

/// What [`run`] is given: the index and wrk settings of the HTTP benchmark it stands under.
pub struct FloorOptions<'a> {
    pub index_dir: &'a Path,
    /// Text fields BM25 runs over.
    pub fields: &'a [String],
    pub records_in_memory: bool,
    pub wrk: &'a http_bench::Wrk,
}

/// Serve the floor in this process and measure it with wrk over the HTTP benchmark's query mix:
/// requests/s, latency percentiles, and this process's CPU seconds while wrk ran.
pub fn run(o: &FloorOptions) -> Value {
    let floor = match Floor::open(o.index_dir, o.fields, o.records_in_memory) {
        Ok(f) => f,
        Err(e) => return json!({"skipped": format!("cannot open the index: {e}")}),
    };
    let mix = query_mix::generate(o.wrk.queries, o.wrk.seed);
    let texts: Vec<String> = mix.iter().map(|(q, _)| q.clone()).collect();
    let in_process = match breakdown(&floor, &texts, 2) {
        Ok(v) => v,
        Err(e) => return json!({"skipped": format!("the floor's search failed: {e}")}),
    };
    let paths = query_mix::http_paths(&mix);
    let script = o.wrk.work.join("wrk_floor.lua");
    if let Err(e) = std::fs::write(&script, http_bench::wrk_script(&paths)) {
        return json!({"skipped": format!("cannot write {}: {e}", script.display())});
    }
    let Ok(port) = procs::free_port() else {
        return json!({"skipped": "no free loopback port"});
    };
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    if let Err(e) = spawn(floor, addr, threads) {
        return json!({"skipped": format!("cannot serve the floor on {addr}: {e}")});
    }
    let cpu_before = stats::cpu_secs();
    let mut v = http_bench::measure(addr, &paths, &script, o.wrk.secs, o.wrk.connections);
    // While wrk ran only (the http benchmark's `serve_cpu_secs` is the server's whole life,
    // start-up included: a fraction of a second of its ~18).
    if let (Some(a), Some(b)) = (cpu_before, stats::cpu_secs()) {
        v["cpu_secs_under_wrk"] = json!(stats::round1(b - a));
    }
    v["distinct_queries"] = json!(paths.len());
    v["in_process"] = in_process;
    v["engine"] = json!(format!(
        "plain BM25 over {}, top 20 + exact count, filters ignored, records from {}",
        if o.fields == [SCOUT_FIELDS] {
            "the fields scout's retrieval reads, with its boosts".to_string()
        } else {
            o.fields.join(" and ")
        },
        if o.records_in_memory {
            "memory"
        } else {
            "the document store"
        }
    ));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_answer_is_json_carrying_the_stored_records() {
        let dir = std::env::temp_dir().join(format!("scout-floor-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::index_bench::build(300, 7, &dir).expect("index");
        let fields = ["bio".to_string(), "posts".to_string()];
        let floor = Floor::open(&dir, &fields, false).expect("open");
        let body = floor.answer("skincare routine").expect("answer");
        let v: Value = serde_json::from_str(&body).expect("valid JSON");
        assert_eq!(v["query"], "skincare routine");
        let results = v["results"].as_array().expect("results");
        let total = v["total"].as_u64().unwrap() as usize;
        assert!(
            !results.is_empty() && results.len() == total.min(PAGE),
            "{body}"
        );
        let mut ids: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(
            ids.len(),
            results.len(),
            "every result is a stored record with its id"
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), results.len(), "no creator twice");
        for q in ["", "zzqx"] {
            let v: Value = serde_json::from_str(&floor.answer(q).expect("answer")).unwrap();
            assert_eq!(
                (v["total"].as_u64(), v["results"].as_array().map(Vec::len)),
                (Some(0), Some(0))
            );
        }
        let breakdown = breakdown(&floor, &["skincare".into(), "\"quote".into()], 1).unwrap();
        assert!(breakdown["answer_with_records_us"].as_f64().unwrap() > 0.0);
        // The same answer with the records kept in memory.
        let in_memory = Floor::open(&dir, &fields, true).expect("open in memory");
        assert_eq!(in_memory.answer("skincare routine").unwrap(), body);
        let posts_only = Floor::open(&dir, &fields[1..], false).expect("posts only");
        let v: Value =
            serde_json::from_str(&posts_only.answer("skincare routine").unwrap()).unwrap();
        assert!(
            v["total"].as_u64().unwrap() as usize <= total,
            "fewer fields, no more matches"
        );
        // scout's retrieval fields hold bio and posts and more: no fewer matches.
        let scout_fields = Floor::open(&dir, &[SCOUT_FIELDS.to_string()], false).expect("scout");
        let v: Value =
            serde_json::from_str(&scout_fields.answer("skincare routine").unwrap()).unwrap();
        assert!(
            v["total"].as_u64().unwrap() as usize >= total,
            "more fields, no fewer matches"
        );
        let err = Floor::open(&dir, &["nope".to_string()], false)
            .err()
            .expect("unknown field");
        assert!(err.to_string().contains("nope"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
