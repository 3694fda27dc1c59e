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

use fazhi_domain::ledger::{parse_fields, RecordData, RecordKind};
use fazhi_domain::{RegionLevel, UnitKind};
use fazhi_store::{open, Actor, DbTarget, LedgerQuery, NewRegion, NewUnit};
use std::collections::BTreeMap;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = match std::env::args().nth(1) {
        Some(url) => DbTarget::Postgres(url),
        // FAZHI_BENCH_DB keeps the SQLite file for a look with `sqlite3` afterwards.
        None => DbTarget::Sqlite(
            std::env::var_os("FAZHI_BENCH_DB")
                .map_or_else(|| dir.path().join("bench.db"), Into::into),
        ),
    };
    let n: usize = std::env::var("FAZHI_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let store = open(&target).await.expect("open");
    println!("backend: {}", store.backend());
    let actor = Actor::system("bench");
    let suffix = std::process::id();
    let region = store
        .create_region(
            &actor,
            &NewRegion {
                parent_id: None,
                code: fazhi_domain::RegionCode::parse(&format!("BENCH-{suffix}")).unwrap(),
                name: "基准省".into(),
                level: RegionLevel::Province,
            },
        )
        .await
        .expect("region");
    let unit = store
        .create_unit(
            &actor,
            &NewUnit {
                region_id: region.id,
                code: format!("BENCH-U-{suffix}"),
                name: "基准市司法局".into(),
                short_name: String::new(),
                kind: UnitKind::Department,
            },
        )
        .await
        .expect("unit");

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
    let raw: BTreeMap<String, String> =
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    RecordData {
        kind,
        year: 2025,
        fields: parse_fields(kind, &raw).expect("valid row"),
        indicators: kind.default_indicator_codes(),
    }
}
