//! Conformance cases: the ledger: imports and attachments.

use super::ledger::*;
use super::*;

pub(crate) async fn ledger_import_is_all_or_nothing(fx: &Fx) {
    let s = fx.s();
    let (t, u, _) = ledger_units(s).await;
    let a = actor("importer");
    let rows: Vec<RecordData> = (0..40)
        .map(|i| {
            study(
                &format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                &format!("第{i}次学法"),
            )
        })
        .collect();

    let m = mark(s).await;
    assert_eq!(s.import_records(&a, u.id, &rows).await.unwrap(), 40);
    let page = s.records(&query(&u)).await.unwrap();
    assert_eq!(page.total, 40);
    let mut back: Vec<RecordData> = page.items.iter().map(|r| r.record.data.clone()).collect();
    let mut want = rows.clone();
    let topic = |d: &RecordData| d.fields.display("topic");
    back.sort_by_key(topic);
    want.sort_by_key(topic);
    assert_eq!(back, want);
    assert!(page
        .items
        .iter()
        .all(|r| r.version == 1 && r.created_by == "importer"));
    let mut q = query(&u);
    q.indicator = Some("leadership".into());
    assert_eq!(s.records(&q).await.unwrap().total, 40);
    let entries = entries_since(s, m).await;
    assert_eq!(entries.len(), 41);
    assert!(entries[..40].iter().all(|e| e.action == "record.create"
        && e.entity == "record"
        && e.unit_id == Some(u.id)
        && e.region_path == vec![t.prov.id, t.city.id]
        && e.after
            .as_ref()
            .is_some_and(|v| v.get("attachments").is_none())));
    let mut created: Vec<i64> = entries[..40].iter().map(|e| e.entity_id.unwrap()).collect();
    created.sort();
    let mut listed: Vec<i64> = page.items.iter().map(|r| r.record.id.0).collect();
    listed.sort();
    assert_eq!(created, listed);
    let summary = &entries[40];
    assert_eq!(summary.action, "record.import");
    assert_eq!(summary.entity_id, None);
    assert_eq!(summary.unit_id, Some(u.id));
    assert_eq!(
        summary.after,
        Some(serde_json::json!({"kind": "study", "count": 40}))
    );

    // Mixed kinds: the summary names none.
    let m = mark(s).await;
    assert_eq!(
        s.import_records(&a, u.id, &[officer("王五"), study("2025-07-01", "混合")])
            .await
            .unwrap(),
        2
    );
    let entries = entries_since(s, m).await;
    assert_eq!(
        entries.last().unwrap().after,
        Some(serde_json::json!({"kind": null, "count": 2}))
    );

    // Rows the store cannot keep: every one listed, nothing written.
    let m = mark(s).await;
    let mut bad = rows.clone();
    bad[3].year = 3000;
    bad[7].year = 1900;
    let err = s.import_records(&a, u.id, &bad).await.unwrap_err();
    let StoreError::Rows(errs) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), vec![4, 8]);
    assert!(errs[0].message.contains("3000"), "{errs:?}");
    assert!(matches!(
        s.import_records(&a, UnitId(999_999), &rows).await,
        Err(StoreError::NotFound("单位"))
    ));
    assert_eq!(s.import_records(&a, u.id, &[]).await.unwrap(), 0);
    assert_eq!(mark(s).await, m);

    // Failures late in the transaction leave nothing behind: a row far into a large file
    // (after earlier rows went in), and the very last statement (the summary entry).
    let triggers = match fx.backend {
        Backend::Sqlite => {
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON ledger_records \
             WHEN NEW.title = '爆炸' BEGIN SELECT RAISE(ABORT, 'boom'); END; \
             CREATE TRIGGER refuse_summary BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'record.import' AND NEW.after LIKE '%1199%' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.title = '爆炸' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_boom BEFORE INSERT ON ledger_records \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom(); \
             CREATE FUNCTION refuse_summary() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.action = 'record.import' AND NEW.after::text LIKE '%1199%' \
             THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER refuse_summary BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_summary();"
        }
    };
    fx.handle.raw(triggers).await.unwrap();
    let before = s.records(&query(&u)).await.unwrap().total;
    let tags_before = fx
        .handle
        .scalar("SELECT COUNT(*) FROM ledger_record_indicators")
        .await;
    let large: Vec<RecordData> = (0..1200)
        .map(|i| study("2025-09-01", &format!("大批第{i}条")))
        .collect();
    let mut boom = large.clone();
    boom[1100] = study("2025-08-01", "爆炸");
    let mut summary_fails = large.clone();
    summary_fails.pop();
    for (what, rows) in [("a late row", &boom), ("the summary", &summary_fails)] {
        assert!(
            s.import_records(&a, u.id, rows).await.is_err(),
            "{what} must fail"
        );
        assert_eq!(s.records(&query(&u)).await.unwrap().total, before, "{what}");
        assert_eq!(
            fx.handle
                .scalar("SELECT COUNT(*) FROM ledger_record_indicators")
                .await,
            tags_before,
            "{what}: no indicator of the failed import stays"
        );
        assert_eq!(mark(s).await, m, "{what}: no audit entry stays");
    }
    // And the same file goes in whole once nothing refuses it.
    assert_eq!(s.import_records(&a, u.id, &large).await.unwrap(), 1200);
    assert_eq!(s.records(&query(&u)).await.unwrap().total, before + 1200);
    assert_eq!(mark(s).await, m + 1201);
}

