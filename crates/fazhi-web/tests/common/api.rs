//! The API tests' world on a [`TestApp`]: a small fictional organisation, accounts with
//! known passwords and API tokens, and requests to `/api/v1` made as one of them.

use super::{quick_hash, TestApp};
use fazhi_domain::{Node, Role, UnitKind};
use fazhi_store::NewUser;
use reqwest::{header, Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use std::ops::Deref;
use std::sync::OnceLock;

/// The password of every account made here.
pub const PASSWORD: &str = "Qingchuan-2025";

/// Largest upload the API tests' server takes (small, so the limit is cheap to exceed).
pub const MAX_UPLOAD: u64 = 300 * 1024;

/// A fictional market regulator's annual report (five parts) as plain text.
pub const REPORT: &str = include_str!("report_market.txt");

/// The ledger's endpoints (method, path as the OpenAPI document writes it).
pub const LEDGER_ENDPOINTS: &[(&str, &str)] = &[
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
];

/// An account of the test world: its id, login and a working API token.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub token: String,
}

/// The server (with [`MAX_UPLOAD`]) and the API tests' world in it. Derefs to the
/// [`TestApp`].
pub struct ApiWorld {
    pub app: TestApp,
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
}

impl Deref for ApiWorld {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// One hash for every account (hashing per account is slow in debug builds).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| quick_hash(PASSWORD))
}

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub set_cookie: String,
}

impl ApiWorld {
    /// Starts the server on a fresh database with the API tests' world in it.
    pub async fn spawn() -> ApiWorld {
        let app = TestApp::builder()
            .max_upload_bytes(MAX_UPLOAD)
            .spawn()
            .await;
        let (city, east, west) = super::world::regions(&app).await;
        let unit_a = app
            .unit(
                &east,
                "99100201",
                "青川市东湖区市场监督管理局",
                "区市场监管局",
                UnitKind::Department,
            )
            .await;
        let unit_b = app
            .unit(
                &west,
                "99100301",
                "青川市西岭区教育局",
                "区教育局",
                UnitKind::Department,
            )
            .await;
        let admin = account(&app, "admin", Role::Admin, Node::Region(city.id)).await;
        let staff_a = account(&app, "staff_a", Role::UnitStaff, Node::Unit(unit_a.id)).await;
        let leader_a = account(&app, "leader_a", Role::UnitLeader, Node::Unit(unit_a.id)).await;
        let staff_b = account(&app, "staff_b", Role::UnitStaff, Node::Unit(unit_b.id)).await;
        let supervisor = account(&app, "supervisor", Role::Supervisor, Node::Region(east.id)).await;
        ApiWorld {
            app,
            city: city.id.0,
            east: east.id.0,
            west: west.id.0,
            unit_a: unit_a.id.0,
            unit_b: unit_b.id.0,
            admin,
            staff_a,
            leader_a,
            staff_b,
            supervisor,
        }
    }

    /// Another account with one role, made through the store (no one-time password).
    pub async fn account(&self, login: &str, role: Role, node: Node) -> Account {
        account(&self.app, login, role, node).await
    }

    /// A request to `path` below `/api/v1`, without credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app.api(method, path)
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

    /// A request authenticated with a session cookie and its CSRF token.
    pub fn with_csrf(&self, method: Method, path: &str, session: &Session) -> RequestBuilder {
        self.with_cookie(method, path, session)
            .header("x-csrf-token", &session.csrf)
    }

    /// A request authenticated with a bare token secret.
    pub fn with_secret(&self, method: Method, path: &str, secret: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(secret)
    }

    /// A login request through the API.
    pub fn login_request(&self, login: &str, password: &str) -> RequestBuilder {
        self.request(Method::POST, "/auth/login")
            .json(&serde_json::json!({"login": login, "password": password}))
    }

    /// Tries to log in through the API; answers the status.
    pub async fn login_status(&self, login: &str, password: &str) -> StatusCode {
        send(self.login_request(login, password)).await.status()
    }

    /// Asserts that even the right password of `login` is refused as throttled.
    pub async fn assert_login_throttled(&self, login: &str) {
        let status = self.login_status(login, PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{login}");
    }

    /// Logs in through the API and keeps the cookie and CSRF token it hands out.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let res = send(self.login_request(login, password)).await;
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

    /// Sends a request as `who` (with its API token); answers the status and JSON body.
    pub async fn call(&self, method: Method, path: &str, who: &Account) -> (StatusCode, Value) {
        json(self.with_token(method, path, who).send().await.unwrap()).await
    }

    /// [`ApiWorld::call`] with a JSON body.
    pub async fn call_json(
        &self,
        method: Method,
        path: &str,
        who: &Account,
        body: &Value,
    ) -> (StatusCode, Value) {
        json(
            self.with_token(method, path, who)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Sends a request without credentials; answers the status and JSON body.
    pub async fn call_anon(&self, method: Method, path: &str) -> (StatusCode, Value) {
        json(self.request(method, path).send().await.unwrap()).await
    }

    /// [`ApiWorld::call_anon`] with a JSON body.
    pub async fn call_anon_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        json(self.request(method, path).json(body).send().await.unwrap()).await
    }

    /// Uploads [`REPORT`] for 2024 as `who`; answers the upload's id and the response body.
    pub async fn upload_report(&self, who: &Account, unit: i64) -> (i64, Value) {
        let res = self.upload_text(who, unit, "报告.txt").await;
        let (_, detail) = json(res).await;
        (detail["upload"]["id"].as_i64().unwrap(), detail)
    }

    /// Uploads [`REPORT`] for 2024 as `who`, under the file name `name`.
    pub async fn upload_text(&self, who: &Account, unit: i64, name: &str) -> Response {
        let bytes = REPORT.as_bytes().to_vec();
        self.upload(who, unit, 2024, name, bytes).await
    }

    /// Uploads `bytes` as the report of `unit` for `year`, as `who`.
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

/// An account with [`PASSWORD`], one role and an API token.
async fn account(app: &TestApp, login: &str, role: Role, node: Node) -> Account {
    let user = app
        .create_user(
            NewUser {
                login: fazhi_domain::policy::check_login(login).expect("a valid login"),
                display_name: format!("{login} 测试"),
                password_hash: password_hash().to_string(),
                must_change_password: false,
            },
            &[(role, node)],
        )
        .await;
    let token = app.api_token(user.id, "测试令牌").await;
    Account {
        id: user.id.0,
        login: login.to_string(),
        token,
    }
}

/// Sends a request; answers the response (a transport error fails the test).
pub async fn send(req: RequestBuilder) -> Response {
    req.send().await.unwrap()
}

/// Sends a request; answers the status and JSON body.
pub async fn send_json(req: RequestBuilder) -> (StatusCode, Value) {
    json(send(req).await).await
}

/// The `Retry-After` seconds of a throttled response, asserted to be within 15 minutes.
pub fn retry_after(res: &Response) -> u64 {
    let secs: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&secs), "{secs}");
    secs
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

/// Asserts a refused request: 422, `bad_request` and a Chinese message.
pub fn assert_bad_request(status: StatusCode, body: &Value) {
    assert_error(
        status,
        body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_request",
    );
}

/// Asserts a throttled request: 429, `throttled` and a Chinese message.
pub fn assert_throttled(status: StatusCode, body: &Value) {
    assert_error(status, body, StatusCode::TOO_MANY_REQUESTS, "throttled");
}

/// `Method` from an OpenAPI operation key.
pub fn method(name: &str) -> Method {
    Method::from_bytes(name.to_ascii_uppercase().as_bytes()).unwrap()
}
