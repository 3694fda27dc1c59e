//! The audit log, for supervisors and admins of a region.

use super::dto::{AuditEntry, AuditPage, AuditQuery, ErrorResponse};
use super::extract::ApiQuery;
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::{ops, AppState};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use fazhi_domain::{AuditId, RegionId};
use fazhi_store::AuditFilter;

/// Entries a page holds when the caller does not say.
const DEFAULT_LIMIT: u32 = 100;
/// Most entries of one page.
const MAX_LIMIT: u32 = 1000;

/// Dates without a time are days in China Standard Time, as the people using the log live.
fn china() -> FixedOffset {
    fazhi_domain::cycle::china()
}

/// An RFC 3339 time, or a date meaning the start of that day (`end_of_day`: of the next
/// day, so that an `until` date includes the day it names).
fn parse_time(name: &str, value: &str, end_of_day: bool) -> Result<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        Error::BadRequest(format!(
            "参数 {name} 须为日期（如 2025-03-31）或 RFC 3339 时间"
        ))
    })?;
    let day = if end_of_day {
        date.checked_add_days(Days::new(1)).unwrap_or(date)
    } else {
        date
    };
    let start = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    start
        .and_local_timezone(china())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::BadRequest(format!("参数 {name} 的日期无效")))
}

/// 审计日志
///
/// 某区划及其下级的操作记录（最新的在前），可按操作人、操作、对象、时间筛选，用
/// before_id 翻页。须在该区划有督察员或系统管理员角色。
#[utoipa::path(
    get,
    path = "/audit",
    tag = "审计",
    params(AuditQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "审计日志", body = AuditPage),
        (status = 422, description = "查询参数有误", body = ErrorResponse),
    )
)]
pub async fn audit(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>> {
    let text = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let from = text(q.from)
        .map(|v| parse_time("from", &v, false))
        .transpose()?;
    let until = text(q.until)
        .map(|v| parse_time("until", &v, true))
        .transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = AuditFilter {
        region_id: q.region.map(RegionId),
        actor_login: text(q.actor),
        action_prefix: text(q.action),
        entity: text(q.entity),
        from,
        until,
        before_id: q.before_id.map(AuditId),
        limit,
    };
    let entries = ops::audit::audit(&state, &p, &filter).await?;
    let next_before_id = if entries.len() as u32 >= limit {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        items: entries.into_iter().map(AuditEntry::from).collect(),
        next_before_id: next_before_id.map(|v| v.0),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_in_china() {
        let from = parse_time("from", "2025-03-01", false).unwrap();
        assert_eq!(from.to_rfc3339(), "2025-02-28T16:00:00+00:00");
        let until = parse_time("until", "2025-03-01", true).unwrap();
        assert_eq!(until.to_rfc3339(), "2025-03-01T16:00:00+00:00");
        let exact = parse_time("from", "2025-03-01T08:00:00+08:00", false).unwrap();
        assert_eq!(exact.to_rfc3339(), "2025-03-01T00:00:00+00:00");
        let e = parse_time("from", "昨天", false).unwrap_err();
        assert!(e.to_string().contains("from"), "{e}");
    }
}
