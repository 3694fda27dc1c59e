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

// ---------------------------------------------------------------------------------------
// The reporting cycle

/// A report's status row, from `reports r` (a `LEFT JOIN` reads `r_id` as `NULL` when none).
pub(crate) const REPORT_COLS: &str =
    "r.id AS r_id, r.unit_id AS r_unit_id, r.year AS r_year, r.state AS r_state, \
     r.current_version_id AS r_current_version_id, r.versions AS r_versions, \
     r.submitted_at AS r_submitted_at, r.submitted_on_time AS r_submitted_on_time, \
     r.published_at AS r_published_at, r.published_on_time AS r_published_on_time, \
     r.score AS r_score, r.errors AS r_errors, r.warnings AS r_warnings, r.infos AS r_infos, \
     r.updated_at AS r_updated_at, r.revision AS r_revision";

pub(crate) fn state_from_key(s: &str) -> StoreResult<ReportState> {
    ReportState::ALL
        .into_iter()
        .find(|st| st.key() == s)
        .ok_or_else(|| StoreError::Backend(format!("未知的报告状态：{s}")))
}

pub(crate) fn step_from_key(s: &str) -> StoreResult<Step> {
    Step::ALL
        .into_iter()
        .find(|st| st.key() == s)
        .ok_or_else(|| StoreError::Backend(format!("未知的报告步骤：{s}")))
}

pub(crate) fn report_row(r: &DbRow) -> StoreResult<CycleReport> {
    Ok(CycleReport {
        id: id_col(r, "r_id")?,
        unit_id: id_col(r, "r_unit_id")?,
        year: col(r, "r_year")?,
        state: state_from_key(&col::<String>(r, "r_state")?)?,
        current_version: id_col(r, "r_current_version_id")?,
        versions: col(r, "r_versions")?,
        submitted_at: col_ts_opt(r, "r_submitted_at")?,
        submitted_on_time: col(r, "r_submitted_on_time")?,
        published_at: col_ts_opt(r, "r_published_at")?,
        published_on_time: col(r, "r_published_on_time")?,
        score: col(r, "r_score")?,
        errors: col(r, "r_errors")?,
        warnings: col(r, "r_warnings")?,
        infos: col(r, "r_infos")?,
        updated_at: col_ts(r, "r_updated_at")?,
        revision: col(r, "r_revision")?,
    })
}

/// The report of a `LEFT JOIN reports r`, `None` when the row has none.
pub(crate) fn report_row_opt(r: &DbRow) -> StoreResult<Option<CycleReport>> {
    match col::<Option<i64>>(r, "r_id")? {
        Some(_) => report_row(r).map(Some),
        None => Ok(None),
    }
}

/// A version with its upload, from
/// `report_versions v JOIN uploads up ON up.id = v.upload_id JOIN units un ON un.id = up.unit_id`.
pub(crate) const VERSION_COLS: &str =
    "v.id AS v_id, v.report_id AS v_report_id, v.n AS v_n, v.created_at AS v_created_at, \
     v.created_by_login AS v_created_by_login, v.approved_at AS v_approved_at, \
     v.approved_by_login AS v_approved_by_login, v.published_at AS v_published_at, \
     v.superseded_at AS v_superseded_at, v.correction_note AS v_correction_note";

pub(crate) fn version_row(r: &DbRow) -> StoreResult<ReportVersion> {
    Ok(ReportVersion {
        id: id_col(r, "v_id")?,
        report_id: id_col(r, "v_report_id")?,
        n: col(r, "v_n")?,
        upload: upload_row(r)?,
        created_at: col_ts(r, "v_created_at")?,
        created_by_login: col(r, "v_created_by_login")?,
        approved_at: col_ts_opt(r, "v_approved_at")?,
        approved_by_login: col(r, "v_approved_by_login")?,
        published_at: col_ts_opt(r, "v_published_at")?,
        superseded_at: col_ts_opt(r, "v_superseded_at")?,
        correction_note: col(r, "v_correction_note")?,
    })
}

