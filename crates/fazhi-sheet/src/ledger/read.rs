//! The import: a file of one kind read into records, every problem of every row named.

use super::{
    columns, quote, Column, ImportedRow, LedgerSheetError, RowProblem, INDICATOR_HEADER,
    MAX_IMPORT_ROWS, NOTES_SHEET, SERIAL_HEADER, YEAR_HEADER,
};
use crate::xlsx_io::read_xlsx_or_first;
use crate::{normalize_header, read_csv, Format, Limits, Row, SheetError};
use fazhi_domain::ledger::{
    parse_fields, FieldSpec, IndicatorError, IndicatorParser, RecordData, RecordKind,
};
use fazhi_domain::Framework;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Rows above the header (a title such as “2025年学法台账”) looked through for it.
const HEADER_SEARCH_ROWS: usize = 10;

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
        fazhi_domain::ReportYear::check(self.default_year)
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

fn parse_year(t: &str) -> Result<i32, String> {
    let s = t.trim().trim_end_matches('年').trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    let bad = || format!("年度应为四位年份，如 2025（填的是：{}）", quote(t));
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let y: i32 = s.parse().map_err(|_| bad())?;
    fazhi_domain::ReportYear::check(y).map(|()| y)
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
