//! Annual reports: uploads checked by the engine, their results and original files,
//! publishing, the supervisor's overview and the public list.

use super::attachment;
use super::dto::{
    ErrorResponse, OverviewPage, OverviewQuery, OverviewRow, PageQuery, PublishedPage,
    ReportResult, Unit, UnitUploads, UploadDetail, UploadForm as UploadFormDoc, UploadSummary,
    YearQuery,
};
use super::extract::{ApiPath, ApiQuery, UploadForm};
use crate::auth::{Principal, Viewer};
use crate::error::{Error, Result};
use crate::{ops, AppState};
use axum::extract::{FromRequest, Request, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fazhi_domain::{RegionId, UnitId, UploadId};
use fazhi_store::UnitOverviewQuery;

fn detail_dto(
    detail: &fazhi_store::UploadDetail,
    checked: Option<&fazhi_report::Checked>,
    internal: bool,
) -> Result<UploadDetail> {
    let upload = if internal {
        UploadSummary::internal(&detail.summary)
    } else {
        UploadSummary::public(&detail.summary)
    };
    let result = match checked {
        Some(c) => Some(ReportResult::from_checked(&detail.summary.filename, c)?),
        None => None,
    };
    Ok(UploadDetail {
        upload,
        unit: Unit::from(&detail.unit),
        content_type: detail.content_type.clone(),
        result,
    })
}

/// 单位的上传记录
///
/// 某单位的全部上传（最新的在前），可按年度筛选。须为本单位人员或其上级督察员、管理员。
#[utoipa::path(
    get,
    path = "/units/{id}/uploads",
    tag = "年度报告",
    params(("id" = i64, Path, description = "单位编号"), YearQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "上传记录", body = UnitUploads),
        (status = 404, description = "单位不存在", body = ErrorResponse),
    )
)]
pub async fn unit_uploads(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UnitId>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<UnitUploads>> {
    let (unit, uploads) = ops::reports::unit_uploads(&state, &p, id, q.year).await?;
    Ok(Json(UnitUploads {
        unit: Unit::from(&unit),
        uploads: uploads.iter().map(UploadSummary::internal).collect(),
    }))
}

/// 上传年度报告
///
/// 本单位填报员或负责人上传某年度的报告（multipart/form-data：year 年度，file 文件），
/// 系统立即审查并返回审查结果。无法读取的文件也会保存，状态为 failed 并说明原因。
/// 文件大小上限见服务器配置（默认 20 MB）。
#[utoipa::path(
    post,
    path = "/units/{id}/uploads",
    tag = "年度报告",
    params(("id" = i64, Path, description = "单位编号")),
    request_body(content = UploadFormDoc, content_type = "multipart/form-data"),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已上传并审查", body = UploadDetail,
            headers(("location" = String, description = "该上传的地址"))),
        (status = 404, description = "单位不存在", body = ErrorResponse),
        (status = 413, description = "文件过大", body = ErrorResponse),
        (status = 422, description = "缺少文件或年度，或年度不在范围内", body = ErrorResponse),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(unit_id): ApiPath<UnitId>,
    req: Request,
) -> Result<Response> {
    // The right first: the body is read only for someone who may upload to the unit.
    ops::access::unit_allowing(&state, &p, unit_id, fazhi_domain::Action::Write).await?;
    let mut form = UploadForm::from_request(req, &state).await?;
    let year = form
        .field("year")
        .ok_or_else(|| Error::BadRequest("请填写报告年度（表单字段 year）".into()))?
        .parse::<i32>()
        .map_err(|_| Error::BadRequest("报告年度须为四位数字，如 2024".into()))?;
    let file = form.take_file()?;
    let year =
        fazhi_domain::ReportYear::parse(year).map_err(|e| Error::BadRequest(e.to_string()))?;
    let summary = ops::reports::upload_report(
        &state,
        &p,
        unit_id,
        year,
        &file.filename,
        &file.content_type,
        file.bytes,
    )
    .await?;
    let (detail, checked) = ops::reports::upload_detail(&state, Some(&p), summary.id).await?;
    let body = detail_dto(&detail, checked.as_ref(), true)?;
    let location = format!("/api/v1/uploads/{}", summary.id);
    Ok((StatusCode::CREATED, [(LOCATION, location)], Json(body)).into_response())
}

