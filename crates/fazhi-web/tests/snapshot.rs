//! Snapshots (insta) of what clients and people read: the OpenAPI document, representative
//! API answers (a unit, a page of ledger records, an upload with its check), the findings
//! page of a checked upload and the ledger dashboard. Ids, times, tokens, hashes and the
//! asset version are redacted ([`common::snap`]), so the snapshots are the same on every run
//! and on SQLite and PostgreSQL; a change of a snapshot is a change users see.
//!
//! Review a changed snapshot by eye before accepting it (`cargo insta review`, or
//! `INSTA_UPDATE=always` and `git diff`).

mod common;

use common::api::{json, send, send_json, ApiWorld};
use common::snap::{redact_html, redact_json};
use common::{upload_form, upload_id_from, TestApp, World, REPORT_TXT};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// GET `path` of the API as the admin, which must answer 200.
async fn admin_get(app: &ApiWorld, path: &str) -> Value {
    let (status, body) = send_json(app.with_token(Method::GET, path, &app.admin)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

#[tokio::test]
async fn the_openapi_document() {
    let app = TestApp::spawn().await;
    let res = send(app.api(Method::GET, "/openapi.json")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn a_unit_as_the_api_answers_it() {
    let app = ApiWorld::spawn().await;
    let unit = admin_get(&app, &format!("/units/{}", app.unit_a)).await;
    insta::assert_json_snapshot!("api_unit", redact_json(&unit));
}

#[tokio::test]
async fn a_page_of_ledger_records_as_the_api_answers_it() {
    let app = ApiWorld::spawn().await;
    let path = format!("/units/{}/ledger/study", app.unit_a);
    for (date, topic) in [
        ("2025-03-06", "学习行政处罚法"),
        ("2025-04-10", "学习行政复议法"),
    ] {
        let fields = json!({"date": date, "form": "党组会学法", "topic": topic});
        let (status, body) = send_json(
            app.with_token(Method::POST, &path, &app.staff_a)
                .json(&json!({"year": 2025, "fields": fields})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let list = admin_get(&app, &format!("{path}?year=2025")).await;
    insta::assert_json_snapshot!("api_ledger_records", redact_json(&list));
}

#[tokio::test]
async fn an_upload_with_its_check_as_the_api_answers_it() {
    let app = ApiWorld::spawn().await;
    let res = app
        .upload_text(&app.staff_a, app.unit_a, "东湖区市场监管局2024年度报告.txt")
        .await;
    let (status, created) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["upload"]["id"].as_i64().expect("the upload's id");
    let upload = admin_get(&app, &format!("/uploads/{id}")).await;
    insta::assert_json_snapshot!("api_upload", redact_json(&upload));
}

#[tokio::test]
async fn the_findings_page_of_a_checked_upload() {
    let (_app, w, b) = World::signed_in("staff_a").await;

    let csrf = b.csrf().await;
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{}/uploads", w.unit_a.id)))
                .multipart(upload_form(
                    &csrf,
                    2024,
                    "东湖区司法局2024年度报告.txt",
                    REPORT_TXT.as_bytes().to_vec(),
                )),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let page = b
        .get(&format!("/uploads/{}", upload_id_from(&location)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    insta::assert_snapshot!("findings_page", redact_html(&page.body));
}

#[tokio::test]
async fn the_ledger_dashboard_with_a_record() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    let csrf = b.csrf().await;
    let created = b
        .post_form(
            &format!("/units/{a}/ledger/study"),
            &common::ledger::study_form(&csrf, "2025-03-06", "学习行政处罚法"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    assert_eq!(page.status, StatusCode::OK);
    insta::assert_snapshot!("ledger_dashboard", redact_html(&page.body));
}

#[test]
fn ids_times_tokens_and_the_csrf_token_are_redacted() {
    let v = serde_json::json!({"id": 3, "unit_id": 4, "created_at": "x", "name": "甲",
        "items": [{"sha256": "ab", "token": "fz_1", "parent_id": null}]});
    assert_eq!(
        redact_json(&v),
        serde_json::json!({"id": "[id]", "unit_id": "[id]", "created_at": "[time]",
            "name": "甲", "items": [{"sha256": "[hash]", "token": "[token]", "parent_id": null}]})
    );
    assert_eq!(
        redact_html(
            r#"<a href="/uploads/12/original">2025-01-02 08:30</a><input name="csrf_token" value="abc">"#
        ),
        r#"<a href="/uploads/[id]/original">[date] [time]</a><input name="csrf_token" value="[csrf]">"#
    );
    assert_eq!(
        redact_html(
            "<select name=\"year\" id=\"y\">\n  <option value=\"2026\">2026 年度</option>\n  \
             <option value=\"2025\" selected>2025 年度</option>\n</select>"
        ),
        "<select name=\"year\" id=\"y\">[year choices]<option value=\"2025\" selected>2025 年度</option></select>"
    );
}
