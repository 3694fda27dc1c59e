//! Conformance cases: the reporting cycle: reports from the first upload to publication,
//! races, corrections, re-submissions, reviews and the audit entries of each write.

use super::*;
use fazhi_domain::cycle::{Confidentiality, ReportState, Step};
use fazhi_store::{
    CycleReport, NewComment, NewNotification, NewReview, ReportId, StepWrite, VersionPlan,
};

pub(crate) fn review(conclusion: Confidentiality) -> NewReview {
    NewReview {
        reviewer: "保密员张三".into(),
        reviewed_on: NaiveDate::from_ymd_opt(2025, 3, 20).unwrap(),
        conclusion,
    }
}

/// A step from `expected` to where the domain says it leads, at `at`.
pub(crate) fn write(
    report: ReportId,
    step: Step,
    expected: ReportState,
    at: Timestamp,
) -> StepWrite {
    StepWrite {
        report,
        step,
        expected,
        to: step.to_state(expected),
        comment: None,
        comments: Vec::new(),
        at,
        on_time: None,
        notify: Vec::new(),
        review: None,
    }
}

/// Takes `steps` in turn from the report's state, each at `at`.
pub(crate) async fn walk(
    s: &dyn Store,
    who: &Actor,
    mut report: CycleReport,
    steps: &[Step],
    at: Timestamp,
) -> CycleReport {
    for step in steps {
        let w = StepWrite {
            on_time: matches!(step, Step::Submit | Step::Publish).then_some(true),
            ..write(report.id, *step, report.state, at)
        };
        report = s
            .take_step(who, &w)
            .await
            .unwrap_or_else(|e| panic!("{step:?}: {e}"));
    }
    report
}

