//! The shapes the API reads and writes, with their OpenAPI schemas.
//!
//! They mirror the store's and domain's types (which live in crates that know nothing of
//! HTTP) and convert from them, so the API stays stable when storage changes. Doc comments
//! here are the published API documentation, hence in Chinese.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain as d;
use fazhi_store as s;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

// ---------------------------------------------------------------------------------------
// Vocabulary

/// 角色：admin 系统管理员；unit_staff 单位填报员；unit_leader 单位负责人；supervisor 督察员。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    UnitStaff,
    UnitLeader,
    Supervisor,
}

impl From<d::Role> for Role {
    fn from(r: d::Role) -> Self {
        match r {
            d::Role::Admin => Role::Admin,
            d::Role::UnitStaff => Role::UnitStaff,
            d::Role::UnitLeader => Role::UnitLeader,
            d::Role::Supervisor => Role::Supervisor,
        }
    }
}

impl From<Role> for d::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => d::Role::Admin,
            Role::UnitStaff => d::Role::UnitStaff,
            Role::UnitLeader => d::Role::UnitLeader,
            Role::Supervisor => d::Role::Supervisor,
        }
    }
}

/// 区划层级：province 省；city 市；county 县区；township 乡镇。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

impl From<d::RegionLevel> for RegionLevel {
    fn from(l: d::RegionLevel) -> Self {
        match l {
            d::RegionLevel::Province => RegionLevel::Province,
            d::RegionLevel::City => RegionLevel::City,
            d::RegionLevel::County => RegionLevel::County,
            d::RegionLevel::Township => RegionLevel::Township,
        }
    }
}

impl From<RegionLevel> for d::RegionLevel {
    fn from(l: RegionLevel) -> Self {
        match l {
            RegionLevel::Province => d::RegionLevel::Province,
            RegionLevel::City => d::RegionLevel::City,
            RegionLevel::County => d::RegionLevel::County,
            RegionLevel::Township => d::RegionLevel::Township,
        }
    }
}

/// 单位类型：department 政府工作部门；government 人民政府；township 乡镇街道；
/// supervising 依法治X办/司法局。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Department,
    Government,
    Township,
    Supervising,
}

impl From<d::UnitKind> for UnitKind {
    fn from(k: d::UnitKind) -> Self {
        match k {
            d::UnitKind::Department => UnitKind::Department,
            d::UnitKind::Government => UnitKind::Government,
            d::UnitKind::Township => UnitKind::Township,
            d::UnitKind::Supervising => UnitKind::Supervising,
        }
    }
}

impl From<UnitKind> for d::UnitKind {
    fn from(k: UnitKind) -> Self {
        match k {
            UnitKind::Department => d::UnitKind::Department,
            UnitKind::Government => d::UnitKind::Government,
            UnitKind::Township => d::UnitKind::Township,
            UnitKind::Supervising => d::UnitKind::Supervising,
        }
    }
}

/// 授权所在节点的类别：region 区划；unit 单位。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeType {
    Region,
    Unit,
}

/// 组织树上的一个节点（授予角色的位置）；角色对该节点及其下级有效。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    #[serde(rename = "type")]
    pub node_type: NodeType,
    /// 区划编号或单位编号。
    pub id: i64,
}

impl From<d::Node> for Node {
    fn from(n: d::Node) -> Self {
        match n {
            d::Node::Region(id) => Node {
                node_type: NodeType::Region,
                id,
            },
            d::Node::Unit(id) => Node {
                node_type: NodeType::Unit,
                id,
            },
        }
    }
}

