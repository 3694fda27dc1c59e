//! The command's own handle on standard output.
//!
//! Libraries the engine uses (pdf-extract, lopdf) print diagnostics with `println!` while
//! reading some PDFs; on standard output that would corrupt `--format json` lines and HTML.
//! So on Unix the command keeps a duplicate of the real stdout for its results and points
//! file descriptor 1 at stderr, where such diagnostics belong. No crate offers this; it is
//! two system calls (`dup` through std, `dup2` through libc).

use std::io::{IsTerminal, Write};

/// Where results go, and whether that is a terminal (decided before any redirection).
pub struct Output {
    pub writer: Box<dyn Write>,
    pub is_terminal: bool,
}

pub fn take_stdout() -> Output {
    let is_terminal = std::io::stdout().is_terminal();
    Output {
        writer: redirected().unwrap_or_else(|| Box::new(std::io::stdout())),
        is_terminal,
    }
}

#[cfg(unix)]
fn redirected() -> Option<Box<dyn Write>> {
    use std::os::fd::AsFd;
    let real = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let _ = std::io::stdout().flush();
    // SAFETY: dup2 on two descriptors this process owns for its whole life (0..=2); it only
    // changes what fd 1 refers to, and `real` keeps the original open.
    let ok = unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) } >= 0;
    if !ok {
        return None;
    }
    Some(Box::new(std::io::BufWriter::new(std::fs::File::from(real))))
}

#[cfg(not(unix))]
fn redirected() -> Option<Box<dyn Write>> {
    None
}
