//! The ledger's records (台账) in and out of Excel, one kind per sheet.
//!
//! | 年度 | *each field's label, in the kind's order* | 指标 |
//! | --- | --- | --- |
//! | 2025 | 2025-03-06 · 党组会学法 · 学习行政处罚法 · … | 深入学习贯彻习近平法治思想，…、… |
//!
//! The same columns serve the template ([`template_xlsx`]), the exports ([`export_xlsx`],
//! [`export_csv`]) and the import ([`parse_import`]), so an export reads back as the same
//! records. Headers are matched by name (white space, a required-field `*` and letter case
//! do not matter; columns may come in any order; optional columns may be left out; a “序号”
//! column is ignored). 年度 may be left empty (the import's default year applies); 指标 holds
//! indicator names or codes separated by 、, read by the domain's one indicator parser
//! ([`IndicatorParser`](fazhi_domain::ledger::IndicatorParser): empty means the kind's default indicators, at most
//! [`MAX_INDICATORS`](fazhi_domain::ledger::MAX_INDICATORS), as in the forms and the API).
//!
//! An import is all or nothing: [`parse_import`] answers every row, or every problem of
//! every row ([`LedgerSheetError::Rows`], downloadable with [`problems_csv`]), or why the
//! file as a whole cannot be read. At most [`MAX_IMPORT_ROWS`] records per file.
//!
//! This module holds the columns and the import's errors; `write` the template and the
//! exports; `read` the import.

use crate::xlsx_io::display_width;
use crate::{normalize_header, SheetError};
use fazhi_domain::ledger::{FieldSpec, FieldType, RecordData, RecordKind};
use serde::Serialize;
use std::collections::HashSet;
use thiserror::Error;

mod read;
mod write;

pub use read::*;
pub use write::*;

/// The first column: the report year a record counts toward.
pub const YEAR_HEADER: &str = "年度";
/// The last column: indicator names (or codes) separated by 、.
pub const INDICATOR_HEADER: &str = "指标";
/// A column people often add to number their rows; the import ignores it.
pub const SERIAL_HEADER: &str = "序号";
/// The template's second sheet.
pub const NOTES_SHEET: &str = "填写说明";
/// Most records one file may hold.
pub const MAX_IMPORT_ROWS: usize = 20_000;
/// Longest cell text a message quotes back.
const QUOTE_CHARS: usize = 40;

/// The column headers of a kind, in order: 年度, each field's label, 指标. The template and
/// the XLSX export mark required fields with a trailing `*`; the import accepts either.
pub fn headers(kind: RecordKind) -> Vec<&'static str> {
    columns(kind).iter().map(|c| c.label()).collect()
}

/// One parsed row of an import: the line Excel shows (or the CSV line) and the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedRow {
    pub line: usize,
    pub data: RecordData,
}

/// One bad cell of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The line Excel shows (or the CSV line).
    pub line: usize,
    /// The column's Chinese header (without `*`).
    pub column: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Why an import was refused. Nothing is imported in any case.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerSheetError {
    /// The file cannot be read at all: its format, encoding, size or a reader limit.
    #[error(transparent)]
    File(#[from] SheetError),
    #[error(
        "数据行过多：超过上限 {limit} 行（每个文件最多导入 {limit} 条记录），请拆分后分批导入"
    )]
    TooManyRows { limit: usize },
    #[error("文件中没有数据。第一行应为表头：{expected}")]
    Empty { expected: String },
    /// The header does not fit the kind: columns missing, unknown or twice.
    #[error("{}", header_message(.kind, *.line, .missing, .unknown, .duplicate))]
    Header {
        kind: RecordKind,
        /// The header's line.
        line: usize,
        /// Required columns not found.
        missing: Vec<String>,
        /// Header cells that name no column of the kind.
        unknown: Vec<String>,
        /// Columns found more than once.
        duplicate: Vec<String>,
    },
    #[error("表头（第 {line} 行）下没有任何数据行")]
    NoRows { line: usize },
    /// Every problem of every bad row, in file order.
    #[error(
        "{} 行数据有误（共 {} 处问题），没有导入任何记录；请按问题清单逐行修改后重新导入",
        count_lines(.0),
        .0.len()
    )]
    Rows(Vec<RowProblem>),
}

