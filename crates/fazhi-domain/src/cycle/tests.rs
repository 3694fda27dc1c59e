use super::*;
use crate::{MonthDay, RuleSettings, UnitKind};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use ReportState::*;

const STAFF: &[Role] = &[Role::UnitStaff];
const LEADER: &[Role] = &[Role::UnitLeader];
const SUPERVISOR: &[Role] = &[Role::Supervisor];
const ADMIN: &[Role] = &[Role::Admin];

fn at(state: ReportState) -> Situation {
    Situation {
        state,
        has_version: true,
        review: None,
    }
}

fn take(s: &Situation, step: Step, roles: &[Role]) -> Result<ReportState, CycleRefusal> {
    check_step(s, step, roles, &StepInput::default())
}

#[test]
fn the_whole_way_from_draft_to_publication() {
    let mut s = at(Draft);
    s.state = take(&s, Step::RequestApproval, STAFF).unwrap();
    assert_eq!(s.state, AwaitingApproval);
    s.state = take(&s, Step::Approve, LEADER).unwrap();
    assert_eq!(s.state, Approved);
    s.state = take(&s, Step::Submit, STAFF).unwrap();
    assert_eq!(s.state, Submitted);
    let one_comment = StepInput {
        comments: 1,
        ..StepInput::default()
    };
    s.state = check_step(&s, Step::Return, SUPERVISOR, &one_comment).unwrap();
    assert_eq!(s.state, Returned);
    s.state = take(&s, Step::AddVersion, STAFF).unwrap();
    assert_eq!(
        s.state, Returned,
        "a new version keeps the comments in view"
    );
    s.state = take(&s, Step::RequestApproval, STAFF).unwrap();
    s.state = take(&s, Step::Approve, LEADER).unwrap();
    s.state = take(&s, Step::Submit, LEADER).unwrap();
    s.state = take(&s, Step::Accept, SUPERVISOR).unwrap();
    assert_eq!(s.state, Accepted);
    assert_eq!(
        take(&s, Step::ReviewConfidentiality, STAFF).unwrap(),
        Accepted
    );
    s.review = Some(Confidentiality::Publishable);
    s.state = take(&s, Step::Publish, LEADER).unwrap();
    assert_eq!(s.state, Published);
}

#[test]
fn staff_cannot_approve_and_the_refusal_names_who_can() {
    let e = take(&at(AwaitingApproval), Step::Approve, STAFF).unwrap_err();
    assert_eq!(e.to_string(), "只有单位负责人可以审定通过");
    let e = take(&at(Submitted), Step::Accept, LEADER).unwrap_err();
    assert_eq!(e.to_string(), "只有督察员可以审阅通过");
}

#[test]
fn the_system_administrator_takes_no_step_of_a_report() {
    for step in Step::ALL {
        for state in ReportState::ALL {
            assert!(
                matches!(
                    take(&at(state), step, ADMIN),
                    Err(CycleRefusal::NotPermitted { .. })
                ),
                "{step:?} from {state:?}"
            );
        }
    }
}

#[test]
fn nothing_unreviewed_is_published() {
    let e = take(&at(Accepted), Step::Publish, LEADER).unwrap_err();
    assert_eq!(e.to_string(), "公开前须对当前版本进行保密审查");
    let mut s = at(Accepted);
    s.review = Some(Confidentiality::NotPublishable("涉及国家秘密".into()));
    assert!(take(&s, Step::Publish, LEADER).is_err());
    assert_eq!(take(&s, Step::Withhold, LEADER).unwrap(), Withheld);
    // Not accepted by a supervisor yet: not published, even with a review.
    let mut s = at(Submitted);
    s.review = Some(Confidentiality::Publishable);
    let e = take(&s, Step::Publish, LEADER).unwrap_err();
    assert_eq!(e.to_string(), "报告当前为“已报送”，不能公开");
}

#[test]
fn withholding_needs_the_review_that_says_so() {
    let mut s = at(Accepted);
    assert!(take(&s, Step::Withhold, LEADER).is_err());
    s.review = Some(Confidentiality::Publishable);
    assert!(take(&s, Step::Withhold, LEADER).is_err());
}

