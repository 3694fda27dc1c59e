//! The summary with the records behind each figure, and the catalogue of kinds.

use crate::common::api::{assert_error, send, ApiWorld, LEDGER_ENDPOINTS};
use crate::{create, created, get};
use fazhi_domain::ledger::RecordKind;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

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
    let res = send(app.with_token(
        Method::DELETE,
        &format!("/ledger/records/{}", gone["id"]),
        a,
    ))
    .await;
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
    let (_, doc) = app.call_anon(Method::GET, "/openapi.json").await;
    for (method, path) in LEDGER_ENDPOINTS {
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
        let (status, body) = app
            .call(crate::common::api::method(method), &url, &app.staff_a)
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
            let (status, body) = app
                .call(crate::common::api::method(other), &url, &app.staff_a)
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
