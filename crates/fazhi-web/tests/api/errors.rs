//! Errors: JSON with a stable key and a Chinese message.

use crate::common::api::{
    assert_bad_request, assert_error, json, send, send_json, ApiWorld, MAX_UPLOAD, REPORT,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn errors_are_json_with_a_key_and_a_chinese_message() {
    let app = ApiWorld::spawn().await;
    let (status, body) = app.call_anon(Method::GET, "/me").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(
        body,
        json!({"error": "unauthorized", "message": "请先登录"})
    );

    let a = &app.admin;
    let (status, body) = app.call(Method::GET, "/uploads/424242", a).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app.call(Method::GET, "/units/abc", a).await;
    assert_bad_request(status, &body);

    // Bodies: not JSON, broken JSON, a missing field, the wrong type.
    let wrong_type = r#"{"region_id": 1, "code": 1, "name": "x", "kind": "department"}"#;
    for (body, content_type, says) in [
        ("{}", "text/plain", ""),
        ("{\"region_id\":", "application/json", ""),
        ("{\"region_id\": 1}", "application/json", "缺少字段"),
        (wrong_type, "application/json", ""),
    ] {
        let req = app
            .with_token(Method::POST, "/units", a)
            .header(header::CONTENT_TYPE, content_type)
            .body(body);
        let (status, body) = send_json(req).await;
        assert_bad_request(status, &body);
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
    }

    // A JSON body over 1 MB.
    let big = json!({"name": "长".repeat(400_000)}).to_string();
    assert!(big.len() > 1024 * 1024);
    let req = app
        .with_token(Method::POST, "/me/tokens", a)
        .header(header::CONTENT_TYPE, "application/json")
        .body(big);
    let (status, body) = send_json(req).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(body["message"].as_str().unwrap().contains("1 MB"), "{body}");

    // An upload over the configured limit.
    let upload = |year: i32, name: &'static str, bytes: Vec<u8>| {
        app.upload(&app.staff_a, app.unit_a, year, name, bytes)
    };
    let (status, body) = json(
        upload(
            2024,
            "大文件.txt",
            vec![b'a'; MAX_UPLOAD as usize + 100_000],
        )
        .await,
    )
    .await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(
        body["message"].as_str().unwrap().contains("300 KB"),
        "{body}"
    );
    // Just over the limit, within the form's slack: refused by the exact check.
    let (status, body) =
        json(upload(2024, "大文件.txt", vec![b'a'; MAX_UPLOAD as usize + 1]).await).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");

    // A form without year or file, a year out of range.
    let form = reqwest::multipart::Form::new().text("year", "2024");
    let path = format!("/units/{}/uploads", app.unit_a);
    let res = send(
        app.with_token(Method::POST, &path, &app.staff_a)
            .multipart(form),
    )
    .await;
    let (status, body) = json(res).await;
    assert_bad_request(status, &body);
    let (status, body) = json(upload(1999, "报告.txt", REPORT.as_bytes().to_vec()).await).await;
    assert_bad_request(status, &body);

    // Conflicts name what clashed.
    let unit = json!({"region_id": app.east, "code": "99100201", "name": "重复代码的单位", "kind": "department"});
    let (status, body) = app.call_json(Method::POST, "/units", a, &unit).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
}
