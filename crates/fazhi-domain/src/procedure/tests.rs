use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn s() -> ProcedureSettings {
    ProcedureSettings::builtin()
}

#[test]
fn builtin_settings() {
    let s = s();
    assert_eq!(
        (
            s.comment_days,
            s.legality_review_working_days,
            s.filing_days
        ),
        (30, 7, 30)
    );
    assert_eq!(
        (
            s.disclosure_working_days,
            s.disclosure_extension_working_days
        ),
        (20, 20)
    );
}

#[test]
fn no_collective_decision_before_legality_review() {
    let v = decision_after_legality_review(None, d("2025-05-10")).unwrap();
    assert!(v.refuse && v.rule == "decision-before-legality-review");
    assert!(
        decision_after_legality_review(Some(d("2025-05-12")), d("2025-05-10"))
            .unwrap()
            .refuse
    );
    assert_eq!(
        decision_after_legality_review(Some(d("2025-05-10")), d("2025-05-10")),
        None
    );
}

#[test]
fn comment_period_thirty_days_or_a_reason() {
    let s = s();
    assert!(
        comment_period(d("2025-03-01"), d("2025-03-20"), None, &s)
            .unwrap()
            .refuse
    );
    assert!(comment_period(d("2025-03-01"), d("2025-03-20"), Some("  "), &s).is_some());
    assert_eq!(
        comment_period(d("2025-03-01"), d("2025-03-20"), Some("防汛紧急"), &s),
        None
    );
    assert_eq!(
        comment_period(d("2025-03-01"), d("2025-03-31"), None, &s),
        None
    );
}

#[test]
fn legality_review_seven_working_days() {
    let (s, cal) = (s(), HolidayCalendar::builtin());
    // Sent Friday 2025-04-25: 4-27 (Sunday, worked), 4-28, 4-29, 4-30, then 5-01..05 off,
    // 5-06, 5-07, 5-08: seven working days end on 5-08.
    assert_eq!(
        legality_review_time(d("2025-04-25"), d("2025-05-08"), None, &s, &cal).unwrap(),
        None
    );
    let v = legality_review_time(d("2025-04-25"), d("2025-05-07"), None, &s, &cal)
        .unwrap()
        .unwrap();
    assert!(v.message.contains("6 个工作日"), "{}", v.message);
    assert_eq!(
        legality_review_time(d("2025-04-25"), d("2025-05-07"), Some("上级限时"), &s, &cal).unwrap(),
        None
    );
    assert!(legality_review_time(d("2031-04-25"), d("2031-05-06"), None, &s, &cal).is_err());
}

#[test]
fn fair_competition_review_before_issue() {
    assert_eq!(
        issue_after_fair_competition_review(false, None, d("2025-06-01")),
        None
    );
    assert!(
        issue_after_fair_competition_review(true, None, d("2025-06-01"))
            .unwrap()
            .refuse
    );
    assert!(
        issue_after_fair_competition_review(true, Some(d("2025-06-02")), d("2025-06-01")).is_some()
    );
    assert_eq!(
        issue_after_fair_competition_review(true, Some(d("2025-05-20")), d("2025-06-01")),
        None
    );
}

#[test]
fn filing_within_thirty_days() {
    let s = s();
    let issued = d("2025-06-01");
    assert_eq!(
        filing_in_time(issued, Some(d("2025-07-01")), d("2025-12-31"), &s),
        None
    );
    let late = filing_in_time(issued, Some(d("2025-07-03")), d("2025-12-31"), &s).unwrap();
    assert_eq!(late.rule, "filing-late");
    assert!(!late.refuse && late.message.contains("2 日"));
    assert_eq!(filing_in_time(issued, None, d("2025-06-20"), &s), None);
    assert_eq!(
        filing_in_time(issued, None, d("2025-07-10"), &s)
            .unwrap()
            .rule,
        "filing-overdue"
    );
}

