//! The `careshape` binary: parse the command line, call the library, map errors to exit codes
//! (2 for bad input such as a scenario file or an argument, 1 for anything else).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let input = e.downcast_ref::<careshape::Error>().is_some_and(careshape::Error::is_input)
                || e.downcast_ref::<careshape::ScenarioError>().is_some();
            eprintln!("error: {e:#}");
            ExitCode::from(if input { 2 } else { 1 })
        }
    }
}
