//! Conformance cases: the organisation import.

use super::*;

pub(crate) fn r_row(code: &str, name: &str, level: RegionLevel, parent: Option<&str>) -> OrgRow {
    OrgRow::Region {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(str::to_string),
    }
}

pub(crate) fn u_row(code: &str, name: &str, short: &str, kind: UnitKind, region: &str) -> OrgRow {
    OrgRow::Unit {
        code: code.into(),
        name: name.into(),
        short_name: short.into(),
        kind,
        region_code: region.into(),
    }
}

pub(crate) async fn import_creates_then_updates_only_what_changed(fx: &Fx) {
    let s = fx.s();
    let rows = vec![
        r_row("100", "示范省", RegionLevel::Province, None),
        r_row("110", "甲市", RegionLevel::City, Some("100")),
        u_row("U1", "甲市司法局", "市司法局", UnitKind::Supervising, "110"),
        r_row("111", "乙区", RegionLevel::County, Some("110")),
        u_row("U2", "乙区教育局", "", UnitKind::Department, "111"),
    ];
    let lines: Vec<usize> = (2..2 + rows.len()).collect();
    let m = mark(s).await;
    let sum = s.import_org(&admin(), &rows, &lines).await.unwrap();
    assert_eq!(
        (
            sum.regions_created,
            sum.regions_updated,
            sum.units_created,
            sum.units_updated
        ),
        (2 + 1, 0, 2, 0)
    );
    let regions = s.regions().await.unwrap();
    assert_eq!(
        regions.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["100", "110", "111"]
    );
    let (p, c, d) = (&regions[0], &regions[1], &regions[2]);
    assert_eq!(d.path, vec![p.id, c.id, d.id]);
    assert_eq!(c.level, RegionLevel::City);
    let units = s.units(None).await.unwrap();
    let u1 = units.iter().find(|u| u.code == "U1").unwrap().clone();
    let u2 = units.iter().find(|u| u.code == "U2").unwrap().clone();
    assert_eq!(u1.region_id, c.id);
    assert_eq!(u1.kind, UnitKind::Supervising);
    assert_eq!(u2.region_path, d.path);

    // One entry per created row, then the summary, placed where all of it sits.
    let e = entries_since(s, m).await;
    let actions: Vec<&str> = e.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "region.create",
            "region.create",
            "unit.create",
            "region.create",
            "unit.create",
            "org.import"
        ]
    );
    assert_eq!(e[2].after, Some(json(&u1)));
    assert_eq!(e[2].unit_id, Some(u1.id));
    assert_eq!(e[5].after, Some(json(&sum)));
    assert_eq!(e[5].entity, "org");
    assert_eq!(e[5].region_path, vec![p.id]);
    assert_eq!(e[5].unit_id, None);

    // The same file again changes nothing: only the summary entry.
    let m = mark(s).await;
    let sum = s.import_org(&admin(), &rows, &lines).await.unwrap();
    assert_eq!(sum, Default::default());
    let e = one_entry(s, m, "org.import").await;
    assert_eq!(e.region_path, Vec::<i64>::new());

    // Changes, resolving against existing rows (and a region row that names an existing parent).
    let rows2 = vec![
        r_row("110", "甲市（更名）", RegionLevel::City, Some("100")),
        u_row("U2", "乙区教育局", "区教育局", UnitKind::Department, "110"),
        r_row("112", "丁区", RegionLevel::County, Some("110")),
        u_row("U1", "甲市司法局", "市司法局", UnitKind::Supervising, "110"),
    ];
    let m = mark(s).await;
    let sum = s
        .import_org(&admin(), &rows2, &[10, 11, 12, 13])
        .await
        .unwrap();
    assert_eq!(
        (
            sum.regions_created,
            sum.regions_updated,
            sum.units_created,
            sum.units_updated
        ),
        (1, 1, 0, 1)
    );
    let e = entries_since(s, m).await;
    let actions: Vec<&str> = e.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "region.update",
            "unit.update",
            "region.create",
            "org.import"
        ]
    );
    assert_eq!(e[0].before.as_ref().unwrap()["name"], "甲市");
    assert_eq!(e[0].after.as_ref().unwrap()["name"], "甲市（更名）");
    let u2_after = s.unit(u2.id).await.unwrap();
    assert_eq!(u2_after.region_id, c.id);
    assert_eq!(u2_after.short_name, "区教育局");
    assert_eq!(e[1].before, Some(json(&u2)));
    assert_eq!(e[1].after, Some(json(&u2_after)));
    assert_eq!(e[3].region_path, c.path);

    let err = s.import_org(&admin(), &rows2, &[1]).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let ok = s.import_org(&admin(), &[], &[]).await.unwrap();
    assert_eq!(ok, Default::default());
}

