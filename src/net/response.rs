//! What a fetch returns. Apart from the fetcher so that robots.txt handling, which the
//! fetcher uses, can read an answer without depending on the fetcher back.

use bytes::Bytes;
use reqwest::header::{self, HeaderMap};
use url::Url;

/// What a fetch returns: a 2xx body (or a 304 with an empty body).
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL asked for.
    pub requested: Url,
    /// The URL finally answered, after redirects.
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// A conditional GET was answered 304: nothing changed since the last crawl.
    pub not_modified: bool,
}

impl Response {
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text: charset from the header, else from `<meta charset>`, else UTF-8;
    /// invalid bytes are replaced, never fatal.
    pub fn text(&self) -> String {
        crate::net::charset::decode(&self.body, self.content_type())
    }
}
