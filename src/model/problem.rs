//! What went wrong while crawling or parsing, without stopping the crawl: a [`Problem`] names
//! the URL, a [`ProblemKind`] the summary counts by, and a detail for people. Kinds are types,
//! serialised as the short labels the crawl summary's JSON has always carried (`http_404`,
//! `timeout`, `no_profile_markup`...), so callers match on variants, not string literals.

use serde::{Deserialize, Serialize};

/// Why a fetch failed (the network layer's `net::ErrorKind`). It lives here, on the lowest
/// floor, because a [`Problem`] can carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FetchKind {
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

/// The kind of a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The request failed.
    Fetch(FetchKind),
    /// A seed that is no http(s) URL.
    InvalidSeed,
    /// An answer that is not the JSON the platform documents.
    BadJson,
    BadProfile,
    BadAccount,
    BadStatuses,
    BadTimeline,
    BadContext,
    BadThread,
    BadFeed,
    /// A schema.org page whose JSON-LD does not parse, or one field of it that does not.
    JsonldSyntax,
    JsonldField,
    /// A page that could not be parsed at all.
    ParseFailed,
    /// A web page with no profile data, or a linked page with no post data.
    NoProfileMarkup,
    NoPostMarkup,
    /// A page nested deeper than the parser accepts.
    HtmlTooDeep,
    /// A profile page that names another site's URL as its own.
    ForeignProfileUrl,
    /// The account moved elsewhere.
    Moved,
    /// The server suspended the account.
    Suspended,
    /// More comments were published than were read.
    CommentsTruncated,
    /// A YouTube Data API channel, video list or comment answer that is not what the API
    /// documents (PeerTube's alike).
    BadChannel,
    BadVideos,
    BadComments,
    /// The day's YouTube Data API quota is spent: the remaining channels are read from feeds.
    YoutubeQuotaSpent,
    /// The YouTube Data API refused the key (or its host's robots.txt disallows us).
    YoutubeKeyRejected,
}

impl FetchKind {
    /// The label, e.g. `http_404`.
    pub fn label(self) -> String {
        match self {
            FetchKind::Status(s) => format!("http_{s}"),
            other => FETCH_LABELS
                .iter()
                .find(|(k, _)| *k == other)
                .map_or_else(String::new, |(_, l)| (*l).to_string()),
        }
    }

    fn parse(label: &str) -> Option<FetchKind> {
        FETCH_LABELS
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(k, _)| *k)
            .or_else(|| {
                let status = label.strip_prefix("http_")?.parse().ok()?;
                Some(FetchKind::Status(status))
            })
    }

    /// 404 / 410: the thing is gone (a refresh counts these towards "gone").
    pub fn is_gone(self) -> bool {
        matches!(self, FetchKind::Status(404 | 410))
    }
}

const FETCH_LABELS: &[(FetchKind, &str)] = &[
    (FetchKind::InvalidUrl, "invalid_url"),
    (FetchKind::Refused, "refused_private_address"),
    (FetchKind::Robots, "robots_disallowed"),
    (FetchKind::Timeout, "timeout"),
    (FetchKind::TooLarge, "too_large"),
    (FetchKind::TooManyRedirects, "too_many_redirects"),
    (FetchKind::Network, "network"),
    (FetchKind::Budget, "budget"),
];

const LABELS: &[(ProblemKind, &str)] = &[
    (ProblemKind::InvalidSeed, "invalid_seed"),
    (ProblemKind::BadJson, "bad_json"),
    (ProblemKind::BadProfile, "bad_profile"),
    (ProblemKind::BadAccount, "bad_account"),
    (ProblemKind::BadStatuses, "bad_statuses"),
    (ProblemKind::BadTimeline, "bad_timeline"),
    (ProblemKind::BadContext, "bad_context"),
    (ProblemKind::BadThread, "bad_thread"),
    (ProblemKind::BadFeed, "bad_feed"),
    (ProblemKind::JsonldSyntax, "jsonld_syntax"),
    (ProblemKind::JsonldField, "jsonld_field"),
    (ProblemKind::ParseFailed, "parse_failed"),
    (ProblemKind::NoProfileMarkup, "no_profile_markup"),
    (ProblemKind::NoPostMarkup, "no_post_markup"),
    (ProblemKind::HtmlTooDeep, "html_too_deep"),
    (ProblemKind::ForeignProfileUrl, "foreign_profile_url"),
    (ProblemKind::Moved, "moved"),
    (ProblemKind::Suspended, "suspended"),
    (ProblemKind::CommentsTruncated, "comments_truncated"),
    (ProblemKind::BadChannel, "bad_channel"),
    (ProblemKind::BadVideos, "bad_videos"),
    (ProblemKind::BadComments, "bad_comments"),
    (ProblemKind::YoutubeQuotaSpent, "youtube_quota_spent"),
    (ProblemKind::YoutubeKeyRejected, "youtube_key_rejected"),
];

impl ProblemKind {
    pub fn label(self) -> String {
        match self {
            ProblemKind::Fetch(k) => k.label(),
            other => LABELS
                .iter()
                .find(|(k, _)| *k == other)
                .map_or_else(String::new, |(_, l)| (*l).to_string()),
        }
    }

    pub fn parse(label: &str) -> Option<ProblemKind> {
        LABELS
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(k, _)| *k)
            .or_else(|| FetchKind::parse(label).map(ProblemKind::Fetch))
    }

    /// A 404 or 410 answer.
    pub fn is_gone(self) -> bool {
        matches!(self, ProblemKind::Fetch(k) if k.is_gone())
    }
}

impl From<FetchKind> for ProblemKind {
    fn from(k: FetchKind) -> ProblemKind {
        ProblemKind::Fetch(k)
    }
}

macro_rules! labelled {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.label())
            }
        }

        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.label())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse(&s)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown problem kind {s:?}")))
            }
        }
    };
}

labelled!(FetchKind);
labelled!(ProblemKind);

/// A problem met while crawling or parsing that did not stop the crawl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub url: String,
    pub kind: ProblemKind,
    pub detail: String,
}

impl Problem {
    pub fn new(
        url: impl Into<String>,
        kind: impl Into<ProblemKind>,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            url: url.into(),
            kind: kind.into(),
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_keeps_its_label_both_ways() {
        let fetch = FETCH_LABELS.iter().map(|(k, _)| ProblemKind::Fetch(*k));
        let all: Vec<ProblemKind> = LABELS
            .iter()
            .map(|(k, _)| *k)
            .chain(fetch)
            .chain([ProblemKind::Fetch(FetchKind::Status(404))])
            .collect();
        let mut labels = std::collections::BTreeSet::new();
        for kind in all {
            let json = serde_json::to_string(&kind).unwrap();
            assert!(labels.insert(json.clone()), "label used twice: {json}");
            assert_eq!(serde_json::from_str::<ProblemKind>(&json).unwrap(), kind);
            assert_eq!(json, format!("\"{kind}\""));
        }
        assert_eq!(
            ProblemKind::Fetch(FetchKind::Status(410)).to_string(),
            "http_410"
        );
        assert!(ProblemKind::Fetch(FetchKind::Status(404)).is_gone());
        assert!(serde_json::from_str::<ProblemKind>("\"no_such_kind\"").is_err());
    }
}
