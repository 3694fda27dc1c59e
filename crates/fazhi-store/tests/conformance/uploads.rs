//! Conformance cases: reports: uploads and the unit overview.

use super::*;

pub(crate) async fn uploads_dedup_detail_publish(fx: &Fx) {
    let s = fx.s();
    let (t, u) = tree_with_unit(s).await;
    let other = new_unit(s, &t.city2, "U2", "丙市教育局", "").await;
    let staff = s.create_user(&admin(), &new_user("staff")).await.unwrap();
    let who = Actor {
        user_id: Some(staff.id),
        login: "staff".into(),
        addr: "10.0.0.1".into(),
    };

    let m = mark(s).await;
    let a = s
        .create_upload(&who, &new_upload(&u, 2024, b"report A"))
        .await
        .unwrap();
    assert_eq!(a.unit_id, u.id);
    assert_eq!(a.unit_name, "乙区司法局");
    assert_eq!(a.year, 2024);
    assert_eq!(a.size, 8);
    assert_eq!(a.sha256, sha(b"report A"));
    assert_eq!(a.status, UploadStatus::Checked);
    assert_eq!(a.score, Some(80));
    assert_eq!(a.uploaded_by, Some(staff.id));
    assert_eq!(a.uploaded_by_login, "staff");
    assert_eq!(a.published_at, None);
    // The upload's entry, then its report's (the upload is the report's first version).
    let entries = entries_since(s, m).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["upload.create", "report.add_version"]);
    let e = &entries[0];
    assert_eq!(e.entity, "upload");
    assert_eq!(e.entity_id, Some(a.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);
    assert_eq!(e.after, Some(json(&a)));

    // The same bytes again: a second upload, one blob.
    let b = s
        .create_upload(
            &who,
            &NewUpload {
                filename: "再传.docx".into(),
                ..new_upload(&u, 2024, b"report A")
            },
        )
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM blobs").await, 1);
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM uploads").await, 2);
    let failed = NewUpload {
        status: UploadStatus::Failed,
        error: Some("无法读取文件".into()),
        checked_json: None,
        score: None,
        ..new_upload(&u, 2023, b"broken")
    };
    let c = s.create_upload(&who, &failed).await.unwrap();
    assert_eq!(c.status, UploadStatus::Failed);
    assert_eq!(c.error.as_deref(), Some("无法读取文件"));
    assert_eq!(fx.handle.scalar("SELECT COUNT(*) FROM blobs").await, 2);

    let d = s.upload(a.id).await.unwrap();
    assert_eq!(d.summary, a);
    assert_eq!(d.unit, u);
    assert!(d.content_type.contains("wordprocessingml"));
    assert_eq!(d.checked_json.as_deref(), Some(r#"{"findings":[]}"#));
    assert_eq!(s.upload(c.id).await.unwrap().checked_json, None);
    assert_eq!(s.upload_bytes(a.id).await.unwrap(), b"report A");
    assert_eq!(s.upload_bytes(b.id).await.unwrap(), b"report A");
    assert_eq!(s.upload_bytes(c.id).await.unwrap(), b"broken");
    assert!(matches!(
        s.upload(UploadId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.upload_bytes(UploadId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));

    let ids = |v: Vec<fazhi_store::UploadSummary>| v.into_iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.uploads_of_unit(u.id, Some(2024)).await.unwrap()),
        vec![b.id, a.id]
    );
    assert_eq!(
        ids(s.uploads_of_unit(u.id, None).await.unwrap()),
        vec![c.id, b.id, a.id]
    );
    assert!(s.uploads_of_unit(other.id, None).await.unwrap().is_empty());
    assert_eq!(s.upload_years().await.unwrap(), vec![2024, 2023]);

    // Bad input.
    let m = mark(s).await;
    let bad = NewUpload {
        sha256: sha(b"something else"),
        ..new_upload(&u, 2024, b"report A")
    };
    assert!(matches!(
        s.create_upload(&who, &bad).await,
        Err(StoreError::Invalid(_))
    ));
    let nowhere = Unit {
        id: UnitId(999_999),
        ..u.clone()
    };
    assert!(matches!(
        s.create_upload(&who, &new_upload(&nowhere, 2024, b"x"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    // Publish, list, withdraw.
    assert_eq!(s.published_uploads(0, 10).await.unwrap().total, 0);
    let t1 = now();
    let m = mark(s).await;
    let pa = s.set_published(&who, a.id, Some(t1)).await.unwrap();
    assert_eq!(pa.published_at, Some(t1));
    let e = one_entry(s, m, "upload.publish").await;
    assert_eq!(e.before, Some(json(&a)));
    assert_eq!(e.after, Some(json(&pa)));
    assert_eq!(e.unit_id, Some(u.id));
    let pc = s
        .set_published(&who, c.id, Some(t1 + Duration::seconds(5)))
        .await
        .unwrap();
    let page = s.published_uploads(0, 10).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items, vec![pc.clone(), pa.clone()]);
    let page = s.published_uploads(1, 1).await.unwrap();
    assert_eq!((page.total, ids(page.items)), (2, vec![a.id]));
    assert!(s.published_uploads(5, 10).await.unwrap().items.is_empty());
    assert_eq!(s.upload(a.id).await.unwrap().summary.published_at, Some(t1));

    let m = mark(s).await;
    let wa = s.set_published(&who, a.id, None).await.unwrap();
    assert_eq!(wa.published_at, None);
    let e = one_entry(s, m, "upload.withdraw").await;
    assert_eq!(e.before, Some(json(&pa)));
    assert_eq!(e.after, Some(json(&wa)));
    assert_eq!(
        ids(s.published_uploads(0, 10).await.unwrap().items),
        vec![c.id]
    );
    assert!(matches!(
        s.set_published(&who, UploadId(999_999), Some(t1)).await,
        Err(StoreError::NotFound(_))
    ));
}

pub(crate) async fn unit_overview_sorts_pages_searches_subtrees(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let a1 = new_unit(s, &t.city, "a1", "甲局", "甲").await;
    let a2 = new_unit(s, &t.city, "a2", "乙局", "").await;
    let b1 = new_unit(s, &t.county, "b1", "丙局", "").await;
    let b2 = new_unit(s, &t.county, "b2", "丁办", "丁").await;
    let c1 = new_unit(s, &t.city2, "c1", "戊局", "").await;
    let up = |u: &Unit, year: i32, tag: &str, score: Option<i32>, errors: i32, warnings: i32| {
        NewUpload {
            score,
            errors,
            warnings,
            status: if score.is_some() {
                UploadStatus::Checked
            } else {
                UploadStatus::Failed
            },
            ..new_upload(u, year, format!("{}-{year}-{tag}", u.code).as_bytes())
        }
    };
    // In this order, so the latest upload times are a2 < b1 < c1 < a1.
    s.create_upload(&admin(), &up(&a1, 2024, "first", Some(60), 1, 1))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&a2, 2024, "x", Some(70), 3, 2))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&b1, 2024, "x", None, 0, 0))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&c1, 2024, "x", Some(50), 1, 1))
        .await
        .unwrap();
    let a1_latest = s
        .create_upload(&admin(), &up(&a1, 2024, "second", Some(90), 0, 1))
        .await
        .unwrap();
    s.create_upload(&admin(), &up(&b2, 2023, "old", Some(99), 0, 0))
        .await
        .unwrap();

    let q = |sort: UnitSort, descending: bool| UnitOverviewQuery {
        region_id: t.prov.id,
        year: 2024,
        sort,
        descending,
        search: None,
        offset: 0,
        limit: 50,
    };
    let codes = |p: &fazhi_store::Page<fazhi_store::UnitOverviewRow>| {
        p.items
            .iter()
            .map(|r| r.unit.code.clone())
            .collect::<Vec<_>>()
    };
    let run = |query: UnitOverviewQuery| async move { s.unit_overview(&query).await.unwrap() };

    let p = run(q(UnitSort::Score, false)).await;
    assert_eq!(p.total, 5);
    // Four of the five units uploaded for the year (b2 did not).
    assert_eq!(
        s.count_units_uploaded(&q(UnitSort::Name, true))
            .await
            .unwrap(),
        4
    );
    assert_eq!(codes(&p), vec!["c1", "a2", "a1", "b1", "b2"]);
    let row_a1 = p.items.iter().find(|r| r.unit.code == "a1").unwrap();
    assert_eq!(row_a1.latest.as_ref().unwrap(), &a1_latest);
    assert_eq!(row_a1.uploads, 2);
    assert_eq!(row_a1.region_name, "甲市");
    assert_eq!(row_a1.unit, a1);
    let row_b2 = p.items.iter().find(|r| r.unit.code == "b2").unwrap();
    assert!(row_b2.latest.is_none());
    assert_eq!(row_b2.uploads, 0);
    assert_eq!(row_b2.region_name, "乙区");
    assert_eq!(
        codes(&run(q(UnitSort::Score, true)).await),
        vec!["a1", "a2", "c1", "b1", "b2"]
    );

    // Names in code point order; units without an upload of the year last.
    let mut with_upload = [&a1, &a2, &b1, &c1];
    with_upload.sort_by(|x, y| x.name.cmp(&y.name));
    let mut expect: Vec<String> = with_upload.iter().map(|u| u.code.clone()).collect();
    expect.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Name, false)).await), expect);
    let mut rev: Vec<String> = with_upload.iter().rev().map(|u| u.code.clone()).collect();
    rev.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Name, true)).await), rev);

    assert_eq!(
        codes(&run(q(UnitSort::Findings, false)).await),
        vec!["b1", "a1", "c1", "a2", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::Findings, true)).await),
        vec!["a2", "c1", "a1", "b1", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::UploadedAt, false)).await),
        vec!["a2", "b1", "c1", "a1", "b2"]
    );
    assert_eq!(
        codes(&run(q(UnitSort::UploadedAt, true)).await),
        vec!["a1", "c1", "b1", "a2", "b2"]
    );

    // By region (tree order), then name.
    let path_text = |r: &Region| r.path.iter().map(|i| format!("/{i}")).collect::<String>() + "/";
    let mut by_region: Vec<(String, String, String)> = [
        (&a1, &t.city),
        (&a2, &t.city),
        (&b1, &t.county),
        (&c1, &t.city2),
    ]
    .iter()
    .map(|(u, r)| (path_text(r), u.name.clone(), u.code.clone()))
    .collect();
    by_region.sort();
    let mut expect: Vec<String> = by_region.iter().map(|x| x.2.clone()).collect();
    expect.push("b2".into());
    assert_eq!(codes(&run(q(UnitSort::Region, false)).await), expect);

    // Paging keeps the total.
    let p = run(UnitOverviewQuery {
        offset: 1,
        limit: 2,
        ..q(UnitSort::Score, false)
    })
    .await;
    assert_eq!(
        (p.total, codes(&p)),
        (5, vec!["a2".to_string(), "a1".to_string()])
    );
    let p = run(UnitOverviewQuery {
        offset: 10,
        ..q(UnitSort::Score, false)
    })
    .await;
    assert_eq!((p.total, p.items.len()), (5, 0));

    // Search in name or short name; wildcards are literal.
    let search = |s: &str| UnitOverviewQuery {
        search: Some(s.into()),
        ..q(UnitSort::Name, false)
    };
    let p = run(search("局")).await;
    assert_eq!(p.total, 4);
    assert!(codes(&p).iter().all(|c| c != "b2"));
    assert_eq!(codes(&run(search("丁")).await), vec!["b2"]);
    assert_eq!(codes(&run(search("甲")).await), vec!["a1"]);
    assert_eq!(run(search("%")).await.total, 0);
    assert_eq!(run(search("  ")).await.total, 5);

    // Subtrees.
    let under = |r: &Region| UnitOverviewQuery {
        region_id: r.id,
        ..q(UnitSort::Name, false)
    };
    let p = run(under(&t.city)).await;
    assert_eq!(p.total, 4);
    let mut got = codes(&p);
    got.sort();
    assert_eq!(got, vec!["a1", "a2", "b1", "b2"]);
    assert_eq!(codes(&run(under(&t.county)).await), vec!["b1", "b2"]);
    assert_eq!(codes(&run(under(&t.city2)).await), vec!["c1"]);

    // Another year.
    let p = run(UnitOverviewQuery {
        year: 2023,
        ..q(UnitSort::Score, true)
    })
    .await;
    assert_eq!(codes(&p)[0], "b2");
    assert_eq!(p.items[0].latest.as_ref().unwrap().score, Some(99));
    assert!(p.items[1..]
        .iter()
        .all(|r| r.latest.is_none() && r.uploads == 0));

    let err = s
        .unit_overview(&UnitOverviewQuery {
            region_id: RegionId(999_999),
            ..q(UnitSort::Name, false)
        })
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))));
}
