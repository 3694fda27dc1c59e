//! The procedure rules applied to the ledger: [`check_record`] when one record is saved (a
//! violation with `refuse` blocks the save, the others are warnings) and [`check_year`] over a
//! unit's records of a year for the dashboard (every record's own rules plus the year-wide
//! ones, such as the training hours of every officer).

use super::{round1, Fields, Record, RecordData, RecordId, RecordKind};
use crate::procedure::{self, OfficerHours, ProcedureSettings, Violation};
use crate::HolidayCalendar;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the rules need besides the record: the configured periods, the holiday calendar, the
/// day the check runs (deadlines not yet passed are not violations) and the training hours
/// required per officer per year (`RuleSettings::training_hours`).
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    pub settings: &'a ProcedureSettings,
    pub calendar: &'a HolidayCalendar,
    pub today: NaiveDate,
    pub training_hours: u32,
}

/// A violation found on the dashboard, with the records it concerns (one record for a
/// record's own rules; the short officers' records for the training hours).
#[derive(Debug, Clone, Serialize)]
pub struct RecordViolation {
    pub kind: RecordKind,
    pub record_ids: Vec<RecordId>,
    pub violation: Violation,
}

/// Rules of one record, run when it is saved: any violation with `refuse` blocks the save;
/// others are warnings. The rules are those of the record's kind in [`RECORD_RULES`], in
/// their order; kinds without procedure rules answer nothing.
pub fn check_record(data: &RecordData, ctx: &RuleContext) -> Vec<Violation> {
    rules_of(data.kind)
        .iter()
        .filter_map(|rule| rule(&data.fields, ctx))
        .collect()
}

/// One procedure rule applied to a record's fields: the rule of [`crate::procedure`] it
/// names (which carries the legal basis), given the fields it needs, or nothing when the
/// record has not reached the step the rule is about.
pub type RecordRule = fn(&Fields, &RuleContext) -> Option<Violation>;

/// The procedure rules of each kind that has any, in the order they are applied.
pub static RECORD_RULES: &[(RecordKind, &[RecordRule])] = &[
    (
        RecordKind::MajorDecision,
        &[
            decision_after_legality_review,
            leader_conclusion_recorded,
            comment_period,
            legality_review_time,
        ],
    ),
    (
        RecordKind::Normative,
        &[
            normative_legality_review,
            issue_after_fair_competition_review,
            filing_in_time,
        ],
    ),
    (RecordKind::Officer, &[certificate_validity]),
    (RecordKind::Suggestion, &[suggestion_answer]),
    (RecordKind::DisclosureRequest, &[disclosure_reply]),
    (RecordKind::EnterpriseRequest, &[enterprise_request_in_time]),
    (RecordKind::Rectification, &[rectification_overdue]),
];

/// The rules of `kind` in [`RECORD_RULES`] (none for a kind not listed).
pub fn rules_of(kind: RecordKind) -> &'static [RecordRule] {
    RECORD_RULES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, rules)| rules)
}

/// [`procedure::decision_after_legality_review`], once the decision was discussed.
fn decision_after_legality_review(f: &Fields, _: &RuleContext) -> Option<Violation> {
    let discussed = f.date("discussed")?;
    procedure::decision_after_legality_review(f.date("review_done"), discussed)
}

/// [`procedure::leader_conclusion_recorded`], once the decision was discussed.
fn leader_conclusion_recorded(f: &Fields, _: &RuleContext) -> Option<Violation> {
    f.date("discussed")?;
    procedure::leader_conclusion_recorded(f.text("leader_conclusion"))
}

/// [`procedure::comment_period`], once the comment period has both ends.
fn comment_period(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let (from, to) = (f.date("comment_from")?, f.date("comment_to")?);
    procedure::comment_period(from, to, f.text("comment_short_reason"), ctx.settings)
}

/// [`procedure::legality_review_time`], once the review was sent and done; a calendar that
/// lacks the year is flagged ([`procedure::calendar_unavailable`]).
fn legality_review_time(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let (sent, done) = (f.date("review_sent")?, f.date("review_done")?);
    let reason = f.text("review_short_reason");
    procedure::legality_review_time(sent, done, reason, ctx.settings, ctx.calendar).unwrap_or_else(
        |e| {
            Some(procedure::calendar_unavailable(
                "合法性审查时间",
                procedure::LEGALITY_REVIEW_BASIS,
                &e,
            ))
        },
    )
}

