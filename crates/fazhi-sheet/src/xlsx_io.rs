//! XLSX: reading one worksheet cell by cell within limits; writing a formatted sheet.

use crate::formula::is_formula_like;
use crate::xlsx_guard::check_workbook;
use crate::{trim_trailing, Limits, Row, SheetError};
use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Reads one worksheet (`sheet` by name, else the first) into rows. Line numbers are the row
/// numbers Excel shows; cells keep their column (a sheet starting at column B has an empty
/// first cell). Numbers that are whole print without a decimal point (991000, not
/// 991000.0), dates as `YYYY-MM-DD`.
///
/// Before the workbook is parsed, every part is inflated and counted within
/// [`Limits::max_inflated_part_bytes`] and [`Limits::max_inflated_bytes`], and its XML
/// events measured ([`crate::xml_text_limit`], [`crate::MAX_XML_TAG_BYTES`]).
///
/// Cells are streamed rather than read into a dense grid, so a sheet that uses A1 and
/// XFD1048576 costs two cells, not seventeen billion.
pub fn read_xlsx(
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Vec<Row>, SheetError> {
    read_checked(bytes, limits, |bytes| read_sheet(bytes, sheet, limits))
}

/// [`read_xlsx`] of the sheet named `sheet`, else of the first (the workbook checked once).
pub(crate) fn read_xlsx_or_first(
    bytes: &[u8],
    sheet: &str,
    limits: &Limits,
) -> Result<Vec<Row>, SheetError> {
    read_checked(bytes, limits, |bytes| {
        match read_sheet(bytes, Some(sheet), limits) {
            Err(SheetError::NoSuchSheet { .. }) => read_sheet(bytes, None, limits),
            r => r,
        }
    })
}

/// Runs `read` on a workbook within the file size limit, after the pre-pass of
/// [`check_workbook`].
fn read_checked(
    bytes: &[u8],
    limits: &Limits,
    read: impl FnOnce(&[u8]) -> Result<Vec<Row>, SheetError> + std::panic::UnwindSafe,
) -> Result<Vec<Row>, SheetError> {
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(SheetError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    // calamine and zip are third-party code reading hostile input; should either panic on
    // some corrupt file, the upload gets an error instead of taking the server's worker down.
    std::panic::catch_unwind(|| {
        // Every part inflated and counted before calamine sees the file (see xlsx_guard).
        check_workbook(bytes, limits)?;
        read(bytes)
    })
    .unwrap_or_else(|_| Err(SheetError::Xlsx("文件结构异常".to_string())))
}

fn read_sheet(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<Vec<Row>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted || n.trim() == wanted.trim())
            .cloned()
            .ok_or_else(|| SheetError::NoSuchSheet {
                name: wanted.to_string(),
                available: names.join("、"),
            })?,
        None => names.first().cloned().ok_or(SheetError::NoSheet)?,
    };
    let mut reader = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    // Row index → (column index → text); only non-empty cells are kept.
    let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let line = row as usize + 1;
        let column = col as usize + 1;
        if column > limits.max_columns {
            return Err(SheetError::TooManyColumns {
                line,
                found: column,
                limit: limits.max_columns,
            });
        }
        if text.len() > limits.max_cell_chars && text.chars().count() > limits.max_cell_chars {
            return Err(SheetError::CellTooLong {
                line,
                column,
                limit: limits.max_cell_chars,
            });
        }
        if !grid.contains_key(&row) && grid.len() >= limits.max_rows {
            return Err(SheetError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        grid.entry(row).or_default().insert(col, text);
    }
    let rows = grid
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.keys().next_back().map_or(0, |c| *c as usize + 1);
            let mut out = vec![String::new(); width];
            for (c, text) in cells {
                out[c as usize] = text;
            }
            trim_trailing(&mut out);
            Row {
                line: row as usize + 1,
                cells: out,
            }
        })
        .filter(|r| !r.is_blank())
        .collect();
    Ok(rows)
}

fn xlsx_error(e: calamine::XlsxError) -> SheetError {
    let what = match e {
        calamine::XlsxError::Password => "文件已加密，请取消密码保护后再上传".to_string(),
        calamine::XlsxError::Zip(_) | calamine::XlsxError::Io(_) => {
            "文件内部结构已损坏".to_string()
        }
        calamine::XlsxError::WorksheetNotFound(n) => format!("找不到工作表“{n}”"),
        _ => "文件内容不符合 Excel 工作簿格式".to_string(),
    };
    SheetError::Xlsx(what)
}

