//! The organisation: regions, units, import and export of the organisation sheet.

use super::attachment;
use super::dto::{
    ErrorResponse, ExportQuery, ImportForm, ImportSummary, NewRegion, NewUnit, Region, RegionPatch,
    SheetFormat, Unit, UnitPatch, UnitsQuery,
};
use super::extract::{ApiJson, ApiPath, ApiQuery, UploadForm};
use crate::auth::Principal;
use crate::error::Result;
use crate::{ops, AppState};
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use fazhi_domain::{RegionId, UnitId};
use std::collections::HashMap;

/// 区划列表
///
/// 全部区划，按树的先序排列（上级在前），每项带上级编号、编号链和名称链。
#[utoipa::path(
    get,
    path = "/regions",
    tag = "组织机构",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "区划列表", body = Vec<Region>))
)]
pub async fn list_regions(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<Region>>> {
    let regions = ops::org::all_regions(&state, &p).await?;
    Ok(Json(Region::list(&regions)))
}

/// 新建区划
///
/// 须在上级区划有系统管理员角色；新建顶级区划须为顶级区划的系统管理员。
#[utoipa::path(
    post,
    path = "/regions",
    tag = "组织机构",
    request_body = NewRegion,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已创建", body = Region),
        (status = 409, description = "区划代码已存在", body = ErrorResponse),
        (status = 422, description = "名称或代码不符合要求，或上级区划不存在", body = ErrorResponse),
    )
)]
pub async fn create_region(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<NewRegion>,
) -> Result<(StatusCode, Json<Region>)> {
    let region = ops::org::create_region(
        &state,
        &p,
        body.parent_id.map(RegionId),
        &body.code,
        &body.name,
        body.level.into(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(with_path_names(&state, &p, &region).await?),
    ))
}

/// 修改区划
///
/// 修改区划的名称或代码；须在其上级区划有系统管理员角色。
#[utoipa::path(
    patch,
    path = "/regions/{id}",
    tag = "组织机构",
    params(("id" = i64, Path, description = "区划编号")),
    request_body = RegionPatch,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已修改", body = Region),
        (status = 404, description = "区划不存在", body = ErrorResponse),
        (status = 409, description = "区划代码已存在", body = ErrorResponse),
    )
)]
pub async fn update_region(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<RegionId>,
    ApiJson(body): ApiJson<RegionPatch>,
) -> Result<Json<Region>> {
    let region =
        ops::org::update_region(&state, &p, id, body.code.as_deref(), body.name.as_deref()).await?;
    Ok(Json(with_path_names(&state, &p, &region).await?))
}

async fn with_path_names(
    state: &AppState,
    p: &Principal,
    region: &fazhi_store::Region,
) -> Result<Region> {
    let all = ops::org::all_regions(state, p).await?;
    let names: HashMap<RegionId, &str> = all.iter().map(|r| (r.id, r.name.as_str())).collect();
    Ok(Region::with_names(region, &names))
}

/// 单位列表
///
/// 当前账号可查看的单位（本单位；督察员、管理员为其区划下的全部单位），可按区划筛选。
#[utoipa::path(
    get,
    path = "/units",
    tag = "组织机构",
    params(UnitsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "单位列表", body = Vec<Unit>),
        (status = 404, description = "区划不存在", body = ErrorResponse),
    )
)]
pub async fn list_units(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> Result<Json<Vec<Unit>>> {
    let units = ops::org::units_below(&state, &p, q.region.map(RegionId)).await?;
    Ok(Json(units.iter().map(Unit::from).collect()))
}

/// 单位详情
#[utoipa::path(
    get,
    path = "/units/{id}",
    tag = "组织机构",
    params(("id" = i64, Path, description = "单位编号")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "单位", body = Unit),
        (status = 404, description = "单位不存在", body = ErrorResponse),
    )
)]
pub async fn get_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UnitId>,
) -> Result<Json<Unit>> {
    let unit = ops::access::unit_for(&state, &p, id).await?;
    Ok(Json(Unit::from(&unit)))
}

/// 新建单位
///
/// 须在单位所属区划有系统管理员角色。
#[utoipa::path(
    post,
    path = "/units",
    tag = "组织机构",
    request_body = NewUnit,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已创建", body = Unit),
        (status = 409, description = "单位代码已存在", body = ErrorResponse),
        (status = 422, description = "名称或代码不符合要求，或区划不存在", body = ErrorResponse),
    )
)]
pub async fn create_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<NewUnit>,
) -> Result<(StatusCode, Json<Unit>)> {
    let unit = ops::org::create_unit(&state, &p, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(Unit::from(&unit))))
}

/// 修改单位
///
/// 修改单位的名称、简称、代码、类型或所属区划；须在原区划（调整区划时还须在新区划）有系统管理员角色。
#[utoipa::path(
    patch,
    path = "/units/{id}",
    tag = "组织机构",
    params(("id" = i64, Path, description = "单位编号")),
    request_body = UnitPatch,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已修改", body = Unit),
        (status = 404, description = "单位不存在", body = ErrorResponse),
        (status = 409, description = "单位代码已存在", body = ErrorResponse),
    )
)]
pub async fn update_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UnitId>,
    ApiJson(body): ApiJson<UnitPatch>,
) -> Result<Json<Unit>> {
    let unit = ops::org::update_unit(&state, &p, id, |u| body.apply(u)).await?;
    Ok(Json(Unit::from(&unit)))
}

/// 导入组织机构
///
/// 上传组织机构表（CSV 或 Excel .xlsx，表头：类别、代码、名称、简称、类型、上级代码）。
/// 按代码匹配：已有的更新，新的创建。全部行一起生效：只要有一行有误，就一行也不导入，
/// 并在 rows 中列出每一个有误的行。每一行都须在操作人的管理范围内。
#[utoipa::path(
    post,
    path = "/org/import",
    tag = "组织机构",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已导入", body = ImportSummary),
        (status = 413, description = "文件过大", body = ErrorResponse),
        (status = 422, description = "文件无法读取，或有行有误（见 rows）", body = ErrorResponse),
    )
)]
pub async fn import_org(
    State(state): State<AppState>,
    p: Principal,
    req: Request,
) -> Result<Json<ImportSummary>> {
    // The right first: the body is read only for someone who may import.
    ops::access::require_org_import(&p)?;
    let mut form = UploadForm::from_request(req, &state).await?;
    let file = form.take_file()?;
    let summary = ops::org::import_org_file(&state, &p, &file.filename, file.bytes).await?;
    Ok(Json(summary.into()))
}

/// 导出组织机构
///
/// 当前账号管理的区划及其单位，格式与导入相同（导出后修改再导入即可批量调整）。
#[utoipa::path(
    get,
    path = "/org/export",
    tag = "组织机构",
    params(ExportQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "组织机构表",
            content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    )
)]
pub async fn export_org(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response> {
    let format = match q.format.unwrap_or_default() {
        SheetFormat::Csv => fazhi_sheet::Format::Csv,
        SheetFormat::Xlsx => fazhi_sheet::Format::Xlsx,
    };
    let (filename, content_type, bytes) = ops::org::export_org(&state, &p, format).await?;
    Ok(attachment(content_type, &filename, bytes))
}
