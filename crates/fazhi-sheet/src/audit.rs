//! The cells of a file a spreadsheet would evaluate: the check security tests run on every
//! export the platform produces (CSV and XLSX), with the definition of
//! [`crate::is_formula_like`].
//!
//! This module reads the files independently of the crate's readers: CSV with the `csv`
//! crate as written (no escape undone), XLSX from its XML parts (worksheets, shared strings,
//! styles), so a mistake in the readers cannot hide one in the writers.

use crate::formula::is_formula_like;
use crate::Format;
use std::borrow::Cow;
use std::io::{Cursor, Read};

/// Cells a spreadsheet would evaluate, each as `place: "text" (why)`; empty when there are
/// none.
///
/// - CSV: every field, parsed with the `csv` crate, whose text is formula-like (starts with
///   `=`, `+`, `-`, `@`, TAB, CR or LF, or has one of `= + - @` as its first character after
///   white space). A field written as `'=1+1` is text to a spreadsheet and passes.
/// - XLSX: every formula (an `<f>` element anywhere in a worksheet), and every text cell
///   (shared or inline string) whose text is formula-like but whose style's `<xf>` in
///   `xl/styles.xml` lacks `quotePrefix="1"` — Excel keeps such a value as text only while
///   nobody edits the cell.
///
/// A file that cannot be read at all is answered with one entry saying so, so that a test
/// asserting an empty answer fails.
///
/// ```
/// use fazhi_sheet::{formula_cells, write_csv, write_xlsx, Format};
/// let rows = vec![vec!["=1+1".to_string(), "青川市".to_string()]];
/// assert!(formula_cells(&write_csv(&["a", "b"], &rows), Format::Csv).is_empty());
/// assert!(formula_cells(&write_xlsx("表", &["a", "b"], &rows).unwrap(), Format::Xlsx).is_empty());
/// assert_eq!(formula_cells(b"a,b\r\n=1+1,x\r\n", Format::Csv).len(), 1);
/// ```
pub fn formula_cells(bytes: &[u8], format: Format) -> Vec<String> {
    match format {
        Format::Csv => csv_formula_cells(bytes),
        Format::Xlsx => xlsx_formula_cells(bytes).unwrap_or_else(|e| vec![e]),
    }
}

fn csv_formula_cells(bytes: &[u8]) -> Vec<String> {
    let text = match crate::csv_io::decode(bytes) {
        Ok(t) => t,
        Err(_) => String::from_utf8_lossy(bytes),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = match record {
            Ok(rec) => rec,
            Err(e) => {
                out.push(format!("CSV record {}: unreadable ({e})", r + 1));
                break;
            }
        };
        for (c, field) in record.iter().enumerate() {
            if is_formula_like(field) {
                out.push(format!(
                    "CSV {}: {field:?} (formula-like field)",
                    cell_name(r, c)
                ));
            }
        }
    }
    out
}

/// `A1`-style name of a 0-based row and column.
fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

fn xlsx_formula_cells(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("XLSX: not a readable ZIP ({e})"))?;
    let mut part = |name: &str| -> Result<Option<String>, String> {
        let mut file = match zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("XLSX: {name} unreadable ({e})")),
        };
        let mut s = String::new();
        file.read_to_string(&mut s)
            .map_err(|e| format!("XLSX: {name} unreadable ({e})"))?;
        Ok(Some(s))
    };
    let quote_prefix = part("xl/styles.xml")?
        .map(|x| cell_xfs_quote_prefix(&x))
        .unwrap_or_default();
    let shared = part("xl/sharedStrings.xml")?
        .map(|x| shared_strings(&x))
        .unwrap_or_default();
    let mut sheets: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(str::to_string)
        .collect();
    sheets.sort();
    if sheets.is_empty() {
        return Err("XLSX: no worksheet".to_string());
    }
    let mut out = Vec::new();
    for name in sheets {
        let mut part = |name: &str| -> Result<String, String> {
            let mut s = String::new();
            zip.by_name(name)
                .map_err(|e| format!("XLSX: {name} unreadable ({e})"))?
                .read_to_string(&mut s)
                .map_err(|e| format!("XLSX: {name} unreadable ({e})"))?;
            Ok(s)
        };
        let xml = part(&name)?;
        sheet_formula_cells(&name, &xml, &shared, &quote_prefix, &mut out);
    }
    Ok(out)
}

/// Whether each `<xf>` of `<cellXfs>` (by index, as a cell's `s` attribute names it) has
/// the quote prefix.
fn cell_xfs_quote_prefix(xml: &str) -> Vec<bool> {
    let mut out = Vec::new();
    let mut inside = false;
    for tok in Xml::new(xml) {
        match tok {
            Tok::Start { name, attrs, empty } => {
                if name == "cellXfs" && !empty {
                    inside = true;
                } else if inside && name == "xf" {
                    let on = attr(attrs, "quotePrefix");
                    out.push(matches!(on.as_deref(), Some("1" | "true")));
                }
            }
            Tok::End("cellXfs") => inside = false,
            _ => {}
        }
    }
    out
}

