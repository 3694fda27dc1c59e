//! The ledger (台账) under `/api/v1`: the catalogue of kinds and the framework, records of a
//! unit (list, create, read, replace, delete, restore), the year's summary, the Excel
//! template, export and import, attachments. Every handler calls [`crate::ledger`], the same
//! operations the pages call, so the API and the UI share one rule path and one access check.

use super::attachment as file_response;
use super::dto::{ErrorResponse, SheetFormat, Unit};
use super::extract::{human_size, ApiJson, ApiPath, ApiQuery};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::ledger::{self as ops, RecordInput};
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_domain::ledger::{FieldError, FieldType, RecordKind};
use fazhi_store::LedgerQuery;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

// ---------------------------------------------------------------------------------------
// Shapes

/// 台账的一个字段。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerField {
    /// 字段键（请求和响应中 fields 的键）。
    pub key: String,
    /// 中文名称（表单标签、模板表头）。
    pub label: String,
    /// 类型：text 单行文字；long_text 多行文字；date 日期（YYYY-MM-DD）；count 非负整数；
    /// hours 学时（非负，最多一位小数）；bool 是/否；choice 从 choices 中选一项；
    /// list 多项（数组，或以顿号、逗号、分号、换行分隔的文字）。
    #[serde(rename = "type")]
    pub field_type: String,
    /// choice 类型的可选值；其他类型为空。
    pub choices: Vec<String>,
    pub required: bool,
    /// 填写说明；没有时为空字符串。
    pub help: String,
}

/// 一类台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerKind {
    /// 类别代码（路径中的 {kind}），如 study。
    pub code: String,
    /// 中文名称，如“学法”。
    pub label: String,
    pub fields: Vec<LedgerField>,
    /// 作为记录标题的字段。
    pub title_field: String,
    /// 记录归档所依据的日期字段（列表按其排序）；没有时为空。
    pub date_field: Option<String>,
    /// 未选择指标时记录关联的默认指标代码。
    pub default_indicators: Vec<String>,
}

/// 指标体系的一个指标。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerIndicator {
    /// 稳定的指标代码，如 decision.procedure。
    pub code: String,
    /// 上级指标代码；一级指标为空。
    pub parent: Option<String>,
    pub name: String,
    /// 层级（0 为一级指标）。
    pub depth: usize,
}

/// 指标体系。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFramework {
    pub name: String,
    /// 所依据的文件。
    pub document: String,
    /// 全部指标，按树的先序排列（上级在前，同级按顺序）。
    pub indicators: Vec<LedgerIndicator>,
}

/// 台账的类别目录与指标体系。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerCatalogue {
    pub kinds: Vec<LedgerKind>,
    pub framework: LedgerFramework,
}

/// 台账记录的附件。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerAttachment {
    pub id: i64,
    pub record_id: i64,
    pub filename: String,
    pub content_type: String,
    /// 文件内容的 SHA-256（十六进制）。
    pub sha256: String,
    /// 字节数。
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&fazhi_store::Attachment> for LedgerAttachment {
    fn from(a: &fazhi_store::Attachment) -> Self {
        LedgerAttachment {
            id: a.id,
            record_id: a.record_id,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            sha256: a.sha256.clone(),
            size: a.size,
            created_at: a.created_at,
        }
    }
}

/// 一条台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerRecord {
    pub id: i64,
    pub unit_id: i64,
    /// 类别代码。
    pub kind: String,
    /// 类别的中文名称。
    pub kind_label: String,
    /// 记录计入的年度。
    pub year: i32,
    /// 记录标题（标题字段，最多 60 字）。
    pub title: String,
    /// 字段值（按字段类型：日期为 "YYYY-MM-DD"，数量和学时为数字，是/否为布尔值，
    /// 多项为字符串数组，其余为字符串）；空字段省略。
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// 各字段显示的文字（与 Excel 导出一致）。
    pub fields_text: BTreeMap<String, String>,
    /// 关联的指标代码。
    pub indicators: Vec<String>,
    /// 版本号：修改时须带上读取时的版本，以免覆盖他人的修改。
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    /// 删除时间；未删除时为空。
    pub deleted_at: Option<DateTime<Utc>>,
    pub attachments: Vec<LedgerAttachment>,
}

