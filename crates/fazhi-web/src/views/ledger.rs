//! 台账 pages: a unit's year dashboard (`/units/{id}/ledger`), the list of one kind with its
//! filters, Excel template, import and export, the record form generated from the kind's
//! field catalogue, the record page with its attachments, and the records behind a figure
//! or an indicator. Every operation is [`crate::ledger`]'s; these handlers only turn
//! requests into its calls and its answers (and its errors) into pages.

use super::{
    attachment, fmt_time, html, html_status, multipart_error, parse_year, qs, see_other, view,
    Chrome, Hx, Id, Nav, F, Q,
};
use crate::auth::Principal;
use crate::error::{problem_count, Error, Result};
use crate::ledger::{self, RecordInput};
use crate::session::human_size;
use crate::{ops, AppState};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use fazhi_domain::ledger::{parse_date, FieldError, FieldType, RecordId, RecordKind};
use fazhi_domain::{Framework, Violation};
use fazhi_sheet::ledger::RowProblem;
use fazhi_store::{LedgerQuery, LedgerRow, Unit};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// Records per page of a list.
pub const PAGE_SIZE: u32 = 50;
/// Record links shown under one rule of the dashboard (the rest are counted).
const LINKS_PER_VIOLATION: usize = 10;
/// Most characters of the keyword filter.
const MAX_QUERY_CHARS: usize = 100;
/// Columns of a list besides its date and title.
const KEY_COLUMNS: usize = 5;

/// The current year in China: what a new record, a list page and a figure page default to.
fn current_year() -> i32 {
    ledger::today().year()
}

// ---------------------------------------------------------------------------------------
// Path extractors (a malformed path is the Chinese not-found page)

/// `/units/{id}/ledger/figures/{key}` and `…/indicators/{code}`: the unit and a key.
pub struct KeyPath(pub i64, pub String);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let Path((id, key)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::NotFound("页面"))?;
        let id = id.parse().map_err(|_| Error::NotFound("页面"))?;
        Ok(KeyPath(id, key))
    }
}

/// `/units/{id}/ledger/{kind}`: the unit and a known kind.
pub struct KindPath(pub i64, pub RecordKind);

impl<S: Send + Sync> FromRequestParts<S> for KindPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let KeyPath(id, code) = KeyPath::from_request_parts(parts, state).await?;
        let kind = RecordKind::from_code(&code).ok_or(Error::NotFound("台账类别"))?;
        Ok(KindPath(id, kind))
    }
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// The name of an indicator code (the code itself when the framework does not know it).
fn indicator_name(fw: &Framework, code: &str) -> String {
    fw.get(code)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn depth(fw: &Framework, code: &str) -> usize {
    fw.path(code).len().saturating_sub(1)
}

/// The columns a list shows besides date and title: required fields first, then the
/// others, leaving out long texts.
fn key_columns(kind: RecordKind) -> Vec<&'static fazhi_domain::ledger::FieldSpec> {
    let skip = |f: &&fazhi_domain::ledger::FieldSpec| {
        f.key == kind.title_field()
            || Some(f.key) == kind.date_field()
            || f.ty == FieldType::LongText
    };
    let fields = kind.fields();
    fields
        .iter()
        .filter(|f| f.required && !skip(f))
        .chain(fields.iter().filter(|f| !f.required && !skip(f)))
        .take(KEY_COLUMNS)
        .collect()
}

fn record_date(row: &LedgerRow) -> String {
    row.record
        .kind()
        .date_field()
        .map(|d| row.record.fields().display(d))
        .unwrap_or_default()
}

fn record_title(row: &LedgerRow) -> String {
    let t = row.record.title();
    if t.trim().is_empty() {
        format!("记录 {}", row.record.id)
    } else {
        t
    }
}

/// A record as the cross-kind tables show it.
struct BriefRow {
    n: usize,
    id: RecordId,
    kind_code: &'static str,
    kind_label: &'static str,
    date: String,
    title: String,
    summary: String,
    attachments: usize,
}

fn brief_rows(rows: &[LedgerRow]) -> Vec<BriefRow> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let kind = r.record.kind();
            let summary = key_columns(kind)
                .into_iter()
                .filter_map(|f| {
                    let v = r.record.fields().display(f.key);
                    (!v.is_empty()).then(|| format!("{}：{v}", f.label))
                })
                .take(3)
                .collect::<Vec<_>>()
                .join("；");
            BriefRow {
                n: i + 1,
                id: r.record.id,
                kind_code: kind.code(),
                kind_label: kind.label(),
                date: record_date(r),
                title: record_title(r),
                summary,
                attachments: r.attachments.len(),
            }
        })
        .collect()
}

