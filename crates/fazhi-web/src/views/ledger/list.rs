//! The list of one kind: `/units/{id}/ledger/{kind}`, its exports and its template.

use super::*;
use fazhi_domain::{RecordId, UnitId};

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
            page: parse_page(q.page.as_deref()),
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
            unit_id: UnitId(unit_id),
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
    let unit = ops::access::unit_for(&state, &p, UnitId(id)).await?;
    let rows = ledger::list_records(&state, &p, &filters.query(id, kind, from, until)).await?;
    let columns = key_columns(kind);
    let pages = page_count(rows.total, PAGE_SIZE);
    let first = (filters.page - 1) * PAGE_SIZE;
    let list_rows: Vec<ListRow> = numbered(first, &rows.items)
        .map(|(n, r)| ListRow {
            n,
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
        write: ops::access::unit_rights(Some(&p), &unit).write,
        years: crate::views::year_choices(),
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
    let (bytes, name) = ledger::template(&state, &p, UnitId(id), kind).await?;
    Ok(attachment(
        &name,
        fazhi_sheet::Format::Xlsx.content_type(),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