pub(crate) const EVENT_COLS: &str =
    "id, report_id, step, from_state, to_state, version_id, actor_id, actor_login, at, comment";

pub(crate) fn event_row(r: &DbRow) -> StoreResult<ReportEvent> {
    Ok(ReportEvent {
        id: col(r, "id")?,
        report_id: id_col(r, "report_id")?,
        step: step_from_key(&col::<String>(r, "step")?)?,
        from_state: col::<Option<String>>(r, "from_state")?
            .map(|s| state_from_key(&s))
            .transpose()?,
        to_state: state_from_key(&col::<String>(r, "to_state")?)?,
        version_id: id_col(r, "version_id")?,
        actor_id: id_col(r, "actor_id")?,
        actor_login: col(r, "actor_login")?,
        at: col_ts(r, "at")?,
        comment: col(r, "comment")?,
    })
}

pub(crate) const COMMENT_COLS: &str =
    "id, report_id, event_id, version_id, anchor, quote, body, author_login, at";

pub(crate) fn comment_row(r: &DbRow) -> StoreResult<ReviewComment> {
    Ok(ReviewComment {
        id: id_col(r, "id")?,
        report_id: id_col(r, "report_id")?,
        event_id: col(r, "event_id")?,
        version_id: id_col(r, "version_id")?,
        anchor: col(r, "anchor")?,
        quote: col(r, "quote")?,
        body: col(r, "body")?,
        author_login: col(r, "author_login")?,
        at: col_ts(r, "at")?,
    })
}

pub(crate) const REVIEW_COLS: &str = "id, report_id, version_id, reviewer, reviewed_on, \
     conclusion, reason, recorded_by_login, recorded_at";

pub(crate) fn review_row(r: &DbRow) -> StoreResult<ConfidentialityReview> {
    let conclusion = match col::<String>(r, "conclusion")?.as_str() {
        "publishable" => Confidentiality::Publishable,
        "not_publishable" => {
            Confidentiality::NotPublishable(col::<Option<String>>(r, "reason")?.unwrap_or_default())
        }
        other => return Err(StoreError::Backend(format!("未知的保密审查结论：{other}"))),
    };
    Ok(ConfidentialityReview {
        id: col(r, "id")?,
        report_id: id_col(r, "report_id")?,
        version_id: id_col(r, "version_id")?,
        reviewer: col(r, "reviewer")?,
        reviewed_on: col(r, "reviewed_on")?,
        conclusion,
        recorded_by_login: col(r, "recorded_by_login")?,
        recorded_at: col_ts(r, "recorded_at")?,
    })
}

pub(crate) const NOTIFICATION_COLS: &str =
    "id, user_id, kind, unit_id, report_id, year, message, link, created_at, read_at";

pub(crate) fn notification_row(r: &DbRow) -> StoreResult<Notification> {
    Ok(Notification {
        id: id_col(r, "id")?,
        user_id: id_col(r, "user_id")?,
        kind: col(r, "kind")?,
        unit_id: id_col(r, "unit_id")?,
        report_id: id_col(r, "report_id")?,
        year: col(r, "year")?,
        message: col(r, "message")?,
        link: col(r, "link")?,
        created_at: col_ts(r, "created_at")?,
        read_at: col_ts_opt(r, "read_at")?,
    })
}

/// One report by its id (locked for the transaction's change when `lock` is given).
pub(crate) async fn fetch_report(
    c: &mut DbConn,
    id: ReportId,
    lock: bool,
) -> StoreResult<Option<CycleReport>> {
    let sql = format!(
        "SELECT {REPORT_COLS} FROM reports r WHERE r.id = $1{}",
        if lock { c.lock_row() } else { "" }
    );
    fetch_by_id(&mut *c, &sql, id.0, report_row).await
}
