//! The network layer: the only module that does network I/O, and the lowest floor above the
//! model. Every request scout makes goes through [`Fetcher`]: the SSRF guard, robots.txt,
//! per-host rate limits, retries, body caps and charset decoding live here, below the sources
//! that parse what it fetches and the crawl driver that sequences it. It imports nothing but
//! `config`, `error` and `model`.

pub(crate) mod body;
pub(crate) mod charset;
pub(crate) mod error;
pub mod fetch;
pub(crate) mod guard;
pub(crate) mod limiter;
pub(crate) mod ratelimit;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod robots;
pub mod urlnorm;

pub use error::{Error, ErrorKind};
pub use fetch::{Fetcher, RequestOpts, Response};

/// The name the sources know the network error by.
pub use error::Error as FetchError;