impl From<Node> for d::Node {
    fn from(n: Node) -> Self {
        match n.node_type {
            NodeType::Region => d::Node::Region(n.id),
            NodeType::Unit => d::Node::Unit(n.id),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors

/// 出错时的响应体。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorResponse {
    /// 稳定的错误代码：unauthorized、forbidden、not_found、bad_request、conflict、too_large、
    /// rows、csrf、throttled、busy（服务器正在处理的文件已达上限，稍后重试）、internal。
    pub error: String,
    /// 给用户看的中文说明。
    pub message: String,
    /// 导入失败时每一个有误的行（其他错误时省略）。
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
}

/// 导入文件中有误的一行。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// 行号（从 1 起，与表格软件显示的一致）。
    pub line: usize,
    pub message: String,
}

// ---------------------------------------------------------------------------------------
// Organisation

/// 区划（省、市、县区、乡镇）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Region {
    pub id: i64,
    /// 上级区划编号；顶级区划为 null。
    pub parent_id: Option<i64>,
    /// 区划代码（行政区划代码或其他稳定代码），唯一。
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// 层级的中文名称（省、市、县区、乡镇）。
    pub level_label: String,
    /// 从顶级区划到本区划的编号链。
    pub path: Vec<i64>,
    /// 从顶级区划到本区划的名称链。
    pub path_names: Vec<String>,
}

impl Region {
    /// Every region with the names along its path, from the full list of regions.
    pub fn list(regions: &[s::Region]) -> Vec<Region> {
        let names: HashMap<i64, &str> = regions.iter().map(|r| (r.id, r.name.as_str())).collect();
        regions
            .iter()
            .map(|r| Region::with_names(r, &names))
            .collect()
    }

    pub fn with_names(r: &s::Region, names: &HashMap<i64, &str>) -> Region {
        Region {
            id: r.id,
            parent_id: r.parent_id,
            code: r.code.clone(),
            name: r.name.clone(),
            level: r.level.into(),
            level_label: r.level.label().to_string(),
            path: r.path.clone(),
            path_names: r
                .path
                .iter()
                .map(|id| {
                    names
                        .get(id)
                        .map_or_else(|| id.to_string(), |n| n.to_string())
                })
                .collect(),
        }
    }
}

/// 新建区划。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    /// 上级区划编号；省略或为 null 时新建顶级区划（仅顶级区划的系统管理员可以）。
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
}

/// 修改区划的名称或代码（省略的字段不变）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionPatch {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// 单位（政府工作部门、人民政府、乡镇街道、依法治X办/司法局）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    /// 所属区划编号。
    pub region_id: i64,
    /// 单位代码（统一社会信用代码或本地代码），唯一。
    pub code: String,
    /// 全称，如“某某市科学技术和工业信息化局”。
    pub name: String,
    /// 简称，如“市科工局”；没有时为空字符串。
    pub short_name: String,
    pub kind: UnitKind,
    /// 单位类型的中文名称。
    pub kind_label: String,
    /// 所属区划从顶级起的编号链。
    pub region_path: Vec<i64>,
}

impl From<&s::Unit> for Unit {
    fn from(u: &s::Unit) -> Self {
        Unit {
            id: u.id,
            region_id: u.region_id,
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind.into(),
            kind_label: u.kind.label().to_string(),
            region_path: u.region_path.clone(),
        }
    }
}

/// 新建单位。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub region_id: i64,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    pub kind: UnitKind,
}

impl From<NewUnit> for s::NewUnit {
    fn from(n: NewUnit) -> Self {
        s::NewUnit {
            region_id: n.region_id,
            code: n.code,
            name: n.name,
            short_name: n.short_name,
            kind: n.kind.into(),
        }
    }
}

/// 修改单位（省略的字段不变；改 region_id 即调整所属区划，需同时管理新旧两个区划）。
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    #[serde(default)]
    pub region_id: Option<i64>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub kind: Option<UnitKind>,
}

impl UnitPatch {
    /// The unit as it will be after the patch.
    pub fn apply(self, u: &s::Unit) -> s::NewUnit {
        s::NewUnit {
            region_id: self.region_id.unwrap_or(u.region_id),
            code: self.code.unwrap_or_else(|| u.code.clone()),
            name: self.name.unwrap_or_else(|| u.name.clone()),
            short_name: self.short_name.unwrap_or_else(|| u.short_name.clone()),
            kind: self.kind.map_or(u.kind, Into::into),
        }
    }
}

