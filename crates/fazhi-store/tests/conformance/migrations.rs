//! Conformance cases: upgrades: every release's frozen database opens with this build.

use super::ledger::*;
use super::*;
use fazhi_domain::cycle::ReportState;

/// Fixture directories of released schemas, oldest first.
pub(crate) const RELEASE_FIXTURES: &[&str] = &["schema-0001", "schema-0002", "schema-0003"];

pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub(crate) const FIXTURE_TOKEN: &str = "tokhash-fixture";
pub(crate) const FIXTURE_SESSION: &str = "sesshash-fixture";
pub(crate) const FIXTURE_BYTES: &[u8] = b"fixture report bytes";

/// What a release's fixture holds: a bit of every table.
pub(crate) async fn seed_fixture(s: &dyn Store) {
    let a = admin();
    let prov = new_region(s, None, "F-P", "夹具省", RegionLevel::Province).await;
    let city = new_region(s, Some(&prov), "F-A", "夹具市", RegionLevel::City).await;
    let u = s
        .create_unit(&a, &unit(&city, "F-U", "夹具市司法局", "市司法局"))
        .await
        .unwrap();
    let user = s.create_user(&a, &new_user("fixture")).await.unwrap();
    s.grant(
        &a,
        user.id,
        Grant {
            role: Role::Admin,
            node: Node::Region(prov.id),
        },
    )
    .await
    .unwrap();
    s.grant(
        &a,
        user.id,
        Grant {
            role: Role::UnitLeader,
            node: Node::Unit(u.id),
        },
    )
    .await
    .unwrap();
    s.create_api_token(&a, user.id, "夹具令牌", FIXTURE_TOKEN)
        .await
        .unwrap();
    let far = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    s.create_session(
        &a,
        &Session {
            token_hash: FIXTURE_SESSION.into(),
            ..session(user.id.0, "fixture", far)
        },
    )
    .await
    .unwrap();
    let up = s
        .create_upload(&a, &new_upload(&u, 2024, FIXTURE_BYTES))
        .await
        .unwrap();
    s.set_published(
        &a,
        up.id,
        Some(Utc.with_ymd_and_hms(2025, 3, 31, 8, 0, 0).unwrap()),
    )
    .await
    .unwrap();
    // Since schema 2: the ledger (a live record with an attachment sharing the upload's
    // bytes, and a deleted one).
    let r = s.create_record(&a, u.id, &fixture_record()).await.unwrap();
    s.add_attachment(
        &a,
        r.record.id,
        "签到表.pdf",
        "application/pdf",
        FIXTURE_BYTES,
    )
    .await
    .unwrap();
    let gone = s.create_record(&a, u.id, &officer("夹具")).await.unwrap();
    s.delete_record(&a, gone.record.id).await.unwrap();
    s.record_login_failure(&actor("anonymous"), "fixture")
        .await
        .unwrap();
}

/// The ledger record of the fixtures (schema 2 on).
pub(crate) fn fixture_record() -> RecordData {
    rec(
        RecordKind::Study,
        2024,
        &[
            ("date", "2024-03-06"),
            ("form", "党组会学法"),
            ("topic", "夹具学法"),
            ("laws", "宪法、行政处罚法"),
            ("hours", "1.5"),
        ],
        &["thought", "leadership.capacity"],
    )
}

/// Audit entries the ledger part of [`seed_fixture`] writes.
pub(crate) const FIXTURE_LEDGER_ENTRIES: usize = 4;

