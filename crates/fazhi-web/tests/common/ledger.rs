//! The ledger helpers the page tests share: a 学法 record as the form posts it, made through
//! the form, or built in memory.

use super::{Browser, Page};
use fazhi_domain::ledger::{parse_fields, Record, RecordData, RecordKind};
use fazhi_domain::{RecordId, UnitId};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// A 学法 record as the form posts it.
pub fn study_form<'a>(csrf: &'a str, date: &'a str, topic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("year", "2025"),
        ("f.date", date),
        ("f.form", "党组会学法"),
        ("f.topic", topic),
        ("f.laws", "宪法、行政处罚法"),
        ("f.attendees", "12"),
        ("f.leader_present", "是"),
        ("f.hours", ""),
        ("f.note", ""),
        ("indicators", "thought"),
    ]
}

/// The record id of a `/ledger/{id}?done=…` redirect.
pub fn record_id(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let loc = page.location().expect("a redirect");
    loc.strip_prefix("/ledger/")
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a record: {loc}"))
}

pub async fn create_study(b: &Browser, unit: UnitId, date: &str, topic: &str) -> i64 {
    let csrf = b.csrf().await;
    let page = b
        .post_form(
            &format!("/units/{unit}/ledger/study"),
            &study_form(&csrf, date, topic),
        )
        .await;
    record_id(&page)
}

/// 学法 records built in memory, as an export of another system would hold them.
pub fn study_records(rows: &[(&str, &str)]) -> Vec<Record> {
    rows.iter()
        .enumerate()
        .map(|(i, (date, topic))| {
            let raw: BTreeMap<String, String> = [
                ("date", *date),
                ("form", "集中学法"),
                ("topic", *topic),
                ("attendees", "30"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            Record {
                id: RecordId(i as i64 + 1),
                unit_id: UnitId(1),
                data: RecordData {
                    kind: RecordKind::Study,
                    year: 2025,
                    fields: parse_fields(RecordKind::Study, &raw).unwrap(),
                    indicators: vec!["thought".into()],
                },
            }
        })
        .collect()
}
