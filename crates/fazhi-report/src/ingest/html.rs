//! HTML: a small tag stripper, enough for a report saved from a government web page.
//!
//! Scripts, styles and other non-content elements are dropped, block elements end a
//! paragraph, `<hN>` gives `Hint::Heading(N)`, `<tr>` gives `Hint::TableRow` with cells
//! joined by tabs, and character references are decoded.

use super::{text, Format, Hint, Ingested, Layout, Limits, RawBlock};
use crate::{Error, Result};

/// Whether decoded text starts like an HTML document.
pub(super) fn looks_like_html(text: &str) -> bool {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let head = &t.as_bytes()[..t.len().min(64)];
    let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"<!doctype html") || starts(b"<html") {
        return true;
    }
    // `<?xml …?>` or a comment before `<html` (XHTML exports).
    if starts(b"<?xml") || starts(b"<!--") {
        let window = &t.as_bytes()[..t.len().min(1024)];
        return window.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"));
    }
    false
}

pub(super) fn ingest_html(src: &str, limits: &Limits) -> Result<Ingested> {
    let blocks = parse(src);
    if blocks.is_empty() {
        return Err(Error::Empty);
    }
    let chars: usize = blocks.iter().map(|b| b.text.chars().count()).sum();
    if chars > limits.max_text_chars {
        return Err(text::too_many_chars(chars, limits));
    }
    Ok(Ingested {
        format: Format::Html,
        layout: Layout::Paragraphs,
        blocks,
    })
}

/// Elements whose whole content is skipped.
const SKIPPED: &[&str] = &[
    "script", "style", "title", "noscript", "template", "svg", "math", "iframe", "object",
    "select", "button",
];

/// Elements that start/end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "hr",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "center",
    "body",
    "html",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

struct Builder {
    blocks: Vec<RawBlock>,
    cur: String,
    heading: Option<u8>,
    /// Inside a `<tr>`: cells so far (the current one is `cur`).
    row: Option<Vec<String>>,
    /// `<table>` nesting depth when the current row started.
    row_table_depth: usize,
    cell_open: bool,
    table_depth: usize,
    pre_depth: usize,
    pending_space: bool,
}

impl Builder {
    fn push_char(&mut self, c: char) {
        if c.is_whitespace() && c != '\u{3000}' {
            if self.pre_depth > 0 && c == '\n' {
                self.flush();
                return;
            }
            self.pending_space = !self.cur.is_empty();
            return;
        }
        if self.pending_space {
            self.cur.push(' ');
            self.pending_space = false;
        }
        self.cur.push(c);
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }

    /// Ends the current paragraph (inside a table row: only separates with a space).
    fn flush(&mut self) {
        self.pending_space = false;
        if self.row.is_some() {
            if !self.cur.is_empty() {
                self.pending_space = true;
            }
            return;
        }
        let text = std::mem::take(&mut self.cur);
        if !text.trim().is_empty() {
            let hint = self.heading.map_or(Hint::None, Hint::Heading);
            self.blocks.push(RawBlock { text, hint });
        }
    }

    fn end_cell(&mut self) {
        self.cell_open = false;
        if let Some(row) = self.row.as_mut() {
            row.push(std::mem::take(&mut self.cur));
            self.pending_space = false;
        }
    }

    fn end_row(&mut self) {
        if self.row.is_none() {
            return;
        }
        if self.cell_open || !self.cur.is_empty() {
            self.end_cell();
        }
        let cells = self.row.take().unwrap_or_default();
        self.pending_space = false;
        if cells.iter().any(|c| !c.trim().is_empty()) {
            self.blocks.push(RawBlock {
                text: cells.join("\t"),
                hint: Hint::TableRow,
            });
        }
    }

    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "td" | "th" if self.row.is_some() && self.table_depth == self.row_table_depth => {
                // A cell opening closes the previous one even without `</td>`.
                if self.cell_open {
                    self.end_cell();
                }
                self.cell_open = !closing;
                return;
            }
            "table" => {
                if closing {
                    if self.row.is_some() && self.table_depth == self.row_table_depth {
                        self.end_row();
                    }
                    self.table_depth = self.table_depth.saturating_sub(1);
                } else {
                    self.table_depth += 1;
                }
            }
            "tr" if self.row.is_none() || self.table_depth == self.row_table_depth => {
                if self.row.is_some() {
                    self.end_row();
                }
                if !closing {
                    self.flush();
                    self.row = Some(Vec::new());
                    self.row_table_depth = self.table_depth;
                }
                return;
            }
            "pre" => {
                self.pre_depth = if closing {
                    self.pre_depth.saturating_sub(1)
                } else {
                    self.pre_depth + 1
                };
            }
            _ => {}
        }
        if let Some(level) = heading_level(name) {
            self.flush();
            self.heading = (!closing).then_some(level);
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

fn parse(src: &str) -> Vec<RawBlock> {
    let mut b = Builder {
        blocks: Vec::new(),
        cur: String::new(),
        heading: None,
        row: None,
        row_table_depth: 0,
        cell_open: false,
        table_depth: 0,
        pre_depth: 0,
        pending_space: false,
    };
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut name = String::new();
    while i < bytes.len() {
        // Text run up to the next markup or reference.
        let next = memchr::memchr2(b'<', b'&', &bytes[i..]).map_or(bytes.len(), |o| i + o);
        if next > i {
            b.push_str(&src[i..next]);
            i = next;
            continue;
        }
        if bytes[i] == b'&' {
            let (decoded, used) = decode_reference(&src[i..]);
            match decoded {
                Some(s) => b.push_str(s.as_str()),
                None => b.push_char('&'),
            }
            i += used;
            continue;
        }
        // bytes[i] == b'<'
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, i + 4, b"-->").map_or(bytes.len(), |p| p + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |p| i + p + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = i + 1 + closing as usize;
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            b.push_char('<');
            i += 1;
            continue;
        }
        let mut j = name_start;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        name.clear();
        name.extend(src[name_start..j].chars().map(|c| c.to_ascii_lowercase()));
        let end = tag_end(bytes, j);
        i = end;
        if !closing && SKIPPED.contains(&name.as_str()) {
            let self_closing = end >= 2 && bytes[end - 2] == b'/';
            if !self_closing {
                i = skip_element(bytes, end, name.as_bytes());
            }
            continue;
        }
        b.tag(&name, closing);
    }
    b.end_row();
    b.flush();
    b.blocks
}

