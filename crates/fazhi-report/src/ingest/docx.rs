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
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::collections::HashMap;
use std::io::{Cursor, Read};

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

// ---------------------------------------------------------------------------------------
// styles.xml
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct StyleDef {
    name: Option<String>,
    based_on: Option<String>,
    outline: Option<u8>,
    num_id: Option<i64>,
    ilvl: Option<u8>,
}

#[derive(Debug, Default)]
struct Styles {
    map: HashMap<String, StyleDef>,
    default_paragraph: Option<String>,
}

impl Styles {
    fn parse(xml: &[u8]) -> std::result::Result<Styles, String> {
        let mut s = Styles::default();
        let mut r = DocxXml::new(xml)?;
        let mut cur: Option<(String, StyleDef)> = None;
        // Depth of skipped subtrees (rPr, tblPr, *Change …) inside a style.
        let mut skip = 0usize;
        let mut in_ppr = false;
        let mut in_numpr = false;
        loop {
            let (ns, ev) = r.next()?;
            let (e, empty) = match &ev {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    if !is_w(&ns) {
                        continue;
                    }
                    match e.local_name().as_ref() {
                        b"style" => {
                            if let Some((id, def)) = cur.take() {
                                s.map.insert(id, def);
                            }
                            in_ppr = false;
                        }
                        b"pPr" => in_ppr = false,
                        b"numPr" => in_numpr = false,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            if skip > 0 {
                if !empty {
                    skip += 1;
                }
                continue;
            }
            if !is_w(&ns) {
                continue;
            }
            let local = e.local_name();
            let local = local.as_ref();
            if cur.is_none() {
                if local == b"style" && !empty {
                    let id = attr(e, b"styleId").unwrap_or_default();
                    let is_para = attr(e, b"type").as_deref().is_none_or(|t| t == "paragraph");
                    let is_default =
                        matches!(attr(e, b"default").as_deref(), Some("1" | "true" | "on"));
                    if is_para && is_default {
                        s.default_paragraph = Some(id.clone());
                    }
                    cur = Some((id, StyleDef::default()));
                } else if !empty && local != b"styles" {
                    // docDefaults, latentStyles …
                    skip = 1;
                }
                continue;
            }
            let Some((_, def)) = cur.as_mut() else {
                continue;
            };
            match local {
                b"name" => def.name = attr(e, b"val"),
                b"basedOn" => def.based_on = attr(e, b"val"),
                b"pPr" if !empty => in_ppr = true,
                b"numPr" if in_ppr && !empty => in_numpr = true,
                b"numId" if in_numpr => def.num_id = attr(e, b"val").and_then(|v| parse_int(&v)),
                b"ilvl" if in_numpr => {
                    def.ilvl = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 8) as u8)
                }
                b"outlineLvl" if in_ppr => {
                    def.outline = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 9) as u8)
                }
                _ if !empty
                    && (local.ends_with(b"Change")
                        || local == b"rPr"
                        || local.starts_with(b"tbl")
                        || local == b"trPr"
                        || local == b"tcPr") =>
                {
                    skip = 1;
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// Styles from `id` up the `w:basedOn` chain (cycle-safe).
    fn chain<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s StyleDef> + 's {
        let mut next = Some(id);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let id = next?;
            steps += 1;
            if steps > 32 {
                return None;
            }
            let def = self.map.get(id)?;
            next = def.based_on.as_deref();
            Some(def)
        })
    }

    fn heading_level(&self, id: &str) -> Option<u8> {
        let own_name = self.map.get(id).and_then(|d| d.name.as_deref());
        if let Some(level) = own_name.and_then(heading_from_name) {
            return Some(level);
        }
        if !self.map.contains_key(id) {
            if let Some(level) = heading_from_name(id) {
                return Some(level);
            }
        }
        for def in self.chain(id) {
            if let Some(o) = def.outline {
                return (o < 9).then_some(o + 1);
            }
        }
        None
    }

    /// Numbering a paragraph style carries (`w:numPr` in the style or a style it is based on).
    fn numbering(&self, id: &str) -> Option<(i64, Option<u8>)> {
        let mut ilvl = None;
        for def in self.chain(id) {
            if ilvl.is_none() {
                ilvl = def.ilvl;
            }
            if let Some(n) = def.num_id {
                return Some((n, ilvl));
            }
        }
        None
    }
}

