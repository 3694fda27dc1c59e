//! The ledger's imports: templates that open with marked headers, drop-downs and notes, and
//! imports that refuse a bad file whole while naming every bad cell or column and the limit
//! they pass. (Exports and round trips: `ledger.rs`.)

mod common;

use common::{fw, import, import_file, part, rows_err, sample_study};
use fazhi_domain::ledger::{FieldType, RecordKind};
use fazhi_domain::Framework;
use fazhi_sheet::ledger::{
    export_xlsx, headers, parse_import, problems_csv, template_xlsx, LedgerSheetError, RowProblem,
    MAX_IMPORT_ROWS, NOTES_SHEET,
};
use fazhi_sheet::{normalize_header, read_csv, read_xlsx, Limits, SheetError};
use std::collections::HashSet;

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
        let e = import_file(kind, &xlsx, "模板.xlsx").unwrap_err();
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
        let e = import_file(RecordKind::Study, b"\xd0\xcf\x11\xe0", name).unwrap_err();
        assert!(
            matches!(e, LedgerSheetError::File(SheetError::Unsupported(_))),
            "{name}: {e}"
        );
        assert!(e.to_string().contains(".xlsx"), "{e}");
    }
    let e = import_file(RecordKind::Study, b"PK\x03\x04broken", "upload").unwrap_err();
    assert!(
        matches!(e, LedgerSheetError::File(SheetError::Xlsx(_))),
        "{e}"
    );
    // A workbook named .csv is read as the workbook it is.
    let xlsx = export_xlsx(RecordKind::Study, &[sample_study(1)], &framework).unwrap();
    let rows = import_file(RecordKind::Study, &xlsx, "台账.csv").unwrap();
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
