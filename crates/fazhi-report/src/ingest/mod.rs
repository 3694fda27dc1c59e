//! Ingest: bytes of a report file → text blocks with structure hints.
//!
//! Every format ends in [`Ingested`]; nothing here knows about report structure beyond
//! what the file itself says (a Word heading style, automatic numbering, a table row).

use crate::{Error, Result};
use std::path::Path;

mod docx;
mod html;
mod numbering;
pub mod pdf;
/// Fixture builders for tests; compiled only with the `testkit` feature (enabled by the
/// dev-dependencies of the crates whose tests use it), never in the production library.
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
mod text;

pub use pdf::pdftotext_available;

/// Explicit size limits; an error names the limit that was hit.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Size of the file as stored.
    pub max_file_bytes: u64,
    /// Characters of text after decoding/extraction.
    pub max_text_chars: usize,
    /// Total uncompressed size of the parts read from a .docx (`word/document.xml`,
    /// `word/styles.xml`, `word/numbering.xml`; images and other parts are never inflated),
    /// counted in real bytes while inflating: the zip-bomb guard. Default
    /// [`DEFAULT_MAX_DOCX_UNCOMPRESSED`] (64 MB).
    pub max_docx_uncompressed: u64,
    /// Pages read from a PDF.
    pub max_pdf_pages: usize,
    /// Total decompressed size of a PDF's non-image streams (flate-bomb guard).
    pub max_pdf_uncompressed: u64,
    /// Wall-clock seconds a PDF extraction may take before its process is killed (its CPU
    /// time is limited to a second more).
    pub pdf_timeout_secs: u64,
    /// Address space of the PDF extraction process, bytes. Default
    /// [`DEFAULT_MAX_PDF_MEMORY`] (1 GiB).
    pub max_pdf_memory: u64,
}

/// The default of [`Limits::max_pdf_memory`]: 1 GiB of address space, of which the
/// extraction thread's stack reserves 256 MB. Reading a report-sized PDF (a few MB, under
/// the 200 MB inflated-size limit) takes well under that; a file that needs more is not a
/// report.
pub const DEFAULT_MAX_PDF_MEMORY: u64 = 1 << 30;

