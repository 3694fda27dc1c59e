//! A fresh installation: the first admin (made by `fazhi admin create` or the first start,
//! before any region exists, so without any role) creates the first region through the API
//! and becomes its admin; once a tree exists, an account without roles cannot add a root.

mod backend;

use fazhi_store::{Actor, NewUser, Store};
use fazhi_web::{auth::token_hash, ops, AppState, WebConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

async fn user_with_token(store: &dyn Store, login: &str) -> String {
    let system = Actor::system("test");
    let user = store
        .create_user(
            &system,
            &NewUser {
                login: login.into(),
                display_name: login.into(),
                password_hash: ops::hash_password("Bootstrap-2025"),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let token = ops::random_token("fz_");
    store
        .create_api_token(&system, user.id, "t", &token_hash(&token))
        .await
        .unwrap();
    token
}

#[tokio::test]
async fn the_first_admin_creates_the_first_region_and_administers_it() {
    let db = backend::fresh_store().await;
    let store: Arc<dyn Store> = db.store.clone();
    let first = user_with_token(store.as_ref(), "admin").await;
    let later = user_with_token(store.as_ref(), "nobody").await;
    let state = AppState::new(store.clone(), Arc::default(), WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    tokio::spawn(fazhi_web::serve(listener, state, std::future::pending()));
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
