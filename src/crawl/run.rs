//! Drives a crawl (foundation stub).
pub struct CrawlOptions;
pub struct CrawlSummary;
pub fn crawl() {}
