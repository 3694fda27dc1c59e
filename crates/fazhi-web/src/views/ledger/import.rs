//! Import: `POST /units/{id}/ledger/{kind}/import`.

use super::*;
use fazhi_domain::UnitId;

#[derive(Template)]
#[template(path = "ledger_import.html", blocks = ["result"])]
struct ImportPage {
    chrome: Chrome,
    unit: Unit,
    kind: RecordKind,
    year: i32,
    list_url: String,
    imported: Option<u64>,
    message: String,
    problems: Vec<RowProblem>,
}

/// Multipart: `csrf_token` first, `year`, `file`. All rows or none.
pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KindPath(id, kind): KindPath,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    // The right first: the form is read only for someone who may write the unit's ledger.
    ops::access::unit_allowing(&state, &p, UnitId(id), fazhi_domain::Action::Write).await?;
    let up = read_multipart(&state, multipart).await?;
    let year = parse_year(up.texts.get("year").map(String::as_str))?
        .ok_or_else(|| Error::BadRequest("请选择计入年度".into()))?;
    let Some((filename, _, bytes)) = up.file else {
        return Err(Error::BadRequest(
            "请选择要导入的 Excel（.xlsx）或 CSV 文件".into(),
        ));
    };
    let unit = ops::access::unit_for(&state, &p, UnitId(id)).await?;
    let result = ledger::import(&state, &p, UnitId(id), kind, year, &filename, &bytes).await;
    let (status, imported, message, problems) = match result {
        Ok(outcome) => (
            StatusCode::OK,
            Some(outcome.count),
            String::new(),
            Vec::new(),
        ),
        Err(Error::ImportRows(problems)) => {
            // The page's heading already says nothing was imported: here only how much is wrong.
            let message = format!("{}。", problem_count(&problems));
            (StatusCode::UNPROCESSABLE_ENTITY, None, message, problems)
        }
        Err(e @ (Error::BadRequest(_) | Error::TooLarge(_) | Error::Rows(_))) => {
            (e.status(), None, e.to_string(), Vec::new())
        }
        Err(e) => return Err(e),
    };
    let page = ImportPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        list_url: format!("/units/{id}/ledger/{}?year={year}", kind.code()),
        unit,
        kind,
        year,
        imported,
        message,
        problems,
    };
    Ok(view_status(hx, status, &page, page.as_result()))
}
