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
//! ([`IndicatorParser`]: empty means the kind's default indicators, at most
//! [`MAX_INDICATORS`](fazhi_domain::ledger::MAX_INDICATORS), as in the forms and the API).
//!
//! An import is all or nothing: [`parse_import`] answers every row, or every problem of
//! every row ([`LedgerSheetError::Rows`], downloadable with [`problems_csv`]), or why the
//! file as a whole cannot be read. At most [`MAX_IMPORT_ROWS`] records per file.

use crate::xlsx_io::{
    col, display_width, read_xlsx_or_first, row_num, write_error, write_text, XLSX_MAX_CELL_CHARS,
};
use crate::{normalize_header, read_csv, write_csv, Format, Limits, Row, SheetError};
use chrono::Datelike;
use fazhi_domain::ledger::{
    parse_fields, FieldSpec, FieldType, IndicatorError, IndicatorParser, Record, RecordData,
    RecordKind,
};
use fazhi_domain::ledger::{Value, MAX_COUNT, MAX_HOURS};
use fazhi_domain::Framework;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime,
    Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use thiserror::Error;

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
/// Rows above the header (a title such as “2025年学法台账”) looked through for it.
const HEADER_SEARCH_ROWS: usize = 10;
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

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// The XLSX template of a kind, with the built-in indicator framework in its notes (see
/// [`template_xlsx_for`]).
pub fn template_xlsx(kind: RecordKind) -> Result<Vec<u8>, SheetError> {
    template_xlsx_for(kind, &Framework::builtin())
}

/// The XLSX template of a kind, for a person to fill in Excel or WPS: a sheet named after
/// the kind with its header row (required columns marked `*` in red), sized columns, text
/// columns formatted as text (a 执法证号 keeps its leading zeros), date columns as
/// `yyyy-mm-dd`, drop-downs for choices and 是/否, number checks, a prompt per column; and a
/// second sheet “填写说明” describing each column, the accepted formats and the indicators
/// of `framework`.
pub fn template_xlsx_for(kind: RecordKind, framework: &Framework) -> Result<Vec<u8>, SheetError> {
    workbook(kind, &[], framework)
}

/// The records of one kind as an XLSX workbook laid out as the template (typed cells:
/// dates as dates, counts and hours as numbers), ready to be edited and imported back.
/// 指标 holds indicator names (a code the framework does not know is written as it is).
pub fn export_xlsx(
    kind: RecordKind,
    records: &[Record],
    framework: &Framework,
) -> Result<Vec<u8>, SheetError> {
    workbook(kind, records, framework)
}

/// The records of one kind as CSV for Excel (UTF-8 with a byte-order mark, the plain labels
/// of [`headers`] as the header row). A text a spreadsheet would take for a formula gets a
/// leading `'` ([`write_csv`], [`crate::neutralize`]), so that Excel never runs it; the
/// import ([`read_csv`]) removes it again.
pub fn export_csv(kind: RecordKind, records: &[Record], framework: &Framework) -> Vec<u8> {
    let cols = columns(kind);
    let names = indicator_names(framework);
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| cols.iter().map(|c| cell_text(c, &r.data, &names)).collect())
        .collect();
    write_csv(&headers(kind), &rows)
}

/// Every problem of a refused import as CSV (行号, 列, 问题), for download (messages quote
/// the uploader's cells; [`write_csv`] neutralises any that would be a formula).
pub fn problems_csv(problems: &[RowProblem]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = problems
        .iter()
        .map(|p| vec![p.line.to_string(), p.column.clone(), p.message.clone()])
        .collect();
    write_csv(&["行号", "列", "问题"], &rows)
}

fn indicator_names(framework: &Framework) -> HashMap<&str, &str> {
    framework
        .nodes()
        .iter()
        .map(|n| (n.code.as_str(), n.name.as_str()))
        .collect()
}