pub(crate) async fn ledger_attachments_dedup_and_unlink(fx: &Fx) {
    let s = fx.s();
    let (_, u, _) = ledger_units(s).await;
    let a = actor("alice");
    let r1 = s
        .create_record(&a, u.id, &study("2025-03-01", "一"))
        .await
        .unwrap();
    let r2 = s
        .create_record(&a, u.id, &study("2025-03-02", "二"))
        .await
        .unwrap();
    let blobs_before = fx.handle.scalar("SELECT COUNT(*) FROM blobs").await;
    let bytes = b"%PDF-1.7 sign-in sheet";

    let m = mark(s).await;
    let a1 = s
        .add_attachment(&a, r1.record.id, " 签到表.pdf ", "application/pdf", bytes)
        .await
        .unwrap();
    assert_eq!(a1.record_id, r1.record.id);
    assert_eq!(a1.filename, "签到表.pdf");
    assert_eq!(a1.sha256, sha(bytes));
    assert_eq!(a1.size, bytes.len() as i64);
    let e = one_entry(s, m, "attachment.create").await;
    assert_eq!(e.entity, "attachment");
    assert_eq!(e.entity_id, Some(a1.id.0));
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.after, Some(json(&a1)));
    let a2 = s
        .add_attachment(&a, r2.record.id, "copy.pdf", "application/pdf", bytes)
        .await
        .unwrap();
    let a3 = s
        .add_attachment(&a, r1.record.id, "photo.jpg", "image/jpeg", b"\xff\xd8jpeg")
        .await
        .unwrap();
    assert_eq!(a2.sha256, a1.sha256);
    assert_eq!(
        fx.handle.scalar("SELECT COUNT(*) FROM blobs").await,
        blobs_before + 2,
        "the same bytes are kept once"
    );
    let (got, got_bytes) = s.attachment(a1.id).await.unwrap();
    assert_eq!(got, a1);
    assert_eq!(got_bytes, bytes);
    // Attachments do not change the record's version (they are audited on their own).
    let read = s.record(r1.record.id).await.unwrap();
    assert_eq!(read.version, 1);
    assert_eq!(read.attachments, vec![a1.clone(), a3.clone()]);
    let page = s.records(&query(&u)).await.unwrap();
    assert_eq!(page.items[0].attachments, vec![a2.clone()]);
    assert_eq!(page.items[1].attachments, vec![a1.clone(), a3.clone()]);

    let m = mark(s).await;
    s.delete_attachment(&actor("bob"), a1.id).await.unwrap();
    let e = one_entry(s, m, "attachment.delete").await;
    assert_eq!(e.before, Some(json(&a1)));
    assert!(e.after.is_none());
    assert_eq!(e.unit_id, Some(u.id));
    assert!(matches!(
        s.attachment(a1.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.delete_attachment(&a, a1.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.record(r1.record.id).await.unwrap().attachments, vec![a3]);
    // The bytes stay (the other record still links them; the audit trail names them).
    assert_eq!(s.attachment(a2.id).await.unwrap().1, bytes);
    assert_eq!(
        fx.handle.scalar("SELECT COUNT(*) FROM blobs").await,
        blobs_before + 2
    );

    // Refusals: limits named, deleted or unknown records.
    let m = mark(s).await;
    let big = vec![0u8; MAX_ATTACHMENT_BYTES + 1];
    let err = s
        .add_attachment(
            &a,
            r1.record.id,
            "big.bin",
            "application/octet-stream",
            &big,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("50 MB")),
        "{err:?}"
    );
    let err = s
        .add_attachment(&a, r1.record.id, "  ", "text/plain", b"x")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let long = "长".repeat(256);
    let err = s
        .add_attachment(&a, r1.record.id, &long, "text/plain", b"x")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("255")),
        "{err:?}"
    );
    assert!(matches!(
        s.add_attachment(&a, RecordId(999_999), "a.txt", "text/plain", b"x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    let mark_before_delete = mark(s).await;
    assert_eq!(mark_before_delete, m);
    s.delete_record(&a, r2.record.id).await.unwrap();
    let err = s
        .add_attachment(&a, r2.record.id, "late.txt", "text/plain", b"late")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("已删除")),
        "{err:?}"
    );
    // A deleted record keeps its attachments (restoring it brings them back).
    assert_eq!(s.record(r2.record.id).await.unwrap().attachments, vec![a2]);
    assert_eq!(mark(s).await, m + 1);
    assert_no_secrets_in_audit(s).await;
}
