//! The unit's year: `/units/{id}/ledger`.

use super::*;
use fazhi_domain::{RecordId, UnitId};

#[derive(Template)]
#[template(path = "ledger_dashboard.html", blocks = ["dash"])]
struct DashboardPage {
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
    Id(id): Id<UnitId>,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = match parse_year(q.year.as_deref())? {
        Some(y) => y,
        None => ledger::default_year(&state, &p, id).await?,
    };
    let s = ledger::summary(&state, &p, id, year).await?;
    let fw = &state.ledger.framework;
    let titles = violation_titles(&state, &p, id, &s).await?;
    let base = format!("/units/{id}/ledger");
    let groups = figure_groups(&s, &base, year);
    let violations = s
        .violations
        .iter()
        .map(|v| violation_view(v, &titles))
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
    let page = DashboardPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Home),
        write: ops::access::unit_rights(Some(&p), &s.unit).write,
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

/// Titles of the records the rules name (the first [`LINKS_PER_VIOLATION`] of each), in
/// one read.
async fn violation_titles(
    state: &AppState,
    p: &Principal,
    id: UnitId,
    s: &ledger::Summary,
) -> Result<HashMap<RecordId, String>> {
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
            state,
            p,
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
    Ok(titles)
}

/// The year's figures, grouped by record kind (kinds without figures left out).
fn figure_groups(s: &ledger::Summary, base: &str, year: i32) -> Vec<FigureGroup> {
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
    groups
}

/// A broken rule with links to its first records (by title) and the count of the rest.
fn violation_view(
    v: &fazhi_domain::ledger::RecordViolation,
    titles: &HashMap<RecordId, String>,
) -> ViolationView {
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
}