/// 单位列表的查询条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// 只列出该区划及其下级区划的单位。
    pub region: Option<i64>,
}

/// 组织机构导入的结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportSummary {
    pub regions_created: usize,
    pub regions_updated: usize,
    pub units_created: usize,
    pub units_updated: usize,
}

impl From<s::ImportSummary> for ImportSummary {
    fn from(s: s::ImportSummary) -> Self {
        ImportSummary {
            regions_created: s.regions_created,
            regions_updated: s.regions_updated,
            units_created: s.units_created,
            units_updated: s.units_updated,
        }
    }
}

/// 上传的文件（multipart/form-data）。
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the form for the OpenAPI document; the handler reads the parts.
pub struct ImportForm {
    /// 组织机构表（CSV 或 Excel .xlsx），表头：类别、代码、名称、简称、类型、上级代码。
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// 导出文件的格式。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    #[default]
    Csv,
    Xlsx,
}

/// 组织机构导出的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// 文件格式：csv（默认，UTF-8 带 BOM，Excel 可直接打开）或 xlsx。
    pub format: Option<SheetFormat>,
}

// ---------------------------------------------------------------------------------------
// Accounts

/// 账号。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    /// 使用一次性密码登录后须先修改密码。
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&s::User> for User {
    fn from(u: &s::User) -> Self {
        User {
            id: u.id,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
        }
    }
}

/// 一项授权：在某个节点上授予的角色。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Grant {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    /// 角色的中文名称。
    pub role_label: String,
    pub node: Node,
    /// 节点（区划或单位）的名称。
    pub node_name: String,
}

impl Grant {
    pub fn new(g: &s::RoleGrant, node_name: String) -> Grant {
        Grant {
            id: g.id,
            user_id: g.user_id,
            role: g.grant.role.into(),
            role_label: g.grant.role.label().to_string(),
            node: g.grant.node.into(),
            node_name,
        }
    }

    /// Grants with names looked up in `names` (the node's number when it is missing).
    pub fn list(grants: &[s::RoleGrant], names: &HashMap<d::Node, String>) -> Vec<Grant> {
        grants
            .iter()
            .map(|g| {
                Grant::new(
                    g,
                    names
                        .get(&g.grant.node)
                        .cloned()
                        .unwrap_or_else(|| node_fallback(g.grant.node)),
                )
            })
            .collect()
    }
}

fn node_fallback(n: d::Node) -> String {
    match n {
        d::Node::Region(id) => format!("区划 {id}"),
        d::Node::Unit(id) => format!("单位 {id}"),
    }
}

/// 要授予的角色及其节点。
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    pub role: Role,
    pub node: Node,
}

impl From<NewGrant> for d::Grant {
    fn from(g: NewGrant) -> Self {
        d::Grant {
            role: g.role.into(),
            node: g.node.into(),
        }
    }
}

/// 账号及其全部授权。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserWithGrants {
    pub user: User,
    pub grants: Vec<Grant>,
}

/// 新建账号：初始密码由系统生成，只在响应中出现一次。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 登录名：1～64 个字符，只能使用字母（含汉字）、数字和 - _ . @。
    pub login: String,
    #[serde(default)]
    pub display_name: String,
    /// 至少一项授权；每项都须在操作人的管理范围内。
    pub grants: Vec<NewGrant>,
}

/// 新建的账号及其一次性密码。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedUser {
    pub user: User,
    pub grants: Vec<Grant>,
    /// 一次性密码（只显示这一次）；首次登录后须修改。
    pub password: String,
}

/// 重置后的一次性密码（只显示这一次）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OneTimePassword {
    pub password: String,
}

/// 登录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// 登录成功：会话 Cookie 已通过 Set-Cookie 设置。使用 Cookie 发送的修改类请求须在
/// X-CSRF-Token 请求头中带上 csrf_token。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// 认证方式：session 浏览器会话（Cookie）；token API 令牌（Bearer）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Session,
    Token,
}

impl From<crate::auth::Via> for Via {
    fn from(v: crate::auth::Via) -> Self {
        match v {
            crate::auth::Via::Session => Via::Session,
            crate::auth::Via::Token => Via::Token,
        }
    }
}