/// "heading 1", "Heading1", "标题 1", "标题1", "标题１" → 1.
fn heading_from_name(name: &str) -> Option<u8> {
    let compact: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let rest = compact
        .strip_prefix("heading")
        .or_else(|| compact.strip_prefix("标题"))?;
    match rest.as_bytes() {
        [d @ b'1'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// document.xml
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    NumPr,
    R,
    RPr,
    T,
    Other,
}

#[derive(Default)]
struct Para {
    text: String,
    /// Byte offsets in `text` where a page break (`w:br w:type="page"`) stood.
    breaks: Vec<usize>,
    style: Option<String>,
    num_id: Option<i64>,
    ilvl: Option<u8>,
    outline: Option<u8>,
    page_break_before: bool,
}

#[derive(Default)]
struct Table {
    row: Option<Vec<String>>,
    cell: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
struct StyleInfo {
    heading: Option<u8>,
    numbering: Option<(i64, Option<u8>)>,
}

struct Body<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    counters: Counters,
    blocks: Vec<RawBlock>,
    stack: Vec<Tag>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    hidden: Vec<bool>,
    style_cache: Option<(String, StyleInfo)>,
}

impl<'a> Body<'a> {
    fn new(styles: &'a Styles, numbering: &'a Numbering) -> Self {
        Body {
            styles,
            numbering,
            counters: Counters::default(),
            blocks: Vec::new(),
            stack: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            hidden: Vec::new(),
            style_cache: None,
        }
    }

    fn top(&self) -> Option<Tag> {
        self.stack.last().copied()
    }

    fn run(mut self, xml: &[u8]) -> std::result::Result<Vec<RawBlock>, String> {
        let mut r = DocxXml::new(xml)?;
        // Depth inside a skipped subtree (deleted text, tracked-change records, fallbacks …).
        let mut skip = 0usize;
        loop {
            let (ns, ev) = r.next()?;
            match ev {
                Event::Start(e) => {
                    if skip > 0 {
                        skip += 1;
                        continue;
                    }
                    if skipped(ns, e.local_name().as_ref(), self.top()) {
                        skip = 1;
                        continue;
                    }
                    let tag = self.start(ns, &e, false);
                    self.stack.push(tag);
                }
                Event::Empty(e) => {
                    if skip > 0 || skipped(ns, e.local_name().as_ref(), self.top()) {
                        continue;
                    }
                    self.start(ns, &e, true);
                }
                Event::End(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    self.stack.pop();
                    if ns == Ns::W {
                        self.end(e.local_name().as_ref());
                    }
                }
                Event::Text(t) if skip == 0 && self.top() == Some(Tag::T) && !self.is_hidden() => {
                    let s = match t.unescape() {
                        Ok(s) => s,
                        Err(_) => String::from_utf8_lossy(&t).into_owned().into(),
                    };
                    if let Some(p) = self.paras.last_mut() {
                        p.text.push_str(&s);
                    }
                }
                Event::CData(t) if skip == 0 && self.top() == Some(Tag::T) && !self.is_hidden() => {
                    if let Some(p) = self.paras.last_mut() {
                        p.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        while self
            .blocks
            .last()
            .is_some_and(|b| b.hint == Hint::PageBreak)
        {
            self.blocks.pop();
        }
        Ok(self.blocks)
    }

    fn is_hidden(&self) -> bool {
        self.hidden.last().copied().unwrap_or(false)
    }

    /// Handles an opening (or empty) element; returns its tag for the stack.
    fn start(&mut self, ns: Ns, e: &BytesStart<'_>, empty: bool) -> Tag {
        if ns != Ns::W {
            return Tag::Other;
        }
        let top = self.top();
        match e.local_name().as_ref() {
            b"p" if !empty => {
                self.paras.push(Para::default());
                return Tag::P;
            }
            b"pPr" if top == Some(Tag::P) => return Tag::PPr,
            b"pStyle" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, b"val");
                }
            }
            b"numPr" if top == Some(Tag::PPr) => return Tag::NumPr,
            b"numId" if top == Some(Tag::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, b"val").and_then(|v| parse_int(&v));
                }
            }
            b"ilvl" if top == Some(Tag::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 8) as u8);
                }
            }
            b"outlineLvl" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 9) as u8);
                }
            }
            b"pageBreakBefore" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.page_break_before = parse_bool(attr(e, b"val").as_deref());
                }
            }
            b"r" if !empty => {
                self.hidden.push(false);
                return Tag::R;
            }
            b"rPr" if top == Some(Tag::R) => return Tag::RPr,
            b"vanish" | b"specVanish" if top == Some(Tag::RPr) => {
                if let Some(h) = self.hidden.last_mut() {
                    *h = parse_bool(attr(e, b"val").as_deref());
                }
            }
            b"t" if top == Some(Tag::R) => return Tag::T,
            b"tab" | b"ptab" if top == Some(Tag::R) => self.push_text("\t"),
            b"br" if top == Some(Tag::R) => {
                if attr(e, b"type").as_deref() == Some("page") {
                    let hidden = self.is_hidden();
                    if let Some(p) = self.paras.last_mut().filter(|_| !hidden) {
                        p.breaks.push(p.text.len());
                    }
                } else {
                    self.push_text("\n");
                }
            }
            b"cr" if top == Some(Tag::R) => self.push_text("\n"),
            b"noBreakHyphen" if top == Some(Tag::R) => self.push_text("-"),
            b"tbl" if !empty => self.tables.push(Table::default()),
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Vec::new());
                    if empty {
                        t.row = None;
                    }
                }
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    if empty {
                        if let Some(row) = t.row.as_mut() {
                            row.push(String::new());
                        }
                    } else {
                        t.cell = Some(String::new());
                    }
                }
            }
            _ => {}
        }
        Tag::Other
    }

    fn push_text(&mut self, s: &str) {
        if self.is_hidden() {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn end(&mut self, local: &[u8]) {
        match local {
            b"p" => {
                if let Some(p) = self.paras.pop() {
                    self.finish_paragraph(p);
                }
            }
            b"r" => {
                self.hidden.pop();
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    let cell = t.cell.take().unwrap_or_default();
                    if let Some(row) = t.row.as_mut() {
                        row.push(cell);
                    }
                }
            }
            b"tr" => {
                let Some(cells) = self.tables.last_mut().and_then(|t| t.row.take()) else {
                    return;
                };
                if cells.iter().all(|c| c.trim().is_empty()) {
                    return;
                }
                let n = self.tables.len();
                if n >= 2 {
                    // Nested table: flatten its row into the enclosing cell.
                    let joined = cells
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(cell) = self.tables[n - 2].cell.as_mut() {
                        append_spaced(cell, &joined);
                    }
                } else {
                    self.blocks.push(RawBlock {
                        text: cells.join("\t"),
                        hint: Hint::TableRow,
                    });
                }
            }
            b"tbl" => {
                self.tables.pop();
            }
            _ => {}
        }
    }

    /// Heading level and numbering of a paragraph style (consecutive paragraphs mostly
    /// share one style, so the last answer is kept).
    fn style_info(&mut self, id: &str) -> StyleInfo {
        if let Some((cached, info)) = &self.style_cache {
            if cached == id {
                return *info;
            }
        }
        let info = StyleInfo {
            heading: self.styles.heading_level(id),
            numbering: self.styles.numbering(id),
        };
        self.style_cache = Some((id.to_owned(), info));
        info
    }

    fn finish_paragraph(&mut self, p: Para) {
        let style = p
            .style
            .as_deref()
            .or(self.styles.default_paragraph.as_deref());
        let styles = self.styles;
        let info = style.map(|s| self.style_info(s)).unwrap_or_default();
        let style_num = |s: &str| styles.numbering(s).map(|(n, _)| n);
        let from_style = info.numbering;
        let num_id = p.num_id.or(from_style.map(|(n, _)| n));
        let label = num_id.and_then(|num_id| {
            let ilvl = p
                .ilvl
                .or(from_style.and_then(|(_, l)| l))
                .or_else(|| {
                    // Numbering from the style: the level that links back to it.
                    let s = style.filter(|_| p.num_id.is_none())?;
                    self.numbering.level_for_style(num_id, s, &style_num)
                })
                .unwrap_or(0);
            self.numbering
                .next_label(&mut self.counters, num_id, ilvl, &style_num)
        });
        let heading = match p.outline {
            Some(o) if o < 9 => Some(o + 1),
            Some(_) => None,
            None => info.heading,
        };
        let label = label.unwrap_or_default();

        // Inside a table cell: everything joins the cell's text.
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            let mut text = label;
            text.push_str(&p.text);
            append_spaced(cell, text.trim());
            return;
        }
        if p.page_break_before {
            self.page_break();
        }
        let hint = heading.map_or(Hint::None, Hint::Heading);
        let mut first = true;
        let mut last = 0;
        let segments = p
            .breaks
            .iter()
            .map(|&b| (b, true))
            .chain(std::iter::once((p.text.len(), false)));
        for (end, is_break) in segments {
            let seg = p.text.get(last..end).unwrap_or("");
            if !seg.trim().is_empty() {
                let mut text = String::with_capacity(label.len() + seg.len());
                if first {
                    text.push_str(&label);
                }
                text.push_str(seg);
                self.blocks.push(RawBlock {
                    text,
                    hint: if first { hint } else { Hint::None },
                });
                first = false;
            }
            if is_break {
                self.page_break();
            }
            last = end;
        }
    }

    fn page_break(&mut self) {
        if self
            .blocks
            .last()
            .is_some_and(|b| b.hint != Hint::PageBreak)
        {
            self.blocks.push(RawBlock {
                text: String::new(),
                hint: Hint::PageBreak,
            });
        }
    }
}

fn append_spaced(buf: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !buf.is_empty() {
        buf.push(' ');
    }
    buf.push_str(s);
}

/// Subtrees whose text must not be read.
fn skipped(ns: Ns, local: &[u8], top: Option<Tag>) -> bool {
    match ns {
        Ns::Mc => local == b"Fallback",
        Ns::W => {
            matches!(
                local,
                b"del" | b"moveFrom" | b"sectPr" | b"sdtPr" | b"instrText" | b"delText"
                    | b"delInstrText" | b"tblPr" | b"tblGrid" | b"trPr" | b"tcPr"
            ) || local.ends_with(b"Change")
                // Run properties of the paragraph mark.
                || (local == b"rPr" && top == Some(Tag::PPr))
        }
        Ns::Other => false,
    }
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
