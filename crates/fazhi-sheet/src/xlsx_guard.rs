//! The pre-pass of an XLSX file, before the workbook parser (calamine) sees it: every ZIP
//! entry, by index over the central directory, is inflated once through a counting loop with
//! a fixed buffer, so memory stays O(buffer) whatever the part holds.
//!
//! - The real inflated bytes of each part and of all parts together are counted as they come
//!   and the file is refused as soon as either passes its limit
//!   ([`Limits::max_inflated_part_bytes`], [`Limits::max_inflated_bytes`]). The sizes the ZIP
//!   declares are checked first (a cheap refusal of an honest bomb) but never trusted: a
//!   forged workbook declares 5,000 bytes for a part that inflates to 1.5 GB.
//! - Every XML part (`.xml`, `.rels`) is lexed as quick-xml — calamine's XML reader — would
//!   split it into events, and refused when one event would be long: a text node (the bytes
//!   between two tags, or a comment or CDATA section) over [`xml_text_limit`], a tag (or
//!   processing instruction, or DOCTYPE) over [`MAX_XML_TAG_BYTES`]. quick-xml buffers an
//!   event whole, so without this a part of whitespace inside `<sheetData>` is held in memory
//!   in one piece (and once more by the parser).

use crate::error::{INFLATED_PART, INFLATED_TOTAL, XML_TAG, XML_TEXT};
use crate::{Limits, SheetError};
use std::io::{Cursor, Read};

/// The longest tag of an XLSX part, attributes included: 256 KB. A worksheet's tags are a
/// few dozen bytes (`<c r="B2" s="3" t="s">`); the long ones are range lists (`sqref`) of
/// data validations and conditional formats, which grow as a person copies cells around,
/// and the namespace declarations of a root element: kilobytes, not hundreds of them.
pub const MAX_XML_TAG_BYTES: usize = 256 * 1024;

/// The least [`xml_text_limit`]: 256 KB.
pub const MIN_XML_TEXT_BYTES: usize = 256 * 1024;

/// The longest text node of an XLSX part, derived from [`Limits::max_cell_chars`]: 8 bytes per
/// character (UTF-8 takes at most 4; XML escaping at most 6, `&quot;`, or 7 for a control
/// character written `_x0001_`), and at least [`MIN_XML_TEXT_BYTES`], which is also the
/// default's bound (10,000 characters × 8 = 80,000 bytes). The shared strings hold the cells
/// of every sheet, and Excel's own cell limit is 32,767 characters (× 8 = 256 KB), so a
/// workbook with a long cell on another sheet still opens and the long cell of the sheet
/// read is refused by name (第 n 行第 m 列内容过长).
pub fn xml_text_limit(limits: &Limits) -> usize {
    limits
        .max_cell_chars
        .saturating_mul(8)
        .max(MIN_XML_TEXT_BYTES)
}

/// Bytes inflated at a time.
const BUFFER: usize = 64 * 1024;

/// Inflates every part of `bytes` within `limits`, or answers which limit a part passed.
pub(crate) fn check_workbook(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| SheetError::Xlsx("不是有效的 .xlsx 文件（ZIP 结构无法识别）".to_string()))?;
    let part_limit = limits.max_inflated_part_bytes;
    let total_limit = limits.max_inflated_bytes;

    // As declared: refused before anything is inflated.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| corrupt())?;
        if entry.size() > part_limit {
            return Err(SheetError::Inflated {
                part: describe_part(entry.name()),
                limit_name: INFLATED_PART,
                limit: part_limit,
            });
        }
        declared = declared.saturating_add(entry.size());
        if declared > total_limit {
            return Err(SheetError::Inflated {
                part: "压缩包声明的各部件大小合计".to_string(),
                limit_name: INFLATED_TOTAL,
                limit: total_limit,
            });
        }
    }

    // As inflated: every byte counted.
    let text_limit = xml_text_limit(limits);
    let mut buf = vec![0u8; BUFFER];
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => SheetError::Xlsx(
                "文件使用了不支持的压缩方式或已加密，请在 Excel 中取消密码保护后另存为 .xlsx"
                    .to_string(),
            ),
            _ => corrupt(),
        })?;
        let name = entry.name().to_string();
        let mut lexer = is_xml(&name).then(|| XmlLexer::new(text_limit, MAX_XML_TAG_BYTES));
        let mut part: u64 = 0;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(corrupt()),
            };
            part += n as u64;
            total += n as u64;
            if part > part_limit {
                return Err(SheetError::Inflated {
                    part: describe_part(&name),
                    limit_name: INFLATED_PART,
                    limit: part_limit,
                });
            }
            if total > total_limit {
                return Err(SheetError::Inflated {
                    part: format!("全部部件合计（解压至{} 时）", describe_part(&name)),
                    limit_name: INFLATED_TOTAL,
                    limit: total_limit,
                });
            }
            if let Some(lexer) = lexer.as_mut() {
                lexer.feed(&buf[..n]).map_err(|long| {
                    let (what, limit) = match long {
                        Overlong::Text => (XML_TEXT, text_limit),
                        Overlong::Tag => (XML_TAG, MAX_XML_TAG_BYTES),
                    };
                    SheetError::XmlTooLong {
                        part: describe_part(&name),
                        what,
                        limit: limit as u64,
                    }
                })?;
            }
        }
    }
    Ok(())
}

