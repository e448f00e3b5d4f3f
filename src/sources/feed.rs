//! RSS/Atom feed source, YouTube channel feeds included (foundation stub).

use super::{ReadContext, SourceOutput};
use crate::model::Problem;

pub async fn read_youtube(channel_id: &str, _ctx: &ReadContext<'_>) -> SourceOutput {
    SourceOutput {
        problems: vec![Problem::new(
            channel_id,
            "unsupported",
            "feed source not built yet",
        )],
        ..Default::default()
    }
}

/// Read an RSS/Atom feed already fetched (the web source hands feeds over here).
pub async fn read_feed(resp: &crate::crawl::Response, _ctx: &ReadContext<'_>) -> SourceOutput {
    SourceOutput {
        problems: vec![Problem::new(
            resp.url.as_str(),
            "unsupported",
            "feed source not built yet",
        )],
        ..Default::default()
    }
}
