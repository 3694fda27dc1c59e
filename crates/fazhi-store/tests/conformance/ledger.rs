//! Conformance cases: the ledger.

use super::*;

pub(crate) fn rec(
    kind: RecordKind,
    year: i32,
    pairs: &[(&str, &str)],
    indicators: &[&str],
) -> RecordData {
    let raw: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    RecordData {
        kind,
        year,
        fields: parse_fields(kind, &raw).unwrap_or_else(|e| panic!("{kind:?}: {e:?}")),
        indicators: indicators.iter().map(|s| s.to_string()).collect(),
    }
}

/// A 学法 session of `date` (its year) about `topic`.
pub(crate) fn study(date: &str, topic: &str) -> RecordData {
    rec(
        RecordKind::Study,
        date[..4].parse().unwrap(),
        &[("date", date), ("form", "党组会学法"), ("topic", topic)],
        &["thought", "leadership.capacity"],
    )
}

/// An officer: a kind without a date field.
pub(crate) fn officer(name: &str) -> RecordData {
    rec(
        RecordKind::Officer,
        2025,
        &[
            ("name", name),
            ("cert_no", "粤A-0001"),
            ("valid_until", "2027-06-30"),
        ],
        &["enforcement.system"],
    )
}

/// 示范省 ─ 甲市 ─ 甲市司法局, and 丙市科工局 elsewhere.
pub(crate) async fn ledger_units(s: &dyn Store) -> (Tree, Unit, Unit) {
    let t = tree(s).await;
    let u = new_unit(s, &t.city, "U1", "甲市司法局", "市司法局").await;
    let other = new_unit(s, &t.city2, "U2", "丙市科工局", "").await;
    (t, u, other)
}

pub(crate) fn query(unit: &Unit) -> LedgerQuery {
    LedgerQuery {
        unit_id: unit.id,
        ..Default::default()
    }
}

pub(crate) async fn ids_of(s: &dyn Store, q: &LedgerQuery) -> Vec<RecordId> {
    s.records(q)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.record.id)
        .collect()
}

