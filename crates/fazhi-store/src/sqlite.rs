//! The embedded backend: one SQLite file in WAL mode.
//!
//! Writes go through a pool of exactly one connection and begin `IMMEDIATE`, so a write
//! transaction holds the write lock from its first statement (no upgrade deadlocks, no
//! `SQLITE_BUSY` half-way through) and writers in this process queue in the pool rather than
//! spin on the busy timeout. Reads use a separate pool of several connections that see the
//! last committed state (WAL readers never block the writer, nor it them).
//! `synchronous=FULL` syncs the WAL at every commit: an acknowledged change survives a crash
//! of the process or the machine.

use crate::backend::{check_not_too_new, schema_version_of, Backend, Db};
use crate::sql::DbPool;
use crate::util::db;
use crate::{AdminStore, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Appended to a `SELECT` of one row about to be changed. Nothing here: the transaction
/// already holds the database's write lock (every write transaction begins `IMMEDIATE`, which
/// also serializes changes to the organisation tree).
pub(crate) const LOCK_ROW: &str = "";

/// `n` new ids for `ledger_records`, for a multi-row insert with explicit ids. The write
/// transaction holds the database's write lock, so the ids above the highest ever used
/// (AUTOINCREMENT's `sqlite_sequence`, which the insert then raises) are free.
pub(crate) async fn reserve_record_ids(
    c: &mut SqliteConnection,
    n: usize,
) -> StoreResult<Vec<i64>> {
    let base: i64 = sqlx::query_scalar(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'ledger_records'), 0), \
         COALESCE((SELECT MAX(id) FROM ledger_records), 0))",
    )
    .fetch_one(&mut *c)
    .await
    .map_err(db)?;
    Ok((1..=n as i64).map(|i| base + i).collect())
}

const MIGRATIONS_TABLE_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM sqlite_master \
     WHERE type = 'table' AND name = '_sqlx_migrations')";

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// Waiting for another process's write lock (the CLI, a backup) gives up after this long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite store. Cheap to share behind an `Arc`; [`AdminStore::close`] closes both pools.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    db: Db,
}

/// Opens (creating the file and its directory when missing) and migrates an SQLite database.
pub async fn open_sqlite(path: &Path) -> StoreResult<SqliteStore> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await.map_err(|e| {
            StoreError::Backend(format!("无法创建数据库目录 {}：{e}", dir.display()))
        })?;
    }
    let base = SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        // Keep the writer's connection open for the life of the store: WAL's shared-memory
        // index stays in place for the readers, and no write pays for a reconnect.
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(
            base.clone()
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .optimize_on_close(true, None),
        )
        .await
        .map_err(|e| StoreError::Backend(format!("无法打开数据库 {}：{e}", path.display())))?;
    check_not_too_new(&DbPool::Sqlite(writer.clone()), MIGRATIONS_TABLE_EXISTS).await?;
    MIGRATOR
        .run(&writer)
        .await
        .map_err(crate::util::migrate_err)?;
    let readers = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .clamp(4, 16);
    let reader = SqlitePoolOptions::new()
        .max_connections(readers as u32)
        .connect_with(base)
        .await
        .map_err(|e| StoreError::Backend(format!("无法打开数据库 {}：{e}", path.display())))?;
    Ok(SqliteStore {
        path: path.to_path_buf(),
        db: Db::new(DbPool::Sqlite(reader), DbPool::Sqlite(writer)),
    })
}

impl Backend for SqliteStore {
    fn db(&self) -> &Db {
        &self.db
    }
}

impl SqliteStore {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database under the store, for raw SQL outside the store's rules. For tests only
    /// (e.g. to show that the audit log refuses an `UPDATE`).
    #[cfg(feature = "test-hooks")]
    pub fn raw_db(&self) -> &Db {
        &self.db
    }
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        schema_version_of(self.db.reader()).await
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if tokio::fs::try_exists(dest).await.unwrap_or(true) {
            return Err(StoreError::Invalid(format!(
                "备份文件已存在：{}",
                dest.display()
            )));
        }
        let Some(dest_text) = dest.to_str() else {
            return Err(StoreError::Invalid(format!(
                "备份路径无法使用：{}",
                dest.display()
            )));
        };
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir).await.map_err(|e| {
                StoreError::Backend(format!("无法创建备份目录 {}：{e}", dir.display()))
            })?;
        }
        // A read transaction's snapshot, written page by page into a new file: consistent,
        // and writers carry on meanwhile.
        sqlx::query("VACUUM INTO $1")
            .bind(dest_text)
            .execute(match self.db.reader() {
                DbPool::Sqlite(p) => p,
                DbPool::Postgres(_) => unreachable!("an SQLite store has SQLite pools"),
            })
            .await
            .map_err(|e| StoreError::Backend(format!("备份失败：{e}")))?;
        Ok(())
    }

    async fn close(&self) {
        self.db.close().await;
    }
}