/// A cell's value as text, as a person reading the sheet would type it.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => {
                if dt.time() == chrono::NaiveTime::MIN {
                    dt.format("%Y-%m-%d").to_string()
                } else {
                    dt.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            _ => number_text(d.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Excel's limit on the characters of one cell.
pub(crate) const XLSX_MAX_CELL_CHARS: usize = 32_767;

/// Writes a table as an XLSX workbook with one worksheet named `sheet_name`: a bold, frozen
/// header row with a filter, columns as wide as their content (CJK characters count double),
/// every cell as text (codes such as 991000 stay text and keep leading zeros). Text a
/// spreadsheet would take for a formula is stored as it is, with the cell format's quote
/// prefix (see `write_text`).
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(sheet_name)
        .map_err(|_| SheetError::Write(format!("工作表名称“{sheet_name}”不符合 Excel 的要求")))?;
    let bold = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border_bottom(FormatBorder::Thin);
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(headers.len()))
        .max()
        .unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for (c, h) in headers.iter().enumerate() {
        write_text(sheet, 0, col(c)?, h, Some(&bold))?;
        widths[c] = widths[c].max(display_width(h));
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| too_many_rows())?;
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            if v.chars().count() > XLSX_MAX_CELL_CHARS {
                return Err(SheetError::Write(format!(
                    "第 {} 行第 {} 列超过 Excel 单元格上限 {XLSX_MAX_CELL_CHARS} 个字符",
                    r + 1,
                    c + 1
                )));
            }
            write_text(sheet, r, col(c)?, v, None)?;
            widths[c] = widths[c].max(display_width(v));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let width = (*w).clamp(6, 60) as f64 + 2.0;
        sheet
            .set_column_width(col(c)?, width)
            .map_err(write_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    if columns > 0 {
        let last_row = u32::try_from(rows.len()).map_err(|_| too_many_rows())?;
        sheet
            .autofilter(0, 0, last_row, col(columns - 1)?)
            .map_err(write_error)?;
    }
    book.save_to_buffer().map_err(write_error)
}

/// Writes one text cell: the only way the writers of this crate put text in a worksheet
/// (and nothing here ever writes a formula). Text a spreadsheet would take for a formula
/// ([`is_formula_like`]: `=1+1`, `+1`, `@SUM(A1)`, ` =1` …) is stored unchanged, with the
/// quote prefix added to its cell format (`quotePrefix="1"`): Excel and WPS show it as text
/// and keep it text when the cell is edited, and it reads back as the same value.
pub(crate) fn write_text(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), SheetError> {
    let written = if is_formula_like(text) {
        let quoted = format.cloned().unwrap_or_default().set_quote_prefix();
        sheet.write_string_with_format(r, c, text, &quoted)
    } else {
        match format {
            Some(f) => sheet.write_string_with_format(r, c, text, f),
            None => sheet.write_string(r, c, text),
        }
    };
    written.map(|_| ()).map_err(write_error)
}

/// A column index as the writer takes it (the limit named when passed).
pub(crate) fn col(c: usize) -> Result<u16, SheetError> {
    u16::try_from(c).map_err(|_| SheetError::Write("列数超过 Excel 上限".to_string()))
}

/// A row index as the writer takes it: below Excel's 1,048,576 rows.
pub(crate) fn row_num(r: usize) -> Result<u32, SheetError> {
    u32::try_from(r)
        .ok()
        .filter(|r| *r < 1_048_576)
        .ok_or_else(too_many_rows)
}

fn too_many_rows() -> SheetError {
    SheetError::Write("行数超过 Excel 上限（1048576 行）".to_string())
}

pub(crate) fn write_error(e: XlsxError) -> SheetError {
    match e {
        XlsxError::RowColumnLimitError => {
            SheetError::Write("行数或列数超过 Excel 上限".to_string())
        }
        other => SheetError::Write(other.to_string()),
    }
}

/// Columns of a fixed-width font: CJK and other wide characters take two.
pub(crate) fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table() -> Vec<Vec<String>> {
        vec![
            vec!["区域".into(), "991000".into(), "青川市".into()],
            vec!["单位".into(), "007".into(), "".into(), "尾".into()],
        ]
    }

    #[test]
    fn written_xlsx_reads_back() {
        let bytes = write_xlsx("机构", &["类别", "代码", "名称"], &table()).unwrap();
        let rows = read_xlsx(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].cells, vec!["类别", "代码", "名称"]);
        assert_eq!(rows[1].cells, table()[0]);
        assert_eq!(rows[2].cells, table()[1]);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        let named = read_xlsx(&bytes, Some("机构"), &Limits::default()).unwrap();
        assert_eq!(named, rows);
        let e = read_xlsx(&bytes, Some("人员"), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("机构"), "{e}");
    }

    #[test]
    fn numbers_and_dates_as_people_read_them() {
        let mut book = Workbook::new();
        let s = book.add_worksheet();
        s.write_number(1, 1, 991000.0).unwrap();
        s.write_number(1, 2, 0.25).unwrap();
        s.write_boolean(1, 3, true).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 20).unwrap();
        s.write_datetime_with_format(1, 4, &date, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read_xlsx(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            rows[0].cells,
            vec!["", "991000", "0.25", "TRUE", "2025-01-20"]
        );
    }

    #[test]
    fn far_cells_cost_nothing_but_count_against_limits() {
        let mut book = Workbook::new();
        let s = book.add_worksheet();
        s.write_string(0, 0, "a").unwrap();
        s.write_string(1_048_575, 16_383, "z").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let e = read_xlsx(&bytes, None, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("第 1048576 行列数过多"), "{e}");
        let wide = Limits {
            max_columns: 20_000,
            ..Limits::default()
        };
        let rows = read_xlsx(&bytes, None, &wide).unwrap();
        assert_eq!(rows[1].line, 1_048_576);
        assert_eq!(rows[1].cells.len(), 16_384);
    }

    #[test]
    fn limits_are_named() {
        let rows: Vec<Vec<String>> = (0..5).map(|i| vec![format!("行{i}")]).collect();
        let bytes = write_xlsx("表", &["名称"], &rows).unwrap();
        let small = Limits {
            max_rows: 3,
            ..Limits::default()
        };
        let e = read_xlsx(&bytes, None, &small).unwrap_err();
        assert!(e.to_string().contains("超过上限 3 行"), "{e}");
        let tiny = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            read_xlsx(&bytes, None, &tiny),
            Err(SheetError::TooLarge { .. })
        ));
        let short = Limits {
            max_cell_chars: 1,
            ..Limits::default()
        };
        let e = read_xlsx(&bytes, None, &short).unwrap_err();
        assert!(e.to_string().contains("第 1 行第 1 列内容过长"), "{e}");
    }

    #[test]
    fn not_an_xlsx() {
        let e = read_xlsx(b"PK\x03\x04garbage", None, &Limits::default()).unwrap_err();
        assert!(matches!(e, SheetError::Xlsx(_)), "{e}");
        let e = read_xlsx("类别,代码".as_bytes(), None, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains(".xlsx"), "{e}");
    }

    #[test]
    fn formula_like_text_gets_the_quote_prefix_and_keeps_its_value() {
        let payloads: Vec<String> = crate::FORMULA_EXAMPLES
            .iter()
            .map(|p| p.to_string())
            .collect();
        let headers: Vec<&str> = crate::FORMULA_EXAMPLES.to_vec();
        let bytes = write_xlsx("表", &headers, &[payloads.clone(), vec!["普通".into()]]).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles)
            .unwrap();
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
        assert_eq!(
            crate::formula_cells(&bytes, crate::Format::Xlsx),
            Vec::<String>::new()
        );
        let rows = read_xlsx(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(rows[0].cells, payloads);
        assert_eq!(rows[1].cells, payloads);
        assert_eq!(rows[2].cells, ["普通"]);
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("青川市"), 6);
        assert_eq!(display_width("长行\nx"), 4);
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 ,\"]{0,8}",
            "[\\p{Han}]{0,6}",
            "['=+@\\- ][a-z0-9=+@']{0,6}",
            Just(String::new())
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_xlsx(&bytes, None, &Limits::default());
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = read_xlsx(&zipped, None, &Limits::default());
        }

        #[test]
        fn never_panics_on_a_damaged_workbook(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut bytes = write_xlsx("表", &["名称"], &[vec!["青川市".to_string()]]).unwrap();
            let i = pos.index(bytes.len());
            bytes[i] = byte;
            let _ = read_xlsx(&bytes, None, &Limits::default());
        }

        #[test]
        fn any_written_table_reads_back(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..4), 0..5)
        ) {
            let bytes = write_xlsx("表", &["甲", "乙"], &rows).unwrap();
            prop_assert!(crate::formula_cells(&bytes, crate::Format::Xlsx).is_empty());
            let read = read_xlsx(&bytes, None, &Limits::default()).unwrap();
            let mut expected = vec![vec!["甲".to_string(), "乙".to_string()]];
            for r in &rows {
                let mut r = r.clone();
                trim_trailing(&mut r);
                if !(Row { line: 0, cells: r.clone() }).is_blank() {
                    expected.push(r);
                }
            }
            let got: Vec<Vec<String>> = read.into_iter().map(|r| r.cells).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
