//! The PDF child process: reads the PDF's bytes on stdin, extracts the text layer with
//! pdf-extract under its own memory and CPU limits, and answers on stdout in a one-line
//! header followed by the text ([`Reply`]).
//!
//! pdf-extract panics, loops or allocates without bound on some real files; in a child
//! process each of those ends the child, never the server, and the limits are enforced by
//! the kernel rather than hoped for. The panic message goes to stderr, which the parent
//! discards (or shows, with `FAZHI_PDF_DEBUG` set).

use super::{max_nesting, MAX_NESTING};
use pdf_extract::{MediaBox, Object, OutputDev, OutputError, Transform};
use std::io::{Read, Write};
use std::process::ExitCode;

/// The hidden first argument that makes a binary act as the PDF child (`fazhi __pdf-text`,
/// `fazhi-pdf-text __pdf-text`).
pub const CHILD_ARG: &str = "__pdf-text";

/// First token of every reply: a helper built from other sources answers something else,
/// which the parent reports as a failure instead of misreading.
const MAGIC: &str = "fazhi-pdf-text/1";

/// Stack for the extraction thread (the parsers recurse), capped at a quarter of the
/// address-space limit.
const WORKER_STACK: u64 = 256 << 20;

/// Exit status when the child cannot run at all (bad arguments, limits not settable, no
/// stdin/stdout): the parent reports a failure to parse.
const EXIT_SETUP: u8 = 3;

/// What the child is told on its command line, as `key=value` arguments after
/// [`CHILD_ARG`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    pub max_pages: usize,
    pub max_chars: usize,
    pub max_inflated: u64,
    /// Address-space limit (`RLIMIT_AS`), bytes.
    pub memory: u64,
    /// CPU-time limit (`RLIMIT_CPU`), seconds.
    pub cpu_secs: u64,
}

impl Request {
    pub fn to_args(&self) -> Vec<String> {
        vec![
            CHILD_ARG.to_string(),
            format!("pages={}", self.max_pages),
            format!("chars={}", self.max_chars),
            format!("inflated={}", self.max_inflated),
            format!("memory={}", self.memory),
            format!("cpu={}", self.cpu_secs),
        ]
    }

    fn from_args(args: &[String]) -> Option<Request> {
        let (first, rest) = args.split_first()?;
        if first != CHILD_ARG {
            return None;
        }
        let mut req = Request {
            max_pages: 0,
            max_chars: 0,
            max_inflated: 0,
            memory: 0,
            cpu_secs: 0,
        };
        let mut seen = 0;
        for a in rest {
            let (k, v) = a.split_once('=')?;
            let n: u64 = v.parse().ok()?;
            match k {
                "pages" => req.max_pages = usize::try_from(n).ok()?,
                "chars" => req.max_chars = usize::try_from(n).ok()?,
                "inflated" => req.max_inflated = n,
                "memory" => req.memory = n,
                "cpu" => req.cpu_secs = n,
                _ => return None,
            }
            seen += 1;
        }
        (seen == 5).then_some(req)
    }
}

