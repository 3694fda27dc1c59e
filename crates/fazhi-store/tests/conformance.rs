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
//! that release created and filled with [`seed_fixture`]. The case
//! [`upgrade_from_release_fixtures`] loads every fixture into an empty database, opens it with
//! this build (which applies the newer migrations) and checks with [`check_fixture`] that the
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
            Handle::Sqlite(s) => s.raw_execute(sql).await,
            Handle::Pg(s) => s.raw_execute(sql).await,
        }
    }

    async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Handle::Sqlite(s) => s.raw_scalar(sql).await,
            Handle::Pg(s) => s.raw_scalar(sql).await,
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
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::run(super::Backend::Sqlite, |fx| Box::pin(async move { super::$case(&fx).await })).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::run(super::Backend::Postgres, |fx| Box::pin(async move { super::$case(&fx).await })).await;
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
    regions_create_update_and_list,
    units_create_update_and_list,
    import_creates_then_updates_only_what_changed,
    import_is_all_or_nothing_and_lists_every_bad_row,
    import_moves_a_subtree_and_refuses_cycles,
    users_passwords_and_disabling,
    password_history_and_token_revocation,
    grants_and_their_placement,
    api_tokens,
    sessions_expiry_logout_and_failures,
    uploads_dedup_detail_publish,
    unit_overview_sorts_pages_searches_subtrees,
    audit_filters_and_keyset_paging,
    audit_log_is_append_only,
    schema_version_and_reopen_keep_data,
    future_schema_is_refused,
    backup_copies_everything,
    concurrent_writers_from_two_stores,
    upgrade_from_release_fixtures,
    ledger_create_update_and_conflicts,
    ledger_delete_and_restore,
    ledger_list_filters_order_and_paging,
    ledger_import_is_all_or_nothing,
    ledger_attachments_dedup_and_unlink,
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
        code: code.into(),
        name: name.into(),
        level,
    }
}

fn unit(r: &Region, code: &str, name: &str, short: &str) -> NewUnit {
    NewUnit {
        region_id: r.id,
        code: code.into(),
        name: name.into(),
        short_name: short.into(),
        kind: UnitKind::Department,
    }
}

/// 示范省 ─ 甲市 ─ 乙区 ; 示范省 ─ 丙市
struct Tree {
    prov: Region,
    city: Region,
    county: Region,
    city2: Region,
}

async fn tree(s: &dyn Store) -> Tree {
    let a = admin();
    let prov = s
        .create_region(&a, &region(None, "P", "示范省", RegionLevel::Province))
        .await
        .unwrap();
    let city = s
        .create_region(&a, &region(Some(&prov), "A", "甲市", RegionLevel::City))
        .await
        .unwrap();
    let county = s
        .create_region(&a, &region(Some(&city), "B", "乙区", RegionLevel::County))
        .await
        .unwrap();
    let city2 = s
        .create_region(&a, &region(Some(&prov), "C", "丙市", RegionLevel::City))
        .await
        .unwrap();
    Tree {
        prov,
        city,
        county,
        city2,
    }
}

fn new_user(login: &str) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: format!("{login} 的名字"),
        password_hash: format!("$argon2id$secret-{login}"),
        must_change_password: false,
    }
}

