//! The ledger's sheets: templates, exports that import back as the same records, and
//! imports that refuse a bad file whole while naming every bad cell.

use fazhi_domain::ledger::{
    format_hours, parse_fields, FieldType, Record, RecordData, RecordKind, MAX_LIST_ITEMS,
};
use fazhi_domain::Framework;
use fazhi_sheet::ledger::{
    export_csv, export_xlsx, headers, parse_import, problems_csv, template_xlsx, ImportedRow,
    LedgerSheetError, RowProblem, MAX_IMPORT_ROWS, NOTES_SHEET,
};
use fazhi_sheet::{
    formula_cells, is_formula_like, normalize_header, read_csv, read_xlsx, Format, Limits,
    SheetError,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::collections::{BTreeMap, HashSet};
use std::io::Read;

fn fw() -> Framework {
    Framework::builtin()
}

fn import(kind: RecordKind, text: &str) -> Result<Vec<ImportedRow>, LedgerSheetError> {
    parse_import(
        kind,
        text.as_bytes(),
        "台账.csv",
        2025,
        &fw(),
        &Limits::default(),
    )
}

fn rows_err(r: Result<Vec<ImportedRow>, LedgerSheetError>) -> Vec<RowProblem> {
    match r {
        Err(LedgerSheetError::Rows(p)) => p,
        other => panic!("expected row problems, got {other:?}"),
    }
}

/// The XML of one part of a workbook.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn headers_are_year_fields_indicators_and_unambiguous() {
    let h = headers(RecordKind::Study);
    assert_eq!(
        h,
        [
            "年度",
            "日期",
            "学法形式",
            "主题",
            "学习法律法规",
            "参加人数",
            "主要负责人参加",
            "学时",
            "备注",
            "指标"
        ]
    );
    for kind in RecordKind::ALL {
        let h = headers(kind);
        assert_eq!(h.len(), kind.fields().len() + 2);
        let normalized: HashSet<String> = h.iter().map(|x| normalize_header(x)).collect();
        assert_eq!(
            normalized.len(),
            h.len(),
            "{kind:?}: two headers read alike"
        );
        assert!(!normalized.contains("序号"), "{kind:?}");
    }
}

#[test]
fn every_template_opens_with_marked_headers_drop_downs_and_notes() {
    let framework = fw();
    for kind in RecordKind::ALL {
        let xlsx = template_xlsx(kind).unwrap();
        let rows = read_xlsx(&xlsx, Some(kind.label()), &Limits::default()).unwrap();
        assert_eq!(rows.len(), 1, "{kind:?}: only the header");
        let expected: Vec<String> = std::iter::once("年度".to_string())
            .chain(kind.fields().iter().map(|f| {
                if f.required {
                    format!("{}*", f.label)
                } else {
                    f.label.to_string()
                }
            }))
            .chain(std::iter::once("指标".to_string()))
            .collect();
        assert_eq!(rows[0].cells, expected, "{kind:?}");

        let notes = read_xlsx(&xlsx, Some(NOTES_SHEET), &Limits::default()).unwrap();
        let text: Vec<&str> = notes
            .iter()
            .flat_map(|r| r.cells.iter().map(String::as_str))
            .collect();
        for f in kind.fields() {
            assert!(
                text.contains(&f.label),
                "{kind:?}: {} not explained",
                f.label
            );
            if !f.help.is_empty() {
                assert!(text.contains(&f.help), "{kind:?}: help of {}", f.label);
            }
        }
        for n in framework.nodes() {
            assert!(text.contains(&n.code.as_str()) && text.contains(&n.name.as_str()));
        }

        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        for f in kind.fields() {
            match f.ty {
                FieldType::Choice(c) => {
                    let list = format!("\"{}\"", c.join(","));
                    assert!(sheet.contains(&list), "{kind:?}: drop-down {list}");
                }
                FieldType::Bool => assert!(sheet.contains("\"是,否\""), "{kind:?}"),
                _ => {}
            }
        }
        // Nothing to import yet.
        let e = parse_import(
            kind,
            &xlsx,
            "模板.xlsx",
            2025,
            &framework,
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, LedgerSheetError::NoRows { line: 1 }), "{e}");
    }
    let styles = part(&template_xlsx(RecordKind::Study).unwrap(), "xl/styles.xml");
    assert!(styles.contains("yyyy-mm-dd"));
}

