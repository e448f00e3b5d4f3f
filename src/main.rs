//! Thin binary: everything lives in the library; see `scout::cli`.

// mimalloc: glibc's malloc, free and consolidation were ~18 % of a crawl's CPU samples
// (tantivy's indexer, HTML parsing and JSON allocate small objects at a high rate).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scout::cli::run()
}