fn new_upload(unit: &Unit, year: i32, bytes: &[u8]) -> NewUpload {
    NewUpload {
        unit_id: unit.id,
        year,
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

// ---------------------------------------------------------------------------------------
// Cases: organisation

async fn regions_create_update_and_list(fx: &Fx) {
    let s = fx.s();
    let m = mark(s).await;
    let prov = s
        .create_region(
            &admin(),
            &region(None, "650000", "示范省", RegionLevel::Province),
        )
        .await
        .unwrap();
    assert_eq!(prov.parent_id, None);
    assert_eq!(prov.path, vec![prov.id]);
    let e = one_entry(s, m, "region.create").await;
    assert_eq!(e.entity, "region");
    assert_eq!(e.entity_id, Some(prov.id.0));
    assert_eq!(e.region_path, vec![prov.id]);
    assert_eq!(e.unit_id, None);
    assert_eq!(e.actor_login, "admin");
    assert_eq!(e.addr, "127.0.0.1");
    assert_eq!(e.before, None);
    assert_eq!(e.after, Some(json(&prov)));

    let city = s
        .create_region(
            &admin(),
            &region(Some(&prov), "650100", "甲市", RegionLevel::City),
        )
        .await
        .unwrap();
    let county = s
        .create_region(
            &admin(),
            &region(Some(&city), "650102", "乙区", RegionLevel::County),
        )
        .await
        .unwrap();
    let city2 = s
        .create_region(
            &admin(),
            &region(Some(&prov), "650200", "丙市", RegionLevel::City),
        )
        .await
        .unwrap();
    assert_eq!(county.path, vec![prov.id, city.id, county.id]);
    assert_eq!(county.parent_id, Some(city.id));
    assert_eq!(county.level, RegionLevel::County);

    // Parents before children, each subtree together.
    let all = s.regions().await.unwrap();
    assert_eq!(
        all,
        vec![prov.clone(), city.clone(), county.clone(), city2.clone()]
    );
    assert_eq!(s.region(county.id).await.unwrap(), county);
    assert!(matches!(
        s.region(RegionId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));

    let m = mark(s).await;
    let renamed = s
        .update_region(&admin(), city.id, "甲市（新）", "650100X")
        .await
        .unwrap();
    assert_eq!(renamed.name, "甲市（新）");
    assert_eq!(renamed.code, "650100X");
    assert_eq!(renamed.path, city.path);
    assert_eq!(renamed.parent_id, city.parent_id);
    assert_eq!(s.region(city.id).await.unwrap(), renamed);
    let e = one_entry(s, m, "region.update").await;
    assert_eq!(e.before, Some(json(&city)));
    assert_eq!(e.after, Some(json(&renamed)));
    assert_eq!(e.region_path, city.path);

    // Conflicts and bad input change nothing and write no entry.
    let m = mark(s).await;
    let err = s
        .create_region(
            &admin(),
            &region(None, "650000", "重复", RegionLevel::Province),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("650000")),
        "{err:?}"
    );
    let err = s
        .update_region(&admin(), county.id, "乙区", "650200")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("650200")),
        "{err:?}"
    );
    let err = s
        .create_region(
            &admin(),
            &NewRegion {
                parent_id: Some(RegionId(999_999)),
                ..region(None, "X1", "无", RegionLevel::City)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(matches!(
        s.update_region(&admin(), RegionId(999_999), "无", "X2")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_eq!(s.regions().await.unwrap().len(), 4);
    assert_eq!(s.region(county.id).await.unwrap(), county);
}

async fn units_create_update_and_list(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let m = mark(s).await;
    let u = s
        .create_unit(&admin(), &unit(&t.county, "U1", "乙区司法局", "区司法局"))
        .await
        .unwrap();
    assert_eq!(u.region_path, t.county.path);
    assert_eq!(u.short_name, "区司法局");
    let e = one_entry(s, m, "unit.create").await;
    assert_eq!(e.entity, "unit");
    assert_eq!(e.entity_id, Some(u.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);
    assert_eq!(e.after, Some(json(&u)));
    assert_eq!(s.unit(u.id).await.unwrap(), u);

    let u2 = s
        .create_unit(&admin(), &unit(&t.city, "U2", "甲市科工局", ""))
        .await
        .unwrap();
    let u3 = s
        .create_unit(&admin(), &unit(&t.city2, "U3", "丙市教育局", ""))
        .await
        .unwrap();
    let u4 = s
        .create_unit(&admin(), &unit(&t.city, "U4", "甲市财政局", ""))
        .await
        .unwrap();

    // Ordered by region path, then name.
    let names = |v: Vec<Unit>| v.into_iter().map(|u| u.code).collect::<Vec<_>>();
    let mut city_units = [(u2.name.clone(), "U2"), (u4.name.clone(), "U4")];
    city_units.sort();
    let mut expect: Vec<String> = city_units.iter().map(|(_, c)| c.to_string()).collect();
    expect.push("U1".into());
    assert_eq!(names(s.units(Some(t.city.id)).await.unwrap()), expect);
    expect.push("U3".into());
    assert_eq!(names(s.units(None).await.unwrap()), expect);
    assert_eq!(names(s.units(Some(t.prov.id)).await.unwrap()), expect);
    assert_eq!(names(s.units(Some(t.city2.id)).await.unwrap()), vec!["U3"]);
    assert_eq!(names(s.units(Some(t.county.id)).await.unwrap()), vec!["U1"]);
    assert!(matches!(
        s.units(Some(RegionId(999_999))).await,
        Err(StoreError::NotFound(_))
    ));

    // Update: rename and move to another region.
    let m = mark(s).await;
    let moved = s
        .update_unit(
            &admin(),
            u.id,
            &NewUnit {
                kind: UnitKind::Supervising,
                ..unit(&t.city2, "U1", "丙市司法局", "市司法局")
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.region_id, t.city2.id);
    assert_eq!(moved.region_path, t.city2.path);
    assert_eq!(moved.kind, UnitKind::Supervising);
    assert_eq!(s.unit(u.id).await.unwrap(), moved);
    let e = one_entry(s, m, "unit.update").await;
    assert_eq!(e.before, Some(json(&u)));
    assert_eq!(e.after, Some(json(&moved)));
    assert_eq!(e.region_path, t.city2.path);
    assert_eq!(e.unit_id, Some(u.id));

    let m = mark(s).await;
    let err = s
        .create_unit(&admin(), &unit(&t.city, "U3", "重复", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("U3")),
        "{err:?}"
    );
    let err = s
        .update_unit(&admin(), u2.id, &unit(&t.city, "U3", "甲市科工局", ""))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = s
        .create_unit(
            &admin(),
            &NewUnit {
                region_id: RegionId(999_999),
                ..unit(&t.city, "U9", "无", "")
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    let err = s
        .update_unit(
            &admin(),
            u2.id,
            &NewUnit {
                region_id: RegionId(999_999),
                ..unit(&t.city, "U2", "无", "")
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    assert!(matches!(
        s.update_unit(&admin(), UnitId(999_999), &unit(&t.city, "U9", "无", ""))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.unit(UnitId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_eq!(s.unit(u2.id).await.unwrap(), u2);
    let _ = u3;
}

fn r_row(code: &str, name: &str, level: RegionLevel, parent: Option<&str>) -> OrgRow {
    OrgRow::Region {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(str::to_string),
    }
}

fn u_row(code: &str, name: &str, short: &str, kind: UnitKind, region: &str) -> OrgRow {
    OrgRow::Unit {
        code: code.into(),
        name: name.into(),
        short_name: short.into(),
        kind,
        region_code: region.into(),
    }
}

async fn import_creates_then_updates_only_what_changed(fx: &Fx) {
    let s = fx.s();
    let rows = vec![
        r_row("100", "示范省", RegionLevel::Province, None),
        r_row("110", "甲市", RegionLevel::City, Some("100")),
        u_row("U1", "甲市司法局", "市司法局", UnitKind::Supervising, "110"),
        r_row("111", "乙区", RegionLevel::County, Some("110")),
        u_row("U2", "乙区教育局", "", UnitKind::Department, "111"),
    ];
    let lines: Vec<usize> = (2..2 + rows.len()).collect();
    let m = mark(s).await;
    let sum = s.import_org(&admin(), &rows, &lines).await.unwrap();
    assert_eq!(
        (
            sum.regions_created,
            sum.regions_updated,
            sum.units_created,
            sum.units_updated
        ),
        (2 + 1, 0, 2, 0)
    );
    let regions = s.regions().await.unwrap();
    assert_eq!(
        regions.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["100", "110", "111"]
    );
    let (p, c, d) = (&regions[0], &regions[1], &regions[2]);
    assert_eq!(d.path, vec![p.id, c.id, d.id]);
    assert_eq!(c.level, RegionLevel::City);
    let units = s.units(None).await.unwrap();
    let u1 = units.iter().find(|u| u.code == "U1").unwrap().clone();
    let u2 = units.iter().find(|u| u.code == "U2").unwrap().clone();
    assert_eq!(u1.region_id, c.id);
    assert_eq!(u1.kind, UnitKind::Supervising);
    assert_eq!(u2.region_path, d.path);

    // One entry per created row, then the summary, placed where all of it sits.
    let e = entries_since(s, m).await;
    let actions: Vec<&str> = e.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "region.create",
            "region.create",
            "unit.create",
            "region.create",
            "unit.create",
            "org.import"
        ]
    );
    assert_eq!(e[2].after, Some(json(&u1)));
    assert_eq!(e[2].unit_id, Some(u1.id));
    assert_eq!(e[5].after, Some(json(&sum)));
    assert_eq!(e[5].entity, "org");
    assert_eq!(e[5].region_path, vec![p.id]);
    assert_eq!(e[5].unit_id, None);

    // The same file again changes nothing: only the summary entry.
    let m = mark(s).await;
    let sum = s.import_org(&admin(), &rows, &lines).await.unwrap();
    assert_eq!(sum, Default::default());
    let e = one_entry(s, m, "org.import").await;
    assert_eq!(e.region_path, Vec::<i64>::new());

    // Changes, resolving against existing rows (and a region row that names an existing parent).
    let rows2 = vec![
        r_row("110", "甲市（更名）", RegionLevel::City, Some("100")),
        u_row("U2", "乙区教育局", "区教育局", UnitKind::Department, "110"),
        r_row("112", "丁区", RegionLevel::County, Some("110")),
        u_row("U1", "甲市司法局", "市司法局", UnitKind::Supervising, "110"),
    ];
    let m = mark(s).await;
    let sum = s
        .import_org(&admin(), &rows2, &[10, 11, 12, 13])
        .await
        .unwrap();
    assert_eq!(
        (
            sum.regions_created,
            sum.regions_updated,
            sum.units_created,
            sum.units_updated
        ),
        (1, 1, 0, 1)
    );
    let e = entries_since(s, m).await;
    let actions: Vec<&str> = e.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "region.update",
            "unit.update",
            "region.create",
            "org.import"
        ]
    );
    assert_eq!(e[0].before.as_ref().unwrap()["name"], "甲市");
    assert_eq!(e[0].after.as_ref().unwrap()["name"], "甲市（更名）");
    let u2_after = s.unit(u2.id).await.unwrap();
    assert_eq!(u2_after.region_id, c.id);
    assert_eq!(u2_after.short_name, "区教育局");
    assert_eq!(e[1].before, Some(json(&u2)));
    assert_eq!(e[1].after, Some(json(&u2_after)));
    assert_eq!(e[3].region_path, c.path);

    let err = s.import_org(&admin(), &rows2, &[1]).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let ok = s.import_org(&admin(), &[], &[]).await.unwrap();
    assert_eq!(ok, Default::default());
}

async fn import_is_all_or_nothing_and_lists_every_bad_row(fx: &Fx) {
    let s = fx.s();
    s.import_org(
        &admin(),
        &[
            r_row("100", "示范省", RegionLevel::Province, None),
            r_row("110", "甲市", RegionLevel::City, Some("100")),
            u_row("U1", "甲市司法局", "", UnitKind::Supervising, "110"),
        ],
        &[2, 3, 4],
    )
    .await
    .unwrap();
    let regions_before = s.regions().await.unwrap();
    let units_before = s.units(None).await.unwrap();
    let m = mark(s).await;

    let rows = vec![
        r_row("200", "新省", RegionLevel::Province, None), // 2 good
        r_row("210", "无上级", RegionLevel::City, Some("299")), // 3 unknown parent
        r_row("220", "上级在后", RegionLevel::City, Some("230")), // 4 parent only later
        r_row("230", "新市", RegionLevel::City, Some("200")), // 5 good
        r_row("200", "重复", RegionLevel::Province, None), // 6 duplicate in batch
        r_row("100", "成环", RegionLevel::Province, Some("110")), // 7 cycle
        u_row("U9", "无区划单位", "", UnitKind::Department, "999"), // 8 unknown region
        u_row("U1", "甲市司法局（改）", "", UnitKind::Supervising, "110"), // 9 good update
        r_row("U1", "单位代码当区划", RegionLevel::City, Some("100")), // 10 code of a unit
        u_row("200", "区划代码当单位", "", UnitKind::Department, "200"), // 11 code of a region
        u_row("U8", "", "", UnitKind::Department, "200"),  // 12 empty name
        u_row("U7", "挂在错行区划下", "", UnitKind::Department, "210"), // 13 fine: 210 is reported once
        r_row("240", "自己的上级", RegionLevel::City, Some("240")),     // 14 own parent
    ];
    let lines: Vec<usize> = (2..2 + rows.len()).collect();
    let err = s.import_org(&admin(), &rows, &lines).await.unwrap_err();
    let StoreError::Rows(bad) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        bad.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![3, 4, 6, 7, 8, 10, 11, 12, 14]
    );
    assert!(bad.iter().all(|e| !e.message.is_empty()));
    assert!(bad[0].message.contains("299"), "{}", bad[0].message);
    assert!(bad[1].message.contains("230"), "{}", bad[1].message);
    assert!(bad[2].message.contains("200"), "{}", bad[2].message);
    assert!(bad[3].message.contains("100"), "{}", bad[3].message);
    assert!(bad[4].message.contains("999"), "{}", bad[4].message);
    assert!(err.to_string().contains("9 行"), "{err}");

    // Nothing applied, nothing logged.
    assert_eq!(s.regions().await.unwrap(), regions_before);
    assert_eq!(s.units(None).await.unwrap(), units_before);
    assert_eq!(mark(s).await, m);
}

async fn import_moves_a_subtree_and_refuses_cycles(fx: &Fx) {
    let s = fx.s();
    s.import_org(
        &admin(),
        &[
            r_row("P", "省", RegionLevel::Province, None),
            r_row("A", "甲市", RegionLevel::City, Some("P")),
            r_row("B", "乙区", RegionLevel::County, Some("A")),
            u_row("UB", "乙区司法局", "", UnitKind::Supervising, "B"),
            r_row("C", "丙市", RegionLevel::City, Some("P")),
        ],
        &[1, 2, 3, 4, 5],
    )
    .await
    .unwrap();
    let by_code = |v: &[Region], c: &str| v.iter().find(|r| r.code == c).unwrap().clone();
    let before = s.regions().await.unwrap();
    let (p, a, b, c) = (
        by_code(&before, "P"),
        by_code(&before, "A"),
        by_code(&before, "B"),
        by_code(&before, "C"),
    );

    // A (with B and B's unit) moves under C.
    let m = mark(s).await;
    let sum = s
        .import_org(
            &admin(),
            &[r_row("A", "甲市", RegionLevel::City, Some("C"))],
            &[7],
        )
        .await
        .unwrap();
    assert_eq!(sum.regions_updated, 1);
    let after = s.regions().await.unwrap();
    assert_eq!(by_code(&after, "A").path, vec![p.id, c.id, a.id]);
    assert_eq!(by_code(&after, "A").parent_id, Some(c.id));
    assert_eq!(by_code(&after, "B").path, vec![p.id, c.id, a.id, b.id]);
    assert_eq!(
        after.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["P", "C", "A", "B"]
    );
    let ub = s.units(Some(c.id)).await.unwrap();
    assert_eq!(ub.len(), 1);
    assert_eq!(ub[0].region_path, vec![p.id, c.id, a.id, b.id]);
    let e = entries_since(s, m).await;
    assert_eq!(e[0].action, "region.update");
    assert_eq!(
        e[0].before.as_ref().unwrap()["parent_id"],
        json(&Some(p.id))
    );
    assert_eq!(
        e[0].after.as_ref().unwrap()["path"],
        json(&vec![p.id, c.id, a.id])
    );

    // C under B would close a cycle (B is now below C).
    let err = s
        .import_org(
            &admin(),
            &[r_row("C", "丙市", RegionLevel::City, Some("B"))],
            &[9],
        )
        .await
        .unwrap_err();
    let StoreError::Rows(bad) = err else { panic!() };
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 9);

    // A cycle made within one batch is caught too: A under B after B moved... B is A's child.
    let err = s
        .import_org(
            &admin(),
            &[
                r_row("B", "乙区", RegionLevel::County, Some("C")),
                r_row("C", "丙市", RegionLevel::City, Some("B")),
            ],
            &[1, 2],
        )
        .await
        .unwrap_err();
    let StoreError::Rows(bad) = err else { panic!() };
    assert_eq!(bad.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2]);

    // To the root.
    s.import_org(
        &admin(),
        &[r_row("A", "甲市", RegionLevel::City, None)],
        &[1],
    )
    .await
    .unwrap();
    let a2 = s.region(a.id).await.unwrap();
    assert_eq!(a2.path, vec![a.id]);
    assert_eq!(a2.parent_id, None);
    assert_eq!(s.region(b.id).await.unwrap().path, vec![a.id, b.id]);
    assert!(s.units(Some(p.id)).await.unwrap().is_empty());
    assert_eq!(s.units(Some(a.id)).await.unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Cases: accounts

async fn users_passwords_and_disabling(fx: &Fx) {
    let s = fx.s();
    assert_eq!(s.count_users().await.unwrap(), 0);
    let m = mark(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    assert!(!alice.disabled);
    assert_eq!(alice.password_hash, "$argon2id$secret-alice");
    let e = one_entry(s, m, "user.create").await;
    assert_eq!(e.entity, "user");
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.after, Some(json(&alice)));
    assert_eq!(e.region_path, Vec::<i64>::new());

    let bob = s
        .create_user(
            &admin(),
            &NewUser {
                must_change_password: true,
                ..new_user("bob")
            },
        )
        .await
        .unwrap();
    assert!(bob.must_change_password);
    let m = mark(s).await;
    let err = s
        .create_user(&admin(), &new_user("alice"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("alice")),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "登录名“alice”已被使用");
    assert_eq!(mark(s).await, m);

    assert_eq!(s.user(alice.id).await.unwrap(), alice);
    assert_eq!(s.user_by_login("bob").await.unwrap(), Some(bob.clone()));
    assert_eq!(s.user_by_login("nobody").await.unwrap(), None);
    assert!(matches!(
        s.user(UserId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.users().await.unwrap(), vec![alice.clone(), bob.clone()]);
    assert_eq!(s.count_users().await.unwrap(), 2);

    let m = mark(s).await;
    s.set_password(
        &admin(),
        alice.id,
        "$argon2id$secret-new",
        PasswordSet::Reset,
    )
    .await
    .unwrap();
    let changed = s.user(alice.id).await.unwrap();
    assert_eq!(changed.password_hash, "$argon2id$secret-new");
    assert!(changed.must_change_password);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["password_changed"], true);
    assert!(matches!(
        s.set_password(&admin(), UserId(999_999), "x", OWN).await,
        Err(StoreError::NotFound(_))
    ));

    // Disabling ends sessions and revokes tokens.
    let sess = session(alice.id.0, "a1", now() + Duration::hours(8));
    s.create_session(&admin(), &sess).await.unwrap();
    let token = s
        .create_api_token(&admin(), alice.id, "脚本", "tokhash-a")
        .await
        .unwrap();
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_some());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_some());
    let m = mark(s).await;
    let disabled = s.set_disabled(&admin(), alice.id, true).await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(s.user(alice.id).await.unwrap(), disabled);
    let e = one_entry(s, m, "user.disable").await;
    assert_eq!(e.before, Some(json(&changed)));
    assert_eq!(e.after, Some(json(&disabled)));
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_none());
    assert!(s
        .api_tokens(alice.id)
        .await
        .unwrap()
        .iter()
        .all(|t| t.revoked));

    let m = mark(s).await;
    let enabled = s.set_disabled(&admin(), alice.id, false).await.unwrap();
    assert!(!enabled.disabled);
    one_entry(s, m, "user.enable").await;
    // Sessions ended stay ended and revoked tokens stay revoked.
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_none());
    assert!(matches!(
        s.set_disabled(&admin(), UserId(999_999), true).await,
        Err(StoreError::NotFound(_))
    ));
    let _ = token;
    assert_no_secrets_in_audit(s).await;
}

/// A person's own new password, keeping his API tokens.
const OWN: PasswordSet = PasswordSet::Own {
    revoke_tokens: false,
};

async fn password_history_and_token_revocation(fx: &Fx) {
    let s = fx.s();
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    let bob = s.create_user(&admin(), &new_user("bob")).await.unwrap();
    assert!(s.password_history(alice.id).await.unwrap().is_empty());

    // Seven changes: the history keeps the newest PASSWORD_HISTORY replaced hashes (not the
    // current one), newest first, and the table holds no more than that.
    for i in 1..=7 {
        let revoked = s
            .set_password(
                &actor("alice"),
                alice.id,
                &format!("$argon2id$secret-h{i}"),
                OWN,
            )
            .await
            .unwrap();
        assert_eq!(revoked, 0);
    }
    assert_eq!(PASSWORD_HISTORY, 5);
    assert_eq!(
        s.user(alice.id).await.unwrap().password_hash,
        "$argon2id$secret-h7"
    );
    let want: Vec<String> = (2..=6)
        .rev()
        .map(|i| format!("$argon2id$secret-h{i}"))
        .collect();
    assert_eq!(s.password_history(alice.id).await.unwrap(), want);
    let kept = fx
        .handle
        .scalar(&format!(
            "SELECT COUNT(*) FROM password_history WHERE user_id = {}",
            alice.id
        ))
        .await;
    assert_eq!(kept, 5, "older rows are deleted, not only hidden");
    assert!(s.password_history(bob.id).await.unwrap().is_empty());
    assert!(s
        .password_history(UserId(999_999))
        .await
        .unwrap()
        .is_empty());

    // An own change keeps the API tokens unless asked; a reset revokes every one of the
    // account's tokens (not others'), said in its one audit entry.
    s.create_api_token(&admin(), alice.id, "脚本一", "tokhash-a1")
        .await
        .unwrap();
    s.create_api_token(&admin(), alice.id, "脚本二", "tokhash-a2")
        .await
        .unwrap();
    s.create_api_token(&admin(), bob.id, "脚本", "tokhash-b1")
        .await
        .unwrap();
    let m = mark(s).await;
    assert_eq!(
        s.set_password(&actor("alice"), alice.id, "$argon2id$secret-h8", OWN)
            .await
            .unwrap(),
        0
    );
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["tokens_revoked"], 0);
    assert!(s.api_token_user("tokhash-a1").await.unwrap().is_some());

    let m = mark(s).await;
    let revoked = s
        .set_password(
            &admin(),
            alice.id,
            "$argon2id$secret-reset",
            PasswordSet::Reset,
        )
        .await
        .unwrap();
    assert_eq!(revoked, 2);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(
        e.after,
        Some(serde_json::json!({
            "password_changed": true,
            "must_change_password": true,
            "tokens_revoked": 2,
        }))
    );
    assert!(s.user(alice.id).await.unwrap().must_change_password);
    assert!(s.api_token_user("tokhash-a1").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a2").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-b1").await.unwrap().is_some());
    assert_eq!(
        s.password_history(alice.id).await.unwrap()[0],
        "$argon2id$secret-h8"
    );

    // The person's own change may revoke them too.
    s.create_api_token(&admin(), alice.id, "脚本三", "tokhash-a3")
        .await
        .unwrap();
    let m = mark(s).await;
    let revoked = s
        .set_password(
            &actor("alice"),
            alice.id,
            "$argon2id$secret-h9",
            PasswordSet::Own {
                revoke_tokens: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(revoked, 1);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["must_change_password"], false);
    assert!(s.api_token_user("tokhash-a3").await.unwrap().is_none());
    assert!(!s.user(alice.id).await.unwrap().must_change_password);

    // Nothing of a failed change stays.
    let m = mark(s).await;
    assert!(matches!(
        s.set_password(
            &admin(),
            UserId(999_999),
            "$argon2id$secret-x",
            PasswordSet::Reset
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_no_secrets_in_audit(s).await;
}

async fn grants_and_their_placement(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let u = s
        .create_unit(&admin(), &unit(&t.county, "U1", "乙区司法局", ""))
        .await
        .unwrap();
    let bob = s.create_user(&admin(), &new_user("bob")).await.unwrap();

    let m = mark(s).await;
    let g1 = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::Supervisor,
                node: Node::Region(t.city.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(g1.user_id, bob.id);
    let e = one_entry(s, m, "grant.create").await;
    assert_eq!(e.entity, "grant");
    assert_eq!(e.entity_id, Some(g1.id));
    assert_eq!(e.region_path, t.city.path);
    assert_eq!(e.unit_id, None);
    assert_eq!(e.after, Some(json(&g1)));

    let m = mark(s).await;
    let g2 = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::UnitStaff,
                node: Node::Unit(u.id),
            },
        )
        .await
        .unwrap();
    let e = one_entry(s, m, "grant.create").await;
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);

    let m = mark(s).await;
    let err = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::Supervisor,
                node: Node::Region(t.city.id),
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    let err = s
        .grant(
            &admin(),
            UserId(999_999),
            Grant {
                role: Role::Admin,
                node: Node::Region(t.city.id),
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    let err = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::Admin,
                node: Node::Region(RegionId(999_999)),
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    let err = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::Admin,
                node: Node::Unit(UnitId(999_999)),
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    assert_eq!(mark(s).await, m);

    // The same role elsewhere is another grant.
    let g3 = s
        .grant(
            &admin(),
            bob.id,
            Grant {
                role: Role::Supervisor,
                node: Node::Region(t.city2.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(s.grants(bob.id).await.unwrap(), vec![g1, g2, g3]);
    let carol = s.create_user(&admin(), &new_user("carol")).await.unwrap();
    let g4 = s
        .grant(
            &admin(),
            carol.id,
            Grant {
                role: Role::Admin,
                node: Node::Region(t.prov.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(s.all_grants().await.unwrap(), vec![g1, g2, g3, g4]);
    assert!(s.grants(UserId(999_999)).await.unwrap().is_empty());

    // An account sits where all of its grants meet: bob's are in 甲市 and 丙市 → 示范省.
    let m = mark(s).await;
    s.set_password(&admin(), bob.id, "$argon2id$secret-2", OWN)
        .await
        .unwrap();
    assert_eq!(
        one_entry(s, m, "user.password").await.region_path,
        t.prov.path
    );

    let m = mark(s).await;
    s.revoke(&admin(), g3.id).await.unwrap();
    let e = one_entry(s, m, "grant.revoke").await;
    assert_eq!(e.before, Some(json(&g3)));
    assert_eq!(e.after, None);
    assert_eq!(e.region_path, t.city2.path);
    assert_eq!(s.grants(bob.id).await.unwrap(), vec![g1, g2]);
    // Now 甲市 and a unit in 乙区 (below 甲市) → 甲市.
    let m = mark(s).await;
    s.set_disabled(&admin(), bob.id, true).await.unwrap();
    assert_eq!(
        one_entry(s, m, "user.disable").await.region_path,
        t.city.path
    );
    let m = mark(s).await;
    assert!(matches!(
        s.revoke(&admin(), g3.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
}

async fn api_tokens(fx: &Fx) {
    let s = fx.s();
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    let m = mark(s).await;
    let t1 = s
        .create_api_token(&admin(), alice.id, "报送脚本", "tokhash-1")
        .await
        .unwrap();
    assert_eq!(t1.user_id, alice.id);
    assert!(!t1.revoked);
    let e = one_entry(s, m, "token.create").await;
    assert_eq!(e.entity_id, Some(t1.id));
    assert_eq!(e.after, Some(json(&t1)));
    assert!(e.after.as_ref().unwrap().get("token_hash").is_none());

    let (tok, user) = s.api_token_user("tokhash-1").await.unwrap().unwrap();
    assert_eq!(tok, t1);
    assert_eq!(user, alice);
    assert!(s.api_token_user("tokhash-unknown").await.unwrap().is_none());

    let m = mark(s).await;
    assert!(matches!(
        s.create_api_token(&admin(), alice.id, "重复", "tokhash-1")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_api_token(&admin(), UserId(999_999), "无", "tokhash-x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    let t2 = s
        .create_api_token(&admin(), alice.id, "另一个", "tokhash-2")
        .await
        .unwrap();
    assert_eq!(
        s.api_tokens(alice.id).await.unwrap(),
        vec![t1.clone(), t2.clone()]
    );

    let m = mark(s).await;
    s.revoke_api_token(&admin(), t1.id).await.unwrap();
    let e = one_entry(s, m, "token.revoke").await;
    assert_eq!(e.before.as_ref().unwrap()["revoked"], false);
    assert_eq!(e.after.as_ref().unwrap()["revoked"], true);
    assert!(s.api_token_user("tokhash-1").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-2").await.unwrap().is_some());
    let listed = s.api_tokens(alice.id).await.unwrap();
    assert!(listed[0].revoked && !listed[1].revoked);
    assert!(matches!(
        s.revoke_api_token(&admin(), 999_999).await,
        Err(StoreError::NotFound(_))
    ));
    assert_no_secrets_in_audit(s).await;
}

async fn sessions_expiry_logout_and_failures(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    s.grant(
        &admin(),
        alice.id,
        Grant {
            role: Role::Supervisor,
            node: Node::Region(t.county.id),
        },
    )
    .await
    .unwrap();
    let me = Actor {
        user_id: Some(alice.id),
        login: "alice".into(),
        addr: "10.1.2.3".into(),
    };

    let expires = now() + Duration::hours(8);
    let s1 = session(alice.id.0, "s1", expires);
    let m = mark(s).await;
    s.create_session(&me, &s1).await.unwrap();
    let e = one_entry(s, m, "session.login").await;
    assert_eq!(e.actor_user_id, Some(alice.id));
    assert_eq!(e.entity, "session");
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.region_path, t.county.path);
    assert!(e.after.as_ref().unwrap().get("token_hash").is_none());

    let (got, user) = s.session(&s1.token_hash, now()).await.unwrap().unwrap();
    assert_eq!(got, s1);
    assert_eq!(user, alice);
    // Expired at its expiry instant, and after.
    assert!(s.session(&s1.token_hash, expires).await.unwrap().is_none());
    assert!(s
        .session(&s1.token_hash, expires + Duration::seconds(1))
        .await
        .unwrap()
        .is_none());
    assert!(s
        .session(&s1.token_hash, expires - Duration::microseconds(1))
        .await
        .unwrap()
        .is_some());
    assert!(s
        .session("sesshash-unknown", now())
        .await
        .unwrap()
        .is_none());

    let m = mark(s).await;
    assert!(matches!(
        s.create_session(&me, &s1).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_session(&me, &session(999_999, "x", expires)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    // Logout.
    let m = mark(s).await;
    s.delete_session(&me, &s1.token_hash).await.unwrap();
    let e = one_entry(s, m, "session.logout").await;
    assert_eq!(e.after, None);
    assert_eq!(e.before.as_ref().unwrap()["user_id"], alice.id.0);
    assert!(s.session(&s1.token_hash, now()).await.unwrap().is_none());
    let m = mark(s).await;
    s.delete_session(&me, &s1.token_hash).await.unwrap();
    assert_eq!(
        mark(s).await,
        m,
        "logging out of a gone session changes nothing"
    );

    // Purge removes only the expired ones, and is not audited.
    let old = Session {
        created_at: now() - Duration::days(2),
        ..session(alice.id.0, "old", now() - Duration::days(1))
    };
    let live = session(alice.id.0, "live", now() + Duration::hours(1));
    s.create_session(&me, &old).await.unwrap();
    s.create_session(&me, &live).await.unwrap();
    let m = mark(s).await;
    assert_eq!(s.purge_sessions(now()).await.unwrap(), 1);
    assert_eq!(s.purge_sessions(now()).await.unwrap(), 0);
    assert_eq!(mark(s).await, m);
    assert!(s.session(&live.token_hash, now()).await.unwrap().is_some());

    // Changing a password ends the account's other sessions, keeping the current one.
    let other = session(alice.id.0, "other", now() + Duration::hours(1));
    s.create_session(&me, &other).await.unwrap();
    let m = mark(s).await;
    assert_eq!(
        s.end_sessions(&me, alice.id, Some(&live.token_hash))
            .await
            .unwrap(),
        1
    );
    let e = one_entry(s, m, "session.end_all").await;
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.before, Some(serde_json::json!({ "sessions": 1 })));
    assert!(s.session(&other.token_hash, now()).await.unwrap().is_none());
    assert!(s.session(&live.token_hash, now()).await.unwrap().is_some());
    let m = mark(s).await;
    assert_eq!(
        s.end_sessions(&me, alice.id, Some(&live.token_hash))
            .await
            .unwrap(),
        0
    );
    assert_eq!(mark(s).await, m, "nothing ended, nothing logged");

    // A disabled account's session does not authenticate (even one created after disabling).
    s.set_disabled(&admin(), alice.id, true).await.unwrap();
    let late = session(alice.id.0, "late", now() + Duration::hours(1));
    s.create_session(&me, &late).await.unwrap();
    assert!(s.session(&late.token_hash, now()).await.unwrap().is_none());

    // Failed logins, for an existing account and for an unknown login.
    let m = mark(s).await;
    s.record_login_failure(&actor("anonymous"), "alice")
        .await
        .unwrap();
    let e = one_entry(s, m, "session.login_failed").await;
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.after, Some(serde_json::json!({ "login": "alice" })));
    assert_eq!(e.region_path, t.county.path);
    let m = mark(s).await;
    s.record_login_failure(&actor("anonymous"), "ghost")
        .await
        .unwrap();
    let e = one_entry(s, m, "session.login_failed").await;
    assert_eq!(e.entity_id, None);
    assert_eq!(e.region_path, Vec::<i64>::new());
    assert_eq!(e.after, Some(serde_json::json!({ "login": "ghost" })));
    // It sits nowhere in the tree, so the root region's log shows it and a city's does not.
    let in_region = |region: i64| {
        let filter = AuditFilter {
            region_id: Some(RegionId(region)),
            action_prefix: Some("session.login_failed".into()),
            limit: 100,
            ..Default::default()
        };
        async move { s.audit(&filter).await.unwrap() }
    };
    let ghost = |v: &[AuditEntry]| {
        v.iter()
            .any(|e| e.after == Some(serde_json::json!({ "login": "ghost" })))
    };
    assert!(ghost(&in_region(t.prov.id.0).await));
    assert!(!ghost(&in_region(t.city.id.0).await));
    assert_no_secrets_in_audit(s).await;
}

// ---------------------------------------------------------------------------------------
// Cases: reports

async fn uploads_dedup_detail_publish(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let u = s
        .create_unit(&admin(), &unit(&t.county, "U1", "乙区司法局", ""))
        .await
        .unwrap();
    let other = s
        .create_unit(&admin(), &unit(&t.city2, "U2", "丙市教育局", ""))
        .await
        .unwrap();
    let staff = s.create_user(&admin(), &new_user("staff")).await.unwrap();
    let who = Actor {
        user_id: Some(staff.id),
        login: "staff".into(),
        addr: "10.0.0.1".into(),
    };

    let m = mark(s).await;
    let a = s
        .create_upload(&who, &new_upload(&u, 2024, b"report A"))
        .await
        .unwrap();
    assert_eq!(a.unit_id, u.id);
    assert_eq!(a.unit_name, "乙区司法局");
    assert_eq!(a.year, 2024);
    assert_eq!(a.size, 8);
    assert_eq!(a.sha256, sha(b"report A"));
    assert_eq!(a.status, UploadStatus::Checked);
    assert_eq!(a.score, Some(80));
    assert_eq!(a.uploaded_by, Some(staff.id));
    assert_eq!(a.uploaded_by_login, "staff");
    assert_eq!(a.published_at, None);
    let e = one_entry(s, m, "upload.create").await;
    assert_eq!(e.entity, "upload");
    assert_eq!(e.entity_id, Some(a.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);
    assert_eq!(e.after, Some(json(&a)));

    // The same bytes again: a second upload, one blob.
    let b = s
        .create_upload(
            &who,
            &NewUpload {
                filename: "再传.docx".into(),
                ..new_upload(&u, 2024, b"report A")
            },
        )
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM blobs").await, 1);
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM uploads").await, 2);
    let failed = NewUpload {
        status: UploadStatus::Failed,
        error: Some("无法读取文件".into()),
        checked_json: None,
        score: None,
        ..new_upload(&u, 2023, b"broken")
    };
    let c = s.create_upload(&who, &failed).await.unwrap();
    assert_eq!(c.status, UploadStatus::Failed);
    assert_eq!(c.error.as_deref(), Some("无法读取文件"));
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM blobs").await, 2);

    let d = s.upload(a.id).await.unwrap();
    assert_eq!(d.summary, a);
    assert_eq!(d.unit, u);
    assert!(d.content_type.contains("wordprocessingml"));
    assert_eq!(d.checked_json.as_deref(), Some(r#"{"findings":[]}"#));
    assert_eq!(s.upload(c.id).await.unwrap().checked_json, None);
    assert_eq!(s.upload_bytes(a.id).await.unwrap(), b"report A");
    assert_eq!(s.upload_bytes(b.id).await.unwrap(), b"report A");
    assert_eq!(s.upload_bytes(c.id).await.unwrap(), b"broken");
    assert!(matches!(
        s.upload(UploadId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.upload_bytes(UploadId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));

    let ids = |v: Vec<fazhi_store::UploadSummary>| v.into_iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.uploads_of_unit(u.id, Some(2024)).await.unwrap()),
        vec![b.id, a.id]
    );
    assert_eq!(
        ids(s.uploads_of_unit(u.id, None).await.unwrap()),
        vec![c.id, b.id, a.id]
    );
    assert!(s.uploads_of_unit(other.id, None).await.unwrap().is_empty());
    assert_eq!(s.upload_years().await.unwrap(), vec![2024, 2023]);

    // Bad input.
    let m = mark(s).await;
    let bad = NewUpload {
        sha256: sha(b"something else"),
        ..new_upload(&u, 2024, b"report A")
    };
    assert!(matches!(
        s.create_upload(&who, &bad).await,
        Err(StoreError::Invalid(_))
    ));
    let nowhere = Unit {
        id: UnitId(999_999),
        ..u.clone()
    };
    assert!(matches!(
        s.create_upload(&who, &new_upload(&nowhere, 2024, b"x"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    // Publish, list, withdraw.
    assert_eq!(s.published_uploads(0, 10).await.unwrap().total, 0);
    let t1 = now();
    let m = mark(s).await;
    let pa = s.set_published(&who, a.id, Some(t1)).await.unwrap();
    assert_eq!(pa.published_at, Some(t1));
    let e = one_entry(s, m, "upload.publish").await;
    assert_eq!(e.before, Some(json(&a)));
    assert_eq!(e.after, Some(json(&pa)));
    assert_eq!(e.unit_id, Some(u.id));
    let pc = s
        .set_published(&who, c.id, Some(t1 + Duration::seconds(5)))
        .await
        .unwrap();
    let page = s.published_uploads(0, 10).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items, vec![pc.clone(), pa.clone()]);
    let page = s.published_uploads(1, 1).await.unwrap();
    assert_eq!((page.total, ids(page.items)), (2, vec![a.id]));
    assert!(s.published_uploads(5, 10).await.unwrap().items.is_empty());
    assert_eq!(s.upload(a.id).await.unwrap().summary.published_at, Some(t1));

    let m = mark(s).await;
    let wa = s.set_published(&who, a.id, None).await.unwrap();
    assert_eq!(wa.published_at, None);
    let e = one_entry(s, m, "upload.withdraw").await;
    assert_eq!(e.before, Some(json(&pa)));
    assert_eq!(e.after, Some(json(&wa)));
    assert_eq!(
        ids(s.published_uploads(0, 10).await.unwrap().items),
        vec![c.id]
    );
    assert!(matches!(
        s.set_published(&who, UploadId(999_999), Some(t1)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn unit_overview_sorts_pages_searches_subtrees(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let mk = |r: &Region, code: &str, name: &str, short: &str| unit(r, code, name, short);
    let a1 = s
        .create_unit(&admin(), &mk(&t.city, "a1", "甲局", "甲"))
        .await
        .unwrap();
    let a2 = s
        .create_unit(&admin(), &mk(&t.city, "a2", "乙局", ""))
        .await
        .unwrap();
    let b1 = s
        .create_unit(&admin(), &mk(&t.county, "b1", "丙局", ""))
        .await
        .unwrap();
    let b2 = s
        .create_unit(&admin(), &mk(&t.county, "b2", "丁办", "丁"))
        .await
        .unwrap();
    let c1 = s
        .create_unit(&admin(), &mk(&t.city2, "c1", "戊局", ""))
        .await
        .unwrap();
    let up = |u: &Unit, year: i32, tag: &str, score: Option<i32>, errors: i32, warnings: i32| {
        NewUpload {
            score,
            errors,
            warnings,
            status: if score.is_some() {
                UploadStatus::Checked
            } else {
                UploadStatus::Failed
            },
            ..new_upload(u, year, format!("{}-{year}-{tag}", u.code).as_bytes())
        }
    };
    // In this order, so the latest upload times are a2 < b1 < c1 < a1.
    s.create_upload(&admin(), &up(&a1, 2024, "first", Some(60), 1, 1))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&a2, 2024, "x", Some(70), 3, 2))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&b1, 2024, "x", None, 0, 0))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&c1, 2024, "x", Some(50), 1, 1))
        .await
        .unwrap();
    let a1_latest = s
        .create_upload(&admin(), &up(&a1, 2024, "second", Some(90), 0, 1))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&b2, 2023, "old", Some(99), 0, 0))
        .await
        .unwrap();

    let q = |sort: UnitSort, descending: bool| UnitOverviewQuery {
        region_id: t.prov.id,
        year: 2024,
        sort,
        descending,
        search: None,
        offset: 0,
        limit: 50,
    };
    let codes = |p: &fazhi_store::Page<fazhi_store::UnitOverviewRow>| {
        p.items
            .iter()
            .map(|r| r.unit.code.clone())
            .collect::<Vec<_>>()
    };
    let run = |query: UnitOverviewQuery| async move { s.unit_overview(&query).await.unwrap() };

    let p = run(q(UnitSort::Score, false)).await;
    assert_eq!(p.total, 5);
    // Four of the five units uploaded for the year (b2 did not).
    assert_eq!(
        s.count_units_uploaded(&q(UnitSort::Name, true))
            .await
            .unwrap(),
        4
    );
    assert_eq!(codes(&p), vec!["c1", "a2", "a1", "b1", "b2"]);
    let row_a1 = p.items.iter().find(|r| r.unit.code == "a1").unwrap();
    assert_eq!(row_a1.latest.as_ref().unwrap(), &a1_latest);
    assert_eq!(row_a1.uploads, 2);
    assert_eq!(row_a1.region_name, "甲市");
    assert_eq!(row_a1.unit, a1);
    let row_b2 = p.items.iter().find(|r| r.unit.code == "b2").unwrap();
    assert!(row_b2.latest.is_none());
    assert_eq!(row_b2.uploads, 0);
    assert_eq!(row_b2.region_name, "乙区");
    assert_eq!(
        codes(&run(q(UnitSort::Score, true)).await),
        vec!["a1", "a2", "c1", "b1", "b2"]
    );

    // Names in code point order; units without an upload of the year last.
    let mut with_upload = [&a1, &a2, &b1, &c1];
    with_upload.sort_by(|x, y| x.name.cmp(&y.name));
    let mut expect: Vec<String> = with_upload.iter().map(|u| u.code.clone()).collect();
    expect.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Name, false)).await), expect);
    let mut rev: Vec<String> = with_upload.iter().rev().map(|u| u.code.clone()).collect();
    rev.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Name, true)).await), rev);

    assert_eq!(
        codes(&run(q(UnitSort::Findings, false)).await),
        vec!["b1", "a1", "c1", "a2", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::Findings, true)).await),
        vec!["a2", "c1", "a1", "b1", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::UploadedAt, false)).await),
        vec!["a2", "b1", "c1", "a1", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::UploadedAt, true)).await),
        vec!["a1", "c1", "b1", "a2", "b2"]
    );

    // By region (tree order), then name.
    let path_text = |r: &Region| r.path.iter().map(|i| format!("/{i}")).collect::<String>() + "/";
    let mut by_region: Vec<(String, String, String)> = [
        (&a1, &t.city),
        (&a2, &t.city),
        (&b1, &t.county),
        (&c1, &t.city2),
    ]
    .iter()
    .map(|(u, r)| (path_text(r), u.name.clone(), u.code.clone()))
    .collect();
    by_region.sort();
    let mut expect: Vec<String> = by_region.iter().map(|x| x.2.clone()).collect();
    expect.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Region, false)).await), expect);

    // Paging keeps the total.
    let p = run(UnitOverviewQuery {
        offset: 1,
        limit: 2,
        ..q(UnitSort::Score, false)
    })
    .await;
    assert_eq!(
        (p.total, codes(&p)),
        (5, vec!["a2".to_string(), "a1".to_string()])
    );
    let p = run(UnitOverviewQuery {
        offset: 10,
        ..q(UnitSort::Score, false)
    })
    .await;
    assert_eq!((p.total, p.items.len()), (5, 0));

    // Search in name or short name; wildcards are literal.
    let search = |s: &str| UnitOverviewQuery {
        search: Some(s.into()),
        ..q(UnitSort::Name, false)
    };
    let p = run(search("局")).await;
    assert_eq!(p.total, 4);
    assert!(codes(&p).iter().all(|c| c != "b2"));
    assert_eq!(codes(&run(search("丁")).await), vec!["b2"]);
    assert_eq!(codes(&run(search("甲")).await), vec!["a1"]);
    assert_eq!(run(search("%")).await.total, 0);
    assert_eq!(run(search("  ")).await.total, 5);

    // Subtrees.
    let under = |r: &Region| UnitOverviewQuery {
        region_id: r.id,
        ..q(UnitSort::Name, false)
    };
    let p = run(under(&t.city)).await;
    assert_eq!(p.total, 4);
    let mut got = codes(&p);
    got.sort();
    assert_eq!(got, vec!["a1", "a2", "b1", "b2"]);
    assert_eq!(codes(&run(under(&t.county)).await), vec!["b1", "b2"]);
    assert_eq!(codes(&run(under(&t.city2)).await), vec!["c1"]);

    // Another year.
    let p = run(UnitOverviewQuery {
        year: 2023,
        ..q(UnitSort::Score, true)
    })
    .await;
    assert_eq!(codes(&p)[0], "b2");
    assert_eq!(p.items[0].latest.as_ref().unwrap().score, Some(99));
    assert!(p.items[1..]
        .iter()
        .all(|r| r.latest.is_none() && r.uploads == 0));

    let err = s
        .unit_overview(&UnitOverviewQuery {
            region_id: RegionId(999_999),
            ..q(UnitSort::Name, false)
        })
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))));
}