/// 当前登录的账号：授权、可查看的单位、督察的区划。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub via: Via,
    /// 会话的 CSRF 令牌（仅会话认证时有）。
    pub csrf_token: Option<String>,
    pub grants: Vec<Grant>,
    /// 可查看的单位（本单位；督察员、管理员为其区划下的全部单位）。
    pub units: Vec<Unit>,
    /// 可督察的区划（最上层的）。
    pub supervised_regions: Vec<Region>,
}

/// 修改自己的密码。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub old_password: String,
    /// 10～128 个字符，须包含大写字母、小写字母、数字、符号（含汉字等其他文字）中的至少 3 类
    /// （16 个字符以上的长密码不限类别）；至少 5 个不同的字符，不能以空格开头或结尾，不能包含
    /// 登录名，不能是常见的弱密码，也不能与当前密码或最近 5 次用过的密码相同。
    pub new_password: String,
    /// 是否同时吊销自己的全部 API 令牌（包括本次请求所用的令牌），默认否。怀疑密码或令牌
    /// 已泄露时使用。
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// API 令牌（令牌本身只在创建时返回一次）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl From<&s::ApiToken> for ApiToken {
    fn from(t: &s::ApiToken) -> Self {
        ApiToken {
            id: t.id,
            name: t.name.clone(),
            created_at: t.created_at,
            revoked: t.revoked,
        }
    }
}

/// 新建 API 令牌。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// 令牌用途，如“数据同步脚本”；不超过 100 个字符，不能含控制字符或不可见字符。
    pub name: String,
}

/// 新建的 API 令牌。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiToken {
    pub token: ApiToken,
    /// 令牌（只显示这一次）：请求时放在 `Authorization: Bearer …` 请求头中。
    pub secret: String,
}

// ---------------------------------------------------------------------------------------
// Reports

/// 上传文件的状态：checked 已读取并审查；failed 无法读取（error 说明原因）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    Checked,
    Failed,
}

impl From<s::UploadStatus> for UploadStatus {
    fn from(st: s::UploadStatus) -> Self {
        match st {
            s::UploadStatus::Checked => UploadStatus::Checked,
            s::UploadStatus::Failed => UploadStatus::Failed,
        }
    }
}

/// 一次上传（不含原文件和审查详情）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadSummary {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// 报告年度。
    pub year: i32,
    pub filename: String,
    /// 报告标题（识别不到时为文件名）。
    pub title: String,
    /// 原文件的 SHA-256（十六进制）。
    pub sha256: String,
    /// 原文件字节数。
    pub size: i64,
    pub status: UploadStatus,
    /// 无法读取时的原因。
    pub error: Option<String>,
    /// 得分（0—100）；无法读取时为 null。
    pub score: Option<i32>,
    /// 错误类审查意见数。
    pub errors: i32,
    /// 警告类审查意见数。
    pub warnings: i32,
    /// 提示类审查意见数。
    pub infos: i32,
    /// 上传人账号编号（公众查看时省略）。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<i64>,
    /// 上传人登录名（公众查看时省略）。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by_login: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    /// 公开发布时间；未发布为 null。
    pub published_at: Option<DateTime<Utc>>,
}

impl UploadSummary {
    /// As the unit's people and supervisors see it.
    pub fn internal(u: &s::UploadSummary) -> Self {
        UploadSummary {
            id: u.id,
            unit_id: u.unit_id,
            unit_name: u.unit_name.clone(),
            year: u.year,
            filename: u.filename.clone(),
            title: u.title.clone(),
            sha256: u.sha256.clone(),
            size: u.size,
            status: u.status.into(),
            error: u.error.clone(),
            score: u.score,
            errors: u.errors,
            warnings: u.warnings,
            infos: u.infos,
            uploaded_by: u.uploaded_by,
            uploaded_by_login: Some(u.uploaded_by_login.clone()),
            uploaded_at: u.uploaded_at,
            published_at: u.published_at,
        }
    }

