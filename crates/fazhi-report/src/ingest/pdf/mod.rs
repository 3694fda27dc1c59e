//! PDF: the text layer via `pdf-extract`, run in a child process with memory, CPU-time and
//! wall-clock limits (it can panic, loop or allocate without bound on real files); Poppler's
//! `pdftotext` as a fallback when it is on PATH.
//!
//! Output is line-broken text (`Layout::Lines`), a form feed between pages becoming a
//! `Hint::PageBreak` block, like the .txt files made from PDFs.
//!
//! The child is an executable that calls [`child_main`] when its first argument is
//! [`CHILD_ARG`]: the `fazhi` binary, or this crate's `fazhi-pdf-text`; see
//! [`HELPER_ENV`] for how it is found.

use super::{text, Format, Ingested, Layout, Limits};
use crate::{Error, Result};
use builtin::{extract_builtin, Outcome};
use pdftotext::{pdftotext_path, run_pdftotext};
use std::io::Read;

mod builtin;
mod child;
mod pdftotext;
mod process;

pub use builtin::HELPER_ENV;
pub use child::{child_main, CHILD_ARG};

/// Nesting of arrays/dictionaries deeper than this is refused before parsing (the parsers
/// recurse; a crafted file could otherwise overflow the stack).
const MAX_NESTING: usize = 2_000;

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
    let builtin = extract_builtin(bytes, limits);
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
        match run_pdftotext(exe, bytes, limits) {
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
#[cfg(any(test, feature = "testkit"))]
pub(super) fn builtin_only(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    match extract_builtin(bytes, limits)? {
        Outcome::NoFonts => Err(Error::PdfNoText),
        Outcome::Text(t) if quality(&t) == Quality::Empty => Err(Error::PdfNoText),
        Outcome::Text(t) => finish(&t, limits),
    }
}

/// `pdftotext` alone (tests); None when it is not installed.
#[cfg(any(test, feature = "testkit"))]
pub(super) fn pdftotext_only(bytes: &[u8], limits: &Limits) -> Option<Result<Ingested>> {
    let exe = pdftotext_path()?;
    Some(run_pdftotext(exe, bytes, limits).and_then(|t| {
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

/// Whether the `pdftotext` fallback is available (for tests and diagnostics).
pub fn pdftotext_available() -> bool {
    pdftotext_path().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

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