// ---------------------------------------------------------------------------------------
// Cases: the audit log

async fn audit_filters_and_keyset_paging(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await; // 4 × region.create by admin
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let t1 = now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let bob = actor("bob");
    let ub = s
        .create_unit(&bob, &unit(&t.county, "UB", "乙区司法局", ""))
        .await
        .unwrap();
    let uc = s
        .create_unit(&bob, &unit(&t.city2, "UC", "丙市教育局", ""))
        .await
        .unwrap();
    let f = |g: fn(&mut AuditFilter)| {
        let mut f = AuditFilter {
            limit: 1000,
            ..Default::default()
        };
        g(&mut f);
        f
    };
    let actions = |v: &[AuditEntry]| v.iter().map(|e| e.action.clone()).collect::<Vec<_>>();

    let all = s.audit(&f(|_| {})).await.unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(s.count_audit().await.unwrap(), 6);

    // Region subtree: 甲市 holds itself, 乙区 and the unit in 乙区.
    let in_city = s
        .audit(&AuditFilter {
            region_id: Some(t.city.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut ids: Vec<Option<i64>> = in_city.iter().map(|e| e.entity_id).collect();
    ids.sort();
    let mut expect = vec![Some(t.city.id.0), Some(t.county.id.0), Some(ub.id.0)];
    expect.sort();
    assert_eq!(ids, expect);
    let in_city2 = s
        .audit(&AuditFilter {
            region_id: Some(t.city2.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(in_city2.len(), 2);
    assert_eq!(in_city2[0].entity_id, Some(uc.id.0));
    let in_prov = s
        .audit(&AuditFilter {
            region_id: Some(t.prov.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(in_prov.len(), 6);
    assert!(matches!(
        s.audit(&AuditFilter {
            region_id: Some(RegionId(999_999)),
            ..Default::default()
        })
        .await,
        Err(StoreError::NotFound(_))
    ));

    assert_eq!(
        actions(
            &s.audit(&f(|f| f.action_prefix = Some("unit".into())))
                .await
                .unwrap()
        ),
        vec!["unit.create"; 2]
    );
    assert_eq!(
        s.audit(&f(|f| f.action_prefix = Some("region.c".into())))
            .await
            .unwrap()
            .len(),
        4
    );
    assert!(s
        .audit(&f(|f| f.action_prefix = Some("nothing".into())))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.audit(&f(|f| f.action_prefix = Some(String::new())))
            .await
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        s.audit(&f(|f| f.actor_login = Some("bob".into())))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.audit(&f(|f| f.actor_login = Some("admin".into())))
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        s.audit(&f(|f| f.entity = Some("region".into())))
            .await
            .unwrap()
            .len(),
        4
    );

    // Time: from is inclusive, until exclusive.
    let from = s
        .audit(&AuditFilter {
            from: Some(t1),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(actions(&from), vec!["unit.create"; 2]);
    let until = s
        .audit(&AuditFilter {
            until: Some(t1),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(actions(&until), vec!["region.create"; 4]);
    let at = from[0].at;
    assert_eq!(
        s.audit(&AuditFilter {
            from: Some(at),
            until: Some(at),
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        0
    );
    assert!(s
        .audit(&AuditFilter {
            from: Some(at),
            until: Some(at + Duration::microseconds(1)),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .any(|e| e.id == from[0].id));

    // Filters combine.
    let both = s
        .audit(&AuditFilter {
            region_id: Some(t.city.id),
            actor_login: Some("bob".into()),
            action_prefix: Some("unit.".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(both.len(), 1);
    assert_eq!(both[0].entity_id, Some(ub.id.0));

    // Keyset paging.
    for i in 0..25 {
        s.record_login_failure(&actor("anonymous"), &format!("guess{i}"))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut before_id = None;
    let mut pages = Vec::new();
    loop {
        let page = s
            .audit(&AuditFilter {
                action_prefix: Some("session.".into()),
                before_id,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        pages.push(page.len());
        let Some(last) = page.last() else { break };
        before_id = Some(last.id);
        seen.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(pages, vec![10, 10, 5, 0]);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(seen.len(), 25);
    // Limit 0 means a default page, not nothing.
    assert_eq!(s.audit(&AuditFilter::default()).await.unwrap().len(), 31);
    assert_eq!(s.count_audit().await.unwrap(), 31);
}

async fn audit_log_is_append_only(fx: &Fx) {
    let s = fx.s();
    tree(s).await;
    let n = s.count_audit().await.unwrap();
    assert_eq!(n, 4);
    let before = s.audit(&AuditFilter::default()).await.unwrap();
    for sql in [
        "UPDATE audit_log SET action = 'forged'",
        "UPDATE audit_log SET after = NULL WHERE id = (SELECT MAX(id) FROM audit_log)",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)",
    ] {
        let err = fx.handle.raw(sql).await.expect_err(sql);
        assert!(err.to_string().contains("审计日志只能追加"), "{sql}: {err}");
    }
    if fx.backend == Backend::Postgres {
        let err = fx
            .handle
            .raw("TRUNCATE audit_log")
            .await
            .expect_err("truncate");
        assert!(err.to_string().contains("审计日志只能追加"), "{err}");
    }
    assert_eq!(s.count_audit().await.unwrap(), n);
    assert_eq!(s.audit(&AuditFilter::default()).await.unwrap(), before);
    // Appending still works.
    s.record_login_failure(&admin(), "x").await.unwrap();
    assert_eq!(s.count_audit().await.unwrap(), n + 1);
}

// ---------------------------------------------------------------------------------------
// Cases: the database as a whole

async fn schema_version_and_reopen_keep_data(fx: &Fx) {
    let s = fx.s();
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(
        s.backend(),
        if fx.backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let t = tree(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    if fx.backend == Backend::Sqlite {
        // Durability and locking settings of the write connection.
        let h = &fx.handle;
        let wal = "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'";
        assert_eq!(h.scalar(wal).await, 1);
        assert_eq!(h.scalar("PRAGMA synchronous").await, 2, "synchronous=FULL");
        assert_eq!(h.scalar("PRAGMA foreign_keys").await, 1);
        assert_eq!(h.scalar("PRAGMA busy_timeout").await, 5000);
    }
    let installed = fx
        .handle
        .scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .await;
    assert_eq!(installed, SCHEMA_VERSION);

    // Through the public `open`, as the server does.
    let again = open(&fx.target.db_target()).await.unwrap();
    assert_eq!(again.backend(), s.backend());
    assert_eq!(again.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(again.regions().await.unwrap(), s.regions().await.unwrap());
    assert_eq!(again.user(alice.id).await.unwrap(), alice);
    assert_eq!(
        again.count_audit().await.unwrap(),
        s.count_audit().await.unwrap()
    );
    // A change through one store is seen by the other (as by a restarted server).
    again
        .create_unit(&admin(), &unit(&t.city, "U1", "甲市司法局", ""))
        .await
        .unwrap();
    assert_eq!(s.units(None).await.unwrap().len(), 1);
    again.close().await;

    let h = fx.reopen().await.unwrap();
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await,
        installed,
        "no migration ran twice"
    );
    assert_eq!(h.store().units(None).await.unwrap().len(), 1);
    h.store().close().await;
}

async fn future_schema_is_refused(fx: &Fx) {
    let s = fx.s();
    tree(s).await;
    let checksum = match fx.backend {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    fx.handle
        .raw(&format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
        ))
        .await
        .unwrap();
    let err = fx
        .reopen()
        .await
        .err()
        .expect("a newer database must be refused");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 9999,
                supported: SCHEMA_VERSION
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("请升级程序"), "{err}");
    let err = open(&fx.target.db_target()).await.err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { .. }));
    // The refused open changed nothing.
    assert_eq!(s.regions().await.unwrap().len(), 4);
}

async fn backup_copies_everything(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let u = s
        .create_unit(&admin(), &unit(&t.county, "U1", "乙区司法局", ""))
        .await
        .unwrap();
    let up = s
        .create_upload(&admin(), &new_upload(&u, 2024, b"%PDF-1.7 report"))
        .await
        .unwrap();
    let dest = fx.dir().join("backups").join("fazhi-backup.db");
    match fx.backend {
        Backend::Postgres => {
            let err = s.backup_to(&dest).await.unwrap_err();
            let StoreError::Unsupported(msg) = &err else {
                panic!("{err:?}")
            };
            assert!(msg.contains("pg_dump"), "{msg}");
            assert!(!dest.exists());
        }
        Backend::Sqlite => {
            s.backup_to(&dest).await.unwrap();
            // A second backup into the same file is refused.
            assert!(matches!(
                s.backup_to(&dest).await,
                Err(StoreError::Invalid(_))
            ));
            let copy = open_sqlite(&dest).await.unwrap();
            assert_eq!(copy.regions().await.unwrap(), s.regions().await.unwrap());
            assert_eq!(copy.units(None).await.unwrap(), vec![u.clone()]);
            assert_eq!(
                copy.upload(up.id).await.unwrap(),
                s.upload(up.id).await.unwrap()
            );
            assert_eq!(copy.upload_bytes(up.id).await.unwrap(), b"%PDF-1.7 report");
            assert_eq!(
                copy.audit(&AuditFilter::default()).await.unwrap(),
                s.audit(&AuditFilter::default()).await.unwrap()
            );
            assert_eq!(copy.schema_version().await.unwrap(), SCHEMA_VERSION);
            // The copy is a working database, with its audit log still append-only.
            assert!(copy.raw_execute("DELETE FROM audit_log").await.is_err());
            copy.create_region(
                &admin(),
                &region(None, "Z", "备份后新建", RegionLevel::Province),
            )
            .await
            .unwrap();
            copy.close().await;
            assert_eq!(s.regions().await.unwrap().len(), 4);
        }
    }
}

async fn concurrent_writers_from_two_stores(fx: &Fx) {
    let t = tree(fx.s()).await;
    let second = fx.reopen().await.unwrap().store();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let s = if i % 2 == 0 {
            fx.store.clone()
        } else {
            second.clone()
        };
        let city = t.city.clone();
        tasks.push(tokio::spawn(async move {
            let user = s
                .create_user(&admin(), &new_user(&format!("user{i}")))
                .await
                .unwrap();
            s.grant(
                &admin(),
                user.id,
                Grant {
                    role: Role::Supervisor,
                    node: Node::Region(city.id),
                },
            )
            .await
            .unwrap();
            s.create_unit(
                &admin(),
                &unit(&city, &format!("U{i}"), &format!("单位{i}"), ""),
            )
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let s = fx.s();
    assert_eq!(s.count_users().await.unwrap(), 60);
    assert_eq!(s.units(None).await.unwrap().len(), 60);
    assert_eq!(s.count_audit().await.unwrap(), 4 + 60 * 3);
    second.close().await;
}

// ---------------------------------------------------------------------------------------
// Cases: the ledger

fn rec(kind: RecordKind, year: i32, pairs: &[(&str, &str)], indicators: &[&str]) -> RecordData {
    let raw: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    RecordData {
        kind,
        year,
        fields: parse_fields(kind, &raw).unwrap_or_else(|e| panic!("{kind:?}: {e:?}")),
        indicators: indicators.iter().map(|s| s.to_string()).collect(),
    }
}

/// A 学法 session of `date` (its year) about `topic`.
fn study(date: &str, topic: &str) -> RecordData {
    rec(
        RecordKind::Study,
        date[..4].parse().unwrap(),
        &[("date", date), ("form", "党组会学法"), ("topic", topic)],
        &["thought", "leadership.capacity"],
    )
}

/// An officer: a kind without a date field.
fn officer(name: &str) -> RecordData {
    rec(
        RecordKind::Officer,
        2025,
        &[
            ("name", name),
            ("cert_no", "粤A-0001"),
            ("valid_until", "2027-06-30"),
        ],
        &["enforcement.system"],
    )
}

/// 示范省 ─ 甲市 ─ 甲市司法局, and 丙市科工局 elsewhere.
async fn ledger_units(s: &dyn Store) -> (Tree, Unit, Unit) {
    let t = tree(s).await;
    let u = s
        .create_unit(&admin(), &unit(&t.city, "U1", "甲市司法局", "市司法局"))
        .await
        .unwrap();
    let other = s
        .create_unit(&admin(), &unit(&t.city2, "U2", "丙市科工局", ""))
        .await
        .unwrap();
    (t, u, other)
}

fn query(unit: &Unit) -> LedgerQuery {
    LedgerQuery {
        unit_id: unit.id,
        ..Default::default()
    }
}

async fn ids_of(s: &dyn Store, q: &LedgerQuery) -> Vec<RecordId> {
    s.records(q)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.record.id)
        .collect()
}

async fn ledger_create_update_and_conflicts(fx: &Fx) {
    let s = fx.s();
    let (t, u, _) = ledger_units(s).await;
    let alice = actor("alice");

    let m = mark(s).await;
    let data = rec(
        RecordKind::Study,
        2025,
        &[
            ("date", "2025-03-06"),
            ("form", "党组会学法"),
            ("topic", "学习行政处罚法"),
            ("laws", "宪法、行政处罚法"),
            ("attendees", "12"),
            ("leader_present", "是"),
            ("hours", "2.5"),
        ],
        &["thought", "leadership.capacity"],
    );
    let row = s.create_record(&alice, u.id, &data).await.unwrap();
    assert_eq!(row.record.unit_id, u.id);
    assert_eq!(row.record.data, data, "fields come back typed and equal");
    assert_eq!(row.version, 1);
    assert_eq!(row.created_by, "alice");
    assert_eq!(row.updated_by, "alice");
    assert_eq!(row.created_at, row.updated_at);
    assert!(row.deleted_at.is_none());
    assert!(row.attachments.is_empty());
    let read = s.record(row.record.id).await.unwrap();
    assert_eq!(read, row);
    let e = one_entry(s, m, "record.create").await;
    assert_eq!(e.entity, "record");
    assert_eq!(e.entity_id, Some(row.record.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, vec![t.prov.id, t.city.id]);
    assert_eq!(e.actor_login, "alice");
    assert!(e.before.is_none());
    let after = e.after.unwrap();
    assert!(after.get("attachments").is_none(), "{after}");
    assert_eq!(after["record"], json(&row.record));
    assert_eq!(after["version"], 1);

    // An edit on the current version.
    let m = mark(s).await;
    let mut changed = data.clone();
    changed.year = 2024;
    changed.fields = study("2024-12-30", "学习民法典").fields;
    changed.indicators = vec!["thought".into()];
    let bob = actor("bob");
    let updated = s
        .update_record(&bob, row.record.id, &changed, 1)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.record.data, changed);
    assert_eq!(updated.created_by, "alice");
    assert_eq!(updated.updated_by, "bob");
    assert_eq!(updated.created_at, row.created_at);
    assert!(updated.updated_at >= row.updated_at);
    assert_eq!(s.record(row.record.id).await.unwrap(), updated);
    let e = one_entry(s, m, "record.update").await;
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.before.unwrap()["record"], json(&row.record));
    assert_eq!(e.after.unwrap()["record"], json(&updated.record));
    // The derived columns follow the edit: the old date and indicator no longer match.
    let mut q = query(&u);
    q.indicator = Some("leadership".into());
    assert!(ids_of(s, &q).await.is_empty());
    q.indicator = Some("thought".into());
    assert_eq!(ids_of(s, &q).await, vec![row.record.id]);
    let mut q = query(&u);
    q.q = Some("民法典".into());
    assert_eq!(ids_of(s, &q).await, vec![row.record.id]);
    q.q = Some("行政处罚法".into());
    assert!(ids_of(s, &q).await.is_empty());
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2024]);

    // A stale form: refused, nothing written.
    let m = mark(s).await;
    let err = s
        .update_record(&alice, row.record.id, &data, 1)
        .await
        .unwrap_err();
    let StoreError::Conflict(msg) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(msg, "该记录已被他人修改，请刷新后重试");
    assert_eq!(s.record(row.record.id).await.unwrap(), updated);
    assert_eq!(mark(s).await, m);

    // Two edits of the same version at once: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..4 {
        let st = fx.store.clone();
        let mut d = changed.clone();
        d.fields = study("2024-11-01", &format!("并发修改{i}")).fields;
        let id = row.record.id;
        tasks.push(tokio::spawn(async move {
            st.update_record(&actor("racer"), id, &d, 2).await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => {
                wins += 1;
                assert_eq!(r.version, 3);
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(mark(s).await, m + 1);
    assert_eq!(s.record(row.record.id).await.unwrap().version, 3);

    // The kind never changes; a year the schema cannot hold is refused; unknown ids.
    let err = s
        .update_record(&alice, row.record.id, &officer("张三"), 3)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("类别不能更改")),
        "{err:?}"
    );
    let mut far = data.clone();
    far.year = 3000;
    let err = s.create_record(&alice, u.id, &far).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("3000")),
        "{err:?}"
    );
    assert!(matches!(
        s.update_record(&alice, row.record.id, &far, 3).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.create_record(&alice, UnitId(999_999), &data).await,
        Err(StoreError::NotFound("单位"))
    ));
    assert!(matches!(
        s.record(RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.update_record(&alice, RecordId(999_999), &data, 1).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m + 1, "refusals write nothing");

    // A kind without a date field, and text that must come back exactly.
    let o = s
        .create_record(&alice, u.id, &officer("李四"))
        .await
        .unwrap();
    assert_eq!(s.record(o.record.id).await.unwrap().record, o.record);
    assert_eq!(o.record.title(), "李四");
}

async fn ledger_delete_and_restore(fx: &Fx) {
    let s = fx.s();
    let (_, u, _) = ledger_units(s).await;
    let a = actor("alice");
    let keep = s
        .create_record(&a, u.id, &study("2024-05-01", "留下"))
        .await
        .unwrap();
    let row = s
        .create_record(&a, u.id, &study("2025-05-01", "删掉"))
        .await
        .unwrap();

    let m = mark(s).await;
    let deleted = s.delete_record(&actor("bob"), row.record.id).await.unwrap();
    assert!(deleted.deleted_at.is_some());
    assert_eq!(deleted.version, 2);
    assert_eq!(deleted.updated_by, "bob");
    assert_eq!(deleted.record, row.record);
    let e = one_entry(s, m, "record.delete").await;
    assert_eq!(e.entity_id, Some(row.record.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.before.unwrap()["deleted_at"], serde_json::Value::Null);
    assert!(!e.after.unwrap()["deleted_at"].is_null());

    // Deleting again answers the row and writes nothing.
    let again = s.delete_record(&a, row.record.id).await.unwrap();
    assert_eq!(again, deleted);
    assert_eq!(mark(s).await, m + 1);
    // Still readable, not editable.
    assert_eq!(s.record(row.record.id).await.unwrap(), deleted);
    let err = s
        .update_record(&a, row.record.id, &study("2025-05-02", "改"), 2)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("已删除")),
        "{err:?}"
    );

    // Lists: live by default, both with include_deleted, only deleted with deleted_only.
    let q = query(&u);
    assert_eq!(ids_of(s, &q).await, vec![keep.record.id]);
    assert_eq!(s.records(&q).await.unwrap().total, 1);
    let all = LedgerQuery {
        include_deleted: true,
        ..query(&u)
    };
    assert_eq!(ids_of(s, &all).await, vec![row.record.id, keep.record.id]);
    let only = LedgerQuery {
        deleted_only: true,
        ..query(&u)
    };
    assert_eq!(ids_of(s, &only).await, vec![row.record.id]);
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2024]);

    let m = mark(s).await;
    let restored = s.restore_record(&a, row.record.id).await.unwrap();
    assert!(restored.deleted_at.is_none());
    assert_eq!(restored.version, 3);
    let e = one_entry(s, m, "record.restore").await;
    assert!(!e.before.unwrap()["deleted_at"].is_null());
    assert!(e.after.unwrap()["deleted_at"].is_null());
    // Restoring a live record is a no-op.
    assert_eq!(s.restore_record(&a, row.record.id).await.unwrap(), restored);
    assert_eq!(mark(s).await, m + 1);
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2025, 2024]);
    assert_eq!(ids_of(s, &q).await, vec![row.record.id, keep.record.id]);
    // Editable again, on its new version.
    s.update_record(&a, row.record.id, &study("2025-05-03", "恢复后修改"), 3)
        .await
        .unwrap();
    assert!(matches!(
        s.delete_record(&a, RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.restore_record(&a, RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn ledger_list_filters_order_and_paging(fx: &Fx) {
    let s = fx.s();
    let (_, u, other) = ledger_units(s).await;
    let a = actor("alice");
    let mut id = std::collections::HashMap::new();
    for (key, data) in [
        ("s1", study("2025-01-10", "学习宪法 ABC")),
        ("s2", study("2025-03-01", "学习民法典")),
        ("s3", study("2025-03-01", "100%_完成")),
        ("s_old", study("2024-06-01", "去年的学法")),
        ("o1", officer("张三")),
        (
            "d1",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "城市更新规划"), ("discussed", "2025-02-15")],
                &["decision.procedure"],
            ),
        ),
        (
            "d2",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "尚未讨论的决策")],
                &["decision"],
            ),
        ),
        (
            "x1",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "前缀相同而非下级")],
                &["decisionmaking"],
            ),
        ),
    ] {
        let r = s.create_record(&a, u.id, &data).await.unwrap();
        id.insert(key, r.record.id);
    }
    // Another unit's record never shows.
    s.create_record(&a, other.id, &study("2025-03-01", "学习民法典"))
        .await
        .unwrap();
    let ids = |keys: &[&str]| keys.iter().map(|k| id[k]).collect::<Vec<_>>();

    // Order: the record's date newest first, records without one last, then id descending.
    let q = query(&u);
    let page = s.records(&q).await.unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["s3", "s2", "d1", "s1", "s_old", "x1", "d2", "o1"])
    );

    let by = |f: &dyn Fn(&mut LedgerQuery)| {
        let mut q = query(&u);
        f(&mut q);
        q
    };
    assert_eq!(
        ids_of(s, &by(&|q| q.year = Some(2024))).await,
        ids(&["s_old"])
    );
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.year = Some(2025);
                q.kind = Some(RecordKind::Study)
            })
        )
        .await,
        ids(&["s3", "s2", "s1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.kind = Some(RecordKind::Officer))).await,
        ids(&["o1"])
    );
    // Search: any field's text, ASCII case-insensitive, wildcards taken literally.
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("abc".into()))).await,
        ids(&["s1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some(" 民法 ".into()))).await,
        ids(&["s2"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("%_".into()))).await,
        ids(&["s3"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("党组会学法".into()))).await,
        ids(&["s3", "s2", "s1", "s_old"]),
        "choice fields are searched too"
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("2025-02-15".into()))).await,
        ids(&["d1"]),
        "dates as displayed"
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("粤a-0001".into()))).await,
        ids(&["o1"])
    );
    assert!(ids_of(s, &by(&|q| q.q = Some("没有的词".into())))
        .await
        .is_empty());
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("  ".into()))).await.len(),
        8,
        "a blank search is no filter"
    );
    // Indicators: the code itself and the codes below it, not mere string prefixes.
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("decision".into()))).await,
        ids(&["d1", "d2"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("decision.procedure".into()))).await,
        ids(&["d1"])
    );
    assert!(
        ids_of(s, &by(&|q| q.indicator = Some("decision.pro".into())))
            .await
            .is_empty()
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("leadership".into()))).await,
        ids(&["s3", "s2", "s1", "s_old"])
    );
    // Date bounds are inclusive and leave out records without a date.
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.from = NaiveDate::from_ymd_opt(2025, 2, 15);
                q.until = NaiveDate::from_ymd_opt(2025, 3, 1)
            })
        )
        .await,
        ids(&["s3", "s2", "d1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.until = NaiveDate::from_ymd_opt(2025, 1, 10))).await,
        ids(&["s1", "s_old"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.from = NaiveDate::from_ymd_opt(2025, 3, 2))).await,
        Vec::<RecordId>::new()
    );
    // Ids (a figure's records), combined with other filters; an empty set is empty.
    assert_eq!(
        ids_of(s, &by(&|q| q.ids = Some(ids(&["o1", "s1", "d2"])))).await,
        ids(&["s1", "d2", "o1"])
    );
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.ids = Some(ids(&["o1", "s1", "d2"]));
                q.kind = Some(RecordKind::Study)
            })
        )
        .await,
        ids(&["s1"])
    );
    assert!(ids_of(s, &by(&|q| q.ids = Some(Vec::new())))
        .await
        .is_empty());
    let many: Vec<RecordId> = (1..=5000).map(RecordId).chain([id["s2"]]).collect();
    assert!(ids_of(s, &by(&|q| q.ids = Some(many.clone())))
        .await
        .contains(&id["s2"]));

    // Paging: total counts all matches; limit 0 reads all.
    let page = s
        .records(&by(&|q| {
            q.offset = 2;
            q.limit = 3
        }))
        .await
        .unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["d1", "s1", "s_old"])
    );
    let page = s
        .records(&by(&|q| {
            q.offset = 6;
            q.limit = 0
        }))
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["d2", "o1"])
    );
    let page = s
        .records(&by(&|q| {
            q.offset = 100;
            q.limit = 10
        }))
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (0, 8));
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2025, 2024]);
    assert_eq!(
        s.ledger_years(UnitId(999_999)).await.unwrap(),
        Vec::<i32>::new()
    );
}