#[test]
fn a_filled_template_imports_with_marked_headers_and_defaults() {
    let text = " 序号 ,年度,日期 *,学法形式*,主题＊,学时,指标\n\
                1,,2025年3月6日,党组会学法,学习 行政处罚法,2.5学时,\n\
                2,2024,2024/12/30,专题讲座,民法典讲座,,decision.procedure、深入推进“放管服”改革\n\
                3,,,,,,\n";
    let rows = import(RecordKind::Study, text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    let d = &rows[0].data;
    assert_eq!((d.kind, d.year), (RecordKind::Study, 2025));
    assert_eq!(d.fields.text("topic"), Some("学习 行政处罚法"));
    assert_eq!(d.fields.hours("hours"), Some(2.5));
    assert_eq!(d.indicators, RecordKind::Study.default_indicators());
    assert_eq!(rows[1].data.year, 2024);
    assert_eq!(
        rows[1].data.indicators,
        ["decision.procedure", "functions.reform"]
    );
}

#[test]
fn a_title_row_above_the_header_is_passed_over() {
    let text =
        "2025年普法活动台账,,\n活动日期,活动主题,活动类型\n2025-12-04,宪法进企业,宪法宣传周\n";
    let rows = import(RecordKind::Popularization, text).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 3);
}

#[test]
fn every_bad_cell_of_every_row_is_reported_and_nothing_imported() {
    let text = "年度,日期,学法形式,主题,参加人数,主要负责人参加,指标\n\
                2025,2025-03-06,党组会学法,学习宪法,12,是,\n\
                二〇二五,2025-13-01,喝茶,,-3,也许,学雷锋\n\
                2025,2025-04-01,集中学法,学习民法典,10,否,thought\n\
                1900,,专题讲座,讲座,,,\n";
    let problems = rows_err(import(RecordKind::Study, text));
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "年度"),
            (3, "日期"),
            (3, "学法形式"),
            (3, "主题"),
            (3, "参加人数"),
            (3, "主要负责人参加"),
            (3, "指标"),
            (5, "年度"),
            (5, "日期"),
        ]
    );
    assert!(problems[0].message.contains("二〇二五"));
    assert!(problems[2].message.contains("党组会学法"));
    assert!(problems[3].message.contains("必填"));
    assert!(problems[6].message.contains("学雷锋"));
    assert!(problems[7].message.contains("2000—2100"));

    let e = LedgerSheetError::Rows(problems.clone());
    assert!(
        e.to_string().starts_with("2 行数据有误（共 9 处问题）"),
        "{e}"
    );
    assert_eq!(e.problems().len(), 9);

    let csv = problems_csv(&problems);
    let back = read_csv(&csv, &Limits::default()).unwrap();
    assert_eq!(back[0].cells, ["行号", "列", "问题"]);
    assert_eq!(back.len(), 10);
    assert_eq!(back[1].cells[..2], ["3".to_string(), "年度".to_string()]);
}

