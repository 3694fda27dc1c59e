//! Conformance cases: the reporting cycle's board, deadlines, notifications, superior units
//! and the migration of schema-3 uploads into reports.

use super::cycle::{review, write};
use super::migrations::{fixtures_dir, load_dump, FIXTURE_BYTES};
use super::*;
use fazhi_domain::cycle::{Confidentiality, DeadlineSetting, ReportState, Step};
use fazhi_domain::MonthDay;
use fazhi_store::{
    BoardCounts, BoardQuery, BoardSort, DoneFilter, NewNotification, NotificationId, StateFilter,
    StepWrite,
};

/// A unit of the board's tree and what its report of 2024 went through.
struct Case {
    unit: Unit,
    state: Option<ReportState>,
    submitted: Option<(Timestamp, bool)>,
    published: Option<bool>,
    score: Option<i32>,
}

/// Region, code, name, kind, state, submission (time, on time), published on time, score.
type Spec<'a> = (
    &'a Region,
    &'a str,
    &'a str,
    UnitKind,
    Option<ReportState>,
    Option<(Timestamp, bool)>,
    Option<bool>,
    Option<i32>,
);

fn ts(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

/// Uploads and walks a report to `state` (submitted at `sub`, published with `publ`).
async fn drive(
    s: &dyn Store,
    u: &Unit,
    state: ReportState,
    sub: Option<(Timestamp, bool)>,
    publ: Option<bool>,
    score: Option<i32>,
) {
    let who = actor("staff");
    s.create_upload(
        &who,
        &NewUpload {
            score,
            ..new_upload(u, 2024, u.code.as_bytes())
        },
    )
    .await
    .unwrap();
    let mut r = s.report_of(u.id, 2024).await.unwrap().unwrap();
    let path: &[Step] = match state {
        ReportState::Draft => &[],
        ReportState::Submitted => &[Step::RequestApproval, Step::Approve, Step::Submit],
        ReportState::Accepted => &[
            Step::RequestApproval,
            Step::Approve,
            Step::Submit,
            Step::Accept,
        ],
        ReportState::Published => &[
            Step::RequestApproval,
            Step::Approve,
            Step::Submit,
            Step::Accept,
            Step::Publish,
        ],
        other => panic!("no path to {other:?}"),
    };
    for step in path {
        if *step == Step::Publish {
            s.record_review(
                &who,
                r.id,
                r.current_version.unwrap(),
                &review(Confidentiality::Publishable),
            )
            .await
            .unwrap();
        }
        let (at, on_time) = match step {
            Step::Submit => (sub.unwrap().0, Some(sub.unwrap().1)),
            Step::Publish => (ts(2025, 4, 1, 0), publ),
            _ => (ts(2025, 1, 10, 0), None),
        };
        r = s
            .take_step(
                &who,
                &StepWrite {
                    on_time,
                    ..write(r.id, *step, r.state, at)
                },
            )
            .await
            .unwrap();
    }
}

/// What the board must count, computed from the cases alone.
fn expected_counts(cases: &[&Case]) -> BoardCounts {
    let n = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count() as i64;
    BoardCounts {
        units: cases.len() as i64,
        none: n(&|c| c.state.is_none()),
        states: ReportState::ALL
            .iter()
            .map(|st| (*st, n(&|c| c.state == Some(*st))))
            .collect(),
        submitted_on_time: n(&|c| matches!(c.submitted, Some((_, true)))),
        submitted_late: n(&|c| matches!(c.submitted, Some((_, false)))),
        published_on_time: n(&|c| c.published == Some(true)),
        published_late: n(&|c| c.published == Some(false)),
    }
}

pub(crate) async fn board_filters_counts_sorts_pages(fx: &Fx) {
    let s = fx.s();
    let tr = tree(s).await;
    let mk = |r: &Region, code: &str, name: &str, kind: UnitKind| NewUnit {
        kind,
        ..unit(r, code, name, "")
    };
    let mut cases = Vec::new();
    let specs: Vec<Spec> = vec![
        (
            &tr.city,
            "a1",
            "甲市司法局",
            UnitKind::Department,
            Some(ReportState::Published),
            Some((ts(2025, 2, 28, 17), true)),
            Some(false),
            Some(70),
        ),
        (
            &tr.city,
            "a2",
            "甲市人民政府",
            UnitKind::Government,
            Some(ReportState::Submitted),
            Some((ts(2025, 3, 10, 0), false)),
            None,
            Some(90),
        ),
        (
            &tr.city,
            "a3",
            "甲市依法治市办",
            UnitKind::Supervising,
            Some(ReportState::Draft),
            None,
            None,
            Some(10),
        ),
        (
            &tr.county,
            "b1",
            "乙区教育局",
            UnitKind::Department,
            Some(ReportState::Draft),
            None,
            None,
            None,
        ),
        (
            &tr.county,
            "b2",
            "乙区某镇",
            UnitKind::Township,
            None,
            None,
            None,
            None,
        ),
        (
            &tr.city2,
            "c1",
            "丙市司法局",
            UnitKind::Department,
            Some(ReportState::Accepted),
            Some((ts(2025, 2, 28, 15), true)),
            None,
            Some(80),
        ),
        (
            &tr.city2,
            "c2",
            "丙市财政局",
            UnitKind::Department,
            None,
            None,
            None,
            None,
        ),
    ];
    for (region, code, name, kind, state, submitted, published, score) in specs {
        let u = s
            .create_unit(&admin(), &mk(region, code, name, kind))
            .await
            .unwrap();
        if let Some(st) = state {
            drive(s, &u, st, submitted, published, score).await;
        }
        cases.push(Case {
            unit: u,
            state,
            submitted,
            published,
            score: state.and(score),
        });
    }
    // Another year's report is not this year's.
    let c2 = cases[6].unit.clone();
    s.create_upload(&actor("staff"), &new_upload(&c2, 2023, b"old"))
        .await
        .unwrap();
    // b1 and c1 report to a1 too.
    let a1 = cases[0].unit.id;
    s.set_superior_unit(&admin(), cases[3].unit.id, Some(a1))
        .await
        .unwrap();
    s.set_superior_unit(&admin(), cases[5].unit.id, Some(a1))
        .await
        .unwrap();

    let base = BoardQuery {
        region: tr.prov.id,
        year: 2024,
        kinds: fazhi_domain::cycle::REPORTING_KINDS.to_vec(),
        state: None,
        submitted: None,
        published: None,
        sub_region: None,
        unit_kind: None,
        superior: None,
        search: None,
        sort: BoardSort::UnitCode,
        descending: false,
        offset: 0,
        limit: 100,
    };
    let reporting = |c: &Case| c.unit.kind != UnitKind::Supervising;
    let in_city = |c: &Case| c.unit.region_path.contains(&tr.city.id);
    type Filter<'a> = Box<dyn Fn(&Case) -> bool + Send + Sync + 'a>;
    let checks: Vec<(BoardQuery, Filter)> = vec![
        (base.clone(), Box::new(|_| true)),
        (
            BoardQuery {
                sub_region: Some(tr.city.id),
                ..base.clone()
            },
            Box::new(in_city),
        ),
        (
            BoardQuery {
                state: Some(StateFilter::NoReport),
                ..base.clone()
            },
            Box::new(|c| c.state.is_none()),
        ),
        (
            BoardQuery {
                state: Some(StateFilter::State(ReportState::Draft)),
                ..base.clone()
            },
            Box::new(|c| c.state == Some(ReportState::Draft)),
        ),
        (
            BoardQuery {
                submitted: Some(DoneFilter::Late),
                ..base.clone()
            },
            Box::new(|c| matches!(c.submitted, Some((_, false)))),
        ),
        (
            BoardQuery {
                submitted: Some(DoneFilter::NotDone),
                ..base.clone()
            },
            Box::new(|c| c.submitted.is_none()),
        ),
        (
            BoardQuery {
                published: Some(DoneFilter::Late),
                ..base.clone()
            },
            Box::new(|c| c.published == Some(false)),
        ),
        (
            BoardQuery {
                unit_kind: Some(UnitKind::Government),
                ..base.clone()
            },
            Box::new(|c| c.unit.kind == UnitKind::Government),
        ),
        (
            BoardQuery {
                superior: Some(a1),
                ..base.clone()
            },
            Box::new(|c| ["b1", "c1"].contains(&c.unit.code.as_str())),
        ),
        (
            BoardQuery {
                search: Some("司法".into()),
                ..base.clone()
            },
            Box::new(|c| c.unit.name.contains("司法")),
        ),
        (
            BoardQuery {
                search: Some("C".into()),
                ..base.clone()
            },
            Box::new(|c| c.unit.code.starts_with('c')),
        ),
        (
            BoardQuery {
                kinds: vec![UnitKind::Supervising],
                ..base.clone()
            },
            Box::new(|c| c.unit.kind == UnitKind::Supervising),
        ),
        (
            BoardQuery {
                kinds: Vec::new(),
                ..base.clone()
            },
            Box::new(|_| false),
        ),
    ];
    for (q, keep) in &checks {
        let want: Vec<&Case> = cases
            .iter()
            .filter(|c| (reporting(c) || q.kinds == vec![UnitKind::Supervising]) && keep(c))
            .filter(|c| q.kinds.contains(&c.unit.kind))
            .collect();
        let board = s.board(q).await.unwrap();
        assert_eq!(board.counts, expected_counts(&want), "{q:?}");
        assert_eq!(board.rows.total, want.len() as i64);
        let codes: Vec<&str> = board
            .rows
            .items
            .iter()
            .map(|r| r.unit.code.as_str())
            .collect();
        let want_codes: Vec<&str> = want.iter().map(|c| c.unit.code.as_str()).collect();
        assert_eq!(codes, want_codes, "{q:?}");
        for row in &board.rows.items {
            let case = cases.iter().find(|c| c.unit.id == row.unit.id).unwrap();
            assert_eq!(row.report.as_ref().map(|r| r.state), case.state);
            assert_eq!(row.report.as_ref().and_then(|r| r.score), case.score);
            assert_eq!(
                row.region_name,
                s.region(row.unit.region_id).await.unwrap().name
            );
        }
    }

    // Sorts (rows without the value last either way) and paging.
    let codes = |b: fazhi_store::Board| {
        b.rows
            .items
            .into_iter()
            .map(|r| r.unit.code)
            .collect::<Vec<_>>()
    };
    let sorted = |sort: BoardSort, descending: bool| BoardQuery {
        sort,
        descending,
        ..base.clone()
    };
    assert_eq!(
        codes(s.board(&sorted(BoardSort::Score, true)).await.unwrap()),
        vec!["a2", "c1", "a1", "b1", "b2", "c2"]
    );
    assert_eq!(
        codes(
            s.board(&sorted(BoardSort::SubmittedAt, false))
                .await
                .unwrap()
        ),
        vec!["c1", "a1", "a2", "b1", "b2", "c2"]
    );
    assert_eq!(
        codes(s.board(&sorted(BoardSort::State, false)).await.unwrap()),
        vec!["b2", "c2", "b1", "a2", "c1", "a1"]
    );
    assert_eq!(
        codes(s.board(&sorted(BoardSort::UnitCode, true)).await.unwrap()),
        vec!["c2", "c1", "b2", "b1", "a2", "a1"]
    );
    let page = s
        .board(&BoardQuery {
            offset: 2,
            limit: 2,
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(page.rows.total, 6);
    assert_eq!(page.counts.units, 6);
    assert_eq!(codes(page), vec!["b1", "b2"]);
    let default_page = s
        .board(&BoardQuery {
            limit: 0,
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(default_page.rows.items.len(), 6);
    // A sub-region outside the board's region is not part of it.
    let outside = s
        .create_region(
            &admin(),
            &region(None, "Q", "另一省", RegionLevel::Province),
        )
        .await
        .unwrap();
    assert!(matches!(
        s.board(&BoardQuery {
            sub_region: Some(outside.id),
            ..base.clone()
        })
        .await,
        Err(StoreError::NotFound(_))
    ));

    // Submissions per day, in China's date (17:00 UTC on 28 February is 1 March there).
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    assert_eq!(
        s.submissions_per_day(tr.prov.id, 2024).await.unwrap(),
        vec![(day(2, 28), 1), (day(3, 1), 1), (day(3, 10), 1)]
    );
    assert_eq!(
        s.submissions_per_day(tr.city.id, 2024).await.unwrap(),
        vec![(day(3, 1), 1), (day(3, 10), 1)]
    );
    assert!(s
        .submissions_per_day(tr.prov.id, 2023)
        .await
        .unwrap()
        .is_empty());
}

pub(crate) async fn deadlines_superiors_notifications(fx: &Fx) {
    let s = fx.s();
    let (tr, u) = tree_with_unit(s).await;
    let md = |t: &str| MonthDay::parse(t).unwrap();

    // Deadline settings: set, read, replace, delete; each audited at the region.
    let prov_setting = DeadlineSetting {
        submission: Some(md("02-15")),
        publication: None,
        kinds: Some(vec![UnitKind::Department, UnitKind::Township]),
        outline: Some("guangdong-2024".into()),
    };
    let m = mark(s).await;
    s.set_deadline_setting(&admin(), tr.prov.id, 2024, &prov_setting)
        .await
        .unwrap();
    let e = one_entry(s, m, "deadline.set").await;
    assert_eq!(e.entity_id, Some(tr.prov.id.0));
    assert_eq!(e.region_path, tr.prov.path);
    assert_eq!(e.before, None);
    assert_eq!(e.after.as_ref().unwrap()["submission"], "02-15");
    assert_eq!(e.after.as_ref().unwrap()["kinds"], "department,township");
    let county_setting = DeadlineSetting {
        publication: Some(md("03-20")),
        ..Default::default()
    };
    s.set_deadline_setting(&admin(), tr.county.id, 2024, &county_setting)
        .await
        .unwrap();
    let chain = [tr.prov.id, tr.city.id, tr.county.id];
    assert_eq!(
        s.deadline_settings(2024, &chain).await.unwrap(),
        vec![
            (tr.prov.id, prov_setting.clone()),
            (tr.county.id, county_setting.clone())
        ]
    );
    assert!(s.deadline_settings(2025, &chain).await.unwrap().is_empty());
    assert!(s.deadline_settings(2024, &[]).await.unwrap().is_empty());
    let replaced = DeadlineSetting {
        submission: Some(md("02-20")),
        ..prov_setting.clone()
    };
    s.set_deadline_setting(&admin(), tr.prov.id, 2024, &replaced)
        .await
        .unwrap();
    let m = mark(s).await;
    s.set_deadline_setting(&admin(), tr.county.id, 2024, &DeadlineSetting::default())
        .await
        .unwrap();
    let e = one_entry(s, m, "deadline.set").await;
    assert_eq!(e.before.as_ref().unwrap()["publication"], "03-20");
    assert_eq!(e.after, None);
    assert_eq!(
        s.deadline_settings(2024, &chain).await.unwrap(),
        vec![(tr.prov.id, replaced)]
    );
    assert!(matches!(
        s.set_deadline_setting(&admin(), RegionId(999_999), 2024, &county_setting)
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Superior units: set, read, refuse itself and cycles.
    let city_bureau = s
        .create_unit(&admin(), &unit(&tr.city, "S1", "甲市科工局", ""))
        .await
        .unwrap();
    let prov_bureau = s
        .create_unit(&admin(), &unit(&tr.prov, "S0", "示范省科工厅", ""))
        .await
        .unwrap();
    let m = mark(s).await;
    s.set_superior_unit(&admin(), u.id, Some(city_bureau.id))
        .await
        .unwrap();
    let e = one_entry(s, m, "unit.superior").await;
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(
        e.after,
        Some(serde_json::json!({ "superior_unit_id": city_bureau.id }))
    );
    s.set_superior_unit(&admin(), city_bureau.id, Some(prov_bureau.id))
        .await
        .unwrap();
    assert_eq!(s.superior_unit(u.id).await.unwrap(), Some(city_bureau.id));
    assert_eq!(s.superior_unit(prov_bureau.id).await.unwrap(), None);
    assert_eq!(
        s.subordinate_units(city_bureau.id).await.unwrap(),
        vec![u.id]
    );
    let m = mark(s).await;
    for (unit_id, sup) in [
        (u.id, u.id),
        (prov_bureau.id, u.id),
        (prov_bureau.id, city_bureau.id),
    ] {
        assert!(
            matches!(
                s.set_superior_unit(&admin(), unit_id, Some(sup)).await,
                Err(StoreError::Invalid(_))
            ),
            "{unit_id} under {sup}"
        );
    }
    assert!(matches!(
        s.set_superior_unit(&admin(), u.id, Some(UnitId(999_999)))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    s.set_superior_unit(&admin(), u.id, None).await.unwrap();
    assert!(s
        .subordinate_units(city_bureau.id)
        .await
        .unwrap()
        .is_empty());

    // Who to address: enabled accounts holding the role at the unit or above it.
    let leader = s.create_user(&admin(), &new_user("leader")).await.unwrap();
    let sup_city = s.create_user(&admin(), &new_user("supcity")).await.unwrap();
    let sup_other = s
        .create_user(&admin(), &new_user("supother"))
        .await
        .unwrap();
    let gone = s.create_user(&admin(), &new_user("gone")).await.unwrap();
    for (user, role, node) in [
        (leader.id, Role::UnitLeader, Node::Unit(u.id)),
        (sup_city.id, Role::Supervisor, Node::Region(tr.city.id)),
        (sup_other.id, Role::Supervisor, Node::Region(tr.city2.id)),
        (gone.id, Role::Supervisor, Node::Region(tr.prov.id)),
    ] {
        s.grant(&admin(), user, Grant { role, node }).await.unwrap();
    }
    s.set_disabled(&admin(), gone.id, true).await.unwrap();
    let place = fazhi_domain::Placement::unit(u.id, u.region_path.clone());
    assert_eq!(
        s.users_with_role_at(&place, Role::Supervisor)
            .await
            .unwrap(),
        vec![sup_city.id]
    );
    assert_eq!(
        s.users_with_role_at(&place, Role::UnitLeader)
            .await
            .unwrap(),
        vec![leader.id]
    );

    // Notifications: a reminder written twice is kept once; read marking is the owner's.
    let reminder = |user: UserId, dedup: &str| NewNotification {
        user_id: user,
        kind: "deadline.submission".into(),
        unit_id: u.id,
        report_id: None,
        year: 2024,
        dedup: dedup.into(),
        message: "距报送时限还有 3 天".into(),
        link: "/reports".into(),
    };
    let batch = vec![reminder(leader.id, "3d"), reminder(sup_city.id, "3d")];
    assert_eq!(s.add_notifications(&batch).await.unwrap(), 2);
    assert_eq!(s.add_notifications(&batch).await.unwrap(), 0);
    assert_eq!(
        s.add_notifications(&[reminder(leader.id, "1d")])
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.unread_notifications(leader.id).await.unwrap(), 2);
    let page = s.notifications(leader.id, false, 0, 0).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].message, "距报送时限还有 3 天");
    assert!(page.items[0].id > page.items[1].id, "newest first");
    let theirs = s
        .notifications(sup_city.id, false, 0, 10)
        .await
        .unwrap()
        .items[0]
        .id;
    assert!(matches!(
        s.mark_notifications_read(leader.id, Some(theirs)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.mark_notifications_read(leader.id, Some(NotificationId(999_999)))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.unread_notifications(sup_city.id).await.unwrap(), 1);
    assert_eq!(
        s.mark_notifications_read(leader.id, Some(page.items[1].id))
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.unread_notifications(leader.id).await.unwrap(), 1);
    let unread = s.notifications(leader.id, true, 0, 10).await.unwrap();
    assert_eq!(unread.total, 1);
    assert_eq!(unread.items[0].id, page.items[0].id);
    assert_eq!(s.mark_notifications_read(leader.id, None).await.unwrap(), 1);
    assert_eq!(s.unread_notifications(leader.id).await.unwrap(), 0);
    assert!(s
        .notifications(leader.id, false, 0, 10)
        .await
        .unwrap()
        .items[1]
        .read_at
        .is_some());
}

/// Uploads written by schema 3 (before the cycle), added to the release fixture.
fn schema3_uploads(sha: &str) -> String {
    let row = |year: i32, name: &str, score: i32, at: &str, published: Option<&str>| {
        format!(
            "INSERT INTO uploads (unit_id, year, filename, content_type, sha256, size, title, \
             status, error, score, errors, warnings, infos, uploaded_by, uploaded_by_login, \
             uploaded_at, published_at) VALUES ((SELECT id FROM units WHERE code = 'F-U'), \
             {year}, '{name}', 'text/plain', '{sha}', 20, '{name}', 'checked', NULL, {score}, \
             1, 2, 3, NULL, 'old', '{at}', {});\n",
            published.map_or("NULL".to_string(), |p| format!("'{p}'"))
        )
    };
    [
        row(2023, "b.docx", 50, "2024-02-01T00:00:00.000000Z", None),
        row(2023, "a.docx", 40, "2024-01-15T00:00:00.000000Z", None),
        row(
            2022,
            "x.docx",
            61,
            "2023-01-10T00:00:00.000000Z",
            Some("2023-03-01T00:00:00.000000Z"),
        ),
        // Published at 01:00 on 2 April in China: late.
        row(
            2022,
            "y.docx",
            62,
            "2023-02-10T00:00:00.000000Z",
            Some("2023-04-01T17:00:00.000000Z"),
        ),
        row(2022, "z.docx", 63, "2023-05-01T00:00:00.000000Z", None),
    ]
    .concat()
}

pub(crate) async fn schema3_uploads_become_reports(fx: &Fx) {
    let file = fixtures_dir().join("schema-0003").join(match fx.backend {
        Backend::Sqlite => "sqlite.sql",
        Backend::Postgres => "postgres.sql",
    });
    let dump = std::fs::read_to_string(&file).unwrap();
    let target = fx.new_target().await;
    load_dump(&target, &dump).await;
    load_dump(&target, &schema3_uploads(&sha(FIXTURE_BYTES))).await;
    let h = fx.open(&target).await.unwrap();
    let s = h.store();
    let unit = s.units(None).await.unwrap().remove(0);

    // The fixture's one upload of 2024, published on 31 March: published on time.
    let r24 = s.report_of(unit.id, 2024).await.unwrap().unwrap();
    assert_eq!(r24.state, ReportState::Published);
    assert_eq!(r24.published_at, Some(ts(2025, 3, 31, 8)));
    assert_eq!(r24.published_on_time, Some(true));
    assert_eq!((r24.versions, r24.revision, r24.score), (1, 1, Some(80)));
    assert_eq!((r24.submitted_at, r24.submitted_on_time), (None, None));

    // Two unpublished uploads: a draft whose current version is the newer.
    let d23 = s
        .cycle_report(s.report_of(unit.id, 2023).await.unwrap().unwrap().id)
        .await
        .unwrap();
    assert_eq!(d23.report.state, ReportState::Draft);
    assert_eq!(d23.report.published_on_time, None);
    let names = |d: &fazhi_store::ReportDetail| {
        d.versions
            .iter()
            .map(|v| (v.n, v.upload.filename.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&d23),
        vec![(2, "b.docx".into()), (1, "a.docx".into())]
    );
    assert_eq!(d23.report.current_version, Some(d23.versions[0].id));
    assert_eq!((d23.report.score, d23.report.errors), (Some(50), 1));
    assert_eq!(d23.versions[0].created_by_login, "old");

    // Two published of three: published (late) as of the newest publication, which is the
    // current version; the earlier publication stays, superseded.
    let d22 = s
        .cycle_report(s.report_of(unit.id, 2022).await.unwrap().unwrap().id)
        .await
        .unwrap();
    let r = &d22.report;
    assert_eq!(r.state, ReportState::Published);
    assert_eq!(r.published_at, Some(ts(2023, 4, 1, 17)));
    assert_eq!(r.published_on_time, Some(false));
    assert_eq!(r.versions, 3);
    assert_eq!(
        names(&d22),
        vec![
            (3, "z.docx".into()),
            (2, "y.docx".into()),
            (1, "x.docx".into())
        ]
    );
    assert_eq!(r.current_version, Some(d22.versions[1].id));
    assert_eq!((r.score, r.warnings, r.infos), (Some(62), 2, 3));
    assert_eq!(d22.versions[0].published_at, None);
    assert_eq!(d22.versions[1].published_at, Some(ts(2023, 4, 1, 17)));
    assert_eq!(d22.versions[1].superseded_at, None);
    assert_eq!(d22.versions[2].published_at, Some(ts(2023, 3, 1, 0)));
    assert_eq!(d22.versions[2].superseded_at, Some(ts(2023, 4, 1, 17)));
    assert_eq!(d22.events.len(), 1);
    let e = &d22.events[0];
    assert_eq!(
        (e.step, e.from_state, e.to_state),
        (Step::AddVersion, None, ReportState::Published)
    );
    assert_eq!(e.comment.as_deref(), Some("由原上传记录迁移"));
    assert_eq!(e.version_id, r.current_version);
    assert_eq!(h.scalar("SELECT COUNT(*) FROM report_versions").await, 6);
    // And the migrated reports take new versions.
    s.create_upload(&admin(), &new_upload(&unit, 2023, b"after"))
        .await
        .unwrap();
    assert_eq!(
        s.report_of(unit.id, 2023).await.unwrap().unwrap().versions,
        3
    );
    s.close().await;
}