async fn ledger_import_is_all_or_nothing(fx: &Fx) {
    let s = fx.s();
    let (t, u, _) = ledger_units(s).await;
    let a = actor("importer");
    let rows: Vec<RecordData> = (0..40)
        .map(|i| {
            study(
                &format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                &format!("第{i}次学法"),
            )
        })
        .collect();

    let m = mark(s).await;
    assert_eq!(s.import_records(&a, u.id, &rows).await.unwrap(), 40);
    let page = s.records(&query(&u)).await.unwrap();
    assert_eq!(page.total, 40);
    let mut back: Vec<RecordData> = page.items.iter().map(|r| r.record.data.clone()).collect();
    let mut want = rows.clone();
    let topic = |d: &RecordData| d.fields.display("topic");
    back.sort_by_key(topic);
    want.sort_by_key(topic);
    assert_eq!(back, want);
    assert!(page
        .items
        .iter()
        .all(|r| r.version == 1 && r.created_by == "importer"));
    let mut q = query(&u);
    q.indicator = Some("leadership".into());
    assert_eq!(s.records(&q).await.unwrap().total, 40);
    let entries = entries_since(s, m).await;
    assert_eq!(entries.len(), 41);
    assert!(entries[..40].iter().all(|e| e.action == "record.create"
        && e.entity == "record"
        && e.unit_id == Some(u.id)
        && e.region_path == vec![t.prov.id, t.city.id]
        && e.after
            .as_ref()
            .is_some_and(|v| v.get("attachments").is_none())));
    let mut created: Vec<i64> = entries[..40].iter().map(|e| e.entity_id.unwrap()).collect();
    created.sort();
    let mut listed: Vec<i64> = page.items.iter().map(|r| r.record.id.0).collect();
    listed.sort();
    assert_eq!(created, listed);
    let summary = &entries[40];
    assert_eq!(summary.action, "record.import");
    assert_eq!(summary.entity_id, None);
    assert_eq!(summary.unit_id, Some(u.id));
    assert_eq!(
        summary.after,
        Some(serde_json::json!({"kind": "study", "count": 40}))
    );

    // Mixed kinds: the summary names none.
    let m = mark(s).await;
    assert_eq!(
        s.import_records(&a, u.id, &[officer("王五"), study("2025-07-01", "混合")])
            .await
            .unwrap(),
        2
    );
    let entries = entries_since(s, m).await;
    assert_eq!(
        entries.last().unwrap().after,
        Some(serde_json::json!({"kind": null, "count": 2}))
    );

    // Rows the store cannot keep: every one listed, nothing written.
    let m = mark(s).await;
    let mut bad = rows.clone();
    bad[3].year = 3000;
    bad[7].year = 1900;
    let err = s.import_records(&a, u.id, &bad).await.unwrap_err();
    let StoreError::Rows(errs) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), vec![4, 8]);
    assert!(errs[0].message.contains("3000"), "{errs:?}");
    assert!(matches!(
        s.import_records(&a, UnitId(999_999), &rows).await,
        Err(StoreError::NotFound("单位"))
    ));
    assert_eq!(s.import_records(&a, u.id, &[]).await.unwrap(), 0);
    assert_eq!(mark(s).await, m);

    // Failures late in the transaction leave nothing behind: a row far into a large file
    // (after earlier rows went in), and the very last statement (the summary entry).
    let triggers = match fx.backend {
        Backend::Sqlite => {
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON ledger_records \
             WHEN NEW.title = '爆炸' BEGIN SELECT RAISE(ABORT, 'boom'); END; \
             CREATE TRIGGER refuse_summary BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'record.import' AND NEW.after LIKE '%1199%' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.title = '爆炸' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_boom BEFORE INSERT ON ledger_records \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom(); \
             CREATE FUNCTION refuse_summary() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.action = 'record.import' AND NEW.after::text LIKE '%1199%' \
             THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_summary BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_summary();"
        }
    };
    fx.handle.raw(triggers).await.unwrap();
    let before = s.records(&query(&u)).await.unwrap().total;
    let tags_before = fx
        .handle
        .scalar("SELECT COUNT(*) FROM ledger_record_indicators")
        .await;
    let large: Vec<RecordData> = (0..1200)
        .map(|i| study("2025-09-01", &format!("大批第{i}条")))
        .collect();
    let mut boom = large.clone();
    boom[1100] = study("2025-08-01", "爆炸");
    let mut summary_fails = large.clone();
    summary_fails.pop();
    for (what, rows) in [("a late row", &boom), ("the summary", &summary_fails)] {
        assert!(
            s.import_records(&a, u.id, rows).await.is_err(),
            "{what} must fail"
        );
        assert_eq!(s.records(&query(&u)).await.unwrap().total, before, "{what}");
        assert_eq!(
            fx.handle
                .scalar("SELECT COUNT(*) FROM ledger_record_indicators")
                .await,
            tags_before,
            "{what}: no indicator of the failed import stays"
        );
        assert_eq!(mark(s).await, m, "{what}: no audit entry stays");
    }
    // And the same file goes in whole once nothing refuses it.
    assert_eq!(s.import_records(&a, u.id, &large).await.unwrap(), 1200);
    assert_eq!(s.records(&query(&u)).await.unwrap().total, before + 1200);
    assert_eq!(mark(s).await, m + 1201);
}

