//! PDF: the text layer via `pdf-extract`, isolated in a thread (it can panic or loop on real
//! files) with a timeout; Poppler's `pdftotext` as a fallback when it is on PATH.
//!
//! Output is line-broken text (`Layout::Lines`), a form feed between pages becoming a
//! `Hint::PageBreak` block, like the .txt files made from PDFs.

use super::{text, Format, Ingested, Layout, Limits};
use crate::{Error, Result};
use pdf_extract::{MediaBox, Object, OutputDev, OutputError, Transform};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

/// Nesting of arrays/dictionaries deeper than this is refused before parsing (the parsers
/// recurse; a crafted file could otherwise overflow the stack).
const MAX_NESTING: usize = 2_000;
/// Stack for the extraction thread.
const WORKER_STACK: usize = 256 << 20;

const REEXPORT: &str = "请重新导出 PDF，或提供原始 .docx 文件";

pub(super) fn ingest_pdf(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    // Object streams are inflated while the document loads, before the per-stream check of
    // `builtin_job` can run: measure them on the raw bytes first.
    let objstm = object_streams_inflated(bytes, limits.max_pdf_uncompressed);
    if objstm > limits.max_pdf_uncompressed {
        return Err(Error::TooLarge {
            limit_name: "PDF 解压后大小",
            size: objstm,
            limit: limits.max_pdf_uncompressed,
        });
    }
    if max_nesting(bytes) > MAX_NESTING {
        return Err(Error::Pdf(format!(
            "文件结构嵌套过深，可能已损坏：{REEXPORT}"
        )));
    }
    let timeout = Duration::from_secs(limits.pdf_timeout_secs.max(1));
    let builtin = extract_builtin(bytes, limits, timeout);
    let mut candidates: Vec<String> = Vec::new();
    let mut first_error = None;
    match builtin {
        Ok(Outcome::NoFonts) => return Err(Error::PdfNoText),
        Ok(Outcome::Text(t)) => {
            if quality(&t) == Quality::Good {
                return finish(&t, limits);
            }
            candidates.push(t);
        }
        Err(e @ (Error::TooLarge { .. } | Error::PdfTooManyPages { .. })) => return Err(e),
        Err(e) => first_error = Some(e),
    }
    if let Some(exe) = pdftotext_path() {
        match run_pdftotext(exe, bytes, limits, timeout) {
            Ok(t) => candidates.push(t),
            Err(e @ (Error::TooLarge { .. } | Error::PdfTooManyPages { .. })) => return Err(e),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
        }
    }
    // Best candidate; on a tie the later one (pdftotext) wins.
    let best = candidates
        .iter()
        .enumerate()
        .max_by_key(|(i, t)| (quality(t), *i))
        .map(|(_, t)| t);
    match best {
        Some(t) => match quality(t) {
            Quality::Good | Quality::NoCjk => finish(t, limits),
            Quality::Garbage => Err(Error::Pdf(format!(
                "文字层无法正确解码（提取出的多是乱码，字体缺少 Unicode 映射）：{REEXPORT}"
            ))),
            Quality::Empty => Err(Error::PdfNoText),
        },
        None => Err(first_error.unwrap_or(Error::PdfNoText)),
    }
}

/// The built-in extractor alone (tests).
pub(super) fn builtin_only(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    let timeout = Duration::from_secs(limits.pdf_timeout_secs.max(1));
    match extract_builtin(bytes, limits, timeout)? {
        Outcome::NoFonts => Err(Error::PdfNoText),
        Outcome::Text(t) if quality(&t) == Quality::Empty => Err(Error::PdfNoText),
        Outcome::Text(t) => finish(&t, limits),
    }
}

/// `pdftotext` alone (tests); None when it is not installed.
pub(super) fn pdftotext_only(bytes: &[u8], limits: &Limits) -> Option<Result<Ingested>> {
    let exe = pdftotext_path()?;
    let timeout = Duration::from_secs(limits.pdf_timeout_secs.max(1));
    Some(run_pdftotext(exe, bytes, limits, timeout).and_then(|t| {
        if quality(&t) == Quality::Empty {
            Err(Error::PdfNoText)
        } else {
            finish(&t, limits)
        }
    }))
}

