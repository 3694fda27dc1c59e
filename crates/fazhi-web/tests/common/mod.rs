//! Shared helpers for the integration tests: the REAL server on `127.0.0.1:0` with a fresh
//! SQLite database in a temporary directory, ways to create regions, units and accounts
//! directly through the store, and a [`Browser`] that drives the pages like a person does
//! (cookies kept, CSRF tokens read from the pages, redirects observed or followed).

#![allow(dead_code)] // Each test binary uses a different part of this.

#[path = "../backend/mod.rs"]
mod backend;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use fazhi_domain::{Grant, Node, RegionLevel, Role, UnitKind};
use fazhi_report::Engine;
use fazhi_store::{Actor, NewRegion, NewUnit, NewUser, Region, Store, Unit, User};
use fazhi_web::{AppState, WebConfig};
use reqwest::{header, Response, StatusCode};
use std::sync::Arc;
use tokio::sync::oneshot;

/// A fictional unit's annual report with the five parts, as plain text.
pub const REPORT_TXT: &str = include_str!("report.txt");

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub store: Arc<dyn Store>,
    pub state: AppState,
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

/// The server with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(WebConfig::default()).await
}

/// The server with `config`, on a fresh SQLite database.
pub async fn spawn_app_with(config: WebConfig) -> TestApp {
    let dir = backend::fresh_store().await;
    let store: Arc<dyn Store> = dir.store.clone();
    let state = AppState::new(store.clone(), Arc::new(Engine::default()), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let (tx, rx) = oneshot::channel::<()>();
    let serve_state = state.clone();
    tokio::spawn(async move {
        fazhi_web::serve(listener, serve_state, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base,
        store,
        state,
        shutdown: Some(tx),
        _dir: dir,
    }
}

/// An argon2id hash with tiny parameters: `verify_password` reads the parameters from the
/// hash, so logins stay fast in debug builds while the code path is the real one.
pub fn quick_hash(password: &str) -> String {
    let params = Params::new(8, 1, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .expect("hashing works")
        .to_string()
}

fn system() -> Actor {
    Actor::system("test")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new browser (its own cookie jar) pointed at this server.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    pub async fn region(
        &self,
        parent: Option<&Region>,
        code: &str,
        name: &str,
        level: RegionLevel,
    ) -> Region {
        self.store
            .create_region(
                &system(),
                &NewRegion {
                    parent_id: parent.map(|p| p.id),
                    code: code.into(),
                    name: name.into(),
                    level,
                },
            )
            .await
            .expect("create region")
    }

    pub async fn unit(
        &self,
        region: &Region,
        code: &str,
        name: &str,
        short_name: &str,
        kind: UnitKind,
    ) -> Unit {
        self.store
            .create_unit(
                &system(),
                &NewUnit {
                    region_id: region.id,
                    code: code.into(),
                    name: name.into(),
                    short_name: short_name.into(),
                    kind,
                },
            )
            .await
            .expect("create unit")
    }

    /// An account with `password` and one role per grant.
    pub async fn user(&self, login: &str, password: &str, grants: &[(Role, Node)]) -> User {
        self.user_with(login, password, false, grants).await
    }

    /// An account that must change its (one-time) password at its next login.
    pub async fn user_must_change(
        &self,
        login: &str,
        password: &str,
        grants: &[(Role, Node)],
    ) -> User {
        self.user_with(login, password, true, grants).await
    }

    async fn user_with(
        &self,
        login: &str,
        password: &str,
        must_change: bool,
        grants: &[(Role, Node)],
    ) -> User {
        let user = self
            .store
            .create_user(
                &system(),
                &NewUser {
                    login: login.into(),
                    display_name: format!("{login}（测试）"),
                    password_hash: quick_hash(password),
                    must_change_password: must_change,
                },
            )
            .await
            .expect("create user");
        for (role, node) in grants {
            self.store
                .grant(
                    &system(),
                    user.id,
                    Grant {
                        role: *role,
                        node: *node,
                    },
                )
                .await
                .expect("grant role");
        }
        user
    }
}

/// A small organisation most tests need: 青川市 ─ 东湖区 ─ 东湖区司法局 (unit A),
/// 东湖区教育局 (unit B); 青川市 ─ 西岭区 ─ 西岭区司法局 (unit C); and accounts: an admin at
/// the city, a supervisor of 东湖区, staff and a leader of unit A, staff of unit C. Every
/// password is [`World::PASSWORD`].
pub struct World {
    pub city: Region,
    pub east: Region,
    pub west: Region,
    pub unit_a: Unit,
    pub unit_b: Unit,
    pub unit_c: Unit,
}

impl World {
    pub const PASSWORD: &'static str = "Qingchuan-2025";

    pub async fn build(app: &TestApp) -> World {
        let city = app
            .region(None, "991000", "青川市", RegionLevel::City)
            .await;
        let east = app
            .region(Some(&city), "991002", "青川市东湖区", RegionLevel::County)
            .await;
        let west = app
            .region(Some(&city), "991003", "青川市西岭区", RegionLevel::County)
            .await;
        let unit_a = app
            .unit(
                &east,
                "99100201",
                "青川市东湖区司法局",
                "区司法局",
                UnitKind::Supervising,
            )
            .await;
        let unit_b = app
            .unit(
                &east,
                "99100202",
                "青川市东湖区教育局",
                "区教育局",
                UnitKind::Department,
            )
            .await;
        let unit_c = app
            .unit(
                &west,
                "99100301",
                "青川市西岭区司法局",
                "",
                UnitKind::Supervising,
            )
            .await;
        let p = World::PASSWORD;
        app.user("admin", p, &[(Role::Admin, Node::Region(city.id))])
            .await;
        app.user("dc", p, &[(Role::Supervisor, Node::Region(east.id))])
            .await;
        app.user("staff_a", p, &[(Role::UnitStaff, Node::Unit(unit_a.id))])
            .await;
        app.user("leader_a", p, &[(Role::UnitLeader, Node::Unit(unit_a.id))])
            .await;
        app.user("staff_c", p, &[(Role::UnitStaff, Node::Unit(unit_c.id))])
            .await;
        World {
            city,
            east,
            west,
            unit_a,
            unit_b,
            unit_c,
        }
    }
}

/// A page as read: status, headers and body.
pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Page {
    pub async fn of(resp: Response) -> Page {
        Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.expect("body"),
        }
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of the first `<input … name="{name}" value="…">` of the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        input_value(&self.body, name)
    }

    pub fn is_full_page(&self) -> bool {
        self.body.starts_with("<!DOCTYPE html>")
    }
}

/// The value of the first `<input … name="{name}" … value="…">` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let rest = &tag[v..];
    Some(rest[..rest.find('"')?].to_string())
}

/// A person at a browser: one cookie jar, a client that stops at redirects (so tests see
/// them) and one that follows them.
pub struct Browser {
    pub base: String,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub raw: reqwest::Client,
    pub follow: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let raw = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let follow = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        Browser {
            base: base.to_string(),
            jar,
            raw,
            follow,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET without following redirects.
    pub async fn get(&self, path: &str) -> Page {
        Page::of(self.raw.get(self.url(path)).send().await.expect("GET")).await
    }

    /// GET following redirects.
    pub async fn open(&self, path: &str) -> Page {
        Page::of(self.follow.get(self.url(path)).send().await.expect("GET")).await
    }

    /// GET as htmx does (`HX-Request: true`).
    pub async fn hx_get(&self, path: &str) -> Page {
        Page::of(
            self.raw
                .get(self.url(path))
                .header("HX-Request", "true")
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// POST an urlencoded form (without following redirects).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::of(
            self.raw
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// The CSRF token of the signed-in session, as the pages carry it.
    pub async fn csrf(&self) -> String {
        let page = self.open("/account/password").await;
        page.input_value("csrf_token")
            .expect("a signed-in page carries the CSRF token")
    }

    /// Opens the login form and submits it; the answer is not followed.
    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.login_next(login, password, "/").await
    }

    pub async fn login_next(&self, login: &str, password: &str, next: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, StatusCode::OK, "the login form opens");
        let token = form
            .input_value("csrf_token")
            .expect("the login form has a token");
        self.post_form(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", login),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    /// Signs in and checks that it worked.
    pub async fn signed_in(base: &str, login: &str, password: &str) -> Browser {
        let b = Browser::new(base);
        let page = b.login(login, password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login of {login} works: {}",
            page.body
        );
        b
    }

    /// The session cookie's value.
    pub fn session_cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("base URL");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "fazhi_session")
            .map(|(_, v)| v.to_string())
    }
}

/// The `/uploads/{id}` a response redirects to, as the id.
pub fn upload_id_from(location: &str) -> i64 {
    location
        .strip_prefix("/uploads/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an upload: {location}"))
}

/// A multipart upload form as the page sends it: the CSRF token first, then the year and
/// the file.
pub fn upload_form(
    csrf: &str,
    year: i32,
    filename: &str,
    bytes: Vec<u8>,
) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_string())
        .text("year", year.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_string())
                .mime_str("text/plain")
                .expect("mime"),
        )
}
