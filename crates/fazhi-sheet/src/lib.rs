//! Tables in and out: CSV (UTF-8 with or without BOM, or GBK/GB18030 as Excel on Chinese
//! Windows saves it) and XLSX read into [`Row`]s with 1-based line numbers, and written back
//! (CSV with a BOM so Excel opens it right; XLSX with a bold, frozen header row).
//!
//! Reading is generic: a file becomes rows of strings, and [`Table`] finds the header row
//! and its columns by name. The kinds of rows ([`org`]: the organisation; [`ledger`]: the
//! ledger's records, one sheet per record kind, with its template and exports) turn the rows
//! into typed rows and report every bad row at once.
//!
//! Every reader works within explicit [`Limits`] and answers a Chinese [`SheetError`] naming
//! the limit it hit; no input makes it panic (property tests and the `sheet` and
//! `ledger_sheet` fuzz targets). An XLSX file is inflated once, streamed and counted, before
//! the workbook parser sees it (real bytes, not the sizes the ZIP declares; see
//! [`Limits::max_inflated_bytes`]).
//!
//! Every writer is safe from formula injection: the one CSV writer ([`write_csv`]) gives a
//! leading `'` to any cell a spreadsheet would evaluate ([`formula::is_formula_like`]), and
//! [`read_csv`] takes it off again; the XLSX writers store such text unchanged with the cell
//! format's quote prefix. [`audit::formula_cells`] lists the cells of a file that a
//! spreadsheet would evaluate, for tests of every export.

pub mod audit;
mod csv_io;
mod error;
pub mod formula;
pub mod ledger;
pub mod org;
mod table;
mod xlsx_guard;
mod xlsx_io;

pub use audit::formula_cells;
pub use csv_io::{read_csv, write_csv};
pub use error::{SheetError, INFLATED_PART, INFLATED_TOTAL, XML_TAG, XML_TEXT};
pub use formula::{is_formula_like, neutralize, unneutralize, FORMULA_EXAMPLES};
pub use ledger::{
    export_csv, export_xlsx, headers, parse_import, problems_csv, template_xlsx, template_xlsx_for,
    ImportedRow, LedgerSheetError, RowProblem, MAX_IMPORT_ROWS,
};
pub use table::{normalize_header, Table};
pub use xlsx_guard::{xml_text_limit, MAX_XML_TAG_BYTES, MIN_XML_TEXT_BYTES};
pub use xlsx_io::{read_xlsx, write_xlsx};

/// One row of a sheet: its 1-based line (CSV: the line the record starts on; XLSX: the row
/// number Excel shows) and its cells, without trailing empty cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `column` (0-based), or `""` past the end of the row.
    pub fn get(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }

    /// Whether every cell is empty or white space.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// What a reader accepts at most. The defaults suit an organisation list or a year of
/// ledger records of a province (tens of thousands of rows).
///
/// | field | default |
/// | --- | --- |
/// | `max_bytes` | 20 MB |
/// | `max_rows` | 200,000 |
/// | `max_columns` | 100 |
/// | `max_cell_chars` | 10,000 |
/// | `max_inflated_bytes` | 128 MB ([`DEFAULT_MAX_INFLATED_BYTES`]) |
/// | `max_inflated_part_bytes` | 96 MB ([`DEFAULT_MAX_INFLATED_PART_BYTES`]) |
///
/// Of an XLSX file, every XML part is also lexed while it is inflated: one text node (the
/// bytes between two tags) may hold at most [`xml_text_limit`] bytes, one tag
/// [`MAX_XML_TAG_BYTES`], so the workbook parser never buffers a huge event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file as uploaded.
    pub max_bytes: u64,
    /// Non-blank rows, the header included.
    pub max_rows: usize,
    /// Columns of a row (for XLSX: the highest column used, counted from A).
    pub max_columns: usize,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// XLSX: bytes of all the parts of the workbook once inflated, together. Counted while
    /// inflating (the sizes a ZIP declares are checked too, but may lie).
    pub max_inflated_bytes: u64,
    /// XLSX: bytes of one part (a worksheet, the shared strings …) once inflated.
    pub max_inflated_part_bytes: u64,
}

/// The default of [`Limits::max_inflated_bytes`]: 128 MB.
///
/// Measured: the ledger export (rust_xlsxwriter) of 20,000 records ([`MAX_IMPORT_ROWS`]) of
/// the widest kind, 重大行政决策 (18 columns), with every field filled, distinct texts of 60
/// characters and long texts of 300 characters, is a 20.3 MB file that inflates to
/// 82.6 MB (shared strings 68.1 MB, the sheet 14.4 MB); the same records of 学法 inflate
/// to 31.8 MB. 128 MB leaves half as much again above the widest case, and is about what
/// an upload of the 20 MB `max_bytes` can inflate to when it holds real Chinese text. The
/// cap used to be 40 times the file size (800 MB), which let an 0.8 MB upload take the
/// server's memory past 1 GB.
pub const DEFAULT_MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;

/// The default of [`Limits::max_inflated_part_bytes`]: 96 MB, above the 68.1 MB shared
/// strings of the widest 20,000-record export measured for [`DEFAULT_MAX_INFLATED_BYTES`].
pub const DEFAULT_MAX_INFLATED_PART_BYTES: u64 = 96 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_columns: 100,
            max_cell_chars: 10_000,
            max_inflated_bytes: DEFAULT_MAX_INFLATED_BYTES,
            max_inflated_part_bytes: DEFAULT_MAX_INFLATED_PART_BYTES,
        }
    }
}

/// File formats the readers and writers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// By the file name's extension (`.csv`, `.txt` → CSV; `.xlsx`, `.xlsm` → XLSX).
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// By name, falling back on the content: a ZIP container is XLSX, anything else CSV.
    pub fn detect(name: &str, bytes: &[u8]) -> Format {
        Format::from_name(name).unwrap_or(if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Reads a CSV or XLSX file (the first worksheet) chosen by [`Format::detect`]. A legacy
/// `.xls` file gets a clear refusal rather than a parse error.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Row>, SheetError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xls") || lower.ends_with(".et") {
        return Err(SheetError::Unsupported(name.to_string()));
    }
    match Format::detect(name, bytes) {
        Format::Csv => read_csv(bytes, limits),
        Format::Xlsx => read_xlsx(bytes, None, limits),
    }
}

/// Finishes a row as the readers hand it out: trailing empty cells dropped.
fn trim_trailing(cells: &mut Vec<String>) {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(Format::from_name("机构.CSV"), Some(Format::Csv));
        assert_eq!(Format::from_name("a.b.xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::from_name("noext"), None);
        assert_eq!(Format::detect("upload", b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(
            Format::detect("upload", "类别,代码".as_bytes()),
            Format::Csv
        );
    }

    #[test]
    fn legacy_xls_is_refused_by_name() {
        let e = read("旧表.xls", b"\xd0\xcf\x11\xe0", &Limits::default()).unwrap_err();
        assert!(e.to_string().contains(".xlsx"), "{e}");
    }
}
