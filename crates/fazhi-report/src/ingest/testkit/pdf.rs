//! PDF fixtures: small valid PDFs whose Chinese text is extractable, and PDFs built to
//! hit the reader's limits.

use crate::ingest::{Ingested, Limits};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

const FONT_SIZE: f64 = 12.0;
const LEADING: f64 = 16.0;
const PAGE_HEIGHT: f64 = 842.0;
const TOP: f64 = 800.0;
const MARGIN: f64 = 72.0;
/// Lines on one page of [`pdf_from_lines`].
pub const PDF_LINES_PER_PAGE: usize = 48;

/// A PDF with `lines` (48 to a page), one text line each; blank lines leave a gap.
pub fn pdf_from_lines(lines: &[&str]) -> Vec<u8> {
    let pages: Vec<&[&str]> = if lines.is_empty() {
        vec![&[][..]]
    } else {
        lines.chunks(PDF_LINES_PER_PAGE).collect()
    };
    pdf_from_pages(&pages)
}

/// Minimal PDF writer: objects are appended in order and their offsets recorded.
struct PdfWriter {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl PdfWriter {
    fn new() -> Self {
        PdfWriter {
            out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            offsets: Vec::new(),
        }
    }

    /// Writes object number `offsets.len() + 1`.
    fn object(&mut self, body: &[u8]) {
        self.offsets.push(self.out.len());
        let n = self.offsets.len();
        let _ = writeln!(self.out, "{n} 0 obj");
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, dict: &str, data: &[u8]) {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(&body);
    }

    /// Objects 1 to 3: the catalog, the page tree and its one A4 page with `resources`,
    /// whose content is object 4.
    fn one_page(&mut self, resources: &str) {
        self.object(b"<< /Type /Catalog /Pages 2 0 R >>");
        self.object(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        let page = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} /Contents 4 0 R >>"
        );
        self.object(page.as_bytes());
    }

    fn finish(mut self, root: usize) -> Vec<u8> {
        let xref = self.out.len();
        let _ = write!(
            self.out,
            "xref\n0 {}\n0000000000 65535 f \n",
            self.offsets.len() + 1
        );
        for off in &self.offsets {
            let _ = writeln!(self.out, "{off:010} 00000 n ");
        }
        let _ = write!(
            self.out,
            "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.out
    }
}

fn glyph_width(c: char) -> u32 {
    if c.is_ascii() {
        500
    } else {
        1000
    }
}

/// A PDF with one page per entry of `pages`. Text uses one Type0 font (Identity-H, CIDs
/// numbered in order of first use) with a ToUnicode CMap, so any Unicode text extracts.
pub fn pdf_from_pages(pages: &[&[&str]]) -> Vec<u8> {
    // CIDs for every distinct character.
    let mut cids: HashMap<char, u16> = HashMap::new();
    let mut order: Vec<char> = Vec::new();
    for line in pages.iter().flat_map(|p| p.iter()) {
        for c in line.chars() {
            if !cids.contains_key(&c) && order.len() < 0xFFFE {
                order.push(c);
                cids.insert(c, order.len() as u16);
            }
        }
    }
    let longest = pages
        .iter()
        .flat_map(|p| p.iter())
        .map(|l| l.chars().map(glyph_width).sum::<u32>() as f64 * FONT_SIZE / 1000.0)
        .fold(0.0, f64::max);
    let page_width = (2.0 * MARGIN + longest).max(595.0).ceil();

    // Objects: 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 descriptor, 6 ToUnicode,
    // then page i at 7 + 2i, its content at 8 + 2i.
    let mut w = PdfWriter::new();
    w.object(b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 7 + 2 * i))
        .collect();
    w.object(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .as_bytes(),
    );
    w.object(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /FazhiSans /Encoding /Identity-H \
          /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
    );
    let mut widths = String::new();
    for (i, c) in order.iter().enumerate() {
        if glyph_width(*c) != 1000 {
            let _ = write!(widths, "{} [{}] ", i + 1, glyph_width(*c));
        }
    }
    w.object(
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /FazhiSans \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 5 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>"
        )
        .as_bytes(),
    );
    w.object(
        b"<< /Type /FontDescriptor /FontName /FazhiSans /Flags 4 /FontBBox [0 -200 1000 800] \
          /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    );
    w.stream("", to_unicode_cmap(&order).as_bytes());
    for (i, lines) in pages.iter().enumerate() {
        w.object(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_width} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                8 + 2 * i
            )
            .as_bytes(),
        );
        let mut content = String::new();
        for (j, line) in lines.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            let y = TOP - LEADING * j as f64;
            let _ = write!(
                content,
                "BT\n/F1 {FONT_SIZE} Tf\n1 0 0 1 {MARGIN} {y} Tm\n<"
            );
            for c in line.chars() {
                let _ = write!(content, "{:04X}", cids.get(&c).copied().unwrap_or(0));
            }
            content.push_str("> Tj\nET\n");
        }
        w.stream("", content.as_bytes());
    }
    w.finish(1)
}

fn to_unicode_cmap(order: &[char]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for (chunk_no, chunk) in order.chunks(100).enumerate() {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (k, c) in chunk.iter().enumerate() {
            let cid = chunk_no * 100 + k + 1;
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(s, "<{cid:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// A one-page PDF that only paints an image: no font, no text layer (like a scan).
pub fn pdf_image_only() -> Vec<u8> {
    let mut w = PdfWriter::new();
    w.one_page("<< /XObject << /Im1 5 0 R >> >>");
    w.stream("", b"q 400 0 0 600 97 121 cm /Im1 Do Q");
    w.stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x00\xff\xff\x00",
    );
    w.finish(1)
}

/// A one-page PDF (with a font, so it counts as having a text layer) whose content stream
/// is `content`, flate-compressed: for reader limits, e.g. millions of path operators that
/// are cheap to store and slow and memory-hungry to interpret.
pub fn pdf_with_content(content: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(content).expect("deflate");
    let data = z.finish().expect("deflate");
    let mut w = PdfWriter::new();
    w.one_page("<< /Font << /F1 5 0 R >> >>");
    w.stream("/Filter /FlateDecode", &data);
    w.object(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    w.finish(1)
}

/// Reads a PDF with the built-in extractor only (no `pdftotext` fallback).
pub fn pdf_via_builtin(bytes: &[u8], limits: &Limits) -> crate::Result<Ingested> {
    crate::ingest::pdf::builtin_only(bytes, limits)
}

/// Reads a PDF with `pdftotext` only; None when `pdftotext` is not on PATH.
pub fn pdf_via_pdftotext(bytes: &[u8], limits: &Limits) -> Option<crate::Result<Ingested>> {
    crate::ingest::pdf::pdftotext_only(bytes, limits)
}