fn corrupt() -> SheetError {
    SheetError::Xlsx("文件内部结构已损坏".to_string())
}

/// Parts the workbook parser reads as XML.
fn is_xml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels")
}

/// A part as a message names it: what it is and its path (the path is the uploader's text:
/// control characters dropped, at most 80 characters).
fn describe_part(name: &str) -> String {
    let mut shown: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
    if name.chars().filter(|c| !c.is_control()).nth(80).is_some() {
        shown.push('…');
    }
    let lower = name.to_ascii_lowercase();
    let what = if lower.starts_with("xl/worksheets/") {
        "工作表"
    } else if lower == "xl/sharedstrings.xml" {
        "共享字符串表"
    } else if lower == "xl/styles.xml" {
        "样式表"
    } else {
        "部件"
    };
    format!("{what} {shown}")
}

/// Which event was too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overlong {
    Text,
    Tag,
}

/// Where the lexer is, as quick-xml 0.38's reader would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Between tags (quick-xml: until the next `<`).
    Text,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// A start or end tag, inside quotes when the byte is `"` or `'` (quick-xml's
    /// `ElementParser` ends a tag at the first `>` outside quotes).
    Element(u8),
    /// `<!-…` until `-->`.
    Comment,
    /// `<![…` until `]]>`.
    CData,
    /// `<!D…` until the `>` that balances the `<`s within.
    DocType(u32),
    /// `<?…` until `?>`.
    Pi,
}

/// Measures the events of an XML stream fed in chunks: the bytes since the current event
/// began, refused once over its limit.
pub(crate) struct XmlLexer {
    state: Lex,
    /// Bytes of the current event so far (for markup: those after its `<`).
    run: usize,
    /// The two bytes before the current one, within the current markup.
    last: [u8; 2],
    text_limit: usize,
    tag_limit: usize,
}

