//! The JSON API as its users meet it: the real server on a port, a fresh SQLite database,
//! requests over HTTP with session cookies or API tokens.

mod common;

use common::api::{assert_error, json, method, Account, ApiWorld, MAX_UPLOAD, PASSWORD, REPORT};
use fazhi_domain::{Node, RegionId, Role, UnitId};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Every endpoint of the API (method, path as the OpenAPI document writes it). The document
/// and the router are built from the same registrations; this list pins the public surface,
/// so that adding or removing an endpoint is a visible change to this test.
const ENDPOINTS: &[(&str, &str)] = &[
    ("post", "/auth/login"),
    ("post", "/auth/logout"),
    ("get", "/me"),
    ("post", "/me/password"),
    ("get", "/me/tokens"),
    ("post", "/me/tokens"),
    ("delete", "/me/tokens/{id}"),
    ("get", "/regions"),
    ("post", "/regions"),
    ("patch", "/regions/{id}"),
    ("get", "/regions/{id}/overview"),
    ("get", "/units"),
    ("post", "/units"),
    ("get", "/units/{id}"),
    ("patch", "/units/{id}"),
    ("get", "/units/{id}/uploads"),
    ("post", "/units/{id}/uploads"),
    ("post", "/org/import"),
    ("get", "/org/export"),
    ("get", "/users"),
    ("post", "/users"),
    ("get", "/users/{id}"),
    ("post", "/users/{id}/disable"),
    ("post", "/users/{id}/enable"),
    ("post", "/users/{id}/reset-password"),
    ("post", "/users/{id}/grants"),
    ("delete", "/grants/{id}"),
    ("get", "/uploads/{id}"),
    ("get", "/uploads/{id}/original"),
    ("post", "/uploads/{id}/publish"),
    ("post", "/uploads/{id}/withdraw"),
    ("get", "/published"),
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
    ("get", "/audit"),
    ("get", "/openapi.json"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn openapi_document_parses_and_lists_every_route() {
    let app = ApiWorld::spawn().await;
    let res = app
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    for scheme in ["bearer", "cookie", "csrf"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "security scheme {scheme}"
        );
    }

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (m, op) in item.as_object().unwrap() {
            if !METHODS.contains(&m.as_str()) {
                continue;
            }
            documented.insert((m.clone(), path.clone()));
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(
                summary
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m} {path} has a Chinese summary: {summary:?}"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{m} {path} has a tag"
            );
            assert!(
                op["responses"]["500"].is_object(),
                "{m} {path} documents errors"
            );
        }
    }
    // Every schema named is defined, and operation ids are unique.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("local schema ref: {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "schema {name} is defined"
        );
    }
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "unique operation ids: {ids:?}"
    );

    let expected: BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        documented, expected,
        "the document lists exactly the API's endpoints"
    );

    // Every documented operation is routed: the server answers it with something other than
    // the API's fallback ("未找到接口") or 405; every other method on its path is a 405.
    for (m, path) in &documented {
        let url = path.replace("{id}", "999999");
        let (status, body) = json(app.request(method(m), &url).send().await.unwrap()).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}: {body}");
        assert_ne!(body["message"], "未找到接口", "{m} {path} is routed");
        for other in METHODS {
            if documented.contains(&(other.to_string(), path.clone())) {
                continue;
            }
            let (status, body) = json(app.request(method(other), &url).send().await.unwrap()).await;
            assert_error(
                status,
                &body,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            );
        }
    }
    // A path no endpoint has is the API's JSON 404.
    let (status, body) = json(
        app.request(Method::GET, "/no/such/thing")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["message"], "未找到接口");
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn login_sets_the_session_cookie_and_returns_the_csrf_token() {
    let app = ApiWorld::spawn().await;
    let session = app.login("staff_a", PASSWORD).await;
    let attrs = session.set_cookie.to_ascii_lowercase();
    for attr in ["httponly", "samesite=lax", "path=/", "max-age="] {
        assert!(attrs.contains(attr), "{attr} in {}", session.set_cookie);
    }
    let (status, me) = json(
        app.with_cookie(Method::GET, "/me", &session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["login"], "staff_a");
    assert_eq!(me["via"], "session");
    assert_eq!(me["csrf_token"], session.csrf.as_str());
    assert_eq!(me["grants"][0]["role"], "unit_staff");
    assert_eq!(me["grants"][0]["node_name"], "青川市东湖区市场监督管理局");
    let units: Vec<&str> = me["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["青川市东湖区市场监督管理局"]);
    assert!(me["user"].get("password_hash").is_none());

    // Logging out ends the session: the cookie no longer signs anyone in.
    let res = app
        .with_cookie(Method::POST, "/auth/logout", &session)
        .header("x-csrf-token", &session.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (status, body) = json(
        app.with_cookie(Method::GET, "/me", &session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn cookie_authenticated_post_needs_the_csrf_header() {
    let app = ApiWorld::spawn().await;
    let session = app.login("staff_a", PASSWORD).await;
    let body = json!({"name": "脚本"});

    // Without X-CSRF-Token: refused by the session layer's CSRF check. This assertion is
    // the real thing: it fails whenever the CSRF middleware is missing.
    let res = app
        .with_cookie(Method::POST, "/me/tokens", &session)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, err) = json(res).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "csrf");

    // A wrong token is refused too.
    let res = app
        .with_cookie(Method::POST, "/me/tokens", &session)
        .header("x-csrf-token", "not-the-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, err) = json(res).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "csrf");

    // With the token the login returned: done.
    let res = app
        .with_cookie(Method::POST, "/me/tokens", &session)
        .header("x-csrf-token", &session.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // Reading needs no CSRF token.
    let res = app
        .with_cookie(Method::GET, "/me/tokens", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn api_tokens_authenticate_without_csrf_and_can_be_revoked() {
    let app = ApiWorld::spawn().await;
    // A token-authenticated POST needs no CSRF header.
    let res = app
        .with_token(Method::POST, "/me/tokens", &app.staff_a)
        .json(&json!({"name": "数据同步脚本"}))
        .send()
        .await
        .unwrap();
    let (status, created) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("fz_"));
    let id = created["token"]["id"].as_i64().unwrap();

    let (status, me) = json(
        app.request(Method::GET, "/me")
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["via"], "token");
    assert_eq!(me["csrf_token"], Value::Null);

    let (_, tokens) = json(
        app.with_token(Method::GET, "/me/tokens", &app.staff_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let names: Vec<&str> = tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"数据同步脚本"), "{tokens}");
    assert!(tokens
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("secret").is_none() && t.get("token_hash").is_none()));

    // Someone else cannot revoke it; its owner can, and then it stops working.
    let res = app
        .with_token(Method::DELETE, &format!("/me/tokens/{id}"), &app.staff_b)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .with_token(Method::DELETE, &format!("/me/tokens/{id}"), &app.staff_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, body) = json(
        app.request(Method::GET, "/me")
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    // A made-up token is refused even on public endpoints (a client bug should be loud).
    let res = app
        .request(Method::GET, "/me")
        .bearer_auth("fz_made_up")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn upload_is_checked_and_returns_findings_and_score() {
    let app = ApiWorld::spawn().await;
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "东湖区市场监管局2024年报告.txt",
            REPORT.as_bytes().to_vec(),
        )
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
    let (status, again) = json(
        app.with_token(Method::GET, &format!("/uploads/{id}"), &app.leader_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["result"], detail["result"]);

    // The original, byte for byte, with its Chinese file name (RFC 5987).
    let res = app
        .with_token(
            Method::GET,
            &format!("/uploads/{id}/original"),
            &app.staff_a,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
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
    let (status, list) = json(
        app.with_token(Method::GET, &path, &app.staff_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["uploads"][0]["id"], id);
    let path = format!("/units/{}/uploads?year=2023", app.unit_a);
    let (_, list) = json(
        app.with_token(Method::GET, &path, &app.staff_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
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
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "报告.txt",
            REPORT.as_bytes().to_vec(),
        )
        .await;
    let (_, detail) = json(res).await;
    let id = detail["upload"]["id"].as_i64().unwrap();

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
        let (status, body) = json(app.with_token(m.clone(), &path, b).send().await.unwrap()).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    // Another unit's unpublished upload does not exist for him (as a ledger record of another
    // unit), so its ids cannot be probed.
    for path in [format!("/uploads/{id}"), format!("/uploads/{id}/original")] {
        let (status, body) =
            json(app.with_token(Method::GET, &path, b).send().await.unwrap()).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let res = app
        .upload(b, app.unit_a, 2024, "报告.txt", REPORT.as_bytes().to_vec())
        .await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // His own unit is his.
    let res = app
        .upload(b, app.unit_b, 2024, "报告.txt", REPORT.as_bytes().to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, units) = json(
        app.with_token(Method::GET, "/units", b)
            .send()
            .await
            .unwrap(),
    )
    .await;
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
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "报告.txt",
            REPORT.as_bytes().to_vec(),
        )
        .await;
    let (_, detail) = json(res).await;
    let id = detail["upload"]["id"].as_i64().unwrap();
    let score = detail["upload"]["score"].clone();
    let s = &app.supervisor;

    let path = format!(
        "/regions/{}/overview?year=2024&sort=score&desc=true",
        app.east
    );
    let (status, page) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["year"], 2024);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["unit"]["id"], app.unit_a);
    assert_eq!(page["items"][0]["latest"]["score"], score);
    assert_eq!(page["items"][0]["uploads"], 1);

    // Without a year: the newest year with uploads.
    let path = format!("/regions/{}/overview", app.east);
    let (_, page) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_eq!(page["year"], 2024);

    // Search narrows, a bad sort key is a Chinese 422.
    let path = format!(
        "/regions/{}/overview?year=2024&q=%E6%95%99%E8%82%B2",
        app.east
    );
    let (_, page) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_eq!(page["total"], 0);
    let path = format!("/regions/{}/overview?sort=height", app.east);
    let (status, body) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );

    // He reads the unit's report, but not the other region's, and never writes.
    let res = app
        .with_token(Method::GET, &format!("/uploads/{id}"), s)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let path = format!("/regions/{}/overview", app.west);
    let (status, body) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let res = app
        .upload(s, app.unit_a, 2024, "报告.txt", REPORT.as_bytes().to_vec())
        .await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = json(
        app.with_token(Method::POST, &format!("/uploads/{id}/publish"), s)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // His audit log covers his region.
    let path = format!("/audit?region={}&action=upload", app.east);
    let (status, log) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
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
    let (status, body) = json(app.with_token(Method::GET, &path, s).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn the_public_sees_only_published_reports() {
    let app = ApiWorld::spawn().await;
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "报告.txt",
            REPORT.as_bytes().to_vec(),
        )
        .await;
    let (_, detail) = json(res).await;
    let id = detail["upload"]["id"].as_i64().unwrap();

    let (status, body) = json(
        app.request(Method::GET, &format!("/uploads/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let res = app
        .request(Method::GET, &format!("/uploads/{id}/original"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, page) = json(app.request(Method::GET, "/published").send().await.unwrap()).await;
    assert_eq!(page, json!({"total": 0, "items": []}));

    // Staff may not publish; the unit's leader may.
    let (status, body) = json(
        app.with_token(
            Method::POST,
            &format!("/uploads/{id}/publish"),
            &app.staff_a,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, published) = json(
        app.with_token(
            Method::POST,
            &format!("/uploads/{id}/publish"),
            &app.leader_a,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert!(published["published_at"].is_string());

    // Now anyone reads it, without learning who uploaded it.
    let (status, public) = json(
        app.request(Method::GET, &format!("/uploads/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public["upload"].get("uploaded_by_login").is_none(),
        "{public}"
    );
    assert!(public["result"]["findings"].is_array());
    let res = app
        .request(Method::GET, &format!("/uploads/{id}/original"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, page) = json(
        app.request(Method::GET, "/published?limit=5")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], id);
    assert!(page["items"][0].get("uploaded_by_login").is_none());

    // Withdrawn, it is gone again.
    let res = app
        .with_token(
            Method::POST,
            &format!("/uploads/{id}/withdraw"),
            &app.leader_a,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .request(Method::GET, &format!("/uploads/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_disabled_users_token_stops_working() {
    let app = ApiWorld::spawn().await;
    let res = app
        .with_token(Method::GET, "/me", &app.staff_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let path = format!("/users/{}/disable", app.staff_a.id);
    let (status, user) = json(
        app.with_token(Method::POST, &path, &app.admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["disabled"], true);

    let (status, body) = json(
        app.with_token(Method::GET, "/me", &app.staff_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "报告.txt",
            REPORT.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Nor can he log in; an admin cannot disable himself.
    let res = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"login": "staff_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let path = format!("/users/{}/disable", app.admin.id);
    let (status, body) = json(
        app.with_token(Method::POST, &path, &app.admin)
            .send()
            .await
            .unwrap(),
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
async fn errors_are_json_with_a_key_and_a_chinese_message() {
    let app = ApiWorld::spawn().await;
    let (status, body) = json(app.request(Method::GET, "/me").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(
        body,
        json!({"error": "unauthorized", "message": "请先登录"})
    );

    let a = &app.admin;
    let (status, body) = json(
        app.with_token(Method::GET, "/uploads/424242", a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = json(
        app.with_token(Method::GET, "/units/abc", a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );

    // Bodies: not JSON, broken JSON, a missing field, the wrong type.
    let send = |body: &'static str, content_type: &'static str| {
        app.with_token(Method::POST, "/units", a)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let (status, body) = json(send("{}", "text/plain").await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let (status, body) = json(send("{\"region_id\":", "application/json").await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let (status, body) = json(
        send("{\"region_id\": 1}", "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    assert!(
        body["message"].as_str().unwrap().contains("缺少字段"),
        "{body}"
    );
    let (status, body) = json(
        send(
            "{\"region_id\": 1, \"code\": 1, \"name\": \"x\", \"kind\": \"department\"}",
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );

    // A JSON body over 1 MB.
    let big = json!({"name": "长".repeat(400_000)}).to_string();
    assert!(big.len() > 1024 * 1024);
    let res = app
        .with_token(Method::POST, "/me/tokens", a)
        .header(header::CONTENT_TYPE, "application/json")
        .body(big);
    let (status, body) = json(res.send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(body["message"].as_str().unwrap().contains("1 MB"), "{body}");

    // An upload over the configured limit.
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "大文件.txt",
            vec![b'a'; MAX_UPLOAD as usize + 100_000],
        )
        .await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(
        body["message"].as_str().unwrap().contains("300 KB"),
        "{body}"
    );
    // Just over the limit, within the form's slack: refused by the exact check.
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            2024,
            "大文件.txt",
            vec![b'a'; MAX_UPLOAD as usize + 1],
        )
        .await;
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");

    // A form without year or file, a year out of range.
    let form = reqwest::multipart::Form::new().text("year", "2024");
    let path = format!("/units/{}/uploads", app.unit_a);
    let res = app
        .with_token(Method::POST, &path, &app.staff_a)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let res = app
        .upload(
            &app.staff_a,
            app.unit_a,
            1999,
            "报告.txt",
            REPORT.as_bytes().to_vec(),
        )
        .await;
    let (status, body) = json(res).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );

    // Conflicts name what clashed.
    let unit = json!({"region_id": app.east, "code": "99100201", "name": "重复代码的单位", "kind": "department"});
    let (status, body) = json(
        app.with_token(Method::POST, "/units", a)
            .json(&unit)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn login_is_throttled_with_retry_after() {
    let app = ApiWorld::spawn().await;
    let attempt = || {
        app.request(Method::POST, "/auth/login")
            .json(&json!({"login": "leader_a", "password": "wrong-password-1"}))
            .send()
    };
    for _ in 0..5 {
        let (status, body) = json(attempt().await.unwrap()).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        );
    }
    let res = attempt().await.unwrap();
    let retry_after: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
    assert!(body["message"].as_str().unwrap().contains("秒"), "{body}");

    // Even the right password waits now.
    let res = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"login": "leader_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn admin_manages_the_organisation() {
    let app = ApiWorld::spawn().await;
    let a = &app.admin;

    // The tree, flat, with parents and paths.
    let (status, regions) = json(
        app.with_token(Method::GET, "/regions", &app.staff_a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let east = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == app.east)
        .unwrap();
    assert_eq!(east["parent_id"], app.city);
    assert_eq!(east["path"], json!([app.city, app.east]));
    assert_eq!(east["path_names"], json!(["青川市", "青川市东湖区"]));
    assert_eq!(east["level"], "county");

    // A new township below 东湖区, renamed; a unit in it, moved to 西岭区.
    let new = json!({"parent_id": app.east, "code": "991002001", "name": "东湖街道", "level": "township"});
    let (status, town) = json(
        app.with_token(Method::POST, "/regions", a)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{town}");
    assert_eq!(
        town["path_names"],
        json!(["青川市", "青川市东湖区", "东湖街道"])
    );
    let town_id = town["id"].as_i64().unwrap();
    let path = format!("/regions/{town_id}");
    let (status, town) = json(
        app.with_token(Method::PATCH, &path, a)
            .json(&json!({"name": "东湖街道办事处辖区"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{town}");
    assert_eq!(town["name"], "东湖街道办事处辖区");
    assert_eq!(town["code"], "991002001");

    let unit = json!({"region_id": town_id, "code": "99100200101", "name": "青川市东湖区东湖街道办事处", "short_name": "东湖街道", "kind": "township"});
    let (status, unit) = json(
        app.with_token(Method::POST, "/units", a)
            .json(&unit)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit_id = unit["id"].as_i64().unwrap();
    let path = format!("/units/{unit_id}");
    let (status, moved) = json(
        app.with_token(Method::PATCH, &path, a)
            .json(&json!({"region_id": app.west}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["region_path"], json!([app.city, app.west]));
    assert_eq!(moved["name"], "青川市东湖区东湖街道办事处");
    let (_, listed) = json(
        app.with_token(Method::GET, &format!("/units?region={}", app.west), a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let ids: BTreeSet<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from([app.unit_b, unit_id]));

    // Only admins change the organisation; a top-level region needs a root admin.
    let (status, body) = json(
        app.with_token(Method::POST, "/regions", &app.supervisor)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = json(
        app.with_token(
            Method::PATCH,
            &format!("/units/{}", app.unit_a),
            &app.leader_a,
        )
        .json(&json!({"name": "改名"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Import a sheet: one new region and unit; a bad sheet lists every bad row.
    let csv = "类别,代码,名称,简称,类型,上级代码\n区域,991004,青川市南山区,,县区,991000\n单位,99100401,青川市南山区司法局,区司法局,司法局,991004\n";
    let (status, summary) = json(import(&app, a, "机构.csv", csv.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(
        summary,
        json!({"regions_created": 1, "regions_updated": 0, "units_created": 1, "units_updated": 0})
    );
    let bad = "类别,代码,名称,简称,类型,上级代码\n区域,991005,某区,,县区,000000\n单位,99100501,某局,,不知道,991005\n";
    let (status, body) = json(import(&app, a, "机构.csv", bad.as_bytes()).await).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    assert!(
        body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["line"].is_u64() && r["message"].is_string()),
        "{body}"
    );
    // Rows outside the importer's reach are refused whole.
    let (status, body) =
        json(import(&app, &app.supervisor, "机构.csv", csv.as_bytes()).await).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Export: the sheet the import reads, with the new rows.
    let res = app
        .with_token(Method::GET, "/org/export?format=csv", a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let text = String::from_utf8(res.bytes().await.unwrap().to_vec()).unwrap();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("类别,代码,名称,简称,类型,上级代码"),
        "{text}"
    );
    assert!(text.contains("青川市南山区司法局"));
    let res = app
        .with_token(Method::GET, "/org/export?format=xlsx", a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let res = app
        .with_token(Method::GET, "/org/export", &app.staff_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Each change is in the audit log.
    let (status, log) = json(
        app.with_token(Method::GET, "/audit?entity=unit&limit=2", a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    assert!(log["next_before_id"].is_i64(), "{log}");
    let next = log["next_before_id"].as_i64().unwrap();
    let (_, older) = json(
        app.with_token(
            Method::GET,
            &format!("/audit?entity=unit&before_id={next}"),
            a,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(older["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["id"].as_i64().unwrap() < next));
    let (status, body) = json(
        app.with_token(Method::GET, "/audit?from=yesterday", a)
            .send()
            .await
            .unwrap(),
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
async fn a_county_admin_changes_only_what_lies_below_his_county() {
    let app = ApiWorld::spawn().await;
    let county = app
        .account("east_admin", Role::Admin, Node::Region(RegionId(app.east)))
        .await;
    let head = "类别,代码,名称,简称,类型,上级代码\n";

    // Below his county, also through a region the same sheet creates.
    let ok = format!(
        "{head}区域,991002001,东湖街道,,乡镇,991002\n单位,99100200101,东湖街道办事处,,乡镇街道,991002001\n"
    );
    let (status, body) = json(import(&app, &county, "机构.csv", ok.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Beside or above it: refused whole, nothing imported.
    let refused = [
        format!("{head}区域,991009,青川市新区,,县区,991000\n"),
        format!("{head}单位,99100301,青川市西岭区教育局（改名）,,政府工作部门,991003\n"),
        format!(
            "{head}区域,991003009,西岭新区,,乡镇,991003\n区域,991003010,西岭新村,,乡镇,991003009\n"
        ),
        format!("{head}区域,991002,青川市东湖区（改名）,,县区,991000\n"),
        format!("{head}区域,998000,别的市,,市,\n"),
    ];
    for sheet in &refused {
        let (status, body) = json(import(&app, &county, "机构.csv", sheet.as_bytes()).await).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (_, regions) = json(
        app.with_token(Method::GET, "/regions", &county)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let codes: BTreeSet<&str> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from(["991000", "991002", "991002001", "991003"])
    );

    // Nor may he rename his own county or make a top-level region.
    let path = format!("/regions/{}", app.east);
    let (status, body) = json(
        app.with_token(Method::PATCH, &path, &county)
            .json(&json!({"name": "改名"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let root = json!({"code": "998000", "name": "别的市", "level": "city"});
    let (status, body) = json(
        app.with_token(Method::POST, "/regions", &county)
            .json(&root)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    // The city's admin may.
    let res = app
        .with_token(Method::POST, "/regions", &app.admin)
        .json(&root)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // His export holds his county only, with its parent's code kept.
    let res = app
        .with_token(Method::GET, "/org/export", &county)
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(
        text.contains("区域,991002,青川市东湖区,,县区,991000"),
        "{text}"
    );
    assert!(!text.contains("西岭"), "{text}");

    // And he can import it again as it is (the row of his county changes nothing).
    let (status, body) = json(import(&app, &county, "机构.csv", text.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn import(app: &ApiWorld, who: &Account, name: &str, bytes: &[u8]) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    app.with_token(Method::POST, "/org/import", who)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn admin_manages_accounts_and_roles() {
    let app = ApiWorld::spawn().await;
    let a = &app.admin;
    let new = json!({
        "login": "staff_a2",
        "display_name": "东湖区市场监管局 新填报员",
        "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": app.unit_a}}]
    });
    let (status, created) = json(
        app.with_token(Method::POST, "/users", a)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["user"]["id"].as_i64().unwrap();
    let password = created["password"].as_str().unwrap().to_string();
    assert_eq!(created["user"]["must_change_password"], true);
    assert_eq!(
        created["grants"][0]["node_name"],
        "青川市东湖区市场监督管理局"
    );
    let (status, body) = json(
        app.with_token(Method::POST, "/users", a)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");

    // Only within reach: a unit's leader creates nobody.
    let (status, body) = json(
        app.with_token(Method::POST, "/users", &app.leader_a)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Roles: grant the leader's, revoke it.
    let grant = json!({"role": "unit_leader", "node": {"type": "unit", "id": app.unit_a}});
    let path = format!("/users/{id}/grants");
    let (status, granted) = json(
        app.with_token(Method::POST, &path, a)
            .json(&grant)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{granted}");
    assert_eq!(granted["role"], "unit_leader");
    let (_, user) = json(
        app.with_token(Method::GET, &format!("/users/{id}"), a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(user["grants"].as_array().unwrap().len(), 2);
    let grant_id = granted["id"].as_i64().unwrap();
    let res = app
        .with_token(Method::DELETE, &format!("/grants/{grant_id}"), a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // The list holds every account the admin reaches.
    let (status, users) = json(
        app.with_token(Method::GET, "/users", a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let logins: BTreeSet<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"]["login"].as_str().unwrap())
        .collect();
    for login in [
        "admin",
        "staff_a",
        "leader_a",
        "staff_b",
        "supervisor",
        "staff_a2",
    ] {
        assert!(logins.contains(login), "{login} in {logins:?}");
    }

    // A reset gives a new one-time password that works; the old one does not.
    let path = format!("/users/{id}/reset-password");
    let (status, reset) = json(app.with_token(Method::POST, &path, a).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let fresh = reset["password"].as_str().unwrap();
    assert_ne!(fresh, password);
    let s2 = app.login("staff_a2", fresh).await;
    let res = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"login": "staff_a2", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Disable and enable.
    let (_, user) = json(
        app.with_token(Method::POST, &format!("/users/{id}/disable"), a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(user["disabled"], true);
    let (status, body) = json(
        app.with_cookie(Method::GET, "/me", &s2)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let (_, user) = json(
        app.with_token(Method::POST, &format!("/users/{id}/enable"), a)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(user["disabled"], false);
}

#[tokio::test]
async fn a_one_time_password_is_changed_first_through_the_api() {
    let app = ApiWorld::spawn().await;
    let new = json!({"login": "newcomer", "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": app.unit_a}}]});
    let (_, created) = json(
        app.with_token(Method::POST, "/users", &app.admin)
            .json(&new)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let password = created["password"].as_str().unwrap().to_string();
    let session = app.login("newcomer", &password).await;

    // Locked until the password is changed: he may see who he is and change it, nothing else.
    let (status, me) = json(
        app.with_cookie(Method::GET, "/me", &session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "GET /me is allowed while locked: {me}"
    );
    assert_eq!(me["user"]["must_change_password"], true);
    let path = format!("/units/{}/uploads", app.unit_a);
    let (status, body) = json(
        app.with_cookie(Method::GET, &path, &session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    let res = app
        .with_cookie(Method::POST, "/me/password", &session)
        .header("x-csrf-token", &session.csrf)
        .json(&json!({"old_password": password, "new_password": "Donghu-2025!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NO_CONTENT,
        "POST /me/password is allowed while locked"
    );
    let (status, me) = json(
        app.with_cookie(Method::GET, "/me", &session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["must_change_password"], false);
    let res = app
        .with_cookie(Method::GET, &path, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// Credentials: login bounding and throttling, token lifetime, password policy

/// The newest audit entry whose action starts with `action`, read through the store.
async fn last_audit(app: &ApiWorld, action: &str) -> fazhi_store::AuditEntry {
    app.store
        .audit(&fazhi_store::AuditFilter {
            action_prefix: Some(action.into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn a_huge_login_name_is_refused_and_the_audit_keeps_a_bounded_form() {
    let app = ApiWorld::spawn().await;
    let huge = "x".repeat(900_000);
    let (status, body) = json(
        app.request(Method::POST, "/auth/login")
            .json(&json!({"login": huge, "password": "Whatever-2025"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
    let e = last_audit(&app, "session.login_failed").await;
    let row = serde_json::to_string(&e).unwrap();
    assert!(row.len() < 1_000, "audit row of {} bytes", row.len());
    assert!(e.actor_login.chars().count() <= 65, "{}", e.actor_login);
    assert!(e.actor_login.starts_with("xxxx") && e.actor_login.ends_with('…'));
    assert_eq!(e.after.unwrap()["login"], e.actor_login.as_str());
}

#[tokio::test]
async fn an_address_trying_new_names_is_throttled_too() {
    let app = ApiWorld::spawn().await;
    let mut first_429 = None;
    for i in 0..25 {
        let res = app
            .request(Method::POST, "/auth/login")
            .json(&json!({"login": format!("guess{i}"), "password": "Whatever-2025"}))
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = res.headers()[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=15 * 60).contains(&retry), "{retry}");
            let (status, body) = json(res).await;
            assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
            first_429.get_or_insert(i);
        } else {
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "attempt {i}"
            );
            assert!(first_429.is_none(), "attempt {i} passed after a 429");
        }
    }
    assert_eq!(
        first_429,
        Some(20),
        "20 failures per address, whatever the names"
    );
    // The address waits now, even for a real account with its right password.
    let res = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"login": "leader_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_admin_reset_revokes_the_accounts_api_tokens() {
    let app = ApiWorld::spawn().await;
    let me = || app.with_token(Method::GET, "/me", &app.staff_a).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    let path = format!("/users/{}/reset-password", app.staff_a.id);
    let res = app
        .with_token(Method::POST, &path, &app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, body) = json(me().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    // Nor can it mint a token or withdraw anything.
    let res = app
        .with_token(Method::POST, "/me/tokens", &app.staff_a)
        .json(&json!({"name": "再来一个"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let e = last_audit(&app, "user.password").await;
    assert_eq!(e.after.unwrap()["tokens_revoked"], 1);
    // Other accounts' tokens are untouched.
    let res = app
        .with_token(Method::GET, "/me", &app.staff_b)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_own_password_change_revokes_the_tokens_only_when_asked() {
    let app = ApiWorld::spawn().await;
    let who = &app.staff_a;
    let change = |old: &str, new: &str, revoke: Option<bool>| {
        let mut body = json!({"old_password": old, "new_password": new});
        if let Some(r) = revoke {
            body["revoke_tokens"] = json!(r);
        }
        app.with_token(Method::POST, "/me/password", who)
            .json(&body)
            .send()
    };
    let me = || app.with_token(Method::GET, "/me", who).send();
    let res = change(PASSWORD, "Donghu-Lake-2025", None).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me().await.unwrap().status(),
        StatusCode::OK,
        "kept by default"
    );
    let res = change("Donghu-Lake-2025", "Xiling-Hill-2026", Some(false))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    let res = change("Xiling-Hill-2026", "Qingchuan-River-27", Some(true))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, body) = json(me().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    // The new password works.
    app.login("staff_a", "Qingchuan-River-27").await;
}

#[tokio::test]
async fn a_locked_account_with_a_token_may_only_change_its_password() {
    let app = ApiWorld::spawn().await;
    let user = app
        .create_user(
            fazhi_store::NewUser {
                login: "locked".into(),
                display_name: "锁定测试".into(),
                password_hash: fazhi_domain::password::hash_password("Temp-Once-2025"),
                must_change_password: true,
            },
            &[(Role::UnitStaff, Node::Unit(UnitId(app.unit_a)))],
        )
        .await;
    let token = app.api_token(user.id, "脚本").await;
    let call = |m: Method, path: &str| app.request(m, path).bearer_auth(&token);

    let (status, body) = json(call(Method::GET, "/units").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        body["message"].as_str().unwrap().contains("修改密码"),
        "{body}"
    );
    let res = call(Method::GET, "/me").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = call(Method::POST, "/me/password")
        .json(&json!({"old_password": "Temp-Once-2025", "new_password": "Donghu-Lake-2025"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = call(Method::GET, "/units").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_old_passwords_are_throttled() {
    let app = ApiWorld::spawn().await;
    let change = |old: &str| {
        app.with_token(Method::POST, "/me/password", &app.leader_a)
            .json(&json!({"old_password": old, "new_password": "Donghu-Lake-2025"}))
            .send()
    };
    for i in 0..5 {
        let (status, body) = json(change(&format!("wrong-{i}")).await.unwrap()).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        );
        assert!(body["message"].as_str().unwrap().contains("原密码不正确"));
    }
    let res = change("wrong-5").await.unwrap();
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let (status, body) = json(res).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
    // Even the right old password waits now, and so does a login to the account.
    assert_eq!(
        change(PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let res = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"login": "leader_a", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn weak_and_earlier_passwords_are_refused() {
    let app = ApiWorld::spawn().await;
    let who = &app.staff_b;
    let change = |old: &str, new: &str| {
        app.with_token(Method::POST, "/me/password", who)
            .json(&json!({"old_password": old, "new_password": new}))
            .send()
    };
    for (weak, says) in [
        ("password1", "至少 10 个字符"),
        ("Password1!", "常见的弱密码"),
        ("Staff_B-2025!", "登录名"),
        ("xxxxxxx1", "至少 10 个字符"),
        ("xxxxxxxxxX1!", "不同的字符"),
        ("        a1", "空格"),
    ] {
        let (status, body) = json(change(PASSWORD, weak).await.unwrap()).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        );
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{weak}: {body}"
        );
    }
    // Five changes: none of the last five passwords (nor the current) may come back.
    let chain = [
        PASSWORD,
        "Pw-One-2025x",
        "Pw-Two-2025x",
        "Pw-Three-2025x",
        "Pw-Four-2025x",
        "Pw-Five-2025x",
    ];
    for w in chain.windows(2) {
        assert_eq!(
            change(w[0], w[1]).await.unwrap().status(),
            StatusCode::NO_CONTENT,
            "{} → {}",
            w[0],
            w[1]
        );
    }
    for earlier in &chain[..5] {
        let (status, body) = json(change("Pw-Five-2025x", earlier).await.unwrap()).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        );
        assert!(
            body["message"].as_str().unwrap().contains("最近 5 次"),
            "{earlier}: {body}"
        );
    }
    let res = change("Pw-Five-2025x", "Pw-Six-2025x").await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn token_names_refuse_control_characters_and_secrets_are_not_stored() {
    let app = ApiWorld::spawn().await;
    let create = |name: &str| {
        app.with_token(Method::POST, "/me/tokens", &app.staff_a)
            .json(&json!({ "name": name }))
            .send()
    };
    for bad in ["a\u{0}b", "脚本\u{202E}", "a\nb"] {
        let (status, body) = json(create(bad).await.unwrap()).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        );
        assert!(
            body["message"].as_str().unwrap().contains("令牌名称"),
            "{body}"
        );
    }
    let res = create("同步脚本").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn logout_with_a_token_revokes_that_token() {
    let app = ApiWorld::spawn().await;
    let (_, created) = json(
        app.with_token(Method::POST, "/me/tokens", &app.staff_a)
            .json(&json!({"name": "一次性脚本"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let id = created["token"]["id"].as_i64().unwrap();
    let res = app
        .request(Method::POST, "/auth/logout")
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .request(Method::GET, "/me")
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Audited, and the account's other token still works.
    let e = last_audit(&app, "token.revoke").await;
    assert_eq!(e.entity_id, Some(id));
    let res = app
        .with_token(Method::GET, "/me", &app.staff_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