/// The text fields and the one file of a multipart form (the CSRF token, checked by the
/// session layer, is read past like any other field).
struct Upload {
    texts: HashMap<String, String>,
    file: Option<(String, String, Vec<u8>)>,
}

async fn read_multipart(
    state: &AppState,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Upload> {
    let mut mp = multipart
        .map_err(|_| Error::BadRequest("请使用上传表单（multipart/form-data）提交文件".into()))?;
    let mut up = Upload {
        texts: HashMap::new(),
        file: None,
    };
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_error(state, e))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field.bytes().await.map_err(|e| multipart_error(state, e))?;
            if !(filename.is_empty() && bytes.is_empty()) {
                up.file = Some((filename, content_type, bytes.to_vec()));
            }
        } else if name != "csrf_token" {
            let text = field.text().await.map_err(|e| multipart_error(state, e))?;
            up.texts.insert(name, text);
        }
    }
    Ok(up)
}

// ---------------------------------------------------------------------------------------
// The unit's year: /units/{id}/ledger

#[derive(Template)]
#[template(path = "ledger.html", blocks = ["dash"])]
struct DashPage {
    chrome: Chrome,
    unit: Unit,
    year: i32,
    years: Vec<i32>,
    write: bool,
    kinds: Vec<KindLink>,
    total: usize,
    groups: Vec<FigureGroup>,
    violations: Vec<ViolationView>,
    due: Vec<DueView>,
    coverage: Vec<CoverageRow>,
    covered: usize,
    framework: String,
}

struct KindLink {
    code: &'static str,
    label: &'static str,
    count: usize,
}

struct FigureGroup {
    code: &'static str,
    label: &'static str,
    figures: Vec<FigureView>,
}

struct FigureView {
    label: String,
    text: String,
    url: String,
    count: usize,
}

struct ViolationView {
    kind_label: &'static str,
    message: String,
    basis: &'static str,
    refuse: bool,
    /// (record id, title) of the first [`LINKS_PER_VIOLATION`] records.
    records: Vec<(RecordId, String)>,
    more: usize,
    total: usize,
}

struct DueView {
    record_id: RecordId,
    title: String,
    kind_label: &'static str,
    what: String,
    due: String,
    overdue: bool,
}