impl From<&fazhi_store::LedgerRow> for LedgerRecord {
    fn from(row: &fazhi_store::LedgerRow) -> Self {
        let r = &row.record;
        let fields = r
            .data
            .fields
            .0
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
            .collect();
        let fields_text = r
            .data
            .fields
            .0
            .iter()
            .map(|(k, v)| (k.clone(), v.display()))
            .collect();
        LedgerRecord {
            id: r.id,
            unit_id: r.unit_id,
            kind: r.data.kind.code().to_string(),
            kind_label: r.data.kind.label().to_string(),
            year: r.data.year,
            title: r.title(),
            fields,
            fields_text,
            indicators: r.data.indicators.clone(),
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            updated_at: row.updated_at,
            updated_by: row.updated_by.clone(),
            deleted_at: row.deleted_at,
            attachments: row.attachments.iter().map(LedgerAttachment::from).collect(),
        }
    }
}

/// 未遵循的法定程序。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerViolation {
    /// 稳定的规则代码，如 decision-before-legality-review。
    pub rule: String,
    /// 规则的法律依据。
    pub basis: String,
    /// 问题和处理办法。
    pub message: String,
    /// 是否阻止保存（法律禁止的情形）；否则只是提醒。
    pub refuse: bool,
}

impl From<&fazhi_domain::Violation> for LedgerViolation {
    fn from(v: &fazhi_domain::Violation) -> Self {
        LedgerViolation {
            rule: v.rule.to_string(),
            basis: v.basis.to_string(),
            message: v.message.clone(),
            refuse: v.refuse,
        }
    }
}

/// 已保存的记录，以及未阻止保存的程序提醒。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SavedRecord {
    pub record: LedgerRecord,
    pub warnings: Vec<LedgerViolation>,
}

impl From<&ops::Saved> for SavedRecord {
    fn from(s: &ops::Saved) -> Self {
        SavedRecord {
            record: LedgerRecord::from(&s.row),
            warnings: s.warnings.iter().map(LedgerViolation::from).collect(),
        }
    }
}

/// 一页台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerPage {
    /// 符合条件的记录总数。
    pub total: i64,
    pub items: Vec<LedgerRecord>,
}

/// 新建台账记录。
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLedgerRecord {
    /// 记录计入的年度。
    pub year: i32,
    /// 字段值，键见 GET /ledger/kinds：字符串（日期 "2025-03-01"、"2025年3月1日" 等写法均可，
    /// 是/否 可写“是”“否”）、数字、布尔值或字符串数组。
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// 关联的指标代码；省略或为空时使用该类别的默认指标。
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// 修改台账记录（整条替换：未给出的字段将被清空）。
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerRecordUpdate {
    pub year: i32,
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub indicators: Vec<String>,
    /// 读取记录时的版本号；其后记录已被他人修改的，返回 409。
    pub version: i64,
}

/// 台账列表的筛选条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerListQuery {
    /// 年度；省略时为全部年度。
    pub year: Option<i32>,
    /// 任一字段包含的文字。
    pub q: Option<String>,
    /// 指标代码（含其下级指标）。
    pub indicator: Option<String>,
    /// 记录日期不早于（YYYY-MM-DD）。
    pub from: Option<NaiveDate>,
    /// 记录日期不晚于（YYYY-MM-DD）。
    pub until: Option<NaiveDate>,
    /// true 时只列出已删除的记录。
    pub deleted: Option<bool>,
    /// 跳过的条数。
    pub offset: Option<u32>,
    /// 每页条数（默认 50，最多 1000）。
    pub limit: Option<u32>,
}

/// 台账导出的参数（筛选条件同列表，导出全部符合条件的记录）。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerExportQuery {
    /// 年度；省略时为全部年度。
    pub year: Option<i32>,
    /// 任一字段包含的文字。
    pub q: Option<String>,
    /// 指标代码（含其下级指标）。
    pub indicator: Option<String>,
    /// 记录日期不早于（YYYY-MM-DD）。
    pub from: Option<NaiveDate>,
    /// 记录日期不晚于（YYYY-MM-DD）。
    pub until: Option<NaiveDate>,
    /// true 时只导出已删除的记录。
    pub deleted: Option<bool>,
    /// 文件格式：xlsx（默认，可修改后再导入）或 csv（UTF-8 带 BOM）。
    pub format: Option<SheetFormat>,
}

