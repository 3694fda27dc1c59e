//! Measures the ledger import: 10,000 records of one unit in one all-or-nothing transaction
//! (one `record.create` audit entry per row and the `record.import` summary), then a list
//! page and a full read of the year as the dashboard does.
//!
//! ```sh
//! cargo run --release -p fazhi-store --example ledger_import_bench               # SQLite in a temp dir
//! cargo run --release -p fazhi-store --example ledger_import_bench -- postgres://…/empty_db
//! ```
//!
//! `FAZHI_BENCH_ROWS` changes the number of rows (default 10000); `FAZHI_BENCH_DB=/path/bench.db`
//! keeps the SQLite file (each run adds a unit with its rows).

#[path = "support/mod.rs"]
mod support;

use fazhi_domain::ledger::{RecordData, RecordKind};
use fazhi_domain::{RegionLevel, UnitKind};
use fazhi_store::{open, Actor, LedgerQuery, NewRegion};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = support::target(dir.path());
    let n: usize = std::env::var("FAZHI_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let store = open(&target).await.expect("open");
    println!("backend: {}", store.backend());
    let actor = Actor::system("bench");
    let suffix = std::process::id();
    let region = NewRegion {
        parent_id: None,
        code: fazhi_domain::RegionCode::parse(&format!("BENCH-{suffix}")).unwrap(),
        name: "基准省".into(),
        level: RegionLevel::Province,
    };
    let unit = support::region_with_unit(
        &*store,
        &actor,
        region,
        format!("BENCH-U-{suffix}"),
        "基准市司法局",
        UnitKind::Department,
    )
    .await;

    let rows: Vec<RecordData> = (0..n).map(row).collect();
    let t = Instant::now();
    let count = store
        .import_records(&actor, unit.id, &rows)
        .await
        .expect("import");
    let took = t.elapsed();
    println!(
        "import_records: {count} rows in {:.2} s ({:.0} rows/s)",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64()
    );

    let q = LedgerQuery {
        unit_id: unit.id,
        year: Some(2025),
        kind: Some(RecordKind::Study),
        limit: 50,
        ..Default::default()
    };
    // The first read after the import also pays for reading the fresh WAL.
    for round in ["first", "again"] {
        let t = Instant::now();
        let page = store.records(&q).await.expect("records");
        println!(
            "records (a page of 50 of {}, {round}): {:.1} ms",
            page.total,
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let t = Instant::now();
    let all = store
        .records(&LedgerQuery {
            unit_id: unit.id,
            year: Some(2025),
            ..Default::default()
        })
        .await
        .expect("records");
    println!(
        "records (the whole year, {} rows): {:.1} ms",
        all.items.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    store.close().await;
}

/// A 学法 session or a training record with every field filled, as an Excel sheet would be.
fn row(i: usize) -> RecordData {
    let date = format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
    let (kind, pairs): (RecordKind, Vec<(&str, String)>) = if i.is_multiple_of(2) {
        (
            RecordKind::Study,
            vec![
                ("date", date),
                ("form", "集中学法".into()),
                ("topic", format!("第 {i} 次集中学习行政处罚法与行政许可法")),
                ("laws", "宪法、行政处罚法、行政许可法".into()),
                ("attendees", (10 + i % 30).to_string()),
                ("leader_present", "是".into()),
                ("hours", "2.5".into()),
                ("note", "会后组织了闭卷测试，参学人员均合格。".into()),
            ],
        )
    } else {
        (
            RecordKind::Training,
            vec![
                ("name", format!("执法人员{}", i % 300)),
                ("cert_no", format!("粤执法-{:06}", i % 300)),
                ("date", date),
                ("topic", "行政执法“三项制度”专题培训".into()),
                ("hours", "8".into()),
                ("organizer", "市司法局".into()),
            ],
        )
    };
    support::record_data(kind, &pairs)
}