pub(crate) async fn import_is_all_or_nothing_and_lists_every_bad_row(fx: &Fx) {
    let s = fx.s();
    s.import_org(
        &admin(),
        &[
            r_row("100", "示范省", RegionLevel::Province, None),
            r_row("110", "甲市", RegionLevel::City, Some("100")),
            u_row("U1", "甲市司法局", "", UnitKind::Supervising, "110"),
        ],
        &[2, 3, 4],
    )
    .await
    .unwrap();
    let regions_before = s.regions().await.unwrap();
    let units_before = s.units(None).await.unwrap();
    let m = mark(s).await;

    let rows = vec![
        r_row("200", "新省", RegionLevel::Province, None), // 2 good
        r_row("210", "无上级", RegionLevel::City, Some("299")), // 3 unknown parent
        r_row("220", "上级在后", RegionLevel::City, Some("230")), // 4 parent only later
        r_row("230", "新市", RegionLevel::City, Some("200")), // 5 good
        r_row("200", "重复", RegionLevel::Province, None), // 6 duplicate in batch
        r_row("100", "成环", RegionLevel::Province, Some("110")), // 7 cycle
        u_row("U9", "无区划单位", "", UnitKind::Department, "999"), // 8 unknown region
        u_row("U1", "甲市司法局（改）", "", UnitKind::Supervising, "110"), // 9 good update
        r_row("U1", "单位代码当区划", RegionLevel::City, Some("100")), // 10 code of a unit
        u_row("200", "区划代码当单位", "", UnitKind::Department, "200"), // 11 code of a region
        u_row("U8", "", "", UnitKind::Department, "200"),  // 12 empty name
        u_row("U7", "挂在错行区划下", "", UnitKind::Department, "210"), // 13 fine: 210 is reported once
        r_row("240", "自己的上级", RegionLevel::City, Some("240")),     // 14 own parent
    ];
    let lines: Vec<usize> = (2..2 + rows.len()).collect();
    let err = s.import_org(&admin(), &rows, &lines).await.unwrap_err();
    let StoreError::Rows(bad) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        bad.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![3, 4, 6, 7, 8, 10, 11, 12, 14]
    );
    assert!(bad.iter().all(|e| !e.message.is_empty()));
    assert!(bad[0].message.contains("299"), "{}", bad[0].message);
    assert!(bad[1].message.contains("230"), "{}", bad[1].message);
    assert!(bad[2].message.contains("200"), "{}", bad[2].message);
    assert!(bad[3].message.contains("100"), "{}", bad[3].message);
    assert!(bad[4].message.contains("999"), "{}", bad[4].message);
    assert!(err.to_string().contains("9 行"), "{err}");

    // Nothing applied, nothing logged.
    assert_eq!(s.regions().await.unwrap(), regions_before);
    assert_eq!(s.units(None).await.unwrap(), units_before);
    assert_eq!(mark(s).await, m);
}

pub(crate) async fn import_moves_a_subtree_and_refuses_cycles(fx: &Fx) {
    let s = fx.s();
    s.import_org(
        &admin(),
        &[
            r_row("P", "省", RegionLevel::Province, None),
            r_row("A", "甲市", RegionLevel::City, Some("P")),
            r_row("B", "乙区", RegionLevel::County, Some("A")),
            u_row("UB", "乙区司法局", "", UnitKind::Supervising, "B"),
            r_row("C", "丙市", RegionLevel::City, Some("P")),
        ],
        &[1, 2, 3, 4, 5],
    )
    .await
    .unwrap();
    let by_code = |v: &[Region], c: &str| v.iter().find(|r| r.code == c).unwrap().clone();
    let before = s.regions().await.unwrap();
    let (p, a, b, c) = (
        by_code(&before, "P"),
        by_code(&before, "A"),
        by_code(&before, "B"),
        by_code(&before, "C"),
    );

    // A (with B and B's unit) moves under C.
    let m = mark(s).await;
    let sum = s
        .import_org(
            &admin(),
            &[r_row("A", "甲市", RegionLevel::City, Some("C"))],
            &[7],
        )
        .await
        .unwrap();
    assert_eq!(sum.regions_updated, 1);
    let after = s.regions().await.unwrap();
    assert_eq!(by_code(&after, "A").path, vec![p.id, c.id, a.id]);
    assert_eq!(by_code(&after, "A").parent_id, Some(c.id));
    assert_eq!(by_code(&after, "B").path, vec![p.id, c.id, a.id, b.id]);
    assert_eq!(
        after.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["P", "C", "A", "B"]
    );
    let ub = s.units(Some(c.id)).await.unwrap();
    assert_eq!(ub.len(), 1);
    assert_eq!(ub[0].region_path, vec![p.id, c.id, a.id, b.id]);
    let e = entries_since(s, m).await;
    assert_eq!(e[0].action, "region.update");
    assert_eq!(
        e[0].before.as_ref().unwrap()["parent_id"],
        json(&Some(p.id))
    );
    assert_eq!(
        e[0].after.as_ref().unwrap()["path"],
        json(&vec![p.id, c.id, a.id])
    );

    // C under B would close a cycle (B is now below C).
    let err = s
        .import_org(
            &admin(),
            &[r_row("C", "丙市", RegionLevel::City, Some("B"))],
            &[9],
        )
        .await
        .unwrap_err();
    let StoreError::Rows(bad) = err else { panic!() };
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 9);

    // A cycle made within one batch is caught too: A under B after B moved... B is A's child.
    let err = s
        .import_org(
            &admin(),
            &[
                r_row("B", "乙区", RegionLevel::County, Some("C")),
                r_row("C", "丙市", RegionLevel::City, Some("B")),
            ],
            &[1, 2],
        )
        .await
        .unwrap_err();
    let StoreError::Rows(bad) = err else { panic!() };
    assert_eq!(bad.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2]);

    // To the root.
    s.import_org(
        &admin(),
        &[r_row("A", "甲市", RegionLevel::City, None)],
        &[1],
    )
    .await
    .unwrap();
    let a2 = s.region(a.id).await.unwrap();
    assert_eq!(a2.path, vec![a.id]);
    assert_eq!(a2.parent_id, None);
    assert_eq!(s.region(b.id).await.unwrap().path, vec![a.id, b.id]);
    assert!(s.units(Some(p.id)).await.unwrap().is_empty());
    assert_eq!(s.units(Some(a.id)).await.unwrap().len(), 1);
}