fn finish(t: &str, limits: &Limits) -> Result<Ingested> {
    Ok(Ingested {
        format: Format::Pdf,
        layout: Layout::Lines,
        blocks: text::line_blocks(t, limits)?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Quality {
    Empty,
    /// Mostly replacement or private-use characters: a font without a Unicode mapping.
    Garbage,
    /// Readable but no Chinese at all although long: suspicious for a Chinese report.
    NoCjk,
    Good,
}

fn quality(t: &str) -> Quality {
    let s = text::text_stats(t);
    if s.visible == 0 {
        Quality::Empty
    } else if s.bad * 10 >= s.visible * 3 {
        Quality::Garbage
    } else if s.ideographs == 0 && s.visible >= 200 {
        Quality::NoCjk
    } else {
        Quality::Good
    }
}

/// Deepest nesting of `[`/`<<` in the raw bytes (streams included: a rough, linear bound).
fn max_nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {}
        }
        max = max.max(depth);
        i += 1;
    }
    max
}

// ---------------------------------------------------------------------------------------
// pdf-extract in an isolated thread
// ---------------------------------------------------------------------------------------

enum Outcome {
    Text(String),
    /// The document has no font at all: nothing can be a text layer (a scan).
    NoFonts,
}

/// What an isolated job ended with.
pub(super) enum Isolated<T> {
    Done(T),
    Panicked,
    TimedOut,
    SpawnFailed,
}

/// Runs `job` on its own thread with a big stack, catching panics; gives up waiting after
/// `timeout` (the thread is abandoned and, if it cooperates, told to stop via `cancel`).
pub(super) fn run_isolated<T, F>(job: F, timeout: Duration, cancel: &AtomicBool) -> Isolated<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    quiet_worker_panics();
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name(WORKER_NAME.into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            let _ = tx.send(r);
        });
    let Ok(handle) = spawned else {
        return Isolated::SpawnFailed;
    };
    let result = rx.recv_timeout(timeout);
    if !matches!(result, Err(mpsc::RecvTimeoutError::Timeout)) {
        // The job is over: let the thread finish rather than leave it detached.
        let _ = handle.join();
    }
    match result {
        Ok(Ok(v)) => Isolated::Done(v),
        Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => Isolated::Panicked,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            Isolated::TimedOut
        }
    }
}

const WORKER_NAME: &str = "fazhi-pdf";

/// pdf-extract panics on many real files; those panics are caught and reported as
/// `Error::Pdf`, so the default hook's message and backtrace on stderr are only noise. The
/// previous hook still runs for every other thread, and for ours when `FAZHI_PDF_DEBUG` is set.
fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        let debug = std::env::var_os("FAZHI_PDF_DEBUG").is_some();
        std::panic::set_hook(Box::new(move |info| {
            if debug || std::thread::current().name() != Some(WORKER_NAME) {
                previous(info);
            }
        }));
    });
}

