//! `/units/{id}`: a unit's reports per year, the upload form, publishing.

use super::{
    fmt_time, html, last_year, multipart_error, parse_year, see_other, view, year_choices, Chrome,
    Hx, Id, Nav, F, Q,
};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::ops;
use crate::ops::access::UnitRights;
use crate::session::{human_size, safe_next};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::Response;
use fazhi_domain::{UnitId, UploadId};
use fazhi_store::{Unit, UploadStatus, UploadSummary};
use serde::Deserialize;

/// One upload as the lists show it.
pub struct UploadRow {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub filename: String,
    pub size: String,
    pub uploaded_at: String,
    pub by: String,
    pub checked: bool,
    pub error: Option<String>,
    pub score: Option<i32>,
    pub errors: i32,
    pub warnings: i32,
    pub published: Option<String>,
}

impl From<&UploadSummary> for UploadRow {
    fn from(u: &UploadSummary) -> Self {
        UploadRow {
            id: u.id.0,
            year: u.year,
            title: u.title.clone(),
            filename: u.filename.clone(),
            size: human_size(u.size.max(0) as u64),
            uploaded_at: fmt_time(&u.uploaded_at),
            by: u.uploaded_by_login.clone(),
            checked: u.status == UploadStatus::Checked,
            error: u.error.clone(),
            score: u.score,
            errors: u.errors,
            warnings: u.warnings,
            published: u.published_at.as_ref().map(fmt_time),
        }
    }
}

impl UploadRow {
    pub fn score_class(&self) -> &'static str {
        score_class(self.score)
    }
}

/// Colour of a score: green from 80, amber from 60, red below.
pub fn score_class(score: Option<i32>) -> &'static str {
    match score {
        Some(s) if s >= 80 => "score-high",
        Some(s) if s >= 60 => "score-mid",
        Some(_) => "score-low",
        None => "",
    }
}

#[derive(Template)]
#[template(path = "unit.html", blocks = ["uploads"])]
struct UnitPage {
    chrome: Chrome,
    unit: Unit,
    rights: UnitRights,
    /// The year the list is filtered to (`None`: all years).
    year: Option<i32>,
    years: Vec<i32>,
    /// The year preselected in the upload form.
    upload_year: i32,
    uploads: Vec<UploadRow>,
    /// The upload just made (after an htmx upload).
    uploaded: Option<UploadRow>,
    max_size: String,
}

impl UnitPage {
    fn year_is(&self, y: &i32) -> bool {
        self.year == Some(*y)
    }
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

async fn unit_view(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: Option<i32>,
    uploaded: Option<UploadRow>,
) -> Result<UnitPage> {
    let (unit, uploads) = ops::reports::unit_uploads(state, p, unit_id, year).await?;
    Ok(UnitPage {
        chrome: Chrome::new(state, Some(p), Nav::Home),
        rights: ops::access::unit_rights(Some(p), &unit),
        unit,
        year,
        years: year_choices(),
        upload_year: last_year(),
        uploads: uploads.iter().map(UploadRow::from).collect(),
        uploaded,
        max_size: human_size(state.config.max_upload_bytes),
    })
}

pub async fn unit_page(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UnitId>,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = parse_year(q.year.as_deref())?;
    let page = unit_view(&state, &p, id, year, None).await?;
    Ok(view(hx, &page, page.as_uploads()))
}

/// `POST /units/{id}/uploads` (multipart: `csrf_token` first, `year`, `file`).
pub async fn upload(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UnitId>,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    // The right first: the form is read only for someone who may upload to the unit.
    ops::access::unit_allowing(&state, &p, id, fazhi_domain::Action::Write).await?;
    let mut mp = multipart
        .map_err(|_| Error::BadRequest("请使用上传表单（multipart/form-data）提交文件".into()))?;
    let mut year = None;
    let mut file = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_error(&state, e))?
    {
        match field.name() {
            Some("year") => {
                year = Some(field.text().await.map_err(|e| multipart_error(&state, e))?)
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(&state, e))?;
                file = Some((name, content_type, bytes));
            }
            // The CSRF token (checked by the session layer) and anything unknown.
            _ => {}
        }
    }
    let year =
        parse_year(year.as_deref())?.ok_or_else(|| Error::BadRequest("请选择报告年度".into()))?;
    let Some((name, content_type, bytes)) =
        file.filter(|(n, _, b)| !(n.is_empty() && b.is_empty()))
    else {
        return Err(Error::BadRequest(
            "请选择要上传的报告文件（.docx、.pdf 或 .txt）".into(),
        ));
    };
    let year =
        fazhi_domain::ReportYear::parse(year).map_err(|e| Error::BadRequest(e.to_string()))?;
    let summary =
        ops::reports::upload_report(&state, &p, id, year, &name, &content_type, bytes.to_vec())
            .await?;
    if hx.0 {
        let page = unit_view(
            &state,
            &p,
            id,
            Some(year.get()),
            Some(UploadRow::from(&summary)),
        )
        .await?;
        let resp = html(&page.as_uploads());
        Ok(resp)
    } else {
        Ok(see_other(hx, &format!("/uploads/{}", summary.id)))
    }
}

#[derive(Deserialize)]
pub struct BackForm {
    #[serde(default)]
    back: Option<String>,
}

/// `POST /uploads/{id}/publish` (`PUBLISH` true) and `POST /uploads/{id}/unpublish`: back to
/// the form's `back` if it is a safe local address, else to the upload.
pub async fn set_published<const PUBLISH: bool>(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UploadId>,
    F(form): F<BackForm>,
) -> Result<Response> {
    ops::reports::set_published(&state, &p, id, PUBLISH).await?;
    let fallback = format!("/uploads/{id}");
    let to = form
        .back
        .as_deref()
        .and_then(safe_next)
        .unwrap_or(&fallback);
    Ok(see_other(hx, to))
}