/// The shared strings, rich text runs joined (phonetic runs left out, as Excel shows them).
fn shared_strings(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let (mut in_t, mut in_rph) = (false, false);
    for tok in Xml::new(xml) {
        match tok {
            Tok::Start { name, empty, .. } => match name {
                "si" if empty => out.push(String::new()),
                "si" => current = Some(String::new()),
                "t" if !empty => in_t = true,
                "rPh" if !empty => in_rph = true,
                _ => {}
            },
            Tok::End(name) => match name {
                "si" => out.push(current.take().unwrap_or_default()),
                "t" => in_t = false,
                "rPh" => in_rph = false,
                _ => {}
            },
            Tok::Text(t) => {
                if let Some(s) = current.as_mut().filter(|_| in_t && !in_rph) {
                    s.push_str(&t);
                }
            }
        }
    }
    out
}

/// A cell being read: its attributes and text.
#[derive(Default)]
struct Cell {
    r: String,
    s: usize,
    t: String,
    v: String,
    inline: String,
}

fn sheet_formula_cells(
    part: &str,
    xml: &str,
    shared: &[String],
    quote_prefix: &[bool],
    out: &mut Vec<String>,
) {
    let mut cell: Option<Cell> = None;
    let (mut in_v, mut in_is_t) = (false, false);
    let finish = |cell: Cell, out: &mut Vec<String>| {
        let text = match cell.t.as_str() {
            "s" => cell
                .v
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| shared.get(i))
                .cloned(),
            "inlineStr" => Some(cell.inline),
            "str" => Some(cell.v),
            _ => None,
        };
        if let Some(text) = text.filter(|t| is_formula_like(t)) {
            if !quote_prefix.get(cell.s).copied().unwrap_or(false) {
                out.push(format!(
                    "{part}!{}: {text:?} (formula-like text without quotePrefix, style {})",
                    cell.r, cell.s
                ));
            }
        }
    };
    for tok in Xml::new(xml) {
        match tok {
            Tok::Start { name, attrs, empty } => match name {
                "f" => out.push(format!(
                    "{part}!{}: formula <f>",
                    cell.as_ref().map_or("?", |c| c.r.as_str())
                )),
                "c" => {
                    let c = Cell {
                        r: attr(attrs, "r").unwrap_or_else(|| "?".to_string()),
                        s: attr(attrs, "s").and_then(|s| s.parse().ok()).unwrap_or(0),
                        t: attr(attrs, "t").unwrap_or_default(),
                        ..Cell::default()
                    };
                    if empty {
                        finish(c, out);
                    } else {
                        cell = Some(c);
                    }
                }
                "v" if !empty => in_v = true,
                "t" if !empty && cell.is_some() => in_is_t = true,
                _ => {}
            },
            Tok::End(name) => match name {
                "c" => {
                    if let Some(c) = cell.take() {
                        finish(c, out);
                    }
                }
                "v" => in_v = false,
                "t" => in_is_t = false,
                _ => {}
            },
            Tok::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    if in_v {
                        c.v.push_str(&t);
                    } else if in_is_t {
                        c.inline.push_str(&t);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// A small XML tokenizer, enough for the parts of a workbook
// ---------------------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    /// A start tag (or empty element) by local name, with its raw attributes.
    Start {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    End(&'a str),
    /// Text between tags (entities and `_xHHHH_` escapes decoded) or of a CDATA section.
    Text(Cow<'a, str>),
}

struct Xml<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Xml<'a> {
    fn new(s: &'a str) -> Self {
        Xml { s, pos: 0 }
    }

    /// Moves past `end` (searched from `from`), or to the end of the text.
    fn skip_past(&mut self, from: usize, end: &str) -> usize {
        let found = self.s[from..].find(end).map(|i| from + i);
        self.pos = found.map_or(self.s.len(), |i| i + end.len());
        found.unwrap_or(self.s.len())
    }
}

impl<'a> Iterator for Xml<'a> {
    type Item = Tok<'a>;

    fn next(&mut self) -> Option<Tok<'a>> {
        loop {
            let start = self.pos;
            let rest = self.s.get(start..)?;
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                self.pos += len;
                return Some(Tok::Text(unescape(&rest[..len])));
            }
            if rest.starts_with("<![CDATA[") {
                let from = start + 9;
                let end = self.skip_past(from, "]]>");
                return Some(Tok::Text(Cow::Borrowed(&self.s[from..end])));
            }
            if rest.starts_with("<!--") {
                self.skip_past(start + 4, "-->");
                continue;
            }
            if rest.starts_with("<?") || rest.starts_with("<!") {
                self.skip_past(start, ">");
                continue;
            }
            // A tag: up to the first `>` outside quotes.
            let mut quote = None;
            let end = rest.char_indices().skip(1).find_map(|(i, ch)| {
                match (quote, ch) {
                    (None, '>') => return Some(i),
                    (None, '"' | '\'') => quote = Some(ch),
                    (Some(q), ch) if q == ch => quote = None,
                    _ => {}
                }
                None
            });
            let end = end.unwrap_or(rest.len());
            self.pos = (start + end + 1).min(self.s.len());
            let inner = &rest[1..end];
            if let Some(name) = inner.strip_prefix('/') {
                return Some(Tok::End(local(name.trim())));
            }
            let (inner, empty) = match inner.strip_suffix('/') {
                Some(i) => (i, true),
                None => (inner, false),
            };
            let split = inner.find(char::is_whitespace).unwrap_or(inner.len());
            return Some(Tok::Start {
                name: local(&inner[..split]),
                attrs: &inner[split..],
                empty,
            });
        }
    }
}

/// A name without its namespace prefix.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The value of attribute `want` (by local name) in a tag's raw attributes.
fn attr(attrs: &str, want: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let q = after.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let close = after[1..].find(q)? + 1;
        let value = &after[1..close];
        if local(key) == want {
            return Some(unescape(value).into_owned());
        }
        rest = &after[close + 1..];
    }
}

/// XML entities and OOXML's `_xHHHH_` escapes decoded.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '_']) {
        return Cow::Borrowed(s);
    }
    let mut entities = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        entities.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|e| *e <= 12);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let ch = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let n = if let Some(h) = name.strip_prefix("#x") {
                        u32::from_str_radix(h, 16).ok()
                    } else if let Some(d) = name.strip_prefix('#') {
                        d.parse().ok()
                    } else {
                        None
                    };
                    n.and_then(char::from_u32)
                }
            };
            ch.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                entities.push(c);
                rest = &after[len..];
            }
            None => {
                entities.push('&');
                rest = &after[1..];
            }
        }
    }
    entities.push_str(rest);
    // `_xHHHH_` (ST_Xstring): a character by its code; `_x005F_` escapes an underscore.
    let mut out = String::with_capacity(entities.len());
    let mut rest = entities.as_str();
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let code = after
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| after.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &after[7..];
            }
            None => {
                out.push('_');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let toks: Vec<Tok> =
            Xml::new("<?xml v?><a x=\"1>\" y='2'>t&amp;_x0009_<b/><![CDATA[<c>]]><!-- z --></a>")
                .collect();
        assert_eq!(
            toks,
            vec![
                Tok::Start {
                    name: "a",
                    attrs: " x=\"1>\" y='2'",
                    empty: false
                },
                Tok::Text(Cow::Owned("t&\t".to_string())),
                Tok::Start {
                    name: "b",
                    attrs: "",
                    empty: true
                },
                Tok::Text(Cow::Borrowed("<c>")),
                Tok::End("a"),
            ]
        );
        assert_eq!(attr(" x=\"1>\" y='2'", "y").as_deref(), Some("2"));
        assert_eq!(attr(" a:s=\"&lt;\"", "s").as_deref(), Some("<"));
        assert_eq!(
            unescape("_x005F_x0041_ &#x41;&#66;&bogus; &"),
            "_x0041_ AB&bogus; &"
        );
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(2, 27), "AB3");
        // Unclosed markup ends the tokens rather than looping.
        assert_eq!(Xml::new("<a").count(), 1);
        assert_eq!(Xml::new("<!-- x").count(), 0);
    }

    #[test]
    fn a_formula_and_an_unprotected_text_are_found() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let s = book.add_worksheet();
        s.write_formula(0, 0, "=1+1").unwrap();
        s.write_string(1, 0, "=HYPERLINK(\"http://x\")").unwrap();
        s.write_string(2, 0, "普通").unwrap();
        let quoted = rust_xlsxwriter::Format::new().set_quote_prefix();
        s.write_string_with_format(3, 0, "@SUM(A1)", &quoted)
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let found = formula_cells(&bytes, Format::Xlsx);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("A1: formula <f>"), "{found:#?}");
        assert!(found[1].contains("A2: \"=HYPERLINK"), "{found:#?}");

        let csv = "a,b\r\n'=1,\" =1\"\r\n\"\t=1\",-1\r\n";
        let found = formula_cells(csv.as_bytes(), Format::Csv);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("CSV B2"), "{found:#?}");
        assert!(!formula_cells(b"PK\x03\x04", Format::Xlsx).is_empty());
    }
}
