//! The procedures the law prescribes for the ledger's work, one named function per rule,
//! each with its legal basis. A rule answers `None` when the procedure was followed and a
//! [`Violation`] saying what is wrong and what to do otherwise; `refuse` tells the caller
//! whether saving the record must be refused (an act the law forbids) or only flagged (a
//! deadline missed, a shortfall to report on the dashboard).
//!
//! Periods in days and months are counted from the day after the starting day, as the
//! 《民法典》 (第二百零一条) counts periods; working days follow [`HolidayCalendar`].

use crate::{DomainError, HolidayCalendar};
use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A procedure not followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Stable rule id (`decision-before-legality-review` …).
    pub rule: &'static str,
    /// The provision the rule rests on.
    pub basis: &'static str,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
    /// The record must not be saved in this state (the law forbids the act).
    pub refuse: bool,
}

/// Configurable periods (`frameworks/procedures.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSettings {
    pub comment_days: u32,
    pub legality_review_working_days: u32,
    pub filing_days: u32,
    pub suggestion_months: u32,
    pub suggestion_months_complex: u32,
    pub disclosure_working_days: u32,
    pub disclosure_extension_working_days: u32,
    pub certificate_warning_days: u32,
}

impl ProcedureSettings {
    pub fn builtin() -> Self {
        crate::Frameworks::builtin().procedures.clone()
    }

    pub fn from_toml(text: &str) -> Result<Self, DomainError> {
        toml::from_str(text).map_err(|e| DomainError::toml("程序规则参数文件", text, e))
    }
}

fn violation(rule: &'static str, basis: &'static str, refuse: bool, message: String) -> Violation {
    Violation {
        rule,
        basis,
        message,
        refuse,
    }
}

/// 集体讨论决定 only after a completed 合法性审查: a draft not reviewed (or not yet reviewed
/// when discussed) may not be put to the collective discussion.
///
/// Basis: 《重大行政决策程序暂行条例》第二十五条 — 决策草案未经合法性审查或者经审查不合法的，
/// 不得提交决策机关讨论.
pub fn decision_after_legality_review(
    review_completed: Option<NaiveDate>,
    discussed: NaiveDate,
) -> Option<Violation> {
    const BASIS: &str = "《重大行政决策程序暂行条例》第二十五条";
    match review_completed {
        None => Some(violation(
            "decision-before-legality-review",
            BASIS,
            true,
            "合法性审查尚未完成，决策草案不得提交集体讨论决定；请先完成并登记合法性审查".into(),
        )),
        Some(done) if done > discussed => Some(violation(
            "decision-before-legality-review",
            BASIS,
            true,
            format!("合法性审查完成于 {done}，晚于集体讨论日期 {discussed}；决策草案须先经合法性审查再提交讨论"),
        )),
        Some(_) => None,
    }
}

/// 公众参与: the public comment period is at least the configured days (30) unless a reason
/// for shortening it was stated when asking for comments.
///
/// Basis: 《重大行政决策程序暂行条例》第十四条 — 公开征求意见的期限一般不少于30日；因情况紧急等原因
/// 需要缩短期限的，公开征求意见时应当予以说明.
pub fn comment_period(
    opened: NaiveDate,
    closed: NaiveDate,
    reason_for_shorter: Option<&str>,
    s: &ProcedureSettings,
) -> Option<Violation> {
    let days = (closed - opened).num_days();
    if days >= i64::from(s.comment_days) || reason_for_shorter.is_some_and(|r| !r.trim().is_empty())
    {
        return None;
    }
    Some(violation(
        "comment-period-short",
        "《重大行政决策程序暂行条例》第十四条",
        true,
        format!(
            "公开征求意见期限为 {days} 日，少于 {} 日；确需缩短的，应在征求意见时说明理由并在此登记",
            s.comment_days
        ),
    ))
}

