//! The `fazhi serve` process.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Client;

/// The line `fazhi serve` prints once it listens: `Fazhi 已启动：http://ADDR/`.
pub const STARTED: &str = "Fazhi 已启动：http://";

// ---------------------------------------------------------------------------------------
// The server process

/// A running `fazhi serve`, killed (SIGKILL) when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub base: String,
    /// Every line the process printed on stdout so far (the demo accounts among them).
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub data: PathBuf,
}

/// Reads lines of a pipe into `sink`, forwarding each one to `tx` while somebody listens.
fn drain<R: Read + Send + 'static>(
    pipe: R,
    sink: Arc<Mutex<Vec<String>>>,
    tx: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let reader = BufReader::new(pipe);
        for line in reader.split(b'\n') {
            let Ok(line) = line else { break };
            let line = String::from_utf8_lossy(&line)
                .trim_end_matches('\r')
                .to_string();
            if let Some(tx) = &tx {
                let _ = tx.send(line.clone());
            }
            sink.lock().unwrap().push(line);
        }
    });
}

impl Server {
    /// `fazhi serve --listen 127.0.0.1:0 --data DIR <extra>`; waits (up to `wait`) for the
    /// start line and reads the address from it.
    pub fn start_with(
        data: &Path,
        extra: &[&str],
        envs: &[(&str, &str)],
        wait: Duration,
    ) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fazhi"));
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            // No fazhi.toml of the working directory, no FAZHI_* of the caller's shell.
            .current_dir(data)
            .env(
                "RUST_LOG",
                std::env::var("E2E_RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, _) in std::env::vars() {
            if k.starts_with("FAZHI_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn the fazhi binary");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        drain(child.stdout.take().unwrap(), stdout.clone(), Some(tx));
        drain(child.stderr.take().unwrap(), stderr.clone(), None);
        let deadline = Instant::now() + wait;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left.min(Duration::from_millis(500))) {
                Ok(line) => {
                    if let Some(rest) = line.split(STARTED).nth(1) {
                        let addr = rest.trim().trim_end_matches('/');
                        break addr
                            .parse::<SocketAddr>()
                            .unwrap_or_else(|e| panic!("address in {line:?}: {e}"));
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().ok();
                    std::thread::sleep(Duration::from_millis(100));
                    panic!(
                        "fazhi serve ended before it listened ({status:?})\nstdout:\n{}\nstderr:\n{}",
                        stdout.lock().unwrap().join("\n"),
                        stderr.lock().unwrap().join("\n")
                    );
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "fazhi serve exited ({status}) before it listened\nstdout:\n{}\nstderr:\n{}",
                    stdout.lock().unwrap().join("\n"),
                    stderr.lock().unwrap().join("\n")
                );
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                panic!(
                    "fazhi serve did not print {STARTED:?} within {wait:?}\nstdout:\n{}\nstderr:\n{}",
                    stdout.lock().unwrap().join("\n"),
                    stderr.lock().unwrap().join("\n")
                );
            }
        };
        Server {
            child: Some(child),
            addr,
            base: format!("http://{addr}"),
            stdout,
            stderr,
            data: data.to_path_buf(),
        }
    }

    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_with(data, extra, &[], Duration::from_secs(300))
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn client(&self) -> Client {
        Client { addr: self.addr }
    }

    /// SIGKILL: no shutdown hook runs, nothing is flushed by the process.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: plain syscall on the pid of our own child, which we have not reaped.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGKILL);
            }
            let _ = child.wait();
        }
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    pub fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap().join("\n")
        )
    }

    /// Peak resident set size of the process (VmHWM), in kB.
    pub fn vm_hwm_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
