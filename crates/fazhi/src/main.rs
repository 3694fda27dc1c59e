//! `fazhi`: the command line of the Fazhi platform. Each subcommand lives in its own module;
//! this file only parses the command line and dispatches.

mod check_cmd;
mod cli;
mod outlines_cmd;
mod output;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match cli.command {
        cli::Command::Check(args) => check_cmd::run(&args),
        cli::Command::Outlines => outlines_cmd::run(),
    }
}
