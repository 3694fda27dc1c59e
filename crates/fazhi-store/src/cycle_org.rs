//! The reporting cycle's settings and messages ([`crate::CycleStore`]): deadlines per region
//! and year, the 上级业务主管部门 of a unit, notifications and the accounts to address.

use crate::cycle::insert_notifications;
use crate::prelude::*;
use crate::{sql::DbPool, NotificationId};
use fazhi_domain::cycle::DeadlineSetting;
use fazhi_domain::{MonthDay, Role};

fn month_day(s: Option<String>) -> StoreResult<Option<MonthDay>> {
    s.map(|s| MonthDay::parse(&s).map_err(|_| StoreError::Backend(format!("时限格式无效：{s}"))))
        .transpose()
}

fn kinds_text(kinds: &[UnitKind]) -> String {
    kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(",")
}

fn kinds_from_text(s: &str) -> StoreResult<Vec<UnitKind>> {
    s.split(',')
        .filter(|k| !k.is_empty())
        .map(kind_from_key)
        .collect()
}

/// The JSON of a setting for the audit log.
fn setting_json(s: &DeadlineSetting) -> Value {
    json!({
        "submission": s.submission.map(|d| d.to_string()),
        "publication": s.publication.map(|d| d.to_string()),
        "kinds": s.kinds.as_deref().map(kinds_text),
        "outline": s.outline,
    })
}

fn setting_row(r: &DbRow) -> StoreResult<(RegionId, DeadlineSetting)> {
    Ok((
        id_col(r, "region_id")?,
        DeadlineSetting {
            submission: month_day(col(r, "submission")?)?,
            publication: month_day(col(r, "publication")?)?,
            kinds: col::<Option<String>>(r, "kinds")?
                .map(|k| kinds_from_text(&k))
                .transpose()?,
            outline: col(r, "outline")?,
        },
    ))
}

const SETTING_COLS: &str = "region_id, submission, publication, kinds, outline";

/// `col IN ($a, $b …)` for a short list of ids (a region chain); `FALSE` when empty.
fn push_in(qb: &mut QueryBuilder<'_>, col: &str, ids: &[i64]) {
    if ids.is_empty() {
        qb.push(" 1 = 0");
        return;
    }
    qb.push(format_args!(" {col} IN ("));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        qb.push_bind(*id);
    }
    qb.push(")");
}

pub(crate) async fn deadline_settings(
    pool: &DbPool,
    year: i32,
    regions: &[RegionId],
) -> StoreResult<Vec<(RegionId, DeadlineSetting)>> {
    let mut qb = QueryBuilder::new(format!(
        "SELECT {SETTING_COLS} FROM deadline_settings WHERE year = "
    ));
    qb.push_bind(year).push(" AND");
    let ids: Vec<i64> = regions.iter().map(|r| r.0).collect();
    push_in(&mut qb, "region_id", &ids);
    qb.push(" ORDER BY region_id");
    qb.build().fetch_all_mapped(pool, setting_row).await
}

pub(crate) async fn set_deadline_setting(
    mut tx: DbConn,
    actor: &Actor,
    region: RegionId,
    year: i32,
    setting: &DeadlineSetting,
) -> StoreResult<()> {
    let path = region_path(&mut tx, region)
        .await?
        .ok_or(StoreError::NotFound("区划"))?;
    let sql = format!(
        "SELECT {SETTING_COLS} FROM deadline_settings WHERE region_id = $1 AND year = $2{}",
        tx.lock_row()
    );
    let before = query(&sql)
        .bind(region)
        .bind(year)
        .fetch_optional_mapped(&mut tx, setting_row)
        .await?
        .map(|(_, s)| s);
    if setting.is_empty() {
        query("DELETE FROM deadline_settings WHERE region_id = $1 AND year = $2")
            .bind(region)
            .bind(year)
            .execute(&mut tx)
            .await
            .map_err(db)?;
    } else {
        query(
            "INSERT INTO deadline_settings (region_id, year, submission, publication, kinds, \
             outline, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (region_id, year) DO UPDATE SET submission = excluded.submission, \
             publication = excluded.publication, kinds = excluded.kinds, \
             outline = excluded.outline, updated_at = excluded.updated_at",
        )
        .bind(region)
        .bind(year)
        .bind(setting.submission.map(|d| d.to_string()))
        .bind(setting.publication.map(|d| d.to_string()))
        .bind(setting.kinds.as_deref().map(kinds_text))
        .bind(setting.outline.clone())
        .bind(now())
        .execute(&mut tx)
        .await
        .map_err(db)?;
    }
    let with_year = |s: &DeadlineSetting| {
        let mut v = setting_json(s);
        v["year"] = json!(year);
        v
    };
    let mut change = Change::new(
        "deadline.set",
        "deadline",
        Some(region.0),
        Placement::region(path_from_text(&path)?),
    );
    if let Some(b) = &before {
        change = change.before(with_year(b));
    }
    if !setting.is_empty() {
        change = change.after(with_year(setting));
    }
    audit_and_commit(tx, actor, change).await
}

