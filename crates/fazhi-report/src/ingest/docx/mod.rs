//! .docx read directly from the zip: `word/document.xml` in body order, heading styles from
//! `word/styles.xml`, automatic numbering from `word/numbering.xml`.
//!
//! Safety: every part read is bounded by `Limits::max_docx_uncompressed` (64 MB by default;
//! the declared size checked first, the actual bytes counted while inflating, so a part
//! whose headers declare 1,000 bytes and that inflates to 1 GB is refused at the limit);
//! corrupt zips and bad XML are `Error::Docx`, never a panic.
//!
//! Single XML events need no bound of their own here, unlike in an XLSX (fazhi-sheet
//! lexes every part for calamine): the parts are read whole within that limit and parsed
//! from the slice (`NsReader<&[u8]>`), so quick-xml hands out borrowed events and buffers
//! nothing; the longest text node costs at most one copy of itself when unescaped, and the
//! text extracted, never more than the part, is checked against `Limits::max_text_chars`.

use super::numbering::{Counters, Numbering};
use super::{Hint, Ingested, Layout, Limits, RawBlock};
use crate::{Error, Result};
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::collections::HashMap;
use std::io::{Cursor, Read};

mod body;
mod styles;

use body::*;
use styles::*;

const W_NS: &[u8] = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_NS_STRICT: &[u8] = b"http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

const DOCUMENT: &str = "word/document.xml";
const STYLES: &str = "word/styles.xml";
const NUMBERING: &str = "word/numbering.xml";

const RESAVE: &str = "请在 Word 或 WPS 中打开后重新“另存为” .docx 再上传";

/// What a ZIP file is, for dispatch.
pub(super) enum ZipKind {
    Docx,
    /// A readable zip that is not a Word document (xlsx, pptx, odt, plain archive …).
    Other,
    /// The zip directory cannot be read (truncated or corrupt).
    Corrupt,
}

pub(super) fn classify_zip(bytes: &[u8]) -> ZipKind {
    let res = std::panic::catch_unwind(|| match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => {
            if a.index_for_name(DOCUMENT).is_some() {
                ZipKind::Docx
            } else {
                ZipKind::Other
            }
        }
        Err(_) => ZipKind::Corrupt,
    });
    res.unwrap_or(ZipKind::Corrupt)
}

pub(super) fn ingest_docx(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    std::panic::catch_unwind(|| ingest_inner(bytes, limits))
        .unwrap_or_else(|_| Err(Error::Docx(format!("文件结构异常，无法解析：{RESAVE}"))))
}

fn ingest_inner(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        Error::Docx(format!(
            "文件已损坏或不完整（无法读取压缩包目录）：{RESAVE}"
        ))
    })?;
    let mut parts = Parts {
        archive,
        used: 0,
        limit: limits.max_docx_uncompressed,
    };
    let document = parts.read(DOCUMENT)?.ok_or_else(|| {
        Error::Docx(format!(
            "压缩包中没有 {DOCUMENT}，这不是 Word 文档：{RESAVE}"
        ))
    })?;
    let styles = match parts.read(STYLES)? {
        Some(x) => Styles::parse(&x).map_err(|e| xml_error(STYLES, &e))?,
        None => Styles::default(),
    };
    let numbering = match parts.read(NUMBERING)? {
        Some(x) => Numbering::parse(&x).map_err(|e| xml_error(NUMBERING, &e))?,
        None => Numbering::default(),
    };
    let blocks = Body::new(&styles, &numbering)
        .run(&document)
        .map_err(|e| xml_error(DOCUMENT, &e))?;
    if blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(Error::Empty);
    }
    let chars: usize = blocks.iter().map(|b| b.text.chars().count()).sum();
    if chars > limits.max_text_chars {
        return Err(super::text::too_many_chars(chars, limits));
    }
    Ok(Ingested {
        format: super::Format::Docx,
        layout: Layout::Paragraphs,
        blocks,
    })
}

fn xml_error(part: &str, detail: &str) -> Error {
    Error::Docx(format!(
        "{part} 的 XML 结构有误（{detail}），文件可能已损坏：{RESAVE}"
    ))
}

/// Reads zip entries within a shared uncompressed-size budget.
struct Parts<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    used: u64,
    limit: u64,
}

fn too_large(size: u64, limit: u64) -> Error {
    Error::TooLarge {
        limit_name: "docx 解压后大小",
        size,
        limit,
    }
}