/// What the child answers.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reply {
    Text(String),
    /// The document has no font at all: nothing can be a text layer (a scan).
    NoFonts,
    Failed(JobError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JobError {
    Load,
    Encrypted,
    NoPages,
    TooManyPages(usize),
    TooManyChars(usize),
    /// Non-image streams inflate beyond the limit (the size reached when it stopped).
    Inflated(u64),
    Nesting,
    Extract,
}

impl Reply {
    fn encode(&self) -> Vec<u8> {
        let head = match self {
            Reply::Text(_) => "text".to_string(),
            Reply::NoFonts => "nofonts".to_string(),
            Reply::Failed(e) => match e {
                JobError::Load => "error load".into(),
                JobError::Encrypted => "error encrypted".into(),
                JobError::NoPages => "error nopages".into(),
                JobError::TooManyPages(n) => format!("error pages {n}"),
                JobError::TooManyChars(n) => format!("error chars {n}"),
                JobError::Inflated(n) => format!("error inflated {n}"),
                JobError::Nesting => "error nesting".into(),
                JobError::Extract => "error extract".into(),
            },
        };
        let mut out = format!("{MAGIC} {head}\n").into_bytes();
        if let Reply::Text(t) = self {
            out.extend_from_slice(t.as_bytes());
        }
        out
    }

    /// None for anything the child would not have written.
    pub fn decode(bytes: &[u8]) -> Option<Reply> {
        let nl = memchr::memchr(b'\n', bytes)?;
        let head = std::str::from_utf8(&bytes[..nl]).ok()?;
        let body = &bytes[nl + 1..];
        let mut words = head.split(' ');
        if words.next()? != MAGIC {
            return None;
        }
        let reply = match (words.next()?, words.next(), words.next()) {
            ("text", None, _) => Reply::Text(String::from_utf8_lossy(body).into_owned()),
            ("nofonts", None, _) => Reply::NoFonts,
            ("error", Some(kind), n) => Reply::Failed(match (kind, n) {
                ("load", None) => JobError::Load,
                ("encrypted", None) => JobError::Encrypted,
                ("nopages", None) => JobError::NoPages,
                ("pages", Some(n)) => JobError::TooManyPages(n.parse().ok()?),
                ("chars", Some(n)) => JobError::TooManyChars(n.parse().ok()?),
                ("inflated", Some(n)) => JobError::Inflated(n.parse().ok()?),
                ("nesting", None) => JobError::Nesting,
                ("extract", None) => JobError::Extract,
                _ => return None,
            }),
            _ => return None,
        };
        Some(reply)
    }
}

/// The child's whole life: `fazhi __pdf-text …` and `fazhi-pdf-text __pdf-text …` call
/// this first thing in `main` (before any other argument parsing) and exit with its status.
pub fn child_main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(req) = Request::from_args(&args) else {
        eprintln!("fazhi-pdf-text: internal helper of fazhi; arguments not understood");
        return ExitCode::from(EXIT_SETUP);
    };
    if let Err(e) = sys::limit_self(req.memory, req.cpu_secs) {
        eprintln!("fazhi-pdf-text: cannot set resource limits: {e}");
        return ExitCode::from(EXIT_SETUP);
    }
    // pdf-extract prints diagnostics with `println!`: results get their own descriptor
    // and fd 1 goes to stderr.
    let Some(mut out) = sys::take_stdout() else {
        return ExitCode::from(EXIT_SETUP);
    };
    let mut data = Vec::new();
    if std::io::stdin().lock().read_to_end(&mut data).is_err() {
        return ExitCode::from(EXIT_SETUP);
    }
    let reply = match extract_on_big_stack(data, &req) {
        Some(reply) => reply,
        // A panic: its message is already on stderr; 101 like any panicking Rust program.
        None => return ExitCode::from(101),
    };
    if out
        .write_all(&reply.encode())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(EXIT_SETUP);
    }
    ExitCode::SUCCESS
}

/// Runs the extraction on a thread with a big stack (on this one if that thread cannot be
/// had under the memory limit); None if it panicked.
fn extract_on_big_stack(data: Vec<u8>, req: &Request) -> Option<Reply> {
    let stack = WORKER_STACK.min(req.memory / 4);
    let job_req = req.clone();
    let spawned = std::thread::Builder::new()
        .name("fazhi-pdf".into())
        .stack_size(usize::try_from(stack).unwrap_or(usize::MAX))
        .spawn(move || extract(&data, &job_req));
    match spawned {
        Ok(handle) => handle.join().ok(),
        Err(_) => None,
    }
}

fn extract(data: &[u8], req: &Request) -> Reply {
    match builtin_job(data, req) {
        Ok(reply) => reply,
        Err(e) => Reply::Failed(e),
    }
}

