//! The command's standard output: where results go, and whether that is a terminal.
//!
//! (PDF extraction, whose libraries print diagnostics with `println!`, runs in a child
//! process whose stdout is its own: this process's stdout needs no redirection.)

use std::io::{IsTerminal, Write};

/// Where results go, and whether that is a terminal.
pub struct Output {
    pub writer: Box<dyn Write>,
    pub is_terminal: bool,
}

pub fn take_stdout() -> Output {
    let stdout = std::io::stdout();
    Output {
        is_terminal: stdout.is_terminal(),
        writer: Box::new(std::io::BufWriter::new(stdout)),
    }
}