/// 年度参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerYearQuery {
    /// 年度；省略时为本单位有台账的最近年度（没有时为今年）。
    pub year: Option<i32>,
}

/// 导入的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerImportQuery {
    /// “年度”一栏为空的行计入的年度；省略时为今年。
    pub year: Option<i32>,
    /// 文件名（据扩展名 .xlsx / .csv 识别格式；省略时按 Content-Type 和文件内容识别）。
    pub filename: Option<String>,
}

/// 附件上传的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// 附件的文件名。
    pub filename: String,
}

/// 导入的结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerImportResult {
    /// 导入的记录数。
    pub count: u64,
}

/// 一项统计数据。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFigure {
    /// 稳定的统计项代码，如 study.total。
    pub key: String,
    /// 所属台账类别代码。
    pub kind: String,
    /// 中文名称，如“党组会学法”。
    pub label: String,
    pub value: f64,
    /// 计量单位：次、件、名、学时、%、人次、家、份、条、项。
    pub unit: String,
    /// 显示的文字，如“11 次”“100%”。
    pub text: String,
    /// 该数据所依据的记录编号。
    pub record_ids: Vec<i64>,
}

/// 一个指标的覆盖情况。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerCoverage {
    pub code: String,
    pub name: String,
    /// 层级（0 为一级指标）。
    pub depth: usize,
    /// 关联该指标（一级指标含其下级）的记录编号；为空即尚无台账支撑。
    pub record_ids: Vec<i64>,
}

/// 年度内的程序问题，及涉及的记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerYearViolation {
    /// 台账类别代码。
    pub kind: String,
    pub record_ids: Vec<i64>,
    pub violation: LedgerViolation,
}

/// 到期或已逾期的事项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerDueItem {
    pub record_id: i64,
    pub kind: String,
    pub title: String,
    /// 期限名称，如“答复期限”。
    pub what: String,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// 单位年度台账概况：统计数据、指标覆盖、程序问题、30 日内到期事项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerSummary {
    pub unit: Unit,
    pub year: i32,
    /// 有台账的年度（含所查年度），最近的在前。
    pub years: Vec<i32>,
    pub figures: Vec<LedgerFigure>,
    pub coverage: Vec<LedgerCoverage>,
    pub violations: Vec<LedgerYearViolation>,
    pub due: Vec<LedgerDueItem>,
    /// 各类别的记录数（类别代码 → 条数；没有记录的类别省略）。
    pub counts: BTreeMap<String, usize>,
}

impl From<&ops::Summary> for LedgerSummary {
    fn from(s: &ops::Summary) -> Self {
        LedgerSummary {
            unit: Unit::from(&s.unit),
            year: s.year,
            years: s.years.clone(),
            figures: s
                .statistics
                .figures
                .iter()
                .map(|f| LedgerFigure {
                    key: f.key.clone(),
                    kind: f.kind.code().to_string(),
                    label: f.label.clone(),
                    value: f.value,
                    unit: f.unit.to_string(),
                    text: f.text.clone(),
                    record_ids: f.record_ids.clone(),
                })
                .collect(),
            coverage: s
                .coverage
                .iter()
                .map(|c| LedgerCoverage {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    depth: c.depth,
                    record_ids: c.record_ids.clone(),
                })
                .collect(),
            violations: s
                .violations
                .iter()
                .map(|v| LedgerYearViolation {
                    kind: v.kind.code().to_string(),
                    record_ids: v.record_ids.clone(),
                    violation: LedgerViolation::from(&v.violation),
                })
                .collect(),
            due: s
                .due
                .iter()
                .map(|d| LedgerDueItem {
                    record_id: d.record_id,
                    kind: d.kind.code().to_string(),
                    title: d.title.clone(),
                    what: d.what.clone(),
                    due: d.due,
                    overdue: d.overdue,
                })
                .collect(),
            counts: s
                .counts
                .iter()
                .map(|(k, n)| (k.code().to_string(), *n))
                .collect(),
        }
    }
}

/// 字段有误的一项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFieldError {
    /// 字段键；年度为 year，指标为 indicators。
    pub field: String,
    pub message: String,
}

