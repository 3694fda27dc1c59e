//! The ledger (台账) through the JSON API, as its users meet it: the real server, a fresh
//! database (SQLite, or PostgreSQL with `FAZHI_TEST_BACKEND=postgres`), API tokens.

mod common;

use common::api::{assert_error, json, Account, ApiWorld, MAX_UPLOAD};
use fazhi_domain::ledger::RecordKind;
use fazhi_store::AuditFilter;
use reqwest::{header, Method, StatusCode};
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
    json(
        app.with_token(Method::POST, &ledger_path(unit, kind), who)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
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
    json(app.with_token(Method::GET, path, who).send().await.unwrap()).await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn every_kind_is_created_read_listed_updated_deleted_and_restored() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    for kind in RecordKind::ALL {
        let (fields, change, new_value) = minimal(kind);
        let res = app
            .with_token(Method::POST, &ledger_path(app.unit_a, kind), a)
            .json(&json!({"year": 2025, "fields": fields}))
            .send()
            .await
            .unwrap();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::CREATED, "{kind:?}: {body}");
        assert!(body["warnings"].is_array(), "{kind:?}: {body}");
        let record = &body["record"];
        let id = record["id"].as_i64().unwrap();
        assert_eq!(
            location.as_deref(),
            Some(format!("/api/v1/ledger/records/{id}").as_str())
        );
        assert_eq!(record["kind"], kind.code());
        assert_eq!(record["kind_label"], kind.label());
        assert_eq!(record["unit_id"], app.unit_a);
        assert_eq!(record["year"], 2025);
        assert_eq!(record["version"], 1);
        assert!(record["deleted_at"].is_null());
        let defaults: Vec<&str> = kind.default_indicators().to_vec();
        assert_eq!(record["indicators"], json!(defaults), "{kind:?}");
        for (key, value) in fields.as_object().unwrap() {
            let got = &record["fields"][key];
            match value {
                // A bool is kept as a bool, a number as a number, text as typed.
                Value::Bool(_) | Value::String(_) => {
                    assert_eq!(got, value, "{kind:?}.{key}: {record}")
                }
                Value::Number(n) => {
                    assert_eq!(got.as_f64(), n.as_f64(), "{kind:?}.{key}: {record}")
                }
                _ => unreachable!(),
            }
            assert!(record["fields_text"][key].is_string(), "{kind:?}.{key}");
        }
        let title_key = kind.title_field();
        assert_eq!(
            record["title"], record["fields_text"][title_key],
            "{kind:?}: the title is the title field"
        );

        // Read back.
        let path = format!("/ledger/records/{id}");
        let (status, got) = get(&app, a, &path).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert_eq!(got["fields"], record["fields"]);

        // Listed.
        let list = ledger_path(app.unit_a, kind);
        let (status, page) = get(&app, a, &format!("{list}?year=2025")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 1, "{kind:?}: {page}");
        assert_eq!(ids(&page), [id]);

        // Update with the version read.
        let mut new_fields = fields.clone();
        new_fields[change] = new_value.clone();
        let update =
            |version: i64| json!({"year": 2025, "fields": new_fields.clone(), "version": version});
        let (status, saved) = json(
            app.with_token(Method::PUT, &path, a)
                .json(&update(1))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {saved}");
        assert_eq!(saved["record"]["version"], 2);
        assert_eq!(saved["record"]["fields"][change], new_value, "{kind:?}");
        assert_eq!(saved["record"]["updated_by"], "staff_a");

        // An edit made on the stale version is refused and changes nothing.
        let (status, body) = json(
            app.with_token(Method::PUT, &path, a)
                .json(&update(1))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(status, &body, StatusCode::CONFLICT, "conflict");
        let (_, got) = get(&app, a, &path).await;
        assert_eq!(got["version"], 2);

        // Soft deletion: gone from the list, still readable, listed under deleted.
        let (status, deleted) = json(
            app.with_token(Method::DELETE, &path, a)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{deleted}");
        assert!(deleted["deleted_at"].is_string(), "{deleted}");
        let (_, page) = get(&app, a, &list).await;
        assert_eq!(page["total"], 0, "{kind:?}: deleted records leave the list");
        let (_, page) = get(&app, a, &format!("{list}?deleted=true")).await;
        assert_eq!(ids(&page), [id]);
        let (status, got) = get(&app, a, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(got["deleted_at"].is_string());
        // A deleted record is not edited.
        let (status, body) = json(
            app.with_token(Method::PUT, &path, a)
                .json(&update(got["version"].as_i64().unwrap()))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(status, &body, StatusCode::CONFLICT, "conflict");

        // Restored.
        let (status, restored) = json(
            app.with_token(Method::POST, &format!("{path}/restore"), a)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{restored}");
        assert!(restored["deleted_at"].is_null());
        let (_, page) = get(&app, a, &list).await;
        assert_eq!(ids(&page), [id]);
    }

    // Every change is audited, at the record's unit, by whom it was made.
    let entries = app
        .store
        .audit(&AuditFilter {
            entity: Some("record".into()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    for action in [
        "record.create",
        "record.update",
        "record.delete",
        "record.restore",
    ] {
        let n = entries.iter().filter(|e| e.action == action).count();
        assert_eq!(n, RecordKind::ALL.len(), "{action}");
    }
    assert!(
        entries
            .iter()
            .all(|e| e.actor_login == "staff_a"
                && e.unit_id == Some(fazhi_domain::UnitId(app.unit_a)))
    );
}

#[tokio::test]
async fn lists_filter_by_year_text_indicator_dates_and_page() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let study =
        |date: &str, form: &str, topic: &str| json!({"date": date, "form": form, "topic": topic});
    let march = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        study("2025-03-06", "党组会学法", "学习行政处罚法"),
    )
    .await;
    let june = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        study("2025-06-12", "集中学法", "学习民法典"),
    )
    .await;
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 2024, "fields": study("2024-11-20", "专题讲座", "学习行政复议法"),
               "indicators": ["leadership.capacity"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let old = body["record"].clone();
    let id = |r: &Value| r["id"].as_i64().unwrap();
    let list = ledger_path(app.unit_a, RecordKind::Study);

    // Newest first by the record's date.
    let (_, page) = get(&app, a, &list).await;
    assert_eq!(ids(&page), [id(&june), id(&march), id(&old)]);
    let (_, page) = get(&app, a, &format!("{list}?year=2025")).await;
    assert_eq!(ids(&page), [id(&june), id(&march)]);
    let (_, page) = get(&app, a, &format!("{list}?q=民法典")).await;
    assert_eq!(ids(&page), [id(&june)]);
    let (_, page) = get(&app, a, &format!("{list}?from=2025-01-01&until=2025-03-31")).await;
    assert_eq!(ids(&page), [id(&march)]);
    // `thought` is a default indicator of the 2025 records, not of the one tagged by hand.
    let (_, page) = get(&app, a, &format!("{list}?indicator=thought")).await;
    assert_eq!(ids(&page), [id(&june), id(&march)]);
    // A parent indicator matches the records tagged below it.
    let (_, page) = get(&app, a, &format!("{list}?indicator=leadership")).await;
    assert_eq!(page["total"], 3, "{page}");
    let (_, page) = get(&app, a, &format!("{list}?limit=1&offset=1")).await;
    assert_eq!(page["total"], 3);
    assert_eq!(ids(&page), [id(&march)]);
    // Other kinds are other lists.
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Training)).await;
    assert_eq!(page["total"], 0);
    // A malformed filter is a Chinese 422, an unknown kind a 404.
    let (status, body) = get(&app, a, &format!("{list}?from=yesterday")).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let (status, body) = get(&app, a, &format!("/units/{}/ledger/nope", app.unit_a)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn procedures_the_law_forbids_are_refused_naming_the_rule() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;

    // A major decision discussed before its legality review was completed.
    let early = json!({"year": 2025, "fields": {
        "title": "科技创新券管理办法",
        "review_sent": "2025-05-06", "review_done": "2025-05-20",
        "discussed": "2025-05-15", "leader_conclusion": "同意印发",
    }});
    let (status, body) = create(&app, a, app.unit_a, RecordKind::MajorDecision, early).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    let v = &body["violations"];
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|v| v["rule"] == "decision-before-legality-review"
                && v["refuse"] == true
                && v["basis"].as_str().is_some_and(|b| !b.is_empty())),
        "{body}"
    );
    let basis = v[0]["basis"].as_str().unwrap();
    assert!(body["message"].as_str().unwrap().contains(basis), "{body}");

    // A normative document affecting the market issued without fair-competition review.
    let unfair = json!({"year": 2025, "fields": {
        "title": "关于支持企业研发投入的若干措施", "market": true,
        "review_done": "2025-04-01", "issued": "2025-04-10",
    }});
    let (status, body) = create(&app, a, app.unit_a, RecordKind::Normative, unfair).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert_eq!(
        body["violations"][0]["rule"], "issued-before-fair-competition-review",
        "{body}"
    );
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Normative)).await;
    assert_eq!(page["total"], 0, "nothing was saved");

    // Done in order it is saved; editing it into the forbidden order is refused too.
    let fair = json!({"year": 2025, "fields": {
        "title": "关于支持企业研发投入的若干措施", "market": true,
        "review_done": "2025-04-01", "fair_review": "2025-04-03", "issued": "2025-04-10",
        "filed": "2025-04-20",
    }});
    let (status, body) = create(&app, a, app.unit_a, RecordKind::Normative, fair).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["warnings"], json!([]), "{body}");
    let rid = body["record"]["id"].as_i64().unwrap();
    let (status, body) = json(
        app.with_token(Method::PUT, &format!("/ledger/records/{rid}"), a)
            .json(&json!({"year": 2025, "version": 1, "fields": {
                "title": "关于支持企业研发投入的若干措施", "market": true,
                "review_done": "2025-04-01", "issued": "2025-04-10",
            }}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    let (_, got) = get(&app, a, &format!("/ledger/records/{rid}")).await;
    assert_eq!(got["version"], 1);
    assert_eq!(got["fields"]["fair_review"], "2025-04-03");

    // What the law only flags is saved with a warning: a suggestion answered late.
    let late = json!({"year": 2025, "fields": {
        "category": "政协委员提案", "title": "关于建设科技企业孵化器的提案",
        "assigned": "2025-03-20", "answered": "2025-08-20",
    }});
    let (status, body) = create(&app, a, app.unit_a, RecordKind::Suggestion, late).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let warnings = body["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{body}");
    assert_eq!(warnings[0]["refuse"], false);
}

#[tokio::test]
async fn field_errors_are_listed_each_by_its_field() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let bad = json!({"year": 2025, "fields": {
        "date": "2025-02-30", "form": "读书会", "attendees": -3, "colour": "红",
    }, "indicators": ["nope.nothing"]});
    let (status, body) = create(&app, a, app.unit_a, RecordKind::Study, bad).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "fields");
    let mut fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["attendees", "colour", "date", "form", "indicators", "topic"],
        "{body}"
    );
    assert!(body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["message"].as_str().unwrap().is_empty()));

    // The year is checked too, and an object is no field value.
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 1900, "fields": {"date": "2025-03-01", "form": "集中学法", "topic": {"x": 1}}}),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "fields");
    assert_eq!(body["fields"][0]["field"], "topic", "{body}");

    // A body that is not the record's shape is refused before anything is parsed.
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 2025, "fields": {}, "colour": 1}),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Study)).await;
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn a_units_ledger_is_for_its_people_and_the_supervisors_above_it() {
    let app = ApiWorld::spawn().await;
    let (fields, _, _) = minimal(RecordKind::Study);
    let record = created(&app, app.unit_a, RecordKind::Study, fields.clone()).await;
    let rid = record["id"].as_i64().unwrap();
    let path = format!("/ledger/records/{rid}");
    let list = ledger_path(app.unit_a, RecordKind::Study);
    let new = json!({"year": 2025, "fields": fields});
    let body = json!({"year": 2025, "fields": fields, "version": 1});

    // Another unit's staff: the list is forbidden, the record does not exist for him.
    let b = &app.staff_b;
    let (status, res) = get(&app, b, &list).await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");
    let (status, res) = get(&app, b, &path).await;
    assert_error(status, &res, StatusCode::NOT_FOUND, "not_found");
    let (status, res) = create(&app, b, app.unit_a, RecordKind::Study, new.clone()).await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");
    for (method, p) in [
        (Method::PUT, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, format!("{path}/restore")),
    ] {
        let (status, res) = json(
            app.with_token(method.clone(), &p, b)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(status, &res, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, res) = get(
        &app,
        b,
        &format!("/units/{}/ledger/summary?year=2025", app.unit_a),
    )
    .await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");

    // The supervisor of the unit's district reads, but does not write.
    let s = &app.supervisor;
    let (status, page) = get(&app, s, &list).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(ids(&page), [rid]);
    let (status, _) = get(&app, s, &path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(
        &app,
        s,
        &format!("/units/{}/ledger/summary?year=2025", app.unit_a),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, res) = create(&app, s, app.unit_a, RecordKind::Study, new.clone()).await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");
    for (method, p) in [(Method::PUT, path.clone()), (Method::DELETE, path.clone())] {
        let (status, res) = json(
            app.with_token(method, &p, s)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");
    }
    // ... and not the other district's units.
    let (status, res) = get(&app, s, &ledger_path(app.unit_b, RecordKind::Study)).await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");
    let (status, res) = get(
        &app,
        s,
        &format!("/units/{}/ledger/study/export", app.unit_b),
    )
    .await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");

    // The unit's leader writes; nobody signed in reads nothing.
    let (status, res) = create(
        &app,
        &app.leader_a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 2025, "fields": minimal(RecordKind::Study).0}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let (status, res) = json(app.request(Method::GET, &list).send().await.unwrap()).await;
    assert_error(status, &res, StatusCode::UNAUTHORIZED, "unauthorized");
    let (status, _) = json(
        app.request(Method::GET, "/ledger/kinds")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The rows of a CSV file as a person would type them (header first).
fn csv(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s.into_bytes()
}

async fn import(
    app: &ApiWorld,
    who: &Account,
    unit: i64,
    kind: RecordKind,
    filename: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let path = format!(
        "{}/import?year=2025&filename={}",
        ledger_path(unit, kind),
        percent(filename)
    );
    json(
        app.with_token(Method::POST, &path, who)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap(),
    )
    .await
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

#[tokio::test]
async fn an_export_imports_into_another_unit_and_a_second_import_is_all_duplicates() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let b = &app.staff_b;
    for (date, form, topic, laws, attendees, hours) in [
        (
            "2025-03-06",
            "党组会学法",
            "学习行政处罚法",
            json!(["行政处罚法"]),
            12,
            2,
        ),
        (
            "2025-06-12",
            "集中学法",
            "=学习民法典",
            json!(["民法典", "宪法"]),
            45,
            3,
        ),
        (
            "2025-09-18",
            "旁听庭审",
            "旁听行政诉讼案件庭审",
            json!([]),
            8,
            1,
        ),
    ] {
        created(
            &app,
            app.unit_a,
            RecordKind::Study,
            json!({"date": date, "form": form, "topic": topic, "laws": laws,
                   "attendees": attendees, "hours": hours, "leader_present": true}),
        )
        .await;
    }
    let list_a = ledger_path(app.unit_a, RecordKind::Study);
    let list_b = ledger_path(app.unit_b, RecordKind::Study);
    let (_, original) = get(&app, a, &format!("{list_a}?year=2025")).await;

    for format in ["xlsx", "csv"] {
        let res = app
            .with_token(
                Method::GET,
                &format!("{list_a}/export?year=2025&format={format}"),
                a,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let disposition = res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&format!(
                "filename*=UTF-8''{}",
                percent(&format!("区市场监管局-学法台账-2025.{format}"))
            )),
            "{disposition}"
        );
        let bytes = res.bytes().await.unwrap().to_vec();

        // Into unit B, by its own staff.
        let (status, body) = import(
            &app,
            b,
            app.unit_b,
            RecordKind::Study,
            &format!("学法.{format}"),
            bytes.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{format}: {body}");
        assert_eq!(body["count"], 3);
        let (_, imported) = get(&app, b, &format!("{list_b}?year=2025")).await;
        assert_eq!(imported["total"], 3);
        for (x, y) in original["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(imported["items"].as_array().unwrap())
        {
            assert_eq!(x["fields"], y["fields"], "{format}: fields round-trip");
            assert_eq!(x["indicators"], y["indicators"], "{format}");
            assert_eq!(y["unit_id"], app.unit_b);
        }

        // The same file again: every row is a duplicate, nothing is imported.
        let (status, body) = import(
            &app,
            b,
            app.unit_b,
            RecordKind::Study,
            &format!("学法.{format}"),
            bytes,
        )
        .await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3, "{body}");
        for row in rows {
            assert!(row["line"].as_u64().is_some_and(|l| l >= 2), "{row}");
            assert!(
                row["message"]
                    .as_str()
                    .unwrap()
                    .contains("与已有记录重复（编号 "),
                "{row}"
            );
        }
        let (_, after) = get(&app, b, &format!("{list_b}?year=2025")).await;
        assert_eq!(after["total"], 3, "nothing imported the second time");

        // Empty unit B again for the next format.
        for id in ids(&after) {
            let res = app
                .with_token(Method::DELETE, &format!("/ledger/records/{id}"), b)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        }
    }

    // The supervisor may export what he reads, not import.
    let (status, body) = import(
        &app,
        &app.supervisor,
        app.unit_a,
        RecordKind::Study,
        "x.csv",
        csv(&["年度,日期,学法形式,主题", "2025,2025-01-02,集中学法,x"]),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // The template is a workbook with the kind's columns, named after the unit.
    let res = app
        .with_token(Method::GET, &format!("{list_a}/template"), a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    // An empty template imports nothing, with a reason.
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        "模板.xlsx",
        bytes.to_vec(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
}

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_lists_every_one() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let file = csv(&[
        "年度,日期,学法形式,主题,参加人数",
        "2025,2025-03-06,党组会学法,学习行政处罚法,12",
        ",2025-02-30,党组会学法,学习民法典,10",
        "2025,2025-04-01,读书会,学习宪法,abc",
        "2025,2025-05-01,集中学法,,9",
        "2025,2025-06-01,集中学法,学习行政复议法,20",
    ]);
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", file).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    let lines: std::collections::BTreeSet<u64> =
        rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines.into_iter().collect::<Vec<_>>(), [3, 4, 5], "{body}");
    assert_eq!(rows.len(), 4, "two problems on line 4: {body}");
    assert!(rows.iter().all(|r| r["column"].is_string()), "{body}");
    assert!(body["message"].as_str().unwrap().contains("3 行"), "{body}");
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Study)).await;
    assert_eq!(page["total"], 0, "nothing imported");

    // A row the law forbids is a bad row too, with the rule's message.
    let file = csv(&[
        "年度,决策事项,送请合法性审查日期,合法性审查完成日期,集体讨论决定日期,行政首长决定意见",
        "2025,科技创新券管理办法,2025-05-06,2025-05-20,2025-05-15,同意",
        "2025,科技成果转化奖励办法,2025-05-06,2025-05-20,2025-05-28,同意",
    ]);
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::MajorDecision,
        "决策.csv",
        file,
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["line"], 2);
    assert!(
        rows[0]["message"].as_str().unwrap().contains("依据"),
        "{body}"
    );
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::MajorDecision)).await;
    assert_eq!(page["total"], 0);

    // A year the API's body refuses is a bad row of a file too.
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 1990, "fields": {"date": "1990-03-06", "form": "党组会学法", "topic": "学习宪法"}}),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "fields");
    let file = csv(&[
        "年度,日期,学法形式,主题",
        "1990,1990-03-06,党组会学法,学习宪法",
    ]);
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", file).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[0]["column"], "年度", "{body}");
    assert!(
        rows[0]["message"].as_str().unwrap().contains("1990"),
        "{body}"
    );

    // A file that is no sheet, and one past the size limit.
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        "学法.xlsx",
        b"PK\x03\x04broken".to_vec(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let big = vec![b'a'; MAX_UPLOAD as usize + 1];
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", big).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}

#[tokio::test]
async fn the_summary_counts_the_year_with_the_records_behind_each_figure() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let study = |date: &str, form: &str| json!({"date": date, "form": form, "topic": "学法", "leader_present": true});
    let mut study_ids = Vec::new();
    for (date, form) in [
        ("2025-02-10", "党组会学法"),
        ("2025-05-10", "党组会学法"),
        ("2025-08-10", "集中学法"),
    ] {
        let r = created(&app, app.unit_a, RecordKind::Study, study(date, form)).await;
        study_ids.push(r["id"].as_i64().unwrap());
    }
    // Another year and a deleted record are not counted.
    let (status, _) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 2024, "fields": study("2024-05-10", "党组会学法")}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let gone = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        study("2025-11-10", "党组会学法"),
    )
    .await;
    let res = app
        .with_token(
            Method::DELETE,
            &format!("/ledger/records/{}", gone["id"]),
            a,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A suggestion never answered: flagged, not refused.
    let late = created(
        &app,
        app.unit_a,
        RecordKind::Suggestion,
        json!({"category": "人大代表建议", "title": "关于优化营商环境的建议", "assigned": "2025-01-10"}),
    )
    .await;

    let (status, s) = get(
        &app,
        a,
        &format!("/units/{}/ledger/summary?year=2025", app.unit_a),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["year"], 2025);
    assert_eq!(s["unit"]["id"], app.unit_a);
    assert_eq!(s["years"], json!([2025, 2024]));
    assert_eq!(s["counts"]["study"], 3);
    assert_eq!(s["counts"]["suggestion"], 1);
    let figure = |key: &str| {
        s["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .unwrap_or_else(|| panic!("figure {key}: {s}"))
            .clone()
    };
    let total = figure("study.total");
    assert_eq!(total["value"], 3.0);
    assert_eq!(total["kind"], "study");
    assert!(total["text"].as_str().unwrap().contains('3'));
    let mut behind: Vec<i64> = total["record_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    behind.sort_unstable();
    assert_eq!(behind, study_ids);
    // Coverage: the study records stand behind `thought`.
    let thought = s["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "thought")
        .expect("thought")
        .clone();
    assert_eq!(thought["depth"], 0);
    assert_eq!(thought["record_ids"].as_array().unwrap().len(), 3);
    // The unanswered suggestion is a violation of the year.
    let late_id = late["id"].as_i64().unwrap();
    assert!(
        s["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["record_ids"] == json!([late_id]) && v["kind"] == "suggestion"),
        "{s}"
    );
    // Overdue and still open: on the list of what falls due, with its deadline.
    let due_of = |s: &Value| {
        s["due"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["record_id"] == late_id)
            .map(|d| (d["due"].clone(), d["overdue"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(due_of(&s), [(json!("2025-04-10"), json!(true))], "{s}");
    // What falls due concerns the unit, not the year shown: the 2025 suggestion still
    // unanswered is due on the 2024 page too.
    let (status, s2024) = get(
        &app,
        a,
        &format!("/units/{}/ledger/summary?year=2024", app.unit_a),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(due_of(&s2024), due_of(&s));

    // The summary without a year opens on the newest year with records.
    let (status, s) = get(&app, a, &format!("/units/{}/ledger/summary", app.unit_a)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["year"], 2025);
}

#[tokio::test]
async fn attachments_are_kept_served_and_removed_with_their_records_rights() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let record = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        minimal(RecordKind::Study).0,
    )
    .await;
    let rid = record["id"].as_i64().unwrap();
    let bytes = "会议纪要：学习行政处罚法".as_bytes().to_vec();
    let res = app
        .with_token(
            Method::POST,
            &format!(
                "/ledger/records/{rid}/attachments?filename={}",
                percent("纪要.txt")
            ),
            a,
        )
        .header(header::CONTENT_TYPE, "text/plain")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    let (status, att) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{att}");
    assert_eq!(att["filename"], "纪要.txt");
    assert_eq!(att["size"], bytes.len());
    assert_eq!(att["sha256"].as_str().unwrap().len(), 64);
    let aid = att["id"].as_i64().unwrap();
    let (_, got) = get(&app, a, &format!("/ledger/records/{rid}")).await;
    assert_eq!(got["attachments"][0]["id"], aid);

    let res = app
        .with_token(Method::GET, &format!("/ledger/attachments/{aid}"), a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);

    // Others neither see nor remove it; the supervisor sees it but does not remove it.
    let (status, res) = get(&app, &app.staff_b, &format!("/ledger/attachments/{aid}")).await;
    assert_error(status, &res, StatusCode::NOT_FOUND, "not_found");
    let (status, _) = get(&app, &app.supervisor, &format!("/ledger/attachments/{aid}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, res) = json(
        app.with_token(
            Method::DELETE,
            &format!("/ledger/attachments/{aid}"),
            &app.supervisor,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_error(status, &res, StatusCode::FORBIDDEN, "forbidden");

    // Too large and empty files are refused.
    let (status, res) = json(
        app.with_token(
            Method::POST,
            &format!("/ledger/records/{rid}/attachments?filename=a.bin"),
            a,
        )
        .body(vec![0u8; MAX_UPLOAD as usize + 1])
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_error(status, &res, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, res) = json(
        app.with_token(
            Method::POST,
            &format!("/ledger/records/{rid}/attachments?filename=a.bin"),
            a,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_error(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );

    let res = app
        .with_token(Method::DELETE, &format!("/ledger/attachments/{aid}"), a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, got) = get(&app, a, &format!("/ledger/records/{rid}")).await;
    assert_eq!(got["attachments"], json!([]));
    let (status, _) = get(&app, a, &format!("/ledger/attachments/{aid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_catalogue_lists_every_kind_and_the_framework() {
    let app = ApiWorld::spawn().await;
    let (status, cat) = get(&app, &app.staff_a, "/ledger/kinds").await;
    assert_eq!(status, StatusCode::OK, "{cat}");
    let kinds = cat["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), RecordKind::ALL.len());
    for (k, kind) in kinds.iter().zip(RecordKind::ALL) {
        assert_eq!(k["code"], kind.code());
        assert_eq!(k["label"], kind.label());
        assert_eq!(k["fields"].as_array().unwrap().len(), kind.fields().len());
    }
    let study = &kinds[0];
    let form = study["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "form")
        .unwrap();
    assert_eq!(form["type"], "choice");
    assert_eq!(form["required"], true);
    assert!(form["choices"]
        .as_array()
        .unwrap()
        .contains(&json!("党组会学法")));
    let indicators = cat["framework"]["indicators"].as_array().unwrap();
    assert!(indicators.iter().any(|i| i["code"] == "decision.procedure"
        && i["parent"] == "decision"
        && i["depth"] == 1));

    // Every ledger endpoint is in the OpenAPI document.
    let (_, doc) = json(
        app.request(Method::GET, "/openapi.json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    for (method, path) in [
        ("get", "/ledger/kinds"),
        ("get", "/units/{id}/ledger/summary"),
        ("get", "/units/{id}/ledger/{kind}"),
        ("post", "/units/{id}/ledger/{kind}"),
        ("get", "/units/{id}/ledger/{kind}/template"),
        ("get", "/units/{id}/ledger/{kind}/export"),
        ("post", "/units/{id}/ledger/{kind}/import"),
        ("get", "/ledger/records/{rid}"),
        ("put", "/ledger/records/{rid}"),
        ("delete", "/ledger/records/{rid}"),
        ("post", "/ledger/records/{rid}/restore"),
        ("post", "/ledger/records/{rid}/attachments"),
        ("get", "/ledger/attachments/{aid}"),
        ("delete", "/ledger/attachments/{aid}"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        let op = &doc["paths"][path][method];
        assert!(
            op["operationId"]
                .as_str()
                .is_some_and(|id| id.starts_with("ledger_")),
            "{method} {path}: {op}"
        );
        // Routed (not the API's fallback, not a 405); other methods on the path are 405s.
        let url = path
            .replace("{id}", &app.unit_a.to_string())
            .replace("{kind}", "study")
            .replace("{rid}", "999999")
            .replace("{aid}", "999999");
        let (status, body) = json(
            app.with_token(common::api::method(method), &url, &app.staff_a)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {body}"
        );
        assert_ne!(body["message"], "未找到接口", "{method} {path} is routed");
        for other in ["get", "post", "put", "patch", "delete"] {
            if doc["paths"][path][other].is_object() {
                continue;
            }
            let (status, body) = json(
                app.with_token(common::api::method(other), &url, &app.staff_a)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_error(
                status,
                &body,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            );
        }
    }
    // Every ledger error a client may meet is documented with its lists.
    let schema = &doc["components"]["schemas"]["LedgerErrorResponse"]["properties"];
    for key in ["fields", "violations", "rows"] {
        assert!(schema[key].is_object(), "{key}: {schema}");
    }
}
