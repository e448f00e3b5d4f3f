//! The command line: parse, load config, dispatch, map errors to exit codes
//! (0 success, 2 bad usage or config, 1 other fatal errors; a closed stdout pipe is success).

pub(crate) mod args;
pub(crate) mod campaign;
pub mod commands;
pub mod demo;
pub(crate) mod output;
pub(crate) mod plan;

use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::error::Error;
pub use args::Cli;

/// Entry point used by `main`.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_tracing();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let code = e.downcast_ref::<Error>().map_or(1, Error::exit_code);
            eprintln!("scout: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    use args::Command;
    let mut config = Config::load(cli.config.as_deref(), &cli.set)?;
    if let Command::Crawl(c) = &cli.command {
        c.apply_to(&mut config)?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the async runtime: {e}")))?;
    match cli.command {
        Command::Crawl(a) => rt.block_on(commands::crawl(&config, &cli.index, a)),
        Command::Search(a) => commands::search(&config, &cli.index, *a),
        Command::Show(a) => commands::show(&config, &cli.index, a),
        Command::Similar(a) => commands::similar(&config, &cli.index, a),
        Command::Serve(a) => rt.block_on(commands::serve(config, &cli.index, a)),
        Command::Demo(a) => rt.block_on(demo::run(&config, &cli.index, a)),
        Command::Stats(a) => commands::stats(&cli.index, a.json),
        Command::Export(_) => commands::export(&config, &cli.index),
        Command::Campaign(c) => campaign::run(&config, &cli.index, c),
        Command::Merge(a) => commands::merge(&cli.index, a),
        Command::Compact(a) => commands::compact(&cli.index, a.json),
        Command::Config => {
            print!("{}", config.to_toml());
            Ok(())
        }
    }
}
