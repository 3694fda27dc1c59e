//! The board (报告工作台) of a region: its units that must report, each with its report of the
//! year, filtered, sorted and paged, with counts over the whole filtered scope; and the
//! submissions per day. Both read the status rows (`reports`), never the history: one
//! indexed query for the page, one `GROUP BY` for the counts.

use crate::cycle_org::page_limit;
use crate::prelude::*;
use crate::sql::DbPool;
use crate::MAX_BOARD_PAGE;
use crate::{Board, BoardCounts, BoardQuery, BoardRow, BoardSort, DoneFilter, StateFilter};

/// `FROM … WHERE …` of the board: the units of the scope with their report of the year.
/// `units_first` makes SQLite walk the units as the outer loop (`CROSS JOIN` fixes its join
/// order; PostgreSQL plans it as the inner join it is), so a page in unit-code order reads the
/// code index and stops after the page instead of sorting the whole scope.
async fn push_scope(
    qb: &mut QueryBuilder<'_>,
    pool: &DbPool,
    q: &BoardQuery,
    units_first: bool,
) -> StoreResult<()> {
    let path = region_path(pool, q.region)
        .await?
        .ok_or(StoreError::NotFound("区划"))?;
    let path = match q.sub_region {
        Some(sub) => {
            let sub_path = region_path(pool, sub)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            // A region outside the board's own is not part of it.
            if !sub_path.starts_with(&path) {
                return Err(StoreError::NotFound("区划"));
            }
            sub_path
        }
        None => path,
    };
    qb.push(if units_first {
        " FROM units un CROSS JOIN regions ur"
    } else {
        " FROM units un JOIN regions ur ON ur.id = un.region_id"
    });
    qb.push(" LEFT JOIN reports r ON r.unit_id = un.id AND r.year = ");
    qb.push_bind(q.year);
    let (lo, hi) = subtree_range(&path);
    qb.push(if units_first {
        " WHERE ur.id = un.region_id AND ur.path >= "
    } else {
        " WHERE ur.path >= "
    })
    .push_bind(lo)
    .push(" AND ur.path < ")
    .push_bind(hi);
    if q.kinds.is_empty() {
        qb.push(" AND 1 = 0");
    } else {
        qb.push(" AND un.kind IN (");
        for (i, k) in q.kinds.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.push_bind(k.key());
        }
        qb.push(")");
    }
    if let Some(k) = q.unit_kind {
        qb.push(" AND un.kind = ").push_bind(k.key());
    }
    if let Some(sup) = q.superior {
        qb.push(" AND un.superior_unit_id = ").push_bind(sup);
    }
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", like_escape(&s.to_lowercase()));
        qb.push(" AND (lower(un.name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(un.short_name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(un.code) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    match q.state {
        Some(StateFilter::NoReport) => {
            qb.push(" AND r.id IS NULL");
        }
        Some(StateFilter::State(s)) => {
            qb.push(" AND r.state = ").push_bind(s.key());
        }
        None => {}
    }
    for (filter, stamp) in [(q.submitted, "submitted"), (q.published, "published")] {
        match filter {
            Some(DoneFilter::OnTime) => {
                qb.push(format_args!(" AND r.{stamp}_on_time = "))
                    .push_bind(true);
            }
            Some(DoneFilter::Late) => {
                qb.push(format_args!(" AND r.{stamp}_on_time = "))
                    .push_bind(false);
            }
            Some(DoneFilter::NotDone) => {
                qb.push(format_args!(" AND r.{stamp}_at IS NULL"));
            }
            None => {}
        }
    }
    Ok(())
}

/// The order of the states in the cycle, for sorting by state (no report first).
fn state_rank() -> String {
    let mut s = String::from("CASE r.state");
    for (i, st) in ReportState::ALL.iter().enumerate() {
        s.push_str(&format!(" WHEN '{}' THEN {}", st.key(), i + 1));
    }
    s.push_str(" ELSE 0 END");
    s
}

