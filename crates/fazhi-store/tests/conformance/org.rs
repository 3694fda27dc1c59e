//! Conformance cases: regions and units.

use super::*;

pub(crate) async fn regions_create_update_and_list(fx: &Fx) {
    let s = fx.s();
    let m = mark(s).await;
    let prov = new_region(s, None, "650000", "示范省", RegionLevel::Province).await;
    assert_eq!(prov.parent_id, None);
    assert_eq!(prov.path, vec![prov.id]);
    let e = one_entry(s, m, "region.create").await;
    assert_eq!(e.entity, "region");
    assert_eq!(e.entity_id, Some(prov.id.0));
    assert_eq!(e.region_path, vec![prov.id]);
    assert_eq!(e.unit_id, None);
    assert_eq!(e.actor_login, "admin");
    assert_eq!(e.addr, "127.0.0.1");
    assert_eq!(e.before, None);
    assert_eq!(e.after, Some(json(&prov)));

    let city = new_region(s, Some(&prov), "650100", "甲市", RegionLevel::City).await;
    let county = new_region(s, Some(&city), "650102", "乙区", RegionLevel::County).await;
    let city2 = new_region(s, Some(&prov), "650200", "丙市", RegionLevel::City).await;
    assert_eq!(county.path, vec![prov.id, city.id, county.id]);
    assert_eq!(county.parent_id, Some(city.id));
    assert_eq!(county.level, RegionLevel::County);

    // Parents before children, each subtree together.
    let all = s.regions().await.unwrap();
    assert_eq!(
        all,
        vec![prov.clone(), city.clone(), county.clone(), city2.clone()]
    );
    assert_eq!(s.region(county.id).await.unwrap(), county);
    assert!(matches!(
        s.region(RegionId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));

    let m = mark(s).await;
    let renamed = s
        .update_region(&admin(), city.id, "甲市（新）", &code("650100X"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "甲市（新）");
    assert_eq!(renamed.code, "650100X");
    assert_eq!(renamed.path, city.path);
    assert_eq!(renamed.parent_id, city.parent_id);
    assert_eq!(s.region(city.id).await.unwrap(), renamed);
    let e = one_entry(s, m, "region.update").await;
    assert_eq!(e.before, Some(json(&city)));
    assert_eq!(e.after, Some(json(&renamed)));
    assert_eq!(e.region_path, city.path);

    // Conflicts and bad input change nothing and write no entry.
    let m = mark(s).await;
    let err = s
        .create_region(
            &admin(),
            &region(None, "650000", "重复", RegionLevel::Province),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("650000")),
        "{err:?}"
    );
    let err = s
        .update_region(&admin(), county.id, "乙区", &code("650200"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("650200")),
        "{err:?}"
    );
    let err = s
        .create_region(
            &admin(),
            &NewRegion {
                parent_id: Some(RegionId(999_999)),
                ..region(None, "X1", "无", RegionLevel::City)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(matches!(
        s.update_region(&admin(), RegionId(999_999), "无", &code("X2"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_eq!(s.regions().await.unwrap().len(), 4);
    assert_eq!(s.region(county.id).await.unwrap(), county);
}

pub(crate) async fn units_create_update_and_list(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let m = mark(s).await;
    let u = new_unit(s, &t.county, "U1", "乙区司法局", "区司法局").await;
    assert_eq!(u.region_path, t.county.path);
    assert_eq!(u.short_name, "区司法局");
    let e = one_entry(s, m, "unit.create").await;
    assert_eq!(e.entity, "unit");
    assert_eq!(e.entity_id, Some(u.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);
    assert_eq!(e.after, Some(json(&u)));
    assert_eq!(s.unit(u.id).await.unwrap(), u);

    let u2 = new_unit(s, &t.city, "U2", "甲市科工局", "").await;
    let u3 = new_unit(s, &t.city2, "U3", "丙市教育局", "").await;
    let u4 = new_unit(s, &t.city, "U4", "甲市财政局", "").await;

    // Ordered by region path, then name.
    let names = |v: Vec<Unit>| v.into_iter().map(|u| u.code).collect::<Vec<_>>();
    let mut city_units = [(u2.name.clone(), "U2"), (u4.name.clone(), "U4")];
    city_units.sort();
    let mut expect: Vec<String> = city_units.iter().map(|(_, c)| c.to_string()).collect();
    expect.push("U1".into());
    assert_eq!(names(s.units(Some(t.city.id)).await.unwrap()), expect);
    expect.push("U3".into());
    assert_eq!(names(s.units(None).await.unwrap()), expect);
    assert_eq!(names(s.units(Some(t.prov.id)).await.unwrap()), expect);
    assert_eq!(names(s.units(Some(t.city2.id)).await.unwrap()), vec!["U3"]);
    assert_eq!(names(s.units(Some(t.county.id)).await.unwrap()), vec!["U1"]);
    assert!(matches!(
        s.units(Some(RegionId(999_999))).await,
        Err(StoreError::NotFound(_))
    ));

    // Update: rename and move to another region.
    let m = mark(s).await;
    let moved = s
        .update_unit(
            &admin(),
            u.id,
            &NewUnit {
                kind: UnitKind::Supervising,
                ..unit(&t.city2, "U1", "丙市司法局", "市司法局")
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.region_id, t.city2.id);
    assert_eq!(moved.region_path, t.city2.path);
    assert_eq!(moved.kind, UnitKind::Supervising);
    assert_eq!(s.unit(u.id).await.unwrap(), moved);
    let e = one_entry(s, m, "unit.update").await;
    assert_eq!(e.before, Some(json(&u)));
    assert_eq!(e.after, Some(json(&moved)));
    assert_eq!(e.region_path, t.city2.path);
    assert_eq!(e.unit_id, Some(u.id));

    let m = mark(s).await;
    let err = s
        .create_unit(&admin(), &unit(&t.city, "U3", "重复", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("U3")),
        "{err:?}"
    );
    let err = s
        .update_unit(&admin(), u2.id, &unit(&t.city, "U3", "甲市科工局", ""))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = s
        .create_unit(
            &admin(),
            &NewUnit {
                region_id: RegionId(999_999),
                ..unit(&t.city, "U9", "无", "")
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    let err = s
        .update_unit(
            &admin(),
            u2.id,
            &NewUnit {
                region_id: RegionId(999_999),
                ..unit(&t.city, "U2", "无", "")
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    assert!(matches!(
        s.update_unit(&admin(), UnitId(999_999), &unit(&t.city, "U9", "无", ""))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.unit(UnitId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_eq!(s.unit(u2.id).await.unwrap(), u2);
    let _ = u3;
}

fn code(c: &str) -> fazhi_domain::RegionCode {
    fazhi_domain::RegionCode::parse(c).expect("a region code")
}