impl XmlLexer {
    pub(crate) fn new(text_limit: usize, tag_limit: usize) -> Self {
        XmlLexer {
            state: Lex::Text,
            run: 0,
            last: [0; 2],
            text_limit,
            tag_limit,
        }
    }

    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), Overlong> {
        let mut i = 0;
        while i < chunk.len() {
            if self.state == Lex::Text {
                let rest = &chunk[i..];
                let (len, open) = match rest.iter().position(|&b| b == b'<') {
                    Some(p) => (p, true),
                    None => (rest.len(), false),
                };
                self.run += len;
                if self.run > self.text_limit {
                    return Err(Overlong::Text);
                }
                i += len;
                if open {
                    i += 1;
                    self.begin(Lex::Open);
                }
                continue;
            }
            let b = chunk[i];
            i += 1;
            self.run += 1;
            let (limit, over) = match self.state {
                Lex::Comment | Lex::CData => (self.text_limit, Overlong::Text),
                _ => (self.tag_limit, Overlong::Tag),
            };
            if self.run > limit {
                return Err(over);
            }
            self.step(b);
            self.last = [self.last[1], b];
        }
        Ok(())
    }

    fn begin(&mut self, state: Lex) {
        self.state = state;
        self.run = 0;
        self.last = [0; 2];
    }

    /// One byte of markup.
    fn step(&mut self, b: u8) {
        let end = |lexer: &mut XmlLexer| lexer.begin(Lex::Text);
        match self.state {
            Lex::Text => {}
            Lex::Open => match b {
                b'!' => self.state = Lex::Bang,
                b'?' => self.state = Lex::Pi,
                _ => {
                    self.state = Lex::Element(0);
                    self.element(b);
                }
            },
            Lex::Bang => {
                self.state = match b {
                    b'[' => Lex::CData,
                    b'-' => Lex::Comment,
                    b'D' | b'd' => Lex::DocType(0),
                    // quick-xml refuses the markup; bounded as a tag until it ends.
                    _ => Lex::Element(0),
                }
            }
            Lex::Element(_) => self.element(b),
            // `<!---->` is the shortest comment: its `>` is the 6th byte after `<`.
            Lex::Comment => {
                if b == b'>' && self.run > 5 && self.last == *b"--" {
                    end(self);
                }
            }
            Lex::CData => {
                if b == b'>' && self.last == *b"]]" {
                    end(self);
                }
            }
            Lex::DocType(depth) => match b {
                b'<' => self.state = Lex::DocType(depth + 1),
                b'>' if depth == 0 => end(self),
                b'>' => self.state = Lex::DocType(depth - 1),
                _ => {}
            },
            // The `?` of `<?` counts: `<?>` ends there, as in quick-xml.
            Lex::Pi => {
                if b == b'>' && self.last[1] == b'?' {
                    end(self);
                }
            }
        }
    }

    fn element(&mut self, b: u8) {
        let Lex::Element(quote) = self.state else {
            return;
        };
        match (quote, b) {
            (0, b'>') => self.begin(Lex::Text),
            (0, b'"' | b'\'') => self.state = Lex::Element(b),
            (q, b) if q != 0 && q == b => self.state = Lex::Element(0),
            _ => {}
        }
    }
}

/// Forged workbooks for tests: a real workbook with one part replaced and the sizes its ZIP
/// declares patched.
#[cfg(test)]
pub(crate) mod forge {
    use std::io::{Cursor, Write};

    pub(crate) const SHEET: &str = "xl/worksheets/sheet1.xml";
    pub(crate) const SHEET_HEAD: &str =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
        xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";

    /// A workbook as the platform exports it (one sheet “表”, a header and a row).
    pub(crate) fn workbook() -> Vec<u8> {
        crate::write_xlsx("表", &["名称"], &[vec!["青川市".to_string()]]).unwrap()
    }

    /// `xlsx` with the part `name` replaced by what `write` streams (deflated).
    pub(crate) fn replace_part(
        xlsx: &[u8],
        name: &str,
        write: impl FnOnce(&mut dyn Write),
    ) -> Vec<u8> {
        let mut src = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut write = Some(write);
        for i in 0..src.len() {
            let entry = src.by_index_raw(i).unwrap();
            if entry.name() == name {
                drop(entry);
                out.start_file(name, opts).unwrap();
                (write.take().unwrap())(&mut out);
            } else {
                out.raw_copy_file(entry).unwrap();
            }
        }
        out.finish().unwrap().into_inner()
    }

    /// Streams `bytes` of `fill` in chunks of 1 MB.
    pub(crate) fn stream(w: &mut dyn Write, fill: u8, bytes: usize) {
        let chunk = vec![fill; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len());
            w.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
    }