#[test]
fn header_problems_name_the_columns() {
    // A misspelt column: missing and unknown at once, both named.
    let e = import(
        RecordKind::Study,
        "日期,学法方式,主题,备忘\n2025-01-01,集中学法,x,\n",
    )
    .unwrap_err();
    let LedgerSheetError::Header {
        missing,
        unknown,
        duplicate,
        line,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*line, 1);
    assert_eq!(missing, &["学法形式"]);
    assert_eq!(unknown, &["学法方式", "备忘"]);
    assert!(duplicate.is_empty());
    let msg = e.to_string();
    assert!(msg.contains("缺少必填列：学法形式"), "{msg}");
    assert!(msg.contains("“学法方式”、“备忘”"), "{msg}");
    assert!(msg.contains("日期*"), "{msg}");

    let e = import(RecordKind::Study, "日期,学法形式,主题,主题\n").unwrap_err();
    assert!(e.to_string().contains("重复的列：主题"), "{e}");

    // The 学法 export brought to the training page.
    let e = import(
        RecordKind::Training,
        "年度,日期,学法形式,主题,指标\n2025,2025-01-01,集中学法,x,\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("看起来是“学法”台账"), "{e}");

    // Optional columns may be left out; required ones may not.
    assert!(import(
        RecordKind::Study,
        "日期,学法形式,主题\n2025-01-01,集中学法,x\n"
    )
    .is_ok());
    let e = import(RecordKind::Study, "").unwrap_err();
    assert!(matches!(e, LedgerSheetError::Empty { .. }), "{e}");
    assert!(e.to_string().contains("日期*"));
}

#[test]
fn files_that_are_not_sheets_are_refused_whole() {
    let framework = fw();
    let limits = Limits::default();
    for name in ["台账.xls", "台账.et", "台账.pdf", "台账.docx"] {
        let e = parse_import(
            RecordKind::Study,
            b"\xd0\xcf\x11\xe0",
            name,
            2025,
            &framework,
            &limits,
        )
        .unwrap_err();
        assert!(
            matches!(e, LedgerSheetError::File(SheetError::Unsupported(_))),
            "{name}: {e}"
        );
        assert!(e.to_string().contains(".xlsx"), "{e}");
    }
    let e = parse_import(
        RecordKind::Study,
        b"PK\x03\x04broken",
        "upload",
        2025,
        &framework,
        &limits,
    )
    .unwrap_err();
    assert!(
        matches!(e, LedgerSheetError::File(SheetError::Xlsx(_))),
        "{e}"
    );
    // A workbook named .csv is read as the workbook it is.
    let xlsx = export_xlsx(RecordKind::Study, &[sample_study(1)], &framework).unwrap();
    let rows = parse_import(
        RecordKind::Study,
        &xlsx,
        "台账.csv",
        2025,
        &framework,
        &limits,
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    // The reader's limits are named.
    let tiny = Limits {
        max_bytes: 100,
        ..limits
    };
    let e = parse_import(RecordKind::Study, &xlsx, "a.xlsx", 2025, &framework, &tiny).unwrap_err();
    assert!(e.to_string().contains("超过上限 100 字节"), "{e}");
}

#[test]
fn the_row_limit_is_named() {
    let mut text = String::from("日期,学法形式,主题\n");
    for i in 0..=MAX_IMPORT_ROWS {
        text.push_str(&format!("2025-01-01,集中学法,第{i}次\n"));
    }
    let e = import(RecordKind::Study, &text).unwrap_err();
    assert_eq!(
        e,
        LedgerSheetError::TooManyRows {
            limit: MAX_IMPORT_ROWS
        }
    );
    assert!(e.to_string().contains("超过上限 20000 行"), "{e}");
    // Exactly the limit is fine.
    let last = text.trim_end().rfind('\n').unwrap();
    assert_eq!(
        import(RecordKind::Study, &text[..=last]).unwrap().len(),
        MAX_IMPORT_ROWS
    );
}

#[test]
fn the_readers_cell_column_and_row_limits_are_named() {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_rows: 3,
        max_columns: 5,
        max_cell_chars: 20,
        ..Limits::default()
    };
    let read = |text: &str| {
        parse_import(
            RecordKind::Study,
            text.as_bytes(),
            "台账.csv",
            2025,
            &fw(),
            &limits,
        )
        .unwrap_err()
        .to_string()
    };
    let long = "法".repeat(21);
    let e = read(&format!("日期,学法形式,主题\n2025-01-01,集中学法,{long}\n"));
    assert!(
        e.contains("第 2 行第 3 列") && e.contains("超过上限 20 个字符"),
        "{e}"
    );
    let e = read("日期,学法形式,主题,学时,备注,指标\n");
    assert!(e.contains("超过上限 5 列"), "{e}");
    let e = read(
        "日期,学法形式,主题\n2025-01-01,集中学法,a\n2025-01-02,集中学法,b\n2025-01-03,集中学法,c\n",
    );
    assert!(e.contains("超过上限 3 行"), "{e}");
}

#[test]
fn a_bad_default_year_is_a_row_problem() {
    let p = rows_err(parse_import(
        RecordKind::Study,
        "日期,学法形式,主题\n2025-01-01,集中学法,x\n".as_bytes(),
        "a.csv",
        1900,
        &fw(),
        &Limits::default(),
    ));
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("1900"), "{}", p[0].message);
}

