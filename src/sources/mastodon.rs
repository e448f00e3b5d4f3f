//! Mastodon REST API source (foundation stub).

use url::Url;

use super::{ReadContext, SourceOutput};

pub async fn read_profile(
    url: &Url,
    _base: &Url,
    _acct: &str,
    ctx: &ReadContext<'_>,
) -> SourceOutput {
    super::web::read(url, ctx).await
}

pub async fn read_tag(url: &Url, _base: &Url, _tag: &str, ctx: &ReadContext<'_>) -> SourceOutput {
    super::web::read(url, ctx).await
}
