//! Conformance cases: the database as a whole.

use super::*;

pub(crate) async fn schema_version_and_reopen_keep_data(fx: &Fx) {
    let s = fx.s();
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(
        s.backend(),
        if fx.backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let t = tree(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    if fx.backend == Backend::Sqlite {
        // Durability and locking settings of the write connection.
        let h = &fx.handle;
        let wal = "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'";
        assert_eq!(h.scalar(wal).await, 1);
        assert_eq!(h.scalar("PRAGMA synchronous").await, 2, "synchronous=FULL");
        assert_eq!(h.scalar("PRAGMA foreign_keys").await, 1);
        assert_eq!(h.scalar("PRAGMA busy_timeout").await, 5000);
    }
    let installed = fx
        .handle
        .scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .await;
    assert_eq!(installed, SCHEMA_VERSION);

    // Through the public `open`, as the server does.
    let again = open(&fx.target.db_target()).await.unwrap();
    assert_eq!(again.backend(), s.backend());
    assert_eq!(again.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(again.regions().await.unwrap(), s.regions().await.unwrap());
    assert_eq!(again.user(alice.id).await.unwrap(), alice);
    assert_eq!(
        again.count_audit().await.unwrap(),
        s.count_audit().await.unwrap()
    );
    // A change through one store is seen by the other (as by a restarted server).
    new_unit(&*again, &t.city, "U1", "甲市司法局", "").await;
    assert_eq!(s.units(None).await.unwrap().len(), 1);
    again.close().await;

    let h = fx.reopen().await.unwrap();
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await,
        installed,
        "no migration ran twice"
    );
    assert_eq!(h.store().units(None).await.unwrap().len(), 1);
    h.store().close().await;
}

pub(crate) async fn future_schema_is_refused(fx: &Fx) {
    let s = fx.s();
    tree(s).await;
    let checksum = match fx.backend {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    fx.handle
        .raw(&format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
        ))
        .await
        .unwrap();
    let err = fx
        .reopen()
        .await
        .err()
        .expect("a newer database must be refused");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 9999,
                supported: SCHEMA_VERSION
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("请升级程序"), "{err}");
    let err = open(&fx.target.db_target()).await.err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { .. }));
    // The refused open changed nothing.
    assert_eq!(s.regions().await.unwrap().len(), 4);
}

pub(crate) async fn backup_copies_everything(fx: &Fx) {
    let s = fx.s();
    let (_, u) = tree_with_unit(s).await;
    let up = s
        .create_upload(&admin(), &new_upload(&u, 2024, b"%PDF-1.7 report"))
        .await
        .unwrap();
    let dest = fx.dir().join("backups").join("fazhi-backup.db");
    match fx.backend {
        Backend::Postgres => {
            let err = s.backup_to(&dest).await.unwrap_err();
            let StoreError::Unsupported(msg) = &err else {
                panic!("{err:?}")
            };
            assert!(msg.contains("pg_dump"), "{msg}");
            assert!(!dest.exists());
        }
        Backend::Sqlite => {
            s.backup_to(&dest).await.unwrap();
            // A second backup into the same file is refused.
            assert!(matches!(
                s.backup_to(&dest).await,
                Err(StoreError::Invalid(_))
            ));
            let copy = open_sqlite(&dest).await.unwrap();
            assert_eq!(copy.regions().await.unwrap(), s.regions().await.unwrap());
            assert_eq!(copy.units(None).await.unwrap(), vec![u.clone()]);
            assert_eq!(
                copy.upload(up.id).await.unwrap(),
                s.upload(up.id).await.unwrap()
            );
            assert_eq!(copy.upload_bytes(up.id).await.unwrap(), b"%PDF-1.7 report");
            assert_eq!(
                copy.audit(&AuditFilter::default()).await.unwrap(),
                s.audit(&AuditFilter::default()).await.unwrap()
            );
            assert_eq!(copy.schema_version().await.unwrap(), SCHEMA_VERSION);
            // The copy is a working database, with its audit log still append-only.
            assert!(copy
                .raw_db()
                .raw_execute("DELETE FROM audit_log")
                .await
                .is_err());
            new_region(&copy, None, "Z", "备份后新建", RegionLevel::Province).await;
            copy.close().await;
            assert_eq!(s.regions().await.unwrap().len(), 4);
        }
    }
}

pub(crate) async fn concurrent_writers_from_two_stores(fx: &Fx) {
    let t = tree(fx.s()).await;
    let second = fx.reopen().await.unwrap().store();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let s = if i % 2 == 0 {
            fx.store.clone()
        } else {
            second.clone()
        };
        let city = t.city.clone();
        tasks.push(tokio::spawn(async move {
            let user = s
                .create_user(&admin(), &new_user(&format!("user{i}")))
                .await
                .unwrap();
            s.grant(
                &admin(),
                user.id,
                Grant {
                    role: Role::Supervisor,
                    node: Node::Region(city.id),
                },
            )
            .await
            .unwrap();
            new_unit(&*s, &city, &format!("U{i}"), &format!("单位{i}"), "").await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let s = fx.s();
    assert_eq!(s.count_users().await.unwrap(), 60);
    assert_eq!(s.units(None).await.unwrap().len(), 60);
    assert_eq!(s.count_audit().await.unwrap(), 4 + 60 * 3);
    second.close().await;
}
