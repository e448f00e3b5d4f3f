//! The network layer's one error type: why a fetch failed. Every file of `net` returns it, so
//! it lives apart from the fetcher that the others are used by (no file of `net` imports a
//! file that imports it back for its error).

use serde::{Deserialize, Serialize};

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

/// The kind of a fetch failure, serialised (and displayed) as the short label the crawl
/// summary and its `--json` have always used: `http_404`, `timeout`, `robots_disallowed`...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    InvalidUrl,
    Refused,
    Robots,
    Status(u16),
    Timeout,
    TooLarge,
    TooManyRedirects,
    Network,
    Budget,
}

impl ErrorKind {
    /// The label, e.g. `http_404`.
    pub fn label(self) -> String {
        match self {
            ErrorKind::InvalidUrl => "invalid_url".into(),
            ErrorKind::Refused => "refused_private_address".into(),
            ErrorKind::Robots => "robots_disallowed".into(),
            ErrorKind::Status(s) => format!("http_{s}"),
            ErrorKind::Timeout => "timeout".into(),
            ErrorKind::TooLarge => "too_large".into(),
            ErrorKind::TooManyRedirects => "too_many_redirects".into(),
            ErrorKind::Network => "network".into(),
            ErrorKind::Budget => "budget".into(),
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl From<ErrorKind> for String {
    fn from(k: ErrorKind) -> String {
        k.label()
    }
}

impl Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let kind = match s.as_str() {
            "invalid_url" => ErrorKind::InvalidUrl,
            "refused_private_address" => ErrorKind::Refused,
            "robots_disallowed" => ErrorKind::Robots,
            "timeout" => ErrorKind::Timeout,
            "too_large" => ErrorKind::TooLarge,
            "too_many_redirects" => ErrorKind::TooManyRedirects,
            "network" => ErrorKind::Network,
            "budget" => ErrorKind::Budget,
            other => match other.strip_prefix("http_").and_then(|n| n.parse().ok()) {
                Some(status) => ErrorKind::Status(status),
                None => {
                    return Err(serde::de::Error::custom(format!(
                        "unknown fetch error kind {other:?}"
                    )));
                }
            },
        };
        Ok(kind)
    }
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
        matches!(self.kind(), ErrorKind::Status(404 | 410))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_their_labels_both_ways() {
        for (kind, label) in [
            (ErrorKind::Status(404), "http_404"),
            (ErrorKind::Robots, "robots_disallowed"),
            (ErrorKind::Refused, "refused_private_address"),
            (ErrorKind::Timeout, "timeout"),
        ] {
            assert_eq!(kind.to_string(), label);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{label}\""));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).unwrap(), kind);
        }
        assert!(serde_json::from_str::<ErrorKind>("\"http_x\"").is_err());
    }
}
