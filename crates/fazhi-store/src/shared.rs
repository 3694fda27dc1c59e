// The store's behaviour, written once and compiled once per backend: `sqlite.rs` and
// `postgres.rs` each `include!` this file after defining, in their own module,
//
// - `Db`, `DbRow`, `DbConn`: the sqlx database, row and connection types;
// - `DbTs` with `enc_ts(Timestamp) -> DbTs` and `dec_ts(DbTs) -> StoreResult<Timestamp>`:
//   how a timestamp is kept (fixed-width UTC text in SQLite, `timestamptz` in PostgreSQL);
// - `Me`, the store type, with `fn reader(&self) -> &sqlx::Pool<Db>` (reads) and
//   `async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Db>>` (every change);
// - `MIGRATIONS_TABLE_EXISTS`: SQL answering whether sqlx's `_sqlx_migrations` table exists;
// - `lock_org(&mut DbConn)`: serializes transactions that change the organisation tree;
// - `LOCK_ROW`: appended to the `SELECT` of a row about to be changed (`FOR UPDATE` or "");
// - `push_id_set(&mut QueryBuilder<Db>, col, &[i64])`: `col` is one of a set of ids, bound
//   as one parameter whatever its size.
//
// The SQL below is the common dialect of both: `$n` parameters (SQLite reads them too),
// `RETURNING`, `ON CONFLICT DO NOTHING`, window functions, and ranges instead of `LIKE` for
// prefixes (paths and action keys), so that both sort and compare text in code point order.
// Generic code over `sqlx::Database` would need a wall of higher-ranked bounds; a textual
// include keeps one body with concrete types.

use crate::util::{
    common_placement, db, dec_json, kind_from_key, level_from_key, like_escape, now,
    path_from_text, path_to_text, prefix_upper, role_from_key, sha256_hex, status_from_key,
    status_key, subtree_range, to_json, unique_or,
};
use crate::Actor;
use crate::{
    ApiToken, AuditEntry, AuditFilter, AuditStore, ImportSummary, NewRegion, NewUnit, NewUpload,
    NewUser, OrgRow, OrgStore, Page, PasswordSet, Region, ReportStore, RoleGrant, RowError,
    Session, SessionStore, StoreError, StoreResult, Timestamp, Unit, UnitOverviewQuery,
    UnitOverviewRow, UnitSort, UploadDetail, UploadId, UploadSummary, User, UserStore,
    PASSWORD_HISTORY, SCHEMA_VERSION,
};
use crate::{Attachment, LedgerQuery, LedgerRow, LedgerStore, MAX_ATTACHMENT_BYTES};
use async_trait::async_trait;
use chrono::NaiveDate;
use fazhi_domain::ledger::{Fields, Record, RecordData, RecordId, RecordKind};
use fazhi_domain::{Grant, Node, Placement, RegionId, RegionLevel, UnitId, UnitKind, UserId};
use serde_json::{json, Value};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

/// Reads one column, mapping a decoding failure to a backend error.
fn col<'r, T>(row: &'r DbRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(name).map_err(db)
}

fn col_ts(row: &DbRow, name: &str) -> StoreResult<Timestamp> {
    dec_ts(col::<DbTs>(row, name)?)
}

fn col_ts_opt(row: &DbRow, name: &str) -> StoreResult<Option<Timestamp>> {
    col::<Option<DbTs>>(row, name)?.map(dec_ts).transpose()
}

// ---------------------------------------------------------------------------------------
// Rows → models

const REGION_COLS: &str = "id, parent_id, code, name, level, path";

fn region_row(r: &DbRow) -> StoreResult<Region> {
    Ok(Region {
        id: col(r, "id")?,
        parent_id: col(r, "parent_id")?,
        code: col(r, "code")?,
        name: col(r, "name")?,
        level: level_from_key(&col::<String>(r, "level")?)?,
        path: path_from_text(&col::<String>(r, "path")?)?,
    })
}

/// A unit and its region's path, from `units un JOIN regions ur ON ur.id = un.region_id`.
const UNIT_COLS: &str = "un.id AS un_id, un.region_id AS un_region_id, un.code AS un_code, \
     un.name AS un_name, un.short_name AS un_short_name, un.kind AS un_kind, ur.path AS un_path";

fn unit_row(r: &DbRow) -> StoreResult<Unit> {
    Ok(Unit {
        id: col(r, "un_id")?,
        region_id: col(r, "un_region_id")?,
        code: col(r, "un_code")?,
        name: col(r, "un_name")?,
        short_name: col(r, "un_short_name")?,
        kind: kind_from_key(&col::<String>(r, "un_kind")?)?,
        region_path: path_from_text(&col::<String>(r, "un_path")?)?,
    })
}

const USER_COLS: &str = "u.id AS u_id, u.login AS u_login, u.display_name AS u_display_name, \
     u.password_hash AS u_password_hash, u.disabled AS u_disabled, \
     u.must_change_password AS u_must_change_password, u.created_at AS u_created_at";

fn user_row(r: &DbRow) -> StoreResult<User> {
    Ok(User {
        id: col(r, "u_id")?,
        login: col(r, "u_login")?,
        display_name: col(r, "u_display_name")?,
        password_hash: col(r, "u_password_hash")?,
        disabled: col(r, "u_disabled")?,
        must_change_password: col(r, "u_must_change_password")?,
        created_at: col_ts(r, "u_created_at")?,
    })
}

const GRANT_COLS: &str = "id, user_id, role, node_type, node_id";

fn grant_row(r: &DbRow) -> StoreResult<RoleGrant> {
    let node_id: i64 = col(r, "node_id")?;
    let node = match col::<String>(r, "node_type")?.as_str() {
        "region" => Node::Region(node_id),
        "unit" => Node::Unit(node_id),
        other => return Err(StoreError::Backend(format!("未知的授权节点类型：{other}"))),
    };
    Ok(RoleGrant {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        grant: Grant {
            role: role_from_key(&col::<String>(r, "role")?)?,
            node,
        },
    })
}

fn node_key(node: Node) -> (&'static str, i64) {
    match node {
        Node::Region(id) => ("region", id),
        Node::Unit(id) => ("unit", id),
    }
}

const TOKEN_COLS: &str = "t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, \
     t.token_hash AS t_token_hash, t.created_at AS t_created_at, t.revoked AS t_revoked";

fn token_row(r: &DbRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: col(r, "t_id")?,
        user_id: col(r, "t_user_id")?,
        name: col(r, "t_name")?,
        token_hash: col(r, "t_token_hash")?,
        created_at: col_ts(r, "t_created_at")?,
        revoked: col(r, "t_revoked")?,
    })
}

const SESSION_COLS: &str = "s.token_hash AS s_token_hash, s.user_id AS s_user_id, \
     s.csrf_token AS s_csrf_token, s.created_at AS s_created_at, \
     s.expires_at AS s_expires_at, s.addr AS s_addr";

fn session_row(r: &DbRow) -> StoreResult<Session> {
    Ok(Session {
        token_hash: col(r, "s_token_hash")?,
        user_id: col(r, "s_user_id")?,
        csrf_token: col(r, "s_csrf_token")?,
        created_at: col_ts(r, "s_created_at")?,
        expires_at: col_ts(r, "s_expires_at")?,
        addr: col(r, "s_addr")?,
    })
}

/// What the audit log keeps of a session: never the token hash or the CSRF token.
fn session_json(s: &Session) -> Value {
    json!({
        "user_id": s.user_id,
        "created_at": s.created_at,
        "expires_at": s.expires_at,
        "addr": s.addr,
    })
}

/// An upload's list columns, from `uploads up JOIN units un ON un.id = up.unit_id`.
const UPLOAD_COLS: &str = "up.id AS up_id, up.unit_id AS up_unit_id, un.name AS up_unit_name, \
     up.year AS up_year, up.filename AS up_filename, up.title AS up_title, \
     up.sha256 AS up_sha256, up.size AS up_size, up.status AS up_status, up.error AS up_error, \
     up.score AS up_score, up.errors AS up_errors, up.warnings AS up_warnings, \
     up.infos AS up_infos, up.uploaded_by AS up_uploaded_by, \
     up.uploaded_by_login AS up_uploaded_by_login, up.uploaded_at AS up_uploaded_at, \
     up.published_at AS up_published_at";

fn upload_row(r: &DbRow) -> StoreResult<UploadSummary> {
    Ok(UploadSummary {
        id: col(r, "up_id")?,
        unit_id: col(r, "up_unit_id")?,
        unit_name: col(r, "up_unit_name")?,
        year: col(r, "up_year")?,
        filename: col(r, "up_filename")?,
        title: col(r, "up_title")?,
        sha256: col(r, "up_sha256")?,
        size: col(r, "up_size")?,
        status: status_from_key(&col::<String>(r, "up_status")?)?,
        error: col(r, "up_error")?,
        score: col(r, "up_score")?,
        errors: col(r, "up_errors")?,
        warnings: col(r, "up_warnings")?,
        infos: col(r, "up_infos")?,
        uploaded_by: col(r, "up_uploaded_by")?,
        uploaded_by_login: col(r, "up_uploaded_by_login")?,
        uploaded_at: col_ts(r, "up_uploaded_at")?,
        published_at: col_ts_opt(r, "up_published_at")?,
    })
}

