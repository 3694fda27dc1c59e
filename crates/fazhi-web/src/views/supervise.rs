//! 督察: `/supervise` (the regions a person supervises) and the unit list of a region
//! (`/regions/{id}/units`, sortable, searchable, paged; `…/units.csv` for Excel).

use super::units::UploadRow;
use super::{
    attachment, fmt_time, numbered, page_count, parse_page, parse_year, qs, view, year_choices,
    Chrome, Hx, Id, Nav, Q,
};
use crate::auth::Principal;
use crate::error::Result;
use crate::{ops, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use fazhi_domain::RegionId;
use fazhi_store::{Region, UnitOverviewQuery, UnitOverviewRow, UnitSort};
use serde::Deserialize;

/// Units per page of the list.
pub const PAGE_SIZE: u32 = 50;
/// Rows fetched per store call (the most `ops` allows).
const CHUNK: u32 = 500;

// ---------------------------------------------------------------------------------------
// /supervise

#[derive(Template)]
#[template(path = "supervise.html", blocks = ["main"])]
struct SupervisePage {
    chrome: Chrome,
    regions: Vec<Region>,
    year: i32,
}

pub async fn supervise(State(state): State<AppState>, p: Principal, hx: Hx) -> Result<Response> {
    let regions = ops::access::supervised_regions(&state, &p).await?;
    if regions.is_empty() {
        return Err(crate::Error::Forbidden);
    }
    let year = ops::reports::default_report_year(&state).await?;
    let page = SupervisePage {
        chrome: Chrome::new(&state, Some(&p), Nav::Supervise),
        regions,
        year,
    };
    Ok(view(hx, &page, page.as_main()))
}

// ---------------------------------------------------------------------------------------
// /regions/{id}/units

#[derive(Deserialize, Default)]
pub struct OverviewParams {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

/// The list's settings as parsed from the query.
struct Settings {
    year: i32,
    sort: UnitSort,
    desc: bool,
    search: String,
    page: u32,
}

fn sort_key(s: UnitSort) -> &'static str {
    match s {
        UnitSort::Name => "name",
        UnitSort::Region => "region",
        UnitSort::Score => "score",
        UnitSort::Findings => "findings",
        UnitSort::UploadedAt => "uploaded_at",
    }
}

fn parse_sort(s: &str) -> UnitSort {
    match s {
        "region" => UnitSort::Region,
        "score" => UnitSort::Score,
        "findings" => UnitSort::Findings,
        "uploaded_at" => UnitSort::UploadedAt,
        _ => UnitSort::Name,
    }
}

async fn settings(state: &AppState, q: &OverviewParams) -> Result<Settings> {
    let year = match parse_year(q.year.as_deref())? {
        Some(y) => y,
        None => ops::reports::default_report_year(state).await?,
    };
    Ok(Settings {
        year,
        sort: parse_sort(q.sort.as_deref().unwrap_or("")),
        desc: matches!(q.desc.as_deref(), Some("1" | "true")),
        search: q
            .q
            .as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(100)
            .collect(),
        page: parse_page(q.page.as_deref()),
    })
}

fn store_query(region_id: RegionId, s: &Settings, offset: u32) -> UnitOverviewQuery {
    UnitOverviewQuery {
        region_id,
        year: s.year,
        sort: s.sort,
        descending: s.desc,
        search: (!s.search.is_empty()).then(|| s.search.clone()),
        offset,
        limit: CHUNK,
    }
}

/// Walks the whole list in chunks, calling `each(index, row)`; the region and the total.
/// A region of up to [`CHUNK`] units (nearly all) takes one store call.
async fn walk(
    state: &AppState,
    p: &Principal,
    region_id: RegionId,
    s: &Settings,
    mut each: impl FnMut(usize, UnitOverviewRow),
) -> Result<(Region, i64)> {
    let (region, first) =
        ops::reports::region_unit_overview(state, p, &store_query(region_id, s, 0)).await?;
    let total = first.total;
    let mut index = 0;
    for row in first.items {
        each(index, row);
        index += 1;
    }
    let mut offset = CHUNK;
    while i64::from(offset) < total {
        let (_, chunk) =
            ops::reports::region_unit_overview(state, p, &store_query(region_id, s, offset))
                .await?;
        if chunk.items.is_empty() {
            break;
        }
        for row in chunk.items {
            each(index, row);
            index += 1;
        }
        offset += CHUNK;
    }
    Ok((region, total))
}

#[derive(Template)]
#[template(path = "overview.html", blocks = ["table"])]
struct OverviewPage {
    chrome: Chrome,
    region: Region,
    years: Vec<i32>,
    year: i32,
    sort: &'static str,
    desc: bool,
    search: String,
    page: u32,
    pages: u32,
    total: i64,
    uploaded: i64,
    rows: Vec<OverviewRow>,
}

struct OverviewRow {
    n: usize,
    unit_id: i64,
    unit_name: String,
    region_name: String,
    uploads: i64,
    latest: Option<UploadRow>,
}

impl OverviewPage {
    /// The list's URL with the current filters and the given order and page.
    fn url_with(&self, path_suffix: &str, sort: &str, desc: bool, page: u32) -> String {
        let mut u = format!(
            "/regions/{}/units{path_suffix}?year={}&sort={sort}",
            self.region.id, self.year
        );
        if desc {
            u.push_str("&desc=1");
        }
        if !self.search.is_empty() {
            u.push_str("&q=");
            u.push_str(&qs(&self.search));
        }
        if page > 1 {
            u.push_str(&format!("&page={page}"));
        }
        u
    }

    fn page_url(&self, page: impl std::borrow::Borrow<u32>) -> String {
        self.url_with("", self.sort, self.desc, *page.borrow())
    }

    /// Clicking a column's header sorts by it, or flips the order when it already does.
    fn sort_url(&self, key: &str) -> String {
        let desc = if key == self.sort {
            !self.desc
        } else {
            matches!(key, "score" | "uploaded_at")
        };
        self.url_with("", key, desc, 1)
    }

    fn csv_url(&self) -> String {
        self.url_with(".csv", self.sort, self.desc, 1)
    }

    fn arrow(&self, key: &str) -> &'static str {
        match (key == self.sort, self.desc) {
            (false, _) => "↕",
            (true, false) => "▲",
            (true, true) => "▼",
        }
    }

    fn sorted_by(&self, key: &str) -> bool {
        key == self.sort
    }

    fn aria_sort(&self, key: &str) -> &'static str {
        match (key == self.sort, self.desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }
}