/// 导入文件中有误的一处。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerRowProblem {
    /// 行号（与表格软件显示的一致）。
    pub line: usize,
    /// 有误的列（表头名称）；涉及整行时为空字符串。
    pub column: String,
    pub message: String,
}

/// 台账操作出错时的响应体：在通用的 error、message 之外，字段有误时带 fields，
/// 违反法定程序被拒绝时带 violations，导入有误时带 rows（每一处有误的行）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerErrorResponse {
    /// fields 字段有误；refused 违反法定程序；rows 导入文件有误；以及通用的错误代码。
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<LedgerFieldError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<LedgerViolation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<LedgerRowProblem>,
}

// ---------------------------------------------------------------------------------------
// Conversions

fn kind_of(code: &str) -> Result<RecordKind> {
    RecordKind::from_code(code).ok_or(Error::NotFound("台账类别"))
}

fn type_code(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::LongText => "long_text",
        FieldType::Date => "date",
        FieldType::Count => "count",
        FieldType::Hours => "hours",
        FieldType::Bool => "bool",
        FieldType::Choice(_) => "choice",
        FieldType::List => "list",
    }
}

/// JSON values of a body as the text a form would carry, so that one parser and one set
/// of rules serve both. Objects and nested arrays are refused, naming the field.
fn fields_text(
    kind: RecordKind,
    fields: &BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, value) in fields {
        // A key the kind does not know keeps its name; parse_fields refuses it next.
        let label = kind.field(key).map_or(key.as_str(), |f| f.label);
        match fazhi_domain::ledger::json_text(label, value) {
            Ok(Some(text)) => {
                out.insert(key.clone(), text);
            }
            Ok(None) => {}
            Err(message) => errors.push(FieldError {
                field: key.clone(),
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Fields(errors))
    }
}

/// The filters the list and the export share.
struct Filters {
    year: Option<i32>,
    q: Option<String>,
    indicator: Option<String>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    deleted: Option<bool>,
}

fn query_of(unit_id: i64, kind: RecordKind, f: Filters) -> LedgerQuery {
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let deleted = f.deleted.unwrap_or(false);
    LedgerQuery {
        unit_id,
        year: f.year,
        kind: Some(kind),
        q: nonempty(f.q),
        indicator: nonempty(f.indicator),
        from: f.from,
        until: f.until,
        ids: None,
        include_deleted: deleted,
        deleted_only: deleted,
        offset: 0,
        limit: 0,
    }
}

/// A whole request body (a file sent as is), within the configured upload size.
pub struct RawFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl FromRequest<AppState> for RawFile {
    type Rejection = Error;

    async fn from_request(req: Request, state: &AppState) -> Result<Self> {
        let limit = state.config.max_upload_bytes;
        let (parts, body): (_, Body) = req.into_parts();
        let bytes = super::extract::read_body(&parts.headers, body, limit, || {
            format!(
                "上传内容过大：文件不能超过 {}（{limit} 字节）",
                human_size(limit)
            )
        })
        .await?;
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .trim()
            .to_string();
        Ok(RawFile {
            content_type,
            bytes: bytes.to_vec(),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Handlers

/// 台账类别与指标体系
///
/// 全部台账类别（代码、名称、字段及其类型、可选值、是否必填、填写说明、默认指标）和
/// 指标体系（《法治政府建设实施纲要（2021—2025年）》的指标树）。
#[utoipa::path(
    get,
    operation_id = "ledger_kinds",
    path = "/ledger/kinds",
    tag = "台账",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "类别目录与指标体系", body = LedgerCatalogue))
)]
pub async fn kinds(State(state): State<AppState>, _p: Principal) -> Json<LedgerCatalogue> {
    let fw = &state.ledger.framework;
    let kinds = RecordKind::ALL
        .iter()
        .map(|k| LedgerKind {
            code: k.code().to_string(),
            label: k.label().to_string(),
            fields: k
                .fields()
                .iter()
                .map(|f| LedgerField {
                    key: f.key.to_string(),
                    label: f.label.to_string(),
                    field_type: type_code(f.ty).to_string(),
                    choices: match f.ty {
                        FieldType::Choice(c) => c.iter().map(|s| s.to_string()).collect(),
                        _ => Vec::new(),
                    },
                    required: f.required,
                    help: f.help.to_string(),
                })
                .collect(),
            title_field: k.title_field().to_string(),
            date_field: k.date_field().map(str::to_string),
            default_indicators: k.default_indicator_codes(),
        })
        .collect();
    let indicators = fw
        .nodes()
        .iter()
        .map(|n| LedgerIndicator {
            code: n.code.clone(),
            parent: n.parent.clone(),
            name: n.name.clone(),
            depth: fw.path(&n.code).len().saturating_sub(1),
        })
        .collect();
    Json(LedgerCatalogue {
        kinds,
        framework: LedgerFramework {
            name: fw.name.clone(),
            document: fw.document.clone(),
            indicators,
        },
    })
}

/// 单位某类台账的记录
///
/// 按记录日期排列（最新的在前），可按年度、文字、指标、日期范围筛选，或只看已删除的记录。
/// 须为本单位人员或其上级督察员、管理员。
#[utoipa::path(
    get,
    operation_id = "ledger_list_records",
    path = "/units/{id}/ledger/{kind}",
    tag = "台账",
    params(
        ("id" = i64, Path, description = "单位编号"),
        ("kind" = String, Path, description = "台账类别代码（见 GET /ledger/kinds）"),
        LedgerListQuery
    ),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "记录", body = LedgerPage),
        (status = 404, description = "单位或类别不存在", body = ErrorResponse),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((unit_id, kind)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<LedgerListQuery>,
) -> Result<Json<LedgerPage>> {
    let kind = kind_of(&kind)?;
    let mut query = query_of(
        unit_id,
        kind,
        Filters {
            year: q.year,
            q: q.q,
            indicator: q.indicator,
            from: q.from,
            until: q.until,
            deleted: q.deleted,
        },
    );
    query.offset = q.offset.unwrap_or(0);
    query.limit = q.limit.unwrap_or(ops::DEFAULT_PAGE);
    let page = ops::list_records(&state, &p, &query).await?;
    Ok(Json(LedgerPage {
        total: page.total,
        items: page.items.iter().map(LedgerRecord::from).collect(),
    }))
}

