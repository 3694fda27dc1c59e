//! What falls due (到期提醒): the open deadlines of a unit's records — answers, filings,
//! certificates, resolutions, rectifications — overdue or coming within a horizon.

use super::check::RuleContext;
use super::{Record, RecordId, RecordKind};
use crate::procedure;
use crate::DomainError;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// One open deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub record_id: RecordId,
    pub kind: RecordKind,
    /// The record's title ([`Record::title`]).
    pub title: String,
    /// What falls due (“答复期限”, “备案期限”…); says so when the date is an estimate.
    pub what: String,
    /// The last day to act.
    pub due: NaiveDate,
    /// The last day has passed (`today > due`).
    pub overdue: bool,
}

/// The open deadlines of `records`: a suggestion not answered (交办 + 3 or 6 months), a
/// disclosure request not replied (20 or 40 working days), a normative document issued and
/// not filed (issue + filing days), a certificate's end of validity, an enterprise request
/// not resolved (its recorded time limit), a rectification not completed (its deadline).
/// Those overdue and those due within `horizon_days` of `ctx.today` are given, soonest first
/// (then by record id).
///
/// When the holiday calendar lacks a year a disclosure period runs through, the deadline is
/// estimated counting weekends only, and `what` says it is an estimate to verify: the
/// reminder is not lost, nor presented as exact.
pub fn due_items(records: &[Record], ctx: &RuleContext, horizon_days: u32) -> Vec<DueItem> {
    let s = ctx.settings;
    let limit = ctx.today + Duration::days(i64::from(horizon_days));
    let mut out = Vec::new();
    for r in records {
        let f = &r.data.fields;
        let due: Option<(String, NaiveDate)> = match r.data.kind {
            RecordKind::Suggestion => match (f.date("assigned"), f.date("answered")) {
                (Some(assigned), None) => Some((
                    "答复期限".into(),
                    procedure::suggestion_due(assigned, f.text("complex_reason"), s),
                )),
                _ => None,
            },
            RecordKind::DisclosureRequest => match (f.date("received"), f.date("replied")) {
                (Some(received), None) => {
                    let extended = f.flag("extended");
                    Some(
                        match procedure::disclosure_due(received, extended, s, ctx.calendar) {
                            Ok(d) => ("答复期限".into(), d),
                            Err(e) => {
                                let n = procedure::disclosure_working_days(extended, s);
                                let missing = match e {
                                    DomainError::CalendarMissing(y) => {
                                        format!("缺少 {y} 年节假日安排")
                                    }
                                    _ => "无法按节假日安排计算".to_string(),
                                };
                                (
                                    format!("答复期限（{missing}，按周末估算，请核实）"),
                                    weekdays_after(received, n),
                                )
                            }
                        },
                    )
                }
                _ => None,
            },
            RecordKind::Normative => match (f.date("issued"), f.date("filed")) {
                (Some(issued), None) => Some(("备案期限".into(), procedure::filing_due(issued, s))),
                _ => None,
            },
            RecordKind::Officer => f
                .date("valid_until")
                .map(|d| ("执法证有效期".to_string(), d)),
            RecordKind::EnterpriseRequest => match (f.date("due"), f.date("resolved")) {
                (Some(due), None) => Some(("办理时限".into(), due)),
                _ => None,
            },
            RecordKind::Rectification => match f.date("deadline") {
                Some(deadline) if f.text("status") != Some("已完成") => {
                    Some(("整改时限".into(), deadline))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((what, due)) = due {
            if due <= limit {
                out.push(DueItem {
                    record_id: r.id,
                    kind: r.data.kind,
                    title: r.title(),
                    what,
                    due,
                    overdue: ctx.today > due,
                });
            }
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.record_id.cmp(&b.record_id)));
    out
}

/// The n-th weekday after `start` (weekends skipped, holidays unknown): the estimate used
/// when the holiday calendar lacks the year.
fn weekdays_after(start: NaiveDate, n: u32) -> NaiveDate {
    let mut d = start;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::test_support::{ctx, d, rec};
    use RecordKind::*;

    /// Records of one unit with something due, seen on 2025-12-01.
    #[rustfmt::skip]
    fn records() -> Vec<Record> {
        vec![
            rec(RecordId(1), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-09-10")]),
            rec(RecordId(2), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-06-01")]),
            // Due 2026-01-15: beyond the horizon.
            rec(RecordId(3), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-10-15")]),
            rec(RecordId(4), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-06-01"), ("answered", "2025-12-01")]),
            // 20 working days from 2025-11-20 end on 2025-12-18.
            rec(RecordId(5), DisclosureRequest, 2025, &[("received", "2025-11-20"), ("content", "预算信息")]),
            rec(RecordId(7), Normative, 2025, &[("title", "关于优化营商环境的若干措施"), ("market", "否"), ("issued", "2025-11-10")]),
            rec(RecordId(8), Normative, 2025, &[("market", "否"), ("issued", "2025-11-10"), ("filed", "2025-11-20")]),
            rec(RecordId(9), Officer, 2025, &[("name", "张三"), ("cert_no", "A1"), ("valid_until", "2025-12-31")]),
            rec(RecordId(10), Officer, 2025, &[("name", "李四"), ("cert_no", "A2"), ("valid_until", "2026-01-01")]),
            rec(RecordId(11), Officer, 2025, &[("name", "王五"), ("cert_no", "A3"), ("valid_until", "2025-03-01")]),
            rec(RecordId(12), EnterpriseRequest, 2025, &[("received", "2025-11-20"), ("due", "2025-12-02")]),
            rec(RecordId(13), EnterpriseRequest, 2025, &[("received", "2025-11-01"), ("due", "2025-11-30"), ("resolved", "2025-11-29")]),
            // No time limit recorded: nothing falls due.
            rec(RecordId(16), EnterpriseRequest, 2025, &[("received", "2025-11-01")]),
            rec(RecordId(14), Rectification, 2025, &[("source", "自查"), ("status", "整改中"), ("deadline", "2025-12-01")]),
            rec(RecordId(15), Rectification, 2025, &[("source", "自查"), ("status", "已完成"), ("deadline", "2025-11-01"), ("completed", "2025-10-20")]),
            rec(RecordId(17), Study, 2025, &[("date", "2025-12-05"), ("form", "集中学法")]),
        ]
    }

    #[test]
    fn overdue_and_coming_within_the_horizon_soonest_first() {
        let records = records();
        let items = due_items(&records, &ctx("2025-12-01"), 30);
        let got: Vec<(i64, &str, NaiveDate, bool)> = items
            .iter()
            .map(|i| (i.record_id.0, i.what.as_str(), i.due, i.overdue))
            .collect();
        assert_eq!(
            got,
            [
                (11, "执法证有效期", d("2025-03-01"), true),
                (2, "答复期限", d("2025-09-01"), true),
                // Due today: not yet overdue.
                (14, "整改时限", d("2025-12-01"), false),
                (12, "办理时限", d("2025-12-02"), false),
                (1, "答复期限", d("2025-12-10"), false),
                (7, "备案期限", d("2025-12-10"), false),
                (5, "答复期限", d("2025-12-18"), false),
                // The horizon's last day is included.
                (9, "执法证有效期", d("2025-12-31"), false),
            ]
        );
        let seven = items.iter().find(|i| i.record_id == RecordId(7)).unwrap();
        assert_eq!(
            (seven.kind, seven.title.as_str()),
            (Normative, "关于优化营商环境的若干措施")
        );
        assert_eq!(
            items
                .iter()
                .find(|i| i.record_id == RecordId(5))
                .unwrap()
                .title,
            "预算信息"
        );
        // A shorter horizon keeps the overdue ones and drops the later ones.
        let soon: Vec<RecordId> = due_items(&records, &ctx("2025-12-01"), 1)
            .iter()
            .map(|i| i.record_id)
            .collect();
        assert_eq!(soon, [11, 2, 14, 12]);
    }

    #[test]
    fn a_year_missing_from_the_calendar_is_estimated_and_said_so() {
        // The period from 2026-12-15 runs into 2027, which the calendar lacks: counted on
        // weekdays it ends on 2027-01-12.
        let records = vec![rec(
            RecordId(1),
            DisclosureRequest,
            2026,
            &[("received", "2026-12-15")],
        )];
        let items = due_items(&records, &ctx("2026-12-20"), 30);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].due, d("2027-01-12"));
        assert!(!items[0].overdue);
        assert!(
            items[0].what.contains("缺少 2027 年节假日安排"),
            "{}",
            items[0].what
        );
        assert!(items[0].what.contains("请核实"));
        // Past the estimate it is overdue.
        let later = due_items(&records, &ctx("2027-01-20"), 30);
        assert!(later[0].overdue);
        // The extension adds 20 more weekdays.
        let extended = vec![rec(
            RecordId(1),
            DisclosureRequest,
            2026,
            &[("received", "2026-12-15"), ("extended", "是")],
        )];
        assert_eq!(
            due_items(&extended, &ctx("2027-01-20"), 30)[0].due,
            d("2027-02-09")
        );
    }
}