fn sample_study(id: i64) -> Record {
    let raw: BTreeMap<String, String> = [
        ("date", "2025-03-06"),
        ("form", "党组会学法"),
        ("topic", "=HYPERLINK(\"http://x\")"),
        ("laws", "宪法、行政处罚法"),
        ("attendees", "12"),
        ("leader_present", "是"),
        ("hours", "1.5"),
        ("note", "第一行\n第二行，含逗号,\"引号\""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Record {
        id,
        unit_id: 1,
        data: RecordData {
            kind: RecordKind::Study,
            year: 2025,
            fields: parse_fields(RecordKind::Study, &raw).unwrap(),
            indicators: vec!["thought".into(), "leadership.capacity".into()],
        },
    }
}

#[test]
fn exports_are_typed_and_safe_from_formulas() {
    let framework = fw();
    let record = sample_study(7);
    let csv = export_csv(RecordKind::Study, std::slice::from_ref(&record), &framework);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    // As a spreadsheet parses it: the formula escaped with a leading `'`.
    let raw: Vec<csv::StringRecord> = csv::Reader::from_reader(&csv[3..])
        .records()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&raw[0][3], "'=HYPERLINK(\"http://x\")");
    assert!(formula_cells(&csv, Format::Csv).is_empty());
    // As the platform reads it: the escape taken off again.
    let rows = read_csv(&csv, &Limits::default()).unwrap();
    assert_eq!(rows[0].cells, headers(RecordKind::Study));
    assert_eq!(rows[1].cells[3], "=HYPERLINK(\"http://x\")");
    let thought = &framework.get("thought").unwrap().name;
    assert!(rows[1].cells[9].starts_with(thought.as_str()));

    let xlsx = export_xlsx(RecordKind::Study, &[record], &framework).unwrap();
    // Dates are dates and numbers numbers, as people sort and sum them in Excel.
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&xlsx)).unwrap();
    let range = book.worksheet_range("学法").unwrap();
    assert!(matches!(range.get((1, 1)), Some(Data::DateTime(_))));
    assert!(matches!(range.get((1, 0)), Some(Data::Float(_))));
    assert!(matches!(range.get((1, 7)), Some(Data::Float(h)) if *h == 1.5));
    assert!(matches!(range.get((1, 3)), Some(Data::String(s)) if s.starts_with('=')));
}

// --- Generated records: export → import gives the same data ---------------------------