/// The superior of `unit` (`None` when it has none).
pub(crate) async fn superior_of<'e, E: Executor<'e>>(
    e: E,
    unit: UnitId,
) -> StoreResult<Option<UnitId>> {
    let found: Option<Option<i64>> =
        query_scalar("SELECT superior_unit_id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(e)
            .await
            .map_err(db)?;
    match found {
        Some(s) => Ok(s.map(UnitId)),
        None => Err(StoreError::NotFound("单位")),
    }
}

pub(crate) async fn set_superior_unit(
    mut tx: DbConn,
    actor: &Actor,
    unit: UnitId,
    superior: Option<UnitId>,
) -> StoreResult<()> {
    let before = superior_of(&mut tx, unit).await?;
    if let Some(sup) = superior {
        if sup == unit {
            return Err(StoreError::Invalid(
                "单位不能是自己的上级业务主管部门".into(),
            ));
        }
        // Up the chain from the new superior: reaching the unit would make a cycle. The
        // chain is short; its length is bounded by the number of units all the same.
        let mut at = Some(sup);
        let mut seen = Vec::new();
        while let Some(u) = at {
            if u == unit {
                return Err(StoreError::Invalid(
                    "所选上级业务主管部门是本单位的下级，不能互为上级".into(),
                ));
            }
            if seen.contains(&u) {
                break;
            }
            seen.push(u);
            at = superior_of(&mut tx, u).await?;
        }
    }
    query("UPDATE units SET superior_unit_id = $1 WHERE id = $2")
        .bind(superior)
        .bind(unit)
        .execute(&mut tx)
        .await
        .map_err(db)?;
    let place = unit_placement(&mut tx, unit)
        .await?
        .ok_or(StoreError::NotFound("单位"))?;
    audit_and_commit(
        tx,
        actor,
        Change::new("unit.superior", "unit", Some(unit.0), place)
            .before(json!({ "superior_unit_id": before }))
            .after(json!({ "superior_unit_id": superior })),
    )
    .await
}

pub(crate) async fn subordinate_units(pool: &DbPool, superior: UnitId) -> StoreResult<Vec<UnitId>> {
    let ids: Vec<i64> =
        query_scalar("SELECT id FROM units WHERE superior_unit_id = $1 ORDER BY code, id")
            .bind(superior)
            .fetch_all(pool)
            .await
            .map_err(db)?;
    Ok(ids.into_iter().map(UnitId).collect())
}

/// A page size asked as 0 is this many rows (the board's and the notifications').
pub(crate) fn page_limit(limit: u32) -> u32 {
    if limit == 0 {
        50
    } else {
        limit
    }
}

pub(crate) async fn notifications(
    pool: &DbPool,
    user: UserId,
    unread_only: bool,
    offset: u32,
    limit: u32,
) -> StoreResult<Page<Notification>> {
    let unread = if unread_only {
        " AND read_at IS NULL"
    } else {
        ""
    };
    let total: i64 = query_scalar(&format!(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1{unread}"
    ))
    .bind(user)
    .fetch_one(pool)
    .await
    .map_err(db)?;
    let sql = format!(
        "SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = $1{unread} \
         ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    let items = query(&sql)
        .bind(user)
        .bind(i64::from(page_limit(limit).min(MAX_PAGE)))
        .bind(i64::from(offset))
        .fetch_all_mapped(pool, notification_row)
        .await?;
    Ok(Page { items, total })
}

pub(crate) async fn unread_notifications(pool: &DbPool, user: UserId) -> StoreResult<i64> {
    query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user)
        .fetch_one(pool)
        .await
        .map_err(db)
}

pub(crate) async fn mark_notifications_read(
    mut tx: DbConn,
    user: UserId,
    id: Option<NotificationId>,
) -> StoreResult<u64> {
    let mut qb = QueryBuilder::new("UPDATE notifications SET read_at = ");
    qb.push_bind(now());
    qb.push(" WHERE user_id = ").push_bind(user);
    qb.push(" AND read_at IS NULL");
    if let Some(id) = id {
        // Another account's message does not exist for this one.
        let owner: Option<i64> = query_scalar("SELECT user_id FROM notifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut tx)
            .await
            .map_err(db)?;
        if owner != Some(user.0) {
            return Err(StoreError::NotFound("通知"));
        }
        qb.push(" AND id = ").push_bind(id);
    }
    let done = qb.build().execute(&mut tx).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn add_notifications(
    mut tx: DbConn,
    items: &[NewNotification],
) -> StoreResult<u64> {
    let n = insert_notifications(&mut tx, items, now()).await?;
    tx.commit().await.map_err(db)?;
    Ok(n)
}

pub(crate) async fn users_with_role_at(
    pool: &DbPool,
    place: &Placement,
    role: Role,
) -> StoreResult<Vec<UserId>> {
    let mut qb = QueryBuilder::new(
        "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE NOT u.disabled AND g.role = ",
    );
    qb.push_bind(role.key());
    qb.push(" AND ((g.node_type = 'region' AND");
    let regions: Vec<i64> = place.regions.iter().map(|r| r.0).collect();
    push_in(&mut qb, "g.node_id", &regions);
    qb.push(")");
    if let Some(unit) = place.unit {
        qb.push(" OR (g.node_type = 'unit' AND g.node_id = ")
            .push_bind(unit)
            .push(")");
    }
    qb.push(") ORDER BY g.user_id");
    let ids: Vec<i64> = qb.build_query_scalar().fetch_all(pool).await.map_err(db)?;
    Ok(ids.into_iter().map(UserId).collect())
}
