//! Signing in: the session cookie and its CSRF token, API tokens, disabled accounts, the
//! login throttle and one-time passwords.

use crate::common::api::{
    assert_bad_request, assert_error, assert_throttled, json, retry_after, send, send_json,
    ApiWorld, PASSWORD,
};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn login_sets_the_session_cookie_and_returns_the_csrf_token() {
    let app = ApiWorld::spawn().await;
    let session = app.login("staff_a", PASSWORD).await;
    let attrs = session.set_cookie.to_ascii_lowercase();
    for attr in ["httponly", "samesite=lax", "path=/", "max-age="] {
        assert!(attrs.contains(attr), "{attr} in {}", session.set_cookie);
    }
    let (status, me) = send_json(app.with_cookie(Method::GET, "/me", &session)).await;
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
    let res = send(app.with_csrf(Method::POST, "/auth/logout", &session)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (status, body) = send_json(app.with_cookie(Method::GET, "/me", &session)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn cookie_authenticated_post_needs_the_csrf_header() {
    let app = ApiWorld::spawn().await;
    let session = app.login("staff_a", PASSWORD).await;
    let body = json!({"name": "脚本"});

    // Without X-CSRF-Token: refused by the session layer's CSRF check. This assertion is
    // the real thing: it fails whenever the CSRF middleware is missing.
    let res = send(
        app.with_cookie(Method::POST, "/me/tokens", &session)
            .json(&body),
    )
    .await;
    let (status, err) = json(res).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "csrf");

    // A wrong token is refused too.
    let res = send(
        app.with_cookie(Method::POST, "/me/tokens", &session)
            .header("x-csrf-token", "not-the-token")
            .json(&body),
    )
    .await;
    let (status, err) = json(res).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "csrf");

    // With the token the login returned: done.
    let res = send(
        app.with_csrf(Method::POST, "/me/tokens", &session)
            .json(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Reading needs no CSRF token.
    let res = send(app.with_cookie(Method::GET, "/me/tokens", &session)).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn api_tokens_authenticate_without_csrf_and_can_be_revoked() {
    let app = ApiWorld::spawn().await;
    // A token-authenticated POST needs no CSRF header.
    let res = send(
        app.with_token(Method::POST, "/me/tokens", &app.staff_a)
            .json(&json!({"name": "数据同步脚本"})),
    )
    .await;
    let (status, created) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("fz_"));
    let id = created["token"]["id"].as_i64().unwrap();

    let (status, me) = send_json(app.with_secret(Method::GET, "/me", &secret)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["via"], "token");
    assert_eq!(me["csrf_token"], Value::Null);

    let (_, tokens) = app.call(Method::GET, "/me/tokens", &app.staff_a).await;
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
    let res = send(app.with_token(Method::DELETE, &format!("/me/tokens/{id}"), &app.staff_b)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = send(app.with_token(Method::DELETE, &format!("/me/tokens/{id}"), &app.staff_a)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, body) = send_json(app.with_secret(Method::GET, "/me", &secret)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    // A made-up token is refused even on public endpoints (a client bug should be loud).
    let res = send(app.with_secret(Method::GET, "/me", "fz_made_up")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_disabled_users_token_stops_working() {
    let app = ApiWorld::spawn().await;
    let res = send(app.with_token(Method::GET, "/me", &app.staff_a)).await;
    assert_eq!(res.status(), StatusCode::OK);

    let path = format!("/users/{}/disable", app.staff_a.id);
    let (status, user) = app.call(Method::POST, &path, &app.admin).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["disabled"], true);

    let (status, body) = app.call(Method::GET, "/me", &app.staff_a).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let res = app.upload_text(&app.staff_a, app.unit_a, "报告.txt").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Nor can he log in; an admin cannot disable himself.
    assert_eq!(
        app.login_status("staff_a", PASSWORD).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let path = format!("/users/{}/disable", app.admin.id);
    let (status, body) = app.call(Method::POST, &path, &app.admin).await;
    assert_bad_request(status, &body);
}

#[tokio::test]
async fn login_is_throttled_with_retry_after() {
    let app = ApiWorld::spawn().await;
    let attempt = || app.login_request("leader_a", "wrong-password-1").send();
    for _ in 0..5 {
        let (status, body) = json(attempt().await.unwrap()).await;
        assert_bad_request(status, &body);
    }
    let res = attempt().await.unwrap();
    retry_after(&res);
    let (status, body) = json(res).await;
    assert_throttled(status, &body);
    assert!(body["message"].as_str().unwrap().contains("秒"), "{body}");

    // Even the right password waits now.
    app.assert_login_throttled("leader_a").await;
}

#[tokio::test]
async fn a_one_time_password_is_changed_first_through_the_api() {
    let app = ApiWorld::spawn().await;
    let new = json!({"login": "newcomer", "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": app.unit_a}}]});
    let (_, created) = app
        .call_json(Method::POST, "/users", &app.admin, &new)
        .await;
    let password = created["password"].as_str().unwrap().to_string();
    let session = app.login("newcomer", &password).await;

    // Locked until the password is changed: he may see who he is and change it, nothing else.
    let (status, me) = send_json(app.with_cookie(Method::GET, "/me", &session)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "GET /me is allowed while locked: {me}"
    );
    assert_eq!(me["user"]["must_change_password"], true);
    let path = format!("/units/{}/uploads", app.unit_a);
    let (status, body) = send_json(app.with_cookie(Method::GET, &path, &session)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    let res = send(
        app.with_csrf(Method::POST, "/me/password", &session)
            .json(&json!({"old_password": password, "new_password": "Donghu-2025!"})),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::NO_CONTENT,
        "POST /me/password is allowed while locked"
    );
    let (status, me) = send_json(app.with_cookie(Method::GET, "/me", &session)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["must_change_password"], false);
    let res = send(app.with_cookie(Method::GET, &path, &session)).await;
    assert_eq!(res.status(), StatusCode::OK);
}
