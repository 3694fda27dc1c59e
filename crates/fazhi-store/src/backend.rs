//! What the capability modules ask of a store: its read pool and a write transaction. Both
//! [`crate::SqliteStore`] and [`crate::PgStore`] hold a [`Db`]; every capability trait is
//! implemented once for any [`Backend`].

use crate::sql::{query_scalar, DbConn, DbPool, Hold};
use crate::util::db;
use crate::{StoreError, StoreResult, SCHEMA_VERSION};
use std::future::Future;

/// The pools of a store.
#[derive(Debug, Clone)]
pub struct Db {
    reader: DbPool,
    writer: DbPool,
}

impl Db {
    /// `reader` serves reads, `writer` every change (the same pool in PostgreSQL).
    pub(crate) fn new(reader: DbPool, writer: DbPool) -> Self {
        Self { reader, writer }
    }

    pub(crate) fn reader(&self) -> &DbPool {
        &self.reader
    }

    /// A write transaction (SQLite: begun `IMMEDIATE`, holding the write lock from its first
    /// statement).
    pub(crate) async fn begin_write(&self) -> StoreResult<DbConn> {
        Ok(match &self.writer {
            DbPool::Sqlite(p) => {
                DbConn::Sqlite(Hold::Tx(p.begin_with("BEGIN IMMEDIATE").await.map_err(db)?))
            }
            DbPool::Postgres(p) => DbConn::Postgres(Hold::Tx(p.begin().await.map_err(db)?)),
        })
    }

    /// Raw SQL on the write pool, outside the store's rules (the `test-hooks` feature).
    #[cfg(feature = "test-hooks")]
    pub async fn raw_execute(&self, sql: &str) -> StoreResult<u64> {
        Ok(match &self.writer {
            DbPool::Sqlite(p) => sqlx::raw_sql(sql)
                .execute(p)
                .await
                .map_err(db)?
                .rows_affected(),
            DbPool::Postgres(p) => sqlx::raw_sql(sql)
                .execute(p)
                .await
                .map_err(db)?
                .rows_affected(),
        })
    }

    /// A raw query answering one integer, on the write pool (the `test-hooks` feature).
    #[cfg(feature = "test-hooks")]
    pub async fn raw_scalar(&self, sql: &str) -> StoreResult<i64> {
        query_scalar(sql).fetch_one(&self.writer).await.map_err(db)
    }

    pub(crate) async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// A store with its pools. Sealed: implemented by the two backends only.
pub trait Backend: Send + Sync {
    #[doc(hidden)]
    fn db(&self) -> &Db;

    #[doc(hidden)]
    fn reader(&self) -> &DbPool {
        self.db().reader()
    }

    #[doc(hidden)]
    fn begin_write(&self) -> impl Future<Output = StoreResult<DbConn>> + Send {
        self.db().begin_write()
    }
}

/// Refuses a database migrated by a newer program, before the migrator touches it.
/// `migrations_table_exists` is the backend's SQL answering whether sqlx's table exists.
pub(crate) async fn check_not_too_new(
    pool: &DbPool,
    migrations_table_exists: &str,
) -> StoreResult<()> {
    let exists: bool = query_scalar(migrations_table_exists)
        .fetch_one(pool)
        .await
        .map_err(db)?;
    if !exists {
        return Ok(());
    }
    let found = schema_version_of(pool).await?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

pub(crate) async fn schema_version_of(pool: &DbPool) -> StoreResult<i64> {
    let v: Option<i64> = query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .map_err(db)?;
    Ok(v.unwrap_or(0))
}
