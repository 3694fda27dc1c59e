//! The year's figures (年度数据): from a unit's records of a year to the figures an annual
//! report states — counts by kind, hours, rates, who is short, what is overdue — each with
//! the ids of the records behind it, so every figure in a report can be traced.

use super::check::{cert_key, officer_hours, officer_ids, year_end, RuleContext};
use super::{
    format_hours, round1, Record, RecordId, RecordKind, FIVE_OPEN, SERVICE_LISTS, STUDY_FORMS,
    SUGGESTION_KINDS,
};
use crate::procedure;
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
///   `training.avg_hours` (人均学时 over the year's officers, see [`officer_hours`]),
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
    let mut out = Figures::default();
    let of = |kind: RecordKind| -> Vec<&Record> {
        records
            .iter()
            .filter(|r| r.data.year == year && r.data.kind == kind)
            .collect()
    };
    let as_of = ctx.today.min(year_end(year));

    // 学法
    let study = of(RecordKind::Study);
    if !study.is_empty() {
        let k = RecordKind::Study;
        out.count(k, "study.total", "学法", "次", &study);
        for (form, suffix) in STUDY_FORMS.iter().zip(STUDY_FORM_KEYS) {
            let rs = with_text(&study, "form", form);
            if !rs.is_empty() {
                out.count(k, &format!("study.form.{suffix}"), form, "次", &rs);
            }
        }
        let leader = with_flag(&study, "leader_present");
        out.count(
            k,
            "study.leader_present",
            "主要负责人参加学法",
            "次",
            &leader,
        );
        out.sum_if_any(
            k,
            "study.attendees",
            "参加学法",
            "人次",
            &study,
            |r| r.data.fields.count("attendees").map(|n| n as f64),
        );
        out.sum_if_any(k, "study.hours", "学法学时", "学时", &study, |r| {
            r.data.fields.hours("hours")
        });
    }

    // 集体决策
    let collective = of(RecordKind::Collective);
    if !collective.is_empty() {
        out.count(
            RecordKind::Collective,
            "collective.total",
            "集体研究决策会议",
            "次",
            &collective,
        );
    }

    // 重大行政决策
    let decisions = of(RecordKind::MajorDecision);
    if !decisions.is_empty() {
        let k = RecordKind::MajorDecision;
        out.count(k, "major_decision.total", "重大行政决策", "项", &decisions);
        for (key, label, field) in [
            (
                "major_decision.public_participation",
                "公开征求意见",
                "comment_from",
            ),
            ("major_decision.expert", "专家论证", "expert_date"),
            ("major_decision.risk", "风险评估", "risk_date"),
            (
                "major_decision.legality_review",
                "合法性审查",
                "review_done",
            ),
            ("major_decision.discussed", "集体讨论决定", "discussed"),
            ("major_decision.published", "决策公布", "published"),
        ] {
            let rs = with_date(&decisions, field);
            out.count(k, key, label, "项", &rs);
        }
    }

    // 规范性文件
    let normative = of(RecordKind::Normative);
    if !normative.is_empty() {
        let k = RecordKind::Normative;
        out.count(k, "normative.total", "规范性文件", "件", &normative);
        let issued = with_date(&normative, "issued");
        out.count(k, "normative.issued", "印发规范性文件", "件", &issued);
        let reviewed = with_date(&normative, "review_done");
        out.count(
            k,
            "normative.legality_review",
            "经合法性审核",
            "件",
            &reviewed,
        );
        let market = with_flag(&normative, "market");
        out.count(k, "normative.market", "涉及经营主体经济活动", "件", &market);
        let fair = with_date(&market, "fair_review");
        out.count(k, "normative.fair_review", "经公平竞争审查", "件", &fair);
        let filed = with_date(&normative, "filed");
        out.count(k, "normative.filed", "报送备案", "件", &filed);
        let issued_filed = with_date(&issued, "filed");
        out.rate(k, "normative.filing_rate", "备案率", &issued_filed, &issued);
    }

    // 执法人员, 执法培训
    let officers = of(RecordKind::Officer);
    let roster = officer_hours(records, year);
    if !officers.is_empty() {
        let k = RecordKind::Officer;
        let mut distinct: Vec<&Record> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &officers {
            let cert = cert_key(r.data.fields.text("cert_no").unwrap_or(""));
            if cert.is_empty() || seen.insert(cert) {
                distinct.push(r);
            }
        }
        // Every officer record is behind the total; the value counts distinct certificates.
        out.push_count(
            k,
            "officer.total",
            "持证执法人员",
            "名",
            distinct.len(),
            ids(&officers),
        );
        let expired = select(&distinct, |r| {
            r.data.fields.date("valid_until").is_some_and(|d| d < as_of)
        });
        out.count(k, "officer.expired", "执法证已过期", "名", &expired);
    }
    let training = of(RecordKind::Training);
    {
        let k = RecordKind::Training;
        if !training.is_empty() {
            let total: f64 = training
                .iter()
                .map(|r| r.data.fields.hours("hours").unwrap_or(0.0))
                .sum();
            out.push(
                k,
                "training.total_hours",
                "执法培训",
                "学时",
                total,
                ids(&training),
            );
        }
        if !roster.is_empty() {
            let sum: f64 = roster.iter().map(|o| o.hours).sum();
            let avg = round1(sum / roster.len() as f64);
            out.push(
                k,
                "training.avg_hours",
                "执法人员人均培训",
                "学时",
                avg,
                officer_ids(roster.iter()),
            );
            let required = f64::from(ctx.training_hours);
            let short: Vec<_> = roster.iter().filter(|o| o.hours < required).collect();
            out.push_count(
                k,
                "training.short",
                &format!("培训不足 {} 学时", ctx.training_hours),
                "名",
                short.len(),
                officer_ids(short.into_iter()),
            );
        }
    }

    // 普法
    let pop = of(RecordKind::Popularization);
    if !pop.is_empty() {
        let k = RecordKind::Popularization;
        out.count(k, "popularization.total", "普法活动", "场", &pop);
        for (key, label, unit, field) in [
            ("popularization.audience", "普法受众", "人次", "audience"),
            (
                "popularization.enterprises",
                "覆盖企业",
                "家",
                "enterprises",
            ),
            (
                "popularization.materials",
                "发放普法资料",
                "份",
                "materials",
            ),
        ] {
            out.sum(k, key, label, unit, &pop, |r| {
                r.data.fields.count(field).map(|n| n as f64)
            });
        }
    }

    // 建议提案
    let sugg = of(RecordKind::Suggestion);
    if !sugg.is_empty() {
        let k = RecordKind::Suggestion;
        let f = |r: &Record, key: &str| r.data.fields.date(key);
        out.count(k, "suggestion.total", "承办建议提案", "件", &sugg);
        let npc = with_text(&sugg, "category", SUGGESTION_KINDS[0]);
        out.count(k, "suggestion.npc", "人大代表建议", "件", &npc);
        let cppcc = with_text(&sugg, "category", SUGGESTION_KINDS[1]);
        out.count(k, "suggestion.cppcc", "政协委员提案", "件", &cppcc);
        let answered = with_date(&sugg, "answered");
        out.count(k, "suggestion.answered", "已答复", "件", &answered);
        out.rate(k, "suggestion.answer_rate", "答复率", &answered, &sugg);
        let mut decided = Vec::new();
        let mut on_time = Vec::new();
        for r in &sugg {
            let Some(assigned) = f(r, "assigned") else {
                continue;
            };
            let due = procedure::suggestion_due(
                assigned,
                r.data.fields.text("complex_reason"),
                ctx.settings,
            );
            match f(r, "answered") {
                Some(a) => {
                    decided.push(*r);
                    if a <= due {
                        on_time.push(*r);
                    }
                }
                None if ctx.today > due => decided.push(*r),
                None => {}
            }
        }
        out.rate(
            k,
            "suggestion.on_time_rate",
            "按时答复率",
            &on_time,
            &decided,
        );
        let with_feedback = select(&sugg, |r| {
            r.data
                .fields
                .text("satisfaction")
                .is_some_and(|s| s != "未反馈")
        });
        let satisfied = select(&with_feedback, |r| {
            matches!(
                r.data.fields.text("satisfaction"),
                Some("满意" | "基本满意")
            )
        });
        out.rate(
            k,
            "suggestion.satisfaction_rate",
            "满意率",
            &satisfied,
            &with_feedback,
        );
    }

    // 政务公开
    let publ = of(RecordKind::Publication);
    if !publ.is_empty() {
        let k = RecordKind::Publication;
        out.count(k, "publication.total", "主动公开政府信息", "条", &publ);
        for (cat, suffix) in FIVE_OPEN.iter().zip(FIVE_OPEN_KEYS) {
            let rs = with_text(&publ, "category", cat);
            if !rs.is_empty() {
                out.count(k, &format!("publication.{suffix}"), cat, "条", &rs);
            }
        }
    }

    // 依申请公开
    let disc = of(RecordKind::DisclosureRequest);
    if !disc.is_empty() {
        let k = RecordKind::DisclosureRequest;
        out.count(
            k,
            "disclosure_request.total",
            "收到政府信息公开申请",
            "件",
            &disc,
        );
        let replied = with_date(&disc, "replied");
        out.count(k, "disclosure_request.replied", "已答复", "件", &replied);
        let mut on_time = Vec::new();
        let mut overdue = Vec::new();
        for r in &disc {
            let Some(received) = r.data.fields.date("received") else {
                continue;
            };
            let Ok(due) = procedure::disclosure_due(
                received,
                r.data.fields.flag("extended"),
                ctx.settings,
                ctx.calendar,
            ) else {
                continue;
            };
            match r.data.fields.date("replied") {
                Some(d) if d <= due => on_time.push(*r),
                Some(_) => overdue.push(*r),
                None if ctx.today > due => overdue.push(*r),
                None => {}
            }
        }
        out.count(k, "disclosure_request.on_time", "按期答复", "件", &on_time);
        out.count(k, "disclosure_request.overdue", "答复逾期", "件", &overdue);
    }

    // 企业诉求
    let ent = of(RecordKind::EnterpriseRequest);
    if !ent.is_empty() {
        let k = RecordKind::EnterpriseRequest;
        out.count(k, "enterprise_request.total", "受理企业诉求", "件", &ent);
        let resolved = with_date(&ent, "resolved");
        out.count(k, "enterprise_request.resolved", "已办结", "件", &resolved);
        out.rate(
            k,
            "enterprise_request.resolve_rate",
            "办结率",
            &resolved,
            &ent,
        );
    }

    // 政务服务事项
    let items = of(RecordKind::ServiceItem);
    if !items.is_empty() {
        let k = RecordKind::ServiceItem;
        let power = with_text(&items, "list", SERVICE_LISTS[0]);
        out.count(k, "service_item.power_list", "权责清单事项", "项", &power);
        let service = with_text(&items, "list", SERVICE_LISTS[1]);
        out.count(k, "service_item.service", "政务服务事项", "项", &service);
        let guide = with_flag(&items, "guide");
        out.count(k, "service_item.with_guide", "已公布办事指南", "项", &guide);
    }

    // 执法检查与案件
    let insp = of(RecordKind::Inspection);
    if !insp.is_empty() {
        let k = RecordKind::Inspection;
        let checks = with_text(&insp, "category", "执法检查");
        out.count(k, "inspection.inspections", "执法检查", "次", &checks);
        let cases = select(&insp, |r| {
            r.data
                .fields
                .text("category")
                .is_some_and(|c| c != "执法检查")
        });
        out.count(k, "inspection.cases", "办理执法案件", "件", &cases);
    }

    // 行政复议与应诉
    let review = of(RecordKind::ReviewCase);
    if !review.is_empty() {
        let k = RecordKind::ReviewCase;
        let recon = with_text(&review, "category", "行政复议");
        out.count(
            k,
            "review_case.reconsideration",
            "行政复议案件",
            "件",
            &recon,
        );
        let lit = with_text(&review, "category", "行政应诉");
        out.count(k, "review_case.litigation", "行政应诉案件", "件", &lit);
        let appeared = with_flag(&lit, "leader_appeared");
        out.count(
            k,
            "review_case.leader_appeared",
            "负责人出庭应诉",
            "次",
            &appeared,
        );
        out.rate(
            k,
            "review_case.appearance_rate",
            "负责人出庭应诉率",
            &appeared,
            &lit,
        );
    }

    // 整改
    let rect = of(RecordKind::Rectification);
    if !rect.is_empty() {
        let k = RecordKind::Rectification;
        out.count(k, "rectification.total", "整改事项", "项", &rect);
        let done = with_text(&rect, "status", "已完成");
        out.count(k, "rectification.completed", "已完成整改", "项", &done);
        out.rate(
            k,
            "rectification.completion_rate",
            "整改完成率",
            &done,
            &rect,
        );
        let overdue = select(&rect, |r| {
            r.data.fields.text("status") != Some("已完成")
                && r.data
                    .fields
                    .date("deadline")
                    .is_some_and(|d| ctx.today > d)
        });
        out.count(k, "rectification.overdue", "逾期未完成整改", "项", &overdue);
    }

    Statistics {
        year,
        figures: out.0,
    }
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

