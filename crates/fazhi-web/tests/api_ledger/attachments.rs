//! Attachments: kept, served and removed with their record's rights.

use crate::common::api::{assert_bad_request, assert_error, json, send, ApiWorld, MAX_UPLOAD};
use crate::{created, get, minimal, percent};
use fazhi_domain::ledger::RecordKind;
use reqwest::{header, Method, StatusCode};
use serde_json::json;

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
    let res = send(
        app.with_token(
            Method::POST,
            &format!(
                "/ledger/records/{rid}/attachments?filename={}",
                percent("纪要.txt")
            ),
            a,
        )
        .header(header::CONTENT_TYPE, "text/plain")
        .body(bytes.clone()),
    )
    .await;
    let (status, att) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{att}");
    assert_eq!(att["filename"], "纪要.txt");
    assert_eq!(att["size"], bytes.len());
    assert_eq!(att["sha256"].as_str().unwrap().len(), 64);
    let aid = att["id"].as_i64().unwrap();
    let (_, got) = get(&app, a, &format!("/ledger/records/{rid}")).await;
    assert_eq!(got["attachments"][0]["id"], aid);

    let res = send(app.with_token(Method::GET, &format!("/ledger/attachments/{aid}"), a)).await;
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
    let (status, res) = app
        .call(
            Method::DELETE,
            &format!("/ledger/attachments/{aid}"),
            &app.supervisor,
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
    let (status, res) = app
        .call(
            Method::POST,
            &format!("/ledger/records/{rid}/attachments?filename=a.bin"),
            a,
        )
        .await;
    assert_bad_request(status, &res);

    let res = send(app.with_token(Method::DELETE, &format!("/ledger/attachments/{aid}"), a)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, got) = get(&app, a, &format!("/ledger/records/{rid}")).await;
    assert_eq!(got["attachments"], json!([]));
    let (status, _) = get(&app, a, &format!("/ledger/attachments/{aid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