/// 上传详情与审查结果
///
/// 一次上传及其完整审查结果（章节、五项内容覆盖、数据、审查意见、得分）。本单位人员和上级
/// 督察员可查看；已公开发布的报告任何人（无需登录）都可查看。
#[utoipa::path(
    get,
    path = "/uploads/{id}",
    tag = "年度报告",
    params(("id" = i64, Path, description = "上传编号")),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "上传详情", body = UploadDetail),
        (status = 404, description = "不存在（或未发布且未登录）", body = ErrorResponse),
    )
)]
pub async fn get_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<UploadId>,
) -> Result<Json<UploadDetail>> {
    let viewer = viewer.0.as_ref();
    let (detail, checked) = ops::reports::upload_detail(&state, viewer, id).await?;
    let internal = ops::access::reads_unit(viewer, &detail.unit);
    Ok(Json(detail_dto(&detail, checked.as_ref(), internal)?))
}

/// 下载原文件
///
/// 上传的原文件，原样返回（Content-Disposition 中带原文件名）。访问权限同上传详情。
#[utoipa::path(
    get,
    path = "/uploads/{id}/original",
    tag = "年度报告",
    params(("id" = i64, Path, description = "上传编号")),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "原文件", content(("application/octet-stream"))),
        (status = 404, description = "不存在（或未发布且未登录）", body = ErrorResponse),
    )
)]
pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<UploadId>,
) -> Result<Response> {
    let (summary, content_type, bytes) =
        ops::reports::upload_original(&state, viewer.0.as_ref(), id).await?;
    Ok(attachment(&content_type, &summary.filename, bytes))
}

/// 公开发布
///
/// 单位负责人将本单位已审查的报告公开发布，发布后任何人可查看。
#[utoipa::path(
    post,
    path = "/uploads/{id}/publish",
    tag = "年度报告",
    params(("id" = i64, Path, description = "上传编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已发布", body = UploadSummary),
        (status = 404, description = "不存在", body = ErrorResponse),
        (status = 422, description = "无法读取的文件不能发布", body = ErrorResponse),
    )
)]
pub async fn publish(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UploadId>,
) -> Result<Json<UploadSummary>> {
    let summary = ops::reports::set_published(&state, &p, id, true).await?;
    Ok(Json(UploadSummary::internal(&summary)))
}

/// 撤回发布
///
/// 单位负责人撤回已公开发布的报告。
#[utoipa::path(
    post,
    path = "/uploads/{id}/withdraw",
    tag = "年度报告",
    params(("id" = i64, Path, description = "上传编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已撤回", body = UploadSummary),
        (status = 404, description = "不存在", body = ErrorResponse),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UploadId>,
) -> Result<Json<UploadSummary>> {
    let summary = ops::reports::set_published(&state, &p, id, false).await?;
    Ok(Json(UploadSummary::internal(&summary)))
}

/// 单位总览（督察）
///
/// 某区划及其下级的全部单位，各带该年度最新一次上传及得分，可排序、搜索、分页。须在该区划
/// 有督察员或系统管理员角色。
#[utoipa::path(
    get,
    path = "/regions/{id}/overview",
    tag = "督察",
    params(("id" = i64, Path, description = "区划编号"), OverviewQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "单位总览", body = OverviewPage),
        (status = 404, description = "区划不存在", body = ErrorResponse),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(region_id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<OverviewQuery>,
) -> Result<Json<OverviewPage>> {
    let year = match q.year {
        Some(y) => y,
        None => ops::reports::default_report_year(&state).await?,
    };
    let query = UnitOverviewQuery {
        region_id,
        year,
        sort: q.sort.map(Into::into).unwrap_or_default(),
        descending: q.desc.unwrap_or(false),
        search: q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        offset: q.offset.unwrap_or(0),
        limit: q.limit.unwrap_or(50),
    };
    let page = ops::reports::unit_overview(&state, &p, &query).await?;
    Ok(Json(OverviewPage {
        year,
        total: page.total,
        items: page
            .items
            .iter()
            .map(|row| OverviewRow {
                unit: Unit::from(&row.unit),
                region_name: row.region_name.clone(),
                latest: row.latest.as_ref().map(UploadSummary::internal),
                uploads: row.uploads,
            })
            .collect(),
    }))
}

/// 已发布的报告
///
/// 公开发布的年度报告（最新的在前），无需登录。
#[utoipa::path(
    get,
    path = "/published",
    tag = "公开",
    params(PageQuery),
    security(()),
    responses((status = 200, description = "已发布的报告", body = PublishedPage))
)]
pub async fn published(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<PublishedPage>> {
    let page =
        ops::reports::published_reports(&state, q.offset.unwrap_or(0), q.limit.unwrap_or(20))
            .await?;
    Ok(Json(PublishedPage {
        total: page.total,
        items: page.items.iter().map(UploadSummary::public).collect(),
    }))
}
