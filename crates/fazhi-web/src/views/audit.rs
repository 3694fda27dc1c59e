//! `/audit`: the audit log below the regions a person may read it for, filtered, newest
//! first with keyset paging; `/audit.csv` exports the filtered entries.

use super::{attachment, day_start, fmt_time_secs, qs, view, Chrome, Hx, Nav, Q};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::{ops, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use fazhi_domain::RegionId;
use fazhi_store::{AuditEntry, AuditFilter, Region};
use serde::Deserialize;
use serde_json::Value;

/// Entries per page.
const PAGE: u32 = 50;
/// Most entries an export holds.
pub const CSV_CAP: usize = 100_000;
/// Entries fetched per store call while exporting (the most `ops::audit::audit` allows).
const CSV_BATCH: u32 = 10_000;

#[derive(Deserialize, Default, Clone)]
pub struct AuditParams {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(100).collect())
}

fn date(s: &Option<String>, what: &str) -> Result<Option<NaiveDate>> {
    match text(s) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Error::BadRequest(format!("{what}“{s}”不是有效日期（格式：2025-03-01）"))),
    }
}

/// The store's filter from the page's parameters (dates are whole days, Beijing time; the
/// end date is included).
fn filter(q: &AuditParams, limit: u32) -> Result<AuditFilter> {
    let region_id = match text(&q.region) {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| Error::BadRequest("区域参数有误".into()))?,
        ),
    };
    let from = date(&q.from, "开始日期")?;
    let until = date(&q.until, "结束日期")?;
    if let (Some(f), Some(u)) = (from, until) {
        if f > u {
            return Err(Error::BadRequest("开始日期不能晚于结束日期".into()));
        }
    }
    Ok(AuditFilter {
        region_id: region_id.map(RegionId),
        actor_login: text(&q.actor),
        action_prefix: text(&q.action),
        entity: text(&q.entity),
        from: from.and_then(day_start),
        until: until.and_then(|d| d.succ_opt()).and_then(day_start),
        before_id: text(&q.before).and_then(|s| s.parse().ok()),
        limit,
    })
}

/// Chinese name of an action key.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "session.login" => "登录",
        "session.logout" => "退出登录",
        "session.login_failed" => "登录失败",
        "upload.create" => "上传报告",
        "upload.publish" => "发布报告",
        "upload.withdraw" => "撤回发布",
        "report.add_version" => "新增报告版本",
        "report.correct" => "更正报告",
        "report.request_approval" => "报告送审定",
        "report.approve" => "审定报告",
        "report.send_back" => "退回修改报告",
        "report.submit" => "报送报告",
        "report.return" => "退回报告",
        "report.accept" => "审阅通过报告",
        "report.review" => "记录保密审查",
        "report.publish" => "公开报告",
        "report.withhold" => "报告不予公开",
        "deadline.set" => "设置报告时限",
        "unit.superior" => "设置上级业务主管部门",
        "user.create" => "新建账号",
        "user.disable" => "停用账号",
        "user.enable" => "启用账号",
        "user.password" => "修改密码",
        "grant.create" => "授予角色",
        "grant.revoke" => "撤销角色",
        "region.create" => "新增区域",
        "region.update" => "修改区域",
        "unit.create" => "新增单位",
        "unit.update" => "修改单位",
        "org.import" => "导入机构",
        "token.create" => "创建 API 令牌",
        "token.revoke" => "撤销 API 令牌",
        _ => "",
    }
}

/// The kinds of things the log records, for the filter.
const ENTITIES: [(&str, &str); 8] = [
    ("upload", "报告"),
    ("unit", "单位"),
    ("region", "区域"),
    ("user", "账号"),
    ("grant", "授权"),
    ("session", "登录会话"),
    ("token", "API 令牌"),
    ("org", "机构导入"),
];

/// One line of the before → after display.
struct DiffLine {
    key: String,
    /// `same`, `changed`, `added` or `removed`.
    kind: &'static str,
    before: String,
    after: String,
}

fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 300 {
        s.chars().take(300).collect::<String>() + "…"
    } else {
        s
    }
}

