//! What the ledger sheet tests share: the framework, imports with the usual name, year and
//! limits, records built from field texts, the XML of a workbook's part.
#![allow(dead_code)]

use fazhi_domain::ledger::RecordId;
use fazhi_domain::ledger::{parse_fields, Record, RecordData, RecordKind};
use fazhi_domain::{Framework, UnitId};
use fazhi_sheet::ledger::{parse_import, ImportedRow, LedgerSheetError, RowProblem};
use fazhi_sheet::Limits;
use std::collections::BTreeMap;
use std::io::Read;

pub fn fw() -> Framework {
    Framework::builtin()
}

/// An import of `kind` from `bytes` named `name`, for 2025, with the built-in framework and
/// the default limits.
pub fn import_file(
    kind: RecordKind,
    bytes: &[u8],
    name: &str,
) -> Result<Vec<ImportedRow>, LedgerSheetError> {
    parse_import(kind, bytes, name, 2025, &fw(), &Limits::default())
}

/// An import of `kind` from the CSV `text` (`台账.csv`).
pub fn import(kind: RecordKind, text: &str) -> Result<Vec<ImportedRow>, LedgerSheetError> {
    import_file(kind, text.as_bytes(), "台账.csv")
}

pub fn rows_err(r: Result<Vec<ImportedRow>, LedgerSheetError>) -> Vec<RowProblem> {
    match r {
        Err(LedgerSheetError::Rows(p)) => p,
        other => panic!("expected row problems, got {other:?}"),
    }
}

/// The XML of one part of a workbook.
pub fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Field texts by key, as a form sends them.
pub fn raw<V: ToString>(pairs: &[(&str, V)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The data of a record of `kind` for 2025, its fields parsed from `raw`.
pub fn data_2025(
    kind: RecordKind,
    raw: &BTreeMap<String, String>,
    indicators: &[&str],
) -> RecordData {
    RecordData {
        kind,
        year: 2025,
        fields: parse_fields(kind, raw).unwrap(),
        indicators: indicators.iter().map(|c| c.to_string()).collect(),
    }
}

/// A 学法 record with every field filled, a formula-like topic and a note with line
/// breaks, commas and quotes.
pub fn sample_study(id: i64) -> Record {
    let raw = raw(&[
        ("date", "2025-03-06"),
        ("form", "党组会学法"),
        ("topic", "=HYPERLINK(\"http://x\")"),
        ("laws", "宪法、行政处罚法"),
        ("attendees", "12"),
        ("leader_present", "是"),
        ("hours", "1.5"),
        ("note", "第一行\n第二行，含逗号,\"引号\""),
    ]);
    Record {
        id: RecordId(id),
        unit_id: UnitId(1),
        data: data_2025(RecordKind::Study, &raw, &["thought", "leadership.capacity"]),
    }
}
