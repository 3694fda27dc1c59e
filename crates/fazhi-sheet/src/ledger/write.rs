//! The template and the exports: a kind's columns written for Excel (typed cells, drop-downs,
//! prompts and a notes sheet) and as CSV.

use super::{columns, headers, Column, RowProblem, MAX_IMPORT_ROWS, NOTES_SHEET, SERIAL_HEADER};
use crate::xlsx_io::{col, display_width, row_num, write_error, write_text, XLSX_MAX_CELL_CHARS};
use crate::{write_csv, SheetError};
use chrono::Datelike;
use fazhi_domain::ledger::{
    FieldType, Record, RecordData, RecordKind, Value, MAX_COUNT, MAX_HOURS,
};
use fazhi_domain::Framework;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime,
    Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use std::collections::HashMap;

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
                    fazhi_domain::ReportYear::MIN,
                    fazhi_domain::ReportYear::MAX,
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
