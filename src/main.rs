//! Thin binary: everything lives in the library; see `scout::cli`.

fn main() -> std::process::ExitCode {
    scout::cli::run()
}