impl Figures {
    fn push(
        &mut self,
        kind: RecordKind,
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
        self.0.push(Figure {
            key: key.to_string(),
            kind,
            label: label.to_string(),
            value,
            unit,
            text,
            record_ids,
        });
    }

    fn push_count(
        &mut self,
        kind: RecordKind,
        key: &str,
        label: &str,
        unit: &'static str,
        n: usize,
        record_ids: Vec<RecordId>,
    ) {
        self.push(kind, key, label, unit, n as f64, record_ids);
    }

    /// The number of records `rs`.
    fn count(
        &mut self,
        kind: RecordKind,
        key: &str,
        label: &str,
        unit: &'static str,
        rs: &[&Record],
    ) {
        self.push_count(kind, key, label, unit, rs.len(), ids(rs));
    }

    /// The sum of a number over `rs`; ids = the records with a number above 0.
    fn sum(
        &mut self,
        kind: RecordKind,
        key: &str,
        label: &str,
        unit: &'static str,
        rs: &[&Record],
        value: impl Fn(&Record) -> Option<f64>,
    ) {
        let with: Vec<&Record> = select(rs, |r| value(r).is_some_and(|v| v > 0.0));
        let total: f64 = with.iter().filter_map(|r| value(r)).sum();
        self.push(kind, key, label, unit, total, ids(&with));
    }