/// 新建台账记录
///
/// 本单位填报员或负责人新建一条记录。字段逐项校验，有误时返回 422 并在 fields 中列出每一项；
/// 违反法定程序（如合法性审查完成前集体讨论决定、未经公平竞争审查印发涉及经营主体的规范性文件）
/// 的，拒绝保存，返回 422 并在 violations 中说明规则和依据；其他程序问题照常保存，在 warnings
/// 中提醒。
#[utoipa::path(
    post,
    operation_id = "ledger_create_record",
    path = "/units/{id}/ledger/{kind}",
    tag = "台账",
    params(
        ("id" = i64, Path, description = "单位编号"),
        ("kind" = String, Path, description = "台账类别代码")
    ),
    request_body = NewLedgerRecord,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已保存", body = SavedRecord,
            headers(("location" = String, description = "该记录的地址"))),
        (status = 404, description = "单位或类别不存在", body = ErrorResponse),
        (status = 422, description = "字段有误（fields）或违反法定程序（violations）", body = LedgerErrorResponse),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((unit_id, kind)): ApiPath<(i64, String)>,
    ApiJson(body): ApiJson<NewLedgerRecord>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    let input = RecordInput {
        year: body.year,
        fields: fields_text(kind, &body.fields)?,
        indicators: body.indicators,
    };
    let saved = ops::create_record(&state, &p, unit_id, kind, input).await?;
    let location = format!("/api/v1/ledger/records/{}", saved.row.record.id);
    Ok((
        StatusCode::CREATED,
        [(LOCATION, location)],
        Json(SavedRecord::from(&saved)),
    )
        .into_response())
}

/// 台账记录详情
///
/// 一条记录（含已删除的）及其附件。看不到该单位台账的，返回 404。
#[utoipa::path(
    get,
    operation_id = "ledger_get_record",
    path = "/ledger/records/{rid}",
    tag = "台账",
    params(("rid" = i64, Path, description = "记录编号")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "记录", body = LedgerRecord),
        (status = 404, description = "记录不存在", body = ErrorResponse),
    )
)]
pub async fn get_record(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(rid): ApiPath<i64>,
) -> Result<Json<LedgerRecord>> {
    let (_, row) = ops::get_record(&state, &p, rid).await?;
    Ok(Json(LedgerRecord::from(&row)))
}

