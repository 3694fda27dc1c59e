//! Ingest: bytes of a report file → text blocks with structure hints.
//!
//! Every format ends in [`Ingested`]; nothing here knows about report structure beyond
//! what the file itself says (a Word heading style, automatic numbering, a table row).

use crate::{Error, Result};
use std::path::Path;

mod text;

/// Explicit size limits; an error names the limit that was hit.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Size of the file as stored.
    pub max_file_bytes: u64,
    /// Characters of text after decoding/extraction.
    pub max_text_chars: usize,
    /// Total uncompressed size of the parts read from a .docx (zip-bomb guard).
    pub max_docx_uncompressed: u64,
    /// Pages read from a PDF.
    pub max_pdf_pages: usize,
    /// Wall-clock seconds a PDF extraction may take before it is abandoned.
    pub pdf_timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_text_chars: 5_000_000,
            max_docx_uncompressed: 200 * 1024 * 1024,
            max_pdf_pages: 500,
            pdf_timeout_secs: 30,
        }
    }
}

/// How the text is laid out: real paragraphs (docx, most web text) or lines that may be
/// hard-wrapped (PDF extraction, some .txt). The normaliser decides what to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Paragraphs,
    Lines,
}

/// What the file says about a block's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    None,
    /// A heading style (Heading 1 / 标题 1 …), level 1-based.
    Heading(u8),
    /// A table row, cells joined by tabs.
    TableRow,
    /// A page break stood here (PDF form feed, Word page break).
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBlock {
    /// The text, with any automatic numbering (一、 from numbering.xml) already prefixed.
    pub text: String,
    pub hint: Hint,
}

/// The source format as detected (not as named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Plain text or markdown, with the encoding it was decoded from (UTF-8, UTF-16LE, GB18030 …).
    Text {
        encoding: &'static str,
    },
    Html,
    Docx,
    Pdf,
}

#[derive(Debug, Clone)]
pub struct Ingested {
    pub format: Format,
    pub layout: Layout,
    pub blocks: Vec<RawBlock>,
}

/// Reads a file, refusing it by size before reading it whole.
pub fn ingest_path(path: &Path, limits: &Limits) -> Result<Ingested> {
    let size = std::fs::metadata(path)?.len();
    if size > limits.max_file_bytes {
        return Err(Error::TooLarge {
            limit_name: "文件大小",
            size,
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ingest_bytes(&name, &bytes, limits)
}

/// Reads the bytes of a file named `name` (the extension is a hint; content is sniffed).
pub fn ingest_bytes(name: &str, bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Error::TooLarge {
            limit_name: "文件大小",
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let _ = name;
    text::ingest_text(bytes, limits)
}
