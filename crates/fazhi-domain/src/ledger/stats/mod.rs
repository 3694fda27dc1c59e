//! The year's figures (年度数据): from a unit's records of a year to the figures an annual
//! report states — counts by kind, hours, rates, who is short, what is overdue — each with
//! the ids of the records behind it, so every figure in a report can be traced.

mod kinds;

use super::check::{year_end, RuleContext};
use super::{format_hours, round1, Record, RecordId, RecordKind};
use chrono::NaiveDate;
use serde::Serialize;

/// One figure of the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable key (`study.total`, `suggestion.answer_rate`; every key is listed at
    /// [`statistics`]): links, the composer, tests.
    pub key: String,
    pub kind: RecordKind,
    /// What is counted, in Chinese (“党组会学法”).
    pub label: String,
    /// The number: a count, hours, or a percentage (0–100, one decimal).
    pub value: f64,
    /// 次 件 名 学时 % 人次 家 份 条 项 场.
    pub unit: &'static str,
    /// The figure as a report writes it: “11 次”, “62.5 学时”, “95.5%”, “100%”.
    pub text: String,
    /// The records behind the figure; for a rate, the records of its denominator.
    pub record_ids: Vec<RecordId>,
}

/// The figures of a unit's year, in a stable order (by kind, then as listed in
/// [`statistics`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub year: i32,
    pub figures: Vec<Figure>,
}

impl Statistics {
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }

    /// The figures of one kind.
    pub fn of_kind(&self, kind: RecordKind) -> impl Iterator<Item = &Figure> + '_ {
        self.figures.iter().filter(move |f| f.kind == kind)
    }
}

/// The key suffix of each 学法 form (`study.form.<suffix>`), in the order of [`STUDY_FORMS`].
pub const STUDY_FORM_KEYS: [&str; 6] = [
    "party_group",
    "center_group",
    "collective",
    "lecture",
    "trial",
    "other",
];

/// The key suffix of each 五公开 category (`publication.<suffix>`), in the order of
/// [`FIVE_OPEN`].
pub const FIVE_OPEN_KEYS: [&str; 5] = ["decision", "execution", "management", "service", "result"];

/// The figures of a unit's year. Only records with `data.year == year` count. A kind without
/// records of the year has no figures, and a rate whose denominator is 0 is left out (never
/// 0% or NaN); counts within a kind that has records are given even when 0, except the
/// per-form and per-category counts (`study.form.*`, `publication.*` categories), which
/// appear only when non-zero. Rates are percentages rounded to one decimal.
///
/// Figures (unit):
/// - 学法: `study.total` (次), `study.form.<party_group|center_group|collective|lecture|trial|other>`
///   (次, label = the form), `study.leader_present` (主要负责人参加, 次), `study.attendees`
///   (人次, when recorded), `study.hours` (学时, when recorded).
/// - 集体决策: `collective.total` (次).
/// - 重大行政决策: `major_decision.total`, `.public_participation` (公开征求意见),
///   `.expert`, `.risk`, `.legality_review`, `.discussed`, `.published` (项).
/// - 规范性文件: `normative.total`, `.issued`, `.legality_review`, `.market` (涉及经营主体),
///   `.fair_review` (涉及经营主体且经公平竞争审查), `.filed` (件), `.filing_rate` (% of
///   the issued documents filed).
/// - 执法人员: `officer.total` (名, distinct certificate numbers), `officer.expired` (名,
///   certificate expired as of `min(today, 31 December)`).
/// - 执法培训: `training.total_hours` (学时, every training record of the year),
///   `training.avg_hours` (人均学时 over the year's officers, see [`super::officer_hours`]),
///   `training.short` (名, officers below `ctx.training_hours`; ids = their officer records).
///   The last two are given whenever the year has officers, even without training records.
/// - 普法: `popularization.total` (场), `.audience` (人次), `.enterprises` (家),
///   `.materials` (份) — the sums of the recorded numbers.
/// - 建议提案: `suggestion.total`, `.npc`, `.cppcc`, `.answered` (件), `.answer_rate` (%),
///   `.on_time_rate` (% answered in time among those answered or past their deadline),
///   `.satisfaction_rate` (% 满意 or 基本满意 among those with a feedback other than 未反馈).
/// - 政务公开: `publication.total` (条), `publication.<decision|execution|management|service|result>` (条).
/// - 依申请公开: `disclosure_request.total`, `.replied`, `.on_time` (按期答复), `.overdue`
///   (答复逾期或逾期未答复) (件). A request whose deadline cannot be computed (the calendar
///   lacks its year) is in neither `.on_time` nor `.overdue`.
/// - 企业诉求: `enterprise_request.total`, `.resolved` (件), `.resolve_rate` (%).
/// - 政务服务: `service_item.power_list` (权责清单事项), `.service` (政务服务事项),
///   `.with_guide` (已公布办事指南) (项).
/// - 执法检查与案件: `inspection.inspections` (执法检查, 次), `.cases` (案件, 件).
/// - 复议应诉: `review_case.reconsideration`, `.litigation` (件), `.leader_appeared`
///   (负责人出庭应诉, 次), `.appearance_rate` (% among 行政应诉).
/// - 整改: `rectification.total`, `.completed` (项), `.completion_rate` (%), `.overdue`
///   (逾期未完成, 项).
pub fn statistics(records: &[Record], year: i32, ctx: &RuleContext) -> Statistics {
    let y = Year {
        records,
        year,
        ctx,
        as_of: ctx.today.min(year_end(year)),
    };
    let mut out = Figures::default();
    for (kind, figures) in kinds::FIGURES {
        let rs: Vec<&Record> = records
            .iter()
            .filter(|r| r.data.year == year && r.data.kind == *kind)
            .collect();
        if !rs.is_empty() {
            figures(&rs, &y, &mut out);
        }
    }
    Statistics {
        year,
        figures: out.0,
    }
}

