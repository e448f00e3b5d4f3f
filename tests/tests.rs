//! All integration tests build into this one binary (linking once saves minutes on 2 cores).
//! Topic files below; shared helpers in `common`.

mod browser;
mod common;
mod consent;
mod crawler;
mod crawler_polite;
mod crawler_server;
mod fit;
mod foundation;
mod layers;
mod platforms;
mod ranking;
mod refresh;
mod server;
mod signals;
mod web_source;