const AUDIT_COLS: &str = "id, at, actor_user_id, actor_login, addr, action, entity, entity_id, \
     unit_id, region_path, before, after";

fn audit_row(r: &DbRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: col(r, "id")?,
        at: col_ts(r, "at")?,
        actor_user_id: col(r, "actor_user_id")?,
        actor_login: col(r, "actor_login")?,
        addr: col(r, "addr")?,
        action: col(r, "action")?,
        entity: col(r, "entity")?,
        entity_id: col(r, "entity_id")?,
        unit_id: col(r, "unit_id")?,
        region_path: path_from_text(&col::<String>(r, "region_path")?)?,
        before: dec_json(col::<Option<Json<Value>>>(r, "before")?),
        after: dec_json(col::<Option<Json<Value>>>(r, "after")?),
    })
}

// ---------------------------------------------------------------------------------------
// Single-row reads, usable on the read pool or inside a write transaction

async fn fetch_region<'e, E>(e: E, id: RegionId) -> StoreResult<Option<Region>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!("SELECT {REGION_COLS} FROM regions WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(db)?
        .as_ref()
        .map(region_row)
        .transpose()
}

/// The path text (`/1/5/`) of a region, `None` when there is no such region.
async fn region_path<'e, E>(e: E, id: RegionId) -> StoreResult<Option<String>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query_scalar("SELECT path FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(db)
}

/// One row by id through `sql` (with `$1` for the id), mapped by `map`; `None` when absent.
async fn fetch_by_id<'e, E, T>(
    e: E,
    sql: &str,
    id: i64,
    map: fn(&DbRow) -> StoreResult<T>,
) -> StoreResult<Option<T>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(db)?
        .as_ref()
        .map(map)
        .transpose()
}

async fn fetch_unit<'e, E>(e: E, id: UnitId) -> StoreResult<Option<Unit>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!(
        "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id WHERE un.id = $1"
    );
    fetch_by_id(e, &sql, id, unit_row).await
}

async fn fetch_user<'e, E>(e: E, id: UserId) -> StoreResult<Option<User>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1");
    fetch_by_id(e, &sql, id, user_row).await
}

async fn fetch_upload<'e, E>(e: E, id: UploadId) -> StoreResult<Option<UploadSummary>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!(
        "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id WHERE up.id = $1"
    );
    fetch_by_id(e, &sql, id, upload_row).await
}

async fn fetch_token<'e, E>(e: E, id: i64) -> StoreResult<Option<ApiToken>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.id = $1");
    fetch_by_id(e, &sql, id, token_row).await
}

// ---------------------------------------------------------------------------------------
// Placements (where a changed thing sits, for the audit entry)

async fn unit_placement<'e, E>(e: E, id: UnitId) -> StoreResult<Option<Placement>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let path: Option<String> = sqlx::query_scalar(
        "SELECT ur.path FROM units un JOIN regions ur ON ur.id = un.region_id WHERE un.id = $1",
    )
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(db)?;
    path.map(|p| Ok(Placement::unit(id, path_from_text(&p)?)))
        .transpose()
}

async fn node_placement(c: &mut DbConn, node: Node) -> StoreResult<Placement> {
    match node {
        Node::Region(id) => {
            let path = region_path(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            Ok(Placement::region(path_from_text(&path)?))
        }
        Node::Unit(id) => unit_placement(&mut *c, id)
            .await?
            .ok_or(StoreError::NotFound("单位")),
    }
}

/// Where an account sits: the deepest place holding all of its grants (empty without grants).
async fn user_placement(c: &mut DbConn, user_id: UserId) -> StoreResult<Placement> {
    let rows = sqlx::query(
        "SELECT g.node_type, g.node_id, COALESCE(r.path, ur.path) AS path \
         FROM role_grants g \
         LEFT JOIN regions r ON g.node_type = 'region' AND r.id = g.node_id \
         LEFT JOIN units un ON g.node_type = 'unit' AND un.id = g.node_id \
         LEFT JOIN regions ur ON ur.id = un.region_id \
         WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    let mut places = Vec::with_capacity(rows.len());
    for r in &rows {
        let regions = path_from_text(&col::<Option<String>>(r, "path")?.unwrap_or_default())?;
        let unit = match col::<String>(r, "node_type")?.as_str() {
            "unit" => Some(col::<i64>(r, "node_id")?),
            _ => None,
        };
        places.push(Placement { unit, regions });
    }
    Ok(common_placement(&places))
}

// ---------------------------------------------------------------------------------------
// The audit log

/// One audit entry, written by [`append_audit`] in the transaction of the change it describes.
struct Change {
    action: &'static str,
    entity: &'static str,
    entity_id: Option<i64>,
    place: Placement,
    before: Option<Value>,
    after: Option<Value>,
}

async fn append_audit(c: &mut DbConn, actor: &Actor, ch: Change) -> StoreResult<()> {
    append_audits(c, actor, vec![ch]).await
}

// ---------------------------------------------------------------------------------------
// Writes shared by the single-row methods and the import

/// Inserts a region under the parent whose path is `parent_path` (`""` for a root).
async fn insert_region(
    c: &mut DbConn,
    parent_id: Option<RegionId>,
    parent_path: &str,
    code: &str,
    name: &str,
    level: RegionLevel,
) -> StoreResult<Region> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO regions (parent_id, code, name, level, path) VALUES ($1, $2, $3, $4, '') \
         RETURNING id",
    )
    .bind(parent_id)
    .bind(code)
    .bind(name)
    .bind(level.key())
    .fetch_one(&mut *c)
    .await
    .map_err(|e| unique_or(e, || format!("区划代码“{code}”已存在")))?;
    let path_text = format!(
        "{}{id}/",
        if parent_path.is_empty() {
            "/"
        } else {
            parent_path
        }
    );
    sqlx::query("UPDATE regions SET path = $1 WHERE id = $2")
        .bind(&path_text)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(Region {
        id,
        parent_id,
        code: code.to_string(),
        name: name.to_string(),
        level,
        path: path_from_text(&path_text)?,
    })
}

/// Moves a region (and so its whole subtree) under `new_parent`; the caller has checked
/// that this makes no cycle.
async fn move_region(
    c: &mut DbConn,
    region: &Region,
    new_parent: Option<RegionId>,
) -> StoreResult<()> {
    let old_path = path_to_text(&region.path);
    let parent_path = match new_parent {
        Some(p) => region_path(&mut *c, p)
            .await?
            .ok_or(StoreError::NotFound("上级区划"))?,
        None => String::new(),
    };
    let new_path = format!(
        "{}{}/",
        if parent_path.is_empty() {
            "/"
        } else {
            &parent_path
        },
        region.id
    );
    let (lo, hi) = subtree_range(&old_path);
    // Positions in `substr` count characters; paths are ASCII.
    sqlx::query(
        "UPDATE regions SET path = $1 || substr(path, CAST($2 AS INTEGER)) \
         WHERE path >= $3 AND path < $4",
    )
    .bind(&new_path)
    .bind(old_path.len() as i64 + 1)
    .bind(lo)
    .bind(hi)
    .execute(&mut *c)
    .await
    .map_err(db)?;
    sqlx::query("UPDATE regions SET parent_id = $1 WHERE id = $2")
        .bind(new_parent)
        .bind(region.id)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(())
}

async fn insert_unit(c: &mut DbConn, new: &NewUnit) -> StoreResult<UnitId> {
    sqlx::query_scalar(
        "INSERT INTO units (region_id, code, name, short_name, kind) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(new.region_id)
    .bind(&new.code)
    .bind(&new.name)
    .bind(&new.short_name)
    .bind(new.kind.key())
    .fetch_one(&mut *c)
    .await
    .map_err(|e| unique_or(e, || format!("单位代码“{}”已存在", new.code)))
}

async fn write_unit(c: &mut DbConn, id: UnitId, new: &NewUnit) -> StoreResult<()> {
    sqlx::query(
        "UPDATE units SET region_id = $1, code = $2, name = $3, short_name = $4, kind = $5 \
         WHERE id = $6",
    )
    .bind(new.region_id)
    .bind(&new.code)
    .bind(&new.name)
    .bind(&new.short_name)
    .bind(new.kind.key())
    .bind(id)
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, || format!("单位代码“{}”已存在", new.code)))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The import: a plan checked in memory against the tree as it will be, then applied

enum Step<'a> {
    CreateRegion {
        code: &'a str,
        name: &'a str,
        level: RegionLevel,
        parent: Option<&'a str>,
    },
    UpdateRegion {
        id: RegionId,
        name: &'a str,
        level: RegionLevel,
        parent: Option<&'a str>,
    },
    CreateUnit {
        code: &'a str,
        name: &'a str,
        short_name: &'a str,
        kind: UnitKind,
        region: &'a str,
    },
    UpdateUnit {
        id: UnitId,
        name: &'a str,
        short_name: &'a str,
        kind: UnitKind,
        region: &'a str,
    },
}

