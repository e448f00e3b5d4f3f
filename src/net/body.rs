//! Reading a response body without trusting the server about its size.
//!
//! reqwest decodes gzip / brotli / deflate on the fly (tower-http's decompression body, which
//! yields decoded chunks of about 4 KiB and drops `Content-Length` once it decodes), so counting
//! the chunks of [`reqwest::Response::bytes_stream`] counts *decoded* bytes: a decompression
//! bomb stops at the cap having held at most the cap plus one chunk. `Content-Length` is only
//! compared with the cap when the body is not encoded — a compressed length says nothing about
//! the decoded size. A compressed stream that decodes to nothing (endless empty gzip members)
//! is not counted here; the fetcher's total deadline ends it.

use bytes::Bytes;
use futures::StreamExt;
use url::Url;

use crate::net::error::Error as FetchError;

/// What to do when the body is longer than the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// Refuse the body ([`FetchError::TooLarge`]): pages and API answers.
    Refuse,
    /// Keep the first `limit` bytes and stop reading: robots.txt, of which RFC 9309 asks us to
    /// parse the first 500 KiB whatever its length.
    Truncate,
}

/// Read the body of `resp`, at most `limit` decoded bytes.
pub(crate) async fn read_capped(
    url: &Url,
    resp: reqwest::Response,
    limit: u64,
    overflow: Overflow,
    timeout_secs: f64,
) -> Result<Bytes, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: url.to_string(),
        limit,
    };
    if overflow == Overflow::Refuse && resp.content_length().is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let mut stream = resp.bytes_stream();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| classify(url, e, timeout_secs))?;
        let room = limit.saturating_sub(buf.len() as u64) as usize;
        if chunk.len() > room {
            match overflow {
                Overflow::Refuse => return Err(too_large()),
                Overflow::Truncate => {
                    buf.extend_from_slice(&chunk[..room]);
                    break;
                }
            }
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// A reqwest error as a [`FetchError`]: timeouts, the guard's refusal (which reaches us as a
/// connect error from the resolver), malformed requests, everything else as `Network` with the
/// whole cause chain in the detail.
pub(crate) fn classify(url: &Url, e: reqwest::Error, timeout_secs: f64) -> FetchError {
    if let Some(g) = guard_refusal(&e) {
        return FetchError::Refused {
            url: url.to_string(),
            detail: g,
        };
    }
    if e.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
            secs: timeout_secs,
        };
    }
    if e.is_builder() {
        return FetchError::InvalidUrl {
            url: url.to_string(),
            detail: chain(&e),
        };
    }
    FetchError::Network {
        url: url.to_string(),
        detail: chain(&e),
    }
}

/// The guard's message if `e` was caused by it (the resolver's error stays in the source
/// chain through hyper-util and reqwest).
fn guard_refusal(e: &reqwest::Error) -> Option<String> {
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        if let Some(g) = s.downcast_ref::<crate::net::guard::GuardError>() {
            return Some(g.to_string());
        }
        src = s.source();
    }
    None
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut detail = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let m = s.to_string();
        if !detail.contains(&m) {
            detail.push_str(": ");
            detail.push_str(&m);
        }
        src = s.source();
    }
    detail
}