pub(crate) async fn board(pool: &DbPool, q: &BoardQuery) -> StoreResult<Board> {
    let counts = board_counts(pool, q).await?;
    let dir = if q.descending { "DESC" } else { "ASC" };
    // Rows without the value sort last whichever the direction.
    let last = |c: &str| format!("CASE WHEN {c} IS NULL THEN 1 ELSE 0 END, {c} {dir}");
    // Codes are unique: the code order needs no tie-breaker, and is the index's.
    let by_code = q.sort == BoardSort::UnitCode;
    let key = match q.sort {
        BoardSort::UnitCode => format!("un.code {dir}"),
        BoardSort::Name => format!("un.name {dir}"),
        BoardSort::State => format!("{} {dir}", state_rank()),
        BoardSort::SubmittedAt => last("r.submitted_at"),
        BoardSort::PublishedAt => last("r.published_at"),
        BoardSort::Score => last("r.score"),
    };
    let mut qb = QueryBuilder::new(format!(
        "SELECT {UNIT_COLS}, ur.name AS region_name, {REPORT_COLS}"
    ));
    push_scope(&mut qb, pool, q, by_code).await?;
    if by_code {
        qb.push(format_args!(" ORDER BY {key} LIMIT "));
    } else {
        qb.push(format_args!(" ORDER BY {key}, un.code, un.id LIMIT "));
    }
    qb.push_bind(i64::from(page_limit(q.limit).min(MAX_BOARD_PAGE)));
    qb.push(" OFFSET ").push_bind(i64::from(q.offset));
    let items = qb
        .build()
        .fetch_all_mapped(pool, |r| {
            Ok(BoardRow {
                unit: unit_row(r)?,
                region_name: col(r, "region_name")?,
                report: report_row_opt(r)?,
            })
        })
        .await?;
    Ok(Board {
        rows: Page {
            items,
            total: counts.units,
        },
        counts,
    })
}

async fn board_counts(pool: &DbPool, q: &BoardQuery) -> StoreResult<BoardCounts> {
    let flag = |c: &str, on: bool| {
        let test = if on {
            c.to_string()
        } else {
            format!("NOT {c}")
        };
        format!("COALESCE(SUM(CASE WHEN {test} THEN 1 ELSE 0 END), 0)")
    };
    let mut qb = QueryBuilder::new(format!(
        "SELECT r.state AS state, COUNT(*) AS units, {} AS submitted_on_time, \
         {} AS submitted_late, {} AS published_on_time, {} AS published_late",
        flag("r.submitted_on_time", true),
        flag("r.submitted_on_time", false),
        flag("r.published_on_time", true),
        flag("r.published_on_time", false),
    ));
    push_scope(&mut qb, pool, q, false).await?;
    qb.push(" GROUP BY r.state");
    let rows = qb.build().fetch_all(pool).await.map_err(db)?;
    let mut counts = BoardCounts {
        states: ReportState::ALL.iter().map(|s| (*s, 0)).collect(),
        ..BoardCounts::default()
    };
    for r in &rows {
        let n: i64 = col(r, "units")?;
        counts.units += n;
        counts.submitted_on_time += col::<i64>(r, "submitted_on_time")?;
        counts.submitted_late += col::<i64>(r, "submitted_late")?;
        counts.published_on_time += col::<i64>(r, "published_on_time")?;
        counts.published_late += col::<i64>(r, "published_late")?;
        match col::<Option<String>>(r, "state")? {
            None => counts.none += n,
            Some(key) => {
                let state = state_from_key(&key)?;
                if let Some(slot) = counts.states.iter_mut().find(|(s, _)| *s == state) {
                    slot.1 += n;
                }
            }
        }
    }
    Ok(counts)
}

pub(crate) async fn submissions_per_day(
    pool: &DbPool,
    region: RegionId,
    year: i32,
) -> StoreResult<Vec<(NaiveDate, i64)>> {
    let path = region_path(pool, region)
        .await?
        .ok_or(StoreError::NotFound("区划"))?;
    let (lo, hi) = subtree_range(&path);
    // The first submission's day in China (UTC+8, the deadline's clock).
    let day = match pool.kind() {
        Kind::Sqlite => "date(substr(r.submitted_at, 1, 19), '+8 hours')",
        Kind::Postgres => "(r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date",
    };
    let sql = format!(
        "SELECT {day} AS day, COUNT(*) AS n FROM reports r \
         JOIN units un ON un.id = r.unit_id JOIN regions ur ON ur.id = un.region_id \
         WHERE r.year = $1 AND r.submitted_at IS NOT NULL AND ur.path >= $2 AND ur.path < $3 \
         GROUP BY {day} ORDER BY day"
    );
    query(&sql)
        .bind(year)
        .bind(lo)
        .bind(hi)
        .fetch_all_mapped(pool, |r| Ok((col(r, "day")?, col(r, "n")?)))
        .await
}
