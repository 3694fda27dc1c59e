//! Credentials: login bounding and throttling, token lifetime, password policy.

use crate::common::api::{
    assert_bad_request, assert_error, assert_throttled, json, retry_after, send, send_json,
    ApiWorld, PASSWORD,
};
use fazhi_domain::{Node, Role};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

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
    let (status, body) = app
        .call_anon_json(
            Method::POST,
            "/auth/login",
            &json!({"login": huge, "password": "Whatever-2025"}),
        )
        .await;
    assert_bad_request(status, &body);
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
        let res = send(
            app.request(Method::POST, "/auth/login")
                .json(&json!({"login": format!("guess{i}"), "password": "Whatever-2025"})),
        )
        .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after(&res);
            let (status, body) = json(res).await;
            assert_throttled(status, &body);
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
    app.assert_login_throttled("leader_a").await;
}

#[tokio::test]
async fn an_admin_reset_revokes_the_accounts_api_tokens() {
    let app = ApiWorld::spawn().await;
    let me = || app.with_token(Method::GET, "/me", &app.staff_a).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    let path = format!("/users/{}/reset-password", app.staff_a.id);
    let res = send(app.with_token(Method::POST, &path, &app.admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, body) = json(me().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    // Nor can it mint a token or withdraw anything.
    let res = send(
        app.with_token(Method::POST, "/me/tokens", &app.staff_a)
            .json(&json!({"name": "再来一个"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let e = last_audit(&app, "user.password").await;
    assert_eq!(e.after.unwrap()["tokens_revoked"], 1);
    // Other accounts' tokens are untouched.
    let res = send(app.with_token(Method::GET, "/me", &app.staff_b)).await;
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
                login: fazhi_domain::policy::check_login("locked").unwrap(),
                display_name: "锁定测试".into(),
                password_hash: fazhi_domain::password::hash_password("Temp-Once-2025"),
                must_change_password: true,
            },
            &[(
                Role::UnitStaff,
                Node::Unit(fazhi_domain::UnitId(app.unit_a)),
            )],
        )
        .await;
    let token = app.api_token(user.id, "脚本").await;
    let call = |m: Method, path: &str| app.with_secret(m, path, &token);

    let (status, body) = send_json(call(Method::GET, "/units")).await;
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
        assert_bad_request(status, &body);
        assert!(body["message"].as_str().unwrap().contains("原密码不正确"));
    }
    let res = change("wrong-5").await.unwrap();
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let (status, body) = json(res).await;
    assert_throttled(status, &body);
    // Even the right old password waits now, and so does a login to the account.
    assert_eq!(
        change(PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.assert_login_throttled("leader_a").await;
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
        assert_bad_request(status, &body);
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
        assert_bad_request(status, &body);
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
        assert_bad_request(status, &body);
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
    let (_, created) = app
        .call_json(
            Method::POST,
            "/me/tokens",
            &app.staff_a,
            &json!({"name": "一次性脚本"}),
        )
        .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let id = created["token"]["id"].as_i64().unwrap();
    let res = send(app.with_secret(Method::POST, "/auth/logout", &secret)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = send(app.with_secret(Method::GET, "/me", &secret)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Audited, and the account's other token still works.
    let e = last_audit(&app, "token.revoke").await;
    assert_eq!(e.entity_id, Some(id));
    let res = send(app.with_token(Method::GET, "/me", &app.staff_a)).await;
    assert_eq!(res.status(), StatusCode::OK);
}