/// Position after the `>` that ends a tag, honouring quoted attribute values.
fn tag_end(bytes: &[u8], mut j: usize) -> usize {
    let mut quote = 0u8;
    while j < bytes.len() {
        let c = bytes[j];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// Skips to after `</name …>` (case-insensitive), or to the end.
fn skip_element(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + p;
        let rest = &bytes[at..];
        if rest.len() >= 2 + name.len()
            && rest[1] == b'/'
            && rest[2..2 + name.len()].eq_ignore_ascii_case(name)
            && !rest
                .get(2 + name.len())
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            return tag_end(bytes, at + 2 + name.len());
        }
        i = at + 1;
    }
    bytes.len()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&hay[from..], needle).map(|p| from + p)
}

/// Small owned buffer for one decoded reference.
struct Decoded {
    buf: [u8; 4],
    len: usize,
}

impl Decoded {
    fn from_char(c: char) -> Self {
        let mut buf = [0u8; 4];
        let len = c.encode_utf8(&mut buf).len();
        Decoded { buf, len }
    }
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// Decodes `&name;`, `&#NNN;` or `&#xHH;` at the start of `s`; returns the text (None for a
/// literal `&`) and the bytes used.
fn decode_reference(s: &str) -> (Option<Decoded>, usize) {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'#') {
        let (hex, start) = match bytes.get(2) {
            Some(b'x' | b'X') => (true, 3),
            _ => (false, 2),
        };
        let mut j = start;
        while j < bytes.len() && j - start < 8 && bytes[j].is_ascii_hexdigit() {
            if !hex && !bytes[j].is_ascii_digit() {
                break;
            }
            j += 1;
        }
        if j == start {
            return (None, 1);
        }
        let value = u32::from_str_radix(&s[start..j], if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        let used = if bytes.get(j) == Some(&b';') {
            j + 1
        } else {
            j
        };
        let c = match value {
            0 => '\u{fffd}',
            // Windows-1252 numeric references that pages still use for quotes.
            0x80..=0x9F => win1252(value as u8),
            v => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        return (Some(Decoded::from_char(c)), used);
    }
    let mut j = 1;
    while j < bytes.len() && j < 12 && bytes[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if bytes.get(j) != Some(&b';') {
        return (None, 1);
    }
    let c = match &s[1..j] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "sect" => '§',
        "para" => '¶',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "laquo" => '«',
        "raquo" => '»',
        "yen" => '¥',
        "permil" => '‰',
        "rarr" => '→',
        "larr" => '←',
        "uarr" => '↑',
        "darr" => '↓',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "prime" => '′',
        "Prime" => '″',
        "shy" | "zwj" | "zwnj" | "lrm" | "rlm" => {
            return (
                Some(Decoded {
                    buf: [0; 4],
                    len: 0,
                }),
                j + 1,
            )
        }
        _ => return (None, 1),
    };
    (Some(Decoded::from_char(c)), j + 1)
}

fn win1252(b: u8) -> char {
    let bytes = [b];
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    s.chars().next().unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> Vec<(String, Hint)> {
        parse(src).into_iter().map(|b| (b.text, b.hint)).collect()
    }

    #[test]
    fn strips_tags_scripts_and_decodes_entities() {
        let got = run(
            "<!DOCTYPE html><html><head><title>标题</title><style>p{color:red}</style></head>\
             <body><h1>某县2023年法治政府建设情况报告</h1><script>var a='<p>x</p>';</script>\
             <p>一、主要举措&amp;成效&nbsp;&#x4E00;&#20108;</p><div>第二段<br>第三行</div>\
             <!-- <p>注释</p> --><ul><li>甲</li><li>乙</li></ul></body></html>",
        );
        assert_eq!(
            got,
            vec![
                ("某县2023年法治政府建设情况报告".into(), Hint::Heading(1)),
                ("一、主要举措&成效 一二".into(), Hint::None),
                ("第二段".into(), Hint::None),
                ("第三行".into(), Hint::None),
                ("甲".into(), Hint::None),
                ("乙".into(), Hint::None),
            ]
        );
    }

    #[test]
    fn table_rows_join_cells_with_tabs() {
        let got = run(
            "<table><tr><th>指标</th><th>数量</th></tr><tr><td><p>行政复议</p></td><td>12件</td></tr></table>",
        );
        assert_eq!(
            got,
            vec![
                ("指标\t数量".into(), Hint::TableRow),
                ("行政复议\t12件".into(), Hint::TableRow),
            ]
        );
    }

    #[test]
    fn detects_html() {
        assert!(looks_like_html("\u{feff}  <!DOCTYPE HTML><html>"));
        assert!(looks_like_html("<html lang=zh>"));
        assert!(!looks_like_html("一、<html>"));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in [
            "<",
            "<p",
            "&#",
            "&#x;",
            "&",
            "<script>",
            "</",
            "<a href='>",
            "&#xFFFFFFFFF;",
        ] {
            let _ = parse(s);
        }
    }
}
