//! The demo's ledger (台账): for every unit a true year of records of every kind (the report
//! year), plus a few records of the current year up to `today` so that something falls due
//! in the next 30 days, with procedure violations planted on purpose.
//!
//! Every record is built from the text a user would type (`parse_fields`), so it is what the
//! forms and the Excel import would make of it, and none is one the save rules refuse.
//! What was written is also told in figures ([`Expected`]) and planted violations
//! ([`Planted`]), kept while writing, so a test can hold the statistics against them.
//!
//! This module holds what is written and the generator's state; `gen` its tools (names,
//! working days, adding a record); the other modules one concern each ([`write_unit`] runs
//! them): `study` (学法, 集体决策), `decisions` (重大行政决策, 规范性文件),
//! `officers` (执法人员, 培训), `outreach` (普法, 建议提案, 企业诉求, 政务服务事项),
//! `openness` (政务公开, 依申请公开), `enforcement` (执法检查, 复议应诉, 整改) and `current`
//! (the records of `today`'s year).

use crate::names::{Area, UnitSpec};
use crate::phrases;
use chrono::{Datelike, Duration, Months, NaiveDate};
use fazhi_domain::ledger::{parse_fields, RecordData, RecordKind};
use fazhi_domain::{HolidayCalendar, RegionLevel, RuleSettings};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet, HashSet};

mod current;
mod decisions;
mod enforcement;
mod gen;
mod officers;
mod openness;
mod outreach;
mod study;

/// The 问题来源 of a rectification that answers a problem stated in the unit's report.
const FROM_REPORT: &str = "上年度报告";

/// A procedure violation planted on purpose (the dashboards must show it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Planted {
    /// The rule id the domain reports it with (`training-hours-short` …).
    pub rule: &'static str,
    pub kind: RecordKind,
    pub year: i32,
    /// The title of the record it is on (`Record::title`); for `training-hours-short` the
    /// officer's name.
    pub record: String,
}

/// Something open that falls due within 30 days of `today`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    pub kind: RecordKind,
    pub year: i32,
    pub record: String,
    pub due: NaiveDate,
}

/// A file kept with a record (a sign-in sheet, a legality review opinion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAttachment {
    pub kind: RecordKind,
    pub year: i32,
    /// The title of the record it belongs to (`Record::title`).
    pub record: String,
    /// The record's position in [`UnitLedger::records`].
    pub index: usize,
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The ledger year's figures as the generator meant them, counted while it wrote.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expected {
    /// Records per kind.
    pub per_kind: BTreeMap<RecordKind, usize>,
    /// 学法 sessions per form (党组会学法 …).
    pub study_forms: BTreeMap<String, usize>,
    /// 学法 sessions with the unit's head present.
    pub study_with_leader: usize,
    /// Officer name → training hours of the year.
    pub officer_hours: BTreeMap<String, f64>,
    /// Officers short of the required hours.
    pub short_officers: Vec<String>,
    /// 普法: people reached, enterprises reached, materials handed out.
    pub audience: i64,
    pub enterprises: i64,
    pub materials: i64,
    /// 建议提案 answered within the period.
    pub suggestions_in_time: usize,
    /// 人大代表建议 (the rest are 政协委员提案).
    pub npc_suggestions: usize,
    /// 依申请公开 replied within the period.
    pub disclosure_in_time: usize,
    /// 规范性文件 filed within the period.
    pub normative_filed_in_time: usize,
    /// 整改 items completed.
    pub rectifications_done: usize,
    /// 行政应诉 cases, and those where the head appeared in court.
    pub litigation: usize,
    pub leader_appeared: usize,
}

/// One unit's ledger as written.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitLedger {
    pub unit_code: String,
    pub unit_name: String,
    /// The ledger year ([`ledger_year`]): a full year of records; `today`'s year has a few
    /// records up to `today`.
    pub year: i32,
    pub records: Vec<RecordData>,
    pub planted: Vec<Planted>,
    /// Open items due within 30 days of `today`.
    pub due: Vec<Due>,
    /// Files to keep with some records, once they are stored.
    pub attachments: Vec<DemoAttachment>,
    /// Figures of the report year.
    pub expected: Expected,
}

