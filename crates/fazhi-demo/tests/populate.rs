//! The demo in a real (SQLite) store: deterministic (reports and ledger), every planted kind
//! of finding present, accounts for every role, and an occupied store refused.

use fazhi_demo::{populate, DemoError, DemoOptions};
use fazhi_domain::cycle::ReportState;
use fazhi_domain::Role;
use fazhi_report::Engine;
use fazhi_store::{open, BoardQuery, BoardSort, DbTarget, Store};
use std::sync::Arc;

async fn fresh(dir: &tempfile::TempDir, name: &str) -> Arc<dyn Store> {
    open(&DbTarget::Sqlite(dir.path().join(name)))
        .await
        .unwrap()
}

fn options() -> DemoOptions {
    DemoOptions {
        units: 30,
        years: 2,
        last_year: 2024,
        seed: 7,
        today: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    }
}

/// What must come out the same: the tree, the accounts and their grants, and per upload
/// its unit, year, bytes' hash, score and publication.
async fn snapshot(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    for r in store.regions().await.unwrap() {
        out.push(format!(
            "region {} {} {:?} {:?}",
            r.code, r.name, r.level, r.path
        ));
    }
    let units = store.units(None).await.unwrap();
    for u in &units {
        out.push(format!(
            "unit {} {} {} {:?} {}",
            u.code, u.name, u.short_name, u.kind, u.region_id
        ));
    }
    for u in store.users().await.unwrap() {
        out.push(format!(
            "user {} {} {}",
            u.login, u.display_name, u.must_change_password
        ));
    }
    for g in store.all_grants().await.unwrap() {
        out.push(format!("grant {} {:?}", g.user_id, g.grant));
    }
    for u in &units {
        for up in store.uploads_of_unit(u.id, None).await.unwrap() {
            out.push(format!(
                "upload {} {} {} {} {} {:?} {:?} {} {} {}",
                up.id,
                u.code,
                up.year,
                up.filename,
                up.sha256,
                up.score,
                up.published_at,
                up.errors,
                up.warnings,
                up.infos
            ));
        }
        let ledger = store
            .records(&fazhi_store::LedgerQuery {
                unit_id: u.id,
                ..Default::default()
            })
            .await
            .unwrap();
        for row in ledger.items {
            out.push(format!(
                "record {} {} {} {:?} {}",
                row.record.id,
                u.code,
                row.record.data.year,
                row.record.data.kind,
                row.record.data.fields.to_json()
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_options_same_data_and_every_planted_finding() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::default();
    let a = fresh(&dir, "a.sqlite3").await;
    let b = fresh(&dir, "b.sqlite3").await;
    let sa = populate(a.as_ref(), &engine, &options()).await.unwrap();
    let sb = populate(b.as_ref(), &engine, &options()).await.unwrap();
    assert_eq!(sa, sb);
    let (snap_a, snap_b) = (snapshot(a.as_ref()).await, snapshot(b.as_ref()).await);
    assert_eq!(snap_a, snap_b);

    assert_eq!(sa.units, 30);
    assert_eq!(sa.reports, 60);
    // Every unit has its ledger (2024 in full, a few records of 2026 before 2 March).
    assert!(sa.ledger_records > 30 * 100, "{}", sa.ledger_records);
    assert_eq!(
        snap_a.iter().filter(|l| l.starts_with("record")).count(),
        sa.ledger_records
    );
    assert!(sa
        .ledger_planted
        .get("training-hours-short")
        .is_some_and(|n| *n >= 1));
    assert_eq!(
        snap_a.iter().filter(|l| l.starts_with("upload")).count(),
        60
    );
    for rule in [
        "part-missing",
        "causes-missing",
        "date-missing",
        "signature-unit-mismatch",
        "facts-scarce",
    ] {
        assert!(
            sa.findings.get(rule).copied().unwrap_or(0) > 0,
            "{rule}: {:?}",
            sa.findings
        );
    }
    for role in Role::ALL {
        assert!(sa.accounts.iter().any(|acc| acc.role == role), "{role:?}");
    }
    // The demo's logins and passwords pass the policies people are held to.
    for acc in &sa.accounts {
        assert!(
            fazhi_domain::check_login(&acc.login).is_ok(),
            "{}",
            acc.login
        );
        assert_eq!(
            fazhi_domain::check_password(&acc.password, &acc.login),
            Ok(()),
            "{} / {}",
            acc.login,
            acc.password
        );
    }
    let kgj = a.user_by_login("kegongju").await.unwrap().unwrap();
    assert!(!kgj.must_change_password);
    assert!(kgj.password_hash.starts_with("$argon2id$"));
    // The earlier year is all published, the latest only in part.
    let years = a.upload_years().await.unwrap();
    assert_eq!(years, vec![2024, 2023]);
    let published = a.published_uploads(0, 1000).await.unwrap();
    assert_eq!(published.total as usize, sa.published);
    assert!(published.items.iter().filter(|u| u.year == 2023).count() == 30);
    assert!(published.items.iter().filter(|u| u.year == 2024).count() < 30);
    // Every upload is its unit's report of the year; a published one went through the cycle
    // (submitted, reviewed for secrets, published at the upload's time), the others are drafts.
    for up in &published.items {
        let r = a.report_of(up.unit_id, up.year).await.unwrap().unwrap();
        assert_eq!(r.state, ReportState::Published);
        assert_eq!(r.published_at, up.published_at);
        assert!(r.submitted_at.is_some() && r.submitted_on_time.is_some());
        assert!(r.published_on_time.is_some());
        let d = a.cycle_report(r.id).await.unwrap();
        assert!(d.current_review().is_some());
        assert_eq!(d.events.len(), 7);
    }
    let board = a
        .board(&BoardQuery {
            region: a.regions().await.unwrap()[0].id,
            year: 2024,
            kinds: fazhi_domain::UnitKind::ALL.to_vec(),
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
        })
        .await
        .unwrap();
    let published_2024 = published.items.iter().filter(|u| u.year == 2024).count() as i64;
    assert_eq!(board.counts.of(ReportState::Published), published_2024);
    assert_eq!(
        board.counts.of(ReportState::Draft),
        board.counts.units - board.counts.none - published_2024
    );

    // A different seed: the same organisation and accounts, other reports.
    let c = fresh(&dir, "c.sqlite3").await;
    populate(
        c.as_ref(),
        &engine,
        &DemoOptions {
            seed: 8,
            ..options()
        },
    )
    .await
    .unwrap();
    let snap_c = snapshot(c.as_ref()).await;
    let orgs = |s: &[String]| {
        s.iter()
            .filter(|l| l.starts_with("unit") || l.starts_with("region"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(orgs(&snap_a), orgs(&snap_c));
    assert_ne!(snap_a, snap_c);

    // Not twice.
    match populate(a.as_ref(), &engine, &options()).await {
        Err(DemoError::NotEmpty(what)) => assert!(what.contains("账号"), "{what}"),
        other => panic!("{other:?}"),
    }
}