impl Parts<'_> {
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let mut file = match self.archive.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(_)) => {
                return Err(Error::Docx(format!(
                    "{name} 使用了不支持的压缩方式或已加密：请取消文档密码保护，{RESAVE}"
                )))
            }
            Err(_) => return Err(Error::Docx(format!("{name} 已损坏或不完整：{RESAVE}"))),
        };
        if file.encrypted() {
            return Err(Error::Docx(format!("文档已加密：请取消密码保护后{RESAVE}")));
        }
        let declared = file.size();
        let remaining = self.limit.saturating_sub(self.used);
        if declared > remaining {
            return Err(too_large(self.used.saturating_add(declared), self.limit));
        }
        let mut buf = Vec::with_capacity(declared.min(16 << 20) as usize);
        // Count the bytes actually inflated: the declared size may lie.
        let read = (&mut file)
            .take(remaining.saturating_add(1))
            .read_to_end(&mut buf);
        if buf.len() as u64 > remaining {
            return Err(too_large(
                self.used.saturating_add(buf.len() as u64),
                self.limit,
            ));
        }
        if read.is_err() {
            return Err(Error::Docx(format!(
                "{name} 解压失败，文件已损坏或不完整：{RESAVE}"
            )));
        }
        self.used += buf.len() as u64;
        Ok(Some(buf))
    }
}

// ---------------------------------------------------------------------------------------
// XML helpers shared with numbering.rs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    W,
    Mc,
    Other,
}

pub(super) fn is_w(ns: &Ns) -> bool {
    *ns == Ns::W
}

pub(super) struct DocxXml<'i> {
    reader: NsReader<&'i [u8]>,
}

impl<'i> DocxXml<'i> {
    pub(super) fn new(xml: &'i [u8]) -> std::result::Result<Self, String> {
        let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
        if xml.starts_with(b"\xFF\xFE") || xml.starts_with(b"\xFE\xFF") {
            return Err("使用了不支持的 UTF-16 编码".into());
        }
        let mut reader = NsReader::from_reader(xml);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        Ok(DocxXml { reader })
    }

    pub(super) fn next(&mut self) -> std::result::Result<(Ns, Event<'i>), String> {
        match self.reader.read_resolved_event() {
            Ok((ns, ev)) => {
                let ns = match ns {
                    ResolveResult::Bound(n) if n.as_ref() == W_NS || n.as_ref() == W_NS_STRICT => {
                        Ns::W
                    }
                    ResolveResult::Bound(n) if n.as_ref() == MC_NS => Ns::Mc,
                    // Some generators forget the declarations: trust the usual prefixes.
                    ResolveResult::Unknown(p) if p == b"w" => Ns::W,
                    ResolveResult::Unknown(p) if p == b"mc" => Ns::Mc,
                    _ => Ns::Other,
                };
                Ok((ns, ev))
            }
            Err(_) => Err(format!("第 {} 字节附近", self.reader.error_position())),
        }
    }

    /// The next start, empty or end tag with its namespace, passing over text and the rest;
    /// `None` at the end of the part. For the readers that only look at elements.
    pub(super) fn next_tag(&mut self) -> std::result::Result<Option<(Ns, Tag<'i>)>, String> {
        loop {
            let (ns, ev) = self.next()?;
            let tag = match ev {
                Event::Start(e) => Tag::Open(e, false),
                Event::Empty(e) => Tag::Open(e, true),
                Event::End(e) => Tag::Close(e),
                Event::Eof => return Ok(None),
                _ => continue,
            };
            return Ok(Some((ns, tag)));
        }
    }
}

/// An element's tag, as [`DocxXml::next_tag`] gives it.
pub(super) enum Tag<'i> {
    /// A start tag, or an empty element (`true`).
    Open(BytesStart<'i>, bool),
    Close(BytesEnd<'i>),
}

/// Value of the attribute with local name `local` (namespace ignored: on w: elements every
/// attribute is in the w: namespace).
pub(super) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
    })
}

pub(super) fn parse_int(v: &str) -> Option<i64> {
    v.trim().parse().ok()
}

/// OOXML on/off value: absent means on.
pub(super) fn parse_bool(v: Option<&str>) -> bool {
    !matches!(v, Some("0" | "false" | "off" | "none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        assert_eq!(heading_from_name("heading 1"), Some(1));
        assert_eq!(heading_from_name("Heading 2"), Some(2));
        assert_eq!(heading_from_name("标题 3"), Some(3));
        assert_eq!(heading_from_name("标题1"), Some(1));
        assert_eq!(heading_from_name("标题 １"), Some(1));
        assert_eq!(heading_from_name("Heading1"), Some(1));
        assert_eq!(heading_from_name("标题"), None);
        assert_eq!(heading_from_name("Normal"), None);
    }

    #[test]
    fn bad_xml_is_an_error_not_a_panic() {
        let styles = Styles::default();
        let numbering = Numbering::default();
        for xml in [
            &b"<w:document xmlns:w=\"x\"><w:body><w:p></w:body>"[..],
            b"<a><b></a>",
            b"\xFF\xFE<\x00",
            b"<w:t>&bogus;</w:t>",
        ] {
            let _ = Body::new(&styles, &numbering).run(xml);
        }
        assert!(Body::new(&styles, &numbering).run(b"<a><b></a>").is_err());
    }
}