/// What a kind's figures are counted with besides its records.
struct Year<'a> {
    /// Every record given (the officers' training hours match records of two kinds).
    records: &'a [Record],
    year: i32,
    ctx: &'a RuleContext<'a>,
    /// The day certificates are judged expired on: `min(today, 31 December)`.
    as_of: NaiveDate,
}

fn select<'a>(rs: &[&'a Record], pred: impl Fn(&Record) -> bool) -> Vec<&'a Record> {
    rs.iter().copied().filter(|r| pred(r)).collect()
}

fn ids(rs: &[&Record]) -> Vec<RecordId> {
    let mut v: Vec<RecordId> = rs.iter().map(|r| r.id).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The records whose text (or choice) field `key` is `value`.
fn with_text<'a>(rs: &[&'a Record], key: &str, value: &str) -> Vec<&'a Record> {
    select(rs, |r| r.data.fields.text(key) == Some(value))
}

/// The records whose 是/否 field `key` is 是.
fn with_flag<'a>(rs: &[&'a Record], key: &str) -> Vec<&'a Record> {
    select(rs, |r| r.data.fields.flag(key))
}

/// The records with a date in field `key` (the step was taken).
fn with_date<'a>(rs: &[&'a Record], key: &str) -> Vec<&'a Record> {
    select(rs, |r| r.data.fields.date(key).is_some())
}

#[derive(Default)]
struct Figures(Vec<Figure>);

/// What [`Figures::sum`] gives when no record has the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Empty {
    /// A figure of 0.
    Zero,
    /// No figure.
    LeftOut,
}

impl Figures {
    /// The figures of `kind`'s records, written through [`Of`].
    fn of(&mut self, kind: RecordKind) -> Of<'_> {
        Of { kind, out: self }
    }
}

/// [`Figures`] while one kind's figures are written: each figure is of `kind`.
struct Of<'a> {
    kind: RecordKind,
    out: &'a mut Figures,
}

impl Of<'_> {
    fn push(
        &mut self,
        key: &str,
        label: &str,
        unit: &'static str,
        value: f64,
        record_ids: Vec<RecordId>,
    ) {
        let value = round1(value);
        let text = if unit == "%" {
            format!("{}%", format_hours(value))
        } else {
            format!("{} {unit}", format_hours(value))
        };
        self.out.0.push(Figure {
            key: key.to_string(),
            kind: self.kind,
            label: label.to_string(),
            value,
            unit,
            text,
            record_ids,
        });
    }

    fn push_count(
        &mut self,
        key: &str,
        label: &str,
        unit: &'static str,
        n: usize,
        record_ids: Vec<RecordId>,
    ) {
        self.push(key, label, unit, n as f64, record_ids);
    }

    /// The number of records `rs`.
    fn count(&mut self, key: &str, label: &str, unit: &'static str, rs: &[&Record]) {
        self.push_count(key, label, unit, rs.len(), ids(rs));
    }

    /// The sum of a number over `rs`; ids = the records with a number above 0. When no
    /// record has the number at all: 0, or left out ([`Empty`]).
    fn sum(
        &mut self,
        key: &str,
        label: &str,
        unit: &'static str,
        rs: &[&Record],
        empty: Empty,
        value: impl Fn(&Record) -> Option<f64>,
    ) {
        if empty == Empty::LeftOut && !rs.iter().any(|r| value(r).is_some()) {
            return;
        }
        let with: Vec<&Record> = select(rs, |r| value(r).is_some_and(|v| v > 0.0));
        let total: f64 = with.iter().filter_map(|r| value(r)).sum();
        self.push(key, label, unit, total, ids(&with));
    }

    /// `num / den` as a percentage; left out when `den` is empty. ids = the denominator's.
    fn rate(&mut self, key: &str, label: &str, num: &[&Record], den: &[&Record]) {
        if den.is_empty() {
            return;
        }
        let value = num.len() as f64 * 100.0 / den.len() as f64;
        self.push(key, label, "%", value, ids(den));
    }
}
#[cfg(test)]
mod tests;