async fn ledger_attachments_dedup_and_unlink(fx: &Fx) {
    let s = fx.s();
    let (_, u, _) = ledger_units(s).await;
    let a = actor("alice");
    let r1 = s
        .create_record(&a, u.id, &study("2025-03-01", "一"))
        .await
        .unwrap();
    let r2 = s
        .create_record(&a, u.id, &study("2025-03-02", "二"))
        .await
        .unwrap();
    let blobs_before = fx.handle.scalar("SELECT COUNT(*) FROM blobs").await;
    let bytes = b"%PDF-1.7 sign-in sheet";

    let m = mark(s).await;
    let a1 = s
        .add_attachment(&a, r1.record.id, " 签到表.pdf ", "application/pdf", bytes)
        .await
        .unwrap();
    assert_eq!(a1.record_id, r1.record.id);
    assert_eq!(a1.filename, "签到表.pdf");
    assert_eq!(a1.sha256, sha(bytes));
    assert_eq!(a1.size, bytes.len() as i64);
    let e = one_entry(s, m, "attachment.create").await;
    assert_eq!(e.entity, "attachment");
    assert_eq!(e.entity_id, Some(a1.id));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.after, Some(json(&a1)));
    let a2 = s
        .add_attachment(&a, r2.record.id, "copy.pdf", "application/pdf", bytes)
        .await
        .unwrap();
    let a3 = s
        .add_attachment(&a, r1.record.id, "photo.jpg", "image/jpeg", b"\xff\xd8jpeg")
        .await
        .unwrap();
    assert_eq!(a2.sha256, a1.sha256);
    assert_eq!(
        fx.handle.scalar("SELECT COUNT(*) FROM blobs").await,
        blobs_before + 2,
        "the same bytes are kept once"
    );
    let (got, got_bytes) = s.attachment(a1.id).await.unwrap();
    assert_eq!(got, a1);
    assert_eq!(got_bytes, bytes);
    // Attachments do not change the record's version (they are audited on their own).
    let read = s.record(r1.record.id).await.unwrap();
    assert_eq!(read.version, 1);
    assert_eq!(read.attachments, vec![a1.clone(), a3.clone()]);
    let page = s.records(&query(&u)).await.unwrap();
    assert_eq!(page.items[0].attachments, vec![a2.clone()]);
    assert_eq!(page.items[1].attachments, vec![a1.clone(), a3.clone()]);

    let m = mark(s).await;
    s.delete_attachment(&actor("bob"), a1.id).await.unwrap();
    let e = one_entry(s, m, "attachment.delete").await;
    assert_eq!(e.before, Some(json(&a1)));
    assert!(e.after.is_none());
    assert_eq!(e.unit_id, Some(u.id));
    assert!(matches!(
        s.attachment(a1.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.delete_attachment(&a, a1.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.record(r1.record.id).await.unwrap().attachments, vec![a3]);
    // The bytes stay (the other record still links them; the audit trail names them).
    assert_eq!(s.attachment(a2.id).await.unwrap().1, bytes);
    assert_eq!(
        fx.handle.scalar("SELECT COUNT(*) FROM blobs").await,
        blobs_before + 2
    );

    // Refusals: limits named, deleted or unknown records.
    let m = mark(s).await;
    let big = vec![0u8; MAX_ATTACHMENT_BYTES + 1];
    let err = s
        .add_attachment(
            &a,
            r1.record.id,
            "big.bin",
            "application/octet-stream",
            &big,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("50 MB")),
        "{err:?}"
    );
    let err = s
        .add_attachment(&a, r1.record.id, "  ", "text/plain", b"x")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let long = "长".repeat(256);
    let err = s
        .add_attachment(&a, r1.record.id, &long, "text/plain", b"x")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("255")),
        "{err:?}"
    );
    assert!(matches!(
        s.add_attachment(&a, RecordId(999_999), "a.txt", "text/plain", b"x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    let mark_before_delete = mark(s).await;
    assert_eq!(mark_before_delete, m);
    s.delete_record(&a, r2.record.id).await.unwrap();
    let err = s
        .add_attachment(&a, r2.record.id, "late.txt", "text/plain", b"late")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("已删除")),
        "{err:?}"
    );
    // A deleted record keeps its attachments (restoring it brings them back).
    assert_eq!(s.record(r2.record.id).await.unwrap().attachments, vec![a2]);
    assert_eq!(mark(s).await, m + 1);
    assert_no_secrets_in_audit(s).await;
}