/// 修改台账记录
///
/// 整条替换记录的年度、字段和指标（类别不变），须带上读取时的 version；其间已被他人修改的
/// 返回 409。校验和程序规则同新建。已删除的记录须先恢复。
#[utoipa::path(
    put,
    operation_id = "ledger_update_record",
    path = "/ledger/records/{rid}",
    tag = "台账",
    params(("rid" = i64, Path, description = "记录编号")),
    request_body = LedgerRecordUpdate,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已保存", body = SavedRecord),
        (status = 404, description = "记录不存在", body = ErrorResponse),
        (status = 409, description = "记录已被他人修改或已删除", body = ErrorResponse),
        (status = 422, description = "字段有误（fields）或违反法定程序（violations）", body = LedgerErrorResponse),
    )
)]
pub async fn update_record(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(rid): ApiPath<i64>,
    ApiJson(body): ApiJson<LedgerRecordUpdate>,
) -> Result<Json<SavedRecord>> {
    // The record's kind names the fields in errors (and a record one may not read is 404
    // before anything else is said about the body).
    let (_, current) = ops::get_record(&state, &p, rid).await?;
    let kind = current.record.data.kind;
    let input = RecordInput {
        year: body.year,
        fields: fields_text(kind, &body.fields)?,
        indicators: body.indicators,
    };
    let saved = ops::update_record(&state, &p, rid, input, body.version).await?;
    Ok(Json(SavedRecord::from(&saved)))
}

/// 删除台账记录
///
/// 标记删除：记录不再出现在列表和统计中，可以恢复，操作记入审计日志。
#[utoipa::path(
    delete,
    operation_id = "ledger_delete_record",
    path = "/ledger/records/{rid}",
    tag = "台账",
    params(("rid" = i64, Path, description = "记录编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已删除的记录", body = LedgerRecord),
        (status = 404, description = "记录不存在", body = ErrorResponse),
    )
)]
pub async fn delete_record(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(rid): ApiPath<i64>,
) -> Result<Json<LedgerRecord>> {
    let row = ops::delete_record(&state, &p, rid).await?;
    Ok(Json(LedgerRecord::from(&row)))
}

/// 恢复台账记录
///
/// 恢复已删除的记录。
#[utoipa::path(
    post,
    operation_id = "ledger_restore_record",
    path = "/ledger/records/{rid}/restore",
    tag = "台账",
    params(("rid" = i64, Path, description = "记录编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已恢复的记录", body = LedgerRecord),
        (status = 404, description = "记录不存在", body = ErrorResponse),
    )
)]
pub async fn restore_record(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(rid): ApiPath<i64>,
) -> Result<Json<LedgerRecord>> {
    let row = ops::restore_record(&state, &p, rid).await?;
    Ok(Json(LedgerRecord::from(&row)))
}

/// 单位年度台账概况
///
/// 年度统计数据（每项带所依据的记录编号）、指标体系覆盖情况、程序问题、30 日内到期和已逾期
/// 的事项、各类别记录数。
#[utoipa::path(
    get,
    operation_id = "ledger_summary",
    path = "/units/{id}/ledger/summary",
    tag = "台账",
    params(("id" = i64, Path, description = "单位编号"), LedgerYearQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "年度概况", body = LedgerSummary),
        (status = 404, description = "单位不存在", body = ErrorResponse),
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(unit_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<LedgerYearQuery>,
) -> Result<Json<LedgerSummary>> {
    let year = match q.year {
        Some(y) => y,
        None => ops::default_year(&state, &p, unit_id).await?,
    };
    let summary = ops::summary(&state, &p, unit_id, year).await?;
    Ok(Json(LedgerSummary::from(&summary)))
}

