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
//! `ledger_sheet` fuzz targets).

mod csv_io;
mod error;
pub mod ledger;
pub mod org;
mod table;
mod xlsx_io;

pub use csv_io::{read_csv, write_csv};
pub use error::SheetError;
pub use ledger::{
    export_csv, export_xlsx, headers, parse_import, problems_csv, template_xlsx, template_xlsx_for,
    ImportedRow, LedgerSheetError, RowProblem, MAX_IMPORT_ROWS,
};
pub use table::{normalize_header, Table};
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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_columns: 100,
            max_cell_chars: 10_000,
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