struct CoverageRow {
    name: String,
    depth: usize,
    count: usize,
    url: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// The years a switcher offers: those with records, the shown one and the current one.
fn switch_years(mut years: Vec<i32>, shown: i32) -> Vec<i32> {
    for y in [shown, current_year()] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years
}

/// `GET /units/{id}/ledger?year=`; without a year, the one the API's summary opens on (the
/// unit's newest year with records, else this year).
pub async fn dashboard(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = match parse_year(q.year.as_deref())? {
        Some(y) => y,
        None => ledger::default_year(&state, &p, id).await?,
    };
    let s = ledger::summary(&state, &p, id, year).await?;
    let fw = &state.ledger.framework;

    // Titles of the records the rules name, in one read.
    let mut wanted: Vec<RecordId> = s
        .violations
        .iter()
        .flat_map(|v| v.record_ids.iter().take(LINKS_PER_VIOLATION).copied())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut titles: HashMap<RecordId, String> = HashMap::new();
    if !wanted.is_empty() {
        let rows = ledger::list_records(
            &state,
            &p,
            &LedgerQuery {
                unit_id: id,
                ids: Some(wanted),
                limit: ledger::MAX_PAGE,
                ..LedgerQuery::default()
            },
        )
        .await?;
        for r in &rows.items {
            titles.insert(r.record.id, record_title(r));
        }
    }

    let base = format!("/units/{id}/ledger");
    let mut groups: Vec<FigureGroup> = Vec::new();
    for kind in RecordKind::ALL {
        let figures: Vec<FigureView> = s
            .statistics
            .figures
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| FigureView {
                label: f.label.clone(),
                text: f.text.clone(),
                url: format!("{base}/figures/{}?year={year}", qs(&f.key)),
                count: f.record_ids.len(),
            })
            .collect();
        if !figures.is_empty() {
            groups.push(FigureGroup {
                code: kind.code(),
                label: kind.label(),
                figures,
            });
        }
    }
    let violations = s
        .violations
        .iter()
        .map(|v| {
            let records: Vec<(RecordId, String)> = v
                .record_ids
                .iter()
                .take(LINKS_PER_VIOLATION)
                .map(|rid| {
                    let t = titles
                        .get(rid)
                        .cloned()
                        .unwrap_or_else(|| format!("记录 {rid}"));
                    (*rid, t)
                })
                .collect();
            ViolationView {
                kind_label: v.kind.label(),
                message: v.violation.message.clone(),
                basis: v.violation.basis,
                refuse: v.violation.refuse,
                more: v.record_ids.len().saturating_sub(records.len()),
                total: v.record_ids.len(),
                records,
            }
        })
        .collect();
    let due = s
        .due
        .iter()
        .map(|d| DueView {
            record_id: d.record_id,
            title: d.title.clone(),
            kind_label: d.kind.label(),
            what: d.what.clone(),
            due: d.due.format("%Y-%m-%d").to_string(),
            overdue: d.overdue,
        })
        .collect();
    let coverage: Vec<CoverageRow> = s
        .coverage
        .iter()
        .map(|c| CoverageRow {
            name: c.name.clone(),
            depth: c.depth.min(4),
            count: c.record_ids.len(),
            url: (!c.record_ids.is_empty())
                .then(|| format!("{base}/indicators/{}?year={year}", qs(&c.code))),
        })
        .collect();
    let kinds: Vec<KindLink> = RecordKind::ALL
        .into_iter()
        .map(|k| KindLink {
            code: k.code(),
            label: k.label(),
            count: s.counts.get(&k).copied().unwrap_or(0),
        })
        .collect();
    let page = DashPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        write: ops::unit_rights(Some(&p), &s.unit).write,
        years: switch_years(s.years.clone(), year),
        total: kinds.iter().map(|k| k.count).sum(),
        covered: coverage.iter().filter(|c| c.count > 0).count(),
        framework: fw.name.clone(),
        unit: s.unit,
        year,
        kinds,
        groups,
        violations,
        due,
        coverage,
    };
    Ok(view(hx, &page, page.as_dash()))
}

// ---------------------------------------------------------------------------------------
// The list of one kind: /units/{id}/ledger/{kind}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    indicator: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    deleted: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

/// The list's filters as the form shows them back.
#[derive(Default)]
struct Filters {
    year: Option<i32>,
    q: String,
    indicator: String,
    from: String,
    until: String,
    deleted: bool,
    page: u32,
}

fn parse_day(s: Option<&str>, what: &str) -> Result<Option<NaiveDate>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => parse_date(t)
            .map(Some)
            .ok_or_else(|| Error::BadRequest(format!("{what}“{t}”不是有效日期（例：2025-03-01）"))),
    }
}

impl Filters {
    fn parse(
        fw: &Framework,
        q: &ListParams,
    ) -> Result<(Filters, Option<NaiveDate>, Option<NaiveDate>)> {
        let from = parse_day(q.from.as_deref(), "开始日期")?;
        let until = parse_day(q.until.as_deref(), "截止日期")?;
        let indicator = q.indicator.as_deref().unwrap_or("").trim();
        let f = Filters {
            year: parse_year(q.year.as_deref())?,
            q: q.q
                .as_deref()
                .unwrap_or("")
                .trim()
                .chars()
                .take(MAX_QUERY_CHARS)
                .collect(),
            // An unknown code (a renamed framework, a hand-typed URL) filters nothing.
            indicator: if fw.get(indicator).is_some() {
                indicator.to_string()
            } else {
                String::new()
            },
            from: from.map(|d| d.to_string()).unwrap_or_default(),
            until: until.map(|d| d.to_string()).unwrap_or_default(),
            deleted: matches!(q.deleted.as_deref(), Some("1" | "true" | "on")),
            page: q
                .page
                .as_deref()
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(1)
                .clamp(1, 100_000),
        };
        Ok((f, from, until))
    }