// ---------------------------------------------------------------------------------------
// Upgrades: every release's frozen database opens with this build

/// Fixture directories of released schemas, oldest first.
const RELEASE_FIXTURES: &[&str] = &["schema-0001", "schema-0002"];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

const FIXTURE_TOKEN: &str = "tokhash-fixture";
const FIXTURE_SESSION: &str = "sesshash-fixture";
const FIXTURE_BYTES: &[u8] = b"fixture report bytes";

/// What a release's fixture holds: a bit of every table.
async fn seed_fixture(s: &dyn Store) {
    let a = admin();
    let prov = s
        .create_region(&a, &region(None, "F-P", "夹具省", RegionLevel::Province))
        .await
        .unwrap();
    let city = s
        .create_region(&a, &region(Some(&prov), "F-A", "夹具市", RegionLevel::City))
        .await
        .unwrap();
    let u = s
        .create_unit(&a, &unit(&city, "F-U", "夹具市司法局", "市司法局"))
        .await
        .unwrap();
    let user = s.create_user(&a, &new_user("fixture")).await.unwrap();
    s.grant(
        &a,
        user.id,
        Grant {
            role: Role::Admin,
            node: Node::Region(prov.id),
        },
    )
    .await
    .unwrap();
    s.grant(
        &a,
        user.id,
        Grant {
            role: Role::UnitLeader,
            node: Node::Unit(u.id),
        },
    )
    .await
    .unwrap();
    s.create_api_token(&a, user.id, "夹具令牌", FIXTURE_TOKEN)
        .await
        .unwrap();
    let far = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    s.create_session(
        &a,
        &Session {
            token_hash: FIXTURE_SESSION.into(),
            ..session(user.id.0, "fixture", far)
        },
    )
    .await
    .unwrap();
    let up = s
        .create_upload(&a, &new_upload(&u, 2024, FIXTURE_BYTES))
        .await
        .unwrap();
    s.set_published(
        &a,
        up.id,
        Some(Utc.with_ymd_and_hms(2025, 3, 31, 8, 0, 0).unwrap()),
    )
    .await
    .unwrap();
    // Since schema 2: the ledger (a live record with an attachment sharing the upload's
    // bytes, and a deleted one).
    let r = s.create_record(&a, u.id, &fixture_record()).await.unwrap();
    s.add_attachment(
        &a,
        r.record.id,
        "签到表.pdf",
        "application/pdf",
        FIXTURE_BYTES,
    )
    .await
    .unwrap();
    let gone = s.create_record(&a, u.id, &officer("夹具")).await.unwrap();
    s.delete_record(&a, gone.record.id).await.unwrap();
    s.record_login_failure(&actor("anonymous"), "fixture")
        .await
        .unwrap();
}

