//! Bluesky AppView source (foundation stub).

use super::{ReadContext, SourceOutput};
use crate::model::Problem;

pub async fn read(handle: &str, _ctx: &ReadContext<'_>) -> SourceOutput {
    SourceOutput {
        problems: vec![Problem::new(
            handle,
            "unsupported",
            "bluesky source not built yet",
        )],
        ..Default::default()
    }
}