/// Field by field for objects (unchanged fields kept, marked `same`), else one line.
fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<DiffLine> {
    let empty = serde_json::Map::new();
    let line = |key: &str, b: Option<&Value>, a: Option<&Value>| {
        let kind = match (b, a) {
            (Some(b), Some(a)) if b == a => "same",
            (Some(_), Some(_)) => "changed",
            (None, _) => "added",
            (_, None) => "removed",
        };
        DiffLine {
            key: key.to_string(),
            kind,
            before: b.map(show).unwrap_or_default(),
            after: a.map(show).unwrap_or_default(),
        }
    };
    match (before, after) {
        (None, None) => Vec::new(),
        (b @ (None | Some(Value::Object(_))), a @ (None | Some(Value::Object(_)))) => {
            let bm = match b {
                Some(Value::Object(m)) => m,
                _ => &empty,
            };
            let am = match a {
                Some(Value::Object(m)) => m,
                _ => &empty,
            };
            let mut out: Vec<DiffLine> = bm
                .iter()
                .map(|(k, v)| line(k, Some(v), am.get(k)))
                .collect();
            out.extend(
                am.iter()
                    .filter(|(k, _)| !bm.contains_key(*k))
                    .map(|(k, v)| line(k, None, Some(v))),
            );
            // Changes first, then the unchanged context.
            out.sort_by_key(|d| d.kind == "same");
            out
        }
        (b, a) => vec![line("", b, a)],
    }
}

struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    addr: String,
    action: String,
    action_label: &'static str,
    entity: String,
    entity_id: Option<i64>,
    diff: Vec<DiffLine>,
}

impl AuditRow {
    /// `3 个字段有变更，共 12 个字段` for a long before → after display.
    fn summary(&self) -> String {
        let changed = self.diff.iter().filter(|d| d.kind != "same").count();
        match (self.diff.iter().any(|d| d.kind == "same"), changed) {
            (false, n) => format!("{n} 个字段（展开查看）"),
            (true, n) => format!(
                "{n} 个字段有变更，共 {} 个字段（展开查看）",
                self.diff.len()
            ),
        }
    }
}

impl From<&AuditEntry> for AuditRow {
    fn from(e: &AuditEntry) -> Self {
        AuditRow {
            id: e.id.0,
            at: fmt_time_secs(&e.at),
            actor: e.actor_login.clone(),
            addr: e.addr.clone(),
            action: e.action.clone(),
            action_label: action_label(&e.action),
            entity: e.entity.clone(),
            entity_id: e.entity_id,
            diff: diff(e.before.as_ref(), e.after.as_ref()),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html", blocks = ["entries"])]
struct AuditPage {
    chrome: Chrome,
    regions: Vec<Region>,
    region: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    from: String,
    until: String,
    entities: &'static [(&'static str, &'static str)],
    actions: Vec<(&'static str, &'static str)>,
    rows: Vec<AuditRow>,
    /// The `before` of the next (older) page.
    older: Option<i64>,
    first_page: bool,
}

impl AuditPage {
    /// The current filters as a query string (without `before`).
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.region {
            parts.push(format!("region={r}"));
        }
        for (k, v) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("entity", &self.entity),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", qs(v)));
            }
        }
        parts.join("&")
    }

    fn older_url(&self, before: &i64) -> String {
        let q = self.query();
        if q.is_empty() {
            format!("/audit?before={before}")
        } else {
            format!("/audit?{q}&before={before}")
        }
    }

    fn csv_url(&self) -> String {
        let q = self.query();
        if q.is_empty() {
            "/audit.csv".into()
        } else {
            format!("/audit.csv?{q}")
        }
    }

    fn region_is(&self, id: &RegionId) -> bool {
        self.region == Some(id.0)
    }
}

pub async fn audit_page(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Q(q): Q<AuditParams>,
) -> Result<Response> {
    let regions = ops::audit::audit_regions(&state, &p).await?;
    let f = filter(&q, PAGE + 1)?;
    let mut entries = ops::audit::audit(&state, &p, &f).await?;
    let older = if entries.len() > PAGE as usize {
        entries.truncate(PAGE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let page = AuditPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Audit),
        region: f.region_id.map(|v| v.0),
        regions,
        actor: f.actor_login.clone().unwrap_or_default(),
        action: f.action_prefix.clone().unwrap_or_default(),
        entity: f.entity.clone().unwrap_or_default(),
        from: text(&q.from).unwrap_or_default(),
        until: text(&q.until).unwrap_or_default(),
        entities: &ENTITIES,
        actions: KNOWN_ACTIONS
            .iter()
            .map(|a| (*a, action_label(a)))
            .collect(),
        rows: entries.iter().map(AuditRow::from).collect(),
        older: older.map(|v| v.0),
        first_page: f.before_id.is_none(),
    };
    Ok(view(hx, &page, page.as_entries()))
}