/// 合法性审查 is given at least the configured working days (7) unless a reason is stated.
///
/// Basis: 《重大行政决策程序暂行条例》第二十六条 — 送请合法性审查，应当保证必要的审查时间，一般不少于
/// 7个工作日.
pub fn legality_review_time(
    sent: NaiveDate,
    completed: NaiveDate,
    reason_for_shorter: Option<&str>,
    s: &ProcedureSettings,
    cal: &HolidayCalendar,
) -> Result<Option<Violation>, DomainError> {
    let days = cal.working_days_between(sent, completed)?;
    if days >= s.legality_review_working_days
        || reason_for_shorter.is_some_and(|r| !r.trim().is_empty())
    {
        return Ok(None);
    }
    Ok(Some(violation(
        "legality-review-short",
        LEGALITY_REVIEW_BASIS,
        true,
        format!(
            "合法性审查时间为 {days} 个工作日，少于 {} 个工作日；确需缩短的，请登记理由",
            s.legality_review_working_days
        ),
    )))
}

/// A normative document (or other policy measure) that affects the economic activity of
/// businesses may be issued only after 公平竞争审查.
///
/// Basis: 《公平竞争审查条例》（国务院令第783号，2024年8月1日起施行） — 起草涉及经营者经济活动的政策
/// 措施，应当进行公平竞争审查；未经审查的，不得出台.
pub fn issue_after_fair_competition_review(
    affects_market: bool,
    review_completed: Option<NaiveDate>,
    issued: NaiveDate,
) -> Option<Violation> {
    const BASIS: &str = "《公平竞争审查条例》（国务院令第783号）";
    if !affects_market {
        return None;
    }
    match review_completed {
        Some(done) if done <= issued => None,
        Some(done) => Some(violation(
            "issued-before-fair-competition-review",
            BASIS,
            true,
            format!("公平竞争审查完成于 {done}，晚于印发日期 {issued}；涉及经营者经济活动的文件须先审查后出台"),
        )),
        None => Some(violation(
            "issued-before-fair-competition-review",
            BASIS,
            true,
            "文件涉及经营者经济活动，未经公平竞争审查不得印发；请先完成并登记公平竞争审查".into(),
        )),
    }
}

/// 备案 within the configured days (30) of issue. Not yet filed and still within the
/// period is not a violation; past it, it is flagged (the record is true, the unit late).
///
/// Basis: 各地规范性文件备案审查规定（多为发布之日起30日内报送备案，可配置）; for 规章,
/// 《法规规章备案条例》第三条.
pub fn filing_in_time(
    issued: NaiveDate,
    filed: Option<NaiveDate>,
    today: NaiveDate,
    s: &ProcedureSettings,
) -> Option<Violation> {
    let due = filing_due(issued, s);
    let basis =
        "规范性文件备案审查规定（发布之日起30日内报送备案，可配置）；《法规规章备案条例》第三条";
    match filed {
        Some(f) if f <= due => None,
        Some(f) => Some(violation(
            "filing-late",
            basis,
            false,
            format!(
                "{f} 报送备案，超过期限（应于 {due} 前）{} 日",
                (f - due).num_days()
            ),
        )),
        None if today > due => Some(violation(
            "filing-overdue",
            basis,
            false,
            format!(
                "应于 {due} 前报送备案，至今未备案，已逾期 {} 日",
                (today - due).num_days()
            ),
        )),
        None => None,
    }
}

/// An enforcement officer's training hours of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficerHours {
    pub name: String,
    pub hours: f64,
}

