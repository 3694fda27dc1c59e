//! The records behind a figure or an indicator.

use super::*;
use fazhi_domain::UnitId;

#[derive(Template)]
#[template(path = "ledger_figure.html", blocks = ["figure"])]
struct RecordsPage {
    chrome: Chrome,
    unit: Unit,
    year: i32,
    crumb: String,
    heading: String,
    kind_label: Option<&'static str>,
    value: Option<String>,
    explain: String,
    rows: Vec<BriefRow>,
}

/// `GET /units/{id}/ledger/figures/{key}?year=`: a figure and exactly its records.
pub async fn figure(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KeyPath(id, key): KeyPath,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = q.year_or_current()?;
    let (unit, figure, rows) = ledger::figure_records(&state, &p, UnitId(id), year, &key).await?;
    let page = RecordsPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        crumb: format!("统计数据：{}", figure.label),
        heading: figure.label.clone(),
        kind_label: Some(figure.kind.label()),
        value: Some(figure.text.clone()),
        explain: format!(
            "“{}”（{}）由以下 {} 条 {year} 年度记录统计得出。",
            figure.label,
            figure.text,
            rows.len()
        ),
        rows: brief_rows(&rows),
        unit,
        year,
    };
    Ok(view(hx, &page, page.as_figure()))
}

/// `GET /units/{id}/ledger/indicators/{code}?year=`: the year's records tagged with an
/// indicator or one below it (what the dashboard's coverage counts).
pub async fn indicator(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KeyPath(id, code): KeyPath,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = q.year_or_current()?;
    let name = state
        .ledger
        .framework
        .get(&code)
        .map(|i| i.name.clone())
        .ok_or(Error::NotFound("指标"))?;
    let unit = ops::access::unit_for(&state, &p, UnitId(id)).await?;
    let rows = ledger::list_records(
        &state,
        &p,
        &LedgerQuery {
            unit_id: UnitId(id),
            year: Some(year),
            indicator: Some(code),
            limit: ledger::MAX_PAGE,
            ..LedgerQuery::default()
        },
    )
    .await?;
    let shown = rows.items.len();
    let page = RecordsPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        crumb: format!("指标：{name}"),
        explain: if rows.total > shown as i64 {
            format!(
                "标注了该指标（含下级指标）的 {year} 年度记录共 {} 条，此处列出前 {shown} 条。",
                rows.total
            )
        } else {
            format!("标注了该指标（含下级指标）的 {year} 年度记录共 {shown} 条。")
        },
        heading: name,
        kind_label: None,
        value: None,
        rows: brief_rows(&rows.items),
        unit,
        year,
    };
    Ok(view(hx, &page, page.as_figure()))
}
