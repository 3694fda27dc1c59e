//! HTTP: a response, sending one request, credentials and bodies.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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

    pub(super) fn headers(&self, method: &str) -> Vec<(String, String)> {
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

    pub(super) fn encode(&self) -> (Option<String>, Vec<u8>) {
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