impl LedgerSheetError {
    /// The row problems (empty when the file as a whole was refused).
    pub fn problems(&self) -> &[RowProblem] {
        match self {
            LedgerSheetError::Rows(p) => p,
            _ => &[],
        }
    }
}

fn count_lines(problems: &[RowProblem]) -> usize {
    problems
        .iter()
        .map(|p| p.line)
        .collect::<HashSet<_>>()
        .len()
}

fn header_message(
    kind: &RecordKind,
    line: usize,
    missing: &[String],
    unknown: &[String],
    duplicate: &[String],
) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("缺少必填列：{}", missing.join("、")));
    }
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown
            .iter()
            .take(8)
            .map(|u| format!("“{}”", quote(u)))
            .collect();
        let more = if unknown.len() > 8 {
            format!(" 等 {} 列", unknown.len())
        } else {
            String::new()
        };
        parts.push(format!("无法识别的列：{}{more}", shown.join("、")));
    }
    if !duplicate.is_empty() {
        parts.push(format!("重复的列：{}", duplicate.join("、")));
    }
    let mut out = format!(
        "第 {line} 行表头与“{}”台账不符：{}。该台账的列为：{}（带 * 的为必填列；列的顺序不限，选填列可以删去，“序号”列会被忽略）",
        kind.label(),
        parts.join("；"),
        columns(*kind)
            .iter()
            .map(Column::marked)
            .collect::<Vec<_>>()
            .join("、"),
    );
    if let Some(other) = looks_like(*kind, missing, unknown) {
        out.push_str(&format!(
            "。这个文件看起来是“{}”台账，请到对应的台账页面导入",
            other.label()
        ));
    }
    out
}

/// Another kind whose required columns all appear among the unknown ones.
fn looks_like(kind: RecordKind, missing: &[String], unknown: &[String]) -> Option<RecordKind> {
    if missing.is_empty() {
        return None;
    }
    let have: HashSet<String> = unknown.iter().map(|u| normalize_header(u)).collect();
    RecordKind::ALL.into_iter().find(|k| {
        *k != kind
            && k.fields().iter().filter(|f| f.required).all(|f| {
                let n = normalize_header(f.label);
                have.contains(&n) || kind.fields().iter().any(|g| normalize_header(g.label) == n)
            })
            && k.fields()
                .iter()
                .any(|f| f.required && have.contains(&normalize_header(f.label)))
    })
}

/// A column of a kind's sheet.
#[derive(Debug, Clone, Copy)]
enum Column {
    Year,
    Field(&'static FieldSpec),
    Indicators,
}

impl Column {
    fn label(&self) -> &'static str {
        match self {
            Column::Year => YEAR_HEADER,
            Column::Field(f) => f.label,
            Column::Indicators => INDICATOR_HEADER,
        }
    }

    /// The header as the template writes it: required fields marked with `*`.
    fn marked(&self) -> String {
        match self {
            Column::Field(f) if f.required => format!("{}*", f.label),
            c => c.label().to_string(),
        }
    }

    fn required(&self) -> bool {
        matches!(self, Column::Field(f) if f.required)
    }

    /// Width (characters) before any content is counted.
    fn base_width(&self) -> usize {
        let by_type = match self {
            Column::Year => 8,
            Column::Indicators => 36,
            Column::Field(f) => match f.ty {
                FieldType::Date => 12,
                FieldType::Count | FieldType::Hours | FieldType::Bool => 8,
                FieldType::Text => 24,
                FieldType::LongText => 40,
                FieldType::List => 30,
                FieldType::Choice(c) => c.iter().map(|s| display_width(s)).max().unwrap_or(8),
            },
        };
        by_type.max(display_width(&self.marked()))
    }
}

fn columns(kind: RecordKind) -> Vec<Column> {
    let mut out = Vec::with_capacity(kind.fields().len() + 2);
    out.push(Column::Year);
    out.extend(kind.fields().iter().map(Column::Field));
    out.push(Column::Indicators);
    out
}

fn quote(s: &str) -> String {
    if s.chars().count() > QUOTE_CHARS {
        let mut q: String = s.chars().take(QUOTE_CHARS - 1).collect();
        q.push('…');
        q
    } else {
        s.to_string()
    }
}
