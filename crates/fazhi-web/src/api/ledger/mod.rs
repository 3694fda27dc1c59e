//! The ledger (台账) under `/api/v1`: the catalogue of kinds and the framework, records of a
//! unit (list, create, read, replace, delete, restore), the year's summary, the Excel
//! template, export and import, attachments. Every handler calls [`crate::ops::ledger`], the same
//! operations the pages call, so the API and the UI share one rule path and one access check.

use super::attachment as file_response;
use super::dto::{ErrorResponse, SheetFormat, Unit};
use super::extract::{human_size, ApiJson, ApiPath, ApiQuery};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::ops::ledger::{self, RecordInput};
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_domain::ledger::{FieldError, FieldType, RecordKind};
use fazhi_domain::{AttachmentId, RecordId, UnitId};
use fazhi_store::LedgerQuery;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

mod shapes;

pub use shapes::*;

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

fn query_of(unit_id: UnitId, kind: RecordKind, f: Filters) -> LedgerQuery {
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
    ApiPath((unit_id, kind)): ApiPath<(UnitId, String)>,
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
    query.limit = q.limit.unwrap_or(ledger::DEFAULT_PAGE);
    let page = ledger::list_records(&state, &p, &query).await?;
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
    ApiPath((unit_id, kind)): ApiPath<(UnitId, String)>,
    ApiJson(body): ApiJson<NewLedgerRecord>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    let input = RecordInput {
        year: body.year,
        fields: fields_text(kind, &body.fields)?,
        indicators: body.indicators,
    };
    let saved = ledger::create_record(&state, &p, unit_id, kind, input).await?;
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
    ApiPath(rid): ApiPath<RecordId>,
) -> Result<Json<LedgerRecord>> {
    let (_, row) = ledger::get_record(&state, &p, rid).await?;
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
    ApiPath(rid): ApiPath<RecordId>,
    ApiJson(body): ApiJson<LedgerRecordUpdate>,
) -> Result<Json<SavedRecord>> {
    // The record's kind names the fields in errors (and a record one may not read is 404
    // before anything else is said about the body).
    let (_, current) = ledger::get_record(&state, &p, rid).await?;
    let kind = current.record.data.kind;
    let input = RecordInput {
        year: body.year,
        fields: fields_text(kind, &body.fields)?,
        indicators: body.indicators,
    };
    let saved = ledger::update_record(&state, &p, rid, input, body.version).await?;
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
    ApiPath(rid): ApiPath<RecordId>,
) -> Result<Json<LedgerRecord>> {
    let row = ledger::delete_record(&state, &p, rid).await?;
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
    ApiPath(rid): ApiPath<RecordId>,
) -> Result<Json<LedgerRecord>> {
    let row = ledger::restore_record(&state, &p, rid).await?;
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
    ApiPath(unit_id): ApiPath<UnitId>,
    ApiQuery(q): ApiQuery<LedgerYearQuery>,
) -> Result<Json<LedgerSummary>> {
    let year = match q.year {
        Some(y) => y,
        None => ledger::default_year(&state, &p, unit_id).await?,
    };
    let summary = ledger::summary(&state, &p, unit_id, year).await?;
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
    ApiPath((unit_id, kind)): ApiPath<(UnitId, String)>,
) -> Result<Response> {
    let kind = kind_of(&kind)?;
    let (bytes, name) = ledger::template(&state, &p, unit_id, kind).await?;
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
    ApiPath((unit_id, kind)): ApiPath<(UnitId, String)>,
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
    let (bytes, name) = ledger::export(&state, &p, &query, format).await?;
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
    ApiPath((unit_id, kind)): ApiPath<(UnitId, String)>,
    ApiQuery(q): ApiQuery<LedgerImportQuery>,
    req: Request,
) -> Result<Json<LedgerImportResult>> {
    let kind = kind_of(&kind)?;
    // The right first: the body is read only for someone who may write the unit's ledger.
    crate::ops::access::unit_allowing(&state, &p, unit_id, fazhi_domain::Action::Write).await?;
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
    let year = q.year.unwrap_or_else(|| ledger::today().year());
    let outcome = ledger::import(&state, &p, unit_id, kind, year, &filename, &file.bytes).await?;
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
    ApiPath(rid): ApiPath<RecordId>,
    ApiQuery(q): ApiQuery<AttachmentQuery>,
    req: Request,
) -> Result<Response> {
    // The right first: the body is read only for someone who may write the record.
    ledger::require_attach(&state, &p, rid).await?;
    let file = RawFile::from_request(req, &state).await?;
    let att = ledger::add_attachment(
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
    ApiPath(aid): ApiPath<AttachmentId>,
) -> Result<Response> {
    let (att, bytes) = ledger::attachment(&state, &p, aid).await?;
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
    ApiPath(aid): ApiPath<AttachmentId>,
) -> Result<StatusCode> {
    ledger::delete_attachment(&state, &p, aid).await?;
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
