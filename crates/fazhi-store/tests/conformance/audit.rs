//! Conformance cases: the audit log.

use super::*;

pub(crate) async fn audit_filters_and_keyset_paging(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await; // 4 × region.create by admin
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let t1 = now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let bob = actor("bob");
    let ub = s
        .create_unit(&bob, &unit(&t.county, "UB", "乙区司法局", ""))
        .await
        .unwrap();
    let uc = s
        .create_unit(&bob, &unit(&t.city2, "UC", "丙市教育局", ""))
        .await
        .unwrap();
    let count = |filter: AuditFilter| async move { s.audit(&filter).await.unwrap().len() };
    let f = |g: fn(&mut AuditFilter)| {
        let mut f = AuditFilter {
            limit: 1000,
            ..Default::default()
        };
        g(&mut f);
        f
    };
    let in_region = |r: RegionId| AuditFilter {
        region_id: Some(r),
        limit: 100,
        ..Default::default()
    };
    let actions = |v: &[AuditEntry]| v.iter().map(|e| e.action.clone()).collect::<Vec<_>>();

    let all = s.audit(&f(|_| {})).await.unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(s.count_audit().await.unwrap(), 6);

    // Region subtree: 甲市 holds itself, 乙区 and the unit in 乙区.
    let in_city = s.audit(&in_region(t.city.id)).await.unwrap();
    let mut ids: Vec<Option<i64>> = in_city.iter().map(|e| e.entity_id).collect();
    ids.sort();
    let mut expect = vec![Some(t.city.id.0), Some(t.county.id.0), Some(ub.id.0)];
    expect.sort();
    assert_eq!(ids, expect);
    let in_city2 = s.audit(&in_region(t.city2.id)).await.unwrap();
    assert_eq!(in_city2.len(), 2);
    assert_eq!(in_city2[0].entity_id, Some(uc.id.0));
    let in_prov = s.audit(&in_region(t.prov.id)).await.unwrap();
    assert_eq!(in_prov.len(), 6);
    assert!(matches!(
        s.audit(&AuditFilter {
            region_id: Some(RegionId(999_999)),
            ..Default::default()
        })
        .await,
        Err(StoreError::NotFound(_))
    ));

    assert_eq!(
        actions(
            &s.audit(&f(|f| f.action_prefix = Some("unit".into())))
                .await
                .unwrap()
        ),
        vec!["unit.create"; 2]
    );
    assert_eq!(
        count(f(|f| f.action_prefix = Some("region.c".into()))).await,
        4
    );
    assert!(s
        .audit(&f(|f| f.action_prefix = Some("nothing".into())))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(count(f(|f| f.action_prefix = Some(String::new()))).await, 6);
    assert_eq!(count(f(|f| f.actor_login = Some("bob".into()))).await, 2);
    assert_eq!(count(f(|f| f.actor_login = Some("admin".into()))).await, 4);
    assert_eq!(count(f(|f| f.entity = Some("region".into()))).await, 4);

    // Time: from is inclusive, until exclusive.
    let from = s
        .audit(&AuditFilter {
            from: Some(t1),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(actions(&from), vec!["unit.create"; 2]);
    let until = s
        .audit(&AuditFilter {
            until: Some(t1),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(actions(&until), vec!["region.create"; 4]);
    let at = from[0].at;
    assert_eq!(
        s.audit(&AuditFilter {
            from: Some(at),
            until: Some(at),
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        0
    );
    assert!(s
        .audit(&AuditFilter {
            from: Some(at),
            until: Some(at + Duration::microseconds(1)),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .any(|e| e.id == from[0].id));

    // Filters combine.
    let both = s
        .audit(&AuditFilter {
            region_id: Some(t.city.id),
            actor_login: Some("bob".into()),
            action_prefix: Some("unit.".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(both.len(), 1);
    assert_eq!(both[0].entity_id, Some(ub.id.0));

    // Keyset paging.
    for i in 0..25 {
        s.record_login_failure(&actor("anonymous"), &format!("guess{i}"))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut before_id = None;
    let mut pages = Vec::new();
    loop {
        let page = s
            .audit(&AuditFilter {
                action_prefix: Some("session.".into()),
                before_id,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        pages.push(page.len());
        let Some(last) = page.last() else { break };
        before_id = Some(last.id);
        seen.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(pages, vec![10, 10, 5, 0]);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(seen.len(), 25);
    // Limit 0 means a default page, not nothing.
    assert_eq!(s.audit(&AuditFilter::default()).await.unwrap().len(), 31);
    assert_eq!(s.count_audit().await.unwrap(), 31);
}

pub(crate) async fn audit_log_is_append_only(fx: &Fx) {
    let s = fx.s();
    tree(s).await;
    let n = s.count_audit().await.unwrap();
    assert_eq!(n, 4);
    let before = s.audit(&AuditFilter::default()).await.unwrap();
    for sql in [
        "UPDATE audit_log SET action = 'forged'",
        "UPDATE audit_log SET after = NULL WHERE id = (SELECT MAX(id) FROM audit_log)",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)",
    ] {
        let err = fx.handle.raw(sql).await.expect_err(sql);
        assert!(err.to_string().contains("审计日志只能追加"), "{sql}: {err}");
    }
    if fx.backend == Backend::Postgres {
        let err = fx
            .handle
            .raw("TRUNCATE audit_log")
            .await
            .expect_err("truncate");
        assert!(err.to_string().contains("审计日志只能追加"), "{err}");
    }
    assert_eq!(s.count_audit().await.unwrap(), n);
    assert_eq!(s.audit(&AuditFilter::default()).await.unwrap(), before);
    // Appending still works.
    s.record_login_failure(&admin(), "x").await.unwrap();
    assert_eq!(s.count_audit().await.unwrap(), n + 1);
}
