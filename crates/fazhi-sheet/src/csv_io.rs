//! CSV: decoding as Excel writes it, reading within limits, writing for Excel.

use crate::formula::{neutralize, unneutralize};
use crate::{trim_trailing, Limits, Row, SheetError};
use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads CSV bytes into rows. The encoding is found from a byte-order mark, else UTF-8 when
/// the bytes are valid UTF-8, else by detection (Excel on Chinese Windows saves “CSV” in GBK,
/// read here as its superset GB18030). The delimiter is a comma, or a tab / semicolon when the
/// first line has those and no comma (Excel's “Unicode text” is tab-separated UTF-16).
/// Blank rows are skipped; line numbers are those of the file. The formula escape of
/// [`write_csv`] is undone ([`unneutralize`]: `'=1+1` reads as `=1+1`), so what this crate
/// wrote reads back as the values written.
pub fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Vec<Row>, SheetError> {
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(SheetError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    let text = decode(bytes)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(lines.counted_to, |p| {
                    usize::try_from(p.byte()).unwrap_or(usize::MAX)
                });
                let line = lines.line_at(at);
                return Err(SheetError::Csv {
                    line,
                    message: csv_message(&e),
                });
            }
        }
        let start = record.position().map_or(lines.counted_to, |p| {
            usize::try_from(p.byte()).unwrap_or(usize::MAX)
        });
        let line = lines.line_at(start);
        let mut cells: Vec<String> = Vec::with_capacity(record.len().min(limits.max_columns));
        for (i, field) in record.iter().enumerate() {
            let field = unneutralize(field);
            if field.len() > limits.max_cell_chars && field.chars().count() > limits.max_cell_chars
            {
                return Err(SheetError::CellTooLong {
                    line,
                    column: i + 1,
                    limit: limits.max_cell_chars,
                });
            }
            cells.push(field.to_string());
        }
        trim_trailing(&mut cells);
        if cells.len() > limits.max_columns {
            return Err(SheetError::TooManyColumns {
                line,
                found: cells.len(),
                limit: limits.max_columns,
            });
        }
        let row = Row { line, cells };
        if row.is_blank() {
            continue;
        }
        if rows.len() >= limits.max_rows {
            return Err(SheetError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Line numbers of record starts. The csv crate's own count lags a line after a CRLF
/// terminator (the LF is consumed with the next record), so lines are counted here from byte
/// offsets, which only move forward.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, start: usize) -> usize {
        let mut start = start.clamp(self.counted_to, self.bytes.len());
        // A record never starts with a line break: skip the one a CRLF terminator left.
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line += self.bytes[self.counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = start;
        self.line
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "含有无法识别的字符".to_string(),
        _ => "无法解析该行，请检查引号是否成对".to_string(),
    }
}

/// The text of a CSV file in whatever encoding Excel or a text editor saved it.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SheetError> {
    let (encoding, body): (&'static Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (UTF_16BE, rest)
        } else if let Ok(s) = std::str::from_utf8(bytes) {
            return Ok(Cow::Borrowed(s));
        } else {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let guess = detector.guess(None, false);
            // GBK text is GB18030 text; the superset also reads the rare characters GBK lacks.
            (if guess == GBK { GB18030 } else { guess }, bytes)
        };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(SheetError::Encoding);
    }
    Ok(text)
}

/// Comma unless the first non-blank line has no comma but tabs (or semicolons).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains(',') {
        b','
    } else if first.contains('\t') {
        b'\t'
    } else if first.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Writes a table as CSV for Excel: UTF-8 with a byte-order mark (without one Excel reads
/// UTF-8 as the system's code page and shows mojibake), CRLF line ends, fields quoted by the
/// `csv` crate when they need it (a comma, a quote, a line break; and a row of no field or
/// one empty field is written `""`). White space at a field's ends is written as it is,
/// unquoted: RFC 4180, Excel, WPS and [`read_csv`] all keep it.
///
/// Every field, the header's too, is safe from formula injection: one that a spreadsheet
/// would evaluate ([`crate::is_formula_like`]: `=1+1`, `+1`, `-1`, `@SUM(A1)`, `\t=1`,
/// ` =1` …) or that starts with `'` is written with a leading `'` ([`neutralize`]), which
/// Excel and WPS show as text; [`read_csv`] takes it off again. This is the one CSV writer
/// of the platform, so no export can forget it.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + rows.len() * 64);
    out.extend_from_slice(UTF8_BOM);
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    write_record(&mut writer, headers.iter().copied());
    for row in rows {
        write_record(&mut writer, row.iter().map(String::as_str));
    }
    writer.into_inner().expect(IN_MEMORY)
}