pub async fn overview(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<RegionId>,
    Q(q): Q<OverviewParams>,
) -> Result<Response> {
    let s = settings(&state, &q).await?;
    // One page from the store, plus the count of units that uploaded: the page costs the
    // same whether the region has 30 units or 3,000.
    let first = (s.page - 1) * PAGE_SIZE;
    let mut query = store_query(id, &s, first);
    query.limit = PAGE_SIZE;
    let (region, page_rows) = ops::reports::region_unit_overview(&state, &p, &query).await?;
    let uploaded = ops::reports::region_units_uploaded(&state, &p, &query).await?;
    let total = page_rows.total;
    let rows: Vec<OverviewRow> = numbered(first, page_rows.items)
        .map(|(n, row)| OverviewRow {
            n,
            unit_id: row.unit.id.0,
            unit_name: row.unit.name,
            region_name: row.region_name,
            uploads: row.uploads,
            latest: row.latest.as_ref().map(UploadRow::from),
        })
        .collect();
    let pages = page_count(total, PAGE_SIZE);
    let page = OverviewPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Supervise),
        region,
        years: year_choices(),
        year: s.year,
        sort: sort_key(s.sort),
        desc: s.desc,
        search: s.search,
        page: s.page.min(pages),
        pages,
        total,
        uploaded,
        rows,
    };
    Ok(view(hx, &page, page.as_table()))
}

/// The columns of the CSV export (same as the page's table).
pub const CSV_HEADERS: [&str; 12] = [
    "序号",
    "单位名称",
    "单位代码",
    "所属区域",
    "年度",
    "上传份数",
    "得分",
    "错误",
    "警告",
    "提示",
    "最近上传时间",
    "公开时间",
];

pub async fn overview_csv(
    State(state): State<AppState>,
    p: Principal,
    Id(id): Id<RegionId>,
    Q(q): Q<OverviewParams>,
) -> Result<Response> {
    let s = settings(&state, &q).await?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let year = s.year;
    let (region, _) = walk(&state, &p, id, &s, |i, row| {
        let l = row.latest.as_ref();
        rows.push(vec![
            (i + 1).to_string(),
            row.unit.name,
            row.unit.code,
            row.region_name,
            year.to_string(),
            row.uploads.to_string(),
            l.and_then(|l| l.score)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            l.map(|l| l.errors.to_string()).unwrap_or_default(),
            l.map(|l| l.warnings.to_string()).unwrap_or_default(),
            l.map(|l| l.infos.to_string()).unwrap_or_default(),
            l.map(|l| fmt_time(&l.uploaded_at)).unwrap_or_default(),
            l.and_then(|l| l.published_at.as_ref())
                .map(fmt_time)
                .unwrap_or_default(),
        ]);
    })
    .await?;
    let bytes = fazhi_sheet::write_csv(&CSV_HEADERS, &rows);
    let name = format!("{}-{}年度单位报告情况.csv", region.name, year);
    Ok(attachment(&name, "text/csv; charset=utf-8", bytes))
}
