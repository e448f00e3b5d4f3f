//! The shared frontier in Redis (`crawl --frontier redis://HOST:PORT[/DB]`): the pattern of
//! scrapy-redis and Frontera. Every worker of one crawl, on any machine, takes URLs from one
//! queue, dedupes against one seen-set and paces each host with one bucket.
//!
//! Keys (one crawl per Redis database; pick another `/DB` for another crawl):
//! - `scout:queue`  list of `DEPTH\tURL`, first in first out;
//! - `scout:seen`   set of every URL ever queued (normalised);
//! - `scout:leases` sorted set of `WORKER:SEQ\tDEPTH\tURL`, scored by lease expiry (server ms);
//! - `scout:taken`  tasks handed out (leased or done), against `max_pages`;
//! - `scout:hosts`, `scout:sites` hashes of pages queued per host / per site;
//! - `scout:pace:HOST` the host's theoretical arrival time (GCRA), shared by all workers.
//!
//! A worker releases a lease only after the index commit that holds what the URL produced, and
//! renews its leases while it works. A worker killed with `kill -9` simply stops renewing: its
//! leases expire and the next `pop` by any worker puts them back at the head of the queue.
//! Every multi-step change is one Lua script, so it is atomic however many workers race, and
//! every clock reading is the Redis server's `TIME`, so worker clocks never matter.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use url::Url;

use super::{Limits, Next, Task, Verdict, admit};
use crate::error::{Error, Result};
use crate::net::limiter::SharedPace;

const QUEUE: &str = "scout:queue";
const SEEN: &str = "scout:seen";
const LEASES: &str = "scout:leases";
const TAKEN: &str = "scout:taken";
const HOSTS: &str = "scout:hosts";
const SITES: &str = "scout:sites";
const PACE: &str = "scout:pace:";
/// URLs sent to Redis per script call when a page hands us thousands of links.
const PUSH_CHUNK: usize = 1000;

/// Queue URLs that pass the budgets; returns {queued, dropped}.
const PUSH_LUA: &str = r#"
local max_pages, max_host, max_site = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local depth = ARGV[4]
local taken = tonumber(redis.call('GET', KEYS[5]) or '0')
local queued, dropped = 0, 0
for i = 5, #ARGV, 3 do
  local url, host, site = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if taken + redis.call('LLEN', KEYS[1]) >= max_pages then
    dropped = dropped + 1
  elseif redis.call('SADD', KEYS[2], url) == 1 then
    local h = tonumber(redis.call('HGET', KEYS[3], host) or '0')
    local s = tonumber(redis.call('HGET', KEYS[4], site) or '0')
    if h >= max_host or s >= max_site then
      dropped = dropped + 1
    else
      redis.call('HINCRBY', KEYS[3], host, 1)
      redis.call('HINCRBY', KEYS[4], site, 1)
      redis.call('RPUSH', KEYS[1], depth .. '\t' .. url)
      queued = queued + 1
    end
  end
end
return {queued, dropped}
"#;

/// Requeue expired leases, then lease the next task: {'task', queue_len, member} |
/// {'empty'|'full', leases_outstanding}.
const POP_LUA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  local tab = string.find(m, '\t', 1, true)
  redis.call('LPUSH', KEYS[1], string.sub(m, tab + 1))
  redis.call('DECR', KEYS[3])
end
local taken = tonumber(redis.call('GET', KEYS[3]) or '0')
if taken >= tonumber(ARGV[1]) then
  return {'full', tostring(redis.call('ZCARD', KEYS[2]))}
end
local task = redis.call('LPOP', KEYS[1])
if not task then
  return {'empty', tostring(redis.call('ZCARD', KEYS[2]))}
end
local m = ARGV[3] .. '\t' .. task
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), m)
redis.call('INCR', KEYS[3])
return {'task', tostring(redis.call('LLEN', KEYS[1])), m}
"#;

/// Push the expiry of this worker's live leases forward (only those still leased).
const RENEW_LUA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return #ARGV - 1
"#;

/// GCRA: reserve the next slot for a host at one request per ARGV[1] ms with burst ARGV[2];
/// returns the wait in microseconds. At most `burst + rate * t` requests fall in any window
/// of length t, across every worker.
const PACE_LUA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowed = tat - (burst - 1) * interval
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX',
  math.ceil(new_tat - now + burst * interval) + 1000)
