//! The HTTP endpoint (foundation stub: built by the server work).

use std::path::Path;

use crate::config::Config;

pub async fn serve(_config: Config, _index_path: &Path) -> crate::Result<()> {
    Err(crate::Error::Other(
        "the HTTP endpoint is not built yet".into(),
    ))
}