    fn query(
        &self,
        unit_id: i64,
        kind: RecordKind,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> LedgerQuery {
        LedgerQuery {
            unit_id,
            year: self.year,
            kind: Some(kind),
            q: (!self.q.is_empty()).then(|| self.q.clone()),
            indicator: (!self.indicator.is_empty()).then(|| self.indicator.clone()),
            from,
            until,
            ids: None,
            include_deleted: self.deleted,
            deleted_only: false,
            offset: (self.page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        }
    }

    /// The filters as a query string (without the page), `&`-joined, possibly empty.
    fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(y) = self.year {
            parts.push(format!("year={y}"));
        }
        for (k, v) in [
            ("q", &self.q),
            ("indicator", &self.indicator),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", qs(v)));
            }
        }
        if self.deleted {
            parts.push("deleted=1".into());
        }
        parts.join("&")
    }
}

struct IndicatorChoice {
    code: String,
    label: String,
}

fn indicator_choices(fw: &Framework) -> Vec<IndicatorChoice> {
    fw.nodes()
        .iter()
        .map(|i| IndicatorChoice {
            code: i.code.clone(),
            label: format!("{}{}", "　".repeat(depth(fw, &i.code)), i.name),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "ledger_list.html", blocks = ["table"])]
struct ListPage {
    chrome: Chrome,
    unit: Unit,
    kind: RecordKind,
    write: bool,
    filters: Filters,
    years: Vec<i32>,
    indicator_choices: Vec<IndicatorChoice>,
    date_label: Option<&'static str>,
    title_label: &'static str,
    columns: Vec<&'static str>,
    colspan: usize,
    rows: Vec<ListRow>,
    total: i64,
    page: u32,
    pages: u32,
    page_size: u32,
    list_url: String,
    dash_url: String,
    new_url: String,
    import_year: i32,
    max_size: String,
}

struct ListRow {
    n: usize,
    id: RecordId,
    date: String,
    title: String,
    cells: Vec<String>,
    year: i32,
    indicators: String,
    attachments: usize,
    deleted: bool,
}

impl ListPage {
    fn year_is(&self, y: &i32) -> bool {
        self.filters.year == Some(*y)
    }

    fn year_is_import(&self, y: &i32) -> bool {
        *y == self.import_year
    }

    fn with_query(&self, path: &str, page: u32) -> String {
        let mut qs = self.filters.query_string();
        if page > 1 {
            if !qs.is_empty() {
                qs.push('&');
            }
            qs.push_str(&format!("page={page}"));
        }
        if qs.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{qs}")
        }
    }

    fn page_url(&self, page: impl std::borrow::Borrow<u32>) -> String {
        self.with_query(&self.list_url, *page.borrow())
    }

    fn export_url(&self, ext: &str) -> String {
        self.with_query(&format!("{}/export.{ext}", self.list_url), 1)
    }
}

/// `GET /units/{id}/ledger/{kind}` with the filters of [`ListParams`].
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KindPath(id, kind): KindPath,
    Q(q): Q<ListParams>,
) -> Result<Response> {
    let fw = &state.ledger.framework;
    let (filters, from, until) = Filters::parse(fw, &q)?;
    let unit = ops::unit_for(&state, &p, id).await?;
    let rows = ledger::list_records(&state, &p, &filters.query(id, kind, from, until)).await?;
    let columns = key_columns(kind);
    let pages = (rows.total.max(0) as u32).div_ceil(PAGE_SIZE).max(1);
    let first = (filters.page - 1) * PAGE_SIZE;
    let list_rows: Vec<ListRow> = rows
        .items
        .iter()
        .enumerate()
        .map(|(i, r)| ListRow {
            n: first as usize + i + 1,
            id: r.record.id,
            date: record_date(r),
            title: record_title(r),
            cells: columns
                .iter()
                .map(|f| r.record.fields().display(f.key))
                .collect(),
            year: r.record.data.year,
            indicators: r
                .record
                .data
                .indicators
                .iter()
                .map(|c| indicator_name(fw, c))
                .collect::<Vec<_>>()
                .join("；"),
            attachments: r.attachments.len(),
            deleted: r.deleted_at.is_some(),
        })
        .collect();
    let date_label = kind
        .date_field()
        .and_then(|d| kind.field(d))
        .map(|f| f.label);
    let title_label = kind.field(kind.title_field()).map_or("名称", |f| f.label);
    let list_url = format!("/units/{id}/ledger/{}", kind.code());
    let year_for_new = filters.year.unwrap_or_else(current_year);
    let page = ListPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        write: ops::unit_rights(Some(&p), &unit).write,
        years: super::year_choices(),
        indicator_choices: indicator_choices(fw),
        date_label,
        title_label,
        colspan: columns.len() + 5 + usize::from(date_label.is_some()),
        columns: columns.iter().map(|f| f.label).collect(),
        rows: list_rows,
        total: rows.total,
        page: filters.page.min(pages),
        pages,
        page_size: PAGE_SIZE,
        dash_url: format!(
            "/units/{id}/ledger?year={}",
            filters.year.unwrap_or_else(current_year)
        ),
        new_url: format!("{list_url}/new?year={year_for_new}"),
        list_url,
        import_year: year_for_new,
        max_size: human_size(state.config.max_upload_bytes),
        filters,
        unit,
        kind,
    };
    Ok(view(hx, &page, page.as_table()))
}

