//! The ledger (台账) through the JSON API, as its users meet it: the real server, a fresh
//! database (SQLite, or PostgreSQL with `FAZHI_TEST_BACKEND=postgres`), API tokens. One test
//! binary, a module per topic; the helpers they share are here.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod attachments;
mod import;
mod records;
mod summary;

use common::api::{Account, ApiWorld};
use fazhi_domain::ledger::RecordKind;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Minimal valid fields of every kind (required ones only, plus what keeps the rules
/// quiet), with one field to change on update and its new value.
fn minimal(kind: RecordKind) -> (Value, &'static str, Value) {
    match kind {
        RecordKind::Study => (
            json!({"date": "2025-03-06", "form": "党组会学法", "topic": "学习行政处罚法"}),
            "topic",
            json!("学习行政许可法"),
        ),
        RecordKind::Collective => (
            json!({"date": "2025-04-01", "meeting": "党组会议", "matters": "年度预算安排",
                   "category": "大额资金使用"}),
            "matters",
            json!("年度预算调整"),
        ),
        RecordKind::MajorDecision => (
            json!({"title": "科技创新券管理办法"}),
            "title",
            json!("科技创新券管理办法（修订）"),
        ),
        RecordKind::Normative => (
            json!({"title": "关于规范技术合同登记的通知", "market": false}),
            "title",
            json!("关于进一步规范技术合同登记的通知"),
        ),
        RecordKind::Officer => (
            json!({"name": "张明", "cert_no": "99100201001", "valid_until": "2099-12-31"}),
            "name",
            json!("张明远"),
        ),
        RecordKind::Training => (
            json!({"name": "张明", "cert_no": "99100201001", "date": "2025-05-10",
                   "topic": "行政执法三项制度", "hours": 8}),
            "hours",
            json!(12.5),
        ),
        RecordKind::Popularization => (
            json!({"date": "2025-12-04", "theme": "宪法进企业", "campaign": "宪法宣传周"}),
            "theme",
            json!("宪法进园区"),
        ),
        RecordKind::Suggestion => (
            json!({"category": "人大代表建议", "title": "关于支持中小企业研发的建议",
                   "assigned": "2025-03-20", "answered": "2025-05-20"}),
            "title",
            json!("关于加大中小企业研发支持的建议"),
        ),
        RecordKind::Publication => (
            json!({"date": "2025-02-01", "category": "决策公开", "title": "年度重大行政决策事项目录"}),
            "title",
            json!("2025年度重大行政决策事项目录"),
        ),
        RecordKind::DisclosureRequest => (
            json!({"received": "2025-06-03", "content": "申请公开技术合同登记数量",
                   "replied": "2025-06-10"}),
            "content",
            json!("申请公开2024年技术合同登记数量"),
        ),
        RecordKind::EnterpriseRequest => (
            json!({"received": "2025-07-01", "enterprise": "青川精工有限公司",
                   "content": "咨询高新技术企业认定条件"}),
            "enterprise",
            json!("青川精工股份有限公司"),
        ),
        RecordKind::ServiceItem => (
            json!({"name": "技术合同认定登记", "list": "政务服务事项", "item_type": "公共服务"}),
            "handled",
            json!(120),
        ),
        RecordKind::Inspection => (
            json!({"date": "2025-08-12", "category": "执法检查", "subject": "青川精工有限公司"}),
            "subject",
            json!("青川精工股份有限公司"),
        ),
        RecordKind::ReviewCase => (
            json!({"category": "行政应诉", "received": "2025-09-01", "subject": "不服行政处罚决定"}),
            "leader_appeared",
            json!(true),
        ),
        RecordKind::Rectification => (
            json!({"shortcoming": "执法人员培训学时不足", "source": "上年度报告",
                   "actions": "制定年度培训计划", "status": "整改中"}),
            "actions",
            json!("制定年度培训计划并按季度督办"),
        ),
    }
}

fn ledger_path(unit: i64, kind: RecordKind) -> String {
    format!("/units/{unit}/ledger/{}", kind.code())
}

/// Creates a record as `who` and answers status and body.
async fn create(
    app: &ApiWorld,
    who: &Account,
    unit: i64,
    kind: RecordKind,
    body: Value,
) -> (StatusCode, Value) {
    app.call_json(Method::POST, &ledger_path(unit, kind), who, &body)
        .await
}

/// Creates a record that must be accepted; answers the record.
async fn created(app: &ApiWorld, unit: i64, kind: RecordKind, fields: Value) -> Value {
    let who = if unit == app.unit_a {
        &app.staff_a
    } else {
        &app.staff_b
    };
    let (status, body) = create(
        app,
        who,
        unit,
        kind,
        json!({"year": 2025, "fields": fields}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["record"].clone()
}

async fn get(app: &ApiWorld, who: &Account, path: &str) -> (StatusCode, Value) {
    app.call(Method::GET, path, who).await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