fn t(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

pub(crate) async fn report_from_upload_to_publication(fx: &Fx) {
    let s = fx.s();
    let (tr, u) = tree_with_unit(s).await;
    let staff = s.create_user(&admin(), &new_user("staff")).await.unwrap();
    let sup = s.create_user(&admin(), &new_user("sup")).await.unwrap();
    let who = Actor {
        user_id: Some(staff.id),
        login: "staff".into(),
        addr: "10.0.0.1".into(),
    };
    let leader = actor("leader");
    let supervisor = actor("sup");

    assert_eq!(s.report_of(u.id, 2024).await.unwrap(), None);
    // The first upload creates the report in draft, audited with the upload.
    let m = mark(s).await;
    let up1 = s
        .create_upload(&who, &new_upload(&u, 2024, b"v1"))
        .await
        .unwrap();
    let e = entries_since(s, m).await;
    assert_eq!(
        e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["upload.create", "report.add_version"]
    );
    let r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    assert_eq!(r.state, ReportState::Draft);
    assert_eq!((r.versions, r.revision, r.score), (1, 1, Some(80)));
    assert_eq!(e[1].entity, "report");
    assert_eq!(e[1].entity_id, Some(r.id.0));
    assert_eq!(e[1].unit_id, Some(u.id));
    assert_eq!(e[1].region_path, tr.county.path);
    assert_eq!(e[1].before, None);
    assert_eq!(e[1].after, Some(json(&r)));

    // Staff → leader → submitted (on time).
    let m = mark(s).await;
    let r = walk(s, &who, r, &[Step::RequestApproval], t(2025, 2, 1, 0)).await;
    let r = walk(s, &leader, r, &[Step::Approve], t(2025, 2, 2, 0)).await;
    let submitted = walk(s, &who, r, &[Step::Submit], t(2025, 2, 28, 17)).await;
    assert_eq!(submitted.state, ReportState::Submitted);
    assert_eq!(submitted.submitted_at, Some(t(2025, 2, 28, 17)));
    assert_eq!(submitted.submitted_on_time, Some(true));
    assert_eq!(submitted.revision, 4);
    let e = entries_since(s, m).await;
    assert_eq!(
        e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["report.request_approval", "report.approve", "report.submit"]
    );
    assert_eq!(e[2].before.as_ref().unwrap()["state"], "approved");
    assert_eq!(e[2].after.as_ref().unwrap()["state"], "submitted");

    // Returned with two anchored comments and a message for the staff member.
    let m = mark(s).await;
    let returned = s
        .take_step(
            &supervisor,
            &StepWrite {
                comment: Some("请补充存在的不足".into()),
                comments: vec![
                    NewComment {
                        anchor: "shortcomings".into(),
                        quote: "无".into(),
                        body: "不足写得过于简单".into(),
                    },
                    NewComment {
                        anchor: "p3".into(),
                        quote: String::new(),
                        body: "第三段数据有误".into(),
                    },
                ],
                notify: vec![NewNotification {
                    user_id: staff.id,
                    kind: "report.return".into(),
                    unit_id: u.id,
                    year: 2024,
                    message: "报告被退回".into(),
                    link: "/reports/1".into(),
                    ..Default::default()
                }],
                ..write(
                    submitted.id,
                    Step::Return,
                    ReportState::Submitted,
                    t(2025, 3, 2, 0),
                )
            },
        )
        .await
        .unwrap();
    assert_eq!(returned.state, ReportState::Returned);
    let e = one_entry(s, m, "report.return").await;
    assert_eq!(e.after.as_ref().unwrap()["comment"], "请补充存在的不足");
    assert_eq!(e.after.as_ref().unwrap()["comments"], 2);
    let inbox = s.notifications(staff.id, true, 0, 10).await.unwrap();
    assert_eq!(inbox.total, 1);
    assert_eq!(inbox.items[0].report_id, Some(returned.id));
    assert!(s
        .notifications(sup.id, false, 0, 10)
        .await
        .unwrap()
        .items
        .is_empty());

    // A new version while returned stays returned; then again through the leader, and the
    // late re-submission keeps the first submission's stamp.
    let (up2, r) = s
        .add_upload_version(
            &who,
            &NewUpload {
                score: Some(95),
                ..new_upload(&u, 2024, b"v2")
            },
            &VersionPlan::add(Some(ReportState::Returned)),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.state, r.versions, r.score),
        (ReportState::Returned, 2, Some(95))
    );
    let r = walk(s, &who, r, &[Step::RequestApproval], t(2025, 3, 3, 0)).await;
    let r = walk(s, &leader, r, &[Step::Approve], t(2025, 3, 4, 0)).await;
    let again = s
        .take_step(
            &who,
            &StepWrite {
                on_time: Some(false),
                ..write(r.id, Step::Submit, ReportState::Approved, t(2025, 3, 5, 0))
            },
        )
        .await
        .unwrap();
    assert_eq!(again.submitted_at, Some(t(2025, 2, 28, 17)));
    assert_eq!(again.submitted_on_time, Some(true));

    // Accepted, reviewed for secrets, published.
    let r = walk(s, &supervisor, again, &[Step::Accept], t(2025, 3, 6, 0)).await;
    let detail = s.cycle_report(r.id).await.unwrap();
    assert_eq!(detail.current_review(), None);
    let current = detail.report.current_version.unwrap();
    let m = mark(s).await;
    let rev = s
        .record_review(&who, r.id, current, &review(Confidentiality::Publishable))
        .await
        .unwrap();
    let e = one_entry(s, m, "report.review").await;
    assert_eq!(e.after, Some(json(&rev)));
    let r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    let published = s
        .take_step(
            &leader,
            &StepWrite {
                on_time: Some(true),
                ..write(
                    r.id,
                    Step::Publish,
                    ReportState::Accepted,
                    t(2025, 3, 31, 1),
                )
            },
        )
        .await
        .unwrap();
    assert_eq!(published.state, ReportState::Published);
    assert_eq!(published.published_at, Some(t(2025, 3, 31, 1)));
    assert_eq!(published.published_on_time, Some(true));

    let d = s.cycle_report(published.id).await.unwrap();
    assert_eq!(d.unit, u);
    assert_eq!(d.report, published);
    assert_eq!(
        d.versions.iter().map(|v| v.n).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(d.versions[0].upload, up2);
    assert_eq!(d.versions[1].upload, up1);
    assert_eq!(d.versions[0].approved_by_login.as_deref(), Some("leader"));
    assert_eq!(d.versions[0].approved_at, Some(t(2025, 3, 4, 0)));
    assert_eq!(d.versions[0].published_at, Some(t(2025, 3, 31, 1)));
    assert_eq!(d.versions[1].published_at, None);
    assert_eq!(d.current_review(), Some(&rev));
    assert_eq!(d.situation().review, Some(Confidentiality::Publishable));
    assert_eq!(
        d.events.iter().map(|e| e.step).collect::<Vec<_>>(),
        vec![
            Step::AddVersion,
            Step::RequestApproval,
            Step::Approve,
            Step::Submit,
            Step::Return,
            Step::AddVersion,
            Step::RequestApproval,
            Step::Approve,
            Step::Submit,
            Step::Accept,
            Step::ReviewConfidentiality,
            Step::Publish,
        ]
    );
    assert_eq!(d.events[0].from_state, None);
    assert_eq!(d.events[4].comment.as_deref(), Some("请补充存在的不足"));
    assert_eq!(d.events[4].actor_login, "sup");
    assert_eq!(d.comments.len(), 2);
    assert_eq!(d.comments[0].anchor, "shortcomings");
    assert_eq!(d.comments[0].event_id, d.events[4].id);
    assert_eq!(d.comments[0].version_id, Some(d.versions[1].id));
    assert_eq!(d.comments[1].body, "第三段数据有误");
    assert_eq!(
        s.reports_of_unit(u.id).await.unwrap(),
        vec![published.clone()]
    );

    // A published report takes no plain version (only a correction).
    assert!(matches!(
        s.create_upload(&who, &new_upload(&u, 2024, b"v3")).await,
        Err(StoreError::Conflict(m)) if m.contains("已公开")
    ));
    // The three steps with their own methods are refused by take_step.
    assert!(matches!(
        s.take_step(
            &who,
            &write(published.id, Step::Correct, ReportState::Published, now())
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.cycle_report(ReportId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    // A 保密审查 as a step: needs the review, and the state the caller saw.
    let as_step = write(
        published.id,
        Step::ReviewConfidentiality,
        ReportState::Published,
        t(2025, 4, 2, 0),
    );
    assert!(matches!(
        s.take_step(&who, &as_step).await,
        Err(StoreError::Invalid(_))
    ));
    let with_review = StepWrite {
        review: Some(review(Confidentiality::Publishable)),
        ..as_step
    };
    assert!(matches!(
        s.take_step(
            &who,
            &StepWrite {
                expected: ReportState::Accepted,
                ..with_review.clone()
            }
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let m = mark(s).await;
    let same = s.take_step(&who, &with_review).await.unwrap();
    assert_eq!(same.state, ReportState::Published);
    assert_eq!(same.revision, published.revision + 1);
    let e = one_entry(s, m, "report.review").await;
    let d = s.cycle_report(published.id).await.unwrap();
    assert_eq!(d.reviews.len(), 2);
    assert_eq!(e.after, Some(json(&d.reviews[1])));
    assert_eq!(d.reviews[1].version_id, d.versions[0].id);
    assert_eq!(d.reviews[1].recorded_at, t(2025, 4, 2, 0));
    assert_no_secrets_in_audit(s).await;
}

pub(crate) async fn stale_state_is_a_conflict(fx: &Fx) {
    let s = fx.s();
    let (_, u) = tree_with_unit(s).await;
    let who = actor("staff");
    s.create_upload(&who, &new_upload(&u, 2024, b"v1"))
        .await
        .unwrap();
    let r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    // Two people saw the draft; the first sends it to the leader, the second's step fails.
    let first = write(r.id, Step::RequestApproval, ReportState::Draft, now());
    s.take_step(&who, &first).await.unwrap();
    let m = mark(s).await;
    match s.take_step(&actor("other"), &first).await {
        Err(StoreError::Conflict(msg)) => {
            assert_eq!(msg, "报告状态已变化（现为“待审定”），请刷新后重试")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A version planned against the state seen before the change.
    assert!(matches!(
        s.add_upload_version(
            &who,
            &new_upload(&u, 2024, b"v2"),
            &VersionPlan::add(Some(ReportState::Draft))
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    // A first version planned when another writer already made the report.
    assert!(matches!(
        s.add_upload_version(&who, &new_upload(&u, 2024, b"v2"), &VersionPlan::add(None))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A report that is not there yet, expected there.
    assert!(matches!(
        s.add_upload_version(
            &who,
            &new_upload(&u, 2023, b"v2"),
            &VersionPlan::add(Some(ReportState::Draft))
        )
        .await,
        Err(StoreError::Conflict(m)) if m.contains("尚未建立报告")
    ));
    // Nothing of the refused writes stays: no entry, no upload, no version.
    assert_eq!(mark(s).await, m);
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM uploads").await, 1);
    assert_eq!(
        fx.handle
            .scalar("SELECT COUNT(*) FROM report_versions")
            .await,
        1
    );
    let now_r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    assert_eq!(
        (now_r.state, now_r.revision),
        (ReportState::AwaitingApproval, 2)
    );

    // Two stores writing the same step at once: exactly one wins.
    let second = fx.reopen().await.unwrap();
    let w = write(r.id, Step::SendBack, ReportState::AwaitingApproval, now());
    let (who_a, who_b, other) = (actor("a"), actor("b"), second.store());
    let (a, b) = tokio::join!(s.take_step(&who_a, &w), other.take_step(&who_b, &w));
    assert!(
        a.is_ok() != b.is_ok(),
        "one of two racing steps must win: {a:?} {b:?}"
    );
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Conflict(_))));
    second.store().close().await;

    // Several steps in one transaction: all or none, each audited.
    let at = now();
    let m = mark(s).await;
    let bad = [
        write(r.id, Step::RequestApproval, ReportState::Draft, at),
        write(r.id, Step::Approve, ReportState::Draft, at),
    ];
    assert!(matches!(
        s.take_steps(&who, &bad).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_eq!(
        s.report_of(u.id, 2024).await.unwrap().unwrap().state,
        ReportState::Draft
    );
    let good = [
        write(r.id, Step::RequestApproval, ReportState::Draft, at),
        write(r.id, Step::Approve, ReportState::AwaitingApproval, at),
    ];
    let done = s.take_steps(&who, &good).await.unwrap();
    assert_eq!(
        done.iter().map(|r| r.state).collect::<Vec<_>>(),
        vec![ReportState::AwaitingApproval, ReportState::Approved]
    );
    let e = entries_since(s, m).await;
    assert_eq!(
        e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["report.request_approval", "report.approve"]
    );
}

pub(crate) async fn correction_supersedes_and_keeps_first_publication(fx: &Fx) {
    let s = fx.s();
    let (_, u) = tree_with_unit(s).await;
    let who = actor("staff");
    let first = s
        .create_upload(&who, &new_upload(&u, 2024, b"v1"))
        .await
        .unwrap();
    let r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    let r = walk(
        s,
        &who,
        r,
        &[
            Step::RequestApproval,
            Step::Approve,
            Step::Submit,
            Step::Accept,
        ],
        t(2025, 2, 1, 0),
    )
    .await;
    s.record_review(
        &who,
        r.id,
        r.current_version.unwrap(),
        &review(Confidentiality::Publishable),
    )
    .await
    .unwrap();
    let published = walk(s, &who, r, &[Step::Publish], t(2025, 3, 1, 0)).await;

    let m = mark(s).await;
    let (fixed, after) = s
        .add_upload_version(
            &actor("leader"),
            &NewUpload {
                score: Some(99),
                ..new_upload(&u, 2024, b"v2 corrected")
            },
            &VersionPlan::correct(fazhi_store::Correction {
                note: " 更正第二部分的数据 ".into(),
                review: review(Confidentiality::Publishable),
            }),
        )
        .await
        .unwrap();
    let e = entries_since(s, m).await;
    assert_eq!(
        e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["upload.create", "report.correct"]
    );
    assert_eq!(e[1].before, Some(json(&published)));
    assert_eq!(e[1].after, Some(json(&after)));
    assert_eq!(after.state, ReportState::Published);
    assert_eq!(after.published_at, Some(t(2025, 3, 1, 0)));
    assert_eq!(after.published_on_time, Some(true));
    assert_eq!((after.versions, after.score), (2, Some(99)));

    let d = s.cycle_report(after.id).await.unwrap();
    let (new, old) = (&d.versions[0], &d.versions[1]);
    assert_eq!(new.upload, fixed);
    assert_eq!(old.upload, first);
    assert_eq!(new.correction_note.as_deref(), Some("更正第二部分的数据"));
    assert!(new.published_at.is_some());
    assert_eq!(new.superseded_at, None);
    assert_eq!(old.published_at, Some(t(2025, 3, 1, 0)));
    assert_eq!(old.superseded_at, new.published_at);
    assert_eq!(d.reviews.len(), 2);
    assert_eq!(d.current_review().unwrap().version_id, new.id);
    let last = d.events.last().unwrap();
    assert_eq!(last.step, Step::Correct);
    assert_eq!(last.comment.as_deref(), Some("更正第二部分的数据"));
    assert_eq!(
        (last.from_state, last.to_state),
        (Some(ReportState::Published), ReportState::Published)
    );

    // 不予公开 needs its reason; a version of another report is not this report's.
    assert!(matches!(
        s.record_review(
            &who,
            after.id,
            new.id,
            &review(Confidentiality::NotPublishable(" ".into()))
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let other = s
        .create_unit(
            &admin(),
            &unit(&d_region(s, &u).await, "U9", "另一单位", ""),
        )
        .await
        .unwrap();
    s.create_upload(&who, &new_upload(&other, 2024, b"o"))
        .await
        .unwrap();
    let o = s.report_of(other.id, 2024).await.unwrap().unwrap();
    assert!(matches!(
        s.record_review(
            &who,
            after.id,
            o.current_version.unwrap(),
            &review(Confidentiality::Publishable)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let withheld = s
        .record_review(
            &who,
            o.id,
            o.current_version.unwrap(),
            &review(Confidentiality::NotPublishable("涉及国家秘密".into())),
        )
        .await
        .unwrap();
    assert_eq!(
        s.cycle_report(o.id).await.unwrap().current_review(),
        Some(&withheld)
    );
}

async fn d_region(s: &dyn Store, u: &Unit) -> Region {
    s.region(u.region_id).await.unwrap()
}