#[test]
fn training_hours_lists_who_is_short() {
    let officers = [
        OfficerHours {
            name: "张三".into(),
            hours: 62.0,
        },
        OfficerHours {
            name: "李四".into(),
            hours: 48.5,
        },
        OfficerHours {
            name: "王五".into(),
            hours: 60.0,
        },
    ];
    let v = training_hours(&officers, 60).unwrap();
    assert_eq!(
        v.message,
        "1 名执法人员培训不足 60 学时：李四（48.5 学时，差 11.5）"
    );
    assert_eq!(training_hours(&officers[..1], 60), None);
}

#[test]
fn certificates_expired_and_expiring() {
    let s = s();
    assert_eq!(
        certificate_validity("张三", d("2025-01-01"), d("2025-03-01"), &s)
            .unwrap()
            .rule,
        "certificate-expired"
    );
    assert_eq!(
        certificate_validity("张三", d("2025-04-01"), d("2025-03-01"), &s)
            .unwrap()
            .rule,
        "certificate-expiring"
    );
    assert_eq!(
        certificate_validity("张三", d("2026-04-01"), d("2025-03-01"), &s),
        None
    );
}

#[test]
fn suggestions_three_months_six_with_reason() {
    let s = s();
    let assigned = d("2025-03-15");
    assert_eq!(
        suggestion_answer(assigned, Some(d("2025-06-15")), None, d("2025-12-31"), &s),
        None
    );
    assert_eq!(
        suggestion_answer(assigned, Some(d("2025-06-16")), None, d("2025-12-31"), &s)
            .unwrap()
            .rule,
        "suggestion-late"
    );
    assert_eq!(
        suggestion_answer(
            assigned,
            Some(d("2025-08-01")),
            Some("涉及多部门"),
            d("2025-12-31"),
            &s
        ),
        None
    );
    assert_eq!(
        suggestion_answer(assigned, None, None, d("2025-07-01"), &s)
            .unwrap()
            .rule,
        "suggestion-overdue"
    );
    assert_eq!(
        suggestion_answer(assigned, None, None, d("2025-06-01"), &s),
        None
    );
}

#[test]
fn disclosure_twenty_working_days_plus_twenty() {
    let (s, cal) = (s(), HolidayCalendar::builtin());
    let received = d("2025-09-25");
    // 20 working days end on 2025-10-29 (see the calendar's test).
    assert_eq!(
        disclosure_reply(
            received,
            Some(d("2025-10-29")),
            false,
            d("2025-12-31"),
            &s,
            &cal
        )
        .unwrap(),
        None
    );
    let late = disclosure_reply(
        received,
        Some(d("2025-10-30")),
        false,
        d("2025-12-31"),
        &s,
        &cal,
    )
    .unwrap()
    .unwrap();
    assert_eq!(late.rule, "disclosure-late");
    assert_eq!(
        disclosure_reply(
            received,
            Some(d("2025-10-30")),
            true,
            d("2025-12-31"),
            &s,
            &cal
        )
        .unwrap(),
        None
    );
    assert_eq!(
        disclosure_reply(received, None, false, d("2025-11-03"), &s, &cal)
            .unwrap()
            .unwrap()
            .rule,
        "disclosure-overdue"
    );
}

#[test]
fn discussed_decision_needs_the_leaders_conclusion() {
    let v = leader_conclusion_recorded(None).unwrap();
    assert!(v.refuse);
    assert_eq!(v.rule, "decision-without-leader-conclusion");
    assert!(v.basis.contains("第三十条"));
    assert!(v.message.contains("行政首长的决定意见"));
    assert!(leader_conclusion_recorded(Some("  \n")).unwrap().refuse);
    assert_eq!(leader_conclusion_recorded(Some("同意实施")), None);
}

#[test]
fn normative_document_needs_legality_review_before_deliberation_and_issue() {
    let rule = "normative-without-legality-review";
    // Nothing deliberated or issued yet: nothing to check.
    assert_eq!(normative_legality_review(None, None, None), None);
    let v = normative_legality_review(None, None, Some(d("2025-06-01"))).unwrap();
    assert!(v.refuse && v.rule == rule && v.basis.contains("国办发〔2018〕115号"));
    assert!(v.message.contains("不得发布"));
    let v = normative_legality_review(None, Some(d("2025-05-20")), None).unwrap();
    assert!(v.refuse && v.message.contains("不得提交集体审议"));
    // Reviewed after the deliberation, or after the issue.
    let v = normative_legality_review(Some(d("2025-05-25")), Some(d("2025-05-20")), None).unwrap();
    assert!(v.refuse && v.message.contains("2025-05-25"));
    assert!(
        normative_legality_review(Some(d("2025-06-02")), None, Some(d("2025-06-01")))
            .unwrap()
            .refuse
    );
    // In order (same day allowed).
    assert_eq!(
        normative_legality_review(
            Some(d("2025-05-20")),
            Some(d("2025-05-20")),
            Some(d("2025-06-01"))
        ),
        None
    );
}

