//! The PostgreSQL backend (a province's shared server).
//!
//! Every change runs in one transaction at the default `READ COMMITTED` level; uniqueness is
//! left to the database's constraints, whose violations become [`StoreError::Conflict`].

use crate::backend::{check_not_too_new, schema_version_of, Backend, Db};
use crate::sql::DbPool;
use crate::util::db;
use crate::{AdminStore, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::postgres::{PgConnection, PgPoolOptions};
use std::path::Path;
use std::time::Duration;

/// Serializes changes to the organisation tree: a region's path is computed from its parent's,
/// and an import checks for cycles against the tree it read, so two such transactions must
/// not interleave (under `READ COMMITTED` they could). The lock conflicts with itself and with
/// row writes to `regions`, not with reads. Organisation changes are rare admin work.
pub(crate) async fn lock_org(c: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("LOCK TABLE regions IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(())
}

/// Appended to a `SELECT` of one row about to be changed: concurrent changes of the same row
/// wait for this transaction, so what it read as "before" is what it changes.
pub(crate) const LOCK_ROW: &str = " FOR UPDATE";

/// `n` new ids for `ledger_records` from its identity sequence, for a multi-row insert with
/// explicit ids.
pub(crate) async fn reserve_record_ids(c: &mut PgConnection, n: usize) -> StoreResult<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('ledger_records', 'id')) \
         FROM generate_series(1, $1)",
    )
    .bind(n as i64)
    .fetch_all(&mut *c)
    .await
    .map_err(db)
}

const MIGRATIONS_TABLE_EXISTS: &str = "SELECT to_regclass('_sqlx_migrations') IS NOT NULL";

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// What `backup_to` answers: PostgreSQL is backed up with its own tool.
pub const PG_BACKUP_HINT: &str =
    "PostgreSQL 请使用 pg_dump 备份：pg_dump --format=custom --file=fazhi.dump <数据库URL>";

/// The PostgreSQL store. Cheap to share behind an `Arc`.
#[derive(Debug, Clone)]
pub struct PgStore {
    db: Db,
}

/// Connects to a `postgres://…` URL and migrates the database.
pub async fn open_postgres(url: &str) -> StoreResult<PgStore> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(30))
        .connect(url)
        .await
        .map_err(|e| StoreError::Backend(format!("无法连接 PostgreSQL：{e}")))?;
    check_not_too_new(&DbPool::Postgres(pool.clone()), MIGRATIONS_TABLE_EXISTS).await?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(crate::util::migrate_err)?;
    let shared = DbPool::Postgres(pool);
    Ok(PgStore {
        db: Db::new(shared.clone(), shared),
    })
}

impl Backend for PgStore {
    fn db(&self) -> &Db {
        &self.db
    }
}

impl PgStore {
    /// The database under the store, for raw SQL outside the store's rules. For tests only
    /// (e.g. to show that the audit log refuses an `UPDATE`).
    #[cfg(feature = "test-hooks")]
    pub fn raw_db(&self) -> &Db {
        &self.db
    }
}

#[async_trait]
impl AdminStore for PgStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        schema_version_of(self.db.reader()).await
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn backup_to(&self, _dest: &Path) -> StoreResult<()> {
        Err(StoreError::Unsupported(PG_BACKUP_HINT.to_string()))
    }

    async fn close(&self) {
        self.db.close().await;
    }
}