local wait = allowed - now
if wait < 0 then wait = 0 end
return math.floor(wait * 1000)
"#;

fn lost(url: &str, what: &str, e: redis::RedisError) -> Error {
    Error::Other(format!(
        "the Redis frontier at {url} was lost ({what}): {e}; what was read is committed, run \
         the same command again to continue"
    ))
}

/// Connect with short timeouts: a worker must notice a lost server in seconds, not hang.
async fn connect(url: &str) -> Result<ConnectionManager> {
    let client = redis::Client::open(url).map_err(|e| {
        Error::Usage(format!(
            "--frontier {url:?}: not a Redis URL (redis://HOST:PORT[/DB]): {e}"
        ))
    })?;
    let cfg = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(3)))
        .set_response_timeout(Some(Duration::from_secs(10)))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500));
    let mut conn = ConnectionManager::new_with_config(client, cfg)
        .await
        .map_err(|e| Error::Other(format!("cannot reach the Redis frontier at {url}: {e}")))?;
    let _: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .map_err(|e| Error::Other(format!("cannot reach the Redis frontier at {url}: {e}")))?;
    Ok(conn)
}

pub struct RedisFrontier {
    conn: ConnectionManager,
    url: String,
    limits: Limits,
    lease_ms: u64,
    worker: String,
    seq: u64,
    /// URL → lease member, for tasks this worker is reading now.
    leased: HashMap<String, String>,
    /// Leases of tasks read but not yet committed to the index.
    finished: Vec<String>,
    queued: usize,
    dropped: usize,
    renewed: std::time::Instant,
    push: Arc<Script>,
    pop: Arc<Script>,
    renew: Arc<Script>,
}

impl RedisFrontier {
    /// Connect to the frontier at `url`; an unreachable server is an error naming it.
    pub async fn connect(url: &str, limits: Limits, lease: Duration) -> Result<RedisFrontier> {
        let conn = connect(url).await?;
        Ok(RedisFrontier {
            conn,
            url: url.to_string(),
            limits,
            lease_ms: lease.as_millis().max(1) as u64,
            worker: format!("{:08x}-{}", fastrand::u32(..), std::process::id()),
            seq: 0,
            leased: HashMap::new(),
            finished: Vec::new(),
            queued: 0,
            dropped: 0,
            renewed: std::time::Instant::now(),
            push: Arc::new(Script::new(PUSH_LUA)),
            pop: Arc::new(Script::new(POP_LUA)),
            renew: Arc::new(Script::new(RENEW_LUA)),
        })
    }

    /// The per-host pace every worker of this crawl shares.
    pub fn pace(&self) -> RedisPace {
        RedisPace {
            conn: self.conn.clone(),
            script: Arc::new(Script::new(PACE_LUA)),
        }
    }

    pub async fn push_all(&mut self, urls: &[Url], depth: u32) -> Result<usize> {
        let mut admitted = Vec::with_capacity(urls.len());
        for u in urls {
            match admit(&self.limits, u, depth) {
                Verdict::Admit { url, host, site } => admitted.push((url, host, site)),
                Verdict::Refuse => self.dropped += 1,
            }
        }
        let mut queued = 0;
        for chunk in admitted.chunks(PUSH_CHUNK) {
            let mut inv = self.push.prepare_invoke();
            inv.key(QUEUE).key(SEEN).key(HOSTS).key(SITES).key(TAKEN);
            inv.arg(self.limits.max_pages)
                .arg(self.limits.max_per_host)
                .arg(self.limits.max_per_site)
                .arg(depth);
            for (url, host, site) in chunk {
                inv.arg(url.as_str()).arg(host).arg(site);
            }
            let (q, d): (usize, usize) = inv
                .invoke_async(&mut self.conn)
                .await
                .map_err(|e| lost(&self.url, "queueing URLs", e))?;
            queued += q;
            self.dropped += d;
        }
        Ok(queued)
    }

