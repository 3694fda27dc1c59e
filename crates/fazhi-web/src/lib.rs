//! The web of the platform: routes, views (a full page and an htmx partial per view), auth,
//! sessions, CSRF, the JSON API under `/api/v1` and its OpenAPI document.
//!
//! Handlers hold no SQL and no rules: they call [`ops`], which asks the domain's access
//! decision and the store.

pub mod api;
pub mod auth;
pub mod error;
pub mod ops;
pub mod registry;
pub mod session;
pub mod views;

use axum::Router;
use fazhi_domain::Frameworks;
use fazhi_report::Engine;
use fazhi_store::{AuditStore, LedgerStore, OrgStore, ReportStore, SessionStore, Store, UserStore};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

pub use error::{Error, Result};
pub use registry::{Route, Surface};

/// Settings of the web layer (the binary reads them from file → env → flags).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted upload (a report file or an import sheet).
    pub max_upload_bytes: u64,
    /// How long a login lasts.
    pub session_hours: i64,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Shown on every page when the server runs the demo data set.
    pub demo_banner: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_upload_bytes: 20 * 1024 * 1024,
            session_hours: 12,
            secure_cookies: false,
            demo_banner: None,
        }
    }
}

/// What every handler gets. Cheap to clone.
///
/// The store is private: handlers and operations reach it through the narrow accessors
/// ([`AppState::org`], [`AppState::users`], …), each of which hands out one capability trait
/// of `fazhi-store`, so every call names the capability it uses.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    pub engine: Arc<Engine>,
    pub config: Arc<WebConfig>,
    pub throttle: Arc<ops::auth::LoginThrottle>,
    /// The ledger's rules, calendar and framework.
    pub ledger: Arc<ops::ledger::LedgerContext>,
    /// The frameworks data loaded at start (built-in, or with the operator's overrides): the
    /// source of `ledger`, and of the list of common passwords.
    pub frameworks: Arc<Frameworks>,
    /// Files being read at once (report checks, organisation and ledger imports): each
    /// takes CPU and up to the readers' memory limits, so a burst of uploads queues here
    /// instead of multiplying the server's peak memory. See [`ops::files::file_slot`].
    pub file_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// The state with the built-in frameworks data.
    pub fn new(store: Arc<dyn Store>, engine: Arc<Engine>, config: WebConfig) -> Self {
        Self::with_frameworks(store, engine, config, Frameworks::builtin().clone())
    }

    /// The state with `frameworks` as loaded at start ([`Frameworks::with_overrides`]).
    pub fn with_frameworks(
        store: Arc<dyn Store>,
        engine: Arc<Engine>,
        config: WebConfig,
        frameworks: Frameworks,
    ) -> Self {
        let ledger = ops::ledger::LedgerContext {
            // One setting for the report checks and the ledger's training rule.
            training_hours: engine.settings.training_hours,
            ..ops::ledger::LedgerContext::from_frameworks(&frameworks)
        };
        Self {
            ledger: Arc::new(ledger),
            frameworks: Arc::new(frameworks),
            store,
            engine,
            config: Arc::new(config),
            throttle: Arc::new(ops::auth::LoginThrottle::default()),
            file_slots: Arc::new(tokio::sync::Semaphore::new(ops::files::FILE_SLOTS)),
        }
    }
}

/// The narrow store capabilities. Each is the same store seen through one trait (trait
/// upcasting); nothing in this crate but [`AppState`] holds the whole `dyn Store`.
impl AppState {
    /// Regions, units and the organisation import.
    pub fn org(&self) -> &dyn OrgStore {
        &*self.store
    }

    /// Accounts, grants, password history and API tokens.
    pub fn users(&self) -> &dyn UserStore {
        &*self.store
    }

    /// Sessions and failed sign-ins.
    pub fn sessions(&self) -> &dyn SessionStore {
        &*self.store
    }

    /// The audit log (read only).
    pub fn audit_log(&self) -> &dyn AuditStore {
        &*self.store
    }

    /// Report uploads, checks and publication.
    pub fn reports(&self) -> &dyn ReportStore {
        &*self.store
    }

    /// Ledger records and their attachments. (`ledger` is the ledger's rules, not its store.)
    pub fn ledger_store(&self) -> &dyn LedgerStore {
        &*self.store
    }
}

/// Where the JSON API is nested.
pub const API_PREFIX: &str = "/api/v1";

/// Every route of the server: the pages, the API under `/api/v1`, `/healthz`.
pub fn router(state: AppState) -> Router {
    let (pages, _) = pages().into_parts();
    let app = pages.nest(API_PREFIX, api::routes());
    session::layers(app, state.clone()).with_state(state)
}

/// Every route [`router`] serves, with its method: the pages as they were registered, the
/// API's operations from its OpenAPI document (built from the same registrations as its
/// router). Tests demand a case for each (see [`registry`]).
pub fn routes() -> Vec<Route> {
    let (_, mut list) = pages().into_parts();
    list.extend(registry::operations(&api::openapi()));
    list
}

/// The pages' routes and `/healthz`, recorded as they are registered.
fn pages() -> registry::Routes {
    views::routes().route("/healthz", registry::get(healthz))
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves until `shutdown` resolves, then finishes running requests (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
