//! Shared pieces of the end-to-end tests: the real `fazhi serve` process started on port 0
//! with a fresh data directory, a small blocking HTTP/1.1 client (std only, so the tests
//! need no dependency the binary does not have), sessions, tokens, multipart bodies and a
//! generated report.
//!
//! Each `e2e_*.rs` test includes this module with `mod e2e_common;` and uses what it needs.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

// ---------------------------------------------------------------------------------------
// HTTP

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.snippet()
            )
        })
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The value of a cookie this response sets (`None` when it does not set it).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers_all("set-cookie").into_iter().find_map(|c| {
            let first = c.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    }

    /// The whole `Set-Cookie` line of a cookie.
    pub fn set_cookie_line(&self, name: &str) -> Option<String> {
        self.headers_all("set-cookie")
            .into_iter()
            .find(|c| c.split('=').next().is_some_and(|k| k.trim() == name))
            .map(str::to_string)
    }

    /// The first 600 characters of the body, for messages.
    pub fn snippet(&self) -> String {
        self.text().chars().take(600).collect()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(body, b"\r\n") {
        let size_line = std::str::from_utf8(&body[..eol]).unwrap_or("0");
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        body = &body[eol + 2..];
        if size == 0 || body.len() < size {
            out.extend_from_slice(&body[..size.min(body.len())]);
            break;
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or(&[]);
    }
    out
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the answer.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    stream.set_nodelay(true)?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    let mut has_length = false;
    for (k, v) in headers {
        has_length |= k.eq_ignore_ascii_case("content-length");
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has_length && (!body.is_empty() || !matches!(method, "GET" | "HEAD")) {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut req = head.into_bytes();
    req.extend_from_slice(body);
    stream.write_all(&req)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let end = find(&raw, b"\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response head")
    })?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("status line {status_line:?}"),
            )
        })?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        body = dechunk(&body);
    } else if let Some(n) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.truncate(n);
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// How a request proves who sends it.
#[derive(Debug, Clone)]
pub enum Auth {
    /// The public: no cookie, no token.
    Anon,
    /// A browser session: the cookie, and the CSRF token sent on state-changing requests.
    Cookie { session: String, csrf: String },
    /// `Authorization: Bearer …`.
    Bearer(String),
}

impl Auth {
    pub fn cookie(&self) -> Option<&str> {
        match self {
            Auth::Cookie { session, .. } => Some(session),
            _ => None,
        }
    }

    pub fn csrf(&self) -> Option<&str> {
        match self {
            Auth::Cookie { csrf, .. } => Some(csrf),
            _ => None,
        }
    }

    fn headers(&self, method: &str) -> Vec<(String, String)> {
        match self {
            Auth::Anon => Vec::new(),
            Auth::Cookie { session, csrf } => {
                let mut h = vec![("Cookie".to_string(), format!("fazhi_session={session}"))];
                if !matches!(method, "GET" | "HEAD" | "OPTIONS") {
                    h.push(("X-CSRF-Token".to_string(), csrf.clone()));
                }
                h
            }
            Auth::Bearer(t) => vec![("Authorization".to_string(), format!("Bearer {t}"))],
        }
    }
}