    pub async fn next(&mut self) -> Result<Next> {
        self.seq += 1;
        let token = format!("{}:{}", self.worker, self.seq);
        let reply: Vec<String> = self
            .pop
            .key(QUEUE)
            .key(LEASES)
            .key(TAKEN)
            .arg(self.limits.max_pages)
            .arg(self.lease_ms)
            .arg(token)
            .invoke_async(&mut self.conn)
            .await
            .map_err(|e| lost(&self.url, "taking a URL", e))?;
        match reply.first().map(String::as_str) {
            Some("task") if reply.len() == 3 => {
                self.queued = reply[1].parse().unwrap_or(0);
                let member = reply[2].clone();
                let mut parts = member.splitn(3, '\t').skip(1);
                let depth = parts.next().and_then(|d| d.parse().ok()).unwrap_or(0);
                let Some(url) = parts.next().and_then(|u| Url::parse(u).ok()) else {
                    // Not ours to read (written by something else): release it.
                    self.finished.push(member);
                    return Ok(Next::Wait);
                };
                self.leased.insert(url.to_string(), member);
                Ok(Next::Task(Task { url, depth }))
            }
            Some("empty" | "full") => {
                self.queued = 0;
                let outstanding: usize = reply.get(1).and_then(|n| n.parse().ok()).unwrap_or(0);
                Ok(if outstanding == 0 {
                    Next::Done
                } else {
                    Next::Wait
                })
            }
            _ => Err(Error::Other(format!(
                "the Redis frontier at {} answered {reply:?} to a pop",
                self.url
            ))),
        }
    }

    pub async fn mark_seen(&mut self, url: &str) -> Result<()> {
        let Some(u) = crate::net::urlnorm::parse_http(url) else {
            return Ok(());
        };
        let _: i64 = redis::cmd("SADD")
            .arg(SEEN)
            .arg(u.as_str())
            .query_async(&mut self.conn)
            .await
            .map_err(|e| lost(&self.url, "marking a URL seen", e))?;
        Ok(())
    }

    pub fn finished(&mut self, url: &Url) {
        if let Some(m) = self.leased.remove(url.as_str()) {
            self.finished.push(m);
        }
    }

    /// Release the leases of tasks whose results are now committed.
    pub async fn ack_finished(&mut self) -> Result<()> {
        if self.finished.is_empty() {
            return Ok(());
        }
        let _: i64 = redis::cmd("ZREM")
            .arg(LEASES)
            .arg(&self.finished)
            .query_async(&mut self.conn)
            .await
            .map_err(|e| lost(&self.url, "releasing leases", e))?;
        self.finished.clear();
        Ok(())
    }

    /// Renew every lease this worker holds (in flight or awaiting commit).
    pub async fn renew(&mut self) -> Result<()> {
        self.renewed = std::time::Instant::now();
        let members: Vec<&String> = self.leased.values().chain(&self.finished).collect();
        if members.is_empty() {
            return Ok(());
        }
        let mut inv = self.renew.prepare_invoke();
        inv.key(LEASES).arg(self.lease_ms);
        for m in members {
            inv.arg(m);
        }
        let _: i64 = inv
            .invoke_async(&mut self.conn)
            .await
            .map_err(|e| lost(&self.url, "renewing leases", e))?;
        Ok(())
    }

    /// Whether this worker holds read-but-uncommitted tasks.
    pub fn has_finished(&self) -> bool {
        !self.finished.is_empty()
    }

    pub fn queued(&self) -> usize {
        self.queued
    }

    pub fn dropped(&self) -> usize {
        self.dropped
    }

    pub fn last_renewal(&self) -> std::time::Instant {
        self.renewed
    }
}

/// The shared per-host bucket, handed to the [`Fetcher`](crate::net::Fetcher).
pub struct RedisPace {
    conn: ConnectionManager,
    script: Arc<Script>,
}

impl SharedPace for RedisPace {
    fn reserve<'a>(
        &'a self,
        host: &'a str,
        interval: Duration,
        burst: u32,
    ) -> futures::future::BoxFuture<'a, Option<Duration>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let waited: redis::RedisResult<u64> = self
                .script
                .key(format!("{PACE}{host}"))
                .arg(interval.as_secs_f64() * 1000.0)
                .arg(burst.max(1))
                .invoke_async(&mut conn)
                .await;
            match waited {
                Ok(us) => Some(Duration::from_micros(us)),
                Err(e) => {
                    tracing::warn!(host, error = %e, "shared pace unreachable; pacing locally");
                    None
                }
            }
        })
    }
}
