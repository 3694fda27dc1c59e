//! Measures the supervisor's overview and the findings-page read on a province-sized
//! database: 3,000 units in 111 regions, 5 years with about one upload per unit and year.
//!
//! ```sh
//! cargo run --release -p fazhi-store --example overview_bench               # SQLite in a temp dir
//! cargo run --release -p fazhi-store --example overview_bench -- postgres://…/empty_db
//! ```
//!
//! A PostgreSQL database given here is filled when empty; `FAZHI_BENCH_DB=/path/bench.db` keeps
//! the SQLite file (and a second run only measures).

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use fazhi_domain::{RegionLevel, UnitKind};
use fazhi_store::{
    open, Actor, NewUpload, OrgRow, Store, UnitOverviewQuery, UnitSort, UploadStatus,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;

const CITIES: usize = 10;
const COUNTIES_PER_CITY: usize = 10;
const UNITS: usize = 3000;
const YEARS: [i32; 5] = [2020, 2021, 2022, 2023, 2024];

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = support::target(dir.path());
    let store = open(&target).await.expect("open");
    println!("backend: {}", store.backend());
    let actor = Actor::system("bench");
    if store.units(None).await.expect("units").is_empty() {
        seed(&store, &actor).await;
    }
    measure(&store).await;
    store.close().await;
}

/// Fills an empty database.
async fn seed(store: &Arc<dyn Store>, actor: &Actor) {
    let t = Instant::now();
    let region = |code: &str, name: String, level, parent_code: Option<&str>| OrgRow::Region {
        code: code.into(),
        name,
        level,
        parent_code: parent_code.map(Into::into),
    };
    let mut rows = vec![region("P", "示范省".into(), RegionLevel::Province, None)];
    let mut leaves = vec!["P".to_string()];
    for c in 0..CITIES {
        let city = format!("C{c}");
        rows.push(region(
            &city,
            format!("第{c}市"),
            RegionLevel::City,
            Some("P"),
        ));
        leaves.push(city.clone());
        for k in 0..COUNTIES_PER_CITY {
            let county = format!("C{c}K{k}");
            let name = format!("第{c}市第{k}区");
            rows.push(region(&county, name, RegionLevel::County, Some(&city)));
            leaves.push(county);
        }
    }
    for u in 0..UNITS {
        rows.push(OrgRow::Unit {
            code: format!("U{u:05}"),
            name: format!("单位{u:05}局"),
            short_name: String::new(),
            kind: UnitKind::Department,
            region_code: leaves[u % leaves.len()].clone(),
        });
    }
    let lines: Vec<usize> = (1..=rows.len()).collect();
    let sum = store
        .import_org(actor, &rows, &lines)
        .await
        .expect("import");
    println!(
        "import of {} rows ({} regions, {} units): {:?}",
        rows.len(),
        sum.regions_created,
        sum.units_created,
        t.elapsed()
    );

    let units = store.units(None).await.expect("units");
    let t = Instant::now();
    let mut tasks = Vec::new();
    // Writers queue in the store; several tasks keep the queue full.
    for chunk in units.chunks(units.len().div_ceil(8)) {
        let store: Arc<dyn Store> = store.clone();
        let chunk = chunk.to_vec();
        let actor = actor.clone();
        tasks.push(tokio::spawn(async move {
            for u in &chunk {
                for y in YEARS {
                    // Most units upload once a year, some twice, some never.
                    let n = match (u.id.0 + i64::from(y)) % 10 {
                        0 => 0,
                        1 => 2,
                        _ => 1,
                    };
                    for k in 0..n {
                        let bytes = format!("{}-{y}-{k}", u.code).into_bytes();
                        let checked = "{\"findings\":[".to_string() + &"{\"rule\":\"x\",\"text\":\"某某市人民政府关于二〇二四年度法治政府建设情况的报告\"},".repeat(300) + "{}]}";
                        let new = NewUpload {
                            unit_id: u.id,
                            year: fazhi_domain::ReportYear::parse(y).expect("a report year"),
                            filename: "report.docx".into(),
                            content_type: "application/octet-stream".into(),
                            sha256: Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
                            bytes,
                            status: UploadStatus::Checked,
                            error: None,
                            checked_json: Some(checked),
                            score: Some(((u.id.0 * 7 + i64::from(y)) % 100) as i32),
                            errors: (u.id.0 % 5) as i32,
                            warnings: (u.id.0 % 3) as i32,
                            infos: 1,
                            title: format!("{}{y}年度报告", u.name),
                        };
                        store.create_upload(&actor, &new).await.expect("upload");
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let uploads = store.count_audit().await.unwrap();
    println!(
        "uploads (audit entries so far {uploads}): {:?}",
        t.elapsed()
    );
}

/// Times the reads on a filled database.
async fn measure(store: &Arc<dyn Store>) {
    let units = store.units(None).await.expect("units");
    let root = store.regions().await.unwrap()[0].id;
    let city = store.regions().await.unwrap()[1].id;
    for (label, region_id) in [("province", root), ("city", city)] {
        for sort in [
            UnitSort::Name,
            UnitSort::Region,
            UnitSort::Score,
            UnitSort::Findings,
            UnitSort::UploadedAt,
        ] {
            for (search, offset) in [(None, 0), (None, 1000), (Some("单位01".to_string()), 0)] {
                let q = UnitOverviewQuery {
                    region_id,
                    year: 2024,
                    sort,
                    descending: sort != UnitSort::Name,
                    search: search.clone(),
                    offset,
                    limit: 50,
                };
                store.unit_overview(&q).await.unwrap(); // warm
                let n = 20;
                let t = Instant::now();
                let mut total = 0;
                for _ in 0..n {
                    total = store.unit_overview(&q).await.unwrap().total;
                }
                println!(
                    "overview {label:8} {sort:?} search={search:?} offset={offset}: {:>8.2} ms/page (total {total})",
                    t.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
                );
            }
        }
    }

    // The findings page: one upload with its checked result, by id, from several tasks.
    let ids: Vec<i64> = store
        .uploads_of_unit(units[0].id, None)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id.0)
        .collect();
    let n = 20_000;
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..n / 4 {
                store
                    .upload(fazhi_domain::UploadId(ids[(i + w) % ids.len()]))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "upload() detail: {n} reads in {secs:.2} s = {:.0} per second",
        f64::from(n as u32) / secs
    );

    let now: DateTime<Utc> = DateTime::from(std::time::SystemTime::now());
    let t = Instant::now();
    for _ in 0..1000 {
        store.session("no-such-session", now).await.unwrap();
    }
    println!("session() lookup: {:.3} ms each", t.elapsed().as_secs_f64());
}
