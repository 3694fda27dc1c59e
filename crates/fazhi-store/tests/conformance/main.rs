//! The store's conformance suite: one set of cases, each run on a fresh SQLite file and, when
//! `FAZHI_TEST_DATABASE_URL` names a PostgreSQL server (any database on it; the suite creates
//! and drops its own `fazhi_test_*` database per case), on PostgreSQL too:
//!
//! ```sh
//! FAZHI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo test -p fazhi-store
//! ```
//!
//! Without the variable the `postgres::*` cases pass without running (they print that they
//! were skipped), except under CI (`CI` set), where they fail.
//!
//! # Upgrades
//!
//! Migrations are forward-only and a released migration file is never edited (the migrator
//! checks each applied file's checksum). Every release freezes a fixture of its schema with
//! data: `tests/fixtures/schema-NNNN/{sqlite,postgres}.sql`, plain SQL dumps of a database
//! that release created and filled with [`migrations::seed_fixture`]. The case
//! [`migrations::upgrade_from_release_fixtures`] loads every fixture into an empty database, opens it with
//! this build (which applies the newer migrations) and checks with [`migrations::check_fixture`] that the
//! data is all still there and the store works on it.
//!
//! When adding migration `NNNN`:
//! 1. write `migrations/sqlite/NNNN_*.sql` and `migrations/postgres/NNNN_*.sql`, raise
//!    `SCHEMA_VERSION`;
//! 2. add the previous release's fixture directory to `RELEASE_FIXTURES` if it is not there
//!    (the fixtures of all releases stay: every one must open with the newest build);
//! 3. after the release, freeze its fixture with
//!    `FAZHI_TEST_DATABASE_URL=… cargo test -p fazhi-store --test conformance -- --ignored write_release_fixture`
//!    (needs the `sqlite3` and `pg_dump` programs), which writes `tests/fixtures/schema-<SCHEMA_VERSION>/`.

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, TimeZone, Utc};
use fazhi_domain::ledger::{parse_fields, RecordData, RecordId, RecordKind};
use fazhi_domain::{Grant, Node, RegionId, RegionLevel, Role, UnitId, UnitKind, UserId};
use fazhi_store::{
    open, open_postgres, open_sqlite, Actor, AdminStore, AuditEntry, AuditFilter, AuditStore,
    DbTarget, LedgerQuery, NewRegion, NewUnit, NewUpload, NewUser, OrgRow, OrgStore, PasswordSet,
    PgStore, Region, ReportStore, Session, SqliteStore, Store, StoreError, Timestamp, Unit,
    UnitOverviewQuery, UnitSort, UploadId, UploadStatus, MAX_ATTACHMENT_BYTES, PASSWORD_HISTORY,
    SCHEMA_VERSION,
};
use sha2::{Digest, Sha256};
use sqlx::{Connection, Executor};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

mod audit;
mod cycle;
mod cycle_board;
mod database;
mod ledger;
mod ledger_files;
mod migrations;
mod org;
mod org_import;
mod sessions;
mod uploads;
mod users;

// ---------------------------------------------------------------------------------------
// Harness

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// An opened store with its concrete type, for the raw test hooks.
#[derive(Clone)]
enum Handle {
    Sqlite(Arc<SqliteStore>),
    Pg(Arc<PgStore>),
}

impl Handle {
    fn store(&self) -> Arc<dyn Store> {
        match self {
            Handle::Sqlite(s) => s.clone(),
            Handle::Pg(s) => s.clone(),
        }
    }

    async fn raw(&self, sql: &str) -> Result<u64, StoreError> {
        match self {
            Handle::Sqlite(s) => s.raw_db().raw_execute(sql).await,
            Handle::Pg(s) => s.raw_db().raw_execute(sql).await,
        }
    }

