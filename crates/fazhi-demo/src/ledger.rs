//! The demo's ledger (台账): for every unit a true year of records of every kind (the report
//! year), plus a few records of the current year up to `today` so that something falls due
//! in the next 30 days, with procedure violations planted on purpose.
//!
//! Every record is built from the text a user would type (`parse_fields`), so it is what the
//! forms and the Excel import would make of it, and none is one the save rules refuse.
//! What was written is also told in figures ([`Expected`]) and planted violations
//! ([`Planted`]), kept while writing, so a test can hold the statistics against them.

use crate::names::{Area, UnitSpec};
use crate::phrases;
use chrono::{Datelike, Duration, Months, NaiveDate};
use fazhi_domain::ledger::{parse_fields, RecordData, RecordKind};
use fazhi_domain::{HolidayCalendar, RegionLevel, RuleSettings};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet, HashSet};

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

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "志", "文", "斌", "辉", "鹏", "晓", "红",
    "云", "峰", "琳", "宇", "浩", "凯", "婷", "欣", "佳", "俊", "晨", "立", "海", "东", "新", "健",
];
const FIRMS: &[&str] = &[
    "恒达", "华信", "瑞丰", "中科", "天成", "金桥", "宏远", "博创", "鑫源", "远航", "卓越", "汇通",
    "嘉禾", "润泽", "永泰", "安信", "聚能", "创新", "光华", "明德",
];
const TRADES: &[&str] = &[
    "精密机械",
    "电子科技",
    "新材料",
    "智能装备",
    "生物医药",
    "软件技术",
    "食品",
    "新型建材",
    "物流",
    "农业开发",
    "环保科技",
    "汽车零部件",
];