const KNOWN_ACTIONS: [&str; 19] = [
    "session.login",
    "session.logout",
    "session.login_failed",
    "upload.create",
    "upload.publish",
    "upload.withdraw",
    "user.create",
    "user.disable",
    "user.enable",
    "user.password",
    "grant.create",
    "grant.revoke",
    "region.create",
    "region.update",
    "unit.create",
    "unit.update",
    "org.import",
    "token.create",
    "token.revoke",
];

pub const CSV_HEADERS: [&str; 10] = [
    "编号",
    "时间",
    "操作人",
    "来源地址",
    "操作",
    "操作说明",
    "对象类型",
    "对象编号",
    "修改前",
    "修改后",
];

pub async fn audit_csv(
    State(state): State<AppState>,
    p: Principal,
    Q(q): Q<AuditParams>,
) -> Result<Response> {
    let mut f = filter(&q, CSV_BATCH)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    while rows.len() < CSV_CAP {
        f.limit = CSV_BATCH.min((CSV_CAP - rows.len()) as u32);
        let batch = ops::audit::audit(&state, &p, &f).await?;
        let Some(last) = batch.last().map(|e| e.id) else {
            break;
        };
        let full = batch.len() as u32 >= f.limit;
        for e in &batch {
            rows.push(vec![
                e.id.to_string(),
                fmt_time_secs(&e.at),
                e.actor_login.clone(),
                e.addr.clone(),
                e.action.clone(),
                action_label(&e.action).to_string(),
                e.entity.clone(),
                e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                json(&e.before),
                json(&e.after),
            ]);
        }
        if !full {
            break;
        }
        f.before_id = Some(last);
    }
    let bytes = fazhi_sheet::write_csv(&CSV_HEADERS, &rows);
    let stamp = chrono::Utc::now()
        .with_timezone(&super::cst())
        .format("%Y%m%d");
    Ok(attachment(
        &format!("审计日志-{stamp}.csv"),
        "text/csv; charset=utf-8",
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_of_objects_puts_changes_first() {
        let b = json!({"name": "东湖区司法局", "code": "1", "short_name": ""});
        let a = json!({"name": "东湖区司法局（新）", "code": "1", "kind": "department"});
        let d = diff(Some(&b), Some(&a));
        let view: Vec<(&str, &str)> = d.iter().map(|l| (l.key.as_str(), l.kind)).collect();
        assert_eq!(
            view,
            vec![
                ("name", "changed"),
                ("short_name", "removed"),
                ("kind", "added"),
                ("code", "same")
            ]
        );
        assert_eq!(d[0].before, "东湖区司法局");
        assert_eq!(d[0].after, "东湖区司法局（新）");
    }

    #[test]
    fn diff_of_create_and_scalars() {
        let d = diff(None, Some(&json!({"login": "a"})));
        assert_eq!((d[0].kind, d[0].after.as_str()), ("added", "a"));
        let d = diff(Some(&json!(1)), Some(&json!(2)));
        assert_eq!((d[0].key.as_str(), d[0].kind), ("", "changed"));
        assert!(diff(None, None).is_empty());
    }

    #[test]
    fn filter_days_are_beijing_and_inclusive() {
        let q = AuditParams {
            from: Some("2025-03-01".into()),
            until: Some("2025-03-01".into()),
            ..Default::default()
        };
        let f = filter(&q, 10).unwrap();
        assert_eq!(f.from.unwrap().to_rfc3339(), "2025-02-28T16:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2025-03-01T16:00:00+00:00");
        let bad = AuditParams {
            from: Some("2025-03-02".into()),
            until: Some("2025-03-01".into()),
            ..Default::default()
        };
        assert!(filter(&bad, 10).is_err());
        assert!(filter(
            &AuditParams {
                from: Some("3/1".into()),
                ..Default::default()
            },
            10
        )
        .is_err());
    }
}
