//! The API tests' world: the real server on 127.0.0.1:0 with a fresh SQLite database, a
//! small fictional organisation, accounts with known passwords and API tokens, and a
//! client that speaks to it.

#![allow(dead_code)] // Each test binary uses a different part of this.

#[path = "../backend/mod.rs"]
mod backend;

use fazhi_domain::{Grant, Node, RegionLevel, Role, UnitKind};
use fazhi_store::{Actor, NewRegion, NewUnit, NewUser, Store};
use fazhi_web::{auth::token_hash, ops, AppState, WebConfig};
use reqwest::{header, Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tokio::sync::oneshot;

/// The password of every account made here.
pub const PASSWORD: &str = "Qingchuan-2025";

/// Largest upload the test server takes (small, so the limit is cheap to exceed).
pub const MAX_UPLOAD: u64 = 300 * 1024;

/// A fictional unit's annual report (five parts) as plain text.
pub const REPORT: &str = include_str!("report.txt");

/// An account of the test world: its id, login and a working API token.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub token: String,
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub store: Arc<dyn Store>,
    /// 青川市 (root), 东湖区 and 西岭区 below it.
    pub city: i64,
    pub east: i64,
    pub west: i64,
    /// Unit A in 东湖区, unit B in 西岭区.
    pub unit_a: i64,
    pub unit_b: i64,
    /// Admin at the city.
    pub admin: Account,
    /// Staff and leader of unit A, staff of unit B.
    pub staff_a: Account,
    pub leader_a: Account,
    pub staff_b: Account,
    /// Supervisor of 东湖区.
    pub supervisor: Account,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: backend::TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One argon2 hash for every account (hashing is slow in debug builds).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| ops::hash_password(PASSWORD))
}

async fn account(store: &dyn Store, login: &str, grant: Grant) -> Account {
    let system = Actor::system("test");
    let user = store
        .create_user(
            &system,
            &NewUser {
                login: login.to_string(),
                display_name: format!("{login} 测试"),
                password_hash: password_hash().to_string(),
                must_change_password: false,
            },
        )
        .await
        .expect("create user");
    store.grant(&system, user.id, grant).await.expect("grant");
    let token = ops::random_token("fz_");
    store
        .create_api_token(&system, user.id, "测试令牌", &token_hash(&token))
        .await
        .expect("token");
    Account {
        id: user.id,
        login: login.to_string(),
        token,
    }
}

/// Starts the server on a fresh database with the test world in it.
pub async fn spawn() -> TestApp {
    let dir = backend::fresh_store().await;
    let store: Arc<dyn Store> = dir.store.clone();
    let system = Actor::system("test");

    let region = |parent_id, code: &str, name: &str, level| NewRegion {
        parent_id,
        code: code.to_string(),
        name: name.to_string(),
        level,
    };
    let city = store
        .create_region(
            &system,
            &region(None, "991000", "青川市", RegionLevel::City),
        )
        .await
        .unwrap();
    let east = store
        .create_region(
            &system,
            &region(Some(city.id), "991002", "青川市东湖区", RegionLevel::County),
        )
        .await
        .unwrap();
    let west = store
        .create_region(
            &system,
            &region(Some(city.id), "991003", "青川市西岭区", RegionLevel::County),
        )
        .await
        .unwrap();
    let unit = |region_id, code: &str, name: &str, short: &str| NewUnit {
        region_id,
        code: code.to_string(),
        name: name.to_string(),
        short_name: short.to_string(),
        kind: UnitKind::Department,
    };
    let unit_a = store
        .create_unit(
            &system,
            &unit(
                east.id,
                "99100201",
                "青川市东湖区市场监督管理局",
                "区市场监管局",
            ),
        )
        .await
        .unwrap();
    let unit_b = store
        .create_unit(
            &system,
            &unit(west.id, "99100301", "青川市西岭区教育局", "区教育局"),
        )
        .await
        .unwrap();

    let g = |role, node| Grant { role, node };
    let admin = account(&*store, "admin", g(Role::Admin, Node::Region(city.id))).await;
    let staff_a = account(
        &*store,
        "staff_a",
        g(Role::UnitStaff, Node::Unit(unit_a.id)),
    )
    .await;
    let leader_a = account(
        &*store,
        "leader_a",
        g(Role::UnitLeader, Node::Unit(unit_a.id)),
    )
    .await;
    let staff_b = account(
        &*store,
        "staff_b",
        g(Role::UnitStaff, Node::Unit(unit_b.id)),
    )
    .await;
    let supervisor = account(
        &*store,
        "supervisor",
        g(Role::Supervisor, Node::Region(east.id)),
    )
    .await;

    let config = WebConfig {
        max_upload_bytes: MAX_UPLOAD,
        ..WebConfig::default()
    };
    let state = AppState::new(
        store.clone(),
        Arc::new(fazhi_report::Engine::default()),
        config,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        fazhi_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });

    let client = Client::builder().no_proxy().build().expect("client");
    TestApp {
        base: format!("http://{addr}/api/v1"),
        client,
        store,
        city: city.id,
        east: east.id,
        west: west.id,
        unit_a: unit_a.id,
        unit_b: unit_b.id,
        admin,
        staff_a,
        leader_a,
        staff_b,
        supervisor,
        shutdown: Some(tx),
        _dir: dir,
    }
}

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub set_cookie: String,
}

impl TestApp {
    /// Another account with one role, made through the store (no one-time password).
    pub async fn account(&self, login: &str, role: Role, node: Node) -> Account {
        account(&*self.store, login, Grant { role, node }).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request authenticated with an account's API token.
    pub fn with_token(&self, method: Method, path: &str, who: &Account) -> RequestBuilder {
        self.request(method, path).bearer_auth(&who.token)
    }

    /// A request authenticated with a session cookie, without CSRF token.
    pub fn with_cookie(&self, method: Method, path: &str, session: &Session) -> RequestBuilder {
        self.request(method, path)
            .header(header::COOKIE, &session.cookie)
    }

    /// Logs in through the API and keeps the cookie and CSRF token it hands out.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let res = self
            .request(Method::POST, "/auth/login")
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login of {login}");
        let set_cookie = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("fazhi_session="))
            .expect("session cookie")
            .to_string();
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let body: Value = res.json().await.unwrap();
        let csrf = body["csrf_token"].as_str().expect("csrf token").to_string();
        Session {
            cookie,
            csrf,
            set_cookie,
        }
    }

    /// Uploads the fictional report for `unit` as `who`.
    pub async fn upload(
        &self,
        who: &Account,
        unit: i64,
        year: i32,
        name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str("text/plain")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("year", year.to_string())
            .part("file", part);
        self.with_token(Method::POST, &format!("/units/{unit}/uploads"), who)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

/// The status and JSON body of a response (`Null` when the body is not JSON).
pub async fn json(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts the error shape: status, stable key and a Chinese message.
pub fn assert_error(status: StatusCode, body: &Value, want_status: StatusCode, want_key: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], want_key, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "message in Chinese: {body}"
    );
}

/// `Method` from an OpenAPI operation key.
pub fn method(name: &str) -> Method {
    Method::from_bytes(name.to_ascii_uppercase().as_bytes()).unwrap()
}
