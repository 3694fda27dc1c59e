//! The PostgreSQL backend (a province's shared server).
//!
//! Every change runs in one transaction at the default `READ COMMITTED` level; uniqueness is
//! left to the database's constraints, whose violations become [`StoreError::Conflict`].

use crate::AdminStore;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow};
use std::path::Path;
use std::time::Duration;

type Db = sqlx::Postgres;
type DbRow = PgRow;
type DbConn = PgConnection;
type Me = PgStore;

/// Timestamps are `timestamptz`.
type DbTs = DateTime<Utc>;

fn enc_ts(t: Timestamp) -> DbTs {
    t
}

fn dec_ts(t: DbTs) -> StoreResult<Timestamp> {
    Ok(t)
}

/// Serializes changes to the organisation tree: a region's path is computed from its parent's,
/// and an import checks for cycles against the tree it read, so two such transactions must
/// not interleave (under `READ COMMITTED` they could). The lock conflicts with itself and with
/// row writes to `regions`, not with reads. Organisation changes are rare admin work.
async fn lock_org(c: &mut DbConn) -> StoreResult<()> {
    sqlx::query("LOCK TABLE regions IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(())
}

/// Appended to a `SELECT` of one row about to be changed: concurrent changes of the same row
/// wait for this transaction, so what it read as "before" is what it changes.
const LOCK_ROW: &str = " FOR UPDATE";

/// `col = ANY(ids)` with the whole set bound as one array parameter.
fn push_id_set(qb: &mut sqlx::QueryBuilder<'_, Db>, col: &str, ids: &[i64]) {
    qb.push(format!("{col} = ANY("))
        .push_bind(ids.to_vec())
        .push(")");
}

/// `n` new ids for `ledger_records` from its identity sequence, for a multi-row insert with
/// explicit ids.
async fn reserve_record_ids(c: &mut DbConn, n: usize) -> StoreResult<Vec<i64>> {
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
    pool: PgPool,
}

/// Connects to a `postgres://…` URL and migrates the database.
pub async fn open_postgres(url: &str) -> StoreResult<PgStore> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(30))
        .connect(url)
        .await
        .map_err(|e| StoreError::Backend(format!("无法连接 PostgreSQL：{e}")))?;
    check_not_too_new(&pool).await?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(crate::util::migrate_err)?;
    Ok(PgStore { pool })
}

impl PgStore {
    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Db>> {
        self.pool.begin().await.map_err(db)
    }

    /// Runs raw SQL outside the store's rules. For tests only (e.g. to show that the audit
    /// log refuses an `UPDATE`).
    #[doc(hidden)]
    pub async fn raw_execute(&self, sql: &str) -> StoreResult<u64> {
        Ok(sqlx::raw_sql(sql)
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected())
    }

    /// Runs a raw query answering one integer (a count, a version). For tests only.
    #[doc(hidden)]
    pub async fn raw_scalar(&self, sql: &str) -> StoreResult<i64> {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }
}

#[async_trait]
impl AdminStore for PgStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        schema_version_of(&self.pool).await
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn backup_to(&self, _dest: &Path) -> StoreResult<()> {
        Err(StoreError::Unsupported(PG_BACKUP_HINT.to_string()))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

include!("shared.rs");
