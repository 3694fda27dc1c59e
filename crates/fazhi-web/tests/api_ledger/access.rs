//! What the law forbids, field errors, and who reaches a unit's ledger.

use crate::common::api::{assert_bad_request, assert_error, ApiWorld};
use crate::{create, created, get, ids, ledger_path, minimal};
use fazhi_domain::ledger::RecordKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

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
    let (status, body) = app.call_json(Method::PUT, &format!("/ledger/records/{rid}"), a, &json!({"year": 2025, "version": 1, "fields": { "title": "关于支持企业研发投入的若干措施", "market": true, "review_done": "2025-04-01", "issued": "2025-04-10", }})).await;
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
    assert_bad_request(status, &body);
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
        let (status, res) = app.call_json(method.clone(), &p, b, &body).await;
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
        let (status, res) = app.call_json(method, &p, s, &body).await;
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
    let (status, res) = app.call_anon(Method::GET, &list).await;
    assert_error(status, &res, StatusCode::UNAUTHORIZED, "unauthorized");
    let (status, _) = app.call_anon(Method::GET, "/ledger/kinds").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