fn text_for(ty: FieldType) -> BoxedStrategy<String> {
    match ty {
        FieldType::Date => (1990i32..2090, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
            .boxed(),
        FieldType::Count => (0i64..100_000).prop_map(|n| n.to_string()).boxed(),
        FieldType::Hours => (0u32..5000)
            .prop_map(|n| format_hours(f64::from(n) / 10.0))
            .boxed(),
        FieldType::Bool => prop_oneof![Just("是".to_string()), Just("否".to_string())].boxed(),
        FieldType::Choice(c) => proptest::sample::select(c).prop_map(str::to_string).boxed(),
        FieldType::List => proptest::collection::vec("[一-龥a-z0-9 ]{1,6}", 1..5)
            .prop_map(|v| v.join("、"))
            .boxed(),
        FieldType::Text => prop_oneof![
            "[一-龥a-z0-9]{1,12}( [一-龥]{1,5})?",
            "[=+@'\\-][一-龥a-z0-9,\"]{0,8}",
            "[\\PC]{1,16}",
            "0[0-9]{5,9}",
        ]
        .boxed(),
        FieldType::LongText => {
            prop_oneof!["[一-龥a-z0-9]{1,12}(\n[一-龥,\" ]{1,5})?", "[\\PC\n]{1,20}",].boxed()
        }
    }
}

/// A record of `kind` with every required field and some optional ones.
fn record_strategy(kind: RecordKind) -> impl Strategy<Value = RecordData> {
    let fields: Vec<BoxedStrategy<Option<String>>> = kind
        .fields()
        .iter()
        .map(|f| {
            if f.required {
                text_for(f.ty).prop_map(Some).boxed()
            } else {
                proptest::option::of(text_for(f.ty)).boxed()
            }
        })
        .collect();
    let codes: Vec<String> = fw().nodes().iter().map(|n| n.code.clone()).collect();
    let indicators = proptest::sample::subsequence(codes, 1..4).prop_shuffle();
    (fields, indicators, fazhi_domain::ReportYear::RANGE).prop_filter_map(
        "text that parses to nothing",
        move |(texts, indicators, year)| {
            let raw: BTreeMap<String, String> = kind
                .fields()
                .iter()
                .zip(texts)
                .filter_map(|(f, t)| t.map(|t| (f.key.to_string(), t)))
                .collect();
            let fields = parse_fields(kind, &raw).ok()?;
            Some(RecordData {
                kind,
                year,
                fields,
                indicators,
            })
        },
    )
}

fn records(data: &[RecordData]) -> Vec<Record> {
    data.iter()
        .enumerate()
        .map(|(i, d)| Record {
            id: i as i64 + 1,
            unit_id: 3,
            data: d.clone(),
        })
        .collect()
}

fn assert_round_trip(kind: RecordKind, data: &[RecordData]) {
    let framework = fw();
    let recs = records(data);
    let limits = Limits::default();
    let xlsx = export_xlsx(kind, &recs, &framework).unwrap();
    let csv = export_csv(kind, &recs, &framework);
    for (bytes, name) in [(&xlsx, "导出.xlsx"), (&csv, "导出.csv")] {
        let back = parse_import(kind, bytes, name, 2001, &framework, &limits)
            .unwrap_or_else(|e| panic!("{kind:?} {name}: {e} {:?}", e.problems()));
        let got: Vec<&RecordData> = back.iter().map(|r| &r.data).collect();
        let want: Vec<&RecordData> = data.iter().collect();
        assert_eq!(got, want, "{kind:?} via {name}");
        let lines: Vec<usize> = back.iter().map(|r| r.line).collect();
        if name.ends_with("xlsx") {
            assert_eq!(lines, (2..2 + data.len()).collect::<Vec<_>>());
        } else {
            // CSV lines count the line breaks inside cells.
            assert!(lines.first().is_none_or(|l| *l == 2));
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
        }
    }
}

#[test]
fn every_kind_round_trips_through_xlsx_and_csv() {
    let mut runner = TestRunner::deterministic();
    for kind in RecordKind::ALL {
        let data: Vec<RecordData> = (0..25)
            .map(|_| {
                record_strategy(kind)
                    .new_tree(&mut runner)
                    .unwrap()
                    .current()
            })
            .collect();
        assert_round_trip(kind, &data);
    }
}

#[test]
fn a_long_list_round_trips() {
    let raw: BTreeMap<String, String> = [
        ("date", "2025-01-02".to_string()),
        ("form", "集中学法".to_string()),
        ("topic", "x".to_string()),
        (
            "laws",
            (0..MAX_LIST_ITEMS)
                .map(|i| format!("法{i}"))
                .collect::<Vec<_>>()
                .join("、"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let data = RecordData {
        kind: RecordKind::Study,
        year: 2025,
        fields: parse_fields(RecordKind::Study, &raw).unwrap(),
        indicators: vec!["rules".into()],
    };
    assert_round_trip(RecordKind::Study, &[data]);
}

fn kind_strategy() -> impl Strategy<Value = RecordKind> {
    proptest::sample::select(RecordKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn export_then_import_gives_the_same_records(
        (kind, data) in kind_strategy().prop_flat_map(|k| {
            (Just(k), proptest::collection::vec(record_strategy(k), 1..8))
        })
    ) {
        assert_round_trip(kind, &data);
    }

    #[test]
    fn random_bytes_are_answered_not_panicked_on(
        kind in kind_strategy(),
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        xlsx in any::<bool>(),
    ) {
        let limits = Limits { max_bytes: 1 << 16, max_rows: 50, max_columns: 30, max_cell_chars: 200, ..Limits::default() };
        let mut input = bytes.clone();
        if xlsx {
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            input = zipped;
        }
        for name in ["a.xlsx", "a.csv", "upload"] {
            let _ = parse_import(kind, &input, name, 2025, &fw(), &limits);
        }
    }

    #[test]
    fn random_csv_text_is_answered_not_panicked_on(
        kind in kind_strategy(),
        body in "[\\s\\S]{0,300}",
        header in any::<bool>(),
    ) {
        // With the kind's own header, the rows get as far as the field parsers.
        let mut text = if header { headers(kind).join(",") + "\n" } else { String::new() };
        text.push_str(&body);
        let r = parse_import(kind, text.as_bytes(), "a.csv", 2025, &fw(), &Limits::default());
        if let Err(LedgerSheetError::Rows(p)) = &r {
            prop_assert!(!p.is_empty());
            prop_assert!(p.iter().all(|p| !p.message.is_empty() && p.line >= 2));
        }
    }

    #[test]
    fn a_damaged_export_is_answered_not_panicked_on(
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut xlsx = export_xlsx(RecordKind::Study, &[sample_study(1)], &fw()).unwrap();
        let i = pos.index(xlsx.len());
        xlsx[i] = byte;
        let _ = parse_import(RecordKind::Study, &xlsx, "a.xlsx", 2025, &fw(), &Limits::default());
    }
}

#[test]
fn xml_escapes_and_control_characters_round_trip() {
    let mut data = Vec::new();
    for topic in [
        "_x0041_ 与 _x005F_",
        "响\u{1}铃\u{7}",
        "tab\there",
        "a\u{FFFE}b",
        "<&>",
    ] {
        let raw: BTreeMap<String, String> = [
            ("date", "2025-01-02"),
            ("form", "集中学法"),
            ("topic", topic),
            ("note", topic),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        data.push(RecordData {
            kind: RecordKind::Study,
            year: 2025,
            fields: parse_fields(RecordKind::Study, &raw).unwrap(),
            indicators: vec!["rules".into()],
        });
    }
    assert_round_trip(RecordKind::Study, &data);
}

// --- Formula injection: every export escapes what a spreadsheet would evaluate ----------

// The review's payloads.
use fazhi_sheet::FORMULA_EXAMPLES as PAYLOADS;

/// The trigger rule, written out here independently of `is_formula_like`.
fn triggers(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])
        || field
            .trim_start_matches([' ', '\u{3000}'])
            .starts_with(['=', '+', '-', '@'])
}

/// A CSV as a spreadsheet parses it (with the `csv` crate, not the crate's reader): no field
/// may trigger a formula.
fn assert_csv_inert(csv: &[u8]) {
    let body = csv.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut fields = 0;
    for record in reader.records() {
        for field in record.unwrap().iter() {
            fields += 1;
            assert!(!triggers(field), "{field:?} would be evaluated");
        }
    }
    assert!(fields > 0);
    assert_eq!(formula_cells(csv, Format::Csv), Vec::<String>::new());
}

/// An XLSX: no formula anywhere, and every formula-like text cell with the quote prefix.
fn assert_xlsx_inert(xlsx: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheets: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .map(str::to_string)
        .collect();
    assert!(!sheets.is_empty());
    for name in sheets {
        let mut xml = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(
            !xml.contains("<f>") && !xml.contains("<f ") && !xml.contains("<f/>"),
            "{name} holds a formula"
        );
    }
    assert_eq!(formula_cells(xlsx, Format::Xlsx), Vec::<String>::new());
}

/// A framework whose indicator names are payloads (for the 指标 column and the notes).
fn payload_framework() -> Framework {
    let toml_str = |s: &str| {
        format!(
            "\"{}\"",
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\t', "\\t")
                .replace('\r', "\\r")
        )
    };
    let mut text = String::from("name = \"=框架\"\n");
    for (i, p) in ["=1+1", "+1", "@SUM(A1)", "-1"].iter().enumerate() {
        text.push_str(&format!(
            "[[node]]\ncode = \"n{i}\"\norder = {i}\nname = {}\n",
            toml_str(p)
        ));
    }
    Framework::from_toml(&text).unwrap()
}

fn payload_records(kind: RecordKind) -> Vec<Record> {
    PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let raw: BTreeMap<String, String> = [
                ("date", "2025-03-06"),
                ("form", "集中学法"),
                ("topic", p),
                ("note", p),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            Record {
                id: i as i64 + 1,
                unit_id: 1,
                data: RecordData {
                    kind,
                    year: 2025,
                    fields: parse_fields(kind, &raw).unwrap(),
                    indicators: vec![format!("n{}", i % 4)],
                },
            }
        })
        .collect()
}

#[test]
fn ledger_exports_are_inert_and_import_back_as_the_same_records() {
    let kind = RecordKind::Study;
    let framework = payload_framework();
    let records = payload_records(kind);
    // The field parser trims: `\t=1`, `\r=1`, ` =1` are kept as `=1`.
    assert!(records
        .iter()
        .all(|r| is_formula_like(&r.data.fields.display("topic"))
            || r.data.fields.display("topic").starts_with('\'')));

    let csv = export_csv(kind, &records, &framework);
    assert_csv_inert(&csv);
    let xlsx = export_xlsx(kind, &records, &framework).unwrap();
    assert_xlsx_inert(&xlsx);
    for (bytes, name) in [(&csv, "a.csv"), (&xlsx, "a.xlsx")] {
        let back = parse_import(kind, bytes, name, 2025, &framework, &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e} {:?}", e.problems()));
        let got: Vec<&RecordData> = back.iter().map(|r| &r.data).collect();
        let want: Vec<&RecordData> = records.iter().map(|r| &r.data).collect();
        assert_eq!(got, want, "{name}");
    }
    // The template (with the framework's names on its notes sheet) as well.
    let template = fazhi_sheet::ledger::template_xlsx_for(kind, &framework).unwrap();
    assert_xlsx_inert(&template);
    let notes = read_xlsx(&template, Some(NOTES_SHEET), &Limits::default()).unwrap();
    assert!(notes
        .iter()
        .any(|r| r.cells.iter().any(|c| c == "@SUM(A1)")));
    for kind in RecordKind::ALL {
        assert_xlsx_inert(&template_xlsx(kind).unwrap());
    }

    // The problem list quotes the uploader's cells.
    let problems: Vec<RowProblem> = PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, p)| RowProblem {
            line: i + 2,
            column: p.to_string(),
            message: p.to_string(),
        })
        .collect();
    let csv = problems_csv(&problems);
    assert_csv_inert(&csv);
    let back = read_csv(&csv, &Limits::default()).unwrap();
    for (row, p) in back[1..].iter().zip(PAYLOADS) {
        assert_eq!(row.cells[1..], [p.to_string(), p.to_string()]);
    }
}

// --- The largest import: 20,000 records of the widest kind ----------------------------

/// Text of `n` characters, distinct for every `seed` (so the shared strings do not shrink).
fn long_text(seed: usize, n: usize) -> String {
    const WORDS: &str = "深入学习贯彻习近平法治思想推进严格规范公正文明执法健全依法行政制度体系开展行政执法案卷评查";
    let words: Vec<char> = WORDS.chars().collect();
    let mut s = format!("第{seed}项");
    let mut k = seed;
    while s.chars().count() < n {
        s.push(words[k % words.len()]);
        k = k.wrapping_mul(31).wrapping_add(7);
    }
    s
}

/// 20,000 records of 重大行政决策 (18 columns, the widest kind) with every field filled:
/// texts of 40 characters and long texts of 200, all distinct. (The limits' doc measures the
/// same with 60 and 300: 82.6 MB inflated.)
#[test]
fn an_honest_20000_row_export_of_the_widest_kind_imports() {
    let kind = RecordKind::ALL
        .into_iter()
        .max_by_key(|k| k.fields().len())
        .unwrap();
    assert_eq!(kind, RecordKind::MajorDecision);
    let framework = fw();
    let records: Vec<Record> = (0..MAX_IMPORT_ROWS)
        .map(|i| {
            let raw: BTreeMap<String, String> = kind
                .fields()
                .iter()
                .enumerate()
                .map(|(f, spec)| {
                    let seed = i * 100 + f;
                    let v = match spec.ty {
                        FieldType::Date => format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                        FieldType::Count => (i % 1000).to_string(),
                        FieldType::Hours => "1.5".to_string(),
                        FieldType::Bool => "是".to_string(),
                        FieldType::Choice(c) => c[i % c.len()].to_string(),
                        FieldType::Text => long_text(seed, 40),
                        FieldType::LongText => {
                            format!("{}\n{}", long_text(seed, 100), long_text(seed + 50, 100))
                        }
                        FieldType::List => (0..5)
                            .map(|j| long_text(seed + j, 8))
                            .collect::<Vec<_>>()
                            .join("、"),
                    };
                    (spec.key.to_string(), v)
                })
                .collect();
            Record {
                id: i as i64 + 1,
                unit_id: 1,
                data: RecordData {
                    kind,
                    year: 2025,
                    fields: parse_fields(kind, &raw).unwrap(),
                    indicators: vec!["thought".into(), "decision.procedure".into()],
                },
            }
        })
        .collect();
    let xlsx = export_xlsx(kind, &records, &framework).unwrap();
    let limits = Limits::default();
    assert!(xlsx.len() as u64 <= limits.max_bytes, "{}", xlsx.len());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx)).unwrap();
    let inflated: u64 = (0..zip.len())
        .map(|i| std::io::copy(&mut zip.by_index(i).unwrap(), &mut std::io::sink()).unwrap())
        .sum();
    assert!(
        inflated * 2 < limits.max_inflated_bytes,
        "{inflated} bytes inflated: too close to the cap"
    );
    let back = parse_import(kind, &xlsx, "重大行政决策.xlsx", 2025, &framework, &limits)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.len(), MAX_IMPORT_ROWS);
    assert_eq!(back[19_999].data, records[19_999].data);
    assert_eq!(back[12_345].line, 12_347);
}

