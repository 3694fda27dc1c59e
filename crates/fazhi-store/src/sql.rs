//! One SQL text for both backends.
//!
//! The capability modules (`org`, `users`, `sessions`, `audit`, `uploads`, `ledger`) are
//! written once against this small layer instead of against `sqlx::Database` generics (which
//! would need a wall of higher-ranked bounds on every function) or a textual inclusion of
//! one file per backend (which compiled everything twice). It mirrors the part of sqlx's API the store
//! uses — [`query`], [`query_scalar`], [`QueryBuilder`], `fetch_one` / `fetch_optional` /
//! `fetch_all` / `execute` — and dispatches to the concrete sqlx driver when a statement runs.
//! Bound values are converted to [`Val`], the handful of column types the schema has, which
//! also decides how a timestamp is kept: fixed-width UTC text in SQLite (so text order is time
//! order), `timestamptz` in PostgreSQL.
//!
//! The SQL is the common dialect of both: `$n` parameters (SQLite reads them too),
//! `RETURNING`, `ON CONFLICT DO NOTHING`, window functions, and ranges instead of `LIKE` for
//! prefixes (paths and action keys), so that both sort and compare text in code point order.
//! What differs (locks, id sets, id reservation, the migrations table) is asked of
//! [`DbConn`] / [`DbPool`] and answered by `sqlite.rs` or `postgres.rs`.

use crate::util::db;
use crate::{StoreError, StoreResult, Timestamp};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::ledger::RecordId;
use fazhi_domain::{
    AttachmentId, AuditId, CommentId, GrantId, NotificationId, RegionId, ReportId, TokenId, UnitId,
    UploadId, UserId, VersionId,
};
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::types::Json;
use sqlx::{Decode, Postgres, Row, Sqlite, Transaction, Type};
use std::borrow::Cow;

/// Rows per multi-row `INSERT` (well under both backends' limits on parameters).
pub(crate) const BATCH_ROWS: usize = 500;

/// Which backend a pool or connection belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Sqlite,
    Postgres,
}

/// A connection pool of either backend.
#[derive(Debug, Clone)]
pub enum DbPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl DbPool {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            DbPool::Sqlite(_) => Kind::Sqlite,
            DbPool::Postgres(_) => Kind::Postgres,
        }
    }

    /// One connection of the pool, for several reads in a row.
    pub(crate) async fn acquire(&self) -> Result<DbConn, sqlx::Error> {
        Ok(match self {
            DbPool::Sqlite(p) => DbConn::Sqlite(Hold::Pooled(p.acquire().await?)),
            DbPool::Postgres(p) => DbConn::Postgres(Hold::Pooled(p.acquire().await?)),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            DbPool::Sqlite(p) => p.close().await,
            DbPool::Postgres(p) => p.close().await,
        }
    }
}

/// A transaction, or a plain connection taken from a pool.
pub enum Hold<DB: sqlx::Database> {
    Tx(Transaction<'static, DB>),
    Pooled(PoolConnection<DB>),
}

impl<DB: sqlx::Database> Hold<DB> {
    fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Hold::Tx(t) => t,
            Hold::Pooled(p) => p,
        }
    }

    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Hold::Tx(t) => t.commit().await,
            Hold::Pooled(_) => Ok(()),
        }
    }
}

/// A connection of either backend: every change runs in one ([`crate::backend::Db::begin_write`]),
/// rolled back when dropped without [`DbConn::commit`].
pub enum DbConn {
    Sqlite(Hold<Sqlite>),
    Postgres(Hold<Postgres>),
}

impl DbConn {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            DbConn::Sqlite(_) => Kind::Sqlite,
            DbConn::Postgres(_) => Kind::Postgres,
        }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            DbConn::Sqlite(h) => h.commit().await,
            DbConn::Postgres(h) => h.commit().await,
        }
    }

    /// Appended to a `SELECT` of one row about to be changed (see `LOCK_ROW` of each backend).
    pub(crate) fn lock_row(&self) -> &'static str {
        match self.kind() {
            Kind::Sqlite => crate::sqlite::LOCK_ROW,
            Kind::Postgres => crate::postgres::LOCK_ROW,
        }
    }

    /// Serializes changes to the organisation tree (see `lock_org` of each backend).
    pub(crate) async fn lock_org(&mut self) -> StoreResult<()> {
        match self {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Postgres(h) => crate::postgres::lock_org(h.conn()).await,
        }
    }

    /// `n` new ids for `ledger_records`, for a multi-row insert with explicit ids.
    pub(crate) async fn reserve_record_ids(&mut self, n: usize) -> StoreResult<Vec<RecordId>> {
        let ids = match self {
            DbConn::Sqlite(h) => crate::sqlite::reserve_record_ids(h.conn(), n).await,
            DbConn::Postgres(h) => crate::postgres::reserve_record_ids(h.conn(), n).await,
        }?;
        Ok(ids.into_iter().map(RecordId).collect())
    }
}