#[test]
fn a_published_report_takes_no_new_version_only_a_correction() {
    let s = at(Published);
    assert!(take(&s, Step::AddVersion, STAFF).is_err());
    assert!(take(&s, Step::AddVersion, LEADER).is_err());
    let e = take(&s, Step::Correct, LEADER).unwrap_err();
    assert_eq!(e.to_string(), "请填写更正说明");
    let noted = StepInput {
        correction_note: Some("第二部分数字有误，已更正".into()),
        ..StepInput::default()
    };
    let e = check_step(&s, Step::Correct, LEADER, &noted).unwrap_err();
    assert_eq!(e.to_string(), "更正版本须经保密审查，结论为“可以公开”");
    let reviewed = StepInput {
        review: Some(Confidentiality::Publishable),
        ..noted
    };
    assert_eq!(
        check_step(&s, Step::Correct, LEADER, &reviewed).unwrap(),
        Published
    );
}

#[test]
fn returning_needs_a_comment_and_submission_a_version() {
    let e = take(&at(Submitted), Step::Return, SUPERVISOR).unwrap_err();
    assert_eq!(e.to_string(), "退回时请至少写一条意见");
    let empty = Situation {
        has_version: false,
        ..at(Draft)
    };
    assert!(take(&empty, Step::RequestApproval, STAFF).is_err());
    assert_eq!(take(&empty, Step::AddVersion, STAFF).unwrap(), Draft);
}

#[test]
fn a_changed_text_needs_approving_again() {
    assert_eq!(take(&at(Approved), Step::AddVersion, STAFF).unwrap(), Draft);
    assert_eq!(
        take(&at(AwaitingApproval), Step::AddVersion, STAFF).unwrap(),
        Draft
    );
    for state in [Submitted, Accepted, Withheld] {
        assert!(take(&at(state), Step::AddVersion, STAFF).is_err());
    }
}

#[test]
fn open_steps_are_the_buttons_a_role_sees() {
    assert_eq!(
        open_steps(&at(AwaitingApproval), LEADER),
        [Step::AddVersion, Step::Approve, Step::SendBack]
    );
    assert_eq!(
        open_steps(&at(Submitted), SUPERVISOR),
        [Step::Return, Step::Accept]
    );
    assert!(open_steps(&at(Published), STAFF)
        .iter()
        .all(|s| *s == Step::ReviewConfidentiality));
}

#[test]
fn keys_and_labels_read_back() {
    for s in ReportState::ALL {
        assert_eq!(ReportState::parse(s.key()), Some(s));
        assert_eq!(ReportState::parse(s.label()), Some(s));
    }
    for s in Step::ALL {
        assert_eq!(Step::parse(s.key()), Some(s));
        assert_eq!(Step::parse(s.label()), Some(s));
    }
    assert_eq!(
        Confidentiality::parse("not_publishable", " ")
            .unwrap_err()
            .to_string(),
        "请填写不予公开的理由"
    );
    assert_eq!(
        Confidentiality::parse("可以公开", "").unwrap(),
        Confidentiality::Publishable
    );
}

fn state() -> impl Strategy<Value = ReportState> {
    proptest::sample::select(ReportState::ALL.to_vec())
}

fn step() -> impl Strategy<Value = Step> {
    proptest::sample::select(Step::ALL.to_vec())
}

fn roles() -> impl Strategy<Value = Vec<Role>> {
    proptest::sample::subsequence(Role::ALL.to_vec(), 0..=4)
}