    async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Handle::Sqlite(s) => s.raw_db().raw_scalar(sql).await,
            Handle::Pg(s) => s.raw_db().raw_scalar(sql).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// A database of the case: an SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone)]
enum Target {
    Sqlite(PathBuf),
    Pg(String),
}

impl Target {
    fn db_target(&self) -> DbTarget {
        match self {
            Target::Sqlite(p) => DbTarget::Sqlite(p.clone()),
            Target::Pg(u) => DbTarget::Postgres(u.clone()),
        }
    }
}

/// Where a case's databases live, and what to drop afterwards.
struct Env {
    backend: Backend,
    dir: tempfile::TempDir,
    /// PostgreSQL: the URL the suite was given, for creating and dropping databases.
    admin_url: Option<String>,
    created: Mutex<Vec<String>>,
}

/// One case's world: a fresh, migrated database and the store on it.
struct Fx {
    env: Env,
    backend: Backend,
    target: Target,
    handle: Handle,
    store: Arc<dyn Store>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

impl Env {
    /// A new empty database (not yet opened).
    async fn new_target(&self) -> Target {
        match self.backend {
            Backend::Sqlite => {
                Target::Sqlite(self.dir.path().join(unique_name("db")).join("fazhi.db"))
            }
            Backend::Postgres => {
                let admin = self.admin_url.as_deref().expect("admin url");
                let name = unique_name("fazhi_test");
                let mut c = sqlx::PgConnection::connect(admin)
                    .await
                    .expect("connect to PostgreSQL");
                c.execute(format!("CREATE DATABASE \"{name}\"").as_str())
                    .await
                    .expect("create database");
                c.close().await.ok();
                self.created.lock().unwrap().push(name.clone());
                Target::Pg(with_database(admin, &name))
            }
        }
    }
}

async fn open_target(t: &Target) -> Result<Handle, StoreError> {
    Ok(match t {
        Target::Sqlite(p) => Handle::Sqlite(Arc::new(open_sqlite(p).await?)),
        Target::Pg(u) => Handle::Pg(Arc::new(open_postgres(u).await?)),
    })
}

impl Fx {
    async fn new(backend: Backend) -> Option<Fx> {
        let admin_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => match std::env::var("FAZHI_TEST_DATABASE_URL") {
                Ok(u) if !u.is_empty() => Some(u),
                _ => {
                    fail_under_ci("FAZHI_TEST_DATABASE_URL is not set");
                    eprintln!("skipped: FAZHI_TEST_DATABASE_URL is not set");
                    return None;
                }
            },
        };
        let env = Env {
            backend,
            dir: tempfile::tempdir().expect("tempdir"),
            admin_url,
            created: Mutex::new(Vec::new()),
        };
        let target = env.new_target().await;
        let handle = open_target(&target).await.expect("open a fresh database");
        Some(Fx {
            env,
            backend,
            target,
            store: handle.store(),
            handle,
        })
    }

    fn s(&self) -> &dyn Store {
        &*self.store
    }

    fn dir(&self) -> &Path {
        self.env.dir.path()
    }

    async fn new_target(&self) -> Target {
        self.env.new_target().await
    }

    async fn open(&self, t: &Target) -> Result<Handle, StoreError> {
        open_target(t).await
    }

    /// A second store on this case's database (as a restarted server would open it).
    async fn reopen(&self) -> Result<Handle, StoreError> {
        self.open(&self.target).await
    }

    async fn teardown(&self) {
        self.store.close().await;
        let names: Vec<String> = self.env.created.lock().unwrap().drain(..).collect();
        if let Some(admin) = &self.env.admin_url {
            let mut c = sqlx::PgConnection::connect(admin)
                .await
                .expect("connect to PostgreSQL");
            for name in names {
                c.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await
                    .expect("drop database");
            }
            c.close().await.ok();
        }
    }
}

/// Runs each case on SQLite and on PostgreSQL, cleaning up even when the case panics.
macro_rules! conformance {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::run(super::Backend::Sqlite, |fx| Box::pin(async move { super::$module::$case(&fx).await })).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::run(super::Backend::Postgres, |fx| Box::pin(async move { super::$module::$case(&fx).await })).await;
                }
            )*
        }
    };
}

type CaseFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

async fn run(backend: Backend, case: impl FnOnce(Arc<Fx>) -> CaseFuture) {
    let Some(fx) = Fx::new(backend).await else {
        return;
    };
    let fx = Arc::new(fx);
    let result = tokio::spawn(case(fx.clone())).await;
    fx.teardown().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

conformance!(
    org::regions_create_update_and_list,
    org::units_create_update_and_list,
    org_import::import_creates_then_updates_only_what_changed,
    org_import::import_is_all_or_nothing_and_lists_every_bad_row,
    org_import::import_moves_a_subtree_and_refuses_cycles,
    users::users_passwords_and_disabling,
    users::password_history_and_token_revocation,
    users::grants_and_their_placement,
    users::api_tokens,
    sessions::sessions_expiry_logout_and_failures,
    uploads::uploads_dedup_detail_publish,
    uploads::unit_overview_sorts_pages_searches_subtrees,
    audit::audit_filters_and_keyset_paging,
    audit::audit_log_is_append_only,
    database::schema_version_and_reopen_keep_data,
    database::future_schema_is_refused,
    database::backup_copies_everything,
    database::concurrent_writers_from_two_stores,
    migrations::upgrade_from_release_fixtures,
    ledger::ledger_create_update_and_conflicts,
    ledger::ledger_delete_and_restore,
    ledger::ledger_list_filters_order_and_paging,
    ledger_files::ledger_import_is_all_or_nothing,
    ledger_files::ledger_attachments_dedup_and_unlink,
    cycle::report_from_upload_to_publication,
    cycle::stale_state_is_a_conflict,
    cycle::correction_supersedes_and_keeps_first_publication,
    cycle_board::board_filters_counts_sorts_pages,
    cycle_board::deadlines_superiors_notifications,
    cycle_board::schema3_uploads_become_reports,
);

// ---------------------------------------------------------------------------------------
// Helpers

fn admin() -> Actor {
    Actor {
        user_id: None,
        login: "admin".into(),
        addr: "127.0.0.1".into(),
    }
}

fn actor(login: &str) -> Actor {
    Actor {
        user_id: None,
        login: login.into(),
        addr: "10.0.0.9".into(),
    }
}

fn now() -> Timestamp {
    DateTime::<Utc>::from(std::time::SystemTime::now()).trunc_subsecs(6)
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

/// The entries written since the log held `mark` entries, oldest first.
async fn entries_since(s: &dyn Store, mark: i64) -> Vec<AuditEntry> {
    let n = s.count_audit().await.unwrap() - mark;
    assert!(n >= 0, "the audit log shrank");
    if n == 0 {
        return Vec::new();
    }
    let mut v = s
        .audit(&AuditFilter {
            limit: n as u32,
            ..Default::default()
        })
        .await
        .unwrap();
    v.reverse();
    v
}

/// The one entry written since `mark`, which must have `action`.
async fn one_entry(s: &dyn Store, mark: i64, action: &str) -> AuditEntry {
    let v = entries_since(s, mark).await;
    assert_eq!(
        v.len(),
        1,
        "expected exactly one audit entry ({action}), got {v:#?}"
    );
    assert_eq!(v[0].action, action);
    v.into_iter().next().unwrap()
}

async fn mark(s: &dyn Store) -> i64 {
    s.count_audit().await.unwrap()
}

fn region(parent: Option<&Region>, code: &str, name: &str, level: RegionLevel) -> NewRegion {
    NewRegion {
        parent_id: parent.map(|p| p.id),
        code: fazhi_domain::RegionCode::parse(code).expect("a region code"),
        name: name.into(),
        level,
    }
}

fn unit(r: &Region, code: &str, name: &str, short: &str) -> NewUnit {
    NewUnit {
        region_id: r.id,
        code: fazhi_domain::UnitCode::parse(code).unwrap(),
        name: name.into(),
        short_name: short.into(),
        kind: UnitKind::Department,
    }
}

/// Creates a department (as [`unit`] describes it) through the store.
async fn new_unit(s: &dyn Store, r: &Region, code: &str, name: &str, short: &str) -> Unit {
    s.create_unit(&admin(), &unit(r, code, name, short))
        .await
        .unwrap()
}

/// Creates a region (as [`region`] describes it) through the store.
async fn new_region(
    s: &dyn Store,
    parent: Option<&Region>,
    code: &str,
    name: &str,
    level: RegionLevel,
) -> Region {
    s.create_region(&admin(), &region(parent, code, name, level))
        .await
        .unwrap()
}

/// 示范省 ─ 甲市 ─ 乙区 ; 示范省 ─ 丙市
struct Tree {
    prov: Region,
    city: Region,
    county: Region,
    city2: Region,
}

async fn tree(s: &dyn Store) -> Tree {
    let prov = new_region(s, None, "P", "示范省", RegionLevel::Province).await;
    let city = new_region(s, Some(&prov), "A", "甲市", RegionLevel::City).await;
    let county = new_region(s, Some(&city), "B", "乙区", RegionLevel::County).await;
    let city2 = new_region(s, Some(&prov), "C", "丙市", RegionLevel::City).await;
    Tree {
        prov,
        city,
        county,
        city2,
    }
}

/// [`tree`] with the unit most cases start from: 乙区司法局 (`U1`) in 乙区.
async fn tree_with_unit(s: &dyn Store) -> (Tree, Unit) {
    let t = tree(s).await;
    let u = new_unit(s, &t.county, "U1", "乙区司法局", "").await;
    (t, u)
}

fn new_user(login: &str) -> NewUser {
    NewUser {
        login: fazhi_domain::policy::check_login(login).expect("a valid login"),
        display_name: format!("{login} 的名字"),
        password_hash: format!("$argon2id$secret-{login}"),
        must_change_password: false,
    }
}

fn new_upload(unit: &Unit, year: i32, bytes: &[u8]) -> NewUpload {
    NewUpload {
        unit_id: unit.id,
        year: fazhi_domain::ReportYear::parse(year).expect("a report year"),
        filename: "报告.docx".into(),
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            .into(),
        sha256: sha(bytes),
        bytes: bytes.to_vec(),
        status: UploadStatus::Checked,
        error: None,
        checked_json: Some(r#"{"findings":[]}"#.into()),
        score: Some(80),
        errors: 0,
        warnings: 0,
        infos: 0,
        title: format!("{}{year}年度法治政府建设情况报告", unit.name),
    }
}

fn session(user_id: i64, token: &str, expires_at: Timestamp) -> Session {
    Session {
        token_hash: format!("sesshash-{token}"),
        user_id: UserId(user_id),
        csrf_token: format!("csrf-{token}"),
        created_at: now(),
        expires_at,
        addr: "10.1.2.3".into(),
    }
}

/// Every secret the cases use carries one of these markers; none may reach the audit log.
async fn assert_no_secrets_in_audit(s: &dyn Store) {
    let all = s
        .audit(&AuditFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    for e in all {
        for v in [&e.before, &e.after].into_iter().flatten() {
            let text = v.to_string();
            for secret in [
                "secret-",
                "tokhash-",
                "sesshash-",
                "csrf-",
                "password_hash",
                "token_hash",
            ] {
                assert!(
                    !text.contains(secret),
                    "audit entry {} leaks {secret}: {text}",
                    e.action
                );
            }
        }
    }
}

/// Under CI (`CI` set) a test may not skip for want of a tool or the corpus: it fails.
fn fail_under_ci(what: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    assert!(
        !ci,
        "CI is set, but {what}: this test cannot run its real part"
    );
}