enum JobError {
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

fn extract_builtin(bytes: &[u8], limits: &Limits, timeout: Duration) -> Result<Outcome> {
    let data = bytes.to_vec();
    let cancel = Arc::new(AtomicBool::new(false));
    let job_cancel = Arc::clone(&cancel);
    let max_pages = limits.max_pdf_pages;
    let max_chars = limits.max_text_chars;
    let max_inflated = limits.max_pdf_uncompressed;
    let job = move || builtin_job(&data, max_pages, max_chars, max_inflated, &job_cancel);
    let secs = timeout.as_secs();
    match run_isolated(job, timeout, &cancel) {
        Isolated::Done(Ok(o)) => Ok(o),
        Isolated::Done(Err(e)) => Err(match e {
            JobError::Load => Error::Pdf(format!("文件已损坏或不是有效的 PDF：{REEXPORT}")),
            JobError::Encrypted => {
                Error::Pdf("文件已加密：请取消密码保护后重新导出 PDF，或提供原始 .docx 文件".into())
            }
            JobError::NoPages => Error::Pdf(format!("PDF 中没有页面：{REEXPORT}")),
            JobError::TooManyPages(n) => Error::PdfTooManyPages {
                pages: n,
                limit: max_pages,
            },
            JobError::TooManyChars(n) => text::too_many_chars(n, limits),
            JobError::Inflated(n) => Error::TooLarge {
                limit_name: "PDF 解压后大小",
                size: n,
                limit: limits.max_pdf_uncompressed,
            },
            JobError::Nesting => Error::Pdf(format!("文件结构嵌套过深，可能已损坏：{REEXPORT}")),
            JobError::Extract => {
                Error::Pdf(format!("无法提取文字（文件结构不受支持）：{REEXPORT}"))
            }
        }),
        Isolated::Panicked => Err(Error::Pdf(format!(
            "解析时出错（文件结构不受支持）：{REEXPORT}"
        ))),
        Isolated::TimedOut => Err(Error::Pdf(format!(
            "解析超时（超过 {secs} 秒）：{REEXPORT}"
        ))),
        Isolated::SpawnFailed => Err(Error::Pdf(
            "无法启动解析线程（系统资源不足）：请稍后重试".into(),
        )),
    }
}

fn builtin_job(
    data: &[u8],
    max_pages: usize,
    max_chars: usize,
    max_inflated: u64,
    cancel: &AtomicBool,
) -> std::result::Result<Outcome, JobError> {
    let mut doc = pdf_extract::Document::load_mem(data).map_err(|_| JobError::Load)?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|_| JobError::Encrypted)?;
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(JobError::NoPages);
    }
    if pages.len() > max_pages {
        return Err(JobError::TooManyPages(pages.len()));
    }
    if !has_fonts(&doc) {
        return Ok(Outcome::NoFonts);
    }
    // A small file may inflate to gigabytes (a flate bomb): measure what the streams
    // inflate to, with a bounded decoder, before anything decompresses them whole.
    let inflated = inflated_size(&doc, max_inflated);
    if inflated > max_inflated {
        return Err(JobError::Inflated(inflated));
    }
    // Decompressed streams are parsed recursively too: bound their nesting.
    for obj in doc.objects.values() {
        if let Object::Stream(s) = obj {
            let is_image = s
                .dict
                .get(b"Subtype")
                .and_then(|o| o.as_name())
                .is_ok_and(|n| n == b"Image");
            if is_image {
                continue;
            }
            if let Ok(content) = s.decompressed_content() {
                if max_nesting(&content) > MAX_NESTING {
                    return Err(JobError::Nesting);
                }
            }
        }
    }
    let mut out = Collector::new(max_chars, cancel);
    match pdf_extract::output_doc(&doc, &mut out) {
        Ok(()) => Ok(Outcome::Text(out.text)),
        Err(_) if out.too_large => Err(JobError::TooManyChars(out.chars)),
        Err(_) => Err(JobError::Extract),
    }
}

/// Bytes the object streams (`/Type /ObjStm`) of a raw PDF inflate to, counted up to just
/// past `limit` with a bounded decoder. Found by a byte scan, not a parse: each `/ObjStm`
/// is followed by its dictionary's end and the `stream` keyword, whose data is decoded as
/// zlib until the zlib stream ends (non-zlib data counts nothing).
fn object_streams_inflated(bytes: &[u8], limit: u64) -> u64 {
    let mut total: u64 = 0;
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&bytes[from..], b"/ObjStm") {
        let at = from + p;
        let Some(s) = memchr::memmem::find(&bytes[at..], b"stream") else {
            break;
        };
        let mut data = at + s + b"stream".len();
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) == Some(&b'\n') {
            data += 1;
        }
        let budget = limit.saturating_sub(total) + 1;
        let mut decoder =
            flate2::read::ZlibDecoder::new(&bytes[data.min(bytes.len())..]).take(budget);
        total += std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
        if total > limit {
            break;
        }
        from = data.min(bytes.len());
    }
    total
}

/// Bytes the document's non-image FlateDecode streams inflate to, counted up to just past
/// `limit` (the decoder stops there, so a bomb costs at most `limit` bytes of work and a
/// fixed buffer of memory). Images are left out: text extraction does not decode them, and
/// a scan's page images are large by nature.
fn inflated_size(doc: &pdf_extract::Document, limit: u64) -> u64 {
    let mut total: u64 = 0;
    for obj in doc.objects.values() {
        let Object::Stream(s) = obj else { continue };
        let is_image = s
            .dict
            .get(b"Subtype")
            .and_then(|o| o.as_name())
            .is_ok_and(|n| n == b"Image");
        let flate = match s.dict.get(b"Filter") {
            Ok(Object::Name(n)) => n == b"FlateDecode",
            Ok(Object::Array(a)) => a
                .iter()
                .any(|f| f.as_name().is_ok_and(|n| n == b"FlateDecode")),
            _ => false,
        };
        if is_image || !flate {
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
/// between pages, no spaces between tightly justified CJK characters, a character budget and
/// a cancel flag.
struct Collector<'a> {
    text: String,
    chars: usize,
    max_chars: usize,
    too_large: bool,
    cancel: &'a AtomicBool,
    pages: u32,
    page_height: f64,
    first_char: bool,
    last_end: f64,
    last_y: f64,
    last_char: char,
}

impl<'a> Collector<'a> {
    fn new(max_chars: usize, cancel: &'a AtomicBool) -> Self {
        Collector {
            text: String::new(),
            chars: 0,
            max_chars,
            too_large: false,
            cancel,
            pages: 0,
            page_height: 0.0,
            first_char: false,
            last_end: 100_000.0,
            last_y: 0.0,
            last_char: ' ',
        }
    }

    fn push(&mut self, s: &str) -> std::result::Result<(), OutputError> {
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

impl OutputDev for Collector<'_> {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> std::result::Result<(), OutputError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        if self.pages > 0 {
            self.push("\x0c")?;
        }
        self.pages += 1;
        self.page_height = media_box.ury - media_box.lly;
        self.last_end = 100_000.0;
        self.last_y = 0.0;
        Ok(())
    }

    fn end_page(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> std::result::Result<(), OutputError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(OutputError::FormatError(std::fmt::Error));
        }
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

    fn begin_word(&mut self) -> std::result::Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// pdftotext fallback
// ---------------------------------------------------------------------------------------

fn pdftotext_path() -> Option<&'static Path> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let dirs = std::env::var_os("PATH")?;
        std::env::split_paths(&dirs)
            .map(|d| d.join("pdftotext"))
            .find(|p| p.is_file())
    })
    .as_deref()
}