/// A request body with its content type.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Multipart(Multipart),
    /// A file as the whole body (the API's imports and attachments).
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl Body {
    pub fn form(fields: &[(&str, &str)]) -> Body {
        Body::Form(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn encode(&self) -> (Option<String>, Vec<u8>) {
        match self {
            Body::None => (None, Vec::new()),
            Body::Json(v) => (
                Some("application/json".into()),
                serde_json::to_vec(v).unwrap(),
            ),
            Body::Form(fields) => (
                Some("application/x-www-form-urlencoded".into()),
                urlencode(fields).into_bytes(),
            ),
            Body::Multipart(m) => (Some(m.content_type()), m.bytes()),
            Body::Raw {
                content_type,
                bytes,
            } => (Some(content_type.clone()), bytes.clone()),
        }
    }
}

/// `application/x-www-form-urlencoded`.
pub fn urlencode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but unreserved characters.
pub fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `multipart/form-data` body, parts in order.
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    parts: Vec<(String, Option<String>, String, Vec<u8>)>,
}

static BOUNDARY: AtomicU64 = AtomicU64::new(1);

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    pub fn new() -> Multipart {
        let n = BOUNDARY.fetch_add(1, Ordering::Relaxed);
        Multipart {
            boundary: format!("e2eBoundary{n:08}x{}", std::process::id()),
            parts: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        self.parts.push((
            name.to_string(),
            None,
            String::new(),
            value.as_bytes().to_vec(),
        ));
        self
    }

    pub fn file(
        mut self,
        name: &str,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Multipart {
        self.parts.push((
            name.to_string(),
            Some(filename.to_string()),
            content_type.to_string(),
            bytes,
        ));
        self
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, ct, bytes) in &self.parts {
            out.extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
            match filename {
                Some(f) => {
                    out.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: {ct}\r\n\r\n")
                            .as_bytes(),
                    );
                }
                None => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        out
    }
}

/// The client of one server.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub addr: SocketAddr,
}

impl Client {
    /// A request as the given caller; panics only when the connection itself fails.
    pub fn call(&self, method: &str, path: &str, auth: &Auth, body: &Body) -> Resp {
        self.try_call(method, path, auth, body, &[])
            .unwrap_or_else(|e| panic!("{method} {path}: connection failed: {e}"))
    }

    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: &Body,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Resp> {
        let mut headers = auth.headers(method);
        let (ct, bytes) = body.encode();
        if let Some(ct) = ct {
            headers.push(("Content-Type".into(), ct));
        }
        for (k, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            headers.push((k.to_string(), v.to_string()));
        }
        send(self.addr, method, path, &headers, &bytes)
    }

    /// A request with exactly these headers (no automatic cookie or CSRF token).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &Body) -> Resp {
        let mut h: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (ct, bytes) = body.encode();
        if let Some(ct) = ct {
            if !h
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                h.push(("Content-Type".into(), ct));
            }
        }
        send(self.addr, method, path, &h, &bytes).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn get(&self, path: &str, auth: &Auth) -> Resp {
        self.call("GET", path, auth, &Body::None)
    }

    /// GET that must answer 200 with JSON.
    pub fn get_json(&self, path: &str, auth: &Auth) -> Value {
        let r = self.get(path, auth);
        assert_eq!(r.status, 200, "GET {path}: {}", r.snippet());
        r.json()
    }

    /// POST of JSON that must succeed (2xx); the JSON answer (or null).
    pub fn post_json_ok(&self, path: &str, auth: &Auth, v: Value) -> Value {
        let r = self.call("POST", path, auth, &Body::Json(v));
        assert!(r.is_success(), "POST {path}: {} {}", r.status, r.snippet());
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    }

    /// Signs in through the API; the session cookie and its CSRF token.
    pub fn login(&self, login: &str, password: &str) -> Result<Auth, Resp> {
        let r = self.call(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anon,
            &Body::Json(json!({"login": login, "password": password})),
        );
        if r.status != 200 {
            return Err(r);
        }
        let session = r.set_cookie("fazhi_session").ok_or_else(|| r.clone())?;
        let csrf = r.json()["csrf_token"]
            .as_str()
            .ok_or_else(|| r.clone())?
            .to_string();
        Ok(Auth::Cookie { session, csrf })
    }

    pub fn must_login(&self, login: &str, password: &str) -> Auth {
        self.login(login, password)
            .unwrap_or_else(|r| panic!("login {login}: {} {}", r.status, r.snippet()))
    }

    /// A new API token for the caller (a session).
    pub fn token(&self, auth: &Auth, name: &str) -> Auth {
        let r = self.call(
            "POST",
            "/api/v1/me/tokens",
            auth,
            &Body::Json(json!({ "name": name })),
        );
        assert_eq!(r.status, 201, "create token: {}", r.snippet());
        Auth::Bearer(r.json()["secret"].as_str().expect("secret").to_string())
    }

    /// Replaces a one-time password: signs in and sets `new` through the password page
    /// (which a locked account may use).
    pub fn set_own_password(&self, login: &str, one_time: &str, new: &str) {
        let s = self.must_login(login, one_time);
        let r = self.call(
            "POST",
            "/account/password",
            &s,
            &Body::form(&[
                ("old", one_time),
                ("new", new),
                ("confirm", new),
                ("next", ""),
            ]),
        );
        assert_eq!(
            r.status,
            303,
            "change the one-time password of {login}: {}",
            r.snippet()
        );
    }

    /// Uploads a report through the API; the whole response.
    pub fn upload(
        &self,
        auth: &Auth,
        unit: i64,
        year: i32,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Resp {
        let form = Multipart::new().text("year", &year.to_string()).file(
            "file",
            filename,
            "text/plain; charset=utf-8",
            bytes,
        );
        self.call(
            "POST",
            &format!("/api/v1/units/{unit}/uploads"),
            auth,
            &Body::Multipart(form),
        )
    }

    /// Waits until `GET /healthz` answers (after a restart).
    pub fn wait_ready(&self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(r) = self.try_call("GET", "/healthz", &Auth::Anon, &Body::None, &[]) {
                if r.status == 200 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "server not ready within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Demo accounts

/// `(login, password)` pairs printed by `fazhi serve --demo` / `fazhi demo`, for the logins
/// given: on a line naming a login, the first later word that looks like a password
/// (8+ characters, letters and digits or signs, not itself a login).
pub fn demo_passwords(lines: &[String], logins: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let is_sep = |c: char| c.is_whitespace() || "|，,：:；;（）()【】[]“”\"'`".contains(c);
    for line in lines {
        let words: Vec<&str> = line.split(is_sep).filter(|w| !w.is_empty()).collect();
        for (i, w) in words.iter().enumerate() {
            if !logins.contains(w) || out.contains_key(*w) {
                continue;
            }
            let pw = words[i + 1..].iter().find(|p| {
                p.chars().count() >= 8
                    && p.is_ascii()
                    && p.chars().any(|c| c.is_ascii_alphabetic())
                    && p.chars().any(|c| !c.is_ascii_alphabetic())
                    && !logins.contains(p)
            });
            if let Some(pw) = pw {
                out.insert(w.to_string(), pw.to_string());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// A report to upload

/// A fictional 法治政府建设年度报告 of a unit of the invented 青川市 (written for these
/// tests), with the five parts the 《法治政府建设与责任落实督察工作规定》 asks for.
/// `seed` varies the figures so that every call gives distinct bytes.
pub fn report_txt(unit: &str, year: i32, seed: u64) -> String {
    let n = |k: u64| (seed.wrapping_mul(2654435761).wrapping_add(k * 97)) % 90 + 10;
    let next = year + 1;
    format!(
        "{unit}{year}年法治政府建设年度报告\n\
\n\
市委全面依法治市委员会办公室：\n\
{year}年，{unit}坚持以习近平法治思想为指导，认真贯彻落实《法治政府建设实施纲要（2021—2025年）》，\
扎实推进各项工作。现将有关情况报告如下：\n\
\n\
一、{year}年度推进法治政府建设的主要举措和成效\n\
（一）深入学习贯彻习近平法治思想。全年召开党组理论学习中心组法治专题学习{a}次，组织干部职工参加法治培训{b}场次，\
领导干部年度学法考试参考率达100%。\n\
（二）健全依法行政制度体系。审查行政规范性文件{c}件，清理文件{d}件，重大行政决策全部经过合法性审查和集体讨论。\n\
（三）严格规范公正文明执法。全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，\
办理行政执法案件{e}件，案卷评查合格率达98%。\n\
（四）强化行政权力制约监督。主动公开政府信息{f}条，办理依申请公开{g}件，按时办结率100%。\n\
（五）依法有效化解社会矛盾纠纷。办理行政复议答复{h}件，行政诉讼出庭应诉{i}件，负责人出庭应诉率100%。\n\
\n\
二、{year}年度推进法治政府建设存在的不足和原因\n\
一是基层执法人员专业能力与新形势要求还有差距；二是普法宣传的针对性和实效性有待增强。\
主要原因是培训投入不足，执法力量配备不够均衡。\n\
\n\
三、{year}年度党政主要负责人履行推进法治建设第一责任人职责、加强法治政府建设的有关情况\n\
单位主要负责人认真履行推进法治建设第一责任人职责，主持召开法治建设专题会议{j}次，\
研究解决法治建设重要问题，带头讲授法治课1次，年终述职报告专门述法。\n\
\n\
四、{next}年度推进法治政府建设的主要安排\n\
（一）持续深化习近平法治思想学习宣传，组织执法人员参加法治培训不少于60学时。\n\
（二）严格落实重大行政决策程序，提升行政执法质量和效能。\n\
（三）落实“谁执法谁普法”普法责任制，推进普法与依法治理有机融合。\n\
\n\
五、其他需要报告的情况\n\
本年度未发生因违法行政被问责的情况。\n\
\n\
{unit}\n\
{next}年1月{day}日\n",
        a = n(1) % 12 + 2,
        b = n(2),
        c = n(3),
        d = n(4),
        e = n(5) * 3 + seed % 7,
        f = n(6) * 11,
        g = n(7),
        h = n(8) % 20 + 1,
        i = n(9) % 15 + 1,
        j = n(10) % 6 + 2,
        day = n(11) % 28 + 1,
    )
}

/// A fresh temporary directory under `/tmp/e2e-*`.
pub fn tempdir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("e2e-{tag}-"))
        .tempdir_in("/tmp")
        .expect("temp dir")
}

/// Whether an environment flag is set to something other than empty, `0` or `false`.
pub fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}