/// Where a statement runs: a pool (reads) or a connection (a transaction).
pub(crate) enum Exec<'e> {
    SqlitePool(&'e SqlitePool),
    Sqlite(&'e mut SqliteConnection),
    PgPool(&'e PgPool),
    Pg(&'e mut PgConnection),
}

/// What statements run on: `&DbPool` or `&mut DbConn`.
pub(crate) trait Executor<'e>: Send {
    fn exec(self) -> Exec<'e>;
}

impl<'e> Executor<'e> for &'e DbPool {
    fn exec(self) -> Exec<'e> {
        match self {
            DbPool::Sqlite(p) => Exec::SqlitePool(p),
            DbPool::Postgres(p) => Exec::PgPool(p),
        }
    }
}

impl<'e> Executor<'e> for &'e mut DbConn {
    fn exec(self) -> Exec<'e> {
        match self {
            DbConn::Sqlite(h) => Exec::Sqlite(h.conn()),
            DbConn::Postgres(h) => Exec::Pg(h.conn()),
        }
    }
}

/// A row of either backend.
pub(crate) enum DbRow {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// A column type both backends decode.
pub(crate) trait Col:
    Sized
    + Send
    + for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
{
}

impl<T> Col for T where
    T: Send
        + for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
{
}

impl DbRow {
    pub(crate) fn try_get<T: Col>(&self, name: &str) -> Result<T, sqlx::Error> {
        match self {
            DbRow::Sqlite(r) => r.try_get(name),
            DbRow::Postgres(r) => r.try_get(name),
        }
    }

    fn first<T: Col>(&self) -> Result<T, sqlx::Error> {
        match self {
            DbRow::Sqlite(r) => r.try_get(0),
            DbRow::Postgres(r) => r.try_get(0),
        }
    }

    /// A timestamp column that is never `NULL`.
    pub(crate) fn ts(&self, name: &str) -> StoreResult<Timestamp> {
        match self {
            DbRow::Sqlite(r) => parse_ts(r.try_get(name).map_err(db)?),
            DbRow::Postgres(r) => r.try_get(name).map_err(db),
        }
    }

    /// A timestamp column (`NULL` answers `None`).
    pub(crate) fn ts_opt(&self, name: &str) -> StoreResult<Option<Timestamp>> {
        match self {
            DbRow::Sqlite(r) => r
                .try_get::<Option<String>, _>(name)
                .map_err(db)?
                .map(parse_ts)
                .transpose(),
            DbRow::Postgres(r) => r.try_get(name).map_err(db),
        }
    }
}

/// Timestamps in SQLite: fixed-width UTC text, so text order is time order.
const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

fn parse_ts(s: String) -> StoreResult<Timestamp> {
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Backend(format!("时间格式无效：{s}（{e}）")))
}