/// Whether the `pdftotext` fallback is available (for tests and diagnostics).
pub fn pdftotext_available() -> bool {
    pdftotext_path().is_some()
}

struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_pdf(bytes: &[u8]) -> std::io::Result<TempFile> {
    use std::io::Write;
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

fn run_pdftotext(exe: &Path, bytes: &[u8], limits: &Limits, timeout: Duration) -> Result<String> {
    use std::process::{Command, Stdio};
    let fail = |what: &str| Error::Pdf(format!("{what}：{REEXPORT}"));
    let tmp = temp_pdf(bytes).map_err(|_| fail("无法写入临时文件"))?;
    let last_page = limits.max_pdf_pages.saturating_add(1).to_string();
    let mut child = Command::new(exe)
        .args(["-q", "-enc", "UTF-8", "-l", &last_page])
        .arg(&tmp.0)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| fail("无法运行 pdftotext"))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(fail("无法读取 pdftotext 的输出"));
    };
    // UTF-8 is at most 4 bytes a character; a little slack for page breaks and newlines.
    let cap = (limits.max_text_chars as u64)
        .saturating_mul(4)
        .saturating_add(1 << 16);
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.take(cap + 1).read_to_end(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let out = reader.join().unwrap_or_default();
    drop(tmp);
    let Some(status) = status else {
        return Err(fail(&format!("解析超时（超过 {} 秒）", timeout.as_secs())));
    };
    if out.len() as u64 > cap {
        return Err(text::too_many_chars(
            limits.max_text_chars.saturating_add(1),
            limits,
        ));
    }
    if !status.success() {
        return Err(fail("文件已损坏或不是有效的 PDF"));
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let pages = memchr::memchr_iter(0x0c, text.as_bytes()).count();
    if pages > limits.max_pdf_pages {
        return Err(Error::PdfTooManyPages {
            pages,
            limit: limits.max_pdf_pages,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolation_catches_panics_and_timeouts() {
        let cancel = AtomicBool::new(false);
        assert!(matches!(
            run_isolated(|| 7, Duration::from_secs(5), &cancel),
            Isolated::Done(7)
        ));
        assert!(matches!(
            run_isolated(|| -> u8 { panic!("boom") }, Duration::from_secs(5), &cancel),
            Isolated::Panicked
        ));
        assert!(matches!(
            run_isolated(
                || std::thread::sleep(Duration::from_secs(3)),
                Duration::from_millis(50),
                &cancel
            ),
            Isolated::TimedOut
        ));
        assert!(cancel.load(Ordering::Relaxed));
    }

    #[test]
    fn nesting_bound() {
        assert_eq!(max_nesting(b"<< /A [1 [2] 3] >>"), 3);
        assert_eq!(max_nesting(b"]]]>> [<"), 1);
    }

    #[test]
    fn quality_levels() {
        assert_eq!(quality(" \n\x0c "), Quality::Empty);
        assert_eq!(quality("\u{fffd}\u{e000}\u{e001}ab"), Quality::Garbage);
        assert_eq!(quality(&"abc ".repeat(100)), Quality::NoCjk);
        assert_eq!(quality("法治政府建设"), Quality::Good);
    }
}
