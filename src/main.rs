//! The `careshape` binary: parse the command line, call the library, map errors to exit codes
//! (2 for bad input such as a scenario file, 1 for anything else).

use clap::Parser;

fn main() {
    let cli = careshape::cli::Cli::parse();
    if let Err(e) = careshape::cli::execute(cli) {
        if let Some(input) = e.downcast_ref::<careshape::cli::InputError>() {
            eprintln!("error: {input}");
            std::process::exit(2);
        }
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