/// [`procedure::normative_legality_review`].
fn normative_legality_review(f: &Fields, _: &RuleContext) -> Option<Violation> {
    procedure::normative_legality_review(
        f.date("review_done"),
        f.date("deliberated"),
        f.date("issued"),
    )
}

/// [`procedure::issue_after_fair_competition_review`], once the document was issued.
fn issue_after_fair_competition_review(f: &Fields, _: &RuleContext) -> Option<Violation> {
    let issued = f.date("issued")?;
    procedure::issue_after_fair_competition_review(f.flag("market"), f.date("fair_review"), issued)
}

/// [`procedure::filing_in_time`], once the document was issued.
fn filing_in_time(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let issued = f.date("issued")?;
    procedure::filing_in_time(issued, f.date("filed"), ctx.today, ctx.settings)
}

/// [`procedure::certificate_validity`], when the certificate's end is recorded.
fn certificate_validity(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let valid_until = f.date("valid_until")?;
    let name = f.text("name").unwrap_or("执法人员");
    procedure::certificate_validity(name, valid_until, ctx.today, ctx.settings)
}

/// [`procedure::suggestion_answer`], once the suggestion was assigned.
fn suggestion_answer(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let assigned = f.date("assigned")?;
    procedure::suggestion_answer(
        assigned,
        f.date("answered"),
        f.text("complex_reason"),
        ctx.today,
        ctx.settings,
    )
}

/// [`procedure::disclosure_reply`], once the request was received; a calendar that lacks a
/// year of the period is flagged ([`procedure::calendar_unavailable`]).
fn disclosure_reply(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let received = f.date("received")?;
    procedure::disclosure_reply(
        received,
        f.date("replied"),
        f.flag("extended"),
        ctx.today,
        ctx.settings,
        ctx.calendar,
    )
    .unwrap_or_else(|e| {
        Some(procedure::calendar_unavailable(
            "依申请公开的答复期限",
            procedure::DISCLOSURE_BASIS,
            &e,
        ))
    })
}

/// [`procedure::enterprise_request_in_time`], when a time limit is recorded.
fn enterprise_request_in_time(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    let due = f.date("due")?;
    procedure::enterprise_request_in_time(due, f.date("resolved"), ctx.today)
}

/// [`procedure::rectification_overdue`].
fn rectification_overdue(f: &Fields, ctx: &RuleContext) -> Option<Violation> {
    procedure::rectification_overdue(
        f.date("deadline"),
        f.text("status").unwrap_or(""),
        f.date("completed"),
        ctx.today,
    )
}

/// Every rule over a unit's records of a year (`data.year == year`; others are ignored), for
/// the dashboard: each record's own rules (record_ids = [its id]), in the order of `records`,
/// then the year-wide ones — the training hours of every officer of the year (see
/// [`officer_hours`]), with the short officers' officer-record ids.
pub fn check_year(records: &[Record], year: i32, ctx: &RuleContext) -> Vec<RecordViolation> {
    let mut out = Vec::new();
    for r in records.iter().filter(|r| r.data.year == year) {
        for violation in check_record(&r.data, ctx) {
            out.push(RecordViolation {
                kind: r.data.kind,
                record_ids: vec![r.id],
                violation,
            });
        }
    }
    let officers = officer_hours(records, year);
    let required = f64::from(ctx.training_hours);
    let hours: Vec<OfficerHours> = officers
        .iter()
        .map(|o| OfficerHours {
            name: o.name.clone(),
            hours: o.hours,
        })
        .collect();
    if let Some(violation) = procedure::training_hours(&hours, ctx.training_hours) {
        out.push(RecordViolation {
            kind: RecordKind::Officer,
            record_ids: officer_ids(officers.iter().filter(|o| o.hours < required)),
            violation,
        });
    }
    out
}

/// One officer of a year with the training hours recorded for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficerYear {
    pub name: String,
    /// The certificate number as recorded (the key training records are matched by).
    pub cert_no: String,
    /// The officer records of the year with this certificate number (one, unless entered
    /// twice).
    pub officer_ids: Vec<RecordId>,
    /// Sum of the hours of the year's training records with this certificate number.
    pub hours: f64,
    /// The training records counted.
    pub training_ids: Vec<RecordId>,
}