/// A bound value: one of the column types of the schema.
pub(crate) enum Val<'q> {
    I64(Option<i64>),
    I32(Option<i32>),
    Bool(Option<bool>),
    Text(Option<Cow<'q, str>>),
    Bytes(Option<Vec<u8>>),
    BytesRef(Option<&'q [u8]>),
    Json(Option<Value>),
    Ts(Option<Timestamp>),
    Date(Option<NaiveDate>),
    /// A set of ids: a JSON array in SQLite (`json_each`), an array in PostgreSQL (`ANY`).
    Ids(Vec<i64>),
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;
type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

impl<'q> Val<'q> {
    fn bind_sqlite(self, q: SqliteQuery<'q>) -> SqliteQuery<'q> {
        match self {
            Val::I64(v) => q.bind(v),
            Val::I32(v) => q.bind(v),
            Val::Bool(v) => q.bind(v),
            Val::Text(v) => q.bind(v),
            Val::Bytes(v) => q.bind(v),
            Val::BytesRef(v) => q.bind(v),
            Val::Json(v) => q.bind(v.map(Json)),
            Val::Ts(v) => q.bind(v.map(|t| t.format(TS_FORMAT).to_string())),
            Val::Date(v) => q.bind(v),
            Val::Ids(ids) => q.bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
        }
    }

    fn bind_pg(self, q: PgQuery<'q>) -> PgQuery<'q> {
        match self {
            Val::I64(v) => q.bind(v),
            Val::I32(v) => q.bind(v),
            Val::Bool(v) => q.bind(v),
            Val::Text(v) => q.bind(v),
            Val::Bytes(v) => q.bind(v),
            Val::BytesRef(v) => q.bind(v),
            Val::Json(v) => q.bind(v.map(Json)),
            Val::Ts(v) => q.bind(v),
            Val::Date(v) => q.bind(v),
            Val::Ids(ids) => q.bind(ids),
        }
    }
}

/// A Rust value that binds as a [`Val`].
pub(crate) trait IntoVal<'q> {
    fn into_val(self) -> Val<'q>;
}

macro_rules! into_val {
    ($($t:ty => $variant:ident($conv:expr)),* $(,)?) => {$(
        impl<'q> IntoVal<'q> for $t {
            fn into_val(self) -> Val<'q> {
                Val::$variant(Some(($conv)(self)))
            }
        }
        impl<'q> IntoVal<'q> for Option<$t> {
            fn into_val(self) -> Val<'q> {
                Val::$variant(self.map($conv))
            }
        }
    )*};
}

into_val! {
    i64 => I64(|v| v),
    i32 => I32(|v| v),
    bool => Bool(|v| v),
    String => Text(Cow::Owned),
    &'q str => Text(Cow::Borrowed),
    &'q String => Text(|s: &'q String| Cow::Borrowed(s.as_str())),
    Vec<u8> => Bytes(|v| v),
    &'q [u8] => BytesRef(|v| v),
    &'q Vec<u8> => BytesRef(|s: &'q Vec<u8>| s.as_slice()),
    Json<Value> => Json(|j: Json<Value>| j.0),
    Timestamp => Ts(|t| t),
    NaiveDate => Date(|d| d),
}

/// An id column: the domain's id types are `BIGINT` in both schemas, read as `i64` and
/// wrapped (sqlx's traits cannot be implemented here for the domain's types).
pub(crate) trait IdCol: Sized {
    type Raw: Col;
    fn from_raw(raw: Self::Raw) -> Self;
}

macro_rules! id_cols {
    ($($t:ident),*) => {$(
        impl<'q> IntoVal<'q> for $t {
            fn into_val(self) -> Val<'q> {
                Val::I64(Some(self.0))
            }
        }
        impl<'q> IntoVal<'q> for Option<$t> {
            fn into_val(self) -> Val<'q> {
                Val::I64(self.map(|v| v.0))
            }
        }
        impl IdCol for $t {
            type Raw = i64;
            fn from_raw(raw: i64) -> Self {
                $t(raw)
            }
        }
        impl IdCol for Option<$t> {
            type Raw = Option<i64>;
            fn from_raw(raw: Option<i64>) -> Self {
                raw.map($t)
            }
        }
    )*};
}

id_cols!(
    RegionId,
    UnitId,
    UserId,
    RecordId,
    UploadId,
    AuditId,
    GrantId,
    TokenId,
    AttachmentId,
    ReportId,
    VersionId,
    CommentId,
    NotificationId
);

/// A statement with its bound values, run by `execute` or a `fetch_*`.
pub(crate) struct Query<'q> {
    sql: Cow<'q, str>,
    args: Vec<Val<'q>>,
    /// Where [`QueryBuilder::push_bind`] wrote its `$n` (byte offset, length), in order; empty
    /// for a hand-written text. See [`sqlite_text`].
    marks: Vec<(usize, usize)>,
}

/// The text SQLite runs: a builder's `$1 … $n` (each once, in order) become plain `?`.
///
/// Why: sqlx binds SQLite parameters by asking `sqlite3_bind_parameter_name` for each one,
/// and SQLite finds a numbered name by walking its list of names, so a statement with `$n`
/// placeholders costs O(n²) to bind. A 500-row insert of 15 columns (7,500 parameters) spent
/// 57 % of the ledger import's time there (`perf`, 4.2 s against 1.0 s with `?`). Nameless `?`
/// are bound by position without the walk. Hand-written texts keep their `$n` (they may use
/// one twice, and have a handful).
fn sqlite_text<'s>(sql: &'s str, marks: &[(usize, usize)]) -> Cow<'s, str> {
    if marks.is_empty() {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for &(start, len) in marks {
        out.push_str(&sql[at..start]);
        out.push('?');
        at = start + len;
    }
    out.push_str(&sql[at..]);
    Cow::Owned(out)
}

