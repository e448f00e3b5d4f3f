//! The crate's error type. Area errors (fetching, parsing, the index) convert into it; the CLI
//! maps it to an exit status: 2 for bad usage or config, 1 for anything else fatal.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An unknown, ill-typed or out-of-range config key. The message names the key.
    #[error("bad config: {0}")]
    Config(String),

    /// Bad command-line usage or a bad query (a 400 over HTTP).
    #[error("{0}")]
    Usage(String),

    /// Another process holds the index writer lock.
    #[error(
        "the index at {path} is locked by another writer (is a crawl or refresh running?): {detail}"
    )]
    IndexLocked { path: PathBuf, detail: String },

    #[error("index error in {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// The process exit status INTERFACE.md assigns to this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Usage(_) => 2,
            _ => 1,
        }
    }
}