/// What must be true of a seeded fixture after this build opened it; `seeded_at` is the
/// schema version of the build that seeded it (what it holds depends on it).
pub(crate) async fn check_fixture(s: &dyn Store, seeded_at: i64) {
    let ledger = if seeded_at >= 2 {
        FIXTURE_LEDGER_ENTRIES
    } else {
        0
    };
    // From schema 4 on, the upload is audited with its report's first version.
    let cycle = usize::from(seeded_at >= 4);
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    let regions = s.regions().await.unwrap();
    assert_eq!(
        regions.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        vec!["F-P", "F-A"]
    );
    assert_eq!(regions[1].path, vec![regions[0].id, regions[1].id]);
    let units = s.units(Some(regions[0].id)).await.unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].short_name, "市司法局");
    let user = s
        .user_by_login("fixture")
        .await
        .unwrap()
        .expect("the fixture account");
    assert_eq!(s.grants(user.id).await.unwrap().len(), 2);
    assert_eq!(
        s.api_token_user(FIXTURE_TOKEN).await.unwrap().unwrap().1.id,
        user.id
    );
    assert!(s.session(FIXTURE_SESSION, now()).await.unwrap().is_some());
    let uploads = s.uploads_of_unit(units[0].id, None).await.unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(s.upload_bytes(uploads[0].id).await.unwrap(), FIXTURE_BYTES);
    let detail = s.upload(uploads[0].id).await.unwrap();
    assert_eq!(detail.checked_json.as_deref(), Some(r#"{"findings":[]}"#));
    assert_eq!(
        detail.summary.published_at,
        Some(Utc.with_ymd_and_hms(2025, 3, 31, 8, 0, 0).unwrap())
    );
    assert_eq!(s.published_uploads(0, 10).await.unwrap().total, 1);
    let audit = s
        .audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 11 + ledger + cycle);
    assert_eq!(audit[0].action, "session.login_failed");
    assert_eq!(audit.last().unwrap().action, "region.create");
    assert_eq!(
        s.audit(&AuditFilter {
            region_id: Some(regions[1].id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        5 + ledger + cycle
    );
    // The upload is its unit's report of 2024: migrated from a published upload (before
    // schema 4) it is published (on 31 March: on time); written by this build, a draft (the
    // upload's own publication is not the report's).
    let report = s.report_of(units[0].id, 2024).await.unwrap().unwrap();
    assert_eq!(report.versions, 1);
    assert_eq!(report.score, Some(80));
    if seeded_at < 4 {
        assert_eq!(report.state, ReportState::Published);
        assert_eq!(report.published_on_time, Some(true));
    } else {
        assert_eq!(report.state, ReportState::Draft);
    }
    let overview = s
        .unit_overview(&UnitOverviewQuery {
            region_id: regions[0].id,
            year: 2024,
            sort: UnitSort::Score,
            descending: false,
            search: None,
            offset: 0,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(overview.items[0].uploads, 1);
    // And it takes new writes.
    new_region(s, Some(&regions[1]), "F-B", "新区", RegionLevel::County).await;
    s.create_upload(&admin(), &new_upload(&units[0], 2025, FIXTURE_BYTES))
        .await
        .unwrap();
    assert_eq!(s.units(None).await.unwrap().len(), 1);

    // Passwords (history from schema 3 on): a reset keeps the hash the account had and
    // revokes its token.
    s.set_password(
        &admin(),
        user.id,
        "$argon2id$after-upgrade",
        PasswordSet::Reset,
    )
    .await
    .unwrap();
    assert_eq!(
        s.password_history(user.id).await.unwrap(),
        vec![user.password_hash.clone()]
    );
    assert!(s.api_token_user(FIXTURE_TOKEN).await.unwrap().is_none());

    // The ledger: what the fixture holds (from schema 2 on), and new records either way.
    let q = LedgerQuery {
        unit_id: units[0].id,
        include_deleted: true,
        ..Default::default()
    };
    let rows = s.records(&q).await.unwrap().items;
    if seeded_at >= 2 {
        assert_eq!(rows.len(), 2);
        let live: Vec<_> = rows.iter().filter(|r| r.deleted_at.is_none()).collect();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].record.data, fixture_record());
        assert_eq!(live[0].attachments.len(), 1);
        let (att, bytes) = s.attachment(live[0].attachments[0].id).await.unwrap();
        assert_eq!(att.filename, "签到表.pdf");
        assert_eq!(bytes, FIXTURE_BYTES);
        assert_eq!(s.ledger_years(units[0].id).await.unwrap(), vec![2024]);
        let mut edited = fixture_record();
        edited.fields = study("2024-03-07", "升级后修改").fields;
        let after = s
            .update_record(&admin(), live[0].record.id, &edited, live[0].version)
            .await
            .unwrap();
        assert_eq!(after.version, live[0].version + 1);
    } else {
        assert!(rows.is_empty());
    }
    s.create_record(&admin(), units[0].id, &study("2025-01-02", "升级后新建"))
        .await
        .unwrap();
    assert_eq!(
        s.ledger_years(units[0].id).await.unwrap(),
        if seeded_at >= 2 {
            vec![2025, 2024]
        } else {
            vec![2025]
        }
    );
}

/// Loads a plain SQL dump into the empty database `t`.
pub(crate) async fn load_dump(t: &Target, sql: &str) {
    match t {
        Target::Sqlite(path) => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
            c.execute(sql).await.expect("load the SQLite fixture");
            c.close().await.unwrap();
        }
        Target::Pg(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            c.execute(sql).await.expect("load the PostgreSQL fixture");
            c.close().await.unwrap();
        }
    }
}

pub(crate) async fn upgrade_from_release_fixtures(fx: &Fx) {
    // The database file of this run, copied after open and reopened: it stays readable.
    if let Target::Sqlite(path) = &fx.target {
        seed_fixture(fx.s()).await;
        let copy = fx.dir().join("copied").join("fazhi.db");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        fx.backup_free_copy(path, &copy).await;
        let h = fx.open(&Target::Sqlite(copy)).await.unwrap();
        check_fixture(&*h.store(), SCHEMA_VERSION).await;
        h.store().close().await;
    }
    for dir in RELEASE_FIXTURES {
        let seeded_at: i64 = dir
            .trim_start_matches("schema-")
            .parse()
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        let file = fixtures_dir().join(dir).join(match fx.backend {
            Backend::Sqlite => "sqlite.sql",
            Backend::Postgres => "postgres.sql",
        });
        let sql =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let target = fx.new_target().await;
        load_dump(&target, &sql).await;
        let h = fx
            .open(&target)
            .await
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        check_fixture(&*h.store(), seeded_at).await;
        // The audit log of an upgraded database is still append-only.
        assert!(h.raw("DELETE FROM audit_log").await.is_err());
        h.store().close().await;
    }
}

impl Fx {
    /// Copies an SQLite database file as a file (checkpointing first, so the copy holds
    /// every commit without its WAL).
    async fn backup_free_copy(&self, from: &Path, to: &Path) {
        self.handle
            .raw("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Freezes this build's schema with seeded data as `tests/fixtures/schema-<SCHEMA_VERSION>/`.
/// Run by hand after a release (see the module documentation); needs `sqlite3` and, for the
/// PostgreSQL dump, `pg_dump` and `FAZHI_TEST_DATABASE_URL`.
#[tokio::test]
#[ignore]
pub(crate) async fn write_release_fixture() {
    let out = fixtures_dir().join(format!("schema-{SCHEMA_VERSION:04}"));
    std::fs::create_dir_all(&out).unwrap();

    let fx = Fx::new(Backend::Sqlite).await.unwrap();
    seed_fixture(fx.s()).await;
    let Target::Sqlite(path) = &fx.target else {
        unreachable!()
    };
    fx.handle
        .raw("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    let dump = std::process::Command::new("sqlite3")
        .arg(path)
        .arg(".dump")
        .output()
        .expect("run sqlite3");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    std::fs::write(out.join("sqlite.sql"), dump.stdout).unwrap();
    fx.teardown().await;

    if let Some(fx) = Fx::new(Backend::Postgres).await {
        seed_fixture(fx.s()).await;
        let Target::Pg(url) = &fx.target else {
            unreachable!()
        };
        let dump = std::process::Command::new("pg_dump")
            .args([
                "--inserts",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                url,
            ])
            .output()
            .expect("run pg_dump");
        assert!(
            dump.status.success(),
            "{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        // psql meta-commands (\restrict …) are not SQL.
        let text: String = String::from_utf8(dump.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('\\'))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(out.join("postgres.sql"), text).unwrap();
        fx.teardown().await;
    }
}
