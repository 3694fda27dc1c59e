//! Reports: uploads and their checks, who reaches which unit's uploads, the supervisor's
//! overview and the published list.

use crate::common::api::{assert_bad_request, assert_error, json, send, ApiWorld, REPORT};
use crate::common::content_disposition;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn upload_is_checked_and_returns_findings_and_score() {
    let app = ApiWorld::spawn().await;
    let res = app
        .upload_text(&app.staff_a, app.unit_a, "东湖区市场监管局2024年报告.txt")
        .await;
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    let (status, detail) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{detail}");
    let id = detail["upload"]["id"].as_i64().unwrap();
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/uploads/{id}").as_str())
    );
    assert_eq!(detail["upload"]["status"], "checked");
    assert_eq!(detail["upload"]["year"], 2024);
    assert_eq!(detail["upload"]["uploaded_by_login"], "staff_a");
    assert_eq!(detail["unit"]["id"], app.unit_a);

    let result = &detail["result"];
    assert_eq!(result["genre"], "rule_of_law_annual_report");
    assert_eq!(result["format"], "txt");
    for part in [
        "measures",
        "shortcomings",
        "first_responsible",
        "next_year",
        "other",
    ] {
        assert_eq!(result["coverage"][part], "section", "{part}");
    }
    let total = result["score"]["total"].as_u64().unwrap();
    assert!((1..=100).contains(&total), "score {total}");
    assert_eq!(detail["upload"]["score"].as_u64(), Some(total));
    let findings = result["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "a short report gets findings");
    for f in findings {
        assert!(
            f["rule"].is_string() && f["message"].is_string() && f["basis"].is_string(),
            "{f}"
        );
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
    assert_eq!(
        detail["upload"]["warnings"].as_u64().unwrap()
            + detail["upload"]["errors"].as_u64().unwrap()
            + detail["upload"]["infos"].as_u64().unwrap(),
        findings.len() as u64
    );
    assert!(result["sections"].as_array().unwrap().len() >= 5);
    assert!(!result["facts"].as_array().unwrap().is_empty());

    // The same result when read back, for the unit's people.
    let (status, again) = app
        .call(Method::GET, &format!("/uploads/{id}"), &app.leader_a)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["result"], detail["result"]);

    // The original, byte for byte, with its Chinese file name (RFC 5987).
    let res = send(app.with_token(
        Method::GET,
        &format!("/uploads/{id}/original"),
        &app.staff_a,
    ))
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = content_disposition(&res);
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E4%B8%9C%E6%B9%96%E5%8C%BA"),
        "percent-encoded UTF-8 name: {disposition}"
    );
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/plain");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), REPORT.as_bytes());

    // The unit's list, by year.
    let path = format!("/units/{}/uploads?year=2024", app.unit_a);
    let (status, list) = app.call(Method::GET, &path, &app.staff_a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["uploads"][0]["id"], id);
    let path = format!("/units/{}/uploads?year=2023", app.unit_a);
    let (_, list) = app.call(Method::GET, &path, &app.staff_a).await;
    assert_eq!(list["uploads"], json!([]));

    // A file the engine cannot read is kept, marked failed with the reason.
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "空白.pdf",
            b"%PDF-1.4 not really".to_vec(),
        )
        .await;
    let (status, failed) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{failed}");
    assert_eq!(failed["upload"]["status"], "failed");
    assert!(failed["upload"]["error"].is_string());
    assert_eq!(failed["result"], Value::Null);
}

#[tokio::test]
async fn staff_of_one_unit_cannot_reach_another() {
    let app = ApiWorld::spawn().await;
    let (id, _detail) = app.upload_report(&app.staff_a, app.unit_a).await;

    let b = &app.staff_b;
    let forbidden = [
        (Method::GET, format!("/units/{}", app.unit_a)),
        (Method::GET, format!("/units/{}/uploads", app.unit_a)),
        (Method::POST, format!("/uploads/{id}/publish")),
        (Method::GET, format!("/regions/{}/overview", app.east)),
        (Method::GET, "/users".to_string()),
        (Method::GET, "/audit".to_string()),
    ];
    for (m, path) in forbidden {
        let (status, body) = app.call(m.clone(), &path, b).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    // Another unit's unpublished upload does not exist for him (as a ledger record of another
    // unit), so its ids cannot be probed.
    for path in [format!("/uploads/{id}"), format!("/uploads/{id}/original")] {
        let (status, body) = app.call(Method::GET, &path, b).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let res = app.upload_text(b, app.unit_a, "报告.txt").await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // His own unit is his.
    let res = app.upload_text(b, app.unit_b, "报告.txt").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, units) = app.call(Method::GET, "/units", b).await;
    let ids: Vec<i64> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [app.unit_b]);
}