    /// Sets the uncompressed size of entry `name` to `size`, in its central directory record
    /// and in its local header (found from the central directory, not by searching).
    pub(crate) fn declare_size(zip: &mut [u8], name: &str, size: u32) {
        let u16_at = |z: &[u8], i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
        let u32_at =
            |z: &[u8], i: usize| u32::from_le_bytes([z[i], z[i + 1], z[i + 2], z[i + 3]]) as usize;
        let eocd = (0..=zip.len() - 22)
            .rev()
            .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))
            .expect("end of central directory");
        let entries = u16_at(zip, eocd + 10);
        let mut at = u32_at(zip, eocd + 16);
        let mut patched = false;
        for _ in 0..entries {
            assert!(zip[at..].starts_with(b"PK\x01\x02"));
            let name_len = u16_at(zip, at + 28);
            let extra = u16_at(zip, at + 30);
            let comment = u16_at(zip, at + 32);
            let local = u32_at(zip, at + 42);
            if &zip[at + 46..at + 46 + name_len] == name.as_bytes() {
                zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
                assert!(zip[local..].starts_with(b"PK\x03\x04"));
                zip[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
                patched = true;
            }
            at += 46 + name_len + extra + comment;
        }
        assert!(patched, "{name} not in the zip");
    }

    /// The inflated size of entry `name`, as the ZIP declares it.
    pub(crate) fn declared(zip: &[u8], name: &str) -> u64 {
        let mut z = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        let size = z.by_name(name).unwrap().size();
        size
    }
}

#[cfg(test)]
mod tests {
    use super::forge::*;
    use super::*;
    use crate::{read_xlsx, SheetError};
    use std::time::{Duration, Instant};

    /// The error of a read that must fail (without printing what it read otherwise).
    fn refused(r: Result<Vec<crate::Row>, SheetError>) -> SheetError {
        match r {
            Ok(rows) => panic!("read {} rows instead of refusing", rows.len()),
            Err(e) => e,
        }
    }

    /// The longest event of `xml` fed in chunks of `chunk` bytes, as (text, tag) limits that
    /// just pass.
    fn passes(xml: &[u8], text: usize, tag: usize, chunk: usize) -> Result<(), Overlong> {
        let mut lexer = XmlLexer::new(text, tag);
        for c in xml.chunks(chunk.max(1)) {
            lexer.feed(c)?;
        }
        Ok(())
    }

    #[test]
    fn text_and_tags_are_measured_across_chunks() {
        // Events: a processing instruction of 20 bytes after its `<`, a tag of 10, text of 5,
        // an end tag of 3, a comment of 13 and a CDATA section of 16.
        let xml = b"<?xml version=\"1.0\"?><a b=\"x>y\">hello</a><!-- c > d --><![CDATA[ <x> ]]>";
        for chunk in [1, 2, 3, 7, 100] {
            assert_eq!(passes(xml, 16, 20, chunk), Ok(()), "chunk {chunk}");
            assert_eq!(
                passes(xml, 15, 20, chunk),
                Err(Overlong::Text),
                "chunk {chunk}"
            );
            assert_eq!(
                passes(xml, 16, 19, chunk),
                Err(Overlong::Tag),
                "chunk {chunk}"
            );
            // The quoted `>` does not end the tag; the one after the quote does.
            assert_eq!(passes(b"<a b=\"x>y\">", 0, 9, chunk), Err(Overlong::Tag));
            assert_eq!(passes(b"<a b=\"x>y\"><b/>", 0, 10, chunk), Ok(()));
        }
        assert_eq!(passes(b"<a>12345</a>", 5, 5, 2), Ok(()));
        assert_eq!(passes(b"<a>123456</a>", 5, 5, 2), Err(Overlong::Text));
    }

    #[test]
    fn markup_that_hides_a_long_event_is_followed() {
        // A comment full of `<` and `>`: one event to quick-xml.
        let mut xml = b"<r><!--".to_vec();
        xml.extend(b"<a>".repeat(100));
        xml.extend_from_slice(b"--></r>");
        assert_eq!(passes(&xml, 200, 400, 5), Err(Overlong::Text));
        assert_eq!(passes(&xml, 400, 10, 5), Ok(()));
        // A tag whose quoted attribute holds `>`s.
        let mut xml = b"<r a=\"".to_vec();
        xml.extend(b"x>".repeat(100));
        xml.extend_from_slice(b"\"/>");
        assert_eq!(passes(&xml, 10, 150, 3), Err(Overlong::Tag));
        // A DOCTYPE (29 bytes) with nested markup ends at its balancing `>`.
        let doctype = b"<!DOCTYPE a [<!ENTITY b \"c\">]><a/>";
        assert_eq!(passes(doctype, 0, 29, 4), Ok(()));
        assert_eq!(passes(doctype, 0, 28, 4), Err(Overlong::Tag));
        // The shortest comment and processing instruction end where quick-xml ends them
        // (were they not ended, the markup after them would make them too long).
        assert_eq!(passes(b"<!----><?><a/>", 6, 3, 1), Ok(()));
        assert_eq!(passes(b"<!---><?><a/>", 6, 3, 1), Err(Overlong::Text));
    }