    /// Like [`Figures::sum`], left out when no record has the number.
    fn sum_if_any(
        &mut self,
        kind: RecordKind,
        key: &str,
        label: &str,
        unit: &'static str,
        rs: &[&Record],
        value: impl Fn(&Record) -> Option<f64>,
    ) {
        if rs.iter().any(|r| value(r).is_some()) {
            self.sum(kind, key, label, unit, rs, value);
        }
    }

    /// `num / den` as a percentage; left out when `den` is empty. ids = the denominator's.
    fn rate(&mut self, kind: RecordKind, key: &str, label: &str, num: &[&Record], den: &[&Record]) {
        if den.is_empty() {
            return;
        }
        let value = num.len() as f64 * 100.0 / den.len() as f64;
        self.push(kind, key, label, "%", value, ids(den));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::test_support::{ctx, rec};
    use RecordKind::*;

    /// A year of one unit, with every figure below counted by hand.
    #[rustfmt::skip]
    fn year() -> Vec<Record> {
        vec![
            // 学法
            rec(1, Study, 2025, &[("date", "2025-01-10"), ("form", "党组会学法"), ("leader_present", "是"), ("attendees", "12"), ("hours", "2")]),
            rec(2, Study, 2025, &[("date", "2025-03-10"), ("form", "党组会学法"), ("leader_present", "否"), ("attendees", "10")]),
            rec(3, Study, 2025, &[("date", "2025-04-10"), ("form", "专题讲座"), ("leader_present", "是"), ("attendees", "50"), ("hours", "3")]),
            rec(4, Study, 2024, &[("date", "2024-04-10"), ("form", "党组会学法")]),
            // 集体决策
            rec(5, Collective, 2025, &[("date", "2025-02-01"), ("meeting", "班子会议"), ("category", "重大决策")]),
            // 重大行政决策
            rec(6, MajorDecision, 2025, &[("comment_from", "2025-03-01"), ("comment_to", "2025-03-31"), ("expert_date", "2025-04-02"), ("review_done", "2025-04-20"), ("discussed", "2025-05-01"), ("leader_conclusion", "同意"), ("published", "2025-05-10")]),
            rec(7, MajorDecision, 2025, &[("risk_date", "2025-06-01"), ("review_done", "2025-06-20")]),
            // 规范性文件
            rec(8, Normative, 2025, &[("market", "是"), ("review_done", "2025-02-10"), ("fair_review", "2025-02-15"), ("issued", "2025-03-01"), ("filed", "2025-03-20")]),
            rec(9, Normative, 2025, &[("market", "是"), ("review_done", "2025-04-10"), ("issued", "2025-05-01")]),
            rec(10, Normative, 2025, &[("market", "否"), ("review_done", "2025-06-10"), ("issued", "2025-07-01"), ("filed", "2025-07-15")]),
            rec(11, Normative, 2025, &[("market", "否"), ("drafted", "2025-10-01")]),
            // 执法人员 and 培训
            rec(20, Officer, 2025, &[("name", "张三"), ("cert_no", "A001"), ("valid_until", "2028-12-31")]),
            rec(21, Officer, 2025, &[("name", "李四"), ("cert_no", "A002"), ("valid_until", "2025-06-30")]),
            rec(22, Officer, 2025, &[("name", "王五"), ("cert_no", "A003"), ("valid_until", "2026-01-05")]),
            rec(30, Training, 2025, &[("cert_no", "A001"), ("date", "2025-03-01"), ("hours", "62")]),
            rec(31, Training, 2025, &[("cert_no", "A002"), ("date", "2025-03-01"), ("hours", "20")]),
            rec(32, Training, 2025, &[("cert_no", "A003"), ("date", "2025-03-01"), ("hours", "30.5")]),
            rec(33, Training, 2025, &[("cert_no", "A003"), ("date", "2025-09-01"), ("hours", "30")]),
            // 普法
            rec(40, Popularization, 2025, &[("date", "2025-12-04"), ("campaign", "宪法宣传周"), ("audience", "300"), ("enterprises", "18"), ("materials", "500")]),
            rec(41, Popularization, 2025, &[("date", "2025-06-01"), ("campaign", "安全生产月"), ("audience", "120"), ("materials", "0")]),
            // 建议提案
            rec(50, Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-05-20"), ("satisfaction", "满意")]),
            rec(51, Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-07-01"), ("satisfaction", "基本满意")]),
            rec(52, Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-04-01"), ("answered", "2025-06-01"), ("satisfaction", "不满意")]),
            rec(53, Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-11-01")]),
            rec(54, Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-05-01")]),
            rec(55, Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-04-01"), ("satisfaction", "未反馈")]),
            // 政务公开
            rec(60, Publication, 2025, &[("date", "2025-01-05"), ("category", "决策公开")]),
            rec(61, Publication, 2025, &[("date", "2025-02-05"), ("category", "决策公开")]),
            rec(62, Publication, 2025, &[("date", "2025-03-05"), ("category", "结果公开")]),
            // 依申请公开
            rec(70, DisclosureRequest, 2025, &[("received", "2025-09-25"), ("replied", "2025-10-29")]),
            rec(71, DisclosureRequest, 2025, &[("received", "2025-09-25"), ("replied", "2025-10-30")]),
            rec(72, DisclosureRequest, 2025, &[("received", "2025-12-20")]),
            // 企业诉求
            rec(80, EnterpriseRequest, 2025, &[("received", "2025-03-01"), ("resolved", "2025-03-10")]),
            rec(81, EnterpriseRequest, 2025, &[("received", "2025-03-01")]),
            rec(82, EnterpriseRequest, 2025, &[("received", "2025-04-01"), ("resolved", "2025-04-10")]),
            // 政务服务事项
            rec(90, ServiceItem, 2025, &[("list", "权责清单事项"), ("item_type", "行政许可"), ("guide", "是")]),
            rec(91, ServiceItem, 2025, &[("list", "政务服务事项"), ("item_type", "公共服务"), ("guide", "是")]),
            rec(92, ServiceItem, 2025, &[("list", "政务服务事项"), ("item_type", "公共服务"), ("guide", "否")]),
            // 执法检查与案件
            rec(100, Inspection, 2025, &[("date", "2025-03-01"), ("category", "执法检查")]),
            rec(101, Inspection, 2025, &[("date", "2025-04-01"), ("category", "执法检查")]),
            rec(102, Inspection, 2025, &[("date", "2025-05-01"), ("category", "行政处罚案件")]),
            // 复议应诉
            rec(110, ReviewCase, 2025, &[("category", "行政复议"), ("received", "2025-03-01")]),
            rec(111, ReviewCase, 2025, &[("category", "行政应诉"), ("received", "2025-04-01"), ("leader_appeared", "是")]),
            rec(112, ReviewCase, 2025, &[("category", "行政应诉"), ("received", "2025-05-01"), ("leader_appeared", "否")]),
            // 整改
            rec(120, Rectification, 2025, &[("source", "上年度报告"), ("status", "已完成"), ("deadline", "2025-06-30"), ("completed", "2025-06-01")]),
            rec(121, Rectification, 2025, &[("source", "上年度报告"), ("status", "整改中"), ("deadline", "2025-06-30")]),
            rec(122, Rectification, 2025, &[("source", "自查"), ("status", "未开始"), ("deadline", "2026-06-30")]),
        ]
    }

    #[test]
    fn the_figures_of_a_year_match_a_count_by_hand() {
        let stats = statistics(&year(), 2025, &ctx("2026-01-10"));
        assert_eq!(stats.year, 2025);
        let got: Vec<(&str, &str, Vec<RecordId>)> = stats
            .figures
            .iter()
            .map(|f| (f.key.as_str(), f.text.as_str(), f.record_ids.clone()))
            .collect();
        let expected: Vec<(&str, &str, Vec<RecordId>)> = vec![
            ("study.total", "3 次", vec![1, 2, 3]),
            ("study.form.party_group", "2 次", vec![1, 2]),
            ("study.form.lecture", "1 次", vec![3]),
            ("study.leader_present", "2 次", vec![1, 3]),
            ("study.attendees", "72 人次", vec![1, 2, 3]),
            ("study.hours", "5 学时", vec![1, 3]),
            ("collective.total", "1 次", vec![5]),
            ("major_decision.total", "2 项", vec![6, 7]),
            ("major_decision.public_participation", "1 项", vec![6]),
            ("major_decision.expert", "1 项", vec![6]),
            ("major_decision.risk", "1 项", vec![7]),
            ("major_decision.legality_review", "2 项", vec![6, 7]),
            ("major_decision.discussed", "1 项", vec![6]),
            ("major_decision.published", "1 项", vec![6]),
            ("normative.total", "4 件", vec![8, 9, 10, 11]),
            ("normative.issued", "3 件", vec![8, 9, 10]),
            ("normative.legality_review", "3 件", vec![8, 9, 10]),
            ("normative.market", "2 件", vec![8, 9]),
            ("normative.fair_review", "1 件", vec![8]),
            ("normative.filed", "2 件", vec![8, 10]),
            ("normative.filing_rate", "66.7%", vec![8, 9, 10]),
            ("officer.total", "3 名", vec![20, 21, 22]),
            // 王五's certificate ends 2026-01-05: valid through the report year.
            ("officer.expired", "1 名", vec![21]),
            ("training.total_hours", "142.5 学时", vec![30, 31, 32, 33]),
            // (62 + 20 + 60.5) / 3 officers.
            ("training.avg_hours", "47.5 学时", vec![20, 21, 22]),
            ("training.short", "1 名", vec![21]),
            ("popularization.total", "2 场", vec![40, 41]),
            ("popularization.audience", "420 人次", vec![40, 41]),
            ("popularization.enterprises", "18 家", vec![40]),
            ("popularization.materials", "500 份", vec![40]),
            ("suggestion.total", "6 件", vec![50, 51, 52, 53, 54, 55]),
            ("suggestion.npc", "3 件", vec![50, 51, 55]),
            ("suggestion.cppcc", "3 件", vec![52, 53, 54]),
            ("suggestion.answered", "4 件", vec![50, 51, 52, 55]),
            (
                "suggestion.answer_rate",
                "66.7%",
                vec![50, 51, 52, 53, 54, 55],
            ),
            // Decided: answered (50, 51 late, 52, 55) or past due unanswered (54); 53 is
            // still within its 3 months.
            ("suggestion.on_time_rate", "60%", vec![50, 51, 52, 54, 55]),
            ("suggestion.satisfaction_rate", "66.7%", vec![50, 51, 52]),
            ("publication.total", "3 条", vec![60, 61, 62]),
            ("publication.decision", "2 条", vec![60, 61]),
            ("publication.result", "1 条", vec![62]),
            ("disclosure_request.total", "3 件", vec![70, 71, 72]),
            ("disclosure_request.replied", "2 件", vec![70, 71]),
            ("disclosure_request.on_time", "1 件", vec![70]),
            ("disclosure_request.overdue", "1 件", vec![71]),
            ("enterprise_request.total", "3 件", vec![80, 81, 82]),
            ("enterprise_request.resolved", "2 件", vec![80, 82]),
            ("enterprise_request.resolve_rate", "66.7%", vec![80, 81, 82]),
            ("service_item.power_list", "1 项", vec![90]),
            ("service_item.service", "2 项", vec![91, 92]),
            ("service_item.with_guide", "2 项", vec![90, 91]),
            ("inspection.inspections", "2 次", vec![100, 101]),
            ("inspection.cases", "1 件", vec![102]),
            ("review_case.reconsideration", "1 件", vec![110]),
            ("review_case.litigation", "2 件", vec![111, 112]),
            ("review_case.leader_appeared", "1 次", vec![111]),
            ("review_case.appearance_rate", "50%", vec![111, 112]),
            ("rectification.total", "3 项", vec![120, 121, 122]),
            ("rectification.completed", "1 项", vec![120]),
            (
                "rectification.completion_rate",
                "33.3%",
                vec![120, 121, 122],
            ),
            ("rectification.overdue", "1 项", vec![121]),
        ];
        assert_eq!(got, expected);

        let f = stats.figure("study.form.party_group").unwrap();
        assert_eq!(
            (f.label.as_str(), f.value, f.unit),
            ("党组会学法", 2.0, "次")
        );
        assert_eq!(f.kind, Study);
        let f = stats.figure("normative.filing_rate").unwrap();
        assert_eq!((f.value, f.unit), (66.7, "%"));
        assert_eq!(stats.figure("training.avg_hours").unwrap().value, 47.5);
        assert_eq!(
            stats.figure("training.short").unwrap().label,
            "培训不足 60 学时"
        );
        assert!(stats.figure("nope").is_none());
        assert_eq!(stats.of_kind(ReviewCase).count(), 4);
    }

    #[test]
    fn another_year_counts_only_its_own_records() {
        let stats = statistics(&year(), 2024, &ctx("2026-01-10"));
        let got: Vec<(&str, &str, Vec<RecordId>)> = stats
            .figures
            .iter()
            .map(|f| (f.key.as_str(), f.text.as_str(), f.record_ids.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("study.total", "1 次", vec![4]),
                ("study.form.party_group", "1 次", vec![4]),
                ("study.leader_present", "0 次", vec![]),
            ]
        );
        assert!(statistics(&[], 2025, &ctx("2026-01-10")).figures.is_empty());
    }

    #[test]
    fn rates_without_a_denominator_are_left_out_and_whole_rates_read_100() {
        let records = vec![
            rec(
                1,
                ReviewCase,
                2025,
                &[("category", "行政复议"), ("received", "2025-03-01")],
            ),
            rec(
                2,
                Suggestion,
                2025,
                &[
                    ("category", "人大代表建议"),
                    ("assigned", "2025-03-01"),
                    ("answered", "2025-04-01"),
                ],
            ),
            rec(
                3,
                Suggestion,
                2025,
                &[
                    ("category", "人大代表建议"),
                    ("assigned", "2025-03-01"),
                    ("answered", "2025-04-01"),
                    ("satisfaction", "未反馈"),
                ],
            ),
            rec(
                4,
                Normative,
                2025,
                &[("market", "否"), ("drafted", "2025-10-01")],
            ),
        ];
        let stats = statistics(&records, 2025, &ctx("2025-12-31"));
        // No 行政应诉 case: no appearance rate; no feedback: no satisfaction rate; nothing
        // issued: no filing rate.
        for key in [
            "review_case.appearance_rate",
            "suggestion.satisfaction_rate",
            "normative.filing_rate",
        ] {
            assert!(stats.figure(key).is_none(), "{key}");
        }
        assert_eq!(stats.figure("review_case.litigation").unwrap().text, "0 件");
        let rate = stats.figure("suggestion.answer_rate").unwrap();
        assert_eq!((rate.value, rate.text.as_str()), (100.0, "100%"));
        assert_eq!(
            stats.figure("suggestion.on_time_rate").unwrap().text,
            "100%"
        );
        // No officers, no training: no training figures at all.
        assert!(stats.figures.iter().all(|f| f.kind != Training));
        assert!(stats.figures.iter().all(|f| f.value.is_finite()));
    }

    #[test]
    fn officers_without_training_are_all_short() {
        let records = vec![
            rec(
                1,
                Officer,
                2025,
                &[
                    ("name", "张三"),
                    ("cert_no", "A001"),
                    ("valid_until", "2028-12-31"),
                ],
            ),
            rec(
                2,
                Officer,
                2025,
                &[
                    ("name", "张三"),
                    ("cert_no", "a001"),
                    ("valid_until", "2028-12-31"),
                ],
            ),
        ];
        let stats = statistics(&records, 2025, &ctx("2025-12-31"));
        // One person entered twice: one officer, both records behind the figure.
        let total = stats.figure("officer.total").unwrap();
        assert_eq!(
            (total.text.as_str(), total.record_ids.as_slice()),
            ("1 名", &[1, 2][..])
        );
        assert!(stats.figure("training.total_hours").is_none());
        assert_eq!(stats.figure("training.avg_hours").unwrap().text, "0 学时");
        let short = stats.figure("training.short").unwrap();
        assert_eq!(
            (short.text.as_str(), short.record_ids.as_slice()),
            ("1 名", &[1, 2][..])
        );
    }
}