#[test]
fn enterprise_requests_resolved_by_their_time_limit() {
    let due = d("2025-04-30");
    assert_eq!(
        enterprise_request_in_time(due, Some(d("2025-04-30")), d("2025-12-31")),
        None
    );
    let late = enterprise_request_in_time(due, Some(d("2025-05-03")), d("2025-12-31")).unwrap();
    assert_eq!(late.rule, "enterprise-request-late");
    assert!(!late.refuse && late.message.contains("3 日"));
    assert_eq!(enterprise_request_in_time(due, None, d("2025-04-30")), None);
    let open = enterprise_request_in_time(due, None, d("2025-05-10")).unwrap();
    assert_eq!(open.rule, "enterprise-request-overdue");
    assert!(!open.refuse && open.message.contains("10 日"));
}

#[test]
fn rectification_deadline_and_dated_completion() {
    let dl = Some(d("2025-06-30"));
    let v = rectification_overdue(dl, "已完成", None, d("2025-05-01")).unwrap();
    assert!(v.refuse && v.message.contains("请填写完成日期"));
    assert_eq!(
        rectification_overdue(dl, "已完成", Some(d("2025-06-30")), d("2025-12-31")),
        None
    );
    let late = rectification_overdue(dl, "已完成", Some(d("2025-07-02")), d("2025-12-31")).unwrap();
    assert!(!late.refuse && late.rule == "rectification-late");
    assert_eq!(
        rectification_overdue(dl, "整改中", None, d("2025-06-30")),
        None
    );
    let open = rectification_overdue(dl, "整改中", None, d("2025-07-05")).unwrap();
    assert!(!open.refuse && open.rule == "rectification-overdue");
    assert!(open.message.contains("5 日") && open.message.contains("整改中"));
    // No deadline: nothing to be late for.
    assert_eq!(
        rectification_overdue(None, "未开始", None, d("2030-01-01")),
        None
    );
}

#[test]
fn missing_calendar_is_reported_not_refused() {
    let (s, cal) = (s(), HolidayCalendar::builtin());
    let e = disclosure_reply(d("2031-03-02"), None, false, d("2031-06-01"), &s, &cal).unwrap_err();
    let v = calendar_unavailable("依申请公开的答复期限", DISCLOSURE_BASIS, &e);
    assert!(!v.refuse);
    assert_eq!(v.rule, "calendar-missing");
    assert!(v.message.contains("2031"), "{}", v.message);
    assert!(v.message.contains("frameworks/holidays.toml"));
    let other = calendar_unavailable(
        "合法性审查时间",
        LEGALITY_REVIEW_BASIS,
        &DomainError::Calendar("日期跨度超过一年".into()),
    );
    assert!(!other.refuse && other.message.contains("日期跨度超过一年"));
}

#[test]
fn due_dates() {
    let (s, cal) = (s(), HolidayCalendar::builtin());
    assert_eq!(filing_due(d("2025-06-01"), &s), d("2025-07-01"));
    assert_eq!(suggestion_due(d("2025-03-15"), None, &s), d("2025-06-15"));
    assert_eq!(
        suggestion_due(d("2025-03-15"), Some("涉及多部门"), &s),
        d("2025-09-15")
    );
    assert_eq!(
        suggestion_due(d("2025-03-15"), Some(" "), &s),
        d("2025-06-15")
    );
    assert_eq!(
        disclosure_due(d("2025-09-25"), false, &s, &cal).unwrap(),
        d("2025-10-29")
    );
    assert_eq!(disclosure_working_days(true, &s), 40);
}
