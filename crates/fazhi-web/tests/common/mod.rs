//! The web tests' one harness: [`TestApp`] starts the REAL server on `127.0.0.1:0` over a
//! fresh database ([`db::with_database`]: SQLite, or PostgreSQL when
//! `FAZHI_TEST_BACKEND=postgres`), with ways to create regions, units, accounts and API
//! tokens directly through the store. On top of it:
//!
//! - [`browser`]: a [`browser::Browser`] that drives the pages like a person does (cookies
//!   kept, CSRF tokens read from the pages, redirects observed or followed);
//! - [`world`]: the small organisation the page tests share;
//! - [`api`]: the organisation, accounts and tokens the API tests share, and a client that
//!   speaks JSON to `/api/v1`;
//! - [`snap`]: insta redactions for ids, times, tokens and hashes.

#![allow(dead_code)] // Each test binary uses a different part of this.

pub mod api;
pub mod browser;
pub mod db;
pub mod ledger;
pub mod snap;
pub mod world;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use fazhi_domain::{Grant, Node, RegionLevel, Role, UnitKind};
use fazhi_report::Engine;
use fazhi_store::{Actor, NewRegion, NewUnit, NewUser, Region, Store, Unit, User};
use fazhi_web::{AppState, WebConfig};
use reqwest::{Method, RequestBuilder};
use std::sync::Arc;
use tokio::sync::oneshot;

#[allow(unused_imports)] // Each test binary uses a different part of this.
pub use browser::{content_disposition, csv_text, upload_form, upload_id_from, Browser, Page};
#[allow(unused_imports)]
pub use world::World;

/// A fictional judicial bureau's annual report (东湖区司法局, the five parts) as plain text.
pub const REPORT_TXT: &str = include_str!("report_judicial.txt");

/// A running server with its own database. Stops when dropped.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub store: Arc<dyn Store>,
    pub state: AppState,
    /// A client without cookies or proxy.
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _db: db::TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// How to start a [`TestApp`]: the configuration of the server.
#[derive(Default)]
pub struct TestAppBuilder {
    config: WebConfig,
}

impl TestAppBuilder {
    /// The whole web configuration.
    pub fn config(mut self, config: WebConfig) -> Self {
        self.config = config;
        self
    }

    /// The largest upload the server takes.
    pub fn max_upload_bytes(mut self, bytes: u64) -> Self {
        self.config.max_upload_bytes = bytes;
        self
    }

    /// Starts the server on a fresh database.
    pub async fn spawn(self) -> TestApp {
        let db = db::with_database().await;
        let store: Arc<dyn Store> = db.store.clone();
        let state = AppState::new(store.clone(), Arc::new(Engine::default()), self.config);
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
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            shutdown: Some(tx),
            _db: db,
        }
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

/// The actor of what the tests set up through the store.
pub fn system() -> Actor {
    Actor::system("test")
}

impl TestApp {
    /// How to start one with another configuration.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// The server with the default configuration.
    pub async fn spawn() -> TestApp {
        Self::builder().spawn().await
    }

    /// `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `path` of the JSON API (below `/api/v1`) on this server.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A request to the JSON API, without credentials.
    pub fn api(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.api_url(path))
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
                    code: fazhi_domain::RegionCode::parse(code).expect("a region code"),
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
                    code: fazhi_domain::UnitCode::parse(code).unwrap(),
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
        self.create_user(
            NewUser {
                login: fazhi_domain::policy::check_login(login).expect("a valid login"),
                display_name: format!("{login}（测试）"),
                password_hash: quick_hash(password),
                must_change_password: false,
            },
            grants,
        )
        .await
    }

    /// An account that must change its (one-time) password at its next login.
    pub async fn user_must_change(
        &self,
        login: &str,
        password: &str,
        grants: &[(Role, Node)],
    ) -> User {
        self.create_user(
            NewUser {
                login: fazhi_domain::policy::check_login(login).expect("a valid login"),
                display_name: format!("{login}（测试）"),
                password_hash: quick_hash(password),
                must_change_password: true,
            },
            grants,
        )
        .await
    }

    /// `user` made through the store, with one role per grant.
    pub async fn create_user(&self, user: NewUser, grants: &[(Role, Node)]) -> User {
        let user = self
            .store
            .create_user(&system(), &user)
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

    /// A new API token of `user`, as its secret.
    pub async fn api_token(&self, user: fazhi_domain::UserId, name: &str) -> String {
        let token = fazhi_web::ops::random_token("fz_");
        self.store
            .create_api_token(&system(), user, name, &fazhi_web::auth::token_hash(&token))
            .await
            .expect("create API token");
        token
    }
}