/// Checks every row against the existing tree and the rows before it. Returns the steps to
/// apply, or every row that cannot be applied.
fn plan_import<'a>(
    rows: &'a [OrgRow],
    lines: &[usize],
    regions: &[Region],
    units: &[Unit],
) -> Result<Vec<Step<'a>>, Vec<RowError>> {
    let by_id: HashMap<RegionId, &Region> = regions.iter().map(|r| (r.id, r)).collect();
    // The tree as it will be after the rows so far: region code → parent code.
    let mut tree: HashMap<String, Option<String>> = regions
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                r.parent_id
                    .and_then(|p| by_id.get(&p))
                    .map(|p| p.code.clone()),
            )
        })
        .collect();
    let region_ids: HashMap<&str, RegionId> =
        regions.iter().map(|r| (r.code.as_str(), r.id)).collect();
    let unit_ids: HashMap<&str, UnitId> = units.iter().map(|u| (u.code.as_str(), u.id)).collect();
    let mut seen_regions: HashMap<&str, usize> = HashMap::new();
    let mut seen_units: HashMap<&str, usize> = HashMap::new();
    let mut steps = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();

    for (row, &line) in rows.iter().zip(lines) {
        let mut problems: Vec<String> = Vec::new();
        match row {
            OrgRow::Region {
                code,
                name,
                level,
                parent_code,
            } => {
                let code = code.as_str();
                if code.trim().is_empty() {
                    problems.push("区划代码为空".into());
                }
                if name.trim().is_empty() {
                    problems.push("区划名称为空".into());
                }
                if let Some(prev) = seen_regions.get(code) {
                    problems.push(format!("区划代码“{code}”与第 {prev} 行重复"));
                }
                if unit_ids.contains_key(code) || seen_units.contains_key(code) {
                    problems.push(format!("代码“{code}”已被单位使用，区划不能再用"));
                }
                let parent = parent_code.as_deref().filter(|p| !p.trim().is_empty());
                if let Some(p) = parent {
                    if p == code {
                        problems.push("区划的上级不能是它自己".into());
                    } else if !tree.contains_key(p) {
                        problems.push(format!(
                            "上级区划代码“{p}”不存在（须是已有区划，或在本行之前导入）"
                        ));
                    } else if region_ids.contains_key(code) && is_below(&tree, p, code) {
                        problems.push(format!("不能把区划“{code}”移到它自己的下级区划“{p}”之下"));
                    }
                }
                if !seen_regions.contains_key(code) {
                    seen_regions.insert(code, line);
                }
                if problems.is_empty() {
                    tree.insert(code.to_string(), parent.map(str::to_string));
                    steps.push(match region_ids.get(code) {
                        Some(&id) => Step::UpdateRegion {
                            id,
                            name,
                            level: *level,
                            parent,
                        },
                        None => Step::CreateRegion {
                            code,
                            name,
                            level: *level,
                            parent,
                        },
                    });
                } else if !tree.contains_key(code) {
                    // Known from here on, so rows below naming it are not reported again.
                    tree.insert(code.to_string(), None);
                }
            }
            OrgRow::Unit {
                code,
                name,
                short_name,
                kind,
                region_code,
            } => {
                let code = code.as_str();
                if code.trim().is_empty() {
                    problems.push("单位代码为空".into());
                }
                if name.trim().is_empty() {
                    problems.push("单位名称为空".into());
                }
                if let Some(prev) = seen_units.get(code) {
                    problems.push(format!("单位代码“{code}”与第 {prev} 行重复"));
                }
                if region_ids.contains_key(code) || seen_regions.contains_key(code) {
                    problems.push(format!("代码“{code}”已被区划使用，单位不能再用"));
                }
                if !tree.contains_key(region_code.as_str()) {
                    problems.push(format!(
                        "所属区划代码“{region_code}”不存在（须是已有区划，或在本行之前导入）"
                    ));
                }
                if !seen_units.contains_key(code) {
                    seen_units.insert(code, line);
                }
                if problems.is_empty() {
                    let region = region_code.as_str();
                    steps.push(match unit_ids.get(code) {
                        Some(&id) => Step::UpdateUnit {
                            id,
                            name,
                            short_name,
                            kind: *kind,
                            region,
                        },
                        None => Step::CreateUnit {
                            code,
                            name,
                            short_name,
                            kind: *kind,
                            region,
                        },
                    });
                }
            }
        }
        if !problems.is_empty() {
            errors.push(RowError {
                line,
                message: problems.join("；"),
            });
        }
    }
    if errors.is_empty() {
        Ok(steps)
    } else {
        Err(errors)
    }
}

/// Whether `code` is `start` or one of its ancestors in `tree` (so making `start` the parent
/// of `code` would close a cycle).
fn is_below(tree: &HashMap<String, Option<String>>, start: &str, code: &str) -> bool {
    let mut cur = Some(start);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == code {
            return true;
        }
        steps += 1;
        if steps > tree.len() + 1 {
            return true; // a cycle already: refuse rather than loop
        }
        cur = tree.get(c).and_then(|p| p.as_deref());
    }
    false
}

async fn all_regions(c: &mut DbConn) -> StoreResult<Vec<Region>> {
    let sql = format!("SELECT {REGION_COLS} FROM regions ORDER BY path, id");
    sqlx::query(&sql)
        .fetch_all(&mut *c)
        .await
        .map_err(db)?
        .iter()
        .map(region_row)
        .collect()
}

async fn all_units(c: &mut DbConn) -> StoreResult<Vec<Unit>> {
    let sql = format!(
        "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id ORDER BY un.id"
    );
    sqlx::query(&sql)
        .fetch_all(&mut *c)
        .await
        .map_err(db)?
        .iter()
        .map(unit_row)
        .collect()
}

