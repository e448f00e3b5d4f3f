//! The network layer's one error type: why a fetch failed. Every file of `net` returns it, so
//! it lives apart from the fetcher that the others are used by (no file of `net` imports a
//! file that imports it back for its error).

pub use crate::model::FetchKind as ErrorKind;

/// Why a fetch failed. [`Error::kind`] is what the crawl summary counts by.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{url}: not a fetchable URL: {detail}")]
    InvalidUrl { url: String, detail: String },
    #[error("{url}: refused by the private-address guard: {detail}")]
    Refused { url: String, detail: String },
    #[error("{url}: disallowed by robots.txt")]
    Robots { url: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: timed out after {secs:.1}s")]
    Timeout { url: String, secs: f64 },
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: usize },
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
    #[error("{url}: page budget exhausted ({detail})")]
    Budget { url: String, detail: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidUrl { .. } => ErrorKind::InvalidUrl,
            Error::Refused { .. } => ErrorKind::Refused,
            Error::Robots { .. } => ErrorKind::Robots,
            Error::Status { status, .. } => ErrorKind::Status(*status),
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::TooManyRedirects { .. } => ErrorKind::TooManyRedirects,
            Error::Network { .. } => ErrorKind::Network,
            Error::Budget { .. } => ErrorKind::Budget,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Error::InvalidUrl { url, .. }
            | Error::Refused { url, .. }
            | Error::Robots { url }
            | Error::Status { url, .. }
            | Error::Timeout { url, .. }
            | Error::TooLarge { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::Network { url, .. }
            | Error::Budget { url, .. } => url,
        }
    }

    /// 404 / 410: the thing is gone (a refresh counts these towards "gone").
    pub fn is_gone(&self) -> bool {
        self.kind().is_gone()
    }
}
