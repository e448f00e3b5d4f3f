//! All integration tests build into this one binary (linking once saves minutes on 2 cores).
//! Topic files below; shared helpers in `common`.

mod bench;
mod common;
mod foundation;
