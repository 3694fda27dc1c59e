//! A fresh installation: the first admin (made by `fazhi admin create` or the first start,
//! before any region exists, so without any role) creates the first region through the API
//! and becomes its admin; once a tree exists, an account without roles cannot add a root.

mod common;

use common::{quick_hash, TestApp};
use fazhi_store::NewUser;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An account without any role, and an API token of it.
async fn user_with_token(app: &TestApp, login: &str) -> String {
    let user = app
        .create_user(
            NewUser {
                login: fazhi_domain::policy::check_login(login).expect("a valid login"),
                display_name: login.into(),
                password_hash: quick_hash("Bootstrap-2025"),
                must_change_password: false,
            },
            &[],
        )
        .await;
    app.api_token(user.id, "t").await
}

#[tokio::test]
async fn the_first_admin_creates_the_first_region_and_administers_it() {
    let app = TestApp::spawn().await;
    let first = user_with_token(&app, "admin").await;
    let later = user_with_token(&app, "nobody").await;
    let base = app.api_url("");
    let client = reqwest::Client::new();

    let root = json!({"parent_id": null, "code": "990000", "name": "示例省", "level": "province"});
    let res = client
        .post(format!("{base}/regions"))
        .bearer_auth(&first)
        .json(&root)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let region: Value = res.json().await.unwrap();

    let me: Value = client
        .get(format!("{base}/me"))
        .bearer_auth(&first)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let grants = me["grants"].as_array().unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g["role"] == "admin" && g["node"]["id"] == region["id"]),
        "{me}"
    );

    // The tree exists now: an account without roles may not add another root.
    let other = json!({"parent_id": null, "code": "980000", "name": "另一省", "level": "province"});
    let res = client
        .post(format!("{base}/regions"))
        .bearer_auth(&later)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