/// The text of one cell, as the CSV export writes it and the import reads it.
fn cell_text(col: &Column, data: &RecordData, names: &HashMap<&str, &str>) -> String {
    match col {
        Column::Year => data.year.to_string(),
        Column::Field(f) => data.fields.display(f.key),
        Column::Indicators => data
            .indicators
            .iter()
            .map(|code| names.get(code.as_str()).copied().unwrap_or(code.as_str()))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

struct Styles {
    header: CellFormat,
    header_required: CellFormat,
    date: CellFormat,
    text: CellFormat,
    wrap: CellFormat,
    number: CellFormat,
    year: CellFormat,
    title: CellFormat,
    bold: CellFormat,
}

impl Styles {
    fn new() -> Self {
        let header = CellFormat::new()
            .set_bold()
            .set_background_color("#DDEBF7")
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Styles {
            header_required: header.clone().set_font_color("#C00000"),
            header,
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            text: CellFormat::new().set_num_format("@"),
            wrap: CellFormat::new().set_num_format("@").set_text_wrap(),
            number: CellFormat::new().set_num_format("General"),
            year: CellFormat::new().set_num_format("0"),
            title: CellFormat::new().set_bold().set_font_size(14),
            bold: CellFormat::new().set_bold(),
        }
    }

    /// The format of a column (and of its cells written as strings).
    fn column(&self, col: &Column) -> &CellFormat {
        match col {
            Column::Year => &self.year,
            Column::Indicators => &self.text,
            Column::Field(f) => match f.ty {
                FieldType::Date => &self.date,
                FieldType::Count | FieldType::Hours => &self.number,
                FieldType::LongText => &self.wrap,
                FieldType::Text | FieldType::List | FieldType::Choice(_) | FieldType::Bool => {
                    &self.text
                }
            },
        }
    }
}

fn workbook(
    kind: RecordKind,
    records: &[Record],
    framework: &Framework,
) -> Result<Vec<u8>, SheetError> {
    let cols = columns(kind);
    let styles = Styles::new();
    let names = indicator_names(framework);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(kind.label()).map_err(write_error)?;

    let mut widths: Vec<usize> = cols.iter().map(Column::base_width).collect();
    for (c, column) in cols.iter().enumerate() {
        let style = if column.required() {
            &styles.header_required
        } else {
            &styles.header
        };
        write_text(sheet, 0, col(c)?, &column.marked(), Some(style))?;
    }
    for (i, record) in records.iter().enumerate() {
        let r = row_num(i + 1)?;
        for (c, column) in cols.iter().enumerate() {
            let width = write_cell(sheet, r, col(c)?, column, &record.data, &names, &styles)?;
            widths[c] = widths[c].max(width.min(50));
        }
    }
    let last_row = row_num(records.len().max(MAX_IMPORT_ROWS))?;
    for (c, column) in cols.iter().enumerate() {
        let c16 = col(c)?;
        sheet
            .set_column_width(c16, widths[c] as f64 + 2.0)
            .map_err(write_error)?;
        sheet
            .set_column_format(c16, styles.column(column))
            .map_err(write_error)?;
        sheet
            .add_data_validation(1, c16, last_row, c16, &validation(kind, column, framework)?)
            .map_err(write_error)?;
    }
    sheet.set_row_height(0, 30).map_err(write_error)?;
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    sheet
        .autofilter(0, 0, row_num(records.len())?, col(cols.len() - 1)?)
        .map_err(write_error)?;

    let notes = book.add_worksheet();
    notes.set_name(NOTES_SHEET).map_err(write_error)?;
    write_notes(notes, kind, &cols, framework, &styles)?;
    book.save_to_buffer().map_err(write_error)
}

/// Writes one data cell typed by its value; answers its display width.
fn write_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    column: &Column,
    data: &RecordData,
    names: &HashMap<&str, &str>,
    styles: &Styles,
) -> Result<usize, SheetError> {
    let string = |sheet: &mut Worksheet, text: &str| -> Result<usize, SheetError> {
        if text.is_empty() {
            return Ok(0);
        }
        if text.chars().count() > XLSX_MAX_CELL_CHARS {
            return Err(SheetError::Write(format!(
                "第 {} 行“{}”超过 Excel 单元格上限 {XLSX_MAX_CELL_CHARS} 个字符",
                r + 1,
                column.label()
            )));
        }
        write_text(sheet, r, c, text, Some(styles.column(column)))?;
        Ok(display_width(text))
    };
    let number = |sheet: &mut Worksheet, n: f64, v: &Value| -> Result<usize, SheetError> {
        sheet
            .write_number_with_format(r, c, n, &styles.number)
            .map_err(write_error)?;
        Ok(display_width(&v.display()))
    };
    match column {
        Column::Year => {
            sheet
                .write_number_with_format(r, c, f64::from(data.year), &styles.year)
                .map_err(write_error)?;
            Ok(4)
        }
        Column::Indicators => string(sheet, &cell_text(column, data, names)),
        Column::Field(f) => match data.fields.get(f.key) {
            None => Ok(0),
            Some(Value::Date(d)) => {
                let excel = u16::try_from(d.year())
                    .ok()
                    .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
                match excel {
                    Some(dt) => {
                        sheet
                            .write_datetime_with_format(r, c, &dt, &styles.date)
                            .map_err(write_error)?;
                        Ok(10)
                    }
                    None => string(sheet, &d.format("%Y-%m-%d").to_string()),
                }
            }
            Some(v @ Value::Count(n)) => number(sheet, *n as f64, v),
            Some(v @ Value::Hours(h)) => number(sheet, *h, v),
            Some(v) => string(sheet, &v.display()),
        },
    }
}

/// The check and prompt of a column's cells: drop-downs for choices and 是/否, number
/// ranges, and the field's help (or how to write its type) as the prompt.
fn validation(
    kind: RecordKind,
    column: &Column,
    framework: &Framework,
) -> Result<DataValidation, SheetError> {
    let (v, prompt) = match column {
        Column::Year => (
            DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(
                    *fazhi_domain::ledger::YEARS.start(),
                    *fazhi_domain::ledger::YEARS.end(),
                ))
                .set_error_message("年度应为四位年份，如 2025")
                .map_err(write_error)?,
            "记录所属的报告年度，如 2025；不填时按导入时选择的年度".to_string(),
        ),
        Column::Indicators => (
            DataValidation::new().allow_any_value(),
            format!(
                "填写指标名称或代码，多个用顿号分隔；不填时默认为：{}。可选指标见“{NOTES_SHEET}”",
                default_indicator_names(kind, framework)
            ),
        ),
        Column::Field(f) => {
            let v = match f.ty {
                FieldType::Choice(choices) => DataValidation::new()
                    .allow_list_strings(choices)
                    .map_err(write_error)?
                    .set_error_message("请从下拉列表中选择")
                    .map_err(write_error)?,
                FieldType::Bool => DataValidation::new()
                    .allow_list_strings(&["是", "否"])
                    .map_err(write_error)?
                    .set_error_message("请填写“是”或“否”")
                    .map_err(write_error)?,
                FieldType::Count => DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(
                        0,
                        i32::try_from(MAX_COUNT).unwrap_or(i32::MAX),
                    ))
                    .set_error_message("请填写不小于 0 的整数")
                    .map_err(write_error)?,
                FieldType::Hours => DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(0.0, MAX_HOURS))
                    .set_error_message("请填写学时数，如 2 或 1.5")
                    .map_err(write_error)?
                    .set_error_style(DataValidationErrorStyle::Warning),
                FieldType::Date | FieldType::Text | FieldType::LongText | FieldType::List => {
                    DataValidation::new().allow_any_value()
                }
            };
            let mut prompt = type_text(f.ty);
            if f.required {
                prompt = format!("必填。{prompt}");
            }
            if !f.help.is_empty() {
                prompt = format!("{prompt}。{}", f.help);
            }
            (v, prompt)
        }
    };
    let title: String = column.label().chars().take(32).collect();
    let prompt: String = prompt.chars().take(255).collect();
    v.set_input_title(title)
        .and_then(|v| v.set_input_message(prompt))
        .map_err(write_error)
}

