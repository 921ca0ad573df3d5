//! The `careshape` binary: parse the command line, call the library, map errors to exit codes
//! (2 for bad input such as a scenario file or an argument, 1 for anything else).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Output piped into a reader that stopped early (`careshape metrics | head -1`): end
        // quietly with success, as ripgrep does. Rust ignores SIGPIPE, so a closed pipe comes
        // back as an error from the write (see `cli::outln!`) rather than ending the process.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let input = e.downcast_ref::<careshape::Error>().is_some_and(careshape::Error::is_input)
                || e.downcast_ref::<careshape::ScenarioError>().is_some();
            eprintln!("error: {e:#}");
            ExitCode::from(if input { 2 } else { 1 })
        }
    }
}

/// Whether an error, or one of its causes, is a write to a closed pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