    #[test]
    fn parts_are_named() {
        assert_eq!(
            describe_part("xl/worksheets/sheet1.xml"),
            "工作表 xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            describe_part("xl/sharedStrings.xml"),
            "共享字符串表 xl/sharedStrings.xml"
        );
        let long = format!("a\u{7}{}", "b".repeat(200));
        let d = describe_part(&long);
        assert!(d.ends_with('…') && !d.contains('\u{7}'), "{d}");
        assert!(is_xml("[Content_Types].xml") && is_xml("_rels/.rels") && !is_xml("a.png"));
    }

    /// The review's attack: an exported workbook whose sheet is 1.5 GB of spaces inside
    /// `<sheetData>` (here 64 MB, deflated to well under 1 MB), its sizes declared as 5,000
    /// bytes in both headers. Refused within the first text node's limit, long before the
    /// part is inflated, naming the part and the limit.
    #[test]
    fn a_forged_workbook_of_whitespace_is_refused_promptly_by_name() {
        const SPACES: usize = 64 << 20;
        let mut forged = replace_part(&workbook(), SHEET, |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(b"<sheetData>").unwrap();
            stream(w, b' ', SPACES);
            w.write_all(b"</sheetData></worksheet>").unwrap();
        });
        assert!(forged.len() < 1 << 20, "{}", forged.len());
        declare_size(&mut forged, SHEET, 5000);
        assert_eq!(declared(&forged, SHEET), 5000);

        let started = Instant::now();
        let e = refused(read_xlsx(&forged, None, &Limits::default()));
        let took = started.elapsed();
        assert_eq!(
            e,
            SheetError::XmlTooLong {
                part: "工作表 xl/worksheets/sheet1.xml".to_string(),
                what: XML_TEXT,
                limit: MIN_XML_TEXT_BYTES as u64,
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("xl/worksheets/sheet1.xml")
                && msg.contains("标签之间的文字")
                && msg.contains("256 KB"),
            "{msg}"
        );
        // Only the first 256 KB are inflated: far below the time the whole part takes.
        assert!(took < Duration::from_secs(20), "{took:?}");

        // Without the text node limit (a bound as long as the part), the size caps stop it.
        let long_cells = Limits {
            max_cell_chars: usize::MAX / 16,
            max_inflated_part_bytes: 16 << 20,
            ..Limits::default()
        };
        let e = refused(read_xlsx(&forged, None, &long_cells));
        assert_eq!(
            e,
            SheetError::Inflated {
                part: "工作表 xl/worksheets/sheet1.xml".to_string(),
                limit_name: INFLATED_PART,
                limit: 16 << 20,
            }
        );
        assert!(e.to_string().contains("单个部件解压后的上限 16 MB"), "{e}");
    }

    /// Rows of real cells: no long text node or tag, only bytes.
    fn rows_xml(w: &mut dyn std::io::Write, rows: usize) {
        w.write_all(SHEET_HEAD.as_bytes()).unwrap();
        w.write_all(b"<sheetData>").unwrap();
        for r in 1..=rows {
            write!(
                w,
                "<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>第{r}行</t></is></c></row>"
            )
            .unwrap();
        }
        w.write_all(b"</sheetData></worksheet>").unwrap();
    }