/// The id of a region by code, in the transaction (rows created earlier in the batch count).
async fn region_id_by_code(c: &mut DbConn, code: &str) -> StoreResult<RegionId> {
    sqlx::query_scalar("SELECT id FROM regions WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *c)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("区划"))
}

async fn apply_step(
    c: &mut DbConn,
    actor: &Actor,
    step: &Step<'_>,
    sum: &mut ImportSummary,
    places: &mut Vec<Placement>,
) -> StoreResult<()> {
    match *step {
        Step::CreateRegion {
            code,
            name,
            level,
            parent,
        } => {
            let (parent_id, parent_path) = match parent {
                Some(p) => {
                    let id = region_id_by_code(c, p).await?;
                    (
                        Some(id),
                        region_path(&mut *c, id).await?.unwrap_or_default(),
                    )
                }
                None => (None, String::new()),
            };
            let region = insert_region(c, parent_id, &parent_path, code, name, level).await?;
            let place = Placement::region(region.path.clone());
            append_audit(
                c,
                actor,
                Change {
                    action: "region.create",
                    entity: "region",
                    entity_id: Some(region.id),
                    place: place.clone(),
                    before: None,
                    after: Some(to_json(&region)),
                },
            )
            .await?;
            sum.regions_created += 1;
            places.push(place);
        }
        Step::UpdateRegion {
            id,
            name,
            level,
            parent,
        } => {
            let before = fetch_region(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let parent_id = match parent {
                Some(p) => Some(region_id_by_code(c, p).await?),
                None => None,
            };
            if before.name == name && before.level == level && before.parent_id == parent_id {
                return Ok(());
            }
            sqlx::query("UPDATE regions SET name = $1, level = $2 WHERE id = $3")
                .bind(name)
                .bind(level.key())
                .bind(id)
                .execute(&mut *c)
                .await
                .map_err(db)?;
            if before.parent_id != parent_id {
                move_region(c, &before, parent_id).await?;
            }
            let after = fetch_region(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let place = Placement::region(after.path.clone());
            append_audit(
                c,
                actor,
                Change {
                    action: "region.update",
                    entity: "region",
                    entity_id: Some(id),
                    place: place.clone(),
                    before: Some(to_json(&before)),
                    after: Some(to_json(&after)),
                },
            )
            .await?;
            sum.regions_updated += 1;
            places.push(place);
        }
        Step::CreateUnit {
            code,
            name,
            short_name,
            kind,
            region,
        } => {
            let region_id = region_id_by_code(c, region).await?;
            let new = NewUnit {
                region_id,
                code: code.to_string(),
                name: name.to_string(),
                short_name: short_name.to_string(),
                kind,
            };
            let id = insert_unit(c, &new).await?;
            let unit = fetch_unit(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("单位"))?;
            let place = Placement::unit(id, unit.region_path.clone());
            append_audit(
                c,
                actor,
                Change {
                    action: "unit.create",
                    entity: "unit",
                    entity_id: Some(id),
                    place: place.clone(),
                    before: None,
                    after: Some(to_json(&unit)),
                },
            )
            .await?;
            sum.units_created += 1;
            places.push(place);
        }
        Step::UpdateUnit {
            id,
            name,
            short_name,
            kind,
            region,
        } => {
            let before = fetch_unit(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("单位"))?;
            let region_id = region_id_by_code(c, region).await?;
            if before.name == name
                && before.short_name == short_name
                && before.kind == kind
                && before.region_id == region_id
            {
                return Ok(());
            }
            let new = NewUnit {
                region_id,
                code: before.code.clone(),
                name: name.to_string(),
                short_name: short_name.to_string(),
                kind,
            };
            write_unit(c, id, &new).await?;
            let after = fetch_unit(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("单位"))?;
            let place = Placement::unit(id, after.region_path.clone());
            append_audit(
                c,
                actor,
                Change {
                    action: "unit.update",
                    entity: "unit",
                    entity_id: Some(id),
                    place: place.clone(),
                    before: Some(to_json(&before)),
                    after: Some(to_json(&after)),
                },
            )
            .await?;
            sum.units_updated += 1;
            places.push(place);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Migrations and the schema version

/// Refuses a database migrated by a newer program, before the migrator touches it.
async fn check_not_too_new(pool: &sqlx::Pool<Db>) -> StoreResult<()> {
    let exists: bool = sqlx::query_scalar(MIGRATIONS_TABLE_EXISTS)
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

async fn schema_version_of(pool: &sqlx::Pool<Db>) -> StoreResult<i64> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
            .map_err(db)?;
    Ok(v.unwrap_or(0))
}

// ---------------------------------------------------------------------------------------
// The traits

#[async_trait]
impl OrgStore for Me {
    async fn create_region(&self, actor: &Actor, new: &NewRegion) -> StoreResult<Region> {
        let mut tx = self.begin_write().await?;
        lock_org(&mut tx).await?;
        let parent_path = match new.parent_id {
            Some(p) => region_path(&mut *tx, p)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("上级区划（编号 {p}）不存在")))?,
            None => String::new(),
        };
        let region = insert_region(
            &mut tx,
            new.parent_id,
            &parent_path,
            &new.code,
            &new.name,
            new.level,
        )
        .await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "region.create",
                entity: "region",
                entity_id: Some(region.id),
                place: Placement::region(region.path.clone()),
                before: None,
                after: Some(to_json(&region)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(region)
    }

    async fn update_region(
        &self,
        actor: &Actor,
        id: RegionId,
        name: &str,
        code: &str,
    ) -> StoreResult<Region> {
        let mut tx = self.begin_write().await?;
        lock_org(&mut tx).await?;
        let before = fetch_region(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        sqlx::query("UPDATE regions SET name = $1, code = $2 WHERE id = $3")
            .bind(name)
            .bind(code)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, || format!("区划代码“{code}”已存在")))?;
        let after = Region {
            name: name.to_string(),
            code: code.to_string(),
            ..before.clone()
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "region.update",
                entity: "region",
                entity_id: Some(id),
                place: Placement::region(after.path.clone()),
                before: Some(to_json(&before)),
                after: Some(to_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    async fn region(&self, id: RegionId) -> StoreResult<Region> {
        fetch_region(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("区划"))
    }

    async fn regions(&self) -> StoreResult<Vec<Region>> {
        let sql = format!("SELECT {REGION_COLS} FROM regions ORDER BY path, id");
        sqlx::query(&sql)
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(region_row)
            .collect()
    }

    async fn create_unit(&self, actor: &Actor, new: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        lock_org(&mut tx).await?;
        let path = region_path(&mut *tx, new.region_id).await?.ok_or_else(|| {
            StoreError::Invalid(format!("所属区划（编号 {}）不存在", new.region_id))
        })?;
        let id = insert_unit(&mut tx, new).await?;
        let unit = Unit {
            id,
            region_id: new.region_id,
            code: new.code.clone(),
            name: new.name.clone(),
            short_name: new.short_name.clone(),
            kind: new.kind,
            region_path: path_from_text(&path)?,
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "unit.create",
                entity: "unit",
                entity_id: Some(id),
                place: Placement::unit(id, unit.region_path.clone()),
                before: None,
                after: Some(to_json(&unit)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(unit)
    }

    async fn update_unit(&self, actor: &Actor, id: UnitId, new: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        lock_org(&mut tx).await?;
        let before = fetch_unit(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        let path = region_path(&mut *tx, new.region_id).await?.ok_or_else(|| {
            StoreError::Invalid(format!("所属区划（编号 {}）不存在", new.region_id))
        })?;
        write_unit(&mut tx, id, new).await?;
        let after = Unit {
            id,
            region_id: new.region_id,
            code: new.code.clone(),
            name: new.name.clone(),
            short_name: new.short_name.clone(),
            kind: new.kind,
            region_path: path_from_text(&path)?,
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "unit.update",
                entity: "unit",
                entity_id: Some(id),
                place: Placement::unit(id, after.region_path.clone()),
                before: Some(to_json(&before)),
                after: Some(to_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    async fn unit(&self, id: UnitId) -> StoreResult<Unit> {
        fetch_unit(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("单位"))
    }

    async fn units(&self, below: Option<RegionId>) -> StoreResult<Vec<Unit>> {
        let mut qb = QueryBuilder::<Db>::new(format!(
            "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id"
        ));
        if let Some(r) = below {
            let path = region_path(self.reader(), r)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let (lo, hi) = subtree_range(&path);
            qb.push(" WHERE ur.path >= ")
                .push_bind(lo)
                .push(" AND ur.path < ")
                .push_bind(hi);
        }
        qb.push(" ORDER BY ur.path, un.name, un.id");
        qb.build()
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(unit_row)
            .collect()
    }

    async fn import_org(
        &self,
        actor: &Actor,
        rows: &[OrgRow],
        lines: &[usize],
    ) -> StoreResult<ImportSummary> {
        if rows.len() != lines.len() {
            return Err(StoreError::Invalid(format!(
                "导入数据有误：{} 行数据却有 {} 个行号",
                rows.len(),
                lines.len()
            )));
        }
        let mut tx = self.begin_write().await?;
        lock_org(&mut tx).await?;
        let regions = all_regions(&mut tx).await?;
        let units = all_units(&mut tx).await?;
        let steps = plan_import(rows, lines, &regions, &units).map_err(StoreError::Rows)?;
        let mut sum = ImportSummary::default();
        let mut places = Vec::new();
        for step in &steps {
            apply_step(&mut tx, actor, step, &mut sum, &mut places).await?;
        }
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "org.import",
                entity: "org",
                entity_id: None,
                place: common_placement(&places),
                before: None,
                after: Some(to_json(&sum)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(sum)
    }
}

#[async_trait]
impl UserStore for Me {
    async fn create_user(&self, actor: &Actor, new: &NewUser) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let created_at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, display_name, password_hash, disabled, must_change_password, \
             created_at) VALUES ($1, $2, $3, FALSE, $4, $5) RETURNING id",
        )
        .bind(&new.login)
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.must_change_password)
        .bind(enc_ts(created_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("登录名“{}”已被使用", new.login)))?;
        let user = User {
            id,
            login: new.login.clone(),
            display_name: new.display_name.clone(),
            password_hash: new.password_hash.clone(),
            disabled: false,
            must_change_password: new.must_change_password,
            created_at,
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "user.create",
                entity: "user",
                entity_id: Some(id),
                place: Placement::default(),
                before: None,
                after: Some(to_json(&user)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(user)
    }

    async fn user(&self, id: UserId) -> StoreResult<User> {
        fetch_user(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("账号"))
    }

    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.login = $1");
        sqlx::query(&sql)
            .bind(login)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?
            .as_ref()
            .map(user_row)
            .transpose()
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u ORDER BY u.id");
        sqlx::query(&sql)
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(user_row)
            .collect()
    }

    async fn count_users(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }

    async fn set_password(
        &self,
        actor: &Actor,
        id: UserId,
        password_hash: &str,
        how: PasswordSet,
    ) -> StoreResult<u64> {
        let must_change = how.must_change();
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1{LOCK_ROW}");
        let before = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(user_row)
            .transpose()?
            .ok_or(StoreError::NotFound("账号"))?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(must_change)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        // The replaced hash joins the history, which keeps only the newest few.
        sqlx::query(
            "INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(&before.password_hash)
        .bind(enc_ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
             (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(id)
        .bind(PASSWORD_HISTORY as i64)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let tokens_revoked = if how.revokes_tokens() {
            sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1 AND NOT revoked")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?
                .rows_affected()
        } else {
            0
        };
        let place = user_placement(&mut tx, id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "user.password",
                entity: "user",
                entity_id: Some(id),
                place,
                before: Some(json!({ "must_change_password": before.must_change_password })),
                after: Some(json!({
                    "password_changed": true,
                    "must_change_password": must_change,
                    "tokens_revoked": tokens_revoked,
                })),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(tokens_revoked)
    }

    async fn password_history(&self, id: UserId) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT password_hash FROM password_history WHERE user_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(PASSWORD_HISTORY as i64)
        .fetch_all(self.reader())
        .await
        .map_err(db)
    }

    async fn set_disabled(&self, actor: &Actor, id: UserId, disabled: bool) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let before = fetch_user(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let after = User {
            disabled,
            ..before.clone()
        };
        let place = user_placement(&mut tx, id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                entity: "user",
                entity_id: Some(id),
                place,
                before: Some(to_json(&before)),
                after: Some(to_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    async fn grant(&self, actor: &Actor, user_id: UserId, grant: Grant) -> StoreResult<RoleGrant> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut *tx, user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        let place = node_placement(&mut tx, grant.node).await?;
        let (node_type, node_id) = node_key(grant.node);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO role_grants (user_id, role, node_type, node_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(grant.role.key())
        .bind(node_type)
        .bind(node_id)
        .bind(enc_ts(now()))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("该账号在此处已有“{}”角色", grant.role.label())
            })
        })?;
        let rg = RoleGrant { id, user_id, grant };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "grant.create",
                entity: "grant",
                entity_id: Some(id),
                place,
                before: None,
                after: Some(to_json(&rg)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(rg)
    }

    async fn revoke(&self, actor: &Actor, grant_id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants WHERE id = $1");
        let rg = sqlx::query(&sql)
            .bind(grant_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(grant_row)
            .transpose()?
            .ok_or(StoreError::NotFound("授权"))?;
        // Where the grant sat; a node that vanished leaves the entry unplaced.
        let place = match node_placement(&mut tx, rg.grant.node).await {
            Err(StoreError::NotFound(_)) => Placement::default(),
            other => other?,
        };
        sqlx::query("DELETE FROM role_grants WHERE id = $1")
            .bind(grant_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "grant.revoke",
                entity: "grant",
                entity_id: Some(grant_id),
                place,
                before: Some(to_json(&rg)),
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn grants(&self, user_id: UserId) -> StoreResult<Vec<RoleGrant>> {
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants WHERE user_id = $1 ORDER BY id");
        sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(grant_row)
            .collect()
    }

    async fn all_grants(&self) -> StoreResult<Vec<RoleGrant>> {
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants ORDER BY user_id, id");
        sqlx::query(&sql)
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(grant_row)
            .collect()
    }

    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut *tx, user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        let created_at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, revoked) \
             VALUES ($1, $2, $3, $4, FALSE) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(enc_ts(created_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || "该 API 令牌已存在".to_string()))?;
        let token = ApiToken {
            id,
            user_id,
            name: name.to_string(),
            token_hash: token_hash.to_string(),
            created_at,
            revoked: false,
        };
        let place = user_placement(&mut tx, user_id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "token.create",
                entity: "api_token",
                entity_id: Some(id),
                place,
                before: None,
                after: Some(to_json(&token)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(token)
    }

    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, User)>> {
        let sql = format!(
            "SELECT {TOKEN_COLS}, {USER_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND NOT t.revoked AND NOT u.disabled"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?;
        row.map(|r| Ok((token_row(&r)?, user_row(&r)?))).transpose()
    }

    async fn revoke_api_token(&self, actor: &Actor, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let before = fetch_token(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("API 令牌"))?;
        sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let after = ApiToken {
            revoked: true,
            ..before.clone()
        };
        let place = user_placement(&mut tx, before.user_id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "token.revoke",
                entity: "api_token",
                entity_id: Some(id),
                place,
                before: Some(to_json(&before)),
                after: Some(to_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn api_tokens(&self, user_id: UserId) -> StoreResult<Vec<ApiToken>> {
        let sql =
            format!("SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id");
        sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(token_row)
            .collect()
    }
}

#[async_trait]
impl SessionStore for Me {
    async fn create_session(&self, actor: &Actor, session: &Session) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut *tx, session.user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, addr) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(enc_ts(session.created_at))
        .bind(enc_ts(session.expires_at))
        .bind(&session.addr)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || "会话已存在".to_string()))?;
        let place = user_placement(&mut tx, session.user_id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "session.login",
                entity: "session",
                entity_id: Some(session.user_id),
                place,
                before: None,
                after: Some(session_json(session)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Session, User)>> {
        let sql = format!(
            "SELECT {SESSION_COLS}, {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .bind(enc_ts(now))
            .fetch_optional(self.reader())
            .await
            .map_err(db)?;
        row.map(|r| Ok((session_row(&r)?, user_row(&r)?)))
            .transpose()
    }

    async fn delete_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {SESSION_COLS} FROM sessions s WHERE s.token_hash = $1");
        let found = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .as_ref()
            .map(session_row)
            .transpose()?;
        // Logging out of a session that is already gone changes nothing: no entry.
        let Some(session) = found else {
            return Ok(());
        };
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let place = user_placement(&mut tx, session.user_id).await?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "session.logout",
                entity: "session",
                entity_id: Some(session.user_id),
                place,
                before: Some(session_json(&session)),
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn end_sessions(
        &self,
        actor: &Actor,
        user_id: UserId,
        keep: Option<&str>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n > 0 {
            let place = user_placement(&mut tx, user_id).await?;
            append_audit(
                &mut tx,
                actor,
                Change {
                    action: "session.end_all",
                    entity: "session",
                    entity_id: Some(user_id),
                    place,
                    before: Some(serde_json::json!({ "sessions": n })),
                    after: None,
                },
            )
            .await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn purge_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(enc_ts(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn record_login_failure(&self, actor: &Actor, login: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let place = match user_id {
            Some(id) => user_placement(&mut tx, id).await?,
            None => Placement::default(),
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "session.login_failed",
                entity: "session",
                entity_id: user_id,
                place,
                before: None,
                after: Some(json!({ "login": login })),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}

/// Page sizes asked as 0 get this many entries.
const DEFAULT_AUDIT_LIMIT: u32 = 100;
/// No page is larger than this.
const MAX_PAGE: u32 = 10_000;

#[async_trait]
impl AuditStore for Me {
    async fn audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut qb =
            QueryBuilder::<Db>::new(format!("SELECT {AUDIT_COLS} FROM audit_log WHERE TRUE"));
        if let Some(r) = f.region_id {
            let path = region_path(self.reader(), r)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let (lo, hi) = subtree_range(&path);
            qb.push(" AND ((region_path >= ")
                .push_bind(lo)
                .push(" AND region_path < ")
                .push_bind(hi)
                .push(")");
            // Entries that sit nowhere in the tree (failed logins of unknown names, accounts
            // without roles) belong to the whole installation: a root region's view has them.
            if path.matches('/').count() == 2 {
                qb.push(" OR region_path = ''");
            }
            qb.push(")");
        }
        if let Some(login) = &f.actor_login {
            qb.push(" AND actor_login = ").push_bind(login.clone());
        }
        if let Some(prefix) = f.action_prefix.as_deref().filter(|p| !p.is_empty()) {
            qb.push(" AND action >= ").push_bind(prefix.to_string());
            qb.push(" AND action < ").push_bind(prefix_upper(prefix));
        }
        if let Some(entity) = &f.entity {
            qb.push(" AND entity = ").push_bind(entity.clone());
        }
        if let Some(from) = f.from {
            qb.push(" AND at >= ").push_bind(enc_ts(from));
        }
        if let Some(until) = f.until {
            qb.push(" AND at < ").push_bind(enc_ts(until));
        }
        if let Some(before) = f.before_id {
            qb.push(" AND id < ").push_bind(before);
        }
        let limit = if f.limit == 0 {
            DEFAULT_AUDIT_LIMIT
        } else {
            f.limit.min(MAX_PAGE)
        };
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(limit));
        qb.build()
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(audit_row)
            .collect()
    }

    async fn count_audit(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }
}

/// `WHERE` of the overview: units at or below the region whose path is `path`, optionally
/// matching `search` in the name or short name.
fn push_overview_scope(qb: &mut QueryBuilder<'_, Db>, path: &str, search: Option<&str>) {
    let (lo, hi) = subtree_range(path);
    qb.push(" WHERE ur.path >= ")
        .push_bind(lo)
        .push(" AND ur.path < ")
        .push_bind(hi);
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", like_escape(&s.to_lowercase()));
        qb.push(" AND (lower(un.name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(un.short_name) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

#[async_trait]
impl ReportStore for Me {
    async fn create_upload(&self, actor: &Actor, new: &NewUpload) -> StoreResult<UploadSummary> {
        let digest = sha256_hex(&new.bytes);
        if !digest.eq_ignore_ascii_case(&new.sha256) {
            return Err(StoreError::Invalid(
                "文件的 SHA-256 校验值与内容不符".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let place = unit_placement(&mut *tx, new.unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        sqlx::query(
            "INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&digest)
        .bind(new.bytes.len() as i64)
        .bind(&new.bytes)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO uploads (unit_id, year, filename, content_type, sha256, size, title, status, \
             error, score, errors, warnings, infos, uploaded_by, uploaded_by_login, uploaded_at, \
             published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL) \
             RETURNING id",
        )
        .bind(new.unit_id)
        .bind(new.year)
        .bind(&new.filename)
        .bind(&new.content_type)
        .bind(&digest)
        .bind(new.bytes.len() as i64)
        .bind(&new.title)
        .bind(status_key(new.status))
        .bind(&new.error)
        .bind(new.score)
        .bind(new.errors)
        .bind(new.warnings)
        .bind(new.infos)
        .bind(actor.user_id)
        .bind(&actor.login)
        .bind(enc_ts(now()))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(checked) = &new.checked_json {
            sqlx::query("INSERT INTO upload_checks (upload_id, checked_json) VALUES ($1, $2)")
                .bind(id)
                .bind(checked)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let summary = fetch_upload(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "upload.create",
                entity: "upload",
                entity_id: Some(id),
                place,
                before: None,
                after: Some(to_json(&summary)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(summary)
    }

    async fn upload(&self, id: UploadId) -> StoreResult<UploadDetail> {
        // One statement by primary key: the findings page reads this on every request.
        let sql = format!(
            "SELECT {UPLOAD_COLS}, {UNIT_COLS}, up.content_type AS up_content_type, \
             uc.checked_json AS up_checked_json \
             FROM uploads up JOIN units un ON un.id = up.unit_id \
             JOIN regions ur ON ur.id = un.region_id \
             LEFT JOIN upload_checks uc ON uc.upload_id = up.id WHERE up.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound("报告"))?;
        Ok(UploadDetail {
            summary: upload_row(&row)?,
            unit: unit_row(&row)?,
            content_type: col(&row, "up_content_type")?,
            checked_json: col(&row, "up_checked_json")?,
        })
    }

    async fn upload_bytes(&self, id: UploadId) -> StoreResult<Vec<u8>> {
        sqlx::query_scalar(
            "SELECT b.bytes FROM uploads up JOIN blobs b ON b.sha256 = up.sha256 WHERE up.id = $1",
        )
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("报告"))
    }

    async fn uploads_of_unit(
        &self,
        unit_id: UnitId,
        year: Option<i32>,
    ) -> StoreResult<Vec<UploadSummary>> {
        let mut qb = QueryBuilder::<Db>::new(format!(
            "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id WHERE up.unit_id = "
        ));
        qb.push_bind(unit_id);
        if let Some(y) = year {
            qb.push(" AND up.year = ").push_bind(y);
        }
        qb.push(" ORDER BY up.uploaded_at DESC, up.id DESC");
        qb.build()
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(upload_row)
            .collect()
    }

    async fn set_published(
        &self,
        actor: &Actor,
        id: UploadId,
        at: Option<Timestamp>,
    ) -> StoreResult<UploadSummary> {
        let mut tx = self.begin_write().await?;
        let before = fetch_upload(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        sqlx::query("UPDATE uploads SET published_at = $1 WHERE id = $2")
            .bind(at.map(enc_ts))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let after = fetch_upload(&mut *tx, id)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        let place = unit_placement(&mut *tx, after.unit_id)
            .await?
            .unwrap_or_default();
        append_audit(
            &mut tx,
            actor,
            Change {
                action: if at.is_some() {
                    "upload.publish"
                } else {
                    "upload.withdraw"
                },
                entity: "upload",
                entity_id: Some(id),
                place,
                before: Some(to_json(&before)),
                after: Some(to_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    async fn published_uploads(&self, offset: u32, limit: u32) -> StoreResult<Page<UploadSummary>> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM uploads WHERE published_at IS NOT NULL")
                .fetch_one(self.reader())
                .await
                .map_err(db)?;
        let sql = format!(
            "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id \
             WHERE up.published_at IS NOT NULL ORDER BY up.published_at DESC, up.id DESC \
             LIMIT $1 OFFSET $2"
        );
        let items = sqlx::query(&sql)
            .bind(i64::from(limit.min(MAX_PAGE)))
            .bind(i64::from(offset))
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(upload_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn unit_overview(&self, q: &UnitOverviewQuery) -> StoreResult<Page<UnitOverviewRow>> {
        let path = region_path(self.reader(), q.region_id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        let search = q.search.as_deref();

        let mut count = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut count, &path, search);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)?;

        // Two steps. First the page: per unit in scope, its latest upload of the year (a seek
        // in the index uploads(unit_id, year, uploaded_at, id), done once per unit: the scope
        // is MATERIALIZED, or the planners would repeat the subquery wherever `latest_id` is
        // used), sorted with only the columns the sort needs. Then, for the page's units only,
        // every column and the number of uploads of the year.
        let dir = if q.descending { "DESC" } else { "ASC" };
        let key = |name: &str, path: &str| match q.sort {
            UnitSort::Name => format!("{name} {dir}"),
            UnitSort::Region => format!("{path} {dir}"),
            UnitSort::Score => {
                format!("CASE WHEN up.score IS NULL THEN 1 ELSE 0 END, up.score {dir}")
            }
            UnitSort::Findings => format!("up.errors + up.warnings {dir}, up.errors {dir}"),
            UnitSort::UploadedAt => format!("up.uploaded_at {dir}"),
        };
        let needs_upload = !matches!(q.sort, UnitSort::Name | UnitSort::Region);
        let mut qb = QueryBuilder::<Db>::new(
            "WITH scope AS MATERIALIZED (SELECT un.id AS unit_id, un.name AS name, ur.path AS path, \
             (SELECT l.id FROM uploads l WHERE l.unit_id = un.id AND l.year = ",
        );
        qb.push_bind(q.year);
        qb.push(
            " ORDER BY l.uploaded_at DESC, l.id DESC LIMIT 1) AS latest_id \
             FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut qb, &path, search);
        qb.push("), page AS (SELECT sc.unit_id, sc.latest_id FROM scope sc");
        if needs_upload {
            qb.push(" LEFT JOIN uploads up ON up.id = sc.latest_id");
        }
        qb.push(format!(
            " ORDER BY CASE WHEN sc.latest_id IS NULL THEN 1 ELSE 0 END, {}, sc.name, sc.unit_id LIMIT ",
            key("sc.name", "sc.path")
        ));
        qb.push_bind(i64::from(q.limit.min(MAX_PAGE)));
        qb.push(" OFFSET ").push_bind(i64::from(q.offset));
        qb.push(format!(
            ") SELECT {UNIT_COLS}, ur.name AS region_name, {UPLOAD_COLS}, \
             (SELECT COUNT(*) FROM uploads c WHERE c.unit_id = un.id AND c.year = "
        ));
        qb.push_bind(q.year);
        qb.push(format!(
            ") AS uploads_count FROM page p JOIN units un ON un.id = p.unit_id \
             JOIN regions ur ON ur.id = un.region_id \
             LEFT JOIN uploads up ON up.id = p.latest_id \
             ORDER BY CASE WHEN up.id IS NULL THEN 1 ELSE 0 END, {}, un.name, un.id",
            key("un.name", "ur.path")
        ));
        let rows = qb.build().fetch_all(self.reader()).await.map_err(db)?;
        let items = rows
            .iter()
            .map(|r| {
                let latest = match col::<Option<i64>>(r, "up_id")? {
                    Some(_) => Some(upload_row(r)?),
                    None => None,
                };
                Ok(UnitOverviewRow {
                    unit: unit_row(r)?,
                    region_name: col(r, "region_name")?,
                    latest,
                    uploads: col(r, "uploads_count")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn count_units_uploaded(&self, q: &UnitOverviewQuery) -> StoreResult<i64> {
        let path = region_path(self.reader(), q.region_id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        let mut count = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut count, &path, q.search.as_deref());
        count.push(" AND EXISTS (SELECT 1 FROM uploads l WHERE l.unit_id = un.id AND l.year = ");
        count.push_bind(q.year);
        count.push(")");
        count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }

    async fn upload_years(&self) -> StoreResult<Vec<i32>> {
        sqlx::query_scalar("SELECT DISTINCT year FROM uploads ORDER BY year DESC")
            .fetch_all(self.reader())
            .await
            .map_err(db)
    }
}

// ---------------------------------------------------------------------------------------
// The ledger

const LEDGER_COLS: &str = "r.id AS r_id, r.unit_id AS r_unit_id, r.year AS r_year, \
     r.kind AS r_kind, r.fields AS r_fields, r.indicators AS r_indicators, \
     r.version AS r_version, r.created_at AS r_created_at, r.created_by AS r_created_by, \
     r.updated_at AS r_updated_at, r.updated_by AS r_updated_by, r.deleted_at AS r_deleted_at";

/// A record row without its attachments (filled in by the caller).
fn ledger_row(r: &DbRow) -> StoreResult<LedgerRow> {
    let code: String = col(r, "r_kind")?;
    let kind = RecordKind::from_code(&code)
        .ok_or_else(|| StoreError::Backend(format!("未知的台账类别：{code}")))?;
    let fields =
        Fields::from_json(kind, &col::<String>(r, "r_fields")?).map_err(StoreError::Backend)?;
    let indicators: Vec<String> = serde_json::from_str(&col::<String>(r, "r_indicators")?)
        .map_err(|e| StoreError::Backend(format!("台账记录的指标无法读取：{e}")))?;
    Ok(LedgerRow {
        record: Record {
            id: col(r, "r_id")?,
            unit_id: col(r, "r_unit_id")?,
            data: RecordData {
                kind,
                year: col(r, "r_year")?,
                fields,
                indicators,
            },
        },
        version: col(r, "r_version")?,
        created_at: col_ts(r, "r_created_at")?,
        created_by: col(r, "r_created_by")?,
        updated_at: col_ts(r, "r_updated_at")?,
        updated_by: col(r, "r_updated_by")?,
        deleted_at: col_ts_opt(r, "r_deleted_at")?,
        attachments: Vec::new(),
    })
}

const ATTACHMENT_COLS: &str = "a.id AS a_id, a.record_id AS a_record_id, \
     a.filename AS a_filename, a.content_type AS a_content_type, a.sha256 AS a_sha256, \
     a.size AS a_size, a.created_at AS a_created_at";

fn attachment_row(r: &DbRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: col(r, "a_id")?,
        record_id: col(r, "a_record_id")?,
        filename: col(r, "a_filename")?,
        content_type: col(r, "a_content_type")?,
        sha256: col(r, "a_sha256")?,
        size: col(r, "a_size")?,
        created_at: col_ts(r, "a_created_at")?,
    })
}

/// What the audit log keeps of a record: the row without its attachments (they have their
/// own entries).
fn record_json(row: &LedgerRow) -> Value {
    let mut v = to_json(row);
    if let Value::Object(m) = &mut v {
        m.remove("attachments");
    }
    v
}

/// The columns the store derives from a record's data, for filtering and sorting.
struct Derived {
    fields: String,
    indicators: String,
    record_date: Option<NaiveDate>,
    title: String,
    search_text: String,
}

fn derive(data: &RecordData) -> Derived {
    let kind = data.kind;
    let record_date = kind.date_field().and_then(|k| data.fields.date(k));
    let title = data.title();
    let search_text = kind
        .fields()
        .iter()
        .map(|spec| data.fields.display(spec.key))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    Derived {
        fields: data.fields.to_json(),
        indicators: serde_json::to_string(&data.indicators).unwrap_or_else(|_| "[]".into()),
        record_date,
        title,
        search_text,
    }
}

fn ledger_year_in_range(year: i32) -> Result<(), String> {
    fazhi_domain::ReportYear::parse(year)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

const RECORD_NOT_FOUND: &str = "台账记录";
const CONFLICT_MESSAGE: &str = "该记录已被他人修改，请刷新后重试";

/// One record (deleted or not) without attachments; `lock` appends [`LOCK_ROW`].
async fn fetch_record(c: &mut DbConn, id: RecordId, lock: bool) -> StoreResult<LedgerRow> {
    let sql = format!(
        "SELECT {LEDGER_COLS} FROM ledger_records r WHERE r.id = $1{}",
        if lock { LOCK_ROW } else { "" }
    );
    fetch_by_id(&mut *c, &sql, id, ledger_row)
        .await?
        .ok_or(StoreError::NotFound(RECORD_NOT_FOUND))
}

/// The live attachments of `records`, in the order they were added, by record.
async fn attachments_of<'e, E>(
    e: E,
    records: &[RecordId],
) -> StoreResult<HashMap<RecordId, Vec<Attachment>>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut out: HashMap<RecordId, Vec<Attachment>> = HashMap::new();
    if records.is_empty() {
        return Ok(out);
    }
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT {ATTACHMENT_COLS} FROM ledger_attachments a WHERE a.deleted_at IS NULL AND "
    ));
    push_id_set(&mut qb, "a.record_id", records);
    qb.push(" ORDER BY a.record_id, a.id");
    for r in qb.build().fetch_all(e).await.map_err(db)? {
        let a = attachment_row(&r)?;
        out.entry(a.record_id).or_default().push(a);
    }
    Ok(out)
}

/// A record (deleted or not) with its attachments.
async fn fetch_full_record(c: &mut DbConn, id: RecordId) -> StoreResult<LedgerRow> {
    let mut row = fetch_record(&mut *c, id, false).await?;
    row.attachments = attachments_of(&mut *c, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(row)
}

/// Rows per multi-row `INSERT` (well under both backends' limits on parameters).
const BATCH_ROWS: usize = 500;

/// Inserts records of one unit with their indicator tags and answers them as stored (version
/// 1, no attachments). Ids are reserved first, then multi-row INSERTs of [`BATCH_ROWS`]
/// records: a statement per batch rather than per row (a round trip each on PostgreSQL).
async fn insert_records(
    c: &mut DbConn,
    actor: &Actor,
    unit_id: UnitId,
    rows: &[RecordData],
    at: Timestamp,
) -> StoreResult<Vec<LedgerRow>> {
    let ids = reserve_record_ids(&mut *c, rows.len()).await?;
    for (chunk, chunk_ids) in rows.chunks(BATCH_ROWS).zip(ids.chunks(BATCH_ROWS)) {
        let derived: Vec<Derived> = chunk.iter().map(derive).collect();
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO ledger_records (id, unit_id, year, kind, fields, indicators, \
             record_date, title, search_text, version, created_at, created_by, updated_at, \
             updated_by, deleted_at) ",
        );
        qb.push_values(
            chunk.iter().zip(chunk_ids).zip(&derived),
            |mut b, ((data, id), d)| {
                b.push_bind(*id)
                    .push_bind(unit_id)
                    .push_bind(data.year)
                    .push_bind(data.kind.code())
                    .push_bind(d.fields.clone())
                    .push_bind(d.indicators.clone())
                    .push_bind(d.record_date)
                    .push_bind(d.title.clone())
                    .push_bind(d.search_text.clone())
                    .push_bind(1i64)
                    .push_bind(enc_ts(at))
                    .push_bind(actor.login.clone())
                    .push_bind(enc_ts(at))
                    .push_bind(actor.login.clone())
                    .push_bind(None::<DbTs>);
            },
        );
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    let tags: Vec<(RecordId, &str)> = rows
        .iter()
        .zip(&ids)
        .flat_map(|(data, &id)| data.indicators.iter().map(move |code| (id, code.as_str())))
        .collect();
    insert_indicators(&mut *c, &tags).await?;
    Ok(rows
        .iter()
        .zip(ids)
        .map(|(data, id)| LedgerRow {
            record: Record {
                id,
                unit_id,
                data: data.clone(),
            },
            version: 1,
            created_at: at,
            created_by: actor.login.clone(),
            updated_at: at,
            updated_by: actor.login.clone(),
            deleted_at: None,
            attachments: Vec::new(),
        })
        .collect())
}

/// Tags records with indicator codes (each code once per record).
async fn insert_indicators(c: &mut DbConn, tags: &[(RecordId, &str)]) -> StoreResult<()> {
    let mut seen = std::collections::HashSet::new();
    let tags: Vec<(RecordId, &str)> = tags
        .iter()
        .copied()
        .filter(|(id, code)| !code.is_empty() && seen.insert((*id, *code)))
        .collect();
    for chunk in tags.chunks(BATCH_ROWS) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO ledger_record_indicators (record_id, code) ");
        qb.push_values(chunk, |mut b, (id, code)| {
            b.push_bind(*id).push_bind(code.to_string());
        });
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    Ok(())
}

/// Several audit entries at once (the import), in the order given.
async fn append_audits(c: &mut DbConn, actor: &Actor, changes: Vec<Change>) -> StoreResult<()> {
    let at = now();
    for chunk in changes.chunks(BATCH_ROWS) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO audit_log (at, actor_user_id, actor_login, addr, action, entity, \
             entity_id, unit_id, region_path, before, after) ",
        );
        qb.push_values(chunk, |mut b, ch| {
            b.push_bind(enc_ts(at))
                .push_bind(actor.user_id)
                .push_bind(actor.login.clone())
                .push_bind(actor.addr.clone())
                .push_bind(ch.action)
                .push_bind(ch.entity)
                .push_bind(ch.entity_id)
                .push_bind(ch.place.unit)
                .push_bind(path_to_text(&ch.place.regions))
                .push_bind(ch.before.clone().map(Json))
                .push_bind(ch.after.clone().map(Json));
        });
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    Ok(())
}

/// The `WHERE` of a ledger list (shared by the page and its count).
fn push_ledger_where(qb: &mut QueryBuilder<'_, Db>, q: &LedgerQuery) {
    qb.push(" WHERE r.unit_id = ").push_bind(q.unit_id);
    if let Some(y) = q.year {
        qb.push(" AND r.year = ").push_bind(y);
    }
    if let Some(k) = q.kind {
        qb.push(" AND r.kind = ").push_bind(k.code());
    }
    if q.deleted_only {
        qb.push(" AND r.deleted_at IS NOT NULL");
    } else if !q.include_deleted {
        qb.push(" AND r.deleted_at IS NULL");
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", like_escape(&text.to_lowercase()));
        qb.push(" AND r.search_text LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
    }
    if let Some(code) = q
        .indicator
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let below = format!("{code}.");
        qb.push(
            " AND EXISTS (SELECT 1 FROM ledger_record_indicators i WHERE i.record_id = r.id \
             AND (i.code = ",
        )
        .push_bind(code.to_string())
        .push(" OR (i.code >= ")
        .push_bind(below.clone())
        .push(" AND i.code < ")
        .push_bind(prefix_upper(&below))
        .push(")))");
    }
    if let Some(from) = q.from {
        qb.push(" AND r.record_date >= ").push_bind(from);
    }
    if let Some(until) = q.until {
        qb.push(" AND r.record_date <= ").push_bind(until);
    }
    if let Some(ids) = &q.ids {
        qb.push(" AND ");
        push_id_set(qb, "r.id", ids);
    }
}

#[async_trait]
impl LedgerStore for Me {
    async fn create_record(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        data: &RecordData,
    ) -> StoreResult<LedgerRow> {
        ledger_year_in_range(data.year).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let place = unit_placement(&mut *tx, unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        let row = insert_records(&mut tx, actor, unit_id, std::slice::from_ref(data), now())
            .await?
            .remove(0);
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "record.create",
                entity: "record",
                entity_id: Some(row.record.id),
                place,
                before: None,
                after: Some(record_json(&row)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(row)
    }

    async fn update_record(
        &self,
        actor: &Actor,
        id: RecordId,
        data: &RecordData,
        version: i64,
    ) -> StoreResult<LedgerRow> {
        ledger_year_in_range(data.year).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let before = fetch_record(&mut tx, id, true).await?;
        if before.deleted_at.is_some() {
            return Err(StoreError::Invalid(
                "该记录已删除，不能修改；请先恢复".into(),
            ));
        }
        if data.kind != before.record.data.kind {
            return Err(StoreError::Invalid(format!(
                "台账记录的类别不能更改（本记录是“{}”）",
                before.record.data.kind.label()
            )));
        }
        if before.version != version {
            return Err(StoreError::Conflict(CONFLICT_MESSAGE.into()));
        }
        let d = derive(data);
        let at = now();
        let changed = sqlx::query(
            "UPDATE ledger_records SET year = $1, fields = $2, indicators = $3, \
             record_date = $4, title = $5, search_text = $6, version = version + 1, \
             updated_at = $7, updated_by = $8 WHERE id = $9 AND version = $10",
        )
        .bind(data.year)
        .bind(&d.fields)
        .bind(&d.indicators)
        .bind(d.record_date)
        .bind(&d.title)
        .bind(&d.search_text)
        .bind(enc_ts(at))
        .bind(&actor.login)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(CONFLICT_MESSAGE.into()));
        }
        sqlx::query("DELETE FROM ledger_record_indicators WHERE record_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let tags: Vec<(RecordId, &str)> =
            data.indicators.iter().map(|c| (id, c.as_str())).collect();
        insert_indicators(&mut tx, &tags).await?;
        let after = fetch_full_record(&mut tx, id).await?;
        let place = unit_placement(&mut *tx, after.record.unit_id)
            .await?
            .unwrap_or_default();
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "record.update",
                entity: "record",
                entity_id: Some(id),
                place,
                before: Some(record_json(&before)),
                after: Some(record_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    async fn delete_record(&self, actor: &Actor, id: RecordId) -> StoreResult<LedgerRow> {
        self.set_record_deleted(actor, id, true).await
    }

    async fn restore_record(&self, actor: &Actor, id: RecordId) -> StoreResult<LedgerRow> {
        self.set_record_deleted(actor, id, false).await
    }

    async fn record(&self, id: RecordId) -> StoreResult<LedgerRow> {
        let mut c = self.reader().acquire().await.map_err(db)?;
        fetch_full_record(&mut c, id).await
    }

    async fn records(&self, q: &LedgerQuery) -> StoreResult<Page<LedgerRow>> {
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM ledger_records r");
        push_ledger_where(&mut count, q);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)?;
        if total == 0 {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT {LEDGER_COLS} FROM ledger_records r"));
        push_ledger_where(&mut qb, q);
        qb.push(" ORDER BY r.record_date DESC NULLS LAST, r.id DESC LIMIT ");
        let limit = if q.limit == 0 {
            i64::MAX
        } else {
            i64::from(q.limit.min(MAX_PAGE))
        };
        qb.push_bind(limit)
            .push(" OFFSET ")
            .push_bind(i64::from(q.offset));
        let mut items = qb
            .build()
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(ledger_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let ids: Vec<RecordId> = items.iter().map(|r| r.record.id).collect();
        let mut attachments = attachments_of(self.reader(), &ids).await?;
        for row in &mut items {
            row.attachments = attachments.remove(&row.record.id).unwrap_or_default();
        }
        Ok(Page { items, total })
    }

    async fn import_records(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        rows: &[RecordData],
    ) -> StoreResult<u64> {
        let bad: Vec<RowError> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                ledger_year_in_range(r.year).err().map(|message| RowError {
                    line: i + 1,
                    message,
                })
            })
            .collect();
        if !bad.is_empty() {
            return Err(StoreError::Rows(bad));
        }
        let mut tx = self.begin_write().await?;
        let place = unit_placement(&mut *tx, unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        if rows.is_empty() {
            return Ok(0);
        }
        let inserted = insert_records(&mut tx, actor, unit_id, rows, now()).await?;
        let mut changes: Vec<Change> = inserted
            .iter()
            .map(|row| Change {
                action: "record.create",
                entity: "record",
                entity_id: Some(row.record.id),
                place: place.clone(),
                before: None,
                after: Some(record_json(row)),
            })
            .collect();
        let first = rows[0].kind;
        let kind = rows.iter().all(|r| r.kind == first).then(|| first.code());
        changes.push(Change {
            action: "record.import",
            entity: "record",
            entity_id: None,
            place,
            before: None,
            after: Some(json!({ "kind": kind, "count": rows.len() })),
        });
        append_audits(&mut tx, actor, changes).await?;
        tx.commit().await.map_err(db)?;
        Ok(rows.len() as u64)
    }

    async fn add_attachment(
        &self,
        actor: &Actor,
        record_id: RecordId,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<Attachment> {
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::Invalid(format!(
                "附件超过 {} MB 的大小限制",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        let filename = filename.trim();
        if filename.is_empty() {
            return Err(StoreError::Invalid("附件的文件名为空".into()));
        }
        if filename.chars().count() > MAX_FILENAME_CHARS {
            return Err(StoreError::Invalid(format!(
                "附件的文件名超过 {MAX_FILENAME_CHARS} 个字符的长度限制"
            )));
        }
        let digest = sha256_hex(bytes);
        let mut tx = self.begin_write().await?;
        let record = fetch_record(&mut tx, record_id, true).await?;
        if record.deleted_at.is_some() {
            return Err(StoreError::Invalid(
                "该记录已删除，不能添加附件；请先恢复".into(),
            ));
        }
        let place = unit_placement(&mut *tx, record.record.unit_id)
            .await?
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&digest)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ledger_attachments (record_id, filename, content_type, sha256, size, \
             created_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id",
        )
        .bind(record_id)
        .bind(filename)
        .bind(content_type)
        .bind(&digest)
        .bind(bytes.len() as i64)
        .bind(enc_ts(at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let attachment = Attachment {
            id,
            record_id,
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            sha256: digest,
            size: bytes.len() as i64,
            created_at: at,
        };
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "attachment.create",
                entity: "attachment",
                entity_id: Some(id),
                place,
                before: None,
                after: Some(to_json(&attachment)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(attachment)
    }

    async fn attachment(&self, id: i64) -> StoreResult<(Attachment, Vec<u8>)> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS}, b.bytes AS a_bytes FROM ledger_attachments a \
             JOIN blobs b ON b.sha256 = a.sha256 WHERE a.id = $1 AND a.deleted_at IS NULL"
        );
        fetch_by_id(self.reader(), &sql, id, |r| {
            Ok((attachment_row(r)?, col::<Vec<u8>>(r, "a_bytes")?))
        })
        .await?
        .ok_or(StoreError::NotFound("附件"))
    }

    async fn delete_attachment(&self, actor: &Actor, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {ATTACHMENT_COLS}, r.unit_id AS a_unit_id FROM ledger_attachments a \
             JOIN ledger_records r ON r.id = a.record_id \
             WHERE a.id = $1 AND a.deleted_at IS NULL{LOCK_ROW}"
        );
        let (attachment, unit_id) = fetch_by_id(&mut *tx, &sql, id, |r| {
            Ok((attachment_row(r)?, col::<i64>(r, "a_unit_id")?))
        })
        .await?
        .ok_or(StoreError::NotFound("附件"))?;
        sqlx::query("UPDATE ledger_attachments SET deleted_at = $1 WHERE id = $2")
            .bind(enc_ts(now()))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let place = unit_placement(&mut *tx, unit_id).await?.unwrap_or_default();
        append_audit(
            &mut tx,
            actor,
            Change {
                action: "attachment.delete",
                entity: "attachment",
                entity_id: Some(id),
                place,
                before: Some(to_json(&attachment)),
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn ledger_years(&self, unit_id: UnitId) -> StoreResult<Vec<i32>> {
        sqlx::query_scalar(
            "SELECT DISTINCT year FROM ledger_records WHERE unit_id = $1 AND deleted_at IS NULL \
             ORDER BY year DESC",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await
        .map_err(db)
    }
}

/// Longest attachment file name kept (characters).
const MAX_FILENAME_CHARS: usize = 255;

impl Me {
    /// Soft-deletes (`deleted`) or restores a record; a record already in that state is
    /// answered as it is, without a change or an audit entry.
    async fn set_record_deleted(
        &self,
        actor: &Actor,
        id: RecordId,
        deleted: bool,
    ) -> StoreResult<LedgerRow> {
        let mut tx = self.begin_write().await?;
        let before = fetch_record(&mut tx, id, true).await?;
        if before.deleted_at.is_some() == deleted {
            let row = fetch_full_record(&mut tx, id).await?;
            tx.commit().await.map_err(db)?;
            return Ok(row);
        }
        let at = now();
        sqlx::query(
            "UPDATE ledger_records SET deleted_at = $1, version = version + 1, updated_at = $2, \
             updated_by = $3 WHERE id = $4",
        )
        .bind(deleted.then(|| enc_ts(at)))
        .bind(enc_ts(at))
        .bind(&actor.login)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let after = fetch_full_record(&mut tx, id).await?;
        let place = unit_placement(&mut *tx, after.record.unit_id)
            .await?
            .unwrap_or_default();
        append_audit(
            &mut tx,
            actor,
            Change {
                action: if deleted {
                    "record.delete"
                } else {
                    "record.restore"
                },
                entity: "record",
                entity_id: Some(id),
                place,
                before: Some(record_json(&before)),
                after: Some(record_json(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }
}