#[tokio::test]
async fn supervisor_sees_the_overview_of_his_region_but_cannot_upload() {
    let app = ApiWorld::spawn().await;
    let (id, detail) = app.upload_report(&app.staff_a, app.unit_a).await;
    let score = detail["upload"]["score"].clone();
    let s = &app.supervisor;

    let path = format!(
        "/regions/{}/overview?year=2024&sort=score&desc=true",
        app.east
    );
    let (status, page) = app.call(Method::GET, &path, s).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["year"], 2024);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["unit"]["id"], app.unit_a);
    assert_eq!(page["items"][0]["latest"]["score"], score);
    assert_eq!(page["items"][0]["uploads"], 1);

    // Without a year: the newest year with uploads.
    let path = format!("/regions/{}/overview", app.east);
    let (_, page) = app.call(Method::GET, &path, s).await;
    assert_eq!(page["year"], 2024);

    // Search narrows, a bad sort key is a Chinese 422.
    let path = format!(
        "/regions/{}/overview?year=2024&q=%E6%95%99%E8%82%B2",
        app.east
    );
    let (_, page) = app.call(Method::GET, &path, s).await;
    assert_eq!(page["total"], 0);
    let path = format!("/regions/{}/overview?sort=height", app.east);
    let (status, body) = app.call(Method::GET, &path, s).await;
    assert_bad_request(status, &body);

    // He reads the unit's report, but not the other region's, and never writes.
    let res = send(app.with_token(Method::GET, &format!("/uploads/{id}"), s)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let path = format!("/regions/{}/overview", app.west);
    let (status, body) = app.call(Method::GET, &path, s).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let res = app.upload_text(s, app.unit_a, "报告.txt").await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app
        .call(Method::POST, &format!("/uploads/{id}/publish"), s)
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // His audit log covers his region.
    let path = format!("/audit?region={}&action=upload", app.east);
    let (status, log) = app.call(Method::GET, &path, s).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "upload.create"),
        "{log}"
    );
    let path = format!("/audit?region={}", app.city);
    let (status, body) = app.call(Method::GET, &path, s).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn the_public_sees_only_published_reports() {
    let app = ApiWorld::spawn().await;
    let (id, _detail) = app.upload_report(&app.staff_a, app.unit_a).await;

    let (status, body) = app.call_anon(Method::GET, &format!("/uploads/{id}")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let res = send(app.request(Method::GET, &format!("/uploads/{id}/original"))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, page) = app.call_anon(Method::GET, "/published").await;
    assert_eq!(page, json!({"total": 0, "items": []}));

    // Staff may not publish; the unit's leader may.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/uploads/{id}/publish"),
            &app.staff_a,
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, published) = app
        .call(
            Method::POST,
            &format!("/uploads/{id}/publish"),
            &app.leader_a,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert!(published["published_at"].is_string());

    // Now anyone reads it, without learning who uploaded it.
    let (status, public) = app.call_anon(Method::GET, &format!("/uploads/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public["upload"].get("uploaded_by_login").is_none(),
        "{public}"
    );
    assert!(public["result"]["findings"].is_array());
    let res = send(app.request(Method::GET, &format!("/uploads/{id}/original"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, page) = app.call_anon(Method::GET, "/published?limit=5").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], id);
    assert!(page["items"][0].get("uploaded_by_login").is_none());

    // Withdrawn, it is gone again.
    let res = send(app.with_token(
        Method::POST,
        &format!("/uploads/{id}/withdraw"),
        &app.leader_a,
    ))
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(app.request(Method::GET, &format!("/uploads/{id}"))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
