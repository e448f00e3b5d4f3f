//! A scriptable, hostile HTTP/1.1 server on a raw loopback socket, for the crawler tests: it
//! records every request with its arrival time (politeness is measured here, at the server)
//! and answers with exactly the bytes, timing and resets a test asks for.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scout::config::CrawlConfig;
use scout::net::{FetchError, Fetcher};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::common;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub at: Instant,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back.
pub enum Reply {
    /// These bytes (status line, headers, body), then close.
    Raw(Vec<u8>),
    /// The head, then one body byte every `every`, for ever.
    Drip { head: Vec<u8>, every: Duration },
    /// The head, then `chunk` again and again until the client goes away.
    Endless { head: Vec<u8>, chunk: Vec<u8> },
    /// The head and `prefix` of the body, then a TCP reset.
    Reset { head: Vec<u8>, prefix: Vec<u8> },
}

impl Reply {
    /// A complete answer with `Content-Length`.
    pub fn status(code: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut out = head(code, headers);
        out.truncate(out.len() - 2);
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        Reply::Raw(out)
    }

    pub fn ok(content_type: &str, body: &[u8]) -> Reply {
        Reply::status(200, &[("Content-Type", content_type)], body)
    }

    pub fn html(body: &str) -> Reply {
        Reply::ok("text/html; charset=utf-8", body.as_bytes())
    }

    pub fn not_found() -> Reply {
        Reply::status(404, &[], b"")
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::status(302, &[("Location", to)], b"")
    }
}

/// Status line and headers (with `Connection: close`), ending with the blank line.
pub fn head(code: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {code} Scripted\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

type Handler = dyn Fn(&Hit, usize) -> Reply + Send + Sync;

/// A running server. The handler gets the request and how many times its path was asked for
/// before (0 on the first request), so scripts like "503 twice, then 200" are one match.
pub struct Hostile {
    pub addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    accepted: Arc<AtomicUsize>,
}

impl Hostile {
    pub async fn start(
        bind: IpAddr,
        handler: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind(SocketAddr::new(bind, 0))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let accepted = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (h, a) = (hits.clone(), accepted.clone());
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                let (h, handler, counts) = (h.clone(), handler.clone(), counts.clone());
                tokio::spawn(async move {
                    let _ = serve_one(sock, h, handler, counts).await;
                });
            }
        });
        Hostile {
            addr,
            hits,
            accepted,
        }
    }

    /// `http://ADDR{path}`.
    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Requests for `path` (query included, as sent).
    pub fn hits_for(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }

    /// TCP connections accepted, whether or not a request followed.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

async fn serve_one(
    mut sock: TcpStream,
    hits: Arc<Mutex<Vec<Hit>>>,
    handler: Arc<Handler>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut tmp).await?;
        if n == 0 || buf.len() > 64 * 1024 {
            return Ok(());
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let at = Instant::now();
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let hit = Hit { at, path, headers };
    hits.lock().unwrap().push(hit.clone());
    let nth = {
        let mut c = counts.lock().unwrap();
        let n = c.entry(hit.path.clone()).or_default();
        *n += 1;
        *n - 1
    };
    match handler(&hit, nth) {
        Reply::Raw(bytes) => {
            sock.write_all(&bytes).await?;
            sock.flush().await?;
            let _ = sock.shutdown().await;
        }
        Reply::Drip { head, every } => {
            sock.write_all(&head).await?;
            loop {
                sock.write_all(b"x").await?;
                sock.flush().await?;
                tokio::time::sleep(every).await;
            }
        }
        Reply::Endless { head, chunk } => {
            sock.write_all(&head).await?;
            loop {
                sock.write_all(&chunk).await?;
            }
        }
        Reply::Reset { head, prefix } => {
            sock.write_all(&head).await?;
            sock.write_all(&prefix).await?;
            sock.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // SO_LINGER 0: closing sends RST instead of FIN.
            sock.set_zero_linger()?;
            drop(sock);
        }
    }
    Ok(())
}

/// Request times for `path` prefix, sorted.
pub fn times(hits: &[Hit]) -> Vec<Instant> {
    let mut t: Vec<Instant> = hits.iter().map(|h| h.at).collect();
    t.sort();
    t
}

/// The most requests any one-second window [t, t + 1 s) saw.
pub fn max_in_one_second(times: &[Instant]) -> usize {
    let mut best = 0;
    for (i, &t) in times.iter().enumerate() {
        let n = times[i..]
            .iter()
            .take_while(|&&u| u.duration_since(t) < Duration::from_secs(1))
            .count();
        best = best.max(n);
    }
    best
}

pub fn lo(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// The test config: loopback 127.0.0.1 exempt, fast rates, no retries unless a test wants them.
pub fn config() -> CrawlConfig {
    let mut c = common::test_config().crawl;
    c.max_retries = 0;
    c
}

pub fn fetcher(cfg: &CrawlConfig) -> Fetcher {
    Fetcher::new(cfg).expect("fetcher")
}

/// A server with no robots.txt (404) whose pages are answered by `pages`.
pub async fn server(pages: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static) -> Hostile {
    Hostile::start(lo(1), move |hit, n| {
        if hit.path == "/robots.txt" {
            Reply::not_found()
        } else {
            pages(hit, n)
        }
    })
    .await
}

pub fn kind(r: Result<scout::net::Response, FetchError>) -> String {
    match r {
        Ok(resp) => format!("ok {}", resp.status),
        Err(e) => e.kind().to_string(),
    }
}
