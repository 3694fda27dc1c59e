//! Running a PDF reader as a child process with a wall-clock timeout and a cap on the
//! output read: the pdf-extract child ([`super::child`]) and Poppler's `pdftotext` alike.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bytes of the child's stderr kept (the last ones: a Rust abort message comes last).
const STDERR_TAIL: usize = 64 << 10;

/// How a child process ended.
pub(super) struct Finished {
    /// None: killed by us at the timeout.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    /// Stdout passed the cap: the child was killed and `stdout` is cut.
    pub stdout_over_cap: bool,
    /// The tail of stderr.
    pub stderr: Vec<u8>,
}

/// Spawns `cmd`, writes `input` (if any) to its stdin, and waits up to `timeout` for it
/// to exit, killing it then or as soon as its stdout passes `out_cap` bytes.
pub(super) fn run_limited(
    mut cmd: Command,
    input: Option<Vec<u8>>,
    timeout: Duration,
    out_cap: u64,
) -> std::io::Result<Finished> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let stdin = child.stdin.take();
    let writer = input.map(|data| {
        std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                // A child that stops reading (it failed, or was killed) closes the pipe:
                // the error is the child's story, told by its exit status.
                let _ = stdin.write_all(&data);
            }
        })
    });
    let over_cap = Arc::new(AtomicBool::new(false));
    let stdout = child.stdout.take();
    let flag = Arc::clone(&over_cap);
    let out_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(out_cap.saturating_add(1)).read_to_end(&mut out);
        }
        if out.len() as u64 > out_cap {
            out.truncate(usize::try_from(out_cap).unwrap_or(usize::MAX));
            flag.store(true, Ordering::Relaxed);
        }
        out
    });
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || stderr.map(read_tail).unwrap_or_default());

    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < timeout && !over_cap.load(Ordering::Relaxed) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let waited = child.wait().ok();
                // Past the cap, how it ended is known; past the timeout it is "timed out".
                break waited.filter(|_| over_cap.load(Ordering::Relaxed));
            }
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Finished {
        status,
        stdout,
        stdout_over_cap: over_cap.load(Ordering::Relaxed),
        stderr,
    })
}

/// Reads `r` to its end, keeping the last [`STDERR_TAIL`] bytes (draining it so that the
/// child never blocks on a full pipe).
fn read_tail(mut r: impl Read) -> Vec<u8> {
    let mut tail = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 2 * STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
        }
    }
    if tail.len() > STDERR_TAIL {
        tail.drain(..tail.len() - STDERR_TAIL);
    }
    tail
}

/// A file removed when dropped.
pub(super) struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `bytes` in a new private temporary file.
pub(super) fn temp_pdf(bytes: &[u8]) -> std::io::Result<TempFile> {
    use std::sync::atomic::AtomicU64;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last_err = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "fazhi-ingest-{}-{nanos}-{n}.pdf",
            std::process::id()
        ));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&path) {
            Ok(mut f) => {
                let tmp = TempFile(path);
                f.write_all(bytes)?;
                return Ok(tmp);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("temp file")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn output_input_timeout_and_cap() {
        let f = run_limited(
            sh("cat; echo err >&2"),
            Some(b"abc".to_vec()),
            Duration::from_secs(10),
            100,
        )
        .unwrap();
        assert!(f.status.unwrap().success());
        assert_eq!(f.stdout, b"abc");
        assert_eq!(f.stderr, b"err\n");
        assert!(!f.stdout_over_cap);

        let start = Instant::now();
        let f = run_limited(sh("exec sleep 5"), None, Duration::from_millis(100), 100).unwrap();
        assert!(f.status.is_none());
        assert!(start.elapsed() < Duration::from_secs(4));

        let f = run_limited(sh("yes"), None, Duration::from_secs(10), 1000).unwrap();
        assert!(f.stdout_over_cap);
        assert!(f.status.is_some());
        assert_eq!(f.stdout.len(), 1000);
    }
}
