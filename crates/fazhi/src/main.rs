//! `fazhi`: the command line of the Fazhi platform. Each subcommand lives in its own module;
//! this file only parses the command line and dispatches.

mod admin_cmd;
mod backup_cmd;
mod check_cmd;
mod cli;
mod config;
mod demo_cmd;
mod frameworks_dir;
mod org_cmd;
mod outlines_cmd;
mod output;
mod platform;
mod serve_cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    // The report engine runs PDF extraction in a child process: this same executable,
    // called with a hidden first argument that clap never sees.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == fazhi_report::ingest::pdf::CHILD_ARG)
    {
        return fazhi_report::ingest::pdf::child_main();
    }
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match &cli.command {
        cli::Command::Check(args) => check_cmd::run(args),
        cli::Command::Outlines(args) => outlines_cmd::run(args),
        cli::Command::Serve(args) => serve_cmd::run(args),
        cli::Command::Demo(args) => demo_cmd::run(args),
        cli::Command::Admin(cmd) => admin_cmd::run(cmd),
        cli::Command::Import(cli::ImportCommand::Org(args)) => org_cmd::import(args),
        cli::Command::Export(cli::ExportCommand::Org(args)) => org_cmd::export(args),
        cli::Command::Backup(args) => backup_cmd::backup(args),
        cli::Command::Restore(args) => backup_cmd::restore(args),
        cli::Command::Migrate(args) => backup_cmd::migrate(args),
    }
}
