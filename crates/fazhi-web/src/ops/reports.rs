//! Annual reports as uploaded files: upload and check, read, publish, the supervisor's
//! overview and the public list.

use super::access::{region_allowing, unit_allowing, unit_read_allowing, RegionAccess};
use super::files::{check_file, clean_filename, file_slot};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use chrono::Utc;
use fazhi_domain::UploadId;
use fazhi_domain::{Action, Placement, ReportYear, UnitId};
use fazhi_report::Checked;
use fazhi_store::{
    NewUpload, Page, Region, UnitOverviewQuery, UnitOverviewRow, UploadDetail, UploadStatus,
    UploadSummary,
};
use sha2::{Digest, Sha256};

/// A unit's staff uploads a report: kept with its SHA-256, checked by the engine, stored
/// with the findings. A file the engine cannot read is kept too, marked failed with why.
pub async fn upload_report(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: ReportYear,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<UploadSummary> {
    let unit = unit_allowing(state, p, unit_id, Action::Write).await?;
    let unit_id = unit.id();
    check_file(state, &bytes)?;
    let filename = clean_filename(filename);
    if !fazhi_report::is_report_file_name(&filename) {
        return Err(Error::BadRequest(format!(
            "“{filename}”不是年度报告文件：请上传 {} 格式的报告",
            fazhi_report::REPORT_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let engine = state.engine.clone();
    // The permit goes with the work: a request that times out does not free the slot
    // while its file is still being read.
    let slot = file_slot(state).await?;
    let (bytes, checked) = {
        let name = filename.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let checked = engine.check_bytes(&name, &bytes, None);
            (bytes, checked)
        })
        .await
        .map_err(|e| Error::Internal(format!("检查任务异常：{e}")))?
    };
    let new = match checked {
        Ok(checked) => new_upload_checked(
            unit_id,
            year,
            &filename,
            content_type,
            sha256,
            bytes,
            &checked,
        ),
        Err(e) => NewUpload {
            unit_id,
            year,
            filename: filename.clone(),
            content_type: content_type.to_string(),
            sha256,
            bytes,
            status: UploadStatus::Failed,
            error: Some(e.to_string()),
            checked_json: None,
            score: None,
            errors: 0,
            warnings: 0,
            infos: 0,
            title: filename.clone(),
        },
    };
    Ok(state.reports().create_upload(&unit.actor(), &new).await?)
}

/// The row to store for a report the engine read.
fn new_upload_checked(
    unit_id: UnitId,
    year: ReportYear,
    filename: &str,
    content_type: &str,
    sha256: String,
    bytes: Vec<u8>,
    checked: &Checked,
) -> NewUpload {
    let summary = checked.summary(filename);
    NewUpload {
        unit_id,
        year,
        filename: filename.to_string(),
        content_type: content_type.to_string(),
        sha256,
        bytes,
        status: UploadStatus::Checked,
        error: None,
        checked_json: Some(summary.json),
        score: Some(summary.score),
        errors: summary.errors,
        warnings: summary.warnings,
        infos: summary.infos,
        title: summary.title,
    }
}

/// An upload for whoever may read it: the unit's people and supervisors above it, or anyone
/// once it is published. To everyone else it does not exist (404, as a ledger record of
/// another unit), so ids cannot be probed for unpublished reports.
async fn readable_upload(
    state: &AppState,
    viewer: Option<&Principal>,
    id: UploadId,
) -> Result<UploadDetail> {
    let detail = state.reports().upload(id).await?;
    let placement = Placement::unit(detail.unit.id, detail.unit.region_path.clone());
    let allowed = viewer.is_some_and(|p| p.can(Action::Read, &placement))
        || detail.summary.published_at.is_some();
    if allowed {
        Ok(detail)
    } else {
        Err(Error::NotFound("报告"))
    }
}

/// An upload with its checked result, for whoever may read it: the unit's people and
/// supervisors above it, or anyone once it is published.
pub async fn upload_detail(
    state: &AppState,
    viewer: Option<&Principal>,
    id: UploadId,
) -> Result<(UploadDetail, Option<Checked>)> {
    let detail = readable_upload(state, viewer, id).await?;
    let checked = match &detail.checked_json {
        Some(json) => Some(
            serde_json::from_str::<Checked>(json)
                .map_err(|e| Error::Internal(format!("审查结果无法读取：{e}")))?,
        ),
        None => None,
    };
    Ok((detail, checked))
}

/// The original file of an upload (same access as [`upload_detail`]).
pub async fn upload_original(
    state: &AppState,
    viewer: Option<&Principal>,
    id: UploadId,
) -> Result<(UploadSummary, String, Vec<u8>)> {
    let detail = readable_upload(state, viewer, id).await?;
    let bytes = state.reports().upload_bytes(id).await?;
    Ok((detail.summary, detail.content_type, bytes))
}

pub async fn unit_uploads(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: Option<i32>,
) -> Result<(fazhi_store::Unit, Vec<UploadSummary>)> {
    let unit = unit_allowing(state, p, unit_id, Action::Read).await?;
    let uploads = state.reports().uploads_of_unit(unit.id(), year).await?;
    Ok((unit.into_unit(), uploads))
}

/// 单位负责人 publishes (or withdraws) a report of his unit.
pub async fn set_published(
    state: &AppState,
    p: &Principal,
    id: UploadId,
    publish: bool,
) -> Result<UploadSummary> {
    let detail = state.reports().upload(id).await?;
    let unit = unit_read_allowing(p, detail.unit, Action::Approve)?;
    if publish && detail.summary.status != UploadStatus::Checked {
        return Err(Error::BadRequest("无法读取的文件不能发布".into()));
    }
    let at = publish.then(Utc::now);
    Ok(state
        .reports()
        .set_published(&unit.actor(), detail.summary.id, at)
        .await?)
}

/// The supervisor's list of every unit below a region with its latest upload of the year.
pub async fn unit_overview(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<Page<UnitOverviewRow>> {
    Ok(region_unit_overview(state, p, q).await?.1)
}

/// Published reports, newest first, for everyone (the public portal).
pub async fn published_reports(
    state: &AppState,
    offset: u32,
    limit: u32,
) -> Result<Page<UploadSummary>> {
    Ok(state
        .reports()
        .published_uploads(offset, limit.clamp(1, 100))
        .await?)
}

/// The report year lists open on: the newest year with an upload, else last year (reports
/// are written in the first months of the year after the one they report on).
pub async fn default_report_year(state: &AppState) -> Result<i32> {
    use chrono::Datelike;
    Ok(match state.reports().upload_years().await?.first() {
        Some(y) => *y,
        None => Utc::now().year() - 1,
    })
}

/// The supervisor's list of units below a region, with the region itself (for the page's
/// heading): one access check, one query.
pub async fn region_unit_overview(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<(Region, Page<UnitOverviewRow>)> {
    let region = supervised(state, p, q).await?;
    let q = UnitOverviewQuery {
        region_id: region.id(),
        limit: q.limit.clamp(1, 500),
        ..q.clone()
    };
    let page = state.reports().unit_overview(&q).await?;
    Ok((region.into_region(), page))
}

/// How many units below the region have uploaded for the query's year (same access as
/// [`region_unit_overview`]).
pub async fn region_units_uploaded(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<i64> {
    let region = supervised(state, p, q).await?;
    let q = UnitOverviewQuery {
        region_id: region.id(),
        ..q.clone()
    };
    Ok(state.reports().count_units_uploaded(&q).await?)
}

/// The region of a supervisor's query, once he may supervise there.
async fn supervised<'a>(
    state: &AppState,
    p: &'a Principal,
    q: &UnitOverviewQuery,
) -> Result<RegionAccess<'a>> {
    region_allowing(state, p, q.region_id, Action::Supervise).await
}
