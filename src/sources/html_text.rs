//! HTML fragments (Mastodon `content`, `note`) to plain text (foundation stub).
