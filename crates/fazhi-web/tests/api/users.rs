//! Accounts and roles, as an admin manages them.

use crate::common::api::{assert_error, send, send_json, ApiWorld};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn admin_manages_accounts_and_roles() {
    let app = ApiWorld::spawn().await;
    let a = &app.admin;
    let new = json!({
        "login": "staff_a2",
        "display_name": "东湖区市场监管局 新填报员",
        "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": app.unit_a}}]
    });
    let (status, created) = app.call_json(Method::POST, "/users", a, &new).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["user"]["id"].as_i64().unwrap();
    let password = created["password"].as_str().unwrap().to_string();
    assert_eq!(created["user"]["must_change_password"], true);
    assert_eq!(
        created["grants"][0]["node_name"],
        "青川市东湖区市场监督管理局"
    );
    let (status, body) = app.call_json(Method::POST, "/users", a, &new).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");

    // Only within reach: a unit's leader creates nobody.
    let (status, body) = app
        .call_json(Method::POST, "/users", &app.leader_a, &new)
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Roles: grant the leader's, revoke it.
    let grant = json!({"role": "unit_leader", "node": {"type": "unit", "id": app.unit_a}});
    let path = format!("/users/{id}/grants");
    let (status, granted) = app.call_json(Method::POST, &path, a, &grant).await;
    assert_eq!(status, StatusCode::CREATED, "{granted}");
    assert_eq!(granted["role"], "unit_leader");
    let (_, user) = app.call(Method::GET, &format!("/users/{id}"), a).await;
    assert_eq!(user["grants"].as_array().unwrap().len(), 2);
    let grant_id = granted["id"].as_i64().unwrap();
    let res = send(app.with_token(Method::DELETE, &format!("/grants/{grant_id}"), a)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // The list holds every account the admin reaches.
    let (status, users) = app.call(Method::GET, "/users", a).await;
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
    let (status, reset) = app.call(Method::POST, &path, a).await;
    assert_eq!(status, StatusCode::OK);
    let fresh = reset["password"].as_str().unwrap();
    assert_ne!(fresh, password);
    let s2 = app.login("staff_a2", fresh).await;
    assert_eq!(
        app.login_status("staff_a2", &password).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Disable and enable.
    let (_, user) = app
        .call(Method::POST, &format!("/users/{id}/disable"), a)
        .await;
    assert_eq!(user["disabled"], true);
    let (status, body) = send_json(app.with_cookie(Method::GET, "/me", &s2)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let (_, user) = app
        .call(Method::POST, &format!("/users/{id}/enable"), a)
        .await;
    assert_eq!(user["disabled"], false);
}