/// Seeds for the `sheet` and `ledger_sheet` fuzz targets (files the platform writes, with the
/// selector bytes those targets read first), written into `$FAZHI_FUZZ_SEEDS/sheet` and
/// `$FAZHI_FUZZ_SEEDS/ledger_sheet` (scripts/fuzz does this for an empty corpus):
/// `FAZHI_FUZZ_SEEDS=fuzz/corpus cargo test -p fazhi-sheet --test ledger write_fuzz_seeds -- --ignored`
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("FAZHI_FUZZ_SEEDS") else {
        println!("note: set FAZHI_FUZZ_SEEDS to a directory");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let write = |target: &str, name: &str, selector: &[u8], bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).unwrap();
        let mut data = selector.to_vec();
        data.extend_from_slice(bytes);
        std::fs::write(d.join(name), data).unwrap();
    };
    let framework = fw();
    let headers = ["类别", "代码", "名称", "简称", "类型", "上级代码"];
    let org = vec![
        vec!["区域", "991000", "青川市", "", "市", ""],
        vec![
            "单位",
            "99100001",
            "=1+1",
            "市科工局",
            "政府工作部门",
            "991000",
        ],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(str::to_string).collect())
    .collect::<Vec<Vec<String>>>();
    // `sheet`: byte 0 picks the name (0 .csv, 1 .xlsx).
    write(
        "sheet",
        "org-csv",
        &[0],
        &fazhi_sheet::write_csv(&headers, &org),
    );
    write(
        "sheet",
        "org-xlsx",
        &[1],
        &fazhi_sheet::write_xlsx("机构", &headers, &org).unwrap(),
    );
    // `ledger_sheet`: byte 0 the kind, byte 1 the name (0 .xlsx, 1 .csv).
    for (k, kind) in RecordKind::ALL.into_iter().enumerate().take(3) {
        let mut runner = TestRunner::deterministic();
        let data: Vec<RecordData> = (0..3)
            .map(|_| {
                record_strategy(kind)
                    .new_tree(&mut runner)
                    .unwrap()
                    .current()
            })
            .collect();
        let recs = records(&data);
        let k = k as u8;
        write(
            "ledger_sheet",
            &format!("{}-xlsx", kind.code()),
            &[k, 0],
            &export_xlsx(kind, &recs, &framework).unwrap(),
        );
        write(
            "ledger_sheet",
            &format!("{}-csv", kind.code()),
            &[k, 1],
            &export_csv(kind, &recs, &framework),
        );
    }
    write(
        "ledger_sheet",
        "study-template",
        &[0, 0],
        &template_xlsx(RecordKind::Study).unwrap(),
    );
}