    /// As the public sees a published report: without who uploaded it.
    pub fn public(u: &s::UploadSummary) -> Self {
        UploadSummary {
            uploaded_by: None,
            uploaded_by_login: None,
            ..UploadSummary::internal(u)
        }
    }
}

/// 某单位的上传记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnitUploads {
    pub unit: Unit,
    /// 最新的在前。
    pub uploads: Vec<UploadSummary>,
}

/// 按年度筛选。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 报告年度；省略时列出全部年度。
    pub year: Option<i32>,
}

/// 上传年度报告（multipart/form-data）。
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the form for the OpenAPI document; the handler reads the parts.
pub struct UploadForm {
    /// 报告年度（2000—2100）。
    pub year: i32,
    /// 报告文件：.docx、.pdf、.txt（UTF-8 或 GBK）、.html。
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// 一次上传及其完整审查结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadDetail {
    pub upload: UploadSummary,
    pub unit: Unit,
    /// 原文件的内容类型。
    pub content_type: String,
    /// 审查结果；文件无法读取时为 null。
    pub result: Option<ReportResult>,
}

/// 审查结果：报告的结构、五项内容的覆盖情况、数据、审查意见与得分（与命令行 `fazhi check
/// --json` 的输出同形）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportResult {
    /// 识别出的文件格式：txt、docx、pdf、html。
    pub format: String,
    /// 纯文本的编码（UTF-8、GB18030 等）。
    pub encoding: Option<String>,
    /// 体裁：rule_of_law_annual_report 法治政府建设年度报告；other 其他文件。
    pub genre: String,
    pub title: Option<String>,
    /// 报告单位（原文）。
    pub unit: Option<String>,
    /// 报告单位（规范化后）。
    pub unit_normalized: Option<String>,
    pub unit_in_title: bool,
    pub year: Option<i32>,
    pub year_in_title: bool,
    /// 发文字号。
    pub doc_number: Option<String>,
    /// 落款单位。
    pub signed_unit: Option<String>,
    /// 落款日期。
    pub signed_date: Option<NaiveDate>,
    /// 文中标注的发布日期。
    pub published_date: Option<NaiveDate>,
    /// 主送（如“市委、市政府：”）。
    pub salutation: Option<String>,
    /// 正文字数。
    pub body_chars: usize,
    /// 章节树。
    pub sections: Vec<Section>,
    pub coverage: Coverage,
    /// 文中的数据（次数、比例、学时等）。
    pub facts: Vec<Fact>,
    /// 审查意见。
    pub findings: Vec<Finding>,
    pub counts: Counts,
    pub score: Score,
}

/// 报告事项：measures 主要举措和成效；shortcomings 存在的不足和原因；first_responsible
/// 第一责任人履职情况；next_year 下一年度主要安排；other 其他需要报告的情况；thought
/// 学习贯彻习近平法治思想等。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Measures,
    Shortcomings,
    FirstResponsible,
    NextYear,
    Other,
    Thought,
}

/// 章节。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Section {
    /// 序号（不含标点），如“一”。
    pub number: String,
    /// 序号的书写形式，如“一、”“（一）”。
    pub display: String,
    /// 编号样式：part、chinese、chinese_paren、arabic、arabic_paren、enumeration。
    pub style: String,
    /// 是否为编号标题（“一是”式标题为 false）。
    pub numbered: bool,
    pub title: Option<String>,
    /// 章节对应的报告事项。
    pub part: Option<Part>,
    /// 标题所在段落的序号。
    pub block: usize,
    #[schema(no_recursion)]
    pub children: Vec<Section>,
}

/// 覆盖程度：section 独立章节；subsection 仅子标题；missing 缺失。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoverageLevel {
    Section,
    Subsection,
    Missing,
}

/// 五项必报内容的覆盖情况。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    pub measures: CoverageLevel,
    pub shortcomings: CoverageLevel,
    pub first_responsible: CoverageLevel,
    pub next_year: CoverageLevel,
    pub other: CoverageLevel,
}

