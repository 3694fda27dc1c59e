//! Rows → models: the column lists and mappers of each table, and single-row reads usable
//! on the read pool or inside a write transaction.

use crate::prelude::*;

/// Reads one column, mapping a decoding failure to a backend error.
pub(crate) fn col<T: Col>(row: &DbRow, name: &str) -> StoreResult<T> {
    row.try_get(name).map_err(db)
}

/// Reads one id column (or an optional one) as its domain type.
pub(crate) fn id_col<T: IdCol>(row: &DbRow, name: &str) -> StoreResult<T> {
    col::<T::Raw>(row, name).map(T::from_raw)
}

pub(crate) fn col_ts(row: &DbRow, name: &str) -> StoreResult<Timestamp> {
    row.ts(name)
}

pub(crate) fn col_ts_opt(row: &DbRow, name: &str) -> StoreResult<Option<Timestamp>> {
    row.ts_opt(name)
}

// ---------------------------------------------------------------------------------------
// Rows → models

pub(crate) const REGION_COLS: &str = "id, parent_id, code, name, level, path";

pub(crate) fn region_row(r: &DbRow) -> StoreResult<Region> {
    Ok(Region {
        id: id_col(r, "id")?,
        parent_id: id_col(r, "parent_id")?,
        code: col(r, "code")?,
        name: col(r, "name")?,
        level: level_from_key(&col::<String>(r, "level")?)?,
        path: path_from_text(&col::<String>(r, "path")?)?,
    })
}

/// A unit and its region's path, from `units un JOIN regions ur ON ur.id = un.region_id`.
pub(crate) const UNIT_COLS: &str =
    "un.id AS un_id, un.region_id AS un_region_id, un.code AS un_code, \
     un.name AS un_name, un.short_name AS un_short_name, un.kind AS un_kind, ur.path AS un_path";

pub(crate) fn unit_row(r: &DbRow) -> StoreResult<Unit> {
    Ok(Unit {
        id: id_col(r, "un_id")?,
        region_id: id_col(r, "un_region_id")?,
        code: col(r, "un_code")?,
        name: col(r, "un_name")?,
        short_name: col(r, "un_short_name")?,
        kind: kind_from_key(&col::<String>(r, "un_kind")?)?,
        region_path: path_from_text(&col::<String>(r, "un_path")?)?,
    })
}

pub(crate) const USER_COLS: &str =
    "u.id AS u_id, u.login AS u_login, u.display_name AS u_display_name, \
     u.password_hash AS u_password_hash, u.disabled AS u_disabled, \
     u.must_change_password AS u_must_change_password, u.created_at AS u_created_at";

pub(crate) fn user_row(r: &DbRow) -> StoreResult<User> {
    Ok(User {
        id: id_col(r, "u_id")?,
        login: col(r, "u_login")?,
        display_name: col(r, "u_display_name")?,
        password_hash: col(r, "u_password_hash")?,
        disabled: col(r, "u_disabled")?,
        must_change_password: col(r, "u_must_change_password")?,
        created_at: col_ts(r, "u_created_at")?,
    })
}

pub(crate) const GRANT_COLS: &str = "id, user_id, role, node_type, node_id";

pub(crate) fn grant_row(r: &DbRow) -> StoreResult<RoleGrant> {
    let node_id: i64 = col(r, "node_id")?;
    let node = match col::<String>(r, "node_type")?.as_str() {
        "region" => Node::Region(RegionId(node_id)),
        "unit" => Node::Unit(UnitId(node_id)),
        other => return Err(StoreError::Backend(format!("未知的授权节点类型：{other}"))),
    };
    Ok(RoleGrant {
        id: id_col(r, "id")?,
        user_id: id_col(r, "user_id")?,
        grant: Grant {
            role: role_from_key(&col::<String>(r, "role")?)?,
            node,
        },
    })
}

pub(crate) fn node_key(node: Node) -> (&'static str, i64) {
    match node {
        Node::Region(id) => ("region", id.0),
        Node::Unit(id) => ("unit", id.0),
    }
}

pub(crate) const TOKEN_COLS: &str = "t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, \
     t.token_hash AS t_token_hash, t.created_at AS t_created_at, t.revoked AS t_revoked";

pub(crate) fn token_row(r: &DbRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: id_col(r, "t_id")?,
        user_id: id_col(r, "t_user_id")?,
        name: col(r, "t_name")?,
        token_hash: col(r, "t_token_hash")?,
        created_at: col_ts(r, "t_created_at")?,
        revoked: col(r, "t_revoked")?,
    })
}

pub(crate) const SESSION_COLS: &str = "s.token_hash AS s_token_hash, s.user_id AS s_user_id, \
     s.csrf_token AS s_csrf_token, s.created_at AS s_created_at, \
     s.expires_at AS s_expires_at, s.addr AS s_addr";