/// The officers of a year and their training hours: the year's roster is the unit's
/// `officer` records of that year (`data.year == year`) whose certificate was valid during
/// the year (valid until 1 January of the year or later); each one counts, with 0 hours when
/// no training is recorded. Training records of the year are matched by certificate number
/// (spaces and letter case ignored). Ordered by the first officer record's position.
pub fn officer_hours(records: &[Record], year: i32) -> Vec<OfficerYear> {
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1);
    let mut officers: Vec<OfficerYear> = Vec::new();
    let mut by_cert: BTreeMap<String, usize> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.data.year == year && r.data.kind == RecordKind::Officer)
    {
        let f = &r.data.fields;
        let valid = match (f.date("valid_until"), year_start) {
            (Some(until), Some(start)) => until >= start,
            _ => true,
        };
        if !valid {
            continue;
        }
        let cert = f.text("cert_no").unwrap_or("");
        let key = cert_key(cert);
        if key.is_empty() {
            continue;
        }
        match by_cert.get(&key) {
            Some(&i) => officers[i].officer_ids.push(r.id),
            None => {
                by_cert.insert(key, officers.len());
                officers.push(OfficerYear {
                    name: f.text("name").unwrap_or("").to_string(),
                    cert_no: cert.to_string(),
                    officer_ids: vec![r.id],
                    hours: 0.0,
                    training_ids: Vec::new(),
                });
            }
        }
    }
    for r in records
        .iter()
        .filter(|r| r.data.year == year && r.data.kind == RecordKind::Training)
    {
        let f = &r.data.fields;
        let key = cert_key(f.text("cert_no").unwrap_or(""));
        if let Some(&i) = by_cert.get(&key) {
            officers[i].hours += f.hours("hours").unwrap_or(0.0);
            officers[i].training_ids.push(r.id);
        }
    }
    for o in &mut officers {
        // Sums of tenths: keep them exact to one decimal.
        o.hours = round1(o.hours);
    }
    officers
}

/// The officer records of `officers`, ascending (what a figure or a violation about them
/// links to).
pub(crate) fn officer_ids<'a>(officers: impl Iterator<Item = &'a OfficerYear>) -> Vec<RecordId> {
    let mut v: Vec<RecordId> = officers
        .flat_map(|o| o.officer_ids.iter().copied())
        .collect();
    v.sort_unstable();
    v
}