fn builtin_job(data: &[u8], req: &Request) -> Result<Reply, JobError> {
    let mut doc = pdf_extract::Document::load_mem(data).map_err(|_| JobError::Load)?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|_| JobError::Encrypted)?;
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(JobError::NoPages);
    }
    if pages.len() > req.max_pages {
        return Err(JobError::TooManyPages(pages.len()));
    }
    if !has_fonts(&doc) {
        return Ok(Reply::NoFonts);
    }
    // A small file may inflate to gigabytes (a flate bomb): measure what the streams
    // inflate to, with a bounded decoder, before anything decompresses them whole.
    let inflated = inflated_size(&doc, req.max_inflated);
    if inflated > req.max_inflated {
        return Err(JobError::Inflated(inflated));
    }
    // Decompressed streams are parsed recursively too: bound their nesting.
    for obj in doc.objects.values() {
        if let Object::Stream(s) = obj {
            if is_image(s) {
                continue;
            }
            if let Ok(content) = s.decompressed_content() {
                if max_nesting(&content) > MAX_NESTING {
                    return Err(JobError::Nesting);
                }
            }
        }
    }
    let mut out = Collector::new(req.max_chars);
    match pdf_extract::output_doc(&doc, &mut out) {
        Ok(()) => Ok(Reply::Text(out.text)),
        Err(_) if out.too_large => Err(JobError::TooManyChars(out.chars)),
        Err(_) => Err(JobError::Extract),
    }
}

fn is_image(s: &pdf_extract::Stream) -> bool {
    s.dict
        .get(b"Subtype")
        .and_then(|o| o.as_name())
        .is_ok_and(|n| n == b"Image")
}

/// Bytes the document's non-image FlateDecode streams inflate to, counted up to just past
/// `limit` (the decoder stops there, so a bomb costs at most `limit` bytes of work and a
/// fixed buffer of memory). Images are left out: text extraction does not decode them, and
/// a scan's page images are large by nature.
fn inflated_size(doc: &pdf_extract::Document, limit: u64) -> u64 {
    let mut total: u64 = 0;
    for obj in doc.objects.values() {
        let Object::Stream(s) = obj else { continue };
        let flate = match s.dict.get(b"Filter") {
            Ok(Object::Name(n)) => n == b"FlateDecode",
            Ok(Object::Array(a)) => a
                .iter()
                .any(|f| f.as_name().is_ok_and(|n| n == b"FlateDecode")),
            _ => false,
        };
        if is_image(s) || !flate {
            total += s.content.len() as u64;
        } else {
            let budget = limit.saturating_sub(total) + 1;
            let mut decoder = flate2::read::ZlibDecoder::new(&s.content[..]).take(budget);
            total += std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
        }
        if total > limit {
            break;
        }
    }
    total
}

/// Whether any object of the document is (or directly contains) a font dictionary.
fn has_fonts(doc: &pdf_extract::Document) -> bool {
    fn is_font(o: &Object, depth: usize) -> bool {
        match o {
            Object::Dictionary(d) => {
                d.get(b"Type")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|n| n == b"Font")
                    || (depth < 6 && d.iter().any(|(_, v)| is_font(v, depth + 1)))
            }
            Object::Array(a) => depth < 6 && a.iter().any(|v| is_font(v, depth + 1)),
            _ => false,
        }
    }
    doc.objects.values().any(|o| is_font(o, 0))
}

/// Collects characters into lines like pdf-extract's `PlainTextOutput`, plus: a form feed
/// between pages, no spaces between tightly justified CJK characters, and a character
/// budget.
struct Collector {
    text: String,
    chars: usize,
    max_chars: usize,
    too_large: bool,
    pages: u32,
    page_height: f64,
    first_char: bool,
    last_end: f64,
    last_y: f64,
    last_char: char,
}

impl Collector {
    fn new(max_chars: usize) -> Self {
        Collector {
            text: String::new(),
            chars: 0,
            max_chars,
            too_large: false,
            pages: 0,
            page_height: 0.0,
            first_char: false,
            last_end: 100_000.0,
            last_y: 0.0,
            last_char: ' ',
        }
    }