/// Every officer has at least the configured training hours (60) in the year; lists who is
/// short and by how much.
///
/// Basis: 行政执法人员培训制度（每人每年不少于60学时，见 `frameworks/rules.toml` 的 training_hours）.
pub fn training_hours(officers: &[OfficerHours], required: u32) -> Option<Violation> {
    let short: Vec<String> = officers
        .iter()
        .filter(|o| o.hours < f64::from(required))
        .map(|o| {
            format!(
                "{}（{} 学时，差 {}）",
                o.name,
                trim(o.hours),
                trim(f64::from(required) - o.hours)
            )
        })
        .collect();
    if short.is_empty() {
        return None;
    }
    Some(violation(
        "training-hours-short",
        "行政执法人员培训制度（每人每年不少于规定学时）",
        false,
        format!(
            "{} 名执法人员培训不足 {required} 学时：{}",
            short.len(),
            short.join("、")
        ),
    ))
}

fn trim(h: f64) -> String {
    let s = format!("{h:.1}");
    s.trim_end_matches(".0").to_string()
}

/// An enforcement certificate (执法证) has expired, or expires within the warning days.
///
/// Basis: 行政执法证件管理规定（持有效证件执法；证件过期的不得从事执法活动）.
pub fn certificate_validity(
    holder: &str,
    valid_until: NaiveDate,
    today: NaiveDate,
    s: &ProcedureSettings,
) -> Option<Violation> {
    const BASIS: &str = "行政执法证件管理规定：持有效执法证件从事执法活动";
    if valid_until < today {
        return Some(violation(
            "certificate-expired",
            BASIS,
            false,
            format!("{holder} 的执法证已于 {valid_until} 过期，不得从事执法活动；请办理换证"),
        ));
    }
    let left = (valid_until - today).num_days();
    (left <= i64::from(s.certificate_warning_days)).then(|| {
        violation(
            "certificate-expiring",
            BASIS,
            false,
            format!("{holder} 的执法证将于 {valid_until} 到期（还有 {left} 日），请及时换证"),
        )
    })
}

/// 建议提案 answered within 3 months of being assigned; up to 6 months for complex ones
/// with a stated reason.
///
/// Basis: 《全国人民代表大会和地方各级人民代表大会代表法》（自交办之日起三个月内答复，涉及面广、处理
/// 难度大的六个月内答复）；《政协全国委员会提案工作条例》.
pub fn suggestion_answer(
    assigned: NaiveDate,
    answered: Option<NaiveDate>,
    complex_reason: Option<&str>,
    today: NaiveDate,
    s: &ProcedureSettings,
) -> Option<Violation> {
    const BASIS: &str = "《全国人民代表大会和地方各级人民代表大会代表法》；政协提案工作条例";
    let (months, complex) = suggestion_months(complex_reason, s);
    let due = suggestion_due(assigned, complex_reason, s);
    let what = if complex {
        format!("{months} 个月（已登记复杂原因）")
    } else {
        format!("{months} 个月")
    };
    match answered {
        Some(a) if a <= due => None,
        Some(a) => Some(violation(
            "suggestion-late",
            BASIS,
            false,
            format!("{a} 答复，超过交办后 {what} 的期限（{due}）"),
        )),
        None if today > due => Some(violation(
            "suggestion-overdue",
            BASIS,
            false,
            format!("应于 {due} 前答复（交办后 {what}），至今未答复"),
        )),
        None => None,
    }
}

/// 依申请公开 answered within 20 working days of receipt, or 40 when the extension was
/// approved and the applicant told.
///
/// Basis: 《中华人民共和国政府信息公开条例》第三十三条.
pub fn disclosure_reply(
    received: NaiveDate,
    replied: Option<NaiveDate>,
    extended: bool,
    today: NaiveDate,
    s: &ProcedureSettings,
    cal: &HolidayCalendar,
) -> Result<Option<Violation>, DomainError> {
    const BASIS: &str = DISCLOSURE_BASIS;
    let n = disclosure_working_days(extended, s);
    let due = disclosure_due(received, extended, s, cal)?;
    Ok(match replied {
        Some(r) if r <= due => None,
        Some(r) => Some(violation(
            "disclosure-late",
            BASIS,
            false,
            format!("{r} 答复，超过 {n} 个工作日的期限（{due}）"),
        )),
        None if today > due => Some(violation(
            "disclosure-overdue",
            BASIS,
            false,
            format!("应于 {due} 前答复（{n} 个工作日），至今未答复"),
        )),
        None => None,
    })
}