/// A certificate number as matched: spaces dropped, letters upper-cased.
pub(crate) fn cert_key(cert: &str) -> String {
    cert.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The last day of `year` (for "as of" dates of past years).
pub(crate) fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::ledger::{parse_fields, FieldType};
    use crate::UnitId;

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A record's data from field text; required text fields not given are filled with
    /// “测试” (dates, choices, flags and numbers must be given).
    pub fn data(kind: RecordKind, year: i32, pairs: &[(&str, &str)]) -> RecordData {
        let mut raw: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for spec in kind.fields() {
            if spec.required && matches!(spec.ty, FieldType::Text | FieldType::LongText) {
                raw.entry(spec.key.into()).or_insert_with(|| "测试".into());
            }
        }
        let fields = parse_fields(kind, &raw).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        RecordData {
            kind,
            year,
            fields,
            indicators: kind.default_indicator_codes(),
        }
    }

    pub fn rec(id: RecordId, kind: RecordKind, year: i32, pairs: &[(&str, &str)]) -> Record {
        Record {
            id,
            unit_id: UnitId(1),
            data: data(kind, year, pairs),
        }
    }

    /// A context on `today` with the built-in settings and calendar and 60 training hours.
    pub fn ctx(today: &str) -> RuleContext<'static> {
        RuleContext {
            settings: Box::leak(Box::new(ProcedureSettings::builtin())),
            calendar: Box::leak(Box::new(HolidayCalendar::builtin())),
            today: d(today),
            training_hours: 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use RecordKind::*;

    fn rules(kind: RecordKind, pairs: &[(&str, &str)]) -> Vec<(&'static str, bool)> {
        check_record(&data(kind, 2025, pairs), &ctx("2025-12-31"))
            .into_iter()
            .map(|v| (v.rule, v.refuse))
            .collect()
    }

    const DECISION_OK: &[(&str, &str)] = &[
        ("comment_from", "2025-03-01"),
        ("comment_to", "2025-03-31"),
        ("review_sent", "2025-04-25"),
        ("review_done", "2025-05-08"),
        ("discussed", "2025-05-20"),
        ("leader_conclusion", "同意，按程序实施"),
    ];

    fn with<'a>(
        base: &[(&'a str, &'a str)],
        changes: &[(&'a str, &'a str)],
    ) -> Vec<(&'a str, &'a str)> {
        let mut v: Vec<(&str, &str)> = base
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .copied()
            .collect();
        v.extend(changes.iter().filter(|(_, val)| !val.is_empty()).copied());
        v
    }

    #[test]
    fn major_decision_rules() {
        assert_eq!(rules(MajorDecision, DECISION_OK), []);
        // Not yet discussed: the discussion rules wait.
        assert_eq!(rules(MajorDecision, &[("title", "老旧小区改造方案")]), []);
        assert_eq!(
            rules(
                MajorDecision,
                &with(DECISION_OK, &[("review_done", ""), ("review_sent", "")])
            ),
            [("decision-before-legality-review", true)]
        );
        assert_eq!(
            rules(
                MajorDecision,
                &with(DECISION_OK, &[("leader_conclusion", "")])
            ),
            [("decision-without-leader-conclusion", true)]
        );
        assert_eq!(
            rules(
                MajorDecision,
                &with(DECISION_OK, &[("comment_to", "2025-03-20")])
            ),
            [("comment-period-short", true)]
        );
        assert_eq!(
            rules(
                MajorDecision,
                &with(
                    DECISION_OK,
                    &[
                        ("comment_to", "2025-03-20"),
                        ("comment_short_reason", "汛期紧急")
                    ]
                )
            ),
            []
        );
        assert_eq!(
            rules(
                MajorDecision,
                &with(DECISION_OK, &[("review_done", "2025-05-07")])
            ),
            [("legality-review-short", true)]
        );
        assert_eq!(
            rules(
                MajorDecision,
                &with(
                    DECISION_OK,
                    &[
                        ("review_done", "2025-05-07"),
                        ("review_short_reason", "上级限时")
                    ]
                )
            ),
            []
        );
    }

    #[test]
    fn a_missing_calendar_does_not_refuse_a_decision() {
        let d = data(
            MajorDecision,
            2031,
            &[
                ("review_sent", "2031-04-01"),
                ("review_done", "2031-04-20"),
                ("discussed", "2031-05-01"),
                ("leader_conclusion", "同意"),
            ],
        );
        let vs = check_record(&d, &ctx("2031-06-01"));
        assert_eq!(vs.len(), 1, "{vs:?}");
        assert_eq!(vs[0].rule, "calendar-missing");
        assert!(!vs[0].refuse && vs[0].message.contains("2031"));
        assert_eq!(vs[0].basis, procedure::LEGALITY_REVIEW_BASIS);
    }

    #[test]
    fn normative_rules() {
        let ok: &[(&str, &str)] = &[
            ("market", "是"),
            ("review_done", "2025-05-10"),
            ("fair_review", "2025-05-12"),
            ("deliberated", "2025-05-15"),
            ("issued", "2025-06-01"),
            ("filed", "2025-06-20"),
        ];
        assert_eq!(rules(Normative, ok), []);
        assert_eq!(
            rules(Normative, &with(ok, &[("fair_review", "")])),
            [("issued-before-fair-competition-review", true)]
        );
        assert_eq!(
            rules(Normative, &with(ok, &[("fair_review", "2025-06-05")])),
            [("issued-before-fair-competition-review", true)]
        );
        // Not affecting the market: no fair-competition review needed.
        assert_eq!(
            rules(
                Normative,
                &with(ok, &[("market", "否"), ("fair_review", "")])
            ),
            []
        );
        assert_eq!(
            rules(Normative, &with(ok, &[("review_done", "")])),
            [("normative-without-legality-review", true)]
        );
        assert_eq!(
            rules(Normative, &with(ok, &[("filed", "2025-07-10")])),
            [("filing-late", false)]
        );
        assert_eq!(
            rules(Normative, &with(ok, &[("filed", "")])),
            [("filing-overdue", false)]
        );
        // A draft (not deliberated, not issued): nothing yet.
        assert_eq!(
            rules(Normative, &[("market", "是"), ("drafted", "2025-04-01")]),
            []
        );
    }

    #[test]
    fn officer_suggestion_enterprise_rectification_rules() {
        let officer = |until| {
            rules(
                Officer,
                &[
                    ("name", "张三"),
                    ("cert_no", "A001"),
                    ("valid_until", until),
                ],
            )
        };
        assert_eq!(officer("2025-12-01"), [("certificate-expired", false)]);
        assert_eq!(officer("2026-01-20"), [("certificate-expiring", false)]);
        assert_eq!(officer("2027-01-20"), []);

        let sugg = |answered: &str| {
            let mut p = vec![("category", "人大代表建议"), ("assigned", "2025-03-15")];
            if !answered.is_empty() {
                p.push(("answered", answered));
            }
            rules(Suggestion, &p)
        };
        assert_eq!(sugg("2025-06-10"), []);
        assert_eq!(sugg("2025-07-01"), [("suggestion-late", false)]);
        assert_eq!(sugg(""), [("suggestion-overdue", false)]);

        assert_eq!(
            rules(
                EnterpriseRequest,
                &[("received", "2025-04-01"), ("due", "2025-04-30")]
            ),
            [("enterprise-request-overdue", false)]
        );
        assert_eq!(
            rules(
                EnterpriseRequest,
                &[
                    ("received", "2025-04-01"),
                    ("due", "2025-04-30"),
                    ("resolved", "2025-04-28")
                ]
            ),
            []
        );
        // No time limit recorded: nothing to check.
        assert_eq!(rules(EnterpriseRequest, &[("received", "2025-04-01")]), []);

        let rect = |status, completed: &str| {
            let mut p = vec![
                ("source", "上年度报告"),
                ("deadline", "2025-06-30"),
                ("status", status),
            ];
            if !completed.is_empty() {
                p.push(("completed", completed));
            }
            rules(Rectification, &p)
        };
        assert_eq!(
            rect("已完成", ""),
            [("rectification-completed-undated", true)]
        );
        assert_eq!(rect("已完成", "2025-06-01"), []);
        assert_eq!(rect("整改中", ""), [("rectification-overdue", false)]);
    }

    #[test]
    fn disclosure_rules_and_missing_calendar() {
        assert_eq!(
            rules(
                DisclosureRequest,
                &[("received", "2025-09-25"), ("replied", "2025-10-29")]
            ),
            []
        );
        assert_eq!(
            rules(
                DisclosureRequest,
                &[("received", "2025-09-25"), ("replied", "2025-10-30")]
            ),
            [("disclosure-late", false)]
        );
        assert_eq!(
            rules(DisclosureRequest, &[("received", "2025-09-25")]),
            [("disclosure-overdue", false)]
        );
        // The period runs into 2027, which the calendar lacks: a flag, not a panic or silence.
        let d = data(DisclosureRequest, 2026, &[("received", "2026-12-20")]);
        let vs = check_record(&d, &ctx("2027-02-01"));
        assert_eq!(vs.len(), 1, "{vs:?}");
        assert_eq!((vs[0].rule, vs[0].refuse), ("calendar-missing", false));
        assert!(vs[0].message.contains("2027"), "{}", vs[0].message);
        assert_eq!(vs[0].basis, procedure::DISCLOSURE_BASIS);
    }

    #[test]
    fn each_kind_is_listed_once_in_the_rule_table() {
        for (i, (kind, rules)) in RECORD_RULES.iter().enumerate() {
            assert!(!rules.is_empty(), "{kind:?}");
            assert!(
                RECORD_RULES[i + 1..].iter().all(|(k, _)| k != kind),
                "{kind:?} twice"
            );
        }
    }

    #[test]
    fn kinds_without_rules() {
        assert_eq!(
            rules(Study, &[("date", "2025-03-01"), ("form", "党组会学法")]),
            []
        );
        assert_eq!(
            rules(
                Training,
                &[("cert_no", "A1"), ("date", "2025-03-01"), ("hours", "2")]
            ),
            []
        );
        assert_eq!(
            rules(
                ReviewCase,
                &[("category", "行政应诉"), ("received", "2025-03-01")]
            ),
            []
        );
    }

    fn officer(id: RecordId, year: i32, name: &str, cert: &str, until: &str) -> Record {
        rec(
            id,
            Officer,
            year,
            &[("name", name), ("cert_no", cert), ("valid_until", until)],
        )
    }

    fn training(id: RecordId, year: i32, cert: &str, hours: &str) -> Record {
        rec(
            id,
            Training,
            year,
            &[("cert_no", cert), ("date", "2025-05-01"), ("hours", hours)],
        )
    }

    #[test]
    fn year_training_hours_lists_the_short_officers() {
        let records = vec![
            officer(RecordId(1), 2025, "张三", "A001", "2028-12-31"),
            officer(RecordId(2), 2025, "李四", "A002", "2028-12-31"),
            officer(RecordId(3), 2025, "王五", "A003", "2028-12-31"),
            // Certificate ended before the year: not an officer of 2025.
            officer(RecordId(4), 2025, "赵六", "A004", "2024-12-31"),
            // Certificate ended during the year: counts (and is expired by today).
            officer(RecordId(5), 2025, "钱七", "A005", "2025-03-31"),
            // An officer of another year.
            officer(RecordId(6), 2024, "孙八", "A006", "2028-12-31"),
            training(RecordId(10), 2025, "A001", "40"),
            training(RecordId(11), 2025, "a 001", "20.5"),
            training(RecordId(12), 2025, "A002", "48"),
            training(RecordId(13), 2024, "A002", "30"),
            training(RecordId(14), 2025, "A005", "60"),
            // Someone not on the roster.
            training(RecordId(15), 2025, "B999", "80"),
        ];
        let ctx = ctx("2025-12-31");
        let hours = officer_hours(&records, 2025);
        let got: Vec<(&str, f64, &[RecordId])> = hours
            .iter()
            .map(|o| (o.name.as_str(), o.hours, o.training_ids.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                ("张三", 60.5, &[RecordId(10), RecordId(11)][..]),
                ("李四", 48.0, &[RecordId(12)][..]),
                ("王五", 0.0, &[][..]),
                ("钱七", 60.0, &[RecordId(14)][..]),
            ]
        );

        let vs = check_year(&records, 2025, &ctx);
        let training: Vec<&RecordViolation> = vs
            .iter()
            .filter(|v| v.violation.rule == "training-hours-short")
            .collect();
        assert_eq!(training.len(), 1);
        assert_eq!(training[0].kind, Officer);
        assert_eq!(training[0].record_ids, [2, 3]);
        assert_eq!(
            training[0].violation.message,
            "2 名执法人员培训不足 60 学时：李四（48 学时，差 12）、王五（0 学时，差 60）"
        );
        // The per-record rules of the year's records come too (expired certificates), and
        // not those of 2024's records.
        let expired: Vec<&[RecordId]> = vs
            .iter()
            .filter(|v| v.violation.rule == "certificate-expired")
            .map(|v| v.record_ids.as_slice())
            .collect();
        assert_eq!(expired, [&[4][..], &[5][..]]);
    }

    #[test]
    fn year_without_shortfall_has_no_training_violation() {
        let records = vec![
            officer(RecordId(1), 2025, "张三", "A001", "2028-12-31"),
            training(RecordId(2), 2025, "A001", "60"),
        ];
        assert!(check_year(&records, 2025, &ctx("2025-12-31")).is_empty());
        // A duplicate entry of the same officer counts once, and both records are named.
        let records = vec![
            officer(RecordId(1), 2025, "张三", "A001", "2028-12-31"),
            officer(RecordId(7), 2025, "张三", "A001", "2028-12-31"),
            training(RecordId(2), 2025, "A001", "10"),
        ];
        let vs = check_year(&records, 2025, &ctx("2025-12-31"));
        assert_eq!(vs.len(), 1);
        assert_eq!(vs[0].record_ids, [1, 7]);
        assert!(vs[0].violation.message.starts_with("1 名"));
    }
}
