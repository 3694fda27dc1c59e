//! The OpenAPI document: it parses, lists every endpoint, and unknown paths are JSON errors.

use crate::common::api::{assert_error, method, send, ApiWorld, LEDGER_ENDPOINTS};
use reqwest::{header, Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

/// Every endpoint of the API (method, path as the OpenAPI document writes it). The document
/// and the router are built from the same registrations; this list pins the public surface,
/// so that adding or removing an endpoint is a visible change to this test. The ledger's
/// are [`LEDGER_ENDPOINTS`].
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
    ("get", "/audit"),
    ("get", "/openapi.json"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn openapi_document_parses_and_lists_every_route() {
    let app = ApiWorld::spawn().await;
    let res = send(app.request(Method::GET, "/openapi.json")).await;
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
        .chain(LEDGER_ENDPOINTS)
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
        let (status, body) = app.call_anon(method(m), &url).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}: {body}");
        assert_ne!(body["message"], "未找到接口", "{m} {path} is routed");
        for other in METHODS {
            if documented.contains(&(other.to_string(), path.clone())) {
                continue;
            }
            let (status, body) = app.call_anon(method(other), &url).await;
            assert_error(
                status,
                &body,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            );
        }
    }
    // A path no endpoint has is the API's JSON 404.
    let (status, body) = app.call_anon(Method::GET, "/no/such/thing").await;
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