/// Writing to memory has no IO to fail, and a `flexible` writer takes rows of any length:
/// the csv crate has no error left to give.
const IN_MEMORY: &str = "writing CSV to memory cannot fail";

/// One row, each field neutralised first (the csv crate quotes, it does not neutralise).
fn write_record<'a>(writer: &mut csv::Writer<Vec<u8>>, fields: impl Iterator<Item = &'a str>) {
    for field in fields {
        writer
            .write_field(neutralize(field).as_bytes())
            .expect(IN_MEMORY);
    }
    writer.write_record(None::<&[u8]>).expect(IN_MEMORY);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = "类别,代码,名称\n区域,991000,青川市\n";
        let limits = Limits::default();
        let a = read_csv(plain.as_bytes(), &limits).unwrap();
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(plain.as_bytes());
        let b = read_csv(&bom, &limits).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            cells(&a),
            vec![
                vec!["类别", "代码", "名称"],
                vec!["区域", "991000", "青川市"]
            ]
        );
        assert_eq!(a[1].line, 2);
    }

    #[test]
    fn gbk_as_excel_saves_it() {
        let text = "类别,代码,名称\r\n单位,99100001,青川市科学技术和工业信息化局\r\n";
        let (gbk, _, bad) = GBK.encode(text);
        assert!(!bad);
        let rows = read_csv(&gbk, &Limits::default()).unwrap();
        assert_eq!(rows[1].cells[2], "青川市科学技术和工业信息化局");
        // A character outside GBK but inside GB18030.
        let (gb, _, _) = GB18030.encode("名称\r\n𠀀镇,1\r\n");
        assert_eq!(
            read_csv(&gb, &Limits::default()).unwrap()[1].cells[0],
            "𠀀镇"
        );
    }

    #[test]
    fn utf16_tab_separated() {
        let text = "类别\t代码\n区域\t991000\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let rows = read_csv(&bytes, &Limits::default()).unwrap();
        assert_eq!(
            cells(&rows),
            vec![vec!["类别", "代码"], vec!["区域", "991000"]]
        );
    }

    #[test]
    fn line_numbers_skip_blank_rows_and_count_multiline_cells() {
        let text = "a,b\n\n,,\n\"x\ny\",2\nz,3\n";
        let rows = read_csv(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 4, 6]
        );
        assert_eq!(rows[1].cells[0], "x\ny");
        let crlf = read_csv(b"a\r\nb\r\n\r\n\"c\r\nd\"\r\ne\r\n", &Limits::default()).unwrap();
        assert_eq!(
            crlf.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 4, 6]
        );
    }

    #[test]
    fn limits_are_named() {
        let limits = Limits {
            max_bytes: 100,
            max_rows: 2,
            max_columns: 3,
            max_cell_chars: 5,
            ..Limits::default()
        };
        let e = read_csv(&[b'a'; 101], &limits).unwrap_err();
        assert!(e.to_string().contains("超过上限 100 字节"), "{e}");
        let e = read_csv(b"a\nb\nc\n", &limits).unwrap_err();
        assert!(e.to_string().contains("超过上限 2 行"), "{e}");
        let e = read_csv(b"a,b,c,d\n", &limits).unwrap_err();
        assert!(e.to_string().contains("第 1 行列数过多"), "{e}");
        // Trailing empty cells do not count as columns.
        assert!(read_csv(b"a,b,c,,,\n", &limits).is_ok());
        let e = read_csv("x\n一二三四五六\n".as_bytes(), &limits).unwrap_err();
        assert!(e.to_string().contains("第 2 行第 1 列内容过长"), "{e}");
        assert!(read_csv("一二三四五\n".as_bytes(), &limits).is_ok());
    }

    #[test]
    fn undecodable_bytes_are_refused() {
        // Bytes that are neither UTF-8 nor a valid double-byte sequence anywhere.
        let e = read_csv(b"\xFF\xFF\x80\x80\xFF", &Limits::default());
        if let Err(e) = e {
            assert!(e.to_string().contains("编码"), "{e}");
        }
    }

    #[test]
    fn written_csv_has_bom_and_quotes() {
        let out = write_csv(
            &["名称", "备注"],
            &[vec!["青川市, 司法局".into(), "说\"明\"".into()]],
        );
        assert!(out.starts_with(UTF8_BOM));
        let s = std::str::from_utf8(&out[3..]).unwrap();
        assert_eq!(s, "名称,备注\r\n\"青川市, 司法局\",\"说\"\"明\"\"\"\r\n");
    }

    #[test]
    fn white_space_at_the_ends_is_kept_unquoted_and_reads_back() {
        let out = write_csv(&["名称"], &[vec![" 青川市 ".into(), "\u{3000}甲".into()]]);
        let s = std::str::from_utf8(&out[3..]).unwrap();
        assert_eq!(s, "名称\r\n 青川市 ,\u{3000}甲\r\n");
        let back = read_csv(&out, &Limits::default()).unwrap();
        assert_eq!(back[1].cells, [" 青川市 ", "\u{3000}甲"]);
    }

    #[test]
    fn formula_like_fields_are_escaped_and_read_back() {
        let payloads: Vec<String> = crate::FORMULA_EXAMPLES
            .iter()
            .map(|p| p.to_string())
            .collect();
        let headers: Vec<&str> = crate::FORMULA_EXAMPLES.to_vec();
        let rows = vec![
            payloads.clone(),
            vec!["普通".to_string(), "'备注".to_string()],
        ];
        let out = write_csv(&headers, &rows);
        // As a spreadsheet parses it (the csv crate, not our reader).
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&out[3..]);
        let parsed: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        for field in parsed.iter().flat_map(|r| r.iter()) {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])
                    && !field
                        .trim_start_matches([' ', '\u{3000}'])
                        .starts_with(['=', '+', '-', '@']),
                "{field:?}"
            );
        }
        assert_eq!(&parsed[0][7], "''=1");
        assert_eq!(&parsed[2][1], "''备注");
        assert!(crate::formula_cells(&out, crate::Format::Csv).is_empty());
        // Our reader gives the values back.
        let back = read_csv(&out, &Limits::default()).unwrap();
        assert_eq!(back[0].cells, payloads);
        assert_eq!(back[1].cells, payloads);
        assert_eq!(back[2].cells, ["普通", "'备注"]);
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 ,\"]{0,8}",
            "['=+@\\- \t][a-z0-9=+@']{0,6}",
            "[\\PC]{0,6}",
            "[\\s\\S]{0,6}",
            Just(String::new()),
        ]
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_csv(&bytes, &Limits::default());
            let small = Limits { max_bytes: 200, max_rows: 3, max_columns: 2, max_cell_chars: 4, ..Limits::default() };
            let _ = read_csv(&bytes, &small);
        }

        #[test]
        fn never_panics_on_text(text in "[\\s\\S]{0,200}") {
            let _ = read_csv(text.as_bytes(), &Limits::default());
        }

        #[test]
        fn written_csv_reads_back(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 0..6)
        ) {
            let headers = ["甲", "乙"];
            let bytes = write_csv(&headers, &rows);
            prop_assert!(crate::formula_cells(&bytes, crate::Format::Csv).is_empty());
            let read = read_csv(&bytes, &Limits::default()).unwrap();
            let mut expected: Vec<Vec<String>> = vec![headers.iter().map(|h| h.to_string()).collect()];
            for r in &rows {
                let mut r = r.clone();
                trim_trailing(&mut r);
                let row = Row { line: 0, cells: r.clone() };
                if !row.is_blank() {
                    expected.push(r);
                }
            }
            let got: Vec<Vec<String>> = read.into_iter().map(|r| r.cells).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
