//! The audit log.

use super::*;

/// 审计日志的查询条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// 只看该区划及其下级的记录；省略时为操作人有权查看的最上层区划。
    pub region: Option<i64>,
    /// 操作人登录名。
    pub actor: Option<String>,
    /// 操作代码前缀，如 upload 匹配 upload.create。
    pub action: Option<String>,
    /// 对象类别：unit、region、user、grant、upload、session 等。
    pub entity: Option<String>,
    /// 起始时间（含）：RFC 3339 时间，或日期 YYYY-MM-DD（北京时间当日零时）。
    pub from: Option<String>,
    /// 截止时间：RFC 3339 时间（不含），或日期 YYYY-MM-DD（含当日，北京时间）。
    pub until: Option<String>,
    /// 只看编号小于此值的记录（翻页：上一页响应的 next_before_id）。
    pub before_id: Option<i64>,
    /// 条数（1—1000，默认 100）。
    pub limit: Option<u32>,
}

/// 审计日志的一条记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_login: String,
    /// 操作人地址。
    pub addr: String,
    /// 操作代码，如 unit.create、upload.create、user.disable。
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub region_path: Vec<i64>,
    /// 修改前（新建时为 null）。
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// 修改后（删除时为 null）。
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<s::AuditEntry> for AuditEntry {
    fn from(e: s::AuditEntry) -> Self {
        AuditEntry {
            id: e.id.0,
            at: e.at,
            actor_user_id: e.actor_user_id.map(|v| v.0),
            actor_login: e.actor_login,
            addr: e.addr,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            unit_id: e.unit_id.map(|v| v.0),
            region_path: e.region_path.iter().map(|v| v.0).collect(),
            before: e.before,
            after: e.after,
        }
    }
}

/// 审计日志（一页，最新的在前）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// 下一页的 before_id；没有更多记录时为 null。
    pub next_before_id: Option<i64>,
}