impl Gen<'_> {
    fn own(&self) -> String {
        self.unit.we.replacen('我', "本", 1)
    }

    fn region(&self) -> &str {
        &self.unit.region_name
    }

    /// A person's name not yet used in this unit.
    fn person(&mut self) -> String {
        loop {
            let mut n = self.pick(SURNAMES).to_string();
            for _ in 0..self.rng.gen_range(1..=2) {
                n.push_str(self.pick(GIVEN));
            }
            if self.names.insert(n.clone()) {
                return n;
            }
        }
    }

    fn enterprise(&mut self) -> String {
        let firm = self.pick(FIRMS);
        let trade = self.pick(TRADES);
        let place: String = self.region().chars().take(2).collect();
        format!("{place}{firm}{trade}有限公司")
    }

    /// One of `items`, drawn.
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())].clone()
    }

    /// Whether `x` is a working day (Monday to Friday where the calendar has no year).
    fn is_workday(&self, x: NaiveDate) -> bool {
        self.cal
            .is_working_day(x)
            .unwrap_or_else(|_| x.weekday().number_from_monday() <= 5)
    }

    /// The first working day from `date` on, going `step` days at a time (1 forward, -1
    /// back); `date` itself when none is within 30 steps.
    fn next_workday(&self, date: NaiveDate, step: i64) -> NaiveDate {
        (0..30)
            .map(|i| date + Duration::days(i * step))
            .find(|x| self.is_workday(*x))
            .unwrap_or(date)
    }

    /// A working day on or after `date`.
    fn workday(&self, date: NaiveDate) -> NaiveDate {
        self.next_workday(date, 1)
    }

    /// A working day on or before `date`.
    fn workday_back(&self, date: NaiveDate) -> NaiveDate {
        self.next_workday(date, -1)
    }

    /// A working day in months `m1..=m2` of the ledger year.
    fn day_in(&mut self, m1: u32, m2: u32) -> NaiveDate {
        let m = self.rng.gen_range(m1..=m2);
        let day = self.rng.gen_range(1..=26);
        self.workday(d(self.year, m, day))
    }

    /// `n` working days after `from` (calendar days ×7/5 where the calendar has no year).
    fn add_working(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.cal
            .add_working_days(from, n)
            .unwrap_or_else(|_| from + Duration::days(i64::from(n) * 7 / 5 + 2))
    }

    /// `n` working days before `to`.
    fn sub_working(&self, to: NaiveDate, n: u32) -> NaiveDate {
        let mut x = to;
        let mut left = n;
        while left > 0 {
            x -= Duration::days(1);
            if self.is_workday(x) {
                left -= 1;
            }
        }
        x
    }

    fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.rng.gen_range(lo..=hi))
    }

    /// A working day of month `m` of year `y`, from day `lo..=hi` on.
    fn on(&mut self, y: i32, m: u32, lo: u32, hi: u32) -> NaiveDate {
        let x = d(y, m, self.rng.gen_range(lo..=hi));
        self.workday(x)
    }

    /// A working day `lo..=hi` days after `date` (or the next working day).
    fn after(&mut self, date: NaiveDate, lo: i64, hi: i64) -> NaiveDate {
        let x = date + self.days(lo, hi);
        self.workday(x)
    }

    /// A working day `lo..=hi` days before `date` (or the working day before).
    fn before(&mut self, date: NaiveDate, lo: i64, hi: i64) -> NaiveDate {
        let x = date - self.days(lo, hi);
        self.workday_back(x)
    }

    /// Adds a record from the text of its fields; the text must parse.
    fn push(
        &mut self,
        kind: RecordKind,
        year: i32,
        fields: &[(&str, String)],
    ) -> Result<String, String> {
        let raw: BTreeMap<String, String> = fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let parsed = parse_fields(kind, &raw).map_err(|errors| {
            let msgs: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            format!(
                "演示台账（{}，{}）字段无效：{}",
                self.unit.name,
                kind.label(),
                msgs.join("；")
            )
        })?;
        if year == self.year {
            *self.out.expected.per_kind.entry(kind).or_default() += 1;
        }
        let data = RecordData {
            kind,
            year,
            fields: parsed,
            indicators: {
                let mut codes: Vec<String> = Vec::new();
                for c in kind.default_indicators().iter().chain(self.tags.iter()) {
                    if !codes.iter().any(|x| x == c) {
                        codes.push(c.to_string());
                    }
                }
                self.tags.clear();
                codes
            },
        };
        // The title lists and links will show, for the test to find it by.
        let title = data.title();
        self.out.records.push(data);
        Ok(title)
    }

    fn has_attachment(&self, kind: RecordKind) -> bool {
        self.out.attachments.iter().any(|a| a.kind == kind)
    }

    fn attach(&mut self, kind: RecordKind, year: i32, record: &str, filename: &str, text: String) {
        // The record just written.
        let index = self.out.records.len() - 1;
        self.out.attachments.push(DemoAttachment {
            kind,
            year,
            record: record.to_string(),
            index,
            filename: filename.to_string(),
            content_type: "text/plain; charset=utf-8",
            bytes: text.into_bytes(),
        });
    }

    /// Tags the next record with these indicators too (what the work also answers).
    fn tag(&mut self, codes: &[&'static str]) {
        self.tags.extend_from_slice(codes);
    }

    fn plant(&mut self, rule: &'static str, kind: RecordKind, year: i32, record: &str) {
        self.out.planted.push(Planted {
            rule,
            kind,
            year,
            record: record.to_string(),
        });
    }

    fn due(&mut self, kind: RecordKind, year: i32, record: &str, due: NaiveDate) {
        if due >= self.today && due <= self.today + Duration::days(30) {
            self.out.due.push(Due {
                kind,
                year,
                record: record.to_string(),
                due,
            });
        }
    }

    /// How many of a kind a unit of this size has: townships fewer, governments more.
    fn scaled(&mut self, lo: usize, hi: usize) -> usize {
        let (lo, hi) = match self.unit.level {
            RegionLevel::Township => ((lo * 2 / 3).max(1), (hi * 2 / 3).max(1)),
            _ => (lo, hi),
        };
        self.rng.gen_range(lo..=hi.max(lo))
    }

    /// A 学法 session also answers the indicators of what it studied.
    fn tag_study(&mut self, form: &str, laws: &[String]) {
        if form == "党组会学法" || form == "理论学习中心组学法" {
            self.tag(&["leadership.party"]);
        }
        let all = laws.join("");
        for (word, code) in [
            ("行政复议法", "disputes.reconsideration"),
            ("行政诉讼法", "disputes.litigation"),
            ("行政处罚法", "enforcement.procedure"),
            ("优化营商环境", "functions.business"),
            ("公平竞争审查", "functions.business"),
            ("重大行政决策", "decision.awareness"),
            ("政府信息公开", "oversight.disclosure"),
            ("安全生产法", "enforcement.key_areas"),
            ("数据安全法", "technology.data"),
        ] {
            if all.contains(word) {
                self.tag(&[code]);
            }
        }
    }

    fn study_topics(&self) -> Vec<(String, Vec<String>)> {
        let law = self.words.law;
        let mut t: Vec<(String, Vec<String>)> = vec![
            (
                "学习习近平法治思想".into(),
                vec!["《习近平法治思想学习纲要》".into()],
            ),
            (
                "学习《中华人民共和国行政处罚法》".into(),
                vec!["《中华人民共和国行政处罚法》".into()],
            ),
            (
                "学习《中华人民共和国宪法》，弘扬宪法精神".into(),
                vec!["《中华人民共和国宪法》".into()],
            ),
            (
                "学习《优化营商环境条例》".into(),
                vec!["《优化营商环境条例》".into()],
            ),
            (
                "学习新修订的《中华人民共和国行政复议法》".into(),
                vec!["《中华人民共和国行政复议法》".into()],
            ),
            (
                "学习《公平竞争审查条例》".into(),
                vec!["《公平竞争审查条例》".into()],
            ),
            (
                "学习《重大行政决策程序暂行条例》".into(),
                vec!["《重大行政决策程序暂行条例》".into()],
            ),
            (
                "学习《中华人民共和国政府信息公开条例》".into(),
                vec!["《中华人民共和国政府信息公开条例》".into()],
            ),
            (
                "学习《中华人民共和国保守国家秘密法》".into(),
                vec!["《中华人民共和国保守国家秘密法》".into()],
            ),
            (
                "学习《中华人民共和国民法典》合同编".into(),
                vec!["《中华人民共和国民法典》".into()],
            ),
            (
                "学习《中华人民共和国安全生产法》".into(),
                vec!["《中华人民共和国安全生产法》".into()],
            ),
            (
                "学习《中华人民共和国数据安全法》和《中华人民共和国个人信息保护法》".into(),
                vec![
                    "《中华人民共和国数据安全法》".into(),
                    "《中华人民共和国个人信息保护法》".into(),
                ],
            ),
            (
                "学习《党政主要负责人履行推进法治建设第一责任人职责规定》".into(),
                vec!["《党政主要负责人履行推进法治建设第一责任人职责规定》".into()],
            ),
            (format!("学习{law}"), vec![law.to_string()]),
            (
                format!("以案学法：{}典型案例", short_law(law)),
                vec![law.to_string()],
            ),
        ];
        if self.unit.area == Area::Science {
            t.push((
                "学习《中华人民共和国促进科技成果转化法》".into(),
                vec!["《中华人民共和国促进科技成果转化法》".into()],
            ));
            t.push((
                "学习《技术合同认定登记管理办法》".into(),
                vec!["《技术合同认定登记管理办法》".into()],
            ));
        }
        t
    }

    fn study(&mut self) -> Result<(), String> {
        // Sessions of the year by form: 党组会学法 most months, the centre group quarterly.
        let party = self.scaled(5, 9);
        let centre = self.rng.gen_range(2..=4);
        let group = self.rng.gen_range(1..=2);
        let lecture = self.rng.gen_range(1..=2);
        let court = self.rng.gen_bool(0.6);
        let mut topics = self.study_topics();
        topics.shuffle(&mut self.rng);
        let mut sessions: Vec<(NaiveDate, &str, String, Vec<String>)> = Vec::new();
        let mut next = 0;
        let mut topic = || {
            let t = topics[next % topics.len()].clone();
            next += 1;
            t
        };
        let mut months: Vec<u32> = (1..=12).collect();
        months.shuffle(&mut self.rng);
        let mut party_months: Vec<u32> = months.iter().copied().take(party).collect();
        party_months.sort();
        for m in party_months {
            let date = self.day_in(m, m);
            let (t, laws) = topic();
            sessions.push((date, "党组会学法", t, laws));
        }
        for q in 0..centre {
            let m = 3 * (q as u32) + self.rng.gen_range(1..=3);
            let date = self.day_in(m.min(12), m.min(12));
            let (t, laws) = topic();
            let t = format!("理论学习中心组专题{}", t.trim_start_matches("学习"));
            sessions.push((date, "理论学习中心组学法", t, laws));
        }
        for _ in 0..group {
            let date = self.day_in(3, 11);
            let (t, laws) = topic();
            sessions.push((date, "集中学法", format!("全体干部职工集中{t}"), laws));
        }
        for _ in 0..lecture {
            let date = self.day_in(4, 11);
            let (t, laws) = topic();
            let t = format!("邀请法律顾问开展专题讲座：{}", t.trim_start_matches("学习"));
            sessions.push((date, "专题讲座", t, laws));
        }
        if court {
            let date = self.day_in(5, 11);
            sessions.push((
                date,
                "旁听庭审",
                "组织旁听行政诉讼案件庭审".into(),
                vec!["《中华人民共和国行政诉讼法》".into()],
            ));
        }
        sessions.sort_by_key(|s| s.0);
        for (date, form, topic, laws) in sessions {
            let (attendees, hours) = match form {
                "党组会学法" => (self.rng.gen_range(7..=11), "1"),
                "理论学习中心组学法" => (self.rng.gen_range(10..=18), "2"),
                "集中学法" => (self.rng.gen_range(30..=120), "2"),
                "专题讲座" => (self.rng.gen_range(40..=150), "2.5"),
                _ => (self.rng.gen_range(10..=30), "3"),
            };
            let leader = form != "旁听庭审" || self.rng.gen_bool(0.5);
            let leader = leader && self.rng.gen_range(0..10) > 0;
            let year = self.year;
            self.tag_study(form, &laws);
            let title = self.push(
                RecordKind::Study,
                year,
                &[
                    ("date", ymd(date)),
                    ("form", form.into()),
                    ("topic", topic.clone()),
                    ("laws", laws.join("、")),
                    ("attendees", attendees.to_string()),
                    ("leader_present", if leader { "是" } else { "否" }.into()),
                    ("hours", hours.into()),
                ],
            )?;
            if matches!(form, "集中学法" | "专题讲座") && !self.has_attachment(RecordKind::Study)
            {
                let mut sheet = format!(
                    "{}学法签到表\n日期：{}\n形式：{form}\n主题：{topic}\n学时：{hours}\n\n序号\t姓名\t签到\n",
                    self.unit.name,
                    ymd(date)
                );
                for k in 1..=attendees.min(20) {
                    let name = self.person();
                    sheet.push_str(&format!("{k}\t{name}\t已到\n"));
                }
                if attendees > 20 {
                    sheet.push_str(&format!("（共 {attendees} 人，余略）\n"));
                }
                self.attach(RecordKind::Study, year, &title, "学法签到表.txt", sheet);
            }
            let e = &mut self.out.expected;
            *e.study_forms.entry(form.to_string()).or_default() += 1;
            if leader {
                e.study_with_leader += 1;
            }
        }
        Ok(())
    }

    fn meeting(&self) -> &'static str {
        match self.unit.area {
            Area::Government => "常务会议",
            Area::Township => "班子会议",
            _ => "局（委）务会议",
        }
    }

    fn collective(&mut self) -> Result<(), String> {
        let y = self.year;
        let service = self.words.service;
        let objects = self.words.objects;
        let items: Vec<(String, &str)> = vec![
            (format!("研究审议{y}年度法治政府建设工作要点"), "重大决策"),
            (format!("研究{y}年度重大行政决策事项目录"), "重大决策"),
            (
                format!("审议{y}年度部门预算执行情况和{}年预算编制", y + 1),
                "大额资金使用",
            ),
            (format!("研究{objects}专项资金分配方案"), "大额资金使用"),
            ("研究干部任免和职级晋升事项".into(), "重要干部任免"),
            (format!("研究{y}年度重点项目安排"), "重大项目安排"),
            (format!("研究{service}工作改进方案"), "重大决策"),
            (
                format!("听取{}年法治政府建设情况报告并研究整改措施", y - 1),
                "其他",
            ),
            ("研究政府采购项目实施方案".into(), "大额资金使用"),
            (format!("研究{objects}帮扶工作方案"), "其他"),
        ];
        let n = self.scaled(6, 10).min(items.len());
        let mut chosen: Vec<(String, &str)> =
            items.choose_multiple(&mut self.rng, n).cloned().collect();
        let mut dates: Vec<NaiveDate> = (0..n).map(|_| self.day_in(1, 12)).collect();
        dates.sort();
        chosen.shuffle(&mut self.rng);
        let meeting = self.meeting();
        for (date, (matters, category)) in dates.into_iter().zip(chosen) {
            let meeting = if self.rng.gen_bool(0.4) && self.unit.area != Area::Government {
                "党组会议"
            } else {
                meeting
            };
            let outcome = self.pick(&[
                "审议通过",
                "原则通过，按会议意见修改完善后印发",
                "同意，由分管负责人牵头组织实施",
            ]);
            self.push(
                RecordKind::Collective,
                y,
                &[
                    ("date", ymd(date)),
                    ("meeting", meeting.into()),
                    ("matters", matters),
                    ("category", category.into()),
                    (
                        "participants",
                        "主要负责人、班子成员、法制机构负责人、相关科室负责人".into(),
                    ),
                    ("outcome", outcome.into()),
                ],
            )?;
        }
        Ok(())
    }

    fn major_decisions(&mut self) -> Result<(), String> {
        let region = self.region().to_string();
        let service = self.words.service;
        let objects = self.words.objects;
        let y = self.year;
        let mut titles = vec![
            format!("{region}支持{objects}高质量发展的若干措施"),
            format!("{region}{service}便利化改革实施方案"),
            format!("{region}{y}—{}年{objects}发展规划", y + 2),
        ];
        if self.unit.area == Area::Science {
            titles.insert(0, format!("{region}促进科技成果转化若干措施"));
        }
        let n = if self.unit.level == RegionLevel::Township {
            1
        } else {
            self.rng.gen_range(1..=2)
        };
        for title in titles.into_iter().take(n) {
            let from = self.day_in(2, 6);
            let to = from + self.days(30, 40);
            let expert = self.after(to, 4, 10);
            let risk = self.after(expert, 3, 7);
            let sent = self.after(risk, 3, 7);
            let done = self.after(sent, 21, 30);
            let discussed = self.after(done, 3, 10);
            let published = self.after(discussed, 5, 15);
            let dissent = if self.rng.gen_bool(0.3) {
                "一名班子成员建议延长政策实施期限，会议记录在案"
            } else {
                "无"
            };
            let meeting = if self.unit.area == Area::Government {
                format!("{}政府常务会议", self.unit.lvl)
            } else {
                self.meeting().to_string()
            };
            self.tag(&["decision.awareness"]);
            let opinion = format!(
                "关于《{title}》的合法性审查意见\n\n{}：\n你单位于{}送审的《{title}》（草案）收悉。经审查，草案制定主体适格，内容符合{}等法律法规规定，程序符合《重大行政决策程序暂行条例》要求。建议对个别条款表述予以完善后提交集体讨论决定。\n\n{}司法局\n{}\n",
                self.unit.name,
                ymd(sent),
                self.words.law,
                if self.unit.level == RegionLevel::City { crate::CITY.to_string() } else { format!("{}{}", crate::CITY, self.unit.region_name) },
                ymd(done)
            );
            let record_title = self.push(
                RecordKind::MajorDecision,
                y,
                &[
                    ("title", title),
                    ("catalogued", "是".into()),
                    ("comment_from", ymd(from)),
                    ("comment_to", ymd(to)),
                    ("expert_date", ymd(expert)),
                    ("risk_date", ymd(risk)),
                    ("review_sent", ymd(sent)),
                    ("review_done", ymd(done)),
                    (
                        "review_opinion",
                        "草案内容合法，建议对个别条款表述予以完善".into(),
                    ),
                    ("discussed", ymd(discussed)),
                    ("meeting", meeting),
                    (
                        "leader_conclusion",
                        "在充分听取班子成员意见后，主要负责人最后发表意见，同意按程序公布实施"
                            .into(),
                    ),
                    ("dissent", dissent.into()),
                    ("published", ymd(published)),
                ],
            )?;
            self.attach(
                RecordKind::MajorDecision,
                y,
                &record_title,
                "合法性审查意见书.txt",
                opinion,
            );
        }
        Ok(())
    }

    /// 青科工规〔2025〕3号 and the like.
    fn doc_number(&self, year: i32, n: usize) -> String {
        let region: String = self.region().chars().next().into_iter().collect();
        let short = self
            .unit
            .short_name
            .trim_start_matches(['市', '区', '县'])
            .trim_start_matches(self.region())
            .trim_end_matches("政府")
            .trim_end_matches(['局', '委', '办', '心'])
            .trim_end_matches("中");
        let short: String = short.chars().take(2).collect();
        let short = if short.is_empty() {
            "政".to_string()
        } else {
            short
        };
        format!("{region}{short}规〔{year}〕{n}号")
    }

    fn normative_titles(&self) -> Vec<String> {
        let region = self.region();
        let service = self.words.service;
        let objects = self.words.objects;
        let mut t = vec![
            format!("《{region}{service}管理办法》"),
            format!("《{region}{objects}专项资金管理办法》"),
            format!("《{region}行政执法公示实施细则》"),
            format!("《{region}{objects}信用评价管理办法》"),
            format!("《{region}行政处罚裁量权基准》"),
        ];
        if self.unit.area == Area::Science {
            t.insert(0, format!("《{region}技术合同认定登记管理实施细则》"));
            t.insert(1, format!("《{region}科技型中小企业培育办法》"));
        }
        t
    }

    /// The steps of a normative document ending with its issue on `issued`.
    fn normative_steps(&mut self, issued: NaiveDate, market: bool) -> Vec<(&'static str, String)> {
        let deliberated = self.before(issued, 5, 15);
        let fair = self.before(deliberated, 3, 8);
        let review = self.before(fair, 3, 10);
        let drafted = self.before(review, 20, 40);
        let mut out = vec![
            ("drafted", ymd(drafted)),
            ("review_done", ymd(review)),
            ("market", if market { "是" } else { "否" }.to_string()),
            ("deliberated", ymd(deliberated)),
            ("issued", ymd(issued)),
        ];
        if market {
            out.push(("fair_review", ymd(fair)));
        }
        out
    }

    fn normative(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(2, 4);
        let titles = self.normative_titles();
        let late = if self.plants.contains(&Plant::FilingLate) {
            Some(self.rng.gen_range(0..n))
        } else {
            None
        };
        let mut issues: Vec<NaiveDate> = (0..n).map(|_| self.day_in(3, 10)).collect();
        issues.sort();
        for (i, issued) in issues.into_iter().enumerate() {
            let title = titles[i % titles.len()].clone();
            let market = self.rng.gen_bool(0.6);
            let mut fields: Vec<(&str, String)> = vec![
                ("title", title.clone()),
                ("doc_number", self.doc_number(y, i + 1)),
            ];
            fields.extend(self.normative_steps(issued, market));
            if market {
                self.tag(&["functions.business"]);
            }
            let filed = if late == Some(i) {
                let f = self.after(issued, 40, 55);
                self.plant("filing-late", RecordKind::Normative, y, &title);
                f
            } else {
                self.out.expected.normative_filed_in_time += 1;
                self.after(issued, 5, 20).min(issued + Duration::days(30))
            };
            let published = self.after(issued, 1, 5);
            fields.push(("filed", ymd(filed)));
            fields.push(("published", ymd(published)));
            fields.push((
                "valid_until",
                ymd(issued.checked_add_months(Months::new(60)).unwrap_or(issued)
                    - Duration::days(1)),
            ));
            if self.rng.gen_bool(0.3) {
                fields.push(("cleanup", "继续有效".into()));
            }
            self.push(RecordKind::Normative, y, &fields)?;
        }
        Ok(())
    }

    fn officers_and_training(&mut self) -> Result<(), String> {
        let y = self.year;
        // Hours an officer needs in a year (`frameworks/rules.toml`), at least 24 here.
        let required = RuleSettings::default().training_hours.max(24);
        let n = match (self.unit.area, self.unit.level) {
            (Area::Government | Area::RuleOfLawOffice | Area::Petitions, _) => {
                self.rng.gen_range(3..=5)
            }
            (_, RegionLevel::Township) => self.rng.gen_range(4..=8),
            _ => self.rng.gen_range(6..=12),
        };
        let authority = match self.unit.level {
            RegionLevel::Township => {
                let county = self.unit.name.split(self.unit.region_name.as_str()).next();
                format!("{}人民政府", county.unwrap_or(crate::CITY))
            }
            RegionLevel::County => format!("{}{}人民政府", crate::CITY, self.unit.region_name),
            _ => format!("{}人民政府", crate::CITY),
        };
        let posts = [
            "执法一科",
            "执法二科",
            "法制审核岗",
            "综合执法大队",
            "政策法规科",
        ];
        let mut officers: Vec<(String, String)> = Vec::new();
        let short = self
            .plants
            .contains(&Plant::TrainingShort)
            .then(|| self.rng.gen_range(0..n));
        let expired = self
            .plants
            .contains(&Plant::CertificateExpired)
            .then(|| (short.unwrap_or(0) + 1) % n);
        let expiring = self
            .plants
            .contains(&Plant::CertificateExpiring)
            .then(|| (short.unwrap_or(0) + 2) % n);
        for i in 0..n {
            let name = self.person();
            let cert = format!("{}{:03}", self.unit.code, 101 + i);
            let valid_until = if expired == Some(i) {
                self.today - self.days(15, 60)
            } else if expiring == Some(i) {
                self.today + self.days(12, 25)
            } else {
                self.today + self.days(300, 1500)
            };
            let post = self.pick(&posts);
            self.push(
                RecordKind::Officer,
                y,
                &[
                    ("name", name.clone()),
                    ("cert_no", cert.clone()),
                    ("authority", authority.clone()),
                    ("valid_until", ymd(valid_until)),
                    ("post", post.into()),
                ],
            )?;
            if expired == Some(i) {
                self.plant("certificate-expired", RecordKind::Officer, y, &name);
            }
            if expiring == Some(i) {
                self.plant("certificate-expiring", RecordKind::Officer, y, &name);
                self.due(RecordKind::Officer, y, &name, valid_until);
            }
            officers.push((name, cert));
        }

        // The courses of the year, taken by every officer; online study tops up the hours.
        let law = short_law(self.words.law);
        let courses: Vec<(String, f64, String, NaiveDate)> = vec![
            (
                format!("{}行政执法人员公共法律知识培训", crate::CITY),
                24.0,
                format!("{}司法局", crate::CITY),
                self.day_in(4, 5),
            ),
            (
                "《中华人民共和国行政处罚法》专题培训".into(),
                8.0,
                self.unit.short_name.clone(),
                self.day_in(6, 7),
            ),
            (
                format!("{law}执法业务培训"),
                12.0,
                self.unit.short_name.clone(),
                self.day_in(8, 9),
            ),
            (
                "行政执法三项制度和执法文书制作培训".into(),
                6.0,
                self.unit.short_name.clone(),
                self.day_in(10, 11),
            ),
        ];
        for (k, (name, cert)) in officers.iter().enumerate() {
            // The required hours and up to 20 more; the short officer 6 to 24 fewer.
            let target: f64 = if short == Some(k) {
                f64::from(self.rng.gen_range(required - 24..=required - 6))
            } else {
                f64::from(self.rng.gen_range(required..=required + 20))
            };
            let mut total = 0.0;
            for (j, (topic, hours, organizer, date)) in courses.iter().enumerate() {
                // The short officer missed the second and fourth course.
                if short == Some(k) && j % 2 == 1 {
                    continue;
                }
                if total + hours > target {
                    break;
                }
                total += hours;
                self.push(
                    RecordKind::Training,
                    y,
                    &[
                        ("name", name.clone()),
                        ("cert_no", cert.clone()),
                        ("date", ymd(*date)),
                        ("topic", topic.clone()),
                        ("hours", format!("{hours}")),
                        ("organizer", organizer.clone()),
                    ],
                )?;
            }
            let online = target - total;
            if online > 0.0 {
                let date = self.on(y, 12, 10, 20);
                self.push(
                    RecordKind::Training,
                    y,
                    &[
                        ("name", name.clone()),
                        ("cert_no", cert.clone()),
                        ("date", ymd(date)),
                        ("topic", "网上学法（法宣在线）全年学习".into()),
                        ("hours", format!("{online}")),
                        ("organizer", format!("{}司法局", crate::CITY)),
                    ],
                )?;
                total += online;
            }
            self.out.expected.officer_hours.insert(name.clone(), total);
            if total < f64::from(required) {
                self.out.expected.short_officers.push(name.clone());
                self.plant("training-hours-short", RecordKind::Training, y, name);
            }
        }
        Ok(())
    }

    fn popularization(&mut self) -> Result<(), String> {
        let y = self.year;
        let region = self.region().to_string();
        let activity = self.words.activity.trim_matches(['“', '”']).to_string();
        let objects = self.words.objects;
        let mut plan: Vec<(NaiveDate, &str, String, &str, bool)> = vec![
            (
                self.on(y, 12, 1, 4),
                "宪法宣传周",
                "宪法宣传周进企业".into(),
                "企业服务中心",
                true,
            ),
            (
                d(y, 4, 15),
                "全民国家安全教育日",
                "全民国家安全教育日主题宣传".into(),
                "人民广场",
                false,
            ),
            (
                self.on(y, 6, 5, 20),
                "安全生产月",
                format!("安全生产月“送法进{objects}”"),
                "工业园区",
                true,
            ),
            (
                self.on(y, 5, 8, 25),
                "民法典宣传月",
                "“美好生活·民法典相伴”主题宣传".into(),
                "社区广场",
                false,
            ),
            (
                self.on(y, 9, 5, 25),
                "其他",
                format!("“{activity}”法治宣传活动"),
                "便民服务大厅",
                false,
            ),
        ];
        if self.unit.area == Area::Science {
            plan.push((
                self.on(y, 5, 18, 24),
                "科技活动周",
                "科技活动周科技法律法规宣传".into(),
                "科技馆",
                true,
            ));
            plan.push((
                d(y, 4, self.rng.gen_range(20..=26)),
                "知识产权宣传周",
                "知识产权宣传周进园区".into(),
                "高新技术产业园区",
                true,
            ));
        }
        let n = self.scaled(4, plan.len()).min(plan.len());
        // The first four campaigns always, then a draw.
        let mut chosen: Vec<_> = plan.drain(..4.min(n)).collect();
        plan.shuffle(&mut self.rng);
        chosen.extend(plan.into_iter().take(n.saturating_sub(4)));
        chosen.sort_by_key(|c| c.0);
        for (date, campaign, theme, place, firms) in chosen {
            let audience: i64 = self.rng.gen_range(80..=600);
            let enterprises: i64 = if firms { self.rng.gen_range(8..=25) } else { 0 };
            let materials: i64 = self.rng.gen_range(3..=20) * 100;
            let mut fields = vec![
                ("date", ymd(date)),
                ("theme", theme),
                ("campaign", campaign.to_string()),
                ("place", format!("{region}{place}")),
                ("audience", audience.to_string()),
                ("materials", materials.to_string()),
                ("form", "现场宣讲、发放资料、有奖问答".to_string()),
            ];
            if firms {
                fields.push(("enterprises", enterprises.to_string()));
            }
            self.push(RecordKind::Popularization, y, &fields)?;
            let e = &mut self.out.expected;
            e.audience += audience;
            e.enterprises += enterprises;
            e.materials += materials;
        }
        Ok(())
    }

    fn suggestion_titles(&self) -> Vec<String> {
        let service = self.words.service;
        let objects = self.words.objects;
        let region = self.region();
        vec![
            format!("关于进一步优化{service}服务的建议"),
            format!("关于加大对{objects}扶持力度的建议"),
            format!("关于加强{objects}法治宣传教育的提案"),
            format!("关于推进{region}营商环境法治化的建议"),
            format!("关于完善{service}“一网通办”的提案"),
            format!("关于健全{objects}诉求快速响应机制的建议"),
        ]
    }

    fn suggestions(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(3, 6);
        let titles = self.suggestion_titles();
        let late = self
            .plants
            .contains(&Plant::SuggestionLate)
            .then(|| self.rng.gen_range(0..n));
        let (mut npc, mut cppcc) = (0, 0);
        for i in 0..n {
            let title = titles[i % titles.len()].clone();
            let npc_kind = !title.ends_with("提案");
            let assigned = self.on(y, 3, 10, 31);
            let (number, proposer) = if npc_kind {
                npc += 1;
                (
                    format!("{y}年第{}号建议", 100 + npc * 7),
                    format!("{}代表", self.person()),
                )
            } else {
                cppcc += 1;
                (
                    format!("{y}年第{}号提案", 60 + cppcc * 5),
                    format!("{}委员", self.person()),
                )
            };
            let answered = if late == Some(i) {
                self.plant("suggestion-late", RecordKind::Suggestion, y, &title);
                self.after(assigned, 100, 115)
            } else {
                self.out.expected.suggestions_in_time += 1;
                self.after(assigned, 35, 75)
            };
            let satisfaction = if late == Some(i) {
                "基本满意"
            } else {
                self.pick(&["满意", "满意", "满意", "基本满意"])
            };
            self.push(
                RecordKind::Suggestion,
                y,
                &[
                    (
                        "category",
                        if npc_kind {
                            "人大代表建议"
                        } else {
                            "政协委员提案"
                        }
                        .into(),
                    ),
                    ("number", number),
                    ("title", title),
                    ("proposer", proposer),
                    ("assigned", ymd(assigned)),
                    ("answered", ymd(answered)),
                    ("satisfaction", satisfaction.into()),
                ],
            )?;
            if npc_kind {
                self.out.expected.npc_suggestions += 1;
            }
        }
        Ok(())
    }

    fn publications(&mut self) -> Result<(), String> {
        let y = self.year;
        let service = self.words.service;
        let own = self.own();
        let items: Vec<(String, &str)> = vec![
            (format!("{y}年度部门预算"), "管理公开"),
            (format!("{y}年度重大行政决策事项目录"), "决策公开"),
            (format!("{service}办事指南"), "服务公开"),
            ("行政处罚结果信息".into(), "结果公开"),
            (format!("{}年法治政府建设年度报告", y - 1), "结果公开"),
            (format!("{own}权责清单（{y}年版）"), "管理公开"),
            ("“双随机、一公开”抽查结果".into(), "结果公开"),
            ("重点工作推进情况（上半年）".into(), "执行公开"),
            ("规范性文件政策解读".into(), "决策公开"),
            (format!("{}年度部门决算", y - 1), "管理公开"),
            ("建议提案办理结果".into(), "结果公开"),
            ("政策文件公开征求意见".into(), "决策公开"),
            ("重点项目实施进展".into(), "执行公开"),
            (format!("{service}办理流程图"), "服务公开"),
        ];
        let n = self.scaled(8, items.len()).min(items.len());
        let chosen: Vec<(String, &str)> =
            items.choose_multiple(&mut self.rng, n).cloned().collect();
        let mut rows: Vec<(NaiveDate, String, &str)> = chosen
            .into_iter()
            .map(|(t, c)| (self.day_in(1, 12), t, c))
            .collect();
        rows.sort_by_key(|r| r.0);
        for (date, title, category) in rows {
            let channel = self.pick(&["门户网站", "门户网站", "政务新媒体", "政务公开专栏"]);
            if title.contains("决策事项目录") {
                self.tag(&["decision.procedure"]);
            }
            self.push(
                RecordKind::Publication,
                y,
                &[
                    ("date", ymd(date)),
                    ("category", category.into()),
                    ("title", title),
                    ("channel", channel.into()),
                ],
            )?;
        }
        Ok(())
    }

    fn disclosure_content(&mut self, year: i32) -> String {
        let objects = self.words.objects;
        let service = self.words.service;
        let t = [
            format!("申请公开{year}年度{objects}专项资金分配结果"),
            format!("申请公开{service}相关审批材料"),
            "申请公开某项目立项批复文件".to_string(),
            format!("申请公开{objects}行政处罚决定书"),
        ];
        self.pick(&t)
    }

    fn disclosure(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.rng.gen_range(2..=5);
        let late = self
            .plants
            .contains(&Plant::DisclosureLate)
            .then(|| self.rng.gen_range(0..n));
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(2, 11)).collect();
        days.sort();
        for (i, received) in days.into_iter().enumerate() {
            let content = format!("{}（{}）", self.disclosure_content(y), i + 1);
            let replied = if late == Some(i) {
                self.plant(
                    "disclosure-late",
                    RecordKind::DisclosureRequest,
                    y,
                    &content,
                );
                let wd = self.rng.gen_range(24..=30);
                self.add_working(received, wd)
            } else {
                self.out.expected.disclosure_in_time += 1;
                let wd = self.rng.gen_range(5..=16);
                self.add_working(received, wd)
            };
            let result = self.pick(&["予以公开", "予以公开", "部分公开", "信息不存在"]);
            let applicant = format!("{}某", self.pick(SURNAMES));
            self.push(
                RecordKind::DisclosureRequest,
                y,
                &[
                    ("received", ymd(received)),
                    ("applicant", applicant),
                    ("content", content),
                    ("extended", "否".into()),
                    ("replied", ymd(replied)),
                    ("result", result.into()),
                ],
            )?;
        }
        Ok(())
    }

    fn enterprise_requests(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(3, 7);
        let service = self.words.service;
        let contents = [
            format!("反映{service}材料多、时间长，希望精简申报材料"),
            format!("咨询{y}年度扶持政策的申报条件和兑现时间"),
            "反映企业融资难，希望协调银行开展银企对接".to_string(),
            "反映用工紧张，希望协助招聘技术工人".to_string(),
            "希望对新出台的地方标准开展政策解读".to_string(),
            "反映厂区周边道路破损影响货运，希望协调修复".to_string(),
        ];
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(1, 11)).collect();
        days.sort();
        for (i, received) in days.into_iter().enumerate() {
            let enterprise = self.enterprise();
            let due = received + Duration::days(15);
            let resolved = self.after(received, 3, 10).min(due);
            let channel = self.pick(&["走访", "座谈会", "热线", "网上诉求"]);
            self.push(
                RecordKind::EnterpriseRequest,
                y,
                &[
                    ("received", ymd(received)),
                    ("enterprise", enterprise),
                    ("content", contents[i % contents.len()].clone()),
                    ("channel", channel.into()),
                    ("due", ymd(due)),
                    ("resolved", ymd(resolved)),
                    (
                        "result",
                        "已答复企业并协调相关部门办理，企业表示满意".into(),
                    ),
                ],
            )?;
        }
        Ok(())
    }

    fn service_names(&self) -> Vec<(String, &'static str, &'static str)> {
        let service = self.words.service;
        let law = short_law(self.words.law);
        let mut v: Vec<(String, &'static str, &'static str)> = match self.unit.area {
            Area::Science => vec![
                ("技术合同认定登记".into(), "政务服务事项", "行政确认"),
                ("科技型中小企业评价".into(), "政务服务事项", "公共服务"),
                ("高新技术企业认定推荐".into(), "政务服务事项", "公共服务"),
                ("科技特派员申报".into(), "政务服务事项", "公共服务"),
                (
                    "工业企业技术改造项目备案".into(),
                    "政务服务事项",
                    "公共服务",
                ),
                (
                    "市级工程技术研究中心认定".into(),
                    "权责清单事项",
                    "行政确认",
                ),
                ("科技奖励".into(), "权责清单事项", "行政奖励"),
            ],
            Area::Education => vec![
                ("民办学校设立审批".into(), "权责清单事项", "行政许可"),
                ("教师资格认定".into(), "政务服务事项", "行政许可"),
                ("校外培训机构审批".into(), "权责清单事项", "行政许可"),
                ("学生资助".into(), "政务服务事项", "行政给付"),
            ],
            Area::Township => vec![
                ("社会救助申请受理".into(), "政务服务事项", "行政给付"),
                ("农村宅基地使用审批".into(), "权责清单事项", "行政许可"),
                ("乡村建设规划许可".into(), "权责清单事项", "行政许可"),
                ("计划生育家庭奖励扶助".into(), "政务服务事项", "行政给付"),
            ],
            _ => vec![],
        };
        v.push((service.to_string(), "政务服务事项", "公共服务"));
        v.push((format!("{law}行政检查"), "权责清单事项", "行政检查"));
        v.push((format!("违反{law}的行政处罚"), "权责清单事项", "行政处罚"));
        v.push(("政府信息公开申请办理".into(), "政务服务事项", "公共服务"));
        v
    }

    fn service_items(&mut self) -> Result<(), String> {
        let y = self.year;
        let names = self.service_names();
        for (name, list, item_type) in names {
            let updated = self.day_in(1, 6);
            let handled: i64 = if item_type == "行政处罚" || item_type == "行政检查" {
                self.rng.gen_range(5..=60)
            } else {
                self.rng.gen_range(20..=800)
            };
            let chart = if self.rng.gen_bool(0.85) {
                "是"
            } else {
                "否"
            };
            self.push(
                RecordKind::ServiceItem,
                y,
                &[
                    ("name", name),
                    ("list", list.into()),
                    ("item_type", item_type.into()),
                    ("guide", "是".into()),
                    ("flow_chart", chart.into()),
                    ("updated", ymd(updated)),
                    ("handled", handled.to_string()),
                ],
            )?;
        }
        Ok(())
    }

    fn inspections(&mut self) -> Result<(), String> {
        let y = self.year;
        let objects = self.words.objects;
        let law = short_law(self.words.law);
        let n = self.scaled(4, 8);
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(2, 12)).collect();
        days.sort();
        for (i, date) in days.into_iter().enumerate() {
            let (category, subject, result, review) = match i % 4 {
                0 => (
                    "执法检查",
                    format!("{objects}安全生产督导检查"),
                    format!(
                        "检查{}家，发现问题{}处，已督促整改到位",
                        self.rng.gen_range(8..=30),
                        self.rng.gen_range(3..=15)
                    ),
                    false,
                ),
                1 => (
                    "执法检查",
                    format!("“双随机、一公开”抽查（{objects}）"),
                    format!(
                        "随机抽取{}家，未发现违法行为{}家",
                        self.rng.gen_range(5..=15),
                        self.rng.gen_range(3..=5)
                    ),
                    false,
                ),
                2 => {
                    let who = self.enterprise();
                    (
                        "行政处罚案件",
                        format!("{who}违反{law}案"),
                        format!("责令改正，罚款{}元", self.rng.gen_range(1..=10) * 5000),
                        true,
                    )
                }
                _ => (
                    "行政检查案件",
                    format!("{objects}专项检查"),
                    "发现问题已书面告知并限期整改".to_string(),
                    false,
                ),
            };
            match i % 4 {
                0 => self.tag(&["enforcement.key_areas"]),
                1 => self.tag(&["enforcement.methods", "technology.supervision"]),
                _ => {}
            }
            self.push(
                RecordKind::Inspection,
                y,
                &[
                    ("date", ymd(date)),
                    ("category", category.into()),
                    ("subject", subject),
                    ("result", result),
                    ("publicized", "是".into()),
                    ("recorded", "是".into()),
                    ("legal_review", if review { "是" } else { "否" }.into()),
                ],
            )?;
        }
        Ok(())
    }

    fn review_cases(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.rng.gen_range(1..=2);
        for i in 0..n {
            let litigation = i == 1 || self.rng.gen_bool(0.4);
            let received = self.day_in(2, 8);
            let decided = self.after(received, 30, 55);
            let own_short = &self.unit.short_name;
            let (category, case_no, subject, outcome) = if litigation {
                (
                    "行政应诉",
                    format!(
                        "（{y}）青{:02}行初{}号",
                        self.rng.gen_range(1..=9),
                        self.rng.gen_range(10..=99)
                    ),
                    format!("原告诉{own_short}政府信息公开答复案"),
                    self.pick(&["驳回", "驳回", "维持"]),
                )
            } else {
                (
                    "行政复议",
                    format!("青复决字〔{y}〕{}号", self.rng.gen_range(10..=120)),
                    format!("申请人不服{own_short}行政处罚决定申请复议案"),
                    self.pick(&["维持", "维持", "驳回", "调解和解"]),
                )
            };
            let mut fields = vec![
                ("category", category.to_string()),
                ("case_no", case_no),
                ("received", ymd(received)),
                ("subject", subject),
                ("decided", ymd(decided)),
                ("outcome", outcome.to_string()),
            ];
            if litigation {
                fields.push(("leader_appeared", "是".into()));
                self.out.expected.litigation += 1;
                self.out.expected.leader_appeared += 1;
            }
            self.push(RecordKind::ReviewCase, y, &fields)?;
        }
        Ok(())
    }

    /// The problems the rectification records take up, each with the plan that answers it and
    /// its source: those of the unit's `report` when it states any, else `n` drawn from the
    /// phrase book (found in 自查).
    fn shortcomings(
        &mut self,
        report: Option<&[(String, String)]>,
        n: usize,
    ) -> Vec<(String, String, &'static str)> {
        match report {
            Some(p) if !p.is_empty() => p
                .iter()
                .map(|(problem, plan)| (problem.clone(), plan.clone(), FROM_REPORT))
                .collect(),
            _ => phrases::SHORTCOMINGS
                .choose_multiple(&mut self.rng, n)
                .map(|s| (s.problem.to_string(), s.plan.to_string(), "自查"))
                .collect(),
        }
    }

    fn rectifications(&mut self, prior: Option<&[(String, String)]>) -> Result<(), String> {
        let y = self.year;
        let items = self.shortcomings(prior, 2);
        let overdue = self
            .plants
            .contains(&Plant::RectificationOverdue)
            .then(|| self.rng.gen_range(0..items.len()));
        for (i, (problem, plan, source)) in items.into_iter().enumerate() {
            let responsible = self.pick(&["政策法规科", "办公室", "法制审核科", "执法监督科"]);
            let mut fields = vec![
                ("shortcoming", problem.clone()),
                ("source", source.to_string()),
                (
                    "actions",
                    format!("{plan}；明确责任科室，每季度调度整改进展"),
                ),
                ("responsible", responsible.to_string()),
            ];
            if source == FROM_REPORT {
                fields.push(("source_year", (y - 1).to_string()));
            }
            let late = overdue == Some(i);
            if late {
                fields.push(("deadline", ymd(d(y, 9, 30))));
                fields.push(("status", "整改中".into()));
            } else {
                let deadline = if self.rng.gen_bool(0.5) {
                    d(y, 6, 30)
                } else {
                    d(y, 12, 31)
                };
                let completed = self.before(deadline, 5, 60);
                fields.push(("deadline", ymd(deadline)));
                fields.push(("status", "已完成".into()));
                fields.push(("completed", ymd(completed)));
                self.out.expected.rectifications_done += 1;
            }
            let title = self.push(RecordKind::Rectification, y, &fields)?;
            if late {
                self.plant(
                    "rectification-overdue",
                    RecordKind::Rectification,
                    y,
                    &title,
                );
            }
        }
        Ok(())
    }

    /// A 依申请公开 request of `today`'s year, not replied yet.
    fn open_request(
        &mut self,
        received: NaiveDate,
        applicant: &str,
        content: &str,
    ) -> Result<(), String> {
        self.push(
            RecordKind::DisclosureRequest,
            self.today.year(),
            &[
                ("received", ymd(received)),
                ("applicant", applicant.into()),
                ("content", content.into()),
                ("extended", "否".into()),
            ],
        )?;
        Ok(())
    }

    /// A few records of `today`'s year, the open ones due soon.
    fn current_year(&mut self, latest: Option<&[(String, String)]>) -> Result<(), String> {
        let today = self.today;
        let c = today.year();
        let jan1 = d(c, 1, 1);
        let in_year = |x: NaiveDate| x >= jan1 && x < today;

        // Recent 学法.
        let mut topics = self.study_topics();
        topics.shuffle(&mut self.rng);
        for (k, back) in [75i64, 40, 12].into_iter().enumerate() {
            let date = self.workday_back(today - Duration::days(back));
            if !in_year(date) {
                continue;
            }
            let (topic, laws) = topics[k % topics.len()].clone();
            let form = if k == 1 {
                "理论学习中心组学法"
            } else {
                "党组会学法"
            };
            let attendees = self.rng.gen_range(7..=15);
            self.tag_study(form, &laws);
            self.push(
                RecordKind::Study,
                c,
                &[
                    ("date", ymd(date)),
                    ("form", form.into()),
                    ("topic", topic),
                    ("laws", laws.join("、")),
                    ("attendees", attendees.to_string()),
                    ("leader_present", "是".into()),
                    ("hours", "1".into()),
                ],
            )?;
        }

        // A suggestion assigned not quite three months ago, not answered yet.
        let due = today + self.days(6, 20);
        if let Some(assigned) = due
            .checked_sub_months(Months::new(3))
            .filter(|a| in_year(*a))
        {
            let title = format!(
                "关于{}{}的建议",
                self.pick(&["加快推进", "进一步完善"]),
                self.words.service
            );
            let proposer = format!("{}代表", self.person());
            let number = format!("{c}年第{}号建议", self.rng.gen_range(150..=260));
            self.push(
                RecordKind::Suggestion,
                c,
                &[
                    ("category", "人大代表建议".into()),
                    ("number", number),
                    ("title", title.clone()),
                    ("proposer", proposer),
                    ("assigned", ymd(assigned)),
                ],
            )?;
            let due = assigned
                .checked_add_months(Months::new(3))
                .unwrap_or(assigned);
            self.due(RecordKind::Suggestion, c, &title, due);
        }

        // A 依申请公开 request within its period, and (planted) one past it.
        let n = self.rng.gen_range(5..=9);
        let received = self.sub_working(today, n);
        if in_year(received) {
            let content = format!("{}（{c}年）", self.disclosure_content(c));
            self.open_request(received, "周某", &content)?;
            let due = self.add_working(received, 20);
            self.due(RecordKind::DisclosureRequest, c, &content, due);
        }
        if self.plants.contains(&Plant::DisclosureOverdue) {
            let n = self.rng.gen_range(26..=32);
            let received = self.sub_working(today, n);
            if in_year(received) {
                let content = format!("申请公开{c}年度行政执法统计数据");
                self.open_request(received, "吴某", &content)?;
                self.plant(
                    "disclosure-overdue",
                    RecordKind::DisclosureRequest,
                    c,
                    &content,
                );
            }
        }

        // A normative document issued lately, its filing still open.
        let issued = self.before(today, 6, 14);
        let drafted_guess = issued - Duration::days(90);
        if in_year(drafted_guess) {
            let titles = self.normative_titles();
            let title = titles[titles.len() - 1].clone();
            let mut fields: Vec<(&str, String)> = vec![
                ("title", title.clone()),
                ("doc_number", self.doc_number(c, 1)),
            ];
            fields.extend(self.normative_steps(issued, true));
            self.push(RecordKind::Normative, c, &fields)?;
            self.due(
                RecordKind::Normative,
                c,
                &title,
                issued + Duration::days(30),
            );
        }

        // An enterprise's request being handled.
        let received = self.before(today, 2, 6);
        if in_year(received) {
            let enterprise = self.enterprise();
            let content = format!("反映{}办理中遇到的问题，希望加快办理", self.words.service);
            let due = received + Duration::days(15);
            self.push(
                RecordKind::EnterpriseRequest,
                c,
                &[
                    ("received", ymd(received)),
                    ("enterprise", enterprise),
                    ("content", content.clone()),
                    ("channel", "走访".into()),
                    ("due", ymd(due)),
                ],
            )?;
            self.due(RecordKind::EnterpriseRequest, c, &content, due);
        }

        // Rectification of the last report's problems: one due soon.
        if let Some((problem, plan, source)) = self.shortcomings(latest, 1).into_iter().next() {
            let deadline = today + self.days(10, 25);
            let mut fields = vec![
                ("shortcoming", problem.clone()),
                ("source", source.to_string()),
                ("actions", plan),
                ("responsible", "政策法规科".to_string()),
                ("deadline", ymd(deadline)),
                ("status", "整改中".to_string()),
            ];
            if source == FROM_REPORT {
                // `latest` is the report of the ledger year.
                fields.push(("source_year", self.year.to_string()));
            }
            self.push(RecordKind::Rectification, c, &fields)?;
            self.due(RecordKind::Rectification, c, &problem, deadline);
        }
        Ok(())
    }
}
