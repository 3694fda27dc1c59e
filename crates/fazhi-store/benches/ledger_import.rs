//! A year of a province-sized unit's ledger in one Excel file: 10,000 records of 学法 and of
//! 执法培训, built with `export_xlsx`, then
//!
//! - `parse/<kind>`: `parse_import` of the workbook (read, header, every cell parsed);
//! - `end_to_end/<kind>`: `parse_import`, then a fresh SQLite database (`open_sqlite` on a
//!   new temporary file, migrations included), a region and a unit, and `import_records` of
//!   all rows in its one transaction — what `POST …/ledger/{kind}/import` does.
//!
//! Target: under 10 s end to end. Run:
//! `cargo bench -p fazhi-store --bench ledger_import` (results in docs/PERFORMANCE.md).

#[path = "../examples/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fazhi_domain::ledger::{Record, RecordData, RecordId, RecordKind};
use fazhi_domain::{Framework, RegionLevel, UnitId, UnitKind};
use fazhi_sheet::ledger::{export_xlsx, parse_import, ImportedRow};
use fazhi_sheet::Limits;
use fazhi_store::{open_sqlite, Actor, LedgerStore, NewRegion};
use std::time::Duration;

const ROWS: usize = 10_000;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "建国",
];
const LAWS: [&str; 8] = [
    "宪法",
    "行政处罚法",
    "行政许可法",
    "行政复议法",
    "民法典",
    "公平竞争审查条例",
    "优化营商环境条例",
    "科学技术进步法",
];
const FORMS: [&str; 5] = [
    "党组会学法",
    "理论学习中心组学法",
    "集中学法",
    "专题讲座",
    "旁听庭审",
];
const TRAININGS: [&str; 6] = [
    "行政执法三项制度专题培训",
    "新修订行政复议法解读",
    "执法文书规范化制作",
    "安全生产执法实务",
    "行政处罚裁量基准适用",
    "网络学法考试",
];

fn record(id: usize, kind: RecordKind, pairs: &[(&str, String)]) -> Record {
    Record {
        id: RecordId(id as i64),
        unit_id: UnitId(1),
        data: support::record_data(kind, pairs),
    }
}

fn date(i: usize) -> String {
    format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1)
}

fn study(i: usize) -> Record {
    let laws: Vec<&str> = (0..1 + i % 3).map(|k| LAWS[(i + k) % LAWS.len()]).collect();
    record(
        i,
        RecordKind::Study,
        &[
            ("date", date(i)),
            ("form", FORMS[i % FORMS.len()].to_string()),
            (
                "topic",
                format!("学习习近平法治思想暨《{}》（第 {} 期）", laws[0], i + 1),
            ),
            ("laws", laws.join("、")),
            ("attendees", (8 + i % 40).to_string()),
            (
                "leader_present",
                if i.is_multiple_of(4) { "否" } else { "是" }.to_string(),
            ),
            ("hours", format!("{}", 1 + i % 3)),
            (
                "note",
                if i.is_multiple_of(5) {
                    "主要负责人带头领学，班子成员结合分管工作交流发言。".to_string()
                } else {
                    String::new()
                },
            ),
        ],
    )
}

fn training(i: usize) -> Record {
    let officer = i % 400;
    let name = format!(
        "{}{}",
        SURNAMES[officer % SURNAMES.len()],
        GIVEN[(officer / SURNAMES.len()) % GIVEN.len()]
    );
    record(
        i,
        RecordKind::Training,
        &[
            ("name", name),
            ("cert_no", format!("99100{:07}", 1000 + officer)),
            ("date", date(i)),
            ("topic", TRAININGS[i % TRAININGS.len()].to_string()),
            ("hours", format!("{}", [2.0, 4.0, 1.5, 8.0][i % 4])),
            ("organizer", "青川市司法局".to_string()),
        ],
    )
}

fn workbook(kind: RecordKind, framework: &Framework) -> Vec<u8> {
    let records: Vec<Record> = (0..ROWS)
        .map(|i| match kind {
            RecordKind::Study => study(i),
            _ => training(i),
        })
        .collect();
    export_xlsx(kind, &records, framework).expect("export")
}

fn parse(kind: RecordKind, xlsx: &[u8], framework: &Framework) -> Vec<ImportedRow> {
    let rows = parse_import(kind, xlsx, "台账.xlsx", 2025, framework, &Limits::default())
        .expect("the export imports");
    assert_eq!(rows.len(), ROWS);
    rows
}

/// Parse, open a fresh database, create the unit, import every row.
async fn end_to_end(kind: RecordKind, xlsx: &[u8], framework: &Framework, db: &std::path::Path) {
    let rows = parse(kind, xlsx, framework);
    let store = open_sqlite(db).await.expect("open");
    let actor = Actor::system("bench");
    let region = NewRegion {
        parent_id: None,
        code: fazhi_domain::RegionCode::parse("991000").unwrap(),
        name: "青川市".into(),
        level: RegionLevel::City,
    };
    let unit = support::region_with_unit(
        &store,
        &actor,
        region,
        "99100001".into(),
        "青川市司法局",
        UnitKind::Supervising,
    )
    .await;
    let data: Vec<RecordData> = rows.into_iter().map(|r| r.data).collect();
    let n = store
        .import_records(&actor, unit.id, &data)
        .await
        .expect("import_records");
    assert_eq!(n, ROWS as u64);
    fazhi_store::AdminStore::close(&store).await;
}

fn bench(c: &mut Criterion) {
    let framework = Framework::builtin();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for kind in [RecordKind::Training, RecordKind::Study] {
        let xlsx = workbook(kind, &framework);
        eprintln!(
            "{}: {ROWS} records, {} bytes of XLSX",
            kind.code(),
            xlsx.len()
        );
        let mut group = c.benchmark_group("ledger_import");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(10));
        group.bench_function(format!("parse/{}", kind.code()), |b| {
            b.iter(|| parse(kind, &xlsx, &framework))
        });
        group.bench_function(format!("end_to_end/{}", kind.code()), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("temp dir"),
                |dir| {
                    runtime.block_on(end_to_end(
                        kind,
                        &xlsx,
                        &framework,
                        &dir.path().join("fazhi.db"),
                    ));
                    dir
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