/// 下载导入模板
///
/// 某类台账的 Excel 导入模板（表头即字段名称，附填写说明）。
#[utoipa::path(
    get,
    operation_id = "ledger_template",
    path = "/units/{id}/ledger/{kind}/template",
    tag = "台账",
    params(
        ("id" = i64, Path, description = "单位编号"),
        ("kind" = String, Path, description = "台账类别代码")
    ),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Excel 模板",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, description = "单位或类别不存在", body = ErrorResponse),
    )
)]
pub async fn template(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((unit_id, kind)): ApiPath<(i64, String)>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    let (bytes, name) = ops::template(&state, &p, unit_id, kind).await?;
    Ok(file_response(
        fazhi_sheet::Format::Xlsx.content_type(),
        &name,
        bytes,
    ))
}

/// 导出台账
///
/// 按列表的筛选条件导出全部记录，格式与导入模板相同（导出后修改再导入即可）。
#[utoipa::path(
    get,
    operation_id = "ledger_export",
    path = "/units/{id}/ledger/{kind}/export",
    tag = "台账",
    params(
        ("id" = i64, Path, description = "单位编号"),
        ("kind" = String, Path, description = "台账类别代码"),
        LedgerExportQuery
    ),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "台账文件",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 404, description = "单位或类别不存在", body = ErrorResponse),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((unit_id, kind)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<LedgerExportQuery>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    // Unlike the org export (CSV unless asked), the ledger exports the workbook of its template.
    let format = match q.format.unwrap_or(SheetFormat::Xlsx) {
        SheetFormat::Xlsx => fazhi_sheet::Format::Xlsx,
        SheetFormat::Csv => fazhi_sheet::Format::Csv,
    };
    let query = query_of(
        unit_id,
        kind,
        Filters {
            year: q.year,
            q: q.q,
            indicator: q.indicator,
            from: q.from,
            until: q.until,
            deleted: q.deleted,
        },
    );
    let (bytes, name) = ops::export(&state, &p, &query, format).await?;
    Ok(file_response(format.content_type(), &name, bytes))
}

/// 导入台账
///
/// 请求体为文件本身（Excel .xlsx 或 CSV，格式同导入模板和导出文件），filename 参数给出
/// 文件名。逐行校验字段和法定程序，与本单位已有记录完全相同的行视为重复；只要有一处有误，
/// 就一行也不导入，返回 422 并在 rows 中列出每一处（行号、列、原因）。文件大小上限见服务器
/// 配置（默认 20 MB）。
#[utoipa::path(
    post,
    operation_id = "ledger_import",
    path = "/units/{id}/ledger/{kind}/import",
    tag = "台账",
    params(
        ("id" = i64, Path, description = "单位编号"),
        ("kind" = String, Path, description = "台账类别代码"),
        LedgerImportQuery
    ),
    request_body(content = Vec<u8>, description = "台账文件（.xlsx 或 .csv）",
        content_type = "application/octet-stream"),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已导入", body = LedgerImportResult),
        (status = 404, description = "单位或类别不存在", body = ErrorResponse),
        (status = 413, description = "文件过大", body = ErrorResponse),
        (status = 422, description = "文件无法读取，或有行有误（见 rows）", body = LedgerErrorResponse),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((unit_id, kind)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<LedgerImportQuery>,
    req: Request,
) -> Result<Json<LedgerImportResult>> {
    let kind = kind_of(&kind)?;
    // The right first: the body is read only for someone who may write the unit's ledger.
    crate::ops::unit_allowing(&state, &p, unit_id, fazhi_domain::Action::Write).await?;
    let file = RawFile::from_request(req, &state).await?;
    let filename = match q.filename.filter(|f| !f.trim().is_empty()) {
        Some(f) => f,
        None => {
            let ct = file.content_type.to_ascii_lowercase();
            if ct.contains("spreadsheetml") {
                "导入.xlsx".to_string()
            } else if ct.starts_with("text/") {
                "导入.csv".to_string()
            } else {
                "导入".to_string()
            }
        }
    };
    let year = q.year.unwrap_or_else(|| ops::today().year());
    let outcome = ops::import(&state, &p, unit_id, kind, year, &filename, &file.bytes).await?;
    Ok(Json(LedgerImportResult {
        count: outcome.count,
    }))
}