pub(crate) fn session_row(r: &DbRow) -> StoreResult<Session> {
    Ok(Session {
        token_hash: col(r, "s_token_hash")?,
        user_id: id_col(r, "s_user_id")?,
        csrf_token: col(r, "s_csrf_token")?,
        created_at: col_ts(r, "s_created_at")?,
        expires_at: col_ts(r, "s_expires_at")?,
        addr: col(r, "s_addr")?,
    })
}

/// What the audit log keeps of a session: never the token hash or the CSRF token.
pub(crate) fn session_json(s: &Session) -> Value {
    json!({
        "user_id": s.user_id,
        "created_at": s.created_at,
        "expires_at": s.expires_at,
        "addr": s.addr,
    })
}

/// An upload's list columns, from `uploads up JOIN units un ON un.id = up.unit_id`.
pub(crate) const UPLOAD_COLS: &str =
    "up.id AS up_id, up.unit_id AS up_unit_id, un.name AS up_unit_name, \
     up.year AS up_year, up.filename AS up_filename, up.title AS up_title, \
     up.sha256 AS up_sha256, up.size AS up_size, up.status AS up_status, up.error AS up_error, \
     up.score AS up_score, up.errors AS up_errors, up.warnings AS up_warnings, \
     up.infos AS up_infos, up.uploaded_by AS up_uploaded_by, \
     up.uploaded_by_login AS up_uploaded_by_login, up.uploaded_at AS up_uploaded_at, \
     up.published_at AS up_published_at";

pub(crate) fn upload_row(r: &DbRow) -> StoreResult<UploadSummary> {
    Ok(UploadSummary {
        id: id_col(r, "up_id")?,
        unit_id: id_col(r, "up_unit_id")?,
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
        uploaded_by: id_col(r, "up_uploaded_by")?,
        uploaded_by_login: col(r, "up_uploaded_by_login")?,
        uploaded_at: col_ts(r, "up_uploaded_at")?,
        published_at: col_ts_opt(r, "up_published_at")?,
    })
}

pub(crate) const AUDIT_COLS: &str =
    "id, at, actor_user_id, actor_login, addr, action, entity, entity_id, \
     unit_id, region_path, before, after";

pub(crate) fn audit_row(r: &DbRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: id_col(r, "id")?,
        at: col_ts(r, "at")?,
        actor_user_id: id_col(r, "actor_user_id")?,
        actor_login: col(r, "actor_login")?,
        addr: col(r, "addr")?,
        action: col(r, "action")?,
        entity: col(r, "entity")?,
        entity_id: col(r, "entity_id")?,
        unit_id: id_col(r, "unit_id")?,
        region_path: path_from_text(&col::<String>(r, "region_path")?)?,
        before: dec_json(col::<Option<Json<Value>>>(r, "before")?),
        after: dec_json(col::<Option<Json<Value>>>(r, "after")?),
    })
}

// ---------------------------------------------------------------------------------------
// Single-row reads, usable on the read pool or inside a write transaction

pub(crate) async fn fetch_region<'e, E>(e: E, id: RegionId) -> StoreResult<Option<Region>>
where
    E: Executor<'e>,
{
    let sql = format!("SELECT {REGION_COLS} FROM regions WHERE id = $1");
    query(&sql)
        .bind(id)
        .fetch_optional_mapped(e, region_row)
        .await
}

/// The path text (`/1/5/`) of a region, `None` when there is no such region.
pub(crate) async fn region_path<'e, E>(e: E, id: RegionId) -> StoreResult<Option<String>>
where
    E: Executor<'e>,
{
    query_scalar("SELECT path FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(db)
}

/// One row by id through `sql` (with `$1` for the id), mapped by `map`; `None` when absent.
pub(crate) async fn fetch_by_id<'e, E, T>(
    e: E,
    sql: &str,
    id: i64,
    map: fn(&DbRow) -> StoreResult<T>,
) -> StoreResult<Option<T>>
where
    E: Executor<'e>,
{
    query(sql).bind(id).fetch_optional_mapped(e, map).await
}

pub(crate) async fn fetch_unit<'e, E>(e: E, id: UnitId) -> StoreResult<Option<Unit>>
where
    E: Executor<'e>,
{
    let sql = format!(
        "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id WHERE un.id = $1"
    );
    fetch_by_id(e, &sql, id.0, unit_row).await
}

pub(crate) async fn fetch_user<'e, E>(e: E, id: UserId) -> StoreResult<Option<User>>
where
    E: Executor<'e>,
{
    let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1");
    fetch_by_id(e, &sql, id.0, user_row).await
}

pub(crate) async fn fetch_upload<'e, E>(e: E, id: UploadId) -> StoreResult<Option<UploadSummary>>
where
    E: Executor<'e>,
{
    let sql = format!(
        "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id WHERE up.id = $1"
    );
    fetch_by_id(e, &sql, id.0, upload_row).await
}

pub(crate) async fn fetch_token<'e, E>(e: E, id: TokenId) -> StoreResult<Option<ApiToken>>
where
    E: Executor<'e>,
{
    let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.id = $1");
    fetch_by_id(e, &sql, id.0, token_row).await
}