/// The default of [`Limits::max_docx_uncompressed`]: 64 MB.
///
/// A county's or a department's annual report is a few thousand characters (the five
/// reports of the shared corpus have 2,100–3,700) and rarely more than 30,000; even with
/// Word's markup (run properties, revision ids, tables: a few hundred bytes per run) its
/// `document.xml` stays under 5 MB. 64 MB is over ten times that. It used to be 200 MB,
/// which DEFLATE's ratio of about 1,000:1 lets a forged upload of 200 KB inflate to.
pub const DEFAULT_MAX_DOCX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_text_chars: 5_000_000,
            max_docx_uncompressed: DEFAULT_MAX_DOCX_UNCOMPRESSED,
            max_pdf_pages: 500,
            max_pdf_uncompressed: 200 * 1024 * 1024,
            pdf_timeout_secs: 30,
            max_pdf_memory: DEFAULT_MAX_PDF_MEMORY,
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Plain text or markdown, with the encoding it was decoded from (UTF-8, UTF-16LE, GB18030 …).
    Text {
        #[serde(deserialize_with = "crate::intern::de")]
        encoding: crate::intern::StaticStr,
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
///
/// Dispatch: ZIP with `word/document.xml` → docx; `%PDF-` → PDF; OLE2 (legacy Word/WPS) or a
/// `.doc`/`.wps`/`.et` name → [`Error::LegacyWord`]; other ZIPs and known binary formats →
/// [`Error::Unsupported`]; `.html`/`.htm` or content starting like HTML → HTML; otherwise
/// text with encoding detection.
pub fn ingest_bytes(name: &str, bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Error::TooLarge {
            limit_name: "文件大小",
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let ext = extension(name);
    match sniff(bytes, &ext) {
        Sniffed::Zip => {
            return match docx::classify_zip(bytes) {
                docx::ZipKind::Docx => docx::ingest_docx(bytes, limits),
                docx::ZipKind::Other if ext == "docx" => Err(Error::Docx(
                    "压缩包中没有 word/document.xml，这不是 Word 文档：请在 Word 或 WPS 中打开后重新“另存为” .docx 再上传".into(),
                )),
                docx::ZipKind::Other => Err(Error::Unsupported(describe_ext(&ext, "ZIP 压缩包"))),
                docx::ZipKind::Corrupt
                    if ext == "docx" || memchr::memmem::find(bytes, b"word/").is_some() =>
                {
                    Err(Error::Docx(
                        "文件已损坏或不完整（无法读取压缩包目录）：请在 Word 或 WPS 中打开后重新“另存为” .docx 再上传".into(),
                    ))
                }
                docx::ZipKind::Corrupt => Err(Error::Unsupported(describe_ext(&ext, "ZIP 压缩包"))),
            }
        }
        Sniffed::Pdf => return pdf::ingest_pdf(bytes, limits),
        Sniffed::LegacyOffice => {
            return Err(Error::LegacyWord {
                ext: if ext.is_empty() { "doc".into() } else { ext },
            })
        }
        Sniffed::Rtf => {
            return Err(Error::LegacyWord {
                ext: if ext.is_empty() { "rtf".into() } else { ext },
            })
        }
        Sniffed::Binary(what) => return Err(Error::Unsupported(what.into())),
        Sniffed::Unknown => {}
    }
    if matches!(ext.as_str(), "doc" | "wps" | "et" | "dot" | "wpt" | "rtf") {
        return Err(Error::LegacyWord { ext });
    }
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(Error::Encoding) => {
            return Err(match ext.as_str() {
                "docx" => Error::Docx(
                    "文件不是有效的 .docx（不是 ZIP 压缩包，可能已损坏或只是改了扩展名）：请在 Word 或 WPS 中打开后重新“另存为” .docx 再上传".into(),
                ),
                "pdf" => Error::Pdf(
                    "文件不是有效的 PDF（缺少 %PDF 文件头，可能已损坏或只是改了扩展名）：请重新导出 PDF，或提供原始 .docx 文件".into(),
                ),
                _ => Error::Encoding,
            })
        }
        Err(e) => return Err(e),
    };
    if matches!(ext.as_str(), "html" | "htm" | "xhtml" | "shtml")
        || html::looks_like_html(&decoded.text)
    {
        return html::ingest_html(&decoded.text, limits);
    }
    text::from_decoded(&decoded, limits)
}

/// Lower-case extension of a file name, without the dot ("" if none).
fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 8 => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn describe_ext(ext: &str, what: &str) -> String {
    if ext.is_empty() {
        what.to_string()
    } else {
        format!(".{ext}（{what}）")
    }
}

enum Sniffed {
    Zip,
    Pdf,
    LegacyOffice,
    Rtf,
    Binary(&'static str),
    Unknown,
}

/// Content sniffing by magic numbers.
fn sniff(b: &[u8], ext: &str) -> Sniffed {
    const BINARY: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
        (b"\xFF\xD8\xFF", "JPEG 图片"),
        (b"GIF87a", "GIF 图片"),
        (b"GIF89a", "GIF 图片"),
        (b"II*\x00", "TIFF 图片"),
        (b"MM\x00*", "TIFF 图片"),
        (b"\x7FELF", "可执行程序"),
        (b"MZ\x90\x00", "可执行程序"),
        (b"\xCA\xFE\xBA\xBE", "可执行程序"),
        (b"\xCF\xFA\xED\xFE", "可执行程序"),
        (b"\x00asm", "可执行程序"),
        (b"Rar!\x1A\x07", "RAR 压缩包"),
        (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
        (b"\x1F\x8B", "gzip 压缩包"),
        (b"\xFD7zXZ\x00", "xz 压缩包"),
        (b"SQLite format 3\x00", "SQLite 数据库"),
        (b"OggS", "音频"),
        (b"fLaC", "音频"),
        (b"\x1A\x45\xDF\xA3", "视频"),
        (b"AT&TFORM", "DjVu 文档"),
        (b"%!PS", "PostScript 文档"),
        (b"8BPS", "Photoshop 图片"),
    ];
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") || b.starts_with(b"PK\x07\x08")
    {
        return Sniffed::Zip;
    }
    // The PDF header may follow some junk within the first KiB (trusted for a .pdf name).
    if b.starts_with(b"%PDF-")
        || (ext == "pdf" && memchr::memmem::find(&b[..b.len().min(1024)], b"%PDF-").is_some())
    {
        return Sniffed::Pdf;
    }
    if b.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Sniffed::LegacyOffice;
    }
    if b.starts_with(b"{\\rtf") {
        return Sniffed::Rtf;
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" {
        return Sniffed::Binary(match &b[8..12] {
            b"WEBP" => "WebP 图片",
            b"WAVE" => "音频",
            b"AVI " => "视频",
            _ => "二进制文件",
        });
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Sniffed::Binary(match &b[8..12] {
            b"heic" | b"heix" | b"mif1" | b"avif" => "图片",
            _ => "视频",
        });
    }
    if b.len() >= 2 && b.starts_with(b"BM") && b.len() >= 14 && b[6..10] == [0, 0, 0, 0] {
        return Sniffed::Binary("BMP 图片");
    }
    if b.len() >= 10 && b.starts_with(b"BZh") && b[4..10] == *b"\x31\x41\x59\x26\x53\x59" {
        return Sniffed::Binary("bzip2 压缩包");
    }
    if b.len() >= 10 && b.starts_with(b"ID3") && b[3] < 5 && b[4] == 0 {
        return Sniffed::Binary("音频");
    }
    for (magic, what) in BINARY {
        if b.starts_with(magic) {
            return Sniffed::Binary(what);
        }
    }
    Sniffed::Unknown
}
