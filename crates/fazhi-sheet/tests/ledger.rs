//! The ledger's exports: typed and safe from formulas, and imported back as the same records
//! (generated records of every kind, through XLSX and CSV), up to the largest import. (Templates
//! and import problems: `ledger_import.rs`.)

mod common;

use common::{data_2025, fw, raw, sample_study};
use fazhi_domain::ledger::{
    format_hours, parse_fields, FieldType, Record, RecordData, RecordKind, MAX_LIST_ITEMS,
};
use fazhi_domain::{Framework, RecordId, UnitId};
use fazhi_sheet::ledger::{
    export_csv, export_xlsx, headers, parse_import, problems_csv, template_xlsx, LedgerSheetError,
    RowProblem, MAX_IMPORT_ROWS, NOTES_SHEET,
};
use fazhi_sheet::{formula_cells, is_formula_like, read_csv, read_xlsx, Format, Limits};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::collections::BTreeMap;
use std::io::Read;

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

/// `n` records of `kind` drawn by `runner` from [`record_strategy`].
fn generated(kind: RecordKind, n: usize, runner: &mut TestRunner) -> Vec<RecordData> {
    (0..n)
        .map(|_| record_strategy(kind).new_tree(runner).unwrap().current())
        .collect()
}

fn records(data: &[RecordData]) -> Vec<Record> {
    data.iter()
        .enumerate()
        .map(|(i, d)| Record {
            id: RecordId(i as i64 + 1),
            unit_id: UnitId(3),
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
        assert_round_trip(kind, &generated(kind, 25, &mut runner));
    }
}

#[test]
fn a_long_list_round_trips() {
    let laws = (0..MAX_LIST_ITEMS)
        .map(|i| format!("法{i}"))
        .collect::<Vec<_>>()
        .join("、");
    let raw = raw(&[
        ("date", "2025-01-02"),
        ("form", "集中学法"),
        ("topic", "x"),
        ("laws", &laws),
    ]);
    let data = data_2025(RecordKind::Study, &raw, &["rules"]);
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
        let raw = raw(&[
            ("date", "2025-01-02"),
            ("form", "集中学法"),
            ("topic", topic),
            ("note", topic),
        ]);
        data.push(data_2025(RecordKind::Study, &raw, &["rules"]));
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
            let raw = raw(&[
                ("date", "2025-03-06"),
                ("form", "集中学法"),
                ("topic", p),
                ("note", p),
            ]);
            Record {
                id: RecordId(i as i64 + 1),
                unit_id: UnitId(1),
                data: data_2025(kind, &raw, &[&format!("n{}", i % 4)]),
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
                id: RecordId(i as i64 + 1),
                unit_id: UnitId(1),
                data: data_2025(kind, &raw, &["thought", "decision.procedure"]),
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
        let recs = records(&generated(kind, 3, &mut runner));
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