    fn push(&mut self, s: &str) -> Result<(), OutputError> {
        // No line breaks before the first character of a page.
        if s == "\n" && (self.text.is_empty() || self.text.ends_with('\x0c')) {
            return Ok(());
        }
        self.chars += s.chars().count();
        if self.chars > self.max_chars {
            self.too_large = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.text.push_str(s);
        Ok(())
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        if self.pages > 0 {
            self.push("\x0c")?;
        }
        self.pages += 1;
        self.page_height = media_box.ury - media_box.lly;
        self.last_end = 100_000.0;
        self.last_y = 0.0;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        let x = trm.m31;
        let y = self.page_height - trm.m32;
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        if self.first_char {
            let dy = (y - self.last_y).abs();
            if dy > size * 1.5 {
                self.push("\n")?;
            }
            if x < self.last_end && dy > size * 0.5 {
                self.push("\n")?;
            } else {
                let this = ch.chars().next().unwrap_or(' ');
                let both_cjk = is_cjk(this) && is_cjk(self.last_char);
                let gap = if both_cjk { 0.6 } else { 0.1 };
                if x > self.last_end + size * gap {
                    self.push(" ")?;
                }
            }
        }
        self.push(ch)?;
        if let Some(c) = ch.chars().last() {
            self.last_char = c;
        }
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(unix)]
mod sys {
    use std::io::Write;

    /// Lowers this process's own limits: address space to `memory` bytes, CPU time to
    /// `cpu_secs` (SIGXCPU then, SIGKILL a second later), no core files. Never raises a
    /// limit that is already lower.
    pub fn limit_self(memory: u64, cpu_secs: u64) -> std::io::Result<()> {
        set(libc::RLIMIT_AS, memory, memory)?;
        set(libc::RLIMIT_CPU, cpu_secs, cpu_secs.saturating_add(1))?;
        set(libc::RLIMIT_CORE, 0, 0)
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    type Resource = libc::__rlimit_resource_t;
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    type Resource = libc::c_int;

    fn set(resource: Resource, soft: u64, hard: u64) -> std::io::Result<()> {
        let mut old = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit read and write only the struct passed by reference.
        if unsafe { libc::getrlimit(resource, &mut old) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let hard = (hard as libc::rlim_t).min(old.rlim_max);
        let new = libc::rlimit {
            rlim_cur: (soft as libc::rlim_t).min(hard),
            rlim_max: hard,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(resource, &new) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    /// A handle on the real stdout for the reply; fd 1 then points at stderr, where the
    /// `println!` diagnostics of pdf-extract and lopdf belong.
    pub fn take_stdout() -> Option<Box<dyn Write>> {
        use std::os::fd::AsFd;
        let real = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        // SAFETY: dup2 on descriptors this process owns for its whole life (1 and 2); it
        // only changes what fd 1 refers to, and `real` keeps the original open.
        if unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) } < 0 {
            return None;
        }
        Some(Box::new(std::io::BufWriter::new(std::fs::File::from(real))))
    }
}

#[cfg(not(unix))]
mod sys {
    use std::io::Write;

    /// No resource limits off Unix: the parent's wall-clock timeout still holds.
    pub fn limit_self(_memory: u64, _cpu_secs: u64) -> std::io::Result<()> {
        Ok(())
    }

    pub fn take_stdout() -> Option<Box<dyn Write>> {
        Some(Box::new(std::io::stdout()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_through_arguments() {
        let req = Request {
            max_pages: 500,
            max_chars: 5_000_000,
            max_inflated: 1 << 20,
            memory: 1 << 30,
            cpu_secs: 31,
        };
        assert_eq!(Request::from_args(&req.to_args()), Some(req));
        assert_eq!(Request::from_args(&["serve".into()]), None);
        assert_eq!(
            Request::from_args(&[CHILD_ARG.into(), "pages=1".into()]),
            None
        );
    }

    #[test]
    fn replies_round_trip() {
        for reply in [
            Reply::Text("一、主要举措\n\x0c第二页".into()),
            Reply::NoFonts,
            Reply::Failed(JobError::Load),
            Reply::Failed(JobError::TooManyPages(501)),
            Reply::Failed(JobError::TooManyChars(7)),
            Reply::Failed(JobError::Inflated(1 << 30)),
            Reply::Failed(JobError::Extract),
        ] {
            assert_eq!(Reply::decode(&reply.encode()).as_ref(), Some(&reply));
        }
        assert_eq!(Reply::decode(b"text\nabc"), None);
        assert_eq!(Reply::decode(b""), None);
        assert_eq!(Reply::decode(b"fazhi-pdf-text/1 error pages x\n"), None);
    }
}