/// The outcome of `execute`.
pub(crate) struct Done(u64);

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.0
    }
}

pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql: Cow::Borrowed(sql),
        args: Vec::new(),
        marks: Vec::new(),
    }
}

/// Runs `$body` with `$q` the statement built for the executor's backend and `$e` the
/// concrete executor.
macro_rules! on_backend {
    ($self:ident, $exec:expr, |$q:ident, $e:ident| $body:expr) => {{
        let Query { sql, args, marks } = $self;
        // The four arms differ in the executor's type, so each binds on its own.
        macro_rules! bound {
            ($text:expr, $bind:ident) => {
                args.into_iter().fold(sqlx::query($text), |q, v| v.$bind(q))
            };
        }
        match $exec.exec() {
            Exec::SqlitePool($e) => {
                let text = sqlite_text(&sql, &marks);
                let $q = bound!(&text, bind_sqlite);
                $body
            }
            Exec::Sqlite($e) => {
                let text = sqlite_text(&sql, &marks);
                let $q = bound!(&text, bind_sqlite);
                $body
            }
            Exec::PgPool($e) => {
                let $q = bound!(&sql, bind_pg);
                $body
            }
            Exec::Pg($e) => {
                let $q = bound!(&sql, bind_pg);
                $body
            }
        }
    }};
}

/// Wraps a row of either backend.
trait IntoDbRow {
    fn into_db_row(self) -> DbRow;
}

impl IntoDbRow for SqliteRow {
    fn into_db_row(self) -> DbRow {
        DbRow::Sqlite(self)
    }
}

impl IntoDbRow for PgRow {
    fn into_db_row(self) -> DbRow {
        DbRow::Postgres(self)
    }
}

impl<'q> Query<'q> {
    pub(crate) fn bind(mut self, v: impl IntoVal<'q>) -> Self {
        self.args.push(v.into_val());
        self
    }

    pub(crate) async fn execute<'e>(self, e: impl Executor<'e>) -> Result<Done, sqlx::Error> {
        on_backend!(self, e, |q, e| Ok(Done(
            q.execute(e).await?.rows_affected()
        )))
    }

    pub(crate) async fn fetch_all<'e>(
        self,
        e: impl Executor<'e>,
    ) -> Result<Vec<DbRow>, sqlx::Error> {
        on_backend!(self, e, |q, e| Ok(q
            .fetch_all(e)
            .await?
            .into_iter()
            .map(IntoDbRow::into_db_row)
            .collect()))
    }

    pub(crate) async fn fetch_optional<'e>(
        self,
        e: impl Executor<'e>,
    ) -> Result<Option<DbRow>, sqlx::Error> {
        on_backend!(self, e, |q, e| Ok(q
            .fetch_optional(e)
            .await?
            .map(IntoDbRow::into_db_row)))
    }

    pub(crate) async fn fetch_one<'e>(self, e: impl Executor<'e>) -> Result<DbRow, sqlx::Error> {
        self.fetch_optional(e)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Every row, each turned into a value by `map` (a `rows.rs` mapper).
    pub(crate) async fn fetch_all_mapped<'e, T>(
        self,
        e: impl Executor<'e>,
        map: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.fetch_all(e)
            .await
            .map_err(db)?
            .iter()
            .map(map)
            .collect()
    }

    /// The row if there is one, turned into a value by `map` (a `rows.rs` mapper).
    pub(crate) async fn fetch_optional_mapped<'e, T>(
        self,
        e: impl Executor<'e>,
        map: impl Fn(&DbRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        self.fetch_optional(e)
            .await
            .map_err(db)?
            .as_ref()
            .map(map)
            .transpose()
    }
}

/// A statement answering one column per row.
pub(crate) struct QueryScalar<'q, T> {
    inner: Query<'q>,
    out: std::marker::PhantomData<fn() -> T>,
}

pub(crate) fn query_scalar<T: Col>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar {
        inner: query(sql),
        out: std::marker::PhantomData,
    }
}

impl<'q, T: Col> QueryScalar<'q, T> {
    pub(crate) fn bind(mut self, v: impl IntoVal<'q>) -> Self {
        self.inner = self.inner.bind(v);
        self
    }