/// The cap of the forms and the API holds for the import too (one parser,
/// `fazhi_domain::ledger::IndicatorParser`): 50 indicators import, 51 are refused.
#[test]
fn a_row_with_more_than_fifty_indicators_is_refused() {
    use fazhi_domain::ledger::MAX_INDICATORS;
    let toml: String = std::iter::once("name = \"测试\"\n".to_string())
        .chain(
            (0..=MAX_INDICATORS)
                .map(|i| format!("[[node]]\ncode = \"n{i}\"\norder = {i}\nname = \"指标{i}\"\n")),
        )
        .collect();
    let framework = Framework::from_toml(&toml).unwrap();
    let read = |count: usize| {
        let cell: Vec<String> = (0..count).map(|i| format!("指标{i}")).collect();
        let text = format!(
            "年度,日期,学法形式,主题,指标\n2025,2025-03-06,集中学法,学习民法典,{}\n",
            cell.join("、")
        );
        parse_import(
            RecordKind::Study,
            text.as_bytes(),
            "台账.csv",
            2025,
            &framework,
            &Limits::default(),
        )
    };
    let rows = read(MAX_INDICATORS).unwrap();
    assert_eq!(rows[0].data.indicators.len(), MAX_INDICATORS);
    let problems = rows_err(read(MAX_INDICATORS + 1));
    assert_eq!(
        problems,
        [RowProblem {
            line: 2,
            column: "指标".into(),
            message: "一条记录最多关联 50 个指标，现有 51 个".into(),
        }]
    );
}