fn default_indicator_names(kind: RecordKind, framework: &Framework) -> String {
    kind.default_indicators()
        .iter()
        .map(|code| framework.get(code).map_or(*code, |n| n.name.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

/// How to write a value of a type, for the notes and prompts.
fn type_text(ty: FieldType) -> String {
    match ty {
        FieldType::Text => "文本".into(),
        FieldType::LongText => "文本，可多行（单元格内按 Alt+Enter 换行）".into(),
        FieldType::Date => "日期，如 2025-03-01（也可写 2025/3/1、2025年3月1日）".into(),
        FieldType::Count => "不小于 0 的整数".into(),
        FieldType::Hours => "学时数，如 2 或 1.5（最多一位小数）".into(),
        FieldType::Bool => "是 / 否".into(),
        FieldType::Choice(c) => format!("可选值：{}", c.join("、")),
        FieldType::List => "可填多项，用顿号（、）、逗号或分号分隔".into(),
    }
}

fn write_notes(
    notes: &mut Worksheet,
    kind: RecordKind,
    cols: &[Column],
    framework: &Framework,
    styles: &Styles,
) -> Result<(), SheetError> {
    let w = |notes: &mut Worksheet, r: usize, c: usize, text: &str, f: Option<&CellFormat>| {
        write_text(notes, row_num(r)?, col(c)?, text, f)
    };
    w(
        notes,
        0,
        0,
        &format!("“{}”台账填写说明", kind.label()),
        Some(&styles.title),
    )?;
    let mut r = 2;
    for (c, h) in ["名称", "是否必填", "类型/可选值", "说明"]
        .iter()
        .enumerate()
    {
        w(notes, r, c, h, Some(&styles.header))?;
    }
    for column in cols {
        r += 1;
        let (required, ty, help) = match column {
            Column::Year => (
                "否".to_string(),
                "四位年份".to_string(),
                "记录计入的报告年度；不填时按导入时选择的年度".to_string(),
            ),
            Column::Indicators => (
                "否".to_string(),
                "指标名称或代码，多个用顿号（、）分隔".to_string(),
                format!(
                    "记录对应的法治政府建设指标；不填时默认为：{}",
                    default_indicator_names(kind, framework)
                ),
            ),
            Column::Field(f) => (
                if f.required { "是" } else { "否" }.to_string(),
                type_text(f.ty),
                f.help.to_string(),
            ),
        };
        w(notes, r, 0, column.label(), Some(&styles.bold))?;
        w(notes, r, 1, &required, None)?;
        w(notes, r, 2, &ty, Some(&styles.wrap))?;
        w(notes, r, 3, &help, Some(&styles.wrap))?;
    }
    r += 2;
    w(notes, r, 0, "注意事项", Some(&styles.bold))?;
    let tips = [
        format!("1. 第一行为表头，请勿修改列名；带 * 的列为必填。列的顺序可以调整，选填列可以删去，可以增加“{SERIAL_HEADER}”列（导入时忽略）。"),
        "2. 日期可写作 2025-03-01、2025/3/1、2025.3.1、2025年3月1日，或使用 Excel 日期格式。".to_string(),
        "3. 多项内容（如学习法律法规、参会人员、指标）用顿号（、）、逗号或分号分隔。".to_string(),
        "4. “是否”类的列填写“是”或“否”；有下拉列表的列请从列表中选择。".to_string(),
        format!("5. 一个文件最多导入 {MAX_IMPORT_ROWS} 条记录。文件中任何一行有误时，不会导入任何记录，系统会列出每一行的问题，改正后重新导入即可。"),
        "6. 可上传 Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 或 GBK 编码）；WPS 表格请另存为 .xlsx 格式。".to_string(),
    ];
    for tip in &tips {
        r += 1;
        w(notes, r, 0, tip, None)?;
    }
    r += 2;
    w(
        notes,
        r,
        0,
        &format!("可选指标（{}）", framework.name),
        Some(&styles.bold),
    )?;
    r += 1;
    w(notes, r, 0, "代码", Some(&styles.header))?;
    w(notes, r, 1, "名称", Some(&styles.header))?;
    for node in framework.nodes() {
        r += 1;
        let top = node.parent.is_none();
        w(notes, r, 0, &node.code, top.then_some(&styles.bold))?;
        w(notes, r, 1, &node.name, top.then_some(&styles.bold))?;
    }
    for (c, width) in [(0u16, 14.0), (1, 12.0), (2, 40.0), (3, 50.0)] {
        notes.set_column_width(c, width).map_err(write_error)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Reads an import file (XLSX or CSV, chosen by name and content) of one kind into records,
/// or refuses it whole. `default_year` is the year of rows whose 年度 is empty; `limits`
/// are the reader's (bytes, rows, columns, cell length), within which at most
/// [`MAX_IMPORT_ROWS`] data rows are accepted.
///
/// Of a workbook, the sheet named after the kind is read, else the first. The header is the
/// first row (or, below a title, the first of the first ten rows naming a column). Rows
/// whose field cells are all empty are skipped (a pre-numbered “序号” or a 年度 dragged down
/// does not make a record). Every cell of every row is checked and every problem reported.
pub fn parse_import(
    kind: RecordKind,
    bytes: &[u8],
    filename: &str,
    default_year: i32,
    framework: &Framework,
    limits: &Limits,
) -> Result<Vec<ImportedRow>, LedgerSheetError> {
    let cap = MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS + 1;
    let read_limits = Limits {
        max_rows: limits.max_rows.min(cap),
        ..*limits
    };
    let rows = read_rows(kind, filename, bytes, &read_limits).map_err(|e| match e {
        SheetError::TooManyRows { .. } if read_limits.max_rows == cap => {
            LedgerSheetError::TooManyRows {
                limit: MAX_IMPORT_ROWS,
            }
        }
        e => LedgerSheetError::File(e),
    })?;
    let cols = columns(kind);
    if rows.is_empty() {
        return Err(LedgerSheetError::Empty {
            expected: cols
                .iter()
                .map(Column::marked)
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    let header_at = find_header(&rows, &cols);
    let header = &rows[header_at];
    let reader = RowReader {
        kind,
        map: map_header(kind, header, &cols)?,
        default_year,
        indicators: IndicatorParser::new(framework),
    };
    let mut out = Vec::with_capacity(rows.len() - header_at - 1);
    let mut problems = Vec::new();
    let mut records = 0usize;
    for row in &rows[header_at + 1..] {
        if reader.is_empty(row) {
            continue;
        }
        records += 1;
        if records > MAX_IMPORT_ROWS {
            return Err(LedgerSheetError::TooManyRows {
                limit: MAX_IMPORT_ROWS,
            });
        }
        match reader.read(row) {
            Ok(data) => out.push(ImportedRow {
                line: row.line,
                data,
            }),
            Err(row_problems) => problems.extend(row_problems),
        }
    }
    if !problems.is_empty() {
        return Err(LedgerSheetError::Rows(problems));
    }
    if out.is_empty() {
        return Err(LedgerSheetError::NoRows { line: header.line });
    }
    Ok(out)
}

/// What the rows of one import are read with.
struct RowReader<'a> {
    kind: RecordKind,
    map: ColumnMap,
    default_year: i32,
    indicators: IndicatorParser<'a>,
}

impl RowReader<'_> {
    /// A CSV cell's formula escape was taken off by `read_csv`.
    fn text(row: &Row, c: usize) -> String {
        row.get(c).trim().to_string()
    }

    /// Whether every field cell of the row is empty (the row is skipped).
    fn is_empty(&self, row: &Row) -> bool {
        self.map
            .fields
            .iter()
            .all(|(c, _)| row.get(*c).trim().is_empty())
    }

    /// The record of a row, or every problem of it.
    fn read(&self, row: &Row) -> Result<RecordData, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let mut problem = |column: &str, message: String| {
            problems.push(RowProblem {
                line: row.line,
                column: column.to_string(),
                message,
            })
        };
        let year = self.year(row).map_err(|m| problem(YEAR_HEADER, m)).ok();
        let raw: BTreeMap<String, String> = self
            .map
            .fields
            .iter()
            .map(|(c, f)| (f.key.to_string(), Self::text(row, *c)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let fields = match parse_fields(self.kind, &raw) {
            Ok(f) => Some(f),
            Err(errors) => {
                for e in errors {
                    let label = self
                        .kind
                        .field(&e.field)
                        .map_or(e.field.as_str(), |f| f.label);
                    problem(label, e.message);
                }
                None
            }
        };
        let indicators = self
            .indicators(row)
            .map_err(|m| problem(INDICATOR_HEADER, m))
            .ok();
        match (year, fields, indicators) {
            (Some(year), Some(fields), Some(indicators)) if problems.is_empty() => Ok(RecordData {
                kind: self.kind,
                year,
                fields,
                indicators,
            }),
            _ => Err(problems),
        }
    }

    /// The row's 年度, or the import's default year when the cell is empty.
    fn year(&self, row: &Row) -> Result<i32, String> {
        let text = self
            .map
            .year
            .map(|c| Self::text(row, c))
            .unwrap_or_default();
        if !text.is_empty() {
            return parse_year(&text);
        }
        fazhi_domain::ledger::year_in_range(self.default_year)
            .map(|()| self.default_year)
            .map_err(|_| format!("年度为空，且导入时选择的年度 {} 无效", self.default_year))
    }

    /// The row's 指标: names or codes in one cell ([`IndicatorParser::parse_text`]).
    fn indicators(&self, row: &Row) -> Result<Vec<String>, String> {
        let text = self
            .map
            .indicators
            .map(|c| Self::text(row, c))
            .unwrap_or_default();
        self.indicators
            .parse_text(self.kind, &text)
            .map_err(indicator_message)
    }
}

/// The import's wording of an indicator refusal: unknown ones quoted, with where to look.
fn indicator_message(e: IndicatorError) -> String {
    match e {
        IndicatorError::Unknown(tokens) => {
            let quoted: Vec<String> = tokens.iter().map(|t| format!("“{}”", quote(t))).collect();
            format!(
                "未知的指标：{}。请填写指标名称或代码（见模板“{NOTES_SHEET}”），多个用顿号分隔",
                quoted.join("、")
            )
        }
        e => e.to_string(),
    }
}

fn read_rows(
    kind: RecordKind,
    filename: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Row>, SheetError> {
    // A file ending in .xls/.et/.docx/.pdf… is refused by name; one without an extension is
    // judged by its content.
    let ext = filename.rsplit_once('.').map(|(_, e)| e);
    let named_otherwise = ext.is_some_and(|e| {
        !e.is_empty()
            && e.len() <= 5
            && e.bytes().all(|b| b.is_ascii_alphanumeric())
            && e.bytes().any(|b| b.is_ascii_alphabetic())
    }) && Format::from_name(filename).is_none();
    if named_otherwise {
        return Err(SheetError::Unsupported(filename.to_string()));
    }
    // A workbook renamed to .csv is still a workbook (no CSV starts with a ZIP signature).
    let format = if bytes.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else {
        Format::detect(filename, bytes)
    };
    let rows = match format {
        Format::Csv => read_csv(bytes, limits)?,
        Format::Xlsx => read_xlsx_or_first(bytes, kind.label(), limits)?,
    };
    Ok(rows)
}

/// The first of the first rows that names a column of the kind; else the first row.
fn find_header(rows: &[Row], cols: &[Column]) -> usize {
    let known: HashSet<String> = cols.iter().map(|c| normalize_header(c.label())).collect();
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|r| r.cells.iter().any(|c| known.contains(&normalize_header(c))))
        .unwrap_or(0)
}

/// Where each column of the kind is in the file.
struct ColumnMap {
    year: Option<usize>,
    indicators: Option<usize>,
    fields: Vec<(usize, &'static FieldSpec)>,
}

fn map_header(
    kind: RecordKind,
    header: &Row,
    cols: &[Column],
) -> Result<ColumnMap, LedgerSheetError> {
    let known: HashMap<String, Column> = cols
        .iter()
        .map(|c| (normalize_header(c.label()), *c))
        .collect();
    let serial = normalize_header(SERIAL_HEADER);
    let mut map = ColumnMap {
        year: None,
        indicators: None,
        fields: Vec::new(),
    };
    let mut seen = HashSet::new();
    let (mut unknown, mut duplicate) = (Vec::new(), Vec::new());
    for (i, cell) in header.cells.iter().enumerate() {
        let n = normalize_header(cell);
        if n.is_empty() || n == serial {
            continue;
        }
        let Some(column) = known.get(&n) else {
            unknown.push(cell.trim().to_string());
            continue;
        };
        if !seen.insert(n) {
            duplicate.push(column.label().to_string());
            continue;
        }
        match column {
            Column::Year => map.year = Some(i),
            Column::Indicators => map.indicators = Some(i),
            Column::Field(f) => map.fields.push((i, f)),
        }
    }
    let missing: Vec<String> = kind
        .fields()
        .iter()
        .filter(|f| f.required && !map.fields.iter().any(|(_, g)| g.key == f.key))
        .map(|f| f.label.to_string())
        .collect();
    if missing.is_empty() && unknown.is_empty() && duplicate.is_empty() {
        Ok(map)
    } else {
        Err(LedgerSheetError::Header {
            kind,
            line: header.line,
            missing,
            unknown,
            duplicate,
        })
    }
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

fn parse_year(t: &str) -> Result<i32, String> {
    let s = t.trim().trim_end_matches('年').trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    let bad = || format!("年度应为四位年份，如 2025（填的是：{}）", quote(t));
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let y: i32 = s.parse().map_err(|_| bad())?;
    fazhi_domain::ledger::year_in_range(y).map(|()| y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_with_separators_inside_their_names() {
        let fw = Framework::builtin();
        let m = IndicatorParser::new(&fw);
        let parse = |cell: &str| {
            m.parse_text(RecordKind::Study, cell)
                .map_err(indicator_message)
        };
        let thought = fw.get("thought").unwrap().name.clone();
        assert!(thought.contains('，'));
        let cell = format!("{thought}、decision.procedure；{thought}");
        assert_eq!(parse(&cell).unwrap(), ["thought", "decision.procedure"]);
        let e = parse(&format!("{thought}、学雷锋、nope")).unwrap_err();
        assert!(e.contains("“学雷锋”、“nope”"), "{e}");
        assert_eq!(m.split(" 、 "), Vec::<&str>::new());
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2025"), Ok(2025));
        assert_eq!(parse_year(" 2025年 "), Ok(2025));
        assert_eq!(parse_year("2025.0"), Ok(2025));
        assert!(parse_year("1900").unwrap_err().contains("2000—2100"));
        assert!(parse_year("二〇二五").unwrap_err().contains("四位年份"));
        assert!(parse_year("99999999999").is_err());
    }
}