    pub(crate) async fn fetch_all<'e>(self, e: impl Executor<'e>) -> Result<Vec<T>, sqlx::Error> {
        self.inner
            .fetch_all(e)
            .await?
            .iter()
            .map(DbRow::first)
            .collect()
    }

    pub(crate) async fn fetch_optional<'e>(
        self,
        e: impl Executor<'e>,
    ) -> Result<Option<T>, sqlx::Error> {
        self.inner
            .fetch_optional(e)
            .await?
            .as_ref()
            .map(DbRow::first)
            .transpose()
    }

    pub(crate) async fn fetch_one<'e>(self, e: impl Executor<'e>) -> Result<T, sqlx::Error> {
        self.inner.fetch_one(e).await?.first()
    }
}

/// Builds a statement piece by piece, numbering the parameters (`$1`, `$2` …).
pub(crate) struct QueryBuilder<'q> {
    sql: String,
    args: Vec<Val<'q>>,
    marks: Vec<(usize, usize)>,
}

impl<'q> QueryBuilder<'q> {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            args: Vec::new(),
            marks: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, sql: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.sql, "{sql}");
        self
    }

    pub(crate) fn push_bind(&mut self, v: impl IntoVal<'q>) -> &mut Self {
        self.args.push(v.into_val());
        let n = self.args.len();
        let start = self.sql.len();
        self.push(format_args!("${n}"));
        self.marks.push((start, self.sql.len() - start));
        self
    }

    /// `VALUES (…), (…)`: one parenthesised, comma-separated tuple per item.
    pub(crate) fn push_values<I, F>(&mut self, items: I, mut each: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(Separated<'_, 'q>, I::Item),
    {
        self.push("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            each(
                Separated {
                    qb: self,
                    first: true,
                },
                item,
            );
            self.push(")");
        }
        self
    }

    /// `col` is one of `ids`, bound as one parameter whatever the set's size (a figure's
    /// thousands of records): `json_each` in SQLite, `ANY` in PostgreSQL.
    pub(crate) fn push_id_set(&mut self, kind: Kind, col: &str, ids: &[RecordId]) -> &mut Self {
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        match kind {
            Kind::Sqlite => {
                self.push(format_args!("{col} IN (SELECT value FROM json_each("));
                self.push_bind(Val::Ids(ids)).push("))")
            }
            Kind::Postgres => {
                self.push(format_args!("{col} = ANY("));
                self.push_bind(Val::Ids(ids)).push(")")
            }
        }
    }

    pub(crate) fn build(&mut self) -> Query<'_> {
        Query {
            sql: Cow::Borrowed(&self.sql),
            args: std::mem::take(&mut self.args),
            marks: std::mem::take(&mut self.marks),
        }
    }

    pub(crate) fn build_query_scalar<T: Col>(&mut self) -> QueryScalar<'_, T> {
        QueryScalar {
            inner: self.build(),
            out: std::marker::PhantomData,
        }
    }
}

impl<'q> IntoVal<'q> for &'q Option<String> {
    fn into_val(self) -> Val<'q> {
        Val::Text(self.as_deref().map(Cow::Borrowed))
    }
}

impl<'q> IntoVal<'q> for Val<'q> {
    fn into_val(self) -> Val<'q> {
        self
    }
}

/// The values of one tuple of [`QueryBuilder::push_values`], separated by commas.
pub(crate) struct Separated<'b, 'q> {
    qb: &'b mut QueryBuilder<'q>,
    first: bool,
}

impl<'q> Separated<'_, 'q> {
    pub(crate) fn push_bind(&mut self, v: impl IntoVal<'q>) -> &mut Self {
        if !self.first {
            self.qb.push(", ");
        }
        self.first = false;
        self.qb.push_bind(v);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builders_placeholders_become_positional_for_sqlite_only() {
        let mut qb = QueryBuilder::new("INSERT INTO t (a, b) ");
        qb.push_values(
            [(1i64, "x"), (2, "$1 stays: it is text")],
            |mut b, (n, s)| {
                b.push_bind(n).push_bind(s);
            },
        );
        qb.push(" RETURNING '$9'");
        let Query { sql, marks, args } = qb.build();
        assert_eq!(args.len(), 4);
        assert_eq!(
            sql,
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING '$9'"
        );
        assert_eq!(
            sqlite_text(&sql, &marks),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING '$9'"
        );
        // A hand-written text is left as written.
        assert_eq!(sqlite_text("SELECT $1, $1", &[]), "SELECT $1, $1");
    }
}