async fn export_as(
    state: AppState,
    p: Principal,
    id: i64,
    kind: RecordKind,
    q: ListParams,
    format: fazhi_sheet::Format,
) -> Result<Response> {
    let (filters, from, until) = Filters::parse(&state.ledger.framework, &q)?;
    let query = filters.query(id, kind, from, until);
    let (bytes, name) = ledger::export(&state, &p, &query, format).await?;
    Ok(attachment(&name, format.content_type(), bytes))
}

/// `GET /units/{id}/ledger/{kind}/export.xlsx` (the list's filters).
pub async fn export_xlsx(
    State(state): State<AppState>,
    p: Principal,
    KindPath(id, kind): KindPath,
    Q(q): Q<ListParams>,
) -> Result<Response> {
    export_as(state, p, id, kind, q, fazhi_sheet::Format::Xlsx).await
}

/// `GET /units/{id}/ledger/{kind}/export.csv` (the list's filters).
pub async fn export_csv(
    State(state): State<AppState>,
    p: Principal,
    KindPath(id, kind): KindPath,
    Q(q): Q<ListParams>,
) -> Result<Response> {
    export_as(state, p, id, kind, q, fazhi_sheet::Format::Csv).await
}

/// `GET /units/{id}/ledger/{kind}/template.xlsx`.
pub async fn template(
    State(state): State<AppState>,
    p: Principal,
    KindPath(id, kind): KindPath,
) -> Result<Response> {
    let (bytes, name) = ledger::template(&state, &p, id, kind).await?;
    Ok(attachment(
        &name,
        fazhi_sheet::Format::Xlsx.content_type(),
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------
// Import: POST /units/{id}/ledger/{kind}/import

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
    ops::unit_allowing(&state, &p, id, fazhi_domain::Action::Write).await?;
    let up = read_multipart(&state, multipart).await?;
    let year = parse_year(up.texts.get("year").map(String::as_str))?
        .ok_or_else(|| Error::BadRequest("请选择计入年度".into()))?;
    let Some((filename, _, bytes)) = up.file else {
        return Err(Error::BadRequest(
            "请选择要导入的 Excel（.xlsx）或 CSV 文件".into(),
        ));
    };
    let unit = ops::unit_for(&state, &p, id).await?;
    let result = ledger::import(&state, &p, id, kind, year, &filename, &bytes).await;
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
    Ok(if hx.0 {
        html_status(status, &page.as_result())
    } else {
        html_status(status, &page)
    })
}

// ---------------------------------------------------------------------------------------
// The record form (new and edit)

/// One input of the form.
struct InputView {
    key: &'static str,
    /// `f.{key}`: field inputs never collide with `year`, `version`, `csrf_token`.
    name: String,
    label: &'static str,
    help: &'static str,
    required: bool,
    /// `text`, `date`, `number`, `textarea` or `select`.
    control: &'static str,
    rows: u32,
    step: &'static str,
    options: Vec<&'static str>,
    wide: bool,
    value: String,
    error: Option<String>,
}

struct IndicatorOption {
    code: String,
    name: String,
    depth: usize,
    checked: bool,
}

/// The form as the template draws it: what the person typed (or the record holds), and
/// every error next to its field.
struct FormView {
    action: String,
    cancel: String,
    submit: &'static str,
    year: i32,
    years: Vec<i32>,
    version: Option<i64>,
    inputs: Vec<InputView>,
    indicators: Vec<IndicatorOption>,
    framework: String,
    refused: Vec<Violation>,
    error: Option<String>,
    field_errors: usize,
    year_error: Option<String>,
    indicators_error: Option<String>,
}

/// What a form holds: the text of each field, the year, the chosen indicators.
struct FormInput {
    year: String,
    version: Option<String>,
    fields: BTreeMap<String, String>,
    indicators: Vec<String>,
}

impl FormInput {
    fn from_pairs(kind: RecordKind, pairs: Vec<(String, String)>) -> FormInput {
        let mut input = FormInput {
            year: String::new(),
            version: None,
            fields: BTreeMap::new(),
            indicators: Vec::new(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "year" => input.year = v,
                "version" => input.version = Some(v),
                "indicators" => input.indicators.push(v),
                _ => {
                    if let Some(key) = k.strip_prefix("f.") {
                        if kind.field(key).is_some() {
                            input.fields.insert(key.to_string(), v);
                        }
                    }
                }
            }
        }
        input
    }

    fn from_row(row: &LedgerRow) -> FormInput {
        let data = &row.record.data;
        FormInput {
            year: data.year.to_string(),
            version: Some(row.version.to_string()),
            fields: data
                .kind
                .fields()
                .iter()
                .map(|f| (f.key.to_string(), data.fields.display(f.key)))
                .collect(),
            indicators: data.indicators.clone(),
        }
    }

    fn blank(kind: RecordKind, year: i32) -> FormInput {
        FormInput {
            year: year.to_string(),
            version: None,
            fields: BTreeMap::new(),
            indicators: kind.default_indicator_codes(),
        }
    }

    /// The year as typed; 0 (refused by the operation with the valid range) when not a number.
    fn year(&self) -> i32 {
        self.year.trim().parse().unwrap_or(0)
    }

    fn record_input(&self) -> RecordInput {
        RecordInput {
            year: self.year(),
            fields: self.fields.clone(),
            indicators: self.indicators.clone(),
        }
    }
}

/// What went wrong with a submitted form.
#[derive(Default)]
struct FormProblems {
    fields: Vec<FieldError>,
    refused: Vec<Violation>,
    error: Option<String>,
}

impl FormProblems {
    /// The errors a person fixes on the form itself; anything else is the error page.
    fn of(e: Error) -> std::result::Result<(StatusCode, FormProblems), Error> {
        let status = e.status();
        let problems = match e {
            Error::Fields(fields) => FormProblems {
                fields,
                ..FormProblems::default()
            },
            Error::Refused(refused) => FormProblems {
                refused,
                ..FormProblems::default()
            },
            e @ (Error::Conflict(_) | Error::BadRequest(_)) => FormProblems {
                error: Some(e.to_string()),
                ..FormProblems::default()
            },
            e => return Err(e),
        };
        Ok((status, problems))
    }
}

#[allow(clippy::too_many_arguments)]
fn form_view(
    state: &AppState,
    kind: RecordKind,
    action: String,
    cancel: String,
    submit: &'static str,
    input: &FormInput,
    version: Option<i64>,
    problems: FormProblems,
) -> FormView {
    let fw = &state.ledger.framework;
    let mut errors: HashMap<String, Vec<String>> = HashMap::new();
    for e in &problems.fields {
        errors
            .entry(e.field.clone())
            .or_default()
            .push(e.message.clone());
    }
    let mut take = |key: &str| errors.remove(key).map(|m| m.join("；"));
    let inputs: Vec<InputView> = kind
        .fields()
        .iter()
        .map(|f| {
            let (control, rows, step, options, wide): (&str, u32, &str, Vec<&'static str>, bool) =
                match f.ty {
                    FieldType::Text => ("text", 0, "", Vec::new(), false),
                    FieldType::LongText => ("textarea", 3, "", Vec::new(), true),
                    FieldType::List => ("textarea", 2, "", Vec::new(), true),
                    FieldType::Date => ("date", 0, "", Vec::new(), false),
                    FieldType::Count => ("number", 0, "1", Vec::new(), false),
                    FieldType::Hours => ("number", 0, "0.1", Vec::new(), false),
                    FieldType::Bool => ("select", 0, "", vec!["是", "否"], false),
                    FieldType::Choice(c) => ("select", 0, "", c.to_vec(), false),
                };
            let value = input.fields.get(f.key).cloned().unwrap_or_default();
            // A date typed some other way (kept after an error) stays visible as text: a
            // date input would show it blank.
            let control = if control == "date"
                && !value.trim().is_empty()
                && NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_err()
            {
                "text"
            } else {
                control
            };
            InputView {
                key: f.key,
                name: format!("f.{}", f.key),
                label: f.label,
                help: f.help,
                required: f.required,
                control,
                rows,
                step,
                options,
                wide,
                value,
                error: take(f.key),
            }
        })
        .collect();
    let year_error = take("year");
    let indicators_error = take("indicators");
    // Errors of no input on the form (none expected): shown at the top.
    let mut rest: Vec<String> = errors.into_values().flatten().collect();
    rest.sort();
    let error = match (problems.error, rest.is_empty()) {
        (e, true) => e,
        (Some(e), false) => Some(format!("{e}；{}", rest.join("；"))),
        (None, false) => Some(rest.join("；")),
    };
    let year = input.year();
    let mut years = super::year_choices();
    if fazhi_domain::ReportYear::accepts(year) && !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    FormView {
        action,
        cancel,
        submit,
        year,
        years,
        version,
        field_errors: problems.fields.len(),
        inputs,
        indicators: fw
            .nodes()
            .iter()
            .map(|i| IndicatorOption {
                checked: input.indicators.contains(&i.code),
                depth: depth(fw, &i.code).min(4),
                code: i.code.clone(),
                name: i.name.clone(),
            })
            .collect(),
        framework: fw.name.clone(),
        refused: problems.refused,
        error,
        year_error,
        indicators_error,
    }
}

#[derive(Template)]
#[template(path = "ledger_form.html", blocks = ["form"])]
struct NewPage {
    chrome: Chrome,
    unit: Unit,
    kind: RecordKind,
    form: FormView,
}

fn new_page(
    state: &AppState,
    p: &Principal,
    unit: Unit,
    kind: RecordKind,
    input: &FormInput,
    problems: FormProblems,
) -> NewPage {
    let list = format!("/units/{}/ledger/{}", unit.id, kind.code());
    NewPage {
        chrome: Chrome::new(state, Some(p), Nav::Home),
        form: form_view(
            state,
            kind,
            list.clone(),
            format!("{list}?year={}", input.year()),
            "保存",
            input,
            None,
            problems,
        ),
        unit,
        kind,
    }
}

/// `GET /units/{id}/ledger/{kind}/new?year=`.
pub async fn new_form(
    State(state): State<AppState>,
    p: Principal,
    KindPath(id, kind): KindPath,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = parse_year(q.year.as_deref())?.unwrap_or_else(current_year);
    let unit = ops::unit_for(&state, &p, id).await?;
    if !ops::unit_rights(Some(&p), &unit).write {
        return Err(Error::Forbidden);
    }
    let input = FormInput::blank(kind, year);
    Ok(html(&new_page(
        &state,
        &p,
        unit,
        kind,
        &input,
        FormProblems::default(),
    )))
}

/// `POST /units/{id}/ledger/{kind}`: saved → the record's page; a mistake → the form again
/// with what was typed and every error.
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KindPath(id, kind): KindPath,
    F(pairs): F<Vec<(String, String)>>,
) -> Result<Response> {
    let input = FormInput::from_pairs(kind, pairs);
    match ledger::create_record(&state, &p, id, kind, input.record_input()).await {
        Ok(saved) => Ok(see_other(
            hx,
            &format!("/ledger/{}?done=created", saved.row.record.id),
        )),
        Err(e) => {
            let (status, problems) = FormProblems::of(e)?;
            let unit = ops::unit_for(&state, &p, id).await?;
            let page = new_page(&state, &p, unit, kind, &input, problems);
            Ok(html_status(status, &page))
        }
    }
}

// ---------------------------------------------------------------------------------------
// The record: /ledger/{rid}

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
        write: ops::unit_rights(Some(p), &unit).write,
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
                id: a.id,
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
    Id(rid): Id,
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
    Id(rid): Id,
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
    Id(rid): Id,
) -> Result<Response> {
    ledger::delete_record(&state, &p, rid).await?;
    Ok(see_other(hx, &format!("/ledger/{rid}?done=deleted")))
}

/// `POST /ledger/{rid}/restore`.
pub async fn restore(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(rid): Id,
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
    Id(rid): Id,
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
    Id(aid): Id,
) -> Result<Response> {
    let (att, bytes) = ledger::attachment(&state, &p, aid).await?;
    Ok(attachment(&att.filename, &att.content_type, bytes))
}

/// `POST /ledger/attachments/{aid}/delete`.
pub async fn attachment_delete(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(aid): Id,
) -> Result<Response> {
    let att = ledger::delete_attachment(&state, &p, aid).await?;
    Ok(see_other(
        hx,
        &format!("/ledger/{}?done=detached#attachments", att.record_id),
    ))
}

// ---------------------------------------------------------------------------------------
// The records behind a figure or an indicator

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
    let year = parse_year(q.year.as_deref())?.unwrap_or_else(current_year);
    let (unit, figure, rows) = ledger::figure_records(&state, &p, id, year, &key).await?;
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
    let year = parse_year(q.year.as_deref())?.unwrap_or_else(current_year);
    let name = state
        .ledger
        .framework
        .get(&code)
        .map(|i| i.name.clone())
        .ok_or(Error::NotFound("指标"))?;
    let unit = ops::unit_for(&state, &p, id).await?;
    let rows = ledger::list_records(
        &state,
        &p,
        &LedgerQuery {
            unit_id: id,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_columns_skip_title_date_and_long_text() {
        for kind in RecordKind::ALL {
            let cols = key_columns(kind);
            assert!(cols.len() <= KEY_COLUMNS, "{kind:?}");
            for c in &cols {
                assert_ne!(c.key, kind.title_field(), "{kind:?}");
                assert_ne!(Some(c.key), kind.date_field(), "{kind:?}");
                assert_ne!(c.ty, FieldType::LongText, "{kind:?}");
            }
        }
        let study: Vec<&str> = key_columns(RecordKind::Study)
            .iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(
            study,
            ["form", "laws", "attendees", "leader_present", "hours"]
        );
    }

    #[test]
    fn form_pairs_keep_only_the_kinds_fields() {
        let pairs = vec![
            ("csrf_token".to_string(), "t".to_string()),
            ("year".into(), "2025".into()),
            ("version".into(), "3".into()),
            ("f.topic".into(), "宪法学习".into()),
            ("f.nope".into(), "x".into()),
            ("topic".into(), "without prefix".into()),
            ("indicators".into(), "thought".into()),
            ("indicators".into(), "leadership.capacity".into()),
        ];
        let input = FormInput::from_pairs(RecordKind::Study, pairs);
        assert_eq!(input.year(), 2025);
        assert_eq!(input.version.as_deref(), Some("3"));
        assert_eq!(input.fields.len(), 1);
        assert_eq!(input.fields["topic"], "宪法学习");
        assert_eq!(input.indicators, ["thought", "leadership.capacity"]);
        let bad = FormInput::from_pairs(RecordKind::Study, vec![("year".into(), "abc".into())]);
        assert_eq!(bad.year(), 0);
    }

    #[test]
    fn filters_round_trip_as_a_query_string() {
        let fw = Framework::builtin();
        let q = ListParams {
            year: Some("2025".into()),
            q: Some(" 宪法 ".into()),
            indicator: Some("decision.procedure".into()),
            from: Some("2025/3/1".into()),
            until: Some("".into()),
            deleted: Some("1".into()),
            page: Some("2".into()),
        };
        let (f, from, until) = Filters::parse(&fw, &q).unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2025, 3, 1));
        assert_eq!(until, None);
        assert_eq!(
            f.query_string(),
            "year=2025&q=%E5%AE%AA%E6%B3%95&indicator=decision.procedure&from=2025-03-01&deleted=1"
        );
        let lq = f.query(7, RecordKind::Study, from, until);
        assert_eq!(lq.offset, PAGE_SIZE);
        assert!(lq.include_deleted && !lq.deleted_only);
        assert_eq!(lq.q.as_deref(), Some("宪法"));
        // An unknown indicator filters nothing; a bad date is refused in Chinese.
        let unknown = ListParams {
            indicator: Some("nope".into()),
            ..ListParams::default()
        };
        assert_eq!(Filters::parse(&fw, &unknown).unwrap().0.indicator, "");
        let bad = ListParams {
            from: Some("2025-13-01".into()),
            ..ListParams::default()
        };
        assert!(Filters::parse(&fw, &bad).is_err());
    }
}