/// 在报告中的位置。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Location {
    /// 段落序号。
    pub block: Option<usize>,
    /// 章节路径，如“二、（一）”。
    pub section: Option<String>,
    /// 相关原文摘录。
    pub quote: Option<String>,
}

/// 文中陈述的一个数量。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Fact {
    /// 原文，如“10余次”。
    pub text: String,
    #[schema(value_type = f64)]
    pub value: serde_json::Number,
    /// 是否为约数（余、多、近、约）。
    pub approx: bool,
    /// 是否为下限（不少于、至少、以上）。
    pub minimum: bool,
    /// 量词或单位。
    pub measure: String,
    /// 计数的对象。
    pub subject: Option<String>,
    pub location: Location,
}

/// 严重程度：error 错误；warning 警告；info 提示。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// 审查意见：哪条规则、依据什么、在哪里、怎么改。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// 规则代码。
    pub rule: String,
    pub severity: Severity,
    pub part: Option<Part>,
    /// 依据（法规或文件）。
    pub basis: String,
    /// 问题及修改建议。
    pub message: String,
    pub location: Location,
}

/// 各严重程度的审查意见数。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// 得分及其构成。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Score {
    /// 总分（0—100）。
    pub total: u32,
    pub items: Vec<ScoreItem>,
}

/// 得分项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreItem {
    pub key: String,
    pub label: String,
    #[schema(value_type = f64)]
    pub points: serde_json::Number,
    #[schema(value_type = f64)]
    pub max: serde_json::Number,
    /// 计分说明。
    pub explanation: String,
}

impl ReportResult {
    /// The typed form of the report engine's one JSON rendering of a checked report.
    pub fn from_checked(
        filename: &str,
        checked: &fazhi_report::Checked,
    ) -> crate::Result<ReportResult> {
        let value = fazhi_report::render::json::to_value(filename, checked);
        serde_json::from_value(value)
            .map_err(|e| crate::Error::Internal(format!("审查结果格式不符：{e}")))
    }
}

/// 督察员的单位总览：查询条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// 报告年度；省略时为最近有上传的年度。
    pub year: Option<i32>,
    /// 排序：name（默认）、region、score、findings、uploaded_at。
    pub sort: Option<OverviewSort>,
    /// 是否倒序。
    pub desc: Option<bool>,
    /// 按单位名称或简称筛选。
    pub q: Option<String>,
    /// 跳过的条数（默认 0）。
    pub offset: Option<u32>,
    /// 每页条数（1—500，默认 50）。
    pub limit: Option<u32>,
}

/// 单位总览的排序方式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverviewSort {
    Name,
    Region,
    Score,
    Findings,
    UploadedAt,
}

impl From<OverviewSort> for s::UnitSort {
    fn from(o: OverviewSort) -> Self {
        match o {
            OverviewSort::Name => s::UnitSort::Name,
            OverviewSort::Region => s::UnitSort::Region,
            OverviewSort::Score => s::UnitSort::Score,
            OverviewSort::Findings => s::UnitSort::Findings,
            OverviewSort::UploadedAt => s::UnitSort::UploadedAt,
        }
    }
}

/// 单位总览的一行：单位及其该年度最新一次上传。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewRow {
    pub unit: Unit,
    pub region_name: String,
    pub latest: Option<UploadSummary>,
    /// 该年度的上传次数。
    pub uploads: i64,
}

/// 单位总览（一页）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewPage {
    pub year: i32,
    /// 符合条件的单位总数。
    pub total: i64,
    pub items: Vec<OverviewRow>,
}

/// 分页参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 跳过的条数（默认 0）。
    pub offset: Option<u32>,
    /// 每页条数（1—100，默认 20）。
    pub limit: Option<u32>,
}

/// 已公开发布的报告（一页）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishedPage {
    pub total: i64,
    pub items: Vec<UploadSummary>,
}

// ---------------------------------------------------------------------------------------
// Audit log

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
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_login: e.actor_login,
            addr: e.addr,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            unit_id: e.unit_id,
            region_path: e.region_path,
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