/// The ledger record of the fixtures (schema 2 on).
fn fixture_record() -> RecordData {
    rec(
        RecordKind::Study,
        2024,
        &[
            ("date", "2024-03-06"),
            ("form", "党组会学法"),
            ("topic", "夹具学法"),
            ("laws", "宪法、行政处罚法"),
            ("hours", "1.5"),
        ],
        &["thought", "leadership.capacity"],
    )
}

/// Audit entries the ledger part of [`seed_fixture`] writes.
const FIXTURE_LEDGER_ENTRIES: usize = 4;

/// What must be true of a seeded fixture after this build opened it; `seeded_at` is the
/// schema version of the build that seeded it (what it holds depends on it).
async fn check_fixture(s: &dyn Store, seeded_at: i64) {
    let ledger = if seeded_at >= 2 {
        FIXTURE_LEDGER_ENTRIES
    } else {
        0
    };
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    let regions = s.regions().await.unwrap();
    assert_eq!(
        regions.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["F-P", "F-A"]
    );
    assert_eq!(regions[1].path, vec![regions[0].id, regions[1].id]);
    let units = s.units(Some(regions[0].id)).await.unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].short_name, "市司法局");
    let user = s
        .user_by_login("fixture")
        .await
        .unwrap()
        .expect("the fixture account");
    assert_eq!(s.grants(user.id).await.unwrap().len(), 2);
    assert_eq!(
        s.api_token_user(FIXTURE_TOKEN).await.unwrap().unwrap().1.id,
        user.id
    );
    assert!(s.session(FIXTURE_SESSION, now()).await.unwrap().is_some());
    let uploads = s.uploads_of_unit(units[0].id, None).await.unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(s.upload_bytes(uploads[0].id).await.unwrap(), FIXTURE_BYTES);
    let detail = s.upload(uploads[0].id).await.unwrap();
    assert_eq!(detail.checked_json.as_deref(), Some(r#"{"findings":[]}"#));
    assert_eq!(
        detail.summary.published_at,
        Some(Utc.with_ymd_and_hms(2025, 3, 31, 8, 0, 0).unwrap())
    );
    assert_eq!(s.published_uploads(0, 10).await.unwrap().total, 1);
    let audit = s
        .audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 11 + ledger);
    assert_eq!(audit[0].action, "session.login_failed");
    assert_eq!(audit.last().unwrap().action, "region.create");
    assert_eq!(
        s.audit(&AuditFilter {
            region_id: Some(regions[1].id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        5 + ledger
    );
    let overview = s
        .unit_overview(&UnitOverviewQuery {
            region_id: regions[0].id,
            year: 2024,
            sort: UnitSort::Score,
            descending: false,
            search: None,
            offset: 0,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(overview.items[0].uploads, 1);
    // And it takes new writes.
    s.create_region(
        &admin(),
        &region(Some(&regions[1]), "F-B", "新区", RegionLevel::County),
    )
    .await
    .unwrap();
    s.create_upload(&admin(), &new_upload(&units[0], 2025, FIXTURE_BYTES))
        .await
        .unwrap();
    assert_eq!(s.units(None).await.unwrap().len(), 1);

    // Passwords (history from schema 3 on): a reset keeps the hash the account had and
    // revokes its token.
    s.set_password(
        &admin(),
        user.id,
        "$argon2id$after-upgrade",
        PasswordSet::Reset,
    )
    .await
    .unwrap();
    assert_eq!(
        s.password_history(user.id).await.unwrap(),
        vec![user.password_hash.clone()]
    );
    assert!(s.api_token_user(FIXTURE_TOKEN).await.unwrap().is_none());

    // The ledger: what the fixture holds (from schema 2 on), and new records either way.
    let q = LedgerQuery {
        unit_id: units[0].id,
        include_deleted: true,
        ..Default::default()
    };
    let rows = s.records(&q).await.unwrap().items;
    if seeded_at >= 2 {
        assert_eq!(rows.len(), 2);
        let live: Vec<_> = rows.iter().filter(|r| r.deleted_at.is_none()).collect();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].record.data, fixture_record());
        assert_eq!(live[0].attachments.len(), 1);
        let (att, bytes) = s.attachment(live[0].attachments[0].id).await.unwrap();
        assert_eq!(att.filename, "签到表.pdf");
        assert_eq!(bytes, FIXTURE_BYTES);
        assert_eq!(s.ledger_years(units[0].id).await.unwrap(), vec![2024]);
        let mut edited = fixture_record();
        edited.fields = study("2024-03-07", "升级后修改").fields;
        let after = s
            .update_record(&admin(), live[0].record.id, &edited, live[0].version)
            .await
            .unwrap();
        assert_eq!(after.version, live[0].version + 1);
    } else {
        assert!(rows.is_empty());
    }
    s.create_record(&admin(), units[0].id, &study("2025-01-02", "升级后新建"))
        .await
        .unwrap();
    assert_eq!(
        s.ledger_years(units[0].id).await.unwrap(),
        if seeded_at >= 2 {
            vec![2025, 2024]
        } else {
            vec![2025]
        }
    );
}

/// Loads a plain SQL dump into the empty database `t`.
async fn load_dump(t: &Target, sql: &str) {
    match t {
        Target::Sqlite(path) => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
            c.execute(sql).await.expect("load the SQLite fixture");
            c.close().await.unwrap();
        }
        Target::Pg(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            c.execute(sql).await.expect("load the PostgreSQL fixture");
            c.close().await.unwrap();
        }
    }
}

async fn upgrade_from_release_fixtures(fx: &Fx) {
    // The database file of this run, copied after open and reopened: it stays readable.
    if let Target::Sqlite(path) = &fx.target {
        seed_fixture(fx.s()).await;
        let copy = fx.dir().join("copied").join("fazhi.db");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        fx.backup_free_copy(path, &copy).await;
        let h = fx.open(&Target::Sqlite(copy)).await.unwrap();
        check_fixture(&*h.store(), SCHEMA_VERSION).await;
        h.store().close().await;
    }
    for dir in RELEASE_FIXTURES {
        let seeded_at: i64 = dir
            .trim_start_matches("schema-")
            .parse()
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        let file = fixtures_dir().join(dir).join(match fx.backend {
            Backend::Sqlite => "sqlite.sql",
            Backend::Postgres => "postgres.sql",
        });
        let sql =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let target = fx.new_target().await;
        load_dump(&target, &sql).await;
        let h = fx
            .open(&target)
            .await
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        check_fixture(&*h.store(), seeded_at).await;
        // The audit log of an upgraded database is still append-only.
        assert!(h.raw("DELETE FROM audit_log").await.is_err());
        h.store().close().await;
    }
}

impl Fx {
    /// Copies an SQLite database file as a file (checkpointing first, so the copy holds
    /// every commit without its WAL).
    async fn backup_free_copy(&self, from: &Path, to: &Path) {
        self.handle
            .raw("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Freezes this build's schema with seeded data as `tests/fixtures/schema-<SCHEMA_VERSION>/`.
/// Run by hand after a release (see the module documentation); needs `sqlite3` and, for the
/// PostgreSQL dump, `pg_dump` and `FAZHI_TEST_DATABASE_URL`.
#[tokio::test]
#[ignore]
async fn write_release_fixture() {
    let out = fixtures_dir().join(format!("schema-{SCHEMA_VERSION:04}"));
    std::fs::create_dir_all(&out).unwrap();

    let fx = Fx::new(Backend::Sqlite).await.unwrap();
    seed_fixture(fx.s()).await;
    let Target::Sqlite(path) = &fx.target else {
        unreachable!()
    };
    fx.handle
        .raw("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    let dump = std::process::Command::new("sqlite3")
        .arg(path)
        .arg(".dump")
        .output()
        .expect("run sqlite3");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    std::fs::write(out.join("sqlite.sql"), dump.stdout).unwrap();
    fx.teardown().await;

    if let Some(fx) = Fx::new(Backend::Postgres).await {
        seed_fixture(fx.s()).await;
        let Target::Pg(url) = &fx.target else {
            unreachable!()
        };
        let dump = std::process::Command::new("pg_dump")
            .args([
                "--inserts",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                url,
            ])
            .output()
            .expect("run pg_dump");
        assert!(
            dump.status.success(),
            "{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        // psql meta-commands (\restrict …) are not SQL.
        let text: String = String::from_utf8(dump.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('\\'))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(out.join("postgres.sql"), text).unwrap();
        fx.teardown().await;
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