/// The last day to file a normative document issued on `issued` ([`filing_in_time`]).
pub fn filing_due(issued: NaiveDate, s: &ProcedureSettings) -> NaiveDate {
    issued + Duration::days(i64::from(s.filing_days))
}

/// The last day to answer a suggestion assigned on `assigned` ([`suggestion_answer`]): 3
/// months, or 6 when a reason for a longer answer is stated.
pub fn suggestion_due(
    assigned: NaiveDate,
    complex_reason: Option<&str>,
    s: &ProcedureSettings,
) -> NaiveDate {
    let (months, _) = suggestion_months(complex_reason, s);
    assigned
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The months allowed to answer a suggestion, and whether the longer period applies (a
/// reason for it is stated).
fn suggestion_months(complex_reason: Option<&str>, s: &ProcedureSettings) -> (u32, bool) {
    let complex = complex_reason.is_some_and(|r| !r.trim().is_empty());
    let months = if complex {
        s.suggestion_months_complex
    } else {
        s.suggestion_months
    };
    (months, complex)
}

/// The working days allowed to answer a disclosure request ([`disclosure_reply`]).
pub fn disclosure_working_days(extended: bool, s: &ProcedureSettings) -> u32 {
    s.disclosure_working_days
        + if extended {
            s.disclosure_extension_working_days
        } else {
            0
        }
}

/// The last day to answer a disclosure request received on `received` ([`disclosure_reply`]);
/// an error when the calendar lacks a year the period runs through.
pub fn disclosure_due(
    received: NaiveDate,
    extended: bool,
    s: &ProcedureSettings,
    cal: &HolidayCalendar,
) -> Result<NaiveDate, DomainError> {
    cal.add_working_days(received, disclosure_working_days(extended, s))
}

/// 集体讨论决定 records the 行政首长's decision: the head decides after the collective
/// discussion, and the record of the meeting states that conclusion (and any dissent). A
/// discussed decision without the head's conclusion is refused.
///
/// Basis: 《重大行政决策程序暂行条例》第三十条 — 决策草案应当经决策机关常务会议或者全体会议讨论，
/// 行政首长在集体讨论的基础上作出决定；讨论决定情况应当如实记录，不同意见应当如实载明.
pub fn leader_conclusion_recorded(conclusion: Option<&str>) -> Option<Violation> {
    if conclusion.is_some_and(|c| !c.trim().is_empty()) {
        return None;
    }
    Some(violation(
        "decision-without-leader-conclusion",
        "《重大行政决策程序暂行条例》第三十条",
        true,
        "集体讨论决定须记录行政首长的决定意见；请填写“行政首长决定意见”".into(),
    ))
}

/// A normative document is submitted to collective deliberation, and issued, only after its
/// 合法性审核: no review date, or a review after the deliberation or the issue, is refused.
///
/// Basis: 《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）
/// — 未经合法性审核或者经审核不合法的，不得提交集体审议；不得发布施行.
pub fn normative_legality_review(
    review_done: Option<NaiveDate>,
    deliberated: Option<NaiveDate>,
    issued: Option<NaiveDate>,
) -> Option<Violation> {
    const RULE: &str = "normative-without-legality-review";
    const BASIS: &str =
        "《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）";
    let refuse = |message: String| Some(violation(RULE, BASIS, true, message));
    match (review_done, deliberated, issued) {
        (_, None, None) => None,
        (None, _, Some(_)) => {
            refuse("未经合法性审核的规范性文件不得发布；请先完成并登记合法性审核日期".into())
        }
        (None, Some(_), None) => refuse(
            "未经合法性审核的规范性文件不得提交集体审议；请先完成并登记合法性审核日期".into(),
        ),
        (Some(done), Some(del), _) if done > del => refuse(format!(
            "合法性审核日期 {done} 晚于集体审议日期 {del}；未经合法性审核不得提交集体审议"
        )),
        (Some(done), _, Some(iss)) if done > iss => refuse(format!(
            "合法性审核日期 {done} 晚于印发日期 {iss}；未经合法性审核不得发布"
        )),
        (Some(_), _, _) => None,
    }
}

/// An enterprise's request (企业诉求) is resolved by the time limit recorded with it (the
/// local rule's limit): resolved after it, or still open once it has passed, is flagged.
///
/// Basis: 《优化营商环境条例》（国务院令第722号）及本地企业诉求办理规定（办理时限按本地规定登记）.
pub fn enterprise_request_in_time(
    due: NaiveDate,
    resolved: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Violation> {
    const BASIS: &str = "《优化营商环境条例》（国务院令第722号）；本地企业诉求办理时限规定";
    match resolved {
        Some(r) if r <= due => None,
        Some(r) => Some(violation(
            "enterprise-request-late",
            BASIS,
            false,
            format!("{r} 办结，超过办理时限 {due} {} 日", (r - due).num_days()),
        )),
        None if today > due => Some(violation(
            "enterprise-request-overdue",
            BASIS,
            false,
            format!(
                "办理时限为 {due}，至今未办结，已逾期 {} 日",
                (today - due).num_days()
            ),
        )),
        None => None,
    }
}

/// A rectification (整改) is completed by its deadline. Marked 已完成 without a completion
/// date it is refused (a closure must be dated); not completed once the deadline has passed,
/// or completed after it, it is flagged.
///
/// Basis: 《法治政府建设与责任落实督察工作规定》（督察、考核发现的问题应当限期整改，整改情况报告）.
pub fn rectification_overdue(
    deadline: Option<NaiveDate>,
    status: &str,
    completed: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Violation> {
    const BASIS: &str = "《法治政府建设与责任落实督察工作规定》：发现的问题应当限期整改";
    let done = status == "已完成";
    match (done, completed, deadline) {
        (true, None, _) => Some(violation(
            "rectification-completed-undated",
            BASIS,
            true,
            "整改状态为“已完成”，请填写完成日期".into(),
        )),
        (true, Some(c), Some(dl)) if c > dl => Some(violation(
            "rectification-late",
            BASIS,
            false,
            format!("{c} 完成整改，超过整改时限 {dl} {} 日", (c - dl).num_days()),
        )),
        (false, _, Some(dl)) if today > dl => Some(violation(
            "rectification-overdue",
            BASIS,
            false,
            format!(
                "整改时限为 {dl}，至今{status}，已逾期 {} 日",
                (today - dl).num_days()
            ),
        )),
        _ => None,
    }
}

/// A rule that counts working days could not be applied because the holiday calendar lacks
/// the year (or the span cannot be counted): never a silent pass nor a refusal of the save,
/// but a flag that says what to add so the rule can be checked.
///
/// Basis: the basis of the rule that could not be applied (`basis`).
pub fn calendar_unavailable(what: &str, basis: &'static str, error: &DomainError) -> Violation {
    let message = match error {
        DomainError::CalendarMissing(y) => format!(
            "节假日安排缺少 {y} 年，无法核对{what}；请在 frameworks/holidays.toml 中补充 {y} 年的安排"
        ),
        other => format!("无法核对{what}：{other}"),
    };
    violation("calendar-missing", basis, false, message)
}

/// The basis of [`legality_review_time`], for callers reporting that it could not be applied.
pub const LEGALITY_REVIEW_BASIS: &str = "《重大行政决策程序暂行条例》第二十六条";
/// The basis of [`disclosure_reply`], for callers reporting that it could not be applied.
pub const DISCLOSURE_BASIS: &str = "《中华人民共和国政府信息公开条例》第三十三条";

#[cfg(test)]
mod tests;