/// 上传附件
///
/// 请求体为文件本身，filename 参数给出文件名，Content-Type 为文件类型。文件按 SHA-256 保存。
/// 已删除的记录不能添加附件。
#[utoipa::path(
    post,
    operation_id = "ledger_add_attachment",
    path = "/ledger/records/{rid}/attachments",
    tag = "台账",
    params(("rid" = i64, Path, description = "记录编号"), AttachmentQuery),
    request_body(content = Vec<u8>, description = "附件文件", content_type = "application/octet-stream"),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已添加", body = LedgerAttachment),
        (status = 404, description = "记录不存在", body = ErrorResponse),
        (status = 409, description = "记录已删除", body = ErrorResponse),
        (status = 413, description = "文件过大", body = ErrorResponse),
    )
)]
pub async fn add_attachment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(rid): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AttachmentQuery>,
    req: Request,
) -> Result<Response> {
    // The right first: the body is read only for someone who may write the record.
    ops::require_attach(&state, &p, rid).await?;
    let file = RawFile::from_request(req, &state).await?;
    let att = ops::add_attachment(
        &state,
        &p,
        rid,
        &q.filename,
        &file.content_type,
        &file.bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(LedgerAttachment::from(&att))).into_response())
}

/// 下载附件
///
/// 附件原文件（Content-Disposition 中带原文件名）。访问权限同所属记录。
#[utoipa::path(
    get,
    operation_id = "ledger_get_attachment",
    path = "/ledger/attachments/{aid}",
    tag = "台账",
    params(("aid" = i64, Path, description = "附件编号")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "附件文件", content(("application/octet-stream"))),
        (status = 404, description = "附件不存在", body = ErrorResponse),
    )
)]
pub async fn get_attachment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(aid): ApiPath<i64>,
) -> Result<Response> {
    let (att, bytes) = ops::attachment(&state, &p, aid).await?;
    Ok(file_response(&att.content_type, &att.filename, bytes))
}

/// 删除附件
///
/// 从记录上移除附件（文件本身为审计保留）。
#[utoipa::path(
    delete,
    operation_id = "ledger_delete_attachment",
    path = "/ledger/attachments/{aid}",
    tag = "台账",
    params(("aid" = i64, Path, description = "附件编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 204, description = "已删除"),
        (status = 404, description = "附件不存在", body = ErrorResponse),
    )
)]
pub async fn delete_attachment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(aid): ApiPath<i64>,
) -> Result<StatusCode> {
    ops::delete_attachment(&state, &p, aid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_values_become_the_text_a_form_carries() {
        let fields: BTreeMap<String, serde_json::Value> = serde_json::from_value(json!({
            "date": "2025-03-01",
            "attendees": 12,
            "hours": 1.5,
            "leader_present": true,
            "laws": ["宪法", "行政处罚法"],
            "note": null,
        }))
        .unwrap();
        let text = fields_text(RecordKind::Study, &fields).unwrap();
        assert_eq!(text["date"], "2025-03-01");
        assert_eq!(text["attendees"], "12");
        assert_eq!(text["hours"], "1.5");
        assert_eq!(text["leader_present"], "是");
        assert_eq!(text["laws"], "宪法\n行政处罚法");
        assert!(!text.contains_key("note"));
        let parsed = fazhi_domain::ledger::parse_fields(
            RecordKind::Study,
            &BTreeMap::from([
                ("form".to_string(), "集中学法".to_string()),
                ("topic".to_string(), "民法典".to_string()),
            ])
            .into_iter()
            .chain(text)
            .collect(),
        )
        .unwrap();
        assert_eq!(parsed.list("laws"), ["宪法", "行政处罚法"]);
        assert!(parsed.flag("leader_present"));
    }

    #[test]
    fn objects_and_nested_arrays_are_refused_by_field() {
        let fields: BTreeMap<String, serde_json::Value> =
            serde_json::from_value(json!({"topic": {"a": 1}, "laws": [["x"]]})).unwrap();
        let Err(Error::Fields(errors)) = fields_text(RecordKind::Study, &fields) else {
            panic!("refused");
        };
        let keys: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(keys, ["laws", "topic"]);
        // Named as the form names them, not by their keys.
        assert!(
            errors[0].message.contains("学习法律法规"),
            "{}",
            errors[0].message
        );
        assert!(errors[1].message.contains("主题"), "{}", errors[1].message);
    }
}