/// The year the demo's ledger is a full year of: the report year, or the year before `today`
/// when the report year has not ended yet (a ledger of the future would be false).
pub fn ledger_year(last_year: i32, today: NaiveDate) -> i32 {
    last_year.min(today.year() - 1)
}

/// What may be planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Plant {
    TrainingShort,
    CertificateExpired,
    CertificateExpiring,
    FilingLate,
    SuggestionLate,
    DisclosureLate,
    DisclosureOverdue,
    RectificationOverdue,
}

/// The one unit that carries every planted violation (the demo's 市科工局, whose accounts
/// are `kegongju` / `kegongju-ld`).
fn is_showcase(unit: &UnitSpec) -> bool {
    unit.area == Area::Science && unit.level == RegionLevel::City
}

/// Every kind of violation the demo plants.
const PLANTS: [Plant; 8] = [
    Plant::TrainingShort,
    Plant::CertificateExpired,
    Plant::CertificateExpiring,
    Plant::FilingLate,
    Plant::SuggestionLate,
    Plant::DisclosureLate,
    Plant::DisclosureOverdue,
    Plant::RectificationOverdue,
];

/// The showcase unit gets every kind; the others none, one or two, drawn.
fn plants_of(unit: &UnitSpec, rng: &mut ChaCha8Rng) -> BTreeSet<Plant> {
    if is_showcase(unit) {
        return PLANTS.into_iter().collect();
    }
    let n = match rng.gen_range(0..10) {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    PLANTS.choose_multiple(rng, n).copied().collect()
}

/// The random stream of a unit's ledger (apart from its reports' streams).
fn ledger_rng(seed: u64, unit: usize) -> ChaCha8Rng {
    let mix = seed
        .wrapping_mul(0xD6E8_FEB8_6659_FD93)
        .wrapping_add((unit as u64).wrapping_mul(0xA076_1D64_78BD_642F))
        ^ 0x1ED6_E5B5_7A1B_0C3D;
    ChaCha8Rng::seed_from_u64(mix)
}

/// Writes one unit's ledger. `prior` and `latest` are the problems (with the plans that answer
/// them) of the unit's report of the year before the ledger year and of the ledger year, when
/// the demo has those reports: the rectification records take them up.
pub fn write_unit(
    unit_index: usize,
    unit: &UnitSpec,
    year: i32,
    today: NaiveDate,
    seed: u64,
    prior: Option<&[(String, String)]>,
    latest: Option<&[(String, String)]>,
) -> Result<UnitLedger, String> {
    let mut rng = ledger_rng(seed, unit_index);
    let plants = plants_of(unit, &mut rng);
    let mut g = Gen {
        rng,
        unit,
        year,
        today,
        cal: HolidayCalendar::builtin(),
        words: phrases::area_words(unit.area),
        plants,
        out: UnitLedger {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            year,
            records: Vec::new(),
            planted: Vec::new(),
            due: Vec::new(),
            attachments: Vec::new(),
            expected: Expected::default(),
        },
        names: HashSet::new(),
        tags: Vec::new(),
    };
    g.study()?;
    g.collective()?;
    g.major_decisions()?;
    g.normative()?;
    g.officers_and_training()?;
    g.popularization()?;
    g.suggestions()?;
    g.publications()?;
    g.disclosure()?;
    g.enterprise_requests()?;
    g.service_items()?;
    g.inspections()?;
    g.review_cases()?;
    g.rectifications(prior)?;
    if today.year() > year {
        g.current_year(latest)?;
    }
    g.out.planted.sort();
    g.out.due.sort_by_key(|d| d.due);
    Ok(g.out)
}

struct Gen<'a> {
    rng: ChaCha8Rng,
    unit: &'a UnitSpec,
    year: i32,
    today: NaiveDate,
    cal: HolidayCalendar,
    words: phrases::AreaWords,
    plants: BTreeSet<Plant>,
    out: UnitLedger,
    names: HashSet<String>,
    /// Indicators the next record is tagged with besides its kind's defaults.
    tags: Vec<&'static str>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day)
        .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
        .unwrap_or(NaiveDate::MIN)
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A law's short name: 《中华人民共和国行政处罚法》 → 行政处罚法.
fn short_law(law: &str) -> String {
    law.trim_matches(['《', '》'])
        .trim_start_matches("中华人民共和国")
        .to_string()
}
