//! The `report` binary: parses the command line, hands each subcommand to its
//! handler in `report::commands`, and turns errors into a readable message and
//! an exit code. Output to a closed pipe (`report summary run.json | head`) is
//! not an error. Error messages quote data (ids, labels, paths), so they are
//! neutralised and shortened (`sanitize::message`) before they are printed.

use std::process::ExitCode;

use clap::Parser;
use report::cli::{Cli, Command};
use report::commands;
use report::runner::interrupt;
use report::sanitize;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C must not leave a temporary file behind (`report run` takes
    // over the handler's behaviour with `interrupt::install`).
    if let Err(e) = interrupt::install_exit() {
        eprintln!("warning: {e}");
    }
    let result = match &cli.command {
        Command::Ingest(args) => commands::ingest::run(args),
        Command::Summary(args) => commands::summary::run(args),
        Command::Markdown(args) => commands::markdown::run(args),
        Command::Html(args) => commands::html::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Export(args) => commands::export::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", sanitize::message(&err.to_string()));
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {}", sanitize::message(&cause.to_string()));
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
