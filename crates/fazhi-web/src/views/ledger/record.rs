//! The record: `/ledger/{rid}`, its edit, deletion and attachments.

use super::form::{form_view, FormInput, FormProblems, FormView};
use super::*;
use fazhi_domain::{AttachmentId, RecordId};

#[derive(Template)]
#[template(path = "ledger_record.html", blocks = ["record", "form"])]
struct RecordPage {
    chrome: Chrome,
    unit: Unit,
    id: RecordId,
    kind: RecordKind,
    title: String,
    year: i32,
    deleted: Option<String>,
    write: bool,
    notice: Option<String>,
    warnings: Vec<Violation>,
    fields: Vec<(&'static str, String)>,
    indicators: Vec<String>,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
    version: i64,
    attachments: Vec<AttachmentView>,
    max_size: String,
    form: FormView,
}

struct AttachmentView {
    id: i64,
    filename: String,
    size: String,
    created_at: String,
    sha_short: String,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "已保存。",
        "updated" => "已保存修改。",
        "deleted" => "已删除这条记录。",
        "restored" => "已恢复这条记录。",
        "attached" => "已上传附件。",
        "detached" => "已删除附件。",
        _ => return None,
    })
}

/// The record page with the notice of `done` (what was just done to it); `edit` is the input
/// and problems of a failed edit (else the record's own).
fn record_page(
    state: &AppState,
    p: &Principal,
    unit: Unit,
    row: &LedgerRow,
    done: Option<&str>,
    edit: Option<(&FormInput, FormProblems)>,
) -> RecordPage {
    let fw = &state.ledger.framework;
    let data = &row.record.data;
    let kind = data.kind;
    let rid = row.record.id;
    // The record's rules, recomputed: what it breaks today (a deadline passes with time).
    let warnings = ledger::record_violations(state, data);
    let own = FormInput::from_row(row);
    let (input, problems) = match edit {
        Some((input, problems)) => (input, problems),
        None => (&own, FormProblems::default()),
    };
    let form = form_view(
        state,
        kind,
        format!("/ledger/{rid}"),
        format!("/ledger/{rid}"),
        "保存修改",
        input,
        // A stale edit shown again carries the current version: saving it again is a
        // deliberate overwrite by someone who has seen the other change.
        Some(row.version),
        problems,
    );
    RecordPage {
        chrome: Chrome::new(state, Some(p), Nav::Home),
        write: ops::access::unit_rights(Some(p), &unit).write,
        unit,
        id: rid,
        kind,
        title: record_title(row),
        year: data.year,
        deleted: row.deleted_at.as_ref().map(fmt_time),
        // Just saved with rules broken that do not block saving: say so at once.
        notice: notice(done).map(|n| match (done, warnings.len()) {
            (Some("created" | "updated"), w) if w > 0 => {
                format!("{n}请注意：这条记录有 {w} 项规则提示，见下方。")
            }
            _ => n.to_string(),
        }),
        warnings,
        fields: kind
            .fields()
            .iter()
            .map(|f| (f.label, data.fields.display(f.key)))
            .collect(),
        indicators: data
            .indicators
            .iter()
            .map(|c| indicator_name(fw, c))
            .collect(),
        created_by: row.created_by.clone(),
        created_at: fmt_time(&row.created_at),
        updated_by: row.updated_by.clone(),
        updated_at: fmt_time(&row.updated_at),
        version: row.version,
        attachments: row
            .attachments
            .iter()
            .map(|a| AttachmentView {
                id: a.id.0,
                filename: a.filename.clone(),
                size: human_size(a.size.max(0) as u64),
                created_at: fmt_time(&a.created_at),
                sha_short: a.sha256.chars().take(12).collect(),
            })
            .collect(),
        max_size: human_size(state.config.max_upload_bytes),
        form,
    }
}

/// `GET /ledger/{rid}`: the record, its rule warnings, attachments, and the edit form.
pub async fn record(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id<RecordId>,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let (unit, row) = ledger::get_record(&state, &p, rid).await?;
    let page = record_page(&state, &p, unit, &row, q.done.as_deref(), None);
    Ok(view(hx, &page, page.as_record()))
}

/// `POST /ledger/{rid}` with the hidden `version`: saved → the record's page; a mistake or a
/// change made meanwhile → the page again with the typed input and what is wrong.
pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id<RecordId>,
    F(pairs): F<Vec<(String, String)>>,
) -> Result<Response> {
    let (_, current) = ledger::get_record(&state, &p, rid).await?;
    let input = FormInput::from_pairs(current.record.kind(), pairs);
    let version = input
        .version
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| Error::BadRequest("表单缺少版本号，请刷新页面后重新修改".into()))?;
    match ledger::update_record(&state, &p, rid, input.record_input(), version).await {
        Ok(_) => Ok(see_other(hx, &format!("/ledger/{rid}?done=updated"))),
        Err(e) => {
            let (status, problems) = FormProblems::of(e)?;
            // Reread: after a conflict the page shows the record as it is now.
            let (unit, row) = ledger::get_record(&state, &p, rid).await?;
            let page = record_page(&state, &p, unit, &row, None, Some((&input, problems)));
            Ok(html_status(status, &page))
        }
    }
}

/// `POST /ledger/{rid}/delete` (soft: restorable, audited).
pub async fn delete(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id<RecordId>,
) -> Result<Response> {
    ledger::delete_record(&state, &p, rid).await?;
    Ok(see_other(hx, &format!("/ledger/{rid}?done=deleted")))
}

/// `POST /ledger/{rid}/restore`.
pub async fn restore(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id<RecordId>,
) -> Result<Response> {
    ledger::restore_record(&state, &p, rid).await?;
    Ok(see_other(hx, &format!("/ledger/{rid}?done=restored")))
}

// ---------------------------------------------------------------------------------------
// Attachments

/// `POST /ledger/{rid}/attachments` (multipart: `csrf_token` first, `file`).
pub async fn attachment_upload(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id<RecordId>,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    // The right first: the form is read only for someone who may write the record.
    ledger::require_attach(&state, &p, rid).await?;
    let up = read_multipart(&state, multipart).await?;
    let Some((filename, content_type, bytes)) = up.file else {
        return Err(Error::BadRequest("请选择要上传的附件".into()));
    };
    ledger::add_attachment(&state, &p, rid, &filename, &content_type, &bytes).await?;
    Ok(see_other(
        hx,
        &format!("/ledger/{rid}?done=attached#attachments"),
    ))
}

/// `GET /ledger/attachments/{aid}`: the file, to save.
pub async fn attachment_download(
    State(state): State<AppState>,
    p: Principal,
    Id(aid): Id<AttachmentId>,
) -> Result<Response> {
    let (att, bytes) = ledger::attachment(&state, &p, aid).await?;
    Ok(attachment(&att.filename, &att.content_type, bytes))
}

/// `POST /ledger/attachments/{aid}/delete`.
pub async fn attachment_delete(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(aid): Id<AttachmentId>,
) -> Result<Response> {
    let att = ledger::delete_attachment(&state, &p, aid).await?;
    Ok(see_other(
        hx,
        &format!("/ledger/{}?done=detached#attachments", att.record_id),
    ))
}
