//! The web source: HTML profile pages carrying schema.org `ProfilePage` JSON-LD (with
//! OpenGraph / visible-HTML fallback) and the post pages they link to on the same host.
//! (Foundation stub: replaced by the web-source work.)

use url::Url;

use super::{ReadContext, SourceOutput};
use crate::model::Problem;

pub async fn read(url: &Url, _ctx: &ReadContext<'_>) -> SourceOutput {
    SourceOutput {
        problems: vec![Problem::new(
            url.as_str(),
            "unsupported",
            "web source not built yet",
        )],
        ..Default::default()
    }
}