proptest! {
    /// Whatever is asked, a published report stays published and a withheld one withheld;
    /// only a leader's step ever publishes; nothing leaves `Published` except a correction,
    /// which leads back to `Published`.
    #[test]
    fn published_is_final_and_only_a_leader_publishes(
        from in state(), s in step(), rs in roles(), review in any::<bool>(), comments in 0usize..3,
    ) {
        let situation = Situation {
            state: from,
            has_version: true,
            review: review.then_some(Confidentiality::Publishable),
        };
        let input = StepInput {
            comments,
            correction_note: Some("更正".into()),
            review: Some(Confidentiality::Publishable),
        };
        if let Ok(to) = check_step(&situation, s, &rs, &input) {
            if from == Published || from == Withheld {
                prop_assert_eq!(to, from);
            }
            if to == Published && from != Published {
                prop_assert!(rs.contains(&Role::UnitLeader));
                prop_assert_eq!(from, Accepted);
                prop_assert!(review);
            }
            prop_assert!(s.from_states().contains(&from));
        }
    }
}

fn rules() -> RuleSettings {
    RuleSettings::default()
}

fn md(s: &str) -> Option<MonthDay> {
    Some(MonthDay::parse(s).unwrap())
}

#[test]
fn deadlines_default_to_the_regulation_and_fall_in_the_next_year() {
    let d = Deadlines::resolve(2025, &rules(), &[]);
    assert_eq!(d.submission, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    assert_eq!(d.publication, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    assert!(d.must_report(UnitKind::Department));
    assert!(!d.must_report(UnitKind::Supervising));
    assert_eq!(d.check(), Ok(()));
}

#[test]
fn the_nearest_region_wins_field_by_field() {
    let province = DeadlineSetting {
        submission: md("02-15"),
        publication: md("03-31"),
        outline: Some("guangdong".into()),
        ..DeadlineSetting::default()
    };
    let city = DeadlineSetting::default();
    let county = DeadlineSetting {
        submission: md("01-31"),
        kinds: Some(vec![UnitKind::Department]),
        ..DeadlineSetting::default()
    };
    let d = Deadlines::resolve(2025, &rules(), &[&province, &city, &county]);
    assert_eq!(d.submission.to_string(), "2026-01-31");
    assert_eq!(d.publication.to_string(), "2026-03-31");
    assert_eq!(d.outline.as_deref(), Some("guangdong"));
    assert_eq!(d.kinds, [UnitKind::Department]);
    // The city sees the province's.
    let d = Deadlines::resolve(2025, &rules(), &[&province, &city]);
    assert_eq!(d.submission.to_string(), "2026-02-15");
    assert_eq!(d.kinds, REPORTING_KINDS);
}

#[test]
fn publication_before_submission_is_refused() {
    let s = DeadlineSetting {
        submission: md("03-15"),
        publication: md("03-01"),
        ..DeadlineSetting::default()
    };
    let e = Deadlines::resolve(2025, &rules(), &[&s])
        .check()
        .unwrap_err();
    assert_eq!(e, "公开时限（2026-03-01）不能早于报送时限（2026-03-15）");
}

#[test]
fn on_time_is_counted_in_china_to_the_end_of_the_deadline_day() {
    let deadline = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let before = deadline.pred_opt().unwrap();
    // 2026-03-01 23:30 in Beijing is 15:30 UTC: on time.
    let last_minute = Utc.with_ymd_and_hms(2026, 3, 1, 15, 30, 0).unwrap();
    assert_eq!(
        Timeliness::of(deadline, Some(last_minute), deadline),
        Timeliness::OnTime
    );
    // 2026-03-01 16:30 UTC is already 03-02 in Beijing: late.
    let just_after = Utc.with_ymd_and_hms(2026, 3, 1, 16, 30, 0).unwrap();
    assert_eq!(
        Timeliness::of(deadline, Some(just_after), deadline),
        Timeliness::Late
    );
    assert_eq!(Timeliness::of(deadline, None, before), Timeliness::Pending);
    assert_eq!(
        Timeliness::of(deadline, None, deadline),
        Timeliness::Pending
    );
    assert_eq!(
        Timeliness::of(deadline, None, deadline.succ_opt().unwrap()),
        Timeliness::Missing
    );
    assert_eq!(Timeliness::Late.on_time(), Some(false));
    assert_eq!(Timeliness::Missing.on_time(), None);
}