    #[test]
    fn a_part_inflating_past_its_cap_is_refused_though_declared_small() {
        // About 5.5 MB of rows, declared as 5,000 bytes.
        let mut forged = replace_part(&workbook(), SHEET, |w| rows_xml(w, 80_000));
        declare_size(&mut forged, SHEET, 5000);
        // Within the limits it reads (the declared size is not what is counted).
        let rows = read_xlsx(
            &forged,
            None,
            &Limits {
                max_rows: 100_000,
                ..Limits::default()
            },
        );
        match rows {
            Ok(rows) => assert_eq!(rows.len(), 80_000),
            // The workbook parser may itself refuse the inconsistent sizes.
            Err(e) => assert!(matches!(e, SheetError::Xlsx(_)), "{e}"),
        }
        let part_cap = Limits {
            max_inflated_part_bytes: 4 << 20,
            ..Limits::default()
        };
        let e = refused(read_xlsx(&forged, None, &part_cap));
        assert!(
            matches!(&e, SheetError::Inflated { limit_name: INFLATED_PART, limit, part }
                if *limit == 4 << 20 && part.contains("sheet1.xml")),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("超过单个部件解压后的上限 4 MB"),
            "{e}"
        );
        let total_cap = Limits {
            max_inflated_bytes: 5 << 20,
            ..Limits::default()
        };
        let e = refused(read_xlsx(&forged, None, &total_cap));
        assert!(
            matches!(&e, SheetError::Inflated { limit_name: INFLATED_TOTAL, limit, .. } if *limit == 5 << 20),
            "{e:?}"
        );
        assert!(e.to_string().contains("整个文件解压后的上限 5 MB"), "{e}");

        // Honest sizes over a cap are refused before anything is inflated.
        let honest = replace_part(&workbook(), SHEET, |w| rows_xml(w, 80_000));
        let e = refused(read_xlsx(&honest, None, &part_cap));
        assert!(
            matches!(
                e,
                SheetError::Inflated {
                    limit_name: INFLATED_PART,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = refused(read_xlsx(&honest, None, &total_cap));
        assert!(e.to_string().contains("压缩包声明的各部件大小合计"), "{e}");
    }

    #[test]
    fn a_long_text_node_or_tag_is_refused_by_name() {
        let limits = Limits::default();
        let bound = xml_text_limit(&limits);
        assert_eq!(bound, MIN_XML_TEXT_BYTES);
        // One cell of 300 KB of text (over the bound, though within the file's limits).
        let cell = |w: &mut dyn std::io::Write, len: usize| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>")
                .unwrap();
            stream(w, b'x', len);
            w.write_all(b"</t></is></c></row></sheetData></worksheet>")
                .unwrap();
        };
        let long = replace_part(&workbook(), SHEET, |w| cell(w, 300 * 1024));
        let e = refused(read_xlsx(&long, None, &limits));
        assert!(
            matches!(e, SheetError::XmlTooLong { what: XML_TEXT, .. }),
            "{e:?}"
        );
        // Just within the bound, the cell's own limit speaks, with its place.
        let within = replace_part(&workbook(), SHEET, |w| cell(w, bound));
        let e = refused(read_xlsx(&within, None, &limits));
        assert!(e.to_string().contains("第 1 行第 1 列内容过长"), "{e}");
        // A longer cell limit moves the bound.
        let wide = Limits {
            max_cell_chars: 400_000,
            ..limits
        };
        assert_eq!(xml_text_limit(&wide), 3_200_000);
        assert_eq!(
            read_xlsx(&long, None, &wide).unwrap()[0].cells[0].len(),
            300 * 1024
        );

        // One tag of 300 KB (a row with a huge attribute).
        let tag = replace_part(&workbook(), SHEET, |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(b"<sheetData><row r=\"1\" spans=\"").unwrap();
            stream(w, b'1', 300 * 1024);
            w.write_all(b"\"/></sheetData></worksheet>").unwrap();
        });
        let e = refused(read_xlsx(&tag, None, &limits));
        assert_eq!(
            e,
            SheetError::XmlTooLong {
                part: "工作表 xl/worksheets/sheet1.xml".to_string(),
                what: XML_TAG,
                limit: MAX_XML_TAG_BYTES as u64,
            }
        );
        assert!(e.to_string().contains("一个标签超过上限 256 KB"), "{e}");
        // Shared strings are lexed as well.
        let shared = replace_part(&workbook(), "xl/sharedStrings.xml", |w| {
            w.write_all(
                b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>",
            )
            .unwrap();
            stream(w, b' ', 1 << 20);
            w.write_all(b"</t></si></sst>").unwrap();
        });
        let e = refused(read_xlsx(&shared, None, &limits));
        assert!(
            e.to_string().contains("共享字符串表 xl/sharedStrings.xml"),
            "{e}"
        );
    }

    #[test]
    fn a_workbook_as_exported_passes() {
        assert!(check_workbook(&workbook(), &Limits::default()).is_ok());
    }
}