pub(crate) async fn ledger_create_update_and_conflicts(fx: &Fx) {
    let s = fx.s();
    let (t, u, _) = ledger_units(s).await;
    let alice = actor("alice");

    let m = mark(s).await;
    let data = rec(
        RecordKind::Study,
        2025,
        &[
            ("date", "2025-03-06"),
            ("form", "党组会学法"),
            ("topic", "学习行政处罚法"),
            ("laws", "宪法、行政处罚法"),
            ("attendees", "12"),
            ("leader_present", "是"),
            ("hours", "2.5"),
        ],
        &["thought", "leadership.capacity"],
    );
    let row = s.create_record(&alice, u.id, &data).await.unwrap();
    assert_eq!(row.record.unit_id, u.id);
    assert_eq!(row.record.data, data, "fields come back typed and equal");
    assert_eq!(row.version, 1);
    assert_eq!(row.created_by, "alice");
    assert_eq!(row.updated_by, "alice");
    assert_eq!(row.created_at, row.updated_at);
    assert!(row.deleted_at.is_none());
    assert!(row.attachments.is_empty());
    let read = s.record(row.record.id).await.unwrap();
    assert_eq!(read, row);
    let e = one_entry(s, m, "record.create").await;
    assert_eq!(e.entity, "record");
    assert_eq!(e.entity_id, Some(row.record.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, vec![t.prov.id, t.city.id]);
    assert_eq!(e.actor_login, "alice");
    assert!(e.before.is_none());
    let after = e.after.unwrap();
    assert!(after.get("attachments").is_none(), "{after}");
    assert_eq!(after["record"], json(&row.record));
    assert_eq!(after["version"], 1);

    // An edit on the current version.
    let m = mark(s).await;
    let mut changed = data.clone();
    changed.year = 2024;
    changed.fields = study("2024-12-30", "学习民法典").fields;
    changed.indicators = vec!["thought".into()];
    let bob = actor("bob");
    let updated = s
        .update_record(&bob, row.record.id, &changed, 1)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.record.data, changed);
    assert_eq!(updated.created_by, "alice");
    assert_eq!(updated.updated_by, "bob");
    assert_eq!(updated.created_at, row.created_at);
    assert!(updated.updated_at >= row.updated_at);
    assert_eq!(s.record(row.record.id).await.unwrap(), updated);
    let e = one_entry(s, m, "record.update").await;
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.before.unwrap()["record"], json(&row.record));
    assert_eq!(e.after.unwrap()["record"], json(&updated.record));
    // The derived columns follow the edit: the old date and indicator no longer match.
    let mut q = query(&u);
    q.indicator = Some("leadership".into());
    assert!(ids_of(s, &q).await.is_empty());
    q.indicator = Some("thought".into());
    assert_eq!(ids_of(s, &q).await, vec![row.record.id]);
    let mut q = query(&u);
    q.q = Some("民法典".into());
    assert_eq!(ids_of(s, &q).await, vec![row.record.id]);
    q.q = Some("行政处罚法".into());
    assert!(ids_of(s, &q).await.is_empty());
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2024]);

    // A stale form: refused, nothing written.
    let m = mark(s).await;
    let err = s
        .update_record(&alice, row.record.id, &data, 1)
        .await
        .unwrap_err();
    let StoreError::Conflict(msg) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(msg, "该记录已被他人修改，请刷新后重试");
    assert_eq!(s.record(row.record.id).await.unwrap(), updated);
    assert_eq!(mark(s).await, m);

    // Two edits of the same version at once: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..4 {
        let st = fx.store.clone();
        let mut d = changed.clone();
        d.fields = study("2024-11-01", &format!("并发修改{i}")).fields;
        let id = row.record.id;
        tasks.push(tokio::spawn(async move {
            st.update_record(&actor("racer"), id, &d, 2).await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => {
                wins += 1;
                assert_eq!(r.version, 3);
            }
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(mark(s).await, m + 1);
    assert_eq!(s.record(row.record.id).await.unwrap().version, 3);

    // The kind never changes; a year the schema cannot hold is refused; unknown ids.
    let err = s
        .update_record(&alice, row.record.id, &officer("张三"), 3)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("类别不能更改")),
        "{err:?}"
    );
    let mut far = data.clone();
    far.year = 3000;
    let err = s.create_record(&alice, u.id, &far).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("3000")),
        "{err:?}"
    );
    assert!(matches!(
        s.update_record(&alice, row.record.id, &far, 3).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.create_record(&alice, UnitId(999_999), &data).await,
        Err(StoreError::NotFound("单位"))
    ));
    assert!(matches!(
        s.record(RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.update_record(&alice, RecordId(999_999), &data, 1).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m + 1, "refusals write nothing");

    // A kind without a date field, and text that must come back exactly.
    let o = s
        .create_record(&alice, u.id, &officer("李四"))
        .await
        .unwrap();
    assert_eq!(s.record(o.record.id).await.unwrap().record, o.record);
    assert_eq!(o.record.title(), "李四");
}

pub(crate) async fn ledger_delete_and_restore(fx: &Fx) {
    let s = fx.s();
    let (_, u, _) = ledger_units(s).await;
    let a = actor("alice");
    let keep = s
        .create_record(&a, u.id, &study("2024-05-01", "留下"))
        .await
        .unwrap();
    let row = s
        .create_record(&a, u.id, &study("2025-05-01", "删掉"))
        .await
        .unwrap();

    let m = mark(s).await;
    let deleted = s.delete_record(&actor("bob"), row.record.id).await.unwrap();
    assert!(deleted.deleted_at.is_some());
    assert_eq!(deleted.version, 2);
    assert_eq!(deleted.updated_by, "bob");
    assert_eq!(deleted.record, row.record);
    let e = one_entry(s, m, "record.delete").await;
    assert_eq!(e.entity_id, Some(row.record.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.before.unwrap()["deleted_at"], serde_json::Value::Null);
    assert!(!e.after.unwrap()["deleted_at"].is_null());

    // Deleting again answers the row and writes nothing.
    let again = s.delete_record(&a, row.record.id).await.unwrap();
    assert_eq!(again, deleted);
    assert_eq!(mark(s).await, m + 1);
    // Still readable, not editable.
    assert_eq!(s.record(row.record.id).await.unwrap(), deleted);
    let err = s
        .update_record(&a, row.record.id, &study("2025-05-02", "改"), 2)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("已删除")),
        "{err:?}"
    );

    // Lists: live by default, both with include_deleted, only deleted with deleted_only.
    let q = query(&u);
    assert_eq!(ids_of(s, &q).await, vec![keep.record.id]);
    assert_eq!(s.records(&q).await.unwrap().total, 1);
    let all = LedgerQuery {
        include_deleted: true,
        ..query(&u)
    };
    assert_eq!(ids_of(s, &all).await, vec![row.record.id, keep.record.id]);
    let only = LedgerQuery {
        deleted_only: true,
        ..query(&u)
    };
    assert_eq!(ids_of(s, &only).await, vec![row.record.id]);
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2024]);

    let m = mark(s).await;
    let restored = s.restore_record(&a, row.record.id).await.unwrap();
    assert!(restored.deleted_at.is_none());
    assert_eq!(restored.version, 3);
    let e = one_entry(s, m, "record.restore").await;
    assert!(!e.before.unwrap()["deleted_at"].is_null());
    assert!(e.after.unwrap()["deleted_at"].is_null());
    // Restoring a live record is a no-op.
    assert_eq!(s.restore_record(&a, row.record.id).await.unwrap(), restored);
    assert_eq!(mark(s).await, m + 1);
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2025, 2024]);
    assert_eq!(ids_of(s, &q).await, vec![row.record.id, keep.record.id]);
    // Editable again, on its new version.
    s.update_record(&a, row.record.id, &study("2025-05-03", "恢复后修改"), 3)
        .await
        .unwrap();
    assert!(matches!(
        s.delete_record(&a, RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.restore_record(&a, RecordId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
}

pub(crate) async fn ledger_list_filters_order_and_paging(fx: &Fx) {
    let s = fx.s();
    let (_, u, other) = ledger_units(s).await;
    let a = actor("alice");
    let mut id = std::collections::HashMap::new();
    for (key, data) in [
        ("s1", study("2025-01-10", "学习宪法 ABC")),
        ("s2", study("2025-03-01", "学习民法典")),
        ("s3", study("2025-03-01", "100%_完成")),
        ("s_old", study("2024-06-01", "去年的学法")),
        ("o1", officer("张三")),
        (
            "d1",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "城市更新规划"), ("discussed", "2025-02-15")],
                &["decision.procedure"],
            ),
        ),
        (
            "d2",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "尚未讨论的决策")],
                &["decision"],
            ),
        ),
        (
            "x1",
            rec(
                RecordKind::MajorDecision,
                2025,
                &[("title", "前缀相同而非下级")],
                &["decisionmaking"],
            ),
        ),
    ] {
        let r = s.create_record(&a, u.id, &data).await.unwrap();
        id.insert(key, r.record.id);
    }
    // Another unit's record never shows.
    s.create_record(&a, other.id, &study("2025-03-01", "学习民法典"))
        .await
        .unwrap();
    let ids = |keys: &[&str]| keys.iter().map(|k| id[k]).collect::<Vec<_>>();

    // Order: the record's date newest first, records without one last, then id descending.
    let q = query(&u);
    let page = s.records(&q).await.unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["s3", "s2", "d1", "s1", "s_old", "x1", "d2", "o1"])
    );

    let by = |f: &dyn Fn(&mut LedgerQuery)| {
        let mut q = query(&u);
        f(&mut q);
        q
    };
    assert_eq!(
        ids_of(s, &by(&|q| q.year = Some(2024))).await,
        ids(&["s_old"])
    );
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.year = Some(2025);
                q.kind = Some(RecordKind::Study)
            })
        )
        .await,
        ids(&["s3", "s2", "s1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.kind = Some(RecordKind::Officer))).await,
        ids(&["o1"])
    );
    // Search: any field's text, ASCII case-insensitive, wildcards taken literally.
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("abc".into()))).await,
        ids(&["s1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some(" 民法 ".into()))).await,
        ids(&["s2"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("%_".into()))).await,
        ids(&["s3"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("党组会学法".into()))).await,
        ids(&["s3", "s2", "s1", "s_old"]),
        "choice fields are searched too"
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("2025-02-15".into()))).await,
        ids(&["d1"]),
        "dates as displayed"
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("粤a-0001".into()))).await,
        ids(&["o1"])
    );
    assert!(ids_of(s, &by(&|q| q.q = Some("没有的词".into())))
        .await
        .is_empty());
    assert_eq!(
        ids_of(s, &by(&|q| q.q = Some("  ".into()))).await.len(),
        8,
        "a blank search is no filter"
    );
    // Indicators: the code itself and the codes below it, not mere string prefixes.
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("decision".into()))).await,
        ids(&["d1", "d2"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("decision.procedure".into()))).await,
        ids(&["d1"])
    );
    assert!(
        ids_of(s, &by(&|q| q.indicator = Some("decision.pro".into())))
            .await
            .is_empty()
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.indicator = Some("leadership".into()))).await,
        ids(&["s3", "s2", "s1", "s_old"])
    );
    // Date bounds are inclusive and leave out records without a date.
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.from = NaiveDate::from_ymd_opt(2025, 2, 15);
                q.until = NaiveDate::from_ymd_opt(2025, 3, 1)
            })
        )
        .await,
        ids(&["s3", "s2", "d1"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.until = NaiveDate::from_ymd_opt(2025, 1, 10))).await,
        ids(&["s1", "s_old"])
    );
    assert_eq!(
        ids_of(s, &by(&|q| q.from = NaiveDate::from_ymd_opt(2025, 3, 2))).await,
        Vec::<RecordId>::new()
    );
    // Ids (a figure's records), combined with other filters; an empty set is empty.
    assert_eq!(
        ids_of(s, &by(&|q| q.ids = Some(ids(&["o1", "s1", "d2"])))).await,
        ids(&["s1", "d2", "o1"])
    );
    assert_eq!(
        ids_of(
            s,
            &by(&|q| {
                q.ids = Some(ids(&["o1", "s1", "d2"]));
                q.kind = Some(RecordKind::Study)
            })
        )
        .await,
        ids(&["s1"])
    );
    assert!(ids_of(s, &by(&|q| q.ids = Some(Vec::new())))
        .await
        .is_empty());
    let many: Vec<RecordId> = (1..=5000).map(RecordId).chain([id["s2"]]).collect();
    assert!(ids_of(s, &by(&|q| q.ids = Some(many.clone())))
        .await
        .contains(&id["s2"]));

    // Paging: total counts all matches; limit 0 reads all.
    let page = s
        .records(&by(&|q| {
            q.offset = 2;
            q.limit = 3
        }))
        .await
        .unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["d1", "s1", "s_old"])
    );
    let page = s
        .records(&by(&|q| {
            q.offset = 6;
            q.limit = 0
        }))
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|r| r.record.id).collect::<Vec<_>>(),
        ids(&["d2", "o1"])
    );
    let page = s
        .records(&by(&|q| {
            q.offset = 100;
            q.limit = 10
        }))
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (0, 8));
    assert_eq!(s.ledger_years(u.id).await.unwrap(), vec![2025, 2024]);
    assert_eq!(
        s.ledger_years(UnitId(999_999)).await.unwrap(),
        Vec::<i32>::new()
    );
}
